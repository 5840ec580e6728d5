// Neighbor resolution frames, as allocation-free templates: the ARP reply
// (RFC 826) and ICMPv6 neighbor solicitation and advertisement (RFC 4861
// §4.3, §4.4). The ARP request is `ArpRequestTemplate` in template.ts, with
// the probe templates. Each template holds what is fixed (our MAC, our
// address, the constant header fields) and `write` fills in the other side.

import { internetChecksum, pseudoHeaderSum6 } from "../checksum/mod.ts";
import { set16, set32 } from "./bytes.ts";
import { EtherType } from "./ethernet.ts";
import { Icmpv6Type } from "./icmp.ts";
import { IpProtocol } from "./ipv4.ts";

/** Bytes of an ARP reply frame: 14 + 28, padded to Ethernet's 60-byte minimum. */
export const ARP_REPLY_FRAME_LENGTH: number = 60;
/** Bytes of a neighbor solicitation frame: 14 + 40 + 24 + an 8-byte source link-layer option. */
export const NEIGHBOR_SOLICITATION_FRAME_LENGTH: number = 86;
/** Bytes of a neighbor advertisement frame: 14 + 40 + 24 + an 8-byte target link-layer option. */
export const NEIGHBOR_ADVERTISEMENT_FRAME_LENGTH: number = 86;

const ICMPV6_BODY = 32; // type..target address (24) + one 8-byte option
const IP6 = 14; // offset of the IPv6 header in the frame
const ICMP6 = IP6 + 40;

/**
 * Writes the solicited-node multicast address of the 16 bytes of `target`
 * at `targetAt` (ff02::1:ffXX:XXXX, RFC 4291 §2.7.1) into `out` at `outAt`;
 * returns `out`.
 *
 * @example
 * ```ts
 * import { formatIpv6, parseIpv6, solicitedNodeAddress } from "./mod.ts";
 * formatIpv6(solicitedNodeAddress(parseIpv6("2001:2::1:2:3"))); // "ff02::1:ff02:3"
 * ```
 */
export function solicitedNodeAddress(
  target: Uint8Array,
  out: Uint8Array = new Uint8Array(16),
  outAt = 0,
  targetAt = 0,
): Uint8Array {
  out.fill(0, outAt, outAt + 16);
  out[outAt] = 0xff;
  out[outAt + 1] = 0x02;
  out[outAt + 11] = 0x01;
  out[outAt + 12] = 0xff;
  for (let i = 13; i < 16; i++) out[outAt + i] = target[targetAt + i];
  return out;
}

/**
 * ARP replies "`sourceIp` is at `sourceMac`", to whoever asked.
 *
 * @example
 * ```ts
 * import { ArpReplyTemplate, parseMac } from "./mod.ts";
 * const reply = new ArpReplyTemplate({
 *   sourceMac: parseMac("02:00:00:00:00:01"),
 *   sourceIp: 0xc6120001,
 * });
 * const asker = parseMac("02:00:00:00:00:02");
 * const frame = new Uint8Array(64);
 * reply.write(frame, 0, asker, 0, 0xc6120002); // 60
 * ```
 */
export class ArpReplyTemplate {
  /** The frame with our side filled in (the asker's MAC and IP zero). */
  readonly frame: Uint8Array;

  /** Builds the constant part once. */
  constructor(options: { sourceMac: Uint8Array; sourceIp: number }) {
    const f = new Uint8Array(ARP_REPLY_FRAME_LENGTH);
    f.set(options.sourceMac.subarray(0, 6), 6); // Ethernet source
    set16(f, 12, EtherType.ARP);
    set16(f, 14, 1); // hardware type: Ethernet
    set16(f, 16, EtherType.IPV4); // protocol type
    f[18] = 6; // hardware address length
    f[19] = 4; // protocol address length
    set16(f, 20, 2); // operation: reply
    f.set(options.sourceMac.subarray(0, 6), 22); // sender hardware address
    set32(f, 28, options.sourceIp); // sender protocol address
    this.frame = f;
  }

