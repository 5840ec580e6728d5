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
 * One Feistel round's new right side, `(L + F(R)) mod m`: `x` is the low
 * word of `R ^ rotl(seed, j)`, `at` the round's offset in `residues` (its
 * four byte tables) and `base` = L + (the output's high word · 2^32 mod m).
 * Everything stays below 6m < 2^30, in int32.
 */
function feistelRound(
  residues: Int32Array,
  x: number,
  at: number,
  m: number,
  base: number,
): number {
  let sum = residues[at | (x & 0xff)] +
    residues[at | 256 | ((x >>> 8) & 0xff)] +
    residues[at | 512 | ((x >>> 16) & 0xff)] + residues[at | 768 | (x >>> 24)] +
    base;
  // sum < 6m: subtract 4m, 2m, m where they fit, without branches.
  const m2 = m << 1, m4 = m << 2;
  sum -= m4 & ((m4 - 1 - sum) >> 31);
  sum -= m2 & ((m2 - 1 - sum) >> 31);
  sum -= m & ((m - 1 - sum) >> 31);
  return sum;
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

  // Per-round constants, index j = 1..rounds (0 unused). The right side
  // entering a round is < 2^27, so the high word of `R ^ rotl(seed, j)` is
  // the seed's alone: four of the eight s-box lookups, and the high 32 bits
  // of the round function's 64-bit output, are fixed per round.
  //
  // The round adds the output's low word W to L and reduces mod m. W's four
  // bytes each come from one s-box lookup, so W mod m is the sum of four
  // table entries — byte k's value times 256^k, mod m — and the round needs
  // no 33-bit sum and no division: L + 4 residues + (high word·2^32 mod m)
  // < 6m < 2^30, all int32.
  readonly #rotLo: Int32Array;
  // residues[j·1024 + k·256 + x] = (byte k of W when byte k of R ^ rotLo is
  // x)·256^k mod m_j: masscan's s-box, the round's byte mask and constant
  // XOR, and the reduction folded into one lookup.
  readonly #residues: Int32Array;
  // (high word of the round output)·2^32 mod m_j.
  readonly #outHiMod: Int32Array;
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
    this.#residues = new Int32Array(1024 * (rounds + 1));
    this.#outHiMod = new Int32Array(rounds + 1);
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
      // outHi can never be 2^32 − 1 (bits 7..16 come from r3's zero low
      // half), so L + output never wraps 2^64 and each round is a bijection.
      const outHi = ((r2 >>> 9) ^ (r3 << 1)) >>> 0;
      const outLoXor = r2 << 23;
      const modulus = j & 1 ? this.a : this.b;
      this.#rotLo[j] = Number(rot & 0xffffffffn);
      this.#outHiMod[j] = Number((BigInt(outHi) << 32n) % BigInt(modulus));
      for (let k = 0; k < 4; k++) {
        const xorByte = (outLoXor >>> (8 * k)) & 0xff;
        for (let x = 0; x < 256; x++) {
          const value = s[x ^ mask] ^ xorByte;
          this.#residues[1024 * j + 256 * k + x] = (value * 256 ** k) % modulus;
        }
      }
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
    const last = first + (count - 1) * step;
    if (!(first >= 0 && last < this.range && count <= out.length)) {
      // Outside [0, range) cycle-walking need not end: refuse, loudly.
      throw new RangeError(
        `Blackrock.shuffleBatch: indices ${first}..${last} (step ${step}) are not all in [0, ${this.range}), or out has fewer than ${count} slots`,
      );
    }
    const a = this.a, b = this.b, rounds = this.rounds;
    const rotLo = this.#rotLo, residues = this.#residues;
    const outHiMod = this.#outHiMod;
    const rangeQuot = this.#rangeQuot, rangeRem = this.#rangeRem;
    let n = 0;
    // Two indices at a time: each one's 14 rounds are a chain of dependent
    // lookups, so running two chains side by side lets the CPU overlap them.
    for (; n + 1 < count; n += 2) {
      const i0 = first + n * step, i1 = i0 + step;
      let r0 = Math.floor(i0 / a), r1 = Math.floor(i1 / a);
      let l0 = i0 - r0 * a, l1 = i1 - r1 * a;
      if (l0 < 0) l0 += a, r0--;
      else if (l0 >= a) l0 -= a, r0++;
      if (l1 < 0) l1 += a, r1--;
      else if (l1 >= a) l1 -= a, r1++;
      l0 |= 0, r0 |= 0, l1 |= 0, r1 |= 0;
      let j = 1;
      for (; j < rounds; j += 2) {
        const at = j << 10, next = at + 1024;
        const t0 = feistelRound(
          residues,
          rotLo[j] ^ r0,
          at,
          a,
          outHiMod[j] + l0,
        );
        const t1 = feistelRound(
          residues,
          rotLo[j] ^ r1,
          at,
          a,
          outHiMod[j] + l1,
        );
        l0 = feistelRound(
          residues,
          rotLo[j + 1] ^ t0,
          next,
          b,
          outHiMod[j + 1] + r0,
        );
        l1 = feistelRound(
          residues,
          rotLo[j + 1] ^ t1,
          next,
          b,
          outHiMod[j + 1] + r1,
        );
        r0 = l0, r1 = l1, l0 = t0, l1 = t1;
      }
      if (j === rounds) {
        const at = j << 10;
        const t0 = feistelRound(
          residues,
          rotLo[j] ^ r0,
          at,
          a,
          outHiMod[j] + l0,
        );
        const t1 = feistelRound(
          residues,
          rotLo[j] ^ r1,
          at,
          a,
          outHiMod[j] + l1,
        );
        l0 = r0, l1 = r1, r0 = t0, r1 = t1;
      }
      // The cipher's output c is a·L + R (odd rounds) or a·R + L (even).
      const q0 = rounds & 1 ? l0 : r0, m0 = rounds & 1 ? r0 : l0;
      const q1 = rounds & 1 ? l1 : r1, m1 = rounds & 1 ? r1 : l1;
      if (q0 < rangeQuot || (q0 === rangeQuot && m0 < rangeRem)) {
        out[n] = q0 * a + m0;
      } else this.#walk(q0, m0, out, n);
      if (q1 < rangeQuot || (q1 === rangeQuot && m1 < rangeRem)) {
        out[n + 1] = q1 * a + m1;
      } else this.#walk(q1, m1, out, n + 1);
    }
    if (n < count) {
      const i = first + n * step;
      let quot = Math.floor(i / a);
      let rem = i - quot * a;
      if (rem < 0) rem += a, quot--;
      else if (rem >= a) rem -= a, quot++;
      this.#walk(quot, rem, out, n);
    }
  }

  /**
   * Encrypts c = a·quot + rem until the result is below `range`
   * (cycle-walking) and stores it in `out[n]`. One index, one chain.
   */
  #walk(quot: number, rem: number, out: Float64Array, n: number): void {
    const a = this.a, b = this.b, rounds = this.rounds;
    const rotLo = this.#rotLo, residues = this.#residues;
    const outHiMod = this.#outHiMod;
    for (;;) {
      // As the cipher's input, c splits into (c mod a, c div a) = (rem, quot).
      let left = rem | 0, right = quot | 0;
      for (let j = 1; j <= rounds; j++) {
        const t = feistelRound(
          residues,
          rotLo[j] ^ right,
          j << 10,
          j & 1 ? a : b,
          outHiMod[j] + left,
        );
        left = right;
        right = t;
      }
      if (rounds & 1) quot = left, rem = right;
      else quot = right, rem = left;
      if (
        quot < this.#rangeQuot ||
        (quot === this.#rangeQuot && rem < this.#rangeRem)
      ) {
        out[n] = quot * a + rem;
        return;
      }
    }
  }

  /** The round function's output for round `j` and right side `r`, mod m. */
  #roundMod(j: number, r: number): number {
    const m = j & 1 ? this.a : this.b;
    return feistelRound(
      this.#residues,
      r ^ this.#rotLo[j],
      j << 10,
      m,
      this.#outHiMod[j],
    );
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
    if (!(c >= 0 && c < this.range)) {
      throw new RangeError(
        `Blackrock.unshuffle: ${c} is not in [0, ${this.range})`,
      );
    }
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
        const m = j & 1 ? this.a : this.b;
        let prev = right - this.#roundMod(j, left);
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
