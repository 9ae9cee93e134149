/**
 * Test CA chains (root → intermediate) with @peculiar/x509, on any ECDSA curve. The profile follows
 * Fulcio's certificate specification (fulcio.md §4.2):
 * - root: CA:TRUE pathLen 1, KU keyCertSign + cRLSign (critical), SKI, no EKU, random 159-bit serial;
 * - intermediate: CA:TRUE pathLen 0, KU keyCertSign + cRLSign (critical), EKU codeSigning, SKI,
 *   AKI = the root's SKI, validity within the root's.
 */
import { createPrivateKey, webcrypto, type KeyObject } from 'node:crypto';
import { toHex } from '@sigstack/crypto/encoding';
import { x509 } from '@sigstack/crypto/x509';
import { OID_CODE_SIGNING, subjectKeyId } from '../../../src/ca/leaf-extensions.js';

export type CACurve = 'P-256' | 'P-384' | 'P-521';

export interface CAChainOptions {
  /** Start of validity, ms since the epoch (truncated to the second). */
  readonly now: number;
  /** Validity of both certificates from `now`, in ms. */
  readonly lifetimeMs: number;
  readonly rootName: string;
  readonly intermediateName: string;
  readonly rootCurve: CACurve;
  readonly intermediateCurve: CACurve;
  /** `size` random bytes, for the serial numbers. */
  readonly random: (size: number) => Uint8Array;
}

export interface GeneratedCAChain {
  /** The intermediate's private key: the key that issues leaves. */
  readonly signingKey: KeyObject;
  /** [intermediate, root]. */
  readonly chain: readonly x509.X509Certificate[];
}

const HASH: Readonly<Record<CACurve, string>> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };

async function generate(curve: CACurve): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
}

async function spkiOf(key: webcrypto.CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.exportKey('spki', key));
}

/** 20 random bytes with the top bit cleared, as hex (a positive serial below 2^159, never zero). */
function serialHex(random: (size: number) => Uint8Array): string {
  const bytes = Uint8Array.from(random(20));
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01;
  return toHex(bytes);
}

/** A root and an intermediate on fresh ECDSA keys. The root's private key is not kept. */
export async function generateCAChain(options: CAChainOptions): Promise<GeneratedCAChain> {
  const notBefore = new Date(Math.floor(options.now / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + options.lifetimeMs);
  const root = await generate(options.rootCurve);
  const intermediate = await generate(options.intermediateCurve);
  const rootKeyId = toHex(subjectKeyId(await spkiOf(root.publicKey)));
  const intermediateKeyId = toHex(subjectKeyId(await spkiOf(intermediate.publicKey)));
  const caUsage = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
  const rootCert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex(options.random),
    subject: options.rootName,
    issuer: options.rootName,
    notBefore,
    notAfter,
    publicKey: root.publicKey,
    signingKey: root.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: HASH[options.rootCurve] },
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(caUsage, true),
      new x509.SubjectKeyIdentifierExtension(rootKeyId),
    ],
  });
  const intermediateCert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex(options.random),
    subject: options.intermediateName,
    issuer: rootCert.subjectName,
    notBefore,
    notAfter,
    publicKey: intermediate.publicKey,
    signingKey: root.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: HASH[options.rootCurve] },
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(caUsage, true),
      new x509.ExtendedKeyUsageExtension([OID_CODE_SIGNING], false),
      new x509.SubjectKeyIdentifierExtension(intermediateKeyId),
      new x509.AuthorityKeyIdentifierExtension(rootKeyId),
    ],
  });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', intermediate.privateKey));
  const signingKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  return { signingKey, chain: [intermediateCert, rootCert] };
}
