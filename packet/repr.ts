// Plain-data representations (the smoltcp `Repr` split): build any packet by
// describing it, then `emitPacket` writes it into a caller's buffer with
// lengths and checksums filled in. Used to build templates; fine for tests
// and tools. Not a hot path (it allocates nothing itself, but reprs are
// objects the caller creates).

import {
  type ChecksumMode,
  internetChecksum,
  pseudoHeaderSum4,
  pseudoHeaderSum6,
} from "../checksum/mod.ts";
import { set16, set32 } from "./bytes.ts";
import { EtherType } from "./ethernet.ts";
import { IpProtocol } from "./ipv4.ts";

/**
 * An Ethernet II header. `vlanId` adds one 802.1Q tag when set.
 *
 * @example
 * ```ts
 * import type { EthernetRepr } from "./mod.ts";
 * const ethernet: EthernetRepr = {
 *   destination: new Uint8Array([2, 0, 0, 0, 0, 2]),
 *   source: new Uint8Array([2, 0, 0, 0, 0, 1]),
 * };
 * ```
 */
export interface EthernetRepr {
  /** Destination MAC, 6 bytes. */
  destination: Uint8Array;
  /** Source MAC, 6 bytes. */
  source: Uint8Array;
  /** 802.1Q VLAN ID (0..4095), or undefined for an untagged frame. */
  vlanId?: number;
}

/**
 * An IPv4 header without options. Length, protocol and checksum are filled
 * by {@linkcode emitPacket}.
 *
 * @example
 * ```ts
 * import type { Ipv4Repr } from "./mod.ts";
 * const ip: Ipv4Repr = { version: 4, source: 0xc6120001, destination: 0xc6120002, ttl: 64 };
 * ```
 */
export interface Ipv4Repr {
  /** Discriminant. */
  version: 4;
  /** Source address, unsigned 32-bit. */
  source: number;
  /** Destination address, unsigned 32-bit. */
  destination: number;
  /** Time to live (default 64). */
  ttl?: number;
  /** Identification (default 0). */
  identification?: number;
  /** Don't Fragment (default true). */
  dontFragment?: boolean;
  /** DSCP/ECN byte (default 0). */
  typeOfService?: number;
}

/**
 * An IPv6 header without extension headers. Addresses are 16-byte arrays.
 *
 * @example
 * ```ts
 * import { type Ipv6Repr, parseIpv6 } from "./mod.ts";
 * const ip: Ipv6Repr = { version: 6, source: parseIpv6("2001:2::1"), destination: parseIpv6("2001:2::2") };
 * ```
 */
export interface Ipv6Repr {
  /** Discriminant. */
  version: 6;
  /** Source address, 16 bytes. */
  source: Uint8Array;
  /** Destination address, 16 bytes. */
  destination: Uint8Array;
  /** Hop limit (default 64). */
  hopLimit?: number;
  /** Flow label (default 0). */
  flowLabel?: number;
  /** Traffic class (default 0). */
  trafficClass?: number;
}

/**
 * TCP options to emit, in the order Linux uses for a SYN
 * (MSS, SACK-permitted, timestamps, NOP, window scale).
 *
 * @example
 * ```ts
 * import type { TcpOptionsRepr } from "./mod.ts";
 * const options: TcpOptionsRepr = { mss: 1460, sackPermitted: true, windowScale: 7 };
 * ```
 */
export interface TcpOptionsRepr {
  /** Maximum segment size. */
  mss?: number;
  /** SACK permitted. */
  sackPermitted?: boolean;
  /** Timestamps: [value, echo reply]. */
  timestamps?: [number, number];
  /** Window scale shift count. */
  windowScale?: number;
}

/**
 * A TCP segment. The checksum is filled by {@linkcode emitPacket}.
 *
 * @example
 * ```ts
 * import { type TcpRepr, TcpFlags } from "./mod.ts";
 * const tcp: TcpRepr = { protocol: "tcp", sourcePort: 40000, destinationPort: 80, sequence: 1, flags: TcpFlags.SYN };
 * ```
 */
