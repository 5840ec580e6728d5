/**
 * Names the service behind a UDP reply to one of the probes in
 * ../transmit/udp_payloads.ts: one small pure function per protocol, each
 * returning nmap-style {@link ServiceInfo} (with the version where the
 * reply carries one) or `undefined` when the bytes are not that protocol's
 * answer. {@link udpReplyService} picks the function by the probed port.
 *
 * @module
 */

import { latin1, type ServiceInfo } from "../../../decoders/service_types.ts";
import {
  bacnetReplyService,
  coapReplyService,
  dtlsReplyService,
  ikeReplyService,
  netbiosReplyService,
  portmapReplyService,
  snmpReplyService,
} from "./udp_services_binary.ts";

export type { ServiceInfo };

/**
 * DNS (RFC 1035) answer to the `version.bind` TXT CHAOS query: the first
 * TXT string is the server's version (`dnsmasq-2.89`, `9.18.24`); a
 * REFUSED or empty answer still names DNS.
 *
 * @example
 * ```ts
 * import { dnsReplyService } from "./udp_services.ts";
 * dnsReplyService(new Uint8Array(4)); // undefined: too short
 * ```
 */
export function dnsReplyService(reply: Uint8Array): ServiceInfo | undefined {
  if (reply.length < 12 || (reply[2] & 0x80) === 0) return undefined; // QR
  const dns: ServiceInfo = { name: "domain" };
  const answers = (reply[6] << 8) | reply[7];
  let at = skipName(reply, 12);
  at += 4; // QTYPE, QCLASS of the echoed question
  if (answers === 0 || at < 0) return dns;
  at = skipName(reply, at);
  if (at < 0 || at + 10 > reply.length) return dns;
  const type = (reply[at] << 8) | reply[at + 1];
  const rdata = at + 10;
  const textLength = reply[rdata];
  if (type !== 16 || rdata + 1 + textLength > reply.length) return dns;
  const text = latin1(reply.subarray(rdata + 1, rdata + 1 + textLength));
  const dnsmasq = /^dnsmasq-(.+)$/.exec(text);
  if (dnsmasq) {
    return { name: "domain", product: "dnsmasq", version: dnsmasq[1] };
  }
  return { name: "domain", version: text };
}

/** Offset after the domain name at `at` (labels or a pointer), or -1. */
function skipName(bytes: Uint8Array, at: number): number {
  while (at < bytes.length) {
    const length = bytes[at];
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2; // compression pointer
    at += 1 + length;
  }
  return -1;
}

/** The dotted name at `at`, following compression pointers, or undefined. */
function readName(bytes: Uint8Array, at: number): string | undefined {
  const labels: string[] = [];
  for (let hops = 0; hops < 32 && at < bytes.length; hops++) {
    const length = bytes[at];
    if (length === 0) return labels.join(".");
    if ((length & 0xc0) === 0xc0) {
      if (at + 1 >= bytes.length) return undefined;
      at = ((length & 0x3f) << 8) | bytes[at + 1];
      continue;
    }
    if (at + 1 + length > bytes.length) return undefined;
    labels.push(latin1(bytes.subarray(at + 1, at + 1 + length)));
    at += 1 + length;
  }
  return undefined; // cut, or a pointer loop
}

/**
 * mDNS (RFC 6762) answer to the `_services._dns-sd._udp.local` PTR query:
 * the service types the host advertises (`_http._tcp.local`, ...); with
 * at least one, the product is nmap's `DNS-based service discovery`
 * (RFC 6763).
 *
 * @example
 * ```ts
 * import { mdnsReplyService } from "./udp_services.ts";
 * mdnsReplyService(new Uint8Array(12)); // undefined: not a response
 * ```
 */
