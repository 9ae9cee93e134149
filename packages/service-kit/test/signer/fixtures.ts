import { createPrivateKey, webcrypto } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { certificatesToPem, x509 } from '@sigstack/crypto/x509';

/** A fixed clock for the chains below: 2026-11-22T00:00:00Z. */
export const NOW = Date.UTC(2026, 10, 22);
const DAY = 86_400_000;
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export type Node = { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair };

type CertOptions = {
  subject: string;
  issuer?: Node;
  ca?: boolean;
  pathLength?: number;
  notBefore?: number;
  notAfter?: number;
  extensions?: x509.Extension[];
  serial?: string;
};

/** One certificate with a fresh P-256 key: self-signed without `issuer`. */
export async function makeCert(options: CertOptions): Promise<Node> {
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const extensions = [...(options.extensions ?? [])];
  if (options.ca) extensions.push(new x509.BasicConstraintsExtension(true, options.pathLength, true));
  const common = {
    serialNumber: options.serial ?? '01',
    notBefore: new Date(options.notBefore ?? NOW - DAY),
    notAfter: new Date(options.notAfter ?? NOW + 365 * DAY),
    signingAlgorithm: EC,
    extensions,
  };
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({ ...common, subject: options.subject, issuer: options.issuer.cert.subject, publicKey: keys.publicKey, signingKey: options.issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: options.subject, keys });
  return { cert, keys };
}

export async function privateKeyOf(node: Node): Promise<KeyObject> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', node.keys.privateKey));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/** A root and a leaf issued by it: the usual two-certificate chain. */
export async function makeChain(leafOptions: Partial<CertOptions> = {}): Promise<{ root: Node; leaf: Node; chainPem: string }> {
  const root = await makeCert({ subject: 'CN=test root', ca: true, serial: '0a' });
  const leaf = await makeCert({ subject: 'CN=test leaf', issuer: root, serial: '0b', ...leafOptions });
  return { root, leaf, chainPem: certificatesToPem([leaf.cert, root.cert]) };
}
