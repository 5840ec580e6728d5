import { internetChecksum } from "../checksum/mod.ts";
import type { PacketError } from "./error.ts";
import { get16, get32, set16, set32 } from "./bytes.ts";
import { PacketView } from "./view.ts";

/** Length of the fixed ICMP / ICMPv6 header (type, code, checksum, 4 more). */
export const ICMP_HEADER_LENGTH = 8;

/**
 * ICMPv4 message types used by zon.
 *
 * @example
 * ```ts
 * import { Icmpv4Type } from "./mod.ts";
 * Icmpv4Type.ECHO_REQUEST; // 8
 * ```
 */
export const Icmpv4Type = {
  ECHO_REPLY: 0,
  DESTINATION_UNREACHABLE: 3,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
} as const;

/**
 * ICMPv6 message types used by zon.
 *
 * @example
 * ```ts
 * import { Icmpv6Type } from "./mod.ts";
 * Icmpv6Type.NEIGHBOR_SOLICITATION; // 135
 * ```
 */
export const Icmpv6Type = {
  DESTINATION_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  ROUTER_SOLICITATION: 133,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
} as const;

/**
 * Zero-copy view of an ICMPv4 or ICMPv6 message. The 4 bytes after the
 * checksum are read as echo identifier/sequence, as the unused/MTU word of
 * an error, or as the neighbor-advertisement flags; the quoted packet of an
 * error (destination unreachable, time exceeded) and the target address of a
 * neighbor solicitation/advertisement start at offset 8 (see
 * `quotedOffset` / `targetAddressOffset`).
 *
 * @example
 * ```ts
 * import { IcmpPacket } from "./mod.ts";
 * const icmp = new IcmpPacket(new Uint8Array(8));
 * icmp.type = 8; icmp.identifier = 0x1234; icmp.sequenceNumber = 1;
 * icmp.fillChecksum(); // ICMPv4: no pseudo-header
 * ```
 */
export class IcmpPacket extends PacketView {
  /** Null when the 8-byte header fits. */
  check(): PacketError | null {
    if (
      this.offset + ICMP_HEADER_LENGTH > Math.min(this.end, this.bytes.length)
    ) {
      return "truncated";
    }
    return null;
  }

  /** Message type. */
  get type(): number {
    return this.bytes[this.offset];
  }
  set type(value: number) {
    this.bytes[this.offset] = value;
  }
  /** Message code. */
  get code(): number {
    return this.bytes[this.offset + 1];
  }
  set code(value: number) {
    this.bytes[this.offset + 1] = value;
  }
  /** Checksum field. */
  get checksum(): number {
    return get16(this.bytes, this.offset + 2);
  }
  set checksum(value: number) {
    set16(this.bytes, this.offset + 2, value);
  }
  /** Echo identifier. */
  get identifier(): number {
    return get16(this.bytes, this.offset + 4);
  }
  set identifier(value: number) {
    set16(this.bytes, this.offset + 4, value);
  }
  /** Echo sequence number. */
  get sequenceNumber(): number {
    return get16(this.bytes, this.offset + 6);
  }
  set sequenceNumber(value: number) {
    set16(this.bytes, this.offset + 6, value);
  }
  /** The 32-bit word after the checksum (rest of header). */
  get restOfHeader(): number {
    return get32(this.bytes, this.offset + 4);
  }
  set restOfHeader(value: number) {
    set32(this.bytes, this.offset + 4, value);
  }
  /** Offset of the quoted IP header in an error message. */
  get quotedOffset(): number {
    return this.offset + ICMP_HEADER_LENGTH;
  }
  /** Offset of the 16-byte target address of an ICMPv6 NS/NA. */
  get targetAddressOffset(): number {
    return this.offset + ICMP_HEADER_LENGTH;
  }
  /** Offset of the echo payload. */
  get payloadOffset(): number {
    return this.offset + ICMP_HEADER_LENGTH;
  }
  /**
   * Compute and store the checksum over `[offset, end)`. `pseudoHeaderSum`
   * is 0 for ICMPv4 and `pseudoHeaderSum6(..., 58, length)` for ICMPv6.
   */
  fillChecksum(pseudoHeaderSum: number = 0): void {
    this.checksum = 0;
    this.checksum = internetChecksum(
      this.bytes,
      this.offset,
      this.end,
      pseudoHeaderSum,
    );
  }
}
