#!/usr/bin/env node
import { integer, logLevel, loadConfig, runService, text, url } from '@sigstack/service-kit';
import { createDevIssuer } from './oidc-issuer.js';

// The dev OIDC issuer as a process, for `npm start` and end-to-end tests. Dev only.
const SCHEMA = {
  host: { env: 'DEV_OIDC_HOST', default: '127.0.0.1', parse: text, description: 'Address to listen on.' },
  port: { env: 'DEV_OIDC_PORT', default: 5556, parse: integer(0, 65535), description: 'TCP port.' },
  issuer: { env: 'DEV_OIDC_ISSUER', default: 'http://127.0.0.1:5556', parse: url, description: 'The iss of its tokens and discovery document.' },
  audience: { env: 'DEV_OIDC_AUDIENCE', default: 'sigstore', parse: text, description: 'The aud of its tokens.' },
  logLevel: { env: 'DEV_OIDC_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level.' },
};

await runService({
  name: 'dev-oidc',
  load: (sources) => loadConfig(SCHEMA, 'DEV_OIDC_CONFIG_FILE', sources),
  async start(config, logger) {
    const issuer = await createDevIssuer({ issuer: config.issuer, audience: config.audience, logger });
    return { app: issuer.app, close: async () => undefined, ready: { issuer: config.issuer } };
  },
});
