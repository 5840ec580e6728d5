// parseFrame: one pass Ethernet → IP → transport that fills a reusable
// result object (masscan's preprocess_frame idea). Byte math only, no views,
// no allocation: the receive loop calls it for every frame.

import { get16, get32 } from "./bytes.ts";
import { EtherType } from "./ethernet.ts";
import { IpProtocol } from "./ipv4.ts";
import { walkIpv6Extensions } from "./ipv6.ts";
import type { PacketError } from "./error.ts";

/**
 * Link-layer header types (pcap LINKTYPE_ values) parseFrame understands:
 * Ethernet (with 802.1Q/QinQ tags), raw IP (`RAW` by version nibble, `IPV4`,
 * `IPV6`), BSD loopback (`NULL`: a 4-byte address family in the capturing
 * host's byte order; `LOOP`: in network order) and Linux cooked captures
 * (`LINUX_SLL`, 16-byte header, and `LINUX_SLL2`, 20-byte header, as
 * `tcpdump -i any` writes them).
 *
 * @example
 * ```ts
 * import { LinkType } from "./mod.ts";
 * LinkType.ETHERNET; // 1
 * LinkType.LINUX_SLL2; // 276
 * ```
 */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/**
 * What parseFrame found, from the outermost layer it could make sense of:
 * `"tcp"`, `"udp"`, `"icmp"` (v4), `"icmpv6"`, `"arp"`, `"ip"` (another
 * upper-layer protocol or a non-first fragment), `"other"` (an EtherType
 * that is not IP or ARP), or `"malformed"` (see `error`).
 *
 * @example
 * ```ts
 * import type { FrameKind } from "./mod.ts";
 * const kind: FrameKind = "tcp";
 * ```
 */
export type FrameKind =
  | "tcp"
  | "udp"
  | "icmp"
  | "icmpv6"
  | "arp"
  | "ip"
  | "other"
  | "malformed";

/**
 * The reusable result of {@linkcode parseFrame}: offsets into the parsed
 * buffer and decoded header fields. Fields of layers that were not present
 * keep the value from the previous frame; trust only those `kind` implies.
 * IPv6 addresses are not copied: read 16 bytes at `ip6SourceOffset` /
 * `ip6DestinationOffset` of the parsed buffer.
 *
 * @example
 * ```ts
 * import { ParsedFrame, parseFrame } from "./mod.ts";
 * const parsed = new ParsedFrame();
 * const frame = new Uint8Array(60);
 * if (parseFrame(frame, parsed) === "tcp") console.log(parsed.destinationPort);
 * ```
 */
export class ParsedFrame {
  /** What was found; same value parseFrame returned. */
  kind: FrameKind = "malformed";
  /** Why the frame is malformed, or null. */
  error: PacketError | null = null;
  /** Outermost VLAN ID, or -1 when untagged or raw IP. */
  vlanId: number = -1;
  /** Innermost EtherType (0x0800 / 0x86dd for raw IP frames). */
  etherType: number = 0;
  /** Offset of the IP (or ARP) header. */
  networkOffset: number = 0;
  /** 4, 6, or 0 for non-IP frames. */
  ipVersion: number = 0;
  /** IPv4 source address (unsigned 32-bit). */
  ip4Source: number = 0;
  /** IPv4 destination address (unsigned 32-bit). */
  ip4Destination: number = 0;
  /** Offset of the 16-byte IPv6 source address. */
  ip6SourceOffset: number = 0;
  /** Offset of the 16-byte IPv6 destination address. */
  ip6DestinationOffset: number = 0;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number = 0;
  /** IPv4 identification (0 for IPv6). */
  ipId: number = 0;
  /** Upper-layer protocol number. */
  protocol: number = 0;
  /** Offset of the transport (or ICMP) header. */
  transportOffset: number = 0;
  /** TCP/UDP source port. */
  sourcePort: number = 0;
  /** TCP/UDP destination port. */
  destinationPort: number = 0;
  /** TCP flags (9 bits). */
  tcpFlags: number = 0;
  /** TCP sequence number. */
  sequence: number = 0;
  /** TCP acknowledgment number. */
  acknowledgment: number = 0;
  /** TCP window. */
  window: number = 0;
  /** ICMP/ICMPv6 type. */
  icmpType: number = 0;
  /** ICMP/ICMPv6 code. */
  icmpCode: number = 0;
  /** ICMP echo identifier / sequence as one 32-bit word. */
  icmpRest: number = 0;
  /** Offset of the quoted packet of an ICMP error, or -1. */
  quotedOffset: number = -1;
  /** Quoted packet's upper-layer protocol (ICMP errors), or -1. */
  quotedProtocol: number = -1;
  /** Quoted IPv4 destination (ICMPv4 errors). */
  quotedIp4Destination: number = 0;
  /** Quoted transport source port (ICMP errors with TCP/UDP inside). */
  quotedSourcePort: number = 0;
  /** Quoted transport destination port. */
  quotedDestinationPort: number = 0;
  /** ARP operation. */
  arpOperation: number = 0;
  /** ARP sender IPv4 address. */
  arpSenderIp: number = 0;
  /** ARP target IPv4 address. */
  arpTargetIp: number = 0;
  /** Offset of the ARP sender MAC. */
  arpSenderMacOffset: number = 0;
  /** Start of the transport payload (TCP/UDP data, ICMP body). */
  payloadOffset: number = 0;
  /** End of the transport payload (exclusive). */
  payloadEnd: number = 0;
  /** Scratch for the IPv6 extension walk. */
  upperLayerProtocol: number = 0;
}

