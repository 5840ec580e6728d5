// pcapng savefiles: a streaming writer of one section with one interface —
// a section header block, an interface description block, then one
// enhanced packet block per packet, little-endian.

import type { PcapSink } from "./pcap_file.ts";
import { PCAPNG_BYTE_ORDER_MAGIC, PcapngBlockType } from "./pcapng_file.ts";

const OPTION_END = 0;
const OPTION_SHB_USERAPPL = 4;
const OPTION_IF_NAME = 2;
const OPTION_IF_TSRESOL = 9;
const EPB_OVERHEAD = 32;
const TWO_32 = 4294967296;

/**
 * Options of a {@linkcode PcapngWriter}.
 *
 * @example
 * ```ts
 * import type { PcapngWriterOptions } from "./pcapng_writer.ts";
 * const options: PcapngWriterOptions = { nanoseconds: true, interfaceName: "veth0" };
 * ```
 */
export interface PcapngWriterOptions {
  /** LINKTYPE_ value of the interface (default 1, Ethernet). */
  linkType?: number;
  /** Nanosecond timestamps (`if_tsresol` 9). Default microseconds. */
  nanoseconds?: boolean;
  /** Snapshot length of the interface; longer packets are cut (default 262144). */
  snapLength?: number;
  /** Size of the block buffer flushed to the sink (default 1 MiB). */
  bufferSize?: number;
  /** `if_name` of the interface (default none). */
  interfaceName?: string;
}

/**
 * Streaming pcapng writer: a section header and one interface description
 * block, then an enhanced packet block per `write`, appended to a block
 * buffer that is flushed to the sink whenever it fills, so memory stays
 * bounded. Same calls as `PcapWriter`, so either can sit behind a
 * `--pcap` option.
 *
 * @example
 * ```ts
 * import { PcapngWriter } from "./pcapng_writer.ts";
 * const path = await Deno.makeTempFile({ suffix: ".pcapng" });
 * using file = await Deno.open(path, { write: true, truncate: true });
 * const writer = new PcapngWriter(file, { nanoseconds: true });
 * writer.write(new Uint8Array(60), 1_700_000_000_123_456_789n);
 * writer.flush();
 * ```
 */
export class PcapngWriter {
  /** Link type of the interface. */
  readonly linkType: number;
  /** Snapshot length of the interface. */
  readonly snapLength: number;
  /** True for nanosecond timestamps. */
  readonly nanoseconds: boolean;
  /** Packets written so far. */
  records: number = 0;
  #sink: PcapSink;
  #buffer: Uint8Array;
  #view: DataView;
  #used: number = 0;

  /** Put the section header and interface description in the buffer. */
  constructor(sink: PcapSink, options: PcapngWriterOptions = {}) {
    this.#sink = sink;
    this.linkType = options.linkType ?? 1;
    this.snapLength = options.snapLength ?? 262144;
    this.nanoseconds = options.nanoseconds ?? false;
    const size = Math.max(options.bufferSize ?? 1 << 20, 4096);
    this.#buffer = new Uint8Array(size);
    this.#view = new DataView(this.#buffer.buffer);
    this.#sectionHeader();
    this.#interfaceDescription(options.interfaceName);
  }

