/**
 * Rekor v1 entry kinds: validation, signature verification, canonical bodies and search-index
 * keys. Domain code only: no HTTP, no configuration loading. Byte-exact with upstream Rekor for
 * what real clients send (see each kind's module comment for where we are deliberately stricter).
 */
export { createKindRegistry } from './registry.js';
export { hashIndexKey, publicKeyIndexKey } from './index-keys.js';
export { ALGORITHM_NAMES } from './algorithms.js';
export type { CanonicalEntry, KindRegistry, KindRegistryOptions } from './types.js';
