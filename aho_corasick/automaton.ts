import {
  compile,
  type CompiledTables,
  type NormalizedPattern,
  quadHash,
} from "./compile.ts";

/**
 * Called once per match: `pattern` is the pattern's index in the build list,
 * `end` the offset just past the match's last byte (in the whole stream for
 * {@linkcode AhoCorasickStream.write}, or `offset + index in chunk + 1` for
 * {@linkcode AhoCorasick.scan}).
 *
 * @example
 * ```ts
 * import { AhoCorasick, type MatchHandler } from "./mod.ts";
 * const ends: number[] = [];
 * const onMatch: MatchHandler = (_pattern, end) => ends.push(end);
 * AhoCorasick.build(["ab"]).stream().write(new TextEncoder().encode("abab"), onMatch);
 * // ends is [2, 4]
 * ```
 */
export type MatchHandler = (pattern: number, end: number) => void;

/**
 * One match from {@linkcode AhoCorasick.findAll}.
 *
 * @example
 * ```ts
 * import { AhoCorasick, type Match } from "./mod.ts";
 * const [first]: Match[] = AhoCorasick.build(["lo"]).findAll(new TextEncoder().encode("hello"));
 * // first is { pattern: 0, end: 5 }
 * ```
 */
export interface Match {
  /** Index of the pattern in the build list. */
  pattern: number;
  /** Offset just past the match's last byte. */
  end: number;
}

/**
 * A pattern with per-pattern settings, for {@linkcode AhoCorasick.build}.
 *
 * @example
 * ```ts
 * import { AhoCorasick, type PatternSpec } from "./mod.ts";
 * const ssh: PatternSpec<string> = { pattern: "SSH-", anchored: "start", value: "ssh" };
 * const ac = AhoCorasick.build([ssh]);
 * // ac.value(0) is "ssh"
 * ```
 */
export interface PatternSpec<T = unknown> {
  /** The bytes to find; strings are encoded as UTF-8. Must not be empty. */
  pattern: string | Uint8Array;
  /**
   * `"start"`: match only at stream offset 0 (a protocol banner's first
   * bytes), like masscan smack's anchor-begin. Default: anywhere.
   */
  anchored?: "start";
  /** The caller's tag, returned by {@linkcode AhoCorasick.value}. */
  value?: T;
}

/**
 * A build-list entry: a plain pattern (string as UTF-8, or bytes) or a
 * {@linkcode PatternSpec}.
 *
 * @example
 * ```ts
 * import { AhoCorasick, type PatternInput } from "./mod.ts";
 * const list: PatternInput<number>[] = ["GET ", new Uint8Array([0x16, 0x03]), { pattern: "HTTP/", value: 80 }];
 * const ac = AhoCorasick.build(list);
 * // ac.patternCount is 3
 * ```
 */
export type PatternInput<T = unknown> = string | Uint8Array | PatternSpec<T>;

/**
 * Options for {@linkcode AhoCorasick.build}.
 *
 * @example
 * ```ts
 * import { AhoCorasick, type BuildOptions } from "./mod.ts";
 * const options: BuildOptions = { caseInsensitive: true };
 * const ac = AhoCorasick.build(["server:"], options);
 * // ac.findAll(new TextEncoder().encode("Server: x")) has one match
 * ```
 */
export interface BuildOptions {
  /** Fold ASCII `A`-`Z` to `a`-`z` in patterns and haystacks. Default false. */
  caseInsensitive?: boolean;
  /**
   * Transition table element width. 16 halves the table but holds state
   * ids below 65,536 only (dense states × byte classes + sparse states); the
   * build throws if they do not fit. Default 32: when every automaton in a
   * process uses one width, the search loop stays monomorphic for the JIT,
   * which matters more than the size of a table small enough for 16 bits.
   */
  tableWidth?: 16 | 32;
  /**
   * The byte-pair skip prefilter lets the search pass over positions where
   * no pattern can start while the automaton is in its root state. `"auto"`
   * (default) uses it when it would skip most positions of random input;
   * `true` and `false` force it on or off. Results are identical either way.
   */
  prefilter?: "auto" | boolean;
  /**
   * States up to this trie depth get a full table row; deeper ones keep
   * only their trie edges and a failure link (slower per byte, but rarely
   * reached and far smaller for big pattern sets). Default: as deep as fits
   * about 4 MiB of rows. `Infinity` makes every state dense.
   */
  denseDepth?: number;
}

const encoder = new TextEncoder();

