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
  parseScanArgs,
  type ScanConfig,
  UsageError,
} from "./scan/cli/config.ts";
import { listScan } from "./scan/cli/listscan.ts";

/** Prints a usage error the way every mode does, returns exit code 2. */
function usageFailure(message: string): number {
  console.error(`zon scan: ${message}\n(run with --help for usage)`);
  return 2;
}

function runListScan(config: ScanConfig): number {
  let order: ScanOrder;
  try {
    const targets = new TargetSet({
      include: config.include,
      exclude: config.exclude,
      ports: config.ports,
    });
    order = new ScanOrder(targets, { seed: config.seed, shard: config.shard });
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError) {
      console.error(`zon scan: ${e.message}`);
      return 2;
    }
    throw e;
  }
  try {
    listScan(order, Deno.stdout);
  } catch (e) {
    // A reader that stops early (`| head`) is not an error.
    if (e instanceof Deno.errors.BrokenPipe) return 0;
    throw e;
  }
  return 0;
}

/** Runs the scanner on `argv`; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
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
  if (config.echo) {
    Deno.stdout.writeSync(new TextEncoder().encode(formatScanConfig(config)));
    return 0;
  }
  if (config.listScan) return runListScan(config);
  const { runScanCommand } = await import("./scan/cli/run.ts");
  return await runScanCommand(config, argv);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
