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
 * - Every occurrence is reported, overlapping ones included, in end-offset
 *   order (at equal ends, longest pattern first).
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
 * - A skip prefilter used while the automaton sits in its root: a byte-pair
 *   table over each pattern's first bytes, or for big sets a hash of each
 *   pattern's first 4 bytes. Its tests are independent loads, not the DFA's
 *   load-after-load chain.
 * - Without a prefilter, four DFA chains over four slices of a chunk run
 *   interleaved (each slice starts early by the longest pattern's length, so
 *   its state is exact where its slice begins).
 * - The hot loops allocate nothing.
 *
 * Measure with `deno run -A scripts/bench_aho_corasick.ts`, which prints
 * masscan's own smack-1 figure from the same run next to these.
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
