/**
 * RFC 6962 / RFC 9162 §2.1.3.2 and §2.1.4.2 proof verification, following transparency-dev/merkle
 * `proof/verify.go` (RootFromInclusionProof, VerifyInclusion, RootFromConsistencyProof,
 * VerifyConsistency).
 *
 * Error codes (callers map them; tests assert them):
 *  - ERR_PROOF_ARGUMENTS: the inputs cannot form a proof at all: sizes or indexes that are not
 *    safe non-negative integers, index >= size, size1 == 0, size1 > size2, a hash that is not
 *    32 bytes, or a proof whose length differs from the one the sizes dictate (one hash too many
 *    or too few is detected here, before any hashing);
 *  - ERR_PROOF_INVALID: a well-formed proof that does not lead to the expected root(s).
 */
import { bytesEqual, toHex } from '../encoding.js';
import { VerificationError } from '../errors.js';
import { hashChildren } from './hash.js';
import {
  bitLength,
  checkConsistencySizes,
  checkHash,
  checkSafe,
  popcount,
  shiftRight,
  trailingZeros,
  xor,
} from './proof.js';

function checkProof(proof: unknown, want: number, what: string): asserts proof is Uint8Array[] {
  // The length is fully determined by the sizes; any other length is malformed, and checking it
  // first bounds the work an attacker can make us do.
  if (!Array.isArray(proof)) throw new VerificationError('ERR_PROOF_ARGUMENTS', `${what} must be an array, got ${typeof proof}`);
  if (proof.length !== want) {
    throw new VerificationError('ERR_PROOF_ARGUMENTS', `${what} has ${proof.length} hashes, want ${want}`);
  }
  for (let i = 0; i < proof.length; i++) checkHash(proof[i], `${what} hash ${i}`);
}

/**
 * The root of the tree of `size` leaves implied by an inclusion proof for the leaf with
 * `leafHash` at `index`. Requires 0 <= index < size, a 32-byte leaf hash, and exactly
 * inclusionProofLength(index, size) proof hashes of 32 bytes; otherwise ERR_PROOF_ARGUMENTS.
 * Returns a fresh array.
 */
export function rootFromInclusionProof(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  checkSafe(index, 'leaf index');
  checkSafe(size, 'tree size');
  if (index >= size) {
    throw new VerificationError('ERR_PROOF_ARGUMENTS', `leaf index ${index} is out of range for tree size ${size}`);
  }
  checkHash(leafHash, 'leaf hash');
  // inner: levels below the point where the paths to `index` and to the last leaf diverge;
  // border: left siblings above it, one per one bit of index >> inner.
  const inner = bitLength(xor(index, size - 1));
  const border = popcount(shiftRight(index, inner));
  checkProof(proof, inner + border, `inclusion proof for index ${index} in size ${size}`);

  let hash = leafHash;
  let i = 0;
  for (let bits = index; i < inner; i++, bits = Math.floor(bits / 2)) {
    const sibling = proof[i] as Uint8Array;
    hash = bits % 2 === 0 ? hashChildren(hash, sibling) : hashChildren(sibling, hash);
  }
  for (; i < proof.length; i++) hash = hashChildren(proof[i] as Uint8Array, hash);
  return hash === leafHash ? leafHash.slice() : hash;
}

/**
 * Checks that `proof` proves the leaf with `leafHash` at `index` is in the tree of `size` leaves
 * with root `root`. Throws ERR_PROOF_ARGUMENTS for malformed inputs (see rootFromInclusionProof;
 * also a root that is not 32 bytes) and ERR_PROOF_INVALID when the computed root differs.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHash(root, 'root');
  const calculated = rootFromInclusionProof(index, size, leafHash, proof);
  if (!bytesEqual(calculated, root)) {
    throw new VerificationError(
      'ERR_PROOF_INVALID',
      `inclusion proof for index ${index} in size ${size} leads to root ${toHex(calculated)}, want ${toHex(root)}`,
    );
  }
}

/**
 * The root of the tree of `size2` leaves implied by a consistency proof from the tree of `size1`
 * leaves with root `root1` (RFC 9162 §2.1.4.2). Also checks that the proof reproduces `root1`
 * (ERR_PROOF_INVALID otherwise). Requires 0 < size1 <= size2 (size1 == 0 is rejected even when
 * size2 == 0, as in transparency-dev/merkle since #236: callers treat an empty old tree as
 * trivially consistent without a proof), a 32-byte root1, and exactly
 * consistencyProofLength(size1, size2) hashes of 32 bytes (none when size1 == size2); otherwise
 * ERR_PROOF_ARGUMENTS. Returns a fresh array.
 */
export function rootFromConsistencyProof(size1: number, size2: number, root1: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  checkConsistencySizes(size1, size2);
  checkHash(root1, 'root 1');
  const what = `consistency proof from size ${size1} to ${size2}`;
  if (size1 === size2) {
    checkProof(proof, 0, what);
    return root1.slice();
  }

  // The proof is the inclusion proof of the old tree's last perfect subtree (height `shift`,
  // ending at size1) in the new tree, preceded by that subtree's hash unless it is the whole old
  // tree (size1 a power of two), in which case root1 is the seed.
  const shift = trailingZeros(size1);
  const inner = bitLength(xor(size1 - 1, size2 - 1)) - shift;
  const border = popcount(shiftRight(size1 - 1, inner + shift));
  const seeded = size1 === 2 ** shift;
  const start = seeded ? 0 : 1;
  checkProof(proof, start + inner + border, what);

  // hash1 only takes left siblings (the old tree), hash2 takes all of them (the new tree).
  const seed = seeded ? root1 : (proof[0] as Uint8Array);
  let hash1 = seed;
  let hash2 = seed;
  let i = start;
  for (let bits = shiftRight(size1 - 1, shift); i < start + inner; i++, bits = Math.floor(bits / 2)) {
    const sibling = proof[i] as Uint8Array;
    if (bits % 2 === 1) {
      hash1 = hashChildren(sibling, hash1);
      hash2 = hashChildren(sibling, hash2);
    } else {
      hash2 = hashChildren(hash2, sibling);
    }
  }
  for (; i < proof.length; i++) {
    const sibling = proof[i] as Uint8Array;
    hash1 = hashChildren(sibling, hash1);
    hash2 = hashChildren(sibling, hash2);
  }
  if (!bytesEqual(hash1, root1)) {
    throw new VerificationError(
      'ERR_PROOF_INVALID',
      `${what} leads to old root ${toHex(hash1)}, want ${toHex(root1)}`,
    );
  }
  // size1 < size2 makes inner >= 1 or border >= 1 past the seed, so hash2 is always fresh here.
  return hash2;
}

/**
 * Checks that `proof` proves the tree of `size2` leaves with root `root2` extends the tree of
 * `size1` leaves with root `root1`. ERR_PROOF_ARGUMENTS for malformed inputs (see
 * rootFromConsistencyProof; also a root2 that is not 32 bytes), ERR_PROOF_INVALID when either
 * root does not match (including size1 == size2 with different roots).
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  checkHash(root2, 'root 2');
  const calculated = rootFromConsistencyProof(size1, size2, root1, proof);
  if (!bytesEqual(calculated, root2)) {
    throw new VerificationError(
      'ERR_PROOF_INVALID',
      `consistency proof from size ${size1} to ${size2} leads to new root ${toHex(calculated)}, want ${toHex(root2)}`,
    );
  }
}