/** Describes a value for error messages without printing it whole. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object"
    ? (value.constructor?.name ?? "an object")
    : typeof value;
}

function patternBytes(pattern: unknown, index: number): Uint8Array {
  let bytes: Uint8Array;
  if (typeof pattern === "string") bytes = encoder.encode(pattern);
  else if (pattern instanceof Uint8Array) bytes = pattern.slice();
  else {
    throw new TypeError(
      `AhoCorasick: pattern ${index} is ${
        describe(pattern)
      }; expected a string, a Uint8Array or { pattern, anchored?, value? }`,
    );
  }
  if (bytes.length === 0) {
    throw new RangeError(
      `AhoCorasick: pattern ${index} is empty; an empty pattern would match at every offset`,
    );
  }
  return bytes;
}

/** Reports every pattern of match index `match` ending at `end`. */
function report(
  t: CompiledTables,
  match: number,
  end: number,
  onMatch: MatchHandler,
): void {
  const { outputStart, outputEnd, outputLink, outputs } = t;
  let m = match;
  do {
    for (let j = outputStart[m]; j < outputEnd[m]; j++) {
      onMatch(outputs[j], end);
    }
    m = outputLink[m];
  } while (m !== -1);
}

/**
 * The transition out of sparse state `id` on byte class `cls`: its own trie
 * edge if it has one, else its failure state's transition (a dense row
 * lookup as soon as the failure chain reaches a dense state).
 */
function sparseNext(t: CompiledTables, id: number, cls: number): number {
  const { denseLimit, sparseEdgeStart, sparseEdgeClass, sparseEdgeTarget } = t;
  let k = id - denseLimit;
  for (;;) {
    for (
      let e = sparseEdgeStart[k], end = sparseEdgeStart[k + 1];
      e < end;
      e++
    ) {
      if (sparseEdgeClass[e] === cls) return sparseEdgeTarget[e];
    }
    const f = t.sparseFail[k];
    if (f < denseLimit) return t.table[f + cls];
    k = f - denseLimit;
  }
}

/**
 * The second result of {@linkcode walkSparse} (its state), kept here so the
 * walk returns one number and allocates nothing. Read right after the call.
 */
let walkState = 0;

/**
 * Feeds bytes from `at` to sparse state `id` until the automaton is back in
 * a dense state or the chunk ends. Reports every match entered (but not
 * `id`'s own, which the caller reported when it entered `id`). Returns the
 * next position; the state is left in `walkState`.
 */
function walkSparse(
  t: CompiledTables,
  id: number,
  chunk: Uint8Array,
  at: number,
  onMatch: MatchHandler,
  base: number,
): number {
  const { classes, denseLimit, plainLimit, stride, sparseMatch } = t;
  let s = id;
  let i = at;
  while (i < chunk.length) {
    s = sparseNext(t, s, classes[chunk[i++]]);
    if (s < denseLimit) {
      if (s >= plainLimit) {
        report(t, (s - plainLimit) / stride, base + i, onMatch);
      }
      break;
    }
    const m = sparseMatch[s - denseLimit];
    if (m !== -1) report(t, m, base + i, onMatch);
  }
  walkState = s;
  return i;
}

/**
 * The search loop. Per byte: `state = table[state + class[byte]]` and one
 * comparison; everything else (matches, sparse states, skipping) happens
 * off that path.
 *
 * Skipping: while the automaton is in its unanchored root (state 0) it
 * remembers nothing of the past, so a start position can be passed over
 * once a filter shows no pattern starts there; the state one byte later is
 * then what the root gives for that byte, which the DFA recomputes. The
 * filter tests have no dependency on each other, unlike the DFA's
 * load-after-load chain, which is why skipping is faster than stepping.
 *
 * - Pair skip table: in bulk, pairs `window - 1` positions apart; a pair
 *   that occurs nowhere in the first `window` bytes of any pattern clears
 *   every start position whose window holds it. Then each start pair.
 * - Quad filter (big sets): a hash of the 4 bytes at each start position.
 *
 * The DFA goes back to skipping when it reaches the root, or a
 * non-matching depth-1 state (the state is then exactly what the root gives
 * for the previous byte, so skipping restarts one byte back; it must have
 * moved past where it started, so the search always progresses). The bytes
 * a filter cannot see (a chunk's last 1 to 3) always go through the DFA, so
 * the state returned is exact.
 */
