/**
 * The issuer configuration: upstream's JSON and YAML forms, validation with every problem reported at
 * once, and the /api/v2/configuration view.
 */
import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { configurationIssuers, issuerConfig, IssuerConfigError, parseIssuerConfig, type IssuerConfigInput } from '../../../src/identity/index.js';
import { selfSignedLoopback } from '../../fixtures/identity/tls.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/identity/${name}`, import.meta.url), 'utf8');

/** The problems of a configuration that must not load. */
function problemsOf(t: Test, load: () => unknown): readonly string[] {
  try {
    load();
  } catch (err) {
    t.ok(err instanceof IssuerConfigError, 'an IssuerConfigError');
    t.equal((err as IssuerConfigError).code, 'ERR_CONFIG_INVALID');
    return (err as IssuerConfigError).problems;
  }
  t.fail('the configuration loaded');
  return [];
}

function hasProblem(t: Test, problems: readonly string[], pattern: RegExp): void {
  t.ok(problems.some((p) => pattern.test(p)), `a problem matches ${pattern}`);
}

t.test('the YAML form with anchors, alias keys and a define list loads every issuer type', async (t) => {
  const config = parseIssuerConfig(fixture('issuers.yaml'), { source: 'issuers.yaml' });
  t.equal(Object.keys(config.oidcIssuers).length, 15);
  t.same(Object.keys(config.metaIssuers), ['https://oidc.eks.*.amazonaws.example.com/id/*', 'https://ci.example.net/*']);
  t.same(Object.keys(config.ciIssuerMetadata), ['github-workflow', 'gitlab-pipeline', 'circle-job']);
  const accounts = config.oidcIssuers['https://accounts.example.com'];
  t.match(accounts, { issuerUrl: 'https://accounts.example.com', clientId: 'sigstore', type: 'email', contact: 'security@example.com', skipEmailVerification: false });
  t.equal(config.oidcIssuers['https://dex.example.com/auth']?.issuerUrl, 'https://dex.example.com/auth', 'IssuerURL defaults to the key');
  t.equal(config.oidcIssuers['https://dex.example.com/auth']?.issuerClaim, '$.federated_claims.connector_id');
  t.equal(config.oidcIssuers['https://entra.example.com/tenant/v2.0']?.skipEmailVerification, true);
  t.equal(config.oidcIssuers['https://token.actions.example.com']?.ciProvider, 'github-workflow', 'an alias used as a value');
  const github = config.ciIssuerMetadata['github-workflow'];
  t.equal(github?.defaultTemplateValues.url, 'https://github.com');
  t.equal(github?.defaultTemplateValues.environment, '');
  t.equal(github?.extensionTemplates['build-signer-uri'], '{{ .url }}/{{ .job_workflow_ref }}');
  t.equal(github?.subjectAlternativeNameTemplate, '{{ .url }}/{{ .job_workflow_ref }}');
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.oidcIssuers) && Object.isFrozen(accounts));
});

t.test('the JSON form matches Go field names case-insensitively and ignores unknown keys', async (t) => {
  const config = parseIssuerConfig(fixture('issuers.json'));
  t.same(Object.keys(config.oidcIssuers), ['https://accounts.example.com', 'https://login.example.com', 'https://token.actions.example.com']);
  t.match(config.oidcIssuers['https://accounts.example.com'], { clientId: 'sigstore', type: 'email' });
  t.match(config.oidcIssuers['https://login.example.com'], { type: 'username', subjectDomain: 'example.com' });
  t.same({ ...config.ciIssuerMetadata.github?.extensionTemplates }, { 'build-signer-uri': '{{ .url }}/{{ .job_workflow_ref }}', 'source-repository-digest': 'sha' });
  t.equal(config.metaIssuers['https://oidc.eks.*.amazonaws.example.com/id/*']?.type, 'kubernetes');
});

t.test('bytes are accepted as well as text', async (t) => {
  const config = parseIssuerConfig(new TextEncoder().encode(fixture('issuers.json')));
  t.equal(Object.keys(config.oidcIssuers).length, 3);
});

t.test('JSON keys that differ only in case, or repeat exactly, are refused', async (t) => {
  const cased = problemsOf(t, () => parseIssuerConfig('{"OIDCIssuers":{"https://a.example.com":{"ClientID":"x","clientid":"y","Type":"email"}}}'));
  hasProblem(t, cased, /differ only in case/);
  const repeated = problemsOf(t, () => parseIssuerConfig('{"OIDCIssuers":{},"OIDCIssuers":{}}'));
  hasProblem(t, repeated, /not valid JSON.*duplicate/i);
});

