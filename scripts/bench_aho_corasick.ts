// Side-by-side benchmark for aho_corasick/, in one run:
//
//   node_modules/.bin/deno run -A scripts/bench_aho_corasick.ts [--quick] [--no-npm] [--no-masscan]
//
// 1. masscan's own figure: `masscan --benchmark` prints smack-1 (its
//    Aho-Corasick DFA) in bits/second; divided by 8 that is bytes/second.
// 2. zon on masscan's workload, rebuilt from how smack1.c's benchmark is
//    described: a 1 MiB buffer of 7-bit junk searched 30 times, 20
//    case-insensitive patterns of 4-9 bytes with the high bit set (so nothing
//    ever matches and the DFA sits near its root), one search call per pass.
// 3. The issue's workload: a 64 MiB pseudo-random haystack and 10, 100 and
//    10,000 random patterns of 4-9 bytes, with one planted occurrence every
//    4 KiB so the match path runs too; fed through `stream().write` in
//    64 KiB chunks. Best of several passes after a warm-up.
// 4. The two most-downloaded Aho-Corasick packages on the npm registry
//    (modern-ahocorasick, ahocorasick), installed into a scratch folder for
//    this script only. They search JavaScript strings, so they get the
//    haystack as a latin1 string (decoded outside the timed region) and a
//    smaller slice of it, since they are much slower.
//
// Every zon figure is given twice: with the pair prefilter (the default,
// "auto") and without it (the bare DFA loop, the like-for-like comparison
// with smack's loop). Numbers on a shared 2-core machine are indicative.
import { AhoCorasick } from "../aho_corasick/mod.ts";
import { createRequire } from "node:module";

const args = new Set(Deno.args);
const QUICK = args.has("--quick");
const MIB = 1 << 20;
const HAY_BYTES = (QUICK ? 16 : 64) * MIB;
const NPM_BYTES = (QUICK ? 1 : 4) * MIB;
const PASSES = QUICK ? 2 : 4;
const CHUNK = 64 * 1024;

