/**
 * The target model of a scan: which addresses × which ports, and the mapping
 * from a scan index to one (address, port) pair — masscan's, so that with
 * the same seed zon probes targets in masscan's order.
 *
 * @module
 */

import { Blackrock } from "./blackrock.ts";
import { parseIpv4, parseIpv6 } from "../packet/address.ts";
import { Ipv6RangeList, NumberRangeList } from "./ranges.ts";
import { PortList } from "./ports.ts";

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
 * `SyntaxError` that quotes the item and says what was expected.
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
    throw new SyntaxError(`bad target "${item}": ${why}`);
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
    // packet/address.ts says which text is not an address.
    fail((e as Error).message);
  }
  return fail(
    "expected an IPv4/IPv6 address, a first-last range, or a CIDR block",
  );
}

/**
 * One target, filled in place by {@link TargetSet.pick} (reuse one object
 * across a whole scan: nothing is allocated per target).
 *
 * @example
 * ```ts
 * import { Target, TargetSet } from "@zon/net/blackrock";
 * const set = new TargetSet({ include: ["198.18.0.1"], ports: "80" });
 * const t = set.pick(0, new Target());
 * console.log(t.version, t.ipv4.toString(16), t.port); // 4 "c6120001" 80
 * ```
 */
export class Target {
  /** 4 or 6: which of {@link Target.ipv4} / {@link Target.ipv6} is valid. */
  version: 4 | 6 = 4;
  /** The IPv4 address as an unsigned 32-bit number (when version is 4). */
  ipv4 = 0;
  /** The IPv6 address, 16 bytes in network order (when version is 6). */
  readonly ipv6: Uint8Array = new Uint8Array(16);
  /** The encoded port: see {@link PortList} (`U:53` is 65536 + 53). */
  port = 0;
}

/** What a {@link TargetSet} is made of. */
export interface TargetSetOptions {
  /** Target items (see {@link parseAddressRange}). */
  include: Iterable<string | AddressRange>;
  /** Items to remove from the targets (masscan's `--exclude`). */
  exclude?: Iterable<string | AddressRange>;
  /** Ports, as a `-p` specification or a parsed list. Default `"80"`. */
  ports?: string | PortList;
}

/**
 * Addresses × ports, indexed like masscan: the first `ipv4Count × portCount`
 * indices are the IPv4 targets, the rest the IPv6 ones (as masscan's `-sL`); within each block,
 * with `n` addresses of that family in ascending order, index `x` is address
 * `x mod n` and port `⌊x / n⌋` (ports ascending), so consecutive indices walk
 * the addresses of one port before the next port. {@link ScanOrder} runs the indices
 * through {@link Blackrock} first.
 *
 * @example
 * ```ts
 * import { TargetSet } from "@zon/net/blackrock";
 * const set = new TargetSet({
 *   include: ["198.18.0.0/24", "2001:db8::/120"],
 *   exclude: ["198.18.0.128/25"],
 *   ports: "80,443",
 * });
 * console.log(set.ipv4Count, set.ipv6Count, set.count); // 128 256 768
 * ```
 */
export class TargetSet {
  /** The IPv4 addresses (sealed). */
  readonly ipv4: NumberRangeList;
  /** The IPv6 addresses (sealed). */
  readonly ipv6: Ipv6RangeList;
  /** The ports. */
  readonly ports: PortList;
  /** Number of IPv4 addresses. */
  readonly ipv4Count: number;
  /** Number of IPv6 addresses. */
  readonly ipv6Count: number;
  /** Number of addresses. */
  readonly ipCount: number;
  /** Number of ports. */
  readonly portCount: number;
  /** Number of (address, port) targets: the scan's index range. */
  readonly count: number;

  /**
   * Parses and merges the include and exclude items. Throws a `SyntaxError`
   * for a malformed item and a `RangeError` when nothing is left to scan or
   * when there are more than 2^53 targets.
   *
   * @example
   * ```ts
   * import { TargetSet } from "@zon/net/blackrock";
   * try {
   *   new TargetSet({ include: ["198.18.0.1"], exclude: ["198.18.0.0/24"] });
   * } catch (e) {
   *   console.log((e as Error).message); // "no targets left: ..."
   * }
   * ```
   */
  constructor(options: TargetSetOptions) {
    this.ipv4 = new NumberRangeList();
    this.ipv6 = new Ipv6RangeList();
    const asRange = (item: string | AddressRange): AddressRange =>
      typeof item === "string" ? parseAddressRange(item) : item;
    let included = 0;
    for (const item of options.include) {
      const r = asRange(item);
      if (r.version === 4) this.ipv4.add(r.begin, r.end);
      else this.ipv6.add(r.begin, r.end);
      included++;
    }
    for (const item of options.exclude ?? []) {
      const r = asRange(item);
      if (r.version === 4) this.ipv4.remove(r.begin, r.end);
      else this.ipv6.remove(r.begin, r.end);
    }
    this.ipv4.seal();
    this.ipv6.seal();
    this.ports = typeof options.ports === "string"
      ? PortList.parse(options.ports)
      : options.ports ?? PortList.parse("80");
    this.ipv4Count = this.ipv4.count;
    this.ipv6Count = this.ipv6.count;
    this.ipCount = this.ipv4Count + this.ipv6Count;
    this.portCount = this.ports.count;
    if (this.ipCount === 0) {
      throw new RangeError(
        included === 0
          ? "no targets: give addresses, ranges or CIDR blocks (e.g. 198.18.0.0/24)"
          : "no targets left: the excludes remove every target address",
      );
    }
    this.count = this.ipCount * this.portCount;
    if (this.count > 2 ** 53) {
      throw new RangeError(
        `${this.ipCount} addresses × ${this.portCount} ports is more than 2^53 targets`,
      );
    }
  }

