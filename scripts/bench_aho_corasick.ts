// Side-by-side benchmark for aho_corasick/, in one run:
//
//   node_modules/.bin/deno run -A scripts/bench_aho_corasick.ts \
//     [--quick] [--rounds N] [--only SUBSTRING] [--no-npm] [--no-masscan] [--no-rust] [--no-hs]
//
// Peers, each timed on exactly the scan call, best of N rounds, the rounds
// alternating between matchers (zon, Rust, Hyperscan, zon, ...):
//
// - BurntSushi's Rust `aho-corasick` (Debian's librust-aho-corasick-dev,
//   built offline by this script into a scratch folder with Debian's cargo):
//   `find_overlapping_iter` over the whole haystack, DFA and NFA builds,
//   the better of the two counts.
// - Intel's Hyperscan (Debian's libhyperscan-dev, a C driver compiled with
//   gcc here): literal API, block mode (one call) and stream mode (64 KiB
//   `hs_scan_stream` calls).
// - masscan's own smack-1 figure (`masscan --benchmark`), next to zon on a
//   rebuilt smack-1 workload.
// - The two most-downloaded npm Aho-Corasick packages (on the first 4 MiB,
//   as a latin1 string; they are far slower).
//
// zon is measured as a stream (64 KiB `write` calls, the way a flow sees
// bytes) and as one whole-buffer `scan` call. All matchers report every
// overlapping occurrence; the match counts are printed and must agree.
//
// Workloads (32 MiB haystacks, built deterministically):
// - random bytes, 100 random binary patterns of 4-9 bytes, one planted
//   occurrence every 4 KiB; "rare": the same without the planted ones;
// - text: the files of /usr/share/common-licenses (Debian's base-files)
//   concatenated and repeated; patterns: lower-case words of 3+ letters from
//   /usr/share/dict/words (wamerican), a seeded sample of those that occur in
//   the text (10, 100, 1,000, 10,000; topped up with others where the text
//   has too few); "rare": a sample of words that occur nowhere in it;
// - case-insensitive: the 100-word text set with ASCII case folding.
import { AhoCorasick } from "../aho_corasick/mod.ts";
import {
  BenchDriver,
  buildHyperscanDriver,
  buildRustDriver,
  hex,
} from "../tests/helpers/aho_corasick_peers.ts";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    only: { type: "string" },
    "no-npm": { type: "boolean", default: false },
    "no-masscan": { type: "boolean", default: false },
    "no-rust": { type: "boolean", default: false },
    "no-hs": { type: "boolean", default: false },
  },
});
const QUICK = flags.quick;
const MIB = 1 << 20;
const HAY_BYTES = (QUICK ? 8 : 32) * MIB;
const NPM_BYTES = (QUICK ? 1 : 4) * MIB;
const ROUNDS = Number(flags.rounds ?? (QUICK ? 2 : 5));
const CHUNK = 64 * 1024;
const SCRATCH = `${Deno.env.get("TMPDIR") ?? "/tmp"}/zon-bench-aho-corasick`;

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

const loadavg = (): string => Deno.readTextFileSync("/proc/loadavg").trim();

// --- masscan -----------------------------------------------------------------
/** smack-1 MB/s of each of `runs` runs of `masscan --benchmark`. */
async function masscanSmackMBps(runs: number): Promise<number[]> {
  if (flags["no-masscan"]) return [];
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
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return out;
      throw error;
    }
  }
  return out;
}

// --- npm packages --------------------------------------------------------------
interface NpmPeer {
  name: string;
  build(patterns: string[]): unknown;
  count(matcher: unknown, text: string): number;
}

