/**
 * Views over the four AF_XDP rings that the kernel shares through mmap: the
 * fill and TX rings, which user space produces into, and the RX and
 * completion rings, which it consumes from. Each ring is a power-of-two array
 * of descriptors with two free-running 32-bit indices, a producer and a
 * consumer, and a flags word (`XDP_RING_NEED_WAKEUP`).
 *
 * Memory ordering: the producer writes its descriptors first and then
 * publishes them by storing the new producer index; the consumer loads the
 * producer index first and only then reads the descriptors, and releases
 * slots by storing its consumer index after it is done with them. The kernel
 * pairs its side with `smp_load_acquire`/`smp_store_release`; here the index
 * stores are `Atomics.store` (sequentially consistent, so every plain write
 * before it is visible first) and the index loads are `Atomics.load`.
 *
 * The views only do the index arithmetic over a `Uint8Array`; `drivers/`
 * creates the socket and maps the rings. Because they work on any memory,
 * the tests drive them against a simulated kernel.
 *
 * @module
 */

/** `XDP_RING_NEED_WAKEUP`: the kernel wants a syscall before it looks at the ring again. */
export const XDP_RING_NEED_WAKEUP = 1;
/** Bytes of a fill/completion ring entry (a `u64` UMEM address). */
export const XDP_ADDR_SIZE = 8;
/** Bytes of an RX/TX ring entry (`struct xdp_desc { u64 addr; u32 len; u32 options; }`). */
export const XDP_DESC_SIZE = 16;

/** Where a ring's parts sit in its mapping (`struct xdp_ring_offset`, bytes). */
export interface XdpRingOffsets {
  /** Offset of the `u32` producer index. */
  producer: number;
  /** Offset of the `u32` consumer index. */
  consumer: number;
  /** Offset of the first descriptor. */
  desc: number;
  /** Offset of the `u32` flags word. */
  flags: number;
}

/** Thrown when a ring's size or offsets break the kernel's rules. */
export class XdpRingError extends Error {
  /**
   * Creates the error with a message saying what is wrong.
   *
   * @example
   * ```ts
   * import { XdpRingError } from "@zon/net/ring";
   * console.log(new XdpRingError("bad").name); // "XdpRingError"
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "XdpRingError";
  }
}

/**
 * Bytes to map for a ring of `size` entries of `entrySize` bytes at
 * `offsets` (what `mmap` of the ring's page offset needs).
 *
 * @example
 * ```ts
 * import { xdpRingBytes } from "@zon/net/ring";
 * console.log(xdpRingBytes({ producer: 0, consumer: 64, desc: 192, flags: 128 }, 8, 16)); // 320
 * ```
 */
export function xdpRingBytes(
  offsets: XdpRingOffsets,
  size: number,
  entrySize: number,
): number {
  return offsets.desc + size * entrySize;
}

/**
 * Offsets of a ring laid out the way the kernel lays it out (producer and
 * consumer on their own cache lines, then flags, then descriptors), for a
 * simulated kernel side.
 *
 * @example
 * ```ts
 * import { simulatedXdpOffsets } from "@zon/net/ring";
 * console.log(simulatedXdpOffsets().desc); // 192
 * ```
 */
export function simulatedXdpOffsets(): XdpRingOffsets {
  return { producer: 0, consumer: 64, flags: 128, desc: 192 };
}

/**
 * What both ring kinds share: the mapping, the size, the published indices
 * and the wakeup flag. Use {@linkcode XdpProducerRing} or
 * {@linkcode XdpConsumerRing}.
 *
 * @example
 * ```ts
 * import { simulatedXdpOffsets, XdpProducerRing, xdpRingBytes } from "@zon/net/ring";
 * const o = simulatedXdpOffsets();
 * const ring = new XdpProducerRing(new Uint8Array(xdpRingBytes(o, 4, 8)), o, 4, 8);
 * console.log(ring.size, ring.mask, ring.needsWakeup); // 4 3 false
 * ```
 */
export class XdpRing {
  /** The mapped ring (or any memory laid out the same way). */
  readonly memory: Uint8Array;
  /** Number of entries: a power of two. */
  readonly size: number;
  /** `size - 1`: index → slot. */
  readonly mask: number;
  /** Bytes per entry: 8 (fill/completion) or 16 (RX/TX). */
  readonly entrySize: number;
  readonly #words: Uint32Array;
  /** Index into the ring's 32-bit words of the producer index. */
  protected readonly producerWord: number;
  /** Index into the ring's 32-bit words of the consumer index. */
  protected readonly consumerWord: number;
  /** Index into the ring's 32-bit words of the flags word. */
  protected readonly flagsWord: number;
  /** Index into the ring's 32-bit words of the first descriptor. */
  protected readonly descWord: number;

