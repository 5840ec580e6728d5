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
 * ACK flag. One writer for the Worker's life: sending allocates nothing.
 *
 * @module
 */

import {
  internetChecksum,
  pseudoHeaderSum4,
  pseudoHeaderSum6,
} from "../../../checksum/mod.ts";
import type { ParsedFrame } from "../../../packet/mod.ts";
import type { FrameWriter } from "../../../drivers/mod.ts";

const RST = 0x04;
const ETHERNET = 14;
const TCP_HEADER = 20;

/** Writes RSTs answering SYN-ACKs; see the module documentation. */
export class SynAckReset {
  readonly #sourceMac: Uint8Array;
  readonly #routerMac4: Uint8Array;
  readonly #routerMac6: Uint8Array;
  readonly #ttl: number;
  #frame: Uint8Array = new Uint8Array(0);
  #parsed: ParsedFrame | null = null;
  #ipId = 0;
  /** RSTs handed to the driver. */
  sent = 0;

  /** Frames go from `sourceMac` to the router of the reply's family. */
  constructor(
    sourceMac: Uint8Array,
    routerMac4: Uint8Array,
    routerMac6: Uint8Array,
    ttl = 64,
  ) {
    this.#sourceMac = sourceMac;
    this.#routerMac4 = routerMac4;
    this.#routerMac6 = routerMac6;
    this.#ttl = ttl;
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
    this.#frame = frame;
    this.#parsed = parsed;
    const ok = send(this.#write);
    if (ok) this.sent++;
    this.#parsed = null;
    return ok;
  }

  readonly #write: FrameWriter = (buf, at, capacity) => {
    const p = this.#parsed!;
    const v6 = p.ipVersion === 6;
    const ipLength = v6 ? 40 : 20;
    const length = ETHERNET + ipLength + TCP_HEADER;
    if (length > capacity) return 0;
    buf.set(v6 ? this.#routerMac6 : this.#routerMac4, at);
    buf.set(this.#sourceMac, at + 6);
    put16(buf, at + 12, v6 ? 0x86dd : 0x0800);
    const ip = at + ETHERNET;
    const tcp = ip + ipLength;
    let pseudo: number;
    if (v6) {
      put32(buf, ip, 0x60000000);
      put16(buf, ip + 4, TCP_HEADER);
      buf[ip + 6] = 6;
      buf[ip + 7] = this.#ttl;
      const frame = this.#frame;
      const from = p.ip6DestinationOffset, to = p.ip6SourceOffset;
      for (let i = 0; i < 16; i++) {
        buf[ip + 8 + i] = frame[from + i];
        buf[ip + 24 + i] = frame[to + i];
      }
      pseudo = pseudoHeaderSum6(buf, buf, 6, TCP_HEADER, ip + 8, ip + 24);
    } else {
      const source = p.ip4Destination >>> 0;
      const destination = p.ip4Source >>> 0;
      put16(buf, ip, 0x4500);
      put16(buf, ip + 2, 20 + TCP_HEADER);
      this.#ipId = (this.#ipId + 1) & 0xffff;
      put16(buf, ip + 4, this.#ipId);
      put16(buf, ip + 6, 0x4000); // DF
      buf[ip + 8] = this.#ttl;
      buf[ip + 9] = 6;
      put16(buf, ip + 10, 0);
      put32(buf, ip + 12, source);
      put32(buf, ip + 16, destination);
      put16(buf, ip + 10, internetChecksum(buf, ip, ip + 20));
      pseudo = pseudoHeaderSum4(source, destination, 6, TCP_HEADER);
    }
    put16(buf, tcp, p.destinationPort);
    put16(buf, tcp + 2, p.sourcePort);
    put32(buf, tcp + 4, p.acknowledgment >>> 0);
    put32(buf, tcp + 8, 0);
    buf[tcp + 12] = 5 << 4;
    buf[tcp + 13] = RST;
    put16(buf, tcp + 14, 0);
    put32(buf, tcp + 16, 0); // checksum and urgent pointer
    put16(buf, tcp + 16, internetChecksum(buf, tcp, tcp + TCP_HEADER, pseudo));
    return length;
  };
}

function put16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 8;
  buf[at + 1] = value;
}

function put32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = value >>> 16;
  buf[at + 2] = value >>> 8;
  buf[at + 3] = value;
}