  /**
   * Writes the reply to the asker whose MAC is the 6 bytes of `asker` at
   * `askerMacAt` and whose IPv4 address is `askerIp`; returns 60.
   */
  write(
    buf: Uint8Array,
    at: number,
    asker: Uint8Array,
    askerMacAt: number,
    askerIp: number,
  ): number {
    const f = this.frame;
    for (let i = 0; i < ARP_REPLY_FRAME_LENGTH; i++) buf[at + i] = f[i];
    for (let i = 0; i < 6; i++) {
      buf[at + i] = asker[askerMacAt + i]; // Ethernet destination
      buf[at + 32 + i] = asker[askerMacAt + i]; // target hardware address
    }
    set32(buf, at + 38, askerIp); // target protocol address
    return ARP_REPLY_FRAME_LENGTH;
  }
}

/** Writes the Ethernet, IPv6 (hop limit 255) and ICMPv6 type fields every NDP frame shares. */
function ndpHeaders(f: Uint8Array, sourceMac: Uint8Array, type: number): void {
  f.set(sourceMac.subarray(0, 6), 6);
  set16(f, 12, EtherType.IPV6);
  f[IP6] = 0x60; // version 6, traffic class 0, flow label 0
  set16(f, IP6 + 4, ICMPV6_BODY);
  f[IP6 + 6] = IpProtocol.ICMPV6;
  f[IP6 + 7] = 255; // RFC 4861: receivers drop NDP with any other hop limit
  f[ICMP6] = type;
}

/** Sets the ICMPv6 checksum of an NDP frame written at `at`. */
function ndpChecksum(buf: Uint8Array, at: number): void {
  const icmp = at + ICMP6;
  set16(buf, icmp + 2, 0);
  const pseudo = pseudoHeaderSum6(
    buf,
    buf,
    IpProtocol.ICMPV6,
    ICMPV6_BODY,
    at + IP6 + 8,
    at + IP6 + 24,
  );
  set16(buf, icmp + 2, internetChecksum(buf, icmp, icmp + ICMPV6_BODY, pseudo));
}

/**
 * Neighbor solicitations from `sourceMac` (RFC 4861 §4.3): sent to the
 * target's solicited-node group, with our MAC as source link-layer address.
 *
 * @example
 * ```ts
 * import { NeighborSolicitationTemplate, parseIpv6, parseMac } from "./mod.ts";
 * const ns = new NeighborSolicitationTemplate({ sourceMac: parseMac("02:00:00:00:00:01") });
 * const frame = new Uint8Array(128);
 * ns.write(frame, 0, parseIpv6("fe80::1"), 0, parseIpv6("fe80::2"), 0); // 86
 * ```
 */
export class NeighborSolicitationTemplate {
  /** The frame with the constant fields filled in. */
  readonly frame: Uint8Array;

  /** Builds the constant part once. */
  constructor(options: { sourceMac: Uint8Array }) {
    const f = new Uint8Array(NEIGHBOR_SOLICITATION_FRAME_LENGTH);
    ndpHeaders(f, options.sourceMac, Icmpv6Type.NEIGHBOR_SOLICITATION);
    f[ICMP6 + 24] = 1; // option: source link-layer address
    f[ICMP6 + 25] = 1; // option length, in 8-byte units
    f.set(options.sourceMac.subarray(0, 6), ICMP6 + 26);
    this.frame = f;
  }

