// Reply segments: Ethernet + IPv4 or IPv6 + a 20-byte TCP header (no
// options) + payload, written whole with fresh checksums. The probe
// templates (template.ts) patch a prebuilt frame because only a few fields
// change per probe; a reply's every field comes from the segment it answers
// or from a connection, so it is written field by field. One writer serves
// the user-mode TCP stack (SYN-ACK answers, data, ACKs, FINs, RSTs) and the
// scanner's RSTs alike. Set the fields, then call `write`: nothing is
// allocated per segment.

import {
  internetChecksum,
  pseudoHeaderSum4,
  pseudoHeaderSum6,
} from "../checksum/mod.ts";
import { set16, set32 } from "./bytes.ts";
import { EtherType } from "./ethernet.ts";
import { IpProtocol } from "./ipv4.ts";
import { TcpFlags } from "./tcp.ts";

/** Ethernet + IPv4 + TCP header bytes of a segment without options. */
export const TCP_SEGMENT4_HEADERS: number = 14 + 20 + 20;
/** Ethernet + IPv6 + TCP header bytes of a segment without options. */
export const TCP_SEGMENT6_HEADERS: number = 14 + 40 + 20;

const EMPTY = new Uint8Array(0);

/**
 * Writes TCP segments (see the file comment). Fields are public and plain:
 * set those that change, then {@link TcpSegmentWriter.write}. IPv4
 * addresses are 32-bit numbers (signed or unsigned); IPv6 addresses are
 * read from byte arrays at an offset, so a connection table's packed
 * address array or a received frame serves without copying.
 *
 * @example
 * ```ts
 * import { parseMac, TcpFlags, TcpSegmentWriter } from "./mod.ts";
 * const rst = new TcpSegmentWriter({
 *   sourceMac: parseMac("02:00:00:00:00:01"),
 *   destinationMac: parseMac("02:00:00:00:00:02"),
 * });
 * rst.version = 4;
 * rst.source4 = 0xc6120001;
 * rst.destination4 = 0xc6120002;
 * rst.sourcePort = 40000;
 * rst.destinationPort = 80;
 * rst.seq = 12345;
 * rst.flags = TcpFlags.RST;
 * const frame = new Uint8Array(128);
 * rst.write(frame, 0, frame.length); // 54
 * ```
 */
export class TcpSegmentWriter {
  /** Our MAC. */
  sourceMac: Uint8Array;
  /** The next hop's MAC. */
  destinationMac: Uint8Array;
  /** 4 or 6. */
  version: 4 | 6 = 4;
  /** IPv4 source address. */
  source4 = 0;
  /** IPv4 destination address. */
  destination4 = 0;
  /** IPv6 source address: 16 bytes of `source6` at `source6At`. */
  source6: Uint8Array = EMPTY;
  /** Offset of the IPv6 source address in `source6`. */
  source6At = 0;
  /** IPv6 destination address: 16 bytes of `destination6` at `destination6At`. */
  destination6: Uint8Array = EMPTY;
  /** Offset of the IPv6 destination address in `destination6`. */
  destination6At = 0;
  /** TCP source port. */
  sourcePort = 0;
  /** TCP destination port. */
  destinationPort = 0;
  /** Sequence number (32 bits, signed or unsigned). */
  seq = 0;
  /** Acknowledgment number; written only when `flags` has ACK (else 0). */
  ack = 0;
  /** TCP flags ({@link TcpFlags}). */
  flags = 0;
  /** Receive window. */
  window = 0;
  /** IPv4 TTL / IPv6 hop limit. */
  ttl = 64;
  /** Payload: bytes `[payloadFrom, payloadTo)` of `payload`. */
  payload: Uint8Array = EMPTY;
  /** Start of the payload in `payload`. */
  payloadFrom = 0;
  /** End of the payload in `payload`. */
  payloadTo = 0;
  #ipId = 0;

  /** A writer sending from `sourceMac` to `destinationMac`. */
  constructor(macs: { sourceMac: Uint8Array; destinationMac: Uint8Array }) {
    this.sourceMac = macs.sourceMac;
    this.destinationMac = macs.destinationMac;
  }

