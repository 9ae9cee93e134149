import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { pino } from 'pino';
import { tufSigner, updateRepository } from '@sigstack/trust';
import { loadConfig } from '../../src/config.js';
import { openTrust } from '../../src/open.js';

const logger = pino({ level: 'silent' });
const signer = () => tufSigner(generateKeyPairSync('ed25519').privateKey);
const NOW = new Date('2026-11-22T00:00:00Z');

t.test('out of dev mode, the service needs a repository with an unexpired timestamp', async (t) => {
  const dataDir = t.testdir();
  const config = loadConfig({ env: { TRUST_DATA_DIR: dataDir }, argv: [], readFile: () => '' });
  await t.rejects(openTrust(config, logger, { now: () => NOW }), { code: 'ERR_CONFIG_INVALID', message: /sigstack trust update/ }, 'no repository');
  await updateRepository({
    dir: join(dataDir, 'repository'),
    keys: { root: [signer()], targets: [signer()], snapshot: [signer()], timestamp: [signer()] },
    targets: [{ name: 'trusted_root.json', bytes: Buffer.from('{}') }],
    now: NOW,
  });
  const opened = await openTrust(config, logger, { now: () => NOW });
  t.equal(opened.repositoryDir, join(dataDir, 'repository'));
  t.match(opened.ready, { devMode: false, rootVersion: 1, timestampVersion: 1 });
  await opened.close();
  await t.rejects(openTrust(config, logger, { now: () => new Date('2026-12-01T00:00:00Z') }), { code: 'ERR_CONFIG_INVALID', message: /expired/ }, 'an expired timestamp');
});

t.test('in dev mode, services that never answer make the start fail after the collect timeout', async (t) => {
  const dataDir = t.testdir();
  const config = loadConfig({ env: { TRUST_DATA_DIR: dataDir, TRUST_DEV_MODE: 'true', TRUST_COLLECT_TIMEOUT_SECONDS: '1' }, argv: [], readFile: () => '' });
  let now = NOW.getTime();
  const refused = (async () => { throw new TypeError('fetch failed'); }) as typeof fetch;
  await t.rejects(
    openTrust(config, logger, { now: () => new Date(now), fetch: refused, sleep: async (ms) => void (now += ms) }),
    { code: 'ERR_CONFIG_INVALID', message: /couldn't collect/ },
  );
});
