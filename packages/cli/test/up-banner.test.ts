import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags } from '../src/args.js';
import { BANNER_END, banner, cosignV2Example, cosignV3Example, shellWord, sigstoreJsExample } from '../src/up/banner.js';
import { stackPlan } from '../src/up/plan.js';
import { UP_OPTIONS, resolveSettings } from '../src/up/settings.js';

const plan = (args: string[] = [], cwd = '/home/me/sigstack') => stackPlan(resolveSettings(parseFlags(args, UP_OPTIONS).values, {}, cwd));

/**
 * The words `sh` makes of `text` when it is pasted. The token's command substitution is replaced
 * by TOKEN first, so that nothing is run.
 */
function shellWords(text: string): string[] {
  const safe = text.replace(/"\$\(curl -s [^)]*\)"/g, 'TOKEN');
  const r = spawnSync('sh', ['-c', `set -- ${safe}\nfor w in "$@"; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

t.test('every service gets the address, its URL and the URLs of the services it calls', async (t) => {
  const p = plan(['--rekor-port', '3100', '--data-dir', '/d']);
  const env = Object.fromEntries([...p.core, p.trust].map((s) => [s.name, s.env]));
  t.same(p.urls, { oidc: 'http://127.0.0.1:5556', ctlog: 'http://127.0.0.1:6962', fulcio: 'http://127.0.0.1:5555', rekor: 'http://127.0.0.1:3100', tsa: 'http://127.0.0.1:3004', trust: 'http://127.0.0.1:8081' });
  t.match(env.fulcio, { FULCIO_DEV_MODE: 'true', FULCIO_PORT: '5555', FULCIO_DEV_ISSUER_URL: 'http://127.0.0.1:5556', FULCIO_CT_LOG_URL: 'http://127.0.0.1:6962', FULCIO_DATA_DIR: '/d/fulcio' });
  t.match(env.ctlog, { CTLOG_DEV_MODE: 'true', CTLOG_PUBLIC_URL: 'http://127.0.0.1:6962', CTLOG_ROOTS_FILE: '/d/ctlog/roots.pem', CTLOG_DATA_DIR: '/d/ctlog' });
  t.match(env.rekor, { REKOR_DEV_MODE: 'true', REKOR_PORT: '3100', REKOR_PUBLIC_URL: 'http://127.0.0.1:3100', REKOR_DATA_DIR: '/d/rekor' });
  t.match(env.oidc, { DEV_OIDC_ISSUER: 'http://127.0.0.1:5556', DEV_OIDC_PORT: '5556' });
  t.match(env.tsa, { TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: '/d/tsa' });
  t.same(env.trust, {
    TRUST_DEV_MODE: 'true',
    TRUST_HOST: '127.0.0.1',
    TRUST_PORT: '8081',
    TRUST_DATA_DIR: '/d/trust',
    TRUST_PUBLIC_URL: 'http://127.0.0.1:8081',
    TRUST_FULCIO_URL: 'http://127.0.0.1:5555',
    TRUST_REKOR_URL: 'http://127.0.0.1:3100',
    TRUST_CTLOG_URL: 'http://127.0.0.1:6962',
    TRUST_TSA_URL: 'http://127.0.0.1:3004',
    TRUST_OIDC_URL: 'http://127.0.0.1:5556',
    TRUST_CTLOG_PUBLIC_KEY_FILE: '/d/ctlog/log-public-key.pem',
  });
  for (const s of [...p.core, p.trust]) t.equal(Object.entries(s.env).find(([k]) => k.endsWith('_HOST'))?.[1], '127.0.0.1', `${s.name} binds the host`);
  t.same(p.core.map((s) => s.name), ['oidc', 'ctlog', 'fulcio', 'rekor', 'tsa']);
});

t.test('the banner lists every URL, the data directory, the logs and the trust files', async (t) => {
  const p = plan(['--data-dir', '/d']);
  const text = banner(p, { trust: true, elapsedMs: 2345 });
  for (const url of Object.values(p.urls)) t.match(text, url);
  t.match(text, 'up in 2.3 s');
  t.match(text, '/d/logs/<service>.log');
  t.match(text, 'trusted root     /d/trust/repository/trusted_root.json');
  t.match(text, 'signing config   /d/trust/repository/signing_config.json');
  t.match(text, 'TUF root         /d/trust/repository/1.root.json   (mirror http://127.0.0.1:8081)');
  t.match(text, 'http://127.0.0.1:5556/token?sub=me&email=me@example.com');
  t.match(text, /Never use this configuration in production/);
  t.ok(text.trimEnd().endsWith(BANNER_END), 'the banner ends with the line scripts wait for');
});

t.test('the sigstore-js example signs with every service and verifies through the TUF mirror', async (t) => {
  const p = plan(['--data-dir', '/d']);
  const example = sigstoreJsExample(p, true);
  const [node, inputType, e, js, ...rest] = shellWords(example);
  t.same([node, inputType, e, rest], ['node', '--input-type=module', '-e', []], 'one node command with the code as one argument');
  t.match(js, 'fulcioURL: "http://127.0.0.1:5555", rekorURL: "http://127.0.0.1:3000", tsaServerURL: "http://127.0.0.1:3004"');
  t.match(js, 'tufMirrorURL: "http://127.0.0.1:8081", tufRootPath: "/d/trust/repository/1.root.json", tufCachePath: "/d/tuf-cache"');
  t.match(js, 'certificateIdentityEmail: "me@example.com", certificateIssuer: "http://127.0.0.1:5556"');

  const file = join(t.testdir(), 'example.mjs');
  writeFileSync(file, js as string);
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  t.equal(check.status, 0, `the code is valid JavaScript: ${check.stderr}`);
});

t.test('a data directory with quotes and spaces survives the shell and the JavaScript strings', async (t) => {
  const dir = `/tmp/it's a "dir" $HOME`;
  const p = plan(['--data-dir', dir]);
  const [, , , js] = shellWords(sigstoreJsExample(p, true));
  t.match(js, `tufRootPath: ${JSON.stringify(`${dir}/trust/repository/1.root.json`)}`);
  t.same(shellWords(shellWord(dir)), [dir]);
  t.equal(shellWord('/plain/path-1.2'), '/plain/path-1.2', 'plain words stay bare');
  const v3 = shellWords(cosignV3Example(p).split('\n').slice(0, 2).join('\n'));
  t.equal(v3[v3.indexOf('--signing-config') + 1], `${dir}/trust/repository/signing_config.json`);
});

t.test('without the trust service the banner says so and leaves out what needs its files', async (t) => {
  const p = plan();
  const text = banner(p, { trust: false, elapsedMs: 1000 });
  t.match(text, 'not running: services/trust is not built');
  t.notMatch(text, 'trusted_root.json');
  t.notMatch(text, 'cosign v3');
  t.notMatch(sigstoreJsExample(p, false), 'verify');
  t.match(text, 'cosign v2', 'cosign v2 needs only the keys and chain in the data directory');
});

t.test('the cosign examples use the documented flags of each major version', async (t) => {
  const p = plan(['--data-dir', '/d']);
  const v3 = shellWords(cosignV3Example(p).split('\n').slice(0, 2).join('\n'));
  t.same(v3.slice(0, 3), ['cosign', 'sign-blob', 'hello.txt']);
  for (const [flag, value] of [['--signing-config', '/d/trust/repository/signing_config.json'], ['--trusted-root', '/d/trust/repository/trusted_root.json'], ['--bundle', 'hello.sigstore.json']]) {
    t.equal(v3[v3.indexOf(flag as string) + 1], value, `sign-blob ${flag}`);
  }
  t.ok(v3.includes('--yes'));
  t.equal(v3[v3.indexOf('--identity-token') + 1], 'TOKEN');
  t.match(cosignV3Example(p), `--identity-token "$(curl -s 'http://127.0.0.1:5556/token?sub=me&email=me@example.com')"`);
  const v3verify = shellWords(cosignV3Example(p).split('\n').slice(2).join('\n'));
  t.same(v3verify.slice(0, 3), ['cosign', 'verify-blob', 'hello.txt']);
  for (const [flag, value] of [['--bundle', 'hello.sigstore.json'], ['--trusted-root', '/d/trust/repository/trusted_root.json'], ['--certificate-identity', 'me@example.com'], ['--certificate-oidc-issuer', 'http://127.0.0.1:5556']]) {
    t.equal(v3verify[v3verify.indexOf(flag as string) + 1], value, `verify-blob ${flag}`);
  }

  const v2 = cosignV2Example(p);
  const [sign, verify] = [v2.split('\n').slice(0, 2).join('\n'), v2.split('\n').slice(2).join('\n')];
  for (const cmd of [sign, verify]) {
    t.match(cmd, 'SIGSTORE_ROOT_FILE=/d/fulcio/ca-chain.pem SIGSTORE_REKOR_PUBLIC_KEY=/d/rekor/log-public-key.pem SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=/d/ctlog/log-public-key.pem');
  }
  t.match(sign, 'cosign sign-blob hello.txt --yes --bundle hello.cosign.bundle --fulcio-url http://127.0.0.1:5555 --rekor-url http://127.0.0.1:3000 --identity-token');
  t.match(verify, 'cosign verify-blob hello.txt --bundle hello.cosign.bundle --rekor-url http://127.0.0.1:3000 --certificate-identity me@example.com --certificate-oidc-issuer http://127.0.0.1:5556');
});
