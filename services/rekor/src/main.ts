#!/usr/bin/env node
import { runService } from '@sigstack/service-kit';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openRekorLog } from './open.js';

await runService({
  name: 'rekor',
  load: loadConfig,
  async start(config, logger) {
    const rekor = await openRekorLog(config);
    return {
      app: buildApp({ config, rekor, logger }),
      close: () => rekor.engine.close(),
      ready: { url: config.publicUrl, origin: rekor.engine.origin, treeSize: rekor.engine.checkpoint.size, logID: rekor.key.logId },
    };
  },
});
