/**
 * VNC/RFB (RFC 6143 §7.1.1): the server speaks first with a 12-byte
 * ProtocolVersion (`RFB 003.008\n`). This decoder reads it (server-first,
 * no hello), and nmap's identity follows: `vnc`, `VNC`, `protocol 3.8`.
 *
 * @module
 */

import { FramedDecoder, type Parsed } from "./length_prefixed.ts";
import { latin1 } from "./service_types.ts";

/**
 * What {@linkcode VncDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { VncVersion } from "./vnc_banner.ts";
 * const v = (r: VncVersion) => `${r.major}.${r.minor}`;
 * ```
 */
export interface VncVersion {
  /** The version line without its newline (`RFB 003.008`). */
  text?: string;
  /** Major version (3). */
  major?: number;
  /** Minor version (3, 7, 8; Apple's 889, ...). */
  minor?: number;
}

function digits(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = bytes[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function parseVnc(m: Uint8Array): Parsed<VncVersion> {
  const major = digits(m, 4, 7);
  const minor = digits(m, 8, 11);
  if (
    latin1(m, 4) !== "RFB " || m[7] !== 0x2e || m[11] !== 0x0a || major < 0 ||
    minor < 0
  ) {
    return {
      error: {
        code: "NOT_THIS_PROTOCOL",
        offset: 0,
        message: "expected `RFB xxx.yyy\\n`",
      },
    };
  }
  return {
    fields: { text: latin1(m, 11), major, minor },
    service: {
      name: "vnc",
      product: "VNC",
      extra: `protocol ${major}.${minor}`,
    },
  };
}

/**
 * Streaming decoder of an RFB server's first 12 bytes.
 *
 * @example
 * ```ts
 * import { VncDecoder } from "./vnc_banner.ts";
 * const d = new VncDecoder();
 * d.push(new TextEncoder().encode("RFB 003.008\n"));
 * d.result().service.extra; // "protocol 3.8"
 * ```
 */
export class VncDecoder extends FramedDecoder<VncVersion> {
  /**
   * A decoder for one greeting.
   *
   * @example
   * ```ts
   * import { VncDecoder } from "./vnc_banner.ts";
   * new VncDecoder().done; // false
   * ```
   */
  constructor() {
    super(
      {
        headerBytes: 4,
        totalLength: (h) => latin1(h, 4) === "RFB " ? 12 : "expected `RFB `",
        maxBytes: 12,
      },
      parseVnc,
      {},
      "vnc",
    );
  }
}
