import type { FastifyInstance } from 'fastify';
import { pemEncode } from '@sigstack/crypto/keys';
import { configurationIssuers } from '../../identity/index.js';
import type { IssuerConfig } from '../../identity/index.js';

export function infoRoutes(app: FastifyInstance, chain: readonly Uint8Array[], issuers: IssuerConfig): void {
  const pems = chain.map((c) => pemEncode('CERTIFICATE', c));
  app.get('/api/v2/trustBundle', async () => ({ chains: [{ certificates: pems }] }));
  app.get('/api/v1/rootCert', async (_req, reply) => reply.type('application/pem-certificate-chain').send(pems.join('')));
  app.get('/api/v2/configuration', async () => ({ issuers: configurationIssuers(issuers) }));
  // Like upstream, health does not call the CA backend, the CT log or the identity providers.
  app.get('/healthz', async () => ({ status: 'SERVING' }));
}
