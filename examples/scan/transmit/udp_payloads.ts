/**
 * UDP probe payloads: a UDP service only answers a datagram it understands,
 * so an empty probe finds almost nothing open. These are the requests for
 * the services the scanner knows (DNS 53, NTP 123, SNMP 161, and the
 * discovery requests of SSDP, NetBIOS, mDNS, memcached, TFTP, SunRPC,
 * NAT-PMP, CoAP, SIP, IKE, QUIC, DTLS and BACnet), each built byte by byte
 * below with the meaning of every byte; other ports get an empty payload
 * (which still draws an ICMP port unreachable from a closed port). The UDP templates call {@link udpPayload} once per port and cache
 * the bytes, so nothing here is on the per-packet path.
 *
 * @module
 */

import { concatBytes } from "../../../decoders/tls_record.ts";

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

/** `text` as bytes: the text protocols below are ASCII (no byte above 0x7e). */
function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * SSDP (UPnP Device Architecture 2.0 §1.3.2) M-SEARCH: an HTTP-over-UDP
 * request every UPnP device answers with a 200 OK carrying its SERVER
 * header (OS, UPnP version, product/version). Every line ends CR LF.
 */
export const SSDP_M_SEARCH: Uint8Array = ascii(
  "M-SEARCH * HTTP/1.1\r\n" + // method, request-target "*", version
    "HOST: 239.255.255.250:1900\r\n" + // required: the SSDP multicast group
    'MAN: "ssdp:discover"\r\n' + // required: the quoted extension name
    "MX: 1\r\n" + // answer within 1 s (devices wait a random 0..MX)
    "ST: ssdp:all\r\n" + // search target: every device and service
    "\r\n", // empty line: end of headers, no body
);

/**
 * NetBIOS name service (RFC 1002 §4.2.17) NODE STATUS REQUEST for the
 * wildcard name "*": a Windows or Samba host answers with its NetBIOS
 * names, workgroup and MAC address.
 */
export const NETBIOS_NODE_STATUS: Uint8Array = new Uint8Array([
  0x5a,
  0x4f, // NAME_TRN_ID: any value; the reply echoes it
  0x00,
  0x00, // flags: R=0 request, OPCODE=0 query, NM_FLAGS=0 (no B bit)
  0x00,
  0x01, // QDCOUNT: one question
  0x00,
  0x00, // ANCOUNT
  0x00,
  0x00, // NSCOUNT
  0x00,
  0x00, // ARCOUNT
  0x20, // label length 32: the first-level encoded 16-byte NetBIOS name
  // RFC 1001 §14.1 encoding: each nibble + 'A'. '*' (0x2a) -> "CK", then
  // 15 NUL padding bytes -> "AA" each.
  0x43,
  0x4b, // "CK": '*'
  ...new Array(30).fill(0x41), // 30 x "A": 15 NUL padding bytes
  0x00, // root label: end of name (no scope ID)
  0x00,
  0x21, // QUESTION_TYPE: NBSTAT (33)
  0x00,
  0x01, // QUESTION_CLASS: IN (1)
]);

/**
 * mDNS (RFC 6762, DNS-SD RFC 6763 §9) query for the PTR records of
 * `_services._dns-sd._udp.local`: the service types a host advertises.
 * Sent from a port other than 5353 it is a "legacy unicast" query (RFC 6762
 * §6.7), which the responder answers by unicast to that port, echoing the ID.
 */
export const MDNS_SERVICES_QUERY: Uint8Array = new Uint8Array([
  0x5a,
  0x4f, // ID: echoed in legacy unicast replies
  0x00,
  0x00, // flags: QR=0 query, OPCODE=0, no RD (mDNS ignores it)
  0x00,
  0x01, // QDCOUNT: one question
  0x00,
  0x00, // ANCOUNT
  0x00,
  0x00, // NSCOUNT
  0x00,
  0x00, // ARCOUNT
  0x09,
  ...ascii("_services"), // 9 "_services"
  0x07,
  ...ascii("_dns-sd"), // 7 "_dns-sd"
  0x04,
  ...ascii("_udp"), // 4 "_udp"
  0x05,
  ...ascii("local"), // 5 "local"
  0x00, // root label: end of name
  0x00,
  0x0c, // QTYPE: PTR (12)
  0x00,
  0x01, // QCLASS: IN (1), top bit 0 (QM: a legacy unicast anyway)
]);

/**
 * memcached UDP (protocol.txt "UDP protocol") `version` command: the
 * 8-byte frame header, then the text command. The reply is
 * `VERSION 1.6.x\r\n` under the same header. `version`, not `stats`: the
 * answer names the version and is one small datagram (`stats` is the
 * amplification vector, kilobytes per request).
 */
