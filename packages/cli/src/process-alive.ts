/**
 * Whether a process with `pid` exists, by signal 0 (nothing is delivered). EPERM means it exists
 * but belongs to another user, so it counts as alive. Used to tell a stale pid file (`up.json`,
 * the monitor's `lock`) from one whose owner is still running. A pid reused by an unrelated
 * process reads as alive: callers say so in their error message.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