  /**
   * Append one packet: `bytes[start, end)`, with a timestamp in
   * microseconds (nanoseconds for a nanosecond writer) since the epoch as a
   * bigint or number (default: now).
   */
  write(
    bytes: Uint8Array,
    timestamp?: bigint | number,
    start: number = 0,
    end: number = bytes.length,
  ): void {
    const original = end - start;
    const captured = Math.min(original, this.snapLength);
    const length = EPB_OVERHEAD + ((captured + 3) & ~3);
    if (this.#used + length > this.#buffer.length) this.flush();
    let high: number, low: number;
    if (typeof timestamp === "bigint") {
      high = Number(timestamp >> 32n);
      low = Number(timestamp & 0xffffffffn);
    } else {
      // Date.now()·10^6 is exact in a double (10^6 = 15625·2^6).
      const ticks = timestamp ??
        Date.now() * (this.nanoseconds ? 1_000_000 : 1_000);
      high = Math.floor(ticks / TWO_32);
      low = ticks - high * TWO_32;
    }
    if (length > this.#buffer.length) {
      // A block larger than the buffer goes out on its own.
      const block = new Uint8Array(length);
      const view = new DataView(block.buffer);
      putPacket(view, 0, length, high, low, captured);
      view.setUint32(24, original, true);
      block.set(bytes.subarray(start, start + captured), 28);
      writeAll(this.#sink, block);
    } else {
      putPacket(this.#view, this.#used, length, high, low, captured);
      this.#view.setUint32(this.#used + 24, original, true);
      this.#buffer.fill(0, this.#used + 28 + captured, this.#used + length - 4);
      this.#buffer.set(
        bytes.subarray(start, start + captured),
        this.#used + 28,
      );
      this.#used += length;
    }
    this.records++;
  }

  /** Push buffered bytes to the sink. Call before closing the sink. */
  flush(): void {
    if (this.#used === 0) return;
    writeAll(this.#sink, this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }

  #sectionHeader(): void {
    const application = new TextEncoder().encode("zon");
    const length = 28 + optionSize(application.length) + 4;
    const v = this.#view;
    v.setUint32(0, PcapngBlockType.SECTION_HEADER, true);
    v.setUint32(4, length, true);
    v.setUint32(8, PCAPNG_BYTE_ORDER_MAGIC, true);
    v.setUint16(12, 1, true);
    v.setUint16(14, 0, true);
    v.setInt32(16, -1, true); // section length: not given
    v.setInt32(20, -1, true);
    let at = this.#option(24, OPTION_SHB_USERAPPL, application);
    at = this.#option(at, OPTION_END, new Uint8Array(0));
    v.setUint32(at, length, true);
    this.#used = length;
  }

  #interfaceDescription(name: string | undefined): void {
    const nameBytes = new TextEncoder().encode(name ?? "");
    const resolution = new Uint8Array([this.nanoseconds ? 9 : 6]);
    const length = 16 + (name ? optionSize(nameBytes.length) : 0) +
      optionSize(1) + 4 + 4;
    const v = this.#view, base = this.#used;
    v.setUint32(base, PcapngBlockType.INTERFACE_DESCRIPTION, true);
    v.setUint32(base + 4, length, true);
    v.setUint16(base + 8, this.linkType, true);
    v.setUint16(base + 10, 0, true);
    v.setUint32(base + 12, this.snapLength, true);
    let at = base + 16;
    if (name) at = this.#option(at, OPTION_IF_NAME, nameBytes);
    at = this.#option(at, OPTION_IF_TSRESOL, resolution);
    at = this.#option(at, OPTION_END, new Uint8Array(0));
    v.setUint32(at, length, true);
    this.#used = base + length;
  }

  /** Write one option at `at`, padded to 4 bytes; returns where the next goes. */
  #option(at: number, code: number, value: Uint8Array): number {
    this.#view.setUint16(at, code, true);
    this.#view.setUint16(at + 2, value.length, true);
    this.#buffer.fill(0, at + 4, at + optionSize(value.length));
    this.#buffer.set(value, at + 4);
    return at + optionSize(value.length);
  }
}

function optionSize(valueLength: number): number {
  return 4 + ((valueLength + 3) & ~3);
}

/** The fixed fields of an enhanced packet block on interface 0, but the original length. */
function putPacket(
  view: DataView,
  at: number,
  length: number,
  high: number,
  low: number,
  captured: number,
): void {
  view.setUint32(at, PcapngBlockType.ENHANCED_PACKET, true);
  view.setUint32(at + 4, length, true);
  view.setUint32(at + 8, 0, true);
  view.setUint32(at + 12, high, true);
  view.setUint32(at + 16, low, true);
  view.setUint32(at + 20, captured, true);
  view.setUint32(at + length - 4, length, true);
}

function writeAll(sink: PcapSink, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += sink.writeSync(bytes.subarray(done));
}
