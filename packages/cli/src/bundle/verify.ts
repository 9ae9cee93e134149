/**
 * Offline verification of a keyless Sigstore bundle against a trusted root, in the order a
 * verifier must trust things: the artifact signature with the leaf key (18), every tlog entry —
 * its body matches the bundle (15), its inclusion proof leads to a checkpoint signed by the log
 * (10/11/12), its SET verifies (14) — every RFC 3161 timestamp (19), then the leaf's chain to a
 * trusted CA at every verified time (16), an embedded SCT from a trusted CT log (17), and the
 * identity policy (21). Every failure is an AuditError whose `exit` names the check. Pure: no
 * files, no clock, no network.
 */
import { X509Certificate, createHash, verify as verifySignature, type KeyObject } from 'node:crypto';
import { verifySct } from '@sigstack/client';
import { parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { bytesEqual, parseBase64, toBase64, toHex } from '@sigstack/crypto/encoding';
import { isSigstackError } from '@sigstack/crypto/errors';
import { hashLeaf, verifyInclusion } from '@sigstack/crypto/merkle';
import { ecdsaNoteVerifier, ed25519NoteVerifier, openCheckpoint, parseNote } from '@sigstack/crypto/note';
import { verifySET } from '@sigstack/crypto/set';
import { embeddedScts, parseCertificate, precertificateTbs, SigstoreOid, sigstoreExtensions, subjectAltNames } from '@sigstack/crypto/x509';
import { AuditError } from '../errors.js';
import type { Bundle, TlogEntry, TrustedLog, TrustedRoot, ValidFor } from './inputs.js';
import { verifyTimestamp } from './timestamp.js';

/** What the identity must be; all given parts must match. `identity` is a regex anchored by us. */
export type IdentityPolicy = { identity?: string; email?: string; uri?: string; issuer?: string };

export type Verdict = {
  verified: true;
  mediaType: string;
  content: 'messageSignature' | 'dsseEnvelope';
  payloadType?: string;
  signer: { san: string; issuer: string | undefined };
  /** Unix seconds (rounded down), the earliest verified time: SET integrated time or TSA genTime. */
  signingTime: number;
  /** Every verified time; the certificate was valid at each. */
  timestamps: VerifiedTime[];
  certificateAuthority: string;
  scts: { logId: string; timestamp: number }[];
  tlogEntries: { logIndex: number; logUrl: string; kind: string; set: boolean; inclusion: { treeSize: number; rootHash: string } | undefined }[];
  policy: { identity: boolean; issuer: boolean };
};

/**
 * A verified time: a SET's integrated time (`tlog`, `by` the log's URL) or an RFC 3161 genTime
 * (`tsa`, `by` the timestamp authority's URI or subject); `time` is ISO 8601.
 */
export type VerifiedTime = { source: 'tlog' | 'tsa'; time: string; by: string };

const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

function fail(exit: ConstructorParameters<typeof AuditError>[0], message: string, cause?: unknown): AuditError {
  const code = exit === 'input' ? 'ERR_ENCODING_INVALID' : exit === 'policy' ? 'ERR_IDENTITY_INVALID' : exit === 'body' ? 'ERR_ENTRY_INVALID' : exit === 'inclusion' ? 'ERR_PROOF_INVALID' : 'ERR_SIGNATURE_INVALID';
  return new AuditError(exit, code, message, cause === undefined ? {} : { cause });
}

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

function checkSignature(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifySignature(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', data, key, signature);
  } catch {
    return false;
  }
}

/** The signature bytes a timestamp covers: the message signature, or the DSSE envelope's (first) signature. */
function bundleSignature(bundle: Bundle): Uint8Array {
  const c = bundle.content;
  return c.type === 'messageSignature' ? c.signature : (c.signatures[0] ?? new Uint8Array(0));
}

/** DSSE pre-authentication encoding (DSSE v1 protocol). */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return new Uint8Array(Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]));
}

function validAt(v: ValidFor, ms: number): boolean {
  return v.start <= ms && ms <= v.end;
}

