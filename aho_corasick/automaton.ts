import {
  compile,
  type CompiledTables,
  type NormalizedPattern,
} from "./compile.ts";
import { LeftmostFilter } from "./leftmost.ts";
import { adaptiveHint, searchAdaptive } from "./adaptive.ts";
import { depthOf, LaneScratch } from "./search.ts";

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
 * Which matches a search reports (BurntSushi's `MatchKind`):
 *
 * - `"overlapping"` (default): every occurrence of every pattern,
 *   overlapping and nested ones included, in end order (at equal ends,
 *   longest first).
 * - `"leftmost-first"`: non-overlapping matches, as a regex alternation
 *   `p0|p1|...` would find them scanning left to right: the match starting
 *   leftmost wins; among patterns matching there, the first in the build
 *   list; the search resumes at its end.
 * - `"leftmost-longest"`: the same, but among patterns starting at the
 *   leftmost position the longest wins (ties: the first in the list).
 *
 * Streams and leftmost kinds: a leftmost match is reported once no later
 * byte can change it (a longer or earlier-listed pattern could still match
 * from the same start, or one from an earlier start), which may be during
 * a later write than the one holding its last byte, or at
 * {@linkcode AhoCorasickStream.finish} when the stream ends. The matches
 * and their ends are the same whatever the chunking.
 * {@linkcode AhoCorasick.scan} is the raw automaton and always reports
 * overlapping matches.
 *
 * @example
 * ```ts
 * import { AhoCorasick, type MatchKind } from "./mod.ts";
 * const kind: MatchKind = "leftmost-first";
 * const ac = AhoCorasick.build(["Sam", "Samwise"], { matchKind: kind });
 * ac.findAll(new TextEncoder().encode("Samwise")); // [{ pattern: 0, end: 3 }]
 * ```
 */
export type MatchKind = "overlapping" | "leftmost-first" | "leftmost-longest";

/**
 * Per-search options for {@linkcode AhoCorasick.findAll} and
 * {@linkcode AhoCorasick.stream}.
 *
 * @example
 * ```ts
 * import { AhoCorasick, type SearchOptions } from "./mod.ts";
 * const options: SearchOptions = { anchored: true };
 * const ac = AhoCorasick.build(["ab", "b"]);
 * ac.findAll(new TextEncoder().encode("abab"), options); // [{ pattern: 0, end: 2 }]
 * ```
 */
export interface SearchOptions {
  /**
   * Anchored search: only matches starting at offset 0 of the buffer (or
   * stream) are reported, like Rust aho-corasick 0.7's `anchored(true)`.
   * With a leftmost kind that is at most one match. Default false.
   */
  anchored?: boolean;
}

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
  /**
   * Which matches {@linkcode AhoCorasick.findAll} and streams report:
   * `"overlapping"` (default), `"leftmost-first"` or `"leftmost-longest"`
   * (see {@linkcode MatchKind}).
   */
  matchKind?: MatchKind;
  /**
   * Let small unanchored sets (up to 32 patterns, or 128 of 4 bytes or
   * more) find candidate starts
   * with the WebAssembly SIMD128 finder where the runtime has it (Deno,
   * Node, browsers); `false` keeps the pure-TypeScript prefilter. Results
   * are identical either way. Default true; ignored with `prefilter: false`.
   */
  simd?: boolean;
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

/** A stream's leftmost/anchored filter, or null when it reports raw overlapping matches. */
let filterFor!: (
  ac: AhoCorasick<unknown>,
  anchored: boolean,
) => LeftmostFilter | null;

/** The trie depth of one of `ac`'s states. */
let stateDepth!: (ac: AhoCorasick<unknown>, state: number) => number;

/** `AhoCorasick`'s search with a stream's prefilter hint (set in its static block). */
let scanHinted!: (
  ac: AhoCorasick<unknown>,
  chunk: Uint8Array,
  state: number,
  onMatch: MatchHandler,
  offset: number,
  hint: number,
) => number;

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
  readonly #kind: MatchKind;

  private constructor(
    tables: CompiledTables,
    lengths: Int32Array,
    values: (T | undefined)[],
    kind: MatchKind,
  ) {
    this.#t = tables;
    this.#lengths = lengths;
    this.#values = values;
    this.#kind = kind;
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
      matchKind = "overlapping",
      simd = true,
    } = options;
    if (
      matchKind !== "overlapping" && matchKind !== "leftmost-first" &&
      matchKind !== "leftmost-longest"
    ) {
      throw new TypeError(
        `AhoCorasick.build: matchKind must be "overlapping", "leftmost-first" or "leftmost-longest", got ${
          String(matchKind)
        }`,
      );
    }
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
      simd: simd !== false,
    });
    return new AhoCorasick<T>(tables, lengths, values, matchKind);
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
      (t.quadFilter?.byteLength ?? 0) + (t.teddy?.memoryBytes ?? 0) +
      (t.flatStart?.byteLength ?? 0) + (t.flatOutputs?.byteLength ?? 0) +
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
   * The match kind this automaton was built with (see
   * {@linkcode MatchKind}).
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["a"]).matchKind; // "overlapping"
   * ```
   */
  get matchKind(): MatchKind {
    return this.#kind;
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
    return this.#t.skipTable !== null || this.#t.quadFilter !== null ||
      this.#t.teddy !== null;
  }

  /**
   * Whether searches use the WebAssembly SIMD128 candidate finder (see
   * {@linkcode BuildOptions.simd}).
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * AhoCorasick.build(["needle"], { simd: false }).simd; // false
   * ```
   */
  get simd(): boolean {
    return this.#t.teddy !== null;
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
   * {@linkcode AhoCorasick.startState}. It always reports overlapping
   * matches, whatever the {@linkcode BuildOptions.matchKind}: the leftmost
   * kinds need a stream's extra state (use {@linkcode AhoCorasick.stream}).
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
    return this.#search(chunk, state, onMatch, offset, 0);
  }

  /** The adaptive search; `hint` and {@linkcode adaptiveHint} carry the prefilter mode. */
  #search(
    chunk: Uint8Array,
    state: number,
    onMatch: MatchHandler,
    offset: number,
    hint: number,
  ): number {
    return searchAdaptive(
      this.#t,
      this.#lanes,
      chunk,
      state,
      onMatch,
      offset,
      hint,
    );
  }

  static {
    // Streams resume the prefilter mode of their previous write.
    scanHinted = (ac, chunk, state, onMatch, offset, hint) =>
      ac.#search(chunk, state, onMatch, offset, hint);
    filterFor = (ac, anchored) =>
      ac.#kind === "overlapping" && !anchored ? null : new LeftmostFilter(
        ac.#lengths,
        ac.#t.maxPatternLength,
        ac.#kind === "overlapping" ? null : ac.#kind,
        anchored,
      );
    stateDepth = (ac, state) => depthOf(ac.#t, state);
  }

  /**
   * Every match in a whole buffer, in end-offset order, of the automaton's
   * {@linkcode BuildOptions.matchKind}.
   *
   * @param bytes The haystack.
   * @param options `anchored: true` keeps only matches starting at 0.
   * @returns The matches; `end` is the offset just past each match.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build(["aa"]);
   * ac.findAll(new Uint8Array([0x61, 0x61, 0x61])); // [{ pattern: 0, end: 2 }, { pattern: 0, end: 3 }]
   * const longest = AhoCorasick.build(["a", "aa"], { matchKind: "leftmost-longest" });
   * longest.findAll(new Uint8Array([0x61, 0x61, 0x61])); // [{ pattern: 1, end: 2 }, { pattern: 0, end: 3 }]
   * ```
   */
  findAll(bytes: Uint8Array, options: SearchOptions = {}): Match[] {
    const found: Match[] = [];
    const collect = (pattern: number, end: number): void => {
      found.push({ pattern, end });
    };
    if (this.#kind === "overlapping" && !options.anchored) {
      this.scan(bytes, this.#t.startState, collect);
      return found;
    }
    const flow = this.stream(options);
    flow.write(bytes, collect);
    flow.finish(collect);
    return found;
  }

  /**
   * A new streaming searcher positioned at offset 0, reporting the
   * automaton's {@linkcode BuildOptions.matchKind}.
   *
   * @param options `anchored: true` keeps only matches starting at stream
   *   offset 0.
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
  stream(options: SearchOptions = {}): AhoCorasickStream {
    return new AhoCorasickStream(this, options);
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
  /** The prefilter mode carried between writes (speed only; see search.ts). */
  #hint = 0;
  /** Leftmost kinds and anchored search: the match filter, else null. */
  readonly #filter: LeftmostFilter | null;

  /**
   * A searcher at offset 0 of a new stream; same as `ac.stream()`.
   *
   * @param ac The automaton to search with.
   * @param options Anchored search or not (see {@linkcode SearchOptions}).
   *
   * @example
   * ```ts
   * import { AhoCorasick, AhoCorasickStream } from "./mod.ts";
   * const flow = new AhoCorasickStream(AhoCorasick.build(["x"]));
   * const anchored = new AhoCorasickStream(AhoCorasick.build(["x"]), { anchored: true });
   * ```
   */
  constructor(ac: AhoCorasick<unknown>, options: SearchOptions = {}) {
    this.#ac = ac;
    this.#state = ac.startState;
    this.#filter = filterFor(ac, options.anchored === true);
  }

  /**
   * Searches the next chunk of the stream. If `onMatch` throws, the
   * searcher is left as it was before this chunk (with a leftmost kind or
   * anchored search, `reset` it: matches already reported stay reported).
   * With a leftmost kind, a match is reported once it is decided, which
   * can be during a later write (see {@linkcode MatchKind}); call
   * {@linkcode AhoCorasickStream.finish} at the end of the stream.
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
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(
        `AhoCorasickStream.write: chunk must be a Uint8Array, got ${
          describe(chunk)
        }`,
      );
    }
    const filter = this.#filter;
    if (filter !== null) filter.emit = onMatch;
    this.#state = scanHinted(
      this.#ac,
      chunk,
      this.#state,
      filter === null ? onMatch : filter.onOverlapping,
      this.#offset,
      this.#hint,
    );
    this.#hint = adaptiveHint;
    this.#offset += chunk.length;
    filter?.settle(this.#offset, stateDepth(this.#ac, this.#state));
  }

  /**
   * Ends the stream: reports the leftmost matches still held back because
   * more bytes could have changed them. Nothing to do for overlapping
   * matches. Writing afterwards continues the stream as if the matches
   * reported here were final.
   *
   * @param onMatch Called as for {@linkcode AhoCorasickStream.write}.
   *
   * @example
   * ```ts
   * import { AhoCorasick } from "./mod.ts";
   * const ac = AhoCorasick.build(["ab", "abcd"], { matchKind: "leftmost-longest" });
   * const flow = ac.stream();
   * flow.write(new TextEncoder().encode("xabc"), (p, end) => console.log(p, end)); // nothing yet: "abcd" may follow
   * flow.finish((p, end) => console.log(p, end)); // 0 3
   * ```
   */
  finish(onMatch: MatchHandler): void {
    const filter = this.#filter;
    if (filter === null) return;
    filter.emit = onMatch;
    filter.finish(this.#offset);
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
    this.#hint = 0;
    this.#filter?.reset();
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
