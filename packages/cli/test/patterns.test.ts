import t from 'tap';
import { globToRegExp, matchSigner, parsePattern } from '../src/monitor/patterns.js';
import type { CertificateSigner } from '../src/log/entry-body.js';

function signer(identities: string[], issuer?: string): CertificateSigner {
  return { type: 'certificate', identities, issuer, subject: '', certificateIssuer: 'CN=ca', serial: '01', notBefore: '', notAfter: '', chainLength: 1 };
}

t.test('globs are anchored, * spans any characters and ? exactly one', async (t) => {
  const g = globToRegExp('*@example.com', false);
  t.ok(g.test('alice@example.com'));
  t.notOk(g.test('alice@example.com.evil'), 'anchored at the end');
  t.notOk(globToRegExp('example.com', false).test('xexample.com'), 'anchored at the start');
  t.notOk(g.test('alice@exampleXcom'), 'dots are literal');
  t.ok(globToRegExp('https://github.com/acme/*', false).test('https://github.com/acme/app/.github/workflows/r.yml@refs/heads/main'));
  t.ok(globToRegExp('a?c', false).test('abc'));
  t.notOk(globToRegExp('a?c', false).test('ac'));
  t.ok(globToRegExp('(x)+[y]{2}|$^\\', false).test('(x)+[y]{2}|$^\\'), 'regex syntax is literal');
  t.ok(globToRegExp('***a', false).test('xxa'), 'runs of stars collapse');
});

t.test('email patterns ignore case, uri patterns do not', async (t) => {
  t.same(matchSigner(parsePattern('email:*@Example.COM'), signer(['email:Alice@example.com'])), ['email:Alice@example.com']);
  t.same(matchSigner(parsePattern('uri:https://github.com/Acme/*'), signer(['uri:https://github.com/acme/x'])), []);
});

t.test('the kind selects the SAN type, and any matches every type', async (t) => {
  const s = signer(['email:a@example.com', 'uri:https://a.example/x', 'dns:a.example']);
  t.same(matchSigner(parsePattern('uri:*'), s), ['uri:https://a.example/x']);
  t.same(matchSigner(parsePattern('any:a.example'), s), ['dns:a.example']);
  t.same(matchSigner(parsePattern('username:*'), s), []);
});

t.test('issuer clauses restrict or exclude the oidc issuer', async (t) => {
  const p = parsePattern('email:*@example.com;issuer=https://accounts.example');
  t.same(matchSigner(p, signer(['email:a@example.com'], 'https://accounts.example')), ['email:a@example.com']);
  t.same(matchSigner(p, signer(['email:a@example.com'], 'https://other.example')), []);
  t.same(matchSigner(p, signer(['email:a@example.com'])), [], 'no issuer never satisfies =');
  const n = parsePattern('email:release@example.com;issuer!=https://ci.example');
  t.same(matchSigner(n, signer(['email:release@example.com'], 'https://ci.example')), []);
  t.same(matchSigner(n, signer(['email:release@example.com'], 'https://phish.example')), ['email:release@example.com']);
  t.same(matchSigner(n, signer(['email:release@example.com'])), ['email:release@example.com'], 'no issuer always satisfies !=');
});

t.test('malformed patterns are usage errors', async (t) => {
  for (const bad of ['', 'email', 'mail:x', 'email:', 'email:x;issuer', 'email:x;issuer=', 'email:x;issuerx=y', `email:${'x'.repeat(2000)}`]) {
    t.throws(() => parsePattern(bad), { code: 'ERR_USAGE', exit: 'usage' }, JSON.stringify(bad.slice(0, 20)));
  }
});
