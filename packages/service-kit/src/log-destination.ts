import { pino } from 'pino';
import type { DestinationStream } from 'pino';

/** How long stdout may refuse a log line (EAGAIN) before the service stops logging. */
export const STDOUT_STALL_MS = 2_000;

/**
 * The services' log destination: stdout, written synchronously, so that a stdout nobody reads
 * cannot hang the process. With pino's default (asynchronous) destination, lines still queued at
 * exit are flushed in a loop that retries every 100 ms and never gives up on a broken pipe; a
 * service whose supervisor died (its stdout pipe closed) then never finishes a SIGTERM and is left
 * behind. Writing each line at once, a broken pipe (EPIPE) is seen on the line that meets it and
 * pino drops the lines after it; a full pipe (EAGAIN, a reader that stopped reading) is retried for
 * `stallMs` and then logging is switched off for good. Either way the service goes on serving and
 * stops cleanly on SIGTERM. `now` and `fd` (stdout by default) are injectable for tests.
 */
export function logDestination(options: { fd?: number; stallMs?: number; now?: () => number } = {}): DestinationStream {
  const stallMs = options.stallMs ?? STDOUT_STALL_MS;
  const now = options.now ?? Date.now;
  let stalledSince: number | undefined;
  const stream = pino.destination({
    dest: options.fd ?? 1,
    sync: true,
    retryEAGAIN: () => {
      stalledSince ??= now();
      return now() - stalledSince < stallMs;
    },
  });
  stream.on('write', () => {
    stalledSince = undefined;
  });
  // Reached when retryEAGAIN said no, or on any error but EPIPE (which pino handles by dropping
  // the lines itself): stop writing for good.
  stream.on('error', () => {
    stream.write = () => true;
    stream.flushSync = () => undefined;
  });
  return stream;
}
