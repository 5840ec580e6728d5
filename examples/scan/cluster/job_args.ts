/**
 * What every task of an emitted job runs: the scan's own arguments (the
 * command line without the `--emit` options), with the seed fixed — a
 * random seed drawn now, once, so that every task permutes alike — and
 * the per-task `--shard` and `-oD` left to the job script.
 *
 * @module
 */

import { UsageError } from "../cli/config.ts";

/** The `--emit` options (not passed on to the tasks). */
export const EMIT_OPTIONS: ReadonlySet<string> = new Set([
  "--emit",
  "--shards",
  "--output-dir",
  "--job-name",
  "--exec-prefix",
  "--deno",
  "--image",
  "--parallelism",
  "--program",
]);

/** Options the job sets per task, refused on an `--emit` command line. */
const PER_TASK: Record<string, string> = {
  "--shard": "each task's --shard is set by the job",
  "--resume": "resume a task with the command --merge prints",
  "--resume-index": "resume a task with the command --merge prints",
  "--lab": "the lab is a local mode",
};
const OUTPUT_FLAGS = [
  "-oJ",
  "-oD",
  "-oL",
  "-oX",
  "-oG",
  "--output-json",
  "--output-ndjson",
  "--output-list",
  "--output-xml",
  "--output-grepable",
];

/**
 * The tasks' scan arguments from the `--emit` command line `argv`, with
 * `--seed seed` in place of any `--seed`. Throws UsageError for options
 * the job sets itself (`--shard`, outputs).
 *
 * @example
 * ```ts
 * import { taskArgs } from "./job_args.ts";
 * console.log(taskArgs(["--emit", "slurm", "--shards", "3", "198.18.0.0/24", "-p", "80"], 7n));
 * // [ "198.18.0.0/24", "-p", "80", "--seed", "7" ]
 * ```
 */
export function taskArgs(argv: readonly string[], seed: bigint): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith("--") ? a.split("=")[0] : a;
    if (EMIT_OPTIONS.has(name) || name === "--seed") {
      if (!a.includes("=")) i++;
      continue;
    }
    if (name in PER_TASK) {
      throw new UsageError(
        `--emit: ${name} is not allowed (${PER_TASK[name]})`,
      );
    }
    if (OUTPUT_FLAGS.includes(name)) {
      throw new UsageError(
        `--emit: ${name} is not allowed (each task writes -oD into --output-dir; merge them with --merge DIR -oX ...)`,
      );
    }
    out.push(a);
  }
  return [...out, "--seed", seed.toString()];
}

/** Quotes `word` for a POSIX shell when it needs it. */
export function shq(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word)
    ? word
    : `'${word.replaceAll("'", `'"'"'`)}'`;
}
