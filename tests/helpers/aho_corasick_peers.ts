/**
 * Peers for aho_corasick/: BurntSushi's Rust `aho-corasick` crate and Intel's
 * Hyperscan, each behind a tiny driver program written out and compiled on
 * demand (nothing built is committed). Shared by the oracle test
 * (tests/aho_corasick_kinds_test.ts) and the benchmark
 * (scripts/bench_aho_corasick.ts).
 *
 * - Rust: Debian's `librust-aho-corasick-dev` (crate 0.7.19) built offline
 *   with Debian's `cargo` from the vendored registry under
 *   /usr/share/cargo/registry.
 * - Hyperscan: Debian's `libhyperscan-dev`, a C driver compiled with gcc,
 *   literal API (`hs_compile_lit_multi`), block and stream mode.
 *
 * Both drivers speak the same line protocol in bench mode: after building
 * they print `ready <memory bytes> <build ms>`, then answer every `scan`
 * line on stdin with `<nanoseconds of the scan call> <match count>`.
 *
 * @module
 */

/** Where Debian keeps its vendored crates. */
export const DEBIAN_REGISTRY = "/usr/share/cargo/registry";

const RUST_MAIN = String.raw`
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::io::{BufRead, Read, Write};
use std::time::Instant;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
}

fn build(pats: &[Vec<u8>], kind: &str, mk: &str, caseless: bool, anchored: bool) -> AhoCorasick {
    let mut b = AhoCorasickBuilder::new();
    // "...-nopf": without the crate's prefilter (see rustCases).
    b.dfa(kind.starts_with("dfa"))
        .prefilter(!kind.ends_with("nopf"))
        .ascii_case_insensitive(caseless)
        .anchored(anchored)
        .match_kind(match mk {
            "leftmost-first" => MatchKind::LeftmostFirst,
            "leftmost-longest" => MatchKind::LeftmostLongest,
            _ => MatchKind::Standard,
        });
    b.build(pats)
}

// bench <patterns (hex lines)> <haystack> <dfa|nfa> <0|1 caseless>
fn bench(args: &[String]) {
    let pats: Vec<Vec<u8>> = std::fs::read_to_string(&args[2]).unwrap()
        .lines().filter(|l| !l.is_empty()).map(unhex).collect();
    let mut hay = Vec::new();
    std::fs::File::open(&args[3]).unwrap().read_to_end(&mut hay).unwrap();
    let t = Instant::now();
    let ac = build(&pats, &args[4], "standard", args[5] == "1", false);
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    let out = std::io::stdout();
    let mut out = out.lock();
    writeln!(out, "ready {} {:.1}", ac.heap_bytes(), build_ms).unwrap();
    out.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        if line.unwrap() != "scan" { break; }
        let t = Instant::now();
        let n = ac.find_overlapping_iter(&hay).count();
        let ns = t.elapsed().as_nanos();
        writeln!(out, "{} {}", ns, n).unwrap();
        out.flush().unwrap();
    }
}

// cases: stdin holds cases, each
//   case <dfa|nfa> <standard|leftmost-first|leftmost-longest> <0|1 caseless> <0|1 anchored>
//   p <hex>   (one line per pattern)
//   h <hex>   (the haystack)
// and for each case one output line of "pattern:start:end" items.
fn cases() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let out = std::io::stdout();
    let mut out = out.lock();
    let mut head: Vec<String> = Vec::new();
    let mut pats: Vec<Vec<u8>> = Vec::new();
    for line in input.lines() {
        if let Some(rest) = line.strip_prefix("case ") {
            head = rest.split(' ').map(String::from).collect();
            pats.clear();
        } else if let Some(hex) = line.strip_prefix("p ") {
            pats.push(unhex(hex));
        } else if let Some(hex) = line.strip_prefix("h ") {
            let hay = unhex(hex);
            let ac = build(&pats, &head[0], &head[1], head[2] == "1", head[3] == "1");
            let found: Vec<String> = if head[1] == "standard" {
                ac.find_overlapping_iter(&hay)
                    .map(|m| format!("{}:{}:{}", m.pattern(), m.start(), m.end())).collect()
            } else {
                ac.find_iter(&hay)
                    .map(|m| format!("{}:{}:{}", m.pattern(), m.start(), m.end())).collect()
            };
            writeln!(out, "{}", found.join(" ")).unwrap();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(|s| s.as_str()) {
        Some("bench") => bench(&args),
        Some("cases") => cases(),
        _ => { eprintln!("usage: driver bench PATTERNS HAYSTACK dfa|nfa 0|1 | driver cases < CASES"); std::process::exit(2); }
    }
}
`;

