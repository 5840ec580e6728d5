/**
 * The compiler behind {@linkcode AhoCorasick.build}: patterns in, flat typed
 * arrays out. Nothing here is exported from the package; `automaton.ts` owns
 * the public surface.
 *
 * Pipeline (each step is O(total pattern length) or O(states × classes)):
 *
 * 1. Byte classes. Every byte that occurs in some (case-folded) pattern gets a
 *    class of its own; all other bytes share one class. That partition is the
 *    coarsest one that keeps the DFA exact (two distinct pattern bytes always
 *    lead somewhere different from the trie node just before them), so it is
 *    the best alphabet compression there is for this automaton.
 * 2. A sparse trie with two roots: the *unanchored root* for ordinary
 *    patterns and, when some pattern is `anchored: "start"`, an *anchored
 *    root* that the stream starts in. Anchored nodes fail into the unanchored
 *    trie, so from offset 0 both kinds are tracked by one state.
 * 3. Failure links in breadth-first order (unanchored trie first: anchored
 *    nodes fail into it), the output flag of each node (its own patterns or
 *    any failure ancestor's) and a dictionary link to the next ancestor that
 *    has patterns of its own (reporting walks that chain; flattening it
 *    could be quadratic for nested patterns such as `a`, `aa`, `aaa`, ...).
 * 4. Dense depth and numbering. States up to `denseDepth` (by default as
 *    deep as fits a cache-sized budget) are *dense*: a full row each. Deeper
 *    states are *sparse*: their trie edges plus a failure link. Dense ids
 *    are premultiplied by the row width, so the search step is
 *    `state = table[state + class]`; non-matching dense states come first,
 *    so "anything special?" (a match, or a sparse state) is the single
 *    comparison `state >= plainLimit`. Sparse ids follow the dense ones.
 * 5. Dense rows, filled in breadth-first order: a row starts as a copy of
 *    its failure state's row (final already, being shallower) and its trie
 *    children are written over it.
 * 6. The skip prefilter: a 64 KiB table over byte pairs telling whether a
 *    pair can start a pattern, and whether it occurs anywhere in the first
 *    `skipWindow` bytes of a pattern. While the automaton sits in its root,
 *    one pair that occurs nowhere clears `skipWindow - 1` start positions.
 *
 * @module
 */

import { buildTeddy, type Teddy } from "./teddy.ts";

/** A pattern after validation: bytes, anchoring and the caller's tag. */
export interface NormalizedPattern {
  /** The pattern's bytes (UTF-8 for strings), never empty. */
  bytes: Uint8Array;
  /** Whether the pattern only matches at stream offset 0. */
  anchoredStart: boolean;
}

/** What the compiler needs besides the patterns. */
export interface CompileOptions {
  /** Fold ASCII letters in patterns and haystacks. */
  caseInsensitive: boolean;
  /** Table element width: 16 on request, else 32 (0 = default). */
  tableWidth: 0 | 16 | 32;
  /** "auto": use the pair prefilter when it rejects most positions. */
  prefilter: "auto" | "on" | "off";
  /** Deepest dense trie depth, or -1 to fit a cache-sized budget. */
  denseDepth: number;
  /** Use the WebAssembly SIMD128 candidate finder where it runs. */
  simd: boolean;
}

