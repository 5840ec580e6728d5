/**
 * The search kernels behind {@linkcode AhoCorasick.scan}. Nothing here is
 * exported from the package; `automaton.ts` owns the public surface.
 *
 * Three kernels, one result: every kernel reports exactly the overlapping
 * matches of a byte range in end order and returns the exact DFA state
 * after it, so the driver (`searchAdaptive`, adaptive.ts) may switch between
 * them at any byte without losing or duplicating a match.
 *
 * - {@linkcode searchSerial}: one DFA chain, optionally with the skip
 *   prefilter while the automaton sits in its root.
 * - {@linkcode searchLanes}: four DFA chains over four slices of the range,
 *   interleaved (memory-latency bound work, four loads in flight).
 * - `searchAdaptive` (adaptive.ts) picks between them at run time from
 *   the skip efficiency it measures on the input itself.
 *
 * @module
 */
import { type CompiledTables, quadHash } from "./compile.ts";
import { TEDDY_BASE } from "./teddy.ts";
import { DenseLaneScratch } from "./lanes_dense.ts";

/** {@linkcode searchSerial}'s filter while in the root: none. */
export const FILTER_NONE = 0;
/** The pure-TypeScript pair table or quad filter. */
export const FILTER_TABLES = 1;
/** The SIMD finder; the range's chunk is loaded in its memory. */
export const FILTER_SIMD = 2;
/** One of the FILTER_ constants. */
export type Filter = 0 | 1 | 2;

/** `(pattern, end)` callback, as in the public `MatchHandler`. */
export type OnMatch = (pattern: number, end: number) => void;

