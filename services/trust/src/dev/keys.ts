import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTufKey, ROLES, tufSignerFromPem, type RepositoryKeys, type RoleName, type TufSigner } from '@sigstack/trust';

/**
 * The dev-mode TUF keys: one Ed25519 key per role in `keysDir/<role>.pem` (mode 0600), generated on
 * first start and reused afterwards. Reusing them matters: a client's cached root.json names these
 * keys, and new keys under the same mirror URL would make every cached client fail
 * ("timestamp was signed by 0/1 keys").
 */
export async function loadOrCreateKeys(keysDir: string): Promise<RepositoryKeys & { generated: RoleName[] }> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  await chmod(keysDir, 0o700);
  const generated: RoleName[] = [];
  const out: Partial<Record<RoleName, TufSigner[]>> = {};
  for (const role of ROLES) {
    const path = join(keysDir, `${role}.pem`);
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      pem = generateTufKey('ed25519');
      // 'wx': never overwrite a key another process wrote meanwhile.
      await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
      generated.push(role);
    }
    out[role] = [tufSignerFromPem(pem, path)];
  }
  return { root: out.root!, targets: out.targets!, snapshot: out.snapshot!, timestamp: out.timestamp!, generated };
}
