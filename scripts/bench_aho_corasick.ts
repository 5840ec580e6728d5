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
// 3. The workload: a 64 MiB pseudo-random haystack and 10, 100 and
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
import process from "node:process";

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
/** smack-1 MB/s of each of `runs` runs of `masscan --benchmark`. */
async function masscanSmackMBps(runs: number): Promise<number[]> {
  if (args.has("--no-masscan")) return [];
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    try {
      const result = await new Deno.Command("masscan", {
        args: ["--benchmark"],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(result.stdout);
      const section = text.slice(text.indexOf("smack-1"));
      const m = /bits\/second\s*=\s*([\d.]+)-million/.exec(section);
      if (m) out.push(Number(m[1]) / 8);
    } catch {
      return out;
    }
  }
  return out;
}

// --- zon measurements ------------------------------------------------------------
let matchCount = 0;
const onMatch = (_pattern: number, _end: number): void => {
  matchCount++;
};

/** Wall-clock and process-CPU MB/s of a timed region, best of several. */
interface Speed {
  /** Bytes per second / 1e6, from the fastest pass by wall clock. */
  mbps: number;
  /** The same pass by process CPU time (less sensitive to a busy machine). */
  cpuMbps: number;
}

function timeBest(bytes: number, passes: number, run: () => void): Speed {
  let bestWall = Infinity;
  let bestCpu = Infinity;
  for (let pass = 0; pass < passes; pass++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000;
    if (wall < bestWall) bestWall = wall;
    if (cpu < bestCpu) bestCpu = cpu;
  }
  return {
    mbps: bytes / 1e6 / (bestWall / 1e3),
    cpuMbps: bytes / 1e6 / (bestCpu / 1e3),
  };
}

/** Streams `hay` in CHUNK-sized writes; best of PASSES after a warm-up. */
function streamSpeed(ac: AhoCorasick, hay: Uint8Array): Speed & {
  matches: number;
} {
  const warm = ac.stream();
  for (let at = 0; at < Math.min(hay.length, 8 * MIB); at += CHUNK) {
    warm.write(hay.subarray(at, at + CHUNK), onMatch);
  }
  let matches = 0;
  const speed = timeBest(hay.length, PASSES, () => {
    const flow = ac.stream();
    matchCount = 0;
    for (let at = 0; at < hay.length; at += CHUNK) {
      flow.write(hay.subarray(at, at + CHUNK), onMatch);
    }
    matches = matchCount;
  });
  return { ...speed, matches };
}

/** masscan's pattern: one scan call over the whole buffer, 30 passes. */
function smackSpeed(ac: AhoCorasick, buf: Uint8Array): Speed {
  for (let i = 0; i < 10; i++) ac.scan(buf, ac.startState, onMatch);
  return timeBest(buf.length * 30, 3, () => {
    for (let i = 0; i < 30; i++) ac.scan(buf, ac.startState, onMatch);
  });
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

function peerSpeed(peer: Peer, patterns: string[], text: string): Speed & {
  matches: number;
  buildMs: number;
} {
  const b0 = performance.now();
  const m = peer.build(patterns);
  const buildMs = performance.now() - b0;
  peer.count(m, text.slice(0, 256 * 1024)); // warm-up
  let matches = 0;
  const speed = timeBest(text.length, 2, () => {
    matches = peer.count(m, text);
  });
  return { ...speed, matches, buildMs };
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
interface Row {
  workload: string;
  matcher: string;
  speed: Speed;
  memory: string;
  matches: string;
  /** For zon rows: the npm rows of the same workload to compare with. */
  peers?: Row[];
}

// masscan runs before and after ours, so both see the same machine load.
const smackRuns = await masscanSmackMBps(3);
const peers = await loadPeers();
const rows: Row[] = [];

{
  const { buf, patterns } = smackWorkload();
  for (const prefilter of ["auto", false] as const) {
    const ac = AhoCorasick.build(patterns, {
      caseInsensitive: true,
      prefilter,
    });
    rows.push({
      workload: "smack-1 workload: 20 nocase, 1 MiB × 30",
      matcher: `zon ${ac.prefilter ? "(prefilter)" : "(bare DFA)"}`,
      speed: smackSpeed(ac, buf),
      memory: fmt(ac.memoryBytes),
      matches: "0",
    });
  }
}

for (const count of [10, 100, 10_000]) {
  const patterns = randomPatterns(count, 0x1000 + count);
  const hay = haystack(HAY_BYTES, patterns, 0x2000 + count);
  const workload = `${fmt(count)} patterns, ${HAY_BYTES / MIB} MiB random`;
  const zonRows: Row[] = [];
  for (const prefilter of ["auto", false] as const) {
    const b0 = performance.now();
    const ac = AhoCorasick.build(patterns, { prefilter });
    const buildMs = performance.now() - b0;
    const r = streamSpeed(ac, hay);
    const row: Row = {
      workload,
      matcher: `zon ${ac.prefilter ? "(prefilter)" : "(bare DFA)"}: ${
        fmt(ac.stateCount)
      } states, ${ac.byteClasses} classes, dense depth ${ac.denseDepth}, build ${
        fmt(buildMs, 1)
      } ms`,
      speed: r,
      memory: fmt(ac.memoryBytes),
      matches: fmt(r.matches),
    };
    rows.push(row);
    zonRows.push(row);
  }
  if (peers.length > 0) {
    const text = latin1(hay.subarray(0, NPM_BYTES));
    const strings = patterns.map(latin1);
    const peerRows: Row[] = [];
    for (const peer of peers) {
      const r = peerSpeed(peer, strings, text);
      const row: Row = {
        workload: `${workload} (first ${NPM_BYTES / MIB} MiB)`,
        matcher: `${peer.name}, build ${fmt(r.buildMs, 1)} ms`,
        speed: r,
        memory: "",
        matches: fmt(r.matches),
      };
      rows.push(row);
      peerRows.push(row);
    }
    for (const z of zonRows) z.peers = peerRows;
  }
}

smackRuns.push(...await masscanSmackMBps(2));
const smack = smackRuns.length > 0 ? Math.max(...smackRuns) : null;

console.log(
  `zon aho_corasick benchmark (${
    QUICK ? "quick" : "full"
  }), deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ${navigator.hardwareConcurrency} CPUs`,
);
console.log(
  `masscan --benchmark smack-1, ${smackRuns.length} runs (MB/s = bits/s / 8): ${
    smackRuns.map((v) => fmt(v)).join(", ")
  }; best: ${smack === null ? "n/a" : fmt(smack)} MB/s`,
);
console.log("");
const header = [
  "workload",
  "matcher",
  "MB/s",
  "CPU MB/s",
  "× smack-1",
  "× best npm",
  "memory B",
  "matches",
];
const table = rows.map((r) => {
  const bestPeer = r.peers && r.peers.length > 0
    ? Math.max(...r.peers.map((p) => p.speed.mbps))
    : null;
  return [
    r.workload,
    r.matcher,
    fmt(r.speed.mbps, r.speed.mbps < 100 ? 1 : 0),
    fmt(r.speed.cpuMbps, r.speed.cpuMbps < 100 ? 1 : 0),
    smack === null ? "" : fmt(r.speed.mbps / smack, 2),
    bestPeer === null ? "" : fmt(r.speed.mbps / bestPeer, 0),
    r.memory,
    r.matches,
  ];
});
const widths = header.map((h, i) =>
  Math.max(h.length, ...table.map((r) => r[i].length))
);
const line = (cells: string[]) =>
  cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
    .join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of table) console.log(line(r));
