/**
 * Watched identities: `<kind>:<glob>[;issuer=<glob>|;issuer!=<glob>]`.
 *  - kind: `email`, `uri`, `username` (a certificate SAN of that type) or `any` (any SAN, also DNS
 *    and IP names);
 *  - glob: anchored at both ends; `*` matches any run of characters (also none, also `/` and `@`),
 *    `?` exactly one; every other character is literal. Emails compare case-insensitively (the log
 *    and Fulcio lowercase them), everything else exactly;
 *  - the optional issuer clause restricts (`=`) or excludes (`!=`) the OIDC issuer (Sigstore
 *    extension .8, else .1), with the same glob rules; a certificate without an issuer never
 *    satisfies `=` and always satisfies `!=`.
 * Examples: `email:*@example.com`, `uri:https://github.com/acme/*`,
 * `email:release@example.com;issuer!=https://token.actions.githubusercontent.com`.
 */
import { usage } from '../errors.js';
import type { CertificateSigner } from '../log/entry-body.js';

export type IdentityKind = 'email' | 'uri' | 'username' | 'any';

export type IdentityPattern = {
  text: string;
  kind: IdentityKind;
  identity: RegExp;
  issuer?: { negate: boolean; glob: RegExp };
};

/** Patterns are typed by people; the bound keeps a pasted blob from compiling a huge regex. */
const MAX_PATTERN = 1024;
const KINDS: readonly IdentityKind[] = ['email', 'uri', 'username', 'any'];

/** Compiles a glob to an anchored RegExp without backtracking traps: runs of `*` collapse to one. */
export function globToRegExp(glob: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (const ch of glob.replace(/\*+/g, '*')) {
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '');
}

export function parsePattern(text: string): IdentityPattern {
  if (text.length === 0 || text.length > MAX_PATTERN) throw usage(`--watch-identity must be 1 to ${MAX_PATTERN} characters`);
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon) as IdentityKind;
  if (colon < 0 || !KINDS.includes(kind)) throw usage(`--watch-identity ${JSON.stringify(text)} must start with ${KINDS.map((k) => `${k}:`).join(', ')}`);
  let rest = text.slice(colon + 1);
  let issuer: IdentityPattern['issuer'];
  const clause = rest.lastIndexOf(';issuer');
  if (clause >= 0) {
    const tail = rest.slice(clause + ';issuer'.length);
    const negate = tail.startsWith('!=');
    if (!negate && !tail.startsWith('=')) throw usage(`--watch-identity ${JSON.stringify(text)}: the issuer clause is ;issuer=GLOB or ;issuer!=GLOB`);
    const glob = tail.slice(negate ? 2 : 1);
    if (glob === '') throw usage(`--watch-identity ${JSON.stringify(text)}: empty issuer`);
    issuer = { negate, glob: globToRegExp(glob, false) };
    rest = rest.slice(0, clause);
  }
  if (rest === '') throw usage(`--watch-identity ${JSON.stringify(text)}: empty identity`);
  return { text, kind, identity: globToRegExp(rest, kind === 'email'), ...(issuer ? { issuer } : {}) };
}

/** The SANs (`email:…`, `uri:…`) of `signer` that `pattern` matches; empty when none (or the issuer clause fails). */
export function matchSigner(pattern: IdentityPattern, signer: CertificateSigner): string[] {
  if (pattern.issuer) {
    const ok = signer.issuer !== undefined && pattern.issuer.glob.test(signer.issuer);
    if (ok === pattern.issuer.negate) return [];
  }
  return signer.identities.filter((id) => {
    const colon = id.indexOf(':');
    const type = id.slice(0, colon);
    if (pattern.kind !== 'any' && type !== pattern.kind) return false;
    return pattern.identity.test(id.slice(colon + 1));
  });
}
