import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What scripts/softhsm-setup.mjs prints about the token it made. */
export type SoftHsm = { conf: string; module: string; tokenLabel: string; keyLabel: string; pinFile: string; publicKeyPem: string };

// dist/softhsm.js → the repository's scripts/ folder.
const SCRIPT = fileURLToPath(new URL('../../../scripts/softhsm-setup.mjs', import.meta.url));

/**
 * A fresh SoftHSM token in `dir` (scripts/softhsm-setup.mjs: a P-256 key imported under a label,
 * a PIN file) with SOFTHSM2_CONF pointing at it. Throws, with the script's message, when SoftHSM is
 * missing: the pkcs11 tests fail rather than skip (CI installs it, see .ci/run).
 */
export function setupSoftHsm(dir: string): SoftHsm {
  let out: string;
  try {
    out = execFileSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`SoftHSM setup failed (install it with apt-get install -y softhsm2): ${stderr || String(err)}`);
  }
  const hsm = JSON.parse(out) as SoftHsm;
  process.env.SOFTHSM2_CONF = hsm.conf;
  return hsm;
}
