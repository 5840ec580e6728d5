/**
 * The fixed-capacity flow table: IPv4 and IPv6 5-tuples in flat typed
 * arrays, both directions of a connection in one entry. An open-addressing
 * hash (linear probing, backward-shift deletion) over a symmetric hash of
 * the two endpoints finds the entry from a packet either way round; an
 * intrusive doubly-linked list in last-seen order gives the oldest entry
 * for idle expiry and for eviction when the table is full. Nothing is
 * allocated after construction.
 *
 * @module
 */

import type { ParsedFrame } from "../../../packet/mod.ts";

const NONE = -1;
/** Words per endpoint address (IPv4 uses the first). */
const ADDRESS_WORDS = 4;
/** Key words per flow: client address, server address, ports. */
const KEY_WORDS = 2 * ADDRESS_WORDS + 1;

/**
 * Flow entries by 5-tuple; indexes are 0 .. capacity-1.
 *
 * @example
 * ```ts
 * import { FlowTable } from "./table.ts";
 * import { ParsedFrame, parseFrame } from "../../../packet/mod.ts";
 * const table = new FlowTable(1024);
 * const parsed = new ParsedFrame();
 * function onFrame(frame: Uint8Array, now: number): void {
 *   if (parseFrame(frame, parsed) !== "tcp") return;
 *   let flow = table.lookup(frame, parsed);
 *   if (flow < 0) {
 *     if (table.size === table.capacity) table.remove(table.oldest);
 *     flow = table.insert(true, now);
 *   } else table.touch(flow, now);
 *   // table.direction: 0 client to server, 1 back
 * }
 * ```
 */
export class FlowTable {
  /** Most entries held at once. */
  readonly capacity: number;
  /** Entries in use. */
  size = 0;
  /** After a lookup: 0 when the packet goes client to server, else 1. */
  direction = 0;
  /** Key words: client address (4), server address (4), ports (client << 16 | server). */
  readonly keys: Int32Array;
  /** IP version (4 or 6) per entry, 0 when free. */
  readonly family: Uint8Array;
  /** IP protocol (6 or 17) per entry. */
  readonly protocol: Uint8Array;
  /** When each entry last saw a packet (ms, the caller's clock). */
  readonly lastSeen: Float64Array;
  readonly #hash: Int32Array;
  readonly #slots: Int32Array;
  readonly #mask: number;
  readonly #older: Int32Array;
  readonly #newer: Int32Array;
  #oldest = NONE;
  #newest = NONE;
  #free: number;
  readonly #nextFree: Int32Array;
  /** The packet's key, filled by {@linkcode FlowTable.lookup}. */
  readonly #probe = new Int32Array(KEY_WORDS);
  #probeHash = 0;
  #probeFamily = 0;
  #probeProtocol = 0;

