/**
 * zon's reference scanner: masscan's design — a blackrock permutation of the
 * targets, no per-target state — built from zon's modules.
 *
 * Today it implements `-sL` (list scan). Run with `--help` for usage.
 *
 * @module
 */

import { ScanOrder, TargetSet } from "../blackrock/mod.ts";
import { HELP, parseScanArgs, UsageError } from "./scan/config.ts";
import { listScan } from "./scan/listscan.ts";

/** Runs the scanner on `argv`; returns the process exit code. */
export function main(argv: string[]): number {
  let config;
  try {
    config = parseScanArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`zon scan: ${e.message}\n(run with --help for usage)`);
    return 2;
  }
  if (config.help) {
    console.log(HELP);
    return 0;
  }
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
  if (!config.listScan) {
    console.error(
      "zon scan: only -sL (list scan) is implemented so far; add -sL to print the scan order",
    );
    return 2;
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

if (import.meta.main) {
  Deno.exit(main(Deno.args));
}
