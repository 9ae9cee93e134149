/**
 * A TUF repository on disk that serves Sigstore trust material: consistent snapshots, one role per
 * key set, built with @tufjs/models. `updateRepository` is idempotent: with the same keys and
 * targets it writes nothing unless some metadata is close to expiry; any change bumps exactly the
 * roles whose content changed (and those that point at them).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Metadata, MetadataKind, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp } from '@tufjs/models';
import { canonicalJson, type JsonValue } from '@sigstack/crypto/canonical-json';
import { writeFileDurably } from '../durable-file.js';
import { tufInvalid } from '../errors.js';
import { rfc3339 } from '../time.js';
import { DEFAULT_EXPIRY, type ExpiryPolicy } from './expiry.js';
import type { TufSigner } from './keys.js';
import { MAX_REPOSITORY_FILE, TARGET_NAMES } from './layout.js';
import { ROLES, type RoleName } from './roles.js';

export const SPEC_VERSION = '1.0.31';

/** The keys of each role, with thresholds (default 1). `previousRoot` holds root keys being rotated out: they sign the new root once. */
export type RepositoryKeys = {
  readonly root: readonly TufSigner[];
  readonly targets: readonly TufSigner[];
  readonly snapshot: readonly TufSigner[];
  readonly timestamp: readonly TufSigner[];
  readonly thresholds?: Partial<Readonly<Record<RoleName, number>>>;
  readonly previousRoot?: readonly TufSigner[];
};

/** A target file: its name (one of TARGET_NAMES) and bytes; `alias` also writes it as `<dir>/<alias>` for direct download. */
export type TargetContent = { readonly name: string; readonly bytes: Uint8Array; readonly alias?: string };

export type UpdateOptions = {
  /** The repository directory (created if missing). */
  dir: string;
  keys: RepositoryKeys;
  /** The complete target set; undefined keeps the current one (a refresh). */
  targets?: readonly TargetContent[];
  now: Date;
  expiry?: ExpiryPolicy;
  /** Plain files written next to the metadata for direct download, outside TUF (names from layout.ts's top-level set). */
  files?: readonly { readonly name: string; readonly bytes: Uint8Array }[];
};

export type RoleState = { version: number; expires: string };
export type UpdateResult = {
  /** Roles that got a new version, in the order they were written. */
  changed: RoleName[];
  roles: Record<RoleName, RoleState>;
};

type AnySigned = Root | Targets | Snapshot | Timestamp;