/** The compiled automaton: everything the search loop reads. */
export interface CompiledTables {
  /** Byte -> column (class id), 256 entries. */
  classes: Uint8Array;
  /** Row width: the number of byte classes. */
  stride: number;
  /**
   * `1 / stride`: a matching dense state's match index is
   * `((id - plainLimit) * rowScale + 0.5) | 0`, a multiply instead of a
   * division on the match path (exact: ids are whole multiples of stride).
   */
  rowScale: number;
  /** Dense rows, `stride` entries each, holding next-state ids. */
  table: Uint16Array | Int32Array;
  /** Ids below this are dense non-matching states; at or above, special. */
  plainLimit: number;
  /** Ids below this are dense (premultiplied); at or above, sparse. */
  denseLimit: number;
  /** Deepest trie depth stored as dense rows. */
  denseDepth: number;
  /** Number of sparse states. */
  sparseCount: number;
  /** Per sparse state: the id of its failure state. */
  sparseFail: Int32Array;
  /** Per sparse state: its match index, or -1 if it matches nothing. */
  sparseMatch: Int32Array;
  /** Per sparse state (and one past the last): first edge in the edge arrays. */
  sparseEdgeStart: Int32Array;
  /** Sparse trie edges: byte class. */
  sparseEdgeClass: Uint8Array;
  /** Sparse trie edges: target state id. */
  sparseEdgeTarget: Int32Array;
  /** The state a stream starts in (the anchored root when there is one). */
  startState: number;
  /** Number of states, dense and sparse. */
  stateCount: number;
  /**
   * Trie depth of every state (dense ones by row, `id / stride`, then
   * sparse ones): the length of the longest stream suffix that is a
   * pattern prefix, so no later match starts before `offset - depth`.
   */
  stateDepth: Int32Array;
  /**
   * Per match index (dense matching states first, as
   * `(id - plainLimit) / stride`, then sparse ones): first own pattern in
   * `outputs`.
   */
  outputStart: Int32Array;
  /** Per match index: one past its last own pattern in `outputs`. */
  outputEnd: Int32Array;
  /** Per match index: the next match index on the failure chain that has own patterns, or -1. */
  outputLink: Int32Array;
  /** Pattern indexes, grouped by state, ascending within a group. */
  outputs: Int32Array;
  /**
   * Per match index: its only pattern when it reports exactly one (no
   * other own pattern, no dictionary link), else -1 (the reporting fast
   * path for match-dense input).
   */
  singleOutput: Int32Array;
  /**
   * Per match index m, `flatOutputs[flatStart[m] .. flatStart[m + 1])`:
   * every pattern it reports (its own, then the dictionary chain's), so
   * reporting walks no links. Null when that would exceed
   * {@linkcode FLAT_BUDGET} entries (deeply nested sets).
   */
  flatStart: Int32Array | null;
  /** See {@linkcode CompiledTables.flatStart}. */
  flatOutputs: Int32Array | null;
  /**
   * Byte pair `b0 | b1 << 8` -> bit 0: a pattern starts with it; bit 1: it
   * occurs in the first `skipWindow` bytes of some pattern. Null when the
   * prefilter is off.
   */
  skipTable: Uint8Array | null;
  /** Bytes of each pattern's start the skip table covers (2 to 8), 0 if off. */
  skipWindow: number;
  /**
   * For big sets whose byte pairs are too common: a bit per hash of a
   * pattern's first 4 bytes (see {@linkcode quadHash}), or null.
   */
  quadFilter: Uint8Array | null;
  /**
   * Ids below this are the root and the non-matching depth-1 unanchored
   * states: a search in one of them may restart skipping one byte back.
   */
  shallowLimit: number;
  /** Length of the longest pattern. */
  maxPatternLength: number;
  /** The SIMD candidate finder for small unanchored sets, or null. */
  teddy: Teddy | null;
}

/** The most states × classes a 16-bit table can address. */
const U16_LIMIT = 0x10000;
/** Premultiplied ids must stay positive int32s (they index a typed array). */
const I32_LIMIT = 0x7fffffff;
/** Dense rows are added depth by depth while they stay under this many entries (8 MiB of int32: 10,000 English words fit whole). */
const DENSE_BUDGET_ENTRIES = 1 << 21;
/** With "auto", no prefilter when more than this share of byte pairs start a pattern. */
const START_MAX_DENSITY = 1 / 8;
/** A skip window is used when at most this share of byte pairs occur in it. */
const WINDOW_MAX_DENSITY = 1 / 64;
/** Longest skip window tried. */
const MAX_WINDOW = 8;
/** log2 of the quad filter's bit count (128 KiB of bits). */
export const QUAD_BITS = 20;
/** Most entries the flattened report lists may hold (4 MiB of int32). */
const FLAT_BUDGET = 1 << 20;
/** A quad filter is used when at most this share of its bits are set. */
const QUAD_MAX_DENSITY = 1 / 16;

