/**
 * RDP: the X.224 Connection Request carrying an RDP Negotiation Request
 * (MS-RDPBCGR §2.2.1.1), and a decoder of the server's X.224 Connection
 * Confirm with its Negotiation Response (the protocol the server selected:
 * standard RDP security, TLS, CredSSP) or Negotiation Failure.
 *
 * After the Confirm the decoder asks (`takeReply`) for a second Connection
 * Request on the same connection, out of turn: xrdp answers anything
 * unexpected with an MCS Disconnect Provider Ultimatum (`03 00 00 09 02 f0
 * 80 21 80`, the bytes of nmap's `p/xrdp/` match line, which nmap gets
 * with its TLSSessionReq probe), where Windows closes the connection. That
 * answer is the product `xrdp`; the Confirm alone names `ms-wbt-server`.
 *
 * @module
 */

import { FramedDecoder, type Parsed } from "./length_prefixed.ts";
import type { ServiceDecoder, ServiceResult } from "./service_types.ts";

/** requestedProtocols: TLS | CredSSP | CredSSP with early user auth. */
const REQUESTED = 0x01 | 0x02 | 0x08;

/**
 * The bytes sent to an RDP port: TPKT (RFC 1006) + X.224 CR + RDP_NEG_REQ.
 *
 * @example
 * ```ts
 * import { RDP_HELLO } from "./rdp_banner.ts";
 * RDP_HELLO.length; // 19
 * ```
 */
export const RDP_HELLO: Uint8Array = Uint8Array.of(
  0x03,
  0x00,
  0x00,
  0x13, // TPKT, length 19
  0x0e,
  0xe0,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00, // X.224 CR, no cookie
  0x01,
  0x00,
  0x08,
  0x00,
  REQUESTED,
  0x00,
  0x00,
  0x00, // RDP_NEG_REQ
);

/**
 * Names of the security protocols a server may select.
 *
 * @example
 * ```ts
 * import { RDP_PROTOCOLS } from "./rdp_banner.ts";
 * RDP_PROTOCOLS.get(1); // "TLS"
 * ```
 */
export const RDP_PROTOCOLS: ReadonlyMap<number, string> = new Map([
  [0, "RDP"],
  [1, "TLS"],
  [2, "CredSSP"],
  [4, "RDSTLS"],
  [8, "CredSSP with early user auth"],
]);

/**
 * What {@linkcode RdpDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { RdpReply } from "./rdp_banner.ts";
 * const tls = (r: RdpReply) => r.selectedProtocol === 1;
 * ```
 */
export interface RdpReply {
  /** X.224 TPDU code (0xd0 Connection Confirm). */
  tpdu?: number;
  /** The selected security protocol (Negotiation Response). */
  selectedProtocol?: number;
  /** Its name. */
  selectedProtocolName?: string;
  /** Negotiation Response flags. */
  flags?: number;
  /** Negotiation Failure code (1 SSL required, 2 SSL not allowed, 5 HYBRID required, ...). */
  failureCode?: number;
  /** The answer to the out-of-turn request was xrdp's Disconnect Provider Ultimatum. */
  disconnectUltimatum?: boolean;
}

/**
 * The out-of-turn second X.224 Connection Request sent after the Confirm
 * (nmap's TerminalServer probe bytes).
 *
 * @example
 * ```ts
 * import { RDP_FOLLOW_UP } from "./rdp_banner.ts";
 * RDP_FOLLOW_UP.length; // 11
 * ```
 */
export const RDP_FOLLOW_UP: Uint8Array = Uint8Array.of(
  0x03,
  0x00,
  0x00,
  0x0b,
  0x06,
  0xe0,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
);

/** TPKT, X.224 Data, MCS Disconnect Provider Ultimatum (rn-user-requested). */
const DISCONNECT_ULTIMATUM = [
  0x03,
  0x00,
  0x00,
  0x09,
  0x02,
  0xf0,
  0x80,
  0x21,
  0x80,
];

const RdpStage = {
  /** Reading the Connection Confirm. */
  CONFIRM: "confirm",
  /** The follow-up went out: reading what comes back. */
  FOLLOW_UP: "follow-up",
  /** Both read, or the Confirm failed. */
  DONE: "done",
} as const;
type RdpStage = typeof RdpStage[keyof typeof RdpStage];

