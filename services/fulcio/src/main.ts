#!/usr/bin/env node
import { runService } from '@sigstack/service-kit';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openFulcio } from './open.js';

await runService({
  name: 'fulcio',
  load: loadConfig,
  async start(config, logger) {
    const { issuer, issuers, ca, identity, close } = await openFulcio(config);
    for (const warning of ca.warnings) logger.warn({ warning }, 'ca key');
    // Discovery and JWKS of the static issuers now, so the first signer does not wait; a provider
    // that is down is logged and asked again on first use.
    void identity.warm().then((results) => {
      for (const r of results) if (r.error) logger.warn({ issuer: r.issuer, reason: r.error.reason }, 'identity provider not reachable yet');
    });
    return {
      app: buildApp({ config, issuer, issuers, logger }),
      close,
      ready: {
        ctLog: config.ctLogUrl,
        issuers: [...Object.keys(issuers.oidcIssuers), ...Object.keys(issuers.metaIssuers)],
        ...(config.devMode && config.devIssuerFetchUrl !== '' ? { devIssuerFetchUrl: config.devIssuerFetchUrl } : {}),
      },
    };
  },
});
