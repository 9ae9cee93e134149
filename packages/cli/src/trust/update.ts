import {
  buildSigningConfig,
  buildTrustedRoot,
  publishTrust,
  ROLES,
  tsaEndpoint,
  tufSignerFromPem,
  type AuthorityInput,
  type LogInput,
  type RoleName,
  type ServiceInput,
  type TufSigner,
  type UpdateResult,
} from '@sigstack/trust';
import { checking } from '../errors.js';
import { readLocalFile } from '../files.js';
import type { Io } from '../io.js';
import { parseTrustConfig, type KeyFileRef, type TrustConfig } from './config.js';

/** Configs, PEM keys and chains are small; the bound keeps a wrong path from eating memory. */
const MAX_INPUT = 1024 * 1024;

const text = async (path: string, what: string) => Buffer.from(await readLocalFile(path, what, MAX_INPUT)).toString('utf8');

async function signers(refs: readonly KeyFileRef[], what: string): Promise<TufSigner[]> {
  const out: TufSigner[] = [];
  for (const ref of refs) {
    const pem = await text(ref.file, what);
    const password = ref.passwordFile === undefined ? undefined : (await text(ref.passwordFile, `${what} password file`)).replace(/\r?\n$/, '');
    out.push(await checking('input', what, () => tufSignerFromPem(pem, ref.file, password)));
  }
  return out;
}

/** True for entries whose window has not ended at `now`: the signing config lists only services clients may use now or later. */
const current = (now: Date) => (e: { end?: Date }) => e.end === undefined || e.end.getTime() > now.getTime();

function services<T extends { url: string; start: Date; end?: Date }>(entries: readonly T[], now: Date, operator: string, url: (e: T) => string = (e) => e.url): ServiceInput[] {
  return entries.filter(current(now)).map((e) => ({ url: url(e), start: e.start, ...(e.end ? { end: e.end } : {}), operator }));
}

/**
 * Reads the config and every file it names, builds the trusted root and signing config, and brings
 * the repository in `outDir` up to date. Idempotent: the same inputs change nothing unless some
 * metadata is close to expiry.
 */
export async function updateFromConfig(configPath: string, outDir: string, io: Io): Promise<{ config: TrustConfig; result: UpdateResult }> {
  const config = parseTrustConfig(await text(configPath, 'trust config'), configPath);
  const now = new Date(io.now());
  const keys: Record<RoleName, TufSigner[]> = { root: [], targets: [], snapshot: [], timestamp: [] };
  for (const role of ROLES) keys[role] = await signers(config.keys[role], `${role} key`);
  const previousRoot = await signers(config.keys.previousRoot, 'previous root key');

  const tlogs: LogInput[] = [];
  for (const l of config.tlogs) tlogs.push({ baseUrl: l.url, publicKey: await text(l.publicKeyFile, 'tlog public key'), start: l.start, ...(l.end ? { end: l.end } : {}) });
  const ctlogs: LogInput[] = [];
  for (const l of config.ctlogs) ctlogs.push({ baseUrl: l.url, publicKey: await text(l.publicKeyFile, 'ctlog public key'), start: l.start, ...(l.end ? { end: l.end } : {}) });
  const authorities = async (entries: TrustConfig['certificateAuthorities'], what: string) => {
    const out: AuthorityInput[] = [];
    for (const a of entries) out.push({ uri: a.url, chain: await text(a.chainFile, what), start: a.start, ...(a.end ? { end: a.end } : {}), ...(a.subject ? { subject: a.subject } : {}) });
    return out;
  };
  const certificateAuthorities = await authorities(config.certificateAuthorities, 'certificate authority chain');
  const timestampAuthorities = await authorities(config.timestampAuthorities, 'timestamp authority chain');

  const trustedRoot = await checking('input', 'trusted root', () => buildTrustedRoot({ tlogs, ctlogs, certificateAuthorities, timestampAuthorities }));
  const signingConfig = await checking('input', 'signing config', () =>
    buildSigningConfig({
      ca: services(config.certificateAuthorities, now, config.operator),
      oidc: services(config.oidc, now, config.operator),
      rekor: services(config.tlogs, now, config.operator),
      tsa: services(config.timestampAuthorities, now, config.operator, (e) => tsaEndpoint(e.url)),
    }),
  );
  const result = await checking('input', `repository ${outDir}`, () =>
    publishTrust({
      dir: outDir,
      keys: { ...keys, previousRoot, thresholds: config.keys.thresholds },
      trustedRoot,
      signingConfig,
      now,
      expiry: config.expiry,
    }),
  );
  return { config, result };
}
