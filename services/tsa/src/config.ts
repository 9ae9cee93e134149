import { boolean, integer, loadConfig as loadSchema, logLevel, oneOf, text } from '@sigstack/service-kit';
import type { ConfigOf, ConfigSources, Field, Parser } from '@sigstack/service-kit';
import { SIGNER_BACKEND_NAMES } from '@sigstack/service-kit';
import { parseOidText, MAX_OID_ARCS } from './timestamp/oid.js';

export { ConfigError } from '@sigstack/service-kit';

/** Sigstore's timestamp policy (sigstore/timestamp-authority `--default-policy-oid`). */
export const SIGSTORE_TSA_POLICY = '1.3.6.1.4.1.57264.2';

const oid: Parser<string> = (raw, name) => parseOidText(text(raw, name), name);

/** OIDs from a JSON array or a comma-separated string; empty means "none besides policyOid". */
const oidList: Parser<string[]> = (raw, name) => {
  const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
  if (!Array.isArray(items)) throw new Error(`${name}: must be a list of dotted OIDs, got ${JSON.stringify(raw)}`);
  // Each item goes through the same bounded parser as requests: at most 128 arcs.
  return [...new Set(items.map((item) => oid(item, name)))];
};

export const SCHEMA = {
  host: { env: 'TSA_HOST', default: '127.0.0.1', parse: text, description: 'Address to listen on. Use 0.0.0.0 in a container.' },
  port: { env: 'TSA_PORT', default: 3004, parse: integer(0, 65535), description: 'TCP port of the timestamp API (POST /api/v1/timestamp, GET /api/v1/timestamp/certchain).' },
  signer: { env: 'TSA_SIGNER', default: 'file' as (typeof SIGNER_BACKEND_NAMES)[number], parse: oneOf(SIGNER_BACKEND_NAMES), description: 'Where the TSA key lives: `file` (keyFile, keyPasswordFile, certChainFile), `pkcs11` (an HSM: pkcs11Module, pkcs11TokenLabel, pkcs11PinFile, pkcs11KeyLabel, certChainFile) or `ephemeral` (development: a root and a TSA certificate generated on first start and kept in dataDir).' },
  dataDir: { env: 'TSA_DATA_DIR', default: './data/tsa', parse: text, description: 'Directory of the ephemeral signer\'s key (tsa-key.pem) and chain (tsa-chain.pem).' },
  keyFile: { env: 'TSA_KEY_FILE', default: '', parse: text, description: 'File signer: PEM ECDSA private key, PKCS#8 (encrypted when keyPasswordFile is set).' },
  keyPasswordFile: { env: 'TSA_KEY_PASSWORD_FILE', default: '', parse: text, description: 'File signer: file holding the password of the encrypted keyFile.' },
  certChainFile: { env: 'TSA_CERT_CHAIN_FILE', default: '', parse: text, description: 'File and pkcs11 signers: PEM certificate chain, TSA certificate first, root last. The TSA certificate must have the one, critical, extended key usage timeStamping.' },
  pkcs11Module: { env: 'TSA_PKCS11_MODULE', default: '', parse: text, description: 'Pkcs11 signer: path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.' },
  pkcs11TokenLabel: { env: 'TSA_PKCS11_TOKEN_LABEL', default: '', parse: text, description: 'Pkcs11 signer: label of the token holding the TSA key.' },
  pkcs11PinFile: { env: 'TSA_PKCS11_PIN_FILE', default: '', parse: text, description: 'Pkcs11 signer: file holding the user PIN of the token (one trailing newline ignored).' },
  pkcs11KeyLabel: { env: 'TSA_PKCS11_KEY_LABEL', default: '', parse: text, description: 'Pkcs11 signer: label (CKA_LABEL) of the ECDSA private key; certChainFile must certify it.' },
  policyOid: { env: 'TSA_POLICY_OID', default: SIGSTORE_TSA_POLICY, parse: oid, description: 'TSA policy put in tokens whose request names none.' },
  acceptedPolicyOids: { env: 'TSA_ACCEPTED_POLICY_OIDS', default: [] as string[], parse: oidList, description: `Further policies a request may ask for (policyOid is always accepted); other requested policies get 400. At most ${MAX_OID_ARCS} arcs each.` },
  accuracySeconds: { env: 'TSA_ACCURACY_SECONDS', default: 1, parse: integer(0, 3600), description: 'Accuracy stated in tokens; 0 leaves it out. genTime is the clock truncated to whole seconds.' },
  includeChainInResponse: { env: 'TSA_INCLUDE_CHAIN_IN_RESPONSE', default: false, parse: boolean, description: 'When a request asks for certificates, include the whole chain, not only the TSA certificate.' },
  maxRequestBytes: { env: 'TSA_MAX_REQUEST_BYTES', default: 1024 * 1024, parse: integer(1024, 64 * 1024 * 1024), description: 'Largest HTTP request body; larger ones get 413 before they are read whole. Timestamp requests themselves are refused above 4 KiB.' },
  clockMaxJumpMs: { env: 'TSA_CLOCK_MAX_JUMP_MS', default: 1000, parse: integer(10, 3_600_000), description: 'Largest change of the wall clock against the monotonic clock between two checks (once a second and on every request) that is not reported as a clock jump.' },
  clockSettleSeconds: { env: 'TSA_CLOCK_SETTLE_SECONDS', default: 60, parse: integer(0, 86_400), description: 'After a clock jump, how long the clock must run without another jump before it is trusted again.' },
  refuseOnClockFault: { env: 'TSA_REFUSE_ON_CLOCK_FAULT', default: true, parse: boolean, description: 'While the clock is not trusted, answer timestamp requests with 503 (and /healthz with 503). False only reports the fault in /healthz and the log, as upstream does.' },
  logRequests: { env: 'TSA_LOG_REQUESTS', default: false, parse: boolean, description: 'Log every request and response at info level (an access log). Refusals and failures are logged either way.' },
  logLevel: { env: 'TSA_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level.' },
} satisfies Record<string, Field<unknown>>;

export type Config = ConfigOf<typeof SCHEMA>;

/** Defaults < JSON file (`--config FILE` or TSA_CONFIG_FILE) < TSA_* environment variables. */
export function loadConfig(sources: ConfigSources): Config {
  return loadSchema(SCHEMA, 'TSA_CONFIG_FILE', sources);
}
