#!/usr/bin/env node
import { runService } from '@sigstack/service-kit';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openTrust } from './open.js';

await runService({
  name: 'trust',
  load: loadConfig,
  async start(config, logger) {
    const trust = await openTrust(config, logger);
    return {
      app: buildApp({ config, repositoryDir: trust.repositoryDir, logger }),
      close: () => trust.close(),
      ready: trust.ready,
    };
  },
});
