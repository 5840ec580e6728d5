/**
 * Types shared by the output formats: what a writer learns when the scan
 * begins ({@link ScanMeta}) and the interface every format implements
 * ({@link OutputWriter}).
 *
 * @module
 */

import type { ScanResult, ScanSummary } from "../engine/result.ts";
import type { FoundBanner } from "../banners/channel.ts";

export type { FoundBanner, ScanResult, ScanSummary };

/** The output formats: `-oJ`, `-oD`, `-oL`, `-oX`, `-oG`. */
export type OutputFormatName = "json" | "ndjson" | "list" | "xml" | "grepable";

/** What the scan is, as headers and trailers report it. */
export interface ScanMeta {
  /** When the scan started, Unix time in seconds (fractional allowed). */
  startTime: number;
  /** The command line (arguments after the runtime), for `-oX` `args`. */
  commandLine: readonly string[];
  /** zon's version, e.g. `"0.1.0"`. */
  version: string;
  /** The probe kind: TCP SYN, UDP, or ICMP echo (`--ping`). */
  scanType: "syn" | "udp" | "ping";
  /** The `-p` specification in masscan syntax (`80,443,U:53`); may be "". */
  ports: string;
  /** `--rate`, packets per second. */
  rate: number;
}

/**
 * One output file. `begin` once, `write` per result and `writeBanner` per
 * banner, `end` once. Every call
 * writes synchronously and reaches the file before it returns (no user-space
 * buffer), so a scan killed at any moment keeps every result written so far.
 * `end` is idempotent (a SIGINT path and the normal path may both call it);
 * `write` after `end` is ignored.
 */
export interface OutputWriter {
  /** Writes the header. */
  begin(meta: ScanMeta): void;
  /**
   * Instead of `begin`: goes on with the document an earlier run of the
   * same scan wrote (`existing`, the sink's {@linkcode Sink.existing}),
   * keeping its results, so that the file ends as one valid document with
   * both runs' results. `existing` "" is `begin`. Throws RangeError when
   * `existing` is not this format's document.
   */
  resume(meta: ScanMeta, existing: string): void;
  /** Writes one result. */
  write(r: ScanResult): void;
  /** Writes one banner (`--banners`), in the format's banner record. */
  writeBanner(b: FoundBanner): void;
  /** Writes the trailer and closes the file (stdout stays open). */
  end(summary: ScanSummary): void;
}
