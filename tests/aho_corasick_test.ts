// Tests for aho_corasick/: every search is checked against a naive matcher
// written here, over random alphabets, pattern sets and haystacks, and every
// streaming search is fed whole, byte at a time and at random splits.
import assert from "node:assert/strict";
import {
  AhoCorasick,
  AhoCorasickBuilder,
  type BuildOptions,
  type Match,
  type PatternInput,
} from "../aho_corasick/mod.ts";

// ---------------------------------------------------------------------------
// Deterministic randomness (xorshift32), so a failure names its seed.

class Rng {
  #x: number;
  constructor(seed: number) {
    this.#x = (seed | 0) || 0x9e3779b9;
  }
  next(): number {
    let x = this.#x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#x = x;
    return x >>> 0;
  }
  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
}

// ---------------------------------------------------------------------------
// The reference: try every pattern at every position.

interface RefPattern {
  bytes: Uint8Array;
  anchored: boolean;
}

const fold = (b: number): number => b >= 0x41 && b <= 0x5a ? b | 0x20 : b;

function naive(
  patterns: readonly RefPattern[],
  hay: Uint8Array,
  caseInsensitive = false,
): Match[] {
  const out: Match[] = [];
  for (let start = 0; start < hay.length; start++) {
    for (let p = 0; p < patterns.length; p++) {
      const { bytes, anchored } = patterns[p];
      if (anchored && start !== 0) continue;
      if (start + bytes.length > hay.length) continue;
      let ok = true;
      for (let j = 0; j < bytes.length; j++) {
        const a = hay[start + j];
        const b = bytes[j];
        if (caseInsensitive ? fold(a) !== fold(b) : a !== b) {
          ok = false;
          break;
        }
      }
      if (ok) out.push({ pattern: p, end: start + bytes.length });
    }
  }
  // The documented order: by end, then longest first, then build order.
  out.sort((x, y) =>
    x.end - y.end ||
    patterns[y.pattern].bytes.length - patterns[x.pattern].bytes.length ||
    x.pattern - y.pattern
  );
  return out;
}

// ---------------------------------------------------------------------------
// Search helpers: whole, byte at a time, at given cut points.

function streamAt(
  ac: AhoCorasick,
  hay: Uint8Array,
  cuts: readonly number[],
): Match[] {
  const out: Match[] = [];
  const flow = ac.stream();
  const onMatch = (pattern: number, end: number) => out.push({ pattern, end });
  let from = 0;
  for (const cut of [...cuts, hay.length]) {
    flow.write(hay.subarray(from, cut), onMatch);
    from = cut;
  }
  assert.equal(flow.offset, hay.length);
  return out;
}

function randomCuts(rng: Rng, length: number): number[] {
  const count = rng.int(0, Math.min(40, length));
  const cuts: number[] = [];
  for (let i = 0; i < count; i++) cuts.push(rng.int(0, length));
  return cuts.sort((a, b) => a - b);
}

function byteCuts(length: number): number[] {
  return Array.from({ length }, (_, i) => i);
}

/** Checks whole, byte-at-a-time and `splits` random split sets agree. */
function assertFragmentInvariant(
  ac: AhoCorasick,
  hay: Uint8Array,
  expected: Match[],
  rng: Rng,
  splits: number,
  label: string,
): void {
  assert.deepEqual(ac.findAll(hay), expected, `${label}: findAll`);
  assert.deepEqual(streamAt(ac, hay, []), expected, `${label}: whole`);
  assert.deepEqual(
    streamAt(ac, hay, byteCuts(hay.length)),
    expected,
    `${label}: byte at a time`,
  );
  for (let k = 0; k < splits; k++) {
    const cuts = randomCuts(rng, hay.length);
    assert.deepEqual(
      streamAt(ac, hay, cuts),
      expected,
      `${label}: split at ${cuts.join(",")}`,
    );
  }
}

// ---------------------------------------------------------------------------
// Random inputs.

function alphabet(rng: Rng, size: number, binary: boolean): Uint8Array {
  if (size === 256) return Uint8Array.from({ length: 256 }, (_, i) => i);
  const set = new Set<number>(binary ? [0x00, 0xff] : []);
  while (set.size < size) set.add(rng.int(0, 255));
  return Uint8Array.from([...set].slice(0, size));
}

