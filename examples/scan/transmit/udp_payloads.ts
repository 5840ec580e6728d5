/**
 * UDP probe payloads: a UDP service only answers a datagram it understands,
 * so an empty probe finds almost nothing open. These are the requests for
 * the services the scanner knows (DNS 53, NTP 123, SNMP 161), each built
 * byte by byte below with the meaning of every byte; other ports get an
 * empty payload (which still draws an ICMP port unreachable from a closed
 * port). The UDP templates call {@link udpPayload} once per port and cache
 * the bytes, so nothing here is on the per-packet path.
 *
 * @module
 */

/**
 * DNS (RFC 1035) query for `version.bind`, type TXT, class CHAOS — the
 * question masscan and nmap ask: every DNS server answers it (with the
 * version, or REFUSED), and it reveals nothing about the scanner.
 */
export const DNS_VERSION_BIND_QUERY: Uint8Array = new Uint8Array([
  // Header (12 bytes)
  0x12,
  0x34, // ID: any value; replies echo it
  0x01,
  0x00, // flags: QR=0 query, OPCODE=0, RD=1 (recursion desired)
  0x00,
  0x01, // QDCOUNT: one question
  0x00,
  0x00, // ANCOUNT
  0x00,
  0x00, // NSCOUNT
  0x00,
  0x00, // ARCOUNT
  // Question: QNAME as length-prefixed labels, "version" "bind" then root
  0x07,
  0x76,
  0x65,
  0x72,
  0x73,
  0x69,
  0x6f,
  0x6e, // 7 "version"
  0x04,
  0x62,
  0x69,
  0x6e,
  0x64, // 4 "bind"
  0x00, // root label: end of name
  0x00,
  0x10, // QTYPE: TXT (16)
  0x00,
  0x03, // QCLASS: CHAOS (3)
]);

/**
 * NTP (RFC 5905) client request: the 48-byte header ntpdate/sntp send.
 * Servers answer mode 3 (client) with mode 4 (server).
 */
export const NTP_CLIENT_REQUEST: Uint8Array = (() => {
  const b = new Uint8Array(48); // every field not set below is zero
  b[0] = 0xe3; // LI=3 (clock unsynchronized), VN=4, Mode=3 (client)
  b[1] = 0x00; // stratum: unspecified
  b[2] = 0x06; // poll: 2^6 s
  b[3] = 0xec; // precision: 2^-20 s (signed -20)
  // bytes 4..47: root delay, root dispersion, reference ID, and the four
  // timestamps — all zero in a request (the server fills its own).
  return b;
})();

/**
 * SNMPv1 (RFC 1157) GetRequest for sysDescr.0 (1.3.6.1.2.1.1.1.0) with
 * community "public": the default read community, which most agents that
 * answer anything answer. BER encoding, every length in one byte.
 */
export const SNMP_GET_SYSDESCR: Uint8Array = new Uint8Array([
  0x30,
  0x29, // SEQUENCE, 41 bytes: the message
  0x02,
  0x01,
  0x00, // INTEGER version: 0 (SNMPv1)
  0x04,
  0x06,
  0x70,
  0x75,
  0x62,
  0x6c,
  0x69,
  0x63, // OCTET STRING "public"
  0xa0,
  0x1c, // GetRequest-PDU [0], 28 bytes
  0x02,
  0x04,
  0x5a,
  0x4f,
  0x4e,
  0x31, // INTEGER request-id "ZON1"
  0x02,
  0x01,
  0x00, // INTEGER error-status: 0
  0x02,
  0x01,
  0x00, // INTEGER error-index: 0
  0x30,
  0x0e, // SEQUENCE, 14 bytes: variable bindings
  0x30,
  0x0c, // SEQUENCE, 12 bytes: one binding
  0x06,
  0x08,
  0x2b,
  0x06,
  0x01,
  0x02,
  0x01,
  0x01,
  0x01,
  0x00, // OID 1.3.6.1.2.1.1.1.0 (0x2b = 1.3)
  0x05,
  0x00, // NULL: the value asked for
]);

const EMPTY = new Uint8Array(0);

/**
 * The probe payload for UDP destination port `port`: DNS for 53, NTP for
 * 123, SNMP for 161, empty elsewhere. Returns shared constants: do not
 * modify them.
 *
 * @example
 * ```ts
 * import { udpPayload } from "./udp_payloads.ts";
 * console.log(udpPayload(123).length, udpPayload(9).length); // 48 0
 * ```
 */
export function udpPayload(port: number): Uint8Array {
  switch (port) {
    case 53:
      return DNS_VERSION_BIND_QUERY;
    case 123:
      return NTP_CLIENT_REQUEST;
    case 161:
      return SNMP_GET_SYSDESCR;
    default:
      return EMPTY;
  }
}
