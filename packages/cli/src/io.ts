/** What a command may touch besides files: output streams, the network, the clock, cancellation. */
export interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Every HTTP request goes through `request` with this fetch. */
  readonly fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Aborted on SIGINT/SIGTERM: long-running verbs stop at the next safe point. */
  readonly signal?: AbortSignal;
  /** The environment variables a verb may read (`up` reads SIGSTACK_*); absent means none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A sleep that ends early (without error) when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
