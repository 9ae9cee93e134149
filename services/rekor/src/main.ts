#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import type { Config } from './config.js';
import type { RekorLog } from './log/rekor-log.js';
import { openRekorLog } from './open.js';

// The only file that reads process.env and argv, builds the logger and listens.
const bootLogger = pino({ name: 'rekor' });
let config: Config;
try {
  config = loadConfig({ env: process.env, argv: process.argv.slice(2), readFile: (p) => readFileSync(p, 'utf8') });
} catch (err) {
  bootLogger.fatal({ err }, err instanceof ConfigError ? err.message : 'could not load configuration');
  process.exit(1);
}
const logger = pino({
  name: 'rekor',
  level: config.logLevel,
  redact: ['req.headers.authorization', 'req.headers.cookie'],
});

let rekor: RekorLog;
try {
  rekor = await openRekorLog(config);
} catch (err) {
  logger.fatal({ err }, 'could not open the log');
  process.exit(1);
}
const app = buildApp({ config, rekor, logger });

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing the batch in flight');
  try {
    await app.close();
    await rekor.engine.close();
    logger.info('stopped');
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'unclean shutdown');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

try {
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, url: config.publicUrl, origin: rekor.engine.origin, treeSize: rekor.engine.checkpoint.size, logID: rekor.key.logId }, 'rekor ready');
} catch (err) {
  logger.fatal({ err }, 'could not listen');
  await rekor.engine.close();
  process.exit(1);
}
