/**
 * Scans beyond one machine: every shard's `-oD` output ends with a
 * completion record (completion.ts, with the target fingerprint of
 * fingerprint.ts, imported from there), `--emit slurm|k8s` writes the job that runs the shards
 * on a scheduler (emit.ts), and `--merge` merges their outputs and proves
 * they covered the scan exactly once (merge.ts, coverage.ts).
 *
 * @example
 * ```ts
 * import { judgeCoverage } from "./mod.ts";
 * console.log(typeof judgeCoverage); // "function"
 * ```
 *
 * @module
 */

export type {
  AddressRange,
  Shard,
  TargetText,
} from "../../../blackrock/mod.ts";
export type {
  ClusterJobOptions,
  OutputFormat,
  OutputRequest,
  ScanConfig,
} from "../cli/config.ts";
export {
  type CompletionFacts,
  type CompletionRecord,
  completionRecord,
  type CompletionStatus,
  formatCompletion,
  parseCompletion,
} from "./completion.ts";
export {
  type Coverage,
  type FiledRecord,
  judgeCoverage,
  type ShardCoverage,
  shardProbes,
} from "./coverage.ts";
export { emitJob } from "./emit.ts";
export { MergeExit, runMerge, shardFiles } from "./merge.ts";
export { resumeCommand } from "./resume_command.ts";
