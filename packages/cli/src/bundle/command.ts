import { parseFlags, optionalString, requiredString } from '../args.js';
import { AuditError, usage } from '../errors.js';
import { EXIT, exitCodeHelp } from '../exit-codes.js';
import { readLocalFile } from '../files.js';
import type { Io } from '../io.js';
import { isoTime, printFields, printJson } from '../output.js';
import { parseBundle, parseTrustedRoot } from './inputs.js';
import { verifyBundle, type IdentityPolicy, type Verdict } from './verify.js';

export const BUNDLE_VERIFY_HELP = `usage: sigstack bundle verify BUNDLE [--artifact FILE] --trusted-root FILE
                              [--identity REGEX | --identity-email E | --identity-uri U] [--issuer I] [--json]

Verifies a Sigstore bundle (JSON, v0.1 to v0.3) fully offline against a protobuf-specs trusted
root: the signature over the artifact (or the DSSE envelope), every transparency log entry (its
body matches the bundle, its inclusion proof leads to a checkpoint signed by the log, its signed
entry timestamp verifies), every RFC 3161 timestamp (over the signature, signed by a timestamp
authority of the trusted root), the leaf certificate's chain to a trusted CA at every verified
time (SET integrated times and timestamp genTimes; at least one is required), an embedded SCT
from a trusted CT log, and the identity policy.

  --artifact FILE        the signed file (required for a message signature; for a DSSE
                         attestation, its sha256 must be one of the statement's subjects)
  --trusted-root FILE    the TrustedRoot JSON (tlogs, ctlogs, certificateAuthorities, and
                         timestampAuthorities for bundles with RFC 3161 timestamps)
  --identity REGEX       a certificate identity (email, uri or username) must match ^(?:REGEX)$
  --identity-email E     the certificate must hold exactly this email
  --identity-uri U       the certificate must hold exactly this uri
  --issuer I             the OIDC issuer extension (.8, else .1) must equal I
  --json                 print the verdict as JSON (also on failure: {"verified":false,...})

exit codes:
${exitCodeHelp()}
`;

/** Bundles and trusted roots are small JSON documents: 16 MiB is far above any real one. */
const MAX_JSON_FILE = 16 * 1024 * 1024;

function describe(v: Verdict): [string, string][] {
  return [
    ['verified', `${v.content === 'dsseEnvelope' ? `dsse envelope (${v.payloadType ?? ''})` : 'signature over the artifact'} with the leaf certificate's key`],
    ['signer', `${v.signer.san} (issuer ${v.signer.issuer ?? 'none'})${v.policy.identity || v.policy.issuer ? '' : ' — NO identity policy given: any signer accepted'}`],
    ['signing time', `${isoTime(v.signingTime)} (the earliest verified time)`],
    ...v.timestamps.map((t): [string, string] => [t.source === 'tlog' ? 'set' : 'timestamp', `${t.time} ${t.source === 'tlog' ? 'integrated in' : 'by'} ${t.by}: verified, certificate valid then`]),
    ['certificate', `chains to ${v.certificateAuthority}, valid at the signing time, code signing`],
    ['sct', v.scts.map((s) => `log ${s.logId.slice(0, 16)}… at ${new Date(s.timestamp).toISOString()}`).join('; ')],
    ...v.tlogEntries.map((e): [string, string] => ['tlog entry', `${e.logIndex} in ${e.logUrl} (${e.kind}): body matches${e.set ? ', SET verified' : ''}${e.inclusion ? `, inclusion proven to root ${e.inclusion.rootHash} of size ${e.inclusion.treeSize}` : ''}`]),
  ];
}

/** `sigstack bundle verify`: reads the three files, verifies, prints the verdict. */
export async function bundleVerify(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    artifact: { type: 'string' },
    'trusted-root': { type: 'string' },
    identity: { type: 'string' },
    'identity-email': { type: 'string' },
    'identity-uri': { type: 'string' },
    issuer: { type: 'string' },
  }, 1);
  if (values.help) return io.stdout.write(BUNDLE_VERIFY_HELP), EXIT.ok;
  const bundlePath = positionals[0];
  if (bundlePath === undefined) throw usage('give the bundle file: sigstack bundle verify BUNDLE');
  const rootPath = requiredString(values, 'trusted-root');
  const policy: IdentityPolicy = {};
  const identity = optionalString(values, 'identity');
  if (identity !== undefined) {
    try {
      new RegExp(identity);
    } catch {
      throw usage(`--identity ${JSON.stringify(identity)} is not a valid regular expression`);
    }
    policy.identity = identity;
  }
  const email = optionalString(values, 'identity-email');
  if (email !== undefined) policy.email = email;
  const uri = optionalString(values, 'identity-uri');
  if (uri !== undefined) policy.uri = uri;
  const issuer = optionalString(values, 'issuer');
  if (issuer !== undefined) policy.issuer = issuer;
  const artifactPath = optionalString(values, 'artifact');
  try {
    const bundle = parseBundle(await readLocalFile(bundlePath, 'bundle', MAX_JSON_FILE));
    const root = parseTrustedRoot(await readLocalFile(rootPath, 'trusted root', MAX_JSON_FILE));
    const artifact = artifactPath === undefined ? undefined : await readLocalFile(artifactPath, 'artifact');
    const verdict = verifyBundle(bundle, root, artifact, policy);
    if (values.json) printJson(io, verdict);
    else printFields(io, describe(verdict));
    return EXIT.ok;
  } catch (err) {
    if (values.json && err instanceof AuditError) printJson(io, { verified: false, exit: EXIT[err.exit], check: err.exit, code: err.code, message: err.message });
    throw err;
  }
}
