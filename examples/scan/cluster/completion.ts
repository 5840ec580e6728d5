/**
 * The completion record: the last NDJSON line of every shard's `-oD` output
 * (`"rec_type":"completion"`), saying which scan it was part of (seed,
 * shard, target fingerprint), which probe indices it covered, and whether
 * it finished or was interrupted (with the index to resume from). A shard
 * resumed with `--append-output` adds a second record after its new
 * results; `--merge` takes the union of their ranges.
 *
 * @module
 */

/** How a shard's run ended. */
export type CompletionStatus = "finished" | "interrupted";

/** One shard run's completion record (the NDJSON line, parsed). */
export interface CompletionRecord {
  /** Always "completion". */
  rec_type: "completion";
  /** Record layout version (1). */
  version: 1;
  /** The permutation seed, as decimal text (a 64-bit value). */
  seed: string;
  /** The shard, `x/y`. */
  shard: string;
  /** `sha256:` + hex of the canonical target set (see fingerprint.ts). */
  fingerprint: string;
  /** Targets (address × port) in the whole scan, every shard together. */
  targets: number;
  /** `--retries`: each target gets retries + 1 probes. */
  retries: number;
  /** Probe indices of this shard, `[0, total)`. */
  total: number;
  /** The indices this run covered: `[first, next)` (next = resume index). */
  range: [number, number];
  /** Probes this run sent. */
  probes_sent: number;
  /** Results this run found. */
  results: number;
  /** When the run started and ended, ISO 8601 UTC. */
  start_time: string;
  /** When the run ended. */
  end_time: string;
  /** "finished" when `range[1] === total`, else "interrupted". */
  status: CompletionStatus;
  /** Where to go on from (`--resume-index`); equals `range[1]`. */
  resume_index: number;
  /** The scanner's arguments of this run (to print a resume command). */
  args: string[];
  /** The scanner's program path of this run. */
  program: string;
  /** The Deno binary that ran it. */
  runtime: string;
  /** The working directory of this run. */
  cwd: string;
}

/** What a finished or interrupted run knows when it writes its record. */
export interface CompletionFacts {
  /** The seed. */
  seed: bigint;
  /** The shard. */
  shard: { one: number; of: number };
  /** From {@linkcode targetFingerprint}. */
  fingerprint: string;
  /** Targets in the whole scan. */
  targets: number;
  /** `--retries`. */
  retries: number;
  /** This shard's probe count. */
  total: number;
  /** First index of this run (`--resume-index`). */
  first: number;
  /** The index to resume from (the first not covered). */
  next: number;
  /** Probes sent. */
  sent: number;
  /** Results found. */
  results: number;
  /** Start and end, milliseconds since the epoch. */
  startMs: number;
  /** End, milliseconds since the epoch. */
  endMs: number;
  /** The run's arguments. */
  args: readonly string[];
  /** The scanner's program path. */
  program: string;
  /** The Deno binary. */
  runtime: string;
  /** The working directory. */
  cwd: string;
}

/**
 * The record for `facts`.
 *
 * @example
 * ```ts
 * import { completionRecord } from "./completion.ts";
 * const r = completionRecord({ seed: 7n, shard: { one: 1, of: 2 }, fingerprint: "sha256:00",
 *   targets: 10, retries: 0, total: 5, first: 0, next: 5, sent: 5, results: 1,
 *   startMs: 0, endMs: 1000, args: [], program: "examples/scan.ts", runtime: "deno", cwd: "/" });
 * console.log(r.status, r.shard); // "finished" "1/2"
 * ```
 */
export function completionRecord(facts: CompletionFacts): CompletionRecord {
  return {
    rec_type: "completion",
    version: 1,
    seed: facts.seed.toString(),
    shard: `${facts.shard.one}/${facts.shard.of}`,
    fingerprint: facts.fingerprint,
    targets: facts.targets,
    retries: facts.retries,
    total: facts.total,
    range: [facts.first, facts.next],
    probes_sent: facts.sent,
    results: facts.results,
    start_time: new Date(facts.startMs).toISOString(),
    end_time: new Date(facts.endMs).toISOString(),
    status: facts.next >= facts.total ? "finished" : "interrupted",
    resume_index: facts.next,
    args: [...facts.args],
    program: facts.program,
    runtime: facts.runtime,
    cwd: facts.cwd,
  };
}

/** The record as its NDJSON line (with the newline). */
export function formatCompletion(record: CompletionRecord): string {
  return JSON.stringify(record) + "\n";
}

/** The marker a completion line contains (a cheap test before parsing). */
export const COMPLETION_MARKER = '"rec_type":"completion"';

const isCount = (x: unknown): x is number =>
  typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

/**
 * Parses and checks one completion line; throws SyntaxError naming the
 * field that is missing or malformed.
 *
 * @example
 * ```ts
 * import { completionRecord, formatCompletion, parseCompletion } from "./completion.ts";
 * const line = formatCompletion(completionRecord({ seed: 7n, shard: { one: 1, of: 2 },
 *   fingerprint: "sha256:00", targets: 10, retries: 0, total: 5, first: 0, next: 3,
 *   sent: 3, results: 0, startMs: 0, endMs: 1, args: [], program: "scan.ts", runtime: "deno", cwd: "/" }));
 * console.log(parseCompletion(line).resume_index); // 3
 * ```
 */
export function parseCompletion(line: string): CompletionRecord {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line);
  } catch (e) {
    throw new SyntaxError(`not JSON (${(e as Error).message})`, { cause: e });
  }
  const bad = (field: string): never => {
    throw new SyntaxError(`completion record: bad or missing "${field}"`);
  };
  if (r.rec_type !== "completion") bad("rec_type");
  if (r.version !== 1) bad("version");
  if (typeof r.seed !== "string" || !/^\d+$/.test(r.seed)) bad("seed");
  if (typeof r.shard !== "string" || !/^\d+\/\d+$/.test(r.shard)) bad("shard");
  if (typeof r.fingerprint !== "string") bad("fingerprint");
  for (const k of ["targets", "retries", "total", "probes_sent", "results"]) {
    if (!isCount(r[k])) bad(k);
  }
  const range = r.range as unknown[];
  if (
    !Array.isArray(range) || range.length !== 2 || !isCount(range[0]) ||
    !isCount(range[1]) || range[0] > range[1] || range[1] > (r.total as number)
  ) bad("range");
  if (r.status !== "finished" && r.status !== "interrupted") bad("status");
  if (!isCount(r.resume_index)) bad("resume_index");
  if (!Array.isArray(r.args) || r.args.some((a) => typeof a !== "string")) {
    bad("args");
  }
  if (typeof r.program !== "string") bad("program");
  if (typeof r.runtime !== "string") bad("runtime");
  if (typeof r.cwd !== "string") bad("cwd");
  return r as unknown as CompletionRecord;
}
