import type { FastifyInstance, FastifyReply } from 'fastify';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isImmutablePath, isRepositoryPath, MAX_REPOSITORY_FILE } from '@sigstack/trust';

/** Versioned metadata and hash-prefixed targets never change once written: caches may keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** root.json, timestamp.json and the plain copies change in place: always revalidate (the timestamp is what clients poll). */
const MUTABLE = 'no-cache';

function notFound(reply: FastifyReply, path: string) {
  return reply.code(404).send({ code: 404, message: `path /${path} was not found` });
}

/**
 * Serves the repository directory read-only. Only the names `isRepositoryPath` allows are mapped to
 * files (no traversal, no other files of the directory, no decoding tricks: the raw path must match
 * as is), each at most MAX_REPOSITORY_FILE bytes. A missing file is 404, which TUF clients need:
 * a 404 for `<n+1>.root.json` tells them the root they hold is the newest.
 */
export function repositoryRoutes(app: FastifyInstance, repositoryDir: string): void {
  app.get('/*', async (req, reply) => {
    // The raw path, not fastify's decoded parameter: `%2e%2e%2f` must not become `../`.
    const path = (req.url.split('?')[0] ?? '').slice(1);
    if (!isRepositoryPath(path)) return notFound(reply, path.slice(0, 200));
    let body: Buffer;
    try {
      const file = await open(join(repositoryDir, path), 'r');
      try {
        const info = await file.stat();
        // Bound what one request can make us read; real metadata is a few KB.
        if (!info.isFile() || info.size > MAX_REPOSITORY_FILE) return notFound(reply, path);
        body = await file.readFile();
      } finally {
        await file.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return notFound(reply, path);
      throw err;
    }
    return reply
      .header('Content-Type', 'application/json; charset=utf-8')
      .header('Cache-Control', isImmutablePath(path) ? IMMUTABLE : MUTABLE)
      .send(body);
  });
}