function randomString(rng: Rng, symbols: Uint8Array, length: number) {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = symbols[rng.int(0, symbols.length - 1)];
  }
  return out;
}

/**
 * A pattern set mixing random strings, slices of the haystack (so there are
 * matches), prefixes and suffixes of earlier patterns (nesting and
 * overlap), and exact duplicates.
 */
function randomPatterns(
  rng: Rng,
  symbols: Uint8Array,
  hay: Uint8Array,
  count: number,
  maxLength: number,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const kind = rng.int(0, 9);
    const length = rng.int(1, maxLength);
    if (kind <= 3 || out.length === 0) {
      out.push(randomString(rng, symbols, length));
    } else if (kind <= 6 && hay.length >= length) {
      const at = rng.int(0, hay.length - length);
      out.push(hay.slice(at, at + length));
    } else if (kind === 7) {
      const base = out[rng.int(0, out.length - 1)];
      out.push(base.slice(0, rng.int(1, base.length)));
    } else if (kind === 8) {
      const base = out[rng.int(0, out.length - 1)];
      out.push(base.slice(rng.int(0, base.length - 1)));
    } else {
      out.push(out[rng.int(0, out.length - 1)].slice());
    }
  }
  return out;
}

const unanchored = (list: Uint8Array[]): RefPattern[] =>
  list.map((bytes) => ({ bytes, anchored: false }));

// ---------------------------------------------------------------------------

Deno.test("aho_corasick: textbook example, overlapping and nested", () => {
  const ac = AhoCorasick.build(["he", "she", "his", "hers"]);
  const hay = new TextEncoder().encode("ushers");
  assert.deepEqual(ac.findAll(hay), [
    { pattern: 1, end: 4 },
    { pattern: 0, end: 4 },
    { pattern: 3, end: 6 },
  ]);
  assert.equal(ac.patternCount, 4);
  assert.equal(ac.patternLength(3), 4);
});

Deno.test("aho_corasick: random sets against the naive matcher", () => {
  const rng = new Rng(1);
  // [alphabet size, pattern count, max length, haystack length]
  const configs: Array<[number, number, number, number]> = [
    [2, 1, 1, 500],
    [2, 5, 64, 3000],
    [2, 300, 64, 3000],
    [2, 5000, 64, 1500],
    [4, 1, 64, 1000],
    [4, 40, 12, 3000],
    [4, 5000, 64, 1500],
    [256, 1, 4, 4000],
    [256, 10, 64, 4000],
    [256, 300, 64, 3000],
    [256, 5000, 8, 1500],
  ];
  for (const [size, count, maxLength, hayLength] of configs) {
    for (let round = 0; round < 2; round++) {
      const symbols = alphabet(rng, size, round === 1);
      const hay = randomString(rng, symbols, hayLength);
      const list = randomPatterns(rng, symbols, hay, count, maxLength);
      const expected = naive(unanchored(list), hay);
      for (
        const options of [
          {},
          { prefilter: true },
          { prefilter: false },
          { tableWidth: 32 },
          { denseDepth: 0, prefilter: false },
          { denseDepth: 1, prefilter: true },
          { denseDepth: 3 },
          ...(count * maxLength <= 20000
            ? [{ denseDepth: 0, tableWidth: 16 } as BuildOptions]
            : []),
        ] as BuildOptions[]
      ) {
        const ac = AhoCorasick.build(list, options);
        const label = `alphabet ${size}, ${count} patterns ≤ ${maxLength}, ${
          JSON.stringify(options)
        }`;
        assert.deepEqual(ac.findAll(hay), expected, label);
        assert.ok(ac.stateCount <= list.reduce((n, p) => n + p.length, 1));
      }
    }
  }
});

