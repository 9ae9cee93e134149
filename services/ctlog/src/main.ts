#!/usr/bin/env node
import { runService } from '@sigstack/service-kit';
import { toBase64 } from '@sigstack/crypto/encoding';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openCtLog, originOf } from './open.js';

await runService({
  name: 'ctlog',
  load: loadConfig,
  async start(config, logger) {
    const roots = logger.child({ component: 'roots' });
    const ct = await openCtLog(config, {
      onRootsReload: (e) => (e.error ? roots.warn({ error: e.error, kept: e.count }, 'roots file changed but does not parse; keeping the previous roots') : roots.info({ count: e.count }, 'roots file re-read')),
    });
    if (ct.roots.all.length === 0) roots.warn('no accepted roots yet: every submission is refused until the roots file holds a certificate');
    return {
      app: buildApp({ config, ct, logger }),
      close: () => ct.engine.close(),
      ready: { url: config.publicUrl + config.pathPrefix, origin: originOf(config), treeSize: ct.engine.checkpoint.size, logID: toBase64(ct.key.logId), roots: ct.roots.all.length },
    };
  },
});
