/**
 * Leftmost match kinds (`"leftmost-first"`, `"leftmost-longest"`) and
 * anchored search, as a filter over the overlapping automaton's matches.
 * Nothing here is exported from the package; `automaton.ts` owns the
 * public surface.
 *
 * Why a filter works: every pattern is a literal, so whether pattern p
 * matches at start s is a fact the overlapping search reports (as the end
 * `s + length(p)`). The leftmost non-overlapping sequence is then: from
 * position `pos` (0, then the end of the previous reported match), the
 * smallest start at or after `pos` where some pattern matches; among the
 * patterns matching there, the first in build order (leftmost-first, a
 * regex alternation's choice) or the longest (leftmost-longest, ties to the
 * first). That is BurntSushi's definition, checked against his crate.
 *
 * Streaming: overlapping matches arrive in end order, so a candidate at
 * start s is final once no later match can start at or before s. A match
 * ending after `cur` (the bytes seen so far) starts at `cur - d` or later,
 * d being the depth of the automaton's state (the longest suffix of the
 * stream that is a pattern prefix), and inside a write at `end - longest`
 * or later. So a leftmost match is reported as soon as it is decided,
 * which can be in a later write than the one holding its last byte, or at
 * {@linkcode LeftmostFilter.finish} (the end of the stream): exactly the
 * matches that could still grow past a chunk's end are held back.
 *
 * State: the best candidate per start offset within one longest-pattern
 * window (a ring of `longest + 1` int32s), allocated once per stream.
 *
 * @module
 */

/** `(pattern, end)` callback, as in the public `MatchHandler`. */
type OnMatch = (pattern: number, end: number) => void;

/** The match kinds {@linkcode LeftmostFilter} implements. */
export type LeftmostKind = "leftmost-first" | "leftmost-longest";

const NONE = -1;
const noop: OnMatch = () => {};

/**
 * One stream's leftmost (or anchored) filter. Feed the overlapping matches
 * to {@linkcode LeftmostFilter.onOverlapping}, call
 * {@linkcode LeftmostFilter.settle} after each chunk.
 */
export class LeftmostFilter {
  readonly #lengths: Int32Array;
  /** null: overlapping kind (anchored search only filters starts). */
  readonly #kind: LeftmostKind | null;
  readonly #anchored: boolean;
  readonly #window: number;
  /** Per `start % window`: the best pattern starting there, or NONE. */
  readonly #best: Int32Array;
  /** Candidates in `#best`. */
  #pending = 0;
  /** Reported matches end at or before this; later ones must start here or after. */
  #pos = 0;
  /** Starts below this hold no candidate. */
  #scanFrom = 0;
  /** The handler of the write in progress. */
  emit: OnMatch = noop;

  constructor(
    lengths: Int32Array,
    longest: number,
    kind: LeftmostKind | null,
    anchored: boolean,
  ) {
    this.#lengths = lengths;
    this.#kind = kind;
    this.#anchored = anchored;
    this.#window = longest + 1;
    this.#best = new Int32Array(kind === null ? 0 : longest + 1).fill(NONE);
  }

  /** Back to offset 0 of a new stream. */
  reset(): void {
    this.#best.fill(NONE);
    this.#pending = 0;
    this.#pos = 0;
    this.#scanFrom = 0;
  }

  /** The overlapping search's handler (bound once: writing allocates nothing). */
  readonly onOverlapping: OnMatch = (pattern, end) => {
    const start = end - this.#lengths[pattern];
    if (this.#anchored && start !== 0) return;
    if (this.#kind === null) {
      this.emit(pattern, end);
      return;
    }
    // Nothing ending at `end` or later starts before `end - longest`, so
    // earlier candidates are decided (and may move `pos` past `start`).
    this.#commit(end - this.#window);
    if (start < this.#pos) return;
    const slot = start % this.#window;
    const held = this.#best[slot];
    if (held === NONE) {
      this.#best[slot] = pattern;
      this.#pending++;
    } else if (this.#better(pattern, held)) {
      this.#best[slot] = pattern;
    }
  };

  /** Whether `p` beats `q` at the same start. */
  #better(p: number, q: number): boolean {
    if (this.#kind === "leftmost-longest") {
      const lp = this.#lengths[p];
      const lq = this.#lengths[q];
      return lp > lq || (lp === lq && p < q);
    }
    return p < q;
  }

  /**
   * Reports, in order, every candidate whose start is at most `limit`
   * (they are final), each clearing the candidates it overlaps.
   */
  #commit(limit: number): void {
    if (this.#pending === 0) {
      if (limit >= this.#scanFrom) this.#scanFrom = limit + 1;
      return;
    }
    const best = this.#best;
    const window = this.#window;
    let s = Math.max(this.#pos, this.#scanFrom);
    while (s <= limit && this.#pending > 0) {
      const slot = s % window;
      const p = best[slot];
      if (p === NONE) {
        s++;
        continue;
      }
      best[slot] = NONE;
      this.#pending--;
      const end = s + this.#lengths[p];
      for (let k = s + 1; k < end; k++) {
        const q = k % window;
        if (best[q] !== NONE) {
          best[q] = NONE;
          this.#pending--;
        }
      }
      this.#pos = end;
      s = end;
      this.emit(p, end);
    }
    this.#scanFrom = this.#pending === 0 ? Math.max(s, limit + 1) : s;
  }

  /**
   * After a chunk: `cur` bytes seen, the automaton's state `depth` deep.
   * Reports the candidates no later byte can change.
   */
  settle(cur: number, depth: number): void {
    this.#commit(cur - depth - 1);
  }

  /** The stream ended at `cur`: reports every candidate left. */
  finish(cur: number): void {
    this.#commit(cur);
  }
}