Deno.test("aho_corasick: fragment invariance (whole, byte at a time, 100 random split sets)", () => {
  const rng = new Rng(2);
  for (const size of [2, 4, 256]) {
    const symbols = alphabet(rng, size, true);
    const hay = randomString(rng, symbols, 600);
    const list = randomPatterns(rng, symbols, hay, size === 256 ? 60 : 25, 16);
    const expected = naive(unanchored(list), hay);
    assert.ok(expected.length > 0);
    for (
      const options of [
        { prefilter: true },
        { prefilter: false },
        { prefilter: true, denseDepth: 1 },
        { prefilter: false, denseDepth: 0 },
      ]
    ) {
      assertFragmentInvariant(
        AhoCorasick.build(list, options),
        hay,
        expected,
        rng,
        100,
        `alphabet ${size}, ${JSON.stringify(options)}`,
      );
    }
  }
});

Deno.test("aho_corasick: anchored patterns across splits", () => {
  const rng = new Rng(3);
  for (let round = 0; round < 30; round++) {
    const symbols = alphabet(rng, round % 3 === 0 ? 2 : 4, false);
    const hay = randomString(rng, symbols, rng.int(1, 200));
    const list = randomPatterns(rng, symbols, hay, rng.int(1, 20), 10);
    // Make some anchored patterns true prefixes of the haystack.
    list.push(hay.slice(0, rng.int(1, Math.min(8, hay.length))));
    const refs: RefPattern[] = list.map((bytes) => ({
      bytes,
      anchored: rng.int(0, 1) === 1,
    }));
    const inputs: PatternInput[] = refs.map(({ bytes, anchored }) =>
      anchored ? { pattern: bytes, anchored: "start" } : bytes
    );
    const expected = naive(refs, hay);
    for (const prefilter of [true, false]) {
      assertFragmentInvariant(
        AhoCorasick.build(inputs, { prefilter, denseDepth: round % 4 }),
        hay,
        expected,
        rng,
        100,
        `anchored round ${round}`,
      );
    }
  }
  // An anchored pattern does not match after offset 0, even when the same
  // bytes recur, and an unanchored duplicate still does.
  const ac = AhoCorasick.build([{ pattern: "ab", anchored: "start" }, "ab"]);
  const hay = new TextEncoder().encode("ababab");
  assert.deepEqual(ac.findAll(hay), [
    { pattern: 0, end: 2 },
    { pattern: 1, end: 2 },
    { pattern: 1, end: 4 },
    { pattern: 1, end: 6 },
  ]);
  assert.deepEqual(ac.findAll(hay.subarray(1)), [
    { pattern: 1, end: 3 },
    { pattern: 1, end: 5 },
  ]);
});

Deno.test("aho_corasick: case-insensitive across splits", () => {
  const rng = new Rng(4);
  const letters = new TextEncoder().encode("aAbBcCzZ@[`{0");
  for (let round = 0; round < 10; round++) {
    const hay = randomString(rng, letters, 400);
    const list = randomPatterns(rng, letters, hay, 30, 8);
    const refs = unanchored(list);
    const expected = naive(refs, hay, true);
    assert.ok(expected.length > 0);
    for (const prefilter of [true, false]) {
      assertFragmentInvariant(
        AhoCorasick.build(list, {
          caseInsensitive: true,
          prefilter,
          denseDepth: prefilter ? Infinity : 1,
        }),
        hay,
        expected,
        rng,
        100,
        `case-insensitive round ${round}`,
      );
    }
    // Without folding the same set matches only exact case.
    assert.deepEqual(AhoCorasick.build(list).findAll(hay), naive(refs, hay));
  }
  // Non-letters next to letters ("@" is 0x40, "[" 0x5b) are not folded.
  const ac = AhoCorasick.build(["@[", "Ab"], { caseInsensitive: true });
  assert.deepEqual(ac.findAll(new TextEncoder().encode("`{ aB @[")), [
    { pattern: 1, end: 5 },
    { pattern: 0, end: 8 },
  ]);
});