function search(
  t: CompiledTables,
  table: Uint16Array | Int32Array,
  classes: Uint8Array,
  chunk: Uint8Array,
  state: number,
  onMatch: MatchHandler,
  base: number,
): number {
  const { plainLimit, denseLimit, stride, skipTable, quadFilter } = t;
  const n = chunk.length;
  let s = state;
  let i = 0;
  if (s >= denseLimit) {
    // The previous chunk ended in a sparse state: finish that walk first.
    i = walkSparse(t, s, chunk, 0, onMatch, base);
    s = walkState;
  }
  if (skipTable === null && quadFilter === null) {
    // No skipping: the tightest loop, with no test for the root (on random
    // input that test would be a coin flip for the branch predictor).
    while (i < n) {
      s = table[s + classes[chunk[i++]]];
      if (s >= plainLimit) {
        if (s < denseLimit) {
          report(t, (s - plainLimit) / stride, base + i, onMatch);
        } else {
          const m = t.sparseMatch[s - denseLimit];
          if (m !== -1) report(t, m, base + i, onMatch);
          i = walkSparse(t, s, chunk, i, onMatch, base);
          s = walkState;
        }
      }
    }
    return s;
  }
  const last = n - 1;
  const shallowLimit = t.shallowLimit;
  const step = t.skipWindow - 1;
  // Bulk pair skip reads pairs up to index i + 4 * step.
  const bulkLast = last - 4 * step;
  scan: while (i < n) {
    if (s === 0) {
      if (skipTable !== null) {
        while (i <= bulkLast) {
          const k0 = i + step - 1;
          const k1 = k0 + step;
          const k2 = k1 + step;
          const k3 = k2 + step;
          if (
            ((skipTable[chunk[k0] | (chunk[k0 + 1] << 8)] |
              skipTable[chunk[k1] | (chunk[k1 + 1] << 8)] |
              skipTable[chunk[k2] | (chunk[k2 + 1] << 8)] |
              skipTable[chunk[k3] | (chunk[k3 + 1] << 8)]) & 2) !== 0
          ) {
            // Something in these 4 × step positions might start a
            // pattern: look at each start pair.
            const stop = i + 4 * step;
            while (
              i < stop &&
              (skipTable[chunk[i] | (chunk[i + 1] << 8)] & 1) === 0
            ) i++;
            if (i < stop) break;
          } else {
            i += 4 * step;
          }
        }
        while (
          i < last && (skipTable[chunk[i] | (chunk[i + 1] << 8)] & 1) === 0
        ) i++;
      } else if (quadFilter !== null) {
        while (i + 6 <= last) {
          const w0 = chunk[i] | (chunk[i + 1] << 8) | (chunk[i + 2] << 16) |
            (chunk[i + 3] << 24);
          const w1 = (w0 >>> 8) | (chunk[i + 4] << 24);
          const w2 = (w1 >>> 8) | (chunk[i + 5] << 24);
          const w3 = (w2 >>> 8) | (chunk[i + 6] << 24);
          const h0 = quadHash(w0);
          const h1 = quadHash(w1);
          const h2 = quadHash(w2);
          const h3 = quadHash(w3);
          if (
            (((quadFilter[h0 >>> 3] >> (h0 & 7)) |
              (quadFilter[h1 >>> 3] >> (h1 & 7)) |
              (quadFilter[h2 >>> 3] >> (h2 & 7)) |
              (quadFilter[h3 >>> 3] >> (h3 & 7))) & 1) !== 0
          ) break;
          i += 4;
        }
        while (i + 3 <= last) {
          const h = quadHash(
            chunk[i] | (chunk[i + 1] << 8) | (chunk[i + 2] << 16) |
              (chunk[i + 3] << 24),
          );
          if (((quadFilter[h >>> 3] >> (h & 7)) & 1) !== 0) break;
          i++;
        }
      }
    }
    // A candidate (or bytes no filter can see): step the DFA until it can
    // hand back to the skip loop.
    const from = i;
    while (i < n) {
      s = table[s + classes[chunk[i++]]];
      if (s >= plainLimit) {
        if (s < denseLimit) {
          report(t, (s - plainLimit) / stride, base + i, onMatch);
          continue;
        }
        const m = t.sparseMatch[s - denseLimit];
        if (m !== -1) report(t, m, base + i, onMatch);
        i = walkSparse(t, s, chunk, i, onMatch, base);
        s = walkState;
      }
      if (s < shallowLimit) {
        if (s === 0) continue scan;
        if (i - 1 > from) {
          i--;
          s = 0;
          continue scan;
        }
      }
    }
  }
  return s;
}

