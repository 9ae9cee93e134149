/**
 * The trust config file of `sigstack trust update`: JSON naming the public URLs, the public keys and
 * chains (as files), their validFor windows, the TUF key files and expiries. Parsed strictly: unknown
 * fields, wrong types and bad times are usage-level input errors (exit 3) that name the field.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseJson, type JsonValue } from '@sigstack/crypto/canonical-json';
import { DEFAULT_EXPIRY, parseTime, ROLES, type ExpiryPolicy, type RoleName } from '@sigstack/trust';
import { AuditError } from '../errors.js';

export type KeyFileRef = { file: string; passwordFile?: string };
export type LogEntry = { url: string; publicKeyFile: string; start: Date; end?: Date };
export type AuthorityEntry = { url: string; chainFile: string; start: Date; end?: Date; subject?: { organization: string; commonName: string } };
export type ServiceEntry = { url: string; start: Date; end?: Date };

export type TrustConfig = {
  operator: string;
  keys: Record<RoleName, KeyFileRef[]> & { previousRoot: KeyFileRef[]; thresholds: Partial<Record<RoleName, number>> };
  expiry: ExpiryPolicy;
  oidc: ServiceEntry[];
  certificateAuthorities: AuthorityEntry[];
  tlogs: LogEntry[];
  ctlogs: LogEntry[];
  timestampAuthorities: AuthorityEntry[];
};

type Obj = { [key: string]: JsonValue };

function bad(message: string): AuditError {
  return new AuditError('input', 'ERR_CONFIG_INVALID', `trust config: ${message}`);
}

function object(value: JsonValue | undefined, where: string, allowed: readonly string[]): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(`${where} must be an object`);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw bad(`${where} has unknown field ${JSON.stringify(key)}`);
  return value;
}

function array(value: JsonValue | undefined, where: string): JsonValue[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(`${where} must be an array`);
  return value;
}

function string(value: JsonValue | undefined, where: string): string {
  if (typeof value !== 'string' || value === '') throw bad(`${where} must be a non-empty string`);
  return value;
}

function time(value: JsonValue | undefined, where: string): Date {
  try {
    return parseTime(string(value, where), where);
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw bad((err as Error).message);
  }
}

function days(value: JsonValue | undefined, where: string): number {
  if (typeof value !== 'number' || !(value > 0) || value > 3650) throw bad(`${where} must be a number of days in (0, 3650]`);
  return Math.round(value * 86_400);
}

function window(o: Obj, where: string): { start: Date; end?: Date } {
  const start = time(o.start, `${where}.start`);
  return o.end === undefined ? { start } : { start, end: time(o.end, `${where}.end`) };
}

/** Parses the config text; relative file names are resolved against `configPath`'s directory. */
export function parseTrustConfig(text: string, configPath: string): TrustConfig {
  let root: JsonValue;
  try {
    root = parseJson(text);
  } catch (err) {
    throw bad(`${configPath} is not valid JSON: ${(err as Error).message}`);
  }
  const base = dirname(configPath);
  const path = (value: JsonValue | undefined, where: string) => {
    const p = string(value, where);
    return isAbsolute(p) ? p : resolve(base, p);
  };
  const top = object(root, 'the file', ['operator', 'keys', 'expiry', 'oidc', 'certificateAuthorities', 'tlogs', 'ctlogs', 'timestampAuthorities']);

  const keysObj = object(top.keys, 'keys', [...ROLES, 'previousRoot', 'thresholds']);
  const keyRefs = (value: JsonValue | undefined, where: string): KeyFileRef[] =>
    array(value, where).map((item, i) => {
      if (typeof item === 'string') return { file: path(item, `${where}[${i}]`) };
      const o = object(item, `${where}[${i}]`, ['file', 'passwordFile']);
      return { file: path(o.file, `${where}[${i}].file`), ...(o.passwordFile === undefined ? {} : { passwordFile: path(o.passwordFile, `${where}[${i}].passwordFile`) }) };
    });
  const thresholds: Partial<Record<RoleName, number>> = {};
  if (keysObj.thresholds !== undefined) {
    for (const [role, n] of Object.entries(object(keysObj.thresholds, 'keys.thresholds', ROLES))) {
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw bad(`keys.thresholds.${role} must be a positive integer`);
      thresholds[role as RoleName] = n;
    }
  }
  const keys = {
    root: keyRefs(keysObj.root, 'keys.root'),
    targets: keyRefs(keysObj.targets, 'keys.targets'),
    snapshot: keyRefs(keysObj.snapshot, 'keys.snapshot'),
    timestamp: keyRefs(keysObj.timestamp, 'keys.timestamp'),
    previousRoot: keyRefs(keysObj.previousRoot, 'keys.previousRoot'),
    thresholds,
  };
  for (const role of ROLES) if (keys[role].length === 0) throw bad(`keys.${role} needs at least one key file`);

  const expiry: Record<RoleName, { validFor: number; refreshBefore: number }> = { ...DEFAULT_EXPIRY };
  if (top.expiry !== undefined) {
    for (const [role, value] of Object.entries(object(top.expiry, 'expiry', ROLES))) {
      const o = object(value, `expiry.${role}`, ['validForDays', 'refreshBeforeDays']);
      const validFor = days(o.validForDays, `expiry.${role}.validForDays`);
      const refreshBefore = days(o.refreshBeforeDays, `expiry.${role}.refreshBeforeDays`);
      if (refreshBefore >= validFor) throw bad(`expiry.${role}.refreshBeforeDays must be less than validForDays`);
      expiry[role as RoleName] = { validFor, refreshBefore };
    }
  }

  const logs = (value: JsonValue | undefined, where: string): LogEntry[] =>
    array(value, where).map((item, i) => {
      const o = object(item, `${where}[${i}]`, ['url', 'publicKeyFile', 'start', 'end']);
      return { url: string(o.url, `${where}[${i}].url`), publicKeyFile: path(o.publicKeyFile, `${where}[${i}].publicKeyFile`), ...window(o, `${where}[${i}]`) };
    });
  const authorities = (value: JsonValue | undefined, where: string): AuthorityEntry[] =>
    array(value, where).map((item, i) => {
      const o = object(item, `${where}[${i}]`, ['url', 'chainFile', 'start', 'end', 'subject']);
      const entry: AuthorityEntry = { url: string(o.url, `${where}[${i}].url`), chainFile: path(o.chainFile, `${where}[${i}].chainFile`), ...window(o, `${where}[${i}]`) };
      if (o.subject !== undefined) {
        const s = object(o.subject, `${where}[${i}].subject`, ['organization', 'commonName']);
        entry.subject = { organization: string(s.organization, `${where}[${i}].subject.organization`), commonName: string(s.commonName, `${where}[${i}].subject.commonName`) };
      }
      return entry;
    });
  const services = (value: JsonValue | undefined, where: string): ServiceEntry[] =>
    array(value, where).map((item, i) => {
      const o = object(item, `${where}[${i}]`, ['url', 'start', 'end']);
      return { url: string(o.url, `${where}[${i}].url`), ...window(o, `${where}[${i}]`) };
    });

  return {
    operator: string(top.operator, 'operator'),
    keys,
    expiry,
    oidc: services(top.oidc, 'oidc'),
    certificateAuthorities: authorities(top.certificateAuthorities, 'certificateAuthorities'),
    tlogs: logs(top.tlogs, 'tlogs'),
    ctlogs: logs(top.ctlogs, 'ctlogs'),
    timestampAuthorities: authorities(top.timestampAuthorities, 'timestampAuthorities'),
  };
}
