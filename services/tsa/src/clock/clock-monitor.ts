/**
 * The TSA's clock and its sanity check. A timestamp authority sells time, so a wall clock that
 * jumps (an NTP step, a VM resumed after a pause, an operator's `date -s`) must be noticed: between
 * two readings, the wall clock must advance by the same amount as the monotonic clock, within a
 * bound. After a jump the clock is untrusted until it has run for a settling period without another
 * one. This cannot tell a right clock from a wrong one (that needs outside time sources, which
 * upstream polls over NTP); it catches the changes that make tokens disagree with each other.
 */

/** Time as the service reads it; injected so that tests control both clocks. */
export type Clock = {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Milliseconds of a clock that never jumps and never runs backwards (origin arbitrary). */
  monotonic(): number;
};

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

export type ClockJump = {
  /** Wall time at which the jump was seen, ms. */
  readonly at: number;
  /** How far the wall clock moved against the monotonic clock, ms; negative: backwards. */
  readonly byMs: number;
};

export type ClockStatus = {
  readonly trusted: boolean;
  /** The wall time of this reading, ms. */
  readonly now: number;
  readonly lastJump?: ClockJump;
};

export type ClockEvent = { readonly kind: 'jump'; readonly jump: ClockJump } | { readonly kind: 'settled'; readonly at: number };

export type ClockMonitorOptions = {
  /** Largest difference between wall and monotonic progress between two readings that is not a jump. */
  readonly maxJumpMs: number;
  /** Monotonic time without a jump after which the clock is trusted again. */
  readonly settleMs: number;
};

/**
 * Reads the clock and keeps the verdict. `read` is cheap (two clock reads); call it for every token
 * and periodically, so that a jump while idle is reported too. Not safe for concurrent use from
 * several threads; a Node process calls it from one.
 */
export class ClockMonitor {
  readonly #clock: Clock;
  readonly #options: ClockMonitorOptions;
  readonly #onEvent: (event: ClockEvent) => void;
  /** wall − monotonic at the previous reading. */
  #offset: number;
  #trusted = true;
  /** Monotonic time from which the clock is trusted again. */
  #settledAt = 0;
  #lastJump: ClockJump | undefined;

  constructor(clock: Clock, options: ClockMonitorOptions, onEvent: (event: ClockEvent) => void = () => {}) {
    this.#clock = clock;
    this.#options = options;
    this.#onEvent = onEvent;
    this.#offset = clock.now() - clock.monotonic();
  }

  /** Reads both clocks, updates the verdict (reporting changes through `onEvent`) and returns it. */
  read(): ClockStatus {
    const mono = this.#clock.monotonic();
    const now = this.#clock.now();
    const offset = now - mono;
    const byMs = offset - this.#offset;
    this.#offset = offset;
    if (Math.abs(byMs) > this.#options.maxJumpMs) {
      this.#lastJump = { at: now, byMs };
      this.#trusted = false;
      this.#settledAt = mono + this.#options.settleMs;
      this.#onEvent({ kind: 'jump', jump: this.#lastJump });
    } else if (!this.#trusted && mono >= this.#settledAt) {
      this.#trusted = true;
      this.#onEvent({ kind: 'settled', at: now });
    }
    return { trusted: this.#trusted, now, ...(this.#lastJump ? { lastJump: this.#lastJump } : {}) };
  }
}
