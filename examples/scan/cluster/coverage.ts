/**
 * What the shards' completion records prove: whether they belong to one
 * scan (seed, target fingerprint, shard count, retries agree), and which
 * probe indices of each shard were covered, by the union of the ranges of
 * its runs. Pure: records in, a verdict out.
 *
 * @module
 */

import type { CompletionRecord } from "./completion.ts";

/** A completion record and the file it ended. */
export interface FiledRecord {
  /** The shard output it was read from. */
  file: string;
  /** The record. */
  record: CompletionRecord;
}

/** One shard's coverage. */
export interface ShardCoverage {
  /** Shard number x of y (1-based). */
  one: number;
  /** The shard's probe count. */
  total: number;
  /** Union of the covered index ranges, `[first, next)`, ascending. */
  covered: Array<[number, number]>;
  /** Indices covered by more than one run (a resume that went back). */
  overlap: number;
  /** The first index not covered, or `total` when complete. */
  firstGap: number;
  /** The record whose arguments rerun or resume it (the latest run). */
  latest: FiledRecord;
}

/** The verdict over all records. */
export interface Coverage {
  /** Why the records cannot be merged (empty when they can). */
  conflicts: string[];
  /** Shard count y. */
  of: number;
  /** Per shard number, the shards that have records. */
  shards: Map<number, ShardCoverage>;
  /** Shard numbers without any record. */
  missing: number[];
  /** Shards with records that do not cover them whole. */
  incomplete: ShardCoverage[];
  /** Probe indices covered, all shards. */
  probes: number;
  /** Probe indices covered twice. */
  overlap: number;
}

/** Probes in shard `one` of `of` over `targets` × (retries + 1), as ScanOrder. */
export function shardProbes(
  targets: number,
  retries: number,
  one: number,
  of: number,
): number {
  const length = one - 1 >= targets ? 0 : Math.floor((targets - one) / of) + 1;
  return length * (retries + 1);
}

function shardOf(r: CompletionRecord): { one: number; of: number } {
  const [one, of] = r.shard.split("/").map(Number);
  return { one, of };
}

/** The fields that must agree between shards of one scan, as `[name, value]`. */
function identity(r: CompletionRecord): Array<[string, string]> {
  return [
    ["seed", r.seed],
    ["target fingerprint", r.fingerprint],
    ["shard count", String(shardOf(r).of)],
    ["retries", String(r.retries)],
    ["target count", String(r.targets)],
  ];
}

function conflictsOf(records: readonly FiledRecord[]): string[] {
  const out: string[] = [];
  const first = records[0];
  const want = identity(first.record);
  for (const fr of records.slice(1)) {
    identity(fr.record).forEach(([name, value], i) => {
      if (value !== want[i][1]) {
        out.push(
          `${fr.file} (shard ${fr.record.shard}) has ${name} ${value}, ${first.file} (shard ${first.record.shard}) has ${
            want[i][1]
          }`,
        );
      }
    });
  }
  for (const fr of records) {
    const { one, of } = shardOf(fr.record);
    const want = shardProbes(fr.record.targets, fr.record.retries, one, of);
    if (one < 1 || one > of || fr.record.total !== want) {
      out.push(
        `${fr.file}: shard ${fr.record.shard} claims ${fr.record.total} probes, ${want} expected for ${fr.record.targets} targets`,
      );
    }
  }
  return out;
}

/** Union of ranges, and how many indices more than one covered. */
function union(
  ranges: Array<[number, number]>,
): { covered: Array<[number, number]>; overlap: number } {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const covered: Array<[number, number]> = [];
  let overlap = 0;
  for (const [a, b] of sorted) {
    const last = covered[covered.length - 1];
    if (last && a <= last[1]) {
      overlap += Math.max(0, Math.min(b, last[1]) - a);
      last[1] = Math.max(last[1], b);
    } else {
      covered.push([a, b]);
    }
  }
  return { covered, overlap };
}

function shardCoverage(one: number, runs: FiledRecord[]): ShardCoverage {
  const total = runs[0].record.total;
  const { covered, overlap } = union(runs.map((r) => r.record.range));
  const firstGap = covered.length > 0 && covered[0][0] === 0
    ? covered[0][1]
    : 0;
  const latest = runs.reduce((a, b) =>
    b.record.end_time >= a.record.end_time ? b : a
  );
  return { one, total, covered, overlap, firstGap, latest };
}

/**
 * Judges `records` (at least one).
 *
 * @example
 * ```ts
 * import { judgeCoverage } from "./coverage.ts";
 * import { completionRecord } from "./completion.ts";
 * const rec = (one: number, first: number, next: number) => ({ file: `s${one}`, record: completionRecord({
 *   seed: 1n, shard: { one, of: 2 }, fingerprint: "sha256:00", targets: 4, retries: 0, total: 2,
 *   first, next, sent: next - first, results: 0, startMs: 0, endMs: 0, args: [], program: "p", runtime: "deno", cwd: "/" }) });
 * const c = judgeCoverage([rec(1, 0, 2), rec(2, 0, 1)]);
 * console.log(c.incomplete.map((s) => [s.one, s.firstGap]), c.probes); // [ [ 2, 1 ] ] 3
 * ```
 */
export function judgeCoverage(records: readonly FiledRecord[]): Coverage {
  const conflicts = conflictsOf(records);
  const of = shardOf(records[0].record).of;
  const byShard = new Map<number, FiledRecord[]>();
  for (const fr of records) {
    const { one } = shardOf(fr.record);
    byShard.set(one, [...(byShard.get(one) ?? []), fr]);
  }
  const shards = new Map<number, ShardCoverage>();
  for (const [one, runs] of byShard) shards.set(one, shardCoverage(one, runs));
  const missing: number[] = [];
  for (let one = 1; one <= of; one++) if (!shards.has(one)) missing.push(one);
  const all = [...shards.values()].sort((a, b) => a.one - b.one);
  return {
    conflicts,
    of,
    shards,
    missing,
    incomplete: all.filter((s) => s.firstGap < s.total),
    probes: all.reduce(
      (n, s) => n + s.covered.reduce((m, [a, b]) => m + b - a, 0),
      0,
    ),
    overlap: all.reduce((n, s) => n + s.overlap, 0),
  };
}
