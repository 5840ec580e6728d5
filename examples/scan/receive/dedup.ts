/**
 * The receive Worker's duplicate filter: a fixed-size open-addressing hash
 * table of reply keys (address, encoded port, kind), so that a host that
 * answers every retry — or a SYN-ACK retransmitted by the target — is
 * reported once, in bounded memory whatever the scan size.
 *
 * Why not a `Set`: a Set of strings allocates per reply and grows without
 * bound over a long scan. This table allocates once. When a probe window of
 * {@link PROBE_LIMIT} slots is full, the oldest-inserted slot of the window is
 * overwritten (like masscan's dedup cache): the table may then *forget* a
 * very old key and report it again, but it never calls a new key a
 * duplicate.
 *
 * @module
 */

/** Slots examined per lookup before evicting one of them. */
export const PROBE_LIMIT = 16;

/** Words per key: four address words, one port/kind word. */
const KEY_WORDS = 5;

/**
 * A fixed-size duplicate filter over 5-word keys.
 *
 * @example
 * ```ts
 * import { DedupTable } from "./dedup.ts";
 * const table = new DedupTable(1024);
 * console.log(table.seen4(0xc6120002, 80, 1)); // false: first time
 * console.log(table.seen4(0xc6120002, 80, 1)); // true: duplicate
 * ```
 */
export class DedupTable {
  /** Number of slots (a power of two). */
  readonly capacity: number;
  readonly #mask: number;
  readonly #keys: Int32Array;
  // Insertion stamp per slot (0 = empty): the eviction picks the oldest.
  readonly #stamps: Float64Array;
  #clock = 0;
  /** Keys overwritten because their probe window was full. */
  evictions = 0;

  /**
   * @param capacity slots; rounded up to a power of two, at least {@link PROBE_LIMIT}
   */
  constructor(capacity: number = 1 << 20) {
    if (!(capacity >= 1) || capacity > 2 ** 28) {
      throw new RangeError(
        `dedup table: capacity must be in [1, 2^28] slots, got ${capacity}`,
      );
    }
    let size = PROBE_LIMIT;
    while (size < capacity) size *= 2;
    this.capacity = size;
    this.#mask = size - 1;
    this.#keys = new Int32Array(size * KEY_WORDS);
    this.#stamps = new Float64Array(size);
  }

  /**
   * True when the key was seen before; otherwise records it and returns
   * false. `w0..w3` are the address words (IPv4: the address and three
   * zeros), `w4` the port and kind. No allocation.
   */
  seen(w0: number, w1: number, w2: number, w3: number, w4: number): boolean {
    let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15) ^ w1, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 13) ^ w2, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 16) ^ w3, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 15) ^ w4, 0x27d4eb2f);
    h ^= h >>> 16;
    const keys = this.#keys, stamps = this.#stamps, mask = this.#mask;
    let victim = -1, oldest = Infinity;
    for (let i = 0; i < PROBE_LIMIT; i++) {
      const slot = (h + i) & mask;
      const stamp = stamps[slot];
      if (stamp === 0) {
        this.#store(slot, w0, w1, w2, w3, w4);
        return false;
      }
      const k = slot * KEY_WORDS;
      if (
        keys[k] === (w0 | 0) && keys[k + 1] === (w1 | 0) &&
        keys[k + 2] === (w2 | 0) && keys[k + 3] === (w3 | 0) &&
        keys[k + 4] === (w4 | 0)
      ) return true;
      if (stamp < oldest) oldest = stamp, victim = slot;
    }
    this.evictions++;
    this.#store(victim, w0, w1, w2, w3, w4);
    return false;
  }

  /**
   * {@link DedupTable.seen} for an IPv4 address, a port (encoded, up to 2^20)
   * and a small kind (what the reply said: open, closed, ...).
   */
  seen4(ip: number, port: number, kind: number): boolean {
    return this.seen(ip, 0, 0, 0, port | (kind << 20) | (4 << 28));
  }

  /**
   * {@link DedupTable.seen} for the IPv6 address at `bytes[at..at+16)`.
   */
  seen6(bytes: Uint8Array, at: number, port: number, kind: number): boolean {
    return this.seen(
      word(bytes, at),
      word(bytes, at + 4),
      word(bytes, at + 8),
      word(bytes, at + 12),
      port | (kind << 20) | (6 << 28),
    );
  }

  #store(
    slot: number,
    w0: number,
    w1: number,
    w2: number,
    w3: number,
    w4: number,
  ): void {
    const k = slot * KEY_WORDS, keys = this.#keys;
    keys[k] = w0;
    keys[k + 1] = w1;
    keys[k + 2] = w2;
    keys[k + 3] = w3;
    keys[k + 4] = w4;
    this.#stamps[slot] = ++this.#clock;
  }
}

function word(b: Uint8Array, at: number): number {
  return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}
