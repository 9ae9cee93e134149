/** Shared set-up for the CA tests: fixed clock and randomness, a generated chain, openssl, and the slow reference. */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pemEncode, publicKeyFromKeyObject, type PublicKeyInfo } from '@sigstack/crypto/keys';
import { buildSigstoreExtensions, certificateDer, subjectAltNameExtension, x509 } from '@sigstack/crypto/x509';
import { toHex } from '@sigstack/crypto/encoding';
import { localSigner, type CertifiedSigner } from '@sigstack/service-kit';
import { generateCAChain, type CACurve } from './ca-chain.js';
import { CertificateAuthority } from '../../../src/ca/certificate-authority.js';
import { derChildren, derDecode } from '@sigstack/crypto/der';
import { OID_CODE_SIGNING, OID_CT_POISON } from '../../../src/ca/leaf-extensions.js';
import type { LeafIdentity, LeafTemplate } from '../../../src/ca/leaf-template.js';

/** 2026-01-15T12:00:00.123Z: milliseconds on purpose (certificates keep whole seconds). */
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0) + 123;

/** A deterministic random source: byte i of call n is (seed + n * 31 + i * 7) mod 256. */
export function counterRandom(seed = 1): (size: number) => Uint8Array {
  let call = 0;
  return (size) => {
    call++;
    return Uint8Array.from({ length: size }, (_, i) => (seed + call * 31 + i * 7) & 0xff);
  };
}

export const ISSUER = 'https://issuer.example.com';

export const EMAIL_IDENTITY: LeafIdentity = {
  san: { type: 'email', value: 'alice@example.com' },
  extensions: { '1.3.6.1.4.1.57264.1.1': ISSUER, '1.3.6.1.4.1.57264.1.8': ISSUER, '1.3.6.1.4.1.57264.1.24': 'CgVhbGljZRIEdGVzdA' },
};

/** A GitHub-workflow-like identity with every extension of the table. */
export const CI_IDENTITY: LeafIdentity = {
  san: { type: 'uri', value: 'https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main' },
  extensions: Object.fromEntries([
    ['1.3.6.1.4.1.57264.1.1', 'https://token.actions.githubusercontent.com'],
    ['1.3.6.1.4.1.57264.1.2', 'push'],
    ['1.3.6.1.4.1.57264.1.3', 'a'.repeat(40)],
    ['1.3.6.1.4.1.57264.1.4', 'Release'],
    ['1.3.6.1.4.1.57264.1.5', 'org/repo'],
    ['1.3.6.1.4.1.57264.1.6', 'refs/heads/main'],
    ...Array.from({ length: 17 }, (_, i) => [`1.3.6.1.4.1.57264.1.${i + 8}`, `value of .${i + 8} é`]),
  ]),
};

export const USERNAME_IDENTITY: LeafIdentity = {
  san: { type: 'username', value: 'bob!example.com' },
  extensions: { '1.3.6.1.4.1.57264.1.1': ISSUER, '1.3.6.1.4.1.57264.1.8': ISSUER, '1.3.6.1.4.1.57264.1.24': 'bob' },
};

export interface TestCA {
  readonly ca: CertificateAuthority;
  readonly signer: CertifiedSigner;
  readonly signingKey: KeyObject;
}

/** A root + intermediate valid from `at` (default NOW) − 1 day for a year, with a CA whose clock is `at`. */
export async function makeCA(options: { curve?: CACurve; rootCurve?: CACurve; at?: number; random?: (n: number) => Uint8Array } = {}): Promise<TestCA> {
  const at = options.at ?? NOW;
  const { signingKey, chain } = await generateCAChain({
    now: at - 86_400_000,
    lifetimeMs: 365 * 86_400_000,
    rootName: 'O=sigstack test, CN=test root',
    intermediateName: 'O=sigstack test, CN=test intermediate',
    rootCurve: options.rootCurve ?? 'P-384',
    intermediateCurve: options.curve ?? 'P-256',
    random: counterRandom(99),
  });
  const signer: CertifiedSigner = { signer: localSigner(signingKey), chain, warnings: [] };
  const ca = new CertificateAuthority({ signer, clock: () => at, random: options.random ?? counterRandom() });
  return { ca, signer, signingKey };
}

