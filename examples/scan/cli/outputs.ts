/**
 * The scan's output files, opened and checked before the first probe, and
 * kept safe during the scan:
 *
 * - Every `-oX/-oJ/-oD/-oL/-oG` path is opened (and a zero-byte write tried,
 *   which a full disk or a read-only /proc file refuses) before anything is
 *   sent: a scan whose results cannot be stored sends nothing. Failures are
 *   {@linkcode OutputError}s: one line naming the flag, the file and the OS
 *   error.
 * - An existing file is kept and continued on `--resume` and with
 *   `--append-output` (each format's `resume`: the earlier results stay and
 *   the file ends as one valid document); otherwise it is overwritten, and
 *   the scanner says so (masscan overwrites silently).
 * - A write that fails mid-scan stops transmitting (`onFailure`), the file
 *   keeps what it had, and the failure is reported at the end.
 *
 * @module
 */

import {
  createOutput,
  NdjsonWriter,
  openSink,
  type OutputFormatName,
  type OutputWriter,
  type ScanMeta,
  type ScanResult,
  type ScanSummary,
  type Sink,
} from "../output/mod.ts";
import type { FoundBanner } from "../banners/channel.ts";
import { isIoError, type OutputRequest } from "./config.ts";

/** The flag of each format, for messages. */
export const OUTPUT_FLAG: Readonly<Record<OutputFormatName, string>> = {
  json: "-oJ",
  ndjson: "-oD",
  list: "-oL",
  xml: "-oX",
  grepable: "-oG",
};

/** An output file could not be opened or written; the message says which and why. */
export class OutputError extends Error {
  /**
   * @param flag the output flag (`-oJ`)
   * @param path the file
   * @param what what failed ("cannot open", "cannot write")
   */
  constructor(
    readonly flag: string,
    readonly path: string,
    what: string,
    options: ErrorOptions & { cause: Error },
  ) {
    super(`${flag} ${path}: ${what}: ${options.cause.message}`, options);
    this.name = "OutputError";
  }
}

/** Is `e` an OS error from a file call (Deno's classes, or a bare "os error N")? */
function isOsError(e: unknown): e is Error {
  return isIoError(e) ||
    (e instanceof Error && /\(os error \d+\)/.test(e.message));
}

/** How {@linkcode openOutputs} treats files that exist. */
export interface OpenOptions {
  /** Keep and continue existing files (a resumed scan, `--append-output`). */
  keep: boolean;
  /** Told about each existing file that will be overwritten. */
  warn: (message: string) => void;
  /** Wraps each opened sink (`--merge` buffers its writes). */
  wrapSink?: (sink: Sink) => Sink;
}

interface OpenedOutput {
  request: OutputRequest;
  writer: OutputWriter;
  failed: boolean;
}

/** Bytes in a regular file at `path`, or 0 when there is none (or not a file). */
function existingSize(path: string): number {
  try {
    const info = Deno.statSync(path);
    return info.isFile ? info.size : 0;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    if (isOsError(e)) return 0; // openSink will report it
    throw e;
  }
}

function openOne(
  request: OutputRequest,
  meta: ScanMeta,
  options: OpenOptions,
): OpenedOutput {
  const flag = OUTPUT_FLAG[request.format];
  const keep = options.keep && request.path !== "-";
  const size = request.path === "-" ? 0 : existingSize(request.path);
  let sink: Sink;
  try {
    sink = openSink(request.path, { keep });
    sink.probe();
    if (options.wrapSink) sink = options.wrapSink(sink);
  } catch (e) {
    if (!isOsError(e)) throw e;
    throw new OutputError(flag, request.path, "cannot open for writing", {
      cause: e,
    });
  }
  if (size > 0 && !keep) {
    options.warn(
      `${flag} ${request.path}: overwriting the existing file (${size} bytes); --append-output keeps it`,
    );
  }
  const writer = createOutput(request.format, sink);
  try {
    if (keep) writer.resume(meta, sink.existing);
    else writer.begin(meta);
  } catch (e) {
    sink.close();
    if (e instanceof RangeError) {
      throw new OutputError(flag, request.path, "cannot continue it", {
        cause: e,
      });
    }
    if (!isOsError(e)) throw e;
    throw new OutputError(flag, request.path, "cannot write", { cause: e });
  }
  return { request, writer, failed: false };
}

/**
 * Opens every requested output and writes its header (or continues it);
 * throws {@linkcode OutputError} for the first that fails, after closing
 * those already open.
 */
export function openOutputs(
  requests: readonly OutputRequest[],
  meta: ScanMeta,
  options: OpenOptions,
): ScanOutputs {
  const opened: OpenedOutput[] = [];
  try {
    for (const r of requests) opened.push(openOne(r, meta, options));
  } catch (e) {
    for (const o of opened) o.writer.end(emptySummary());
    throw e;
  }
  return new ScanOutputs(opened);
}

function emptySummary(): ScanSummary {
  return {
    sent: 0,
    received: 0,
    valid: 0,
    badCookie: 0,
    duplicates: 0,
    found: 0,
    elapsed: 0,
    interrupted: true,
  };
}

/** The open outputs of a scan; see the module docs. */
export class ScanOutputs {
  readonly #outputs: OpenedOutput[];
  /** The first write failure, if any. */
  failure: OutputError | null = null;
  /** Called once, at the first write failure (the scan stops transmitting). */
  onFailure: (error: OutputError) => void = () => {};

  /** Wraps opened outputs (see {@linkcode openOutputs}). */
  constructor(outputs: OpenedOutput[]) {
    this.#outputs = outputs;
  }

  /** How many outputs there are. */
  get count(): number {
    return this.#outputs.length;
  }

  /** Writes a result to every output that still works. */
  write(r: ScanResult): void {
    for (const o of this.#outputs) this.#guard(o, () => o.writer.write(r));
  }

  /** Writes a banner to every output that still works. */
  writeBanner(b: FoundBanner): void {
    for (const o of this.#outputs) {
      this.#guard(o, () => o.writer.writeBanner(b));
    }
  }

  /** Writes the completion record (`--merge` reads it) to every `-oD` output. */
  writeCompletion(line: string): void {
    for (const o of this.#outputs) {
      const w = o.writer;
      if (w instanceof NdjsonWriter) {
        this.#guard(o, () => w.writeCompletion(line));
      }
    }
  }

  /** Writes each output's trailer and closes it. */
  end(summary: ScanSummary): void {
    for (const o of this.#outputs) this.#guard(o, () => o.writer.end(summary));
  }

  #guard(o: OpenedOutput, write: () => void): void {
    if (o.failed) return;
    try {
      write();
    } catch (e) {
      if (!isOsError(e)) throw e;
      o.failed = true;
      const error = new OutputError(
        OUTPUT_FLAG[o.request.format],
        o.request.path,
        "cannot write",
        { cause: e },
      );
      if (this.failure === null) {
        this.failure = error;
        this.onFailure(error);
      }
    }
  }
}