export function mdnsReplyService(reply: Uint8Array): ServiceInfo | undefined {
  if (reply.length < 12 || (reply[2] & 0x80) === 0) return undefined;
  const questions = (reply[4] << 8) | reply[5];
  const answers = (reply[6] << 8) | reply[7];
  let at = 12;
  for (let q = 0; q < questions && at >= 0; q++) at = skipName(reply, at) + 4;
  const types: string[] = [];
  for (let a = 0; a < answers; a++) {
    at = at < 0 ? -1 : skipName(reply, at);
    if (at < 0 || at + 10 > reply.length) return undefined;
    const type = (reply[at] << 8) | reply[at + 1];
    const rdlength = (reply[at + 8] << 8) | reply[at + 9];
    if (at + 10 + rdlength > reply.length) return undefined;
    const target = type === 12 ? readName(reply, at + 10) : undefined;
    if (target !== undefined) types.push(target);
    at += 10 + rdlength;
  }
  if (types.length === 0) return { name: "mdns" };
  return {
    name: "mdns",
    product: "DNS-based service discovery",
    extra: `services ${types.join(",")}`,
  };
}

/**
 * NTP (RFC 5905) server reply (mode 4): the version, and the clock's
 * standing as `nmap -sV` words it — stratum 1 `primary server`, 2..15
 * `secondary server`, 0 or 16 `unsynchronized`, and `; unsynchronized`
 * after a stratum when the leap indicator is 3 (alarm).
 *
 * @example
 * ```ts
 * import { ntpReplyService } from "./udp_services.ts";
 * const reply = new Uint8Array(48);
 * reply[0] = 0x24, reply[1] = 2; // LI 0, VN 4, mode 4, stratum 2
 * ntpReplyService(reply); // { name: "ntp", product: "NTP", version: "v4", extra: "secondary server" }
 * ```
 */
export function ntpReplyService(reply: Uint8Array): ServiceInfo | undefined {
  if (reply.length < 48 || (reply[0] & 7) !== 4) return undefined;
  const version = (reply[0] >> 3) & 7;
  const stratum = reply[1];
  const alarm = reply[0] >> 6 === 3;
  const standing = stratum === 0 || stratum >= 16
    ? "unsynchronized"
    : `${stratum === 1 ? "primary" : "secondary"} server${
      alarm ? "; unsynchronized" : ""
    }`;
  return {
    name: "ntp",
    product: "NTP",
    version: `v${version}`,
    extra: standing,
  };
}

/**
 * memcached UDP reply: the 8-byte frame header, then `VERSION x\r\n`.
 *
 * @example
 * ```ts
 * import { memcachedReplyService } from "./udp_services.ts";
 * const reply = new Uint8Array([0x5a, 0x4f, 0, 0, 0, 1, 0, 0,
 *   ...new TextEncoder().encode("VERSION 1.6.18\r\n")]);
 * memcachedReplyService(reply)?.version; // "1.6.18"
 * ```
 */
export function memcachedReplyService(
  reply: Uint8Array,
): ServiceInfo | undefined {
  if (reply.length < 8 + 9) return undefined;
  const text = latin1(reply.subarray(8));
  const version = /^VERSION ([^\r\n ]+)\r\n/.exec(text);
  if (!version) return undefined;
  return { name: "memcached", product: "Memcached", version: version[1] };
}

/**
 * The value of header `name` (case-insensitive) in the header block ended
 * by an empty line, if any; a cut datagram (no empty line) has none.
 */
function headerValue(text: string, name: string): string | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  for (const line of text.slice(0, end).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) {
      return line.slice(colon + 1).trim();
    }
  }
  return undefined;
}

/**
 * SSDP (UPnP) answer to M-SEARCH: `HTTP/1.1 200 OK` with a SERVER header
 * (`Linux/5.10 UPnP/1.0 MiniUPnPd/2.3`).
 *
 * @example
 * ```ts
 * import { ssdpReplyService } from "./udp_services.ts";
 * const reply = new TextEncoder().encode("HTTP/1.1 200 OK\r\nSERVER: X UPnP/1.0 Y/2\r\n\r\n");
 * ssdpReplyService(reply)?.product; // "X UPnP/1.0 Y/2"
 * ```
 */
