/**
 * A fixed-capacity connection table keyed by the IPv4 or IPv6 4-tuple.
 *
 * Two parts, so that a connection's number never changes while it lives:
 * a pool of connection slots (struct-of-arrays, numbered `0..capacity-1`,
 * handed out from a free stack) and an open-addressing index (linear
 * probing, at most half full) that maps a 4-tuple to its slot. Removal
 * uses backward-shift deletion, so there are no tombstones and lookups never
 * slow down as connections come and go. Everything is allocated by the
 * constructor; `find`, `insert` and `remove` allocate nothing.
 *
 * IPv6 connections (`find6`/`insert6`) share the pool and the index: their
 * 16-byte addresses are kept in `remoteIp6`/`localIp6` (16 bytes per slot)
 * and a 32-bit fold of each stands in `remoteIp`/`localIp`, so one hash
 * serves both families; a slot's family (`ip6[slot]`) and the full
 * addresses are compared only on a fold match. The IPv4 path is unchanged
 * but for one family check on a hit.
 *
 * @module
 */

/**
 * Connection slots and a 4-tuple index. Slot numbers are stable for the
 * life of a connection, so callers keep per-connection state in their own
 * arrays indexed by slot (the TCP stack and timer wheel do).
 *
 * @example
 * ```ts
 * import { ConnectionTable } from "./mod.ts";
 * const table = new ConnectionTable(1024);
 * const slot = table.insert(0xc6120002, 80, 0xc6120001, 40000);
 * table.find(0xc6120002, 80, 0xc6120001, 40000) === slot; // true
 * table.remove(slot);
 * table.size; // 0
 * ```
 */
export class ConnectionTable {
  /** Most connections held at once. */
  readonly capacity: number;
  /** Remote (server) IPv4 address of each slot. */
  readonly remoteIp: Uint32Array;
  /** Local (scanner) IPv4 address of each slot. */
  readonly localIp: Uint32Array;
  /** Remote port of each slot. */
  readonly remotePort: Uint16Array;
  /** Local port of each slot. */
  readonly localPort: Uint16Array;
  /** 1 where the slot holds an IPv6 connection, else 0. */
  readonly ip6: Uint8Array;
  /** Remote IPv6 address of each IPv6 slot: bytes `[16 * slot, 16 * slot + 16)`, network order. */
  readonly remoteIp6: Uint8Array;
  /** Local IPv6 address of each IPv6 slot: bytes `[16 * slot, 16 * slot + 16)`, network order. */
  readonly localIp6: Uint8Array;

  /** Index cells: slot + 1, or 0 for an empty cell. */
  readonly #index: Int32Array;
  readonly #mask: number;
  /** Where each slot sits in the index (for removal without a lookup). */
  readonly #cellOf: Int32Array;
  readonly #free: Int32Array;
  #freeCount: number;
  readonly #seed: number;