Deno.test("aho_corasick: binary patterns with 0x00 and 0xFF", () => {
  const rng = new Rng(5);
  const symbols = Uint8Array.of(0x00, 0xff, 0x01, 0xfe);
  const hay = randomString(rng, symbols, 2000);
  const list = [
    Uint8Array.of(0x00),
    Uint8Array.of(0xff),
    Uint8Array.of(0x00, 0x00, 0x00),
    Uint8Array.of(0xff, 0x00, 0xff),
    Uint8Array.of(0xff, 0xff, 0xff, 0xff),
    ...randomPatterns(rng, symbols, hay, 40, 12),
  ];
  const expected = naive(unanchored(list), hay);
  for (const prefilter of [true, false]) {
    assertFragmentInvariant(
      AhoCorasick.build(list, { prefilter }),
      hay,
      expected,
      rng,
      20,
      "binary",
    );
  }
  // Patterns are copied: changing the caller's array later changes nothing.
  const pattern = Uint8Array.of(0x00, 0xff);
  const ac = AhoCorasick.build([pattern]);
  pattern[0] = 1;
  assert.deepEqual(ac.findAll(Uint8Array.of(0x00, 0xff)), [{
    pattern: 0,
    end: 2,
  }]);
});

Deno.test("aho_corasick: UTF-8 strings and tags", () => {
  const ac = AhoCorasick.build<string>([
    { pattern: "héllo", value: "greeting" },
    { pattern: "→", value: "arrow" },
    "plain",
  ]);
  const hay = new TextEncoder().encode("→ héllo plain");
  const tags = ac.findAll(hay).map((m) => [ac.value(m.pattern), m.end]);
  assert.deepEqual(tags, [["arrow", 3], ["greeting", 10], [undefined, 16]]);
  assert.equal(ac.patternLength(0), 6);
  assert.equal(ac.patternLength(9), undefined);
});

Deno.test("aho_corasick: scan with caller-held state and offsets", () => {
  const ac = AhoCorasick.build(["needle", {
    pattern: "hay",
    anchored: "start",
  }]);
  const enc = new TextEncoder();
  const seen: Array<[number, number]> = [];
  const onMatch = (p: number, end: number) => seen.push([p, end]);
  let state = ac.startState;
  state = ac.scan(enc.encode("hay nee"), state, onMatch, 0);
  state = ac.scan(enc.encode("dle hay"), state, onMatch, 7);
  state = ac.scan(new Uint8Array(0), state, onMatch, 14);
  assert.deepEqual(seen, [[1, 3], [0, 10]]);
  // States are plain numbers: any flow can be resumed from any of them.
  assert.equal(typeof state, "number");
  assert.throws(() => ac.scan(enc.encode("x"), -1, onMatch), RangeError);
  assert.throws(() => ac.scan(enc.encode("x"), 0.5, onMatch), RangeError);
  assert.throws(() => ac.scan(enc.encode("x"), 1e9, onMatch), RangeError);
  assert.throws(
    // @ts-expect-error: a string is not a chunk
    () => ac.scan("x", ac.startState, onMatch),
    TypeError,
  );
  // reset() goes back to offset 0 and the anchored start.
  const flow = ac.stream();
  flow.write(enc.encode("xx"), onMatch);
  flow.reset();
  seen.length = 0;
  flow.write(enc.encode("hay"), onMatch);
  assert.deepEqual(seen, [[1, 3]]);
  assert.equal(flow.offset, 3);
});

Deno.test("aho_corasick: sizes, byte classes and table widths", () => {
  const ac = AhoCorasick.build(["ab", "ac"]);
  assert.equal(ac.stateCount, 4);
  assert.equal(ac.byteClasses, 4); // a, b, c, the rest
  assert.equal(ac.tableWidth, 32);
  assert.equal(
    AhoCorasick.build(["ab", "ac"], { tableWidth: 16 }).tableWidth,
    16,
  );
  assert.ok(ac.memoryBytes > 0);
  const all = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i));
  assert.equal(AhoCorasick.build(all).byteClasses, 256);
  // 300 random 64-byte patterns need more than 65,536 entries.
  const rng = new Rng(6);
  const big = Array.from(
    { length: 300 },
    () => randomString(rng, alphabet(rng, 256, false), 64),
  );
  assert.throws(
    () => AhoCorasick.build(big, { tableWidth: 16, denseDepth: Infinity }),
    (e: Error) => e instanceof RangeError && /16-bit/.test(e.message),
  );
  const hay = randomString(rng, alphabet(rng, 256, false), 5000);
  assert.deepEqual(
    AhoCorasick.build(big, { tableWidth: 32 }).findAll(hay),
    naive(unanchored(big), hay),
  );
});

