#!/usr/bin/env node
import { runService } from '@sigstack/service-kit';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openAuthority } from './open.js';

/** How often the clock is read while no requests arrive, so that a jump is reported when idle too. */
const CLOCK_CHECK_INTERVAL_MS = 1000;

await runService({
  name: 'tsa',
  load: loadConfig,
  async start(config, logger) {
    const log = logger.child({ component: 'clock' });
    const opened = await openAuthority(config, {
      onClockEvent(event) {
        if (event.kind === 'jump') log.error({ byMs: Math.round(event.jump.byMs), at: new Date(event.jump.at).toISOString(), refusing: config.refuseOnClockFault }, 'wall clock jumped against the monotonic clock');
        else log.info({ settleSeconds: config.clockSettleSeconds }, 'wall clock trusted again');
      },
    });
    for (const warning of opened.certified.warnings) logger.warn({ component: 'signer' }, warning);
    const timer = setInterval(() => opened.clock.read(), CLOCK_CHECK_INTERVAL_MS);
    timer.unref();
    const leaf = opened.certified.chain[0];
    return {
      app: buildApp({ config, authority: opened.authority, logger }),
      async close() {
        clearInterval(timer);
        await opened.certified.signer.close();
      },
      ready: { signer: config.signer, policy: config.policyOid, certificate: leaf?.subject, notAfter: leaf?.notAfter.toISOString() },
    };
  },
});
