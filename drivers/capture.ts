// Capture files of either format behind one reader and one writer: the
// reader is chosen by the file's magic number, the writer by the path's
// extension (`.pcapng` → pcapng, anything else → classic pcap).

import {
  PcapFormatError,
  PcapReader,
  type PcapSink,
  type PcapSource,
  PcapWriter,
} from "./pcap_file.ts";
import { PcapngBlockType, PcapngReader } from "./pcapng_file.ts";
import { PcapngWriter } from "./pcapng_writer.ts";

/**
 * One packet of a capture file, from either format. Readers reuse the same
 * object and the `data` view's buffer: copy what you keep before the next
 * call.
 *
 * @example
 * ```ts
 * import type { CaptureRecord } from "./capture.ts";
 * function show(r: CaptureRecord): string {
 *   return `${r.seconds}.${String(r.nanoseconds).padStart(9, "0")} if${r.interfaceId} ${r.capturedLength}/${r.originalLength}`;
 * }
 * ```
 */
export interface CaptureRecord {
  /** Timestamp seconds since the epoch. */
  seconds: number;
  /** Timestamp fraction in nanoseconds (0 to 999,999,999). */
  nanoseconds: number;
  /** Bytes captured (the length of `data`). */
  capturedLength: number;
  /** Length of the packet on the wire. */
  originalLength: number;
  /** The captured bytes (valid until the next call). */
  data: Uint8Array;
  /** Offset of this record's header (pcap) or block (pcapng) in the file. */
  fileOffset: number;
  /** Interface number within its pcapng section (0 for classic pcap). */
  interfaceId: number;
  /** LINKTYPE_ value of `data` (pass it to `parseFrame`). */
  linkType: number;
}

/**
 * A reader of either format, from {@linkcode openCaptureReader}.
 *
 * @example
 * ```ts
 * import type { CaptureReader } from "./capture.ts";
 * function count(reader: CaptureReader): number {
 *   let n = 0;
 *   for (const _ of reader) n++;
 *   return n;
 * }
 * ```
 */
export interface CaptureReader {
  /** `"pcap"` or `"pcapng"`, from the magic number. */
  readonly format: CaptureFormat;
  /** The next record, or null at a clean end; throws `PcapFormatError`. */
  next(): CaptureRecord | null;
  /** The remaining records (each reused; copy to keep). */
  [Symbol.iterator](): Iterator<CaptureRecord>;
}

/**
 * The two capture file formats.
 *
 * @example
 * ```ts
 * import type { CaptureFormat } from "./capture.ts";
 * const format: CaptureFormat = "pcapng";
 * ```
 */
export type CaptureFormat = "pcap" | "pcapng";

const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1];

/**
 * Open a capture of either format, told apart by its first four bytes.
 * Throws {@linkcode PcapFormatError} for a file that is neither (or too
 * short to tell).
 *
 * @example
 * ```ts
 * import { bytesSource, openCaptureReader, PcapngWriter } from "./mod.ts";
 * const chunks: Uint8Array[] = [];
 * const writer = new PcapngWriter({ writeSync: (p) => (chunks.push(p.slice()), p.length) });
 * writer.write(new Uint8Array(60));
 * writer.flush();
 * const reader = openCaptureReader(bytesSource(chunks[0]));
 * reader.format; // "pcapng"
 * reader.next()?.capturedLength; // 60
 * ```
 */
export function openCaptureReader(
  source: PcapSource,
  bufferSize: number = 1 << 20,
): CaptureReader {
  const magic = new Uint8Array(4);
  let got = 0;
  while (got < 4) {
    const n = source.readSync(magic.subarray(got));
    if (n === null) break;
    got += n;
  }
  if (got < 4) {
    throw new PcapFormatError(
      `file ends inside the magic number (${got} of 4 bytes)`,
      0,
      "capture",
    );
  }
  const replayed = prefixed(magic, source);
  const value = new DataView(magic.buffer).getUint32(0, false);
  if (value === PcapngBlockType.SECTION_HEADER) {
    return new PcapngCaptureReader(new PcapngReader(replayed, bufferSize));
  }
  if (PCAP_MAGICS.includes(value)) {
    return new PcapCaptureReader(new PcapReader(replayed, bufferSize));
  }
  throw new PcapFormatError(
    `magic 0x${value.toString(16).padStart(8, "0")} is neither pcap nor pcapng`,
    0,
    "capture",
  );
}

