import t from 'tap';
import { parseBundle, parseTrustedRoot } from '../src/bundle/inputs.js';
import { verifyBundle, type IdentityPolicy } from '../src/bundle/verify.js';
import { ARTIFACT, DSSE, ISSUER, MESSAGE, POLICY, ROOT, type Json } from './fixtures/bundles.js';

// A message-signature bundle (v0.2) and a DSSE attestation made by sigstore-js against the stack,
// with the stack's trusted root (test/fixtures/bundle). Verification is offline and uses the SET's
// time, not the clock, so the fixtures stay valid. Each test alters one thing.

function flip(b64: string, at = 0): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] = bytes[at]! ^ 1;
  return bytes.toString('base64');
}

function verify(options: { bundle?: (b: Json) => void; root?: (r: Json) => void; base?: Json; artifact?: Buffer | null; policy?: IdentityPolicy } = {}) {
  const bundle = structuredClone(options.base ?? MESSAGE);
  const root = structuredClone(ROOT);
  options.bundle?.(bundle);
  options.root?.(root);
  const artifact = options.artifact === null ? undefined : (options.artifact ?? ARTIFACT);
  return () => verifyBundle(parseBundle(Buffer.from(JSON.stringify(bundle))), parseTrustedRoot(Buffer.from(JSON.stringify(root))), artifact, options.policy ?? POLICY);
}

const entry = (b: Json): Json => b.verificationMaterial.tlogEntries[0];

t.test('a sigstore-js message-signature bundle verifies and the verdict says what was checked', async (t) => {
  const v = verify()();
  t.equal(v.verified, true);
  t.same(v.signer, { san: 'alice@example.com', issuer: ISSUER });
  t.equal(v.scts.length, 1);
  t.equal(v.tlogEntries[0]!.set, true);
  t.ok(v.tlogEntries[0]!.inclusion);
  t.same(v.policy, { identity: true, issuer: true });
});

t.test('a sigstore-js DSSE attestation verifies without an artifact', async (t) => {
  const v = verify({ base: DSSE, artifact: null })();
  t.equal(v.content, 'dsseEnvelope');
  t.equal(v.payloadType, 'application/vnd.in-toto+json');
});

t.test('a DSSE attestation with an artifact that is not its subject fails the signature check', async (t) => {
  t.throws(verify({ base: DSSE, artifact: Buffer.from('not the subject') }), { name: 'AuditError', exit: 'signature' });
});

t.test('a DSSE envelope with two signatures is refused', async (t) => {
  t.throws(verify({ base: DSSE, artifact: null, bundle: (b) => b.dsseEnvelope.signatures.push(b.dsseEnvelope.signatures[0]) }), { name: 'AuditError', exit: 'signature' });
});

t.test('an altered DSSE payload fails the signature check', async (t) => {
  t.throws(verify({ base: DSSE, artifact: null, bundle: (b) => (b.dsseEnvelope.payload = flip(b.dsseEnvelope.payload, 3)) }), { name: 'AuditError', exit: 'signature' });
});

t.test('a message digest that is not the artifact\'s fails the signature check', async (t) => {
  t.throws(verify({ bundle: (b) => (b.messageSignature.messageDigest.digest = flip(b.messageSignature.messageDigest.digest)) }), { name: 'AuditError', exit: 'signature' });
});

t.test('an entry from a log the trusted root does not list is refused', async (t) => {
  t.throws(verify({ root: (r) => (r.tlogs = []) }), { name: 'AuditError', exit: 'checkpointKey' });
});

t.test('a body of another kind than the bundle says is refused', async (t) => {
  t.throws(verify({ bundle: (b) => (entry(b).kindVersion.kind = 'dsse') }), { name: 'AuditError', exit: 'body' });
});

t.test('a body recording another signature is refused before the SET is checked', async (t) => {
  t.throws(verify({
    bundle: (b) => {
      const body = JSON.parse(Buffer.from(entry(b).canonicalizedBody, 'base64').toString());
      body.spec.signature.content = flip(body.spec.signature.content);
      entry(b).canonicalizedBody = Buffer.from(JSON.stringify(body)).toString('base64');
    },
  }), { name: 'AuditError', exit: 'body' });
});

t.test('a checkpoint signed under a name not in the log url is not trusted', async (t) => {
  t.throws(verify({ root: (r) => (r.tlogs[0].baseUrl = 'https://rekor.example') }), { name: 'AuditError', exit: 'checkpointKey' });
});

t.test('a checkpoint whose signature does not verify is refused', async (t) => {
  t.throws(verify({
    bundle: (b) => {
      const cp: string = entry(b).inclusionProof.checkpoint.envelope;
      const line = cp.trimEnd().split('\n').at(-1)!;
      const sig = line.split(' ').at(-1)!;
      entry(b).inclusionProof.checkpoint.envelope = cp.replace(sig, flip(sig, 10));
    },
  }), { name: 'AuditError', exit: 'checkpointSignature' });
});

t.test('an inclusion proof for another root than its checkpoint\'s is refused', async (t) => {
  t.throws(verify({ bundle: (b) => (entry(b).inclusionProof.rootHash = flip(entry(b).inclusionProof.rootHash)) }), { name: 'AuditError', exit: 'inclusion' });
});

t.test('an entry with neither promise nor proof, or only a proof, proves no signing time', async (t) => {
  t.throws(verify({ bundle: (b) => (delete entry(b).inclusionPromise, delete entry(b).inclusionProof) }), { name: 'AuditError', exit: 'set' });
  t.throws(verify({ bundle: (b) => delete entry(b).inclusionPromise }), { name: 'AuditError', exit: 'set' });
});

t.test('a SET outside the validity of the log key is refused', async (t) => {
  t.throws(verify({ root: (r) => (r.tlogs[0].publicKey.validFor = { start: '2000-01-01T00:00:00Z', end: '2001-01-01T00:00:00Z' }) }), { name: 'AuditError', exit: 'set' });
});

t.test('a trusted root without the CA, or with the CA expired at the signing time, fails the certificate check', async (t) => {
  t.throws(verify({ root: (r) => (r.certificateAuthorities = []) }), { name: 'AuditError', exit: 'certificate' });
  t.throws(verify({ root: (r) => (r.certificateAuthorities[0].validFor = { start: '2000-01-01T00:00:00Z', end: '2001-01-01T00:00:00Z' }) }), { name: 'AuditError', exit: 'certificate' });
});

t.test('an SCT from a CT log key outside its validity does not count', async (t) => {
  t.throws(verify({ root: (r) => (r.ctlogs[0].publicKey.validFor = { start: '2000-01-01T00:00:00Z', end: '2001-01-01T00:00:00Z' }) }), { name: 'AuditError', exit: 'sct' });
});

t.test('the identity policy checks email, uri, regex and issuer', async (t) => {
  t.doesNotThrow(verify({ policy: { email: 'alice@example.com' } }));
  t.equal(verify({ policy: {} })().policy.identity, false, 'no policy: any signer, and the verdict says so');
  t.throws(verify({ policy: { email: 'bob@example.com' } }), { name: 'AuditError', exit: 'policy' });
  t.throws(verify({ policy: { uri: 'https://example.com/alice' } }), { name: 'AuditError', exit: 'policy' });
  t.throws(verify({ policy: { identity: 'alice' } }), { name: 'AuditError', exit: 'policy' }, 'the regex is anchored');
  t.throws(verify({ policy: { issuer: `${ISSUER}/` } }), { name: 'AuditError', exit: 'policy' });
});
