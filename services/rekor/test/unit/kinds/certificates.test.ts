/**
 * hashedrekord entries signed with certificates: SAN search keys, and the chain rule (leaf to the
 * last certificate as root, at the leaf's notBefore; expiry now is never checked).
 */
import t from 'tap';
import { parseCertificate } from '@sigstack/crypto/x509';
import { verifyChain } from '../../../src/kinds/chain.js';
import { chain, issue, sanExtension, YEAR_2020, type Issued } from '../../fixtures/kinds/certs.js';
import { b64, hashedRekord, INVALID, pem, registry, sha256hex, signWith, text } from '../../fixtures/kinds/helpers.js';
import { INTOTO_PROVENANCE } from '../../fixtures/kinds/public-entries.js';

const kinds = registry();
const ARTIFACT = 'hello, world!';

/** A hashedrekord entry signed by `signer`, carrying `certs` (PEM, in the order given). */
function entryFor(signer: Issued, certs: readonly Issued[]) {
  return hashedRekord({
    value: sha256hex(ARTIFACT),
    signature: signWith(signer.privateKey, ARTIFACT, 'sha256'),
    publicKeyPem: certs.map((c) => pem('CERTIFICATE', c.der)).join(''),
  });
}

const SANS = sanExtension([
  { email: 'Alice@Example.COM' },
  { uri: 'https://Example.com/Workflow@refs/heads/main' },
  { dns: 'build.example' },
  { ip: [192, 0, 2, 7] },
  { ip: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] },
  { username: 'Alice!Example.COM' },
]);

t.test('a certificate entry keeps the certificate and indexes every SAN in lower case', async (t) => {
  const { leaf } = await chain({ extensions: [SANS] });
  const entry = kinds.canonicalize(entryFor(leaf, [leaf]));
  const certPem = pem('CERTIFICATE', leaf.der);
  t.equal(JSON.parse(text(entry.body)).spec.signature.publicKey.content, b64(certPem));
  t.same(entry.searchKeys, [
    sha256hex(certPem),
    'build.example',
    'alice@example.com',
    '192.0.2.7',
    '2001:db8::1',
    'https://example.com/workflow@refs/heads/main',
    'alice!example.com',
    `sha256:${sha256hex(ARTIFACT)}`,
  ]);
});

t.test('expired certificates are accepted: Rekor never checks expiry now', async (t) => {
  const { root, intermediate, leaf } = await chain({ notBefore: new Date('2021-05-01T00:00:00Z'), notAfter: new Date('2021-05-01T00:10:00Z') });
  t.ok(kinds.canonicalize(entryFor(leaf, [leaf])), 'a lone expired leaf');
  t.ok(kinds.canonicalize(entryFor(leaf, [leaf, intermediate, root])), 'an expired leaf in a chain');
});

t.test('a chain to the last certificate is accepted and stored whole, in order', async (t) => {
  const { root, intermediate, leaf } = await chain();
  const entry = kinds.canonicalize(entryFor(leaf, [leaf, intermediate, root]));
  const chainPem = [leaf, intermediate, root].map((c) => pem('CERTIFICATE', c.der)).join('');
  t.equal(JSON.parse(text(entry.body)).spec.signature.publicKey.content, b64(chainPem));
  t.equal(entry.searchKeys[0], sha256hex(chainPem), 'the key hash covers the whole chain');
  const direct = await issue({ name: 'CN=direct leaf', issuer: root });
  t.ok(kinds.canonicalize(entryFor(direct, [direct, root])), 'leaf and root only');
  t.ok(kinds.canonicalize(entryFor(direct, [direct, intermediate, root])), 'an unused intermediate is ignored');
});

t.test('intermediates may come in any order', async (t) => {
  const root = await issue({ name: 'CN=root', ca: true });
  const upper = await issue({ name: 'CN=upper', issuer: root, ca: true });
  const lower = await issue({ name: 'CN=lower', issuer: upper, ca: true, pathLength: 0 });
  const leaf = await issue({ name: 'CN=leaf', issuer: lower });
  t.ok(kinds.canonicalize(entryFor(leaf, [leaf, upper, lower, root])));
  t.ok(kinds.canonicalize(entryFor(leaf, [leaf, lower, upper, root])));
});

t.test('a real Fulcio chain verifies', async (t) => {
  t.doesNotThrow(() => verifyChain(INTOTO_PROVENANCE.chain.map((der) => parseCertificate(Buffer.from(der, 'base64')))));
});

t.test('broken chains are refused', async (t) => {
  const { root, intermediate, leaf } = await chain();
  const stranger = await issue({ name: 'CN=test root', ca: true });
  t.throws(() => kinds.canonicalize(entryFor(leaf, [leaf, intermediate, stranger])), INVALID, 'another root with the same name');
  t.throws(() => kinds.canonicalize(entryFor(leaf, [leaf, root])), INVALID, 'the intermediate is missing');
  t.throws(() => kinds.canonicalize(entryFor(leaf, [leaf, intermediate, root, stranger])), INVALID, 'the last certificate is not on the path');
  // As with Go (the last certificate is the only trust anchor), an intermediate sent last is the root.
  t.ok(kinds.canonicalize(entryFor(leaf, [leaf, stranger, intermediate])), 'the issuer last is the root');

  const notCa = await issue({ name: 'CN=not a CA', issuer: root });
  const underNotCa = await issue({ name: 'CN=leaf', issuer: notCa });
  t.throws(() => kinds.canonicalize(entryFor(underNotCa, [underNotCa, notCa, root])), INVALID, 'an intermediate without cA');
  const caFalse = await issue({ name: 'CN=cA false', issuer: root, ca: false });
  const underCaFalse = await issue({ name: 'CN=leaf', issuer: caFalse });
  t.throws(() => kinds.canonicalize(entryFor(underCaFalse, [underCaFalse, caFalse, root])), INVALID, 'an intermediate with cA=false');
});