export const MEMCACHED_VERSION: Uint8Array = new Uint8Array([
  0x5a,
  0x4f, // request ID: echoed in the reply's frame header
  0x00,
  0x00, // sequence number: 0 (the first datagram of this request)
  0x00,
  0x01, // total datagrams in this message: 1
  0x00,
  0x00, // reserved: 0
  ...ascii("version\r\n"), // the text-protocol command, CR LF terminated
]);

/**
 * TFTP (RFC 1350) read request for a file no server has: the server
 * answers with an ERROR packet (opcode 5, "File not found") — or the data
 * if it exists — either way naming the service. Note: the server answers
 * from a new port (its transfer ID), not from port 69.
 */
export const TFTP_READ_REQUEST: Uint8Array = new Uint8Array([
  0x00,
  0x01, // opcode: RRQ (1)
  ...ascii("zon.probe"), // filename (netascii)
  0x00, // end of filename
  ...ascii("octet"), // mode: octet (binary)
  0x00, // end of mode
]);

/**
 * SunRPC (RFC 5531) call to the portmapper (program 100000, version 2,
 * RFC 1833 §3) procedure DUMP (4): the reply lists every registered RPC
 * program with its version, protocol and port (NFS, mountd, NIS, ...).
 * Every field is a 4-byte big-endian XDR word.
 */
export const PORTMAP_DUMP_CALL: Uint8Array = new Uint8Array([
  0x5a,
  0x4f,
  0x4e,
  0x31, // xid "ZON1": the reply echoes it
  0x00,
  0x00,
  0x00,
  0x00, // msg_type: CALL (0)
  0x00,
  0x00,
  0x00,
  0x02, // rpcvers: 2
  0x00,
  0x01,
  0x86,
  0xa0, // prog: 100000 (portmapper)
  0x00,
  0x00,
  0x00,
  0x02, // vers: 2
  0x00,
  0x00,
  0x00,
  0x04, // proc: PMAPPROC_DUMP (4)
  0x00,
  0x00,
  0x00,
  0x00, // cred flavor: AUTH_NONE (0)
  0x00,
  0x00,
  0x00,
  0x00, // cred body length: 0
  0x00,
  0x00,
  0x00,
  0x00, // verf flavor: AUTH_NONE (0)
  0x00,
  0x00,
  0x00,
  0x00, // verf body length: 0 (DUMP takes no arguments)
]);

/**
 * NAT-PMP (RFC 6886 §3.2) external address request: a gateway answers
 * with its public IPv4 address and seconds since its epoch.
 */
export const NAT_PMP_EXTERNAL_ADDRESS: Uint8Array = new Uint8Array([
  0x00, // version: 0
  0x00, // opcode: 0 (determine external address)
]);

/**
 * CoAP (RFC 7252 §3) confirmable GET for `/.well-known/core` (RFC 6690):
 * the resource directory of the device, in CoRE link format.
 */
export const COAP_GET_WELL_KNOWN_CORE: Uint8Array = new Uint8Array([
  0x40, // Ver=1 (bits 7-6), T=0 confirmable (5-4), TKL=0 no token (3-0)
  0x01, // code 0.01: GET
  0x5a,
  0x4f, // message ID: echoed in the ACK
  0xbb, // option delta 11 (Uri-Path), length 11
  ...ascii(".well-known"), // first path segment
  0x04, // option delta 0 (Uri-Path again), length 4
  ...ascii("core"), // second path segment; no 0xff marker: no payload
]);

/**
 * SIP (RFC 3261 §11) OPTIONS request: a SIP server or phone answers with a
 * status line and, usually, a Server or User-Agent header naming its
 * software. `rport` (RFC 3581) asks for the reply to go to the source port
 * the datagram came from, whatever the Via host says. Every line ends CR LF.
 */
export const SIP_OPTIONS: Uint8Array = ascii(
  "OPTIONS sip:nm SIP/2.0\r\n" + // method, request-URI, version
    "Via: SIP/2.0/UDP nm;branch=z9hG4bK-zon1;rport\r\n" + // RFC 3261 magic cookie z9hG4bK
    "From: <sip:nm@nm>;tag=zon1\r\n" + // caller, with the required tag
    "To: <sip:nm2@nm2>\r\n" + // callee (no tag: outside a dialog)
    "Call-ID: zon1@nm\r\n" + // any unique ID
    "CSeq: 42 OPTIONS\r\n" + // sequence number and method
    "Max-Forwards: 70\r\n" + // the RFC 3261 recommended hop limit
    "Accept: application/sdp\r\n" + // the body type we would understand
    "Content-Length: 0\r\n" + // no body
    "\r\n", // empty line: end of headers
);

