import t from 'tap';
import { ConfigError, loadConfig, SCHEMA } from '../../src/config.js';

const load = (env: Record<string, string> = {}, argv: string[] = [], files: Record<string, string> = {}) =>
  loadConfig({ env, argv, readFile: (p) => {
    const f = files[p];
    if (f === undefined) throw new Error(`no such file ${p}`);
    return f;
  } });

t.test('defaults come from the schema', async (t) => {
  const c = load();
  t.equal(c.port, 3000);
  t.equal(c.host, '127.0.0.1');
  t.equal(c.maxRequestBytes, 32 * 1024 * 1024);
  t.same(c.enabledKinds, ['hashedrekord', 'dsse', 'intoto']);
  t.ok(Object.isFrozen(c));
  for (const [key, field] of Object.entries(SCHEMA)) {
    t.ok(field.description.length > 10, `${key} is described`);
    t.match(field.env, /^REKOR_[A-Z_]+$/, `${key} has an env var`);
  }
});

t.test('the file overrides defaults and the environment overrides the file', async (t) => {
  const files = { '/etc/rekor.json': JSON.stringify({ port: 4000, devMode: true, enabledKinds: ['dsse'] }) };
  const c = load({ REKOR_PORT: '5000' }, ['--config', '/etc/rekor.json'], files);
  t.equal(c.port, 5000);
  t.equal(c.devMode, true);
  t.same(c.enabledKinds, ['dsse']);
  t.equal(load({ REKOR_CONFIG_FILE: '/etc/rekor.json' }, [], files).port, 4000);
  t.same(load({ REKOR_ENABLED_KINDS: 'hashedrekord, dsse' }).enabledKinds, ['hashedrekord', 'dsse']);
  t.equal(load({ REKOR_PUBLIC_URL: 'https://rekor.example.com/' }).publicUrl, 'https://rekor.example.com');
});

t.test('every problem is reported at once', async (t) => {
  const err = t.throws(() => load({ REKOR_PORT: '70000', REKOR_DEV_MODE: 'maybe', REKOR_ENABLED_KINDS: 'rpm', REKOR_PUBLIC_URL: 'ftp://x' })) as ConfigError;
  t.equal(err.code, 'ERR_CONFIG_INVALID');
  t.equal(err.problems.length, 4);
  t.throws(() => load({}, ['--config', '/missing.json']), { code: 'ERR_CONFIG_INVALID' });
  t.throws(() => load({}, ['--config']), { code: 'ERR_CONFIG_INVALID' });
  t.throws(() => load({}, ['--config', '/x.json'], { '/x.json': '{"prot": 1}' }), { code: 'ERR_CONFIG_INVALID' }, 'unknown keys are refused');
  t.throws(() => load({}, ['--config', '/x.json'], { '/x.json': '[1]' }), { code: 'ERR_CONFIG_INVALID' });
  t.throws(() => load({ REKOR_PORT: '05' }), { code: 'ERR_CONFIG_INVALID' });
  t.throws(() => load({ REKOR_PORT: '1e3' }), { code: 'ERR_CONFIG_INVALID' });
  t.throws(() => load({ REKOR_LOG_LEVEL: 'loud' }), { code: 'ERR_CONFIG_INVALID' });
});
