import { EMPTY, type PacketError } from "./error.ts";
import { get16, set16 } from "./bytes.ts";

/** Length of a UDP header. */
export const UDP_HEADER_LENGTH = 8;

/**
 * Zero-copy view of a UDP datagram.
 *
 * @example
 * ```ts
 * import { UdpPacket } from "./mod.ts";
 * const udp = new UdpPacket(new Uint8Array(8));
 * udp.sourcePort = 40000; udp.destinationPort = 53; udp.length = 8;
 * udp.check(); // null
 * ```
 */
export class UdpPacket {
  /** The buffer viewed. */
  bytes: Uint8Array;
  /** Where the UDP header starts in `bytes`. */
  offset: number;
  /** End of the available bytes (exclusive), e.g. the IP payload end. */
  end: number;

  /** View `bytes[offset, end)`. Nothing is copied or checked. */
  constructor(
    bytes: Uint8Array = EMPTY,
    offset: number = 0,
    end: number = bytes.length,
  ) {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
  }

  /** Re-point the view without allocating; returns `this`. */
  at(bytes: Uint8Array, offset: number = 0, end: number = bytes.length): this {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
    return this;
  }

  /** Null when the header fits and the length field is 8..available. */
  check(): PacketError | null {
    const limit = Math.min(this.end, this.bytes.length);
    if (this.offset + UDP_HEADER_LENGTH > limit) return "truncated";
    const length = this.length;
    if (length < UDP_HEADER_LENGTH) return "length-too-short";
    if (this.offset + length > limit) return "length-beyond-buffer";
    return null;
  }

  /** Source port. */
  get sourcePort(): number {
    return get16(this.bytes, this.offset);
  }
  set sourcePort(value: number) {
    set16(this.bytes, this.offset, value);
  }
  /** Destination port. */
  get destinationPort(): number {
    return get16(this.bytes, this.offset + 2);
  }
  set destinationPort(value: number) {
    set16(this.bytes, this.offset + 2, value);
  }
  /** Length of header plus payload. */
  get length(): number {
    return get16(this.bytes, this.offset + 4);
  }
  set length(value: number) {
    set16(this.bytes, this.offset + 4, value);
  }
  /** Checksum field (0 means "none" over IPv4). */
  get checksum(): number {
    return get16(this.bytes, this.offset + 6);
  }
  set checksum(value: number) {
    set16(this.bytes, this.offset + 6, value);
  }
  /** Offset of the payload. */
  get payloadOffset(): number {
    return this.offset + UDP_HEADER_LENGTH;
  }
  /** End of the payload per the length field (exclusive). */
  get payloadEnd(): number {
    return this.offset + this.length;
  }
}
