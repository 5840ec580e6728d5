/**
 * IPv6 address ranges at Internet scale: the 128-bit counterpart of
 * NumberRangeList, built from typed arrays of 32-bit words (see
 * words128.ts), sorted once and merged in one sweep.
 *
 * @module
 */

import {
  addNumberAt,
  bigintToWords,
  bytesToWords,
  decrementAt,
  differenceAt,
  equalAt,
  incrementAt,
  lessAt,
  sortValues,
  wordsToBigint,
} from "./words128.ts";

const V6_LIMIT = 1n << 128n;
const TWO_53 = 2 ** 53;

/** Ranges appended one by one: begins and ends, four words per value. */
class PendingValues {
  begins: Uint32Array = new Uint32Array(64);
  ends: Uint32Array = new Uint32Array(64);
  length = 0;
  /** Room to make at the next growth (see Ipv6RangeList.expect). */
  hint = 0;

  push(begin: Uint32Array, bo: number, end: Uint32Array, eo: number): void {
    if (4 * this.length === this.begins.length) {
      const capacity = 4 * Math.max(2 * this.length, this.length + this.hint);
      this.hint = 0;
      const begins = new Uint32Array(capacity);
      const ends = new Uint32Array(capacity);
      begins.set(this.begins);
      ends.set(this.ends);
      this.begins = begins;
      this.ends = ends;
    }
    const at = 4 * this.length++;
    for (let w = 0; w < 4; w++) {
      this.begins[at + w] = begin[bo + w];
      this.ends[at + w] = end[eo + w];
    }
  }

  /**
   * Sorts begins and ends apart and turns each end into the first value
   * after it (`end + 1`). Returns how many ends are finite: an end of
   * 2^128−1 has no successor, and sorts last.
   */
  sortForSweep(): number {
    // One scratch for both sorts: at a million ranges it is 16 MB.
    const scratch = new Uint32Array(4 * this.length);
    sortValues(this.begins, this.length, scratch);
    sortValues(this.ends, this.length, scratch);
    let finite = 0;
    for (; finite < this.length; finite++) {
      // Wrapping to 0 means the end was 2^128−1: it and all after it are.
      if (incrementAt(this.ends, 4 * finite)) break;
    }
    return finite;
  }
}

/** What a sweep hands each merged range to. */
interface SweepSink {
  /** A range from `start` to just before `next` (`null`: to 2^128−1). */
  range(start: Uint32Array, next: Uint32Array | null): void;
}

function tooLarge(): never {
  throw new RangeError(
    "IPv6 target ranges hold more than 2^53 addresses; at most 2^53 can be scanned",
  );
}

/**
 * (∪ includes) \ (∪ excludes) as merged ranges, from bounds sorted by
 * {@link PendingValues.sortForSweep}: a sweep over the points where
 * coverage changes, applying every change at a point before judging it (so
 * touching ranges merge). Hands each range to `sink`, ascending.
 */
function sweep(
  include: PendingValues,
  includeEnds: number,
  exclude: PendingValues,
  excludeEnds: number,
  sink: SweepSink,
): void {
  const ib = include.begins, ie = include.ends, ni = include.length;
  const xb = exclude.begins, xe = exclude.ends, nx = exclude.length;
  const at = new Uint32Array(4), start = new Uint32Array(4);
  let i1 = 0, i2 = 0, x1 = 0, x2 = 0, covered = 0, excluded = 0;
  let inside = false;
  // An include that reaches 2^128−1 has no end event: after the finite
  // ones, exclude events still matter while it covers.
  while (
    i1 < ni || i2 < includeEnds ||
    (covered > 0 && (x1 < nx || x2 < excludeEnds))
  ) {
    let from = ib, fo = -1;
    if (i1 < ni) fo = 4 * i1;
    if (i2 < includeEnds && (fo < 0 || lessAt(ie, 4 * i2, from, fo))) {
      from = ie, fo = 4 * i2;
    }
    if (x1 < nx && (fo < 0 || lessAt(xb, 4 * x1, from, fo))) {
      from = xb, fo = 4 * x1;
    }
    if (x2 < excludeEnds && (fo < 0 || lessAt(xe, 4 * x2, from, fo))) {
      from = xe, fo = 4 * x2;
    }
    at[0] = from[fo], at[1] = from[fo + 1];
    at[2] = from[fo + 2], at[3] = from[fo + 3];
    while (i1 < ni && equalAt(ib, 4 * i1, at, 0)) covered++, i1++;
    while (i2 < includeEnds && equalAt(ie, 4 * i2, at, 0)) covered--, i2++;
    while (x1 < nx && equalAt(xb, 4 * x1, at, 0)) excluded++, x1++;
    while (x2 < excludeEnds && equalAt(xe, 4 * x2, at, 0)) excluded--, x2++;
    const now = covered > 0 && excluded === 0;
    if (now === inside) continue;
    inside = now;
    if (now) start.set(at);
    else sink.range(start, at);
  }
  // Still inside: an include reaches 2^128−1 and nothing excludes the tail.
  if (inside) sink.range(start, null);
}

