import t from 'tap';
import { loadConfig } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig({ env, argv: [], readFile: () => '' });

t.test('the defaults are the contract of the stack', async (t) => {
  const c = load({});
  t.match(c, { host: '127.0.0.1', port: 8081, dataDir: './data/trust', devMode: false, publicUrl: 'http://127.0.0.1:8081', fulcioUrl: 'http://127.0.0.1:5555', rekorUrl: 'http://127.0.0.1:3000', ctlogUrl: 'http://127.0.0.1:6962', tsaUrl: 'http://127.0.0.1:3004', oidcUrl: 'http://127.0.0.1:5556', fulcioFetchUrl: '', rekorFetchUrl: '', tsaFetchUrl: '', ctlogPublicKeyFile: '' });
});

t.test('TRUST_* variables set every field; an empty TSA URL means no TSA', async (t) => {
  const c = load({ TRUST_PORT: '0', TRUST_DEV_MODE: 'true', TRUST_TSA_URL: '', TRUST_REKOR_URL: 'http://rekor:3000/', TRUST_REKOR_FETCH_URL: 'http://10.0.0.1:3000', TRUST_CTLOG_PUBLIC_KEY_FILE: '/k.pem' });
  t.match(c, { port: 0, devMode: true, tsaUrl: '', rekorUrl: 'http://rekor:3000', rekorFetchUrl: 'http://10.0.0.1:3000', ctlogPublicKeyFile: '/k.pem' });
});

t.test('bad values are all reported at once', async (t) => {
  let caught: { code?: string; problems?: string[] } | undefined;
  try {
    load({ TRUST_PORT: '70000', TRUST_FULCIO_URL: 'ftp://x', TRUST_TSA_FETCH_URL: 'nope' });
  } catch (err) {
    caught = err as typeof caught;
  }
  t.equal(caught?.code, 'ERR_CONFIG_INVALID');
  t.equal(caught?.problems?.length, 3);
});
