import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createServiceApp, registerJsonParser } from '@sigstack/service-kit';
import type { Config } from './config.js';
import type { CertificateIssuer } from './issuance/issuer.js';
import type { IssuerConfig } from './identity/index.js';
import { registerErrorHandler } from './http/error-handler.js';
import { signingRoutes } from './http/routes/signing.js';
import { infoRoutes } from './http/routes/info.js';

export type AppOptions = {
  config: Pick<Config, 'maxRequestBytes' | 'logRequests'>;
  issuer: CertificateIssuer;
  issuers: IssuerConfig;
  logger?: FastifyBaseLogger;
};

/** Builds the Fulcio HTTP app; it does not listen (main.ts does, tests use inject()). */
export function buildApp({ config, issuer, issuers, logger }: AppOptions): FastifyInstance {
  const app = createServiceApp({ maxRequestBytes: config.maxRequestBytes, logRequests: config.logRequests, logger });
  registerErrorHandler(app);
  registerJsonParser(app, { maxBytes: config.maxRequestBytes, maxDepth: 16 });
  signingRoutes(app, issuer);
  infoRoutes(app, issuer.chain, issuers);
  return app;
}

export { openFulcio } from './open.js';
export { loadConfig } from './config.js';
export type { Config } from './config.js';
