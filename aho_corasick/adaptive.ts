/**
 * The run-time choice between the search kernels of `search.ts`, driven by
 * the input itself. Nothing here is exported from the package.
 *
 * - Skip prefilter or lanes: a probe with the prefilter on counts the bytes
 *   the DFA still had to step (the prefilter's misses); a bad probe hands
 *   the next span to the lane DFA, with hysteresis (see
 *   {@linkcode adaptiveHint}).
 * - Branching or branch-free lanes: by the match density the last lane
 *   span saw (see `lanes_dense.ts`).
 *
 * @module
 */
import type { CompiledTables } from "./compile.ts";
import { denseBlockBytes, searchLanesDense } from "./lanes_dense.ts";
import {
  candidateTotal,
  type Filter,
  FILTER_NONE,
  FILTER_SIMD,
  FILTER_TABLES,
  type LaneScratch,
  lanesFit,
  lastWalkState,
  type OnMatch,
  searchLanes,
  searchSerial,
  steppedTotal,
  walkSparse,
} from "./search.ts";

/** Matches per byte above 1 / DENSE_ENTER switch to the branch-free lanes. */
const DENSE_ENTER = 40;
/** ... and below 1 / DENSE_LEAVE back to the branching ones. */
const DENSE_LEAVE = 64;

/** Bytes searched with skipping on before its efficiency is judged. */
export const PROBE_BYTES = 16384;
/** log2 of the bytes the lane DFA runs after a first failed probe (64 KiB). */
const LANE_SPAN_LOG_MIN = 16;
/** log2 of the longest lane span, reached by doubling (1 MiB). */
const LANE_SPAN_LOG_MAX = 20;
/**
 * A probe fails when its cost in DFA byte-steps (bytes the DFA stepped plus
 * a charge per candidate) exceeds 1 / PROBE_MISS_RATIO of its bytes: then
 * skipping gains less than the lanes would.
 */
const PROBE_MISS_RATIO = 6;
/** A SIMD candidate's charge: a return from WebAssembly and a new call. */
const SIMD_CANDIDATE_COST = 12;
/** A TypeScript-filter candidate's charge: leaving the bulk skip loop. */
const TABLE_CANDIDATE_COST = 2;
/** Hint bits holding the lane span's log2 (0: skipping). */
const SPAN_BITS = 5;
/** Hint bits counting the probes the tables still run for a failed SIMD finder. */
const TABLES_BITS = 5;
/** Probes the TypeScript tables run after a failed SIMD probe before it is tried again. */
const TABLES_PROBES = 16;

/**
 * The adaptive driver's memory between calls of one stream, one small
 * integer: `remaining << 10 | tablesLeft << 5 | spanLog`. `spanLog` 0 is the
 * SKIPPING mode (probe after probe with the prefilter on); otherwise the
 * LANES mode with a span of `2 ** spanLog` bytes, of which `remaining` are
 * still to run before the next probe. Each failed probe doubles the span
 * (hysteresis: input that defeats the prefilter stays on the lanes with
 * ever rarer probes); one good probe returns to SKIPPING. With both a SIMD
 * finder and TypeScript tables, a failed SIMD probe first hands over to
 * the tables for {@linkcode TABLES_PROBES} probes (`tablesLeft` counts
 * them down), and only their failure to the lanes; then the SIMD finder is
 * tried again. It only steers speed: results
 * are the same whatever it holds. Set by every {@linkcode searchAdaptive}
 * call.
 */
export let adaptiveHint = 0;

/**
 * Searches all of `chunk`, switching between the skip prefilter and the
 * lane DFA by the skip efficiency measured on this very input: a probe of
 * {@linkcode PROBE_BYTES} with skipping on counts the bytes the DFA had to
 * step (prefilter misses), and a probe that stepped too many hands the
 * next span to the lanes. Every switch happens between two bytes with the
 * exact state, so nothing is lost or reported twice. `hint` is the
 * previous call's {@linkcode adaptiveHint} (0 for a fresh stream).
 */
export function searchAdaptive(
  t: CompiledTables,
  scratch: LaneScratch,
  chunk: Uint8Array,
  state: number,
  onMatch: OnMatch,
  base: number,
  hint: number,
): number {
  const teddy = t.teddy !== null && !t.teddy.busy ? t.teddy : null;
  const filter: Filter = teddy !== null
    ? FILTER_SIMD
    : t.skipTable !== null || t.quadFilter !== null
    ? FILTER_TABLES
    : FILTER_NONE;
  if (filter === FILTER_NONE) {
    adaptiveHint = 0;
    return searchDfa(t, scratch, chunk, 0, chunk.length, state, onMatch, base);
  }
  if (teddy === null) {
    return searchSwitching(
      t,
      scratch,
      chunk,
      state,
      onMatch,
      base,
      hint,
      filter,
    );
  }
  // The finder reads its own copy of the chunk; a search started from
  // onMatch meanwhile uses the TypeScript filter.
  teddy.busy = true;
  teddy.unload();
  try {
    return searchSwitching(
      t,
      scratch,
      chunk,
      state,
      onMatch,
      base,
      hint,
      filter,
    );
  } finally {
    teddy.busy = false;
  }
}