/**
 * SNMPv3 (RFC 3412 §6, RFC 3414 §4) discovery request: a GetRequest with
 * no variable bindings, no user, and the reportable flag, which every v3
 * agent answers with a Report carrying its snmpEngineID (often the vendor's
 * enterprise number and MAC), engine boots and engine time — even when it
 * refuses every community. BER, every length in one byte.
 */
export const SNMPV3_ENGINE_DISCOVERY: Uint8Array = new Uint8Array([
  0x30,
  0x3e, // SEQUENCE, 62 bytes: SNMPv3Message
  0x02,
  0x01,
  0x03, // INTEGER msgVersion: 3
  0x30,
  0x11, // SEQUENCE, 17 bytes: msgGlobalData
  0x02,
  0x04,
  0x5a,
  0x4f,
  0x4e,
  0x31, // INTEGER msgID "ZON1"
  0x02,
  0x03,
  0x00,
  0xff,
  0xe3, // INTEGER msgMaxSize 65507 (leading 0: positive)
  0x04,
  0x01,
  0x04, // OCTET STRING msgFlags: reportable, no auth, no priv
  0x02,
  0x01,
  0x03, // INTEGER msgSecurityModel: 3 (USM)
  0x04,
  0x10, // OCTET STRING, 16 bytes: msgSecurityParameters
  0x30,
  0x0e, // SEQUENCE, 14 bytes: UsmSecurityParameters
  0x04,
  0x00, // msgAuthoritativeEngineID: empty (what we ask for)
  0x02,
  0x01,
  0x00, // msgAuthoritativeEngineBoots: 0
  0x02,
  0x01,
  0x00, // msgAuthoritativeEngineTime: 0
  0x04,
  0x00, // msgUserName: empty
  0x04,
  0x00, // msgAuthenticationParameters: empty
  0x04,
  0x00, // msgPrivacyParameters: empty
  0x30,
  0x14, // SEQUENCE, 20 bytes: ScopedPDU (plaintext)
  0x04,
  0x00, // contextEngineID: empty
  0x04,
  0x00, // contextName: empty
  0xa0,
  0x0e, // GetRequest-PDU [0], 14 bytes
  0x02,
  0x04,
  0x5a,
  0x4f,
  0x4e,
  0x32, // INTEGER request-id "ZON2"
  0x02,
  0x01,
  0x00, // INTEGER error-status: 0
  0x02,
  0x01,
  0x00, // INTEGER error-index: 0
  0x30,
  0x00, // SEQUENCE, 0 bytes: no variable bindings
]);

/**
 * IKEv1 (RFC 2409 §5, ISAKMP RFC 2408 §3) main-mode first message: one
 * proposal with one transform (AES-128-CBC, SHA-1, pre-shared key, MODP
 * 2048, 8 h). A VPN gateway answers with its own SA (accepting) or an
 * INFORMATIONAL NO-PROPOSAL-CHOSEN notify (refusing), often with vendor-ID
 * payloads naming the implementation. Chosen over IKEv2 SA_INIT because it
 * needs no Diffie-Hellman public value, and IKEv2 responders still answer it
 * (with INVALID-MAJOR-VERSION at worst).
 */
export const IKEV1_MAIN_MODE: Uint8Array = new Uint8Array([
  // ISAKMP header (28 bytes)
  0x5a,
  0x4f,
  0x4e,
  0x2d,
  0x49,
  0x4b,
  0x45,
  0x31, // initiator cookie "ZON-IKE1"
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00, // responder cookie: 0 (unknown yet)
  0x01, // next payload: SA (1)
  0x10, // version: major 1, minor 0
  0x02, // exchange type: Identity Protection (main mode, 2)
  0x00, // flags: none (not encrypted, not commit)
  0x00,
  0x00,
  0x00,
  0x00, // message ID: 0 (phase 1)
  0x00,
  0x00,
  0x00,
  0x54, // length: 84 bytes, header included
  // SA payload (12 bytes + the proposal)
  0x00, // next payload: none
  0x00, // reserved
  0x00,
  0x38, // payload length: 56
  0x00,
  0x00,
  0x00,
  0x01, // DOI: IPsec (1)
  0x00,
  0x00,
  0x00,
  0x01, // situation: SIT_IDENTITY_ONLY (1)
  // Proposal payload (8 bytes + the transform)
  0x00, // next payload: none (last proposal)
  0x00, // reserved
  0x00,
  0x2c, // payload length: 44
  0x01, // proposal number: 1
  0x01, // protocol ID: PROTO_ISAKMP (1)
  0x00, // SPI size: 0 (ISAKMP SAs use the cookies)
  0x01, // number of transforms: 1
  // Transform payload (8 bytes + 7 attributes of 4 bytes, TV format: 0x80|type)
  0x00, // next payload: none (last transform)
  0x00, // reserved
  0x00,
  0x24, // payload length: 36
  0x01, // transform number: 1
  0x01, // transform ID: KEY_IKE (1)
  0x00,
  0x00, // reserved
  0x80,
  0x01,
  0x00,
  0x07, // encryption algorithm (1): AES-CBC (7)
  0x80,
  0x0e,
  0x00,
  0x80, // key length (14): 128 bits
  0x80,
  0x02,
  0x00,
  0x02, // hash algorithm (2): SHA (2)
  0x80,
  0x03,
  0x00,
  0x01, // authentication method (3): pre-shared key (1)
  0x80,
  0x04,
  0x00,
  0x0e, // group description (4): MODP 2048 (14)
  0x80,
  0x0b,
  0x00,
  0x01, // life type (11): seconds (1)
  0x80,
  0x0c,
  0x70,
  0x80, // life duration (12): 28800 s
]);

