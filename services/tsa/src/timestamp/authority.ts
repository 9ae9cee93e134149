import { certificatesToPem, type x509 } from '@sigstack/crypto/x509';
import type { CertifiedSigner } from '@sigstack/service-kit';
import type { ClockMonitor, ClockStatus } from '../clock/clock-monitor.js';
import { TsaError } from '../errors.js';
import type { TimestampRequest } from './request.js';
import { TokenIssuer } from './token.js';

export type AuthorityOptions = {
  /** Checked by openSigner and checkTsaChain. */
  certified: CertifiedSigner;
  /** Default policy, dotted. */
  policy: string;
  /** Further policies a request may name. */
  acceptedPolicies: readonly string[];
  accuracySeconds: number;
  includeChain: boolean;
  clock: ClockMonitor;
  /** While the clock is untrusted: refuse (true) or issue anyway and only report (false). */
  refuseOnClockFault: boolean;
  /** `n` cryptographically random bytes, for serial numbers. */
  randomBytes: (n: number) => Uint8Array;
};

export type AuthorityHealth = {
  readonly serving: boolean;
  readonly clock: ClockStatus;
  /** Why tokens are refused, when they are. */
  readonly problem?: string;
};

/** Serial numbers are 160 random bits with the top bit clear: positive, unique with overwhelming probability. */
const SERIAL_BYTES = 20;

/**
 * The timestamp authority: checks a parsed request against its policy and its clock, and issues the
 * token. Safe for concurrent use.
 */
export class TimestampAuthority {
  readonly #options: AuthorityOptions;
  readonly #issuer: TokenIssuer;
  readonly #accepted: ReadonlySet<string>;
  readonly #leaf: x509.X509Certificate;
  /** GET /api/v1/timestamp/certchain: the chain, TSA certificate first. */
  readonly certChainPem: string;

  constructor(options: AuthorityOptions) {
    this.#options = options;
    this.#issuer = new TokenIssuer(options.certified, { accuracySeconds: options.accuracySeconds, includeChain: options.includeChain });
    this.#accepted = new Set([options.policy, ...options.acceptedPolicies]);
    this.#leaf = options.certified.chain[0] as x509.X509Certificate;
    this.certChainPem = certificatesToPem(options.certified.chain);
  }

  /** The clock verdict and whether tokens are issued now. */
  health(): AuthorityHealth {
    const clock = this.#options.clock.read();
    const problem = this.#problem(clock);
    return { serving: problem?.refused !== true, clock, ...(problem ? { problem: problem.message } : {}) };
  }

  /**
   * What is wrong with the time now, if anything. A time outside the certificate's validity is
   * always refused (no verifier would accept the token); a jump only when `refuseOnClockFault`.
   */
  #problem(clock: ClockStatus): { message: string; refused: boolean } | undefined {
    if (clock.now < this.#leaf.notBefore.getTime() || clock.now > this.#leaf.notAfter.getTime()) {
      const validity = `${this.#leaf.notBefore.toISOString()} to ${this.#leaf.notAfter.toISOString()}`;
      return { message: `the clock (${new Date(clock.now).toISOString()}) is outside the TSA certificate's validity (${validity})`, refused: true };
    }
    if (!clock.trusted) {
      return { message: `the wall clock jumped by ${Math.round(clock.lastJump?.byMs ?? 0)} ms; waiting for it to settle`, refused: this.#options.refuseOnClockFault };
    }
    return undefined;
  }

  /**
   * Issues a token for `request`: a DER TimeStampResp. Throws ERR_POLICY_UNACCEPTED for a policy
   * this TSA does not issue under, and ERR_CLOCK_UNTRUSTED while the clock is untrusted or outside
   * the TSA certificate's validity (a jump only when `refuseOnClockFault`).
   */
  async timestamp(request: TimestampRequest): Promise<Uint8Array> {
    const policy = request.policy ?? this.#options.policy;
    if (!this.#accepted.has(policy)) throw new TsaError('ERR_POLICY_UNACCEPTED', `policy ${policy.slice(0, 64)} is not accepted by this TSA`);
    const clock = this.#options.clock.read();
    const problem = this.#problem(clock);
    if (problem?.refused === true) throw new TsaError('ERR_CLOCK_UNTRUSTED', `cannot issue a timestamp: ${problem.message}`);
    const serialNumber = this.#options.randomBytes(SERIAL_BYTES);
    serialNumber[0] = ((serialNumber[0] as number) & 0x7f) | 0x01;
    return this.#issuer.issue({ request, policy, genTime: new Date(Math.floor(clock.now / 1000) * 1000), serialNumber });
  }
}