/** Independent DFA chains the lane kernel interleaves. */
const LANES = 4;
/** Below this many bytes per lane, the warm-up overhead is not worth it. */
const MIN_LANE_BYTES = 256;

/**
 * Per-lane match records `(end, match index)` for {@linkcode searchLanes},
 * reused across calls (grown when a chunk has more matches than ever
 * before), so steady-state searching allocates nothing.
 */
class LaneScratch {
  records: Int32Array[] = Array.from(
    { length: LANES },
    () => new Int32Array(64),
  );
  counts: Int32Array = new Int32Array(LANES);
  /** Set while matches are being handed out: a re-entrant scan must not reuse the buffers. */
  busy = false;

  push(lane: number, end: number, match: number): void {
    let r = this.records[lane];
    const at = this.counts[lane];
    if (at + 2 > r.length) {
      const grown = new Int32Array(r.length * 2);
      grown.set(r);
      this.records[lane] = r = grown;
    }
    r[at] = end;
    r[at + 1] = match;
    this.counts[lane] = at + 2;
  }
}

/**
 * Steps one lane serially over `[from, to)`, recording matches that end
 * after `reportAfter`. Returns the lane's state.
 */
function laneTail(
  t: CompiledTables,
  scratch: LaneScratch,
  lane: number,
  chunk: Uint8Array,
  from: number,
  to: number,
  state: number,
  reportAfter: number,
): number {
  const { table, classes, plainLimit, stride } = t;
  let s = state;
  for (let i = from; i < to; i++) {
    s = table[s + classes[chunk[i]]];
    if (s >= plainLimit && i + 1 > reportAfter) {
      scratch.push(lane, i + 1, (s - plainLimit) / stride);
    }
  }
  return s;
}

/**
 * The DFA over four slices of one chunk at once. A single DFA is a chain of
 * dependent loads (each state is needed to find the next), so it runs at
 * the speed of memory latency; four independent chains keep four loads in
 * flight. Slice k > 0 starts `warmup` bytes early from the root: the
 * automaton's state depends only on the last `maxPatternLength` bytes, so by
 * the slice's first byte that lane's state is exact (matches it sees during
 * the warm-up belong to the previous slice and are dropped). Matches are
 * recorded per lane and handed out lane by lane, which is end order.
 * Dense states only (no sparse states), no skip table.
 */
function searchLanes(
  t: CompiledTables,
  scratch: LaneScratch,
  table: Uint16Array | Int32Array,
  classes: Uint8Array,
  chunk: Uint8Array,
  state: number,
  onMatch: MatchHandler,
  base: number,
): number {
  const { plainLimit, stride } = t;
  const n = chunk.length;
  const warmup = t.maxPatternLength + 1;
  const q = Math.floor(n / LANES);
  // Lane k covers [k*q, (k+1)*q) (the last lane to n), starting early.
  const a1 = q - warmup;
  const a2 = 2 * q - warmup;
  const a3 = 3 * q - warmup;
  let s0 = state;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  scratch.counts.fill(0);
  for (let i = 0; i < q; i++) {
    s0 = table[s0 + classes[chunk[i]]];
    s1 = table[s1 + classes[chunk[a1 + i]]];
    s2 = table[s2 + classes[chunk[a2 + i]]];
    s3 = table[s3 + classes[chunk[a3 + i]]];
    // All four below plainLimit <=> all four differences negative.
    if (
      ((s0 - plainLimit) & (s1 - plainLimit) & (s2 - plainLimit) &
        (s3 - plainLimit)) >= 0
    ) {
      if (s0 >= plainLimit) {
        scratch.push(0, i + 1, (s0 - plainLimit) / stride);
      }
      if (s1 >= plainLimit && a1 + i + 1 > q) {
        scratch.push(1, a1 + i + 1, (s1 - plainLimit) / stride);
      }
      if (s2 >= plainLimit && a2 + i + 1 > 2 * q) {
        scratch.push(2, a2 + i + 1, (s2 - plainLimit) / stride);
      }
      if (s3 >= plainLimit && a3 + i + 1 > 3 * q) {
        scratch.push(3, a3 + i + 1, (s3 - plainLimit) / stride);
      }
    }
  }
  // Lanes 1..3 stopped `warmup` bytes short of their slice's end.
  laneTail(t, scratch, 1, chunk, a1 + q, 2 * q, s1, q);
  laneTail(t, scratch, 2, chunk, a2 + q, 3 * q, s2, 2 * q);
  s3 = laneTail(t, scratch, 3, chunk, a3 + q, n, s3, 3 * q);
  scratch.busy = true;
  try {
    for (let lane = 0; lane < LANES; lane++) {
      const r = scratch.records[lane];
      const count = scratch.counts[lane];
      for (let j = 0; j < count; j += 2) {
        report(t, r[j + 1], base + r[j], onMatch);
      }
    }
  } finally {
    scratch.busy = false;
  }
  return s3;
}

