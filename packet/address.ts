// Address conventions used across packet/ (and by the scanner):
//   - IPv4 addresses are unsigned 32-bit numbers: 192.0.2.1 is 0xc0000201.
//   - IPv6 addresses are 16 bytes in network order in a Uint8Array, read at
//     an offset, so a hot loop can pass one reusable scratch array (or point
//     into a received packet) without allocating.
//   - MAC addresses are 6 bytes in a Uint8Array.
// The text helpers below allocate; they are for setup and display only.

/**
 * Parse dotted-quad IPv4 text into an unsigned 32-bit number.
 * Throws a RangeError naming the text when it is not an IPv4 address.
 *
 * @example
 * ```ts
 * import { parseIpv4 } from "./mod.ts";
 * parseIpv4("198.18.0.1"); // 0xc6120001
 * ```
 */
export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4) {
    throw new RangeError(`not an IPv4 address: "${text}"`);
  }
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) {
      throw new RangeError(`not an IPv4 address: "${text}"`);
    }
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * Format an unsigned 32-bit IPv4 address as dotted-quad text.
 *
 * @example
 * ```ts
 * import { formatIpv4 } from "./mod.ts";
 * formatIpv4(0xc6120001); // "198.18.0.1"
 * ```
 */
export function formatIpv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${
    (address >>> 8) & 255
  }.${address & 255}`;
}

/**
 * Parse IPv6 text (with `::` compression and an optional dotted IPv4 tail)
 * into 16 network-order bytes, written to `out` at `offset` (a new
 * Uint8Array(16) when `out` is omitted). Returns `out`.
 *
 * @example
 * ```ts
 * import { parseIpv6 } from "./mod.ts";
 * const address = parseIpv6("2001:2::1"); // Uint8Array [0x20, 0x01, 0, 2, 0, ..., 0, 1]
 * ```
 */
export function parseIpv6(
  text: string,
  out: Uint8Array = new Uint8Array(16),
  offset: number = 0,
): Uint8Array {
  const fail = (): never => {
    throw new RangeError(`not an IPv6 address: "${text}"`);
  };
  const halves = text.split("::");
  if (halves.length > 2) fail();
  const toWords = (part: string): number[] => {
    if (part === "") return [];
    const words: number[] = [];
    const pieces = part.split(":");
    pieces.forEach((piece, i) => {
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        words.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        words.push(parseInt(piece, 16));
      } else fail();
    });
    return words;
  };
  const head = toWords(halves[0]);
  const tail = halves.length === 2 ? toWords(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) fail();
  const words = [...head, ...new Array(missing).fill(0), ...tail];
  for (let i = 0; i < 8; i++) {
    out[offset + 2 * i] = words[i] >>> 8;
    out[offset + 2 * i + 1] = words[i] & 0xff;
  }
  return out;
}

/**
 * Format 16 network-order bytes at `offset` as RFC 5952 IPv6 text (lower
 * case, longest run of two or more zero words compressed to `::`).
 *
 * @example
 * ```ts
 * import { formatIpv6, parseIpv6 } from "./mod.ts";
 * formatIpv6(parseIpv6("2001:0002:0:0:0:0:0:0001")); // "2001:2::1"
 * ```
 */
export function formatIpv6(bytes: Uint8Array, offset: number = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) {
    words.push((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]);
  }
  let bestStart = -1, bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = (list: number[]) => list.map((w) => w.toString(16)).join(":");
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${
    hex(words.slice(bestStart + bestLength))
  }`;
}

/**
 * Parse `aa:bb:cc:dd:ee:ff` (or `-` separated) MAC text into 6 bytes.
 *
 * @example
 * ```ts
 * import { parseMac } from "./mod.ts";
 * parseMac("02:00:00:00:00:01"); // Uint8Array [2, 0, 0, 0, 0, 1]
 * ```
 */
export function parseMac(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new RangeError(`not a MAC address: "${text}"`);
  }
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}

/**
 * Format 6 bytes at `offset` as lower-case `aa:bb:cc:dd:ee:ff`.
 *
 * @example
 * ```ts
 * import { formatMac } from "./mod.ts";
 * formatMac(new Uint8Array([2, 0, 0, 0, 0, 1])); // "02:00:00:00:00:01"
 * ```
 */
export function formatMac(bytes: Uint8Array, offset: number = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) {
    parts.push(bytes[offset + i].toString(16).padStart(2, "0"));
  }
  return parts.join(":");
}