/** `prefix`, then the rest of `source`. */
function prefixed(prefix: Uint8Array, source: PcapSource): PcapSource {
  let at = 0;
  return {
    readSync(p: Uint8Array): number | null {
      if (at >= prefix.length) return source.readSync(p);
      const n = Math.min(p.length, prefix.length - at);
      p.set(prefix.subarray(at, at + n));
      at += n;
      return n;
    },
  };
}

class PcapngCaptureReader implements CaptureReader {
  readonly format = "pcapng" as const;
  #reader: PcapngReader;
  constructor(reader: PcapngReader) {
    this.#reader = reader;
  }
  next(): CaptureRecord | null {
    return this.#reader.next();
  }
  [Symbol.iterator](): Iterator<CaptureRecord> {
    return this.#reader[Symbol.iterator]();
  }
}

class PcapCaptureReader implements CaptureReader {
  readonly format = "pcap" as const;
  #reader: PcapReader;
  #scale: number;
  #record: CaptureRecord;
  constructor(reader: PcapReader) {
    this.#reader = reader;
    this.#scale = reader.nanoseconds ? 1 : 1000;
    this.#record = {
      seconds: 0,
      nanoseconds: 0,
      capturedLength: 0,
      originalLength: 0,
      data: new Uint8Array(0),
      fileOffset: 0,
      interfaceId: 0,
      linkType: reader.linkType,
    };
  }
  next(): CaptureRecord | null {
    const from = this.#reader.next();
    if (from === null) return null;
    const record = this.#record;
    record.seconds = from.seconds;
    record.nanoseconds = from.fraction * this.#scale;
    record.capturedLength = from.capturedLength;
    record.originalLength = from.originalLength;
    record.data = from.data;
    record.fileOffset = from.fileOffset;
    return record;
  }
  *[Symbol.iterator](): Iterator<CaptureRecord> {
    for (let record = this.next(); record; record = this.next()) yield record;
  }
}

/**
 * What `PcapWriter` and `PcapngWriter` have in common: a place to send
 * every frame of a `--pcap` option.
 *
 * @example
 * ```ts
 * import type { CaptureWriter } from "./capture.ts";
 * function save(writer: CaptureWriter, frame: Uint8Array): void {
 *   writer.write(frame);
 * }
 * ```
 */
export interface CaptureWriter {
  /** Append `bytes[start, end)` with a timestamp in µs (ns for a nanosecond writer), default now. */
  write(
    bytes: Uint8Array,
    timestamp?: bigint | number,
    start?: number,
    end?: number,
  ): void;
  /** Push buffered bytes to the sink. */
  flush(): void;
  /** Packets written so far. */
  readonly records: number;
}

/**
 * Options of {@linkcode createCaptureWriter}.
 *
 * @example
 * ```ts
 * import type { CaptureWriterOptions } from "./capture.ts";
 * const options: CaptureWriterOptions = { format: "pcapng", nanoseconds: true };
 * ```
 */
export interface CaptureWriterOptions {
  /** File format (default `"pcap"`); see {@linkcode captureFormatFor}. */
  format?: CaptureFormat;
  /** LINKTYPE_ value (default 1, Ethernet). */
  linkType?: number;
  /** Nanosecond timestamps. Default microseconds. */
  nanoseconds?: boolean;
  /** Snapshot length; longer packets are cut (default 262144). */
  snapLength?: number;
  /** Size of the block buffer (default 1 MiB). */
  bufferSize?: number;
}

/**
 * The format a capture path asks for: `"pcapng"` for a `.pcapng` name
 * (any case), else `"pcap"`.
 *
 * @example
 * ```ts
 * import { captureFormatFor } from "./capture.ts";
 * captureFormatFor("out.pcapng"); // "pcapng"
 * captureFormatFor("out.pcap"); // "pcap"
 * ```
 */
export function captureFormatFor(path: string): CaptureFormat {
  return /\.pcapng$/i.test(path) ? "pcapng" : "pcap";
}

/**
 * A writer of the chosen format over `sink`.
 *
 * @example
 * ```ts
 * import { captureFormatFor, createCaptureWriter } from "./capture.ts";
 * const path = await Deno.makeTempFile({ suffix: ".pcapng" });
 * using file = await Deno.open(path, { write: true, truncate: true });
 * const writer = createCaptureWriter(file, { format: captureFormatFor(path) });
 * writer.write(new Uint8Array(60));
 * writer.flush();
 * ```
 */
export function createCaptureWriter(
  sink: PcapSink,
  options: CaptureWriterOptions = {},
): CaptureWriter {
  return options.format === "pcapng"
    ? new PcapngWriter(sink, options)
    : new PcapWriter(sink, options);
}
