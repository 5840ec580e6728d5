/**
 * `--emit slurm`: a Slurm batch script that runs the scan as a job array,
 * one shard per array task. The array is `1-N`, so the task ID is the shard
 * number as `--shard` counts (1-based), and N is written into the script
 * rather than read from `SLURM_ARRAY_TASK_COUNT`: resubmitting one task
 * (`sbatch --array=2 job.sh`) reruns shard 2 of N, not shard 2 of 1.
 *
 * @module
 */

import { shq } from "./job_args.ts";

/** What the script runs. */
export interface SlurmJob {
  /** Job name (`#SBATCH --job-name`). */
  name: string;
  /** Shards (array tasks). */
  shards: number;
  /** Tasks running at once (`%P` of `--array`); 0 for no limit. */
  parallelism: number;
  /** The shared directory the tasks write `shard-X-of-N.ndjson` into (absolute). */
  outputDir: string;
  /** The working directory of the tasks (absolute). */
  workDir: string;
  /** A command each task runs the scanner under (`ip netns exec scan`), or "". */
  execPrefix: string;
  /** The Deno binary. */
  deno: string;
  /** The scanner's path (examples/scan.ts). */
  program: string;
  /** The scan's arguments (from {@linkcode taskArgs}). */
  args: readonly string[];
}

/**
 * The batch script's text.
 *
 * @example
 * ```ts
 * import { slurmScript } from "./emit_slurm.ts";
 * const text = slurmScript({ name: "zon-scan", shards: 3, parallelism: 0, outputDir: "/shared/out",
 *   workDir: "/zon", execPrefix: "", deno: "deno", program: "examples/scan.ts",
 *   args: ["198.18.0.0/24", "--seed", "7"] });
 * console.log(text.includes("#SBATCH --array=1-3")); // true
 * ```
 */
export function slurmScript(job: SlurmJob): string {
  const n = job.shards;
  const array = job.parallelism > 0 ? `1-${n}%${job.parallelism}` : `1-${n}`;
  const prefix = job.execPrefix === "" ? "" : `${job.execPrefix} `;
  return `#!/bin/bash
# zon scan as a Slurm job array: shard $SLURM_ARRAY_TASK_ID of ${n} per task,
# the same seed and targets in every task. Written by examples/scan.ts --emit slurm.
# The seed decides the order of the whole scan: keep this file private.
#   sbatch ${"job.sh"}            # all ${n} shards
#   sbatch --array=2 job.sh    # shard 2 again (the shard count stays ${n})
# then: deno run -A examples/scan.ts --merge ${shq(job.outputDir)} -oX all.xml
#SBATCH --job-name=${job.name}
#SBATCH --array=${array}
#SBATCH --ntasks=1
#SBATCH --chdir=${job.workDir}
#SBATCH --output=${job.outputDir}/slurm-%A_%a.out
#SBATCH --signal=TERM@30
set -euo pipefail
SHARDS=${n}
SHARD=\${SLURM_ARRAY_TASK_ID:?not inside a Slurm array task}
if [ "$SHARD" -lt 1 ] || [ "$SHARD" -gt "$SHARDS" ]; then
  echo "zon: array task $SHARD is outside 1-$SHARDS" >&2
  exit 2
fi
mkdir -p ${shq(job.outputDir)}
# exec: scancel's SIGTERM reaches the scanner, which stops, waits for late
# replies and writes its completion record with the index to resume from.
exec ${prefix}${shq(job.deno)} run -A ${shq(job.program)} ${
    job.args.map(shq).join(" ")
  } \\
  --shard "$SHARD/$SHARDS" --no-status \\
  -oD ${shq(job.outputDir)}/shard-"$SHARD"-of-"$SHARDS".ndjson
`;
}
