/**
 * The RST the receive Worker sends for each valid SYN-ACK when it is not
 * grabbing banners, as masscan does. Without it the target keeps a
 * half-open connection (SYN-RECV) and retransmits that SYN-ACK for about a
 * minute; a second scan from the same address and port within that time
 * gets the old SYN-ACKs back instead of fresh ones — bad cookies, no open
 * ports found.
 *
 * The RST carries seq = the SYN-ACK's ack (our ISN + 1: exactly the
 * server's rcv_nxt, so Linux accepts it without a challenge ACK) and no
 * ACK flag. The frame is packet/'s `TcpSegmentWriter`; one writer for the
 * Worker's life: sending allocates nothing.
 *
 * @module
 */

import {
  type ParsedFrame,
  TcpFlags,
  TcpSegmentWriter,
} from "../../../packet/mod.ts";
import type { FrameWriter } from "../../../drivers/mod.ts";

/** Writes RSTs answering SYN-ACKs; see the module documentation. */
export class SynAckReset {
  readonly #routerMac4: Uint8Array;
  readonly #routerMac6: Uint8Array;
  readonly #segment: TcpSegmentWriter;
  /** RSTs handed to the driver. */
  sent = 0;

  /** Frames go from `sourceMac` to the router of the reply's family. */
  constructor(
    sourceMac: Uint8Array,
    routerMac4: Uint8Array,
    routerMac6: Uint8Array,
    ttl = 64,
  ) {
    this.#routerMac4 = routerMac4;
    this.#routerMac6 = routerMac6;
    this.#segment = new TcpSegmentWriter({
      sourceMac,
      destinationMac: routerMac4,
    });
    this.#segment.ttl = ttl;
    this.#segment.flags = TcpFlags.RST;
  }

  /**
   * Sends the RST for the SYN-ACK in `frame` (parsed into `parsed`, offsets
   * absolute in `frame`) through `send`; false when the driver's ring was
   * full.
   */
  answer(
    frame: Uint8Array,
    parsed: ParsedFrame,
    send: (write: FrameWriter) => boolean,
  ): boolean {
    const s = this.#segment;
    if (parsed.ipVersion === 6) {
      s.version = 6;
      s.destinationMac = this.#routerMac6;
      s.source6 = s.destination6 = frame;
      s.source6At = parsed.ip6DestinationOffset;
      s.destination6At = parsed.ip6SourceOffset;
    } else {
      s.version = 4;
      s.destinationMac = this.#routerMac4;
      s.source4 = parsed.ip4Destination;
      s.destination4 = parsed.ip4Source;
    }
    s.sourcePort = parsed.destinationPort;
    s.destinationPort = parsed.sourcePort;
    s.seq = parsed.acknowledgment;
    const ok = send(this.#write);
    if (ok) this.sent++;
    return ok;
  }

  readonly #write: FrameWriter = (buf, at, capacity) =>
    this.#segment.write(buf, at, capacity);
}
