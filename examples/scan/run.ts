/**
 * The scanning modes of examples/scan.ts (everything but -sL/--echo/--help):
 * safety rules, adapter, engine, outputs, status, Ctrl-C and paused.conf.
 *
 * @module
 */

import { type ScanConfig, UsageError } from "./config.ts";
import { buildSafeTargets } from "./targets.ts";

/** Runs a scan as configured; resolves to the exit code. */
export async function runScanCommand(config: ScanConfig): Promise<number> {
  try {
    if (config.banners) {
      throw new UsageError(
        "--banners is not implemented yet (the user-mode TCP stack lands with issue 8); run without it",
      );
    }
    const { notes } = buildSafeTargets(config);
    for (const note of notes) console.error(`zon scan: ${note}`);
    await Promise.resolve();
    throw new UsageError("SYN scanning is not wired yet; use -sL");
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`zon scan: ${e.message}\n(run with --help for usage)`);
      return 2;
    }
    throw e;
  }
}
