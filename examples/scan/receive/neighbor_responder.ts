/**
 * Answering for an address the kernel does not own. When the scanner sends
 * from such an address (masscan's `--adapter-ip` on a free address), targets
 * and routers ask "who has it?" before replying — ARP for IPv4, neighbor
 * solicitation for IPv6 — and nobody would answer; the kernel, not knowing
 * the address, also never sends RSTs for the scanner's connections. The
 * receive Worker passes each such frame here and sends what comes back.
 *
 * This module decides whether to answer; the frames themselves are
 * packet/'s `ArpReplyTemplate` and `NeighborAdvertisementTemplate`. No
 * allocation per frame, no driver.
 *
 * @module
 */

import {
  ARP_REPLY_FRAME_LENGTH,
  ArpOperation,
  ArpReplyTemplate,
  Icmpv6Type,
  NEIGHBOR_ADVERTISEMENT_FRAME_LENGTH,
  NeighborAdvertisementTemplate,
  type ParsedFrame,
} from "../../../packet/mod.ts";

/** Who we answer as. */
export interface ResponderIdentity {
  /** Our MAC (6 bytes). */
  mac: Uint8Array;
  /** Our IPv4 address (unsigned 32-bit), or undefined to answer no ARP. */
  ipv4?: number;
  /** Our IPv6 address (16 bytes), or undefined to answer no solicitation. */
  ipv6?: Uint8Array;
}

/** Length of the ARP reply frame (Ethernet minimum, padded). */
export const ARP_REPLY_LENGTH = ARP_REPLY_FRAME_LENGTH;
/** Length of the neighbor advertisement frame: 14 + 40 + 32. */
export const NEIGHBOR_ADVERT_LENGTH = NEIGHBOR_ADVERTISEMENT_FRAME_LENGTH;

/**
 * Answers ARP requests and neighbor solicitations for one identity.
 *
 * @example
 * ```ts
 * import { ParsedFrame } from "../../../packet/mod.ts";
 * import { NeighborResponder } from "./neighbor_responder.ts";
 * const responder = new NeighborResponder({ mac: new Uint8Array(6), ipv4: 0xc6120001 });
 * const out = new Uint8Array(128);
 * responder.answer(new Uint8Array(60), new ParsedFrame(), out); // 0: not a request
 * ```
 */
export class NeighborResponder {
  readonly #ipv4: number | undefined;
  readonly #ipv6: Uint8Array | undefined;
  readonly #arp: ArpReplyTemplate | null;
  readonly #advert: NeighborAdvertisementTemplate | null;

  /** Prepares the answers for `me`. */
  constructor(me: ResponderIdentity) {
    this.#ipv4 = me.ipv4 === undefined ? undefined : me.ipv4 >>> 0;
    this.#ipv6 = me.ipv6;
    this.#arp = me.ipv4 === undefined
      ? null
      : new ArpReplyTemplate({ sourceMac: me.mac, sourceIp: me.ipv4 });
    this.#advert = me.ipv6 === undefined
      ? null
      : new NeighborAdvertisementTemplate({
        sourceMac: me.mac,
        address: me.ipv6,
      });
  }

  /**
   * The answer to `frame` (parsed into `parsed`, offsets from 0), written
   * into `out`: its length, or 0 when the frame asks for nobody we answer as.
   */
  answer(frame: Uint8Array, parsed: ParsedFrame, out: Uint8Array): number {
    return this.arpReply(frame, parsed, out) ||
      this.neighborAdvert(frame, parsed, out);
  }

  /**
   * If `parsed` is an ARP request for our IPv4 address, writes the reply
   * (to the requester's MAC) into `out` and returns 60; else 0.
   */
  arpReply(frame: Uint8Array, parsed: ParsedFrame, out: Uint8Array): number {
    if (
      this.#arp === null || parsed.kind !== "arp" ||
      parsed.arpOperation !== ArpOperation.REQUEST ||
      parsed.arpTargetIp !== this.#ipv4
    ) return 0;
    return this.#arp.write(
      out,
      0,
      frame,
      parsed.arpSenderMacOffset,
      parsed.arpSenderIp,
    );
  }

  /**
   * If `parsed` is a neighbor solicitation (hop limit 255, RFC 4861) for
   * our IPv6 address, writes a solicited advertisement into `out` and
   * returns 86; else 0. A solicitation from `::` (duplicate address
   * detection) is answered to all-nodes without the Solicited flag.
   */
  neighborAdvert(
    frame: Uint8Array,
    parsed: ParsedFrame,
    out: Uint8Array,
  ): number {
    const ip6 = this.#ipv6;
    if (
      this.#advert === null || ip6 === undefined || parsed.kind !== "icmpv6" ||
      parsed.icmpType !== Icmpv6Type.NEIGHBOR_SOLICITATION ||
      parsed.icmpCode !== 0 || parsed.ttl !== 255
    ) return 0;
    const target = parsed.transportOffset + 8;
    if (target + 16 > parsed.payloadEnd) return 0;
    for (let i = 0; i < 16; i++) if (frame[target + i] !== ip6[i]) return 0;
    const askerIp = parsed.ip6SourceOffset;
    let dad = true;
    for (let i = 0; i < 16; i++) if (frame[askerIp + i] !== 0) dad = false;
    // The asker's MAC: the solicitation's Ethernet source (offset 6).
    return this.#advert.write(out, 0, frame, 6, askerIp, dad);
  }
}