function within(cert: X509Certificate, ms: number): boolean {
  return Date.parse(cert.validFrom) <= ms && ms <= Date.parse(cert.validTo);
}

/** (4) The signature over the artifact (message signature) or over the PAE (DSSE). */
function verifyArtifactSignature(bundle: Bundle, artifact: Uint8Array | undefined): void {
  const key = bundle.leaf.publicKey;
  const c = bundle.content;
  if (c.type === 'messageSignature') {
    if (artifact === undefined) throw fail('usage', 'a message-signature bundle needs --artifact FILE');
    if (c.digest !== undefined && c.digest.algorithm === 'SHA2_256' && !bytesEqual(c.digest.value, sha256(artifact))) {
      throw fail('signature', `the artifact's sha256 ${toHex(sha256(artifact))} is not the bundle's message digest ${toHex(c.digest.value)}`);
    }
    if (!checkSignature(key, artifact, c.signature)) throw fail('signature', 'the bundle\'s signature over the artifact does not verify with the leaf certificate\'s key');
    return;
  }
  if (c.signatures.length !== 1) throw fail('signature', `the dsse envelope has ${c.signatures.length} signatures, want exactly 1`);
  if (!checkSignature(key, pae(c.payloadType, c.payload), c.signatures[0]!)) throw fail('signature', 'the dsse envelope signature does not verify with the leaf certificate\'s key');
  if (artifact !== undefined) {
    // An in-toto statement names its artifacts by digest: the given file must be one of them.
    const digest = toHex(sha256(artifact));
    let subjects: JsonValue[] = [];
    try {
      const statement = parseJson(c.payload, { maxDepth: 32 }) as JsonObject;
      subjects = Array.isArray(statement.subject) ? statement.subject : [];
    } catch {
      // not json: no subjects
    }
    const named = subjects.some((s) => typeof s === 'object' && s !== null && !Array.isArray(s) && typeof s.digest === 'object' && s.digest !== null && !Array.isArray(s.digest) && s.digest.sha256 === digest);
    if (!named) throw fail('signature', `the attestation names no subject with the artifact's sha256 ${digest}`);
  }
}

function sameCertificate(pemBase64: JsonValue | undefined, leaf: X509Certificate): boolean {
  if (typeof pemBase64 !== 'string') return false;
  try {
    return bytesEqual(new X509Certificate(Buffer.from(parseBase64(pemBase64, 'certificate'))).raw, leaf.raw);
  } catch {
    return false;
  }
}

function field(o: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let v = o;
  for (const p of path) v = typeof v === 'object' && v !== null && !Array.isArray(v) ? v[p] : undefined;
  return v;
}

/** (3b) The canonicalized body says what the bundle says: same kind, digest, signature and certificate. */
function checkBody(entry: TlogEntry, bundle: Bundle): void {
  const where = `tlog entry ${entry.logIndex}`;
  let body: JsonValue;
  try {
    body = parseJson(entry.body, { maxDepth: 16 });
  } catch (err) {
    throw fail('body', `${where} has a body that is not json`, err);
  }
  if (field(body, 'kind') !== entry.kind || field(body, 'apiVersion') !== entry.version) {
    throw fail('body', `${where} body is ${String(field(body, 'kind'))} ${String(field(body, 'apiVersion'))}, the bundle says ${entry.kind} ${entry.version}`);
  }
  const spec = field(body, 'spec');
  const c = bundle.content;
  if (entry.kind === 'hashedrekord' && c.type === 'messageSignature') {
    if (field(spec, 'signature', 'content') !== toBase64(c.signature)) throw fail('body', `${where} records another signature than the bundle's`);
    if (!sameCertificate(field(spec, 'signature', 'publicKey', 'content'), bundle.leaf)) throw fail('body', `${where} records another certificate than the bundle's`);
    if (c.digest !== undefined && (field(spec, 'data', 'hash', 'algorithm') !== 'sha256' || field(spec, 'data', 'hash', 'value') !== toHex(c.digest.value))) {
      throw fail('body', `${where} records digest ${String(field(spec, 'data', 'hash', 'value'))}, the bundle ${toHex(c.digest.value)}`);
    }
    return;
  }
  if (entry.kind === 'dsse' && c.type === 'dsseEnvelope') {
    if (field(spec, 'payloadHash', 'algorithm') !== 'sha256' || field(spec, 'payloadHash', 'value') !== toHex(sha256(c.payload))) throw fail('body', `${where} records another payload hash than the envelope's`);
    const sigs = field(spec, 'signatures');
    const recorded = Array.isArray(sigs) ? sigs : [];
    const ok = recorded.length === c.signatures.length && c.signatures.every((s) => recorded.some((r) => field(r, 'signature') === toBase64(s) && sameCertificate(field(r, 'verifier'), bundle.leaf)));
    if (!ok) throw fail('body', `${where} records other signatures or verifiers than the envelope's`);
    return;
  }
  throw fail('body', `${where} is a ${entry.kind} entry, which does not record a ${c.type}`);
}