  /**
   * Checks the geometry and wraps `memory`; see the subclasses.
   *
   * @example
   * ```ts
   * import { simulatedXdpOffsets, XdpConsumerRing, xdpRingBytes } from "@zon/net/ring";
   * const o = simulatedXdpOffsets();
   * new XdpConsumerRing(new Uint8Array(xdpRingBytes(o, 8, 16)), o, 8, 16);
   * ```
   */
  constructor(
    memory: Uint8Array,
    offsets: XdpRingOffsets,
    size: number,
    entrySize: number,
  ) {
    if (!Number.isInteger(size) || size < 1 || (size & (size - 1)) !== 0) {
      throw new XdpRingError(
        `ring size must be a power of two, got ${size}`,
      );
    }
    if (entrySize !== XDP_ADDR_SIZE && entrySize !== XDP_DESC_SIZE) {
      throw new XdpRingError(`entry size must be 8 or 16, got ${entrySize}`);
    }
    for (const [name, at] of Object.entries(offsets)) {
      if (at % 4 !== 0 || at < 0) {
        throw new XdpRingError(`${name} offset ${at} is not 4-byte aligned`);
      }
    }
    if (offsets.desc % 8 !== 0 || memory.byteOffset % 8 !== 0) {
      throw new XdpRingError("descriptors must be 8-byte aligned");
    }
    if (memory.byteLength < xdpRingBytes(offsets, size, entrySize)) {
      throw new XdpRingError(
        `memory of ${memory.byteLength} bytes is smaller than the ring (${
          xdpRingBytes(offsets, size, entrySize)
        })`,
      );
    }
    this.memory = memory;
    this.size = size;
    this.mask = size - 1;
    this.entrySize = entrySize;
    this.#words = new Uint32Array(
      memory.buffer,
      memory.byteOffset,
      memory.byteLength >>> 2,
    );
    this.producerWord = offsets.producer >>> 2;
    this.consumerWord = offsets.consumer >>> 2;
    this.flagsWord = offsets.flags >>> 2;
    this.descWord = offsets.desc >>> 2;
  }

  /** The ring memory as 32-bit words. */
  protected get words(): Uint32Array {
    return this.#words;
  }

  /** Word index of entry `index` (free-running). */
  protected entryWord(index: number): number {
    return this.descWord + ((index & this.mask) * (this.entrySize >>> 2));
  }