async function loadNpmPeers(): Promise<NpmPeer[]> {
  if (flags["no-npm"]) return [];
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
      name: "modern-ahocorasick 3.3.0",
      build: (patterns) => new modern.default(patterns),
      count: (m, text) => (m as ModernMatcher).count(text),
    },
    {
      name: "ahocorasick 1.0.2",
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

/** Best MB/s of the npm packages on the first NPM_BYTES. */
function npmBest(
  peers: NpmPeer[],
  patterns: Uint8Array[],
  hay: Uint8Array,
): number | null {
  if (peers.length === 0) return null;
  const latin1 = new TextDecoder("latin1");
  const text = latin1.decode(hay.subarray(0, NPM_BYTES));
  const strings = patterns.map((p) => latin1.decode(p));
  let best = 0;
  for (const peer of peers) {
    const m = peer.build(strings);
    peer.count(m, text.slice(0, 64 * 1024));
    for (let r = 0; r < 2; r++) {
      const t0 = performance.now();
      peer.count(m, text);
      const mbps = text.length / 1e3 / (performance.now() - t0);
      if (mbps > best) best = mbps;
    }
  }
  return best;
}

// --- workloads -------------------------------------------------------------------
interface Workload {
  name: string;
  patterns: Uint8Array[];
  hay: Uint8Array;
  hayFile: string;
  caseInsensitive: boolean;
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

function randomHay(
  patterns: Uint8Array[],
  seed: number,
  plant: boolean,
): Uint8Array {
  const rng = new Rng(seed);
  const hay = new Uint8Array(HAY_BYTES);
  const words = new Uint32Array(hay.buffer);
  for (let i = 0; i < words.length; i++) words[i] = rng.next();
  if (plant) {
    for (let at = 1000; at + 16 < hay.length; at += 4096) {
      hay.set(patterns[rng.next() % patterns.length], at);
    }
  }
  return hay;
}

/** The common-licenses texts, in name order, repeated to HAY_BYTES. */
function textHay(): Uint8Array {
  const dir = "/usr/share/common-licenses";
  const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile)
    .map((e) => e.name).sort();
  const parts = names.map((n) => Deno.readFileSync(`${dir}/${n}`));
  const corpus = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    corpus.set(p, at);
    at += p.length;
  }
  const hay = new Uint8Array(HAY_BYTES);
  for (let o = 0; o < hay.length; o += corpus.length) {
    hay.set(corpus.subarray(0, Math.min(corpus.length, hay.length - o)), o);
  }
  return hay;
}

