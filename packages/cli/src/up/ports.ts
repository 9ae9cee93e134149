/** Checks, before anything starts, that the stack's ports are free on the bind address. */
import { createServer } from 'node:net';

/** Resolves with the error code of listening on host:port, or undefined when the port is free. */
function tryListen(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * The ports of `ports` that cannot be listened on at `host`, with why (EADDRINUSE: another process
 * has it; EACCES: a privileged port). A service started on such a port would die at once.
 */
export async function unusablePorts<K extends string>(host: string, ports: Readonly<Record<K, number>>): Promise<{ name: K; port: number; reason: string }[]> {
  const checks = (Object.entries(ports) as [K, number][]).map(async ([name, port]) => {
    const reason = await tryListen(host, port);
    return reason === undefined ? undefined : { name, port, reason };
  });
  return (await Promise.all(checks)).filter((x): x is { name: K; port: number; reason: string } => x !== undefined);
}
