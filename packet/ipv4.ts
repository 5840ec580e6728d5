import { internetChecksum } from "../checksum/mod.ts";
import type { PacketError } from "./error.ts";
import { get16, get32, set16, set32 } from "./bytes.ts";
import { PacketView } from "./view.ts";

/** Length of an IPv4 header without options. */
export const IPV4_HEADER_LENGTH = 20;

/**
 * IP protocol numbers (IPv4 protocol / IPv6 next header) used by zon.
 *
 * @example
 * ```ts
 * import { IpProtocol } from "./mod.ts";
 * IpProtocol.TCP; // 6
 * ```
 */
export const IpProtocol = {
  HOP_BY_HOP: 0,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ROUTING: 43,
  FRAGMENT: 44,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  NO_NEXT: 59,
  DESTINATION_OPTIONS: 60,
} as const;

/**
 * Zero-copy view of an IPv4 header (with options) and its payload. Addresses
 * are unsigned 32-bit numbers.
 *
 * @example
 * ```ts
 * import { Ipv4Packet } from "./mod.ts";
 * const bytes = new Uint8Array(20);
 * const ip = new Ipv4Packet(bytes);
 * ip.version = 4; ip.headerLength = 20; ip.totalLength = 20; ip.ttl = 64;
 * ip.protocol = 6; ip.source = 0xc6120001; ip.destination = 0xc6120002;
 * ip.fillChecksum();
 * ip.check(); // null
 * ip.verifyChecksum(); // true
 * ```
 */
export class Ipv4Packet extends PacketView {
  /**
   * Null when version is 4, the header length is at least 20 and fits, and
   * the total length covers the header and fits in the buffer. (Trailing
   * bytes past the total length, such as Ethernet padding, are allowed.)
   */
  check(): PacketError | null {
    const limit = Math.min(this.end, this.bytes.length);
    if (this.offset + IPV4_HEADER_LENGTH > limit) return "truncated";
    if (this.version !== 4) return "bad-version";
    const headerLength = this.headerLength;
    if (headerLength < IPV4_HEADER_LENGTH) return "header-too-short";
    if (this.offset + headerLength > limit) return "header-beyond-buffer";
    const total = this.totalLength;
    if (total < headerLength) return "length-too-short";
    if (this.offset + total > limit) return "length-beyond-buffer";
    return null;
  }

  /** Version nibble (4). */
  get version(): number {
    return this.bytes[this.offset] >>> 4;
  }
  set version(value: number) {
    this.bytes[this.offset] = (value << 4) | (this.bytes[this.offset] & 15);
  }
  /** Header length in bytes (IHL × 4). */
  get headerLength(): number {
    return (this.bytes[this.offset] & 15) * 4;
  }
  set headerLength(value: number) {
    this.bytes[this.offset] = (this.bytes[this.offset] & 0xf0) | (value >>> 2);
  }
  /** DSCP (6 bits). */
  get dscp(): number {
    return this.bytes[this.offset + 1] >>> 2;
  }
  set dscp(value: number) {
    this.bytes[this.offset + 1] = (value << 2) |
      (this.bytes[this.offset + 1] & 3);
  }
  /** ECN (2 bits). */
  get ecn(): number {
    return this.bytes[this.offset + 1] & 3;
  }
  set ecn(value: number) {
    this.bytes[this.offset + 1] = (this.bytes[this.offset + 1] & 0xfc) |
      (value & 3);
  }
  /** Total length: header plus payload, in bytes. */
  get totalLength(): number {
    return get16(this.bytes, this.offset + 2);
  }
  set totalLength(value: number) {
    set16(this.bytes, this.offset + 2, value);
  }
  /** Identification. */
  get identification(): number {
    return get16(this.bytes, this.offset + 4);
  }
  set identification(value: number) {
    set16(this.bytes, this.offset + 4, value);
  }
  /** Don't Fragment flag. */
  get dontFragment(): boolean {
    return (this.bytes[this.offset + 6] & 0x40) !== 0;
  }
  set dontFragment(value: boolean) {
    this.bytes[this.offset + 6] = value
      ? this.bytes[this.offset + 6] | 0x40
      : this.bytes[this.offset + 6] & ~0x40;
  }
  /** More Fragments flag. */
  get moreFragments(): boolean {
    return (this.bytes[this.offset + 6] & 0x20) !== 0;
  }
  set moreFragments(value: boolean) {
    this.bytes[this.offset + 6] = value
      ? this.bytes[this.offset + 6] | 0x20
      : this.bytes[this.offset + 6] & ~0x20;
  }
  /** Fragment offset in 8-byte units. */
  get fragmentOffset(): number {
    return get16(this.bytes, this.offset + 6) & 0x1fff;
  }
  set fragmentOffset(value: number) {
    set16(
      this.bytes,
      this.offset + 6,
      (get16(this.bytes, this.offset + 6) & 0xe000) | (value & 0x1fff),
    );
  }
  /** Time to live. */
  get ttl(): number {
    return this.bytes[this.offset + 8];
  }
  set ttl(value: number) {
    this.bytes[this.offset + 8] = value;
  }
  /** Protocol of the payload (see {@linkcode IpProtocol}). */
  get protocol(): number {
    return this.bytes[this.offset + 9];
  }
  set protocol(value: number) {
    this.bytes[this.offset + 9] = value;
  }
  /** Header checksum field. */
  get checksum(): number {
    return get16(this.bytes, this.offset + 10);
  }
  set checksum(value: number) {
    set16(this.bytes, this.offset + 10, value);
  }
  /** Source address as an unsigned 32-bit number. */
  get source(): number {
    return get32(this.bytes, this.offset + 12);
  }
  set source(value: number) {
    set32(this.bytes, this.offset + 12, value);
  }
  /** Destination address as an unsigned 32-bit number. */
  get destination(): number {
    return get32(this.bytes, this.offset + 16);
  }
  set destination(value: number) {
    set32(this.bytes, this.offset + 16, value);
  }
  /** Offset of the options (between 20 and the header length). */
  get optionsOffset(): number {
    return this.offset + IPV4_HEADER_LENGTH;
  }
  /** Offset of the payload. */
  get payloadOffset(): number {
    return this.offset + this.headerLength;
  }
  /** End of the payload per the total length field (exclusive). */
  get payloadEnd(): number {
    return this.offset + this.totalLength;
  }
  /** True when the header checksum verifies. */
  verifyChecksum(): boolean {
    return internetChecksum(
      this.bytes,
      this.offset,
      this.offset + this.headerLength,
    ) === 0;
  }
  /** Compute and store the header checksum. */
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(
      this.bytes,
      this.offset,
      this.offset + this.headerLength,
    );
  }
}