/** Reports every pattern of match index `match` ending at `end`. */
export function report(
  t: CompiledTables,
  match: number,
  end: number,
  onMatch: OnMatch,
): void {
  const single = t.singleOutput[match];
  if (single !== -1) {
    onMatch(single, end);
    return;
  }
  const flat = t.flatOutputs;
  if (flat !== null) {
    const start = t.flatStart!;
    for (let j = start[match], stop = start[match + 1]; j < stop; j++) {
      onMatch(flat[j], end);
    }
    return;
  }
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
export function sparseNext(t: CompiledTables, id: number, cls: number): number {
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
 * The match index of state `s` (dense or sparse), or -1 if it matches
 * nothing.
 */
function matchOf(t: CompiledTables, s: number): number {
  if (s < t.plainLimit) return -1;
  if (s < t.denseLimit) return ((s - t.plainLimit) * t.rowScale + 0.5) | 0;
  return t.sparseMatch[s - t.denseLimit];
}

/** The trie depth of state `s` (see `CompiledTables.stateDepth`). */
export function depthOf(t: CompiledTables, s: number): number {
  return s < t.denseLimit ? t.stateDepth[((s * t.rowScale) + 0.5) | 0] : t
    .stateDepth[(((t.denseLimit * t.rowScale) + 0.5) | 0) + s - t.denseLimit];
}

/**
 * The second result of {@linkcode walkSparse} (its state), kept here so the
 * walk returns one number and allocates nothing. Read right after the call.
 */
let walkState = 0;

/** The state {@linkcode walkSparse} stopped in (read right after it). */
export function lastWalkState(): number {
  return walkState;
}

/**
 * Bytes the serial kernel fed to the DFA while skipping was on (a running
 * total the adaptive driver samples: the prefilter's misses).
 */
let steppedBytes = 0;

/** The running total of bytes stepped with skipping on (see above). */
export function steppedTotal(): number {
  return steppedBytes;
}

/** Candidates the filters let through so far (a running total, like steppedBytes). */
let candidates = 0;

/** The running total of candidates (see above). */
export function candidateTotal(): number {
  return candidates;
}

/**
 * Feeds bytes from `at` (below `to`) to sparse state `id` until the
 * automaton is back in a dense state or the range ends. Reports every match
 * entered (but not `id`'s own, which the caller reported when it entered
 * `id`). Returns the next position; the state is left in `walkState`.
 */
export function walkSparse(
  t: CompiledTables,
  id: number,
  chunk: Uint8Array,
  at: number,
  to: number,
  onMatch: OnMatch,
  base: number,
): number {
  const { classes, denseLimit, plainLimit, rowScale, sparseMatch } = t;
  let s = id;
  let i = at;
  while (i < to) {
    s = sparseNext(t, s, classes[chunk[i++]]);
    if (s < denseLimit) {
      if (s >= plainLimit) {
        report(t, ((s - plainLimit) * rowScale + 0.5) | 0, base + i, onMatch);
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
 * One DFA chain over `chunk[from, to)` from `state`; ends reported as
 * `base + index + 1`. Per byte: `state = table[state + class[byte]]` and one
 * comparison; everything else (matches, sparse states, skipping) happens
 * off that path.
 *
 * With `skip` (and a prefilter built): while the automaton is in its
 * unanchored root (state 0) it remembers nothing of the past, so a start
 * position can be passed over once a filter shows no pattern starts there;
 * the state one byte later is then what the root gives for that byte, which
 * the DFA recomputes. The filter tests have no dependency on each other,
 * unlike the DFA's load-after-load chain, which is why skipping is faster
 * than stepping (when it skips).
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
 * a filter cannot see (a range's last 1 to 3) always go through the DFA, so
 * the state returned is exact.
 */
export function searchSerial(
  t: CompiledTables,
  chunk: Uint8Array,
  from: number,
  to: number,
  state: number,
  onMatch: OnMatch,
  base: number,
  filter: Filter,
): number {
  const { table, classes, plainLimit, denseLimit, rowScale } = t;
  const teddy = filter === FILTER_SIMD ? t.teddy : null;
  const skipTable = filter === FILTER_TABLES ? t.skipTable : null;
  const quadFilter = filter === FILTER_TABLES ? t.quadFilter : null;
  const n = to;
  let s = state;
  let i = from;
  if (s >= denseLimit) {
    // The previous range ended in a sparse state: finish that walk first.
    i = walkSparse(t, s, chunk, i, n, onMatch, base);
    s = walkState;
  }
  if (skipTable === null && quadFilter === null && teddy === null) {
    // No skipping: the tightest loop, with no test for the root (on random
    // input that test would be a coin flip for the branch predictor).
    while (i < n) {
      s = table[s + classes[chunk[i++]]];
      if (s >= plainLimit) {
        if (s < denseLimit) {
          report(t, ((s - plainLimit) * rowScale + 0.5) | 0, base + i, onMatch);
        } else {
          const m = t.sparseMatch[s - denseLimit];
          if (m !== -1) report(t, m, base + i, onMatch);
          i = walkSparse(t, s, chunk, i, n, onMatch, base);
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
      if (teddy !== null) {
        // The caller loaded [from, to) (see Teddy.cover).
        const shift = TEDDY_BASE - teddy.offset;
        i = teddy.find(i + shift, n + shift) - shift;
      } else if (skipTable !== null) {
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
    const entered = i;
    candidates++;
    while (i < n) {
      s = table[s + classes[chunk[i++]]];
      if (s >= plainLimit) {
        if (s < denseLimit) {
          report(t, ((s - plainLimit) * rowScale + 0.5) | 0, base + i, onMatch);
          continue;
        }
        const m = t.sparseMatch[s - denseLimit];
        if (m !== -1) report(t, m, base + i, onMatch);
        i = walkSparse(t, s, chunk, i, n, onMatch, base);
        s = walkState;
      }
      if (s < shallowLimit) {
        if (s === 0) {
          steppedBytes += i - entered;
          continue scan;
        }
        if (i - 1 > entered) {
          i--;
          s = 0;
          steppedBytes += i - entered;
          continue scan;
        }
      }
    }
    steppedBytes += i - entered;
  }
  return s;
}

/** Independent DFA chains the lane kernel interleaves. */
export const LANES = 4;
/** Below this many bytes per lane, the warm-up overhead is not worth it. */
const MIN_LANE_BYTES = 256;

/**
 * Per-lane match records `(end, match index)` for {@linkcode searchLanes},
 * reused across calls (grown when a range has more matches than ever
 * before), so steady-state searching allocates nothing.
 */
export class LaneScratch {
  records: Int32Array[] = Array.from(
    { length: LANES },
    () => new Int32Array(64),
  );
  counts: Int32Array = new Int32Array(LANES);
  /** Set while matches are being handed out: a re-entrant scan must not reuse the buffers. */
  busy = false;
  /** The branch-free kernel's records (see lanes_dense.ts). */
  dense: DenseLaneScratch = new DenseLaneScratch();
  /**
   * Whether the last lane span was match-dense (see adaptive.ts): then the
   * branch-free kernel runs.
   */
  matchDense = false;

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

/** Whether `[from, to)` is long enough for {@linkcode searchLanes}. */
export function lanesFit(t: CompiledTables, from: number, to: number): boolean {
  return to - from >= LANES * Math.max(MIN_LANE_BYTES, 4 * t.maxPatternLength);
}

/** One DFA step from any state, dense or sparse. */
function nextState(t: CompiledTables, s: number, cls: number): number {
  return s < t.denseLimit ? t.table[s + cls] : sparseNext(t, s, cls);
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
  const classes = t.classes;
  let s = state;
  for (let i = from; i < to; i++) {
    s = nextState(t, s, classes[chunk[i]]);
    if (i + 1 > reportAfter) {
      const m = matchOf(t, s);
      if (m !== -1) scratch.push(lane, i + 1, m);
    }
  }
  return s;
}

/** Hands the recorded matches out, lane by lane (which is end order). */
function flushLanes(
  t: CompiledTables,
  scratch: LaneScratch,
  onMatch: OnMatch,
  base: number,
): void {
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
}

/**
 * The DFA over four slices of `chunk[from, to)` at once. A single DFA is a
 * chain of dependent loads (each state is needed to find the next), so it
 * runs at the speed of memory latency; four independent chains keep four
 * loads in flight. Slice k > 0 starts `warmup` bytes early from the root:
 * the automaton's state depends only on the last `maxPatternLength` bytes,
 * so by the slice's first byte that lane's state is exact (matches it sees
 * during the warm-up belong to the previous slice and are dropped).
 * Matches are recorded per lane and handed out lane by lane, which is end
 * order. Automata with sparse states use {@linkcode searchLanesSparse}.
 * The caller checks {@linkcode lanesFit} and that `state` is dense.
 */
export function searchLanes(
  t: CompiledTables,
  scratch: LaneScratch,
  chunk: Uint8Array,
  from: number,
  to: number,
  state: number,
  onMatch: OnMatch,
  base: number,
): number {
  if (t.sparseCount > 0) {
    return searchLanesSparse(t, scratch, chunk, from, to, state, onMatch, base);
  }
  const { table, classes, plainLimit, rowScale } = t;
  const warmup = t.maxPatternLength + 1;
  const q = Math.floor((to - from) / LANES);
  // Lane k covers [from + k*q, from + (k+1)*q) (the last lane to `to`),
  // starting early.
  const e1 = from + q;
  const e2 = e1 + q;
  const e3 = e2 + q;
  const a1 = e1 - warmup;
  const a2 = e2 - warmup;
  const a3 = e3 - warmup;
  let s0 = state;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  scratch.counts.fill(0);
  for (let i = 0; i < q; i++) {
    s0 = table[s0 + classes[chunk[from + i]]];
    s1 = table[s1 + classes[chunk[a1 + i]]];
    s2 = table[s2 + classes[chunk[a2 + i]]];
    s3 = table[s3 + classes[chunk[a3 + i]]];
    // All four below plainLimit <=> all four differences negative.
    if (
      ((s0 - plainLimit) & (s1 - plainLimit) & (s2 - plainLimit) &
        (s3 - plainLimit)) >= 0
    ) {
      if (s0 >= plainLimit) {
        scratch.push(0, from + i + 1, ((s0 - plainLimit) * rowScale + 0.5) | 0);
      }
      if (s1 >= plainLimit && a1 + i + 1 > e1) {
        scratch.push(1, a1 + i + 1, ((s1 - plainLimit) * rowScale + 0.5) | 0);
      }
      if (s2 >= plainLimit && a2 + i + 1 > e2) {
        scratch.push(2, a2 + i + 1, ((s2 - plainLimit) * rowScale + 0.5) | 0);
      }
      if (s3 >= plainLimit && a3 + i + 1 > e3) {
        scratch.push(3, a3 + i + 1, ((s3 - plainLimit) * rowScale + 0.5) | 0);
      }
    }
  }
  // Lanes 1..3 stopped `warmup` bytes short of their slice's end.
  laneTail(t, scratch, 1, chunk, a1 + q, e2, s1, e1);
  laneTail(t, scratch, 2, chunk, a2 + q, e3, s2, e2);
  s3 = laneTail(t, scratch, 3, chunk, a3 + q, to, s3, e3);
  flushLanes(t, scratch, onMatch, base);
  return s3;
}

/**
 * {@linkcode searchLanes} for automata with sparse states: the same four
 * chains, where a lane in a sparse state (rare: deep in a long pattern)
 * takes its next step through the sparse edges. Each step pays one more
 * well-predicted comparison per lane.
 */
function searchLanesSparse(
  t: CompiledTables,
  scratch: LaneScratch,
  chunk: Uint8Array,
  from: number,
  to: number,
  state: number,
  onMatch: OnMatch,
  base: number,
): number {
  const { table, classes, plainLimit, denseLimit } = t;
  const warmup = t.maxPatternLength + 1;
  const q = Math.floor((to - from) / LANES);
  const e1 = from + q;
  const e2 = e1 + q;
  const e3 = e2 + q;
  const a1 = e1 - warmup;
  const a2 = e2 - warmup;
  const a3 = e3 - warmup;
  let s0 = state;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  scratch.counts.fill(0);
  for (let i = 0; i < q; i++) {
    const c0 = classes[chunk[from + i]];
    const c1 = classes[chunk[a1 + i]];
    const c2 = classes[chunk[a2 + i]];
    const c3 = classes[chunk[a3 + i]];
    s0 = s0 < denseLimit ? table[s0 + c0] : sparseNext(t, s0, c0);
    s1 = s1 < denseLimit ? table[s1 + c1] : sparseNext(t, s1, c1);
    s2 = s2 < denseLimit ? table[s2 + c2] : sparseNext(t, s2, c2);
    s3 = s3 < denseLimit ? table[s3 + c3] : sparseNext(t, s3, c3);
    if (
      ((s0 - plainLimit) & (s1 - plainLimit) & (s2 - plainLimit) &
        (s3 - plainLimit)) >= 0
    ) {
      let m = matchOf(t, s0);
      if (m !== -1) scratch.push(0, from + i + 1, m);
      m = matchOf(t, s1);
      if (m !== -1 && a1 + i + 1 > e1) scratch.push(1, a1 + i + 1, m);
      m = matchOf(t, s2);
      if (m !== -1 && a2 + i + 1 > e2) scratch.push(2, a2 + i + 1, m);
      m = matchOf(t, s3);
      if (m !== -1 && a3 + i + 1 > e3) scratch.push(3, a3 + i + 1, m);
    }
  }
  laneTail(t, scratch, 1, chunk, a1 + q, e2, s1, e1);
  laneTail(t, scratch, 2, chunk, a2 + q, e3, s2, e2);
  s3 = laneTail(t, scratch, 3, chunk, a3 + q, to, s3, e3);
  flushLanes(t, scratch, onMatch, base);
  return s3;
}
