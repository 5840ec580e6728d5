/**
 * `examples/scan.ts --emit slurm|k8s`: checks the scan's targets as a scan
 * would (the same safety rules) and prints the job script or manifest.
 *
 * @module
 */

import { type ScanConfig, UsageError } from "../cli/config.ts";
import { buildSafeTargets } from "../cli/targets.ts";
import { k8sJob } from "./emit_k8s.ts";
import { slurmScript } from "./emit_slurm.ts";
import { taskArgs } from "./job_args.ts";

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

/** The local scanner's path, for Slurm tasks on this machine's file system. */
function localProgram(): string {
  const url = new URL(Deno.mainModule);
  return url.protocol === "file:" ? url.pathname : "examples/scan.ts";
}

/**
 * The job text for `config` (its `emit` set) and the command line `argv`.
 * Throws UsageError for targets a scan would refuse and for options the
 * job sets per task.
 *
 * @example
 * ```ts ignore
 * console.log(emitJob(parseScanArgs(argv), argv));
 * ```
 */
export function emitJob(config: ScanConfig, argv: readonly string[]): string {
  const job = config.cluster;
  if (job.shards < 1) {
    throw new UsageError("--emit: --shards N (N ≥ 1) is required");
  }
  const { notes } = buildSafeTargets(config);
  for (const note of notes) console.error(`zon scan: ${note}`);
  if (!config.seedGiven) {
    console.error(
      `zon scan: --emit: no --seed given: the job uses the random seed ${config.seed} (keep it secret)`,
    );
  }
  const args = taskArgs(argv, config.seed);
  if (config.emit === "slurm") {
    // Slurm opens each task's --output file before the script runs: the
    // (shared) directory must exist at submission.
    const outputDir = absolute(job.outputDir ?? "zon-shards");
    try {
      Deno.mkdirSync(outputDir, { recursive: true });
    } catch (e) {
      if (!(e instanceof Error && /os error/.test(e.message))) throw e;
      throw new UsageError(`--output-dir ${outputDir}: ${e.message}`, {
        cause: e,
      });
    }
    return slurmScript({
      name: job.name,
      shards: job.shards,
      parallelism: job.parallelism ?? 0,
      outputDir,
      workDir: Deno.cwd(),
      execPrefix: job.execPrefix ?? "",
      deno: job.deno ?? Deno.execPath(),
      program: job.program ?? localProgram(),
      args,
    });
  }
  return k8sJob({
    name: job.name,
    shards: job.shards,
    parallelism: job.parallelism ?? job.shards,
    image: job.image ?? "zon:0.1.0",
    deno: job.deno ?? "deno",
    program: job.program ?? "/zon/examples/scan.ts",
    outputDir: job.outputDir ?? "/out",
    args,
  });
}
