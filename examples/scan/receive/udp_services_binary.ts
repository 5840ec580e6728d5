/**
 * Reply decoders for the binary UDP protocols probed by
 * ../transmit/udp_payloads.ts (SNMP, NetBIOS, portmap, CoAP, IKE, DTLS,
 * BACnet): one small pure function each, returning nmap-style
 * {@link ServiceInfo} or `undefined` when the bytes are not that answer.
 * The text protocols and DNS are in ./udp_services.ts.
 *
 * @module
 */

import { latin1, type ServiceInfo } from "../../../decoders/service_types.ts";

export type { ServiceInfo };

/** One BER TLV: its tag and where its value lies. */
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** The BER TLV at `at` (short or 1-2 byte long-form length), if whole. */
function readTlv(b: Uint8Array, at: number): Tlv | undefined {
  if (at + 2 > b.length) return undefined;
  let length = b[at + 1];
  let start = at + 2;
  if (length === 0x81 || length === 0x82) {
    const bytes = length & 0x7f;
    if (start + bytes > b.length) return undefined;
    length = bytes === 1 ? b[start] : (b[start] << 8) | b[start + 1];
    start += bytes;
  } else if (length > 0x7f) return undefined;
  const end = start + length;
  return end <= b.length ? { tag: b[at], start, end } : undefined;
}

