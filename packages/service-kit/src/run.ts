import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { ConfigSources } from './config.js';
import { logDestination } from './log-destination.js';

export type Started = {
  app: FastifyInstance;
  /** Closes what `start` opened, after the app stopped taking requests. */
  close: () => Promise<void>;
  /** Fields for the `<name> ready` log line. */
  ready?: Record<string, unknown>;
};

/** Fields that name secrets wherever they appear in a log record. */
export const REDACT = ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.privateKey', '*.token', '*.idToken'];

/**
 * The body of every service's main.ts: loads the config from the process (the only place that
 * reads process.env and argv), builds the root logger, starts the service, listens, logs
 * `<name> ready` with the bound address, and on SIGTERM/SIGINT stops taking requests, lets `close`
 * finish the work in flight, and exits 0. Exits 1 on bad config or a failed start.
 */
export async function runService<C extends { host: string; port: number; logLevel: string }>(options: {
  name: string;
  load: (sources: ConfigSources) => C;
  start: (config: C, logger: Logger) => Promise<Started>;
}): Promise<void> {
  const { name } = options;
  const boot = pino({ name });
  let config: C;
  try {
    config = options.load({ env: process.env, argv: process.argv.slice(2), readFile: (p) => readFileSync(p, 'utf8') });
  } catch (err) {
    boot.fatal({ err }, (err as Error).message);
    process.exit(1);
  }
  const logger = pino({ name, level: config.logLevel, redact: REDACT }, logDestination());
  let started: Started;
  try {
    started = await options.start(config, logger);
  } catch (err) {
    logger.fatal({ err }, `could not start ${name}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the work in flight');
    try {
      await started.app.close();
      await started.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  try {
    const address = await started.app.listen({ host: config.host, port: config.port });
    logger.info({ address, ...started.ready }, `${name} ready`);
  } catch (err) {
    logger.fatal({ err }, 'could not listen');
    await started.close();
    process.exit(1);
  }
}