function malformed(out: ParsedFrame, error: PacketError): FrameKind {
  out.error = error;
  out.kind = "malformed";
  return "malformed";
}

/**
 * Parse one frame in place: Ethernet (with VLAN tags), raw IP, BSD loopback
 * or a Linux cooked header (see {@linkcode LinkType}), then IPv4
 * (options) or IPv6 (extension headers) or ARP, then TCP, UDP, ICMP or
 * ICMPv6 (with the quoted header of errors). Fills `out` and returns its
 * `kind`. Never throws, never reads out of `bytes[start, end)`, allocates
 * nothing. Ethernet padding after the IP packet is ignored. An unknown
 * `linkType` is `"malformed"` with error `"unsupported"`; a loopback family
 * or cooked protocol that is not IP or ARP is `"other"`.
 *
 * @example
 * ```ts
 * import { ParsedFrame, parseFrame, TcpFlags } from "./mod.ts";
 * const parsed = new ParsedFrame();
 * function onFrame(frame: Uint8Array): void {
 *   if (parseFrame(frame, parsed) !== "tcp") return;
 *   if ((parsed.tcpFlags & (TcpFlags.SYN | TcpFlags.ACK)) === (TcpFlags.SYN | TcpFlags.ACK)) {
 *     console.log("open", parsed.ip4Source, parsed.sourcePort);
 *   }
 * }
 * onFrame(new Uint8Array(60));
 * ```
 */