type Current = {
  root?: Metadata<Root>;
  targets?: Metadata<Targets>;
  snapshot?: Metadata<Snapshot>;
  timestamp?: Metadata<Timestamp>;
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Metadata as written: pretty JSON. Hashes and lengths in snapshot and timestamp are over exactly these bytes. */
function serialize(md: Metadata<AnySigned>): Buffer {
  return Buffer.from(`${JSON.stringify(md.toJSON(), null, 2)}\n`);
}

/** Writes a repository file durably (see writeFileDurably): timestamp.json is written last and must never name a snapshot whose file was lost. */
async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileDurably(path, data);
  } catch (err) {
    throw tufInvalid(`couldn't write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, err);
  }
}

/** Reads a repository file, or undefined when it does not exist; bounded, since the directory may be shared. */
async function readBounded(path: string): Promise<Buffer | undefined> {
  try {
    const info = await stat(path);
    if (info.size > MAX_REPOSITORY_FILE) throw tufInvalid(`${path} is larger than ${MAX_REPOSITORY_FILE} bytes`);
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function load<T extends AnySigned>(dir: string, name: string, kind: MetadataKind): Promise<Metadata<T> | undefined> {
  const path = join(dir, name);
  const bytes = await readBounded(path);
  if (bytes === undefined) return undefined;
  try {
    // fromJSON checks the `_type` and the field types of our own earlier output.
    return Metadata.fromJSON(kind as MetadataKind.Root, JSON.parse(bytes.toString('utf8')) as Parameters<typeof Metadata.fromJSON>[1]) as unknown as Metadata<T>;
  } catch (err) {
    throw tufInvalid(`${path} is not valid ${kind} metadata: ${(err as Error).message}`, err);
  }
}

/** The current metadata of a repository: latest root, timestamp, and the snapshot and targets it points at. */
export async function readRepository(dir: string): Promise<Current> {
  const root = await load<Root>(dir, 'root.json', MetadataKind.Root);
  const timestamp = await load<Timestamp>(dir, 'timestamp.json', MetadataKind.Timestamp);
  if (!root) {
    if (timestamp) throw tufInvalid(`${dir} has timestamp.json but no root.json`);
    return {};
  }
  if (!timestamp) return { root };
  const snapshotName = `${timestamp.signed.snapshotMeta.version}.snapshot.json`;
  const snapshot = await load<Snapshot>(dir, snapshotName, MetadataKind.Snapshot);
  if (!snapshot) throw tufInvalid(`${dir}: timestamp.json points at ${snapshotName}, which is missing`);
  const targetsMeta = snapshot.signed.meta['targets.json'];
  if (!targetsMeta) throw tufInvalid(`${dir}/${snapshotName} lists no targets.json`);
  const targetsName = `${targetsMeta.version}.targets.json`;
  const targets = await load<Targets>(dir, targetsName, MetadataKind.Targets);
  if (!targets) throw tufInvalid(`${dir}: ${snapshotName} points at ${targetsName}, which is missing`);
  return { root, timestamp, snapshot, targets };
}

function expiresAt(now: Date, seconds: number): string {
  return rfc3339(new Date(now.getTime() + seconds * 1000));
}

function nearExpiry(signed: AnySigned, now: Date, refreshBefore: number): boolean {
  return Date.parse(signed.expires) - now.getTime() <= refreshBefore * 1000;
}

/** True when `md` carries enough valid signatures of `role`'s keys in `root`. */
function signedFor(root: Root, role: RoleName, md: Metadata<AnySigned>): boolean {
  try {
    new Metadata(root).verifyDelegate(role, md);
    return true;
  } catch {
    return false;
  }
}

/** Equality of two metadata fragments as they would be signed: their JSON forms (toJSON applied), keys sorted. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown) => canonicalJson(JSON.parse(JSON.stringify(v)) as JsonValue);
  return canonical(a) === canonical(b);
}

function checkKeys(keys: RepositoryKeys): void {
  for (const role of ROLES) {
    const signers = keys[role];
    const threshold = keys.thresholds?.[role] ?? 1;
    if (!Number.isSafeInteger(threshold) || threshold < 1) throw tufInvalid(`${role} threshold ${threshold} must be a positive integer`);
    if (signers.length < threshold) throw tufInvalid(`${role} has ${signers.length} keys, fewer than its threshold ${threshold}`);
    if (new Set(signers.map((s) => s.key.keyID)).size !== signers.length) throw tufInvalid(`${role} lists the same key twice`);
  }
}

/** The root content the keys call for, as root.json spells it (version and expiry set by the caller). */
function desiredRootFields(keys: RepositoryKeys): { keys: Record<string, JsonValue>; roles: Record<string, JsonValue> } {
  const all: Record<string, JsonValue> = {};
  const roles: Record<string, JsonValue> = {};
  for (const role of ROLES) {
    for (const s of keys[role]) all[s.key.keyID] = s.key.toJSON() as JsonValue;
    roles[role] = { keyids: keys[role].map((s) => s.key.keyID), threshold: keys.thresholds?.[role] ?? 1 };
  }
  return { keys: all, roles };
}

function sign<T extends AnySigned>(signed: T, signers: readonly TufSigner[]): Metadata<T> {
  const md = new Metadata(signed);
  for (const s of signers) md.sign((data) => s.sign(data));
  return md;
}

function checkTargets(targets: readonly TargetContent[]): void {
  const names = new Set<string>();
  for (const t of targets) {
    if (!TARGET_NAMES.includes(t.name)) throw tufInvalid(`target ${JSON.stringify(t.name)} is not one of ${TARGET_NAMES.join(', ')}`);
    if (names.has(t.name)) throw tufInvalid(`target ${t.name} is given twice`);
    if (t.bytes.byteLength > MAX_REPOSITORY_FILE) throw tufInvalid(`target ${t.name} is larger than ${MAX_REPOSITORY_FILE} bytes`);
    names.add(t.name);
  }
}

/**
 * Brings the repository in `dir` up to date with `keys` and `targets` at time `now`:
 * - root: a new version when the keys or thresholds change or it is close to expiry. A new root
 *   after a key change is signed by the new root keys and by enough keys of the current root
 *   (from `keys.root` or `keys.previousRoot`), so that clients holding the old root accept it;
 *   otherwise ERR_TUF_INVALID. Every `<n>.root.json` is kept: clients walk them one by one.
 * - targets, snapshot, timestamp: a new version when their content changes, when they are close to
 *   expiry, or when the current root no longer accepts their signatures (a role key changed).
 * Files are written so that a concurrent reader always finds a complete repository: targets and
 * versioned metadata first, `root.json`, then `timestamp.json` last. Old versions are not deleted.
 */
export async function updateRepository(options: UpdateOptions): Promise<UpdateResult> {
  const { dir, keys, now } = options;
  const expiry = options.expiry ?? DEFAULT_EXPIRY;
  checkKeys(keys);
  if (options.targets) checkTargets(options.targets);
  const current = await readRepository(dir);
  const changed: RoleName[] = [];
  /** Content-addressed targets and versioned metadata: new names, invisible until something points at them. */
  const writes: [string, Uint8Array][] = [];
  /** Names clients fetch unversioned, written afterwards, timestamp.json last. */
  const latest: [string, Uint8Array][] = [];

  // Root.
  const wanted = desiredRootFields(keys);
  let root = current.root;
  const rootJson = root?.signed.toJSON();
  const rootDiffers = !rootJson || !sameJson(
    { keys: rootJson.keys, roles: rootJson.roles, cs: rootJson.consistent_snapshot },
    { keys: wanted.keys, roles: wanted.roles, cs: true },
  );
  if (!root || rootDiffers || nearExpiry(root.signed, now, expiry.root.refreshBefore)) {
    const version = root ? root.signed.version + 1 : 1;
    const signed = Root.fromJSON({ _type: 'root', spec_version: SPEC_VERSION, version, expires: expiresAt(now, expiry.root.validFor), ...wanted, consistent_snapshot: true });
    const next = sign(signed, keys.root);
    if (root) {
      // The old root must vouch for the new one (TUF client workflow 5.3.4).
      const old = new Set(root.signed.roles.root?.keyIDs ?? []);
      for (const s of keys.previousRoot ?? []) if (old.has(s.key.keyID) && !next.signatures[s.key.keyID]) next.sign((data) => s.sign(data));
      if (!signedFor(root.signed, 'root', next)) {
        throw tufInvalid(`the root keys changed: version ${version} must also be signed by ${root.signed.roles.root?.threshold ?? 1} key(s) of root version ${root.signed.version}; give them as the previous root keys`);
      }
    }
    if (!signedFor(next.signed, 'root', next)) throw tufInvalid('the new root is not signed by its own root keys');
    root = next;
    changed.push('root');
    const bytes = serialize(next);
    writes.push([`${version}.root.json`, bytes]);
    latest.push(['root.json', bytes]);
  }
  const rootSigned = root.signed;

  // Targets.
  let targetFiles: Record<string, TargetFile>;
  if (options.targets) {
    targetFiles = {};
    for (const t of options.targets) targetFiles[t.name] = new TargetFile({ path: t.name, length: t.bytes.byteLength, hashes: { sha256: sha256(t.bytes) } });
  } else {
    if (!current.targets) throw tufInvalid(`${dir} has no targets yet: give the targets`);
    targetFiles = current.targets.signed.targets;
  }
  let targets = current.targets;
  const targetsStale = !targets
    || !sameJson(targets.signed.targets, targetFiles)
    || nearExpiry(targets.signed, now, expiry.targets.refreshBefore)
    || !signedFor(rootSigned, 'targets', targets);
  if (!targets || targetsStale) {
    const version = targets ? targets.signed.version + 1 : 1;
    targets = sign(new Targets({ version, specVersion: SPEC_VERSION, expires: expiresAt(now, expiry.targets.validFor), targets: targetFiles }), keys.targets);
    changed.push('targets');
    writes.push([`${version}.targets.json`, serialize(targets)]);
  }
  const targetsBytes = serialize(targets);

  // Snapshot: names the targets version, with its length and hash.
  const targetsMeta = new MetaFile({ version: targets.signed.version, length: targetsBytes.byteLength, hashes: { sha256: sha256(targetsBytes) } });
  let snapshot = current.snapshot;
  const snapshotStale = !snapshot
    || !sameJson(snapshot.signed.meta, { 'targets.json': targetsMeta })
    || nearExpiry(snapshot.signed, now, expiry.snapshot.refreshBefore)
    || !signedFor(rootSigned, 'snapshot', snapshot);
  if (!snapshot || snapshotStale) {
    const version = snapshot ? snapshot.signed.version + 1 : 1;
    snapshot = sign(new Snapshot({ version, specVersion: SPEC_VERSION, expires: expiresAt(now, expiry.snapshot.validFor), meta: { 'targets.json': targetsMeta } }), keys.snapshot);
    changed.push('snapshot');
    writes.push([`${version}.snapshot.json`, serialize(snapshot)]);
  }
  const snapshotBytes = serialize(snapshot);

  // Timestamp: names the snapshot version, with its length and hash.
  const snapshotMeta = new MetaFile({ version: snapshot.signed.version, length: snapshotBytes.byteLength, hashes: { sha256: sha256(snapshotBytes) } });
  let timestamp = current.timestamp;
  const timestampStale = !timestamp
    || !sameJson(timestamp.signed.snapshotMeta, snapshotMeta)
    || nearExpiry(timestamp.signed, now, expiry.timestamp.refreshBefore)
    || !signedFor(rootSigned, 'timestamp', timestamp);
  if (!timestamp || timestampStale) {
    const version = timestamp ? timestamp.signed.version + 1 : 1;
    timestamp = sign(new Timestamp({ version, specVersion: SPEC_VERSION, expires: expiresAt(now, expiry.timestamp.validFor), snapshotMeta }), keys.timestamp);
    changed.push('timestamp');
  }

  for (const t of options.targets ?? []) {
    writes.unshift([`targets/${sha256(t.bytes)}.${t.name}`, t.bytes]);
    if (t.alias !== undefined) latest.push([t.alias, t.bytes]);
  }
  for (const f of options.files ?? []) latest.push([f.name, f.bytes]);
  if (changed.includes('timestamp')) latest.push(['timestamp.json', serialize(timestamp)]);
  for (const [name, bytes] of [...writes, ...latest]) {
    const path = join(dir, name);
    const existing = await readBounded(path);
    if (!existing || !existing.equals(bytes)) await writeAtomic(path, bytes);
  }

  const state = (md: Metadata<AnySigned>): RoleState => ({ version: md.signed.version, expires: md.signed.expires });
  return { changed, roles: { root: state(root), targets: state(targets), snapshot: state(snapshot), timestamp: state(timestamp) } };
}

/** What a health check needs: the versions, and whether the timestamp has expired at `now`. */
export async function repositoryStatus(dir: string, now: Date): Promise<{ rootVersion: number; timestampVersion: number; timestampExpires: string; expired: boolean } | undefined> {
  const root = await load<Root>(dir, 'root.json', MetadataKind.Root);
  const timestamp = await load<Timestamp>(dir, 'timestamp.json', MetadataKind.Timestamp);
  if (!root || !timestamp) return undefined;
  return { rootVersion: root.signed.version, timestampVersion: timestamp.signed.version, timestampExpires: timestamp.signed.expires, expired: timestamp.signed.isExpired(now) };
}