/**
 * The quad filter's hash of 4 bytes read little-endian into `word`:
 * Fibonacci hashing, the top {@linkcode QUAD_BITS} bits of a multiply.
 */
export function quadHash(word: number): number {
  return Math.imul(word, 0x9e3779b1) >>> (32 - QUAD_BITS);
}

const NONE = -1;

/** ASCII lower-casing, the only folding `caseInsensitive` does. */
function foldByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/** Compiles validated patterns into search tables. */
export function compile(
  patterns: readonly NormalizedPattern[],
  options: CompileOptions,
): CompiledTables {
  const fold = options.caseInsensitive;

  // --- 1. Byte classes -----------------------------------------------------
  const used = new Uint8Array(256);
  let totalLength = 0;
  let maxPatternLength = 0;
  let anyAnchored = false;
  for (const p of patterns) {
    const bytes = p.bytes;
    totalLength += bytes.length;
    if (bytes.length > maxPatternLength) maxPatternLength = bytes.length;
    if (p.anchoredStart) anyAnchored = true;
    for (let i = 0; i < bytes.length; i++) {
      used[fold ? foldByte(bytes[i]) : bytes[i]] = 1;
    }
  }
  const classes = new Uint8Array(256);
  let stride = 0;
  for (let b = 0; b < 256; b++) if (used[b]) classes[b] = stride++;
  if (stride < 256) {
    // One shared class for every byte no pattern mentions.
    const other = stride++;
    for (let b = 0; b < 256; b++) if (!used[b]) classes[b] = other;
  }
  if (fold) {
    // Upper-case letters behave exactly like their lower-case forms.
    for (let b = 0x41; b <= 0x5a; b++) classes[b] = classes[b | 0x20];
  }

  // --- 2. Sparse trie ------------------------------------------------------
  // Node 0 is the unanchored root; node 1 the anchored root when needed.
  const capacity = totalLength + 2;
  const firstChild = new Int32Array(capacity).fill(NONE);
  const nextSibling = new Int32Array(capacity).fill(NONE);
  const edgeClass = new Int32Array(capacity);
  const depth = new Int32Array(capacity);
  // Own patterns of a node: a singly linked list through `patternNext`,
  // kept in ascending pattern order by appending at the tail.
  const ownHead = new Int32Array(capacity).fill(NONE);
  const ownTail = new Int32Array(capacity).fill(NONE);
  const patternNext = new Int32Array(patterns.length).fill(NONE);
  // The unanchored root's children are looked up constantly (every pattern
  // starts there, and failure walks end there): give it a dense row.
  const rootChild = new Int32Array(stride).fill(NONE);
  const UNANCHORED_ROOT = 0;
  const ANCHORED_ROOT = 1;
  let nodeCount = anyAnchored ? 2 : 1;

  const childOf = (node: number, cls: number): number => {
    if (node === UNANCHORED_ROOT) return rootChild[cls];
    for (let c = firstChild[node]; c !== NONE; c = nextSibling[c]) {
      if (edgeClass[c] === cls) return c;
    }
    return NONE;
  };

  for (let index = 0; index < patterns.length; index++) {
    const p = patterns[index];
    let node = p.anchoredStart ? ANCHORED_ROOT : UNANCHORED_ROOT;
    for (let i = 0; i < p.bytes.length; i++) {
      const cls = classes[p.bytes[i]];
      let child = childOf(node, cls);
      if (child === NONE) {
        child = nodeCount++;
        edgeClass[child] = cls;
        depth[child] = depth[node] + 1;
        nextSibling[child] = firstChild[node];
        firstChild[node] = child;
        if (node === UNANCHORED_ROOT) rootChild[cls] = child;
      }
      node = child;
    }
    if (ownHead[node] === NONE) ownHead[node] = index;
    else patternNext[ownTail[node]] = index;
    ownTail[node] = index;
  }

  // --- 3. Failure links, output flags, dictionary links (BFS) --------------
  const fail = new Int32Array(nodeCount);
  const isMatch = new Uint8Array(nodeCount);
  // Nearest proper failure ancestor with own patterns (node id or NONE).
  const dictLink = new Int32Array(nodeCount).fill(NONE);
  const order = new Int32Array(nodeCount);
  let head = 0;
  let tail = 0;

  // The automaton's transition for a node whose failure chain is complete:
  // the trie child if there is one, else the failure state's transition.
  const delta = (node: number, cls: number): number => {
    for (;;) {
      const child = childOf(node, cls);
      if (child !== NONE) return child;
      if (node === UNANCHORED_ROOT) return UNANCHORED_ROOT;
      node = fail[node];
    }
  };

  const visit = (child: number, failure: number): void => {
    fail[child] = failure;
    dictLink[child] = ownHead[failure] !== NONE ? failure : dictLink[failure];
    isMatch[child] = ownHead[child] !== NONE || isMatch[failure] ? 1 : 0;
    order[tail++] = child;
  };

  order[tail++] = UNANCHORED_ROOT;
  while (head < tail) {
    const node = order[head++];
    for (let c = firstChild[node]; c !== NONE; c = nextSibling[c]) {
      visit(
        c,
        node === UNANCHORED_ROOT
          ? UNANCHORED_ROOT
          : delta(fail[node], edgeClass[c]),
      );
    }
  }
  if (anyAnchored) {
    // The anchored root behaves as the unanchored root plus its own
    // children; an anchored node for string s fails to the unanchored
    // state for s, so unanchored patterns starting at offset 0 are seen.
    fail[ANCHORED_ROOT] = UNANCHORED_ROOT;
    order[tail++] = ANCHORED_ROOT;
    while (head < tail) {
      const node = order[head++];
      for (let c = firstChild[node]; c !== NONE; c = nextSibling[c]) {
        visit(c, delta(fail[node], edgeClass[c]));
      }
    }
  }

  // --- 4. Dense depth and state numbering ---------------------------------
  // Shallow states are visited all the time and get full rows; deep states
  // are rare on most inputs and, for big pattern sets, far more numerous,
  // so past `denseDepth` they keep only their trie edges and a failure link
  // (a sparse state). This bounds the table to a cache-friendly size.
  let maxDepth = 0;
  for (let n = 0; n < nodeCount; n++) {
    if (depth[n] > maxDepth) maxDepth = depth[n];
  }
  let denseDepth = options.denseDepth;
  if (denseDepth < 0) {
    const atDepth = new Int32Array(maxDepth + 1);
    for (let n = 0; n < nodeCount; n++) atDepth[depth[n]]++;
    let rows = 0;
    denseDepth = maxDepth;
    for (let d = 0; d <= maxDepth; d++) {
      rows += atDepth[d];
      if (d >= 1 && rows * stride > DENSE_BUDGET_ENTRIES) {
        denseDepth = d - 1;
        break;
      }
    }
  }
  if (denseDepth > maxDepth) denseDepth = maxDepth;
  let plainCount = 0;
  let denseMatchCount = 0;
  let sparseCount = 0;
  let sparseMatchCount = 0;
  for (let n = 0; n < nodeCount; n++) {
    if (depth[n] > denseDepth) {
      sparseCount++;
      sparseMatchCount += isMatch[n];
    } else if (isMatch[n]) denseMatchCount++;
    else plainCount++;
  }
  const denseCount = plainCount + denseMatchCount;
  const plainLimit = plainCount * stride;
  const denseLimit = denseCount * stride;
  const entries = denseCount * stride;
  // Largest value stored in the table: a sparse id, or the last dense id.
  const maxId = sparseCount > 0
    ? denseLimit + sparseCount - 1
    : denseLimit - stride;
  // Dense ids are premultiplied row offsets; sparse ids follow them and
  // count one by one. Each group is in breadth-first order.
  const stateOf = new Int32Array(nodeCount);
  // Match index (for the output arrays) of every node, NONE if none.
  const matchOf = new Int32Array(nodeCount).fill(NONE);
  {
    let plain = 0;
    let denseMatch = plainCount;
    let sparse = 0;
    let match = 0;
    let sparseMatch = denseMatchCount;
    for (let k = 0; k < nodeCount; k++) {
      const n = order[k];
      if (depth[n] > denseDepth) {
        stateOf[n] = denseLimit + sparse++;
        if (isMatch[n]) matchOf[n] = sparseMatch++;
      } else if (isMatch[n]) {
        stateOf[n] = denseMatch++ * stride;
        matchOf[n] = match++;
      } else {
        stateOf[n] = plain++ * stride;
      }
    }
  }
  // 32-bit unless asked: one element type across every automaton in the
  // process keeps the search loop monomorphic for the JIT, which is worth
  // more than the smaller table (a table that fits 16 bits is at most
  // 256 KiB at 32).
  const width = options.tableWidth === 16 ? 16 : 32;
  if (width === 16 && maxId >= U16_LIMIT) {
    throw new RangeError(
      `AhoCorasick: ${nodeCount} states (${denseCount} dense × ${stride} byte classes, ${sparseCount} sparse) need state ids up to ${maxId}, more than a 16-bit table holds (${
        U16_LIMIT - 1
      }); use tableWidth: 32`,
    );
  }
  if (maxId > I32_LIMIT) {
    throw new RangeError(
      `AhoCorasick: ${nodeCount} states (${denseCount} dense × ${stride} byte classes) exceed the 32-bit table limit; lower denseDepth or split the pattern set`,
    );
  }

  const stateDepth = new Int32Array(denseCount + sparseCount);
  for (let n = 0; n < nodeCount; n++) {
    const id = stateOf[n];
    stateDepth[
      depth[n] > denseDepth ? denseCount + id - denseLimit : id / stride
    ] = depth[n];
  }

  // --- 5. Dense rows and sparse states -------------------------------------
  const table = width === 16
    ? new Uint16Array(entries)
    : new Int32Array(entries);
  const sparseFail = new Int32Array(sparseCount);
  const sparseMatch = new Int32Array(sparseCount).fill(NONE);
  const sparseEdgeStart = new Int32Array(sparseCount + 1);
  let edgeTotal = 0;
  for (let n = 0; n < nodeCount; n++) {
    if (depth[n] <= denseDepth) continue;
    for (let c = firstChild[n]; c !== NONE; c = nextSibling[c]) edgeTotal++;
  }
  const sparseEdgeClass = new Uint8Array(edgeTotal);
  const sparseEdgeTarget = new Int32Array(edgeTotal);
  let edgeCursor = 0;
  for (let k = 0; k < nodeCount; k++) {
    const n = order[k];
    const id = stateOf[n];
    if (depth[n] > denseDepth) {
      const j = id - denseLimit;
      sparseFail[j] = stateOf[fail[n]];
      sparseMatch[j] = matchOf[n];
      sparseEdgeStart[j] = edgeCursor;
      for (let c = firstChild[n]; c !== NONE; c = nextSibling[c]) {
        sparseEdgeClass[edgeCursor] = edgeClass[c];
        sparseEdgeTarget[edgeCursor++] = stateOf[c];
      }
      continue;
    }
    if (n !== UNANCHORED_ROOT) {
      // Every byte without a trie edge goes where the failure state's does;
      // that row is final already, the failure state being shallower. (The
      // root's row stays all zeros: state 0 is the root itself.)
      const from = stateOf[fail[n]];
      table.copyWithin(id, from, from + stride);
    }
    for (let c = firstChild[n]; c !== NONE; c = nextSibling[c]) {
      table[id + edgeClass[c]] = stateOf[c];
    }
  }
  // BFS order puts a sparse state's index after all shallower ones, so the
  // edge ranges were filled in index order.
  sparseEdgeStart[sparseCount] = edgeCursor;

  // Outputs, indexed by match index.
  const matchCount = denseMatchCount + sparseMatchCount;
  const outputStart = new Int32Array(matchCount);
  const outputEnd = new Int32Array(matchCount);
  const outputLink = new Int32Array(matchCount).fill(NONE);
  // A pattern is listed by its own node and, at most once more, by the
  // anchored node for the same bytes (see below).
  let outputs = new Int32Array(patterns.length * 2);
  {
    let cursor = 0;
    for (let k = 0; k < nodeCount; k++) {
      const n = order[k];
      const m = matchOf[n];
      if (m === NONE) continue;
      outputStart[m] = cursor;
      for (let p = ownHead[n]; p !== NONE; p = patternNext[p]) {
        outputs[cursor++] = p;
      }
      let link = dictLink[n];
      if (link !== NONE && link === fail[n] && depth[link] === depth[n]) {
        // An anchored node failing to the unanchored node for the very same
        // bytes: both lists end here with equal length, so report them as
        // one group in build order, like any other duplicates.
        for (let p = ownHead[link]; p !== NONE; p = patternNext[p]) {
          outputs[cursor++] = p;
        }
        outputs.subarray(outputStart[m], cursor).sort();
        link = dictLink[link];
      }
      outputEnd[m] = cursor;
      if (link !== NONE) outputLink[m] = matchOf[link];
    }
    outputs = outputs.slice(0, cursor);
  }
  const singleOutput = new Int32Array(matchCount).fill(NONE);
  for (let m = 0; m < matchCount; m++) {
    if (outputEnd[m] - outputStart[m] === 1 && outputLink[m] === NONE) {
      singleOutput[m] = outputs[outputStart[m]];
    }
  }
  const [flatStart, flatOutputs] = flatten(
    outputStart,
    outputEnd,
    outputLink,
    outputs,
  );

  // --- 6. Skip prefilter ---------------------------------------------------
  const skip = options.prefilter === "off" ? null : buildSkip(
    patterns,
    classes,
    stride,
    options.prefilter === "on",
  );
  const [skipTable, skipWindow] = skip ?? [null, 0];
  const quadFilter = options.prefilter === "off" || skip !== null
    ? null
    : buildQuad(patterns, classes, stride);
  let shallowLimit = stride;
  for (let c = firstChild[UNANCHORED_ROOT]; c !== NONE; c = nextSibling[c]) {
    if (!isMatch[c] && depth[c] <= denseDepth) {
      shallowLimit = Math.max(shallowLimit, stateOf[c] + stride);
    }
  }

  const teddy = options.prefilter === "off" || !options.simd
    ? null
    : buildTeddy(
      patterns.filter((p) => !p.anchoredStart).map((p) => p.bytes),
      fold,
    );

  return {
    teddy,
    classes,
    stride,
    rowScale: 1 / stride,
    table,
    plainLimit,
    denseLimit,
    denseDepth,
    sparseCount,
    sparseFail,
    sparseMatch,
    sparseEdgeStart,
    sparseEdgeClass,
    sparseEdgeTarget,
    startState: anyAnchored ? stateOf[ANCHORED_ROOT] : stateOf[UNANCHORED_ROOT],
    stateCount: nodeCount,
    stateDepth,
    outputStart,
    outputEnd,
    outputLink,
    outputs,
    singleOutput,
    flatStart,
    flatOutputs,
    skipTable,
    skipWindow,
    quadFilter,
    shallowLimit,
    maxPatternLength,
  };
}