/**
 * An immutable compiled Aho-Corasick automaton over bytes: a DFA with byte
 * classes in one flat typed array. It finds every occurrence of every
 * pattern, overlapping ones included, and because its whole memory of the
 * past is one number (the state), a search can stop at the end of one
 * chunk and resume at the start of the next: no reassembly.
 *
 * Matches come in end-offset order; matches ending at the same offset come
 * longest pattern first, equal patterns in build-list order.
 *
 * @typeParam T The type of the per-pattern tags given as `value`.
 *
 * @example
 * ```ts
 * import { AhoCorasick } from "./mod.ts";
 * const ac = AhoCorasick.build(["he", "she", "his", "hers"]);
 * const text = new TextEncoder().encode("ushers");
 * ac.findAll(text); // [{ pattern: 1, end: 4 }, { pattern: 0, end: 4 }, { pattern: 3, end: 6 }]
 *
 * // The same matches from a stream cut anywhere:
 * const s = ac.stream();
 * s.write(text.subarray(0, 3), (p, end) => console.log(p, end));
 * s.write(text.subarray(3), (p, end) => console.log(p, end));
 * ```
 */
export class AhoCorasick<T = unknown> {
  readonly #t: CompiledTables;
  readonly #lengths: Int32Array;
  readonly #values: readonly (T | undefined)[];
  readonly #lanes = new LaneScratch();

  private constructor(
    tables: CompiledTables,
    lengths: Int32Array,
    values: (T | undefined)[],
  ) {
    this.#t = tables;
    this.#lengths = lengths;
    this.#values = values;
  }

  /**
   * Compiles `patterns` into an automaton. Build time and memory are
   * O(states × byte classes), states being at most the total pattern length.
   *
   * @param patterns Strings (UTF-8), byte arrays or {@linkcode PatternSpec}s;
   *   a pattern's index in this list is what matches report.
   * @param options See {@linkcode BuildOptions}.
   * @returns The compiled matcher.
   * @throws {TypeError} If `patterns` is not an array, or an entry is not a
   *   string, a Uint8Array or a PatternSpec.
   * @throws {RangeError} If there are no patterns, a pattern is empty, or
   *   the table does not fit the chosen width.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build([
   *   { pattern: "SSH-", anchored: "start", value: "ssh" },
   *   { pattern: "HTTP/1.", value: "http" },
   * ], { caseInsensitive: true });
   * for (const m of ac.findAll(new TextEncoder().encode("ssh-2.0-OpenSSH"))) {
   *   console.log(ac.value(m.pattern), m.end); // "ssh" 4
   * }
   * ```
   */
  static build<T = unknown>(
    patterns: readonly PatternInput<T>[],
    options: BuildOptions = {},
  ): AhoCorasick<T> {
    if (!Array.isArray(patterns)) {
      throw new TypeError(
        `AhoCorasick.build: expected an array of patterns, got ${
          describe(patterns)
        }`,
      );
    }
    if (patterns.length === 0) {
      throw new RangeError("AhoCorasick.build: no patterns");
    }
    const {
      caseInsensitive = false,
      tableWidth,
      prefilter = "auto",
      denseDepth,
    } = options;
    if (
      denseDepth !== undefined &&
      !(denseDepth >= 0 &&
        (Number.isInteger(denseDepth) || denseDepth === Infinity))
    ) {
      throw new RangeError(
        `AhoCorasick.build: denseDepth must be a non-negative integer or Infinity, got ${denseDepth}`,
      );
    }
    if (tableWidth !== undefined && tableWidth !== 16 && tableWidth !== 32) {
      throw new RangeError(
        `AhoCorasick.build: tableWidth must be 16 or 32, got ${tableWidth}`,
      );
    }
    if (prefilter !== "auto" && typeof prefilter !== "boolean") {
      throw new TypeError(
        `AhoCorasick.build: prefilter must be "auto", true or false`,
      );
    }
    const normalized: NormalizedPattern[] = new Array(patterns.length);
    const lengths = new Int32Array(patterns.length);
    const values: (T | undefined)[] = new Array(patterns.length);
    for (let i = 0; i < patterns.length; i++) {
      const entry = patterns[i];
      let bytes: Uint8Array;
      let anchoredStart = false;
      if (
        typeof entry === "object" && entry !== null &&
        !(entry instanceof Uint8Array) && !Array.isArray(entry)
      ) {
        bytes = patternBytes(entry.pattern, i);
        if (entry.anchored !== undefined && entry.anchored !== "start") {
          throw new TypeError(
            `AhoCorasick: pattern ${i} has anchored: ${
              String(entry.anchored)
            }; the only anchoring is "start"`,
          );
        }
        anchoredStart = entry.anchored === "start";
        values[i] = entry.value;
      } else {
        bytes = patternBytes(entry, i);
      }
      normalized[i] = { bytes, anchoredStart };
      lengths[i] = bytes.length;
    }
    const tables = compile(normalized, {
      caseInsensitive,
      tableWidth: tableWidth ?? 0,
      prefilter: prefilter === "auto" ? "auto" : prefilter ? "on" : "off",
      denseDepth: denseDepth === undefined
        ? -1
        : Math.min(denseDepth, 0x7fffffff),
    });
    return new AhoCorasick<T>(tables, lengths, values);
  }

