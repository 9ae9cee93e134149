/**
 * Helpers of the `sigstack` CLI end-to-end tests: run the built CLI as a process, upload entries
 * (key-signed, or signed by a certificate with an email SAN and the Sigstore issuer extension),
 * and a tampering proxy in front of the real log that alters ONE thing at a time.
 */
import { spawn } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync, KeyObject, sign, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify from 'fastify';
import { parseBase64, toBase64, toHex } from '@sigstack/crypto/encoding';
import { ecdsaNoteSigner, formatNote, parseCheckpoint, parseNote, signCheckpoint } from '@sigstack/crypto/note';
import { buildSigstoreExtensions, certificatesToPem, SigstoreOid, subjectAltNameExtension, x509 } from '@sigstack/crypto/x509';
import { ROOT } from './helpers/service.js';

export const CLI = resolve(ROOT, 'packages', 'cli', 'dist', 'main.js');

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** Runs the built `sigstack` with `args`; resolves with its exit code and output. */
export function sigstack(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`sigstack ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

/** JSON lines of a monitor's stdout. */
export function events(stdout: string): Record<string, any>[] {
  return stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** A hashedrekord proposed entry for `artifact`, signed by `key` with `content` (base64 PEM) as verifier. */
export function hashedrekord(artifact: string, privateKey: KeyObject, content: string) {
  const data = Buffer.from(artifact);
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: { data: { hash: { algorithm: 'sha256', value: sha256(data) } }, signature: { content: sign('sha256', data, privateKey).toString('base64'), publicKey: { content } } },
  };
}

/** Uploads `count` key-signed entries (artifacts `${prefix} i`); resolves with their log indexes. */
export async function uploadMany(url: string, count: number, prefix = 'artifact'): Promise<number[]> {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const content = Buffer.from(key.publicKey.export({ type: 'spki', format: 'pem' }).toString()).toString('base64');
  const indexes: number[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, (_, k) => upload(url, hashedrekord(`${prefix} ${start + k}`, key.privateKey, content)));
    indexes.push(...(await Promise.all(batch)));
  }
  return indexes;
}

/** POSTs one proposed entry; resolves with its log index. */
export async function upload(url: string, proposed: unknown): Promise<number> {
  const res = await fetch(`${url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(proposed) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${text}`);
  return (Object.values(JSON.parse(text))[0] as { logIndex: number }).logIndex;
}

/** A self-signed CA and a leaf for `email` with the Sigstore issuer (.8) extension. */
export async function emailCertificate(email: string, issuer: string): Promise<{ pem: string; privateKey: KeyObject }> {
  const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
  const caKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=e2e-ca', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z'),
    keys: caKeys, signingAlgorithm: SIGNING, extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02', subject: '', issuer: ca.subject, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z'),
    publicKey: keys.publicKey, signingKey: caKeys.privateKey, signingAlgorithm: SIGNING,
    extensions: [subjectAltNameExtension({ type: 'email', value: email }), ...buildSigstoreExtensions({ [SigstoreOid.issuerV2]: issuer }), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return { pem: certificatesToPem([leaf]), privateKey: KeyObject.from(keys.privateKey) };
}

/** What the proxy alters; 'none' passes everything through. */
/**
 * What the proxy alters; 'none' passes everything through. 'fork' serves, wherever a checkpoint
 * appears, one of the log's current size with another root, signed with the log's real key.
 */
export type TamperMode = 'none' | 'proof-hash' | 'checkpoint-signature' | 'fork' | 'body';

function flipHex(hex: string): string {
  return `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;
}

/**
 * A proxy in front of the real log. Signing forged checkpoints needs the log's private key: the
 * proxy plays a log whose key is used to lie (the case monitors exist for).
 */
export async function tamperProxy(upstream: string, dataDir: string) {
  const privateKey = createPrivateKey(readFileSync(join(dataDir, 'log-key.pem')));
  let mode: TamperMode = 'none';
  const forge = (note: string): string => {
    const name = (parseNote(note).signatures[0] as { name: string }).name;
    const cp = parseCheckpoint(parseNote(note).text);
    const root = createHash('sha256').update(`fork of ${cp.size}`).digest();
    return signCheckpoint({ origin: cp.origin, size: cp.size, rootHash: new Uint8Array(root), extensions: [] }, [ecdsaNoteSigner(name, privateKey)]);
  };
  const breakSignature = (note: string): string => {
    const parsed = parseNote(note);
    const sig = parsed.signatures[0]!;
    const bytes = sig.signature.slice();
    bytes[bytes.length - 1]! ^= 1;
    return formatNote(parsed.text, [{ ...sig, signature: bytes }]);
  };
  const rewriteNote = (note: string): string => {
    if (mode === 'checkpoint-signature') return breakSignature(note);
    if (mode === 'fork') return forge(note);
    return note;
  };
  const rewriteEntries = (value: Record<string, any>) => {
    for (const entry of Object.values(value)) {
      const proof = entry.verification?.inclusionProof;
      if (mode === 'proof-hash' && proof?.hashes?.length > 0) proof.hashes[0] = flipHex(proof.hashes[0]);
      if (proof && mode !== 'proof-hash') proof.checkpoint = rewriteNote(proof.checkpoint);
      if (mode === 'body') {
        const body = Buffer.from(parseBase64(entry.body)).toString();
        entry.body = toBase64(new Uint8Array(Buffer.from(body.replace(/"value":"([0-9a-f])/, (_m, c: string) => `"value":"${c === '0' ? '1' : '0'}`))));
      }
    }
  };

  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.all('/*', async (req, reply) => {
    const res = await fetch(`${upstream}${req.url}`, {
      method: req.method,
      headers: { 'content-type': String(req.headers['content-type'] ?? 'application/json') },
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: req.body as Buffer }),
    });
    let body: Buffer = Buffer.from(await res.arrayBuffer());
    const path = req.url.split('?')[0] as string;
    if (res.status === 200 && mode !== 'none') {
      if (path === '/api/v2/checkpoint') body = Buffer.from(rewriteNote(body.toString()));
      else if (path === '/api/v1/log') {
        const info = JSON.parse(body.toString());
        info.signedTreeHead = rewriteNote(info.signedTreeHead);
        if (mode === 'fork') info.rootHash = toHex(parseCheckpoint(parseNote(info.signedTreeHead).text).rootHash);
        body = Buffer.from(JSON.stringify(info));
      } else if (path === '/api/v1/log/proof' && mode === 'proof-hash') {
        const proof = JSON.parse(body.toString());
        if (proof.hashes.length > 0) proof.hashes[0] = flipHex(proof.hashes[0]);
        body = Buffer.from(JSON.stringify(proof));
      } else if (path.startsWith('/api/v1/log/entries') && req.method === 'GET') {
        const value = JSON.parse(body.toString());
        rewriteEntries(value);
        body = Buffer.from(JSON.stringify(value));
      } else if (path === '/api/v1/log/entries/retrieve') {
        const list = JSON.parse(body.toString()) as Record<string, any>[];
        list.forEach(rewriteEntries);
        body = Buffer.from(JSON.stringify(list));
      }
    }
    reply.code(res.status);
    const type = res.headers.get('content-type');
    if (type) reply.header('content-type', type);
    return reply.send(body);
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    set(next: TamperMode) {
      mode = next;
    },
    close: () => app.close(),
  };
}
