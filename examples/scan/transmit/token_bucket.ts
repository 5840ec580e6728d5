/**
 * Rate pacing for the transmit Worker: a token bucket that earns `rate`
 * tokens per second of the clock it is given, holds at most `capacity`
 * tokens (the largest burst ever sent at once), and grants whole tokens.
 *
 * Why a bucket and not "sleep 1/rate between packets": sleeps overshoot by
 * tens of microseconds, which at 100 kpps would halve the rate. The bucket
 * measures elapsed time instead, so a late wake-up is paid back by a larger
 * grant — bounded by the capacity. The capacity is five milliseconds of
 * traffic (at least 4 tokens), which absorbs a wake-up late by up to ~5 ms
 * (a busy machine's scheduler) without losing rate, and bounds any burst to
 * 5 ms worth of packets.
 *
 * @module
 */

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Largest number of tokens held (the burst bound). Default {@link defaultCapacity}. */
  capacity?: number;
  /** Clock in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
}

/**
 * The default burst bound for `rate` packets/s: 5 ms of traffic, at least
 * 4 tokens (so a wake-up late by a few intervals loses nothing).
 *
 * @example
 * ```ts
 * import { defaultCapacity } from "./token_bucket.ts";
 * console.log(defaultCapacity(100), defaultCapacity(1e6)); // 4 5000
 * ```
 */
export function defaultCapacity(rate: number): number {
  return Math.max(4, Math.ceil(rate * 0.005));
}

/**
 * A token bucket over a millisecond clock. `rate` may be `Infinity` (no
 * pacing: every request is granted at once).
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./token_bucket.ts";
 * let t = 0;
 * const bucket = new TokenBucket(1000, { now: () => t });
 * t = 10; // 10 ms at 1000 pps: 10 tokens earned, capped at capacity 5
 * console.log(bucket.take(256)); // 5
 * ```
 */
export class TokenBucket {
  /** Tokens earned per second. */
  readonly rate: number;
  /** Largest number of tokens held; no grant is ever larger. */
  readonly capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  /**
   * Starts with one token, so the first packet goes out at once.
   *
   * @param rate tokens per second, > 0 (Infinity for no limit)
   */
  constructor(rate: number, options: TokenBucketOptions = {}) {
    if (!(rate > 0)) {
      throw new RangeError(
        `token bucket: rate must be > 0 packets/s, got ${rate}`,
      );
    }
    this.rate = rate;
    this.capacity = options.capacity ?? defaultCapacity(rate);
    if (!(this.capacity >= 1)) {
      throw new RangeError(
        `token bucket: capacity must be ≥ 1, got ${this.capacity}`,
      );
    }
    this.#perMs = rate / 1000;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = 1;
    this.#last = this.#now();
  }

  /** Adds the tokens earned since the last call, up to the capacity. */
  #refill(): void {
    const now = this.#now();
    const earned = (now - this.#last) * this.#perMs;
    this.#last = now;
    const tokens = this.#tokens + earned;
    this.#tokens = tokens < this.capacity ? tokens : this.capacity;
  }

  /**
   * Grants up to `max` whole tokens now (possibly 0) and spends them.
   *
   * @example
   * ```ts
   * import { TokenBucket } from "./token_bucket.ts";
   * console.log(new TokenBucket(Infinity).take(64)); // 64
   * ```
   */
  take(max: number): number {
    if (this.rate === Infinity) return max;
    this.#refill();
    let grant = Math.floor(this.#tokens);
    if (grant > max) grant = max;
    this.#tokens -= grant;
    return grant;
  }

  /**
   * Milliseconds until `count` tokens are held (0 when they already are);
   * `count` is capped at the capacity.
   *
   * @example
   * ```ts
   * import { TokenBucket } from "./token_bucket.ts";
   * let t = 0;
   * const bucket = new TokenBucket(100, { now: () => t });
   * bucket.take(1);
   * console.log(bucket.delayFor(1)); // 10
   * ```
   */
  delayFor(count: number): number {
    if (this.rate === Infinity) return 0;
    this.#refill();
    const want = count < this.capacity ? count : this.capacity;
    const missing = want - this.#tokens;
    return missing <= 0 ? 0 : missing / this.#perMs;
  }
}
