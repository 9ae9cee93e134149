import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { originOf } from '../../src/open.js';

const load = (env: Record<string, string>) => loadConfig({ env, argv: [], readFile: () => '' });

t.test('defaults match the issue: port 6962, API at /ct/v1', async (t) => {
  const config = load({});
  t.equal(config.port, 6962);
  t.equal(config.pathPrefix, '');
  t.equal(config.maxChainLength, 10);
  t.equal(originOf(config), '127.0.0.1:6962');
  t.equal(originOf(load({ CTLOG_PATH_PREFIX: '/test', CTLOG_PUBLIC_URL: 'https://ctfe.example.com/' })), 'ctfe.example.com/test');
  t.equal(originOf(load({ CTLOG_ORIGIN: 'ct.example.com/2026' })), 'ct.example.com/2026');
});

t.test('a bad path prefix and other bad values are all reported at once', async (t) => {
  for (const prefix of ['test', '/test/', '/a b', '/x?y']) t.throws(() => load({ CTLOG_PATH_PREFIX: prefix }), { code: 'ERR_CONFIG_INVALID' }, prefix);
  const err = t.throws(() => load({ CTLOG_PATH_PREFIX: 'x', CTLOG_PORT: '-1', CTLOG_MAX_CHAIN_LENGTH: '0' })) as unknown as { problems: string[] };
  t.equal(err.problems.length, 3);
});
