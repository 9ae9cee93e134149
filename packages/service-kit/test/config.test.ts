import t from 'tap';
import { boolean, ConfigError, integer, list, loadConfig, logLevel, oneOf, text, url } from '../src/index.js';

const schema = {
  port: { env: 'X_PORT', default: 3000, parse: integer(0, 65535), description: 'port' },
  dev: { env: 'X_DEV', default: false, parse: boolean, description: 'dev' },
  name: { env: 'X_NAME', default: 'a', parse: text, description: 'name' },
  kinds: { env: 'X_KINDS', default: ['a'] as ('a' | 'b')[], parse: list(['a', 'b'] as const), description: 'kinds' },
  mode: { env: 'X_MODE', default: 'x' as 'x' | 'y', parse: oneOf(['x', 'y'] as const), description: 'mode' },
  base: { env: 'X_URL', default: 'http://127.0.0.1', parse: url, description: 'url' },
  level: { env: 'X_LEVEL', default: 'info', parse: logLevel, description: 'level' },
};
const sources = (env: Record<string, string> = {}, argv: string[] = [], files: Record<string, string> = {}) => ({
  env, argv, readFile: (p: string) => {
    if (files[p] === undefined) throw new Error(`no file ${p}`);
    return files[p]!;
  },
});

t.test('defaults, then the file, then the environment', async (t) => {
  t.same({ ...loadConfig(schema, 'X_CONFIG', sources()) }, { port: 3000, dev: false, name: 'a', kinds: ['a'], mode: 'x', base: 'http://127.0.0.1', level: 'info' });
  const files = { '/c.json': '{"port": 4000, "dev": true, "kinds": ["b", "b"], "base": "https://x.example/"}' };
  const c = loadConfig(schema, 'X_CONFIG', sources({ X_PORT: '5000', X_CONFIG: '/c.json' }, [], files));
  t.same([c.port, c.dev, c.kinds, c.base], [5000, true, ['b'], 'https://x.example']);
  t.equal(loadConfig(schema, 'X_CONFIG', sources({}, ['--config', '/c.json'], files)).port, 4000);
  t.same(loadConfig(schema, 'X_CONFIG', sources({ X_KINDS: 'a, b,', X_DEV: '1', X_MODE: 'y' })).kinds, ['a', 'b']);
  t.equal(loadConfig(schema, 'X_CONFIG', sources({ X_DEV: '' })).dev, false);
});

t.test('every problem is listed at once', async (t) => {
  const err = t.throws(() => loadConfig(schema, 'X_CONFIG', sources({ X_PORT: '05', X_DEV: 'yes', X_KINDS: 'c', X_MODE: 'z', X_URL: 'ftp://x', X_LEVEL: 'loud' }))) as ConfigError;
  t.equal(err.code, 'ERR_CONFIG_INVALID');
  t.equal(err.problems.length, 6);
  t.match(err.message, /X_PORT: must be an integer from 0 to 65535/);
});

t.test('bad files and values are refused', async (t) => {
  const bad: [Record<string, string>, string[], Record<string, string>][] = [
    [{}, ['--config'], {}],
    [{}, ['--config', '/missing'], {}],
    [{}, ['--config', '/a'], { '/a': '[1]' }],
    [{}, ['--config', '/a'], { '/a': '{"prot": 1}' }],
    [{}, ['--config', '/a'], { '/a': '{"port": 1, "port": 2}' }],
    [{}, ['--config', '/a'], { '/a': '{"name": 5}' }],
    [{}, ['--config', '/a'], { '/a': '{"kinds": "c"}' }],
    [{}, ['--config', '/a'], { '/a': '{"kinds": 5}' }],
    [{}, ['--config', '/a'], { '/a': '{"port": 1.5}' }],
    [{ X_URL: 'not a url' }, [], {}],
    [{ X_PORT: '1e3' }, [], {}],
  ];
  for (const [env, argv, files] of bad) t.throws(() => loadConfig(schema, 'X_CONFIG', sources(env, argv, files)), { code: 'ERR_CONFIG_INVALID' }, JSON.stringify([env, argv, files]));
});
