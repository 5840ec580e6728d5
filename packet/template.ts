// Packet templates, masscan style: a probe frame is built once; `write`
// copies it and patches destination address, ports, sequence number and IP
// ID, fixing checksums incrementally (RFC 1624, checksum/) instead of
// re-summing. No allocation per packet.
//
// Conventions shared by every template:
//   - write(buf, offset, dstIp, dstPort, seq) returns the frame length;
//     `buf` must have room for `template.length` bytes at `offset`.
//   - IPv4 templates take dstIp as a 32-bit number, unsigned or signed (only
//     its 32 bits are used); IPv6 templates take 16 network-order bytes in a
//     Uint8Array (read at index 0..15; keep one scratch array and refill it
//     per target).
//   - seq is a 32-bit number, unsigned or signed (e.g. a SYN cookie, which
//     zon's siphash returns signed).
//   - In hot loops pass dstIp and seq in signed form (`ip | 0`): V8 boxes an
//     unsigned value ≥ 2^31 into a heap number when it crosses a call that
//     is not inlined — one allocation per packet — while an int32 stays a
//     small integer (tests/packet_template_test.ts counts GCs to prove it). With a source
//     port range of N ports, the source port is first + (seq mod N), so a
//     receiver can recompute it from the cookie.
//   - The IPv4 ID is (dstIp ^ dstPort ^ seq) & 0xffff: it varies per packet
//     and costs nothing to recompute. IPv6 has no ID.
//   - With `offload: true`, transport checksums hold the CHECKSUM_PARTIAL
//     seed (checksum/offload.ts); the IPv4 header checksum is always done.

import {
  checksumUpdate16,
  checksumUpdate32,
  foldSum,
  onesComplementSum,
  sumUpdate16,
  sumUpdate32,
} from "../checksum/mod.ts";
import { get16, set16, set32 } from "./bytes.ts";
import { EtherType } from "./ethernet.ts";
import {
  emitArp,
  emitPacket,
  type PacketRepr,
  type TcpOptionsRepr,
} from "./repr.ts";
import { TcpFlags } from "./tcp.ts";

const ZERO_IPV6: Uint8Array = new Uint8Array(16);

/**
 * Options common to all templates.
 *
 * @example
 * ```ts
 * import { parseMac, type TemplateOptions } from "./mod.ts";
 * const common: TemplateOptions = {
 *   sourceMac: parseMac("02:00:00:00:00:01"),
 *   routerMac: parseMac("02:00:00:00:00:02"),
 *   sourcePort: { first: 40000, count: 256 },
 * };
 * ```
 */
export interface TemplateOptions {
  /** Our MAC address (6 bytes). */
  sourceMac: Uint8Array;
  /** The next hop's MAC address (6 bytes); broadcast for ARP. */
  routerMac: Uint8Array;
  /** A fixed source port, or a range of `count` ports from `first`. */
  sourcePort?: number | { first: number; count: number };
  /** IPv4 TTL / IPv6 hop limit (default 64). */
  ttl?: number;
  /** Tag frames with this 802.1Q VLAN ID. */
  vlanId?: number;
  /** Leave transport checksums to the kernel/NIC (CHECKSUM_PARTIAL). */
  offload?: boolean;
}

/**
 * Options of an IPv4 template: a source address as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * import { parseMac, type Template4Options } from "./mod.ts";
 * const options: Template4Options = {
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: 0xc6120001,
 * };
 * ```
 */
export interface Template4Options extends TemplateOptions {
  /** Our IPv4 address. */
  sourceIp: number;
}

/**
 * Options of an IPv6 template: a source address as 16 bytes.
 *
 * @example
 * ```ts
 * import { parseIpv6, parseMac, type Template6Options } from "./mod.ts";
 * const options: Template6Options = {
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: parseIpv6("2001:2::1"),
 * };
 * ```
 */
