/**
 * Sorted, merged lists of integer ranges, with the index → value mapping
 * ("pick") that turns a permuted scan index into an address or port.
 *
 * Lists are built the way masscan builds its target lists: every `add` and
 * `remove` is appended to a typed array, and one sort and one sweep at
 * {@link NumberRangeList.seal} merge them (O(n log n) for n ranges, where
 * subtracting each exclude from the list as it came would be O(n²)).
 *
 * @module
 */

export { Ipv6RangeList } from "./ranges_v6.ts";

type Column = Uint32Array | Float64Array;
const U32_MAX = 0xffffffff;

/**
 * Ranges appended one by one, in growing typed arrays: unsigned 32-bit
 * while every bound fits (half the memory, and a faster native sort),
 * 64-bit floats from the first bound that does not.
 */
class PendingRanges {
  begins: Column = new Uint32Array(16);
  ends: Column = new Uint32Array(16);
  length = 0;
  /** Room to make at the next growth (see NumberRangeList.expect). */
  hint = 0;

  push(begin: number, end: number): void {
    if (
      this.begins instanceof Uint32Array &&
      (begin < 0 || end > U32_MAX || !Number.isInteger(begin) ||
        !Number.isInteger(end))
    ) {
      this.#resize(this.begins.length, Float64Array);
    }
    if (this.length === this.begins.length) {
      this.#resize(
        Math.max(2 * this.length, this.length + this.hint),
        this.begins instanceof Uint32Array ? Uint32Array : Float64Array,
      );
    }
    this.begins[this.length] = begin;
    this.ends[this.length] = end;
    this.length++;
  }

  /** Sorts begins and ends apart: the sweep needs them as two multisets. */
  sortApart(): void {
    this.begins.subarray(0, this.length).sort();
    this.ends.subarray(0, this.length).sort();
  }

  #resize(
    capacity: number,
    kind: typeof Uint32Array | typeof Float64Array,
  ): void {
    this.hint = 0;
    const begins = new kind(capacity), ends = new kind(capacity);
    begins.set(this.begins.subarray(0, this.length));
    ends.set(this.ends.subarray(0, this.length));
    this.begins = begins;
    this.ends = ends;
  }
}

/**
 * The members of (∪ includes) \ (∪ excludes) as merged ranges, from the
 * include and exclude bounds each sorted on their own: a sweep over the
 * points where coverage changes (a begin at `b`, an end at `e + 1`). Writes
 * range k's first member to `outBegins[k]` and its last to `outEnds[k + 1]`
 * (so `outEnds` can become the cumulative counts in place); returns the
 * number of ranges. Touching ranges merge: all changes at one point are
 * applied before the point is judged.
 */
function sweep(
  include: PendingRanges,
  exclude: PendingRanges,
  outBegins: Float64Array,
  outEnds: Float64Array,
): number {
  const ib = include.begins, ie = include.ends, ni = include.length;
  const xb = exclude.begins, xe = exclude.ends, nx = exclude.length;
  let i1 = 0, i2 = 0, x1 = 0, x2 = 0, covered = 0, excluded = 0;
  let inside = false, start = 0, k = 0;
  while (i2 < ni) {
    let at = ie[i2] + 1;
    if (i1 < ni && ib[i1] < at) at = ib[i1];
    if (x1 < nx && xb[x1] < at) at = xb[x1];
    if (x2 < nx && xe[x2] + 1 < at) at = xe[x2] + 1;
    while (i1 < ni && ib[i1] === at) covered++, i1++;
    while (i2 < ni && ie[i2] + 1 === at) covered--, i2++;
    while (x1 < nx && xb[x1] === at) excluded++, x1++;
    while (x2 < nx && xe[x2] + 1 === at) excluded--, x2++;
    const now = covered > 0 && excluded === 0;
    if (now === inside) continue;
    inside = now;
    if (now) start = at;
    else {
      outBegins[k] = start;
      outEnds[k + 1] = at - 1;
      k++;
    }
  }
  return k;
}

/**
 * A set of integers 0 ≤ x < 2^53 stored as sorted, disjoint, merged
 * inclusive ranges: used for IPv4 addresses (as unsigned 32-bit numbers)
 * and ports. After {@link NumberRangeList.seal} it answers `count` and
 * `pick(i)` (the i-th smallest member) in O(log ranges) with no allocation.
 *
 * @example
 * ```ts
 * import { NumberRangeList } from "@zon/net/blackrock";
 * const list = new NumberRangeList();
 * list.add(10, 19);
 * list.add(15, 30);
 * list.remove(20, 24);
 * list.seal();
 * console.log(list.count, list.pick(0), list.pick(10)); // 16 10 25
 * ```
 */
export class NumberRangeList {
  #adds: PendingRanges | null = new PendingRanges();
  #removes: PendingRanges | null = new PendingRanges();
  #cumulative: Float64Array = new Float64Array(1);
  #sealedBegins: Float64Array = new Float64Array(0);

