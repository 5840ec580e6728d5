import { BLACKROCK_SBOX } from "./sbox.ts";

const MASK64 = (1n << 64n) - 1n;

/**
 * Splits `range` into the Feistel sides `a × b > range` as masscan does:
 * fixed pairs for tiny ranges (its construction is poor below 9), otherwise
 * a = ⌊√range⌋ − 2 and b = ⌊√range⌋ + 3, then b grows until a·b > range.
 */
function feistelSides(range: number): [number, number] {
  let a: number, b: number;
  switch (range) {
    case 1:
      a = 1, b = 1;
      break;
    case 2:
      a = 1, b = 2;
      break;
    case 3:
      a = 2, b = 2;
      break;
    case 4:
    case 5:
    case 6:
      a = 2, b = 3;
      break;
    case 7:
    case 8:
      a = 3, b = 3;
      break;
    default: {
      const root = Math.sqrt(range);
      a = Math.trunc(root - 2);
      b = Math.trunc(root + 3);
    }
  }
  while (a * b <= range) b++;
  return [a, b];
}

/**
 * A keyed permutation of `[0, range)`: the order in which a stateless scanner
 * visits its targets.
 *
 * It is the construction of masscan's BlackRock: Black & Rogaway's
 * "Ciphers with Arbitrary Finite Domains", a Feistel network whose two sides
 * are `a` and `b` with `a·b > range`, mixed-radix (odd rounds reduce mod a,
 * even rounds mod b), with cycle-walking for outputs ≥ range. The round
 * function is masscan's: the 64-bit seed rotated by the round number XORed
 * into the right side, then eight s-box lookups. For the same range, seed and
 * rounds, `shuffle(i)` equals masscan's `blackrock_shuffle(i)`, so zon scans
 * in masscan's order.
 *
 * Arithmetic is on doubles and 32-bit integers, never BigInt, and
 * `shuffle` allocates nothing.
 *
 * @example Visit 0..9 in a seeded random order, each exactly once
 * ```ts
 * import { Blackrock } from "@zon/net/blackrock";
 * const br = new Blackrock(10, 42);
 * const order = Array.from({ length: 10 }, (_, i) => br.shuffle(i));
 * console.log(order.slice().sort((x, y) => x - y).join()); // "0,1,2,3,4,5,6,7,8,9"
 * console.log(br.unshuffle(order[3])); // 3
 * ```
 */
export class Blackrock {
  /** Size of the permuted domain: indices are `0 ≤ i < range`. */
  readonly range: number;
  /** The 64-bit seed, as an unsigned bigint. */
  readonly seed: bigint;
  /** Number of Feistel rounds (masscan's default is 14). */
  readonly rounds: number;
  /** Feistel side a (odd rounds reduce modulo a). */
  readonly a: number;
  /** Feistel side b (even rounds reduce modulo b); a·b > range. */
  readonly b: number;

  // Per-round constants, index j = 1..rounds (0 unused). Because the right
  // side entering a round is < 2^27, the high word of `R ^ rotl(seed, j)` is
  // the seed's alone, so four of the eight s-box lookups and the high word of
  // the round function's output are fixed per round and precomputed here.
  readonly #rotLo: Int32Array;
  readonly #outLoXor: Int32Array;
  readonly #outHiMod: Float64Array;
  readonly #modulus: Float64Array;
  readonly #inverse: Float64Array;
  // Round j's s-box with its byte mask folded in: box[j·256 + x] = S[x ^ mask_j].
  readonly #roundBoxes: Uint8Array;
  // range = a·rangeQuot + rangeRem, to test a·q + r ≥ range without forming it.
  readonly #rangeQuot: number;
  readonly #rangeRem: number;
  readonly #one: Float64Array = new Float64Array(1);