const HS_MAIN = String.raw`
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
                    unsigned flags, void *ctx) {
  (void)id; (void)from; (void)to; (void)flags;
  ++*(unsigned long long *)ctx;
  return 0;
}

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END); *len = (size_t)ftell(f); fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc(*len + 1);
  if (fread(buf, 1, *len, f) != *len) { perror(path); exit(2); }
  fclose(f);
  buf[*len] = 0;
  return buf;
}

static int hexval(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

/* hs <patterns (hex lines)> <haystack> <block|stream> <0|1 caseless> <chunk bytes> */
int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: hs PATTERNS HAYSTACK block|stream 0|1 CHUNK\n"); return 2; }
  size_t plen, hlen;
  char *text = (char *)slurp(argv[1], &plen);
  unsigned char *hay = slurp(argv[2], &hlen);
  int stream = strcmp(argv[3], "stream") == 0;
  unsigned caseless = argv[4][0] == '1' ? HS_FLAG_CASELESS : 0;
  size_t chunk = (size_t)atol(argv[5]);
  unsigned n = 0;
  for (size_t i = 0; i < plen; i++) n += text[i] == '\n';
  char **exprs = calloc(n, sizeof *exprs);
  size_t *lens = calloc(n, sizeof *lens);
  unsigned *flags = calloc(n, sizeof *flags), *ids = calloc(n, sizeof *ids);
  char *line = text;
  for (unsigned k = 0; k < n; k++) {
    char *end = strchr(line, '\n');
    size_t len = (size_t)(end - line) / 2;
    exprs[k] = malloc(len + 1);
    for (size_t j = 0; j < len; j++)
      exprs[k][j] = (char)(hexval(line[2 * j]) << 4 | hexval(line[2 * j + 1]));
    lens[k] = len; flags[k] = caseless; ids[k] = k;
    line = end + 1;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  hs_database_t *db; hs_compile_error_t *err;
  if (hs_compile_lit_multi((const char *const *)exprs, flags, ids, lens, n,
                           stream ? HS_MODE_STREAM : HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
    fprintf(stderr, "hs_compile_lit_multi: %s\n", err->message); return 1;
  }
  hs_scratch_t *scratch = NULL;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) { fprintf(stderr, "hs_alloc_scratch failed\n"); return 1; }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  size_t dbsize = 0, stsize = 0;
  hs_database_size(db, &dbsize);
  if (stream) hs_stream_size(db, &stsize);
  printf("ready %zu %.1f %zu\n", dbsize, (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6, stsize);
  fflush(stdout);
  char cmd[64];
  while (fgets(cmd, sizeof cmd, stdin) && strncmp(cmd, "scan", 4) == 0) {
    unsigned long long count = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (stream) {
      hs_stream_t *s;
      hs_open_stream(db, 0, &s);
      for (size_t at = 0; at < hlen; at += chunk) {
        size_t len = hlen - at < chunk ? hlen - at : chunk;
        hs_scan_stream(s, (const char *)hay + at, (unsigned)len, 0, scratch, on_match, &count);
      }
      hs_close_stream(s, scratch, on_match, &count);
    } else {
      hs_scan(db, (const char *)hay, (unsigned)hlen, 0, scratch, on_match, &count);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%lld %llu\n", (long long)((t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec)), count);
    fflush(stdout);
  }
  return 0;
}
`;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function runQuiet(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ ok: boolean; log: string }> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      cwd,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return {
      ok: out.success,
      log: dec.decode(out.stdout) + dec.decode(out.stderr),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { ok: false, log: `${cmd} not found` };
    }
    throw error;
  }
}

/** The vendored aho-corasick crate folder, or null if Debian's package is missing. */
export async function debianCrate(): Promise<string | null> {
  if (!await exists(DEBIAN_REGISTRY)) return null;
  for await (const entry of Deno.readDir(DEBIAN_REGISTRY)) {
    if (entry.name.startsWith("aho-corasick-")) {
      return `${DEBIAN_REGISTRY}/${entry.name}`;
    }
  }
  return null;
}

/**
 * Writes the Rust driver into `dir` and builds it offline (`release` for
 * benchmarks, the faster-to-build debug profile for tests). Returns the
 * binary's path, or null (with the reason on stderr) when cargo or the
 * crate is missing or the build fails.
 */
