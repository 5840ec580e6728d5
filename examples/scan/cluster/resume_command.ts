/**
 * The exact command that resumes an interrupted shard, or reruns a missing
 * one, built from the arguments a run of the same scan recorded in its
 * completion record: the same scan with its `--seed`, `--shard x/y`, and
 * `--resume-index N --append-output` (so the shard's `-oD` file keeps its
 * first run's results and gains the rest, and a second completion record).
 *
 * @module
 */

import type { CompletionRecord } from "./completion.ts";
import { shq as shellQuote } from "./job_args.ts";

/** Flags the command sets itself: dropped from the recorded arguments. */
const VALUED = new Set(["--shard", "--resume-index", "--seed"]);
const BARE = new Set(["--append-output"]);

function withoutOwnFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.split("=")[0];
    if (BARE.has(a)) continue;
    if (VALUED.has(name)) {
      if (!a.includes("=")) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * The command for shard `one` of the scan `from` was part of, starting at
 * probe index `resumeIndex` (0: a rerun from the start). When `from` is
 * another shard's record, names in its arguments that contain
 * `shard-A-of-Y` (the emitted job scripts' output names) become
 * `shard-X-of-Y`.
 *
 * @example
 * ```ts
 * import { resumeCommand } from "./resume_command.ts";
 * const from = { seed: "7", shard: "1/3", args: ["198.18.0.0/24", "--shard", "1/3", "-oD", "out/shard-1-of-3.ndjson"],
 *   program: "/zon/examples/scan.ts", runtime: "deno", cwd: "/zon" };
 * console.log(resumeCommand(from, 2, 40));
 * // "cd /zon && deno run -A /zon/examples/scan.ts 198.18.0.0/24 -oD out/shard-2-of-3.ndjson --seed 7 --shard 2/3 --resume-index 40 --append-output"
 * ```
 */
export function resumeCommand(
  from: Pick<
    CompletionRecord,
    "seed" | "shard" | "args" | "program" | "runtime" | "cwd"
  >,
  one: number,
  resumeIndex: number,
): string {
  const [was, of] = from.shard.split("/");
  const rename = (a: string): string =>
    a.replaceAll(`shard-${was}-of-${of}`, `shard-${one}-of-${of}`);
  const args = [
    ...withoutOwnFlags(from.args).map(rename),
    "--seed",
    from.seed,
    "--shard",
    `${one}/${of}`,
    ...(resumeIndex > 0
      ? ["--resume-index", String(resumeIndex), "--append-output"]
      : []),
  ];
  return `cd ${shellQuote(from.cwd)} && ${shellQuote(from.runtime)} run -A ${
    shellQuote(from.program)
  } ${args.map(shellQuote).join(" ")}`;
}
