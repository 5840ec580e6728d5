/**
 * The lane DFA for match-dense input (text searched for hundreds or
 * thousands of words: a match every few bytes). Nothing here is exported
 * from the package.
 *
 * The plain lane kernel tests "did any lane reach a special state?" each
 * step; when matches are frequent that branch is a coin flip and its
 * mispredictions cost more than the DFA steps. Here every step records
 * every lane's state without a branch (the record cursor advances only for
 * matching states: `count += (state >= plainLimit) * 2`), so the loop is
 * straight-line code; the recorded matches are reported afterwards.
 *
 * To keep the records small the span is cut into blocks of four slices of
 * {@linkcode BLOCK_LANE_BYTES}: all four lanes run over a block (lanes
 * 1..3 warmed up from the root over the `longest + 1` bytes before their
 * slice, as in the plain kernel), then the block's matches are reported
 * lane by lane (end order) and the next block starts from lane 3's exact
 * state. Dense automata only (no sparse states).
 *
 * @module
 */
import type { CompiledTables } from "./compile.ts";
import { report } from "./search.ts";

/** `(pattern, end)` callback, as in the public `MatchHandler`. */
type OnMatch = (pattern: number, end: number) => void;

/** Bytes each lane covers per block. */
export const BLOCK_LANE_BYTES = 2048;

/** Per-lane `(position, state)` records, reused across calls. */
export class DenseLaneScratch {
  records: Int32Array[] = [];
  /** Set while the records are in use: a re-entrant search must not. */
  busy = false;
  /** Matches found by the last call (its caller judges the density). */
  lastMatches = 0;

  /** Four record arrays of at least `length` entries. */
  ensure(length: number): Int32Array[] {
    if (this.records.length === 0 || this.records[0].length < length) {
      this.records = [0, 1, 2, 3].map(() => new Int32Array(length));
    }
    return this.records;
  }
}

/** Bytes one block covers for automaton `t`. */
export function denseBlockBytes(t: CompiledTables): number {
  return 4 * Math.max(BLOCK_LANE_BYTES, 4 * (t.maxPatternLength + 1));
}

/**
 * Reports lane records from the first whose position is at least `skip`
 * (the warm-up's matches belong to the previous slice).
 */
function flushLane(
  t: CompiledTables,
  records: Int32Array,
  count: number,
  laneStart: number,
  skip: number,
  onMatch: OnMatch,
  base: number,
): void {
  const { plainLimit, rowScale, singleOutput } = t;
  const at = base + laneStart + 1;
  for (let j = 0; j < count; j += 2) {
    const i = records[j];
    if (i < skip) continue;
    const m = ((records[j + 1] - plainLimit) * rowScale + 0.5) | 0;
    const single = singleOutput[m];
    // Most matching states report one pattern: no call for the lists.
    if (single !== -1) onMatch(single, at + i);
    else report(t, m, at + i, onMatch);
  }
}

/**
 * Runs whole blocks over `chunk[from, to)` from dense `state`; returns the
 * state after the last whole block. The bytes after it (less than one
 * block, `denseEnd`) are left to the caller.
 */
export function searchLanesDense(
  t: CompiledTables,
  scratch: DenseLaneScratch,
  chunk: Uint8Array,
  from: number,
  to: number,
  state: number,
  onMatch: OnMatch,
  base: number,
): number {
  const { table, classes, plainLimit } = t;
  const warmup = t.maxPatternLength + 1;
  const lane = denseBlockBytes(t) / 4;
  const [r0, r1, r2, r3] = scratch.ensure(2 * (lane + warmup) + 2);
  const last = plainLimit - 1;
  let s = state;
  let matches = 0;
  scratch.busy = true;
  try {
    for (let b = from; to - b >= 4 * lane; b += 4 * lane) {
      const a1 = b + lane - warmup;
      const a2 = a1 + lane;
      const a3 = a2 + lane;
      let s0 = s;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let i = 0; i < lane; i++) {
        s0 = table[s0 + classes[chunk[b + i]]];
        s1 = table[s1 + classes[chunk[a1 + i]]];
        s2 = table[s2 + classes[chunk[a2 + i]]];
        s3 = table[s3 + classes[chunk[a3 + i]]];
        r0[c0] = i;
        r0[c0 + 1] = s0;
        c0 += ((last - s0) >>> 31) << 1;
        r1[c1] = i;
        r1[c1 + 1] = s1;
        c1 += ((last - s1) >>> 31) << 1;
        r2[c2] = i;
        r2[c2 + 1] = s2;
        c2 += ((last - s2) >>> 31) << 1;
        r3[c3] = i;
        r3[c3 + 1] = s3;
        c3 += ((last - s3) >>> 31) << 1;
      }
      // Lanes 1..3 started `warmup` early: `warmup` more bytes each.
      for (let i = lane; i < lane + warmup; i++) {
        s1 = table[s1 + classes[chunk[a1 + i]]];
        r1[c1] = i;
        r1[c1 + 1] = s1;
        c1 += ((last - s1) >>> 31) << 1;
        s2 = table[s2 + classes[chunk[a2 + i]]];
        r2[c2] = i;
        r2[c2 + 1] = s2;
        c2 += ((last - s2) >>> 31) << 1;
        s3 = table[s3 + classes[chunk[a3 + i]]];
        r3[c3] = i;
        r3[c3 + 1] = s3;
        c3 += ((last - s3) >>> 31) << 1;
      }
      s = s3;
      matches += (c0 + c1 + c2 + c3) >> 1;
      flushLane(t, r0, c0, b, 0, onMatch, base);
      flushLane(t, r1, c1, a1, warmup, onMatch, base);
      flushLane(t, r2, c2, a2, warmup, onMatch, base);
      flushLane(t, r3, c3, a3, warmup, onMatch, base);
    }
  } finally {
    scratch.busy = false;
  }
  scratch.lastMatches = matches;
  return s;
}
