/**
 * Preloaded (`node --import`) into every service `sigstack up` starts. When `up` is gone without
 * stopping its services (killed with SIGKILL, crashed), the service's parent changes (it is
 * re-parented to init); the guard then sends the service SIGTERM, so that it shuts down as on
 * Ctrl-C instead of holding its port and data directory as an orphan. It looks once a second and
 * never keeps the process alive by itself.
 */
const parent = process.ppid;

setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1000).unref();

export {};
