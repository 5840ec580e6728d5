import { FrameSizeError, type FrameWriter } from "./types.ts";

// Software completion of a CHECKSUM_PARTIAL frame, for drivers that cannot
// hand the checksum to the kernel/NIC. Same convention as checksum/offload.ts:
// the field holds the folded pseudo-header sum; sum [start, end), complement,
// store big-endian at start + offset.

/** Completes the checksum in `buf[at + csumStart, at + length)` in place. */
export function completeChecksum(
  buf: Uint8Array,
  at: number,
  length: number,
  csumStart: number,
  csumOffset: number,
): void {
  const start = at + csumStart;
  const end = at + length;
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i < end) sum += buf[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  // 0 and 0xffff are the same in ones' complement; UDP reserves 0 for "no checksum".
  const c = (~sum & 0xffff) || 0xffff;
  const field = start + csumOffset;
  buf[field] = c >>> 8;
  buf[field + 1] = c & 0xff;
}

// Staging for the drivers that hand the kernel or library a copy of each
// frame (pcap:, file:, netmap:, zc:): the size check and the software
// checksum completion every one of them needs, in one place.

/**
 * The bytes to hand over for `send(frame, csumStart, csumOffset)`: `frame`
 * itself, or — when a checksum is still to be completed (`csumStart ≥ 0`) —
 * a copy in `scratch` with it completed, so the caller's frame is untouched.
 */
export function stageFrame(
  driver: string,
  frame: Uint8Array,
  scratch: Uint8Array,
  maxFrameLength: number,
  csumStart: number,
  csumOffset: number,
): Uint8Array {
  const length = frame.length;
  if (length < 14 || length > maxFrameLength) {
    throw new FrameSizeError(driver, length, maxFrameLength);
  }
  if (csumStart < 0) return frame;
  scratch.set(frame);
  completeChecksum(scratch, 0, length, csumStart, csumOffset);
  return scratch;
}

/**
 * Runs `sendWith`'s writer into `scratch`, checks the length and completes a
 * pending checksum. Returns the frame's length, or 0 when the writer
 * cancelled the frame.
 */
export function stageWritten(
  driver: string,
  write: FrameWriter,
  scratch: Uint8Array,
  maxFrameLength: number,
  csumStart: number,
  csumOffset: number,
): number {
  const length = write(scratch, 0, maxFrameLength);
  if (length <= 0) return 0;
  if (length < 14 || length > maxFrameLength) {
    throw new FrameSizeError(driver, length, maxFrameLength);
  }
  if (csumStart >= 0) {
    completeChecksum(scratch, 0, length, csumStart, csumOffset);
  }
  return length;
}

/**
 * The send path of a copying driver: `send` and `sendWith` staged as above,
 * then handed to the driver's `transmit(bytes, length)` (which returns false
 * when its queue is full). One per driver, built with its scratch buffer.
 */
export class CopyStage {
  readonly #driver: string;
  readonly #scratch: Uint8Array;
  readonly #maxFrameLength: number;
  readonly #transmit: (bytes: Uint8Array, length: number) => boolean;

  constructor(
    driver: string,
    scratch: Uint8Array,
    maxFrameLength: number,
    transmit: (bytes: Uint8Array, length: number) => boolean,
  ) {
    this.#driver = driver;
    this.#scratch = scratch;
    this.#maxFrameLength = maxFrameLength;
    this.#transmit = transmit;
  }

  /** `PacketDriver.send`: the frame (or a checksum-completed copy) to `transmit`. */
  send(frame: Uint8Array, csumStart: number, csumOffset: number): boolean {
    const bytes = stageFrame(
      this.#driver,
      frame,
      this.#scratch,
      this.#maxFrameLength,
      csumStart,
      csumOffset,
    );
    return this.#transmit(bytes, frame.length);
  }

  /** `PacketDriver.sendWith`: written into the scratch buffer, then to `transmit`. */
  sendWith(write: FrameWriter, csumStart: number, csumOffset: number): boolean {
    const length = stageWritten(
      this.#driver,
      write,
      this.#scratch,
      this.#maxFrameLength,
      csumStart,
      csumOffset,
    );
    return length === 0 || this.#transmit(this.#scratch, length);
  }
}
