import type { FastifyInstance } from 'fastify';
import { formatEntryBundle, parseTilePath } from '@sigstack/crypto/tiles';
import { isSigstackError } from '@sigstack/crypto/errors';
import type { RekorLog } from '../../log/rekor-log.js';
import { RekorError } from '../../errors.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'no-cache';

/** The C2SP tlog-tiles read API over the same tree, so auditors and CDNs can follow the log cheaply. */
export function tileRoutes(app: FastifyInstance, rekor: RekorLog): void {
  app.get('/api/v2/checkpoint', async (_req, reply) =>
    reply.header('Content-Type', 'text/plain; charset=utf-8').header('Cache-Control', SHORT).send(rekor.engine.checkpoint.note));

  app.get('/api/v2/tile/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    let tile;
    try {
      tile = parseTilePath(`tile/${rest}`);
    } catch (err) {
      if (isSigstackError(err)) throw new RekorError('ERR_REQUEST_INVALID', err.message);
      throw err;
    }
    const full = tile.width === 256;
    let bytes: Uint8Array | undefined;
    if (tile.level === 'entries') {
      const entries = await rekor.engine.entryBundle(tile.index, tile.width);
      bytes = entries && formatEntryBundle(entries);
    } else {
      bytes = await rekor.engine.tile(tile.level, tile.index, tile.width);
    }
    if (!bytes) return reply.code(404).send();
    return reply
      .header('Content-Type', 'application/octet-stream')
      .header('Cache-Control', full ? IMMUTABLE : SHORT)
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}