  /** Creates a table for `capacity` flows. */
  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 1 << 26)) {
      throw new RangeError(
        `flow table capacity must be an integer from 1 to ${
          1 << 26
        }, got ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.keys = new Int32Array(capacity * KEY_WORDS);
    this.family = new Uint8Array(capacity);
    this.protocol = new Uint8Array(capacity);
    this.lastSeen = new Float64Array(capacity);
    this.#hash = new Int32Array(capacity);
    let slots = 2;
    while (slots < capacity * 2) slots *= 2;
    this.#slots = new Int32Array(slots).fill(NONE);
    this.#mask = slots - 1;
    this.#older = new Int32Array(capacity).fill(NONE);
    this.#newer = new Int32Array(capacity).fill(NONE);
    this.#nextFree = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.#nextFree[i] = i + 1;
    this.#nextFree[capacity - 1] = NONE;
    this.#free = 0;
  }

  /** The least recently seen entry, or -1 when empty. */
  get oldest(): number {
    return this.#oldest;
  }

  /**
   * Finds the packet's flow (`parsed` from parseFrame over `bytes`, TCP or
   * UDP), setting {@linkcode FlowTable.direction}; -1 when there is none.
   * The packet's key is kept for a following {@linkcode FlowTable.insert}.
   */
  lookup(bytes: Uint8Array, parsed: ParsedFrame): number {
    const p = this.#probe;
    if (parsed.ipVersion === 4) {
      p[0] = parsed.ip4Source | 0;
      p[1] = p[2] = p[3] = 0;
      p[4] = parsed.ip4Destination | 0;
      p[5] = p[6] = p[7] = 0;
    } else {
      readAddress(bytes, parsed.ip6SourceOffset, p, 0);
      readAddress(bytes, parsed.ip6DestinationOffset, p, ADDRESS_WORDS);
    }
    p[8] = (parsed.sourcePort << 16) | parsed.destinationPort;
    this.#probeFamily = parsed.ipVersion;
    this.#probeProtocol = parsed.protocol;
    const hash = symmetricHash(p, parsed.sourcePort, parsed.destinationPort) ^
      parsed.protocol;
    this.#probeHash = hash;
    const keys = this.keys;
    for (let s = hash & this.#mask;; s = (s + 1) & this.#mask) {
      const flow = this.#slots[s];
      if (flow === NONE) return NONE;
      if (
        this.#hash[flow] !== hash || this.family[flow] !== this.#probeFamily ||
        this.protocol[flow] !== this.#probeProtocol
      ) continue;
      const k = flow * KEY_WORDS;
      if (sameKey(keys, k, p, 0, ADDRESS_WORDS, p[8])) {
        this.direction = 0;
        return flow;
      }
      const swapped = (parsed.destinationPort << 16) | parsed.sourcePort;
      if (sameKey(keys, k, p, ADDRESS_WORDS, 0, swapped)) {
        this.direction = 1;
        return flow;
      }
    }
  }

  /**
   * Adds the flow of the packet last passed to lookup (which returned -1),
   * its sender the client when `fromClient`; -1 when the table is full
   * (evict first). Sets {@linkcode FlowTable.direction} for that packet.
   */
  insert(fromClient: boolean, now: number): number {
    const flow = this.#free;
    if (flow === NONE) return NONE;
    this.#free = this.#nextFree[flow];
    const p = this.#probe;
    const k = flow * KEY_WORDS;
    const keys = this.keys;
    const client = fromClient ? 0 : ADDRESS_WORDS;
    const server = fromClient ? ADDRESS_WORDS : 0;
    for (let w = 0; w < ADDRESS_WORDS; w++) {
      keys[k + w] = p[client + w];
      keys[k + ADDRESS_WORDS + w] = p[server + w];
    }
    keys[k + 8] = fromClient ? p[8] : ((p[8] >>> 16) | (p[8] << 16));
    this.family[flow] = this.#probeFamily;
    this.protocol[flow] = this.#probeProtocol;
    this.#hash[flow] = this.#probeHash;
    let s = this.#probeHash & this.#mask;
    while (this.#slots[s] !== NONE) s = (s + 1) & this.#mask;
    this.#slots[s] = flow;
    this.size++;
    this.lastSeen[flow] = now;
    this.#linkNewest(flow);
    this.direction = fromClient ? 0 : 1;
    return flow;
  }

  /** Marks `flow` as just seen: it becomes the newest. */
  touch(flow: number, now: number): void {
    this.lastSeen[flow] = now;
    if (this.#newest === flow) return;
    this.#unlink(flow);
    this.#linkNewest(flow);
  }

  /** Frees `flow`'s entry. */
  remove(flow: number): void {
    this.#unlink(flow);
    const mask = this.#mask;
    let s = this.#hash[flow] & mask;
    while (this.#slots[s] !== flow) s = (s + 1) & mask;
    // Backward-shift deletion: pull later entries of the probe run into
    // the hole, so lookups never need tombstones.
    let hole = s;
    for (let next = (s + 1) & mask;; next = (next + 1) & mask) {
      const moved = this.#slots[next];
      if (moved === NONE) break;
      const home = this.#hash[moved] & mask;
      const distanceHole = (hole - home) & mask;
      const distanceNext = (next - home) & mask;
      if (distanceHole < distanceNext) {
        this.#slots[hole] = moved;
        hole = next;
      }
    }
    this.#slots[hole] = NONE;
    this.family[flow] = 0;
    this.#nextFree[flow] = this.#free;
    this.#free = flow;
    this.size--;
  }

  /** Client (side 0) or server (side 1) port of `flow`. */
  port(flow: number, side: number): number {
    const word = this.keys[flow * KEY_WORDS + 8];
    return side === 0 ? word >>> 16 : word & 0xffff;
  }

  /** Client (side 0) or server (side 1) address of `flow` as text. */
  address(flow: number, side: number): string {
    const k = flow * KEY_WORDS + side * ADDRESS_WORDS;
    const keys = this.keys;
    if (this.family[flow] === 4) {
      const a = keys[k] >>> 0;
      return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
    }
    const groups: string[] = [];
    for (let w = 0; w < ADDRESS_WORDS; w++) {
      const word = keys[k + w] >>> 0;
      groups.push((word >>> 16).toString(16), (word & 0xffff).toString(16));
    }
    return compressIpv6(groups);
  }

  #linkNewest(flow: number): void {
    this.#older[flow] = this.#newest;
    this.#newer[flow] = NONE;
    if (this.#newest !== NONE) this.#newer[this.#newest] = flow;
    else this.#oldest = flow;
    this.#newest = flow;
  }

  #unlink(flow: number): void {
    const older = this.#older[flow];
    const newer = this.#newer[flow];
    if (older !== NONE) this.#newer[older] = newer;
    else this.#oldest = newer;
    if (newer !== NONE) this.#older[newer] = older;
    else this.#newest = older;
  }
}

function readAddress(
  bytes: Uint8Array,
  at: number,
  into: Int32Array,
  word: number,
): void {
  for (let w = 0; w < ADDRESS_WORDS; w++, at += 4) {
    into[word + w] = (bytes[at] << 24) | (bytes[at + 1] << 16) |
      (bytes[at + 2] << 8) | bytes[at + 3];
  }
}

function sameKey(
  keys: Int32Array,
  k: number,
  probe: Int32Array,
  clientAt: number,
  serverAt: number,
  ports: number,
): boolean {
  if (keys[k + 8] !== ports) return false;
  for (let w = 0; w < ADDRESS_WORDS; w++) {
    if (keys[k + w] !== probe[clientAt + w]) return false;
    if (keys[k + ADDRESS_WORDS + w] !== probe[serverAt + w]) return false;
  }
  return true;
}

/** Mixes one word (murmur3's finalizer). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The same for (a, b) as for (b, a): a sum of per-endpoint hashes. */
function symmetricHash(
  probe: Int32Array,
  sourcePort: number,
  destinationPort: number,
): number {
  let a = sourcePort;
  let b = destinationPort;
  for (let w = 0; w < ADDRESS_WORDS; w++) {
    a = mix(a ^ probe[w]);
    b = mix(b ^ probe[ADDRESS_WORDS + w]);
  }
  return mix((a + b) | 0);
}

function compressIpv6(groups: string[]): string {
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestAt < 0) return groups.join(":");
  return `${groups.slice(0, bestAt).join(":")}::${
    groups.slice(bestAt + bestLength).join(":")
  }`;
}