/** Collects sealed ranges: first addresses and cumulative counts. */
class SealedSink implements SweepSink {
  bases: Uint32Array;
  cumulative: Float64Array;
  k = 0;
  #top = new Uint32Array(4).fill(0xffffffff);

  constructor(capacity: number) {
    this.bases = new Uint32Array(4 * capacity);
    this.cumulative = new Float64Array(capacity + 1);
  }

  range(start: Uint32Array, next: Uint32Array | null): void {
    let size = next
      ? differenceAt(next, 0, start, 0)
      : differenceAt(this.#top, 0, start, 0);
    if (!next && size !== Infinity) size++;
    const total = this.cumulative[this.k];
    if (size > TWO_53 - total) tooLarge();
    this.bases.set(start, 4 * this.k);
    this.cumulative[++this.k] = total + size;
  }
}

/** Collects ranges as pending begin/end pairs (any size). */
class PendingSink implements SweepSink {
  readonly out: PendingValues = new PendingValues();
  #last = new Uint32Array(4);

  range(start: Uint32Array, next: Uint32Array | null): void {
    if (next) {
      this.#last.set(next);
      decrementAt(this.#last, 0);
    } else this.#last.fill(0xffffffff);
    this.out.push(start, 0, this.#last, 0);
  }
}

/**
 * A set of IPv6 addresses as sorted, merged inclusive ranges of 128-bit
 * values. Bounds may be given as bigints or as 16 network-order bytes; they
 * are kept as 32-bit words in typed arrays, sorted and merged once by
 * `seal`, and `pick` then writes the i-th address into a caller's buffer
 * using 32-bit arithmetic only. The total count must stay ≤ 2^53.
 *
 * @example
 * ```ts
 * import { Ipv6RangeList } from "@zon/net/blackrock";
 * import { formatIpv6 } from "@zon/net/packet";
 * const list = new Ipv6RangeList();
 * list.add(0x20010db8000000000000000000000000n, 0x20010db80000000000000000000000ffn);
 * list.seal();
 * const out = new Uint8Array(16);
 * list.pick(16, out, 0);
 * console.log(list.count, formatIpv6(out)); // 256 "2001:db8::10"
 * ```
 */
export class Ipv6RangeList {
  #adds: PendingValues | null = new PendingValues();
  #removes: PendingValues | null = new PendingValues();
  #cumulative: Float64Array = new Float64Array(1);
  #bases: Uint32Array = new Uint32Array(0);
  #scratch = new Uint32Array(8);

  /**
   * Adds the inclusive range `[begin, end]` of 128-bit addresses.
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * const list = new Ipv6RangeList();
   * list.add(1n, 4n);
   * console.log(list.seal().count); // 4
   * ```
   */
  add(begin: bigint, end: bigint): void {
    this.#bigints("add", begin, end);
    this.#push(true);
  }

  /**
   * Adds the inclusive range from the 16 network-order bytes at the start
   * of `begin` to those of `end` (as `parseIpv6` writes them): no bigints.
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * import { parseIpv6 } from "@zon/net/packet";
   * const list = new Ipv6RangeList();
   * list.addBytes(parseIpv6("2001:db8::"), parseIpv6("2001:db8::ff"));
   * console.log(list.seal().count); // 256
   * ```
   */
  addBytes(begin: Uint8Array, end: Uint8Array): void {
    this.#bytes("addBytes", begin, end);
    this.#push(true);
  }

  /**
   * Removes the inclusive range `[begin, end]` from the members added so far.
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * const list = new Ipv6RangeList();
   * list.add(0n, 9n);
   * list.remove(0n, 4n);
   * console.log(list.seal().count); // 5
   * ```
   */
  remove(begin: bigint, end: bigint): void {
    this.#bigints("remove", begin, end);
    this.#push(false);
  }

  /**
   * Removes the range between two 16-byte network-order addresses
   * (inclusive) from the members added so far.
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * import { parseIpv6 } from "@zon/net/packet";
   * const list = new Ipv6RangeList();
   * list.add(0n, 9n);
   * list.removeBytes(parseIpv6("::2"), parseIpv6("::3"));
   * console.log(list.seal().count); // 8
   * ```
   */
  removeBytes(begin: Uint8Array, end: Uint8Array): void {
    this.#bytes("removeBytes", begin, end);
    this.#push(false);
  }

  /**
   * A hint that about `count` more ranges follow (a list file's line
   * count), to `add` or to `remove`: the next growth makes room for all of them at once instead of
   * doubling step by step (each old copy is garbage until the next GC).
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * const list = new Ipv6RangeList();
   * list.expect(100);
   * for (let k = 0n; k < 100n; k++) list.add(2n * k, 2n * k);
   * console.log(list.seal().count); // 100
   * ```
   */
  expect(count: number, what: "add" | "remove" = "add"): void {
    this.#open("expect");
    (what === "add" ? this.#adds! : this.#removes!).hint = count;
  }

  /**
   * Sorts, merges and freezes the list. Throws a RangeError when it holds
   * more than 2^53 addresses (a scan index must be an exact double).
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * const list = new Ipv6RangeList();
   * list.add(5n, 6n);
   * list.add(1n, 4n);
   * console.log(list.seal().ranges()); // [ [ 1n, 6n ] ]
   * ```
   */
  seal(): this {
    if (this.#adds === null) return this;
    // Each result range starts at an include begin or an exclude end.
    const capacity = this.#adds.length + this.#removes!.length;
    const { bases, cumulative, k } = this.#merge(new SealedSink(capacity));
    const wasteful = 2 * k < cumulative.length;
    this.#bases = wasteful ? bases.slice(0, 4 * k) : bases.subarray(0, 4 * k);
    this.#cumulative = wasteful
      ? cumulative.slice(0, k + 1)
      : cumulative.subarray(0, k + 1);
    this.#adds = this.#removes = null;
    return this;
  }

  /**
   * Number of addresses (after {@link Ipv6RangeList.seal}).
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * const list = new Ipv6RangeList();
   * console.log(list.seal().count); // 0
   * ```
   */
  get count(): number {
    this.#requireSealed();
    return this.#cumulative[this.#cumulative.length - 1];
  }

  /**
   * The merged ranges as `[begin, end]` pairs, ascending.
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * const list = new Ipv6RangeList();
   * list.add(7n, 7n);
   * console.log(list.seal().ranges()); // [ [ 7n, 7n ] ]
   * ```
   */
  ranges(): Array<[bigint, bigint]> {
    this.#requireSealed();
    const out: Array<[bigint, bigint]> = [];
    for (let k = 0; k + 1 < this.#cumulative.length; k++) {
      const begin = wordsToBigint(this.#bases, 4 * k);
      const size = this.#cumulative[k + 1] - this.#cumulative[k];
      out.push([begin, begin + BigInt(size) - 1n]);
    }
    return out;
  }

  /**
   * Writes the `index`-th smallest address (`0 ≤ index < count`) as 16
   * network-order bytes at `out[offset..offset+16)`: binary search over the
   * cumulative counts, then base + offset in 32-bit words. No allocation.
   *
   * @example
   * ```ts
   * import { Ipv6RangeList } from "@zon/net/blackrock";
   * import { formatIpv6 } from "@zon/net/packet";
   * const list = new Ipv6RangeList();
   * list.add(0xffffffffn, 0x1000000ffn);
   * const out = new Uint8Array(16);
   * list.seal().pick(1, out, 0);
   * console.log(formatIpv6(out)); // "::1:0"
   * ```
   */
  pick(index: number, out: Uint8Array, offset: number): void {
    const cumulative = this.#cumulative;
    let lo = 0, hi = cumulative.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cumulative[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    const words = this.#scratch;
    addNumberAt(this.#bases, 4 * lo, index - cumulative[lo], words, 0);
    for (let w = 0; w < 4; w++) {
      const v = words[w], at = offset + 4 * w;
      out[at] = v >>> 24;
      out[at + 1] = (v >>> 16) & 0xff;
      out[at + 2] = (v >>> 8) & 0xff;
      out[at + 3] = v & 0xff;
    }
  }

  /** Sorts the pending bounds and sweeps them into `sink`. */
  #merge<S extends SweepSink>(sink: S): S {
    const adds = this.#adds!, removes = this.#removes!;
    const includeEnds = adds.sortForSweep();
    const excludeEnds = removes.sortForSweep();
    sweep(adds, includeEnds, removes, excludeEnds, sink);
    return sink;
  }

  /** An add after removes: the removes apply to what came before. */
  #applyRemoves(): void {
    this.#adds = this.#merge(new PendingSink()).out;
    this.#removes = new PendingValues();
  }

  /** Appends the range in scratch words 0..7 to the adds or removes. */
  #push(adding: boolean): void {
    if (adding && this.#removes!.length > 0) this.#applyRemoves();
    const target = adding ? this.#adds! : this.#removes!;
    target.push(this.#scratch, 0, this.#scratch, 4);
  }

  #bigints(what: string, begin: bigint, end: bigint): void {
    this.#open(what);
    if (!(begin <= end)) throw new RangeError(`Ipv6RangeList: empty range`);
    if (begin < 0n || end >= V6_LIMIT) {
      throw new RangeError(`Ipv6RangeList: ${what} outside 0..2^128-1`);
    }
    bigintToWords(begin, this.#scratch, 0);
    bigintToWords(end, this.#scratch, 4);
  }

  #bytes(what: string, begin: Uint8Array, end: Uint8Array): void {
    this.#open(what);
    if (begin.length < 16 || end.length < 16) {
      throw new RangeError(`Ipv6RangeList: ${what} needs 16-byte addresses`);
    }
    bytesToWords(begin, 0, this.#scratch, 0);
    bytesToWords(end, 0, this.#scratch, 4);
    if (lessAt(this.#scratch, 4, this.#scratch, 0)) {
      throw new RangeError(`Ipv6RangeList: empty range`);
    }
  }

  #open(what: string): void {
    if (this.#adds === null) {
      throw new Error(`Ipv6RangeList: ${what} after seal()`);
    }
  }

  #requireSealed(): void {
    if (this.#adds !== null) {
      throw new Error("Ipv6RangeList: call seal() first");
    }
  }
}