/**
 * The flattened report lists, or nulls over budget. A dictionary link
 * always points to a smaller match index (a shallower state, numbered
 * earlier), so one pass in index order finds every list's length.
 */
function flatten(
  outputStart: Int32Array,
  outputEnd: Int32Array,
  outputLink: Int32Array,
  outputs: Int32Array,
): [Int32Array, Int32Array] | [null, null] {
  const count = outputStart.length;
  const start = new Int32Array(count + 1);
  const length = new Int32Array(count);
  let total = 0;
  for (let m = 0; m < count; m++) {
    const link = outputLink[m];
    if (link >= m) return [null, null];
    length[m] = outputEnd[m] - outputStart[m] +
      (link === NONE ? 0 : length[link]);
    start[m] = total;
    total += length[m];
    if (total > FLAT_BUDGET) return [null, null];
  }
  start[count] = total;
  const flat = new Int32Array(total);
  for (let m = 0; m < count; m++) {
    let at = start[m];
    for (let j = outputStart[m]; j < outputEnd[m]; j++) flat[at++] = outputs[j];
    const link = outputLink[m];
    if (link !== NONE) flat.copyWithin(at, start[link], start[link + 1]);
  }
  return [start, flat];
}

/**
 * Builds the skip table for the unanchored patterns (anchored ones only
 * matter at offset 0, which the DFA handles). Returns null when the table
 * would rarely let the search skip.
 */
