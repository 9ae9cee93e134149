/**
 * The monitor's lock on `--state DIR`: `DIR/lock` holds the decimal pid of the monitor that owns
 * DIR. Two monitors on one DIR would race on state.json (each write is atomic, but the second
 * could store an older checkpoint over a newer one), so a second one is refused.
 *
 * Contract:
 * - `acquireStateLock` creates the lock atomically with its content: the pid is written to a
 *   private temporary file that is then hard-linked to `lock` (link fails with EEXIST when the lock
 *   exists), so no reader ever sees an empty or half-written lock.
 * - A lock whose pid is alive (see isProcessAlive; the pid of this very process counts too) is
 *   not ours to take: ERR_MONITOR_LOCKED, exit `locked`. A lock whose pid is gone, or which does
 *   not hold a pid, is stale: it is removed and the lock is taken over.
 * - `release` removes the lock only while it still holds our pid. A monitor that dies without
 *   releasing leaves a stale lock, which the next monitor takes over.
 * - Not covered: two monitors taking over the same stale lock in the same instant (between one's
 *   re-read and its removal). Each re-reads the lock just before removing it, so the window is a
 *   few system calls wide.
 */
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditError } from '../errors.js';
import { isProcessAlive } from '../process-alive.js';

const LOCK_FILE = 'lock';
/** A lock holds a pid and a newline; anything longer is not a lock we wrote. */
const MAX_LOCK = 64;
/** Each attempt either takes the lock, is refused, or removes one stale lock. */
const MAX_ATTEMPTS = 5;
/** Tells apart the temporary files of monitors in one process (tests run several). */
let tempCounter = 0;

export interface StateLock {
  readonly file: string;
  /** Removes the lock if it still holds our pid. Never throws. */
  release(): Promise<void>;
}

/** The lock's content, or undefined when there is no lock (or it cannot be read). */
async function readLock(file: string): Promise<string | undefined> {
  try {
    const text = await readFile(file, 'latin1');
    return text.slice(0, MAX_LOCK + 1);
  } catch {
    return undefined;
  }
}

/** The pid a lock names, or undefined when the content is not a decimal pid. */
function pidOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (text.length > MAX_LOCK || !/^[1-9][0-9]{0,9}$/.test(trimmed)) return undefined;
  const pid = Number(trimmed);
  return Number.isSafeInteger(pid) ? pid : undefined;
}

/** Takes the lock of `dir` (created if missing) for the process `pid`. */
export async function acquireStateLock(dir: string, pid: number): Promise<StateLock> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new AuditError('input', 'ERR_ENCODING_INVALID', `couldn't create state directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const file = join(dir, LOCK_FILE);
  const content = `${pid}\n`;
  const temp = join(dir, `.lock.${pid}.${tempCounter++}`);
  try {
    await writeFile(temp, content, { flag: 'wx' });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await link(temp, file);
        return { file, release: () => releaseLock(file, content) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const held = await readLock(file);
      if (held === undefined) continue;
      const owner = pidOf(held);
      if (owner !== undefined && isProcessAlive(owner)) {
        throw new AuditError('locked', 'ERR_MONITOR_LOCKED', `another monitor (pid ${owner}) holds ${file}; stop it first, or remove the file if pid ${owner} is not a monitor`);
      }
      // Stale: its owner is gone. Remove it only if it is still the lock we judged.
      if ((await readLock(file)) === held) await rm(file, { force: true });
    }
    throw new AuditError('locked', 'ERR_MONITOR_LOCKED', `couldn't take ${file} after ${MAX_ATTEMPTS} attempts: other monitors keep taking it`);
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw new AuditError('input', 'ERR_ENCODING_INVALID', `couldn't create the lock ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  } finally {
    await rm(temp, { force: true });
  }
}

async function releaseLock(file: string, content: string): Promise<void> {
  if ((await readLock(file)) === content) await rm(file, { force: true }).catch(() => undefined);
}
