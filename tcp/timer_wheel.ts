/**
 * A hashed timer wheel with one timer per connection slot.
 *
 * Each slot can have one pending deadline. Timers hang off `buckets` lists
 * (intrusive, doubly linked through typed arrays), bucket = deadline tick
 * modulo the wheel size, tick = the first tick boundary at or after the
 * deadline (so timers fire up to one tick late, never early); a deadline
 * beyond one turn stays in its bucket until the turn it is due (its exact
 * time is kept). `schedule`,
 * `cancel` and `advance` are O(1) per timer and allocate nothing, which is
 * what 10,000+ concurrent connections with timeouts need.
 *
 * @module
 */

const NONE = -1;

/**
 * One timer per slot `0..capacity-1`, fired by {@linkcode TimerWheel.advance}.
 *
 * @example
 * ```ts
 * import { TimerWheel } from "./mod.ts";
 * const wheel = new TimerWheel(16, { tickMs: 10, buckets: 64, now: 0 });
 * wheel.schedule(3, 25);
 * const fired: number[] = [];
 * wheel.advance(20, (slot) => fired.push(slot)); // nothing yet
 * wheel.advance(30, (slot) => fired.push(slot)); // fired is [3]
 * ```
 */
export class TimerWheel {
  /** Milliseconds per tick. */
  readonly tickMs: number;
  readonly #head: Int32Array;
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  /** Bucket a slot is linked into, or NONE. */
  readonly #bucket: Int32Array;
  readonly #due: Float64Array;
  readonly #bucketMask: number;
  /** Last tick whose bucket was swept. */
  #tick: number;
  #pending = 0;

  /**
   * Allocates the wheel for `capacity` slots.
   *
   * @param capacity Slots (connection numbers) `0..capacity-1`.
   * @param options `tickMs` resolution (default 10), `buckets` (a power of
   *   two, default 1024), `now` the starting time in ms (default 0).
   *
   * @example
   * ```ts
   * import { TimerWheel } from "./mod.ts";
   * const wheel = new TimerWheel(10_000, { tickMs: 50, now: performance.now() });
   * ```
   */
  constructor(
    capacity: number,
    options: { tickMs?: number; buckets?: number; now?: number } = {},
  ) {
    const { tickMs = 10, buckets = 1024, now = 0 } = options;
    if (buckets < 1 || (buckets & (buckets - 1)) !== 0) {
      throw new RangeError(
        `TimerWheel: buckets must be a power of two, got ${buckets}`,
      );
    }
    if (!(tickMs > 0)) {
      throw new RangeError(`TimerWheel: tickMs must be > 0, got ${tickMs}`);
    }
    this.tickMs = tickMs;
    this.#head = new Int32Array(buckets).fill(NONE);
    this.#next = new Int32Array(capacity).fill(NONE);
    this.#prev = new Int32Array(capacity).fill(NONE);
    this.#bucket = new Int32Array(capacity).fill(NONE);
    this.#due = new Float64Array(capacity);
    this.#bucketMask = buckets - 1;
    this.#tick = Math.floor(now / tickMs);
  }

  /**
   * Timers pending.
   *
   * @example
   * ```ts
   * import { TimerWheel } from "./mod.ts";
   * new TimerWheel(4).pending; // 0
   * ```
   */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Sets (or moves) `slot`'s timer to fire at `atMs`. A time already past
   * fires on the next `advance`.
   *
   * @example
   * ```ts
   * import { TimerWheel } from "./mod.ts";
   * const wheel = new TimerWheel(4);
   * wheel.schedule(0, 1000);
   * wheel.schedule(0, 2000); // moved, still one timer
   * wheel.pending; // 1
   * ```
   */
  schedule(slot: number, atMs: number): void {
    if (this.#bucket[slot] !== NONE) this.#unlink(slot);
    // The first tick boundary at or after atMs: when the sweep reaches that
    // tick, now ≥ atMs, so a bucket is swept once per turn and never early.
    // Never into a bucket already swept this turn: at least the next tick.
    const tick = Math.max(Math.ceil(atMs / this.tickMs), this.#tick + 1);
    const bucket = tick & this.#bucketMask;
    this.#due[slot] = atMs;
    this.#bucket[slot] = bucket;
    const head = this.#head[bucket];
    this.#next[slot] = head;
    this.#prev[slot] = NONE;
    if (head !== NONE) this.#prev[head] = slot;
    this.#head[bucket] = slot;
    this.#pending++;
  }

  /**
   * Removes `slot`'s timer, if any.
   *
   * @example
   * ```ts
   * import { TimerWheel } from "./mod.ts";
   * const wheel = new TimerWheel(4);
   * wheel.schedule(1, 50);
   * wheel.cancel(1);
   * wheel.pending; // 0
   * ```
   */
  cancel(slot: number): void {
    if (this.#bucket[slot] !== NONE) this.#unlink(slot);
  }

  /**
   * When `slot`'s timer fires (ms), or -1 when none is set.
   *
   * @example
   * ```ts
   * import { TimerWheel } from "./mod.ts";
   * const wheel = new TimerWheel(4);
   * wheel.schedule(2, 75);
   * wheel.dueAt(2); // 75
   * ```
   */
  dueAt(slot: number): number {
    return this.#bucket[slot] === NONE ? -1 : this.#due[slot];
  }

  #unlink(slot: number): void {
    const next = this.#next[slot];
    const prev = this.#prev[slot];
    if (prev !== NONE) this.#next[prev] = next;
    else this.#head[this.#bucket[slot]] = next;
    if (next !== NONE) this.#prev[next] = prev;
    this.#bucket[slot] = NONE;
    this.#pending--;
  }

  /**
   * Fires every timer due at or before `nowMs`, in bucket order, calling
   * `fire(slot)` after unlinking it (so `fire` may schedule it again).
   * Returns how many fired.
   *
   * @example
   * ```ts
   * import { TimerWheel } from "./mod.ts";
   * const wheel = new TimerWheel(4, { tickMs: 1 });
   * wheel.schedule(0, 5);
   * wheel.advance(10, (slot) => console.log("timeout", slot)); // 1
   * ```
   */
  advance(nowMs: number, fire: (slot: number) => void): number {
    const nowTick = Math.floor(nowMs / this.tickMs);
    if (nowTick <= this.#tick) return 0;
    // A jump longer than one turn visits each bucket once.
    const buckets = this.#bucketMask + 1;
    const from = Math.max(this.#tick + 1, nowTick - buckets + 1);
    this.#tick = nowTick;
    let fired = 0;
    for (let t = from; t <= nowTick; t++) {
      let slot = this.#head[t & this.#bucketMask];
      while (slot !== NONE) {
        const next = this.#next[slot];
        if (this.#due[slot] <= nowMs) {
          this.#unlink(slot);
          fired++;
          fire(slot);
        }
        slot = next;
      }
    }
    return fired;
  }
}
