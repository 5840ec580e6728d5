/**
 * Views over the Linux AF_PACKET rings that the kernel shares through mmap:
 * a TPACKET_V2 transmit frame ring and a TPACKET_V3 receive block ring.
 * Frames are written and read in place; ownership passes between user space
 * and the kernel through one status word per frame (TX) or per block (RX).
 *
 * The views only do the arithmetic and the status protocol over a
 * `Uint8Array`; `drivers/` creates the socket and the mapping. Because they
 * work on any memory, the tests drive them with a simulated kernel too.
 *
 * @module
 */

/** Values of the TPACKET status words (`linux/if_packet.h`). */
export const TP_STATUS = {
  /** RX: the frame/block belongs to the kernel. */
  KERNEL: 0,
  /** RX: the frame/block belongs to user space. */
  USER: 1,
  /** TX: the frame is free for user space to fill. */
  AVAILABLE: 0,
  /** TX: filled; the kernel sends it on the next `sendto`. */
  SEND_REQUEST: 1,
  /** TX: the kernel is sending it. */
  SENDING: 2,
  /** TX: the kernel rejected the frame (bad length). */
  WRONG_FORMAT: 4,
} as const;

/** `TPACKET_ALIGN(sizeof(struct tpacket2_hdr))`: where TX frame data starts in a V2 frame. */
export const TPACKET2_DATA_OFFSET = 32;
/** `sizeof(struct virtio_net_hdr)`, prepended to TX data when `PACKET_VNET_HDR` is on. */
export const VNET_HDR_LENGTH = 10;
/** `VIRTIO_NET_HDR_F_NEEDS_CSUM`: the kernel/NIC completes the checksum. */
export const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;

/** Geometry of a kernel ring, as passed in `tpacket_req`/`tpacket_req3`. */
export interface RingGeometry {
  /** Bytes per block; a multiple of the page size. */
  blockSize: number;
  /** Number of blocks. */
  blockCount: number;
  /** Bytes per frame (TX); a multiple of 16. */
  frameSize: number;
  /** Number of frames: `blockSize / frameSize * blockCount`. */
  frameCount: number;
}

/** Thrown when a ring geometry breaks the kernel's rules. */
export class RingGeometryError extends Error {
  /**
   * Creates the error with a message saying what is wrong.
   *
   * @example
   * ```ts
   * import { RingGeometryError } from "@zon/net/ring";
   * console.log(new RingGeometryError("bad").name); // "RingGeometryError"
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "RingGeometryError";
  }
}

/**
 * Computes a valid TX ring geometry for frames of up to `frameSize` bytes.
 *
 * @example
 * ```ts
 * import { txRingGeometry } from "@zon/net/ring";
 * const g = txRingGeometry(4096, 2048);
 * console.log(g.frameCount, g.blockSize * g.blockCount); // 4096 8388608
 * ```
 */
export function txRingGeometry(
  frameCount: number,
  frameSize = 2048,
  pageSize = 4096,
): RingGeometry {
  if (frameSize % 16 !== 0 || frameSize < TPACKET2_DATA_OFFSET + 64) {
    throw new RingGeometryError(
      `frameSize must be a multiple of 16 and at least 96, got ${frameSize}`,
    );
  }
  // Blocks of 64 KiB (or one frame rounded up to pages if frames are larger)
  // keep each kernel allocation small enough to succeed on a fragmented host.
  let blockSize = Math.max(65536, Math.ceil(frameSize / pageSize) * pageSize);
  while (blockSize % frameSize !== 0 && blockSize < 1 << 22) {
    blockSize += pageSize;
  }
  const perBlock = Math.floor(blockSize / frameSize);
  const blockCount = Math.max(1, Math.ceil(frameCount / perBlock));
  return {
    blockSize,
    blockCount,
    frameSize,
    frameCount: perBlock * blockCount,
  };
}

/**
 * Computes a valid TPACKET_V3 RX ring geometry of about `totalBytes`.
 *
 * @example
 * ```ts
 * import { rxRingGeometry } from "@zon/net/ring";
 * const g = rxRingGeometry(64 << 20);
 * console.log(g.blockSize, g.blockCount); // 1048576 64
 * ```
 */
export function rxRingGeometry(
  totalBytes: number,
  blockSize = 1 << 20,
  frameSize = 2048,
): RingGeometry {
  if (blockSize % 4096 !== 0 || blockSize % frameSize !== 0) {
    throw new RingGeometryError(
      `blockSize must be a multiple of the page size and of frameSize, got ${blockSize}`,
    );
  }
  const blockCount = Math.max(2, Math.ceil(totalBytes / blockSize));
  return {
    blockSize,
    blockCount,
    frameSize,
    frameCount: (blockSize / frameSize) * blockCount,
  };
}

/**
 * A TPACKET_V2 transmit ring: frames are filled in place, marked
 * `SEND_REQUEST`, and the kernel sends every marked frame on one `sendto`.
 *
 * Zero-allocation protocol: `acquire()` returns the byte offset in `memory`
 * where the frame's Ethernet bytes go (or -1 while the kernel still owns the
 * next frame), the caller writes the frame there, and `submit(length)` hands
 * it over. After the flush, `reclaim()` counts frames the kernel finished.
 *
 * @example With simulated kernel memory
 * ```ts
 * import { TxFrameRing, txRingGeometry } from "@zon/net/ring";
 * const g = txRingGeometry(64);
 * const ring = new TxFrameRing(new Uint8Array(g.blockSize * g.blockCount), g);
 * const at = ring.acquire();
 * ring.memory.fill(0xff, at, at + 60);
 * ring.submit(60);
 * console.log(ring.pending); // 1
 * ```
 */
export class TxFrameRing {
  /** The mapped ring (or any memory of the same size). */
  readonly memory: Uint8Array;
  /** The ring's geometry. */
  readonly geometry: RingGeometry;
  /** True when every frame carries a `virtio_net_hdr` before its data (`PACKET_VNET_HDR`). */
  readonly vnetHeader: boolean;
  /** Offset of the Ethernet frame within a ring frame. */
  readonly dataOffset: number;
  /** Largest Ethernet frame that fits a ring frame. */
  readonly maxFrameLength: number;
  /** Frames the kernel rejected as malformed (`TP_STATUS_WRONG_FORMAT`). */
  wrongFormat = 0;
  /** Frames the kernel has sent, counted by `reclaim` (cumulative). */
  sent = 0;

