/**
 * The scanner's output files: `-oJ` (masscan's JSON array), `-oD` (NDJSON),
 * `-oL` (masscan's list), `-oX` (nmap XML, valid against nmap.dtd) and `-oG`
 * (grepable). Each result is written with one synchronous write(2) as it
 * arrives, so a killed scan keeps what it found; see each format's module
 * for what a hard kill leaves behind.
 *
 * @example
 * ```ts
 * import { openOutput } from "./mod.ts";
 * const out = openOutput("ndjson", "-");
 * out.begin({ startTime: Date.now() / 1000, commandLine: ["-p80", "198.18.0.0/24"],
 *   version: "0.1.0", scanType: "syn", ports: "80", rate: 1000 });
 * out.write({ version: 4, ipv4: 0xc6120002, ipv6: new Uint8Array(16), port: 80,
 *   protocol: "tcp", status: "open", reason: "syn-ack", ttl: 64, timestamp: 1700000000 });
 * out.end({ sent: 256, received: 1, valid: 1, badCookie: 0, duplicates: 0,
 *   found: 1, elapsed: 1.5, interrupted: false });
 * ```
 *
 * @module
 */

import { GrepableWriter } from "./grepable.ts";
import { JsonWriter } from "./json.ts";
import { ListWriter } from "./list.ts";
import { NdjsonWriter } from "./ndjson.ts";
import { openSink, type Sink } from "./sink.ts";
import type { OutputFormatName, OutputWriter } from "./types.ts";
import { XmlWriter } from "./xml.ts";

export type {
  OutputFormatName,
  OutputWriter,
  ScanMeta,
  ScanResult,
  ScanSummary,
} from "./types.ts";
export { fileSink, openSink, type Sink, stdoutSink } from "./sink.ts";
export { GrepableWriter, JsonWriter, ListWriter, NdjsonWriter, XmlWriter };

/** A writer of `format` over any {@link Sink} (tests pass their own). */
export function createOutput(
  format: OutputFormatName,
  sink: Sink,
): OutputWriter {
  switch (format) {
    case "json":
      return new JsonWriter(sink);
    case "ndjson":
      return new NdjsonWriter(sink);
    case "list":
      return new ListWriter(sink);
    case "xml":
      return new XmlWriter(sink);
    case "grepable":
      return new GrepableWriter(sink);
    default:
      throw new RangeError(`unknown output format "${format as string}"`);
  }
}

/**
 * Opens `path` (`-` is stdout) for `format`: `-oJ` → "json", `-oD` →
 * "ndjson", `-oL` → "list", `-oX` → "xml", `-oG` → "grepable". The file is
 * created or truncated now, so a bad path fails before the scan starts.
 */
export function openOutput(
  format: OutputFormatName,
  path: string,
): OutputWriter {
  return createOutput(format, openSink(path));
}
