import type { PacketError } from "./error.ts";
import { get16, get32, set16, set32 } from "./bytes.ts";
import { PortsView } from "./view.ts";

/** Length of a TCP header without options. */
export const TCP_HEADER_LENGTH = 20;

/**
 * TCP flag bits, as in the 13th header byte (plus NS as bit 8).
 *
 * @example
 * ```ts
 * import { TcpFlags } from "./mod.ts";
 * const synAck = TcpFlags.SYN | TcpFlags.ACK; // 0x12
 * ```
 */
export const TcpFlags = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  NS: 0x100,
} as const;

/**
 * TCP option kinds zon reads and writes.
 *
 * @example
 * ```ts
 * import { TcpOptionKind } from "./mod.ts";
 * TcpOptionKind.MSS; // 2
 * ```
 */
export const TcpOptionKind = {
  END: 0,
  NOP: 1,
  MSS: 2,
  WINDOW_SCALE: 3,
  SACK_PERMITTED: 4,
  SACK: 5,
  TIMESTAMPS: 8,
} as const;

/**
 * The options of one TCP header, decoded by {@linkcode TcpPacket.readOptions}
 * into a caller-owned object (reuse it: no allocation per packet). A value of
 * -1 means "absent".
 *
 * @example
 * ```ts
 * import { TcpOptions } from "./mod.ts";
 * const options = new TcpOptions();
 * options.mss; // -1 until read
 * ```
 */
export class TcpOptions {
  /** Maximum segment size, or -1. */
  mss: number = -1;
  /** Window scale shift count, or -1. */
  windowScale: number = -1;
  /** True when SACK-permitted is present. */
  sackPermitted: boolean = false;
  /** Timestamp value, or -1. */
  timestampValue: number = -1;
  /** Timestamp echo reply, or -1. */
  timestampEcho: number = -1;
  /** Number of SACK blocks seen (their bytes stay in the packet). */
  sackBlocks: number = 0;

  /** Reset every field to "absent". */
  clear(): void {
    this.mss = -1;
    this.windowScale = -1;
    this.sackPermitted = false;
    this.timestampValue = -1;
    this.timestampEcho = -1;
    this.sackBlocks = 0;
  }
}

/**
 * Zero-copy view of a TCP header (with options) and payload.
 *
 * @example
 * ```ts
 * import { TcpFlags, TcpPacket } from "./mod.ts";
 * const tcp = new TcpPacket(new Uint8Array(20));
 * tcp.sourcePort = 40000; tcp.destinationPort = 80; tcp.headerLength = 20;
 * tcp.flags = TcpFlags.SYN; tcp.sequence = 12345;
 * tcp.check(); // null
 * ```
 */
export class TcpPacket extends PortsView {
  /** Null when the header, including options, fits in the segment. */
  check(): PacketError | null {
    const limit = Math.min(this.end, this.bytes.length);
    if (this.offset + TCP_HEADER_LENGTH > limit) return "truncated";
    const headerLength = this.headerLength;
    if (headerLength < TCP_HEADER_LENGTH) return "header-too-short";
    if (this.offset + headerLength > limit) return "header-beyond-buffer";
    return null;
  }

  /** Sequence number (unsigned 32-bit). */
  get sequence(): number {
    return get32(this.bytes, this.offset + 4);
  }
  set sequence(value: number) {
    set32(this.bytes, this.offset + 4, value);
  }
  /** Acknowledgment number (unsigned 32-bit). */
  get acknowledgment(): number {
    return get32(this.bytes, this.offset + 8);
  }
  set acknowledgment(value: number) {
    set32(this.bytes, this.offset + 8, value);
  }
  /** Header length in bytes (data offset × 4). */
  get headerLength(): number {
    return (this.bytes[this.offset + 12] >>> 4) * 4;
  }
  set headerLength(value: number) {
    this.bytes[this.offset + 12] = ((value >>> 2) << 4) |
      (this.bytes[this.offset + 12] & 15);
  }
  /** Flags, see {@linkcode TcpFlags} (9 bits including NS). */
  get flags(): number {
    return get16(this.bytes, this.offset + 12) & 0x1ff;
  }
  set flags(value: number) {
    this.bytes[this.offset + 12] = (this.bytes[this.offset + 12] & 0xf0) |
      ((value >>> 8) & 1);
    this.bytes[this.offset + 13] = value;
  }
  /** Receive window. */
  get window(): number {
    return get16(this.bytes, this.offset + 14);
  }
  set window(value: number) {
    set16(this.bytes, this.offset + 14, value);
  }
  /** Checksum field. */
  get checksum(): number {
    return get16(this.bytes, this.offset + 16);
  }
  set checksum(value: number) {
    set16(this.bytes, this.offset + 16, value);
  }
  /** Urgent pointer. */
  get urgentPointer(): number {
    return get16(this.bytes, this.offset + 18);
  }
  set urgentPointer(value: number) {
    set16(this.bytes, this.offset + 18, value);
  }
  /** Offset of the payload. */
  get payloadOffset(): number {
    return this.offset + this.headerLength;
  }

  /**
   * Decode the options into `out` (cleared first). Returns null, or
   * "bad-option" when an option's length runs past the header.
   */
  readOptions(out: TcpOptions): PacketError | null {
    out.clear();
    const bytes = this.bytes;
    const end = this.offset + this.headerLength;
    let at = this.offset + TCP_HEADER_LENGTH;
    while (at < end) {
      const kind = bytes[at];
      if (kind === TcpOptionKind.END) break;
      if (kind === TcpOptionKind.NOP) {
        at++;
        continue;
      }
      if (at + 2 > end) return "bad-option";
      const length = bytes[at + 1];
      if (length < 2 || at + length > end) return "bad-option";
      if (kind === TcpOptionKind.MSS && length === 4) {
        out.mss = get16(bytes, at + 2);
      } else if (kind === TcpOptionKind.WINDOW_SCALE && length === 3) {
        out.windowScale = bytes[at + 2];
      } else if (kind === TcpOptionKind.SACK_PERMITTED && length === 2) {
        out.sackPermitted = true;
      } else if (kind === TcpOptionKind.TIMESTAMPS && length === 10) {
        out.timestampValue = get32(bytes, at + 2);
        out.timestampEcho = get32(bytes, at + 6);
      } else if (kind === TcpOptionKind.SACK) {
        out.sackBlocks = (length - 2) >>> 3;
      }
      at += length;
    }
    return null;
  }
}
