/**
 * Meta-issuer patterns (upstream `config.MetaRegex`): each `*` matches ONE hostname label or path segment,
 * `[-_a-zA-Z0-9]+` (never `.`, `/`, `:`, `?`, `@`…), every other character matches itself, and the whole
 * issuer must match (anchored at both ends: GHSA-59jp-pj84-45mr let `http://localhost?https://issuer/x`
 * match an unanchored pattern and made Fulcio fetch discovery from the attacker).
 *
 * Matching is a linear-time state-set walk, not a RegExp: the issuer comes from an unverified token, and a
 * backtracking engine on a pattern such as `https://*-*-*.example` could be driven into exponential time.
 */

type Token = { readonly star: true } | { readonly star: false; readonly char: number };

function isLabelChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
}

/** A compiled pattern: `matches(issuer)` is true exactly when upstream's anchored regexp matches. */
export interface MetaIssuerPattern {
  readonly pattern: string;
  matches(issuer: string): boolean;
}

export function compileMetaIssuer(pattern: string): MetaIssuerPattern {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    tokens.push(c === 0x2a ? { star: true } : { star: false, char: c });
  }
  const m = tokens.length;
  return Object.freeze({
    pattern,
    matches(issuer: string): boolean {
      // State 2·i: the next token to match is i. State 2·i+1: token i is a star that has matched at least
      // one character and may match more. Reaching 2·m (all tokens matched) at the end of input accepts.
      let current = new Uint8Array(2 * m + 2);
      let next = new Uint8Array(2 * m + 2);
      current[0] = 1;
      for (let p = 0; p < issuer.length; p++) {
        const c = issuer.charCodeAt(p);
        next.fill(0);
        let alive = false;
        for (let i = 0; i < m; i++) {
          const token = tokens[i] as Token;
          const fresh = current[2 * i] === 1;
          const inStar = current[2 * i + 1] === 1;
          if (!fresh && !inStar) continue;
          if (token.star) {
            if (isLabelChar(c)) {
              next[2 * i + 1] = 1;
              alive = true;
            }
          } else if (fresh && token.char === c) {
            next[2 * (i + 1)] = 1;
            alive = true;
          }
        }
        if (!alive) return false;
        // A star that has matched may end here: the following token becomes next (epsilon move).
        for (let i = 0; i < m; i++) if (next[2 * i + 1] === 1) next[2 * (i + 1)] = 1;
        [current, next] = [next, current];
      }
      return current[2 * m] === 1;
    },
  });
}