Deno.test("aho_corasick: builder", () => {
  const ac = new AhoCorasickBuilder<number>({ caseInsensitive: true })
    .add("SSH-", { anchored: "start", value: 22 })
    .add("http/", { value: 80 })
    .build();
  const hay = new TextEncoder().encode("SSH-2.0 HTTP/");
  assert.deepEqual(
    ac.findAll(hay).map((m) => ac.value(m.pattern)),
    [22, 80],
  );
});

Deno.test("aho_corasick: clear errors for bad input", () => {
  assert.throws(
    () => AhoCorasick.build([]),
    { name: "RangeError", message: "AhoCorasick.build: no patterns" },
  );
  assert.throws(
    () => AhoCorasick.build(["ok", ""]),
    (e: Error) =>
      e instanceof RangeError && /pattern 1 is empty/.test(e.message),
  );
  assert.throws(
    () => AhoCorasick.build(["ok", new Uint8Array(0)]),
    (e: Error) =>
      e instanceof RangeError && /pattern 1 is empty/.test(e.message),
  );
  assert.throws(
    // @ts-expect-error: numbers are not patterns
    () => AhoCorasick.build(["ok", 42]),
    (e: Error) =>
      e instanceof TypeError && /pattern 1 is number/.test(e.message),
  );
  assert.throws(
    // @ts-expect-error: null is not a pattern
    () => AhoCorasick.build([null]),
    (e: Error) => e instanceof TypeError && /pattern 0 is null/.test(e.message),
  );
  assert.throws(
    // @ts-expect-error: a spec needs a pattern
    () => AhoCorasick.build([{ value: 1 }]),
    (e: Error) =>
      e instanceof TypeError && /pattern 0 is undefined/.test(e.message),
  );
  assert.throws(
    // @ts-expect-error: only "start" anchoring exists
    () => AhoCorasick.build([{ pattern: "x", anchored: "end" }]),
    (e: Error) => e instanceof TypeError && /anchored: end/.test(e.message),
  );
  assert.throws(
    // @ts-expect-error: not an array
    () => AhoCorasick.build("abc"),
    TypeError,
  );
  assert.throws(
    // @ts-expect-error: bad width
    () => AhoCorasick.build(["x"], { tableWidth: 8 }),
    RangeError,
  );
});

Deno.test("aho_corasick: dense depth bounds the table; sparse states cross chunks", () => {
  const rng = new Rng(7);
  const symbols = alphabet(rng, 256, false);
  const list = Array.from(
    { length: 2000 },
    () => randomString(rng, symbols, rng.int(4, 12)),
  );
  const full = AhoCorasick.build(list, { denseDepth: Infinity });
  const auto = AhoCorasick.build(list);
  const shallow = AhoCorasick.build(list, { denseDepth: 1 });
  assert.equal(full.denseDepth, 12);
  assert.ok(auto.denseDepth < full.denseDepth);
  assert.equal(shallow.denseDepth, 1);
  assert.ok(shallow.memoryBytes < auto.memoryBytes);
  // The default budget: 2^21 table entries (8 MiB) plus the sparse part.
  assert.ok(auto.memoryBytes < 9 * 2 ** 20, `${auto.memoryBytes}`);
  assert.ok(auto.memoryBytes < full.memoryBytes * 0.6);
  assert.equal(full.stateCount, shallow.stateCount);
  // Plant long patterns so the walk through sparse states spans chunk cuts.
  const hay = randomString(rng, symbols, 20000);
  for (let at = 100; at + 12 < hay.length; at += 97) {
    hay.set(list[rng.int(0, list.length - 1)], at);
  }
  const expected = naive(unanchored(list), hay);
  assert.ok(expected.length > 150);
  for (const ac of [full, auto, shallow]) {
    assert.deepEqual(ac.findAll(hay), expected);
    for (let k = 0; k < 10; k++) {
      assert.deepEqual(
        streamAt(ac, hay, randomCuts(rng, hay.length)),
        expected,
      );
    }
  }
  assert.deepEqual(streamAt(shallow, hay, byteCuts(hay.length)), expected);
  assert.throws(() => AhoCorasick.build(list, { denseDepth: -1 }), RangeError);
  assert.throws(() => AhoCorasick.build(list, { denseDepth: 1.5 }), RangeError);
});