  /**
   * Fills `out` with target `index` (`0 ≤ index < count`) and returns it.
   * No allocation.
   *
   * @example
   * ```ts
   * import { Target, TargetSet } from "@zon/net/blackrock";
   * const set = new TargetSet({ include: ["198.18.0.0/31"], ports: "80,U:53" });
   * const t = new Target();
   * set.pick(3, t);
   * console.log(t.ipv4 & 0xff, t.port); // 1 65589
   * ```
   */
  pick(index: number, out: Target): Target {
    // masscan's -sL layout: indices [0, ipv4Count·portCount) are the IPv4
    // targets, the rest IPv6; within each block the address varies fastest.
    const v4Block = this.ipv4Count * this.portCount;
    if (index < v4Block) {
      const n = this.ipv4Count;
      const portIndex = Math.floor(index / n);
      out.version = 4;
      out.port = this.ports.pick(portIndex);
      out.ipv4 = this.ipv4.pick(index - portIndex * n);
    } else {
      const x = index - v4Block, n = this.ipv6Count;
      const portIndex = Math.floor(x / n);
      out.version = 6;
      out.port = this.ports.pick(portIndex);
      this.ipv6.pick(x - portIndex * n, out.ipv6, 0);
    }
    return out;
  }
}

/** A shard: this machine's part of a scan split over several (`--shard 2/3`). */
export interface Shard {
  /** Which part, 1-based (1 ≤ one ≤ of). */
  one: number;
  /** How many parts. */
  of: number;
}

/**
 * Parses masscan's `--shard x/y` value.
 *
 * @example
 * ```ts
 * import { parseShard } from "@zon/net/blackrock";
 * console.log(parseShard("2/3")); // { one: 2, of: 3 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const one = m ? Number(m[1]) : NaN, of = m ? Number(m[2]) : NaN;
  if (!m || one < 1 || of < 1 || one > of) {
    throw new SyntaxError(
      `bad shard "${text}": expected x/y with 1 ≤ x ≤ y, like 1/2`,
    );
  }
  return { one, of };
}

/** Options of a {@link ScanOrder}. */
export interface ScanOrderOptions {
  /** The permutation's seed (masscan's `--seed`). Default 0. */
  seed?: number | bigint;
  /** Feistel rounds (masscan's default, 14). */
  rounds?: number;
  /** This machine's shard. Default 1/1. */
  shard?: Shard;
}

/**
 * The order of a scan: the targets of a {@link TargetSet}, permuted by
 * {@link Blackrock} and split into shards as masscan does (shard x of y
 * takes indices x−1, x−1+y, x−1+2y, ... before permutation).
 *
 * @example
 * ```ts
 * import { ScanOrder, Target, TargetSet } from "@zon/net/blackrock";
 * import { formatIpv4 } from "@zon/net/packet";
 * const order = new ScanOrder(new TargetSet({ include: ["198.18.0.0/29"] }), { seed: 1 });
 * const t = new Target();
 * const seen = new Set<string>();
 * for (let n = 0; n < order.length; n++) seen.add(formatIpv4(order.target(n, t).ipv4));
 * console.log(seen.size); // 8
 * ```
 */
export class ScanOrder {
  /** The targets. */
  readonly targets: TargetSet;
  /** The permutation over `[0, targets.count)`. */
  readonly blackrock: Blackrock;
  /** The shard this order walks. */
  readonly shard: Shard;
  /** How many targets this shard visits. */
  readonly length: number;

  /**
   * Builds the order for `targets`.
   *
   * @example
   * ```ts
   * import { ScanOrder, TargetSet } from "@zon/net/blackrock";
   * const targets = new TargetSet({ include: ["198.18.0.0/24"], ports: "80" });
   * console.log(new ScanOrder(targets, { shard: { one: 1, of: 3 } }).length); // 86
   * ```
   */
  constructor(targets: TargetSet, options: ScanOrderOptions = {}) {
    this.targets = targets;
    this.shard = options.shard ?? { one: 1, of: 1 };
    this.blackrock = new Blackrock(
      targets.count,
      options.seed ?? 0,
      options.rounds ?? 14,
    );
    const start = this.shard.one - 1;
    this.length = start >= targets.count
      ? 0
      : Math.floor((targets.count - 1 - start) / this.shard.of) + 1;
  }

  /**
   * The scan index (before permutation) of this shard's `n`-th target.
   *
   * @example
   * ```ts
   * import { ScanOrder, TargetSet } from "@zon/net/blackrock";
   * const order = new ScanOrder(new TargetSet({ include: ["198.18.0.0/24"] }), { shard: { one: 2, of: 4 } });
   * console.log(order.index(0), order.index(1)); // 1 5
   * ```
   */
  index(n: number): number {
    return this.shard.one - 1 + n * this.shard.of;
  }

  /**
   * Fills `out` with this shard's `n`-th target (`0 ≤ n < length`).
   *
   * @example
   * ```ts
   * import { ScanOrder, Target, TargetSet } from "@zon/net/blackrock";
   * const order = new ScanOrder(new TargetSet({ include: ["198.18.0.7"], ports: "22" }));
   * console.log(order.target(0, new Target()).port); // 22
   * ```
   */
  target(n: number, out: Target): Target {
    return this.targets.pick(this.blackrock.shuffle(this.index(n)), out);
  }
}
