import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LogError } from './errors.js';

/**
 * The latest signed checkpoint, kept in a file beside the database as well as inside it. A
 * database restored from an old backup is then caught at start-up: the file is ahead of it.
 * Writes are atomic and durable: temp file, fsync, rename, fsync of the directory.
 */
export class CheckpointFile {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  read(): string | undefined {
    try {
      return readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LogError('ERR_LOG_STORAGE', `couldn't read checkpoint file ${this.path}`, { cause: err });
    }
  }

  write(note: string): void {
    const tmp = `${this.path}.tmp`;
    try {
      const fd = openSync(tmp, 'w', 0o644);
      try {
        writeSync(fd, note);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      const dir = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch (err) {
      throw new LogError('ERR_LOG_STORAGE', `couldn't write checkpoint file ${this.path}`, { cause: err });
    }
  }
}
