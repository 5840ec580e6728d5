/**
 * NDJSON output: one record per line, written in large buffered chunks.
 *
 * @module
 */

import type { WatchRecord } from "../engine/records.ts";

const FLUSH_BYTES = 1 << 16;

/**
 * Buffered writer of records as NDJSON lines.
 *
 * @example
 * ```ts
 * import { NdjsonWriter } from "./ndjson.ts";
 * const out = NdjsonWriter.open("-");
 * out.write({ type: "gap", flow: 1, direction: "to_server", from: 10, to: 20 });
 * out.close();
 * ```
 */
export class NdjsonWriter {
  readonly #file: Deno.FsFile | typeof Deno.stdout;
  readonly #closeFile: boolean;
  readonly #encoder = new TextEncoder();
  #buffer: string[] = [];
  #buffered = 0;

  private constructor(file: Deno.FsFile | typeof Deno.stdout, close: boolean) {
    this.#file = file;
    this.#closeFile = close;
  }

  /** Opens `path` (created or truncated); "-" is stdout. */
  static open(path: string): NdjsonWriter {
    if (path === "-") return new NdjsonWriter(Deno.stdout, false);
    const file = Deno.openSync(path, {
      write: true,
      create: true,
      truncate: true,
    });
    return new NdjsonWriter(file, true);
  }

  /** Appends one record. */
  write(record: WatchRecord): void {
    const line = JSON.stringify(record) + "\n";
    this.#buffer.push(line);
    this.#buffered += line.length;
    if (this.#buffered >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.#buffer.length === 0) return;
    const bytes = this.#encoder.encode(this.#buffer.join(""));
    this.#buffer = [];
    this.#buffered = 0;
    for (let at = 0; at < bytes.length;) {
      at += this.#file.writeSync(bytes.subarray(at));
    }
  }

  /** Flushes and closes (stdout stays open). */
  close(): void {
    this.flush();
    if (this.#closeFile) (this.#file as Deno.FsFile).close();
  }
}