function shuffled<T>(items: T[], seed: number): T[] {
  const rng = new Rng(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.next() % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Dictionary words split by whether they occur in `text` (found with zon itself). */
function splitWords(text: Uint8Array): { seen: string[]; unseen: string[] } {
  const words = Deno.readTextFileSync("/usr/share/dict/words").split("\n")
    .filter((w) => /^[a-z]{3,}$/.test(w));
  const ac = AhoCorasick.build(words);
  const hit = new Uint8Array(words.length);
  // The corpus repeats, so its first copy is enough.
  ac.scan(text.subarray(0, 2 * MIB), ac.startState, (p) => {
    hit[p] = 1;
  });
  return {
    seen: words.filter((_, i) => hit[i] === 1),
    unseen: words.filter((_, i) => hit[i] === 0),
  };
}

async function workloads(): Promise<Workload[]> {
  await Deno.mkdir(SCRATCH, { recursive: true });
  const out: Workload[] = [];
  const random = randomPatterns(100, 0x1100);
  const randHay = randomHay(random, 0x2100, true);
  const randRare = randomHay(random, 0x2100, false);
  const text = textHay();
  await Deno.writeFile(`${SCRATCH}/random.bin`, randHay);
  await Deno.writeFile(`${SCRATCH}/random-rare.bin`, randRare);
  await Deno.writeFile(`${SCRATCH}/text.bin`, text);
  const files = {
    random: `${SCRATCH}/random.bin`,
    rare: `${SCRATCH}/random-rare.bin`,
    text: `${SCRATCH}/text.bin`,
  };
  const enc = new TextEncoder();
  out.push({
    name: "random bytes, 100 binary patterns",
    patterns: random,
    hay: randHay,
    hayFile: files.random,
    caseInsensitive: false,
  });
  out.push({
    name: "rare: random bytes, 100 binary patterns",
    patterns: random,
    hay: randRare,
    hayFile: files.rare,
    caseInsensitive: false,
  });
  const { seen, unseen } = splitWords(text);
  const seenOrder = shuffled(seen, 0x3000);
  const unseenOrder = shuffled(unseen, 0x4000);
  for (const count of [10, 100, 1000, 10_000]) {
    const picked = seenOrder.slice(0, count);
    const topUp = unseenOrder.slice(
      unseenOrder.length - (count - picked.length),
    );
    out.push({
      name: `text, ${fmt(count)} words`,
      patterns: [...picked, ...(picked.length < count ? topUp : [])].map((w) =>
        enc.encode(w)
      ),
      hay: text,
      hayFile: files.text,
      caseInsensitive: false,
    });
    out.push({
      name: `rare: text, ${fmt(count)} words`,
      patterns: unseenOrder.slice(0, count).map((w) => enc.encode(w)),
      hay: text,
      hayFile: files.text,
      caseInsensitive: false,
    });
  }
  out.push({
    name: "text, 100 words, case-insensitive",
    patterns: seenOrder.slice(0, 100).map((w) => enc.encode(w)),
    hay: text,
    hayFile: files.text,
    caseInsensitive: true,
  });
  return out;
}

// --- measuring ---------------------------------------------------------------------
let matchCount = 0;
const onMatch = (_pattern: number, _end: number): void => {
  matchCount++;
};

function zonStream(ac: AhoCorasick, hay: Uint8Array): number {
  matchCount = 0;
  const flow = ac.stream();
  for (let at = 0; at < hay.length; at += CHUNK) {
    flow.write(hay.subarray(at, at + CHUNK), onMatch);
  }
  return matchCount;
}

function zonWhole(ac: AhoCorasick, hay: Uint8Array): number {
  matchCount = 0;
  ac.scan(hay, ac.startState, onMatch);
  return matchCount;
}

interface Column {
  label: string;
  /** One timed run: nanoseconds and matches. */
  run(): Promise<{ ns: number; matches: number }>;
  best: number;
  matches: number;
}

function zonColumn(
  label: string,
  ac: AhoCorasick,
  hay: Uint8Array,
  search: (ac: AhoCorasick, hay: Uint8Array) => number,
): Column {
  search(ac, hay.subarray(0, 4 * MIB)); // warm-up
  return {
    label,
    run: () => {
      const t0 = performance.now();
      const matches = search(ac, hay);
      return Promise.resolve({ ns: (performance.now() - t0) * 1e6, matches });
    },
    best: Infinity,
    matches: -1,
  };
}

function driverColumn(label: string, driver: BenchDriver): Column {
  return { label, run: () => driver.scan(), best: Infinity, matches: -1 };
}

interface Row {
  workload: Workload;
  columns: Map<string, Column>;
  zonMemory: number;
  rustMemory: Map<string, number>;
  hsMemory: number;
  hsStreamState: number;
  npm: number | null;
  zonBuildMs: number;
}

async function measure(
  w: Workload,
  rust: string | null,
  hs: string | null,
  npmPeers: NpmPeer[],
): Promise<Row> {
  const patternsFile = `${SCRATCH}/patterns.hex`;
  await Deno.writeTextFile(
    patternsFile,
    w.patterns.map((p) => hex(p) + "\n").join(""),
  );
  const b0 = performance.now();
  const ac = AhoCorasick.build(w.patterns, {
    caseInsensitive: w.caseInsensitive,
  });
  const zonBuildMs = performance.now() - b0;
  const drivers: Array<[string, BenchDriver]> = [];
  const nocase = w.caseInsensitive ? "1" : "0";
  if (rust !== null) {
    for (const kind of ["dfa", "nfa"]) {
      drivers.push([
        `rust ${kind}`,
        new BenchDriver(rust, ["bench", patternsFile, w.hayFile, kind, nocase]),
      ]);
    }
  }
  if (hs !== null) {
    for (const mode of ["block", "stream"]) {
      drivers.push([
        `hs ${mode}`,
        new BenchDriver(hs, [
          patternsFile,
          w.hayFile,
          mode,
          nocase,
          `${CHUNK}`,
        ]),
      ]);
    }
  }
  for (const [, d] of drivers) await d.ready();
  const columns = new Map<string, Column>();
  columns.set("zon stream", zonColumn("zon stream", ac, w.hay, zonStream));
  columns.set("zon whole", zonColumn("zon whole", ac, w.hay, zonWhole));
  for (const [label, d] of drivers) columns.set(label, driverColumn(label, d));
  for (let round = 0; round < ROUNDS; round++) {
    for (const column of columns.values()) {
      const { ns, matches } = await column.run();
      if (ns < column.best) column.best = ns;
      column.matches = matches;
    }
  }
  const rustMemory = new Map<string, number>();
  let hsMemory = 0;
  let hsStreamState = 0;
  for (const [label, d] of drivers) {
    if (label.startsWith("rust")) rustMemory.set(label, d.memory);
    if (label === "hs stream") {
      hsMemory = d.memory;
      hsStreamState = d.streamState;
    }
    await d.close();
  }
  return {
    workload: w,
    columns,
    zonMemory: ac.memoryBytes,
    rustMemory,
    hsMemory,
    hsStreamState,
    npm: w.caseInsensitive ? null : npmBest(npmPeers, w.patterns, w.hay),
    zonBuildMs,
  };
}

function mbps(row: Row, label: string): number | null {
  const c = row.columns.get(label);
  return c === undefined
    ? null
    : row.workload.hay.length / 1e3 / (c.best / 1e6);
}

// --- smack-1 workload ------------------------------------------------------------
/** zon on the smack-1 workload rebuilt from smack1.c's benchmark. */
function smackWorkloadMBps(): number {
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
  const ac = AhoCorasick.build(patterns, { caseInsensitive: true });
  for (let i = 0; i < 10; i++) ac.scan(buf, ac.startState, onMatch);
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 30; i++) ac.scan(buf, ac.startState, onMatch);
    best = Math.min(best, performance.now() - t0);
  }
  return buf.length * 30 / 1e3 / best;
}

