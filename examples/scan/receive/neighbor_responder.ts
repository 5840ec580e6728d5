/**
 * Answering for an address the kernel does not own. When the scanner sends
 * from such an address (masscan's `--adapter-ip` on a free address), targets
 * and routers ask "who has it?" before replying — ARP for IPv4, neighbor
 * solicitation for IPv6 — and nobody would answer; the kernel, not knowing
 * the address, also never sends RSTs for the scanner's connections. The
 * receive Worker passes each such frame here and sends what comes back.
 *
 * Pure functions over byte arrays: no allocation, no driver.
 *
 * @module
 */

import type { ParsedFrame } from "../../../packet/mod.ts";

/** Who we answer as. */
export interface ResponderIdentity {
  /** Our MAC (6 bytes). */
  mac: Uint8Array;
  /** Our IPv4 address (unsigned 32-bit), or undefined to answer no ARP. */
  ip4?: number;
  /** Our IPv6 address (16 bytes), or undefined to answer no solicitation. */
  ip6?: Uint8Array;
}

/** Length of the ARP reply frame (Ethernet minimum, padded). */
export const ARP_REPLY_LENGTH = 60;
/** Length of the neighbor advertisement frame: 14 + 40 + 32. */
export const NEIGHBOR_ADVERT_LENGTH = 86;

/**
 * If `parsed` (the result of `parseFrame` on `frame`) is an ARP request for
 * `me.ip4`, writes an ARP reply into `out[0..60)` and returns 60; otherwise
 * returns 0. The reply goes to the requester's MAC, saying `me.ip4` is at
 * `me.mac`.
 *
 * @example
 * ```ts
 * import { ParsedFrame } from "../../../packet/mod.ts";
 * import { arpReply } from "./neighbor_responder.ts";
 * const out = new Uint8Array(128);
 * console.log(arpReply(new Uint8Array(60), new ParsedFrame(), { mac: new Uint8Array(6) }, out)); // 0
 * ```
 */
export function arpReply(
  frame: Uint8Array,
  parsed: ParsedFrame,
  me: ResponderIdentity,
  out: Uint8Array,
): number {
  if (
    me.ip4 === undefined || parsed.kind !== "arp" ||
    parsed.arpOperation !== 1 || parsed.arpTargetIp !== me.ip4 >>> 0
  ) return 0;
  const senderMac = parsed.arpSenderMacOffset;
  out.fill(0, 0, ARP_REPLY_LENGTH);
  for (let i = 0; i < 6; i++) {
    out[i] = frame[senderMac + i]; // Ethernet destination: the asker
    out[6 + i] = me.mac[i]; // Ethernet source: us
    out[22 + i] = me.mac[i]; // ARP sender hardware address: us
    out[32 + i] = frame[senderMac + i]; // ARP target hardware address
  }
  out[12] = 0x08, out[13] = 0x06; // EtherType ARP
  out[14] = 0x00, out[15] = 0x01; // hardware type Ethernet
  out[16] = 0x08, out[17] = 0x00; // protocol type IPv4
  out[18] = 6, out[19] = 4; // address lengths
  out[20] = 0x00, out[21] = 0x02; // operation: reply
  put32(out, 28, me.ip4); // ARP sender protocol address: our IPv4
  put32(out, 38, parsed.arpSenderIp); // ARP target protocol address
  return ARP_REPLY_LENGTH;
}

/**
 * If `parsed` is an ICMPv6 neighbor solicitation (hop limit 255, RFC 4861)
 * whose target is `me.ip6`, writes a solicited neighbor advertisement with
 * our MAC as target link-layer address into `out[0..86)` and returns 86;
 * otherwise 0. A solicitation from `::` (duplicate address detection) is
 * answered to all-nodes `ff02::1` without the Solicited flag.
 *
 * @example
 * ```ts
 * import { ParsedFrame } from "../../../packet/mod.ts";
 * import { neighborAdvert } from "./neighbor_responder.ts";
 * const out = new Uint8Array(128);
 * console.log(neighborAdvert(new Uint8Array(86), new ParsedFrame(), { mac: new Uint8Array(6) }, out)); // 0
 * ```
 */
export function neighborAdvert(
  frame: Uint8Array,
  parsed: ParsedFrame,
  me: ResponderIdentity,
  out: Uint8Array,
): number {
  const ip6 = me.ip6;
  if (
    ip6 === undefined || parsed.kind !== "icmpv6" ||
    parsed.icmpType !== 135 || parsed.icmpCode !== 0 || parsed.ttl !== 255
  ) return 0;
  const target = parsed.transportOffset + 8;
  if (target + 16 > parsed.payloadEnd) return 0;
  for (let i = 0; i < 16; i++) if (frame[target + i] !== ip6[i]) return 0;
  const askerIp = parsed.ip6SourceOffset;
  let unspecified = true;
  for (let i = 0; i < 16; i++) {
    if (frame[askerIp + i] !== 0) unspecified = false;
  }
  out.fill(0, 0, NEIGHBOR_ADVERT_LENGTH);
  // Ethernet: to the asker's MAC (all-nodes multicast for DAD), from us.
  if (unspecified) {
    out[0] = 0x33, out[1] = 0x33, out[5] = 0x01; // 33:33:00:00:00:01
  } else {
    for (let i = 0; i < 6; i++) out[i] = frame[6 + i];
  }
  for (let i = 0; i < 6; i++) out[6 + i] = me.mac[i];
  out[12] = 0x86, out[13] = 0xdd; // EtherType IPv6
  // IPv6 header
  out[14] = 0x60; // version 6, traffic class 0, flow label 0
  out[18] = 0, out[19] = 32; // payload length: the 32-byte advertisement
  out[20] = 58; // next header: ICMPv6
  out[21] = 255; // hop limit: 255, as RFC 4861 requires
  for (let i = 0; i < 16; i++) out[22 + i] = ip6[i]; // source: our address
  if (unspecified) {
    out[38] = 0xff, out[39] = 0x02, out[53] = 0x01; // ff02::1
  } else {
    for (let i = 0; i < 16; i++) out[38 + i] = frame[askerIp + i];
  }
  // ICMPv6 neighbor advertisement at 54
  out[54] = 136; // type
  out[55] = 0; // code
  // flags: Solicited (unless DAD) and Override; not a router
  out[58] = unspecified ? 0x20 : 0x60;
  for (let i = 0; i < 16; i++) out[62 + i] = ip6[i]; // target address
  out[78] = 2; // option: target link-layer address
  out[79] = 1; // option length in 8-byte units
  for (let i = 0; i < 6; i++) out[80 + i] = me.mac[i];
  // Checksum over the pseudo-header (addresses, length, next header) and body.
  let sum = 32 + 58;
  for (let i = 22; i < 54; i += 2) sum += (out[i] << 8) | out[i + 1];
  for (let i = 54; i < 86; i += 2) sum += (out[i] << 8) | out[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const checksum = ~sum & 0xffff;
  out[56] = checksum >>> 8, out[57] = checksum & 0xff;
  return NEIGHBOR_ADVERT_LENGTH;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}