  /**
   * True when the kernel set `XDP_RING_NEED_WAKEUP`: it sleeps until a
   * syscall (`sendto` for TX, `poll`/`recvfrom` for fill).
   *
   * @example
   * ```ts ignore
   * if (tx.needsWakeup) kick();
   * ```
   */
  get needsWakeup(): boolean {
    return (Atomics.load(this.#words, this.flagsWord) &
      XDP_RING_NEED_WAKEUP) !==
      0;
  }

  /**
   * The producer index as last published (free-running u32).
   *
   * @example
   * ```ts ignore
   * console.log(ring.producer - ring.consumer);
   * ```
   */
  get producer(): number {
    return Atomics.load(this.#words, this.producerWord);
  }

  /**
   * The consumer index as last published (free-running u32).
   *
   * @example
   * ```ts ignore
   * console.log(ring.consumer);
   * ```
   */
  get consumer(): number {
    return Atomics.load(this.#words, this.consumerWord);
  }
}

/**
 * A ring user space produces into: the fill ring (entries are UMEM
 * addresses handed to the kernel for receiving) or the TX ring (entries are
 * descriptors of frames to send). `reserve(n)` says how many slots are free
 * (up to `n`), `setAddress`/`setDescriptor` fill them, and `submit(n)`
 * publishes them with one store of the producer index.
 *
 * @example With simulated kernel memory
 * ```ts
 * import { simulatedXdpOffsets, XdpProducerRing, xdpRingBytes } from "@zon/net/ring";
 * const offsets = simulatedXdpOffsets();
 * const tx = new XdpProducerRing(new Uint8Array(xdpRingBytes(offsets, 8, 16)), offsets, 8, 16);
 * const n = tx.reserve(3);
 * for (let i = 0; i < n; i++) tx.setDescriptor(i, i * 2048, 60);
 * tx.submit(n);
 * console.log(tx.producer, tx.free()); // 3 5
 * ```
 */
export class XdpProducerRing extends XdpRing {
  #producer: number; // local producer: published up to here by submit
  #cachedConsumer: number; // the consumer index as last read

  /**
   * Wraps a mapped fill/TX ring (or a simulation of it): `entrySize` 8 for
   * the fill ring, 16 for the TX ring.
   *
   * @example
   * ```ts
   * import { simulatedXdpOffsets, XdpProducerRing, xdpRingBytes } from "@zon/net/ring";
   * const o = simulatedXdpOffsets();
   * const fill = new XdpProducerRing(new Uint8Array(xdpRingBytes(o, 4, 8)), o, 4, 8);
   * console.log(fill.free()); // 4
   * ```
   */
  constructor(
    memory: Uint8Array,
    offsets: XdpRingOffsets,
    size: number,
    entrySize: number,
  ) {
    super(memory, offsets, size, entrySize);
    this.#producer = Atomics.load(this.words, this.producerWord);
    this.#cachedConsumer = Atomics.load(this.words, this.consumerWord);
  }

  /**
   * Free slots, reading the kernel's consumer index only when the cached one
   * says fewer than `wanted` are free (one shared-cache-line read per batch,
   * not per frame).
   *
   * @example
   * ```ts ignore
   * if (tx.free() === 0) driver.flush();
   * ```
   */
  free(wanted = 1): number {
    let free = this.size - ((this.#producer - this.#cachedConsumer) >>> 0);
    if (free < wanted) {
      // Acquire: the kernel is done with the slots before this index.
      this.#cachedConsumer = Atomics.load(this.words, this.consumerWord);
      free = this.size - ((this.#producer - this.#cachedConsumer) >>> 0);
    }
    return free;
  }

  /**
   * How many of `n` slots may be written now (0 when the ring is full);
   * slot `i` of the batch is then filled with `setAddress(i, …)` or
   * `setDescriptor(i, …)`.
   *
   * @example
   * ```ts ignore
   * const n = fill.reserve(64);
   * ```
   */
  reserve(n: number): number {
    const free = this.free(n);
    return free < n ? free : n;
  }

  /**
   * Writes fill-ring entry `i` of the reserved batch: a UMEM address.
   *
   * @example
   * ```ts ignore
   * fill.setAddress(0, 4096);
   * ```
   */
  setAddress(i: number, address: number): void {
    const w = this.entryWord(this.#producer + i);
    const words = this.words;
    words[w] = address >>> 0;
    words[w + 1] = Math.floor(address / 0x1_0000_0000);
  }

  /**
   * Writes TX-ring entry `i` of the reserved batch: a frame of `length`
   * bytes at UMEM `address`.
   *
   * @example
   * ```ts ignore
   * tx.setDescriptor(0, 4096, 60);
   * ```
   */
  setDescriptor(i: number, address: number, length: number, options = 0): void {
    const w = this.entryWord(this.#producer + i);
    const words = this.words;
    words[w] = address >>> 0;
    words[w + 1] = Math.floor(address / 0x1_0000_0000);
    words[w + 2] = length;
    words[w + 3] = options;
  }

  /**
   * Publishes the first `n` reserved entries: one release store of the
   * producer index, after every entry is written.
   *
   * @example
   * ```ts ignore
   * tx.submit(n);
   * ```
   */
  submit(n: number): void {
    this.#producer = (this.#producer + n) >>> 0;
    Atomics.store(this.words, this.producerWord, this.#producer);
  }

  /**
   * Entries published and not yet consumed by the kernel (as last read).
   *
   * @example
   * ```ts ignore
   * console.log(tx.outstanding());
   * ```
   */
  outstanding(): number {
    this.#cachedConsumer = Atomics.load(this.words, this.consumerWord);
    return (this.#producer - this.#cachedConsumer) >>> 0;
  }
}

/**
 * A ring user space consumes from: the RX ring (descriptors of received
 * frames) or the completion ring (UMEM addresses of sent frames, free
 * again). `peek(max)` says how many entries are ready, `address(i)` and
 * `length(i)` read them in place, `release(n)` hands the slots back with one
 * store of the consumer index.
 *
 * @example With simulated kernel memory
 * ```ts
 * import { simulatedXdpOffsets, XdpConsumerRing, xdpRingBytes } from "@zon/net/ring";
 * const o = simulatedXdpOffsets();
 * const memory = new Uint8Array(xdpRingBytes(o, 4, 8));
 * const completion = new XdpConsumerRing(memory, o, 4, 8);
 * const words = new Uint32Array(memory.buffer);
 * words[o.desc >> 2] = 2048; // the kernel completes the frame at 2048 ...
 * Atomics.store(words, o.producer >> 2, 1); // ... and publishes it
 * console.log(completion.peek(16), completion.address(0)); // 1 2048
 * completion.release(1);
 * ```
 */
export class XdpConsumerRing extends XdpRing {
  #consumer: number; // local consumer: released up to here
  #cachedProducer: number;

  /**
   * Wraps a mapped RX/completion ring (or a simulation of it): `entrySize`
   * 16 for the RX ring, 8 for the completion ring.
   *
   * @example
   * ```ts
   * import { simulatedXdpOffsets, XdpConsumerRing, xdpRingBytes } from "@zon/net/ring";
   * const o = simulatedXdpOffsets();
   * const rx = new XdpConsumerRing(new Uint8Array(xdpRingBytes(o, 4, 16)), o, 4, 16);
   * console.log(rx.peek(4)); // 0
   * ```
   */
  constructor(
    memory: Uint8Array,
    offsets: XdpRingOffsets,
    size: number,
    entrySize: number,
  ) {
    super(memory, offsets, size, entrySize);
    this.#consumer = Atomics.load(this.words, this.consumerWord);
    this.#cachedProducer = Atomics.load(this.words, this.producerWord);
  }

  /**
   * Entries ready to read, up to `max`: the kernel's producer index is
   * loaded (acquire) only when the cached one shows fewer than `max`.
   *
   * @example
   * ```ts ignore
   * const n = rx.peek(64);
   * ```
   */
  peek(max: number): number {
    let ready = (this.#cachedProducer - this.#consumer) >>> 0;
    if (ready < max) {
      this.#cachedProducer = Atomics.load(this.words, this.producerWord);
      ready = (this.#cachedProducer - this.#consumer) >>> 0;
    }
    return ready < max ? ready : max;
  }

  /**
   * UMEM address of entry `i` of the peeked batch.
   *
   * @example
   * ```ts ignore
   * const at = rx.address(0);
   * ```
   */
  address(i: number): number {
    const w = this.entryWord(this.#consumer + i);
    const words = this.words;
    const high = words[w + 1];
    return high === 0 ? words[w] : high * 0x1_0000_0000 + words[w];
  }

  /**
   * Frame length of RX entry `i` of the peeked batch.
   *
   * @example
   * ```ts ignore
   * const len = rx.length(0);
   * ```
   */
  length(i: number): number {
    return this.words[this.entryWord(this.#consumer + i) + 2];
  }

  /**
   * Options word of RX entry `i` (`XDP_PKT_CONTD` for multi-buffer frames).
   *
   * @example
   * ```ts ignore
   * if (rx.options(0) !== 0) console.log("continued");
   * ```
   */
  options(i: number): number {
    return this.words[this.entryWord(this.#consumer + i) + 3];
  }

  /**
   * Hands the first `n` peeked entries back to the kernel: one release store
   * of the consumer index, after they are read.
   *
   * @example
   * ```ts ignore
   * rx.release(n);
   * ```
   */
  release(n: number): void {
    this.#consumer = (this.#consumer + n) >>> 0;
    Atomics.store(this.words, this.consumerWord, this.#consumer);
  }
}
