/**
 * A single-producer single-consumer ring of fixed-size slots over a
 * `SharedArrayBuffer`, for passing frames or records between the main thread
 * and Workers without locks, copies through `postMessage`, or allocation.
 *
 * @module
 */

/** Options for {@linkcode SpscRing.create}. */
export interface SpscRingOptions {
  /** Number of slots; must be a power of two (mask arithmetic instead of `%`). */
  capacity: number;
  /** Bytes per slot; the largest record the ring can carry. */
  slotSize: number;
}

/** Thrown when a ring is created or attached with an invalid layout. */
export class SpscRingLayoutError extends Error {
  /**
   * Creates the error with a message saying what is wrong.
   *
   * @example
   * ```ts
   * import { SpscRingLayoutError } from "@zon/net/ring";
   * const err = new SpscRingLayoutError("capacity must be a power of two");
   * console.log(err.name); // "SpscRingLayoutError"
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "SpscRingLayoutError";
  }
}

// Header layout, in Int32 words. The producer-written and consumer-written
// words sit on separate 64-byte cache lines so the two threads do not
// invalidate each other's line on every commit (false sharing).
const HEAD = 0; // producer: records committed (wrapping int32 counter)
const DATA_EPOCH = 1; // bumped when a waiting consumer must wake
const PRODUCER_WAITING = 2;
const TAIL = 16; // consumer: records released (wrapping int32 counter)
const SPACE_EPOCH = 17; // bumped when a waiting producer must wake
const CONSUMER_WAITING = 18;
const CLOSED = 32;
const MAGIC = 48;
const CAPACITY = 49;
const SLOT_SIZE = 50;
const HEADER_BYTES = 256;
const MAGIC_VALUE = 0x5a4f4e52; // "ZONR"

/** Spins before falling back to `Atomics.wait`; long enough to cover a short producer burst. */
const DEFAULT_SPINS = 2000;

/**
 * `Atomics.waitAsync` plus a timer: Deno does not count a pending waitAsync as
 * work, so without the timer an otherwise idle event loop (a Worker waiting
 * only for the ring) would exit, or never deliver a same-thread notify.
 */
async function waitAsync(
  ctl: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
): Promise<void> {
  const r = Atomics.waitAsync(ctl, index, value, timeoutMs);
  if (!r.async) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const keepAlive = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.min(timeoutMs, 2 ** 31 - 1));
  });
  try {
    await Promise.race([r.value, keepAlive]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A lock-free single-producer single-consumer ring of fixed-size slots.
 *
 * One thread produces (reserve → write → commit), one thread consumes
 * (peek → read → release). Both sides work in batches: one atomic store
 * publishes any number of records. Each slot also carries a length so that
 * variable-size frames can travel in fixed-size slots.
 *
 * Waiting is spin-then-`Atomics.wait` ({@linkcode SpscRing.waitForData}) or
 * `Atomics.waitAsync` ({@linkcode SpscRing.waitForDataAsync}) for threads that
 * must keep their event loop running. Notifications are only sent when the
 * other side announced it is sleeping, so the fast path has no syscalls.
 *
 * @example Passing records to a Worker
 * ```ts
 * import { SpscRing } from "@zon/net/ring";
 * const ring = SpscRing.create({ capacity: 1024, slotSize: 64 });
 * // new Worker(...).postMessage(ring.buffer); the Worker calls new SpscRing(buffer)
 * const n = ring.reserve(8);
 * for (let i = 0; i < n; i++) {
 *   ring.bytes[ring.writeOffset(i)] = i;
 *   ring.setWriteLength(i, 1);
 * }
 * ring.commit(n);
 * const m = ring.peek(8);
 * console.log(m, ring.bytes[ring.readOffset(3)]); // 8 3
 * ring.release(m);
 * ```
 */
export class SpscRing {
  /** The shared memory; post it to the other thread and attach with `new SpscRing(buffer)`. */
  readonly buffer: SharedArrayBuffer;
  /** Number of slots (a power of two). */
  readonly capacity: number;
  /** Bytes per slot. */
  readonly slotSize: number;
  /** All slot bytes; slot `k` starts at `k * slotSize`. Use the offsets from `writeOffset`/`readOffset`. */
  readonly bytes: Uint8Array;
  /** Per-slot record lengths in bytes. */
  readonly lengths: Uint32Array;
  /** Spin iterations before sleeping in the synchronous waits. */
  spins: number = DEFAULT_SPINS;

  readonly #ctl: Int32Array;
  readonly #mask: number;
  // Each side caches its own counter (only it writes it) and the last value it
  // saw of the other side's counter, so the common case costs one atomic load.
  #head = 0;
  #tail = 0;
  #seenTail = 0;
  #seenHead = 0;

  /**
   * Attaches to a ring's shared memory (created by {@linkcode SpscRing.create},
   * usually in another thread).
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const a = SpscRing.create({ capacity: 8, slotSize: 16 });
   * const b = new SpscRing(a.buffer); // what the Worker does
   * console.log(b.capacity); // 8
   * ```
   */
  constructor(buffer: SharedArrayBuffer) {
    if (
      !(buffer instanceof SharedArrayBuffer) || buffer.byteLength < HEADER_BYTES
    ) {
      throw new SpscRingLayoutError(
        "SpscRing needs the SharedArrayBuffer of a ring made by SpscRing.create",
      );
    }
    const ctl = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    if (Atomics.load(ctl, MAGIC) !== MAGIC_VALUE) {
      throw new SpscRingLayoutError(
        "buffer is not an SpscRing (bad magic); create it with SpscRing.create",
      );
    }
    const capacity = ctl[CAPACITY];
    const slotSize = ctl[SLOT_SIZE];
    if (buffer.byteLength !== SpscRing.byteLengthFor(capacity, slotSize)) {
      throw new SpscRingLayoutError(
        `buffer is ${buffer.byteLength} bytes; a ${capacity} x ${slotSize} ring needs ${
          SpscRing.byteLengthFor(capacity, slotSize)
        }`,
      );
    }
    this.buffer = buffer;
    this.capacity = capacity;
    this.slotSize = slotSize;
    this.#ctl = ctl;
    this.#mask = capacity - 1;
    this.lengths = new Uint32Array(buffer, HEADER_BYTES, capacity);
    this.bytes = new Uint8Array(
      buffer,
      HEADER_BYTES + 4 * capacity,
      capacity * slotSize,
    );
    this.#head = Atomics.load(ctl, HEAD);
    this.#tail = Atomics.load(ctl, TAIL);
    this.#seenHead = this.#head;
    this.#seenTail = this.#tail;
  }

  /**
   * Allocates the shared memory for a ring and attaches to it.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4096, slotSize: 2048 });
   * console.log(ring.free); // 4096
   * ```
   */
  static create(options: SpscRingOptions): SpscRing {
    const { capacity, slotSize } = options;
    if (
      !Number.isInteger(capacity) || capacity < 2 || capacity > 2 ** 30 ||
      (capacity & (capacity - 1)) !== 0
    ) {
      throw new SpscRingLayoutError(
        `capacity must be a power of two in [2, 2^30], got ${capacity}`,
      );
    }
    if (
      !Number.isInteger(slotSize) || slotSize < 1 ||
      capacity * slotSize > 2 ** 31
    ) {
      throw new SpscRingLayoutError(
        `slotSize must be a positive integer with capacity * slotSize <= 2 GiB, got ${slotSize}`,
      );
    }
    const buffer = new SharedArrayBuffer(
      SpscRing.byteLengthFor(capacity, slotSize),
    );
    const ctl = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    ctl[CAPACITY] = capacity;
    ctl[SLOT_SIZE] = slotSize;
    Atomics.store(ctl, MAGIC, MAGIC_VALUE);
    return new SpscRing(buffer);
  }

  /**
   * Bytes of shared memory a ring of this shape uses.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * console.log(SpscRing.byteLengthFor(1024, 64)); // 256 + 4*1024 + 64*1024
   * ```
   */
  static byteLengthFor(capacity: number, slotSize: number): number {
    return HEADER_BYTES + 4 * capacity + capacity * slotSize;
  }

  // ---------------------------------------------------------------- producer

  /**
   * Producer: reserves up to `max` free slots and returns how many (0 when
   * full). Write them through `writeOffset(i)` for `i < n`, then `commit`.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * console.log(ring.reserve(10)); // 4
   * ```
   */
  reserve(max: number): number {
    let free = this.capacity - ((this.#head - this.#seenTail) | 0);
    if (free < max) {
      this.#seenTail = Atomics.load(this.#ctl, TAIL);
      free = this.capacity - ((this.#head - this.#seenTail) | 0);
    }
    return free < max ? free : max;
  }

  /**
   * Producer: byte offset in {@linkcode SpscRing.bytes} of the `i`-th reserved slot.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * ring.reserve(2);
   * console.log(ring.writeOffset(1)); // 8
   * ```
   */
  writeOffset(i: number): number {
    return ((this.#head + i) & this.#mask) * this.slotSize;
  }

  /**
   * Producer: records the length of the `i`-th reserved slot's record.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * ring.reserve(1);
   * ring.setWriteLength(0, 5);
   * ring.commit(1);
   * ring.peek(1);
   * console.log(ring.readLength(0)); // 5
   * ```
   */
  setWriteLength(i: number, length: number): void {
    this.lengths[(this.#head + i) & this.#mask] = length;
  }

  /**
   * Producer: publishes `n` reserved slots to the consumer (one atomic store)
   * and wakes it if it is asleep.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * ring.commit(ring.reserve(3));
   * console.log(ring.size); // 3
   * ```
   */
  commit(n: number): void {
    if (n <= 0) return;
    const head = (this.#head + n) | 0;
    this.#head = head;
    Atomics.store(this.#ctl, HEAD, head);
    // Dekker pattern with the consumer's "store WAITING, then re-check HEAD":
    // both are sequentially consistent, so one of us sees the other.
    if (Atomics.load(this.#ctl, CONSUMER_WAITING) !== 0) {
      Atomics.add(this.#ctl, DATA_EPOCH, 1);
      Atomics.notify(this.#ctl, DATA_EPOCH);
    }
  }

  /**
   * Producer: copies one record into the next slot and commits it; false when
   * the ring is full. Throws `RangeError` when the record exceeds `slotSize`.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 2, slotSize: 8 });
   * console.log(ring.tryPush(new Uint8Array([1, 2]))); // true
   * ```
   */
  tryPush(record: Uint8Array): boolean {
    if (record.length > this.slotSize) {
      throw new RangeError(
        `record of ${record.length} bytes exceeds the ring's slotSize ${this.slotSize}`,
      );
    }
    if (this.reserve(1) === 0) return false;
    const slot = this.#head & this.#mask;
    this.bytes.set(record, slot * this.slotSize);
    this.lengths[slot] = record.length;
    this.commit(1);
    return true;
  }

  /**
   * Producer: marks the stream finished. The consumer drains what is left,
   * then sees {@linkcode SpscRing.drained}; waits on either side return.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 2, slotSize: 8 });
   * ring.close();
   * console.log(ring.closed, ring.drained); // true true
   * ```
   */
  close(): void {
    Atomics.store(this.#ctl, CLOSED, 1);
    Atomics.add(this.#ctl, DATA_EPOCH, 1);
    Atomics.notify(this.#ctl, DATA_EPOCH);
    Atomics.add(this.#ctl, SPACE_EPOCH, 1);
    Atomics.notify(this.#ctl, SPACE_EPOCH);
  }

  /**
   * Producer: blocks until at least `min` slots are free, the ring is closed,
   * or `timeoutMs` passes; spins first, then sleeps in `Atomics.wait`.
   * Returns true when the space is there.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 2, slotSize: 8 });
   * console.log(ring.waitForSpace(1, 0)); // true
   * ```
   */
  waitForSpace(min = 1, timeoutMs = Infinity): boolean {
    const ctl = this.#ctl;
    for (let i = 0; i < this.spins; i++) {
      if (this.reserve(min) >= min) return true;
      if (Atomics.load(ctl, CLOSED) !== 0) return false;
    }
    const deadline = timeoutMs === Infinity
      ? Infinity
      : performance.now() + timeoutMs;
    for (;;) {
      const epoch = Atomics.load(ctl, SPACE_EPOCH);
      Atomics.store(ctl, PRODUCER_WAITING, 1);
      if (this.reserve(min) >= min) break;
      if (Atomics.load(ctl, CLOSED) !== 0) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(ctl, SPACE_EPOCH, epoch, left);
    }
    Atomics.store(ctl, PRODUCER_WAITING, 0);
    return this.reserve(min) >= min;
  }

  /**
   * Producer: like {@linkcode SpscRing.waitForSpace} but with
   * `Atomics.waitAsync`, so the caller's event loop keeps running.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 2, slotSize: 8 });
   * console.log(await ring.waitForSpaceAsync(2, 10)); // true
   * ```
   */
  async waitForSpaceAsync(min = 1, timeoutMs = Infinity): Promise<boolean> {
    const ctl = this.#ctl;
    const deadline = timeoutMs === Infinity
      ? Infinity
      : performance.now() + timeoutMs;
    for (;;) {
      const epoch = Atomics.load(ctl, SPACE_EPOCH);
      Atomics.store(ctl, PRODUCER_WAITING, 1);
      if (this.reserve(min) >= min) break;
      if (Atomics.load(ctl, CLOSED) !== 0) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      await waitAsync(ctl, SPACE_EPOCH, epoch, left);
    }
    Atomics.store(ctl, PRODUCER_WAITING, 0);
    return this.reserve(min) >= min;
  }

  // ---------------------------------------------------------------- consumer

  /**
   * Consumer: returns how many committed records (up to `max`) are ready to
   * read through `readOffset(i)`/`readLength(i)`; 0 when empty.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * console.log(ring.peek(4)); // 0
   * ```
   */
  peek(max: number): number {
    let ready = (this.#seenHead - this.#tail) | 0;
    if (ready < max) {
      this.#seenHead = Atomics.load(this.#ctl, HEAD);
      ready = (this.#seenHead - this.#tail) | 0;
    }
    return ready < max ? ready : max;
  }

  /**
   * Consumer: byte offset in {@linkcode SpscRing.bytes} of the `i`-th ready record.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * ring.commit(ring.reserve(2));
   * ring.peek(2);
   * console.log(ring.readOffset(1)); // 8
   * ```
   */
  readOffset(i: number): number {
    return ((this.#tail + i) & this.#mask) * this.slotSize;
  }

  /**
   * Consumer: length of the `i`-th ready record.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * ring.tryPush(new Uint8Array(3));
   * ring.peek(1);
   * console.log(ring.readLength(0)); // 3
   * ```
   */
  readLength(i: number): number {
    return this.lengths[(this.#tail + i) & this.#mask];
  }

  /**
   * Consumer: returns `n` read records' slots to the producer and wakes it if
   * it is asleep waiting for space.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * ring.commit(ring.reserve(4));
   * ring.release(ring.peek(4));
   * console.log(ring.size); // 0
   * ```
   */
  release(n: number): void {
    if (n <= 0) return;
    const tail = (this.#tail + n) | 0;
    this.#tail = tail;
    Atomics.store(this.#ctl, TAIL, tail);
    if (Atomics.load(this.#ctl, PRODUCER_WAITING) !== 0) {
      Atomics.add(this.#ctl, SPACE_EPOCH, 1);
      Atomics.notify(this.#ctl, SPACE_EPOCH);
    }
  }

  /**
   * Consumer: copies the next record into `into` and releases its slot;
   * returns its length, or -1 when the ring is empty. Throws `RangeError` when
   * `into` is too small (the record stays in the ring).
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 2, slotSize: 8 });
   * ring.tryPush(new Uint8Array([7, 8]));
   * const out = new Uint8Array(8);
   * console.log(ring.tryPop(out), out[1]); // 2 8
   * ```
   */
  tryPop(into: Uint8Array): number {
    if (this.peek(1) === 0) return -1;
    const slot = this.#tail & this.#mask;
    const length = this.lengths[slot];
    if (length > into.length) {
      throw new RangeError(
        `record of ${length} bytes does not fit the ${into.length}-byte destination`,
      );
    }
    const start = slot * this.slotSize;
    into.set(this.bytes.subarray(start, start + length));
    this.release(1);
    return length;
  }

  /**
   * Consumer: blocks until at least `min` records are ready, the ring is
   * closed, or `timeoutMs` passes; spins first, then sleeps in `Atomics.wait`.
   * Returns true when the records are there (after close: whatever is left).
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 2, slotSize: 8 });
   * console.log(ring.waitForData(1, 0)); // false: empty
   * ```
   */
  waitForData(min = 1, timeoutMs = Infinity): boolean {
    const ctl = this.#ctl;
    for (let i = 0; i < this.spins; i++) {
      if (this.peek(min) >= min) return true;
      if (Atomics.load(ctl, CLOSED) !== 0) return this.peek(1) > 0;
    }
    const deadline = timeoutMs === Infinity
      ? Infinity
      : performance.now() + timeoutMs;
    for (;;) {
      const epoch = Atomics.load(ctl, DATA_EPOCH);
      Atomics.store(ctl, CONSUMER_WAITING, 1);
      if (this.peek(min) >= min) break;
      if (Atomics.load(ctl, CLOSED) !== 0) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(ctl, DATA_EPOCH, epoch, left);
    }
    Atomics.store(ctl, CONSUMER_WAITING, 0);
    const ready = this.peek(min);
    return ready >= min || (ready > 0 && Atomics.load(ctl, CLOSED) !== 0);
  }

  /**
   * Consumer: like {@linkcode SpscRing.waitForData} but with
   * `Atomics.waitAsync`, so the caller's event loop keeps running.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 2, slotSize: 8 });
   * setTimeout(() => ring.tryPush(new Uint8Array(1)), 5);
   * console.log(await ring.waitForDataAsync(1, 1000)); // true
   * ```
   */
  async waitForDataAsync(min = 1, timeoutMs = Infinity): Promise<boolean> {
    const ctl = this.#ctl;
    const deadline = timeoutMs === Infinity
      ? Infinity
      : performance.now() + timeoutMs;
    for (;;) {
      const epoch = Atomics.load(ctl, DATA_EPOCH);
      Atomics.store(ctl, CONSUMER_WAITING, 1);
      if (this.peek(min) >= min) break;
      if (Atomics.load(ctl, CLOSED) !== 0) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      await waitAsync(ctl, DATA_EPOCH, epoch, left);
    }
    Atomics.store(ctl, CONSUMER_WAITING, 0);
    const ready = this.peek(min);
    return ready >= min || (ready > 0 && Atomics.load(ctl, CLOSED) !== 0);
  }

  // ------------------------------------------------------------------ status

  /**
   * Records committed and not yet released (either thread; a snapshot).
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * ring.tryPush(new Uint8Array(1));
   * console.log(ring.size); // 1
   * ```
   */
  get size(): number {
    return (Atomics.load(this.#ctl, HEAD) - Atomics.load(this.#ctl, TAIL)) | 0;
  }

  /**
   * Free slots (either thread; a snapshot).
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * console.log(SpscRing.create({ capacity: 4, slotSize: 8 }).free); // 4
   * ```
   */
  get free(): number {
    return this.capacity - this.size;
  }

  /**
   * True once the producer called {@linkcode SpscRing.close}.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * console.log(SpscRing.create({ capacity: 4, slotSize: 8 }).closed); // false
   * ```
   */
  get closed(): boolean {
    return Atomics.load(this.#ctl, CLOSED) !== 0;
  }

  /**
   * True when the ring is closed and every record has been released: the
   * consumer's loop condition.
   *
   * @example
   * ```ts
   * import { SpscRing } from "@zon/net/ring";
   * const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
   * ring.close();
   * console.log(ring.drained); // true
   * ```
   */
  get drained(): boolean {
    return Atomics.load(this.#ctl, CLOSED) !== 0 && this.size === 0;
  }
}
