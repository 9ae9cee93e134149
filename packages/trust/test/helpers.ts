/** Test material built at run time: CA and TSA chains (@peculiar/x509 through @sigstack/crypto/x509), log keys, TUF keys, a loopback file server. */
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { x509 } from '@sigstack/crypto/x509';
import { pemEncode } from '@sigstack/crypto/keys';
import { tufSigner, type RepositoryKeys } from '../src/index.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
let serial = 1;

export type Issued = { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair; der: Uint8Array; pem: string };

export async function issue(name: string, options: { issuer?: Issued; ca?: boolean } = {}): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const extensions: x509.Extension[] = [];
  if (options.ca !== undefined) extensions.push(new x509.BasicConstraintsExtension(options.ca, undefined, true));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject: name,
    issuer: options.issuer?.cert.subject ?? name,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: options.issuer?.keys.privateKey ?? keys.privateKey,
    signingAlgorithm: SIGNING,
    extensions,
  });
  const der = new Uint8Array(cert.rawData);
  return { cert, keys, der, pem: pemEncode('CERTIFICATE', der) };
}

/** A CA chain as Fulcio serves it: intermediate first, root last. */
export async function caChain(): Promise<{ root: Issued; intermediate: Issued; pem: string }> {
  const root = await issue('O=example,CN=example root', { ca: true });
  const intermediate = await issue('O=example,CN=example intermediate', { issuer: root, ca: true });
  return { root, intermediate, pem: intermediate.pem + root.pem };
}

/** A TSA chain: signing certificate (not a CA) first, root last. */
export async function tsaChain(): Promise<{ root: Issued; leaf: Issued; pem: string }> {
  const root = await issue('O=example,CN=example tsa root', { ca: true });
  const leaf = await issue('O=example,CN=example tsa', { issuer: root, ca: false });
  return { root, leaf, pem: leaf.pem + root.pem };
}

export function p256PublicPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

export function ed25519PublicPem(): string {
  return generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** One fresh signer per role (Ed25519, or ECDSA P-256 for `ecdsa`). */
export function roleKeys(type: 'ed25519' | 'ecdsa' = 'ed25519'): RepositoryKeys {
  const one = () => tufSigner(type === 'ed25519' ? generateKeyPairSync('ed25519').privateKey : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  return { root: [one()], targets: [one()], snapshot: [one()], timestamp: [one()] };
}

/** Serves `dir` read-only on 127.0.0.1 (404 for anything missing), as a TUF mirror for tuf-js. */
export async function serveDir(dir: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/').replace(/^\/+/, '');
    requests.push(path);
    if (path.includes('..')) return void res.writeHead(404).end();
    readFile(join(dir, path)).then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