  /**
   * The state a new stream starts in, for {@linkcode AhoCorasick.scan}.
   * It differs from the root only when some pattern is anchored at the
   * start.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build(["x"]);
   * ac.scan(new Uint8Array([0x78]), ac.startState, () => {}); // returns the state after "x"
   * ```
   */
  get startState(): number {
    return this.#t.startState;
  }

  /**
   * Number of DFA states (at most the total pattern length + 2).
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["ab", "ac"]).stateCount; // 4: root, a, ab, ac
   * ```
   */
  get stateCount(): number {
    return this.#t.stateCount;
  }

  /**
   * Number of byte classes, i.e. the width of a table row: bytes no pattern
   * uses share one class.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["abba"]).byteClasses; // 3: a, b, everything else
   * ```
   */
  get byteClasses(): number {
    return this.#t.stride;
  }

  /**
   * Bytes held by the search structures: transition table, byte classes,
   * match lists and prefilter.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build(["GET ", "POST "], { prefilter: false });
   * ac.memoryBytes; // a few hundred bytes
   * ```
   */
  get memoryBytes(): number {
    const t = this.#t;
    return t.table.byteLength + t.classes.byteLength +
      t.outputStart.byteLength + t.outputEnd.byteLength +
      t.outputLink.byteLength + t.outputs.byteLength +
      t.sparseFail.byteLength + t.sparseMatch.byteLength +
      t.sparseEdgeStart.byteLength + t.sparseEdgeClass.byteLength +
      t.sparseEdgeTarget.byteLength + (t.skipTable?.byteLength ?? 0) +
      (t.quadFilter?.byteLength ?? 0) +
      this.#lengths.byteLength;
  }

  /**
   * The deepest trie depth stored as full table rows (see
   * {@linkcode BuildOptions.denseDepth}); states deeper than this are sparse.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["abc"], { denseDepth: 1 }).denseDepth; // 1
   * ```
   */
  get denseDepth(): number {
    return this.#t.denseDepth;
  }

  /**
   * Element width of the transition table in bits: 16 or 32.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["a"]).tableWidth; // 32
   * AhoCorasick.build(["a"], { tableWidth: 16 }).tableWidth; // 16
   * ```
   */
  get tableWidth(): 16 | 32 {
    return this.#t.table instanceof Uint16Array ? 16 : 32;
  }

  /**
   * Whether searches use the byte-pair prefilter (see
   * {@linkcode BuildOptions.prefilter}).
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["needle"]).prefilter; // true
   * ```
   */
  get prefilter(): boolean {
    return this.#t.skipTable !== null || this.#t.quadFilter !== null;
  }

  /**
   * Number of patterns in the build list.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["a", "b", "a"]).patternCount; // 3 (duplicates count)
   * ```
   */
  get patternCount(): number {
    return this.#lengths.length;
  }

  /**
   * Length in bytes of pattern `pattern`, so `end - patternLength(p)` is
   * where a match starts.
   *
   * @param pattern Index in the build list.
   * @returns The length, or `undefined` for an unknown index.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["héllo"]).patternLength(0); // 6 (UTF-8)
   * ```
   */
  patternLength(pattern: number): number | undefined {
    return this.#lengths[pattern];
  }

