import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTufKey, ROLES, tufSignerFromPem, type TufKeyType } from '@sigstack/trust';
import { AuditError } from '../errors.js';

/**
 * Writes one new private key per TUF role into `dir` as `<role>.pem` (PKCS#8, mode 0600), refusing
 * to overwrite an existing file. Returns each role's TUF key ID.
 */
export async function generateRoleKeys(dir: string, type: TufKeyType): Promise<{ role: string; file: string; keyId: string }[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const out = [];
  for (const role of ROLES) {
    const file = join(dir, `${role}.pem`);
    const pem = generateTufKey(type);
    try {
      await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new AuditError('input', 'ERR_USAGE', code === 'EEXIST' ? `${file} exists: keys are never overwritten (move it away to make a new one)` : `couldn't write ${file}: ${code ?? (err as Error).message}`, { cause: err });
    }
    out.push({ role, file, keyId: tufSignerFromPem(pem, file).key.keyID });
  }
  return out;
}