  /**
   * Allocates room for `capacity` connections (the index gets at least
   * twice as many cells, a power of two, so probes stay short).
   *
   * @param capacity Most concurrent connections (≥ 1).
   * @param seed Mixed into the hash (default random), so remote hosts
   *   cannot aim at one probe chain.
   *
   * @example
   * ```ts
   * import { ConnectionTable } from "./mod.ts";
   * const table = new ConnectionTable(10_000);
   * table.capacity; // 10000
   * ```
   */
  constructor(
    capacity: number,
    seed: number = (Math.random() * 0x1_0000_0000) >>> 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24) {
      throw new RangeError(
        `ConnectionTable: capacity must be an integer in [1, 16777216], got ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.remoteIp = new Uint32Array(capacity);
    this.localIp = new Uint32Array(capacity);
    this.remotePort = new Uint16Array(capacity);
    this.localPort = new Uint16Array(capacity);
    this.ip6 = new Uint8Array(capacity);
    this.remoteIp6 = new Uint8Array(capacity * 16);
    this.localIp6 = new Uint8Array(capacity * 16);
    let cells = 2;
    while (cells < capacity * 2) cells *= 2;
    this.#index = new Int32Array(cells);
    this.#mask = cells - 1;
    this.#cellOf = new Int32Array(capacity).fill(-1);
    this.#free = new Int32Array(capacity);
    // Hand out low slot numbers first (nicer to read in tests and dumps).
    for (let i = 0; i < capacity; i++) this.#free[i] = capacity - 1 - i;
    this.#freeCount = capacity;
    this.#seed = seed | 0;
  }

  /**
   * Connections held now.
   *
   * @example
   * ```ts
   * import { ConnectionTable } from "./mod.ts";
   * new ConnectionTable(8).size; // 0
   * ```
   */
  get size(): number {
    return this.capacity - this.#freeCount;
  }

  /** murmur3-style finalizer over the 4-tuple; int32 math only. */
  #hash(
    remoteIp: number,
    remotePort: number,
    localIp: number,
    localPort: number,
  ): number {
    let h = this.#seed ^ Math.imul(remoteIp | 0, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ (localIp | 0);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^
      ((remotePort << 16) | localPort);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (h ^ (h >>> 13)) & this.#mask;
  }

  #matches(
    slot: number,
    remoteIp: number,
    remotePort: number,
    localIp: number,
    localPort: number,
  ): boolean {
    return this.remoteIp[slot] === remoteIp &&
      this.remotePort[slot] === remotePort &&
      this.localPort[slot] === localPort && this.localIp[slot] === localIp &&
      this.ip6[slot] === 0;
  }

  /** A slot's IPv6 addresses equal `remote[ro..ro+16)` and `local[lo..lo+16)`. */
  #matches6(
    slot: number,
    remote: Uint8Array,
    ro: number,
    local: Uint8Array,
    lo: number,
  ): boolean {
    if (this.ip6[slot] !== 1) return false;
    const r = this.remoteIp6;
    const l = this.localIp6;
    const at = slot * 16;
    for (let i = 0; i < 16; i++) {
      if (r[at + i] !== remote[ro + i] || l[at + i] !== local[lo + i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The slot holding this IPv6 4-tuple, or -1. Addresses are read in place,
   * 16 bytes each in network order (e.g. a received frame with
   * `ParsedFrame.ip6SourceOffset`).
   *
   * @example
   * ```ts
   * import { ConnectionTable } from "./mod.ts";
   * const table = new ConnectionTable(8);
   * const server = new Uint8Array(16), me = new Uint8Array(16);
   * server[0] = 0x20; server[1] = 0x01; server[15] = 0x11;
   * me[0] = 0x20; me[1] = 0x01; me[15] = 0x01;
   * const slot = table.insert6(server, 0, 80, me, 0, 40000);
   * table.find6(server, 0, 80, me, 0, 40000) === slot; // true
   * ```
   */
  find6(
    remote: Uint8Array,
    remoteOffset: number,
    remotePort: number,
    local: Uint8Array,
    localOffset: number,
    localPort: number,
  ): number {
    const remoteFold = fold6(remote, remoteOffset);
    const localFold = fold6(local, localOffset);
    const index = this.#index;
    const mask = this.#mask;
    for (
      let cell = this.#hash(remoteFold, remotePort, localFold, localPort);;
      cell = (cell + 1) & mask
    ) {
      const entry = index[cell];
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (
        this.remoteIp[slot] === remoteFold &&
        this.remotePort[slot] === remotePort &&
        this.localPort[slot] === localPort &&
        this.localIp[slot] === localFold &&
        this.#matches6(slot, remote, remoteOffset, local, localOffset)
      ) {
        return slot;
      }
    }
  }

  /**
   * Takes a free slot for a new IPv6 4-tuple (copying both addresses) and
   * returns it, or -1 when the table is full. The caller must know the tuple
   * is not present (`find6` first).
   *
   * @example
   * ```ts
   * import { ConnectionTable } from "./mod.ts";
   * const table = new ConnectionTable(1);
   * const a = new Uint8Array(16), b = new Uint8Array(16);
   * table.insert6(a, 0, 22, b, 0, 40000); // 0
   * table.ip6[0]; // 1
   * ```
   */
  insert6(
    remote: Uint8Array,
    remoteOffset: number,
    remotePort: number,
    local: Uint8Array,
    localOffset: number,
    localPort: number,
  ): number {
    if (this.#freeCount === 0) return -1;
    const slot = this.#free[--this.#freeCount];
    const remoteFold = fold6(remote, remoteOffset);
    const localFold = fold6(local, localOffset);
    this.remoteIp[slot] = remoteFold;
    this.remotePort[slot] = remotePort;
    this.localIp[slot] = localFold;
    this.localPort[slot] = localPort;
    this.ip6[slot] = 1;
    const at = slot * 16;
    const r = this.remoteIp6;
    const l = this.localIp6;
    for (let i = 0; i < 16; i++) {
      r[at + i] = remote[remoteOffset + i];
      l[at + i] = local[localOffset + i];
    }
    this.#place(slot, this.#hash(remoteFold, remotePort, localFold, localPort));
    return slot;
  }

  #place(slot: number, home: number): void {
    const index = this.#index;
    const mask = this.#mask;
    let cell = home;
    while (index[cell] !== 0) cell = (cell + 1) & mask;
    index[cell] = slot + 1;
    this.#cellOf[slot] = cell;
  }

  /**
   * The slot holding this 4-tuple, or -1.
   *
   * @example
   * ```ts
   * import { ConnectionTable } from "./mod.ts";
   * new ConnectionTable(8).find(1, 2, 3, 4); // -1
   * ```
   */
  find(
    remoteIp: number,
    remotePort: number,
    localIp: number,
    localPort: number,
  ): number {
    remoteIp >>>= 0;
    localIp >>>= 0;
    const index = this.#index;
    const mask = this.#mask;
    for (
      let cell = this.#hash(remoteIp, remotePort, localIp, localPort);;
      cell = (cell + 1) & mask
    ) {
      const entry = index[cell];
      if (entry === 0) return -1;
      if (this.#matches(entry - 1, remoteIp, remotePort, localIp, localPort)) {
        return entry - 1;
      }
    }
  }

  /**
   * Takes a free slot for a new 4-tuple and returns it, or -1 when the table
   * is full. The caller must know the tuple is not present (`find` first).
   *
   * @example
   * ```ts
   * import { ConnectionTable } from "./mod.ts";
   * const table = new ConnectionTable(1);
   * table.insert(1, 2, 3, 4); // 0
   * table.insert(5, 6, 7, 8); // -1: full
   * ```
   */
  insert(
    remoteIp: number,
    remotePort: number,
    localIp: number,
    localPort: number,
  ): number {
    if (this.#freeCount === 0) return -1;
    const slot = this.#free[--this.#freeCount];
    this.remoteIp[slot] = remoteIp;
    this.remotePort[slot] = remotePort;
    this.localIp[slot] = localIp;
    this.localPort[slot] = localPort;
    this.ip6[slot] = 0;
    this.#place(
      slot,
      this.#hash(remoteIp >>> 0, remotePort, localIp >>> 0, localPort),
    );
    return slot;
  }

  /**
   * Frees `slot` (a slot returned by `insert` and not yet removed).
   *
   * @example
   * ```ts
   * import { ConnectionTable } from "./mod.ts";
   * const table = new ConnectionTable(4);
   * table.remove(table.insert(1, 2, 3, 4));
   * table.find(1, 2, 3, 4); // -1
   * ```
   */
  remove(slot: number): void {
    let hole = this.#cellOf[slot];
    if (hole < 0) return;
    this.#cellOf[slot] = -1;
    this.#free[this.#freeCount++] = slot;
    // Backward-shift deletion: pull later entries of the probe run into the
    // hole when their home cell is at or before it, so no run is broken.
    const index = this.#index;
    const mask = this.#mask;
    index[hole] = 0;
    for (let cell = (hole + 1) & mask;; cell = (cell + 1) & mask) {
      const entry = index[cell];
      if (entry === 0) return;
      const s = entry - 1;
      const home = this.#hash(
        this.remoteIp[s],
        this.remotePort[s],
        this.localIp[s],
        this.localPort[s],
      );
      // Distance from home to cell vs home to hole, cyclically.
      if (((cell - home) & mask) >= ((cell - hole) & mask)) {
        index[hole] = entry;
        this.#cellOf[s] = hole;
        index[cell] = 0;
        hole = cell;
      }
    }
  }

  /**
   * True when `slot` currently holds a connection.
   *
   * @example
   * ```ts
   * import { ConnectionTable } from "./mod.ts";
   * const table = new ConnectionTable(4);
   * table.inUse(table.insert(1, 2, 3, 4)); // true
   * ```
   */
  inUse(slot: number): boolean {
    return this.#cellOf[slot] >= 0;
  }
}

/**
 * A 32-bit fold of a 16-byte address (unsigned, like the IPv4 keys): the
 * four big-endian words mixed so that every byte moves the result. The
 * table's seeded finalizer does the rest.
 */
function fold6(b: Uint8Array, at: number): number {
  let h = 0;
  for (let i = 0; i < 16; i += 4) {
    const w = (b[at + i] << 24) | (b[at + i + 1] << 16) |
      (b[at + i + 2] << 8) | b[at + i + 3];
    h = Math.imul(h ^ w, 0x9e3779b1);
    h ^= h >>> 16;
  }
  return h >>> 0;
}
