/**
 * One scan result — what the receive Worker found — as a plain object for
 * output formats, and as a fixed 48-byte record for the SpscRing that carries
 * results from the receive Worker to the main thread without allocation.
 *
 * @module
 */

/** Why a target is reported. */
export type ResultReason =
  | "syn-ack" // TCP port open
  | "rst" // TCP port closed (reported only with --show closed)
  | "udp-response" // UDP payload answered
  | "icmp-port-unreachable" // UDP port closed
  | "echo-reply"; // host answered --ping

/** Transport of a result (ICMP for --ping). */
export type ResultProtocol = "tcp" | "udp" | "sctp" | "icmp";

/** A result, as output formats see it. */
export interface ScanResult {
  /** 4 or 6: which of ipv4/ipv6 holds the address. */
  version: 4 | 6;
  /** The target's IPv4 address (unsigned 32-bit) when version is 4. */
  ipv4: number;
  /** The target's IPv6 address (16 bytes, network order) when version is 6. */
  ipv6: Uint8Array;
  /** Port number 0..65535 (0 for ICMP). */
  port: number;
  /** Transport protocol. */
  protocol: ResultProtocol;
  /** "open" or "closed". */
  status: "open" | "closed";
  /** Why it is reported. */
  reason: ResultReason;
  /** IP TTL / hop limit of the reply. */
  ttl: number;
  /** When the reply arrived, Unix time in seconds (fractional). */
  timestamp: number;
}

/** Bytes per result record in the result ring. */
export const RESULT_RECORD_SIZE = 48;

/** Protocol codes of the result record; the names are {@linkcode ResultProtocol}'s. */
export const ProtocolCode = { TCP: 0, UDP: 1, SCTP: 2, ICMP: 3 } as const;
/** Reason codes of the result record; the names are {@linkcode ResultReason}'s. */
export const ReasonCode = {
  SYN_ACK: 0,
  RST: 1,
  UDP_RESPONSE: 2,
  ICMP_PORT_UNREACHABLE: 3,
  ECHO_REPLY: 4,
} as const;

// Indexed by code: the one mapping between codes and names.
const PROTOCOLS: readonly ResultProtocol[] = ["tcp", "udp", "sctp", "icmp"];
const REASONS: readonly ResultReason[] = [
  "syn-ack",
  "rst",
  "udp-response",
  "icmp-port-unreachable",
  "echo-reply",
];

/**
 * A result as the receive Worker has it: codes, and the IPv6 address as an
 * offset into the reply frame (the reply checker's fields), so that writing
 * a record allocates nothing.
 */
export interface ResultFields {
  /** 4 or 6. */
  version: number;
  /** A {@linkcode ProtocolCode}. */
  protocol: number;
  /** A {@linkcode ReasonCode}. */
  reason: number;
  /** TTL / hop limit of the reply. */
  ttl: number;
  /** Port number. */
  port: number;
  /** True for open. */
  open: boolean;
  /** The target's IPv4 address (version 4). */
  ipv4: number;
  /** Offset of the target's IPv6 address in the frame (version 6). */
  ipv6Offset: number;
}

/**
 * Writes a record at `view[offset..offset+48)`:
 * version u8 | protocol u8 | reason u8 | ttl u8 | port u16 | open u8 | pad u8 |
 * ipv4 u32 | ipv6 16 bytes | timestamp f64 | pad to 48. Little-endian. The
 * IPv6 address is copied from `frame` at `fields.ipv6Offset`.
 *
 * @example
 * ```ts
 * import { decodeResult, encodeResultRecord, newResult, ProtocolCode, ReasonCode, RESULT_RECORD_SIZE } from "./result.ts";
 * const view = new DataView(new ArrayBuffer(RESULT_RECORD_SIZE));
 * encodeResultRecord(view, 0, {
 *   version: 4, protocol: ProtocolCode.TCP, reason: ReasonCode.SYN_ACK, ttl: 64,
 *   port: 80, open: true, ipv4: 0xc6120002, ipv6Offset: 0,
 * }, new Uint8Array(0), 1.5);
 * decodeResult(view, 0, newResult()).reason; // "syn-ack"
 * ```
 */
export function encodeResultRecord(
  view: DataView,
  offset: number,
  fields: ResultFields,
  frame: Uint8Array,
  timestamp: number,
): void {
  const v6 = fields.version === 6;
  view.setUint8(offset, fields.version);
  view.setUint8(offset + 1, fields.protocol);
  view.setUint8(offset + 2, fields.reason);
  view.setUint8(offset + 3, fields.ttl);
  view.setUint16(offset + 4, fields.port, true);
  view.setUint8(offset + 6, fields.open ? 1 : 0);
  view.setUint8(offset + 7, 0);
  view.setUint32(offset + 8, v6 ? 0 : fields.ipv4 >>> 0, true);
  const at = fields.ipv6Offset;
  for (let i = 0; i < 16; i++) {
    view.setUint8(offset + 12 + i, v6 ? frame[at + i] : 0);
  }
  view.setFloat64(offset + 32, timestamp, true);
}

/** Reads a record written by {@linkcode encodeResultRecord} into `out` (reused). */
export function decodeResult(
  view: DataView,
  offset: number,
  out: ScanResult,
): ScanResult {
  out.version = view.getUint8(offset) === 6 ? 6 : 4;
  out.protocol = PROTOCOLS[view.getUint8(offset + 1)];
  out.reason = REASONS[view.getUint8(offset + 2)];
  out.ttl = view.getUint8(offset + 3);
  out.port = view.getUint16(offset + 4, true);
  out.status = view.getUint8(offset + 6) === 1 ? "open" : "closed";
  out.ipv4 = view.getUint32(offset + 8, true);
  for (let i = 0; i < 16; i++) out.ipv6[i] = view.getUint8(offset + 12 + i);
  out.timestamp = view.getFloat64(offset + 32, true);
  return out;
}

/** A fresh result object (for reuse with {@link decodeResult}). */
export function newResult(): ScanResult {
  return {
    version: 4,
    ipv4: 0,
    ipv6: new Uint8Array(16),
    port: 0,
    protocol: "tcp",
    status: "open",
    reason: "syn-ack",
    ttl: 0,
    timestamp: 0,
  };
}

/** Counters for the final summary line and `-oJ`/`-oX` run statistics. */
export interface ScanSummary {
  /** Probes transmitted. */
  sent: number;
  /** Frames received by the receive Worker. */
  received: number;
  /** Replies that passed the cookie check. */
  valid: number;
  /** Replies dropped because ack − 1 was not this scan's cookie. */
  badCookie: number;
  /** Valid replies already reported (dedup table hits). */
  duplicates: number;
  /** Results reported. */
  found: number;
  /** Seconds from start to end. */
  elapsed: number;
  /** True when the scan was interrupted (SIGINT) before the end. */
  interrupted: boolean;
}
