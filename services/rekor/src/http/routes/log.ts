import type { FastifyInstance } from 'fastify';
import type { RekorLog } from '../../log/rekor-log.js';
import { RekorError } from '../../errors.js';
import { bodyObject, isObject, optionalString, queryInteger, queryString } from '../request.js';

const NO_CACHE = 'no-cache, no-store, must-revalidate';

export function logRoutes(app: FastifyInstance, rekor: RekorLog): void {
  const checkTreeId = (query: unknown) => {
    const treeId = queryString(query, 'treeID');
    if (treeId !== undefined && treeId !== rekor.treeId) throw new RekorError('ERR_REQUEST_INVALID', `unknown treeID ${treeId.slice(0, 32)}`);
  };

  app.get('/api/v1/log', async (_req, reply) => reply.header('Cache-Control', NO_CACHE).send(rekor.info()));

  app.get('/api/v1/log/publicKey', async (req, reply) => {
    checkTreeId(req.query);
    return reply.header('Content-Type', 'application/x-pem-file').header('Cache-Control', NO_CACHE).send(rekor.key.publicKeyPem);
  });

  app.get('/api/v1/log/proof', async (req, reply) => {
    checkTreeId(req.query);
    const firstSize = queryInteger(req.query, 'firstSize', 1) ?? 1;
    const lastSize = queryInteger(req.query, 'lastSize', 1);
    if (lastSize === undefined) throw new RekorError('ERR_REQUEST_INVALID', 'lastSize is required');
    return reply.header('Cache-Control', NO_CACHE).send(await rekor.consistency(firstSize, lastSize));
  });

  app.post('/api/v1/index/retrieve', async (req, reply) => {
    const body = bodyObject(req.body, ['email', 'subject', 'publicKey', 'hash', 'operator']);
    const operator = optionalString(body, 'operator');
    if (operator !== undefined && operator !== 'and' && operator !== 'or') throw new RekorError('ERR_REQUEST_INVALID', 'operator must be "and" or "or"');
    let publicKey: { format: string; content: string } | undefined;
    if (body.publicKey !== undefined && body.publicKey !== null) {
      const pk = body.publicKey;
      if (!isObject(pk)) throw new RekorError('ERR_REQUEST_INVALID', 'publicKey must be an object');
      const pkFields = bodyObject(pk, ['format', 'content']);
      const format = optionalString(pkFields, 'format', 16);
      const content = optionalString(pkFields, 'content', 1024 * 1024);
      if (format === undefined || content === undefined) throw new RekorError('ERR_REQUEST_INVALID', 'publicKey needs format and content');
      publicKey = { format, content };
    }
    const ids = await rekor.searchIndex({
      email: optionalString(body, 'email', 512),
      subject: optionalString(body, 'subject', 512),
      hash: optionalString(body, 'hash', 200),
      publicKey,
      operator: operator as 'and' | 'or' | undefined,
    });
    return reply.header('Cache-Control', NO_CACHE).send(ids);
  });
}
