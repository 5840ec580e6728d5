/**
 * `-oL`: masscan's list format, byte for byte —
 *
 * ```text
 * #masscan
 * open tcp 80 198.18.0.2 1700000000
 * # end
 * ```
 *
 * — `status protocol port address unix-time`, one result per line, each
 * written as it arrives. A killed scan leaves whole lines and no `# end`.
 *
 * @module
 */

import type { ScanResult, ScanSummary } from "../engine/result.ts";
import {
  bannerAddress,
  bannerLine,
  resultAddress,
  wholeSeconds,
} from "./common.ts";
import type { Sink } from "./sink.ts";
import type { FoundBanner, OutputWriter, ScanMeta } from "./types.ts";

const encoder = new TextEncoder();

/** One result as an `-oL` line (with its newline). */
export function listRecord(r: ScanResult): string {
  return `${r.status} ${r.protocol} ${r.port} ${resultAddress(r)} ${
    wholeSeconds(r.timestamp)
  }\n`;
}

/**
 * One banner as masscan's `-oL` line: `banner tcp 80 198.18.1.11
 * 1700000000 http HTTP/1.0 200 OK\x0d\x0a...`.
 */
export function listBannerRecord(b: FoundBanner): string {
  return `banner ${b.transport ?? "tcp"} ${b.port} ${bannerAddress(b)} ${
    wholeSeconds(b.timestamp)
  } ${b.service.name} ${bannerLine(b.banner)}\n`;
}

/** The `-oL` writer. */
export class ListWriter implements OutputWriter {
  #sink: Sink;
  #ended = false;

  /** Writes to `sink`. */
  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /** Writes `#masscan` (the header masscan's `--readscan` looks for). */
  begin(_meta: ScanMeta): void {
    this.#sink.write(encoder.encode("#masscan\n"));
  }

  /** -oL: the earlier lines stay; new ones follow them. */
  resume(meta: ScanMeta, existing: string): void {
    if (existing === "") this.begin(meta);
  }

  /** Writes one line. */
  write(r: ScanResult): void {
    if (this.#ended) return;
    this.#sink.write(encoder.encode(listRecord(r)));
  }

  /** Writes one banner line. */
  writeBanner(b: FoundBanner): void {
    if (this.#ended) return;
    this.#sink.write(encoder.encode(listBannerRecord(b)));
  }

  /** Writes `# end` and closes the file. */
  end(_summary: ScanSummary): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#sink.write(encoder.encode("# end\n"));
    this.#sink.close();
  }
}