export interface TcpRepr {
  /** Discriminant. */
  protocol: "tcp";
  /** Source port. */
  sourcePort: number;
  /** Destination port. */
  destinationPort: number;
  /** Sequence number. */
  sequence: number;
  /** Acknowledgment number (default 0). */
  acknowledgment?: number;
  /** Flags, see TcpFlags. */
  flags: number;
  /** Window (default 64240). */
  window?: number;
  /** Urgent pointer (default 0). */
  urgentPointer?: number;
  /** Options (default none). */
  options?: TcpOptionsRepr;
  /** Payload (default empty). */
  payload?: Uint8Array;
}

/**
 * A UDP datagram. Length and checksum are filled by {@linkcode emitPacket}.
 *
 * @example
 * ```ts
 * import type { UdpRepr } from "./mod.ts";
 * const udp: UdpRepr = { protocol: "udp", sourcePort: 40000, destinationPort: 53 };
 * ```
 */
export interface UdpRepr {
  /** Discriminant. */
  protocol: "udp";
  /** Source port. */
  sourcePort: number;
  /** Destination port. */
  destinationPort: number;
  /** Payload (default empty). */
  payload?: Uint8Array;
}

/**
 * An ICMPv4 or ICMPv6 message (which one follows from the IP version): type,
 * code, the 32-bit rest-of-header word (echo identifier << 16 | sequence)
 * and a body.
 *
 * @example
 * ```ts
 * import type { IcmpRepr } from "./mod.ts";
 * const echo: IcmpRepr = { protocol: "icmp", type: 8, code: 0, rest: 0x12340001 };
 * ```
 */
export interface IcmpRepr {
  /** Discriminant. */
  protocol: "icmp";
  /** Message type. */
  type: number;
  /** Message code. */
  code: number;
  /** Rest of header (32 bits). */
  rest: number;
  /** Body (default empty). */
  payload?: Uint8Array;
}

/**
 * A whole packet: optional Ethernet, IPv4 or IPv6, and a transport.
 * `checksums: "offload"` leaves TCP/UDP/ICMPv6 checksums as the
 * CHECKSUM_PARTIAL seed (see checksum/offload.ts); the IPv4 header checksum
 * is always computed.
 *
 * @example
 * ```ts
 * import { emitPacket, type PacketRepr, TcpFlags } from "./mod.ts";
 * const repr: PacketRepr = {
 *   ip: { version: 4, source: 0xc6120001, destination: 0xc6120002 },
 *   transport: { protocol: "tcp", sourcePort: 40000, destinationPort: 80, sequence: 1, flags: TcpFlags.SYN },
 * };
 * const buf = new Uint8Array(64);
 * const length = emitPacket(repr, buf); // 40
 * ```
 */
export interface PacketRepr {
  /** Link layer; omit for a raw IP packet. */
  ethernet?: EthernetRepr;
  /** Network layer. */
  ip: Ipv4Repr | Ipv6Repr;
  /** Transport layer. */
  transport: TcpRepr | UdpRepr | IcmpRepr;
  /** "compute" (default) or "offload". */
  checksums?: ChecksumMode;
}

/**
 * An ARP packet for Ethernet/IPv4.
 *
 * @example
 * ```ts
 * import type { ArpRepr } from "./mod.ts";
 * const request: ArpRepr = {
 *   operation: 1, senderMac: new Uint8Array(6), senderIp: 0xc6120001,
 *   targetMac: new Uint8Array(6), targetIp: 0xc6120002,
 * };
 * ```
 */
export interface ArpRepr {
  /** 1 request, 2 reply. */
  operation: number;
  /** Sender MAC (6 bytes). */
  senderMac: Uint8Array;
  /** Sender IPv4 address. */
  senderIp: number;
  /** Target MAC (6 bytes; zeros in a request). */
  targetMac: Uint8Array;
  /** Target IPv4 address. */
  targetIp: number;
}

/**
 * Length in bytes of the TCP options a {@linkcode TcpOptionsRepr} emits
 * (padded to a multiple of 4).
 *
 * @example
 * ```ts
 * import { tcpOptionsLength } from "./mod.ts";
 * tcpOptionsLength({ mss: 1460, sackPermitted: true, timestamps: [1, 0], windowScale: 7 }); // 20
 * ```
 */
export function tcpOptionsLength(options: TcpOptionsRepr | undefined): number {
  if (!options) return 0;
  let length = 0;
  if (options.mss !== undefined) length += 4;
  if (options.sackPermitted) length += options.timestamps ? 2 : 4;
  if (options.timestamps) length += 10;
  if (options.windowScale !== undefined) length += 4;
  return (length + 3) & ~3;
}