  /**
   * Adds the inclusive range `[begin, end]`.
   *
   * @example
   * ```ts
   * import { NumberRangeList } from "@zon/net/blackrock";
   * const list = new NumberRangeList();
   * list.add(80, 80);
   * console.log(list.seal().count); // 1
   * ```
   */
  add(begin: number, end: number): void {
    this.#open("add");
    if (!(begin <= end)) {
      throw new RangeError(`NumberRangeList: empty range ${begin}-${end}`);
    }
    if (this.#removes!.length > 0) this.#applyRemoves();
    this.#adds!.push(begin, end);
  }

  /**
   * Removes the inclusive range `[begin, end]` from the members added so far
   * (masscan's `--exclude`). Removing what is absent is not an error.
   *
   * @example
   * ```ts
   * import { NumberRangeList } from "@zon/net/blackrock";
   * const list = new NumberRangeList();
   * list.add(0, 9);
   * list.remove(3, 5);
   * console.log(list.seal().ranges()); // [ [ 0, 2 ], [ 6, 9 ] ]
   * ```
   */
  remove(begin: number, end: number): void {
    this.#open("remove");
    if (!(begin <= end)) {
      throw new RangeError(`NumberRangeList: empty range ${begin}-${end}`);
    }
    this.#removes!.push(begin, end);
  }

  /**
   * A hint that about `count` more ranges follow (a list file's line
   * count), to `add` or to `remove`: the next time the list grows it makes room for all of them at
   * once, instead of doubling its arrays step by step (each old copy is
   * garbage until the next GC — tens of MB at a million ranges).
   *
   * @example
   * ```ts
   * import { NumberRangeList } from "@zon/net/blackrock";
   * const list = new NumberRangeList();
   * list.expect(1000);
   * for (let k = 0; k < 1000; k++) list.add(2 * k, 2 * k);
   * console.log(list.seal().count); // 1000
   * ```
   */
  expect(count: number, what: "add" | "remove" = "add"): void {
    this.#open("expect");
    (what === "add" ? this.#adds! : this.#removes!).hint = count;
  }

  /**
   * Sorts and merges the ranges and freezes the list for picking.
   * Returns `this`.
   *
   * @example
   * ```ts
   * import { NumberRangeList } from "@zon/net/blackrock";
   * const list = new NumberRangeList();
   * list.add(5, 6);
   * list.add(1, 4);
   * console.log(list.seal().ranges()); // [ [ 1, 6 ] ]
   * ```
   */
  seal(): this {
    if (this.#adds === null) return this;
    const [begins, ends, k] = this.#merge();
    // Ends sit at [1..k]: turn them into cumulative counts in place.
    ends[0] = 0;
    for (let r = 0; r < k; r++) {
      ends[r + 1] = ends[r] + (ends[r + 1] - begins[r] + 1);
    }
    const wasteful = 2 * k < begins.length;
    this.#sealedBegins = wasteful ? begins.slice(0, k) : begins.subarray(0, k);
    this.#cumulative = wasteful
      ? ends.slice(0, k + 1)
      : ends.subarray(0, k + 1);
    this.#adds = this.#removes = null;
    return this;
  }

  /**
   * Number of members (after {@link NumberRangeList.seal}).
   *
   * @example
   * ```ts
   * import { NumberRangeList } from "@zon/net/blackrock";
   * const list = new NumberRangeList();
   * list.add(0, 255);
   * console.log(list.seal().count); // 256
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
   * import { NumberRangeList } from "@zon/net/blackrock";
   * const list = new NumberRangeList();
   * list.add(3, 4);
   * console.log(list.seal().ranges()); // [ [ 3, 4 ] ]
   * ```
   */
  ranges(): Array<[number, number]> {
    this.#requireSealed();
    const cumulative = this.#cumulative;
    return Array.from(
      this.#sealedBegins,
      (
        b,
        k,
      ): [number, number] => [b, b + cumulative[k + 1] - cumulative[k] - 1],
    );
  }

  /**
   * The `index`-th smallest member, `0 ≤ index < count`: the mapping from a
   * scan index to an address or port. Binary search over the cumulative
   * counts; no allocation.
   *
   * @example
   * ```ts
   * import { NumberRangeList } from "@zon/net/blackrock";
   * const list = new NumberRangeList();
   * list.add(100, 101);
   * list.add(200, 201);
   * console.log(list.seal().pick(2)); // 200
   * ```
   */
  pick(index: number): number {
    const cumulative = this.#cumulative;
    let lo = 0, hi = cumulative.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cumulative[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.#sealedBegins[lo] + (index - cumulative[lo]);
  }

  /** Sorts and sweeps the pending ranges: begins, ends at [1..k], k. */
  #merge(): [Float64Array, Float64Array, number] {
    const adds = this.#adds!, removes = this.#removes!;
    adds.sortApart();
    removes.sortApart();
    // Each result range starts at an include begin or an exclude end.
    const capacity = adds.length + removes.length;
    const begins = new Float64Array(capacity);
    const ends = new Float64Array(capacity + 1);
    return [begins, ends, sweep(adds, removes, begins, ends)];
  }

  /** An `add` after `remove`s: the removes apply to what came before. */
  #applyRemoves(): void {
    const [begins, ends, k] = this.#merge();
    const merged = new PendingRanges();
    for (let r = 0; r < k; r++) merged.push(begins[r], ends[r + 1]);
    this.#adds = merged;
    this.#removes = new PendingRanges();
  }

  #open(what: string): void {
    if (this.#adds === null) {
      throw new Error(`NumberRangeList: ${what} after seal()`);
    }
  }

  #requireSealed(): void {
    if (this.#adds !== null) {
      throw new Error("NumberRangeList: call seal() first");
    }
  }
}
