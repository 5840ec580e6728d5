// A naive pcapng encoder for tests: builds any block, in either byte order,
// from plain arrays, so tests can write what zon's writer never does
// (big-endian sections, several sections and interfaces, simple and
// obsolete packet blocks, odd timestamp resolutions, skipped block types).
// tshark reads the result as the oracle.

/** One option: code and raw value (padded by the builder). */
export interface Option {
  code: number;
  value: Uint8Array;
}

/** Bytes of a pcapng file built block by block. */
export class PcapngBuilder {
  #parts: number[] = [];
  #little = true;
  /** File offset where each block starts, in order. */
  readonly blockOffsets: number[] = [];
  /** Kind of each block, in order. */
  readonly blockKinds: string[] = [];

  get length(): number {
    return this.#parts.length;
  }

  #u16(v: number, out: number[]): void {
    const b = [v & 0xff, (v >>> 8) & 0xff];
    out.push(...(this.#little ? b : b.reverse()));
  }

  #u32(v: number, out: number[]): void {
    const b = [
      v & 0xff,
      (v >>> 8) & 0xff,
      (v >>> 16) & 0xff,
      (v >>> 24) & 0xff,
    ];
    out.push(...(this.#little ? b : b.reverse()));
  }

  #options(options: Option[], out: number[]): void {
    if (options.length === 0) return;
    for (const o of options) {
      this.#u16(o.code, out);
      this.#u16(o.value.length, out);
      out.push(...o.value);
      while (out.length % 4 !== 0) out.push(0);
    }
    out.push(0, 0, 0, 0); // opt_endofopt
  }

  /** A block with `body` (padded) and `options`. */
  block(kind: string, type: number, body: number[], options: Option[] = []) {
    const inner = [...body];
    while (inner.length % 4 !== 0) inner.push(0);
    this.#options(options, inner);
    const length = 12 + inner.length;
    this.blockOffsets.push(this.#parts.length);
    this.blockKinds.push(kind);
    const out: number[] = [];
    this.#u32(type, out);
    this.#u32(length, out);
    out.push(...inner);
    this.#u32(length, out);
    this.#parts.push(...out);
    return this;
  }

  /** A section header in the given byte order. */
  section(little: boolean, options: Option[] = []): this {
    this.#little = little;
    const body: number[] = [];
    this.#u32(0x1a2b3c4d, body);
    this.#u16(1, body);
    this.#u16(0, body);
    body.push(...new Array(8).fill(0xff)); // section length -1
    return this.block("shb", 0x0a0d0d0a, body, options);
  }

  /** An interface description. */
  iface(linkType: number, snapLength: number, options: Option[] = []): this {
    const body: number[] = [];
    this.#u16(linkType, body);
    this.#u16(0, body);
    this.#u32(snapLength, body);
    return this.block("idb", 1, body, options);
  }

  /** An enhanced packet block. */
  epb(
    iface: number,
    ticks: bigint,
    data: Uint8Array,
    originalLength = data.length,
    options: Option[] = [],
  ): this {
    const body: number[] = [];
    this.#u32(iface, body);
    this.#u32(Number(ticks >> 32n), body);
    this.#u32(Number(ticks & 0xffffffffn), body);
    this.#u32(data.length, body);
    this.#u32(originalLength, body);
    body.push(...data);
    return this.block("epb", 6, body, options);
  }

  /** An obsolete packet block (type 2). */
  pb(iface: number, ticks: bigint, data: Uint8Array): this {
    const body: number[] = [];
    this.#u16(iface, body);
    this.#u16(0, body);
    this.#u32(Number(ticks >> 32n), body);
    this.#u32(Number(ticks & 0xffffffffn), body);
    this.#u32(data.length, body);
    this.#u32(data.length, body);
    body.push(...data);
    return this.block("pb", 2, body);
  }

  /** A simple packet block. */
  spb(data: Uint8Array, originalLength = data.length): this {
    const body: number[] = [];
    this.#u32(originalLength, body);
    body.push(...data);
    return this.block("spb", 3, body);
  }

  /** Bytes so far. */
  bytes(): Uint8Array {
    return new Uint8Array(this.#parts);
  }
}

/** An option whose value is `text` in UTF-8. */
export function textOption(code: number, text: string): Option {
  return { code, value: new TextEncoder().encode(text) };
}

/** An option whose value is one byte. */
export function byteOption(code: number, value: number): Option {
  return { code, value: new Uint8Array([value]) };
}

/** An option whose value is a 64-bit integer in the given byte order. */
export function u64Option(
  code: number,
  value: bigint,
  little: boolean,
): Option {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, value, little);
  return { code, value: bytes };
}
