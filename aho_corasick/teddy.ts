/**
 * The SIMD candidate finder: a Teddy-style fingerprint filter (as in
 * Hyperscan and BurntSushi's `aho-corasick` packed searcher) written in
 * WebAssembly SIMD128 (`wasm/teddy.wat`, embedded as bytes by
 * `scripts/build_wasm_teddy.ts`). Nothing here is exported from the
 * package.
 *
 * Patterns go into 8 buckets (one bit each). For each of the first three
 * bytes of a pattern, two 16-entry tables say which buckets have a byte
 * with that low nibble and that high nibble at that offset; a position is a
 * candidate when some bucket accepts all three bytes. Sixteen positions are
 * tested per step with `i8x16.swizzle` lookups; candidates are verified by
 * the DFA, which is why the filter only has to be conservative (never
 * reject a true start), not exact.
 *
 * Where WebAssembly or SIMD128 is missing (or with `simd: false`) the
 * search uses the pure-TypeScript skip prefilter instead; the results are
 * the same either way.
 *
 * @module
 */
import {
  TEDDY_RELAXED_WASM_BASE64,
  TEDDY_WASM_BASE64,
} from "./wasm/teddy_wasm.ts";

/** Where the haystack starts in the module's memory (tables sit below). */
export const TEDDY_BASE = 1024;
/** More patterns than this fill the 8 buckets' tables: Teddy stops filtering. */
export const TEDDY_MAX_PATTERNS = 32;
/**
 * Up to this many patterns of 4 bytes or more: 16 buckets (`find16`).
 * Beyond, or with shorter patterns, the nibble tables would accept most
 * positions: no SIMD finder.
 */
export const TEDDY16_MAX_PATTERNS = 128;
/** Fingerprint bytes: `find4` when every pattern is this long, else `find`'s 3. */
const FINGERPRINT = 4;
/** Where find16's tables start in the module's memory. */
const TABLES16 = 128;
const PAGE = 65536;
/**
 * Most bytes copied into the module at once: a chunk up to this long is
 * copied whole (no allocation); a longer one in windows of this size (one
 * view object per window), which also bounds the module's memory.
 */
export const TEDDY_WINDOW = 256 * 1024;

/** The compiled module, or null where it cannot run; built on first use. */
let compiled: WebAssembly.Module | null | undefined;

function teddyModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (typeof WebAssembly !== "object" || typeof atob !== "function") {
    return compiled;
  }
  // validate() is false where relaxed SIMD, or SIMD128 at all, is
  // unsupported: the relaxed build first, then the plain one.
  for (const encoded of [TEDDY_RELAXED_WASM_BASE64, TEDDY_WASM_BASE64]) {
    const binary = atob(encoded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    if (WebAssembly.validate(bytes)) {
      try {
        compiled = new WebAssembly.Module(bytes);
      } catch (e) {
        // A page whose Content-Security-Policy lacks 'wasm-unsafe-eval'
        // may not compile WebAssembly: the TypeScript path serves there.
        if (
          !(e instanceof WebAssembly.CompileError || e instanceof EvalError)
        ) {
          throw e;
        }
      }
      break;
    }
  }
  return compiled;
}

/** One automaton's instance: its tables and a copy of the chunk searched. */
export class Teddy {
  /** `find(i, end)` over memory offsets (see teddy.wat). */
  readonly find: (i: number, end: number) => number;
  readonly #memory: WebAssembly.Memory;
  #bytes: Uint8Array;
  /** Set while a search uses the memory: a re-entrant search must not. */
  busy = false;
  /** Chunk index of the byte at {@linkcode TEDDY_BASE}. */
  offset = 0;
  /** Chunk index one past the last byte loaded; -1: nothing of this chunk. */
  loadedEnd = -1;