  /**
   * Writes a solicitation from the IPv6 address at `source[sourceAt..]` for
   * the one at `target[targetAt..]`; returns 86.
   */
  write(
    buf: Uint8Array,
    at: number,
    source: Uint8Array,
    sourceAt: number,
    target: Uint8Array,
    targetAt: number,
  ): number {
    const f = this.frame;
    for (let i = 0; i < NEIGHBOR_SOLICITATION_FRAME_LENGTH; i++) {
      buf[at + i] = f[i];
    }
    // Ethernet destination 33:33 + the group's last 4 bytes (RFC 2464 §7).
    buf[at] = 0x33;
    buf[at + 1] = 0x33;
    buf[at + 2] = 0xff;
    for (let i = 13; i < 16; i++) buf[at + i - 10] = target[targetAt + i];
    for (let i = 0; i < 16; i++) {
      buf[at + IP6 + 8 + i] = source[sourceAt + i];
      buf[at + ICMP6 + 8 + i] = target[targetAt + i];
    }
    solicitedNodeAddress(target, buf, at + IP6 + 24, targetAt);
    ndpChecksum(buf, at);
    return NEIGHBOR_SOLICITATION_FRAME_LENGTH;
  }
}

/**
 * Neighbor advertisements "`address` is at `sourceMac`" (RFC 4861 §4.4):
 * Solicited and Override set, not a router, our MAC as target link-layer
 * address.
 *
 * @example
 * ```ts
 * import { NeighborAdvertisementTemplate, parseIpv6, parseMac } from "./mod.ts";
 * const na = new NeighborAdvertisementTemplate({
 *   sourceMac: parseMac("02:00:00:00:00:01"),
 *   address: parseIpv6("2001:2::1"),
 * });
 * const asker = new Uint8Array(22); // MAC at 0, IPv6 address at 6
 * const frame = new Uint8Array(128);
 * na.write(frame, 0, asker, 0, 6, false); // 86
 * ```
 */
export class NeighborAdvertisementTemplate {
  /** The frame with our side filled in. */
  readonly frame: Uint8Array;

  /** Builds the constant part once. */
  constructor(options: { sourceMac: Uint8Array; address: Uint8Array }) {
    const f = new Uint8Array(NEIGHBOR_ADVERTISEMENT_FRAME_LENGTH);
    ndpHeaders(f, options.sourceMac, Icmpv6Type.NEIGHBOR_ADVERTISEMENT);
    f.set(options.address.subarray(0, 16), IP6 + 8); // source: our address
    f.set(options.address.subarray(0, 16), ICMP6 + 8); // target address
    f[ICMP6 + 24] = 2; // option: target link-layer address
    f[ICMP6 + 25] = 1;
    f.set(options.sourceMac.subarray(0, 6), ICMP6 + 26);
    this.frame = f;
  }

  /**
   * Writes the answer to a solicitation from the MAC at `asker[askerMacAt..]`
   * and the IPv6 address at `asker[askerIpAt..]`; returns 86. `dad`: the
   * solicitation came from `::` (duplicate address detection), so the
   * answer goes to all-nodes ff02::1 without the Solicited flag.
   */
  write(
    buf: Uint8Array,
    at: number,
    asker: Uint8Array,
    askerMacAt: number,
    askerIpAt: number,
    dad: boolean,
  ): number {
    const f = this.frame;
    for (let i = 0; i < NEIGHBOR_ADVERTISEMENT_FRAME_LENGTH; i++) {
      buf[at + i] = f[i];
    }
    const dst = at + IP6 + 24;
    if (dad) {
      buf[at] = 0x33, buf[at + 1] = 0x33, buf[at + 5] = 0x01; // 33:33:00:00:00:01
      buf[dst] = 0xff, buf[dst + 1] = 0x02, buf[dst + 15] = 0x01; // ff02::1
    } else {
      for (let i = 0; i < 6; i++) buf[at + i] = asker[askerMacAt + i];
      for (let i = 0; i < 16; i++) buf[dst + i] = asker[askerIpAt + i];
    }
    buf[at + ICMP6 + 4] = dad ? 0x20 : 0x60; // Solicited (not for DAD), Override
    ndpChecksum(buf, at);
    return NEIGHBOR_ADVERTISEMENT_FRAME_LENGTH;
  }
}
