// pcapng savefiles: a streaming reader.
//
// Format (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html):
// a sequence of blocks, each `type u32, total length u32, body, total length
// u32`, in the byte order its section header block (SHB) announces. An SHB
// starts a section; interface description blocks (IDB) number the section's
// interfaces from 0 and give each a link type, a snapshot length and a
// timestamp resolution (`if_tsresol`); enhanced packet blocks (EPB) and the
// obsolete packet block name their interface, simple packet blocks (SPB)
// mean interface 0 and carry no timestamp. Every other block (name
// resolution, statistics, decryption secrets, custom, ...) is skipped.
//
// Memory stays bounded: one buffer of the reader's size (grown only for a
// packet block larger than it), and skipped blocks are streamed past.

import type { CaptureRecord } from "./capture.ts";
import { PcapFormatError, type PcapSource } from "./pcap_file.ts";
import { SourceBuffer } from "./_source_buffer.ts";

/**
 * pcapng block types the reader knows by name (it skips all but the SHB,
 * IDB and packet blocks).
 *
 * @example
 * ```ts
 * import { PcapngBlockType } from "./pcapng_file.ts";
 * PcapngBlockType.ENHANCED_PACKET; // 6
 * ```
 */
export const PcapngBlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 1,
  PACKET: 2,
  SIMPLE_PACKET: 3,
  NAME_RESOLUTION: 4,
  INTERFACE_STATISTICS: 5,
  ENHANCED_PACKET: 6,
  DECRYPTION_SECRETS: 10,
  CUSTOM: 0x00000bad,
  CUSTOM_NO_COPY: 0x40000bad,
} as const;

/**
 * The byte-order magic of a section header, in its writer's byte order: it
 * reads as 0x4d3c2b1a in the other order.
 *
 * @example
 * ```ts
 * import { PCAPNG_BYTE_ORDER_MAGIC } from "./pcapng_file.ts";
 * const shb = new DataView(new Uint8Array([10, 13, 13, 10, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]).buffer);
 * shb.getUint32(8, true) === PCAPNG_BYTE_ORDER_MAGIC; // true: little-endian section
 * ```
 */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Largest block the reader buffers (a skipped block may be any size). */
const MAX_BLOCK_LENGTH = 16 << 20;
const OPTION_END = 0;
const OPTION_IF_NAME = 2;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;
const SHB_MIN_LENGTH = 28;
const IDB_MIN_LENGTH = 20;
const EPB_MIN_LENGTH = 32;
const SPB_MIN_LENGTH = 16;
const TWO_32 = 4294967296;
/** 10^(9-n) for if_tsresol 10^-n, n ≤ 9 (a lookup: Math.pow per packet shows in profiles). */
const NANOSECONDS_PER_DECIMAL_TICK = [
  1e9,
  1e8,
  1e7,
  1e6,
  1e5,
  1e4,
  1e3,
  1e2,
  1e1,
  1,
];

/**
 * One interface of a pcapng section, from its interface description block.
 *
 * @example
 * ```ts
 * import type { PcapngInterface } from "./pcapng_file.ts";
 * function describe(i: PcapngInterface): string {
 *   return `${i.name || "?"}: link type ${i.linkType}, ${i.unitsPerSecond} ticks/s`;
 * }
 * ```
 */
export interface PcapngInterface {
  /** LINKTYPE_ value of its packets. */
  linkType: number;
  /** Snapshot length (0: none). */
  snapLength: number;
  /** `if_name`, or "" when absent. */
  name: string;
  /** Timestamp ticks per second: 10^n or 2^n from `if_tsresol` (default 10^6). */
  unitsPerSecond: number;
  /** The raw `if_tsresol` byte (6 when absent): bit 7 set means 2^-n, else 10^-n. */
  timestampResolution: number;
  /** `if_tsoffset`: seconds added to every timestamp (default 0). */
  timestampOffset: number;
  /** File offset of its interface description block. */
  fileOffset: number;
}

/**
 * Streaming pcapng reader: sections in either byte order, any number of
 * interfaces and sections, enhanced, simple and (obsolete) packet blocks;
 * other blocks are skipped. Records come in file order with the interface's
 * link type and a timestamp in seconds + nanoseconds (as tshark shows it:
 * resolutions finer than 1 ns are truncated). A truncated or corrupt block
 * throws {@linkcode PcapFormatError} naming its byte offset, after every
 * record before it was returned; the error repeats on later calls.
 *
 * @example
 * ```ts
 * import { bytesSource, PcapngReader, PcapngWriter } from "./mod.ts";
 * const chunks: Uint8Array[] = [];
 * const writer = new PcapngWriter({ writeSync: (p) => (chunks.push(p.slice()), p.length) });
 * writer.write(new Uint8Array(60), 1_700_000_000_000_000n);
 * writer.flush();
 * const reader = new PcapngReader(bytesSource(chunks[0]));
 * for (const record of reader) {
 *   console.log(record.interfaceId, record.linkType, record.seconds, record.capturedLength);
 * }
 * ```
 */