export function ssdpReplyService(reply: Uint8Array): ServiceInfo | undefined {
  const text = latin1(reply);
  if (!/^HTTP\/1\.[01] 200 /.test(text)) return undefined;
  const server = headerValue(text, "server");
  return server ? { name: "upnp", product: server } : { name: "upnp" };
}

/**
 * SIP (RFC 3261) response to OPTIONS: `SIP/2.0 <code>` and the Server (or
 * User-Agent) header naming the software; the status line as nmap's
 * extrainfo words it (`Status: 200 OK`).
 *
 * @example
 * ```ts
 * import { sipReplyService } from "./udp_services.ts";
 * const reply = new TextEncoder().encode("SIP/2.0 200 OK\r\nServer: Asterisk PBX 20.5.0\r\n\r\n");
 * sipReplyService(reply)?.product; // "Asterisk PBX 20.5.0"
 * ```
 */
export function sipReplyService(reply: Uint8Array): ServiceInfo | undefined {
  const text = latin1(reply);
  const status = /^SIP\/2\.0 (\d{3} [^\r\n]*)\r\n/.exec(text);
  if (!status) return undefined;
  const server = headerValue(text, "server") ?? headerValue(text, "user-agent");
  const extra = `Status: ${status[1]}`;
  return server
    ? { name: "sip", product: server, extra }
    : { name: "sip", extra };
}

/**
 * NAT-PMP (RFC 6886 §3.2) external address response: version 0, opcode
 * 128, result code, seconds since epoch, the public IPv4 address.
 *
 * @example
 * ```ts
 * import { natPmpReplyService } from "./udp_services.ts";
 * const reply = new Uint8Array([0, 128, 0, 0, 0, 0, 0, 9, 192, 0, 2, 7]);
 * natPmpReplyService(reply)?.extra; // "external 192.0.2.7"
 * ```
 */
export function natPmpReplyService(
  reply: Uint8Array,
): ServiceInfo | undefined {
  if (reply.length < 12 || reply[0] !== 0 || reply[1] !== 128) return undefined;
  const result = (reply[2] << 8) | reply[3];
  if (result !== 0) return { name: "nat-pmp", extra: `result ${result}` };
  return {
    name: "nat-pmp",
    extra: `external ${[...reply.subarray(8, 12)].join(".")}`,
  };
}

/**
 * TFTP (RFC 1350) answer to a read request: DATA (3) if the file exists,
 * ERROR (5) with a message otherwise — both name TFTP.
 *
 * @example
 * ```ts
 * import { tftpReplyService } from "./udp_services.ts";
 * const reply = new Uint8Array([0, 5, 0, 1, ...new TextEncoder().encode("File not found"), 0]);
 * tftpReplyService(reply)?.extra; // "error 1: File not found"
 * ```
 */
export function tftpReplyService(reply: Uint8Array): ServiceInfo | undefined {
  if (reply.length < 4 || reply[0] !== 0) return undefined;
  if (reply[1] === 3) return { name: "tftp" };
  if (reply[1] !== 5) return undefined;
  const code = (reply[2] << 8) | reply[3];
  const end = reply.indexOf(0, 4);
  if (end < 0) return undefined; // ErrMsg is NUL-terminated
  return {
    name: "tftp",
    extra: `error ${code}: ${latin1(reply.subarray(4, end))}`,
  };
}

/**
 * QUIC (RFC 9000 §17.2.1) Version Negotiation packet: long header,
 * version 0, then the connection IDs and the list of versions the server
 * speaks.
 *
 * @example
 * ```ts
 * import { quicReplyService } from "./udp_services.ts";
 * const reply = new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
 * quicReplyService(reply)?.extra; // "versions 0x00000001"
 * ```
 */
