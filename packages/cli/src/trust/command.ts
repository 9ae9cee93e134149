import { TUF_KEY_TYPES, type TufKeyType } from '@sigstack/trust';
import { parseFlags, requiredString, optionalString } from '../args.js';
import { usage } from '../errors.js';
import { EXIT, exitCodeHelp } from '../exit-codes.js';
import type { Io } from '../io.js';
import { printFields, printJson } from '../output.js';
import { generateRoleKeys } from './keys.js';
import { updateFromConfig } from './update.js';

export const TRUST_HELP = `usage: sigstack trust keys --out DIR [--type ed25519|ecdsa-p256] [--json]
       sigstack trust update --config FILE --out DIR [--json]

Publishes the trust material of a deployment for Sigstore clients: trusted_root.json, the signing
config (SigningConfig v0.2) and a TUF repository (consistent snapshots) that distributes both as the
targets trusted_root.json and signing_config.v0.2.json. The trust service serves the repository
directory (TRUST_DATA_DIR/repository) when TRUST_DEV_MODE is false.

  keys      generate one private key per TUF role (root, targets, snapshot, timestamp) as
            DIR/<role>.pem, mode 0600; never overwrites. Keep the root key offline.
  update    read the trust config (JSON: URLs, public key and chain files, validFor windows,
            TUF key files, expiries; see docs/trust.md) and bring the repository in DIR up to
            date. Idempotent: the same inputs change nothing, except that metadata close to
            expiry is signed again with a new version. Run it daily (the timestamp lives 7 days
            and is re-signed 3 days before expiry by default). Changing root keys needs the
            old ones under keys.previousRoot, to sign the new root version once.

  --out DIR      keys: the key directory; update: the repository directory
  --type T       key type for keys (default ed25519)
  --config FILE  the trust config
  --json         print the result as JSON

Clients: sigstore-js verify({ tufMirrorURL: <trust URL>, tufRootPath: DIR/1.root.json }),
cosign initialize --mirror <trust URL> --root DIR/1.root.json.

exit codes:
${exitCodeHelp()}
`;

/** `sigstack trust keys|update`. */
export async function trust(args: string[], io: Io): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout.write(TRUST_HELP);
    return verb === undefined ? EXIT.usage : EXIT.ok;
  }
  if (verb === 'keys') {
    const { values } = parseFlags(rest, { help: { type: 'boolean', short: 'h' }, out: { type: 'string' }, type: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) return io.stdout.write(TRUST_HELP), EXIT.ok;
    const dir = requiredString(values, 'out');
    const type = optionalString(values, 'type') ?? 'ed25519';
    if (!(TUF_KEY_TYPES as readonly string[]).includes(type)) throw usage(`--type must be one of ${TUF_KEY_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
    const keys = await generateRoleKeys(dir, type as TufKeyType);
    if (values.json) printJson(io, { keys });
    else printFields(io, keys.map((k) => [k.role, `${k.file} (key ID ${k.keyId})`]));
    return EXIT.ok;
  }
  if (verb === 'update') {
    const { values } = parseFlags(rest, { help: { type: 'boolean', short: 'h' }, config: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) return io.stdout.write(TRUST_HELP), EXIT.ok;
    const configPath = requiredString(values, 'config');
    const outDir = requiredString(values, 'out');
    const { result } = await updateFromConfig(configPath, outDir, io);
    if (values.json) printJson(io, { repository: outDir, ...result });
    else {
      printFields(io, [
        ['repository', outDir],
        ['changed', result.changed.length === 0 ? 'nothing (up to date)' : result.changed.join(', ')],
        ...Object.entries(result.roles).map(([role, s]): [string, string] => [role, `version ${s.version}, expires ${s.expires}`]),
      ]);
    }
    return EXIT.ok;
  }
  throw usage(`unknown command "trust ${verb}"; see sigstack trust --help`);
}
