/**
 * The scan command's side of the completion record: what a run of
 * examples/scan.ts knows at its end (config, targets, engine summary),
 * turned into the NDJSON line its `-oD` outputs end with.
 *
 * @module
 */

import type { TargetSet } from "../../../blackrock/mod.ts";
import { formatScanConfig, type ScanConfig } from "../cli/config.ts";
import type { EngineSummary } from "../engine/types.ts";
import { indexedTargetCount } from "../engine/shared.ts";
import { completionRecord, formatCompletion } from "./completion.ts";
import { targetFingerprint } from "./fingerprint.ts";

/** What the scan command passes at its end. */
export interface ShardRun {
  /** The configuration. */
  config: ScanConfig;
  /** The arguments it was started with. */
  argv: readonly string[];
  /** The effective targets (after the safety rules). */
  targets: TargetSet;
  /** The engine's summary. */
  summary: EngineSummary;
  /** The first index not covered (after an output failure: before it). */
  resumeAt: number;
  /** When the run started, ms since the epoch. */
  startMs: number;
}

/**
 * The arguments a resume command starts from: the command line as given,
 * or — when options came from a `-c`/`--resume` file, which may not exist
 * where the command is run — the whole configuration as `--key=value`
 * flags (formatScanConfig's entries, which parse back to the same scan).
 */
function recordedArgs(config: ScanConfig, argv: readonly string[]): string[] {
  if (!argv.some((a) => /^(--resume|-c|--conf)(=|$)/.test(a))) return [...argv];
  return formatScanConfig(config).split("\n").filter((l) => l !== "")
    .map((l) => {
      const at = l.indexOf(" = "), value = l.slice(at + 3);
      // Boolean options are written `key = true`: a bare flag on a command line.
      return value === "true"
        ? `--${l.slice(0, at)}`
        : `--${l.slice(0, at)}=${value}`;
    })
    .filter((a) => !a.startsWith("--resume-index="));
}

/** The program path for a resume command: the main module's file path. */
function programPath(): string {
  const url = new URL(Deno.mainModule);
  return url.protocol === "file:" ? url.pathname : "examples/scan.ts";
}

/**
 * The completion line of `run` (see completion.ts).
 *
 * @example
 * ```ts ignore
 * outputs.writeCompletion(await shardCompletionLine({ config, argv, targets, summary, resumeAt, startMs }));
 * ```
 */
export async function shardCompletionLine(run: ShardRun): Promise<string> {
  const { config, summary } = run;
  return formatCompletion(completionRecord({
    seed: config.seed,
    shard: config.shard,
    fingerprint: await targetFingerprint(run.targets),
    // The scan index's targets (with the ping and extra UDP payload
    // columns): `total` is counted from them, and --merge checks it so.
    targets: indexedTargetCount(run.targets, config.ping),
    retries: config.retries,
    total: summary.totalProbes,
    first: Math.min(config.resumeIndex, run.resumeAt),
    next: run.resumeAt,
    sent: summary.sent,
    results: summary.found,
    startMs: run.startMs,
    endMs: Date.now(),
    args: recordedArgs(config, run.argv),
    program: programPath(),
    runtime: Deno.execPath(),
    cwd: Deno.cwd(),
  }));
}
