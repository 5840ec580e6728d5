// Zero-copy, allocation-free access to memory that a C library hands back as
// raw addresses (libpcap's packet and header pointers, PF_RING's zero-copy
// buffers). Reading through a fresh pointer object per packet would allocate;
// instead the mapping that contains the address (from /proc/self/maps) is
// viewed once as an ArrayBuffer and later addresses become offsets into it.

/** Reads pointer-sized out-parameters written by C into an 8-byte buffer. */
export class PointerSlot {
  /** Pass this to the C function as its `T**` argument. */
  readonly bytes: Uint8Array<ArrayBuffer> = new Uint8Array(8);
  readonly #words = new Uint32Array(this.bytes.buffer);
  /** The address stored there, as a number. */
  get address(): number {
    return this.#words[1] * 4294967296 + this.#words[0];
  }
}

/** A cached view over the memory mapping that contains recently seen addresses. */
export class AddressWindow {
  /** The mapping's bytes, or an empty array before the first `locate`. */
  bytes: Uint8Array = new Uint8Array(0);
  #base = 0;
  #end = 0;

  /**
   * Returns the offset of `[address, address + length)` in `bytes`, re-reading
   * /proc/self/maps when the range is outside the current mapping; -1 when no
   * mapping contains it.
   */
  locate(address: number, length: number): number {
    if (address >= this.#base && address + length <= this.#end) {
      return address - this.#base;
    }
    return this.#remap(address, length);
  }

  #remap(address: number, length: number): number {
    const maps = Deno.readTextFileSync("/proc/self/maps");
    for (const line of maps.split("\n")) {
      const dash = line.indexOf("-");
      const space = line.indexOf(" ");
      if (dash < 0 || space < 0) continue;
      const start = Number.parseInt(line.slice(0, dash), 16);
      const end = Number.parseInt(line.slice(dash + 1, space), 16);
      if (address >= start && address + length <= end) {
        const pointer = Deno.UnsafePointer.create(BigInt(start));
        if (pointer === null) return -1;
        this.bytes = new Uint8Array(
          Deno.UnsafePointerView.getArrayBuffer(pointer, end - start),
        );
        this.#base = start;
        this.#end = end;
        return address - start;
      }
    }
    return -1;
  }
}
