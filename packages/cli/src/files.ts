/** Local files: bounded reads with clear errors (exit 3), and durable atomic replacement. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { writeFileDurably } from '@sigstack/trust';
import { AuditError } from './errors.js';

/**
 * Reads a local file of at most `maxBytes`. Missing, unreadable or larger files are AuditError
 * `input`: the bound keeps a wrong path (a disk image, /dev/zero) from eating memory.
 */
export async function readLocalFile(path: string, what: string, maxBytes = 64 * 1024 * 1024): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AuditError('input', 'ERR_ENCODING_INVALID', `${what} ${path} is not a regular file`);
    if (info.size > maxBytes) throw new AuditError('input', 'ERR_ENCODING_INVALID', `${what} ${path} is larger than ${maxBytes} bytes`);
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw new AuditError('input', 'ERR_ENCODING_INVALID', `couldn't read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * Replaces `path` with `data` so that a crash leaves either the old or the new content, never a mix
 * (the trust package's durable write: temporary file, fsync, rename, fsync of the directory).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileDurably(path, data);
  } catch (err) {
    throw new AuditError('input', 'ERR_ENCODING_INVALID', `couldn't write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** Hex SHA-256 of a local file, streamed (artifacts may be larger than memory). */
export async function sha256File(path: string, what = 'artifact'): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new AuditError('input', 'ERR_ENCODING_INVALID', `couldn't read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return hash.digest('hex');
}