t.test('every certificate on the path must be valid at the leaf notBefore', async (t) => {
  const oldRoot = await issue({ name: 'CN=old root', ca: true, notBefore: new Date('2010-01-01Z'), notAfter: new Date('2015-01-01Z') });
  const leafOfOld = await issue({ name: 'CN=leaf', issuer: oldRoot, notBefore: new Date('2016-01-01Z') });
  t.throws(() => kinds.canonicalize(entryFor(leafOfOld, [leafOfOld, oldRoot])), INVALID, 'the root expired before the leaf');
  const root = await issue({ name: 'CN=root', ca: true });
  const lateIntermediate = await issue({ name: 'CN=late', issuer: root, ca: true, notBefore: new Date('2030-01-01Z') });
  const early = await issue({ name: 'CN=leaf', issuer: lateIntermediate, notBefore: YEAR_2020 });
  t.throws(() => kinds.canonicalize(entryFor(early, [early, lateIntermediate, root])), INVALID, 'the intermediate is not yet valid');
  const backwards = await issue({ name: 'CN=leaf', issuer: root, notBefore: new Date('2030-01-01Z'), notAfter: new Date('2029-01-01Z') });
  t.throws(() => kinds.canonicalize(entryFor(backwards, [backwards, root])), INVALID, 'the leaf ends before it starts');
});

t.test('path length constraints are enforced', async (t) => {
  const root = await issue({ name: 'CN=root', ca: true, pathLength: 0 });
  const intermediate = await issue({ name: 'CN=intermediate', issuer: root, ca: true });
  const leaf = await issue({ name: 'CN=leaf', issuer: intermediate });
  t.throws(() => kinds.canonicalize(entryFor(leaf, [leaf, intermediate, root])), INVALID, 'root allows no intermediate');
  const direct = await issue({ name: 'CN=direct', issuer: root });
  t.ok(kinds.canonicalize(entryFor(direct, [direct, root])), 'but a direct leaf is fine');
});

t.test('a root whose key OpenSSL cannot load issued nothing', async (t) => {
  const { root, intermediate, leaf } = await chain();
  const der = Buffer.from(root.der);
  const at = der.indexOf(Buffer.from('06082a8648ce3d030107', 'hex'));
  der[at + 9] = 0x09; // an unknown named curve
  const broken: Issued = { ...root, der: new Uint8Array(der) };
  t.throws(() => kinds.canonicalize(entryFor(leaf, [leaf, intermediate, broken])), INVALID);
});

t.test('a certificate OpenSSL cannot read issued nothing and was issued by nothing', async (t) => {
  const { root, intermediate, leaf } = await chain();
  const der = Buffer.from(leaf.der);
  const at = der.lastIndexOf(Buffer.from('0603550403', 'hex'));
  der[at + 5] = 0x02; // the subject CN as an INTEGER: @peculiar/x509 reads it, OpenSSL does not
  const unreadable: Issued = { ...leaf, der: new Uint8Array(der) };
  t.throws(() => kinds.canonicalize(entryFor(leaf, [unreadable, intermediate, root])), INVALID);
});

t.test('chains longer than maxChain are refused', async (t) => {
  const { root, intermediate, leaf } = await chain();
  t.throws(() => registry({ maxChain: 2 }).canonicalize(entryFor(leaf, [leaf, intermediate, root])), INVALID);
  t.throws(() => kinds.canonicalize(entryFor(leaf, [leaf, ...new Array(9).fill(intermediate), root])), INVALID, 'eleven by default');
  t.ok(kinds.canonicalize(entryFor(leaf, [leaf, ...new Array(8).fill(intermediate), root])), 'ten is fine');
});

t.test('unusable certificates are refused', async (t) => {
  const { leaf } = await chain();
  const badSan = await issue({ name: 'CN=bad san', extensions: [sanExtension([{ ip: [1, 2, 3] }])] });
  const cases: Record<string, string> = {
    'a certificate that does not parse': pem('CERTIFICATE', Buffer.from('300a0201000201000201ff', 'hex')),
    'a public key in a chain': pem('CERTIFICATE', leaf.der) + pem('PUBLIC KEY', Buffer.from('3000', 'hex')),
    'a malformed SAN': pem('CERTIFICATE', badSan.der),
  };
  for (const [name, certPem] of Object.entries(cases)) {
    const proposed = hashedRekord({ value: sha256hex(ARTIFACT), signature: signWith(leaf.privateKey, ARTIFACT, 'sha256'), publicKeyPem: certPem });
    t.throws(() => kinds.canonicalize(proposed), INVALID, name);
  }
});
