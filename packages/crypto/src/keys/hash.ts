/** The hash functions that go with our allowed key types, and their PKCS#1 v1.5 DigestInfo prefixes. */
import { createHash } from 'node:crypto';

export type HashName = 'sha256' | 'sha384' | 'sha512';

/** Digest sizes in bytes. */
export const DIGEST_SIZE: Readonly<Record<HashName, number>> = { sha256: 32, sha384: 48, sha512: 64 };

/**
 * DER of `DigestInfo ::= SEQUENCE { AlgorithmIdentifier { hash OID, NULL }, OCTET STRING digest }`
 * up to the digest itself (RFC 8017 §9.2 note 1). The NULL parameters are required, as in Go.
 */
export const DIGEST_INFO_PREFIX: Readonly<Record<HashName, Uint8Array>> = {
  sha256: Uint8Array.from(Buffer.from('3031300d060960864801650304020105000420', 'hex')),
  sha384: Uint8Array.from(Buffer.from('3041300d060960864801650304020205000430', 'hex')),
  sha512: Uint8Array.from(Buffer.from('3051300d060960864801650304020305000440', 'hex')),
};

export function isHashName(value: unknown): value is HashName {
  return value === 'sha256' || value === 'sha384' || value === 'sha512';
}

export function digest(hash: HashName, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(hash).update(data).digest());
}
