/**
 * Runs services as child processes of `sigstack up`: one `node [nodeArgs] <script>` per service.
 * A child's stdout and stderr go straight to `<logDir>/<name>.log` (the previous run's log becomes
 * `<name>.previous.log`), not through a pipe: a service must never depend on `up` to log (with a
 * pipe, a service whose reader died blocks forever in its logger's write retries). The supervisor follows each file, keeps a
 * short tail in memory and shows every line to `onLine`. A child that ends while the supervisor
 * is not stopping is a failure: `failure` resolves with the first one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export type ChildSpec = {
  readonly name: string;
  readonly title: string;
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
};

/** How a child ended: exit code or signal, the last lines it printed, where its whole log is. */
export type ChildEnd = {
  readonly name: string;
  readonly title: string;
  readonly pid: number | undefined;
  readonly code: number | null;
  readonly signal: string | null;
  /** Set when the process could not be started at all. */
  readonly error?: string;
  readonly tail: readonly string[];
  readonly logFile: string;
};

export type SupervisorOptions = {
  readonly logDir: string;
  /** The environment every child starts from; each spec's env is added on top. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Node options put before each script, e.g. `--import` of a preload. */
  readonly nodeArgs?: readonly string[];
  /** Every line a child prints, shortly after it is written. */
  readonly onLine?: (name: string, line: string) => void;
  /** Lines kept per child for failure reports. */
  readonly tailLines?: number;
  /** How often the log files are read while the children run. */
  readonly followMs?: number;
};

/** A line longer than this is cut in the tail and for onLine (the log file keeps it whole). */
const MAX_LINE = 8000;
/** Read size when following a log file. */
const CHUNK = 64 * 1024;

/** Reads what a child appends to its log file, line by line. */
class LogFollower {
  readonly #file: FileHandle;
  readonly #decoder = new StringDecoder('utf8');
  readonly #buffer = Buffer.alloc(CHUNK);
  readonly #onLine: (line: string) => void;
  #position = 0;
  #partial = '';
  #reading: Promise<void> = Promise.resolve();

  constructor(file: FileHandle, onLine: (line: string) => void) {
    this.#file = file;
    this.#onLine = onLine;
  }

  /** Reads everything appended since the last call; calls never overlap. */
  read(): Promise<void> {
    this.#reading = this.#reading.then(async () => {
      for (;;) {
        const { bytesRead } = await this.#file.read(this.#buffer, 0, CHUNK, this.#position);
        if (bytesRead === 0) return;
        this.#position += bytesRead;
        this.#take(this.#decoder.write(this.#buffer.subarray(0, bytesRead)));
      }
    });
    return this.#reading;
  }

  #take(text: string): void {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop() ?? '';
    // A runaway line without a newline must not grow without bound.
    if (this.#partial.length > MAX_LINE) {
      parts.push(this.#partial);
      this.#partial = '';
    }
    for (const line of parts) this.#onLine(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
  }

  /** Reads the rest, flushes a last line without newline, and closes the file. */
  async finish(): Promise<void> {
    await this.read().catch(() => undefined);
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.#onLine(rest);
    await this.#file.close().catch(() => undefined);
  }
}

type Child = {
  readonly spec: ChildSpec;
  readonly process: ChildProcess;
  readonly tail: string[];
  readonly logFile: string;
  readonly follower: Promise<LogFollower | undefined>;
  readonly ended: Promise<ChildEnd>;
  done: boolean;
};

/** A human description of how a child ended: "exit code 1", "killed by SIGKILL", "could not start: …". */
export function describeEnd(end: Pick<ChildEnd, 'code' | 'signal' | 'error'>): string {
  if (end.error !== undefined) return `could not start: ${end.error}`;
  if (end.signal !== null) return `killed by ${end.signal}`;
  return `exit code ${end.code ?? 'unknown'}`;
}

export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #children: Child[] = [];
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #reportFailure: (end: ChildEnd) => void = () => undefined;
  /** Resolves with the first child that ended on its own (never while stopping). */
  readonly failure: Promise<ChildEnd>;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.failure = new Promise((resolve) => {
      this.#reportFailure = resolve;
    });
  }

  /** The children started so far with their pids (undefined when spawning failed). */
  running(): { name: string; pid: number | undefined }[] {
    return this.#children.map((c) => ({ name: c.spec.name, pid: c.process.pid }));
  }

  /** What a child printed last (as read so far) and where its whole log is. */
  lastLines(name: string): { tail: readonly string[]; logFile: string; pid: number | undefined } | undefined {
    const c = this.#children.find((x) => x.spec.name === name);
    return c === undefined ? undefined : { tail: [...c.tail], logFile: c.logFile, pid: c.process.pid };
  }

  /** Starts one child; returns its pid (undefined when the process could not be created). */
  start(spec: ChildSpec): number | undefined {
    if (this.#stopping) throw new Error(`cannot start ${spec.name} while stopping`);
    const logFile = join(this.#options.logDir, `${spec.name}.log`);
    // The previous run's log is kept, once: it may hold the reason that run failed.
    if (existsSync(logFile)) renameSync(logFile, join(this.#options.logDir, `${spec.name}.previous.log`));
    const out = openSync(logFile, 'w', 0o644);
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [...(this.#options.nodeArgs ?? []), spec.script], {
        env: { ...this.#options.env, ...spec.env },
        stdio: ['ignore', out, out],
      });
    } finally {
      closeSync(out); // the child has its own copy
    }
    const tail: string[] = [];
    const keep = this.#options.tailLines ?? 20;
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > keep) tail.shift();
      this.#options.onLine?.(spec.name, line);
    };
    const follower = open(logFile, 'r').then(
      (file) => new LogFollower(file, onLine),
      () => undefined, // unreadable log: the child still runs, we just cannot show its lines
    );
    const record: Child = {
      spec,
      process: child,
      tail,
      logFile,
      follower,
      done: false,
      ended: new Promise<ChildEnd>((resolve) => {
        const finish = (code: number | null, signal: string | null, error?: string) => {
          if (record.done) return;
          record.done = true;
          void follower.then(async (f) => {
            await f?.finish();
            const end: ChildEnd = { name: spec.name, title: spec.title, pid: child.pid, code, signal, tail: [...tail], logFile, ...(error === undefined ? {} : { error }) };
            resolve(end);
            if (!this.#stopping) this.#reportFailure(end);
            if (this.#children.every((c) => c.done)) this.#unfollow();
          });
        };
        child.once('error', (err) => finish(null, null, err.message));
        child.once('exit', (code, signal) => finish(code, signal));
      }),
    };
    this.#children.push(record);
    this.#follow();
    return child.pid;
  }

  #follow(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      for (const c of this.#children) if (!c.done) void c.follower.then((f) => f?.read()).catch(() => undefined);
    }, this.#options.followMs ?? 200);
  }

  #unfollow(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Stops every child: SIGTERM, then SIGKILL for those still running after `graceMs`. Resolves with
   * how each child ended, in start order, once all have ended and their logs are read.
   */
  async stop(graceMs = 10_000): Promise<ChildEnd[]> {
    this.#stopping = true;
    const alive = (c: Child) => !c.done && c.process.exitCode === null && c.process.signalCode === null;
    for (const c of this.#children) if (alive(c)) c.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all(this.#children.map((c) => c.ended));
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    if ((await Promise.race([all, grace])) === 'late') {
      for (const c of this.#children) if (alive(c)) c.process.kill('SIGKILL');
    }
    clearTimeout(timer);
    const ends = await all;
    this.#unfollow();
    return ends;
  }
}