export function parseFrame(
  bytes: Uint8Array,
  out: ParsedFrame,
  start: number = 0,
  end: number = bytes.length,
  linkType: number = LinkType.ETHERNET,
): FrameKind {
  out.error = null;
  out.ipVersion = 0;
  out.vlanId = -1;
  out.quotedOffset = -1;
  out.quotedProtocol = -1;
  if (end > bytes.length) end = bytes.length;
  let at = start;
  let etherType: number;
  if (linkType === LinkType.ETHERNET) {
    at += 12;
    if (at + 2 > end) return malformed(out, "truncated");
    etherType = get16(bytes, at);
    while (etherType === EtherType.VLAN || etherType === EtherType.QINQ) {
      if (at + 6 > end) return malformed(out, "truncated");
      if (out.vlanId < 0) out.vlanId = get16(bytes, at + 2) & 0x0fff;
      at += 4;
      etherType = get16(bytes, at);
    }
    at += 2;
    out.networkOffset = at;
  } else {
    etherType = linkHeader(bytes, at, end, linkType, out);
    if (etherType < 0) return malformed(out, LINK_ERRORS[-etherType]);
    at = out.networkOffset;
  }
  out.etherType = etherType;
  let payloadEnd: number;
  if (etherType === EtherType.IPV4) {
    if (at + 20 > end) return malformed(out, "truncated");
    if (bytes[at] >>> 4 !== 4) return malformed(out, "bad-version");
    const headerLength = (bytes[at] & 15) << 2;
    if (headerLength < 20) return malformed(out, "header-too-short");
    if (at + headerLength > end) return malformed(out, "header-beyond-buffer");
    const total = get16(bytes, at + 2);
    if (total < headerLength) return malformed(out, "length-too-short");
    if (at + total > end) return malformed(out, "length-beyond-buffer");
    out.ipVersion = 4;
    out.ipId = get16(bytes, at + 4);
    out.ttl = bytes[at + 8];
    out.protocol = bytes[at + 9];
    out.ip4Source = get32(bytes, at + 12);
    out.ip4Destination = get32(bytes, at + 16);
    payloadEnd = at + total;
    const fragment = get16(bytes, at + 6) & 0x1fff;
    at += headerLength;
    if (fragment !== 0) return ipOnly(out, at, payloadEnd);
  } else if (etherType === EtherType.IPV6) {
    if (at + 40 > end) return malformed(out, "truncated");
    if (bytes[at] >>> 4 !== 6) return malformed(out, "bad-version");
    payloadEnd = at + 40 + get16(bytes, at + 4);
    if (payloadEnd > end) return malformed(out, "length-beyond-buffer");
    out.ipVersion = 6;
    out.ipId = 0;
    out.ttl = bytes[at + 7];
    out.ip6SourceOffset = at + 8;
    out.ip6DestinationOffset = at + 24;
    const upper = walkIpv6Extensions(bytes, at, payloadEnd, out);
    if (upper < 0) return malformed(out, "bad-option");
    out.protocol = out.upperLayerProtocol;
    at = upper;
  } else if (etherType === EtherType.ARP) {
    if (at + 28 > end) return malformed(out, "truncated");
    if (get16(bytes, at) !== 1 || get16(bytes, at + 2) !== EtherType.IPV4) {
      return malformed(out, "unsupported");
    }
    out.arpOperation = get16(bytes, at + 6);
    out.arpSenderMacOffset = at + 8;
    out.arpSenderIp = get32(bytes, at + 14);
    out.arpTargetIp = get32(bytes, at + 24);
    out.payloadOffset = out.payloadEnd = at + 28;
    out.kind = "arp";
    return "arp";
  } else {
    out.payloadOffset = at;
    out.payloadEnd = end;
    out.kind = "other";
    return "other";
  }
  out.transportOffset = at;
  switch (out.protocol) {
    case IpProtocol.TCP: {
      if (at + 20 > payloadEnd) return malformed(out, "truncated");
      const headerLength = (bytes[at + 12] >>> 4) << 2;
      if (headerLength < 20) return malformed(out, "header-too-short");
      if (at + headerLength > payloadEnd) {
        return malformed(out, "header-beyond-buffer");
      }
      out.sourcePort = get16(bytes, at);
      out.destinationPort = get16(bytes, at + 2);
      out.sequence = get32(bytes, at + 4);
      out.acknowledgment = get32(bytes, at + 8);
      out.tcpFlags = get16(bytes, at + 12) & 0x1ff;
      out.window = get16(bytes, at + 14);
      out.payloadOffset = at + headerLength;
      out.payloadEnd = payloadEnd;
      out.kind = "tcp";
      return "tcp";
    }
    case IpProtocol.UDP: {
      if (at + 8 > payloadEnd) return malformed(out, "truncated");
      const length = get16(bytes, at + 4);
      if (length < 8) return malformed(out, "length-too-short");
      if (at + length > payloadEnd) {
        return malformed(out, "length-beyond-buffer");
      }
      out.sourcePort = get16(bytes, at);
      out.destinationPort = get16(bytes, at + 2);
      out.payloadOffset = at + 8;
      out.payloadEnd = at + length;
      out.kind = "udp";
      return "udp";
    }
    case IpProtocol.ICMP:
    case IpProtocol.ICMPV6: {
      if (at + 8 > payloadEnd) return malformed(out, "truncated");
      const type = bytes[at];
      out.icmpType = type;
      out.icmpCode = bytes[at + 1];
      out.icmpRest = get32(bytes, at + 4);
      out.payloadOffset = at + 8;
      out.payloadEnd = payloadEnd;
      const v4 = out.protocol === IpProtocol.ICMP;
      const isError = v4
        ? (type === 3 || type === 11 || type === 12)
        : type < 128;
      if (isError) parseQuoted(bytes, at + 8, payloadEnd, v4, out);
      out.kind = v4 ? "icmp" : "icmpv6";
      return out.kind;
    }
    default:
      return ipOnly(out, at, payloadEnd);
  }
}

// linkHeader's negative results, indexed by their absolute value.
const LINK_TRUNCATED = -1;
const LINK_BAD_VERSION = -2;
const LINK_UNSUPPORTED = -3;
const LINK_ERRORS: readonly PacketError[] = [
  "unsupported",
  "truncated",
  "bad-version",
  "unsupported",
];

// Address families of IPv6 in DLT_NULL/DLT_LOOP headers: NetBSD and
// OpenBSD, FreeBSD, macOS (the capturing host's value is what is written;
// LINKTYPE_NULL defines these three, and Linux never writes NULL).
const AF_INET = 2;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