  /**
   * The tag given as `value` for pattern `pattern` at build time.
   *
   * @param pattern Index in the build list.
   * @returns The tag, or `undefined` if none was given.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build([{ pattern: "220 ", value: "ftp" }]);
   * ac.value(0); // "ftp"
   * ```
   */
  value(pattern: number): T | undefined {
    return this.#values[pattern];
  }

  /**
   * The zero-allocation search primitive: feeds `chunk` to the automaton
   * from `state` and returns the state after it. Keep the returned number
   * with the flow and pass it back with the next chunk; start every flow at
   * {@linkcode AhoCorasick.startState}.
   *
   * @param chunk The next bytes of the stream.
   * @param state A state returned by a previous call, or `startState`.
   * @param onMatch Called for every match, in end order.
   * @param offset Added to reported ends: the stream offset of `chunk[0]`.
   *   Default 0.
   * @returns The state after the last byte of `chunk`.
   * @throws {TypeError} If `chunk` is not a Uint8Array.
   * @throws {RangeError} If `state` is not a state of this automaton.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build(["needle"]);
   * const enc = new TextEncoder();
   * let state = ac.startState;
   * state = ac.scan(enc.encode("hay nee"), state, (p, end) => console.log(p, end));
   * state = ac.scan(enc.encode("dle hay"), state, (p, end) => console.log(p, end), 7);
   * // logs 0 10: the match spans both chunks
   * ```
   */
  scan(
    chunk: Uint8Array,
    state: number,
    onMatch: MatchHandler,
    offset: number = 0,
  ): number {
    const t = this.#t;
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(
        `AhoCorasick.scan: chunk must be a Uint8Array, got ${describe(chunk)}`,
      );
    }
    if (
      !(state >= 0 &&
        (state < t.denseLimit
          ? state % t.stride === 0
          : state < t.denseLimit + t.sparseCount && state % 1 === 0))
    ) {
      throw new RangeError(
        `AhoCorasick.scan: ${state} is not a state of this automaton`,
      );
    }
    if (
      t.skipTable === null && t.quadFilter === null && t.sparseCount === 0 &&
      chunk.length >=
        LANES * Math.max(MIN_LANE_BYTES, 4 * t.maxPatternLength) &&
      state < t.denseLimit && !this.#lanes.busy
    ) {
      return searchLanes(
        t,
        this.#lanes,
        t.table,
        t.classes,
        chunk,
        state,
        onMatch,
        offset,
      );
    }
    return search(
      t,
      t.table,
      t.classes,
      chunk,
      state,
      onMatch,
      offset,
    );
  }

  /**
   * Every match in a whole buffer, in end-offset order.
   *
   * @param bytes The haystack.
   * @returns The matches; `end` is the offset just past each match.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build(["aa"]);
   * ac.findAll(new Uint8Array([0x61, 0x61, 0x61])); // [{ pattern: 0, end: 2 }, { pattern: 0, end: 3 }]
   * ```
   */
  findAll(bytes: Uint8Array): Match[] {
    const found: Match[] = [];
    this.scan(bytes, this.#t.startState, (pattern, end) => {
      found.push({ pattern, end });
    });
    return found;
  }

  /**
   * A new streaming searcher positioned at offset 0.
   *
   * @returns A searcher with its own state and offset.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build(["GET /"], { caseInsensitive: true });
   * const flow = ac.stream();
   * flow.write(new TextEncoder().encode("ge"), () => {});
   * flow.write(new TextEncoder().encode("t /index"), (p, end) => console.log(p, end)); // 0 5
   * ```
   */
  stream(): AhoCorasickStream {
    return new AhoCorasickStream(this);
  }
}

/**
 * A per-stream searcher: the automaton's state and the stream offset, so a
 * match split across chunk boundaries is found and reported with its offset
 * in the whole stream. Writing allocates nothing.
 *
 * @example
 * ```ts
 * import { AhoCorasick } from "./mod.ts";
 * const ac = AhoCorasick.build([{ pattern: "220 ", anchored: "start" }, "ESMTP"]);
 * const flow = ac.stream();
 * const seen: Array<[number, number]> = [];
 * for (const part of ["22", "0 mail ES", "MTP ready"]) {
 *   flow.write(new TextEncoder().encode(part), (p, end) => seen.push([p, end]));
 * }
 * // seen is [[0, 4], [1, 14]]
 * ```
 */
