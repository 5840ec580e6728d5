/**
 * `-oD`: masscan's NDJSON — one object per line, no header or trailer:
 *
 * ```text
 * {"ip":"198.18.0.2","timestamp":"1700000000","port":80,"proto":"tcp","rec_type":"status","data":{"status":"open","reason":"syn-ack","ttl":64}}
 * ```
 *
 * Each line goes out in one write(2) as the result arrives, so readers
 * tailing the file, and a file left by a killed scan, only see whole lines.
 *
 * @module
 */

import type { ScanResult, ScanSummary } from "../engine/result.ts";
import {
  bannerAddress,
  bannerDetails,
  resultAddress,
  serviceFields,
  wholeSeconds,
} from "./common.ts";
import type { Sink } from "./sink.ts";
import type { FoundBanner, OutputWriter, ScanMeta } from "./types.ts";

const encoder = new TextEncoder();
/** Lines are encoded into this and written from it: no allocation per line. */
const scratch = new Uint8Array(1 << 16);

/** `line` as UTF-8: a view of `scratch` (valid until the next call) when it fits. */
function encodeLine(line: string): Uint8Array {
  const { read, written } = encoder.encodeInto(line, scratch);
  return read === line.length
    ? scratch.subarray(0, written)
    : encoder.encode(line);
}

/** One result as masscan's `-oD` line (with its newline). */
export function ndjsonRecord(r: ScanResult): string {
  return `{"ip":"${resultAddress(r)}","timestamp":"${
    wholeSeconds(r.timestamp)
  }","port":${r.port},"proto":"${r.protocol}","rec_type":"status","data":{"status":"${r.status}","reason":"${r.reason}","ttl":${r.ttl}}}\n`;
}

/**
 * One banner as masscan's `-oD` banner line (`"rec_type":"banner"`,
 * `data: {service_name, banner}`, the name as `nmap -sV` gives it), then
 * nmap's `product`, `version` and `extrainfo` when known, and the decoded
 * fields in `data`.
 */
export function ndjsonBannerRecord(b: FoundBanner): string {
  return `{"ip":"${bannerAddress(b)}","timestamp":"${
    wholeSeconds(b.timestamp)
  }","port":${b.port},"proto":"${
    b.transport ?? "tcp"
  }","rec_type":"banner","data":{"service_name":${
    JSON.stringify(b.service.name)
  },"banner":${JSON.stringify(b.banner)}${serviceFields(b)}${
    bannerDetails(b)
  }}}\n`;
}

/** The `-oD` writer. */
export class NdjsonWriter implements OutputWriter {
  #sink: Sink;
  #ended = false;

  /** Writes to `sink`. */
  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /** NDJSON has no header. */
  begin(_meta: ScanMeta): void {}

  /** -oD: the earlier lines stay; new ones follow them. */
  resume(meta: ScanMeta, existing: string): void {
    if (existing === "") this.begin(meta);
  }

  /** Writes one whole line. */
  write(r: ScanResult): void {
    if (this.#ended) return;
    this.#sink.write(encodeLine(ndjsonRecord(r)));
  }

  /** Writes one whole banner line. */
  writeBanner(b: FoundBanner): void {
    if (this.#ended) return;
    this.#sink.write(encodeLine(ndjsonBannerRecord(b)));
  }

  /**
   * Writes a scan's completion record (a whole line, from
   * `examples/scan/cluster/completion.ts`) before `end`: the shard's last
   * line, which `--merge` reads.
   */
  writeCompletion(line: string): void {
    if (this.#ended) return;
    this.#sink.write(encoder.encode(line.endsWith("\n") ? line : line + "\n"));
  }

  /** NDJSON has no trailer: closes the file. */
  end(_summary: ScanSummary): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#sink.close();
  }
}