export interface Template6Options extends TemplateOptions {
  /** Our IPv6 address (16 bytes). */
  sourceIp: Uint8Array;
}

/**
 * Extra options of the TCP SYN templates.
 *
 * @example
 * ```ts
 * import type { TcpSynOptions } from "./mod.ts";
 * const syn: TcpSynOptions = { tcpOptions: { mss: 1460 }, window: 1024 };
 * ```
 */
export interface TcpSynOptions {
  /** TCP options of the SYN (default: MSS 1460 only, like masscan). */
  tcpOptions?: TcpOptionsRepr;
  /** Window (default 1024, like masscan). */
  window?: number;
}

/**
 * Extra options of the UDP templates: a per-port payload hook, called once
 * per distinct destination port (the result and its checksum contribution
 * are cached, so the hook may allocate).
 *
 * @example
 * ```ts
 * import type { UdpTemplateOptions } from "./mod.ts";
 * const dnsQuery = new Uint8Array(17);
 * const udp: UdpTemplateOptions = { payload: (port) => port === 53 ? dnsQuery : new Uint8Array(0) };
 * ```
 */
export interface UdpTemplateOptions {
  /** Payload for a destination port (default: empty). */
  payload?: (destinationPort: number) => Uint8Array;
}

/**
 * Extra options of the ICMP echo templates.
 *
 * @example
 * ```ts
 * import type { IcmpEchoOptions } from "./mod.ts";
 * const echo: IcmpEchoOptions = { payload: new TextEncoder().encode("zon") };
 * ```
 */
export interface IcmpEchoOptions {
  /** Echo payload (default: empty). */
  payload?: Uint8Array;
}

function portRange(options: TemplateOptions): [number, number] {
  const port = options.sourcePort ?? 40000;
  if (typeof port === "number") return [port, 1];
  if (port.count < 1 || port.first + port.count > 65536) {
    throw new RangeError(
      `source port range ${port.first}+${port.count} is outside 0..65535`,
    );
  }
  return [port.first, port.count];
}

function linkLength(options: TemplateOptions): number {
  return options.vlanId === undefined ? 14 : 18;
}

/** Sum of the 8 big-endian words of an IPv6 address. */
function ipv6WordSum(address: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 16; i += 2) sum += (address[i] << 8) | address[i + 1];
  return sum;
}

/** Copy `length` bytes of `frame` to `buf[offset]` (short frames). */
/**
 * The source port of a probe: fixed, or — with a range of `count` ports —
 * `first + seq mod count`, so a receiver can recompute it from the cookie.
 */
function sourcePortFor(first: number, count: number, seq: number): number {
  return count === 1 ? first : first + (seq >>> 0) % count;
}

/**
 * Patches the UDP header at `udp` (ports, length) and its checksum, for
 * both address families. `addressed` is the template's checksum field with
 * the destination address already folded in (RFC 1624 update, or a plain
 * sum update of the pseudo-header seed when `offload`).
 */
function patchUdpHeader(
  buf: Uint8Array,
  udp: number,
  addressed: number,
  offload: boolean,
  firstPort: number,
  sourcePort: number,
  dstPort: number,
  udpLength: number,
  payloadSum: number,
): void {
  set16(buf, udp, sourcePort);
  set16(buf, udp + 2, dstPort);
  set16(buf, udp + 4, udpLength);
  let checksum: number;
  if (offload) {
    checksum = sumUpdate16(addressed, 8, udpLength);
  } else {
    // The length appears twice: pseudo-header and UDP header.
    checksum = checksumUpdate16(addressed, 8, udpLength);
    checksum = checksumUpdate16(checksum, 8, udpLength);
    checksum = checksumUpdate16(checksum, firstPort, sourcePort);
    checksum = checksumUpdate16(checksum, 0, dstPort);
    checksum = checksumUpdate16(checksum, 0, payloadSum);
    if (checksum === 0) checksum = 0xffff; // RFC 768
  }
  set16(buf, udp + 6, checksum);
}

