/** Go's net/url behaviour for the URIs Fulcio writes: Parse + String, Hostname, JoinPath. */
import t from 'tap';
import { cleanPath, goUrlHostname, goUrlJoinPath, goUrlString, parseGoUrl } from '../../../src/identity/go-url.js';

const roundTrip = (raw: string): string => goUrlString(parseGoUrl(raw));

t.test('ordinary URLs survive Parse and String unchanged', async (t) => {
  for (const raw of [
    'https://github.com/octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main',
    'https://buildkite.com/acme/pipe',
    'spiffe://example.com/ns/default/sa/x',
    'https://example.com:8443/a%2Fb?x=1&y=2#frag',
    'https://example.com/a!$&\'()*+,;=:@b',
    'urn:example:opaque',
    'https://example.com',
    'https://[::1]:8080/x',
  ]) {
    t.equal(roundTrip(raw), raw, raw);
  }
});

t.test('String escapes what Go escapes and lower-cases the scheme', async (t) => {
  t.equal(roundTrip('HTTPS://Example.com/a b/é'), 'https://Example.com/a%20b/%C3%A9');
  t.equal(roundTrip('https://example.com/#a b'), 'https://example.com/#a%20b');
  t.equal(roundTrip('https://example.com/x#'), 'https://example.com/x', 'an empty fragment is dropped');
  t.equal(roundTrip('https://example.com/x?'), 'https://example.com/x?', 'ForceQuery');
  t.equal(roundTrip('gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main'), 'gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main');
  const schemeless = parseGoUrl('gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main');
  t.equal(goUrlString({ ...schemeless, scheme: 'https' }), 'https://gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main');
});

t.test('Parse refuses what Go refuses, and userinfo or percent hosts', async (t) => {
  for (const raw of ['https://exa mple.com/', 'https://example.com/%zz', 'https://example.com/\n', ':foo', 'a:b/c'.replace('a', '1'), 'https://user@example.com/', 'https://ex%41mple.com/', 'https://example.com:80a/']) {
    t.throws(() => parseGoUrl(raw), Error, raw);
  }
  t.throws(() => parseGoUrl('seg:ment/x'.replace('seg', '')), Error, 'missing protocol scheme');
});

t.test('Hostname drops the port and IPv6 brackets', async (t) => {
  t.equal(goUrlHostname(parseGoUrl('https://example.com:8443/x')), 'example.com');
  t.equal(goUrlHostname(parseGoUrl('https://[::1]:8443/x')), '::1');
  t.equal(goUrlHostname(parseGoUrl('https://example.com')), 'example.com');
});

t.test('JoinPath joins, cleans and keeps a trailing slash like Go', async (t) => {
  const github = parseGoUrl('https://github.com/');
  t.equal(goUrlString(goUrlJoinPath(github, 'octo/repo', 'actions/runs', '42', 'attempts', '1')), 'https://github.com/octo/repo/actions/runs/42/attempts/1');
  t.equal(goUrlString(goUrlJoinPath(github, 'a/../../etc', './b')), 'https://github.com/etc/b');
  t.equal(goUrlString(goUrlJoinPath(github, 'a//b', 'c/')), 'https://github.com/a/b/c/');
  t.equal(goUrlString(goUrlJoinPath(parseGoUrl('https://gitlab.com/'), 'g/p', '/-/jobs/', '7')), 'https://gitlab.com/g/p/-/jobs/7');
  t.equal(goUrlString(goUrlJoinPath(parseGoUrl('https://issuer.example.com'), 'user 1')), 'https://issuer.example.com/user%201');
  t.equal(goUrlString(goUrlJoinPath(parseGoUrl('https://x.example.com/base'), 'é')), 'https://x.example.com/base/%C3%A9');
  t.throws(() => goUrlJoinPath(github, '%zz'));
});

t.test('cleanPath is path.Clean', async (t) => {
  t.equal(cleanPath(''), '.');
  t.equal(cleanPath('/'), '/');
  t.equal(cleanPath('a/b/../..'), '.');
  t.equal(cleanPath('../a'), '../a');
  t.equal(cleanPath('/../a'), '/a');
  t.equal(cleanPath('a//b/./c/'), 'a/b/c');
});
