#!/usr/bin/env node
/** The only file that touches the process: argv, stdio, signals and the exit code. */
import { abortableSleep } from './io.js';
import { run } from './run.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: globalThis.fetch,
  now: () => Date.now(),
  sleep: abortableSleep,
  signal: controller.signal,
  env: process.env,
});
