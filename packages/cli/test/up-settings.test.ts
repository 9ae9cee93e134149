import t, { type Test } from 'tap';
import { isSigstackError } from '@sigstack/crypto/errors';
import { parseFlags } from '../src/args.js';
import { DEFAULT_PORTS, UP_OPTIONS, resolveSettings, urlHostOf } from '../src/up/settings.js';

const settings = (args: string[], env: Record<string, string> = {}, cwd = '/work/repo') => resolveSettings(parseFlags(args, UP_OPTIONS).values, env, cwd);

function usageError(t: Test, fn: () => unknown, message: RegExp) {
  try {
    fn();
    t.fail(`no error, expected ${message}`);
  } catch (err) {
    t.ok(isSigstackError(err, 'ERR_USAGE'), 'code ERR_USAGE');
    t.match((err as Error).message, message);
  }
}

t.test('without flags or environment the stack uses the documented defaults', async (t) => {
  const s = settings([]);
  t.equal(s.host, '127.0.0.1');
  t.equal(s.urlHost, '127.0.0.1');
  t.same(s.ports, { oidc: 5556, ctlog: 6962, fulcio: 5555, rekor: 3000, tsa: 3004, trust: 8081 });
  t.same(s.ports, DEFAULT_PORTS);
  t.equal(s.dataDir, '/work/repo/data', 'the data directory is ./data of the working directory');
  t.equal(s.timeoutMs, 60_000);
});

t.test('environment variables override the defaults and flags override the environment', async (t) => {
  const env = { SIGSTACK_DATA_DIR: '/srv/sig', SIGSTACK_HOST: 'localhost', SIGSTACK_REKOR_PORT: '3100', SIGSTACK_TRUST_PORT: '9000' };
  const fromEnv = settings([], env);
  t.equal(fromEnv.dataDir, '/srv/sig');
  t.equal(fromEnv.host, 'localhost');
  t.equal(fromEnv.ports.rekor, 3100);
  t.equal(fromEnv.ports.trust, 9000);
  t.equal(fromEnv.ports.fulcio, 5555, 'what is not set keeps its default');

  const fromFlags = settings(['--data-dir', 'mine', '--host', '127.0.0.2', '--rekor-port', '3200', '--timeout', '90'], env);
  t.equal(fromFlags.dataDir, '/work/repo/mine', 'a relative --data-dir is resolved against the working directory');
  t.equal(fromFlags.host, '127.0.0.2');
  t.equal(fromFlags.ports.rekor, 3200);
  t.equal(fromFlags.ports.trust, 9000, 'the environment still applies where no flag is given');
  t.equal(fromFlags.timeoutMs, 90_000);
});

t.test('an empty environment variable counts as unset', async (t) => {
  const s = settings([], { SIGSTACK_DATA_DIR: '', SIGSTACK_HOST: '', SIGSTACK_CTLOG_PORT: '' });
  t.equal(s.dataDir, '/work/repo/data');
  t.equal(s.host, '127.0.0.1');
  t.equal(s.ports.ctlog, 6962);
});

t.test('a malformed or out-of-range port is a usage error naming its flag or variable', async (t) => {
  usageError(t, () => settings(['--fulcio-port', '55x']), /--fulcio-port/);
  usageError(t, () => settings(['--tsa-port', '0']), /--tsa-port must be a port from 1 to 65535, got 0/);
  usageError(t, () => settings([], { SIGSTACK_OIDC_PORT: '70000' }), /SIGSTACK_OIDC_PORT must be a port/);
  usageError(t, () => settings([], { SIGSTACK_CTLOG_PORT: '+80' }), /SIGSTACK_CTLOG_PORT/);
  usageError(t, () => settings(['--timeout', '0']), /--timeout must be from 1 to 3600/);
  usageError(t, () => settings(['--timeout', 'soon']), /--timeout/);
});

t.test('two services on one port are refused before anything starts', async (t) => {
  usageError(t, () => settings(['--trust-port', '3000']), /rekor and trust would both use port 3000/);
});

t.test('a host that would break URLs is refused; unspecified and IPv6 addresses get usable URLs', async (t) => {
  usageError(t, () => settings(['--host', 'a b']), /--host must be a host name or an IP address/);
  usageError(t, () => settings([], { SIGSTACK_HOST: 'user@evil' }), /SIGSTACK_HOST/);
  t.equal(settings(['--host', '0.0.0.0']).urlHost, '127.0.0.1', 'all interfaces are reached on loopback');
  t.equal(settings(['--host', '::1']).urlHost, '[::1]');
  t.equal(settings(['--host', '[::1]']).host, '::1', 'brackets are accepted and dropped for binding');
  t.equal(urlHostOf('::'), '[::1]');
  t.equal(urlHostOf('sigstack.internal'), 'sigstack.internal');
});

t.test('unknown flags and positional arguments are usage errors', async (t) => {
  usageError(t, () => settings(['--fulcio', '1']), /unknown option/i);
  usageError(t, () => settings(['extra']), /unexpected argument/);
});