t.test('text that is neither JSON nor YAML is refused with the parser error', async (t) => {
  hasProblem(t, problemsOf(t, () => parseIssuerConfig('oidc-issuers: [1\n')), /not valid YAML/);
  hasProblem(t, problemsOf(t, () => parseIssuerConfig('a: 1\na: 2\n')), /not valid YAML.*unique/);
  hasProblem(t, problemsOf(t, () => parseIssuerConfig('- just\n- a list\n')), /must be a mapping/);
  hasProblem(t, problemsOf(t, () => parseIssuerConfig('{"OIDCIssuers": ')), /not valid JSON/);
});

t.test('YAML alias bombs, alias cycles and non-scalar keys are refused, not expanded', async (t) => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) levels.push(`${'b'.repeat(i)}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
  const started = performance.now();
  hasProblem(t, problemsOf(t, () => parseIssuerConfig(`${levels.join('\n')}\n`)), /more than 100000 nodes/);
  t.ok(performance.now() - started < 5_000, 'refused quickly');
  hasProblem(t, problemsOf(t, () => parseIssuerConfig('a: &x [*x]\n')), /not valid YAML|nested deeper/);
  hasProblem(t, problemsOf(t, () => parseIssuerConfig('? [a, b]\n: c\n')), /mapping keys must be scalars/);
});

t.test('a configuration without issuers is refused', async (t) => {
  hasProblem(t, problemsOf(t, () => parseIssuerConfig('define: []\n')), /no issuers configured/);
  hasProblem(t, problemsOf(t, () => issuerConfig({})), /no issuers configured/);
});

t.test('every problem of a configuration is reported at once', async (t) => {
  const yaml = `
oidc-issuers:
  https://spiffe-a.example.com: { client-id: sigstore, type: spiffe }
  https://spiffe-b.example.com: { client-id: sigstore, type: spiffe, spiffe-trust-domain: "Bad Domain" }
  https://uri-a.example.com: { client-id: sigstore, type: uri }
  https://uri-b.example.com: { client-id: sigstore, type: uri, subject-domain: example.com }
  https://uri-c.example.com: { client-id: sigstore, type: uri, subject-domain: "http://example.com" }
  https://uri-d.example.com: { client-id: sigstore, type: uri, subject-domain: "https://example.org" }
  https://user-a.example.com: { client-id: sigstore, type: username, subject-domain: "https://example.com" }
  https://user-b.example.com: { client-id: sigstore, type: username, subject-domain: evil.net }
  https://user-c.example.com: { client-id: sigstore, type: username }
  https://claim.example.com: { client-id: sigstore, type: kubernetes, issuer-claim: $.a }
  https://path.example.com: { client-id: sigstore, type: email, issuer-claim: "$..a[?(@.b)]" }
  https://type.example.com: { client-id: sigstore, type: github }
  https://ca.example.com: { client-id: sigstore, type: email, ca-cert: "not a certificate" }
  https://ci.example.com: { client-id: sigstore, type: ci-provider, ci-provider: nowhere }
  https://ci2.example.com: { client-id: sigstore, type: ci-provider }
  https://key.example.com: { issuer-url: https://other.example.com, client-id: sigstore, type: email }
  ftp://scheme.example.com: { client-id: sigstore, type: email }
  https://query.example.com/?x=1: { client-id: sigstore, type: email }
  https://noclient.example.com: { type: email }
  https://types.example.com: { client-id: [a, b], type: email, skip-email-verification: "yes" }
meta-issuers:
  https://*.spiffe.example.com: { client-id: sigstore, type: spiffe, spiffe-trust-domain: example.com }
  https://*.example.com/*: { client-id: sigstore, type: username, subject-domain: "*.example.org" }
ci-issuer-metadata:
  broken:
    extension-templates:
      build-signer-uri: "{{ .url "
      source-repository-uri: "{{ range .x }}{{ end }}"
      build-signer-url: "typo"
  nosan:
    extension-templates: {}
`;
  const problems = problemsOf(t, () => parseIssuerConfig(yaml, { source: 'bad.yaml' }));
  t.ok(problems.every((p) => p.startsWith('bad.yaml: ')), 'every problem names the file');
  const expected = [
    /spiffe-a.*must have SPIFFETrustDomain set/,
    /spiffe-b.*spiffe trust domain is invalid/,
    /uri-a.*uri issuer must have SubjectDomain set/,
    /uri-b.*SubjectDomain for uri must contain scheme/,
    /uri-c.*schemes do not match/,
    /uri-d.*top-level and second-level domains do not match/,
    /user-a.*should not contain scheme/,
    /user-b.*top-level and second-level domains do not match/,
    /user-c.*username issuer must have SubjectDomain set/,
    /claim\.example.*only email issuers can use issuer claim mapping/,
    /path\.example.*jsonpath beyond/,
    /type\.example.*unknown issuer type "github"/,
    /ca\.example.*failed to parse CA certificate/,
    /ci\.example.*CIProvider "nowhere" has no CIIssuerMetadata entry/,
    /ci2\.example.*must have CIProvider set/,
    /key\.example.*IssuerURL "https:\/\/other.example.com" differs from its key/,
    /ftp:.*must be an absolute http or https URL/,
    /query\.example.*must not have a query or fragment/,
    /noclient.*ClientID is required/,
    /types\.example.*client-id: must be a string/,
    /types\.example.*ClientID is required/,
    /types\.example.*skip-email-verification: must be true or false/,
    /MetaIssuers.*spiffe.*SPIFFE meta issuers not supported/,
    /MetaIssuers.*\*\.example\.com\/\*.*top-level and second-level domains do not match/,
    /broken.*build-signer-uri: unclosed action/,
    /broken.*source-repository-uri: \{\{range\}\} is not supported/,
    /broken.*unknown extension "build-signer-url"/,
    /broken.*SubjectAlternativeNameTemplate is required/,
    /nosan.*SubjectAlternativeNameTemplate is required/,
  ];
  for (const pattern of expected) hasProblem(t, problems, pattern);
  t.equal(problems.length, expected.length, `exactly the expected problems:\n${problems.join('\n')}`);
});

t.test('domain rules accept a subject domain that shares the issuer top two labels', async (t) => {
  const config = issuerConfig({
    oidcIssuers: {
      'https://accounts.example.com': { clientId: 'sigstore', type: 'uri', subjectDomain: 'https://users.example.com' },
      'https://login.example.com': { clientId: 'sigstore', type: 'username', subjectDomain: 'example.com' },
      'https://spiffe.example.com': { clientId: 'sigstore', type: 'spiffe', spiffeTrustDomain: 'spiffe://example.com' },
    },
    metaIssuers: { 'https://*.login.example.com': { clientId: 'sigstore', type: 'username', subjectDomain: 'example.com' } },
  });
  t.equal(config.oidcIssuers['https://accounts.example.com']?.subjectDomain, 'https://users.example.com');
  t.equal(config.metaIssuers['https://*.login.example.com']?.issuerUrl, 'https://*.login.example.com');
});

t.test('a CACert holding PEM certificates is accepted', async (t) => {
  const { certPem } = await selfSignedLoopback();
  const config = issuerConfig({ oidcIssuers: { 'https://ca.example.com': { clientId: 'sigstore', type: 'email', caCert: certPem } } });
  t.equal(config.oidcIssuers['https://ca.example.com']?.caCert, certPem);
});

t.test('a configuration built in code can extend a parsed one', async (t) => {
  const parsed = parseIssuerConfig(fixture('issuers.json'));
  const input: IssuerConfigInput = { ...parsed, oidcIssuers: { ...parsed.oidcIssuers, 'http://127.0.0.1:5556': { clientId: 'sigstore', type: 'email' } } };
  const config = issuerConfig(input);
  t.equal(Object.keys(config.oidcIssuers).length, 4);
  t.match(config.oidcIssuers['http://127.0.0.1:5556'], { type: 'email', skipEmailVerification: false, caCert: '' });
});

t.test('keys such as __proto__ and constructor stay ordinary data', async (t) => {
  const config = parseIssuerConfig('{"OIDCIssuers":{"https://a.example.com":{"ClientID":"x","Type":"email"}},"CIIssuerMetadata":{"__proto__":{"SubjectAlternativeNameTemplate":"url"}}}');
  t.ok(Object.hasOwn(config.ciIssuerMetadata, '__proto__'));
  t.notOk(Object.hasOwn(config.oidcIssuers, 'constructor'));
});

t.test('the configuration view lists static then meta issuers with upstream field names', async (t) => {
  const view = configurationIssuers(parseIssuerConfig(fixture('issuers.json')));
  t.same(view, [
    { issuerUrl: 'https://accounts.example.com', audience: 'sigstore', challengeClaim: 'email', spiffeTrustDomain: '', issuerType: 'email', subjectDomain: '', skipEmailVerification: false },
    { issuerUrl: 'https://login.example.com', audience: 'sigstore', challengeClaim: 'sub', spiffeTrustDomain: '', issuerType: 'username', subjectDomain: 'example.com', skipEmailVerification: false },
    { issuerUrl: 'https://token.actions.example.com', audience: 'sigstore', challengeClaim: 'sub', spiffeTrustDomain: '', issuerType: 'ci-provider', subjectDomain: '', skipEmailVerification: false },
    { wildcardIssuerUrl: 'https://oidc.eks.*.amazonaws.example.com/id/*', audience: 'sigstore', challengeClaim: 'sub', spiffeTrustDomain: '', issuerType: 'kubernetes', subjectDomain: '', skipEmailVerification: false },
  ]);
});
