import type { Output } from '../io.js';

/**
 * A one-line catch-up progress indicator, redrawn in place at most every 250 ms. Only for
 * terminals: the monitor creates one only when stderr is a TTY.
 */
export class Progress {
  readonly #out: Output;
  readonly #now: () => number;
  readonly #total: number;
  readonly #started: number;
  #last = 0;

  constructor(out: Output, now: () => number, total: number) {
    this.#out = out;
    this.#now = now;
    this.#total = total;
    this.#started = now();
  }

  update(done: number): void {
    const now = this.#now();
    if (now - this.#last < 250 && done < this.#total) return;
    this.#last = now;
    const seconds = Math.max((now - this.#started) / 1000, 0.001);
    const rate = done / seconds;
    const eta = rate > 0 ? Math.ceil((this.#total - done) / rate) : 0;
    const pct = this.#total === 0 ? 100 : Math.floor((100 * done) / this.#total);
    this.#out.write(`\r\x1b[Kcatching up: ${done.toLocaleString('en')}/${this.#total.toLocaleString('en')} entries (${pct}%), ${Math.round(rate).toLocaleString('en')}/s, ${eta} s left`);
  }

  finish(): void {
    this.#out.write('\r\x1b[K');
  }
}