  /**
   * Prepares the permutation of `[0, range)` for `seed`: picks the Feistel
   * sides as masscan does and precomputes each round's constants.
   *
   * @example
   * ```ts
   * import { Blackrock } from "@zon/net/blackrock";
   * const br = new Blackrock(1000, 0, 4);
   * console.log(br.a, br.b); // 29 35, as masscan
   * ```
   *
   * @param range size of the domain, 1 ≤ range ≤ 2^53
   * @param seed 64-bit seed (number ≥ 0 or bigint; masscan's `--seed`)
   * @param rounds Feistel rounds, 1..63 (masscan uses 14)
   */
  constructor(range: number, seed: number | bigint = 0, rounds = 14) {
    if (!Number.isInteger(range) || range < 1 || range > 2 ** 53) {
      throw new RangeError(
        `Blackrock: range must be an integer in [1, 2^53], got ${range}`,
      );
    }
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 63) {
      throw new RangeError(
        `Blackrock: rounds must be an integer in [1, 63], got ${rounds}`,
      );
    }
    let seed64: bigint;
    if (typeof seed === "bigint") {
      seed64 = seed;
    } else if (Number.isSafeInteger(seed)) {
      seed64 = BigInt(seed);
    } else {
      throw new RangeError(
        `Blackrock: seed must be a safe integer or a bigint, got ${seed}`,
      );
    }
    seed64 = BigInt.asUintN(64, seed64);
    this.range = range;
    this.seed = seed64;
    this.rounds = rounds;
    [this.a, this.b] = feistelSides(range);
    this.#rangeQuot = Math.floor(range / this.a);
    this.#rangeRem = range - this.#rangeQuot * this.a;
    if (this.#rangeRem < 0) this.#rangeQuot--, this.#rangeRem += this.a;

    const s = BLACKROCK_SBOX;
    this.#rotLo = new Int32Array(rounds + 1);
    this.#outLoXor = new Int32Array(rounds + 1);
    this.#outHiMod = new Float64Array(rounds + 1);
    this.#modulus = new Float64Array(rounds + 1);
    this.#inverse = new Float64Array(rounds + 1);
    this.#roundBoxes = new Uint8Array(256 * (rounds + 1));
    const seedLowByte = Number(seed64 & 0xffn);
    for (let j = 1; j <= rounds; j++) {
      const rot = ((seed64 << BigInt(j)) ^ (seed64 >> BigInt(64 - j))) & MASK64;
      const rotHi = Number(rot >> 32n);
      const mask = (seedLowByte ^ j) & 0xff;
      const byte = (n: number): number =>
        s[((rotHi >>> (8 * n)) & 0xff) ^ mask];
      const r2 = byte(0) | (byte(1) << 8);
      const r3 = ((byte(2) << 16) | (byte(3) << 24)) >>> 0;
      // Output = W ^ (r2 << 23) ^ (r3 << 33) over 64 bits, W = low four lookups.
      const outHi = ((r2 >>> 9) ^ (r3 << 1)) >>> 0;
      const modulus = j & 1 ? this.a : this.b;
      this.#rotLo[j] = Number(rot & 0xffffffffn);
      this.#outLoXor[j] = r2 << 23;
      this.#outHiMod[j] = Number((BigInt(outHi) << 32n) % BigInt(modulus));
      this.#modulus[j] = modulus;
      this.#inverse[j] = 1 / modulus;
      for (let x = 0; x < 256; x++) this.#roundBoxes[256 * j + x] = s[x ^ mask];
      // outHi can never be 2^32 − 1 (bits 7..16 come from r3's zero low
      // half), so L + output never wraps 2^64 and each round is a bijection.
    }
  }