class Rng {
  #x: number;
  constructor(seed: number) {
    this.#x = seed;
  }
  next(): number {
    let x = this.#x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#x = x;
    return x >>> 0;
  }
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

// --- 1. masscan --------------------------------------------------------------
async function masscanSmackMBps(): Promise<number | null> {
  if (args.has("--no-masscan")) return null;
  try {
    const out = await new Deno.Command("masscan", {
      args: ["--benchmark"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const section = text.slice(text.indexOf("smack-1"));
    const m = /bits\/second\s*=\s*([\d.]+)-million/.exec(section);
    return m ? Number(m[1]) / 8 : null;
  } catch {
    return null;
  }
}

// --- zon measurements ------------------------------------------------------------
let matchCount = 0;
const onMatch = (_pattern: number, _end: number): void => {
  matchCount++;
};

/** MB/s of the best pass streaming `hay` in CHUNK-sized writes. */
function streamMBps(ac: AhoCorasick, hay: Uint8Array): {
  mbps: number;
  matches: number;
} {
  let best = Infinity;
  let matches = 0;
  // Warm-up: let the JIT see the loop in its steady state.
  const warm = ac.stream();
  for (let at = 0; at < Math.min(hay.length, 8 * MIB); at += CHUNK) {
    warm.write(hay.subarray(at, at + CHUNK), onMatch);
  }
  for (let pass = 0; pass < PASSES; pass++) {
    const flow = ac.stream();
    matchCount = 0;
    const t0 = performance.now();
    for (let at = 0; at < hay.length; at += CHUNK) {
      flow.write(hay.subarray(at, at + CHUNK), onMatch);
    }
    const dt = performance.now() - t0;
    matches = matchCount;
    if (dt < best) best = dt;
  }
  return { mbps: hay.length / 1e6 / (best / 1e3), matches };
}

/** masscan's pattern: one scan call over the whole buffer per pass. */
function smackWorkloadMBps(ac: AhoCorasick, buf: Uint8Array): number {
  const PASSES_SMACK = 30;
  for (let i = 0; i < 10; i++) ac.scan(buf, ac.startState, onMatch);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < PASSES_SMACK; i++) ac.scan(buf, ac.startState, onMatch);
    const dt = performance.now() - t0;
    if (dt < best) best = dt;
  }
  return (buf.length * PASSES_SMACK) / 1e6 / (best / 1e3);
}

// --- npm packages ------------------------------------------------------------
interface Peer {
  name: string;
  build(patterns: string[]): unknown;
  count(matcher: unknown, text: string): number;
}

async function loadPeers(): Promise<Peer[]> {
  if (args.has("--no-npm")) return [];
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/zon-bench-npm`;
  const want = ["modern-ahocorasick@3.3.0", "ahocorasick@1.0.2"];
  try {
    await Deno.stat(`${dir}/node_modules/modern-ahocorasick/package.json`);
    await Deno.stat(`${dir}/node_modules/ahocorasick/package.json`);
  } catch {
    await Deno.mkdir(dir, { recursive: true });
    const out = await new Deno.Command("npm", {
      args: [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        "--prefix",
        dir,
        ...want,
      ],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!out.success) {
      console.error("npm install failed; skipping the npm packages");
      return [];
    }
  }
  const modern = await import(
    `file://${dir}/node_modules/modern-ahocorasick/dist/index.js`
  );
  const require = createRequire(`file://${dir}/`);
  const classic = require(`${dir}/node_modules/ahocorasick`);
  type ModernMatcher = { count(text: string): number };
  type ClassicMatcher = { search(text: string): Array<[number, string[]]> };
  return [
    {
      name: "modern-ahocorasick 3.3.0 (count)",
      build: (patterns) => new modern.default(patterns),
      count: (m, text) => (m as ModernMatcher).count(text),
    },
    {
      name: "ahocorasick 1.0.2 (search)",
      build: (patterns) => new classic(patterns),
      count: (m, text) => {
        let n = 0;
        for (const [, words] of (m as ClassicMatcher).search(text)) {
          n += words.length;
        }
        return n;
      },
    },
  ];
}

function peerMBps(peer: Peer, patterns: string[], text: string): {
  mbps: number;
  matches: number;
  buildMs: number;
} {
  const b0 = performance.now();
  const m = peer.build(patterns);
  const buildMs = performance.now() - b0;
  peer.count(m, text.slice(0, 256 * 1024)); // warm-up
  let best = Infinity;
  let matches = 0;
  for (let pass = 0; pass < 2; pass++) {
    const t0 = performance.now();
    matches = peer.count(m, text);
    const dt = performance.now() - t0;
    if (dt < best) best = dt;
  }
  return { mbps: text.length / 1e6 / (best / 1e3), matches, buildMs };
}

// --- workloads -------------------------------------------------------------------
function smackWorkload(): { buf: Uint8Array; patterns: Uint8Array[] } {
  const rng = new Rng(0x5eed);
  const buf = new Uint8Array(MIB);
  for (let i = 0; i < buf.length; i++) buf[i] = rng.next() & 0x7f;
  const patterns: Uint8Array[] = [];
  for (let i = 0; i < 20; i++) {
    const length = (rng.next() % 3) + (rng.next() % 4) + 4;
    const p = new Uint8Array(length);
    for (let j = 0; j < length; j++) p[j] = (rng.next() & 0x7f) | 0x80;
    patterns.push(p);
  }
  return { buf, patterns };
}

function randomPatterns(count: number, seed: number): Uint8Array[] {
  const rng = new Rng(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const p = new Uint8Array(4 + (rng.next() % 6));
    for (let j = 0; j < p.length; j++) p[j] = rng.next() & 0xff;
    out.push(p);
  }
  return out;
}

function haystack(bytes: number, patterns: Uint8Array[], seed: number) {
  const rng = new Rng(seed);
  const hay = new Uint8Array(bytes);
  const words = new Uint32Array(hay.buffer);
  for (let i = 0; i < words.length; i++) words[i] = rng.next();
  // One planted occurrence every 4 KiB.
  for (let at = 1000; at + 16 < bytes; at += 4096) {
    hay.set(patterns[rng.next() % patterns.length], at);
  }
  return hay;
}

const latin1 = (bytes: Uint8Array): string =>
  new TextDecoder("latin1").decode(bytes);

// --- run -------------------------------------------------------------------------
const smackMBps = await masscanSmackMBps();
const peers = await loadPeers();
const rows: string[][] = [];
const add = (...cells: string[]) => rows.push(cells);

console.log(
  `zon aho_corasick benchmark (${
    QUICK ? "quick" : "full"
  }), deno ${Deno.version.deno}, V8 ${Deno.version.v8}`,
);
console.log(
  `masscan --benchmark smack-1: ${
    smackMBps === null
      ? "n/a"
      : `${fmt(smackMBps)} MB/s (${fmt(smackMBps * 8)} Mbit/s)`
  }`,
);
console.log("");

{
  const { buf, patterns } = smackWorkload();
  for (const prefilter of ["auto", false] as const) {
    const ac = AhoCorasick.build(patterns, {
      caseInsensitive: true,
      prefilter,
    });
    const mbps = smackWorkloadMBps(ac, buf);
    add(
      `smack-1 workload (20 nocase, 1 MiB × 30)`,
      prefilter === "auto" ? "zon (prefilter)" : "zon (bare DFA)",
      fmt(mbps),
      smackMBps ? `${fmt(mbps / smackMBps, 2)}×` : "",
      fmt(ac.memoryBytes),
      "0",
    );
  }
}

for (const count of [10, 100, 10_000]) {
  const patterns = randomPatterns(count, 0x1000 + count);
  const hay = haystack(HAY_BYTES, patterns, 0x2000 + count);
  const label = `${fmt(count)} patterns, ${HAY_BYTES / MIB} MiB random`;
  let best = 0;
  for (const prefilter of ["auto", false] as const) {
    const b0 = performance.now();
    const ac = AhoCorasick.build(patterns, { prefilter });
    const buildMs = performance.now() - b0;
    const { mbps, matches } = streamMBps(ac, hay);
    if (mbps > best) best = mbps;
    add(
      label,
      `zon (${ac.prefilter ? "prefilter" : "bare DFA"}; ${
        fmt(ac.stateCount)
      } states × ${ac.byteClasses} classes, ${ac.tableWidth}-bit, build ${
        fmt(buildMs, 1)
      } ms)`,
      fmt(mbps),
      smackMBps ? `${fmt(mbps / smackMBps, 2)}×` : "",
      fmt(ac.memoryBytes),
      fmt(matches),
    );
  }
  if (peers.length > 0) {
    const text = latin1(hay.subarray(0, NPM_BYTES));
    const strings = patterns.map(latin1);
    for (const peer of peers) {
      const r = peerMBps(peer, strings, text);
      add(
        `${label} (first ${NPM_BYTES / MIB} MiB)`,
        `${peer.name}, build ${fmt(r.buildMs, 1)} ms`,
        fmt(r.mbps, 1),
        smackMBps ? `${fmt(r.mbps / smackMBps, 3)}×` : "",
        "",
        fmt(r.matches),
      );
      add(
        "",
        `  zon best / ${peer.name.split(" ")[0]}`,
        `${fmt(best / r.mbps, 1)}×`,
        "",
        "",
        "",
      );
    }
  }
}

const header = [
  "workload",
  "matcher",
  "MB/s",
  "vs smack-1",
  "memory B",
  "matches",
];
const widths = header.map((h, i) =>
  Math.max(h.length, ...rows.map((r) => r[i].length))
);
const line = (cells: string[]) =>
  cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
    .join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
