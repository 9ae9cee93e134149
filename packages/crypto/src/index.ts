/**
 * @sigstack/crypto: the one place where sigstack's cryptography and transparency-log math live.
 * Import the subpath you need (`/merkle`, `/tiles`, `/note`, `/set`, `/canonical-json`, `/keys`,
 * `/x509`, `/der`, `/encoding`, `/errors`); this root entry re-exports only the error types and the
 * strict encodings every caller needs.
 */
export * from './errors.js';
export * from './encoding.js';