/**
 * The frame every template starts from: `transport` over IPv4 or IPv6 (by
 * the options' source address), destination zero, from `options`' MACs
 * and VLAN, checksums computed (or seeded for offload).
 */
function templateFrame(
  options: Template4Options | Template6Options,
  transport: PacketRepr["transport"],
  offload: boolean,
): Uint8Array {
  const ip: PacketRepr["ip"] = typeof options.sourceIp === "number"
    ? { version: 4, source: options.sourceIp, destination: 0, ttl: options.ttl }
    : {
      version: 6,
      source: options.sourceIp,
      destination: ZERO_IPV6,
      hopLimit: options.ttl,
    };
  const scratch = new Uint8Array(2048);
  const length = emitPacket({
    ethernet: {
      destination: options.routerMac,
      source: options.sourceMac,
      vlanId: options.vlanId,
    },
    ip,
    transport,
    checksums: offload ? "offload" : "compute",
  }, scratch);
  return scratch.slice(0, length);
}

function copyFrame(
  frame: Uint8Array,
  length: number,
  buf: Uint8Array,
  offset: number,
): void {
  if (offset + length > buf.length) {
    throw new RangeError(
      `frame needs ${length} bytes at offset ${offset}, buffer has ${buf.length}`,
    );
  }
  buf.set(frame, offset);
}

/**
 * TCP SYN probe over IPv4.
 *
 * @example
 * ```ts
 * import { parseMac, TcpSynTemplate } from "./mod.ts";
 * const template = new TcpSynTemplate({
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: 0xc6120001, sourcePort: 40000,
 * });
 * const buf = new Uint8Array(2048);
 * const length = template.write(buf, 0, 0xc6120002, 80, 0x12345678);
 * ```
 */
export class TcpSynTemplate {
  /** The template frame (destination 0.0.0.0, port 0, seq 0). */
  readonly frame: Uint8Array;
  /** Bytes each write produces. */
  readonly length: number;
  /** Offset of the IPv4 header in the frame. */
  readonly ipOffset: number;
  /** Offset of the TCP header in the frame. */
  readonly tcpOffset: number;
  /** True when transport checksums are left to offload. */
  readonly offload: boolean;
  #firstPort: number;
  #portCount: number;
  #ipChecksum: number;
  #tcpChecksum: number;

  /** Build the template frame once. */
  constructor(options: Template4Options & TcpSynOptions) {
    const [first, count] = portRange(options);
    this.#firstPort = first;
    this.#portCount = count;
    this.offload = options.offload ?? false;
    this.frame = templateFrame(options, {
      protocol: "tcp",
      sourcePort: first,
      destinationPort: 0,
      sequence: 0,
      flags: TcpFlags.SYN,
      window: options.window ?? 1024,
      options: options.tcpOptions ?? { mss: 1460 },
    }, this.offload);
    this.length = this.frame.length;
    this.ipOffset = linkLength(options);
    this.tcpOffset = this.ipOffset + 20;
    this.#ipChecksum = get16(this.frame, this.ipOffset + 10);
    this.#tcpChecksum = get16(this.frame, this.tcpOffset + 16);
  }

  /**
   * Write one SYN to `buf` at `offset` for `dstIp:dstPort` with sequence
   * number `seq`; returns the frame length.
   */
  write(
    buf: Uint8Array,
    offset: number,
    dstIp: number,
    dstPort: number,
    seq: number,
  ): number {
    copyFrame(this.frame, this.length, buf, offset);
    return this.patch(buf, offset, dstIp, dstPort, seq);
  }

