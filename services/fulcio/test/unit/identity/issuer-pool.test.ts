/** Issuer selection: exact static issuers first, then anchored meta patterns where `*` is one label or segment. */
import t from 'tap';
import { issuerConfig } from '../../../src/identity/index.js';
import { IssuerPool } from '../../../src/identity/issuer-pool.js';
import { compileMetaIssuer } from '../../../src/identity/meta-issuer.js';

t.test('a star matches exactly one hostname label or path segment', async (t) => {
  const eks = compileMetaIssuer('https://oidc.eks.*.amazonaws.com/id/*');
  t.ok(eks.matches('https://oidc.eks.us-west-2.amazonaws.com/id/B02C93B6A2D30341AD01E1B6D48164CB'));
  t.ok(eks.matches('https://oidc.eks.a_b.amazonaws.com/id/x'));
  t.notOk(eks.matches('https://oidc.eks.a.b.amazonaws.com/id/x'), 'a dot is not in a label');
  t.notOk(eks.matches('https://oidc.eks.us-west-2.amazonaws.com/id/a/b'), 'a slash is not in a segment');
  t.notOk(eks.matches('https://oidc.eks..amazonaws.com/id/x'), 'a star matches at least one character');
  t.notOk(eks.matches('https://oidc.eks.us-west-2.amazonaws.com/id/'), 'an empty last segment');
  t.notOk(eks.matches('https://oidc.eks.us%2Dwest.amazonaws.com/id/x'), 'no percent signs');
  t.notOk(eks.matches('https://oidc.eks.us-west-2.amazonaws.com/id/x/'), 'trailing slash');
  t.notOk(eks.matches('https://oidc.eks.us-west-2.amazonaws.com/id/x?y'), 'query');
  t.notOk(eks.matches('https://oidc.eks.us-west-2.amazonaws.com/id/x\n'), 'anchored at the end, no newline');
  t.notOk(eks.matches('xhttps://oidc.eks.us-west-2.amazonaws.com/id/x'), 'anchored at the start');
});

t.test('pattern characters are literal, never regular expression syntax', async (t) => {
  const p = compileMetaIssuer('https://a.example.com/(x)+/*');
  t.ok(p.matches('https://a.example.com/(x)+/seg'));
  t.notOk(p.matches('https://a.example.com/xx/seg'));
  t.notOk(compileMetaIssuer('https://a.example.com/*').matches('https://aXexample.com/z'), 'the dot matches only a dot');
});

t.test('an unanchored-looking attacker URL does not match a wildcard (GHSA-59jp-pj84-45mr)', async (t) => {
  const p = compileMetaIssuer('https://meta.example.net/*');
  t.notOk(p.matches('http://localhost?https://meta.example.net/x'));
  t.notOk(p.matches('http://localhost:3000?https://meta.example.net/x'));
  t.notOk(p.matches('https://meta.example.net/x#https://evil'));
  t.notOk(p.matches('https://meta.example.net.evil.net/x'));
  t.notOk(p.matches('https://meta.example.net@evil.net/x'));
});

t.test('matching stays linear on patterns with many adjacent stars', async (t) => {
  const p = compileMetaIssuer('https://*-*-*-*-*-*-*-*.example.com');
  const hostile = `https://${'a-'.repeat(8000)}!`;
  const started = process.hrtime.bigint();
  t.notOk(p.matches(hostile));
  t.ok(p.matches('https://a-b-c-d-e-f-g-h.example.com'));
  t.ok(process.hrtime.bigint() - started < 5_000_000_000n, 'finishes (a backtracking engine would not)');
});

t.test('the pool prefers an exact static issuer and never normalizes', async (t) => {
  const pool = new IssuerPool(
    issuerConfig({
      oidcIssuers: { 'https://issuer.example.com': { clientId: 'a', type: 'email' }, 'https://meta.example.net/special': { clientId: 'b', type: 'email' } },
      metaIssuers: { 'https://meta.example.net/*': { clientId: 'c', type: 'kubernetes' } },
    }),
  );
  t.match(pool.match('https://issuer.example.com'), { issuer: 'https://issuer.example.com', pattern: undefined, config: { clientId: 'a' } });
  t.match(pool.match('https://meta.example.net/special'), { pattern: undefined, config: { clientId: 'b' } }, 'static before meta');
  t.match(pool.match('https://meta.example.net/tenant-1'), { issuer: 'https://meta.example.net/tenant-1', pattern: 'https://meta.example.net/*', config: { clientId: 'c' } });
  for (const iss of ['https://issuer.example.com/', 'https://Issuer.example.com', 'http://issuer.example.com', 'https://issuer.example.com.evil.net', ' https://issuer.example.com', 'constructor', '__proto__', 'toString']) {
    t.equal(pool.match(iss), undefined, `${JSON.stringify(iss)} is not configured`);
  }
});
