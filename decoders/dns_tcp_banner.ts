/**
 * DNS over TCP: the `version.bind` CHAOS TXT query (what nmap's
 * `DNSVersionBindReqTCP` probe asks) and a decoder of the answer: header
 * flags and RCODE, and the TXT strings of the answer (`dnsmasq-2.89`,
 * `9.18.28-1~deb12u2-Debian`), turned into nmap's product and version.
 *
 * @module
 */

import { FramedDecoder, type Parsed } from "./length_prefixed.ts";
import { latin1, type ServiceInfo } from "./service_types.ts";

/**
 * The query sent to port 53/tcp: 2-byte length, ID 0x5a6f, no recursion,
 * one question `version.bind` TXT CH.
 *
 * @example
 * ```ts
 * import { DNS_VERSION_BIND_HELLO } from "./dns_tcp_banner.ts";
 * DNS_VERSION_BIND_HELLO[1]; // 30, the message length
 * ```
 */
export const DNS_VERSION_BIND_HELLO: Uint8Array = Uint8Array.of(
  0,
  30, // TCP length prefix
  0x5a,
  0x6f,
  0x00,
  0x00,
  0,
  1,
  0,
  0,
  0,
  0,
  0,
  0, // ID, flags, QD=1
  7,
  ...new TextEncoder().encode("version"),
  4,
  ...new TextEncoder().encode("bind"),
  0,
  0,
  16,
  0,
  3, // TXT, CH
);

/**
 * RCODE names (RFC 1035 §4.1.1, RFC 6895).
 *
 * @example
 * ```ts
 * import { DNS_RCODES } from "./dns_tcp_banner.ts";
 * DNS_RCODES[5]; // "REFUSED"
 * ```
 */
export const DNS_RCODES: readonly string[] = [
  "NOERROR",
  "FORMERR",
  "SERVFAIL",
  "NXDOMAIN",
  "NOTIMP",
  "REFUSED",
];

/**
 * What {@linkcode DnsTcpDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { DnsVersionReply } from "./dns_tcp_banner.ts";
 * const v = (r: DnsVersionReply) => r.txt[0];
 * ```
 */
export interface DnsVersionReply {
  /** Message ID (the query's is 0x5a6f). */
  id?: number;
  /** RCODE number. */
  rcode?: number;
  /** Its name. */
  rcodeName?: string;
  /** Authoritative-answer flag. */
  authoritative?: boolean;
  /** The answer's TXT strings. */
  txt: string[];
}

function skipName(m: Uint8Array, at: number): number {
  while (at < m.length) {
    const length = m[at];
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2;
    at += 1 + length;
  }
  return -1;
}

/** nmap's names for the common servers' version strings. */
function dnsService(txt: string | undefined): ServiceInfo {
  const service: ServiceInfo = { name: "domain" };
  if (!txt) return service;
  if (txt.startsWith("dnsmasq-")) {
    service.product = "dnsmasq";
    service.version = txt.slice(8);
  } else if (/^\d+\.\d+/.test(txt)) {
    service.product = "ISC BIND";
    service.version = txt;
  } else if (txt.startsWith("unbound ")) {
    service.product = "Unbound";
    service.version = txt.slice(8);
  } else if (txt.startsWith("PowerDNS")) {
    service.product = "PowerDNS";
    service.extra = txt;
  } else service.extra = txt;
  return service;
}

function parseDns(m: Uint8Array): Parsed<DnsVersionReply> {
  const malformed = (message: string): Parsed<DnsVersionReply> => ({
    error: { code: "MALFORMED", offset: 0, message },
  });
  if (m.length < 14) return malformed("DNS header shorter than 12 bytes");
  const flags = m[4] << 8 | m[5];
  if ((flags & 0x8000) === 0) {
    return {
      error: {
        code: "NOT_THIS_PROTOCOL",
        offset: 4,
        message: "the QR bit is not set: not a response",
      },
    };
  }
  const fields: DnsVersionReply = {
    id: m[2] << 8 | m[3],
    rcode: flags & 0x0f,
    rcodeName: DNS_RCODES[flags & 0x0f] ?? String(flags & 0x0f),
    authoritative: (flags & 0x0400) !== 0,
    txt: [],
  };
  const questions = m[6] << 8 | m[7];
  const answers = m[8] << 8 | m[9];
  let at = 14;
  for (let q = 0; q < questions; q++) {
    at = skipName(m, at);
    if (at < 0 || at + 4 > m.length) {
      return malformed("question runs past the message");
    }
    at += 4;
  }
  for (let a = 0; a < answers; a++) {
    at = skipName(m, at);
    if (at < 0 || at + 10 > m.length) {
      return malformed("answer runs past the message");
    }
    const type = m[at] << 8 | m[at + 1];
    const length = m[at + 8] << 8 | m[at + 9];
    at += 10;
    if (at + length > m.length) return malformed("RDATA runs past the message");
    if (type === 16) {
      for (let t = at; t < at + length;) {
        fields.txt.push(
          latin1(m.subarray(t + 1, Math.min(t + 1 + m[t], at + length))),
        );
        t += 1 + m[t];
      }
    }
    at += length;
  }
  return { fields, service: dnsService(fields.txt[0]) };
}

/**
 * Streaming decoder of the answer to {@linkcode DNS_VERSION_BIND_HELLO}.
 *
 * @example
 * ```ts
 * import { DnsTcpDecoder } from "./dns_tcp_banner.ts";
 * const d = new DnsTcpDecoder();
 * d.push(Uint8Array.of(0, 12, 0x5a, 0x6f, 0x81, 0x05, 0, 0, 0, 0, 0, 0, 0, 0));
 * d.result().rcodeName; // "REFUSED"
 * ```
 */
export class DnsTcpDecoder extends FramedDecoder<DnsVersionReply> {
  /**
   * A decoder for one answer.
   *
   * @example
   * ```ts
   * import { DnsTcpDecoder } from "./dns_tcp_banner.ts";
   * new DnsTcpDecoder().done; // false
   * ```
   */
  constructor() {
    super(
      {
        headerBytes: 2,
        totalLength: (h) => 2 + (h[0] << 8 | h[1]),
        maxBytes: 4098,
      },
      parseDns,
      { txt: [] },
      "domain",
    );
  }
}