  /**
   * Like {@linkcode write}, but skips copying the frame: `buf[offset, ...)`
   * must already hold a frame from this template's `write` (a reused TX ring
   * slot, say). Every per-packet field is rewritten, so any earlier target
   * works. Saves the copy, the largest cost of `write`.
   */
  patch(
    buf: Uint8Array,
    offset: number,
    dstIp: number,
    dstPort: number,
    seq: number,
  ): number {
    const ip = offset + this.ipOffset;
    const tcp = offset + this.tcpOffset;
    const ipId = (dstIp ^ dstPort ^ seq) & 0xffff;
    set16(buf, ip + 4, ipId);
    set32(buf, ip + 16, dstIp);
    set16(
      buf,
      ip + 10,
      checksumUpdate16(checksumUpdate32(this.#ipChecksum, 0, dstIp), 0, ipId),
    );
    const sourcePort = sourcePortFor(this.#firstPort, this.#portCount, seq);
    set16(buf, tcp, sourcePort);
    set16(buf, tcp + 2, dstPort);
    set32(buf, tcp + 4, seq);
    let checksum: number;
    if (this.offload) {
      // The seed holds only the pseudo-header: the NIC sums the header.
      checksum = sumUpdate32(this.#tcpChecksum, 0, dstIp);
    } else {
      checksum = checksumUpdate32(this.#tcpChecksum, 0, dstIp);
      checksum = checksumUpdate16(checksum, this.#firstPort, sourcePort);
      checksum = checksumUpdate16(checksum, 0, dstPort);
      checksum = checksumUpdate32(checksum, 0, seq);
    }
    set16(buf, tcp + 16, checksum);
    return this.length;
  }
}

/**
 * TCP SYN probe over IPv6. `dstIp` is 16 bytes in a Uint8Array.
 *
 * @example
 * ```ts
 * import { parseIpv6, parseMac, TcpSynTemplate6 } from "./mod.ts";
 * const template = new TcpSynTemplate6({
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: parseIpv6("2001:2::1"),
 * });
 * const target = parseIpv6("2001:2::2");
 * const buf = new Uint8Array(2048);
 * template.write(buf, 0, target, 443, 0x12345678);
 * ```
 */
export class TcpSynTemplate6 {
  /** The template frame (destination ::, port 0, seq 0). */
  readonly frame: Uint8Array;
  /** Bytes each write produces. */
  readonly length: number;
  /** Offset of the IPv6 header in the frame. */
  readonly ipOffset: number;
  /** Offset of the TCP header in the frame. */
  readonly tcpOffset: number;
  /** True when transport checksums are left to offload. */
  readonly offload: boolean;
  #firstPort: number;
  #portCount: number;
  #tcpChecksum: number;

  /** Build the template frame once. */
  constructor(options: Template6Options & TcpSynOptions) {
    const [first, count] = portRange(options);
    this.#firstPort = first;
    this.#portCount = count;
    this.offload = options.offload ?? false;
    this.frame = templateFrame(options, {
      protocol: "tcp",
      sourcePort: first,
      destinationPort: 0,
      sequence: 0,
      flags: TcpFlags.SYN,
      window: options.window ?? 1024,
      options: options.tcpOptions ?? { mss: 1440 },
    }, this.offload);
    this.length = this.frame.length;
    this.ipOffset = linkLength(options);
    this.tcpOffset = this.ipOffset + 40;
    this.#tcpChecksum = get16(this.frame, this.tcpOffset + 16);
  }

  /** Write one SYN to `buf` at `offset`; returns the frame length. */
  write(
    buf: Uint8Array,
    offset: number,
    dstIp: Uint8Array,
    dstPort: number,
    seq: number,
  ): number {
    copyFrame(this.frame, this.length, buf, offset);
    const ip = offset + this.ipOffset;
    const tcp = offset + this.tcpOffset;
    for (let i = 0; i < 16; i++) buf[ip + 24 + i] = dstIp[i];
    const addressSum = foldSum(ipv6WordSum(dstIp));
    const sourcePort = sourcePortFor(this.#firstPort, this.#portCount, seq);
    set16(buf, tcp, sourcePort);
    set16(buf, tcp + 2, dstPort);
    set32(buf, tcp + 4, seq);
    let checksum: number;
    if (this.offload) {
      checksum = sumUpdate16(this.#tcpChecksum, 0, addressSum);
    } else {
      checksum = checksumUpdate16(this.#tcpChecksum, 0, addressSum);
      checksum = checksumUpdate16(checksum, this.#firstPort, sourcePort);
      checksum = checksumUpdate16(checksum, 0, dstPort);
      checksum = checksumUpdate32(checksum, 0, seq);
    }
    set16(buf, tcp + 16, checksum);
    return this.length;
  }
}

interface CachedPayload {
  bytes: Uint8Array;
  sum: number;
}

/**
 * Shared UDP machinery for both IP versions: cached payloads per port and
 * the checksum arithmetic for a datagram whose length varies with the port.
 */
class UdpPayloads {
  #hook: ((port: number) => Uint8Array) | undefined;
  #cache: (CachedPayload | undefined)[] = new Array(65536);
  #empty: CachedPayload = { bytes: new Uint8Array(0), sum: 0 };

  constructor(hook: ((port: number) => Uint8Array) | undefined) {
    this.#hook = hook;
  }

  get(port: number): CachedPayload {
    if (this.#hook === undefined) return this.#empty;
    let cached = this.#cache[port];
    if (cached === undefined) {
      const bytes = this.#hook(port).slice();
      cached = { bytes, sum: onesComplementSum(bytes) };
      this.#cache[port] = cached;
    }
    return cached;
  }
}

/**
 * UDP probe over IPv4, with a per-port payload hook. `seq` only feeds the
 * source port choice and the IP ID (UDP has no sequence number; put a
 * cookie in the payload hook's protocol if you need one).
 *
 * @example
 * ```ts
 * import { parseMac, UdpTemplate } from "./mod.ts";
 * const template = new UdpTemplate({
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: 0xc6120001, payload: (port) => new TextEncoder().encode(`probe ${port}`),
 * });
 * const buf = new Uint8Array(2048);
 * const length = template.write(buf, 0, 0xc6120002, 53, 7);
 * ```
 */
export class UdpTemplate {
  /** The template frame (empty payload, destination 0.0.0.0, port 0). */
  readonly frame: Uint8Array;
  /** Length of the frame without payload. */
  readonly headerLength: number;
  /** Offset of the IPv4 header in the frame. */
  readonly ipOffset: number;
  /** Offset of the UDP header in the frame. */
  readonly udpOffset: number;
  /** True when the UDP checksum is left to offload. */
  readonly offload: boolean;
  #firstPort: number;
  #portCount: number;
  #ipChecksum: number;
  #udpChecksum: number;
  #payloads: UdpPayloads;

  /** Build the template frame once. */
  constructor(options: Template4Options & UdpTemplateOptions) {
    const [first, count] = portRange(options);
    this.#firstPort = first;
    this.#portCount = count;
    this.offload = options.offload ?? false;
    this.#payloads = new UdpPayloads(options.payload);
    this.frame = templateFrame(options, {
      protocol: "udp",
      sourcePort: first,
      destinationPort: 0,
    }, this.offload);
    this.headerLength = this.frame.length;
    this.ipOffset = linkLength(options);
    this.udpOffset = this.ipOffset + 20;
    this.#ipChecksum = get16(this.frame, this.ipOffset + 10);
    this.#udpChecksum = get16(this.frame, this.udpOffset + 6);
  }

  /** Frame length for a destination port (header plus that port's payload). */
  lengthFor(dstPort: number): number {
    return this.headerLength + this.#payloads.get(dstPort).bytes.length;
  }

  /** Write one datagram to `buf` at `offset`; returns the frame length. */
  write(
    buf: Uint8Array,
    offset: number,
    dstIp: number,
    dstPort: number,
    seq: number,
  ): number {
    const payload = this.#payloads.get(dstPort);
    const total = this.headerLength + payload.bytes.length;
    copyFrame(this.frame, total, buf, offset);
    buf.set(payload.bytes, offset + this.headerLength);
    const ip = offset + this.ipOffset;
    const udp = offset + this.udpOffset;
    const udpLength = 8 + payload.bytes.length;
    const ipId = (dstIp ^ dstPort ^ seq) & 0xffff;
    set16(buf, ip + 2, 20 + udpLength);
    set16(buf, ip + 4, ipId);
    set32(buf, ip + 16, dstIp);
    let ipChecksum = checksumUpdate32(this.#ipChecksum, 0, dstIp);
    ipChecksum = checksumUpdate16(ipChecksum, 28, 20 + udpLength);
    set16(buf, ip + 10, checksumUpdate16(ipChecksum, 0, ipId));
    const sourcePort = sourcePortFor(this.#firstPort, this.#portCount, seq);
    patchUdpHeader(
      buf,
      udp,
      this.offload
        ? sumUpdate32(this.#udpChecksum, 0, dstIp)
        : checksumUpdate32(this.#udpChecksum, 0, dstIp),
      this.offload,
      this.#firstPort,
      sourcePort,
      dstPort,
      udpLength,
      payload.sum,
    );
    return total;
  }
}

/**
 * UDP probe over IPv6, with a per-port payload hook. `dstIp` is 16 bytes.
 *
 * @example
 * ```ts
 * import { parseIpv6, parseMac, UdpTemplate6 } from "./mod.ts";
 * const template = new UdpTemplate6({
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: parseIpv6("2001:2::1"),
 * });
 * const buf = new Uint8Array(2048);
 * template.write(buf, 0, parseIpv6("2001:2::2"), 53, 7);
 * ```
 */
export class UdpTemplate6 {
  /** The template frame (empty payload, destination ::, port 0). */
  readonly frame: Uint8Array;
  /** Length of the frame without payload. */
  readonly headerLength: number;
  /** Offset of the IPv6 header in the frame. */
  readonly ipOffset: number;
  /** Offset of the UDP header in the frame. */
  readonly udpOffset: number;
  /** True when the UDP checksum is left to offload. */
  readonly offload: boolean;
  #firstPort: number;
  #portCount: number;
  #udpChecksum: number;
  #payloads: UdpPayloads;

  /** Build the template frame once. */
  constructor(options: Template6Options & UdpTemplateOptions) {
    const [first, count] = portRange(options);
    this.#firstPort = first;
    this.#portCount = count;
    this.offload = options.offload ?? false;
    this.#payloads = new UdpPayloads(options.payload);
    this.frame = templateFrame(options, {
      protocol: "udp",
      sourcePort: first,
      destinationPort: 0,
    }, this.offload);
    this.headerLength = this.frame.length;
    this.ipOffset = linkLength(options);
    this.udpOffset = this.ipOffset + 40;
    this.#udpChecksum = get16(this.frame, this.udpOffset + 6);
  }

  /** Frame length for a destination port (header plus that port's payload). */
  lengthFor(dstPort: number): number {
    return this.headerLength + this.#payloads.get(dstPort).bytes.length;
  }

  /** Write one datagram to `buf` at `offset`; returns the frame length. */
  write(
    buf: Uint8Array,
    offset: number,
    dstIp: Uint8Array,
    dstPort: number,
    seq: number,
  ): number {
    const payload = this.#payloads.get(dstPort);
    const total = this.headerLength + payload.bytes.length;
    copyFrame(this.frame, total, buf, offset);
    buf.set(payload.bytes, offset + this.headerLength);
    const ip = offset + this.ipOffset;
    const udp = offset + this.udpOffset;
    const udpLength = 8 + payload.bytes.length;
    set16(buf, ip + 4, udpLength);
    for (let i = 0; i < 16; i++) buf[ip + 24 + i] = dstIp[i];
    const addressSum = foldSum(ipv6WordSum(dstIp));
    const sourcePort = sourcePortFor(this.#firstPort, this.#portCount, seq);
    patchUdpHeader(
      buf,
      udp,
      this.offload
        ? sumUpdate16(this.#udpChecksum, 0, addressSum)
        : checksumUpdate16(this.#udpChecksum, 0, addressSum),
      this.offload,
      this.#firstPort,
      sourcePort,
      dstPort,
      udpLength,
      payload.sum,
    );
    return total;
  }
}

/**
 * ICMP echo request over IPv4. `dstPort` is ignored; `seq` becomes the echo
 * identifier (high 16 bits) and sequence number (low 16 bits), so a reply
 * echoes the whole 32-bit cookie back.
 *
 * @example
 * ```ts
 * import { IcmpEchoTemplate, parseMac } from "./mod.ts";
 * const template = new IcmpEchoTemplate({
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: 0xc6120001,
 * });
 * const buf = new Uint8Array(2048);
 * template.write(buf, 0, 0xc6120002, 0, 0xcafe0001);
 * ```
 */
export class IcmpEchoTemplate {
  /** The template frame (destination 0.0.0.0, identifier/sequence 0). */
  readonly frame: Uint8Array;
  /** Bytes each write produces. */
  readonly length: number;
  /** Offset of the IPv4 header in the frame. */
  readonly ipOffset: number;
  /** Offset of the ICMP header in the frame. */
  readonly icmpOffset: number;
  /** True when the ICMP checksum is left to offload (then it stays 0). */
  readonly offload: boolean;
  #ipChecksum: number;
  #icmpChecksum: number;

  /** Build the template frame once. */
  constructor(options: Template4Options & IcmpEchoOptions) {
    this.offload = options.offload ?? false;
    this.frame = templateFrame(options, {
      protocol: "icmp",
      type: 8,
      code: 0,
      rest: 0,
      payload: options.payload,
    }, this.offload);
    this.length = this.frame.length;
    this.ipOffset = linkLength(options);
    this.icmpOffset = this.ipOffset + 20;
    this.#ipChecksum = get16(this.frame, this.ipOffset + 10);
    this.#icmpChecksum = get16(this.frame, this.icmpOffset + 2);
  }

  /** Write one echo request to `buf` at `offset`; returns the length. */
  write(
    buf: Uint8Array,
    offset: number,
    dstIp: number,
    dstPort: number,
    seq: number,
  ): number {
    copyFrame(this.frame, this.length, buf, offset);
    const ip = offset + this.ipOffset;
    const icmp = offset + this.icmpOffset;
    const ipId = (dstIp ^ dstPort ^ seq) & 0xffff;
    set16(buf, ip + 4, ipId);
    set32(buf, ip + 16, dstIp);
    set16(
      buf,
      ip + 10,
      checksumUpdate16(checksumUpdate32(this.#ipChecksum, 0, dstIp), 0, ipId),
    );
    set32(buf, icmp + 4, seq);
    if (!this.offload) {
      set16(buf, icmp + 2, checksumUpdate32(this.#icmpChecksum, 0, seq));
    }
    return this.length;
  }
}

/**
 * ICMPv6 echo request. `dstIp` is 16 bytes; `dstPort` is ignored; `seq`
 * becomes identifier (high 16 bits) and sequence number (low 16 bits).
 *
 * @example
 * ```ts
 * import { IcmpEchoTemplate6, parseIpv6, parseMac } from "./mod.ts";
 * const template = new IcmpEchoTemplate6({
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("02:00:00:00:00:02"),
 *   sourceIp: parseIpv6("2001:2::1"),
 * });
 * const buf = new Uint8Array(2048);
 * template.write(buf, 0, parseIpv6("2001:2::2"), 0, 0xcafe0001);
 * ```
 */
export class IcmpEchoTemplate6 {
  /** The template frame (destination ::, identifier/sequence 0). */
  readonly frame: Uint8Array;
  /** Bytes each write produces. */
  readonly length: number;
  /** Offset of the IPv6 header in the frame. */
  readonly ipOffset: number;
  /** Offset of the ICMPv6 header in the frame. */
  readonly icmpOffset: number;
  /** True when the ICMPv6 checksum is left to offload. */
  readonly offload: boolean;
  #icmpChecksum: number;

  /** Build the template frame once. */
  constructor(options: Template6Options & IcmpEchoOptions) {
    this.offload = options.offload ?? false;
    this.frame = templateFrame(options, {
      protocol: "icmp",
      type: 128,
      code: 0,
      rest: 0,
      payload: options.payload,
    }, this.offload);
    this.length = this.frame.length;
    this.ipOffset = linkLength(options);
    this.icmpOffset = this.ipOffset + 40;
    this.#icmpChecksum = get16(this.frame, this.icmpOffset + 2);
  }

  /** Write one echo request to `buf` at `offset`; returns the length. */
  write(
    buf: Uint8Array,
    offset: number,
    dstIp: Uint8Array,
    _dstPort: number,
    seq: number,
  ): number {
    copyFrame(this.frame, this.length, buf, offset);
    const ip = offset + this.ipOffset;
    const icmp = offset + this.icmpOffset;
    for (let i = 0; i < 16; i++) buf[ip + 24 + i] = dstIp[i];
    const addressSum = foldSum(ipv6WordSum(dstIp));
    set32(buf, icmp + 4, seq);
    const checksum = this.offload
      ? sumUpdate16(this.#icmpChecksum, 0, addressSum)
      : checksumUpdate32(
        checksumUpdate16(this.#icmpChecksum, 0, addressSum),
        0,
        seq,
      );
    set16(buf, icmp + 2, checksum);
    return this.length;
  }
}

/**
 * ARP request (who-has `dstIp`, tell our address), broadcast unless
 * `routerMac` says otherwise. IPv4 only: IPv6 resolves neighbors with
 * ICMPv6 neighbor solicitation. `dstPort` and `seq` are ignored.
 *
 * @example
 * ```ts
 * import { ArpRequestTemplate, parseMac } from "./mod.ts";
 * const template = new ArpRequestTemplate({
 *   sourceMac: parseMac("02:00:00:00:00:01"), routerMac: parseMac("ff:ff:ff:ff:ff:ff"),
 *   sourceIp: 0xc6120001,
 * });
 * const buf = new Uint8Array(64);
 * template.write(buf, 0, 0xc6120002, 0, 0);
 * ```
 */
export class ArpRequestTemplate {
  /** The template frame (target 0.0.0.0). */
  readonly frame: Uint8Array;
  /** Bytes each write produces. */
  readonly length: number;
  /** Offset of the ARP packet in the frame. */
  readonly arpOffset: number;

  /** Build the template frame once. */
  constructor(options: Template4Options) {
    const link = linkLength(options);
    const frame = new Uint8Array(link + 28);
    frame.set(options.routerMac.subarray(0, 6), 0);
    frame.set(options.sourceMac.subarray(0, 6), 6);
    if (options.vlanId !== undefined) {
      set16(frame, 12, EtherType.VLAN);
      set16(frame, 14, options.vlanId & 0x0fff);
    }
    set16(frame, link - 2, EtherType.ARP);
    emitArp(
      {
        operation: 1,
        senderMac: options.sourceMac,
        senderIp: options.sourceIp,
        targetMac: new Uint8Array(6),
        targetIp: 0,
      },
      frame,
      link,
    );
    this.frame = frame;
    this.length = frame.length;
    this.arpOffset = link;
  }

  /** Write one request for `dstIp` to `buf` at `offset`; returns the length. */
  write(
    buf: Uint8Array,
    offset: number,
    dstIp: number,
    _dstPort: number,
    _seq: number,
  ): number {
    copyFrame(this.frame, this.length, buf, offset);
    set32(buf, offset + this.arpOffset + 24, dstIp);
    return this.length;
  }
}