/** {@linkcode searchAdaptive}'s loop: probes with a filter, spans on the lanes. */
function searchSwitching(
  t: CompiledTables,
  scratch: LaneScratch,
  chunk: Uint8Array,
  state: number,
  onMatch: OnMatch,
  base: number,
  hint: number,
  preferred: Filter,
): number {
  const n = chunk.length;
  const canFallBack = preferred === FILTER_SIMD &&
    (t.skipTable !== null || t.quadFilter !== null);
  let s = state;
  let i = 0;
  let spanLog = hint & ((1 << SPAN_BITS) - 1);
  let tablesLeft = canFallBack
    ? (hint >>> SPAN_BITS) & ((1 << TABLES_BITS) - 1)
    : 0;
  let remaining = hint >>> (SPAN_BITS + TABLES_BITS);
  while (i < n) {
    if (spanLog === 0 || remaining === 0) {
      const end = Math.min(n, i + PROBE_BYTES);
      const filter = tablesLeft > 0 ? FILTER_TABLES : preferred;
      const stepped = steppedTotal();
      const found = candidateTotal();
      if (filter === FILTER_SIMD) t.teddy!.cover(chunk, i, end);
      s = searchSerial(t, chunk, i, end, s, onMatch, base, filter);
      if (end - i === PROBE_BYTES) {
        // A whole probe: its verdict picks the mode for what follows.
        const cost = steppedTotal() - stepped + (candidateTotal() - found) *
            (filter === FILTER_SIMD
              ? SIMD_CANDIDATE_COST
              : TABLE_CANDIDATE_COST);
        if (tablesLeft > 0) tablesLeft--;
        if (cost * PROBE_MISS_RATIO <= PROBE_BYTES) {
          spanLog = 0;
          remaining = 0;
        } else if (filter === FILTER_SIMD && canFallBack) {
          tablesLeft = TABLES_PROBES;
        } else {
          spanLog = spanLog === 0
            ? LANE_SPAN_LOG_MIN
            : Math.min(spanLog + 1, LANE_SPAN_LOG_MAX);
          remaining = 1 << spanLog;
          tablesLeft = 0;
        }
      }
      i = end;
    } else {
      const end = Math.min(n, i + remaining);
      s = searchDfa(t, scratch, chunk, i, end, s, onMatch, base);
      remaining -= end - i;
      i = end;
    }
  }
  adaptiveHint = remaining << (SPAN_BITS + TABLES_BITS) |
    tablesLeft << SPAN_BITS | spanLog;
  return s;
}

/** The DFA without skipping over `[from, to)`: lanes where they fit. */
function searchDfa(
  t: CompiledTables,
  scratch: LaneScratch,
  chunk: Uint8Array,
  from: number,
  to: number,
  state: number,
  onMatch: OnMatch,
  base: number,
): number {
  let s = state;
  let i = from;
  if (s >= t.denseLimit) {
    // Lanes start dense: walk out of the sparse state first.
    i = walkSparse(t, s, chunk, i, to, onMatch, base);
    s = lastWalkState();
  }
  if (lanesFit(t, i, to) && !scratch.busy && s < t.denseLimit) {
    const dense = scratch.dense;
    const block = denseBlockBytes(t);
    if (
      scratch.matchDense && t.sparseCount === 0 && !dense.busy &&
      to - i >= block
    ) {
      const stop = i + Math.floor((to - i) / block) * block;
      s = searchLanesDense(t, dense, chunk, i, stop, s, onMatch, base);
      scratch.matchDense = dense.lastMatches * DENSE_LEAVE >= stop - i;
      return searchSerial(t, chunk, stop, to, s, onMatch, base, FILTER_NONE);
    }
    s = searchLanes(t, scratch, chunk, i, to, s, onMatch, base);
    const c = scratch.counts;
    scratch.matchDense = ((c[0] + c[1] + c[2] + c[3]) >> 1) * DENSE_ENTER >
      to - i;
    return s;
  }
  return searchSerial(t, chunk, i, to, s, onMatch, base, FILTER_NONE);
}