function emitTcpOptions(
  options: TcpOptionsRepr,
  buf: Uint8Array,
  at: number,
  end: number,
): void {
  if (options.mss !== undefined) {
    buf[at] = 2;
    buf[at + 1] = 4;
    set16(buf, at + 2, options.mss);
    at += 4;
  }
  if (options.sackPermitted) {
    if (!options.timestamps) {
      buf[at++] = 1;
      buf[at++] = 1;
    }
    buf[at++] = 4;
    buf[at++] = 2;
  }
  if (options.timestamps) {
    buf[at] = 8;
    buf[at + 1] = 10;
    set32(buf, at + 2, options.timestamps[0]);
    set32(buf, at + 6, options.timestamps[1]);
    at += 10;
  }
  if (options.windowScale !== undefined) {
    buf[at] = 1;
    buf[at + 1] = 3;
    buf[at + 2] = 3;
    buf[at + 3] = options.windowScale;
    at += 4;
  }
  while (at < end) buf[at++] = 0;
}

function transportLength(transport: PacketRepr["transport"]): number {
  const payload = transport.payload?.length ?? 0;
  switch (transport.protocol) {
    case "tcp":
      return 20 + tcpOptionsLength(transport.options) + payload;
    case "udp":
      return 8 + payload;
    case "icmp":
      return 8 + payload;
  }
}

/**
 * Total bytes {@linkcode emitPacket} writes for `repr`.
 *
 * @example
 * ```ts
 * import { packetLength } from "./mod.ts";
 * packetLength({
 *   ip: { version: 4, source: 1, destination: 2 },
 *   transport: { protocol: "udp", sourcePort: 1, destinationPort: 2 },
 * }); // 28
 * ```
 */
export function packetLength(repr: PacketRepr): number {
  const link = repr.ethernet
    ? 14 + (repr.ethernet.vlanId !== undefined ? 4 : 0)
    : 0;
  return link + (repr.ip.version === 4 ? 20 : 40) +
    transportLength(repr.transport);
}

/**
 * Write `repr` into `buf` at `offset` with every length and checksum filled
 * in; returns the number of bytes written. Throws a RangeError when `buf` is
 * too small.
 *
 * @example
 * ```ts
 * import { emitPacket, parseMac } from "./mod.ts";
 * const buf = new Uint8Array(1514);
 * const length = emitPacket({
 *   ethernet: { destination: parseMac("02:00:00:00:00:02"), source: parseMac("02:00:00:00:00:01") },
 *   ip: { version: 4, source: 0xc6120001, destination: 0xc6120002 },
 *   transport: { protocol: "icmp", type: 8, code: 0, rest: 0x00010001 },
 * }, buf); // 42
 * ```
 */