  /**
   * The `i`-th element of the permuted order, for `0 ≤ i < range`.
   *
   * @example
   * ```ts
   * import { Blackrock } from "@zon/net/blackrock";
   * // masscan: blackrock_init(&br, 1000, 0, 4); blackrock_shuffle(&br, 0) == 788
   * console.log(new Blackrock(1000, 0, 4).shuffle(0)); // 788
   * ```
   */
  shuffle(i: number): number {
    this.shuffleBatch(i, 1, 1, this.#one);
    return this.#one[0];
  }

  /**
   * Shuffles `count` indices `first, first + step, ...` into
   * `out[0..count)`. This is the scanner's hot path: a double returned from a
   * function call is boxed into a heap number when it does not fit a small
   * integer, while a typed-array store is not, so a batch allocates nothing
   * whatever the range.
   *
   * @example Shard 2 of 3 of a scan, eight targets at a time
   * ```ts
   * import { Blackrock } from "@zon/net/blackrock";
   * const br = new Blackrock(2 ** 40, 1);
   * const batch = new Float64Array(8);
   * br.shuffleBatch(1, 3, 8, batch);
   * console.log(batch[2] === br.shuffle(1 + 2 * 3)); // true
   * ```
   */
  shuffleBatch(
    first: number,
    step: number,
    count: number,
    out: Float64Array,
  ): void {
    const a = this.a;
    const rounds = this.rounds;
    const rotLo = this.#rotLo;
    const outLoXor = this.#outLoXor, outHiMod = this.#outHiMod;
    const modulus = this.#modulus, inverse = this.#inverse;
    const box = this.#roundBoxes;
    const rangeQuot = this.#rangeQuot, rangeRem = this.#rangeRem;
    for (let n = 0; n < count; n++) {
      const i = first + n * step;
      // Split i = a·R + L (i < 2^53; the quotient's rounding is corrected).
      let right = Math.floor(i / a);
      let left = i - right * a;
      if (left < 0) left += a, right--;
      else if (left >= a) left -= a, right++;
      for (;;) {
        for (let j = 1; j <= rounds; j++) {
          const x = right ^ rotLo[j];
          const t = j << 8; // this round's s-box, pre-XORed with its byte mask
          const w = box[t | (x & 0xff)] | (box[t | ((x >>> 8) & 0xff)] << 8) |
            (box[t | ((x >>> 16) & 0xff)] << 16) | (box[t | (x >>> 24)] << 24);
          // sum mod m, by multiplying with 1/m instead of dividing: the
          // floored quotient is off by at most one, which the test fixes.
          const m = modulus[j];
          const sum = outHiMod[j] + ((w ^ outLoXor[j]) >>> 0) + left;
          let next = sum - Math.floor(sum * inverse[j]) * m;
          if (next < 0) next += m;
          else if (next >= m) next -= m;
          left = right;
          right = next | 0; // < 2^27: keep it an int32 for the next XOR
        }
        // The cipher's output c is a·L + R (odd rounds) or a·R + L (even);
        // as the next input it splits back into (c mod a, c div a) directly.
        let quot: number, rem: number;
        if (rounds & 1) quot = left, rem = right;
        else quot = right, rem = left;
        if (quot < rangeQuot || (quot === rangeQuot && rem < rangeRem)) {
          out[n] = quot * a + rem;
          break;
        }
        // Cycle-walk: c ≥ range, encrypt c again.
        left = rem;
        right = quot;
      }
    }
  }

  /**
   * The inverse of {@link Blackrock.shuffle}: `unshuffle(shuffle(i)) === i`.
   * (masscan's own `blackrock_unshuffle` does not invert its shuffle; this
   * one runs the same Feistel rounds backwards.)
   *
   * @example
   * ```ts
   * import { Blackrock } from "@zon/net/blackrock";
   * const br = new Blackrock(2 ** 32, 7);
   * console.log(br.unshuffle(br.shuffle(123456789))); // 123456789
   * ```
   */
  unshuffle(c: number): number {
    const a = this.a;
    let quot = Math.floor(c / a);
    let rem = c - quot * a;
    if (rem < 0) rem += a, quot--;
    else if (rem >= a) rem -= a, quot++;
    const rounds = this.rounds;
    for (;;) {
      let left: number, right: number;
      if (rounds & 1) left = quot, right = rem;
      else right = quot, left = rem;
      for (let j = rounds; j >= 1; j--) {
        // Forward: L' = R, R' = (L + F(R)) mod m. Backward: R = L', L = R' − F(L') mod m.
        const x = left ^ this.#rotLo[j];
        const box = this.#roundBoxes, t = j << 8;
        const w = box[t | (x & 0xff)] | (box[t | ((x >>> 8) & 0xff)] << 8) |
          (box[t | ((x >>> 16) & 0xff)] << 16) | (box[t | (x >>> 24)] << 24);
        const m = this.#modulus[j];
        const f = this.#outHiMod[j] + ((w ^ this.#outLoXor[j]) >>> 0);
        let fMod = f - Math.floor(f / m) * m;
        if (fMod < 0) fMod += m;
        let prev = right - fMod;
        if (prev < 0) prev += m;
        right = left;
        left = prev;
      }
      // The cipher's input m was a·R + L.
      quot = right;
      rem = left;
      if (
        quot < this.#rangeQuot ||
        (quot === this.#rangeQuot && rem < this.#rangeRem)
      ) {
        return quot * a + rem;
      }
    }
  }
}
