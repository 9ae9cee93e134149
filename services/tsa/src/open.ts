import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { openSigner } from '@sigstack/service-kit';
import type { CertifiedSigner, SignerSettings } from '@sigstack/service-kit';
import { ClockMonitor, systemClock, type Clock, type ClockEvent } from './clock/clock-monitor.js';
import type { Config } from './config.js';
import { TimestampAuthority } from './timestamp/authority.js';
import { checkTsaChain, tsaLeafExtensions } from './timestamp/tsa-certificate.js';

export type OpenOptions = {
  clock?: Clock;
  randomBytes?: (n: number) => Uint8Array;
  /** Told about clock jumps and recoveries (main.ts logs them). */
  onClockEvent?: (event: ClockEvent) => void;
};

export type OpenedAuthority = {
  authority: TimestampAuthority;
  clock: ClockMonitor;
  certified: CertifiedSigner;
};

/** Ten years: the lifetime of the ephemeral TSA certificate (upstream's in-memory one has nine). */
const EPHEMERAL_VALIDITY_DAYS = 3650;

function signerSettings(config: Config): SignerSettings {
  switch (config.signer) {
    case 'ephemeral':
      return {
        backend: 'ephemeral',
        dataDir: config.dataDir,
        name: 'tsa',
        rootSubject: 'CN=sigstack dev TSA root, O=sigstack',
        leafSubject: 'CN=sigstack dev TSA, O=sigstack',
        leafExtensions: tsaLeafExtensions(),
        validityDays: EPHEMERAL_VALIDITY_DAYS,
      };
    case 'file':
      return { backend: 'file', keyFile: config.keyFile, passwordFile: config.keyPasswordFile, chainFile: config.certChainFile };
    case 'pkcs11':
      return {
        backend: 'pkcs11',
        module: config.pkcs11Module,
        tokenLabel: config.pkcs11TokenLabel,
        pinFile: config.pkcs11PinFile,
        keyLabel: config.pkcs11KeyLabel,
        chainFile: config.certChainFile,
      };
  }
}

/**
 * Opens the TSA described by `config`: the signer (its chain verified, its key matching the TSA
 * certificate), the TSA certificate policy, and the clock monitor. Throws ConfigError when any of
 * them is unusable; the service must not start then.
 */
export async function openAuthority(config: Config, options: OpenOptions = {}): Promise<OpenedAuthority> {
  const clock = options.clock ?? systemClock;
  const randomBytes = options.randomBytes ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));
  const certified = await openSigner(signerSettings(config), { now: () => clock.now(), randomBytes });
  try {
    checkTsaChain(certified);
  } catch (err) {
    await certified.signer.close();
    throw err;
  }
  const monitor = new ClockMonitor(clock, { maxJumpMs: config.clockMaxJumpMs, settleMs: config.clockSettleSeconds * 1000 }, options.onClockEvent);
  const authority = new TimestampAuthority({
    certified,
    policy: config.policyOid,
    acceptedPolicies: config.acceptedPolicyOids,
    accuracySeconds: config.accuracySeconds,
    includeChain: config.includeChainInResponse,
    clock: monitor,
    refuseOnClockFault: config.refuseOnClockFault,
    randomBytes,
  });
  return { authority, clock: monitor, certified };
}
