#!/usr/bin/env node
import { loadConfig, runService } from '@sigstack/service-kit';
import { SCHEMA } from './dev-oidc-config.js';
import { createDevIssuer } from './oidc-issuer.js';

// The dev OIDC issuer as a process, for `npm start` and end-to-end tests. Dev only.

await runService({
  name: 'dev-oidc',
  load: (sources) => loadConfig(SCHEMA, 'DEV_OIDC_CONFIG_FILE', sources),
  async start(config, logger) {
    const issuer = await createDevIssuer({ issuer: config.issuer, audience: config.audience, logger });
    return { app: issuer.app, close: async () => undefined, ready: { issuer: config.issuer } };
  },
});