/** Bytes of a QUIC Initial datagram a server must answer (RFC 9000 §14.1). */
const QUIC_MIN_DATAGRAM = 1200;

/**
 * QUIC (RFC 9000 §6, §17.2) long-header packet with a reserved version
 * (0x?a?a?a?a, §15), which forces every QUIC server to answer with a Version
 * Negotiation packet listing the versions it speaks. Padded to 1200 bytes:
 * servers drop smaller Initial datagrams (§14.1) — the one probe bigger than
 * its reply, on purpose.
 */
export const QUIC_FORCE_VERSION_NEGOTIATION: Uint8Array = (() => {
  const header = new Uint8Array([
    0xc0, // long header, fixed bit, type 0 (Initial), low 4 bits 0 (header-protected)
    0x1a,
    0x2a,
    0x3a,
    0x4a, // version: reserved 0x1a2a3a4a (forces negotiation)
    0x08, // destination connection ID length: 8 (the §7.2 minimum)
    0x5a,
    0x4f,
    0x4e,
    0x2d,
    0x51,
    0x55,
    0x49,
    0x43, // DCID "ZON-QUIC": echoed as SCID
    0x00, // source connection ID length: 0 (the reply's DCID is empty)
    0x00, // token length: 0 (varint)
    0x44,
    0x9e, // length: 1182 (2-byte varint 0x4000|n), the rest of the datagram
    // then 1182 zero bytes: what would be packet number and payload
  ]);
  const b = new Uint8Array(QUIC_MIN_DATAGRAM); // zero padding after the header
  b.set(header);
  return b;
})();

/**
 * DTLS 1.2 (RFC 6347 §4.2, TLS 1.2 RFC 5246 §7.4.1.2) ClientHello: a DTLS
 * server answers with a HelloVerifyRequest (its cookie, and its record
 * version) or a ServerHello. ECDHE and RSA AES-128-GCM suites with the
 * extensions ECDHE needs.
 */
export const DTLS_CLIENT_HELLO: Uint8Array = concatBytes([
  new Uint8Array([
    // DTLS record header (13 bytes)
    0x16, // content type: handshake (22)
    0xfe,
    0xfd, // record version: DTLS 1.2 (~1.2)
    0x00,
    0x00, // epoch: 0
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00, // sequence number: 0
    0x00,
    0x54, // record length: 84
    // Handshake header (12 bytes)
    0x01, // handshake type: ClientHello (1)
    0x00,
    0x00,
    0x48, // message length: 72
    0x00,
    0x00, // message_seq: 0
    0x00,
    0x00,
    0x00, // fragment offset: 0
    0x00,
    0x00,
    0x48, // fragment length: 72 (unfragmented)
    // ClientHello body (72 bytes)
    0xfe,
    0xfd, // client_version: DTLS 1.2
  ]),
  ascii("ZON-DTLS-PROBE-RANDOM-32-BYTES.."), // random: 32 fixed bytes
  new Uint8Array([
    0x00, // session_id length: 0
    0x00, // cookie length: 0 (first flight)
    0x00,
    0x06, // cipher_suites length: 6 (3 suites)
    0xc0,
    0x2b, // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    0xc0,
    0x2f, // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    0x00,
    0x9c, // TLS_RSA_WITH_AES_128_GCM_SHA256
    0x01, // compression_methods length: 1
    0x00, // null compression
    0x00,
    0x18, // extensions length: 24
    0x00,
    0x0a, // extension: supported_groups (10)
    0x00,
    0x04, // extension length: 4
    0x00,
    0x02, // named group list length: 2
    0x00,
    0x17, // secp256r1 (23)
    0x00,
    0x0b, // extension: ec_point_formats (11)
    0x00,
    0x02, // extension length: 2
    0x01, // formats length: 1
    0x00, // uncompressed (0)
    0x00,
    0x0d, // extension: signature_algorithms (13)
    0x00,
    0x06, // extension length: 6
    0x00,
    0x04, // list length: 4 (2 schemes)
    0x04,
    0x03, // ecdsa_secp256r1_sha256
    0x04,
    0x01, // rsa_pkcs1_sha256
  ]),
]);