// --- run -------------------------------------------------------------------------
const loadBefore = loadavg();
const smackRuns = await masscanSmackMBps(2);
const npmPeers = await loadNpmPeers();
const rust = flags["no-rust"]
  ? null
  : await buildRustDriver(`${SCRATCH}/rust`, true);
const hs = flags["no-hs"] ? null : await buildHyperscanDriver(`${SCRATCH}/hs`);
const all = await workloads();
const chosen = all.filter((w) =>
  flags.only === undefined || w.name.includes(flags.only)
);
const rows: Row[] = [];
for (const w of chosen) {
  rows.push(await measure(w, rust, hs, npmPeers));
  console.error(`measured: ${w.name}`);
}
const zonSmack = smackWorkloadMBps();
smackRuns.push(...await masscanSmackMBps(2));
const smack = smackRuns.length > 0 ? Math.max(...smackRuns) : null;

console.log(
  `zon aho_corasick benchmark (${QUICK ? "quick" : "full"}): ${
    HAY_BYTES / MIB
  } MiB haystacks, best of ${ROUNDS} alternating rounds, deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ${navigator.hardwareConcurrency} CPUs`,
);
console.log(`load average before: ${loadBefore}; after: ${loadavg()}`);
console.log(
  `smack-1 (masscan --benchmark, MB/s = bits/s / 8): ${
    smack === null ? "n/a" : fmt(smack)
  }; zon on the smack-1 workload: ${fmt(zonSmack)} MB/s${
    smack === null ? "" : ` (${fmt(zonSmack / smack, 2)}×)`
  }`,
);
console.log("");
const cell = (v: number | null, digits = 0): string =>
  v === null ? "–" : fmt(v, v < 100 ? 1 : digits);
const ratio = (a: number | null, b: number | null): string =>
  a === null || b === null ? "–" : `${fmt(a / b, 2)}×`;
const header = [
  "workload",
  "matches",
  "zon stream",
  "zon whole",
  "Rust DFA",
  "Rust NFA",
  "zon/Rust",
  "HS block",
  "HS stream",
  "zon/HS",
  "npm best",
  "zon mem",
  "Rust DFA mem",
  "Rust NFA mem",
  "HS mem",
];
const table = rows.map((r) => {
  const zs = mbps(r, "zon stream");
  const rustBest = Math.max(mbps(r, "rust dfa") ?? 0, mbps(r, "rust nfa") ?? 0);
  const hsBest = Math.max(mbps(r, "hs block") ?? 0, mbps(r, "hs stream") ?? 0);
  const counts = new Set([...r.columns.values()].map((c) => c.matches));
  const zonMatches = r.columns.get("zon stream")!.matches;
  return [
    r.workload.name,
    `${fmt(zonMatches)}${counts.size > 1 ? " (MISMATCH)" : ""}`,
    cell(zs),
    cell(mbps(r, "zon whole")),
    cell(mbps(r, "rust dfa")),
    cell(mbps(r, "rust nfa")),
    ratio(zs, rustBest || null),
    cell(mbps(r, "hs block")),
    cell(mbps(r, "hs stream")),
    ratio(zs, hsBest || null),
    cell(r.npm),
    fmt(r.zonMemory),
    r.rustMemory.has("rust dfa") ? fmt(r.rustMemory.get("rust dfa")!) : "–",
    r.rustMemory.has("rust nfa") ? fmt(r.rustMemory.get("rust nfa")!) : "–",
    hs === null ? "–" : `${fmt(r.hsMemory)} + ${fmt(r.hsStreamState)}/stream`,
  ];
});
const widths = header.map((h, i) =>
  Math.max(h.length, ...table.map((r) => r[i].length))
);
const line = (cells: string[]): string =>
  "| " +
  cells.map((c, i) => (i >= 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
    .join(" | ") +
  " |";
console.log(line(header));
console.log(
  "| " +
    widths.map((w, i) => (i >= 1 ? "-".repeat(w - 1) + ":" : "-".repeat(w)))
      .join(" | ") +
    " |",
);
for (const r of table) console.log(line(r));
console.log(
  "\nMB/s; zon/Rust = zon stream ÷ the better Rust build; zon/HS = zon stream ÷ the better Hyperscan mode; memory in bytes (HS: database + per-stream state).",
);
