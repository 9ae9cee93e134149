import { bytesEqual } from '@sigstack/crypto/encoding';
import { encodeDigitallySigned, sthSignatureInput } from '../ct/structures.js';
import type { StoredSth } from './extra-store.js';
import type { LogKey } from './log-key.js';

/** How many recent tree heads stay in memory (get-sth always wants the newest). */
const KEEP = 4;

/**
 * The RFC 6962 signed tree heads of the log: one per checkpoint the engine commits, signed once
 * right after the commit and never again for that size (so get-sth is stable per tree size).
 *
 * The timestamp of a new head is the largest of the clock, the previous head's timestamp and every
 * SCT timestamp in the batch, so it is never older than an entry it covers and never goes back.
 * A head is stored with the next batch's durable write, or before get-sth first serves it, or at
 * close; after a crash before that it is signed again at start, for the same size and root.
 */
export class TreeHeads {
  readonly #key: LogKey;
  readonly #clock: () => number;
  readonly #recent: StoredSth[] = [];
  #pending: StoredSth | undefined;

  constructor(key: LogKey, clock: () => number) {
    this.#key = key;
    this.#clock = clock;
  }

  /** Signs the head of a newly committed checkpoint; `notBefore` is the largest SCT timestamp it covers. */
  committed(size: number, rootHash: Uint8Array, notBefore: number): StoredSth {
    const previous = this.latest;
    const timestamp = Math.max(this.#clock(), notBefore, previous?.timestamp ?? 0);
    const signature = encodeDigitallySigned(this.#key.sign(sthSignatureInput(timestamp, size, rootHash)));
    const sth = { size, rootHash, timestamp, signature };
    this.#remember(sth);
    this.#pending = sth;
    return sth;
  }

  /** Takes back a head stored earlier (at start), without signing anything. */
  adopt(sth: StoredSth): void {
    this.#remember(sth);
  }

  #remember(sth: StoredSth): void {
    this.#recent.push(sth);
    if (this.#recent.length > KEEP) this.#recent.shift();
  }

  get latest(): StoredSth | undefined {
    return this.#recent[this.#recent.length - 1];
  }

  /** The head signed for exactly this size and root, if it is still in memory. */
  find(size: number, rootHash: Uint8Array): StoredSth | undefined {
    return this.#recent.find((s) => s.size === size && bytesEqual(s.rootHash, rootHash));
  }

  /** The newest head not yet written to storage; the caller writes it durably. */
  takePending(): StoredSth | undefined {
    const sth = this.#pending;
    this.#pending = undefined;
    return sth;
  }

  /** Puts back a head whose write failed, unless a newer one is pending. */
  restorePending(sth: StoredSth | undefined): void {
    if (sth && (this.#pending === undefined || this.#pending.size < sth.size)) this.#pending = sth;
  }
}