/**
 * BACnet/IP (ASHRAE 135 Annex J, clauses 6 and 16.10) unconfirmed Who-Is
 * with no range: every BACnet device answers with I-Am (its device
 * instance, max APDU, segmentation and vendor ID).
 */
export const BACNET_WHO_IS: Uint8Array = new Uint8Array([
  // BVLC (4 bytes)
  0x81, // type: BACnet/IP (Annex J)
  0x0a, // function: Original-Unicast-NPDU
  0x00,
  0x08, // length: 8 bytes, BVLC included
  // NPDU (2 bytes)
  0x01, // protocol version: 1
  0x00, // control: normal priority, no DNET/SNET, no reply expected flag
  // APDU (2 bytes)
  0x10, // PDU type 1 (unconfirmed request) in the high nibble
  0x08, // service choice: who-Is (8); no range: all devices
]);

const EMPTY = new Uint8Array(0);

/**
 * Every probe payload for UDP destination port `port`, the first one sent
 * first: one payload for most ports, two where a service speaks two
 * dialects on one port (161: SNMPv1 `public` then the SNMPv3 discovery —
 * v1 names the system, v3 answers even without a community; 443: the QUIC
 * version-negotiation probe then the DTLS ClientHello). The scan engine
 * sends every one of them, each as a probe of its own
 * (`engine/shared.ts`, `UDP_EXTRA_PAYLOAD_BASE`). Empty list for ports no service here listens on.
 *
 * @example
 * ```ts
 * import { udpPayloads } from "./udp_payloads.ts";
 * console.log(udpPayloads(161).length, udpPayloads(9).length); // 2 0
 * ```
 */
export function udpPayloads(port: number): readonly Uint8Array[] {
  return PAYLOADS_BY_PORT.get(port) ?? [];
}

const PAYLOADS_BY_PORT: ReadonlyMap<number, readonly Uint8Array[]> = new Map<
  number,
  readonly Uint8Array[]
>([
  [53, [DNS_VERSION_BIND_QUERY]],
  [69, [TFTP_READ_REQUEST]],
  [111, [PORTMAP_DUMP_CALL]],
  [123, [NTP_CLIENT_REQUEST]],
  [137, [NETBIOS_NODE_STATUS]],
  [161, [SNMP_GET_SYSDESCR, SNMPV3_ENGINE_DISCOVERY]],
  [443, [QUIC_FORCE_VERSION_NEGOTIATION, DTLS_CLIENT_HELLO]],
  [500, [IKEV1_MAIN_MODE]],
  [1900, [SSDP_M_SEARCH]],
  [4433, [DTLS_CLIENT_HELLO]],
  [5060, [SIP_OPTIONS]],
  [5351, [NAT_PMP_EXTERNAL_ADDRESS]],
  [5353, [MDNS_SERVICES_QUERY]],
  [5683, [COAP_GET_WELL_KNOWN_CORE]],
  [11211, [MEMCACHED_VERSION]],
  [47808, [BACNET_WHO_IS]],
]);

/**
 * The UDP ports that have a payload here, ascending.
 *
 * @example
 * ```ts
 * import { udpPayloadPorts } from "./udp_payloads.ts";
 * console.log(udpPayloadPorts().includes(53)); // true
 * ```
 */
export function udpPayloadPorts(): number[] {
  return [...PAYLOADS_BY_PORT.keys()].sort((a, b) => a - b);
}

/**
 * The probe payload for UDP destination port `port`: the first of
 * {@link udpPayloads} (DNS for 53, NTP for 123, SNMPv1 for 161, ...), empty
 * elsewhere. Returns shared constants: do not modify them.
 *
 * @example
 * ```ts
 * import { udpPayload } from "./udp_payloads.ts";
 * console.log(udpPayload(123).length, udpPayload(9).length); // 48 0
 * ```
 */
export function udpPayload(port: number): Uint8Array {
  return udpPayloads(port)[0] ?? EMPTY;
}
