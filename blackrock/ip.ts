/**
 * IPv4 and IPv6 address text: parsing and formatting.
 *
 * IPv4 addresses are unsigned 32-bit numbers (`0xc6120001` is 198.18.0.1).
 * IPv6 addresses are 16 bytes in network order, or an unsigned bigint where
 * arithmetic on whole addresses is needed (range bounds, not hot paths).
 *
 * @module
 */

/**
 * Parses dotted-quad IPv4 text into an unsigned 32-bit number, or returns
 * `undefined` when the text is not exactly four decimal octets 0..255.
 *
 * @example
 * ```ts
 * import { parseIPv4 } from "@zon/net/blackrock";
 * console.log(parseIPv4("198.18.0.1")?.toString(16)); // "c6120001"
 * console.log(parseIPv4("198.18.0.256")); // undefined
 * ```
 */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * Formats an unsigned 32-bit IPv4 address as dotted-quad text.
 *
 * @example
 * ```ts
 * import { formatIPv4 } from "@zon/net/blackrock";
 * console.log(formatIPv4(0xc6120001)); // "198.18.0.1"
 * ```
 */
export function formatIPv4(ip: number): string {
  return `${(ip >>> 24) & 0xff}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${
    ip & 0xff
  }`;
}

/**
 * Parses IPv6 text (RFC 4291 §2.2: full, `::`-compressed, or with a dotted
 * IPv4 tail) into an unsigned 128-bit bigint, or `undefined` when invalid.
 *
 * @example
 * ```ts
 * import { parseIPv6 } from "@zon/net/blackrock";
 * console.log(parseIPv6("2001:db8::1")?.toString(16)); // "20010db8000000000000000000000001"
 * console.log(parseIPv6("2001:db8::1::2")); // undefined
 * ```
 */
export function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === "") return [];
    const groups: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseIPv4(item);
        if (v4 === undefined) return undefined;
        groups.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        groups.push(parseInt(item, 16));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/**
 * Formats a 128-bit IPv6 address in the RFC 5952 canonical form: lowercase,
 * no leading zeros, the longest run (leftmost on ties) of two or more zero
 * groups replaced by `::`.
 *
 * @example
 * ```ts
 * import { formatIPv6 } from "@zon/net/blackrock";
 * console.log(formatIPv6(0x20010db8000000000000000000000001n)); // "2001:db8::1"
 * const bytes = new Uint8Array(16); bytes[15] = 1;
 * console.log(formatIPv6(bytes)); // "::1"
 * ```
 */
export function formatIPv6(address: bigint | Uint8Array, offset = 0): string {
  const groups = new Array<number>(8);
  for (let g = 0; g < 8; g++) {
    groups[g] = typeof address === "bigint"
      ? Number((address >> BigInt(16 * (7 - g))) & 0xffffn)
      : (address[offset + 2 * g] << 8) | address[offset + 2 * g + 1];
  }
  let bestStart = -1, bestLength = 1;
  for (let g = 0; g < 8;) {
    if (groups[g] !== 0) {
      g++;
      continue;
    }
    let end = g;
    while (end < 8 && groups[end] === 0) end++;
    if (end - g > bestLength) bestStart = g, bestLength = end - g;
    g = end;
  }
  const hex = (from: number, to: number): string =>
    groups.slice(from, to).map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
