/** Types shared by the entry kinds and the registry. */
import type { JsonObject, JsonValue } from '@sigstack/crypto/canonical-json';
import type { EntryKindName, SigningAlgorithm } from '../config.js';

/** A validated entry in the form the log stores. */
export type CanonicalEntry = {
  kind: string;
  apiVersion: string;
  /** RFC 8785 canonical JSON of {apiVersion, kind, spec}: exactly the bytes hashed as the leaf. */
  body: Uint8Array;
  /** Search-index keys (lower case, deduplicated). */
  searchKeys: string[];
};

export interface KindRegistry {
  /**
   * Validates a proposed entry (already parsed by parseJson), verifies every signature and returns
   * the canonical form. Throws RekorError ERR_ENTRY_INVALID for anything the log refuses.
   */
  canonicalize(proposed: JsonValue): CanonicalEntry;
  /**
   * Search-index keys of an already canonical body (any supported kind, enabled or not), to
   * re-derive keys. The payload of dsse and intoto entries is not in the body, so their in-toto
   * subject digests cannot be re-derived. Throws RekorError ERR_ENTRY_INVALID.
   */
  searchKeys(body: Uint8Array): string[];
}

export interface KindRegistryOptions {
  /** Kinds accepted by `canonicalize`; others are refused like unknown kinds. */
  readonly enabled: readonly EntryKindName[];
  /** Key and digest pairs allowed in hashedrekord entries (`--client-signing-algorithms`). */
  readonly algorithms: readonly SigningAlgorithm[];
  /** Most signatures in one dsse or intoto envelope (default 10). */
  readonly maxDsseSignatures?: number;
  /** Most verifiers in one dsse entry (default 10). */
  readonly maxVerifiers?: number;
  /** Most certificates in one PEM chain (default 10, as upstream). */
  readonly maxChain?: number;
}

/** Limits and policy handed to every kind. */
export interface KindContext {
  readonly algorithms: ReadonlySet<string>;
  readonly maxSignatures: number;
  readonly maxVerifiers: number;
  readonly maxChain: number;
}

export interface KindResult {
  readonly spec: JsonObject;
  readonly searchKeys: readonly string[];
}

/** One supported kind and apiVersion. */
export interface EntryKind {
  readonly kind: EntryKindName;
  readonly apiVersion: string;
  /** Validates and verifies a proposed `spec`; returns the canonical spec and its search keys. */
  canonicalize(spec: JsonValue, context: KindContext): KindResult;
  /** Search keys of a canonical `spec` (no signature verification). */
  searchKeys(spec: JsonValue, context: KindContext): readonly string[];
}
