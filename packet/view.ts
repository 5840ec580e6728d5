// What every zero-copy header view shares: the bytes it looks at, where the
// header starts, where the available bytes end, and `at` to re-point it
// without allocating. Each view (Ethernet, ARP, IPv4, IPv6, ICMP, TCP, UDP)
// adds its own field accessors and `check()`.

import { EMPTY } from "./error.ts";
import { get16, set16 } from "./bytes.ts";

/**
 * A view over `bytes[offset, end)`: nothing is copied or checked when it is
 * made or re-pointed.
 *
 * @example
 * ```ts
 * import { UdpPacket } from "./mod.ts";
 * const udp = new UdpPacket(); // every view is a PacketView
 * udp.at(new Uint8Array(8), 0).bytes.length; // 8
 * ```
 */
export class PacketView {
  /** The buffer viewed. */
  bytes: Uint8Array;
  /** Where the header starts in `bytes`. */
  offset: number;
  /** End of the available bytes (exclusive), e.g. the enclosing payload's end. */
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
}

/**
 * A transport header that starts with source and destination ports (TCP,
 * UDP).
 *
 * @example
 * ```ts
 * import { TcpPacket } from "./mod.ts";
 * const tcp = new TcpPacket(new Uint8Array(20));
 * tcp.destinationPort = 443;
 * tcp.destinationPort; // 443
 * ```
 */
export class PortsView extends PacketView {
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
}
