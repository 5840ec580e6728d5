// Classic libpcap savefiles: a streaming writer and reader.
//
// Format (https://www.tcpdump.org/manpages/pcap-savefile.5.html): a 24-byte
// global header (magic, version 2.4, thiszone, sigfigs, snaplen, linktype)
// then records of a 16-byte header (seconds, sub-second, captured length,
// original length) and the captured bytes. The magic 0xa1b2c3d4 means
// microsecond timestamps, 0xa1b23c4d nanoseconds; read in the other byte
// order it tells the file is byte-swapped.
//
// Memory stays bounded: the writer holds one block buffer and flushes it to
// its sink when full; the reader holds one block plus at most one record.

import { SourceBuffer } from "./_source_buffer.ts";

/**
 * pcap link types zon reads and writes (the LINKTYPE_ values of
 * `packet/mod.ts`'s `LinkType`, which `parseFrame` decodes).
 *
 * @example
 * ```ts
 * import { PcapLinkType } from "./pcap_file.ts";
 * PcapLinkType.ETHERNET; // 1
 * PcapLinkType.LINUX_SLL2; // 276, tcpdump -i any
 * ```
 */
export const PcapLinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const MAGIC_MICROSECONDS = 0xa1b2c3d4;
const MAGIC_NANOSECONDS = 0xa1b23c4d;
const GLOBAL_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;

/**
 * Where a pcap writer's bytes go: anything with a synchronous `writeSync`,
 * such as a `Deno.FsFile`.
 *
 * @example
 * ```ts
 * import type { PcapSink } from "./pcap_file.ts";
 * const chunks: Uint8Array[] = [];
 * const sink: PcapSink = { writeSync: (p) => (chunks.push(p.slice()), p.length) };
 * ```
 */
export interface PcapSink {
  /** Write some of `p`, returning how many bytes were written. */
  writeSync(p: Uint8Array): number;
}

/**
 * Where a pcap reader's bytes come from: anything with a synchronous
 * `readSync`, such as a `Deno.FsFile`.
 *
 * @example
 * ```ts
 * import type { PcapSource } from "./pcap_file.ts";
 * const source: PcapSource = { readSync: (_p) => null };
 * ```
 */
export interface PcapSource {
  /** Fill some of `p`; return the count, or null at end of file. */
  readSync(p: Uint8Array): number | null;
}

/**
 * Options of a {@linkcode PcapWriter}.
 *
 * @example
 * ```ts
 * import { type PcapWriterOptions, PcapLinkType } from "./pcap_file.ts";
 * const options: PcapWriterOptions = { linkType: PcapLinkType.RAW, nanoseconds: true };
 * ```
 */
export interface PcapWriterOptions {
  /** LINKTYPE_ value (default 1, Ethernet). */
  linkType?: number;
  /** Write nanosecond timestamps (magic 0xa1b23c4d). Default microseconds. */
  nanoseconds?: boolean;
  /** Snapshot length in the header; longer packets are cut (default 262144). */
  snapLength?: number;
  /** Size of the block buffer flushed to the sink (default 1 MiB). */
  bufferSize?: number;
}

/**
 * Streaming pcap writer: records are appended to a block buffer and flushed
 * to the sink whenever it fills, so memory stays bounded. Always little-endian
 * (the native order of the machines that read it most).
 *
 * @example
 * ```ts
 * import { PcapWriter } from "./pcap_file.ts";
 * const path = await Deno.makeTempFile({ suffix: ".pcap" });
 * using file = await Deno.open(path, { write: true, truncate: true });
 * const writer = new PcapWriter(file);
 * writer.write(new Uint8Array(60), 1_700_000_000_000_000n);
 * writer.flush();
 * ```
 */
export class PcapWriter {
  /** Link type written in the header. */
  readonly linkType: number;
  /** Snapshot length written in the header. */
  readonly snapLength: number;
  /** True for nanosecond timestamps. */
  readonly nanoseconds: boolean;
  /** Records written so far. */
  records: number = 0;
  #sink: PcapSink;
  #buffer: Uint8Array;
  #view: DataView;
  #used: number = 0;

