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

const PROTOCOLS: readonly ResultProtocol[] = ["tcp", "udp", "sctp", "icmp"];
const REASONS: readonly ResultReason[] = [
  "syn-ack",
  "rst",
  "udp-response",
  "icmp-port-unreachable",
  "echo-reply",
];

/**
 * Writes `r` as a record at `bytes[offset..offset+48)`:
 * version u8 | protocol u8 | reason u8 | ttl u8 | port u16 | open u8 | pad u8 |
 * ipv4 u32 | ipv6 16 bytes | timestamp f64 | pad to 48. Little-endian.
 */
export function encodeResult(
  r: ScanResult,
  view: DataView,
  offset: number,
): void {
  view.setUint8(offset, r.version);
  view.setUint8(offset + 1, PROTOCOLS.indexOf(r.protocol));
  view.setUint8(offset + 2, REASONS.indexOf(r.reason));
  view.setUint8(offset + 3, r.ttl);
  view.setUint16(offset + 4, r.port, true);
  view.setUint8(offset + 6, r.status === "open" ? 1 : 0);
  view.setUint32(offset + 8, r.ipv4 >>> 0, true);
  for (let i = 0; i < 16; i++) view.setUint8(offset + 12 + i, r.ipv6[i]);
  view.setFloat64(offset + 32, r.timestamp, true);
}

/** Reads a record written by {@link encodeResult} into `out` (reused). */
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
