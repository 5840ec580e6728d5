// Tests for aho_corasick/'s WebAssembly SIMD128 candidate finder: the
// embedded bytes are the assembly of the committed .wat, and searches with
// the finder and with the pure-TypeScript prefilter report identical
// matches (against a naive matcher too) over random sets, random and
// text-like haystacks, case folding, every match kind and random splits.
import assert from "node:assert/strict";
import {
  AhoCorasick,
  type Match,
  type MatchKind,
} from "../aho_corasick/mod.ts";
import { assemble, relaxed } from "../scripts/build_wasm_teddy.ts";
import {
  TEDDY_RELAXED_WASM_BASE64,
  TEDDY_WASM_BASE64,
} from "../aho_corasick/wasm/teddy_wasm.ts";

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
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
}

const fold = (b: number): number => b >= 0x41 && b <= 0x5a ? b | 0x20 : b;

/** Every occurrence, in the documented order. */
function naive(
  patterns: Uint8Array[],
  hay: Uint8Array,
  nocase: boolean,
): Match[] {
  const out: Match[] = [];
  for (let s = 0; s < hay.length; s++) {
    patterns.forEach((p, i) => {
      if (s + p.length > hay.length) return;
      for (let j = 0; j < p.length; j++) {
        const a = hay[s + j];
        if (nocase ? fold(a) !== fold(p[j]) : a !== p[j]) return;
      }
      out.push({ pattern: i, end: s + p.length });
    });
  }
  return out.sort((x, y) =>
    x.end - y.end ||
    patterns[y.pattern].length - patterns[x.pattern].length ||
    x.pattern - y.pattern
  );
}

function streamed(ac: AhoCorasick, hay: Uint8Array, rng: Rng): Match[] {
  const out: Match[] = [];
  const flow = ac.stream();
  const onMatch = (pattern: number, end: number) => out.push({ pattern, end });
  let at = 0;
  while (at < hay.length) {
    const next = Math.min(hay.length, at + rng.int(0, 9000));
    flow.write(hay.subarray(at, next), onMatch);
    at = next;
  }
  flow.finish(onMatch);
  return out;
}

Deno.test("aho_corasick simd: the embedded module is the assembly of teddy.wat", async () => {
  const wat = await Deno.readTextFile(
    new URL("../aho_corasick/wasm/teddy.wat", import.meta.url),
  );
  const encode = (bytes: Uint8Array): string => {
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  };
  const plain = assemble(wat);
  const relaxedBytes = assemble(relaxed(wat));
  assert.ok(WebAssembly.validate(plain));
  assert.ok(WebAssembly.validate(relaxedBytes));
  assert.equal(TEDDY_WASM_BASE64, encode(plain));
  assert.equal(TEDDY_RELAXED_WASM_BASE64, encode(relaxedBytes));
});

Deno.test("aho_corasick simd: the SIMD finder and the TypeScript prefilter give identical results", () => {
  const seed = 0x73696d64;
  const rng = new Rng(seed);
  const enc = new TextEncoder();
  const words =
    "alpha beta Gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon"
      .split(" ");
  let compared = 0;
  for (let round = 0; round < 40; round++) {
    const text = round % 2 === 0;
    const length = rng.int(0, 1) === 0 ? rng.int(0, 100) : rng.int(5000, 70000);
    const hay = new Uint8Array(length);
    if (text) {
      let s = "";
      while (s.length < length) s += words[rng.int(0, words.length - 1)] + " ";
      hay.set(enc.encode(s.slice(0, length)));
    } else {
      for (let i = 0; i < length; i++) {
        hay[i] = rng.int(0, 3) === 0 ? rng.int(0, 255) : 0x61 + rng.int(0, 3);
      }
    }
    const patterns: Uint8Array[] = [];
    // Rounds 4, 9, ...: 33-128 patterns, the 16-bucket finder (find16).
    const wide = round % 5 === 4;
    for (let k = wide ? rng.int(33, 128) : rng.int(1, 32); k > 0; k--) {
      if (length > 10 && rng.int(0, 2) > 0) {
        const at = rng.int(0, length - 10);
        patterns.push(hay.slice(at, at + rng.int(1, 8)));
      } else {
        patterns.push(
          enc.encode(
            words[rng.int(0, words.length - 1)].slice(0, rng.int(1, 6)),
          ),
        );
      }
    }
    if (round % 4 === 3 || wide) {
      // Every pattern 4 bytes or longer: the 4-byte fingerprint (find4).
      for (let k = 0; k < patterns.length; k++) {
        if (patterns[k].length < 4) patterns[k] = enc.encode("alpha");
      }
    }
    const nocase = round % 3 === 0;
    const expected = naive(patterns, hay, nocase);
    for (
      const kind of [
        "overlapping",
        "leftmost-first",
        "leftmost-longest",
      ] as MatchKind[]
    ) {
      const simd = AhoCorasick.build(patterns, {
        caseInsensitive: nocase,
        matchKind: kind,
      });
      const pure = AhoCorasick.build(patterns, {
        caseInsensitive: nocase,
        matchKind: kind,
        simd: false,
      });
      assert.equal(
        simd.simd,
        true,
        "WebAssembly SIMD128 must be available to Deno",
      );
      assert.equal(pure.simd, false);
      const label = `seed ${seed} round ${round} ${kind}`;
      const fromSimd = simd.findAll(hay);
      assert.deepEqual(fromSimd, pure.findAll(hay), label);
      assert.deepEqual(streamed(simd, hay, rng), fromSimd, `${label}: stream`);
      assert.deepEqual(
        streamed(pure, hay, rng),
        fromSimd,
        `${label}: pure stream`,
      );
      if (kind === "overlapping") assert.deepEqual(fromSimd, expected, label);
      compared += fromSimd.length;
    }
  }
  assert.ok(compared > 10000, `only ${compared} matches`);
});

Deno.test("aho_corasick simd: a search started from onMatch meanwhile stays exact", () => {
  const enc = new TextEncoder();
  const ac = AhoCorasick.build(["needle", "pin"]);
  assert.ok(ac.simd);
  const outer = enc.encode(
    "hay ".repeat(5000) + "needle " + "hay ".repeat(5000) + "pin",
  );
  const inner = enc.encode("pin ".repeat(3000));
  const seen: number[] = [];
  let innerCount = 0;
  ac.scan(outer, ac.startState, (p, end) => {
    seen.push(p, end);
    innerCount += ac.findAll(inner).length;
  });
  assert.deepEqual(seen, [0, 20006, 1, 40010]);
  assert.equal(innerCount, 6000);
});
