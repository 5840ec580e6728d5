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
 * 4. State numbering: non-matching states first, then matching states, each
 *    group in breadth-first order. A state id is premultiplied by the row
 *    width, so the search loop is `state = table[state + class]` and
 *    "is this a match?" is the single comparison `state >= matchLimit`.
 * 5. The dense table, filled in breadth-first order: a row starts as a copy
 *    of its failure state's row (already final, being shallower) and its trie
 *    children are written over it.
 * 6. The prefilter: a 64 KiB table over byte pairs that says whether a match
 *    can start at a position, used while the automaton sits in its
 *    unanchored root state.
 *
 * @module
 */

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
  /** 16 or 32 to force a table element width, 0 for the narrowest fit. */
  tableWidth: 0 | 16 | 32;
  /** "auto": use the pair prefilter when it rejects most positions. */
  prefilter: "auto" | "on" | "off";
}

/** The compiled automaton: everything the search loop reads. */
export interface CompiledTables {
  /** Byte -> column (class id), 256 entries. */
  classes: Uint8Array;
  /** Row width: the number of byte classes. */
  stride: number;
  /** Dense transitions, `stateCount * stride` entries of premultiplied ids. */
  table: Uint16Array | Int32Array;
  /** Premultiplied ids at or above this are matching states. */
  matchLimit: number;
  /** The state a stream starts in (the anchored root when there is one). */
  startState: number;
  /** Number of DFA states. */
  stateCount: number;
  /** Per matching state (index `(id - matchLimit) / stride`): first own pattern in `outputs`. */
  outputStart: Int32Array;
  /** Per matching state: one past its last own pattern in `outputs`. */
  outputEnd: Int32Array;
  /** Per matching state: the premultiplied id of the next matching state on its failure chain that has own patterns, or -1. */
  outputLink: Int32Array;
  /** Pattern indexes, grouped by matching state, ascending within a group. */
  outputs: Int32Array;
  /** Byte pair `b0 | b1 << 8` -> 1 when a match may start at `b0`; null when the prefilter is off. */
  pairFilter: Uint8Array | null;
  /** Length of the longest pattern. */
  maxPatternLength: number;
}

/** The most states × classes a 16-bit table can address. */
const U16_LIMIT = 0x10000;
/** Premultiplied ids must stay positive int32s (they index a typed array). */
const I32_LIMIT = 0x7fffffff;
/** With "auto", the prefilter is used when at most this share of byte pairs can start a match. */
const PREFILTER_MAX_DENSITY = 1 / 8;

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

  // --- 4. State numbering --------------------------------------------------
  let matchCount = 0;
  for (let n = 0; n < nodeCount; n++) matchCount += isMatch[n];
  const plainCount = nodeCount - matchCount;
  const stateOf = new Int32Array(nodeCount);
  {
    let plain = 0;
    let match = plainCount;
    for (let k = 0; k < nodeCount; k++) {
      const n = order[k];
      stateOf[n] = (isMatch[n] ? match++ : plain++) * stride;
    }
  }
  const entries = nodeCount * stride;
  const width = options.tableWidth === 0
    ? (entries <= U16_LIMIT ? 16 : 32)
    : options.tableWidth;
  if (width === 16 && entries > U16_LIMIT) {
    throw new RangeError(
      `AhoCorasick: ${nodeCount} states × ${stride} byte classes = ${entries} table entries do not fit a 16-bit table (at most ${U16_LIMIT}); use tableWidth: 32`,
    );
  }
  if (entries > I32_LIMIT) {
    throw new RangeError(
      `AhoCorasick: ${nodeCount} states × ${stride} byte classes = ${entries} table entries exceed the 32-bit table limit (${I32_LIMIT}); split the pattern set`,
    );
  }

  // --- 5. Dense table ------------------------------------------------------
  const table = width === 16
    ? new Uint16Array(entries)
    : new Int32Array(entries);
  for (let k = 0; k < nodeCount; k++) {
    const n = order[k];
    const row = stateOf[n];
    if (n === UNANCHORED_ROOT) {
      // Every byte without a child loops back to the root (already 0 = root).
    } else {
      const from = stateOf[fail[n]];
      table.copyWithin(row, from, from + stride);
    }
    for (let c = firstChild[n]; c !== NONE; c = nextSibling[c]) {
      table[row + edgeClass[c]] = stateOf[c];
    }
  }

  // Outputs of matching states, indexed by (id - matchLimit) / stride.
  const matchLimit = plainCount * stride;
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
      if (!isMatch[n]) continue;
      const m = (stateOf[n] - matchLimit) / stride;
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
      if (link !== NONE) outputLink[m] = stateOf[link];
    }
    outputs = outputs.slice(0, cursor);
  }

  // --- 6. Pair prefilter ---------------------------------------------------
  let pairFilter: Uint8Array | null = null;
  if (options.prefilter !== "off") {
    // Bytes of each class, to expand class pairs into byte pairs.
    const byClassStart = new Int32Array(stride + 1);
    for (let b = 0; b < 256; b++) byClassStart[classes[b] + 1]++;
    for (let c = 0; c < stride; c++) byClassStart[c + 1] += byClassStart[c];
    const byClass = new Uint8Array(256);
    const fillAt = byClassStart.slice(0, stride);
    for (let b = 0; b < 256; b++) byClass[fillAt[classes[b]]++] = b;

    const filter = new Uint8Array(0x10000);
    let marked = 0;
    const mark = (c0: number, c1: number): void => {
      for (let i = byClassStart[c0]; i < byClassStart[c0 + 1]; i++) {
        const b0 = byClass[i];
        for (let j = byClassStart[c1]; j < byClassStart[c1 + 1]; j++) {
          const pair = b0 | (byClass[j] << 8);
          if (!filter[pair]) {
            filter[pair] = 1;
            marked++;
          }
        }
      }
    };
    for (
      let d1 = firstChild[UNANCHORED_ROOT];
      d1 !== NONE;
      d1 = nextSibling[d1]
    ) {
      const c0 = edgeClass[d1];
      if (ownHead[d1] !== NONE) {
        // A one-byte pattern: any pair starting with it is a candidate.
        for (let c1 = 0; c1 < stride; c1++) mark(c0, c1);
      } else {
        for (let d2 = firstChild[d1]; d2 !== NONE; d2 = nextSibling[d2]) {
          mark(c0, edgeClass[d2]);
        }
      }
    }
    if (
      options.prefilter === "on" || marked <= 0x10000 * PREFILTER_MAX_DENSITY
    ) {
      pairFilter = filter;
    }
  }

  return {
    classes,
    stride,
    table,
    matchLimit,
    startState: anyAnchored ? stateOf[ANCHORED_ROOT] : stateOf[UNANCHORED_ROOT],
    stateCount: nodeCount,
    outputStart,
    outputEnd,
    outputLink,
    outputs,
    pairFilter,
    maxPatternLength,
  };
}