function buildSkip(
  patterns: readonly NormalizedPattern[],
  classes: Uint8Array,
  stride: number,
  force: boolean,
): [Uint8Array, number] | null {
  let minLength = Infinity;
  for (const p of patterns) {
    if (!p.anchoredStart && p.bytes.length < minLength) {
      minLength = p.bytes.length;
    }
  }
  if (minLength === Infinity) {
    // Only anchored patterns: after offset 0 nothing can match at all.
    return [new Uint8Array(0x10000), 2];
  }
  // Bytes of each class, so case-folded classes expand to every spelling.
  const start = new Int32Array(stride + 1);
  for (let b = 0; b < 256; b++) start[classes[b] + 1]++;
  for (let c = 0; c < stride; c++) start[c + 1] += start[c];
  const bytes = new Uint8Array(256);
  const fill = start.slice(0, stride);
  for (let b = 0; b < 256; b++) bytes[fill[classes[b]]++] = b;

  const table = new Uint8Array(0x10000);
  let marked = 0;
  const mark = (c0: number, c1: number, bit: number): void => {
    for (let i = start[c0]; i < start[c0 + 1]; i++) {
      const b0 = bytes[i];
      for (let j = start[c1]; j < start[c1 + 1]; j++) {
        const pair = b0 | (bytes[j] << 8);
        if ((table[pair] & 2) === 0) marked++;
        table[pair] |= bit;
      }
    }
  };
  const markWindow = (window: number): void => {
    table.fill(0);
    marked = 0;
    for (const p of patterns) {
      if (p.anchoredStart) continue;
      const b = p.bytes;
      if (b.length === 1) {
        // A one-byte pattern starts any pair it begins.
        for (let c1 = 0; c1 < stride; c1++) mark(classes[b[0]], c1, 3);
        continue;
      }
      mark(classes[b[0]], classes[b[1]], 3);
      for (let q = 1; q + 1 < window; q++) {
        mark(classes[b[q]], classes[b[q + 1]], 2);
      }
    }
  };
  // The longest window whose pairs are still rare skips the most.
  for (let w = Math.min(minLength, MAX_WINDOW); w > 2; w--) {
    markWindow(w);
    if (marked <= 0x10000 * WINDOW_MAX_DENSITY) return [table, w];
  }
  markWindow(2);
  if (force || marked <= 0x10000 * START_MAX_DENSITY) return [table, 2];
  return null;
}

