/**
 * Zero-copy packet views, one-pass frame parsing, plain-data packet builders,
 * and masscan-style probe templates.
 *
 * - **Views** (`EthernetFrame`, `ArpPacket`, `Ipv4Packet`, `Ipv6Packet`,
 *   `TcpPacket`, `UdpPacket`, `IcmpPacket`) read and write header fields in
 *   place over a `Uint8Array` at an offset; `check()` returns a
 *   {@linkcode PacketError} instead of throwing; `at()` re-points a view
 *   without allocating.
 * - **{@linkcode parseFrame}** walks Ethernet → IP → transport once into a
 *   reusable {@linkcode ParsedFrame}, allocating nothing (or, by
 *   {@linkcode LinkType}, raw IP, BSD loopback or a Linux cooked header).
 * - **Reprs** ({@linkcode PacketRepr}, {@linkcode emitPacket},
 *   {@linkcode emitArp}) build arbitrary packets with lengths and checksums.
 * - **Templates** (`TcpSynTemplate`, `UdpTemplate`, `IcmpEchoTemplate`, their
 *   `…6` IPv6 twins, and `ArpRequestTemplate`) write a probe with
 *   `write(buf, offset, dstIp, dstPort, seq)` and incremental checksums.
 * - **Reply frames**: `TcpSegmentWriter` (RSTs and a user-mode TCP's
 *   segments), `ArpReplyTemplate`, `NeighborSolicitationTemplate` and
 *   `NeighborAdvertisementTemplate`: every field set per frame, nothing
 *   allocated. Everyone who writes these frames uses them.
 *
 * Addresses: IPv4 as unsigned 32-bit numbers (`0xc6120001` is 198.18.0.1);
 * IPv6 as 16 network-order bytes in a `Uint8Array` (templates read
 * `dstIp[0..15]`; parsed frames give offsets into the frame); MACs as 6 bytes.
 *
 * @example
 * ```ts
 * import { ParsedFrame, parseFrame, parseIpv4, parseMac, TcpSynTemplate } from "./mod.ts";
 * const template = new TcpSynTemplate({
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: parseIpv4("198.18.0.1"), sourcePort: 40000,
 * });
 * const buf = new Uint8Array(2048);
 * const length = template.write(buf, 0, parseIpv4("198.18.0.2"), 443, 0xdeadbeef);
 * const parsed = new ParsedFrame();
 * parseFrame(buf, parsed, 0, length); // "tcp"
 * parsed.destinationPort; // 443
 * ```
 *
 * @module
 */

export {
  formatIpv4,
  formatIpv6,
  formatMac,
  parseIpv4,
  parseIpv6,
  parseMac,
} from "./address.ts";
export type { PacketError } from "./error.ts";
export { PacketView, PortsView } from "./view.ts";
export type { ChecksumMode } from "../checksum/mod.ts";
export {
  ETHERNET_HEADER_LENGTH,
  EthernetFrame,
  EtherType,
} from "./ethernet.ts";
export { ARP_LENGTH, ArpOperation, ArpPacket } from "./arp.ts";
export { IpProtocol, IPV4_HEADER_LENGTH, Ipv4Packet } from "./ipv4.ts";
export { IPV6_HEADER_LENGTH, Ipv6Packet } from "./ipv6.ts";
export {
  TCP_HEADER_LENGTH,
  TcpFlags,
  TcpOptionKind,
  TcpOptions,
  TcpPacket,
} from "./tcp.ts";
export { UDP_HEADER_LENGTH, UdpPacket } from "./udp.ts";
export {
  ICMP_HEADER_LENGTH,
  IcmpPacket,
  Icmpv4Type,
  Icmpv6Type,
} from "./icmp.ts";
export { type FrameKind, LinkType, ParsedFrame, parseFrame } from "./parse.ts";
export {
  ARP_REPLY_FRAME_LENGTH,
  ArpReplyTemplate,
  NEIGHBOR_ADVERTISEMENT_FRAME_LENGTH,
  NEIGHBOR_SOLICITATION_FRAME_LENGTH,
  NeighborAdvertisementTemplate,
  NeighborSolicitationTemplate,
  solicitedNodeAddress,
} from "./neighbor.ts";
export {
  TCP_SEGMENT4_HEADERS,
  TCP_SEGMENT6_HEADERS,
  TcpSegmentWriter,
} from "./tcp_segment.ts";
export {
  type ArpRepr,
  emitArp,
  emitPacket,
  type EthernetRepr,
  type IcmpRepr,
  type Ipv4Repr,
  type Ipv6Repr,
  packetLength,
  type PacketRepr,
  tcpOptionsLength,
  type TcpOptionsRepr,
  type TcpRepr,
  type UdpRepr,
} from "./repr.ts";
export {
  ArpRequestTemplate,
  type IcmpEchoOptions,
  IcmpEchoTemplate,
  IcmpEchoTemplate6,
  type TcpSynOptions,
  TcpSynTemplate,
  TcpSynTemplate6,
  type Template4Options,
  type Template6Options,
  type TemplateOptions,
  UdpTemplate,
  UdpTemplate6,
  type UdpTemplateOptions,
} from "./template.ts";
