/**
 * Which probe goes out when, with retries: a bijection between the probe
 * number `p` (0 ≤ p < length × (retries + 1)) and the pair (shard-local
 * target number `n`, round `r`). The probe number is the scan's resume
 * index: probes `[0, p)` were sent, `[p, total)` were not — so a resumed run
 * that starts at `p` sends every remaining probe once and nothing twice.
 *
 * Why windows: retries exist to recover lost packets, so the copies of one
 * probe should be spread out in time rather than sent back to back (and
 * masscan's loop, which nested a retry loop inside another, sent
 * (N+1)² copies: issue #599). Targets are taken in windows of `window`
 * consecutive target numbers; each window is sent `retries + 1` times in
 * rounds before the next window starts. With the default window of 2^18
 * targets, copies are 2.6 s apart at 100 kpps, and every target gets
 * exactly `retries + 1` probes.
 *
 * The mapping depends only on (length, retries, window), never on the rate,
 * so a scan may be resumed at another rate.
 *
 * @module
 */

/** Default retry window: targets per window (see the module docs). */
export const DEFAULT_RETRY_WINDOW = 1 << 18;

/**
 * The probe order of a shard with retries. {@link ProbeSchedule.locate}
 * fills `n`, `round` and `run` without allocating.
 *
 * @example
 * ```ts
 * import { ProbeSchedule } from "./probe_schedule.ts";
 * const s = new ProbeSchedule(3, 1, 2); // 3 targets, 1 retry, windows of 2
 * const order = [];
 * for (let p = 0; p < s.total; p++) { s.locate(p); order.push(`${s.n}/${s.round}`); }
 * console.log(order.join(" ")); // 0/0 1/0 0/1 1/1 2/0 2/1
 * ```
 */
export class ProbeSchedule {
  /** Targets in the shard. */
  readonly length: number;
  /** Extra copies of each probe. */
  readonly retries: number;
  /** Targets per window. */
  readonly window: number;
  /** Probes in the whole schedule: length × (retries + 1). */
  readonly total: number;
  /** After {@link ProbeSchedule.locate}: the target number. */
  n = 0;
  /** After {@link ProbeSchedule.locate}: the round (0 = first copy). */
  round = 0;
  /** After {@link ProbeSchedule.locate}: probes from `p` on with consecutive target numbers in this round. */
  run = 0;
  readonly #perWindow: number;

  /**
   * @param length targets in the shard (≥ 0)
   * @param retries extra copies per target (≥ 0)
   * @param window targets per window (≥ 1)
   */
  constructor(
    length: number,
    retries: number,
    window: number = DEFAULT_RETRY_WINDOW,
  ) {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`probe schedule: bad target count ${length}`);
    }
    if (!Number.isInteger(retries) || retries < 0 || retries > 1000) {
      throw new RangeError(
        `probe schedule: retries must be an integer in 0..1000, got ${retries}`,
      );
    }
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(
        `probe schedule: window must be a positive integer, got ${window}`,
      );
    }
    this.length = length;
    this.retries = retries;
    this.window = window;
    this.total = length * (retries + 1);
    if (!Number.isSafeInteger(this.total)) {
      throw new RangeError(
        `probe schedule: ${length} targets × ${
          retries + 1
        } probes exceeds 2^53`,
      );
    }
    this.#perWindow = window * (retries + 1);
  }

  /** Sets `n`, `round` and `run` for probe `p` (0 ≤ p < total). */
  locate(p: number): void {
    const block = Math.floor(p / this.#perWindow);
    const within = p - block * this.#perWindow;
    const first = block * this.window;
    const size = Math.min(this.window, this.length - first);
    const round = Math.floor(within / size);
    const k = within - round * size;
    this.n = first + k;
    this.round = round;
    this.run = size - k;
  }
}