export class PcapngReader {
  /** Sections seen so far (1 after the constructor). */
  sections = 0;
  /** True when the current section is big-endian. */
  bigEndian = false;
  /** Version of the current section, e.g. "1.0". */
  version = "";
  #buffer: SourceBuffer;
  #little = true;
  #interfaces: PcapngInterface[] = [];
  #failure: PcapFormatError | null = null;
  #record: CaptureRecord = {
    seconds: 0,
    nanoseconds: 0,
    capturedLength: 0,
    originalLength: 0,
    data: new Uint8Array(0),
    fileOffset: 0,
    interfaceId: 0,
    linkType: 0,
  };

  /** Read the first section header; throws if the source is not pcapng. */
  constructor(source: PcapSource, bufferSize: number = 1 << 20) {
    this.#buffer = new SourceBuffer(source, bufferSize);
    const b = this.#buffer;
    if (!b.fill(12)) {
      throw fail(`file ends inside the first block header (${b.end} bytes)`, 0);
    }
    const type = b.view.getUint32(0, true);
    if (type !== PcapngBlockType.SECTION_HEADER) {
      throw fail(
        `first block type 0x${
          hex(type)
        } is not a section header (not a pcapng file)`,
        0,
      );
    }
    this.#sectionHeader();
  }

  /** Interfaces of the current section, numbered as records' `interfaceId`. */
  get interfaces(): readonly PcapngInterface[] {
    return this.#interfaces;
  }

  /** The next packet record, or null at a clean end of file. */
  next(): CaptureRecord | null {
    if (this.#failure !== null) throw this.#failure;
    try {
      for (;;) {
        const b = this.#buffer;
        if (!b.fill(8)) {
          if (b.available === 0) return null;
          throw fail(
            `file ends inside a block header (${b.available} of 8 bytes)`,
            b.fileOffset,
          );
        }
        const type = b.view.getUint32(b.start, this.#little);
        if (type === PcapngBlockType.SECTION_HEADER) {
          this.#sectionHeader();
        } else if (
          type === PcapngBlockType.ENHANCED_PACKET ||
          type === PcapngBlockType.PACKET
        ) {
          return this.#packet(type);
        } else if (type === PcapngBlockType.SIMPLE_PACKET) {
          return this.#simplePacket();
        } else if (type === PcapngBlockType.INTERFACE_DESCRIPTION) {
          this.#interfaceDescription();
        } else {
          this.#skipBlock(type);
        }
      }
    } catch (e) {
      if (e instanceof PcapFormatError) this.#failure = e;
      throw e;
    }
  }

  /** Iterate over the remaining records (each reused; copy to keep). */
  *[Symbol.iterator](): Iterator<CaptureRecord> {
    for (let record = this.next(); record; record = this.next()) yield record;
  }

  /** Validate the block at the buffer's start and buffer all of it. */
  #wholeBlock(name: string, minimum: number): number {
    const b = this.#buffer;
    const length = b.view.getUint32(b.start + 4, this.#little);
    checkLength(name, length, minimum, b.fileOffset);
    if (length > MAX_BLOCK_LENGTH) {
      throw fail(
        `${name} block length ${length} exceeds the ${MAX_BLOCK_LENGTH}-byte limit (corrupt file?)`,
        b.fileOffset + 4,
      );
    }
    if (!b.fill(length)) {
      throw fail(
        `file ends inside a ${name} block (${b.available} of ${length} bytes)`,
        b.fileOffset,
      );
    }
    const trailer = b.view.getUint32(b.start + length - 4, this.#little);
    if (trailer !== length) {
      throw fail(
        `${name} block's trailing length ${trailer} differs from its length ${length}`,
        b.fileOffset + length - 4,
      );
    }
    return length;
  }

  #sectionHeader(): void {
    const b = this.#buffer;
    if (!b.fill(12)) {
      throw fail(
        `file ends inside a section header (${b.available} of 12 bytes)`,
        b.fileOffset,
      );
    }
    const magic = b.view.getUint32(b.start + 8, true);
    if (magic === PCAPNG_BYTE_ORDER_MAGIC) this.#little = true;
    else if (magic === 0x4d3c2b1a) this.#little = false;
    else {
      throw fail(`bad byte-order magic 0x${hex(magic)}`, b.fileOffset + 8);
    }
    const length = this.#wholeBlock("section header", SHB_MIN_LENGTH);
    const major = b.view.getUint16(b.start + 12, this.#little);
    const minor = b.view.getUint16(b.start + 14, this.#little);
    if (major !== 1) {
      throw fail(`unsupported version ${major}.${minor}`, b.fileOffset + 12);
    }
    this.bigEndian = !this.#little;
    this.version = `${major}.${minor}`;
    this.sections++;
    this.#interfaces = [];
    b.consume(length);
  }

  #interfaceDescription(): void {
    const b = this.#buffer;
    const length = this.#wholeBlock("interface description", IDB_MIN_LENGTH);
    const at = b.start;
    const iface: PcapngInterface = {
      linkType: b.view.getUint16(at + 8, this.#little),
      snapLength: b.view.getUint32(at + 12, this.#little),
      name: "",
      unitsPerSecond: 1e6,
      timestampResolution: 6,
      timestampOffset: 0,
      fileOffset: b.fileOffset,
    };
    this.#interfaceOptions(iface, at + 16, at + length - 4);
    this.#interfaces.push(iface);
    b.consume(length);
  }

  /** Read the IDB options in `[at, end)` of the buffer. */
  #interfaceOptions(iface: PcapngInterface, at: number, end: number): void {
    const b = this.#buffer;
    const v = b.view, little = this.#little;
    while (at + 4 <= end) {
      const code = v.getUint16(at, little);
      const size = v.getUint16(at + 2, little);
      if (code === OPTION_END) break;
      const where = b.fileOffset + (at - b.start);
      if (at + 4 + size > end) {
        throw fail(`interface option ${code} runs past its block`, where);
      }
      if (code === OPTION_IF_TSRESOL && size >= 1) {
        const resolution = b.bytes[at + 4];
        const exponent = resolution & 0x7f;
        if ((resolution & 0x80) !== 0 ? exponent > 63 : exponent > 19) {
          throw fail(`if_tsresol 0x${hex(resolution)} is out of range`, where);
        }
        iface.timestampResolution = resolution;
        iface.unitsPerSecond = (resolution & 0x80) !== 0
          ? 2 ** exponent
          : 10 ** exponent;
      } else if (code === OPTION_IF_TSOFFSET && size >= 8) {
        const first = v.getInt32(at + 4, little);
        const second = v.getInt32(at + 8, little);
        const [high, low] = little ? [second, first] : [first, second];
        iface.timestampOffset = high * TWO_32 + (low >>> 0);
      } else if (code === OPTION_IF_NAME) {
        iface.name = new TextDecoder().decode(
          b.bytes.subarray(at + 4, at + 4 + size),
        );
      }
      at += 4 + ((size + 3) & ~3);
    }
  }

  /** An enhanced or obsolete packet block: interface, timestamp, data. */
  #packet(type: number): CaptureRecord {
    const b = this.#buffer, v = b.view, little = this.#little;
    const obsolete = type === PcapngBlockType.PACKET;
    const name = obsolete ? "packet" : "enhanced packet";
    const length = this.#wholeBlock(name, EPB_MIN_LENGTH);
    const at = b.start;
    // The obsolete block has a 16-bit interface id and a drop count.
    const id = obsolete
      ? v.getUint16(at + 8, little)
      : v.getUint32(at + 8, little);
    const iface = this.#interfaceFor(id, name);
    const captured = v.getUint32(at + 20, little);
    if (captured > length - EPB_MIN_LENGTH) {
      throw fail(
        `${name} block claims ${captured} captured bytes, its ${length}-byte block holds ${
          length - EPB_MIN_LENGTH
        }`,
        b.fileOffset + 20,
      );
    }
    const record = this.#record;
    record.interfaceId = id;
    record.originalLength = v.getUint32(at + 24, little);
    setTimestamp(
      record,
      iface,
      v.getUint32(at + 12, little),
      v.getUint32(at + 16, little),
    );
    record.fileOffset = b.fileOffset;
    record.linkType = iface.linkType;
    record.capturedLength = captured;
    record.data = b.bytes.subarray(at + 28, at + 28 + captured);
    b.consume(length);
    return record;
  }

  /** A simple packet block: interface 0, no timestamp (0 is reported). */
  #simplePacket(): CaptureRecord {
    const b = this.#buffer;
    const length = this.#wholeBlock("simple packet", SPB_MIN_LENGTH);
    const iface = this.#interfaceFor(0, "simple packet");
    const record = this.#record;
    record.interfaceId = 0;
    record.originalLength = b.view.getUint32(b.start + 8, this.#little);
    record.seconds = 0;
    record.nanoseconds = 0;
    // The block holds min(original length, snapshot length) bytes, padded.
    let captured = record.originalLength;
    if (iface.snapLength > 0) captured = Math.min(captured, iface.snapLength);
    if (captured > length - SPB_MIN_LENGTH) {
      throw fail(
        `simple packet block of ${length} bytes cannot hold the ${captured} bytes its lengths imply`,
        b.fileOffset + 8,
      );
    }
    const dataAt = b.start + 12;
    record.fileOffset = b.fileOffset;
    record.linkType = iface.linkType;
    record.capturedLength = captured;
    record.data = b.bytes.subarray(dataAt, dataAt + captured);
    b.consume(length);
    return record;
  }

  #interfaceFor(id: number, name: string): PcapngInterface {
    const iface = this.#interfaces[id];
    if (iface === undefined) {
      throw fail(
        `${name} block names interface ${id}, but the section has ${this.#interfaces.length}`,
        this.#buffer.fileOffset + 8,
      );
    }
    return iface;
  }

  /** Stream past a block the reader does not use, checking its framing. */
  #skipBlock(type: number): void {
    const b = this.#buffer;
    const start = b.fileOffset;
    const length = b.view.getUint32(b.start + 4, this.#little);
    const name = `type 0x${hex(type)}`;
    checkLength(name, length, 12, start);
    if (!b.skip(length - 4) || !b.fill(4)) {
      throw fail(
        `file ends inside a ${name} block (${length} bytes announced)`,
        start,
      );
    }
    const trailer = b.view.getUint32(b.start, this.#little);
    if (trailer !== length) {
      throw fail(
        `${name} block's trailing length ${trailer} differs from its length ${length}`,
        b.fileOffset,
      );
    }
    b.consume(4);
  }
}

function checkLength(
  name: string,
  length: number,
  minimum: number,
  at: number,
): void {
  if (length < minimum || (length & 3) !== 0) {
    throw fail(
      `${name} block length ${length} is ${
        length < minimum
          ? `below the minimum ${minimum}`
          : "not a multiple of 4"
      }`,
      at + 4,
    );
  }
}

/**
 * Split the 64-bit tick count `high:low` into seconds and nanoseconds,
 * exactly: numbers hold integers only up to 2^53, so whole-second division
 * goes by 16-bit digits, and resolutions not dividing into a nanosecond
 * exactly by number math take the BigInt path.
 */
function setTimestamp(
  record: CaptureRecord,
  iface: PcapngInterface,
  high: number,
  low: number,
): void {
  const perSecond = iface.unitsPerSecond;
  const resolution = iface.timestampResolution;
  const binary = (resolution & 0x80) !== 0;
  const exponent = resolution & 0x7f;
  if (binary ? exponent > 32 : exponent > 9) {
    const ticks = (BigInt(high) << 32n) | BigInt(low);
    const per = BigInt(perSecond);
    record.seconds = Number(ticks / per) + iface.timestampOffset;
    record.nanoseconds = Number((ticks % per) * 1_000_000_000n / per);
    return;
  }
  let seconds: number, remainder: number;
  if (high < 0x200000) {
    const ticks = high * TWO_32 + low; // < 2^53: exact
    seconds = Math.floor(ticks / perSecond);
    remainder = ticks - seconds * perSecond;
    if (remainder < 0) (seconds--, remainder += perSecond);
    else if (remainder >= perSecond) (seconds++, remainder -= perSecond);
  } else {
    seconds = 0;
    remainder = 0;
    for (let shift = 48; shift >= 0; shift -= 16) {
      const word = shift >= 32 ? high : low;
      const digit = (shift & 31) === 16 ? word >>> 16 : word & 0xffff;
      const current = remainder * 65536 + digit; // < 2^48: exact
      const q = Math.floor(current / perSecond);
      remainder = current - q * perSecond;
      seconds = seconds * 65536 + q;
    }
  }
  record.seconds = seconds + iface.timestampOffset;
  // 10^-n: scale up exactly. 2^-n: remainder·10^9/2^n with 10^9 = 5^9·2^9,
  // where remainder·5^9 < 2^53 and the powers of two are exact.
  record.nanoseconds = binary
    ? Math.floor(remainder * 1953125 * 512 / perSecond)
    : remainder * NANOSECONDS_PER_DECIMAL_TICK[exponent];
}

function fail(message: string, at: number): PcapFormatError {
  return new PcapFormatError(message, at, "pcapng");
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
