import t from 'tap';
import { createHash, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, EXIT } from '../src/index.js';
import { parseBundle, parseTrustedRoot } from '../src/bundle/inputs.js';
import { pae, verifyBundle } from '../src/bundle/verify.js';
import { captureIo } from './fixtures/fake-log.js';
import { leafCertificate } from './fixtures/certs.js';

t.test('pae is the DSSE v1 pre-authentication encoding', async (t) => {
  t.equal(Buffer.from(pae('application/x', Buffer.from('hello'))).toString(), 'DSSEv1 13 application/x 5 hello');
});

t.test('parseBundle rejects unknown media types, missing certificates and missing content as input errors', async (t) => {
  const leaf = await leafCertificate({ type: 'email', value: 'a@example.com' });
  const raw = new X509Certificate(leaf.pem).raw.toString('base64');
  const base = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { certificate: { rawBytes: raw }, tlogEntries: [] }, messageSignature: { signature: 'AAAA' } };
  t.equal(parseBundle(Buffer.from(JSON.stringify(base))).content.type, 'messageSignature');
  const cases: [string, unknown][] = [
    ['media type', { ...base, mediaType: 'application/json' }],
    ['certificate', { ...base, verificationMaterial: { publicKey: { hint: 'x' } } }],
    ['content', { mediaType: base.mediaType, verificationMaterial: base.verificationMaterial }],
    ['base64', { ...base, messageSignature: { signature: '!!' } }],
    ['json', '{'],
  ];
  for (const [name, value] of cases) {
    t.throws(() => parseBundle(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))), { name: 'AuditError', exit: 'input' }, name);
  }
});

t.test('parseBundle reads the zero int64 fields and empty proof hashes that proto3 JSON omits', async (t) => {
  const leaf = await leafCertificate({ type: 'email', value: 'a@example.com' });
  const raw = new X509Certificate(leaf.pem).raw.toString('base64');
  const entry = { logId: { keyId: 'AAAA' }, kindVersion: { kind: 'hashedrekord', version: '0.0.1' }, integratedTime: '1', canonicalizedBody: 'e30=', inclusionProof: { treeSize: '1', rootHash: 'AAAA', checkpoint: { envelope: 'x' } } };
  const bundle = parseBundle(Buffer.from(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { certificate: { rawBytes: raw }, tlogEntries: [entry] }, messageSignature: { signature: 'AAAA' } })));
  t.equal(bundle.tlogEntries[0]!.logIndex, 0);
  t.equal(bundle.tlogEntries[0]!.proof!.logIndex, 0);
  t.same(bundle.tlogEntries[0]!.proof!.hashes, []);
  t.same(bundle.timestamps, []);
});

t.test('parseTrustedRoot reads logs and certificate authorities with their validity', async (t) => {
  const leaf = await leafCertificate({ type: 'email', value: 'a@example.com' });
  const key = new X509Certificate(leaf.pem).publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha256').update(key).digest('base64');
  const log = { baseUrl: 'https://log.example', publicKey: { rawBytes: key.toString('base64'), validFor: { start: '2020-01-01T00:00:00Z' } }, logId: { keyId } };
  const root = parseTrustedRoot(Buffer.from(JSON.stringify({ tlogs: [log], ctlogs: [], certificateAuthorities: [{ certChain: { certificates: [{ rawBytes: new X509Certificate(leaf.pem).raw.toString('base64') }] } }] })));
  t.equal(root.tlogs[0]!.validFor.start, Date.parse('2020-01-01T00:00:00Z'));
  t.equal(root.tlogs[0]!.validFor.end, Infinity);
  t.equal(root.certificateAuthorities[0]!.chain.length, 1);
  t.throws(() => parseTrustedRoot(Buffer.from(JSON.stringify({ tlogs: [{ ...log, publicKey: { rawBytes: 'AAAA' } }] }))), { name: 'AuditError', exit: 'input' });
});

t.test('verifyBundle fails the signature check first (exit signature) for another artifact', async (t) => {
  const leaf = await leafCertificate({ type: 'email', value: 'a@example.com' });
  const raw = new X509Certificate(leaf.pem).raw.toString('base64');
  const { sign } = await import('node:crypto');
  const signature = sign('sha256', Buffer.from('art'), leaf.privateKey).toString('base64');
  const bundle = parseBundle(Buffer.from(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { certificate: { rawBytes: raw }, tlogEntries: [] }, messageSignature: { signature } })));
  const root = { tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] };
  t.throws(() => verifyBundle(bundle, root, Buffer.from('other'), {}), { name: 'AuditError', exit: 'signature' });
  t.throws(() => verifyBundle(bundle, root, Buffer.from('art'), {}), { name: 'AuditError', exit: 'set' }, 'a good signature with no tlog entry has no proven signing time');
  t.throws(() => verifyBundle(bundle, root, undefined, {}), { name: 'AuditError', exit: 'usage' });
});

t.test('bundle verify reports usage and input errors with their exit codes', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'x.json');
  writeFileSync(file, '{}');
  const go = async (args: string[]) => {
    const c = captureIo(globalThis.fetch);
    return { code: await run(args, c.io), out: c.out(), err: c.err() };
  };
  t.equal((await go(['bundle'])).code, EXIT.usage);
  t.equal((await go(['bundle', 'sign'])).code, EXIT.usage);
  t.equal((await go(['bundle', 'verify', '--trusted-root', file])).code, EXIT.usage);
  t.equal((await go(['bundle', 'verify', file])).code, EXIT.usage);
  t.equal((await go(['bundle', 'verify', file, '--trusted-root', file, '--identity', '('])).code, EXIT.usage);
  t.equal((await go(['bundle', 'verify', join(dir, 'missing'), '--trusted-root', file])).code, EXIT.input);
  const r = await go(['bundle', 'verify', file, '--trusted-root', file, '--json']);
  t.equal(r.code, EXIT.input);
  t.match(JSON.parse(r.out), { verified: false, exit: EXIT.input, check: 'input' });
  const help = await go(['bundle', 'verify', '--help']);
  t.equal(help.code, EXIT.ok);
  t.match(help.out, /--trusted-root/);
});
