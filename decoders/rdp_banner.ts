/**
 * RDP: the X.224 Connection Request carrying an RDP Negotiation Request
 * (MS-RDPBCGR §2.2.1.1), and a decoder of the server's X.224 Connection
 * Confirm with its Negotiation Response (the protocol the server selected:
 * standard RDP security, TLS, CredSSP) or Negotiation Failure.
 *
 * @module
 */

import { FramedDecoder, type Parsed } from "./length_prefixed.ts";

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
}

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
export class RdpDecoder extends FramedDecoder<RdpReply> {
  /**
   * A decoder for one answer.
   *
   * @example
   * ```ts
   * import { RdpDecoder } from "./rdp_banner.ts";
   * new RdpDecoder().done; // false
   * ```
   */
  constructor() {
    super(
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
}