export function newKey(type: 'P-256' | 'P-384' | 'P-521' | 'ed25519' | 'rsa2048' | 'rsa3072' | 'rsa4096'): { privateKey: KeyObject; info: PublicKeyInfo } {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : type.startsWith('rsa')
        ? generateKeyPairSync('rsa', { modulusLength: Number(type.slice(3)) })
        : generateKeyPairSync('ec', { namedCurve: type });
  return { privateKey: pair.privateKey, info: publicKeyFromKeyObject(pair.publicKey) };
}

/** The TBSCertificate DER of a certificate DER. */
export function tbsOf(cert: Uint8Array): Uint8Array {
  return new Uint8Array((derChildren(derDecode(cert, 'certificate'), 'certificate')[0] as { raw: Uint8Array }).raw);
}

/** The leaf built by @peculiar/x509's generic generator from the same inputs: the slow reference. */
export async function referenceCertificate(t: TestCA, leaf: LeafTemplate, last: 'poison' | 'none'): Promise<Uint8Array> {
  const issuing = t.signer.chain[0] as x509.X509Certificate;
  const { fields } = leaf;
  const signing = await importSigningKey(t.signingKey);
  const ski = issuing.getExtension(x509.SubjectKeyIdentifierExtension) as x509.SubjectKeyIdentifierExtension;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: toHex(fields.serial),
    issuer: issuing.subjectName,
    notBefore: new Date(fields.notBefore),
    notAfter: new Date(fields.notAfter),
    publicKey: fields.publicKey.spki,
    signingKey: signing.key,
    signingAlgorithm: signing.algorithm,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([OID_CODE_SIGNING], false),
      new x509.SubjectKeyIdentifierExtension(toHex(createHash('sha1').update(subjectPublicKeyBits(fields.publicKey.spki)).digest())),
      new x509.AuthorityKeyIdentifierExtension(ski.keyId),
      subjectAltNameExtension(fields.identity.san),
      ...buildSigstoreExtensions(fields.identity.extensions),
      ...(last === 'poison' ? [new x509.Extension(OID_CT_POISON, true, Uint8Array.of(0x05, 0x00))] : []),
    ],
  });
  return certificateDer(cert);
}

function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const bitString = derChildren(derDecode(spki, 'spki'), 'spki')[1] as { content: Uint8Array };
  return bitString.content.subarray(1);
}

async function importSigningKey(key: KeyObject): Promise<{ key: webcrypto.CryptoKey; algorithm: { name: string; hash?: string } }> {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  if (key.asymmetricKeyType === 'ed25519') return { key: await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']), algorithm: { name: 'Ed25519' } };
  if (key.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { key: await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']), algorithm };
  }
  const curve = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }[String(key.asymmetricKeyDetails?.namedCurve)] as string;
  const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }[curve] as string;
  return { key: await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: curve }, false, ['sign']), algorithm: { name: 'ECDSA', hash } };
}

/** Runs the openssl CLI; returns stdout, or throws with stderr. */
export function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes `ders` as one PEM file in `dir`; returns its path. */
export function writePem(dir: string, name: string, ...ders: Uint8Array[]): string {
  const path = join(dir, name);
  writeFileSync(path, ders.map((d) => pemEncode('CERTIFICATE', d)).join(''));
  return path;
}

/** A one-certificate CA (a self-signed root issuing leaves directly) on a key of any allowed type. */
export async function selfSignedCA(type: 'rsa2048' | 'ed25519' | 'P-521'): Promise<TestCA> {
  const { privateKey, info } = newKey(type);
  const signing = await importSigningKey(privateKey);
  const publicKey = await webcrypto.subtle.importKey('spki', info.spki, type === 'ed25519' ? { name: 'Ed25519' } : type === 'rsa2048' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-521' }, true, ['verify']);
  const keyId = toHex(createHash('sha1').update(subjectPublicKeyBits(info.spki)).digest());
  const root = await x509.X509CertificateGenerator.create({
    serialNumber: '0a',
    subject: `CN=${type} root`,
    issuer: `CN=${type} root`,
    notBefore: new Date(NOW - 86_400_000),
    notAfter: new Date(NOW + 86_400_000),
    publicKey,
    signingKey: signing.key,
    signingAlgorithm: signing.algorithm,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), new x509.SubjectKeyIdentifierExtension(keyId)],
  });
  const signer: CertifiedSigner = { signer: localSigner(privateKey), chain: [root], warnings: [] };
  return { ca: new CertificateAuthority({ signer, clock: () => NOW, random: counterRandom() }), signer, signingKey: privateKey };
}