  readonly #status: Int32Array;
  readonly #u16: Uint16Array;
  readonly #perBlock: number;
  // Frames tile blocks exactly: frame i is at i * frameSize (no division).
  readonly #contiguous: boolean;
  #next = 0; // next frame to fill
  #oldest = 0; // oldest submitted frame not yet seen back from the kernel
  #pending = 0; // frames submitted and not yet reclaimed
  #frameStart = 0; // start of the frame acquire() returned

  /**
   * Wraps mapped TX ring memory (or a simulation of it) of the given geometry.
   *
   * @example
   * ```ts
   * import { TxFrameRing, txRingGeometry } from "@zon/net/ring";
   * const g = txRingGeometry(32);
   * const ring = new TxFrameRing(new Uint8Array(g.blockSize * g.blockCount), g, true);
   * console.log(ring.dataOffset); // 42
   * ```
   */
  constructor(memory: Uint8Array, geometry: RingGeometry, vnetHeader = false) {
    if (memory.byteLength < geometry.blockSize * geometry.blockCount) {
      throw new RingGeometryError(
        `memory of ${memory.byteLength} bytes is smaller than the ring`,
      );
    }
    if (memory.byteOffset % 4 !== 0) {
      throw new RingGeometryError("ring memory must be 4-byte aligned");
    }
    this.memory = memory;
    this.geometry = geometry;
    this.vnetHeader = vnetHeader;
    this.dataOffset = TPACKET2_DATA_OFFSET + (vnetHeader ? VNET_HDR_LENGTH : 0);
    this.maxFrameLength = geometry.frameSize - this.dataOffset;
    this.#status = new Int32Array(
      memory.buffer,
      memory.byteOffset,
      memory.byteLength >>> 2,
    );
    this.#perBlock = Math.floor(geometry.blockSize / geometry.frameSize);
    this.#contiguous = geometry.blockSize % geometry.frameSize === 0;
    this.#u16 = new Uint16Array(
      memory.buffer,
      memory.byteOffset,
      memory.byteLength >>> 1,
    );
  }

  /**
   * Byte offset of frame `index` (its `tpacket2_hdr`) within `memory`.
   *
   * @example
   * ```ts
   * import { TxFrameRing } from "@zon/net/ring";
   * const g = { blockSize: 8192, blockCount: 2, frameSize: 3072, frameCount: 4 };
   * const ring = new TxFrameRing(new Uint8Array(16384), g);
   * console.log(ring.frameOffset(2)); // 8192: frames do not straddle blocks
   * ```
   */
  frameOffset(index: number): number {
    if (this.#contiguous) return index * this.geometry.frameSize;
    const block = Math.floor(index / this.#perBlock);
    return block * this.geometry.blockSize +
      (index - block * this.#perBlock) * this.geometry.frameSize;
  }

  /**
   * Frames submitted and not yet seen back from the kernel.
   *
   * @example
   * ```ts
   * import { TxFrameRing, txRingGeometry } from "@zon/net/ring";
   * const g = txRingGeometry(16);
   * console.log(new TxFrameRing(new Uint8Array(g.blockSize * g.blockCount), g).pending); // 0
   * ```
   */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Index of the next frame `acquire` will return.
   *
   * @example
   * ```ts
   * import { TxFrameRing, txRingGeometry } from "@zon/net/ring";
   * const g = txRingGeometry(16);
   * console.log(new TxFrameRing(new Uint8Array(g.blockSize * g.blockCount), g).nextIndex); // 0
   * ```
   */
  get nextIndex(): number {
    return this.#next;
  }

  /**
   * Returns the offset in `memory` where the next frame's Ethernet bytes go,
   * or -1 when that frame is still owned by the kernel (ring full: flush,
   * then try again).
   *
   * @example
   * ```ts
   * import { TxFrameRing, txRingGeometry } from "@zon/net/ring";
   * const g = txRingGeometry(16);
   * const ring = new TxFrameRing(new Uint8Array(g.blockSize * g.blockCount), g);
   * console.log(ring.acquire()); // 32
   * ```
   */
  acquire(): number {
    if (this.#pending >= this.geometry.frameCount) {
      this.reclaim();
      if (this.#pending >= this.geometry.frameCount) return -1;
    }
    const start = this.frameOffset(this.#next);
    if (Atomics.load(this.#status, start >>> 2) !== TP_STATUS.AVAILABLE) {
      return -1;
    }
    this.#frameStart = start;
    return start + this.dataOffset;
  }

  /**
   * Hands the acquired frame of `length` bytes to the kernel. With a vnet
   * header, `csumStart >= 0` asks the kernel/NIC to compute the checksum over
   * `[csumStart, end)` and store it at `csumStart + csumOffset` (the field
   * must hold the pseudo-header sum, as for hardware offload).
   *
   * @example
   * ```ts
   * import { TxFrameRing, txRingGeometry } from "@zon/net/ring";
   * const g = txRingGeometry(16);
   * const ring = new TxFrameRing(new Uint8Array(g.blockSize * g.blockCount), g);
   * ring.acquire();
   * ring.submit(60);
   * console.log(ring.nextIndex); // 1
   * ```
   */
  submit(length: number, csumStart = -1, csumOffset = 0): void {
    const start = this.#frameStart;
    let tpLen = length;
    if (this.vnetHeader) {
      // struct virtio_net_hdr { u8 flags; u8 gso_type; u16 hdr_len; u16 gso_size; u16 csum_start; u16 csum_offset; }
      // in host byte order, written as five u16 (flags | GSO_NONE << 8 first).
      const h = (start + TPACKET2_DATA_OFFSET) >>> 1;
      const u16 = this.#u16;
      const offload = csumStart >= 0;
      u16[h] = offload ? VIRTIO_NET_HDR_F_NEEDS_CSUM : 0;
      // hdr_len = the whole frame: the kernel copies it into the skb's linear
      // area instead of attaching ring pages as fragments, which a veth or
      // the local stack would otherwise copy again into a freshly allocated
      // page per frame (skb_copy_ubufs). For small frames the copy is cheaper.
      u16[h + 1] = length;
      u16[h + 2] = 0;
      u16[h + 3] = offload ? csumStart : 0;
      u16[h + 4] = offload ? csumOffset : 0;
      tpLen += VNET_HDR_LENGTH;
    }
    const status = this.#status;
    const word = start >>> 2;
    status[word + 1] = tpLen; // tp_len
    // The status store publishes the frame: it must be the last write.
    Atomics.store(status, word, TP_STATUS.SEND_REQUEST);
    this.#pending++;
    const next = this.#next + 1;
    this.#next = next === this.geometry.frameCount ? 0 : next;
  }

  /**
   * Walks the submitted frames from the oldest and returns how many the
   * kernel has sent since the last call; frames it rejected are counted in
   * `wrongFormat` instead and made available again. Stops at the first frame
   * still waiting, so after a partial `sendto` the count is exact.
   *
   * @example
   * ```ts
   * import { TxFrameRing, txRingGeometry } from "@zon/net/ring";
   * const g = txRingGeometry(16);
   * const ring = new TxFrameRing(new Uint8Array(g.blockSize * g.blockCount), g);
   * ring.acquire();
   * ring.submit(60);
   * ring.memory[0] = 0; // what the kernel does after sending: status = AVAILABLE
   * console.log(ring.reclaim()); // 1
   * ```
   */
  reclaim(): number {
    let sent = 0;
    let i = this.#oldest;
    const count = this.geometry.frameCount;
    const status = this.#status;
    while (this.#pending > 0) {
      const at = this.frameOffset(i) >>> 2;
      const s = Atomics.load(status, at);
      if (s === TP_STATUS.SEND_REQUEST || s === TP_STATUS.SENDING) break;
      if (s === TP_STATUS.WRONG_FORMAT) {
        this.wrongFormat++;
        Atomics.store(status, at, TP_STATUS.AVAILABLE);
      } else {
        sent++;
      }
      this.#pending--;
      i = i + 1 === count ? 0 : i + 1;
    }
    this.#oldest = i;
    this.sent += sent;
    return sent;
  }

  /**
   * Status word of frame `index` (for tests and diagnostics).
   *
   * @example
   * ```ts
   * import { TxFrameRing, txRingGeometry, TP_STATUS } from "@zon/net/ring";
   * const g = txRingGeometry(16);
   * const ring = new TxFrameRing(new Uint8Array(g.blockSize * g.blockCount), g);
   * console.log(ring.statusOf(0) === TP_STATUS.AVAILABLE); // true
   * ```
   */
  statusOf(index: number): number {
    return Atomics.load(this.#status, this.frameOffset(index) >>> 2);
  }
}

// struct tpacket_block_desc / tpacket_hdr_v1 offsets
const BLOCK_STATUS = 8;
const BLOCK_NUM_PKTS = 12;
const BLOCK_FIRST_PKT = 16;
// struct tpacket3_hdr offsets
const PKT_NEXT = 0;
const PKT_SNAPLEN = 12;
const PKT_LEN = 16;
const PKT_MAC = 24;

/**
 * A TPACKET_V3 receive ring: the kernel fills variable-size frames into
 * blocks and hands over a whole block at a time; user space reads the frames
 * in place and retires the block by writing its status word back.
 *
 * `next()` returns the offset in `memory` of the next frame's Ethernet bytes
 * (its length in `frameLength`), or -1 when nothing is waiting. The previous
 * frame stays valid until the following call: a block is only retired when
 * the reader moves past its last frame.
 *
 * @example With simulated kernel memory (an empty ring)
 * ```ts
 * import { RxBlockRing, rxRingGeometry } from "@zon/net/ring";
 * const g = rxRingGeometry(2 << 20);
 * const ring = new RxBlockRing(new Uint8Array(g.blockSize * g.blockCount), g);
 * console.log(ring.next()); // -1
 * ```
 */
export class RxBlockRing {
  /** The mapped ring (or any memory of the same size). */
  readonly memory: Uint8Array;
  /** The ring's geometry. */
  readonly geometry: RingGeometry;
  /** Captured length of the frame `next` returned. */
  frameLength = 0;
  /** Length of that frame on the wire (larger than `frameLength` when truncated by the snaplen). */
  wireLength = 0;
  /** Blocks handed back to the kernel so far. */
  blocksRetired = 0;

  readonly #words: Int32Array;
  readonly #view: DataView;
  #block = 0; // current block index
  #inBlock = false; // the current block is ours (status USER)
  #left = 0; // frames left in the current block
  #pkt = 0; // offset of the next frame header in the current block

  /**
   * Wraps mapped RX ring memory (or a simulation of it) of the given geometry.
   *
   * @example
   * ```ts
   * import { RxBlockRing, rxRingGeometry } from "@zon/net/ring";
   * const g = rxRingGeometry(4 << 20);
   * console.log(new RxBlockRing(new Uint8Array(4 << 20), g).geometry.blockCount); // 4
   * ```
   */
  constructor(memory: Uint8Array, geometry: RingGeometry) {
    if (memory.byteLength < geometry.blockSize * geometry.blockCount) {
      throw new RingGeometryError(
        `memory of ${memory.byteLength} bytes is smaller than the ring`,
      );
    }
    if (memory.byteOffset % 8 !== 0) {
      throw new RingGeometryError("ring memory must be 8-byte aligned");
    }
    this.memory = memory;
    this.geometry = geometry;
    this.#words = new Int32Array(
      memory.buffer,
      memory.byteOffset,
      memory.byteLength >>> 2,
    );
    this.#view = new DataView(
      memory.buffer,
      memory.byteOffset,
      memory.byteLength,
    );
  }

  /**
   * Index of the block the reader is on.
   *
   * @example
   * ```ts
   * import { RxBlockRing, rxRingGeometry } from "@zon/net/ring";
   * const g = rxRingGeometry(2 << 20);
   * console.log(new RxBlockRing(new Uint8Array(2 << 20), g).blockIndex); // 0
   * ```
   */
  get blockIndex(): number {
    return this.#block;
  }

  /**
   * True when the kernel has handed over the block the reader is waiting
   * on (or the reader is inside a block): a cheap check before polling.
   *
   * @example
   * ```ts
   * import { RxBlockRing, rxRingGeometry } from "@zon/net/ring";
   * const g = rxRingGeometry(2 << 20);
   * console.log(new RxBlockRing(new Uint8Array(2 << 20), g).ready); // false
   * ```
   */
  get ready(): boolean {
    if (this.#inBlock && this.#left > 0) return true;
    const nextBlock = this.#inBlock
      ? (this.#block + 1) % this.geometry.blockCount
      : this.#block;
    const at = (nextBlock * this.geometry.blockSize + BLOCK_STATUS) >>> 2;
    return (Atomics.load(this.#words, at) & TP_STATUS.USER) !== 0;
  }

  /**
   * Advances to the next frame and returns the offset of its Ethernet bytes
   * in `memory`, or -1 when no frame is waiting.
   *
   * @example
   * ```ts
   * import { RxBlockRing, rxRingGeometry } from "@zon/net/ring";
   * const g = rxRingGeometry(2 << 20);
   * const ring = new RxBlockRing(new Uint8Array(2 << 20), g);
   * const at = ring.next();
   * if (at >= 0) console.log(ring.memory.subarray(at, at + ring.frameLength));
   * ```
   */
  next(): number {
    const view = this.#view;
    for (;;) {
      if (this.#inBlock) {
        if (this.#left > 0) {
          const pkt = this.#pkt;
          this.frameLength = view.getUint32(pkt + PKT_SNAPLEN, true);
          this.wireLength = view.getUint32(pkt + PKT_LEN, true);
          const data = pkt + view.getUint16(pkt + PKT_MAC, true);
          this.#left--;
          this.#pkt = pkt + view.getUint32(pkt + PKT_NEXT, true);
          return data;
        }
        this.retire();
      }
      const base = this.#block * this.geometry.blockSize;
      if (
        (Atomics.load(this.#words, (base + BLOCK_STATUS) >>> 2) &
          TP_STATUS.USER) === 0
      ) return -1;
      this.#inBlock = true;
      this.#left = view.getUint32(base + BLOCK_NUM_PKTS, true);
      this.#pkt = base + view.getUint32(base + BLOCK_FIRST_PKT, true);
    }
  }

  /**
   * Hands the current block back to the kernel now, even if frames are left
   * in it (they are skipped). `next()` does this itself when a block is used up.
   *
   * @example
   * ```ts
   * import { RxBlockRing, rxRingGeometry } from "@zon/net/ring";
   * const g = rxRingGeometry(2 << 20);
   * const ring = new RxBlockRing(new Uint8Array(2 << 20), g);
   * ring.retire(); // no-op outside a block
   * console.log(ring.blocksRetired); // 0
   * ```
   */
  retire(): void {
    if (!this.#inBlock) return;
    const base = this.#block * this.geometry.blockSize;
    Atomics.store(this.#words, (base + BLOCK_STATUS) >>> 2, TP_STATUS.KERNEL);
    this.#inBlock = false;
    this.#left = 0;
    this.blocksRetired++;
    const next = this.#block + 1;
    this.#block = next === this.geometry.blockCount ? 0 : next;
  }
}