  /** Bytes the next `write` produces. */
  get length(): number {
    return (this.version === 6 ? TCP_SEGMENT6_HEADERS : TCP_SEGMENT4_HEADERS) +
      (this.payloadTo - this.payloadFrom);
  }

  /**
   * Writes the segment at `buf[at..]`; returns its length, or 0 when it
   * needs more than `capacity` bytes (nothing is written then). IPv4
   * segments get DF and an IP ID that counts up per segment.
   */
  write(buf: Uint8Array, at: number, capacity: number): number {
    const length = this.length;
    if (length > capacity) return 0;
    buf.set(this.destinationMac, at);
    buf.set(this.sourceMac, at + 6);
    const tcpLength = length - (this.version === 6 ? 54 : 34);
    const ip = at + 14;
    let tcp: number, pseudo: number;
    if (this.version === 6) {
      set16(buf, at + 12, EtherType.IPV6);
      tcp = ip + 40;
      pseudo = this.#ipv6Header(buf, ip, tcpLength);
    } else {
      set16(buf, at + 12, EtherType.IPV4);
      tcp = ip + 20;
      pseudo = this.#ipv4Header(buf, ip, tcpLength);
    }
    set16(buf, tcp, this.sourcePort);
    set16(buf, tcp + 2, this.destinationPort);
    set32(buf, tcp + 4, this.seq);
    set32(buf, tcp + 8, (this.flags & TcpFlags.ACK) ? this.ack : 0);
    buf[tcp + 12] = 5 << 4; // data offset: 5 words, no options
    buf[tcp + 13] = this.flags;
    set16(buf, tcp + 14, this.window);
    set32(buf, tcp + 16, 0); // checksum and urgent pointer
    const data = this.payload;
    let o = tcp + 20;
    for (let i = this.payloadFrom; i < this.payloadTo; i++) buf[o++] = data[i];
    set16(buf, tcp + 16, internetChecksum(buf, tcp, tcp + tcpLength, pseudo));
    return length;
  }

  /** The IPv4 header at `ip`; returns the TCP pseudo-header sum. */
  #ipv4Header(buf: Uint8Array, ip: number, tcpLength: number): number {
    set16(buf, ip, 0x4500); // version 4, 5 words, no TOS
    set16(buf, ip + 2, 20 + tcpLength);
    this.#ipId = (this.#ipId + 1) & 0xffff;
    set16(buf, ip + 4, this.#ipId);
    set16(buf, ip + 6, 0x4000); // DF, no fragment offset
    buf[ip + 8] = this.ttl;
    buf[ip + 9] = IpProtocol.TCP;
    set16(buf, ip + 10, 0);
    set32(buf, ip + 12, this.source4);
    set32(buf, ip + 16, this.destination4);
    set16(buf, ip + 10, internetChecksum(buf, ip, ip + 20));
    return pseudoHeaderSum4(
      this.source4 >>> 0,
      this.destination4 >>> 0,
      IpProtocol.TCP,
      tcpLength,
    );
  }

  /** The IPv6 header at `ip`; returns the TCP pseudo-header sum. */
  #ipv6Header(buf: Uint8Array, ip: number, tcpLength: number): number {
    set32(buf, ip, 0x60000000); // version 6, traffic class 0, flow label 0
    set16(buf, ip + 4, tcpLength);
    buf[ip + 6] = IpProtocol.TCP;
    buf[ip + 7] = this.ttl;
    const src = this.source6, srcAt = this.source6At;
    const dst = this.destination6, dstAt = this.destination6At;
    for (let i = 0; i < 16; i++) {
      buf[ip + 8 + i] = src[srcAt + i];
      buf[ip + 24 + i] = dst[dstAt + i];
    }
    return pseudoHeaderSum6(
      buf,
      buf,
      IpProtocol.TCP,
      tcpLength,
      ip + 8,
      ip + 24,
    );
  }
}