/** The TLVs of a path: `tags[i]` must match; each step enters or skips. */
function walk(b: Uint8Array, steps: [number, "enter" | "skip"][]): number {
  let at = 0;
  for (const [tag, how] of steps) {
    const tlv = readTlv(b, at);
    if (!tlv || tlv.tag !== tag) return -1;
    at = how === "enter" ? tlv.start : tlv.end;
  }
  return at;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;

/**
 * SNMP reply: an SNMPv1 GetResponse to the sysDescr.0 probe (the value is
 * the system description), or an SNMPv3 Report to the discovery probe (the
 * authoritative engine ID, in hex). Products as `nmap -sV` names them:
 * `SNMPv1 server`, and `<enterprise> SNMPv3 server` from the engine ID
 * (nmap joins the two with "; " when both answer).
 *
 * @example
 * ```ts
 * import { snmpReplyService } from "./udp_services_binary.ts";
 * snmpReplyService(new Uint8Array([0x30, 0x00])); // undefined
 * ```
 */
export function snmpReplyService(reply: Uint8Array): ServiceInfo | undefined {
  const version = walk(reply, [[SEQUENCE, "enter"]]);
  const v = version < 0 ? undefined : readTlv(reply, version);
  if (!v || v.tag !== INTEGER || v.end - v.start !== 1) return undefined;
  if (reply[v.start] === 3) return snmpV3Report(reply);
  const at = walk(reply, [
    [SEQUENCE, "enter"],
    [INTEGER, "skip"], // version
    [OCTET_STRING, "skip"], // community
    [0xa2, "enter"], // GetResponse-PDU
    [INTEGER, "skip"], // request-id
    [INTEGER, "skip"], // error-status
    [INTEGER, "skip"], // error-index
    [SEQUENCE, "enter"], // varbind list
    [SEQUENCE, "enter"], // varbind
    [0x06, "skip"], // OID
  ]);
  const value = at < 0 ? undefined : readTlv(reply, at);
  const name = `v${reply[v.start] + 1}`; // 0: v1, 1: v2c
  if (!value || value.tag !== OCTET_STRING) {
    return at < 0 ? undefined : { name: "snmp", version: name };
  }
  const description = latin1(reply.subarray(value.start, value.end));
  return {
    name: "snmp",
    product: `SNMP${name} server`,
    version: name,
    extra: description,
  };
}

/**
 * IANA Private Enterprise Numbers of common SNMP agents (the registry's
 * names, as `nmap -sV`'s snmp-info prints them): the enterprise is the
 * first 4 bytes of an RFC 3411 engine ID, high bit set.
 */
const ENTERPRISES: ReadonlyMap<number, string> = new Map([
  [9, "ciscoSystems"],
  [11, "Hewlett-Packard"],
  [311, "Microsoft"],
  [674, "Dell Inc."],
  [1916, "Extreme Networks"],
  [2011, "HUAWEI Technology Co.,Ltd"],
  [2636, "Juniper Networks, Inc."],
  [4526, "Netgear"],
  [6876, "VMware Inc."],
  [8072, "net-snmp"],
  [12356, "Fortinet, Inc."],
  [14988, "MikroTik"],
  [25506, "H3C"],
]);

/** The engine ID of an SNMPv3 message's USM security parameters. */
function snmpV3Report(reply: Uint8Array): ServiceInfo | undefined {
  const at = walk(reply, [
    [SEQUENCE, "enter"],
    [INTEGER, "skip"], // msgVersion
    [SEQUENCE, "skip"], // msgGlobalData
    [OCTET_STRING, "enter"], // msgSecurityParameters
    [SEQUENCE, "enter"], // UsmSecurityParameters
  ]);
  const engine = at < 0 ? undefined : readTlv(reply, at);
  if (!engine || engine.tag !== OCTET_STRING) return undefined;
  const id = reply.subarray(engine.start, engine.end);
  const hex = [...id].map((x) => x.toString(16).padStart(2, "0")).join("");
  // nmap's naming: "<enterprise> SNMPv3 server" (the number if unknown).
  const number = id.length >= 4 && (id[0] & 0x80) !== 0
    ? word(id, 0) - 0x80000000
    : undefined;
  const enterprise = number === undefined
    ? undefined
    : ENTERPRISES.get(number) ?? String(number);
  return {
    name: "snmp",
    product: enterprise ? `${enterprise} SNMPv3 server` : "SNMPv3 server",
    version: "v3",
    extra: `engineID ${hex}`,
  };
}

/**
 * NetBIOS (RFC 1002 §4.2.18) NODE STATUS RESPONSE, named as `nmap -sV`
 * names it: the workgroup (the first group name, flags bit 0x80, of
 * suffix 0x00) as `workgroup: NAME`, and Samba's nmbd as the product when
 * the unit ID (MAC address) is all zeros — Samba sends zeros, Windows its
 * MAC. Without a group name: the first name (the computer) and the MAC.
 *
 * @example
 * ```ts
 * import { netbiosReplyService } from "./udp_services_binary.ts";
 * netbiosReplyService(new Uint8Array(12)); // undefined: not a response
 * ```
 */
export function netbiosReplyService(
  reply: Uint8Array,
): ServiceInfo | undefined {
  if (reply.length < 12 + 34 + 10 + 1 || (reply[2] & 0x80) === 0) {
    return undefined;
  }
  let at = 12;
  at += reply[at] === 0x20 ? 34 : 2; // the echoed name, or a pointer to it
  if (((reply[at] << 8) | reply[at + 1]) !== 0x21) return undefined; // NBSTAT
  const rdlength = (reply[at + 8] << 8) | reply[at + 9];
  at += 10; // type, class, TTL, RDLENGTH
  if (at + rdlength > reply.length) return undefined; // a cut datagram
  const count = reply[at++];
  if (count === 0 || at + count * 18 + 6 > reply.length) return undefined;
  const nameAt = (i: number) =>
    latin1(reply.subarray(at + 18 * i, at + 18 * i + 15)).trimEnd();
  let group: string | undefined;
  for (let i = 0; i < count && group === undefined; i++) {
    const suffix = reply[at + 18 * i + 15], flags = reply[at + 18 * i + 16];
    if (suffix === 0 && (flags & 0x80) !== 0) group = nameAt(i);
  }
  const unit = reply.subarray(at + count * 18, at + count * 18 + 6);
  const samba = unit.every((x) => x === 0);
  const product = samba ? { product: "Samba nmbd netbios-ns" } : {};
  if (group !== undefined) {
    return { name: "netbios-ns", ...product, extra: `workgroup: ${group}` };
  }
  const mac = [...unit].map((x) => x.toString(16).padStart(2, "0")).join(":");
  return { name: "netbios-ns", ...product, extra: `${nameAt(0)} MAC ${mac}` };
}

const PORTMAP_PROGRAM = 100000;

/** The 4-byte big-endian word at `at`. */
function word(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>>
    0;
}

/**
 * SunRPC portmapper (RFC 1833) DUMP reply: an accepted RPC reply, then the
 * list of mappings (value-follows, program, version, protocol, port).
 * Named as `nmap -sV` names it: the portmapper's own versions in the list
 * (program 100000) as `2-4`, and `RPC #100000`.
 *
 * @example
 * ```ts
 * import { portmapReplyService } from "./udp_services_binary.ts";
 * portmapReplyService(new Uint8Array(8)); // undefined: a call, not a reply
 * ```
 */
export function portmapReplyService(
  reply: Uint8Array,
): ServiceInfo | undefined {
  if (reply.length < 28 || word(reply, 4) !== 1) return undefined; // REPLY
  if (word(reply, 8) !== 0) return { name: "rpcbind", extra: "denied" };
  // verifier at 12: flavor, body length, body padded to 4 bytes
  let at = 20 + ((word(reply, 16) + 3) & ~3);
  if (at + 4 > reply.length || word(reply, at) !== 0) return undefined;
  at += 4; // accept_stat SUCCESS
  let low = Infinity, high = -Infinity;
  while (at + 4 <= reply.length && word(reply, at) === 1) {
    if (at + 20 > reply.length) return undefined;
    if (word(reply, at + 4) === PORTMAP_PROGRAM) {
      low = Math.min(low, word(reply, at + 8));
      high = Math.max(high, word(reply, at + 8));
    }
    at += 20;
  }
  // The list ends with value-follows FALSE; without it the reply was cut.
  if (at + 4 > reply.length || word(reply, at) !== 0) return undefined;
  // The reply itself is portmapper version 2 (the version our DUMP called).
  const version = low === Infinity || low === high
    ? String(low === Infinity ? 2 : low)
    : `${low}-${high}`;
  return { name: "rpcbind", version, extra: `RPC #${PORTMAP_PROGRAM}` };
}

/**
 * CoAP (RFC 7252) acknowledgement of the GET /.well-known/core: response
 * code and, after the 0xff marker, the CoRE link-format resource list.
 *
 * @example
 * ```ts
 * import { coapReplyService } from "./udp_services_binary.ts";
 * coapReplyService(new Uint8Array([0x60, 0x45, 0x5a, 0x4f])); // { name: "coap", extra: "2.05" }
 * ```
 */
export function coapReplyService(reply: Uint8Array): ServiceInfo | undefined {
  if (reply.length < 4 || reply[0] >> 6 !== 1) return undefined; // Ver 1
  const type = (reply[0] >> 4) & 3;
  const code = reply[1];
  if ((type !== 2 && type !== 3) || code < 0x40) return undefined; // ACK/RST
  const status = `${code >> 5}.${String(code & 31).padStart(2, "0")}`;
  const marker = coapPayloadMarker(reply, 4 + (reply[0] & 15));
  if (marker < 0) return { name: "coap", extra: status };
  const links = latin1(reply.subarray(marker + 1, marker + 1 + 200));
  return { name: "coap", extra: `${status} ${links}` };
}

/** Offset of the 0xff payload marker after the options at `at`, or -1. */
function coapPayloadMarker(b: Uint8Array, at: number): number {
  while (at < b.length && b[at] !== 0xff) {
    const delta = b[at] >> 4, length = b[at] & 15;
    let next = at + 1;
    next += delta === 13 ? 1 : delta === 14 ? 2 : 0; // extended delta
    if (length === 13) next += 1 + b[next] + 13;
    else if (length === 14) next += 2 + ((b[next] << 8) | b[next + 1]) + 269;
    else next += length;
    at = next;
  }
  return at < b.length ? at : -1;
}

/**
 * IKE responder message (RFC 2408 §3.1 / RFC 7296 §3.1): our initiator
 * cookie echoed, and the responder's major.minor version.
 *
 * @example
 * ```ts
 * import { ikeReplyService } from "./udp_services_binary.ts";
 * ikeReplyService(new Uint8Array(10)); // undefined: too short
 * ```
 */
export function ikeReplyService(reply: Uint8Array): ServiceInfo | undefined {
  if (reply.length < 28) return undefined;
  if (latin1(reply.subarray(0, 8)) !== "ZON-IKE1") return undefined;
  const version = `${reply[17] >> 4}.${reply[17] & 15}`;
  const informational = reply[18] === 5 || reply[18] === 37;
  return {
    name: "isakmp",
    version,
    extra: informational ? "refused proposal" : `exchange ${reply[18]}`,
  };
}

/** DTLS record versions (RFC 6347 §4.1: the one's complement of TLS's). */
const DTLS_VERSIONS: ReadonlyMap<number, string> = new Map([
  [0xfeff, "1.0"],
  [0xfefd, "1.2"],
  [0xfefc, "1.3"],
]);

/**
 * DTLS record from a server (RFC 6347 §4.1): a HelloVerifyRequest (no
 * version), a ServerHello (its server_version) or an alert (the record
 * version).
 *
 * @example
 * ```ts
 * import { dtlsReplyService } from "./udp_services_binary.ts";
 * const alert = new Uint8Array([0x15, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40]);
 * dtlsReplyService(alert); // { name: "dtls", version: "1.2", extra: "alert 40" }
 * ```
 */
export function dtlsReplyService(reply: Uint8Array): ServiceInfo | undefined {
  if (reply.length < 13 + 2) return undefined;
  const version = DTLS_VERSIONS.get((reply[1] << 8) | reply[2]);
  const recordLength = (reply[11] << 8) | reply[12];
  if (!version || 13 + recordLength > reply.length) return undefined;
  if (reply[0] === 0x15) {
    return { name: "dtls", version, extra: `alert ${reply[14]}` };
  }
  if (reply[0] !== 0x16 || recordLength < 12 + 2) return undefined;
  if (reply[13] === 3) {
    // HelloVerifyRequest: RFC 6347 §4.2.1 has servers write DTLS 1.0 in
    // it whatever they will negotiate, so it tells no version.
    return { name: "dtls", extra: "hello-verify-request" };
  }
  if (reply[13] !== 2) return undefined;
  const chosen = DTLS_VERSIONS.get((reply[25] << 8) | reply[26]);
  return chosen
    ? { name: "dtls", version: chosen, extra: "server-hello" }
    : { name: "dtls", extra: "server-hello" };
}

/**
 * BACnet/IP (ASHRAE 135 §16.10.2) I-Am: after BVLC and NPDU, the device
 * object identifier and, as the last tag, the vendor ID.
 *
 * @example
 * ```ts
 * import { bacnetReplyService } from "./udp_services_binary.ts";
 * bacnetReplyService(new Uint8Array([0x81, 0x0a, 0, 4])); // undefined
 * ```
 */
export function bacnetReplyService(
  reply: Uint8Array,
): ServiceInfo | undefined {
  if (reply.length < 8 || reply[0] !== 0x81 || reply[4] !== 1) return undefined;
  const control = reply[5];
  let at = 6;
  if (control & 0x20) at += 3 + reply[at + 2]; // DNET, DLEN, DADR
  if (control & 0x08) at += 3 + reply[at + 2]; // SNET, SLEN, SADR
  if (control & 0x20) at += 1; // hop count
  if (at + 2 + 5 > reply.length) return undefined;
  if (reply[at] !== 0x10 || reply[at + 1] !== 0x00) return undefined; // I-Am
  at += 2;
  if (reply[at] !== 0xc4) return undefined; // context: object identifier
  const device = word(reply, at + 1) & 0x3fffff;
  at += 5;
  // Then three application tags, each a tag byte (number << 4 | length)
  // and its value: max APDU (unsigned), segmentation (enumerated), vendor
  // ID (unsigned).
  let value = 0;
  let tags = 0;
  for (const tagNumber of [2, 9, 2]) {
    const length = reply[at] & 7;
    if (reply[at] >> 4 !== tagNumber || at + 1 + length > reply.length) break;
    value = 0;
    for (let k = 0; k < length; k++) value = value * 256 + reply[at + 1 + k];
    at += 1 + length;
    tags++;
  }
  const vendor = tags === 3 ? value : undefined;
  const extra = vendor === undefined
    ? `device ${device}`
    : `device ${device} vendor ${vendor}`;
  return { name: "bacnet", extra };
}