/** (3c) The inclusion proof leads to the root of a checkpoint signed by the log. */
function checkInclusion(entry: TlogEntry, proof: NonNullable<TlogEntry['proof']>, log: TrustedLog): { treeSize: number; rootHash: string } {
  const where = `tlog entry ${entry.logIndex}`;
  let names: string[];
  try {
    // sigstore-js accepts a signature only if its name is part of the log's base URL and its key hint is the log ID's prefix.
    names = [...new Set(parseNote(proof.checkpoint).signatures.map((s) => s.name))].filter((n) => log.baseUrl.includes(n));
  } catch (err) {
    throw fail('input', `${where} has a malformed checkpoint: ${(err as Error).message}`, err);
  }
  if (names.length === 0) throw fail('checkpointKey', `the checkpoint of ${where} has no signature under a name in the log's url ${log.baseUrl}`);
  let cp;
  try {
    const type = log.key.asymmetricKeyType;
    cp = openCheckpoint(proof.checkpoint, names.map((n) => (type === 'ed25519' ? ed25519NoteVerifier(n, log.key) : ecdsaNoteVerifier(n, log.key)))).checkpoint;
  } catch (err) {
    if (isSigstackError(err, 'ERR_NOTE_UNVERIFIED')) throw fail('checkpointKey', `the checkpoint of ${where} is not signed by the key of ${log.baseUrl}`, err);
    if (isSigstackError(err, 'ERR_SIGNATURE_INVALID')) throw fail('checkpointSignature', `the checkpoint of ${where} has a signature by the key of ${log.baseUrl} that does not verify`, err);
    throw fail('input', `${where} has a malformed checkpoint: ${(err as Error).message}`, err);
  }
  if (cp.size !== proof.treeSize || !bytesEqual(cp.rootHash, proof.rootHash)) {
    throw fail('inclusion', `the inclusion proof of ${where} is for size ${proof.treeSize} root ${toHex(proof.rootHash)}, its checkpoint says size ${cp.size} root ${toHex(cp.rootHash)}`);
  }
  try {
    verifyInclusion(proof.logIndex, proof.treeSize, hashLeaf(entry.body), proof.hashes, proof.rootHash);
  } catch (err) {
    throw fail('inclusion', `the inclusion proof of ${where} does not lead to root ${toHex(proof.rootHash)}: ${(err as Error).message}`, err);
  }
  return { treeSize: cp.size, rootHash: toHex(cp.rootHash) };
}

