import type { FastifyInstance } from 'fastify';
import type { JsonValue } from '@sigstack/crypto/canonical-json';
import type { RekorLog } from '../../log/rekor-log.js';
import { MAX_RETRIEVE } from '../../log/rekor-log.js';
import { RekorError } from '../../errors.js';
import { bodyObject, optionalArray, queryInteger } from '../request.js';

const NO_CACHE = 'no-cache, no-store, must-revalidate';

export function entryRoutes(app: FastifyInstance, rekor: RekorLog): void {
  app.post('/api/v1/log/entries', async (req, reply) => {
    const { entryId, entry } = await rekor.create(req.body as JsonValue);
    // Only 201 decodes as success in the generated Go client (rekor-cli, cosign v2).
    return reply.code(201).header('ETag', entryId).header('Location', `/api/v1/log/entries/${entryId}`).send(entry);
  });

  app.get('/api/v1/log/entries', async (req, reply) => {
    const index = queryInteger(req.query, 'logIndex', 0);
    if (index === undefined) throw new RekorError('ERR_REQUEST_INVALID', 'logIndex is required');
    const entry = await rekor.byIndex(index);
    if (!entry) return reply.code(404).send();
    return reply.header('Cache-Control', NO_CACHE).send(entry);
  });

  app.get<{ Params: { uuid: string } }>('/api/v1/log/entries/:uuid', async (req, reply) => {
    const entry = await rekor.byUuid(req.params.uuid);
    if (!entry) return reply.code(404).send();
    return reply.header('Cache-Control', NO_CACHE).send(entry);
  });

  app.post('/api/v1/log/entries/retrieve', async (req, reply) => {
    const body = bodyObject(req.body, ['entryUUIDs', 'logIndexes', 'entries']);
    const uuids = optionalArray(body, 'entryUUIDs') ?? [];
    const indexes = optionalArray(body, 'logIndexes') ?? [];
    const entries = optionalArray(body, 'entries') ?? [];
    if (uuids.length + indexes.length + entries.length > MAX_RETRIEVE) {
      throw new RekorError('ERR_REQUEST_TOO_MANY', `more than max allowed ${MAX_RETRIEVE} entries in request`);
    }
    for (const u of uuids) if (typeof u !== 'string') throw new RekorError('ERR_REQUEST_INVALID', 'entryUUIDs must be strings');
    for (const i of indexes) {
      if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0) throw new RekorError('ERR_REQUEST_INVALID', 'logIndexes must be integers ≥ 0');
    }
    const found = await rekor.retrieve({ entryUUIDs: uuids as string[], logIndexes: indexes as number[], entries });
    return reply.header('Cache-Control', NO_CACHE).send(found);
  });
}
