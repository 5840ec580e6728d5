import assert from "node:assert/strict";
import { Blackrock } from "../blackrock/mod.ts";
import { BLACKROCK_SBOX } from "../blackrock/sbox.ts";
import { gcCountDuring, ROOT } from "./helpers/alloc_probe.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("blackrock_test.ts");

/**
 * A naive reference of masscan's BlackRock written directly over 64-bit
 * unsigned BigInt arithmetic, one step per line of the construction (Black &
 * Rogaway's Feistel with masscan's round function). Slow and obviously
 * shaped like the description; the fast class must agree with it.
 */
class ReferenceBlackrock {
  a: bigint;
  b: bigint;
  constructor(
    readonly range: bigint,
    readonly seed: bigint,
    readonly rounds: number,
  ) {
    const fixed: Record<string, [number, number]> = {
      "1": [1, 1],
      "2": [1, 2],
      "3": [2, 2],
      "4": [2, 3],
      "5": [2, 3],
      "6": [2, 3],
      "7": [3, 3],
      "8": [3, 3],
    };
    if (fixed[String(range)]) {
      [this.a, this.b] = fixed[String(range)].map(BigInt) as [bigint, bigint];
    } else {
      const root = Math.sqrt(Number(range));
      this.a = BigInt(Math.trunc(root - 2));
      this.b = BigInt(Math.trunc(root + 3));
    }
    while (this.a * this.b <= range) this.b++;
  }
  round(j: number, r: bigint): bigint {
    const M = (1n << 64n) - 1n;
    const J = BigInt(j);
    r ^= ((this.seed << J) ^ (this.seed >> (64n - J))) & M;
    const byte = (n: number): bigint =>
      BigInt(
        BLACKROCK_SBOX[Number(((r >> BigInt(8 * n)) ^ this.seed ^ J) & 0xffn)],
      );
    const r0 = byte(0) | (byte(1) << 8n);
    const r1 = ((byte(2) << 16n) | (byte(3) << 24n)) & 0xffffffffn;
    const r2 = byte(4) | (byte(5) << 8n);
    const r3 = ((byte(6) << 16n) | (byte(7) << 24n)) & 0xffffffffn;
    return (r0 ^ r1 ^ (r2 << 23n) ^ (r3 << 33n)) & M;
  }
  encrypt(m: bigint): bigint {
    let L = m % this.a, R = m / this.a;
    for (let j = 1; j <= this.rounds; j++) {
      const mod = j & 1 ? this.a : this.b;
      const tmp = ((L + this.round(j, R)) & ((1n << 64n) - 1n)) % mod;
      L = R;
      R = tmp;
    }
    return this.rounds & 1 ? this.a * L + R : this.a * R + L;
  }
  shuffle(i: bigint): bigint {
    let c = this.encrypt(i);
    while (c >= this.range) c = this.encrypt(c);
    return c;
  }
}

const rand = (n: number): number => Math.floor(random() * n);
const rand64 = (): bigint => {
  const w = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(w[0]) << 32n) | BigInt(w[1]);
};

Deno.test("check values from masscan's C build", () => {
  const small = new Blackrock(1000, 0, 4);
  assert.equal(small.a, 29);
  assert.equal(small.b, 35);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => small.shuffle(i)),
    [788, 445, 646, 524, 517, 407, 822, 867],
  );
  const big = new Blackrock(2 ** 32 - 1, 42, 14);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((i) => big.shuffle(i)),
    [3930353781, 2530222807, 3821574991, 3752889234, 934099913, 848807100],
  );
});

Deno.test("shuffle equals a naive BigInt reference for random ranges up to 2^53, seeds up to 2^64", () => {
  for (let t = 0; t < 300; t++) {
    const bits = 1 + rand(53);
    const range = Math.max(1, Math.floor(random() * 2 ** bits));
    const seed = t % 3 === 0 ? BigInt(rand(1000)) : rand64();
    const rounds = t % 4 === 0 ? 1 + rand(20) : 14;
    const fast = new Blackrock(range, seed, rounds);
    const ref = new ReferenceBlackrock(BigInt(range), seed, rounds);
    assert.equal(BigInt(fast.a), ref.a);
    assert.equal(BigInt(fast.b), ref.b);
    for (let k = 0; k < 20; k++) {
      const i = k < 3
        ? [0, range - 1, Math.floor(range / 2)][k]
        : Math.floor(random() * range);
      assert.equal(
        BigInt(fast.shuffle(i)),
        ref.shuffle(BigInt(i)),
        `range ${range} seed ${seed} rounds ${rounds} i ${i}`,
      );
    }
  }
  // The largest range allowed.
  const top = new Blackrock(2 ** 53, 99n);
  const refTop = new ReferenceBlackrock(2n ** 53n, 99n, 14);
  for (const i of [0, 1, 2 ** 53 - 1, 2 ** 52 + 12345]) {
    assert.equal(BigInt(top.shuffle(i)), refTop.shuffle(BigInt(i)));
  }
});

