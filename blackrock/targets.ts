/**
 * The target model of a scan: which addresses × which ports, and the mapping
 * from a scan index to one (address, port) pair — masscan's, so that with
 * the same seed zon probes targets in masscan's order.
 *
 * @module
 */

import { Blackrock } from "./blackrock.ts";
import { type AddressRange, parseAddressRange } from "./address_range.ts";
import { Ipv6RangeList, NumberRangeList } from "./ranges.ts";
import { PortList } from "./ports.ts";
import { ScannedItem, scanTargetText } from "./target_text.ts";
import { ItemCursor, parseItemAt, TargetText } from "./target_list.ts";

export { type AddressRange, parseAddressRange };

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

const SCANNED = new ScannedItem();

const ENCODER = new TextEncoder();
const ITEM_BYTES = new Uint8Array(256);

/** What a {@link TargetSet} is made of. */
export interface TargetSetOptions {
  /**
   * Target items (see {@link parseAddressRange}), or whole lists as
   * {@link TargetText} (read in place: no string per item).
   */
  include: Iterable<string | AddressRange | TargetText>;
  /** Items to remove from the targets (masscan's `--exclude`, `--excludefile`). */
  exclude?: Iterable<string | AddressRange | TargetText>;
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
  /** How many include items were read (to tell "none" from "all excluded"). */
  #added = 0;

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
    for (const item of options.include) this.#apply(item, true);
    for (const item of options.exclude ?? []) this.#apply(item, false);
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
        this.#added === 0
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

  /** Adds (or removes) one item or list: text through the fast path first. */
  #apply(item: string | AddressRange | TargetText, adding: boolean): void {
    if (item instanceof TargetText) return this.#applyText(item, adding);
    if (typeof item !== "string") return this.#applyRange(item, adding);
    // The fast path reads bytes: short items are encoded into a scratch.
    const { read, written } = ENCODER.encodeInto(item, ITEM_BYTES);
    if (
      read === item.length && scanTargetText(ITEM_BYTES, 0, written, SCANNED)
    ) {
      this.#applyScanned(adding);
    } else this.#applyRange(parseAddressRange(item), adding);
  }

  #applyText(list: TargetText, adding: boolean): void {
    // About one item a line: whichever family the list turns out to hold
    // grows once to that size (the other never reaches its first growth).
    const lines = list.lineCount(), what = adding ? "add" : "remove";
    this.ipv4.expect(lines, what);
    this.ipv6.expect(lines, what);
    const cursor = new ItemCursor(new Uint8Array(0));
    for (const piece of list.pieces()) {
      cursor.reset(piece);
      while (cursor.next()) {
        if (scanTargetText(piece, cursor.start, cursor.end, SCANNED)) {
          this.#applyScanned(adding);
        } else this.#applyRange(parseItemAt(list, piece, cursor), adding);
      }
    }
  }

  #applyScanned(adding: boolean): void {
    const s = SCANNED;
    if (adding) this.#added++;
    if (s.version === 4) {
      if (adding) this.ipv4.add(s.begin4, s.end4);
      else this.ipv4.remove(s.begin4, s.end4);
    } else if (adding) this.ipv6.addBytes(s.begin6, s.end6);
    else this.ipv6.removeBytes(s.begin6, s.end6);
  }

  #applyRange(r: AddressRange, adding: boolean): void {
    if (adding) this.#added++;
    if (r.version === 4) {
      if (adding) this.ipv4.add(r.begin, r.end);
      else this.ipv4.remove(r.begin, r.end);
    } else if (adding) this.ipv6.add(r.begin, r.end);
    else this.ipv6.remove(r.begin, r.end);
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
