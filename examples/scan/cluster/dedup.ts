/**
 * The merge's only structure that grows with the results: the set of
 * (address, port, protocol) keys already written. IPv4 keys are exact
 * 52-bit numbers (address × 2^20 + protocol × 2^16 + port) in an
 * open-addressing Float64Array table that doubles at 3/4 full: 8 bytes a
 * slot, so 10^7 distinct IPv4 results take a 2^24-slot table, 128 MiB.
 * IPv6 results and banners (far fewer) are keyed by text in a Set.
 *
 * @module
 */

const EMPTY = -1;
const PROTOCOL_CODE: Record<string, number> = {
  tcp: 0,
  udp: 1,
  sctp: 2,
  icmp: 3,
};

/** Seen-before test for merged results; see the module docs for its size. */
export class ResultDedup {
  #table = new Float64Array(1 << 16).fill(EMPTY);
  #mask = (1 << 16) - 1;
  #used = 0;
  #text = new Set<string>();

  /** Keys held. */
  get size(): number {
    return this.#used + this.#text.size;
  }

  /** Bytes of the IPv4 table (the IPv6/banner Set's strings not counted). */
  get tableBytes(): number {
    return this.#table.byteLength;
  }

  /**
   * Adds an IPv4 result's key; false when it was there already.
   *
   * @example
   * ```ts
   * import { ResultDedup } from "./dedup.ts";
   * const seen = new ResultDedup();
   * console.log(seen.addIpv4(0xc6120002, 80, "tcp"), seen.addIpv4(0xc6120002, 80, "tcp")); // true false
   * ```
   */
  addIpv4(ip: number, port: number, protocol: string): boolean {
    const key = ip * 1048576 + (PROTOCOL_CODE[protocol] ?? 0) * 65536 + port;
    if (this.#insert(key)) {
      if (++this.#used * 4 > this.#table.length * 3) this.#grow();
      return true;
    }
    return false;
  }

  /**
   * Adds any other key (IPv6 results, banners) by text; false when seen.
   *
   * @example
   * ```ts
   * import { ResultDedup } from "./dedup.ts";
   * const seen = new ResultDedup();
   * console.log(seen.addText("2001:2::1|80|tcp"), seen.addText("2001:2::1|80|tcp")); // true false
   * ```
   */
  addText(key: string): boolean {
    if (this.#text.has(key)) return false;
    this.#text.add(key);
    return true;
  }

  #slot(key: number): number {
    const lo = key % 4294967296, hi = Math.floor(key / 4294967296);
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.#mask;
  }

  #insert(key: number): boolean {
    const table = this.#table;
    for (let i = this.#slot(key);; i = (i + 1) & this.#mask) {
      const here = table[i];
      if (here === key) return false;
      if (here === EMPTY) {
        table[i] = key;
        return true;
      }
    }
  }

  #grow(): void {
    const old = this.#table;
    this.#table = new Float64Array(old.length * 2).fill(EMPTY);
    this.#mask = this.#table.length - 1;
    for (const key of old) if (key !== EMPTY) this.#insert(key);
  }
}