Deno.test("shuffleBatch (two lanes) equals the reference, any count, step and start", () => {
  for (let t = 0; t < 200; t++) {
    const bits = 1 + rand(53);
    const range = Math.max(1, Math.floor(random() * 2 ** bits));
    const seed = rand64();
    const rounds = t % 3 === 0 ? 1 + rand(20) : 14;
    const fast = new Blackrock(range, seed, rounds);
    const ref = new ReferenceBlackrock(BigInt(range), seed, rounds);
    const step = 1 + rand(7);
    const count = Math.max(
      1,
      Math.min(1 + rand(9), Math.floor((range - 1) / step) + 1),
    );
    const first = rand(range - (count - 1) * step);
    const out = new Float64Array(count);
    fast.shuffleBatch(first, step, count, out);
    for (let n = 0; n < count; n++) {
      const i = first + n * step;
      assert.equal(
        BigInt(out[n]),
        ref.shuffle(BigInt(i)),
        `range ${range} rounds ${rounds} i ${i}`,
      );
    }
  }
  // A whole small range through batches of every size: a bijection.
  for (const size of [1, 2, 3, 7, 64]) {
    const br = new Blackrock(5000, 3);
    const seen = new Uint8Array(5000);
    const out = new Float64Array(size);
    for (let i = 0; i < 5000; i += size) {
      const n = Math.min(size, 5000 - i);
      br.shuffleBatch(i, 1, n, out);
      for (let k = 0; k < n; k++) seen[out[k]]++;
    }
    assert.ok(seen.every((c) => c === 1), `batch size ${size}`);
  }
});

Deno.test("every index is visited exactly once, for ranges 1..300 and up to 2^20", () => {
  const ranges = [
    ...Array.from({ length: 300 }, (_, k) => k + 1),
    1000,
    65535,
    65536,
    100_003,
    2 ** 20,
  ];
  for (const range of ranges) {
    for (const seed of range > 300 ? [0, 7] : [rand(1 << 30)]) {
      const br = new Blackrock(range, seed);
      const seen = new Uint8Array(range);
      for (let i = 0; i < range; i++) {
        const x = br.shuffle(i);
        assert.ok(
          x >= 0 && x < range && Number.isInteger(x),
          `range ${range}: ${x} out of range`,
        );
        seen[x]++;
      }
      assert.ok(
        seen.every((c) => c === 1),
        `range ${range} seed ${seed}: not a bijection`,
      );
    }
  }
});

Deno.test("unshuffle inverts shuffle, for small and huge ranges", () => {
  for (let t = 0; t < 200; t++) {
    const range = t < 100 ? 1 + rand(5000) : Math.floor(random() * 2 ** 53) + 1;
    const br = new Blackrock(range, rand64(), t % 2 ? 14 : 1 + rand(30));
    for (let k = 0; k < 50; k++) {
      const i = Math.floor(random() * range);
      assert.equal(br.unshuffle(br.shuffle(i)), i);
      assert.equal(br.shuffle(br.unshuffle(i)), i);
    }
  }
  const br = new Blackrock(3000, 5);
  for (let i = 0; i < 3000; i++) assert.equal(br.unshuffle(br.shuffle(i)), i);
});

Deno.test("the seed matters: different seeds give different orders", () => {
  const a = new Blackrock(1 << 16, 1), b = new Blackrock(1 << 16, 2);
  let same = 0;
  for (let i = 0; i < 1000; i++) if (a.shuffle(i) === b.shuffle(i)) same++;
  assert.ok(same < 10, `${same} of 1000 positions equal`);
});

Deno.test("bad arguments are rejected with a message naming them", () => {
  assert.throws(
    () => new Blackrock(0, 1),
    /range must be an integer in \[1, 2\^53\], got 0/,
  );
  assert.throws(() => new Blackrock(2 ** 53 + 2, 1), /range/);
  assert.throws(() => new Blackrock(1.5, 1), /range/);
  assert.throws(
    () => new Blackrock(10, 1.5),
    /seed must be a safe integer or a bigint/,
  );
  assert.throws(
    () => new Blackrock(10, 1, 0),
    /rounds must be an integer in \[1, 63\]/,
  );
  // Out-of-range indices are refused: cycle-walking from them need not end.
  const br = new Blackrock(10, 1);
  assert.throws(
    () => br.shuffle(10),
    /indices 10\.\.10 \(step 1\) are not all in \[0, 10\)/,
  );
  assert.throws(
    () => br.shuffleBatch(5, 3, 3, new Float64Array(3)),
    /not all in \[0, 10\)/,
  );
  assert.throws(
    () => br.shuffleBatch(0, 1, 4, new Float64Array(3)),
    /fewer than 4 slots/,
  );
  assert.throws(() => br.unshuffle(-1), /-1 is not in \[0, 10\)/);
});

Deno.test("shuffleBatch allocates nothing: no GC during 10^7 shuffles", async () => {
  const setup = `
import { Blackrock } from "${ROOT}blackrock/mod.ts";
const br = new Blackrock(0x012356789123, 1);
const out = new Float64Array(64);
function step(i) {
  br.shuffleBatch(i * 64, 1, 64, out);
  return out[i & 63] % 1000;
}`;
  const { gcs, sink } = await gcCountDuring(setup, 10_000_000 / 64, 5_000);
  assert.ok(sink > 0);
  assert.equal(gcs, 0, `${gcs} garbage collections during the loop`);
});