  /** Write the global header to the (empty) sink's buffer. */
  constructor(sink: PcapSink, options: PcapWriterOptions = {}) {
    this.#sink = sink;
    this.linkType = options.linkType ?? PcapLinkType.ETHERNET;
    this.snapLength = options.snapLength ?? 262144;
    this.nanoseconds = options.nanoseconds ?? false;
    const size = Math.max(options.bufferSize ?? 1 << 20, 4096);
    this.#buffer = new Uint8Array(size);
    this.#view = new DataView(this.#buffer.buffer);
    const v = this.#view;
    v.setUint32(
      0,
      this.nanoseconds ? MAGIC_NANOSECONDS : MAGIC_MICROSECONDS,
      true,
    );
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true);
    v.setUint32(12, 0, true);
    v.setUint32(16, this.snapLength, true);
    v.setUint32(20, this.linkType, true);
    this.#used = GLOBAL_HEADER_LENGTH;
  }

  /**
   * Append one packet: `bytes[start, end)`, with a timestamp in
   * microseconds (or nanoseconds for a nanosecond file) since the epoch as
   * a bigint or number (default: now).
   */
  write(
    bytes: Uint8Array,
    timestamp?: bigint | number,
    start: number = 0,
    end: number = bytes.length,
  ): void {
    const original = end - start;
    const captured = Math.min(original, this.snapLength);
    if (this.#used + RECORD_HEADER_LENGTH + captured > this.#buffer.length) {
      this.flush();
    }
    const perSecond = this.nanoseconds ? 1_000_000_000 : 1_000_000;
    let seconds: number, fraction: number;
    if (timestamp === undefined) {
      const ms = Date.now();
      seconds = Math.floor(ms / 1000);
      fraction = (ms % 1000) * (perSecond / 1000);
    } else if (typeof timestamp === "bigint") {
      seconds = Number(timestamp / BigInt(perSecond));
      fraction = Number(timestamp % BigInt(perSecond));
    } else {
      seconds = Math.floor(timestamp / perSecond);
      fraction = timestamp - seconds * perSecond;
    }
    if (RECORD_HEADER_LENGTH + captured > this.#buffer.length) {
      // A record larger than the block buffer goes out on its own.
      const record = new Uint8Array(RECORD_HEADER_LENGTH + captured);
      writeRecordHeader(
        new DataView(record.buffer),
        0,
        seconds,
        fraction,
        captured,
        original,
      );
      record.set(bytes.subarray(start, start + captured), RECORD_HEADER_LENGTH);
      writeAll(this.#sink, record);
    } else {
      writeRecordHeader(
        this.#view,
        this.#used,
        seconds,
        fraction,
        captured,
        original,
      );
      this.#buffer.set(
        bytes.subarray(start, start + captured),
        this.#used + RECORD_HEADER_LENGTH,
      );
      this.#used += RECORD_HEADER_LENGTH + captured;
    }
    this.records++;
  }

  /** Push buffered bytes to the sink. Call before closing the sink. */
  flush(): void {
    if (this.#used === 0) return;
    writeAll(this.#sink, this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }
}

function writeRecordHeader(
  view: DataView,
  at: number,
  seconds: number,
  fraction: number,
  captured: number,
  original: number,
): void {
  view.setUint32(at, seconds, true);
  view.setUint32(at + 4, fraction, true);
  view.setUint32(at + 8, captured, true);
  view.setUint32(at + 12, original, true);
}

function writeAll(sink: PcapSink, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += sink.writeSync(bytes.subarray(done));
}

/**
 * A pcap or pcapng file is truncated or corrupt; `byteOffset` says where in
 * the file, `format` which kind of file it was read as.
 *
 * @example
 * ```ts
 * import { PcapFormatError } from "./pcap_file.ts";
 * const error = new PcapFormatError("bad magic 0x00000000", 0);
 * error.byteOffset; // 0
 * error.message; // "pcap: bad magic 0x00000000 at byte 0"
 * ```
 */
export class PcapFormatError extends Error {
  /** Offset in the file where the problem was found. */
  readonly byteOffset: number;
  /** `"pcap"` or `"pcapng"`: the format the file was read as. */
  readonly format: string;

  /** `message` is completed with the format and the byte offset. */
  constructor(message: string, byteOffset: number, format: string = "pcap") {
    super(`${format}: ${message} at byte ${byteOffset}`);
    this.name = "PcapFormatError";
    this.byteOffset = byteOffset;
    this.format = format;
  }
}

/**
 * One record returned by {@linkcode PcapReader.next}. The reader reuses the
 * same object and the `data` view's buffer: copy what you keep before the
 * next call.
 *
 * @example
 * ```ts
 * import type { PcapRecord } from "./pcap_file.ts";
 * function show(record: PcapRecord): string {
 *   return `${record.seconds}.${record.fraction} ${record.capturedLength}/${record.originalLength}`;
 * }
 * ```
 */
export interface PcapRecord {
  /** Timestamp seconds. */
  seconds: number;
  /** Timestamp fraction: microseconds, or nanoseconds when the file says so. */
  fraction: number;
  /** Bytes captured (the length of `data`). */
  capturedLength: number;
  /** Length of the packet on the wire. */
  originalLength: number;
  /** The captured bytes (valid until the next call). */
  data: Uint8Array;
  /** Offset of this record's header in the file. */
  fileOffset: number;
}

/**
 * Streaming pcap reader for both magics and both byte orders. Holds one
 * block buffer (grown only for a record larger than it), so memory stays
 * bounded whatever the file size. Throws {@linkcode PcapFormatError} naming
 * the byte offset on a bad header, an impossible record length, or a file
 * that ends inside a record.
 *
 * @example
 * ```ts
 * import { PcapReader, PcapWriter } from "./pcap_file.ts";
 * const path = await Deno.makeTempFile({ suffix: ".pcap" });
 * {
 *   using out = await Deno.open(path, { write: true, truncate: true });
 *   const writer = new PcapWriter(out);
 *   writer.write(new Uint8Array(60));
 *   writer.flush();
 * }
 * using file = await Deno.open(path);
 * const reader = new PcapReader(file);
 * for (let record = reader.next(); record; record = reader.next()) {
 *   console.log(record.capturedLength);
 * }
 * ```
 */
export class PcapReader {
  /** Link type from the header. */
  readonly linkType: number;
  /** Snapshot length from the header. */
  readonly snapLength: number;
  /** True when timestamps are nanoseconds. */
  readonly nanoseconds: boolean;
  /** True when the file's byte order is big-endian. */
  readonly bigEndian: boolean;
  /** Version from the header, e.g. "2.4". */
  readonly version: string;
  #buffer: SourceBuffer;
  #record: PcapRecord = {
    seconds: 0,
    fraction: 0,
    capturedLength: 0,
    originalLength: 0,
    data: new Uint8Array(0),
    fileOffset: 0,
  };

  /** Read and validate the global header. */
  constructor(source: PcapSource, bufferSize: number = 1 << 20) {
    const b = this.#buffer = new SourceBuffer(source, bufferSize);
    if (!b.fill(GLOBAL_HEADER_LENGTH)) {
      throw new PcapFormatError(
        `file ends inside the ${GLOBAL_HEADER_LENGTH}-byte header (${b.end} bytes)`,
        b.end,
      );
    }
    const magicLittle = b.view.getUint32(0, true);
    const magicBig = b.view.getUint32(0, false);
    if (
      magicLittle === MAGIC_MICROSECONDS || magicLittle === MAGIC_NANOSECONDS
    ) {
      this.bigEndian = false;
      this.nanoseconds = magicLittle === MAGIC_NANOSECONDS;
    } else if (
      magicBig === MAGIC_MICROSECONDS || magicBig === MAGIC_NANOSECONDS
    ) {
      this.bigEndian = true;
      this.nanoseconds = magicBig === MAGIC_NANOSECONDS;
    } else {
      throw new PcapFormatError(
        `bad magic 0x${
          magicBig.toString(16).padStart(8, "0")
        } (not a classic pcap file)`,
        0,
      );
    }
    const little = !this.bigEndian;
    const major = b.view.getUint16(4, little);
    const minor = b.view.getUint16(6, little);
    if (major !== 2) {
      throw new PcapFormatError(`unsupported version ${major}.${minor}`, 4);
    }
    this.version = `${major}.${minor}`;
    this.snapLength = b.view.getUint32(16, little);
    // The upper bits of the link-type field carry FCS info; keep the type.
    this.linkType = b.view.getUint32(20, little) & 0x0fffffff;
    b.consume(GLOBAL_HEADER_LENGTH);
  }

  /** The next record, or null at a clean end of file. */
  next(): PcapRecord | null {
    const b = this.#buffer;
    if (!b.fill(RECORD_HEADER_LENGTH)) {
      if (b.available === 0) return null;
      throw new PcapFormatError(
        `file ends inside a record header (${b.available} of ${RECORD_HEADER_LENGTH} bytes)`,
        b.fileOffset,
      );
    }
    const little = !this.bigEndian;
    const at = b.start;
    const record = this.#record;
    record.fileOffset = b.fileOffset;
    record.seconds = b.view.getUint32(at, little);
    record.fraction = b.view.getUint32(at + 4, little);
    const captured = b.view.getUint32(at + 8, little);
    record.originalLength = b.view.getUint32(at + 12, little);
    const limit = Math.max(this.snapLength, 262144);
    if (captured > limit) {
      throw new PcapFormatError(
        `record claims ${captured} captured bytes, more than the snapshot length ${this.snapLength} (corrupt file?)`,
        b.fileOffset + 8,
      );
    }
    if (!b.fill(RECORD_HEADER_LENGTH + captured)) {
      throw new PcapFormatError(
        `file ends inside a record: ${captured} bytes announced, ${
          b.available - RECORD_HEADER_LENGTH
        } present`,
        b.fileOffset + RECORD_HEADER_LENGTH,
      );
    }
    const dataStart = b.start + RECORD_HEADER_LENGTH;
    record.capturedLength = captured;
    record.data = b.bytes.subarray(dataStart, dataStart + captured);
    b.consume(RECORD_HEADER_LENGTH + captured);
    return record;
  }

  /** Iterate over the remaining records (each reused; copy to keep). */
  *[Symbol.iterator](): Iterator<PcapRecord> {
    for (let record = this.next(); record; record = this.next()) yield record;
  }
}

/**
 * A {@linkcode PcapSource} over bytes already in memory.
 *
 * @example
 * ```ts
 * import { bytesSource, PcapReader } from "./pcap_file.ts";
 * const bytes = await Deno.readFile(await Deno.makeTempFile()).catch(() => new Uint8Array(0));
 * // new PcapReader(bytesSource(bytes)) reads them like a file.
 * ```
 */
export function bytesSource(bytes: Uint8Array): PcapSource {
  let at = 0;
  return {
    readSync(p: Uint8Array): number | null {
      if (at >= bytes.length) return null;
      const n = Math.min(p.length, bytes.length - at);
      p.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
  };
}