export function quicReplyService(reply: Uint8Array): ServiceInfo | undefined {
  if (reply.length < 7 || (reply[0] & 0x80) === 0) return undefined;
  if (reply[1] | reply[2] | reply[3] | reply[4]) return undefined; // not VN
  let at = 5;
  at += 1 + reply[at]; // destination connection ID
  if (at >= reply.length) return undefined;
  at += 1 + reply[at]; // source connection ID
  const versions: string[] = [];
  for (; at + 4 <= reply.length; at += 4) {
    const v = ((reply[at] << 24) | (reply[at + 1] << 16) |
      (reply[at + 2] << 8) | reply[at + 3]) >>> 0;
    versions.push(`0x${v.toString(16).padStart(8, "0")}`);
  }
  if (versions.length === 0) return undefined;
  return { name: "quic", extra: `versions ${versions.join(",")}` };
}

type ReplyDecoder = (reply: Uint8Array) => ServiceInfo | undefined;

const DECODER_BY_PORT: ReadonlyMap<number, ReplyDecoder> = new Map<
  number,
  ReplyDecoder
>([
  [53, dnsReplyService],
  [69, tftpReplyService],
  [123, ntpReplyService],
  [111, portmapReplyService],
  [137, netbiosReplyService],
  [161, snmpReplyService],
  [443, (reply) => quicReplyService(reply) ?? dtlsReplyService(reply)],
  [500, ikeReplyService],
  [4433, dtlsReplyService],
  [5683, coapReplyService],
  [47808, bacnetReplyService],
  [1900, ssdpReplyService],
  [5060, sipReplyService],
  [5351, natPmpReplyService],
  [5353, mdnsReplyService],
  [11211, memcachedReplyService],
]);

/**
 * The service behind `reply`, a UDP datagram that answered the probe sent
 * to `port`, or `undefined` when no decoder here knows that port or the
 * bytes are not the expected answer.
 *
 * @example
 * ```ts
 * import { udpReplyService } from "./udp_services.ts";
 * udpReplyService(9, new Uint8Array(1)); // undefined
 * ```
 */
export function udpReplyService(
  port: number,
  reply: Uint8Array,
): ServiceInfo | undefined {
  return DECODER_BY_PORT.get(port)?.(reply);
}

/**
 * Which of `udpPayloads(port)` (../transmit/udp_payloads.ts) `reply`
 * answers: 0 for a port with one payload; on 161, 1 for an SNMPv3
 * message (the discovery probe's Report), 0 for v1/v2c; on 443, 1 for a
 * DTLS record (content type 20..25, major version 0xfe), 0 for QUIC. The
 * receive Worker reports one service per (target, port, answered payload),
 * so the SNMPv3 engine ID is reported beside the v1 sysDescr while the
 * retries' duplicates are not. `reply[at, end)` is the datagram (the
 * receive Worker passes the frame and its payload offsets: no view per
 * reply).
 *
 * @example
 * ```ts
 * import { udpReplyPayloadIndex } from "./udp_services.ts";
 * const alert = new Uint8Array([21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40]);
 * console.log(udpReplyPayloadIndex(443, alert), udpReplyPayloadIndex(53, alert)); // 1 0
 * ```
 */
export function udpReplyPayloadIndex(
  port: number,
  reply: Uint8Array,
  at: number = 0,
  end: number = reply.length,
): number {
  if (port === 161) {
    // SEQUENCE, short or 1/2-byte long length, then INTEGER 1 byte: version.
    const long = reply[at + 1] === 0x81 ? 1 : reply[at + 1] === 0x82 ? 2 : 0;
    const v = at + 2 + long;
    return v + 2 < end && reply[at] === 0x30 && reply[v] === 0x02 &&
        reply[v + 1] === 1 && reply[v + 2] === 3
      ? 1
      : 0;
  }
  if (port === 443) {
    return end - at >= 13 && reply[at] >= 20 && reply[at] <= 25 &&
        reply[at + 1] === 0xfe
      ? 1
      : 0;
  }
  return 0;
}