export class AhoCorasickStream {
  readonly #ac: AhoCorasick<unknown>;
  #state: number;
  #offset = 0;

  /**
   * A searcher at offset 0 of a new stream; same as `ac.stream()`.
   *
   * @param ac The automaton to search with.
   *
   * @example
   * ```ts
   * import { AhoCorasick, AhoCorasickStream } from "./mod.ts";
   * const flow = new AhoCorasickStream(AhoCorasick.build(["x"]));
   * ```
   */
  constructor(ac: AhoCorasick<unknown>) {
    this.#ac = ac;
    this.#state = ac.startState;
  }

  /**
   * Searches the next chunk of the stream. If `onMatch` throws, the
   * searcher is left as it was before this chunk.
   *
   * @param chunk The next bytes (any length, including 0).
   * @param onMatch Called as `(pattern, end)` with `end` counted from the
   *   start of the stream.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const flow = AhoCorasick.build(["abc"]).stream();
   * flow.write(new Uint8Array([0x61]), () => {});
   * flow.write(new Uint8Array([0x62, 0x63]), (p, end) => console.log(p, end)); // 0 3
   * ```
   */
  write(chunk: Uint8Array, onMatch: MatchHandler): void {
    this.#state = this.#ac.scan(chunk, this.#state, onMatch, this.#offset);
    this.#offset += chunk.length;
  }

  /**
   * Bytes written so far.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const flow = AhoCorasick.build(["x"]).stream();
   * flow.write(new Uint8Array(3), () => {});
   * flow.offset; // 3
   * ```
   */
  get offset(): number {
    return this.#offset;
  }

  /**
   * The automaton state after the bytes written so far (a plain number, see
   * {@linkcode AhoCorasick.scan}).
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build(["x"]);
   * ac.stream().state === ac.startState; // true
   * ```
   */
  get state(): number {
    return this.#state;
  }

  /**
   * Starts a new stream: offset 0, start state.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const flow = AhoCorasick.build(["x"]).stream();
   * flow.write(new Uint8Array(5), () => {});
   * flow.reset();
   * flow.offset; // 0
   * ```
   */
  reset(): void {
    this.#state = this.#ac.startState;
    this.#offset = 0;
  }
}

/**
 * Collects patterns and options, then compiles them with
 * {@linkcode AhoCorasick.build}. Handy when patterns come one by one.
 *
 * @typeParam T The type of the per-pattern tags.
 *
 * @example
 * ```ts
 * import { AhoCorasickBuilder } from "./mod.ts";
 * const ac = new AhoCorasickBuilder<string>({ caseInsensitive: true })
 *   .add("SSH-", { anchored: "start", value: "ssh" })
 *   .add("HTTP/", { value: "http" })
 *   .build();
 * // ac.patternCount is 2
 * ```
 */
export class AhoCorasickBuilder<T = unknown> {
  readonly #patterns: PatternSpec<T>[] = [];
  readonly #options: BuildOptions;

  /**
   * An empty builder.
   *
   * @param options Build options, as for {@linkcode AhoCorasick.build}.
   *
   * @example
   * ```ts
   * import { AhoCorasickBuilder } from "./mod.ts";
   * const builder = new AhoCorasickBuilder({ tableWidth: 32 });
   * ```
   */
  constructor(options: BuildOptions = {}) {
    this.#options = { ...options };
  }

  /**
   * Appends a pattern; its index is the number of patterns added before it.
   *
   * @param pattern A string (UTF-8) or bytes.
   * @param settings Anchoring and the caller's tag.
   * @returns This builder, for chaining.
   *
   * @example
   * ```ts
   * import { AhoCorasickBuilder } from "./mod.ts";
   * const builder = new AhoCorasickBuilder<number>().add("a", { value: 1 }).add("b");
   * ```
   */
  add(
    pattern: string | Uint8Array,
    settings: { anchored?: "start"; value?: T } = {},
  ): this {
    this.#patterns.push({ ...settings, pattern });
    return this;
  }

  /**
   * Compiles the patterns added so far. The builder stays usable.
   *
   * @returns The compiled matcher.
   * @throws The same errors as {@linkcode AhoCorasick.build}.
   *
   * @example
   * ```ts
   * import { AhoCorasickBuilder } from "./mod.ts";
   * const ac = new AhoCorasickBuilder().add("x").build();
   * ```
   */
  build(): AhoCorasick<T> {
    return AhoCorasick.build<T>(this.#patterns, this.#options);
  }
}
