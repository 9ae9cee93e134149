import { readFileSync } from 'node:fs';
import { openCertificateAuthority } from './ca/index.js';
import type { CABackendConfig } from './ca/index.js';
import { createIdentityService, issuerConfig, parseIssuerConfig } from './identity/index.js';
import type { IssuerConfig } from './identity/index.js';
import { CertificateIssuer } from './issuance/issuer.js';
import type { CtSubmitter } from './issuance/issuer.js';
import { httpCtSubmitter } from './ct-client.js';
import type { Config } from './config.js';
import { ConfigError } from './config.js';

export type OpenOptions = {
  clock?: () => number;
  random?: (size: number) => Uint8Array;
  /** Injected in tests; defaults to the global fetch (identity providers). */
  fetch?: typeof fetch;
  /** Injected in tests; defaults to the HTTP client of `config.ctLogUrl`. */
  ct?: CtSubmitter;
};

/** The issuers: the configured file, plus the dev issuer in dev mode; none outside dev mode is refused. */
export function loadIssuers(config: Config): IssuerConfig {
  const fromFile = config.issuerConfigFile === '' ? undefined : parseIssuerConfig(readFileSync(config.issuerConfigFile), { source: config.issuerConfigFile });
  if (!config.devMode) {
    if (!fromFile || Object.keys(fromFile.oidcIssuers).length + Object.keys(fromFile.metaIssuers).length === 0) {
      throw new ConfigError(['issuerConfigFile: at least one OIDC issuer is required outside dev mode']);
    }
    return fromFile;
  }
  return issuerConfig({
    oidcIssuers: { ...fromFile?.oidcIssuers, [config.devIssuerUrl]: { issuerUrl: config.devIssuerUrl, clientId: 'sigstore', type: 'email', description: 'sigstack dev issuer (dev mode only)' } },
    metaIssuers: fromFile?.metaIssuers,
    ciIssuerMetadata: fromFile?.ciIssuerMetadata,
  });
}

/**
 * Issuers fetched at another URL than their `iss`: the dev issuer with devIssuerFetchUrl, in dev mode
 * only (outside dev mode the setting is refused: there is no dev issuer to fetch).
 */
export function issuerFetchUrls(config: Config): Record<string, string> {
  if (config.devIssuerFetchUrl === '') return {};
  if (!config.devMode) throw new ConfigError(['devIssuerFetchUrl: only used in dev mode, where the dev issuer is trusted; leave it empty']);
  return { [config.devIssuerUrl]: config.devIssuerFetchUrl };
}

function caBackendConfig(config: Config): CABackendConfig {
  if (config.caBackend === 'ephemeral') {
    if (!config.devMode) throw new ConfigError(['caBackend: the ephemeral CA is for dev mode only; use file']);
    return { type: 'ephemeral', dir: config.dataDir };
  }
  const required = config.caBackend === 'file'
    ? (['caKeyFile', 'caKeyPasswordFile', 'caChainFile'] as const)
    : (['pkcs11Module', 'pkcs11TokenLabel', 'pkcs11PinFile', 'pkcs11KeyLabel', 'caChainFile'] as const);
  const missing = required.filter((k) => config[k] === '');
  if (missing.length > 0) throw new ConfigError(missing.map((k) => `${k}: required by the ${config.caBackend} CA backend`));
  if (config.caBackend === 'pkcs11') {
    return { type: 'pkcs11', module: config.pkcs11Module, tokenLabel: config.pkcs11TokenLabel, pinFile: config.pkcs11PinFile, keyLabel: config.pkcs11KeyLabel, chainFile: config.caChainFile };
  }
  return { type: 'file', keyFile: config.caKeyFile, passwordFile: config.caKeyPasswordFile, chainFile: config.caChainFile };
}

/**
 * Opens the CA, the identity service and the CT client described by `config`; `close` releases the
 * CA key and the connections to the CT log.
 */
export async function openFulcio(config: Config, options: OpenOptions = {}) {
  const issuers = loadIssuers(config);
  // Before the CA opens: a bad issuer setting fails here with nothing to release.
  const identity = createIdentityService({ config: issuers, clock: options.clock, fetch: options.fetch, fetchUrls: issuerFetchUrls(config) });
  const ca = await openCertificateAuthority(caBackendConfig(config), { clock: options.clock, random: options.random });
  const http = options.ct === undefined ? httpCtSubmitter(config.ctLogUrl, config.ctTimeoutMs) : undefined;
  const ct = options.ct ?? (http as CtSubmitter);
  const close = async (): Promise<void> => {
    http?.close();
    await ca.close();
  };
  return { issuer: new CertificateIssuer({ identity, ca, ct }), issuers, ca, identity, close };
}