export async function buildRustDriver(
  dir: string,
  release: boolean,
): Promise<string | null> {
  const crate = await debianCrate();
  if (crate === null) {
    console.error("Rust peer skipped: librust-aho-corasick-dev not installed");
    return null;
  }
  const version = crate.slice(crate.lastIndexOf("-") + 1);
  await Deno.mkdir(`${dir}/src`, { recursive: true });
  await Deno.mkdir(`${dir}/.cargo`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/Cargo.toml`,
    `[package]\nname = "ac_driver"\nversion = "0.1.0"\nedition = "2018"\n\n` +
      `[dependencies]\naho-corasick = "=${version}"\n\n` +
      `[profile.release]\nopt-level = 3\ndebug = false\ncodegen-units = 1\n`,
  );
  await Deno.writeTextFile(
    `${dir}/.cargo/config.toml`,
    `[source.crates-io]\nreplace-with = "debian"\n\n[source.debian]\ndirectory = "${DEBIAN_REGISTRY}"\n\n[net]\noffline = true\n`,
  );
  await Deno.writeTextFile(`${dir}/src/main.rs`, RUST_MAIN);
  const args = ["build", "--offline", "--quiet"];
  if (release) args.push("--release");
  const built = await runQuiet("cargo", args, dir);
  if (!built.ok) {
    console.error(`Rust peer skipped: cargo build failed\n${built.log}`);
    return null;
  }
  return `${dir}/target/${release ? "release" : "debug"}/ac_driver`;
}

/**
 * Writes the Hyperscan driver into `dir` and compiles it with gcc. Returns
 * the binary's path, or null when gcc or libhyperscan-dev is missing.
 */
export async function buildHyperscanDriver(
  dir: string,
): Promise<string | null> {
  if (!await exists("/usr/include/hs/hs.h")) {
    console.error("Hyperscan peer skipped: libhyperscan-dev not installed");
    return null;
  }
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/hs_driver.c`, HS_MAIN);
  const built = await runQuiet(
    "gcc",
    ["-O2", "-o", "hs_driver", "hs_driver.c", "-lhs"],
    dir,
  );
  if (!built.ok) {
    console.error(`Hyperscan peer skipped: gcc failed\n${built.log}`);
    return null;
  }
  return `${dir}/hs_driver`;
}

/** Lower-case hex of `bytes`, the drivers' encoding for patterns. */
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    s += bytes[i].toString(16).padStart(2, "0");
  }
  return s;
}

/** One match as the Rust driver prints it. */
export interface RustMatch {
  pattern: number;
  start: number;
  end: number;
}

/** One oracle question for {@linkcode rustCases}. */
export interface RustCase {
  patterns: Uint8Array[];
  haystack: Uint8Array;
  kind: "standard" | "leftmost-first" | "leftmost-longest";
  caseInsensitive: boolean;
  anchored: boolean;
}

/**
 * Asks the Rust driver for the matches of every case, in one process. The
 * crate's automaton is the oracle, searched with its prefilter off: in
 * aho-corasick 0.7.19 (Debian's) the prefilter reports a wrong pattern id
 * under leftmost-first, e.g. patterns
 * `B BBBB bbAA bbaabab aab ab bbba abBA AAa a` on `baa` give pattern 7
 * (`abBA`) for the one-byte match `a` at 1..2 (pattern 9); with the
 * prefilter off it says 9, as does the naive matcher.
 */
export async function rustCases(
  driver: string,
  cases: readonly RustCase[],
): Promise<RustMatch[][]> {
  const lines: string[] = [];
  for (const c of cases) {
    lines.push(
      `case nfa-nopf ${c.kind} ${c.caseInsensitive ? 1 : 0} ${
        c.anchored ? 1 : 0
      }`,
    );
    for (const p of c.patterns) lines.push(`p ${hex(p)}`);
    lines.push(`h ${hex(c.haystack)}`);
  }
  const child = new Deno.Command(driver, {
    args: ["cases"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(lines.join("\n") + "\n"));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`Rust driver failed (${out.code})`);
  const text = new TextDecoder().decode(out.stdout);
  const rows = text.split("\n").slice(0, cases.length);
  return rows.map((row) =>
    row === "" ? [] : row.split(" ").map((item) => {
      const [pattern, start, end] = item.split(":").map(Number);
      return { pattern, start, end };
    })
  );
}

/**
 * A driver process in bench mode: built once, then asked for one timed
 * scan at a time so rounds can alternate with zon's.
 */
export class BenchDriver {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffered = "";
  /** Memory the peer reports for its automaton (bytes). */
  memory = 0;
  /** Build time the peer reports (ms). */
  buildMs = 0;
  /** Extra figure: Hyperscan's per-stream state size (bytes). */
  streamState = 0;

  constructor(binary: string, args: string[]) {
    this.#child = new Deno.Command(binary, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#reader = this.#child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
  }

  async #line(): Promise<string> {
    for (;;) {
      const nl = this.#buffered.indexOf("\n");
      if (nl >= 0) {
        const line = this.#buffered.slice(0, nl);
        this.#buffered = this.#buffered.slice(nl + 1);
        return line;
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("bench driver exited early");
      this.#buffered += value;
    }
  }

  /** Waits for the driver's `ready` line. */
  async ready(): Promise<void> {
    const [word, memory, buildMs, streamState] = (await this.#line()).split(
      " ",
    );
    if (word !== "ready") throw new Error(`bench driver said ${word}`);
    this.memory = Number(memory);
    this.buildMs = Number(buildMs);
    this.streamState = Number(streamState ?? 0);
  }

  /** One timed scan: nanoseconds and matches. */
  async scan(): Promise<{ ns: number; matches: number }> {
    await this.#writer.write(new TextEncoder().encode("scan\n"));
    const [ns, matches] = (await this.#line()).split(" ").map(Number);
    return { ns, matches };
  }

  /** Ends the process and waits for it. */
  async close(): Promise<void> {
    await this.#writer.write(new TextEncoder().encode("quit\n"));
    await this.#writer.close();
    await this.#reader.cancel();
    await this.#child.status;
  }
}