export function emitPacket(
  repr: PacketRepr,
  buf: Uint8Array,
  offset: number = 0,
): number {
  const total = packetLength(repr);
  if (offset + total > buf.length) {
    throw new RangeError(
      `packet needs ${total} bytes at offset ${offset}, buffer has ${buf.length}`,
    );
  }
  const ip = repr.ip;
  const transport = repr.transport;
  let at = offset;
  if (repr.ethernet) {
    const ethernet = repr.ethernet;
    buf.set(ethernet.destination.subarray(0, 6), at);
    buf.set(ethernet.source.subarray(0, 6), at + 6);
    at += 12;
    if (ethernet.vlanId !== undefined) {
      set16(buf, at, EtherType.VLAN);
      set16(buf, at + 2, ethernet.vlanId & 0x0fff);
      at += 4;
    }
    set16(buf, at, ip.version === 4 ? EtherType.IPV4 : EtherType.IPV6);
    at += 2;
  }
  const l4Length = transportLength(transport);
  const protocol = transport.protocol === "tcp"
    ? IpProtocol.TCP
    : transport.protocol === "udp"
    ? IpProtocol.UDP
    : ip.version === 4
    ? IpProtocol.ICMP
    : IpProtocol.ICMPV6;
  let pseudo: number;
  if (ip.version === 4) {
    buf[at] = 0x45;
    buf[at + 1] = ip.typeOfService ?? 0;
    set16(buf, at + 2, 20 + l4Length);
    set16(buf, at + 4, ip.identification ?? 0);
    set16(buf, at + 6, (ip.dontFragment ?? true) ? 0x4000 : 0);
    buf[at + 8] = ip.ttl ?? 64;
    buf[at + 9] = protocol;
    set16(buf, at + 10, 0);
    set32(buf, at + 12, ip.source);
    set32(buf, at + 16, ip.destination);
    set16(buf, at + 10, internetChecksum(buf, at, at + 20));
    pseudo = protocol === IpProtocol.ICMP
      ? 0
      : pseudoHeaderSum4(ip.source, ip.destination, protocol, l4Length);
    at += 20;
  } else {
    set32(
      buf,
      at,
      (6 << 28) | ((ip.trafficClass ?? 0) << 20) | (ip.flowLabel ?? 0),
    );
    set16(buf, at + 4, l4Length);
    buf[at + 6] = protocol;
    buf[at + 7] = ip.hopLimit ?? 64;
    buf.set(ip.source.subarray(0, 16), at + 8);
    buf.set(ip.destination.subarray(0, 16), at + 24);
    pseudo = pseudoHeaderSum6(ip.source, ip.destination, protocol, l4Length);
    at += 40;
  }
  const l4 = at;
  let checksumAt: number;
  switch (transport.protocol) {
    case "tcp": {
      const headerLength = 20 + tcpOptionsLength(transport.options);
      set16(buf, at, transport.sourcePort);
      set16(buf, at + 2, transport.destinationPort);
      set32(buf, at + 4, transport.sequence);
      set32(buf, at + 8, transport.acknowledgment ?? 0);
      buf[at + 12] = ((headerLength >>> 2) << 4) |
        ((transport.flags >>> 8) & 1);
      buf[at + 13] = transport.flags;
      set16(buf, at + 14, transport.window ?? 64240);
      set16(buf, at + 18, transport.urgentPointer ?? 0);
      if (transport.options) {
        emitTcpOptions(transport.options, buf, at + 20, at + headerLength);
      }
      checksumAt = at + 16;
      at += headerLength;
      break;
    }
    case "udp":
      set16(buf, at, transport.sourcePort);
      set16(buf, at + 2, transport.destinationPort);
      set16(buf, at + 4, l4Length);
      checksumAt = at + 6;
      at += 8;
      break;
    case "icmp":
      buf[at] = transport.type;
      buf[at + 1] = transport.code;
      set32(buf, at + 4, transport.rest);
      checksumAt = at + 2;
      at += 8;
      break;
  }
  set16(buf, checksumAt, 0);
  if (transport.payload) {
    buf.set(transport.payload, at);
    at += transport.payload.length;
  }
  let checksum: number;
  if (repr.checksums === "offload") {
    checksum = pseudo; // CHECKSUM_PARTIAL seed; 0 for ICMPv4
  } else {
    checksum = internetChecksum(buf, l4, at, pseudo);
    // RFC 768: a computed UDP checksum of 0 is sent as all ones.
    if (checksum === 0 && transport.protocol === "udp") checksum = 0xffff;
  }
  set16(buf, checksumAt, checksum);
  return at - offset;
}

/**
 * Write an Ethernet/IPv4 ARP packet at `offset`; returns 28.
 *
 * @example
 * ```ts
 * import { emitArp, parseMac } from "./mod.ts";
 * const buf = new Uint8Array(28);
 * emitArp({ operation: 1, senderMac: parseMac("02:00:00:00:00:01"), senderIp: 0xc6120001,
 *   targetMac: new Uint8Array(6), targetIp: 0xc6120002 }, buf);
 * ```
 */
export function emitArp(
  repr: ArpRepr,
  buf: Uint8Array,
  offset: number = 0,
): number {
  if (offset + 28 > buf.length) {
    throw new RangeError(`ARP needs 28 bytes at offset ${offset}`);
  }
  set16(buf, offset, 1);
  set16(buf, offset + 2, EtherType.IPV4);
  buf[offset + 4] = 6;
  buf[offset + 5] = 4;
  set16(buf, offset + 6, repr.operation);
  buf.set(repr.senderMac.subarray(0, 6), offset + 8);
  set32(buf, offset + 14, repr.senderIp);
  buf.set(repr.targetMac.subarray(0, 6), offset + 18);
  set32(buf, offset + 24, repr.targetIp);
  return 28;
}