const SLL_HEADER_LENGTH = 16;
const SLL_PROTOCOL_AT = 14;
const SLL2_HEADER_LENGTH = 20;

/**
 * The link header of a non-Ethernet frame: sets `out.networkOffset` and
 * returns the EtherType of what follows (0 when it is neither IP nor ARP),
 * or a negative LINK_ code.
 */
function linkHeader(
  bytes: Uint8Array,
  at: number,
  end: number,
  linkType: number,
  out: ParsedFrame,
): number {
  switch (linkType) {
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6: {
      if (at >= end) return LINK_TRUNCATED;
      out.networkOffset = at;
      const version = bytes[at] >>> 4;
      if (version === 4 && linkType !== LinkType.IPV6) return EtherType.IPV4;
      if (version === 6 && linkType !== LinkType.IPV4) return EtherType.IPV6;
      return LINK_BAD_VERSION;
    }
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (at + 4 > end) return LINK_TRUNCATED;
      let family = get32(bytes, at);
      // NULL is in the writer's byte order: a family is small, so a value
      // with high bits set was written little-endian.
      if (linkType === LinkType.NULL && family > 0xffff) {
        family = bytes[at] | bytes[at + 1] << 8;
      }
      out.networkOffset = at + 4;
      return familyEtherType(family);
    }
    case LinkType.LINUX_SLL:
      if (at + SLL_HEADER_LENGTH > end) return LINK_TRUNCATED;
      return walkTags(bytes, at + SLL_PROTOCOL_AT, end, out);
    case LinkType.LINUX_SLL2: {
      if (at + SLL2_HEADER_LENGTH > end) return LINK_TRUNCATED;
      // The protocol leads the header; tags, if any, follow it as they
      // would follow an Ethernet type field.
      const protocol = get16(bytes, at);
      at += SLL2_HEADER_LENGTH;
      out.networkOffset = at;
      if (protocol !== EtherType.VLAN && protocol !== EtherType.QINQ) {
        return protocol;
      }
      if (at + 4 > end) return LINK_TRUNCATED;
      out.vlanId = get16(bytes, at) & 0x0fff;
      return walkTags(bytes, at + 2, end, out);
    }
    default:
      return LINK_UNSUPPORTED;
  }
}

/** Skip 802.1Q/QinQ tags from the type field at `at`; sets networkOffset. */
function walkTags(
  bytes: Uint8Array,
  at: number,
  end: number,
  out: ParsedFrame,
): number {
  let etherType = get16(bytes, at);
  while (etherType === EtherType.VLAN || etherType === EtherType.QINQ) {
    if (at + 6 > end) return LINK_TRUNCATED;
    if (out.vlanId < 0) out.vlanId = get16(bytes, at + 2) & 0x0fff;
    at += 4;
    etherType = get16(bytes, at);
  }
  out.networkOffset = at + 2;
  return etherType;
}

function familyEtherType(family: number): number {
  if (family === AF_INET) return EtherType.IPV4;
  if (
    family === AF_INET6_BSD || family === AF_INET6_FREEBSD ||
    family === AF_INET6_DARWIN
  ) return EtherType.IPV6;
  return 0;
}

function ipOnly(out: ParsedFrame, at: number, payloadEnd: number): FrameKind {
  out.transportOffset = at;
  out.payloadOffset = at;
  out.payloadEnd = payloadEnd;
  out.kind = "ip";
  return "ip";
}

/** Decode the IP header (+ ports) quoted in an ICMP error, if it fits. */
function parseQuoted(
  bytes: Uint8Array,
  at: number,
  end: number,
  v4: boolean,
  out: ParsedFrame,
): void {
  let transport: number;
  if (v4) {
    if (at + 20 > end || bytes[at] >>> 4 !== 4) return;
    const headerLength = (bytes[at] & 15) << 2;
    if (headerLength < 20) return;
    out.quotedProtocol = bytes[at + 9];
    out.quotedIp4Destination = get32(bytes, at + 16);
    transport = at + headerLength;
  } else {
    if (at + 40 > end || bytes[at] >>> 4 !== 6) return;
    out.quotedProtocol = bytes[at + 6];
    transport = at + 40;
  }
  out.quotedOffset = at;
  if (transport + 4 <= end) {
    out.quotedSourcePort = get16(bytes, transport);
    out.quotedDestinationPort = get16(bytes, transport + 2);
  }
}
