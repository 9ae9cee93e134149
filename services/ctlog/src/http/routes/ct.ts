import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { toBase64 } from '@sigstack/crypto/encoding';
import type { CtLog } from '../../log/ct-log.js';
import { CtLogError } from '../../errors.js';
import { errorBody } from '../error-handler.js';
import { chainOf, queryHash, queryInteger } from '../request.js';

/** Cache-Control of answers that never change (entries, proofs), as CTFE sends. */
const IMMUTABLE = 'public, max-age=86400';
const NO_CACHE = 'no-cache, no-store, must-revalidate';

/**
 * The RFC 6962 §4 endpoints under `<prefix>/ct/v1/`. Each checks its parameters (400 with a
 * message otherwise) and calls the log; the wrong method on a known path is 405 with `Allow`.
 */
export function ctRoutes(app: FastifyInstance, ct: CtLog, options: { prefix: string; maxChainLength: number }): void {
  const base = `${options.prefix}/ct/v1`;
  const routes: [method: 'GET' | 'POST', name: string][] = [];
  const get = (name: string, handler: RouteHandlerMethod) => {
    routes.push(['GET', name]);
    app.get(`${base}/${name}`, handler);
  };
  const post = (name: string, handler: RouteHandlerMethod) => {
    routes.push(['POST', name]);
    app.post(`${base}/${name}`, handler);
  };

  post('add-chain', async (req, reply) => reply.send(await ct.add(chainOf(req.body, options.maxChainLength), false)));
  post('add-pre-chain', async (req, reply) => reply.send(await ct.add(chainOf(req.body, options.maxChainLength), true)));

  get('get-sth', async (_req, reply) => reply.header('Cache-Control', NO_CACHE).send(ct.sth()));

  get('get-sth-consistency', async (req, reply) => {
    const first = queryInteger(req.query, 'first');
    const second = queryInteger(req.query, 'second');
    if (second < first) throw new CtLogError('ERR_REQUEST_INVALID', `invalid first, second params: ${first} ${second}`);
    const proof = await ct.consistency(first, second);
    return reply.header('Cache-Control', IMMUTABLE).send({ consistency: proof.map(toBase64) });
  });

  get('get-proof-by-hash', async (req, reply) => {
    const hash = queryHash(req.query, 'hash', 32);
    const treeSize = queryInteger(req.query, 'tree_size', 1);
    return reply.header('Cache-Control', IMMUTABLE).send(await ct.proofByHash(hash, treeSize));
  });

  get('get-entries', async (req, reply) => {
    const start = queryInteger(req.query, 'start');
    const end = queryInteger(req.query, 'end');
    if (start > end) throw new CtLogError('ERR_REQUEST_INVALID', `start (${start}) and end (${end}) is not a valid range`);
    const { entries, complete } = await ct.entries(start, end);
    // A range the tree cut short will grow: cache it briefly only.
    return reply.header('Cache-Control', complete ? IMMUTABLE : 'public, max-age=10').send({ entries });
  });

  get('get-roots', async (_req, reply) => reply.send({ certificates: ct.acceptedRoots().map(toBase64) }));

  get('get-entry-and-proof', async (req, reply) => {
    const index = queryInteger(req.query, 'leaf_index');
    const treeSize = queryInteger(req.query, 'tree_size', 1);
    if (index >= treeSize) throw new CtLogError('ERR_REQUEST_INVALID', `leaf_index ${index} out of range for tree of size ${treeSize}`);
    return reply.header('Cache-Control', IMMUTABLE).send(await ct.entryAndProof(index, treeSize));
  });

  for (const [method, name] of routes) {
    const other = method === 'GET' ? 'POST' : 'GET';
    app.route({
      method: other,
      url: `${base}/${name}`,
      handler: async (_req, reply) => reply.code(405).header('Allow', method).send(errorBody(405, `method not allowed: ${other}`)),
    });
  }
}
