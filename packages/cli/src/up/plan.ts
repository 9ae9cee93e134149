/**
 * The stack `sigstack up` runs: each service's package, URL, data directory and environment, and
 * where the files a client needs end up. Pure: derived from the settings alone, so that the
 * banner, the status file and the processes always agree.
 */
import { join } from 'node:path';
import { SERVICE_NAMES, SERVICE_TITLES, type ServiceName, type UpSettings } from './settings.js';

export type ServiceSpec = {
  readonly name: ServiceName;
  /** For people: "transparency log". */
  readonly title: string;
  /** The workspace package and the bin (in its package.json) that starts it. */
  readonly packageName: string;
  readonly bin: string;
  readonly port: number;
  /** Base URL clients use. */
  readonly url: string;
  /** Variables added to the inherited environment. */
  readonly env: Readonly<Record<string, string>>;
};

/** Files of the running stack that clients and operators need. */
export type StackFiles = {
  readonly logDir: string;
  readonly statusFile: string;
  /** The CA chain (intermediate, root) the dev CA keeps: SIGSTORE_ROOT_FILE for cosign. */
  readonly caChain: string;
  /** The CT log's accepted roots, written by `up` from the CA's chain. */
  readonly ctRoots: string;
  readonly ctPublicKey: string;
  readonly rekorPublicKey: string;
  readonly trustedRoot: string;
  readonly signingConfig: string;
  /** The TUF root clients start from (sigstore-js tufRootPath, cosign initialize --root). */
  readonly tufRoot: string;
  /** A TUF cache tied to this data directory, for the sigstore-js example. */
  readonly tufCache: string;
};

export type StackPlan = {
  readonly settings: UpSettings;
  /** Started together, first. */
  readonly core: readonly ServiceSpec[];
  /** Started once the others are healthy: it collects their keys and chains. */
  readonly trust: ServiceSpec;
  /** Every service's base URL. */
  readonly urls: Readonly<Record<ServiceName, string>>;
  readonly files: StackFiles;
};

/** The stack of one `up` run, every service in dev mode. */
export function stackPlan(settings: UpSettings): StackPlan {
  const { host, ports, dataDir } = settings;
  const url = (name: ServiceName) => `http://${settings.urlHost}:${ports[name]}`;
  const dir = (name: string) => join(dataDir, name);
  const trustDir = dir('trust');
  const repository = join(trustDir, 'repository');
  const files: StackFiles = {
    logDir: dir('logs'),
    statusFile: join(dataDir, 'up.json'),
    caChain: join(dir('fulcio'), 'ca-chain.pem'),
    ctRoots: join(dir('ctlog'), 'roots.pem'),
    ctPublicKey: join(dir('ctlog'), 'log-public-key.pem'),
    rekorPublicKey: join(dir('rekor'), 'log-public-key.pem'),
    trustedRoot: join(repository, 'trusted_root.json'),
    signingConfig: join(repository, 'signing_config.json'),
    tufRoot: join(repository, '1.root.json'),
    tufCache: dir('tuf-cache'),
  };
  const spec = (name: ServiceName, packageName: string, bin: string, env: Record<string, string>): ServiceSpec => ({
    name,
    title: SERVICE_TITLES[name],
    packageName,
    bin,
    port: ports[name],
    url: url(name),
    env,
  });
  const core = [
    spec('oidc', '@sigstack/testkit', 'sigstack-dev-oidc', {
      DEV_OIDC_HOST: host,
      DEV_OIDC_PORT: String(ports.oidc),
      DEV_OIDC_ISSUER: url('oidc'),
    }),
    spec('ctlog', '@sigstack/ctlog', 'sigstack-ctlog', {
      CTLOG_DEV_MODE: 'true',
      CTLOG_HOST: host,
      CTLOG_PORT: String(ports.ctlog),
      CTLOG_PUBLIC_URL: url('ctlog'),
      CTLOG_DATA_DIR: dir('ctlog'),
      CTLOG_ROOTS_FILE: files.ctRoots,
    }),
    spec('fulcio', '@sigstack/fulcio', 'sigstack-fulcio', {
      FULCIO_DEV_MODE: 'true',
      FULCIO_CA_BACKEND: 'ephemeral',
      FULCIO_HOST: host,
      FULCIO_PORT: String(ports.fulcio),
      FULCIO_DATA_DIR: dir('fulcio'),
      FULCIO_DEV_ISSUER_URL: url('oidc'),
      FULCIO_CT_LOG_URL: url('ctlog'),
    }),
    spec('rekor', '@sigstack/rekor', 'sigstack-rekor', {
      REKOR_DEV_MODE: 'true',
      REKOR_HOST: host,
      REKOR_PORT: String(ports.rekor),
      REKOR_PUBLIC_URL: url('rekor'),
      REKOR_DATA_DIR: dir('rekor'),
    }),
    spec('tsa', '@sigstack/tsa', 'sigstack-tsa', {
      TSA_SIGNER: 'ephemeral',
      TSA_HOST: host,
      TSA_PORT: String(ports.tsa),
      TSA_DATA_DIR: dir('tsa'),
    }),
  ];
  const trust = spec('trust', '@sigstack/trust-service', 'sigstack-trust', {
    TRUST_DEV_MODE: 'true',
    TRUST_HOST: host,
    TRUST_PORT: String(ports.trust),
    TRUST_DATA_DIR: trustDir,
    TRUST_PUBLIC_URL: url('trust'),
    TRUST_FULCIO_URL: url('fulcio'),
    TRUST_REKOR_URL: url('rekor'),
    TRUST_CTLOG_URL: url('ctlog'),
    TRUST_TSA_URL: url('tsa'),
    TRUST_OIDC_URL: url('oidc'),
    TRUST_CTLOG_PUBLIC_KEY_FILE: files.ctPublicKey,
  });
  const urls = Object.fromEntries(SERVICE_NAMES.map((name) => [name, url(name)])) as Record<ServiceName, string>;
  return { settings, core, trust, urls, files };
}
