/**
 * How `--tx-workers N` splits one scan between N transmit Workers: the
 * probe index range `[0, total)` is cut into stripes of {@link STRIPE}
 * consecutive probe numbers, and stripe `s` belongs to Worker `s mod N`.
 *
 * Why interleaved stripes rather than N contiguous blocks: the probe
 * number runs through blackrock's permutation, which spreads consecutive
 * numbers over every target network; contiguous blocks would keep that
 * spread only within each block, while the Workers together would be at
 * N distant points of the retry schedule (Worker 0 on round 0 of a window
 * while Worker N−1 is on a later window). Interleaved, the N Workers are
 * always within N stripes of each other, so the scan as a whole walks the
 * permutation (and the retry windows of probe_schedule.ts) in the same
 * order as one Worker does, just N times as fast — every target network
 * still sees probes spread over the whole scan time. A stripe is one
 * transmit batch, so a Worker's batch never straddles two owners.
 *
 * Resume: Worker `w`'s progress `a_w` means "every probe of w's stripes
 * below `a_w` was sent". The minimum over the Workers is a masscan-style
 * `resume-index` (everything below it was sent), valid for any N; the
 * per-Worker list loses nothing and repeats nothing.
 *
 * @module
 */

/** Probe numbers per stripe: one transmit batch. Part of the resume format. */
export const STRIPE = 256;

/**
 * The smallest probe number `q ≥ p` in Worker `worker`'s stripes.
 *
 * @example
 * ```ts
 * import { firstOwned } from "./stripes.ts";
 * firstOwned(300, 0, 2); // 512: 256..511 is Worker 1's stripe
 * ```
 */
export function firstOwned(p: number, worker: number, workers: number): number {
  const stripe = Math.floor(p / STRIPE);
  const shift = (worker - (stripe % workers) + workers) % workers;
  return shift === 0 ? p : (stripe + shift) * STRIPE;
}

/**
 * The probe number after `p` in the same Worker's stripes, given that `p`
 * was the last of a batch ending at `end` (exclusive).
 *
 * @example
 * ```ts
 * import { nextAfter } from "./stripes.ts";
 * nextAfter(256, 2); // 768: stripe 0 done, stripe 2 next
 * ```
 */
export function nextAfter(end: number, workers: number): number {
  return end % STRIPE === 0 ? end + (workers - 1) * STRIPE : end;
}

/**
 * Where each of `workers` Workers starts when the probes below
 * `resumeIndex` were sent (a paused.conf's `resume-index`).
 *
 * @example
 * ```ts
 * import { startsFrom } from "./stripes.ts";
 * startsFrom(300, 2, 10_000); // [512, 300]
 * ```
 */
export function startsFrom(
  resumeIndex: number,
  workers: number,
  total: number,
): number[] {
  const starts: number[] = [];
  for (let w = 0; w < workers; w++) {
    starts.push(Math.min(total, firstOwned(resumeIndex, w, workers)));
  }
  return starts;
}

/**
 * How many of Worker `worker`'s probes lie below `p`.
 *
 * @example
 * ```ts
 * import { ownedBelow } from "./stripes.ts";
 * ownedBelow(600, 1, 2); // 256: all of stripe 1 (256..511)
 * ```
 */
export function ownedBelow(p: number, worker: number, workers: number): number {
  const cycle = STRIPE * workers;
  const full = Math.floor(p / cycle);
  const rest = p - full * cycle - worker * STRIPE;
  return full * STRIPE + Math.max(0, Math.min(STRIPE, rest));
}

/**
 * Probes already sent when each Worker `w` has sent its stripes below
 * `progress[w]`: the scan's progress.
 *
 * @example
 * ```ts
 * import { probesDone } from "./stripes.ts";
 * probesDone([512, 300]); // 256 + 44
 * ```
 */
export function probesDone(progress: readonly number[]): number {
  let done = 0;
  for (let w = 0; w < progress.length; w++) {
    done += ownedBelow(progress[w], w, progress.length);
  }
  return done;
}
