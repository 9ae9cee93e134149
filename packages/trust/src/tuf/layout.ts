/**
 * File names of a repository directory: what the writer produces and the only names the trust
 * service serves. Consistent snapshots: versioned root, snapshot and targets metadata, and targets
 * prefixed with their SHA-256 (the first and only hash listed, which is what tuf-js and go-tuf use).
 */

/** The targets Sigstore clients look up by name, and the top-level copies served for direct download. */
export const TRUSTED_ROOT_TARGET = 'trusted_root.json';
export const SIGNING_CONFIG_TARGET = 'signing_config.v0.2.json';
export const TRUSTED_ROOT_FILE = 'trusted_root.json';
export const SIGNING_CONFIG_FILE = 'signing_config.json';
/** Both documents in one protobuf-specs ClientTrustConfig, for `sigstore-python --trust-config`. Not a TUF target. */
export const TRUST_CONFIG_FILE = 'trust_config.json';

/** Largest metadata or target file written or served: real ones are a few KB. */
export const MAX_REPOSITORY_FILE = 4 * 1024 * 1024;

const TOP = new Set(['root.json', 'timestamp.json', TRUSTED_ROOT_FILE, SIGNING_CONFIG_FILE, TRUST_CONFIG_FILE]);
const VERSIONED = /^[1-9][0-9]{0,9}\.(root|snapshot|targets)\.json$/;
const TARGET = /^targets\/[0-9a-f]{64}\.(trusted_root\.json|signing_config\.v0\.2\.json)$/;

/**
 * True for exactly the relative paths a repository holds: `root.json`, `timestamp.json`,
 * `trusted_root.json`, `signing_config.json`, `trust_config.json`, `<n>.{root,snapshot,targets}.json` and
 * `targets/<sha256>.{trusted_root.json,signing_config.v0.2.json}`. Anything else (other names,
 * `..`, encoded separators, leading zeros) is false, so a server can map an allowed path to a file
 * without further checks.
 */
export function isRepositoryPath(path: string): boolean {
  return typeof path === 'string' && path.length <= 200 && (TOP.has(path) || VERSIONED.test(path) || TARGET.test(path));
}

/** True for the files that never change once written (versioned metadata, hash-prefixed targets). */
export function isImmutablePath(path: string): boolean {
  return VERSIONED.test(path) || TARGET.test(path);
}

/** Target names the writer accepts: the two Sigstore targets. */
export const TARGET_NAMES: readonly string[] = [TRUSTED_ROOT_TARGET, SIGNING_CONFIG_TARGET];
