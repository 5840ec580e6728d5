import type { PacketError } from "./error.ts";
import { get16, get32, set16, set32 } from "./bytes.ts";
import { IpProtocol } from "./ipv4.ts";
import { PacketView } from "./view.ts";

/** Length of the fixed IPv6 header. */
export const IPV6_HEADER_LENGTH = 40;

/**
 * Zero-copy view of an IPv6 header and payload, with a walk over extension
 * headers (hop-by-hop, routing, fragment, destination options, AH) to the
 * upper-layer header. Addresses are 16 bytes read in place: use
 * `sourceOffset`/`destinationOffset`, or copy them out with `copySource`.
 *
 * @example
 * ```ts
 * import { Ipv6Packet } from "./mod.ts";
 * const ip = new Ipv6Packet(new Uint8Array(48));
 * ip.version = 6; ip.payloadLength = 8; ip.nextHeader = 17; ip.hopLimit = 64;
 * ip.check(); // null
 * ip.upperLayerOffset(); // 40
 * ```
 */
export class Ipv6Packet extends PacketView {
  /** Upper-layer protocol found by the last {@linkcode upperLayerOffset}. */
  upperLayerProtocol: number = IpProtocol.NO_NEXT;

  /** Null when version is 6 and the payload length fits in the buffer. */
  check(): PacketError | null {
    const limit = Math.min(this.end, this.bytes.length);
    if (this.offset + IPV6_HEADER_LENGTH > limit) return "truncated";
    if (this.version !== 6) return "bad-version";
    if (this.payloadEnd > limit) return "length-beyond-buffer";
    return null;
  }

  /** Version nibble (6). */
  get version(): number {
    return this.bytes[this.offset] >>> 4;
  }
  set version(value: number) {
    this.bytes[this.offset] = (value << 4) | (this.bytes[this.offset] & 15);
  }
  /** Traffic class (8 bits). */
  get trafficClass(): number {
    return (get16(this.bytes, this.offset) >>> 4) & 0xff;
  }
  set trafficClass(value: number) {
    const word = get16(this.bytes, this.offset);
    set16(this.bytes, this.offset, (word & 0xf00f) | ((value & 0xff) << 4));
  }
  /** Flow label (20 bits). */
  get flowLabel(): number {
    return get32(this.bytes, this.offset) & 0xfffff;
  }
  set flowLabel(value: number) {
    const word = get32(this.bytes, this.offset);
    set32(this.bytes, this.offset, (word & 0xfff00000) | (value & 0xfffff));
  }
  /** Payload length (everything after the fixed header). */
  get payloadLength(): number {
    return get16(this.bytes, this.offset + 4);
  }
  set payloadLength(value: number) {
    set16(this.bytes, this.offset + 4, value);
  }
  /** Next header of the fixed header. */
  get nextHeader(): number {
    return this.bytes[this.offset + 6];
  }
  set nextHeader(value: number) {
    this.bytes[this.offset + 6] = value;
  }
  /** Hop limit. */
  get hopLimit(): number {
    return this.bytes[this.offset + 7];
  }
  set hopLimit(value: number) {
    this.bytes[this.offset + 7] = value;
  }
  /** Offset of the 16-byte source address. */
  get sourceOffset(): number {
    return this.offset + 8;
  }
  /** Offset of the 16-byte destination address. */
  get destinationOffset(): number {
    return this.offset + 24;
  }
  /** End of the payload per the payload length field (exclusive). */
  get payloadEnd(): number {
    return this.offset + IPV6_HEADER_LENGTH + this.payloadLength;
  }
  /** Copy the source address into `out` at `outOffset`. */
  copySource(out: Uint8Array, outOffset: number = 0): void {
    for (let i = 0; i < 16; i++) {
      out[outOffset + i] = this.bytes[this.offset + 8 + i];
    }
  }
  /** Copy the destination address into `out` at `outOffset`. */
  copyDestination(out: Uint8Array, outOffset: number = 0): void {
    for (let i = 0; i < 16; i++) {
      out[outOffset + i] = this.bytes[this.offset + 24 + i];
    }
  }
  /** Set the source address from 16 bytes at `from[fromOffset]`. */
  setSource(from: Uint8Array, fromOffset: number = 0): void {
    for (let i = 0; i < 16; i++) {
      this.bytes[this.offset + 8 + i] = from[fromOffset + i];
    }
  }
  /** Set the destination address from 16 bytes at `from[fromOffset]`. */
  setDestination(from: Uint8Array, fromOffset: number = 0): void {
    for (let i = 0; i < 16; i++) {
      this.bytes[this.offset + 24 + i] = from[fromOffset + i];
    }
  }

  /**
   * Walk the extension headers; returns the offset of the upper-layer header
   * and sets {@linkcode upperLayerProtocol}, or returns -1 when a header runs
   * past the payload (a "bad-option"). A non-first fragment or ESP stops the
   * walk with the fragment/ESP header's protocol as the upper layer.
   */
  upperLayerOffset(): number {
    return walkIpv6Extensions(this.bytes, this.offset, this.payloadEnd, this);
  }
}

/**
 * Walk IPv6 extension headers from the fixed header at `offset`; returns the
 * upper-layer offset (or -1) and stores the protocol in `out`.
 */
export function walkIpv6Extensions(
  bytes: Uint8Array,
  offset: number,
  end: number,
  out: { upperLayerProtocol: number },
): number {
  let next = bytes[offset + 6];
  let at = offset + IPV6_HEADER_LENGTH;
  for (;;) {
    switch (next) {
      case IpProtocol.HOP_BY_HOP:
      case IpProtocol.ROUTING:
      case IpProtocol.DESTINATION_OPTIONS: {
        if (at + 8 > end) return -1;
        const length = (bytes[at + 1] + 1) * 8;
        next = bytes[at];
        at += length;
        if (at > end) return -1;
        break;
      }
      case IpProtocol.AH: {
        if (at + 8 > end) return -1;
        const length = (bytes[at + 1] + 2) * 4;
        next = bytes[at];
        at += length;
        if (at > end) return -1;
        break;
      }
      case IpProtocol.FRAGMENT: {
        if (at + 8 > end) return -1;
        const fragmentOffset = get16(bytes, at + 2) >>> 3;
        if (fragmentOffset !== 0) {
          out.upperLayerProtocol = IpProtocol.FRAGMENT;
          return at;
        }
        next = bytes[at];
        at += 8;
        break;
      }
      default:
        out.upperLayerProtocol = next;
        return at;
    }
  }
}
