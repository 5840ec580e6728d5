/**
 * `-oJ`: masscan's JSON array, byte for byte —
 *
 * ```text
 * [
 * {   "ip": "198.18.0.2",   "timestamp": "1700000000", "ports": [ {"port": 80, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64} ] }
 * ,
 * { ... }
 * ]
 * ```
 *
 * — but valid JSON however the scan ends (masscan's is not when it is
 * interrupted, masscan issues #493/#314):
 *
 * - To a regular file, the closing `]` is on disk from `begin()` on: each
 *   result overwrites the `]\n` at the end with `,\n{...}\n]\n` in one
 *   write, so after every `write()` the file parses, and it still parses
 *   after a `kill -9` (the only window is a crash inside that one write(2)
 *   — power loss, not a signal).
 * - To stdout or a pipe (not seekable) the array is streamed as masscan does
 *   and closed by `end()`, which the SIGINT path calls; a hard kill there
 *   leaves the array unterminated (append `]` to repair it, or use `-oD`).
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

/** One result in masscan's `-oJ` record layout (with its newline). */
export function jsonRecord(r: ScanResult): string {
  return `{   "ip": "${resultAddress(r)}",   "timestamp": "${
    wholeSeconds(r.timestamp)
  }", "ports": [ {"port": ${r.port}, "proto": "${r.protocol}", "status": "${r.status}", "reason": "${r.reason}", "ttl": ${r.ttl}} ] }\n`;
}

/**
 * One banner in masscan's `-oJ` banner layout, `"service": {"name",
 * "banner"}` (the name as `nmap -sV` gives it), then nmap's `product`,
 * `version`, `extrainfo` and `tunnel` when known, and the decoded fields (`http`,
 * `tls`, `greeting`) inside `service`.
 */
export function jsonBannerRecord(b: FoundBanner): string {
  return `{   "ip": "${bannerAddress(b)}",   "timestamp": "${
    wholeSeconds(b.timestamp)
  }", "ports": [ {"port": ${b.port}, "proto": "${
    b.transport ?? "tcp"
  }", "service": {"name": ${JSON.stringify(b.service.name)}, "banner": ${
    JSON.stringify(b.banner)
  }${serviceFields(b)}${bannerDetails(b)}} } ] }\n`;
}

/** The `-oJ` writer (see the module documentation for its guarantees). */
export class JsonWriter implements OutputWriter {
  #sink: Sink;
  #first = true;
  #begun = false;
  #ended = false;
  /** Byte offset of the closing `]` (seekable sinks). */
  #tail = 0;

  /** Writes to `sink` (see {@link openOutput} for files and stdout). */
  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /** Opens the array (and, to a file, closes it at once: `[\n]\n`). */
  begin(_meta: ScanMeta): void {
    this.#begun = true;
    this.#sink.write(encoder.encode(this.#sink.seekable ? "[\n]\n" : "[\n"));
    this.#tail = 2;
  }

  /**
   * Goes on with an earlier run's array: its records stay, new ones go
   * before its closing `]`.
   */
  resume(meta: ScanMeta, existing: string): void {
    const text = existing.trimEnd();
    if (text === "") return this.begin(meta);
    const closed = text.endsWith("]");
    try {
      JSON.parse(closed ? text : text + "\n]");
    } catch (e) {
      throw new RangeError(
        "-oJ: the file holds no JSON array of results to continue",
        { cause: e },
      );
    }
    this.#begun = true;
    this.#first = !text.includes("{");
    // Overwrite the closing "]" (or append after the last record).
    this.#tail = closed ? text.length - 1 : text.length + 1;
    if (!closed) this.#sink.writeAt(text.length, encoder.encode("\n"));
    this.#sink.writeAt(this.#tail, encoder.encode("]\n"));
  }

  /** Adds one result (the comma goes before it, as in masscan). */
  write(r: ScanResult): void {
    this.#append(jsonRecord(r));
  }

  /** Adds one banner record. */
  writeBanner(b: FoundBanner): void {
    this.#append(jsonBannerRecord(b));
  }

  #append(record: string): void {
    if (this.#ended) return;
    if (!this.#begun) throw new Error("-oJ: write() before begin()");
    const text = (this.#first ? "" : ",\n") + record;
    this.#first = false;
    if (this.#sink.seekable) {
      const bytes = encoder.encode(text + "]\n");
      this.#sink.writeAt(this.#tail, bytes);
      this.#tail += bytes.length - 2;
    } else {
      this.#sink.write(encoder.encode(text));
    }
  }

  /** Closes the array (already closed on a file) and the file. */
  end(_summary: ScanSummary): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#begun) this.begin({} as ScanMeta);
    if (!this.#sink.seekable) this.#sink.write(encoder.encode("]\n"));
    this.#sink.close();
  }
}
