/**
 * zon's reference scanner: masscan's design — a blackrock permutation of the
 * targets, SYN cookies instead of per-target state, probes written from a
 * template straight into the driver's ring — built from zon's modules.
 * Run with `--help` for usage.
 *
 * Layout of `scan/`, one folder per concern, in the order data flows:
 * `cli/` (flags, config files, modes, status line) → `adapter/` (interface,
 * addresses, router MAC) → `engine/` (plan, lifecycle, shared records) →
 * `transmit/` and `receive/` (the two Workers) → `banners/` → `output/`;
 * `lab/` builds the namespace lab that `--lab` scans. Frames are written by
 * the `packet/` module only.
 *
 * @module
 */

import { ScanOrder, TargetSet } from "../blackrock/mod.ts";
import {
  formatScanConfig,
  HELP,
  isInputError,
  parseScanArgs,
  type ScanConfig,
  UsageError,
} from "./scan/cli/config.ts";
import { listScan } from "./scan/cli/listscan.ts";
import { reportFailure, say } from "./scan/cli/messages.ts";

/** Prints a usage error the way every mode does, returns exit code 2. */
function usageFailure(message: string): number {
  say(message);
  console.error("(run with --help for usage)");
  return 2;
}

/** The targets every mode checks the same way (-sL, --echo, a scan). */
function targetOrder(config: ScanConfig): ScanOrder {
  const targets = new TargetSet({
    include: config.include,
    exclude: config.exclude,
    ports: config.ports,
  });
  return new ScanOrder(targets, { seed: config.seed, shard: config.shard });
}

function runListScan(order: ScanOrder): number {
  try {
    listScan(order, Deno.stdout);
  } catch (e) {
    // A reader that stops early (`| head`) is not an error.
    if (e instanceof Deno.errors.BrokenPipe) return 0;
    throw e;
  }
  return 0;
}

/** `--merge` and `--emit slurm|k8s` (examples/scan/cluster/). */
async function runClusterMode(
  config: ScanConfig,
  argv: string[],
): Promise<number> {
  const { emitJob, runMerge } = await import("./scan/cluster/mod.ts");
  const { OutputError } = await import("./scan/cli/outputs.ts");
  try {
    if (config.merge) {
      return await runMerge(config.mergeInputs, config.outputs);
    }
    Deno.stdout.writeSync(new TextEncoder().encode(emitJob(config, argv)));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(e.message);
    if (e instanceof OutputError) {
      say(e.message);
      return 1;
    }
    throw e;
  }
}

async function run(argv: string[]): Promise<number> {
  if (argv.includes("--lab")) {
    // The lab parses its own flags (-e ring|pcap, --rate, -p, ...).
    const { runLabCli } = await import("./scan/lab/mod.ts");
    return await runLabCli(argv);
  }
  let config: ScanConfig;
  try {
    config = parseScanArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailure(e.message);
  }
  if (config.help) {
    console.log(HELP);
    return 0;
  }
  if (config.merge || config.emit !== undefined) {
    return await runClusterMode(config, argv);
  }
  if (config.echo || config.listScan) {
    let order: ScanOrder;
    try {
      order = targetOrder(config);
    } catch (e) {
      if (!isInputError(e)) throw e;
      return usageFailure(e.message);
    }
    if (config.listScan) return runListScan(order);
    Deno.stdout.writeSync(new TextEncoder().encode(formatScanConfig(config)));
    return 0;
  }
  const { runScanCommand } = await import("./scan/cli/run.ts");
  return await runScanCommand(config, argv);
}

/**
 * Runs the scanner on `argv`; resolves to the process exit code. Nothing
 * reaches the user as a stack trace: an error no handler meant is an
 * internal error, one line (the trace with `--debug` or `ZON_DEBUG=1`).
 */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    return await run(argv);
  } catch (e) {
    return reportFailure(e, debug);
  }
}

if (import.meta.main) {
  // Errors outside main's await (a Worker's, a stray promise's) too.
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    Deno.exit(reportFailure(e.reason, Deno.args.includes("--debug")));
  });
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    Deno.exit(reportFailure(e.error, Deno.args.includes("--debug")));
  });
  Deno.exit(await main(Deno.args));
}