/** (1) + (5) A path from the leaf to a self-signed root of a CA valid at `ms`, every certificate valid then. */
function checkChain(leaf: X509Certificate, root: TrustedRoot, ms: number): { ca: string; issuer: X509Certificate } {
  if (!(leaf.keyUsage ?? []).includes(OID_CODE_SIGNING)) throw fail('certificate', 'the leaf certificate is not for code signing (no codeSigning extended key usage)');
  if (!within(leaf, ms)) throw fail('certificate', `the leaf certificate (valid ${leaf.validFrom} to ${leaf.validTo}) was not valid at the signing time ${new Date(ms).toISOString()}`);
  for (const ca of root.certificateAuthorities) {
    if (!validAt(ca.validFor, ms)) continue;
    let child = leaf;
    let ok = true;
    for (const cert of ca.chain) {
      if (!cert.ca || !child.checkIssued(cert) || !child.verify(cert.publicKey) || !within(cert, ms)) {
        ok = false;
        break;
      }
      child = cert;
    }
    const top = ca.chain.at(-1);
    if (ok && top !== undefined && top.checkIssued(top) && top.verify(top.publicKey)) return { ca: ca.uri || top.subject, issuer: ca.chain[0]! };
  }
  throw fail('certificate', `the leaf certificate (issuer ${leaf.issuer.replace(/\n/g, ', ')}) has no valid path to a certificate authority of the trusted root at ${new Date(ms).toISOString()}`);
}

/** (2) At least one embedded SCT verifies with a CT log of the trusted root. */
function checkScts(leaf: X509Certificate, issuer: X509Certificate, root: TrustedRoot): { logId: string; timestamp: number }[] {
  let scts;
  let tbs;
  try {
    scts = embeddedScts(leaf.raw);
    tbs = precertificateTbs(leaf.raw);
  } catch (err) {
    throw fail('sct', `the leaf certificate's sct list is malformed: ${(err as Error).message}`, err);
  }
  if (scts.length === 0 || tbs === undefined) throw fail('sct', 'the leaf certificate has no embedded sct');
  const issuerSpki = new Uint8Array(issuer.publicKey.export({ type: 'spki', format: 'der' }));
  const verified = scts.filter((sct) => root.ctlogs.some((log) => log.logId === toHex(sct.logId) && validAt(log.validFor, sct.timestamp) && verifySct(sct, log.key, { precert: { issuerSpki, tbsCertificate: tbs } })));
  if (verified.length === 0) throw fail('sct', `none of the ${scts.length} embedded scts verifies with a ct log of the trusted root (log ids ${scts.map((s) => toHex(s.logId)).join(', ')})`);
  return verified.map((s) => ({ logId: toHex(s.logId), timestamp: s.timestamp }));
}

/** (6) The SAN and issuer extension match the policy. */
function checkIdentity(leaf: X509Certificate, policy: IdentityPolicy): { san: string; issuer: string | undefined } {
  const cert = parseCertificate(new Uint8Array(leaf.raw));
  const sans = subjectAltNames(cert);
  const all = [...sans.emails, ...sans.uris, ...sans.usernames];
  const ext = sigstoreExtensions(cert);
  const issuer = ext[SigstoreOid.issuerV2] ?? ext[SigstoreOid.issuer];
  const san = all[0] ?? '';
  if (policy.email !== undefined && !sans.emails.includes(policy.email)) throw fail('policy', `the certificate identity ${all.join(', ') || '(none)'} is not the email ${policy.email}`);
  if (policy.uri !== undefined && !sans.uris.includes(policy.uri)) throw fail('policy', `the certificate identity ${all.join(', ') || '(none)'} is not the uri ${policy.uri}`);
  if (policy.identity !== undefined) {
    const re = new RegExp(`^(?:${policy.identity})$`);
    if (!all.some((s) => re.test(s))) throw fail('policy', `the certificate identity ${all.join(', ') || '(none)'} does not match ^(?:${policy.identity})$`);
  }
  if (policy.issuer !== undefined && issuer !== policy.issuer) throw fail('policy', `the certificate was issued for an identity of ${issuer ?? '(no issuer extension)'}, not ${policy.issuer}`);
  return { san, issuer };
}

