import type { CertificateAuthorityJson, TransparencyLogJson, TrustedRootJson, ValidForJson } from './trusted-root.js';
import type { ServiceJson, SigningConfigJson } from './signing-config.js';
import { rfc3339 } from './time.js';

/**
 * Keeps a trusted root stable across regenerations from live services (dev mode), where every
 * entry of `next` was built with `validFor.start` = now:
 * - an entry of `next` that `previous` already lists (same key or chain, same URL, not ended) keeps
 *   the previous start, so unchanged material gives byte-identical output;
 * - an entry of `previous` that `next` no longer lists stays, ended at `now` (or at its own earlier
 *   end), so signatures made while it was current still verify (rotation by validFor windows,
 *   never by editing keys in place). Entries that would end before they start are dropped.
 */
export function carryOverTrustedRoot(previous: TrustedRootJson | undefined, next: TrustedRootJson, now: Date): TrustedRootJson {
  if (!previous) return next;
  const end = rfc3339(now);
  const logId = (l: TransparencyLogJson) => `${l.logId.keyId} ${l.baseUrl}`;
  const chainId = (a: CertificateAuthorityJson) => `${a.certChain.certificates.map((c) => c.rawBytes).join('.')} ${a.uri}`;
  const logs = (prev: readonly TransparencyLogJson[] | undefined, cur: TransparencyLogJson[]) =>
    merge(prev ?? [], cur, logId, (l) => l.publicKey.validFor, (l, validFor) => ({ ...l, publicKey: { ...l.publicKey, validFor } }), end);
  const authorities = (prev: readonly CertificateAuthorityJson[] | undefined, cur: CertificateAuthorityJson[]) =>
    merge(prev ?? [], cur, chainId, (a) => a.validFor, (a, validFor) => ({ ...a, validFor }), end);
  return {
    mediaType: next.mediaType,
    tlogs: logs(previous.tlogs, next.tlogs),
    certificateAuthorities: authorities(previous.certificateAuthorities, next.certificateAuthorities),
    ctlogs: logs(previous.ctlogs, next.ctlogs),
    timestampAuthorities: authorities(previous.timestampAuthorities, next.timestampAuthorities),
  };
}

function merge<T>(previous: readonly T[], next: readonly T[], id: (t: T) => string, window: (t: T) => ValidForJson, withWindow: (t: T, v: ValidForJson) => T, end: string): T[] {
  const open = (t: T) => window(t).end === undefined;
  const out: T[] = next.map((n) => {
    const before = previous.find((p) => id(p) === id(n) && open(p));
    return before && open(n) ? withWindow(n, { start: window(before).start }) : n;
  });
  const current = new Set(out.map(id));
  for (const p of previous) {
    const v = window(p);
    if (current.has(id(p)) && open(p)) continue;
    const ended: ValidForJson = v.end === undefined || Date.parse(v.end) > Date.parse(end) ? { start: v.start, end } : v;
    if (Date.parse(ended.end as string) > Date.parse(ended.start)) out.push(withWindow(p, ended));
  }
  return out;
}

/** Keeps the start of each signing-config service whose URL is unchanged; services no longer listed are dropped. */
export function carryOverSigningConfig(previous: SigningConfigJson | undefined, next: SigningConfigJson): SigningConfigJson {
  if (!previous) return next;
  const keep = (prev: readonly ServiceJson[] | undefined, cur: ServiceJson[]) =>
    cur.map((s) => {
      const before = (prev ?? []).find((p) => p.url === s.url && p.majorApiVersion === s.majorApiVersion && p.validFor.end === undefined);
      return before && s.validFor.end === undefined ? { ...s, validFor: { start: before.validFor.start } } : s;
    });
  return {
    ...next,
    caUrls: keep(previous.caUrls, next.caUrls),
    oidcUrls: keep(previous.oidcUrls, next.oidcUrls),
    rekorTlogUrls: keep(previous.rekorTlogUrls, next.rekorTlogUrls),
    tsaUrls: keep(previous.tsaUrls, next.tsaUrls),
  };
}
