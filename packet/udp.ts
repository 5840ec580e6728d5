import type { PacketError } from "./error.ts";
import { get16, set16 } from "./bytes.ts";
import { PortsView } from "./view.ts";

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
export class UdpPacket extends PortsView {
  /** Null when the header fits and the length field is 8..available. */
  check(): PacketError | null {
    const limit = Math.min(this.end, this.bytes.length);
    if (this.offset + UDP_HEADER_LENGTH > limit) return "truncated";
    const length = this.length;
    if (length < UDP_HEADER_LENGTH) return "length-too-short";
    if (this.offset + length > limit) return "length-beyond-buffer";
    return null;
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