function parseRdp(m: Uint8Array): Parsed<RdpReply> {
  if (m.length < 11 || m[5] !== 0xd0) {
    return {
      error: {
        code: "NOT_THIS_PROTOCOL",
        offset: 5,
        message: "expected an X.224 Connection Confirm (0xd0)",
      },
    };
  }
  const fields: RdpReply = { tpdu: m[5] };
  if (m.length >= 19) {
    const value = m[15] | m[16] << 8 | m[17] << 16 | m[18] << 24;
    if (m[11] === 0x02) {
      fields.flags = m[12];
      fields.selectedProtocol = value >>> 0;
      fields.selectedProtocolName = RDP_PROTOCOLS.get(value) ??
        `0x${value.toString(16)}`;
    } else if (m[11] === 0x03) fields.failureCode = value >>> 0;
  }
  return { fields, service: { name: "ms-wbt-server" } };
}

/**
 * Streaming decoder of the answer to {@linkcode RDP_HELLO}.
 *
 * @example
 * ```ts
 * import { RdpDecoder } from "./rdp_banner.ts";
 * const d = new RdpDecoder();
 * d.push(Uint8Array.of(3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 1, 0, 0, 0));
 * d.result().selectedProtocolName; // "TLS"
 * ```
 */
export class RdpDecoder implements ServiceDecoder<RdpReply> {
  #confirm = confirmDecoder();
  #stage: RdpStage = RdpStage.CONFIRM;
  #reply: Uint8Array | null = null;
  readonly #answer = new Uint8Array(DISCONNECT_ULTIMATUM.length);
  #answerFill = 0;

  /**
   * True once the Confirm failed, or the follow-up's answer was read.
   *
   * @example
   * ```ts
   * import { RdpDecoder } from "./rdp_banner.ts";
   * new RdpDecoder().done; // false
   * ```
   */
  get done(): boolean {
    return this.#stage === RdpStage.DONE;
  }

  /**
   * Feeds server bytes `chunk[start, end)`.
   *
   * @example
   * ```ts
   * import { RdpDecoder } from "./rdp_banner.ts";
   * new RdpDecoder().push(Uint8Array.of(3, 0));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    // The Confirm byte by byte (at most 1 KiB, once): what follows it in
    // the same chunk is the follow-up's answer.
    while (this.#stage === RdpStage.CONFIRM && start < end) {
      this.#confirm.push(chunk, start, start + 1);
      start++;
      if (!this.#confirm.done) continue;
      if (this.#confirm.result().error) {
        this.#stage = RdpStage.DONE;
        return;
      }
      this.#stage = RdpStage.FOLLOW_UP;
      this.#reply = RDP_FOLLOW_UP;
    }
    for (let i = start; i < end && this.#stage === RdpStage.FOLLOW_UP; i++) {
      this.#answer[this.#answerFill++] = chunk[i];
      if (
        this.#answer[this.#answerFill - 1] !==
          DISCONNECT_ULTIMATUM[this.#answerFill - 1] ||
        this.#answerFill === DISCONNECT_ULTIMATUM.length
      ) this.#stage = RdpStage.DONE;
    }
  }

  /**
   * The out-of-turn request to send after the Confirm, once; else null.
   *
   * @example
   * ```ts
   * import { RdpDecoder } from "./rdp_banner.ts";
   * new RdpDecoder().takeReply(); // null
   * ```
   */
  takeReply(): Uint8Array | null {
    const reply = this.#reply;
    this.#reply = null;
    return reply;
  }

  /**
   * The Confirm's fields; product `xrdp` when the follow-up was answered
   * with the Disconnect Provider Ultimatum.
   *
   * @example
   * ```ts
   * import { RdpDecoder } from "./rdp_banner.ts";
   * new RdpDecoder().result().service.name; // "ms-wbt-server"
   * ```
   */
  result(): ServiceResult<RdpReply> {
    const result = this.#confirm.result();
    // Complete: the Confirm and the follow-up's answer were both read.
    result.complete &&= this.#stage === RdpStage.DONE;
    if (this.#answerFill === DISCONNECT_ULTIMATUM.length) {
      result.disconnectUltimatum = true;
      result.service = { ...result.service, product: "xrdp" };
    }
    return result;
  }

  /**
   * Starts over for a new connection.
   *
   * @example
   * ```ts
   * import { RdpDecoder } from "./rdp_banner.ts";
   * new RdpDecoder().reset();
   * ```
   */
  reset(): void {
    this.#confirm = confirmDecoder();
    this.#stage = RdpStage.CONFIRM;
    this.#reply = null;
    this.#answerFill = 0;
  }
}

function confirmDecoder(): FramedDecoder<RdpReply> {
  return new FramedDecoder(
    {
      headerBytes: 4,
      totalLength: (h) =>
        h[0] === 3 && h[1] === 0
          ? h[2] << 8 | h[3]
          : "expected a TPKT header (version 3)",
      maxBytes: 1024,
    },
    parseRdp,
    {},
    "ms-wbt-server",
  );
}