  constructor(
    instance: WebAssembly.Instance,
    tables: Uint8Array,
    width: number,
    buckets: number,
  ) {
    this.find = instance.exports[
      buckets === 16 ? "find16" : width === 4 ? "find4" : "find"
    ] as (
      i: number,
      end: number,
    ) => number;
    this.#memory = instance.exports.memory as WebAssembly.Memory;
    this.#bytes = new Uint8Array(this.#memory.buffer);
    this.#bytes.set(tables, 0);
  }

  /** Forgets what was loaded: the next search is of a new chunk. */
  unload(): void {
    this.loadedEnd = -1;
  }

  /**
   * Makes `chunk[from, to)` (at most {@linkcode TEDDY_WINDOW} bytes)
   * available at `TEDDY_BASE + index - offset`, copying the whole chunk
   * when it is short, else a window starting at `from`.
   */
  cover(chunk: Uint8Array, from: number, to: number): void {
    if (this.loadedEnd >= to && this.offset <= from) return;
    if (chunk.length <= TEDDY_WINDOW) {
      this.#reserve(chunk.length);
      this.#bytes.set(chunk, TEDDY_BASE);
      this.offset = 0;
      this.loadedEnd = chunk.length;
    } else {
      const end = Math.min(chunk.length, from + TEDDY_WINDOW);
      this.#reserve(end - from);
      this.#bytes.set(chunk.subarray(from, end), TEDDY_BASE);
      this.offset = from;
      this.loadedEnd = end;
    }
  }

  #reserve(length: number): void {
    const need = TEDDY_BASE + length;
    if (need > this.#bytes.length) {
      this.#memory.grow(Math.ceil((need - this.#bytes.length) / PAGE));
      this.#bytes = new Uint8Array(this.#memory.buffer);
    }
  }

  /** Bytes of the module's memory (tables plus at most one window). */
  get memoryBytes(): number {
    return this.#bytes.length;
  }
}

/** Both ASCII cases of `b` when folding, else just `b`. */
function spellings(b: number, fold: boolean): number[] {
  const lower = b | 0x20;
  if (fold && lower >= 0x61 && lower <= 0x7a) return [lower & ~0x20, lower];
  return [b];
}

/**
 * A Teddy finder for the unanchored `patterns` (byte arrays), or null when
 * there are none, too many, or WebAssembly SIMD128 is unavailable.
 */
export function buildTeddy(
  patterns: readonly Uint8Array[],
  fold: boolean,
): Teddy | null {
  let width = FINGERPRINT;
  for (const p of patterns) width = Math.min(width, p.length);
  const buckets = patterns.length > TEDDY_MAX_PATTERNS ? 16 : 8;
  if (
    patterns.length === 0 ||
    (buckets === 16 &&
      (patterns.length > TEDDY16_MAX_PATTERNS || width < FINGERPRINT))
  ) return null;
  const module = teddyModule();
  if (module === null) return null;
  // Neighbours in sorted order share prefixes: grouping them keeps each
  // bucket's nibble sets small.
  const key = (p: Uint8Array): string =>
    Array.from(p.subarray(0, width), (b) => fold ? b | 0x20 : b).join(",");
  const sorted = [...patterns].sort((a, b) => key(a) < key(b) ? -1 : 1);
  const tables = new Uint8Array(TABLES16 + 64 * FINGERPRINT);
  // Fingerprint bytes past the shortest pattern accept everything.
  tables.fill(0xff, 32 * width, 32 * FINGERPRINT);
  sorted.forEach((p, index) => {
    const bucket = Math.floor(index * buckets / sorted.length);
    const bit = 1 << (bucket & 7);
    for (let k = 0; k < width; k++) {
      const at = buckets === 16
        ? TABLES16 + 64 * k + 32 * (bucket >> 3)
        : 32 * k;
      for (const b of spellings(p[k], fold)) {
        tables[at + (b & 15)] |= bit;
        tables[at + 16 + (b >> 4)] |= bit;
      }
    }
  });
  return new Teddy(
    new WebAssembly.Instance(module, {}),
    tables,
    width,
    buckets,
  );
}
