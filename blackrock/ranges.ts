/**
 * Sorted, merged lists of integer ranges, with the index → value mapping
 * ("pick") that turns a permuted scan index into an address or port.
 *
 * @module
 */

/**
 * A set of integers up to 2^53 stored as sorted, disjoint, merged inclusive
 * ranges: used for IPv4 addresses (as unsigned 32-bit numbers) and ports.
 * After {@link NumberRangeList.seal} it answers `count` and `pick(i)` (the
 * i-th smallest member) in O(log ranges) with no allocation.
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
  #begins: number[] = [];
  #ends: number[] = [];
  #sealed = false;
  #cumulative: Float64Array = new Float64Array(1);
  #sealedBegins: Float64Array = new Float64Array(0);
  #sealedEnds: Float64Array = new Float64Array(0);

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
    if (this.#sealed) throw new Error("NumberRangeList: add after seal()");
    if (!(begin <= end)) {
      throw new RangeError(`NumberRangeList: empty range ${begin}-${end}`);
    }
    this.#begins.push(begin);
    this.#ends.push(end);
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
    if (this.#sealed) throw new Error("NumberRangeList: remove after seal()");
    const begins: number[] = [], ends: number[] = [];
    for (let k = 0; k < this.#begins.length; k++) {
      const b = this.#begins[k], e = this.#ends[k];
      if (e < begin || b > end) {
        begins.push(b), ends.push(e);
        continue;
      }
      if (b < begin) begins.push(b), ends.push(begin - 1);
      if (e > end) begins.push(end + 1), ends.push(e);
    }
    this.#begins = begins;
    this.#ends = ends;
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
    if (this.#sealed) return this;
    const order = this.#begins.map((_, k) => k)
      .sort((x, y) => this.#begins[x] - this.#begins[y]);
    const begins: number[] = [], ends: number[] = [];
    for (const k of order) {
      const b = this.#begins[k], e = this.#ends[k];
      const last = ends.length - 1;
      if (last >= 0 && b <= ends[last] + 1) {
        if (e > ends[last]) ends[last] = e;
      } else {
        begins.push(b), ends.push(e);
      }
    }
    this.#sealedBegins = Float64Array.from(begins);
    this.#sealedEnds = Float64Array.from(ends);
    this.#cumulative = new Float64Array(begins.length + 1);
    for (let k = 0; k < begins.length; k++) {
      this.#cumulative[k + 1] = this.#cumulative[k] + (ends[k] - begins[k] + 1);
    }
    this.#sealed = true;
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
    return Array.from(
      this.#sealedBegins,
      (b, k): [number, number] => [b, this.#sealedEnds[k]],
    );
  }

  /**
   * The `index`-th smallest member, `0 ≤ index < count`: the mapping from a
   * scan index to an address or port. Binary search; no allocation.
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

  #requireSealed(): void {
    if (!this.#sealed) throw new Error("NumberRangeList: call seal() first");
  }
}

const ONE = 1n;

/**
 * A set of IPv6 addresses as sorted, merged inclusive ranges of 128-bit
 * values. Bounds are bigints while the list is built; once sealed, `pick`
 * writes the i-th address as 16 network-order bytes into a caller's buffer
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
  #begins: bigint[] = [];
  #ends: bigint[] = [];
  #sealed = false;
  #cumulative: Float64Array = new Float64Array(1);
  #baseWords: Uint32Array = new Uint32Array(0);
  #sealedRanges: Array<[bigint, bigint]> = [];

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
    if (this.#sealed) throw new Error("Ipv6RangeList: add after seal()");
    if (!(begin <= end)) throw new RangeError("Ipv6RangeList: empty range");
    this.#begins.push(begin);
    this.#ends.push(end);
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
    if (this.#sealed) throw new Error("Ipv6RangeList: remove after seal()");
    const begins: bigint[] = [], ends: bigint[] = [];
    for (let k = 0; k < this.#begins.length; k++) {
      const b = this.#begins[k], e = this.#ends[k];
      if (e < begin || b > end) {
        begins.push(b), ends.push(e);
        continue;
      }
      if (b < begin) begins.push(b), ends.push(begin - ONE);
      if (e > end) begins.push(end + ONE), ends.push(e);
    }
    this.#begins = begins;
    this.#ends = ends;
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
    if (this.#sealed) return this;
    const order = this.#begins.map((_, k) => k).sort((x, y) =>
      this.#begins[x] < this.#begins[y]
        ? -1
        : this.#begins[x] > this.#begins[y]
        ? 1
        : 0
    );
    const merged: Array<[bigint, bigint]> = [];
    for (const k of order) {
      const b = this.#begins[k], e = this.#ends[k];
      const last = merged[merged.length - 1];
      if (last && b <= last[1] + ONE) {
        if (e > last[1]) last[1] = e;
      } else {
        merged.push([b, e]);
      }
    }
    let total = 0n;
    this.#cumulative = new Float64Array(merged.length + 1);
    this.#baseWords = new Uint32Array(4 * merged.length);
    merged.forEach(([b, e], k) => {
      total += e - b + ONE;
      if (total > 2n ** 53n) {
        throw new RangeError(
          `IPv6 target ranges hold ${total} or more addresses; at most 2^53 can be scanned`,
        );
      }
      this.#cumulative[k + 1] = Number(total);
      for (let w = 0; w < 4; w++) {
        this.#baseWords[4 * k + w] = Number(
          (b >> BigInt(32 * (3 - w))) & 0xffffffffn,
        );
      }
    });
    this.#sealedRanges = merged;
    this.#sealed = true;
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
    if (!this.#sealed) throw new Error("Ipv6RangeList: call seal() first");
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
    if (!this.#sealed) throw new Error("Ipv6RangeList: call seal() first");
    return this.#sealedRanges.map(([b, e]) => [b, e]);
  }

  /**
   * Writes the `index`-th smallest address (`0 ≤ index < count`) as 16
   * network-order bytes at `out[offset..offset+16)`. No allocation.
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
    // base + delta with delta < 2^53, word by word from the low end.
    const delta = index - cumulative[lo];
    const deltaHigh = Math.floor(delta / 4294967296);
    const words = this.#baseWords, w0 = 4 * lo;
    let sum = words[w0 + 3] + (delta - deltaHigh * 4294967296);
    let carry = sum >= 4294967296 ? 1 : 0;
    writeBe32(out, offset + 12, sum);
    sum = words[w0 + 2] + deltaHigh + carry;
    carry = sum >= 4294967296 ? 1 : 0;
    writeBe32(out, offset + 8, sum);
    sum = words[w0 + 1] + carry;
    carry = sum >= 4294967296 ? 1 : 0;
    writeBe32(out, offset + 4, sum);
    writeBe32(out, offset, words[w0] + carry);
  }
}

function writeBe32(out: Uint8Array, at: number, value: number): void {
  // `value` may be ≥ 2^32 (a carry that was taken); keep its low 32 bits.
  const v = value >>> 0;
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}
