/**
 * Streaming multi-pattern byte matching (Aho-Corasick) that never needs
 * reassembly. The compiled automaton is a DFA in one flat typed array whose
 * whole memory of the past is a single number, so a search stops at the end
 * of one TCP segment and resumes at the start of the next: matches spanning
 * fragments are found and reported with their offset in the whole stream.
 *
 * - {@linkcode AhoCorasick.build} compiles strings (UTF-8) or bytes, with
 *   ASCII case folding, start-anchored patterns (protocol banners) and
 *   per-pattern tags.
 * - {@linkcode AhoCorasick.stream} gives a per-flow searcher whose
 *   {@linkcode AhoCorasickStream.write} allocates nothing;
 *   {@linkcode AhoCorasick.scan} is the same loop over a caller-held state
 *   number; {@linkcode AhoCorasick.findAll} is the whole-buffer convenience.
 * - Match kinds ({@linkcode MatchKind}): every occurrence, overlapping ones
 *   included, in end-offset order (the default, `"overlapping"`), or
 *   BurntSushi's non-overlapping `"leftmost-first"` and `"leftmost-longest"`;
 *   and anchored search ({@linkcode SearchOptions}). A leftmost match is
 *   reported once no later byte can change it, so a stream holds back only
 *   a match that could still grow past the chunk's end;
 *   {@linkcode AhoCorasickStream.finish} reports it when the stream ends.
 *
 * Inside (BurntSushi's aho-corasick and masscan's smack were the models):
 *
 * - Byte classes (alphabet compression): bytes that no pattern uses share
 *   one column, so a row is as wide as the patterns' alphabet.
 * - A flat typed-array DFA with premultiplied state ids: a step is
 *   `state = table[state + class[byte]]`, and matching states are numbered
 *   last so spotting one is a single comparison.
 * - Dense rows down to a cache-sized depth; deeper states, rare on most
 *   input and the bulk of a big pattern set, keep only their trie edges and
 *   a failure link ({@linkcode BuildOptions.denseDepth}).
 * - A skip prefilter used while the automaton sits in its root: for up to
 *   32 patterns a Teddy-style SIMD candidate finder in WebAssembly SIMD128
 *   (`wasm/teddy.wat`, 16 positions per step), otherwise (or without
 *   WebAssembly, or with `simd: false`) a byte-pair table over each
 *   pattern's first bytes, or for big sets a hash of each pattern's first
 *   4 bytes.
 * - Four DFA chains over four slices of a span run interleaved (each slice
 *   starts early by the longest pattern's length, so its state is exact
 *   where its slice begins), with sparse states too.
 * - The choice between them is made at run time from the input: a 16 KiB
 *   probe with the prefilter measures how many bytes still had to go
 *   through the DFA; a bad probe hands the next 64 KiB to the lanes, each
 *   further bad probe doubles that span (up to 1 MiB), a good one returns
 *   to skipping. A stream carries this as one small integer next to its
 *   state number; results never depend on it.
 * - The hot loops allocate nothing.
 *
 * Measure with `deno run -A scripts/bench_aho_corasick.ts`, which runs
 * BurntSushi's Rust crate, Hyperscan, masscan's smack-1 and npm packages
 * side by side with these (see BENCHMARKS.md).
 *
 * @example
 * ```ts
 * import { AhoCorasick } from "./mod.ts";
 * const ac = AhoCorasick.build([
 *   { pattern: "SSH-", anchored: "start", value: "ssh" },
 *   { pattern: "HTTP/1.", anchored: "start", value: "http" },
 *   { pattern: "nginx", value: "nginx" },
 * ], { caseInsensitive: true });
 *
 * const flow = ac.stream();
 * const enc = new TextEncoder();
 * for (const segment of ["HTTP/1.1 200 OK\r\nServer: ng", "inx/1.25\r\n"]) {
 *   flow.write(enc.encode(segment), (pattern, end) => {
 *     console.log(ac.value(pattern), "ends at", end); // "http" 7, then "nginx" 30
 *   });
 * }
 * ```
 *
 * @module
 */

export {
  AhoCorasick,
  AhoCorasickBuilder,
  AhoCorasickStream,
  type BuildOptions,
  type Match,
  type MatchHandler,
  type MatchKind,
  type PatternInput,
  type PatternSpec,
  type SearchOptions,
} from "./automaton.ts";
