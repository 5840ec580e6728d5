/**
 * Target item text: one address, a `first-last` range or a CIDR block,
 * IPv4 or IPv6, parsed as masscan accepts it — the reference parser, which
 * also words the errors (target_text.ts is the fast path in front of it).
 *
 * @module
 */

import { parseIpv4, parseIpv6 } from "../packet/address.ts";
import { quoteForMessage } from "./quote.ts";

/** One parsed target item: an inclusive range of IPv4 or IPv6 addresses. */
export type AddressRange =
  | { version: 4; begin: number; end: number }
  | { version: 6; begin: bigint; end: bigint };

const V6_MAX = (1n << 128n) - 1n;
const scratch16 = new Uint8Array(16);

/** IPv4 text, or `undefined` when the text is not dotted-quad shaped. */
function ipv4Of(text: string): number | undefined {
  return /^\d+\.\d+\.\d+\.\d+$/.test(text) ? parseIpv4(text) : undefined;
}

/** IPv6 text as a 128-bit bigint, or `undefined` when it has no colon. */
function ipv6Of(text: string): bigint | undefined {
  if (!text.includes(":")) return undefined;
  parseIpv6(text, scratch16, 0);
  let value = 0n;
  for (const byte of scratch16) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * Parses one target item as masscan accepts it: a single address, an
 * inclusive `first-last` range, or CIDR `address/prefix` (host bits are
 * ignored: `10.0.0.5/30` is 10.0.0.4–10.0.0.7). IPv4 or IPv6. Throws a
 * `SyntaxError` that quotes the item (at most ~100 characters, control
 * characters escaped) and says what was expected.
 *
 * @example
 * ```ts
 * import { parseAddressRange } from "@zon/net/blackrock";
 * console.log(parseAddressRange("198.18.0.0/30")); // { version: 4, begin: 3323068416, end: 3323068419 }
 * console.log(parseAddressRange("2001:db8::1-2001:db8::9").version); // 6
 * ```
 */
export function parseAddressRange(item: string): AddressRange {
  const text = item.trim();
  const fail = (why: string): never => {
    throw new SyntaxError(`bad target ${quoteForMessage(item)}: ${why}`);
  };
  try {
    const slash = text.indexOf("/");
    if (slash >= 0) {
      const addr = text.slice(0, slash), bitsText = text.slice(slash + 1);
      if (!/^\d{1,3}$/.test(bitsText)) {
        fail("expected a prefix length after '/'");
      }
      const bits = Number(bitsText);
      const v4 = ipv4Of(addr);
      if (v4 !== undefined) {
        if (bits > 32) fail(`IPv4 prefix length ${bits} is more than 32`);
        const size = 2 ** (32 - bits);
        const begin = Math.floor(v4 / size) * size;
        return { version: 4, begin, end: begin + size - 1 };
      }
      const v6 = ipv6Of(addr);
      if (v6 === undefined) fail("expected an IPv4 or IPv6 address before '/'");
      if (bits > 128) fail(`IPv6 prefix length ${bits} is more than 128`);
      const hostMask = (1n << BigInt(128 - bits)) - 1n;
      const begin = v6! & (V6_MAX ^ hostMask);
      return { version: 6, begin, end: begin | hostMask };
    }
    const dash = text.indexOf("-");
    if (dash >= 0) {
      const first = text.slice(0, dash).trim();
      const last = text.slice(dash + 1).trim();
      const a4 = ipv4Of(first), b4 = ipv4Of(last);
      if (a4 !== undefined && b4 !== undefined) {
        if (a4 > b4) fail(`the first address is after the last`);
        return { version: 4, begin: a4, end: b4 };
      }
      const a6 = ipv6Of(first), b6 = ipv6Of(last);
      if (a6 !== undefined && b6 !== undefined) {
        if (a6 > b6) fail(`the first address is after the last`);
        return { version: 6, begin: a6, end: b6 };
      }
      fail(
        "expected a range of two addresses of the same family, like 198.18.0.1-198.18.0.9",
      );
    }
    const v4 = ipv4Of(text);
    if (v4 !== undefined) return { version: 4, begin: v4, end: v4 };
    const v6 = ipv6Of(text);
    if (v6 !== undefined) return { version: 6, begin: v6, end: v6 };
  } catch (e) {
    if (e instanceof SyntaxError) throw e;
    // packet/address.ts says which text is not an address: quote that
    // part too, short and escaped (or not again when it is the whole item).
    const m = /^(.*?): "([\s\S]*)"$/.exec((e as Error).message);
    if (!m) fail((e as Error).message);
    fail(m![2] === text ? m![1] : `${m![1]}: ${quoteForMessage(m![2])}`);
  }
  return fail(
    "expected an IPv4/IPv6 address, a first-last range, or a CIDR block",
  );
}