/** Verifies `bundle` completely or throws the AuditError of the first check that fails. */
export function verifyBundle(bundle: Bundle, root: TrustedRoot, artifact: Uint8Array | undefined, policy: IdentityPolicy): Verdict {
  verifyArtifactSignature(bundle, artifact);
  if (bundle.tlogEntries.length === 0) throw fail('set', 'the bundle has no transparency log entry');
  const entries: Verdict['tlogEntries'] = [];
  const times: { source: VerifiedTime['source']; ms: number; by: string; key: string }[] = [];
  for (const entry of bundle.tlogEntries) {
    const log = root.tlogs.find((l) => l.logId === entry.logId);
    if (log === undefined) throw fail('checkpointKey', `tlog entry ${entry.logIndex} is from log ${entry.logId}, which the trusted root does not list`);
    checkBody(entry, bundle);
    if (entry.set === undefined && entry.proof === undefined) throw fail('set', `tlog entry ${entry.logIndex} has neither an inclusion promise nor an inclusion proof`);
    const inclusion = entry.proof === undefined ? undefined : checkInclusion(entry, entry.proof, log);
    if (entry.set !== undefined) {
      try {
        verifySET({ body: toBase64(entry.body), integratedTime: entry.integratedTime, logID: entry.logId, logIndex: entry.logIndex }, entry.set, log.key);
      } catch (err) {
        throw fail('set', `the signed entry timestamp of tlog entry ${entry.logIndex} does not verify with the key of ${log.baseUrl}`, err);
      }
      if (!validAt(log.validFor, entry.integratedTime * 1000)) throw fail('set', `tlog entry ${entry.logIndex} was integrated outside the validity of the key of ${log.baseUrl}`);
      // An integrated time of 0 is no time (sigstore-js skips it too).
      if (entry.integratedTime !== 0) times.push({ source: 'tlog', ms: entry.integratedTime * 1000, by: log.baseUrl, key: `tlog ${entry.logId} ${entry.integratedTime}` });
    }
    entries.push({ logIndex: entry.logIndex, logUrl: log.baseUrl, kind: `${entry.kind} ${entry.version}`, set: entry.set !== undefined, inclusion });
  }
  // sigstore-js counts the integrated time of every entry with a SET (verified above) and every RFC 3161 timestamp.
  for (const [i, der] of bundle.timestamps.entries()) {
    const ts = verifyTimestamp(der, i, bundleSignature(bundle), root.timestampAuthorities);
    times.push({ source: 'tsa', ms: ts.time, by: ts.authority, key: `tsa ${ts.tsaSerial} ${ts.time}` });
  }
  if (times.length === 0) throw fail('set', 'no verified signing time: no tlog entry has a signed entry timestamp and the bundle has no rfc 3161 timestamp');
  // As sigstore-js: the same time from the same log or TSA twice is refused rather than counted twice.
  const seen = new Set<string>();
  for (const t of times) {
    if (seen.has(t.key)) throw fail(t.source === 'tsa' ? 'timestamp' : 'set', `the bundle holds the same verified time twice (${t.source === 'tsa' ? 'timestamp authority' : 'log'} ${t.by}, ${new Date(t.ms).toISOString()})`);
    seen.add(t.key);
  }
  // The certificate must have been valid at every verified time, not only at the earliest.
  const ordered = [...times].sort((a, b) => a.ms - b.ms);
  const checked = ordered.map((t) => checkChain(bundle.leaf, root, t.ms));
  const { ca, issuer } = checked[0]!;
  const signingTime = Math.floor(ordered[0]!.ms / 1000);
  const scts = checkScts(bundle.leaf, issuer, root);
  const signer = checkIdentity(bundle.leaf, policy);
  return {
    verified: true,
    mediaType: bundle.mediaType,
    content: bundle.content.type,
    ...(bundle.content.type === 'dsseEnvelope' ? { payloadType: bundle.content.payloadType } : {}),
    signer,
    signingTime,
    timestamps: ordered.map((t) => ({ source: t.source, time: new Date(t.ms).toISOString(), by: t.by })),
    certificateAuthority: ca,
    scts,
    tlogEntries: entries,
    policy: { identity: policy.identity !== undefined || policy.email !== undefined || policy.uri !== undefined, issuer: policy.issuer !== undefined },
  };
}
