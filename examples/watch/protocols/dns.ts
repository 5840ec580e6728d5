/**
 * DNS over UDP: a datagram is whole, so one look at its header and first
 * question decides whether it is DNS and what it asked.
 *
 * @module
 */

/** The first question of a DNS message. */
export interface DnsInfo {
  /** The query name, dotted, without the final dot. */
  query: string;
  /** The query type (1 A, 28 AAAA, ...). */
  type: number;
  /** True for a response. */
  response: boolean;
}

const HEADER_LENGTH = 12;
const MAX_NAME = 255;

/**
 * Reads `bytes[start, end)` as a DNS message; null when it is not one.
 *
 * @example
 * ```ts
 * import { readDns } from "./dns.ts";
 * const query = new Uint8Array([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1]);
 * readDns(query, 0, query.length); // { query: "a", type: 1, response: false }
 * ```
 */
export function readDns(
  bytes: Uint8Array,
  start: number,
  end: number,
): DnsInfo | null {
  if (end - start < HEADER_LENGTH + 5) return null;
  const flags = (bytes[start + 2] << 8) | bytes[start + 3];
  const opcode = (flags >>> 11) & 15;
  const questions = (bytes[start + 4] << 8) | bytes[start + 5];
  if (opcode > 5 || questions !== 1) return null;
  const labels: string[] = [];
  let at = start + HEADER_LENGTH;
  let nameLength = 0;
  for (;;) {
    if (at >= end) return null;
    const length = bytes[at++];
    if (length === 0) break;
    if (length > 63 || at + length > end) return null;
    nameLength += length + 1;
    if (nameLength > MAX_NAME) return null;
    labels.push(String.fromCharCode(...bytes.subarray(at, at + length)));
    at += length;
  }
  if (at + 4 > end) return null;
  const type = (bytes[at] << 8) | bytes[at + 1];
  const klass = (bytes[at + 2] << 8) | bytes[at + 3];
  if (klass !== 1 && klass !== 255) return null;
  return { query: labels.join("."), type, response: (flags & 0x8000) !== 0 };
}