/**
 * Builds the quad filter: one bit per hash of the first 4 bytes of every
 * unanchored pattern, in every case spelling. Null when some unanchored
 * pattern is shorter than 4 bytes, or too many bits would be set.
 */
function buildQuad(
  patterns: readonly NormalizedPattern[],
  classes: Uint8Array,
  stride: number,
): Uint8Array | null {
  const spellings: number[][] = Array.from({ length: stride }, () => []);
  for (let b = 0; b < 256; b++) spellings[classes[b]].push(b);
  const bits = new Uint8Array(1 << (QUAD_BITS - 3));
  let set = 0;
  let any = false;
  for (const p of patterns) {
    if (p.anchoredStart) continue;
    if (p.bytes.length < 4) return null;
    any = true;
    const [s0, s1, s2, s3] = [0, 1, 2, 3].map((q) =>
      spellings[classes[p.bytes[q]]]
    );
    for (const b0 of s0) {
      for (const b1 of s1) {
        for (const b2 of s2) {
          for (const b3 of s3) {
            const h = quadHash(b0 | (b1 << 8) | (b2 << 16) | (b3 << 24));
            if ((bits[h >>> 3] & (1 << (h & 7))) === 0) {
              bits[h >>> 3] |= 1 << (h & 7);
              set++;
            }
          }
        }
      }
    }
  }
  if (!any || set > (1 << QUAD_BITS) * QUAD_MAX_DENSITY) return null;
  return bits;
}