Deno.test("aho_corasick: interleaved lanes agree with the serial loop", () => {
  const rng = new Rng(8);
  for (let round = 0; round < 12; round++) {
    const size = [2, 4, 256][round % 3];
    const symbols = alphabet(rng, size, round % 2 === 0);
    const hay = randomString(rng, symbols, rng.int(1024, 12000));
    const list = randomPatterns(
      rng,
      symbols,
      hay,
      rng.int(1, 60),
      1 + round * 5,
    );
    const refs: RefPattern[] = list.map((bytes) => ({
      bytes,
      anchored: rng.int(0, 5) === 0,
    }));
    // Some anchored patterns must match: prefixes of the haystack.
    refs.push({ bytes: hay.slice(0, rng.int(1, 9)), anchored: true });
    const inputs: PatternInput[] = refs.map(({ bytes, anchored }) =>
      anchored ? { pattern: bytes, anchored: "start" } : bytes
    );
    const ac = AhoCorasick.build(inputs, {
      prefilter: false,
      denseDepth: Infinity,
    });
    const expected = naive(refs, hay);
    assert.deepEqual(ac.findAll(hay), expected, `round ${round}`);
    for (let k = 0; k < 8; k++) {
      // Few cuts: long chunks, which take the lane path.
      const cuts = Array.from(
        { length: rng.int(1, 3) },
        () => rng.int(0, hay.length),
      ).sort((a, b) => a - b);
      assert.deepEqual(streamAt(ac, hay, cuts), expected, `round ${round}`);
    }
  }
});

Deno.test("aho_corasick: onMatch may search again with the same automaton", () => {
  const ac = AhoCorasick.build(["ab"], { prefilter: false });
  const hay = new TextEncoder().encode("ab".repeat(4000));
  const inner: number[] = [];
  let outer = 0;
  ac.scan(hay, ac.startState, (_p, end) => {
    outer++;
    if (end === 2) inner.push(ac.findAll(hay).length);
  });
  assert.equal(outer, 4000);
  assert.deepEqual(inner, [4000]);
  // A throwing handler leaves the automaton usable.
  assert.throws(() =>
    ac.scan(hay, ac.startState, () => {
      throw new Error("stop");
    })
  );
  assert.equal(ac.findAll(hay).length, 4000);
});

Deno.test("aho_corasick: big sets use the 4-byte start filter and stay exact", () => {
  const rng = new Rng(9);
  const symbols = alphabet(rng, 256, false);
  // 9,000 patterns of 4-6 bytes: byte pairs are too common to filter on, so
  // the 4-byte hash filter is used (its table alone is 128 KiB).
  const list = Array.from(
    { length: 9000 },
    () => randomString(rng, symbols, rng.int(4, 6)),
  );
  const hay = randomString(rng, symbols, 30000);
  for (let at = 3; at + 6 < hay.length; at += rng.int(1, 60)) {
    hay.set(list[rng.int(0, list.length - 1)], at);
  }
  // The naive reference, with a map instead of a pattern loop for speed.
  const byKey = new Map<string, number[]>();
  const key = (b: Uint8Array) => String.fromCharCode(...b);
  list.forEach((p, i) => byKey.set(key(p), [...(byKey.get(key(p)) ?? []), i]));
  const expected: Match[] = [];
  for (let end = 1; end <= hay.length; end++) {
    for (let length = 6; length >= 4; length--) {
      if (end < length) continue;
      for (const p of byKey.get(key(hay.subarray(end - length, end))) ?? []) {
        expected.push({ pattern: p, end });
      }
    }
  }
  assert.ok(expected.length > 400);
  const ac = AhoCorasick.build(list);
  assert.equal(ac.prefilter, true);
  assert.ok(ac.memoryBytes > 128 * 1024);
  assert.deepEqual(ac.findAll(hay), expected);
  for (let k = 0; k < 20; k++) {
    assert.deepEqual(streamAt(ac, hay, randomCuts(rng, hay.length)), expected);
  }
  assert.deepEqual(streamAt(ac, hay, byteCuts(hay.length)), expected);
  const bare = AhoCorasick.build(list, { prefilter: false });
  assert.equal(bare.prefilter, false);
  assert.deepEqual(bare.findAll(hay), expected);
});
