/**
 * UDP replies as banners (`--banners`): the receive Worker hands each
 * valid UDP reply (already through the cookie check of reply_check.ts) to
 * {@link UdpServiceReporter}, which names the service with the decoders of
 * udp_services.ts and sends a {@link Banner} with `transport: "udp"`
 * through the same ring as the TCP banners, so every output format writes
 * it as it writes those (nmap's `<service>` in `-oX`, `service` in JSON).
 *
 * Deduplicated like the TCP banners, one per (target, port, answered
 * payload): the retries' answers and a server's retransmissions are
 * dropped in the receive Worker's {@link DedupTable}, under kinds of their
 * own (8 + payload index) beside the result kinds (reason codes 0..4), so
 * the open-port result and the banner are each reported once.
 *
 * Work per reply: one decoder call and one JSON text, only for replies
 * that are new; a duplicate costs one table lookup and allocates nothing
 * (a host that answers every retry, or floods, costs no garbage). UDP
 * answers are far rarer than probes, and the TCP banners allocate
 * likewise per connection.
 *
 * @module
 */

import { formatIpv6, type ParsedFrame } from "../../../packet/mod.ts";
import type { Banner } from "../banners/banner.ts";
import type { DedupTable } from "./dedup.ts";
import {
  type ServiceInfo,
  udpReplyPayloadIndex,
  udpReplyService,
} from "./udp_services.ts";

/** Dedup kinds of UDP services: 8 + payload index (results use 0..4). */
const SERVICE_KIND = 8;
/** Reply bytes kept as the banner text (the outputs escape them). */
const BANNER_BYTES = 512;

/** Where a reported banner goes (the banner ring's sender). */
export interface BannerOut {
  /** Queues one banner; false when it was dropped. */
  send(banner: Banner, timestamp: number): boolean;
}

/**
 * The banner of a UDP `reply` from port `port`: the decoder's service, or
 * `unknown` when no decoder knows the bytes; the reply's first bytes as
 * text (Latin-1, as the TCP banners keep them).
 *
 * @example
 * ```ts
 * import { udpBanner } from "./udp_service_report.ts";
 * const reply = new Uint8Array([0, 5, 0, 1, 0x78, 0]); // TFTP ERROR 1 "x"
 * console.log(udpBanner(0xc6120002, undefined, 69, reply).service.name); // "tftp"
 * ```
 */
export function udpBanner(
  ip: number,
  ipv6: string | undefined,
  port: number,
  reply: Uint8Array,
): Banner {
  const service: ServiceInfo = udpReplyService(port, reply) ??
    { name: "unknown" };
  let text = "";
  const n = Math.min(reply.length, BANNER_BYTES);
  for (let i = 0; i < n; i++) text += String.fromCharCode(reply[i]);
  return {
    ip: ipv6 === undefined ? ip >>> 0 : 0,
    ...(ipv6 === undefined ? {} : { ipv6 }),
    port,
    transport: "udp",
    protocol: service.name,
    service,
    banner: text,
    bytes: reply.length,
  };
}

/** Reports each new UDP service once (see the module documentation). */
export class UdpServiceReporter {
  /** Banners sent. */
  reported = 0;
  /** Replies whose (target, port, payload) was reported already. */
  duplicates = 0;

  /** Sends to `out`, deduplicating in `dedup` (shared with the results). */
  constructor(readonly out: BannerOut, readonly dedup: DedupTable) {}

  /**
   * The UDP reply in `frame` (parsed into `parsed`), from target port
   * `port` (69 for a TFTP answer from the server's own port): a banner,
   * unless this (target, port, payload) was reported already.
   */
  report(frame: Uint8Array, parsed: ParsedFrame, port: number): void {
    const at = parsed.payloadOffset, end = parsed.payloadEnd;
    const kind = SERVICE_KIND + udpReplyPayloadIndex(port, frame, at, end);
    const encoded = 65536 + port;
    const v4 = parsed.ipVersion === 4;
    const seen = v4
      ? this.dedup.seen4(parsed.ip4Source | 0, encoded, kind)
      : this.dedup.seen6(frame, parsed.ip6SourceOffset, encoded, kind);
    if (seen) {
      this.duplicates++;
      return;
    }
    const ipv6 = v4 ? undefined : formatIpv6(frame, parsed.ip6SourceOffset);
    const reply = frame.subarray(at, end);
    const banner = udpBanner(parsed.ip4Source, ipv6, port, reply);
    if (this.out.send(banner, Date.now() / 1000)) this.reported++;
  }
}
