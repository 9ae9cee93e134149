/**
 * `<data>/up.json`: which `sigstack up` runs on a data directory, and its services' pids, URLs and
 * log files. Written once every service is started, removed when `up` ends. It keeps a second
 * `up` off a data directory in use (two processes on one SQLite log and one key directory), and
 * tells people and scripts which process is which.
 */
import { readFile, rm } from 'node:fs/promises';
import { AuditError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { isProcessAlive } from '../process-alive.js';

export type UpStatus = {
  readonly pid: number;
  readonly started: string;
  readonly dataDir: string;
  readonly services: Readonly<Record<string, { readonly pid: number | undefined; readonly url: string; readonly log: string }>>;
};

/** Larger than any status we write; a bigger file is not ours. */
const MAX_STATUS = 64 * 1024;

/**
 * Throws ERR_STACK_BUSY when the status file names another live `up`. A missing, unreadable or
 * stale file (its process is gone) is not in the way.
 */
export async function refuseIfRunning(file: string, ownPid: number): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined || text.length > MAX_STATUS) return;
  let pid: unknown;
  try {
    pid = (JSON.parse(text) as { pid?: unknown }).pid;
  } catch {
    return;
  }
  if (typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 && pid !== ownPid && isProcessAlive(pid)) {
    throw new AuditError('service', 'ERR_STACK_BUSY', `another sigstack up (pid ${pid}) is using this data directory (${file}); stop it first, or remove the file if pid ${pid} is not sigstack`);
  }
}

export async function writeStatus(file: string, status: UpStatus): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(status, null, 2)}\n`);
}

export async function removeStatus(file: string): Promise<void> {
  await rm(file, { force: true });
}
