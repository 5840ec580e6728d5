/**
 * An incremental SHA-256 (FIPS 180-4) in plain TypeScript.
 *
 * The X.509 decoder hashes certificate bytes as they stream past, and must
 * stay synchronous and portable (Deno, Node, browsers): Web Crypto's
 * `crypto.subtle.digest` is asynchronous and one-shot, so zon carries its own.
 *
 * @module
 */

import {
  type NativeHash,
  type NativeHashFactory,
  nativeSha256,
} from "./sha256_native.ts";
import { type Compressor, wasmCompressor } from "./sha256_wasm.ts";

// The state is an Int32Array and all arithmetic is int32 (`| 0`): V8 keeps
// int32 values unboxed, while uint32 values above 2^31 become heap doubles.

/** Initial hash value: the first 32 bits of the square roots of the first 8 primes. */
const INITIAL_STATE = Int32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
);

const BLOCK_BYTES = 64;
/** Size of the input buffer: 16 blocks. */
const BUFFER_BYTES = 1024;
/** Copies shorter than this use a loop; longer ones `set()`. */
const COPY_LOOP_MAX = 64;
/** Two-digit lowercase hex of every byte value. */
const BYTE_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, byte) => byte.toString(16).padStart(2, "0"),
);

/**
 * Which SHA-256 a {@linkcode Sha256} runs.
 *
 * @example
 * ```ts
 * import type { Sha256Implementation } from "@zon/net/decoders";
 * const portable: Sha256Implementation = "typescript";
 * ```
 */
export type Sha256Implementation = "native" | "wasm" | "typescript";

/**
 * A SHA-256 supplied by the caller, one message at a time: for a faster
 * binding than the built-in ones, such as libcrypto's through Deno's FFI
 * (`@zon/net/decoders/openssl`, which stays out of this pure module).
 *
 * @example
 * ```ts
 * import { Sha256, type Sha256Engine } from "@zon/net/decoders";
 *
 * // A stand-in that delegates to zon's own; a real engine wraps a binding.
 * function engine(): Sha256Engine {
 *   let hash = new Sha256({ implementation: "typescript" });
 *   return {
 *     reset: () => void (hash = new Sha256({ implementation: "typescript" })),
 *     update: (bytes, start, end) => void hash.update(bytes, start, end),
 *     digest: () => hash.digest(),
 *     hexDigest: () => hash.hexDigest(),
 *   };
 * }
 * console.log(new Sha256({ implementation: engine }).implementation); // "engine"
 * ```
 */
export interface Sha256Engine {
  /** Starts a new message. */
  reset(): void;
  /** Absorbs `bytes[start, end)`; keeps no reference to `bytes`. */
  update(bytes: Uint8Array, start: number, end: number): void;
  /** Finishes the message: the 32-byte digest. */
  digest(): Uint8Array;
  /** Finishes the message: the digest as 64 lowercase hex digits. */
  hexDigest(): string;
}

/**
 * Options of {@linkcode Sha256}.
 *
 * @example
 * ```ts
 * import { Sha256 } from "@zon/net/decoders";
 * const portable = new Sha256({ implementation: "typescript" });
 * ```
 */
export interface Sha256Options {
  /**
   * `"native"` (the runtime's `node:crypto` SHA-256, which uses the CPU's
   * SHA instructions: Deno, Node ≥ 22.3, Bun; an error where there is
   * none), `"typescript"` (the pure-TypeScript compression function),
   * `"wasm"` (the WebAssembly one assembled from `sha256.wat`; an error
   * where WebAssembly cannot run), or a function returning a
   * {@linkcode Sha256Engine} (called once, for this hash), such as
   * `libcryptoSha256()` of `@zon/net/decoders/openssl`. All give the same
   * digests; TypeScript and WebAssembly run at about the same speed on V8,
   * native several times faster, and libcrypto through FFI faster still for
   * short messages (see BENCHMARKS.md). Default: `"native"` where the
   * runtime has it, else `"typescript"`.
   */
  implementation?: Sha256Implementation | (() => Sha256Engine);
}

/**
 * Incremental SHA-256: feed bytes with {@linkcode Sha256.update} in pieces of
 * any size, then read the digest once with {@linkcode Sha256.digest}.
 *
 * Memory is constant: a 1 KiB input buffer and the eight state words.
 *
 * @example Hash a message in two pieces
 * ```ts
 * import { Sha256 } from "@zon/net/decoders";
 * import { assertEquals } from "node:assert/strict";
 *
 * const hash = new Sha256();
 * hash.update(new TextEncoder().encode("a"));
 * hash.update(new TextEncoder().encode("bc"));
 * assertEquals(
 *   hash.hexDigest(),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export class Sha256 {
  /** The caller's engine, when `implementation` was a function. */
  readonly #engine: Sha256Engine | undefined;
  /** The compression function (unused by a native hash). */
  readonly #compress: Compressor = hashBlocks;
  /** Creates the runtime's hash, for implementation "native". */
  readonly #createNative: NativeHashFactory | undefined;
  /** The runtime's hash of the current message, created at its first bytes. */
  #native: NativeHash | undefined;
  #state = new Int32Array(INITIAL_STATE);
  /**
   * Bytes not compressed yet. Larger than a block so that input arriving in
   * small fragments is compressed 16 blocks at a time: one long run of the
   * compression function instead of one call per fragment, which keeps its
   * code and the caller's apart (a block at a time ran at half speed
   * between the X.509 decoder's fragments).
   */
  #buffer = new Uint8Array(BUFFER_BYTES);
  #fill = 0;
  /** Total message length in bytes; a JS number is exact up to 2^53. */
  #length = 0;
  #finished = false;

  /**
   * Creates a hash of the empty message.
   *
   * @param options Which compression function to use.
   */
  constructor(options: Sha256Options = {}) {
    const implementation = options.implementation ??
      (nativeSha256() ? "native" : "typescript");
    if (implementation === "typescript") return;
    if (typeof implementation === "function") {
      this.#engine = implementation();
      return;
    }
    if (implementation === "native") {
      this.#createNative = nativeSha256();
      if (this.#createNative === undefined) {
        throw new Error(
          'Sha256: implementation "native" requested, but this runtime has no node:crypto',
        );
      }
      return;
    }
    if (implementation !== "wasm") {
      throw new TypeError(
        `Sha256: implementation must be "native", "typescript", "wasm" or an engine factory, got ${
          JSON.stringify(implementation)
        }`,
      );
    }
    const wasm = wasmCompressor();
    if (wasm === undefined) {
      throw new Error(
        'Sha256: implementation "wasm" requested, but WebAssembly cannot run here',
      );
    }
    this.#compress = wasm;
  }

  /**
   * Which compression function this hash uses.
   *
   * @example
   * ```ts
   * import { Sha256 } from "@zon/net/decoders";
   * console.log(new Sha256({ implementation: "typescript" }).implementation); // "typescript"
   * ```
   */
  get implementation(): Sha256Implementation | "engine" {
    if (this.#engine) return "engine";
    if (this.#createNative) return "native";
    return this.#compress === hashBlocks ? "typescript" : "wasm";
  }

  /**
   * Resets to the empty-message state so one instance can hash many messages.
   *
   * @example
   * ```ts
   * import { Sha256 } from "@zon/net/decoders";
   * const hash = new Sha256();
   * hash.update(new Uint8Array([1]));
   * hash.reset();
   * ```
   */
  reset(): void {
    this.#finished = false;
    if (this.#engine) {
      this.#engine.reset();
      return;
    }
    this.#state.set(INITIAL_STATE);
    this.#native = undefined;
    this.#fill = 0;
    this.#length = 0;
    this.#finished = false;
  }

  /**
   * Absorbs `bytes` (any length, including zero).
   *
   * @example
   * ```ts
   * import { Sha256 } from "@zon/net/decoders";
   * new Sha256().update(new Uint8Array([1, 2, 3]));
   * ```
   *
   * @param bytes The next piece of the message.
   * @param start First byte of `bytes` to absorb (default 0).
   * @param end Byte after the last one to absorb (default `bytes.length`):
   *   a range instead of a `subarray`, which would allocate a view.
   * @returns This hash, for chaining.
   */
  update(bytes: Uint8Array, start = 0, end: number = bytes.length): this {
    if (this.#finished) throw new Error("Sha256: update() after digest()");
    if (this.#engine) {
      this.#engine.update(bytes, start, end);
      return this;
    }
    this.#length += end - start;
    if (this.#createNative) {
      this.#updateNative(bytes, start, end);
      return this;
    }
    const buffer = this.#buffer;
    let position = start;
    let fill = this.#fill;
    while (position < end) {
      if (fill === 0 && end - position >= BUFFER_BYTES) {
        // Whole blocks straight from the caller's bytes: no copy.
        const whole = position + ((end - position) & ~(BLOCK_BYTES - 1));
        this.#compress(this.#state, bytes, position, whole);
        position = whole;
        continue;
      }
      const room = BUFFER_BYTES - fill;
      const take = end - position < room ? end - position : room;
      if (take < COPY_LOOP_MAX) {
        // A plain loop: subarray() would allocate a view.
        for (let k = 0; k < take; k++) buffer[fill + k] = bytes[position + k];
      } else {
        buffer.set(bytes.subarray(position, position + take), fill);
      }
      fill += take;
      position += take;
      if (fill === BUFFER_BYTES) {
        this.#compress(this.#state, buffer, 0, BUFFER_BYTES);
        fill = 0;
      }
    }
    this.#fill = fill;
    return this;
  }

  /**
   * The native hash's update: pieces are gathered in the buffer (each
   * native call costs ~70 ns, more than copying 1 KiB), and pieces longer
   * than the buffer passed on without a copy.
   */
  #updateNative(bytes: Uint8Array, start: number, end: number): void {
    const count = end - start;
    let fill = this.#fill;
    if (fill + count > BUFFER_BYTES) {
      this.#flushNative();
      fill = 0;
      if (count >= BUFFER_BYTES) {
        this.#nativeHash().update(
          start === 0 && end === bytes.length
            ? bytes
            : bytes.subarray(start, end),
        );
        return;
      }
    }
    const buffer = this.#buffer;
    if (count < COPY_LOOP_MAX) {
      for (let k = 0; k < count; k++) buffer[fill + k] = bytes[start + k];
    } else {
      // A whole fragment (the decoder's usual call) needs no view.
      buffer.set(
        start === 0 && end === bytes.length
          ? bytes
          : bytes.subarray(start, end),
        fill,
      );
    }
    this.#fill = fill + count;
  }

  #nativeHash(): NativeHash {
    return this.#native ??= this.#createNative!();
  }

  /** Hands the gathered bytes to the native hash. */
  #flushNative(): void {
    if (this.#fill === 0) return;
    this.#nativeHash().update(this.#buffer.subarray(0, this.#fill));
    this.#fill = 0;
  }

  /** Finishes the native hash, which cannot be used again. */
  #finishNative(): NativeHash {
    this.#markFinished();
    this.#flushNative();
    const native = this.#nativeHash();
    this.#native = undefined;
    return native;
  }

  /**
   * Finishes the hash and returns the 32-byte digest. Call at most once
   * (until {@linkcode Sha256.reset}).
   *
   * @example
   * ```ts
   * import { Sha256 } from "@zon/net/decoders";
   * const digest: Uint8Array = new Sha256().digest();
   * ```
   *
   * @returns The digest.
   */
  digest(): Uint8Array {
    if (this.#engine) {
      this.#markFinished();
      return this.#engine.digest();
    }
    if (this.#createNative) {
      // A plain Uint8Array, not the runtime's Buffer subclass.
      return new Uint8Array(this.#finishNative().digest());
    }
    const state = this.#finish();
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const word = state[i];
      out[i * 4] = word >>> 24;
      out[i * 4 + 1] = word >>> 16;
      out[i * 4 + 2] = word >>> 8;
      out[i * 4 + 3] = word;
    }
    return out;
  }

  /**
   * Finishes the hash and returns the digest as 64 lowercase hex digits.
   *
   * @example
   * ```ts
   * import { Sha256 } from "@zon/net/decoders";
   * import { assertEquals } from "node:assert/strict";
   * assertEquals(
   *   new Sha256().hexDigest(),
   *   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   * );
   * ```
   *
   * @returns The digest in hex.
   */
  hexDigest(): string {
    if (this.#engine) {
      this.#markFinished();
      return this.#engine.hexDigest();
    }
    if (this.#createNative) return this.#finishNative().digest("hex");
    const state = this.#finish();
    let hex = "";
    for (let i = 0; i < 8; i++) {
      const word = state[i];
      hex += BYTE_HEX[(word >>> 24) & 0xff] + BYTE_HEX[(word >>> 16) & 0xff] +
        BYTE_HEX[(word >>> 8) & 0xff] + BYTE_HEX[word & 0xff];
    }
    return hex;
  }

  /** A digest is read once per message (until reset). */
  #markFinished(): void {
    if (this.#finished) throw new Error("Sha256: digest() called twice");
    this.#finished = true;
  }

  /** Pads, hashes the final block(s) and returns the state words. */
  #finish(): Int32Array {
    this.#markFinished();
    const bitLength = this.#length * 8;
    const buffer = this.#buffer;
    let fill = this.#fill;
    // The padding: 0x80, zeros, the 64-bit big-endian bit length, ending on
    // a block boundary (one more block when fewer than 9 bytes are left).
    buffer[fill++] = 0x80;
    let end = (fill + 8 + BLOCK_BYTES - 1) & ~(BLOCK_BYTES - 1);
    if (end > BUFFER_BYTES) {
      // The buffer is nearly full: compress what it holds, pad in a new one.
      buffer.fill(0, fill);
      const whole = fill & ~(BLOCK_BYTES - 1);
      this.#compress(this.#state, buffer, 0, whole);
      buffer.copyWithin(0, whole, BUFFER_BYTES);
      fill -= whole;
      end = (fill + 8 + BLOCK_BYTES - 1) & ~(BLOCK_BYTES - 1);
    }
    buffer.fill(0, fill, end - 8);
    // Split because JS bit operations are 32-bit.
    const high = Math.floor(bitLength / 0x100000000);
    const low = bitLength >>> 0;
    buffer[end - 8] = high >>> 24;
    buffer[end - 7] = high >>> 16;
    buffer[end - 6] = high >>> 8;
    buffer[end - 5] = high;
    buffer[end - 4] = low >>> 24;
    buffer[end - 3] = low >>> 16;
    buffer[end - 2] = low >>> 8;
    buffer[end - 1] = low;
    this.#compress(this.#state, buffer, 0, end);
    this.#fill = 0;
    return this.#state;
  }
}

/**
 * Runs the compression function over the whole 64-byte blocks of
 * `bytes[position, end)` (`end - position` a multiple of 64).
 *
 * Written out in full, as fast software SHA-256 is: the hash state stays in
 * locals across blocks; the 16-word message schedule lives in 16 locals
 * (`w0`..`w15`, word `t` of the schedule overwriting word `t - 16` from
 * round 16 on); the eight working variables are renamed instead of shifted
 * (round `t` writes `d` and `h` under their names for that round). The
 * round constants are FIPS 180-4's `K0`..`K63` in order. Ch is computed as
 * `g ^ (e & (f ^ g))` and Maj as `b ^ ((a ^ b) & (b ^ c))`, reusing the
 * previous round's `a ^ b` as this round's `b ^ c`. The unrolled form is
 * about 35% faster than the rolled loop on V8.
 */
function hashBlocks(
  state: Int32Array,
  p: Uint8Array,
  pos: number,
  end: number,
): void {
  let h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3];
  let h4 = state[4], h5 = state[5], h6 = state[6], h7 = state[7];
  while (pos + 64 <= end) {
    let w0 = (p[pos + 0] << 24) | (p[pos + 1] << 16) | (p[pos + 2] << 8) |
      p[pos + 3];
    let w1 = (p[pos + 4] << 24) | (p[pos + 5] << 16) | (p[pos + 6] << 8) |
      p[pos + 7];
    let w2 = (p[pos + 8] << 24) | (p[pos + 9] << 16) | (p[pos + 10] << 8) |
      p[pos + 11];
    let w3 = (p[pos + 12] << 24) | (p[pos + 13] << 16) | (p[pos + 14] << 8) |
      p[pos + 15];
    let w4 = (p[pos + 16] << 24) | (p[pos + 17] << 16) | (p[pos + 18] << 8) |
      p[pos + 19];
    let w5 = (p[pos + 20] << 24) | (p[pos + 21] << 16) | (p[pos + 22] << 8) |
      p[pos + 23];
    let w6 = (p[pos + 24] << 24) | (p[pos + 25] << 16) | (p[pos + 26] << 8) |
      p[pos + 27];
    let w7 = (p[pos + 28] << 24) | (p[pos + 29] << 16) | (p[pos + 30] << 8) |
      p[pos + 31];
    let w8 = (p[pos + 32] << 24) | (p[pos + 33] << 16) | (p[pos + 34] << 8) |
      p[pos + 35];
    let w9 = (p[pos + 36] << 24) | (p[pos + 37] << 16) | (p[pos + 38] << 8) |
      p[pos + 39];
    let w10 = (p[pos + 40] << 24) | (p[pos + 41] << 16) | (p[pos + 42] << 8) |
      p[pos + 43];
    let w11 = (p[pos + 44] << 24) | (p[pos + 45] << 16) | (p[pos + 46] << 8) |
      p[pos + 47];
    let w12 = (p[pos + 48] << 24) | (p[pos + 49] << 16) | (p[pos + 50] << 8) |
      p[pos + 51];
    let w13 = (p[pos + 52] << 24) | (p[pos + 53] << 16) | (p[pos + 54] << 8) |
      p[pos + 55];
    let w14 = (p[pos + 56] << 24) | (p[pos + 57] << 16) | (p[pos + 58] << 8) |
      p[pos + 59];
    let w15 = (p[pos + 60] << 24) | (p[pos + 61] << 16) | (p[pos + 62] << 8) |
      p[pos + 63];
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4,
      f = h5,
      g = h6,
      h = h7,
      t1 = 0,
      t2 = 0,
      ab = 0,
      bc = b ^ c;
    t1 = (h +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + 0x428a2f98 + w0) | 0;
    ab = a ^ b;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10))) + (b ^ (ab & bc))) | 0;
    bc = ab;
    d = (d + t1) | 0;
    h = (t1 + t2) | 0;
    t1 = (g +
      (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^
        ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + 0x71374491 + w1) | 0;
    ab = h ^ a;
    t2 = ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^
      ((h >>> 22) | (h << 10))) + (a ^ (ab & bc))) | 0;
    bc = ab;
    c = (c + t1) | 0;
    g = (t1 + t2) | 0;
    t1 = (f +
      (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^
        ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + 0xb5c0fbcf + w2) | 0;
    ab = g ^ h;
    t2 = ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^
      ((g >>> 22) | (g << 10))) + (h ^ (ab & bc))) | 0;
    bc = ab;
    b = (b + t1) | 0;
    f = (t1 + t2) | 0;
    t1 = (e +
      (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^
        ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + 0xe9b5dba5 + w3) | 0;
    ab = f ^ g;
    t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^
      ((f >>> 22) | (f << 10))) + (g ^ (ab & bc))) | 0;
    bc = ab;
    a = (a + t1) | 0;
    e = (t1 + t2) | 0;
    t1 = (d +
      (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^
        ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + 0x3956c25b + w4) | 0;
    ab = e ^ f;
    t2 = ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^
      ((e >>> 22) | (e << 10))) + (f ^ (ab & bc))) | 0;
    bc = ab;
    h = (h + t1) | 0;
    d = (t1 + t2) | 0;
    t1 = (c +
      (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^
        ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + 0x59f111f1 + w5) | 0;
    ab = d ^ e;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^
      ((d >>> 22) | (d << 10))) + (e ^ (ab & bc))) | 0;
    bc = ab;
    g = (g + t1) | 0;
    c = (t1 + t2) | 0;
    t1 = (b +
      (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^
        ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + 0x923f82a4 + w6) | 0;
    ab = c ^ d;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^
      ((c >>> 22) | (c << 10))) + (d ^ (ab & bc))) | 0;
    bc = ab;
    f = (f + t1) | 0;
    b = (t1 + t2) | 0;
    t1 = (a +
      (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^
        ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + 0xab1c5ed5 + w7) | 0;
    ab = b ^ c;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^
      ((b >>> 22) | (b << 10))) + (c ^ (ab & bc))) | 0;
    bc = ab;
    e = (e + t1) | 0;
    a = (t1 + t2) | 0;
    t1 = (h +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + 0xd807aa98 + w8) | 0;
    ab = a ^ b;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10))) + (b ^ (ab & bc))) | 0;
    bc = ab;
    d = (d + t1) | 0;
    h = (t1 + t2) | 0;
    t1 = (g +
      (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^
        ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + 0x12835b01 + w9) | 0;
    ab = h ^ a;
    t2 = ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^
      ((h >>> 22) | (h << 10))) + (a ^ (ab & bc))) | 0;
    bc = ab;
    c = (c + t1) | 0;
    g = (t1 + t2) | 0;
    t1 = (f +
      (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^
        ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + 0x243185be + w10) | 0;
    ab = g ^ h;
    t2 = ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^
      ((g >>> 22) | (g << 10))) + (h ^ (ab & bc))) | 0;
    bc = ab;
    b = (b + t1) | 0;
    f = (t1 + t2) | 0;
    t1 = (e +
      (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^
        ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + 0x550c7dc3 + w11) | 0;
    ab = f ^ g;
    t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^
      ((f >>> 22) | (f << 10))) + (g ^ (ab & bc))) | 0;
    bc = ab;
    a = (a + t1) | 0;
    e = (t1 + t2) | 0;
    t1 = (d +
      (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^
        ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + 0x72be5d74 + w12) | 0;
    ab = e ^ f;
    t2 = ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^
      ((e >>> 22) | (e << 10))) + (f ^ (ab & bc))) | 0;
    bc = ab;
    h = (h + t1) | 0;
    d = (t1 + t2) | 0;
    t1 = (c +
      (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^
        ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + 0x80deb1fe + w13) | 0;
    ab = d ^ e;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^
      ((d >>> 22) | (d << 10))) + (e ^ (ab & bc))) | 0;
    bc = ab;
    g = (g + t1) | 0;
    c = (t1 + t2) | 0;
    t1 = (b +
      (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^
        ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + 0x9bdc06a7 + w14) | 0;
    ab = c ^ d;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^
      ((c >>> 22) | (c << 10))) + (d ^ (ab & bc))) | 0;
    bc = ab;
    f = (f + t1) | 0;
    b = (t1 + t2) | 0;
    t1 = (a +
      (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^
        ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + 0xc19bf174 + w15) | 0;
    ab = b ^ c;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^
      ((b >>> 22) | (b << 10))) + (c ^ (ab & bc))) | 0;
    bc = ab;
    e = (e + t1) | 0;
    a = (t1 + t2) | 0;
    w0 = (w0 +
      (((w1 >>> 7) | (w1 << 25)) ^ ((w1 >>> 18) | (w1 << 14)) ^ (w1 >>> 3)) +
      w9 +
      (((w14 >>> 17) | (w14 << 15)) ^ ((w14 >>> 19) | (w14 << 13)) ^
        (w14 >>> 10))) | 0;
    t1 = (h +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + 0xe49b69c1 + w0) | 0;
    ab = a ^ b;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10))) + (b ^ (ab & bc))) | 0;
    bc = ab;
    d = (d + t1) | 0;
    h = (t1 + t2) | 0;
    w1 = (w1 +
      (((w2 >>> 7) | (w2 << 25)) ^ ((w2 >>> 18) | (w2 << 14)) ^ (w2 >>> 3)) +
      w10 +
      (((w15 >>> 17) | (w15 << 15)) ^ ((w15 >>> 19) | (w15 << 13)) ^
        (w15 >>> 10))) | 0;
    t1 = (g +
      (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^
        ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + 0xefbe4786 + w1) | 0;
    ab = h ^ a;
    t2 = ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^
      ((h >>> 22) | (h << 10))) + (a ^ (ab & bc))) | 0;
    bc = ab;
    c = (c + t1) | 0;
    g = (t1 + t2) | 0;
    w2 = (w2 +
      (((w3 >>> 7) | (w3 << 25)) ^ ((w3 >>> 18) | (w3 << 14)) ^ (w3 >>> 3)) +
      w11 +
      (((w0 >>> 17) | (w0 << 15)) ^ ((w0 >>> 19) | (w0 << 13)) ^
        (w0 >>> 10))) | 0;
    t1 = (f +
      (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^
        ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + 0xfc19dc6 + w2) | 0;
    ab = g ^ h;
    t2 = ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^
      ((g >>> 22) | (g << 10))) + (h ^ (ab & bc))) | 0;
    bc = ab;
    b = (b + t1) | 0;
    f = (t1 + t2) | 0;
    w3 = (w3 +
      (((w4 >>> 7) | (w4 << 25)) ^ ((w4 >>> 18) | (w4 << 14)) ^ (w4 >>> 3)) +
      w12 +
      (((w1 >>> 17) | (w1 << 15)) ^ ((w1 >>> 19) | (w1 << 13)) ^
        (w1 >>> 10))) | 0;
    t1 = (e +
      (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^
        ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + 0x240ca1cc + w3) | 0;
    ab = f ^ g;
    t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^
      ((f >>> 22) | (f << 10))) + (g ^ (ab & bc))) | 0;
    bc = ab;
    a = (a + t1) | 0;
    e = (t1 + t2) | 0;
    w4 = (w4 +
      (((w5 >>> 7) | (w5 << 25)) ^ ((w5 >>> 18) | (w5 << 14)) ^ (w5 >>> 3)) +
      w13 +
      (((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^
        (w2 >>> 10))) | 0;
    t1 = (d +
      (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^
        ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + 0x2de92c6f + w4) | 0;
    ab = e ^ f;
    t2 = ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^
      ((e >>> 22) | (e << 10))) + (f ^ (ab & bc))) | 0;
    bc = ab;
    h = (h + t1) | 0;
    d = (t1 + t2) | 0;
    w5 = (w5 +
      (((w6 >>> 7) | (w6 << 25)) ^ ((w6 >>> 18) | (w6 << 14)) ^ (w6 >>> 3)) +
      w14 +
      (((w3 >>> 17) | (w3 << 15)) ^ ((w3 >>> 19) | (w3 << 13)) ^
        (w3 >>> 10))) | 0;
    t1 = (c +
      (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^
        ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + 0x4a7484aa + w5) | 0;
    ab = d ^ e;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^
      ((d >>> 22) | (d << 10))) + (e ^ (ab & bc))) | 0;
    bc = ab;
    g = (g + t1) | 0;
    c = (t1 + t2) | 0;
    w6 = (w6 +
      (((w7 >>> 7) | (w7 << 25)) ^ ((w7 >>> 18) | (w7 << 14)) ^ (w7 >>> 3)) +
      w15 +
      (((w4 >>> 17) | (w4 << 15)) ^ ((w4 >>> 19) | (w4 << 13)) ^
        (w4 >>> 10))) | 0;
    t1 = (b +
      (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^
        ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + 0x5cb0a9dc + w6) | 0;
    ab = c ^ d;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^
      ((c >>> 22) | (c << 10))) + (d ^ (ab & bc))) | 0;
    bc = ab;
    f = (f + t1) | 0;
    b = (t1 + t2) | 0;
    w7 = (w7 +
      (((w8 >>> 7) | (w8 << 25)) ^ ((w8 >>> 18) | (w8 << 14)) ^ (w8 >>> 3)) +
      w0 +
      (((w5 >>> 17) | (w5 << 15)) ^ ((w5 >>> 19) | (w5 << 13)) ^
        (w5 >>> 10))) | 0;
    t1 = (a +
      (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^
        ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + 0x76f988da + w7) | 0;
    ab = b ^ c;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^
      ((b >>> 22) | (b << 10))) + (c ^ (ab & bc))) | 0;
    bc = ab;
    e = (e + t1) | 0;
    a = (t1 + t2) | 0;
    w8 = (w8 +
      (((w9 >>> 7) | (w9 << 25)) ^ ((w9 >>> 18) | (w9 << 14)) ^ (w9 >>> 3)) +
      w1 +
      (((w6 >>> 17) | (w6 << 15)) ^ ((w6 >>> 19) | (w6 << 13)) ^
        (w6 >>> 10))) | 0;
    t1 = (h +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + 0x983e5152 + w8) | 0;
    ab = a ^ b;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10))) + (b ^ (ab & bc))) | 0;
    bc = ab;
    d = (d + t1) | 0;
    h = (t1 + t2) | 0;
    w9 = (w9 +
      (((w10 >>> 7) | (w10 << 25)) ^ ((w10 >>> 18) | (w10 << 14)) ^
        (w10 >>> 3)) +
      w2 +
      (((w7 >>> 17) | (w7 << 15)) ^ ((w7 >>> 19) | (w7 << 13)) ^
        (w7 >>> 10))) | 0;
    t1 = (g +
      (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^
        ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + 0xa831c66d + w9) | 0;
    ab = h ^ a;
    t2 = ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^
      ((h >>> 22) | (h << 10))) + (a ^ (ab & bc))) | 0;
    bc = ab;
    c = (c + t1) | 0;
    g = (t1 + t2) | 0;
    w10 = (w10 +
      (((w11 >>> 7) | (w11 << 25)) ^ ((w11 >>> 18) | (w11 << 14)) ^
        (w11 >>> 3)) +
      w3 +
      (((w8 >>> 17) | (w8 << 15)) ^ ((w8 >>> 19) | (w8 << 13)) ^
        (w8 >>> 10))) | 0;
    t1 = (f +
      (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^
        ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + 0xb00327c8 + w10) | 0;
    ab = g ^ h;
    t2 = ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^
      ((g >>> 22) | (g << 10))) + (h ^ (ab & bc))) | 0;
    bc = ab;
    b = (b + t1) | 0;
    f = (t1 + t2) | 0;
    w11 = (w11 +
      (((w12 >>> 7) | (w12 << 25)) ^ ((w12 >>> 18) | (w12 << 14)) ^
        (w12 >>> 3)) +
      w4 +
      (((w9 >>> 17) | (w9 << 15)) ^ ((w9 >>> 19) | (w9 << 13)) ^
        (w9 >>> 10))) | 0;
    t1 = (e +
      (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^
        ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + 0xbf597fc7 + w11) | 0;
    ab = f ^ g;
    t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^
      ((f >>> 22) | (f << 10))) + (g ^ (ab & bc))) | 0;
    bc = ab;
    a = (a + t1) | 0;
    e = (t1 + t2) | 0;
    w12 = (w12 +
      (((w13 >>> 7) | (w13 << 25)) ^ ((w13 >>> 18) | (w13 << 14)) ^
        (w13 >>> 3)) +
      w5 +
      (((w10 >>> 17) | (w10 << 15)) ^ ((w10 >>> 19) | (w10 << 13)) ^
        (w10 >>> 10))) | 0;
    t1 = (d +
      (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^
        ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + 0xc6e00bf3 + w12) | 0;
    ab = e ^ f;
    t2 = ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^
      ((e >>> 22) | (e << 10))) + (f ^ (ab & bc))) | 0;
    bc = ab;
    h = (h + t1) | 0;
    d = (t1 + t2) | 0;
    w13 = (w13 +
      (((w14 >>> 7) | (w14 << 25)) ^ ((w14 >>> 18) | (w14 << 14)) ^
        (w14 >>> 3)) +
      w6 +
      (((w11 >>> 17) | (w11 << 15)) ^ ((w11 >>> 19) | (w11 << 13)) ^
        (w11 >>> 10))) | 0;
    t1 = (c +
      (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^
        ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + 0xd5a79147 + w13) | 0;
    ab = d ^ e;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^
      ((d >>> 22) | (d << 10))) + (e ^ (ab & bc))) | 0;
    bc = ab;
    g = (g + t1) | 0;
    c = (t1 + t2) | 0;
    w14 = (w14 +
      (((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^
        (w15 >>> 3)) +
      w7 +
      (((w12 >>> 17) | (w12 << 15)) ^ ((w12 >>> 19) | (w12 << 13)) ^
        (w12 >>> 10))) | 0;
    t1 = (b +
      (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^
        ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + 0x6ca6351 + w14) | 0;
    ab = c ^ d;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^
      ((c >>> 22) | (c << 10))) + (d ^ (ab & bc))) | 0;
    bc = ab;
    f = (f + t1) | 0;
    b = (t1 + t2) | 0;
    w15 = (w15 +
      (((w0 >>> 7) | (w0 << 25)) ^ ((w0 >>> 18) | (w0 << 14)) ^ (w0 >>> 3)) +
      w8 +
      (((w13 >>> 17) | (w13 << 15)) ^ ((w13 >>> 19) | (w13 << 13)) ^
        (w13 >>> 10))) | 0;
    t1 = (a +
      (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^
        ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + 0x14292967 + w15) | 0;
    ab = b ^ c;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^
      ((b >>> 22) | (b << 10))) + (c ^ (ab & bc))) | 0;
    bc = ab;
    e = (e + t1) | 0;
    a = (t1 + t2) | 0;
    w0 = (w0 +
      (((w1 >>> 7) | (w1 << 25)) ^ ((w1 >>> 18) | (w1 << 14)) ^ (w1 >>> 3)) +
      w9 +
      (((w14 >>> 17) | (w14 << 15)) ^ ((w14 >>> 19) | (w14 << 13)) ^
        (w14 >>> 10))) | 0;
    t1 = (h +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + 0x27b70a85 + w0) | 0;
    ab = a ^ b;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10))) + (b ^ (ab & bc))) | 0;
    bc = ab;
    d = (d + t1) | 0;
    h = (t1 + t2) | 0;
    w1 = (w1 +
      (((w2 >>> 7) | (w2 << 25)) ^ ((w2 >>> 18) | (w2 << 14)) ^ (w2 >>> 3)) +
      w10 +
      (((w15 >>> 17) | (w15 << 15)) ^ ((w15 >>> 19) | (w15 << 13)) ^
        (w15 >>> 10))) | 0;
    t1 = (g +
      (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^
        ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + 0x2e1b2138 + w1) | 0;
    ab = h ^ a;
    t2 = ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^
      ((h >>> 22) | (h << 10))) + (a ^ (ab & bc))) | 0;
    bc = ab;
    c = (c + t1) | 0;
    g = (t1 + t2) | 0;
    w2 = (w2 +
      (((w3 >>> 7) | (w3 << 25)) ^ ((w3 >>> 18) | (w3 << 14)) ^ (w3 >>> 3)) +
      w11 +
      (((w0 >>> 17) | (w0 << 15)) ^ ((w0 >>> 19) | (w0 << 13)) ^
        (w0 >>> 10))) | 0;
    t1 = (f +
      (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^
        ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + 0x4d2c6dfc + w2) | 0;
    ab = g ^ h;
    t2 = ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^
      ((g >>> 22) | (g << 10))) + (h ^ (ab & bc))) | 0;
    bc = ab;
    b = (b + t1) | 0;
    f = (t1 + t2) | 0;
    w3 = (w3 +
      (((w4 >>> 7) | (w4 << 25)) ^ ((w4 >>> 18) | (w4 << 14)) ^ (w4 >>> 3)) +
      w12 +
      (((w1 >>> 17) | (w1 << 15)) ^ ((w1 >>> 19) | (w1 << 13)) ^
        (w1 >>> 10))) | 0;
    t1 = (e +
      (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^
        ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + 0x53380d13 + w3) | 0;
    ab = f ^ g;
    t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^
      ((f >>> 22) | (f << 10))) + (g ^ (ab & bc))) | 0;
    bc = ab;
    a = (a + t1) | 0;
    e = (t1 + t2) | 0;
    w4 = (w4 +
      (((w5 >>> 7) | (w5 << 25)) ^ ((w5 >>> 18) | (w5 << 14)) ^ (w5 >>> 3)) +
      w13 +
      (((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^
        (w2 >>> 10))) | 0;
    t1 = (d +
      (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^
        ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + 0x650a7354 + w4) | 0;
    ab = e ^ f;
    t2 = ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^
      ((e >>> 22) | (e << 10))) + (f ^ (ab & bc))) | 0;
    bc = ab;
    h = (h + t1) | 0;
    d = (t1 + t2) | 0;
    w5 = (w5 +
      (((w6 >>> 7) | (w6 << 25)) ^ ((w6 >>> 18) | (w6 << 14)) ^ (w6 >>> 3)) +
      w14 +
      (((w3 >>> 17) | (w3 << 15)) ^ ((w3 >>> 19) | (w3 << 13)) ^
        (w3 >>> 10))) | 0;
    t1 = (c +
      (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^
        ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + 0x766a0abb + w5) | 0;
    ab = d ^ e;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^
      ((d >>> 22) | (d << 10))) + (e ^ (ab & bc))) | 0;
    bc = ab;
    g = (g + t1) | 0;
    c = (t1 + t2) | 0;
    w6 = (w6 +
      (((w7 >>> 7) | (w7 << 25)) ^ ((w7 >>> 18) | (w7 << 14)) ^ (w7 >>> 3)) +
      w15 +
      (((w4 >>> 17) | (w4 << 15)) ^ ((w4 >>> 19) | (w4 << 13)) ^
        (w4 >>> 10))) | 0;
    t1 = (b +
      (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^
        ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + 0x81c2c92e + w6) | 0;
    ab = c ^ d;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^
      ((c >>> 22) | (c << 10))) + (d ^ (ab & bc))) | 0;
    bc = ab;
    f = (f + t1) | 0;
    b = (t1 + t2) | 0;
    w7 = (w7 +
      (((w8 >>> 7) | (w8 << 25)) ^ ((w8 >>> 18) | (w8 << 14)) ^ (w8 >>> 3)) +
      w0 +
      (((w5 >>> 17) | (w5 << 15)) ^ ((w5 >>> 19) | (w5 << 13)) ^
        (w5 >>> 10))) | 0;
    t1 = (a +
      (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^
        ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + 0x92722c85 + w7) | 0;
    ab = b ^ c;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^
      ((b >>> 22) | (b << 10))) + (c ^ (ab & bc))) | 0;
    bc = ab;
    e = (e + t1) | 0;
    a = (t1 + t2) | 0;
    w8 = (w8 +
      (((w9 >>> 7) | (w9 << 25)) ^ ((w9 >>> 18) | (w9 << 14)) ^ (w9 >>> 3)) +
      w1 +
      (((w6 >>> 17) | (w6 << 15)) ^ ((w6 >>> 19) | (w6 << 13)) ^
        (w6 >>> 10))) | 0;
    t1 = (h +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + 0xa2bfe8a1 + w8) | 0;
    ab = a ^ b;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10))) + (b ^ (ab & bc))) | 0;
    bc = ab;
    d = (d + t1) | 0;
    h = (t1 + t2) | 0;
    w9 = (w9 +
      (((w10 >>> 7) | (w10 << 25)) ^ ((w10 >>> 18) | (w10 << 14)) ^
        (w10 >>> 3)) +
      w2 +
      (((w7 >>> 17) | (w7 << 15)) ^ ((w7 >>> 19) | (w7 << 13)) ^
        (w7 >>> 10))) | 0;
    t1 = (g +
      (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^
        ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + 0xa81a664b + w9) | 0;
    ab = h ^ a;
    t2 = ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^
      ((h >>> 22) | (h << 10))) + (a ^ (ab & bc))) | 0;
    bc = ab;
    c = (c + t1) | 0;
    g = (t1 + t2) | 0;
    w10 = (w10 +
      (((w11 >>> 7) | (w11 << 25)) ^ ((w11 >>> 18) | (w11 << 14)) ^
        (w11 >>> 3)) +
      w3 +
      (((w8 >>> 17) | (w8 << 15)) ^ ((w8 >>> 19) | (w8 << 13)) ^
        (w8 >>> 10))) | 0;
    t1 = (f +
      (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^
        ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + 0xc24b8b70 + w10) | 0;
    ab = g ^ h;
    t2 = ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^
      ((g >>> 22) | (g << 10))) + (h ^ (ab & bc))) | 0;
    bc = ab;
    b = (b + t1) | 0;
    f = (t1 + t2) | 0;
    w11 = (w11 +
      (((w12 >>> 7) | (w12 << 25)) ^ ((w12 >>> 18) | (w12 << 14)) ^
        (w12 >>> 3)) +
      w4 +
      (((w9 >>> 17) | (w9 << 15)) ^ ((w9 >>> 19) | (w9 << 13)) ^
        (w9 >>> 10))) | 0;
    t1 = (e +
      (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^
        ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + 0xc76c51a3 + w11) | 0;
    ab = f ^ g;
    t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^
      ((f >>> 22) | (f << 10))) + (g ^ (ab & bc))) | 0;
    bc = ab;
    a = (a + t1) | 0;
    e = (t1 + t2) | 0;
    w12 = (w12 +
      (((w13 >>> 7) | (w13 << 25)) ^ ((w13 >>> 18) | (w13 << 14)) ^
        (w13 >>> 3)) +
      w5 +
      (((w10 >>> 17) | (w10 << 15)) ^ ((w10 >>> 19) | (w10 << 13)) ^
        (w10 >>> 10))) | 0;
    t1 = (d +
      (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^
        ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + 0xd192e819 + w12) | 0;
    ab = e ^ f;
    t2 = ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^
      ((e >>> 22) | (e << 10))) + (f ^ (ab & bc))) | 0;
    bc = ab;
    h = (h + t1) | 0;
    d = (t1 + t2) | 0;
    w13 = (w13 +
      (((w14 >>> 7) | (w14 << 25)) ^ ((w14 >>> 18) | (w14 << 14)) ^
        (w14 >>> 3)) +
      w6 +
      (((w11 >>> 17) | (w11 << 15)) ^ ((w11 >>> 19) | (w11 << 13)) ^
        (w11 >>> 10))) | 0;
    t1 = (c +
      (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^
        ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + 0xd6990624 + w13) | 0;
    ab = d ^ e;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^
      ((d >>> 22) | (d << 10))) + (e ^ (ab & bc))) | 0;
    bc = ab;
    g = (g + t1) | 0;
    c = (t1 + t2) | 0;
    w14 = (w14 +
      (((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^
        (w15 >>> 3)) +
      w7 +
      (((w12 >>> 17) | (w12 << 15)) ^ ((w12 >>> 19) | (w12 << 13)) ^
        (w12 >>> 10))) | 0;
    t1 = (b +
      (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^
        ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + 0xf40e3585 + w14) | 0;
    ab = c ^ d;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^
      ((c >>> 22) | (c << 10))) + (d ^ (ab & bc))) | 0;
    bc = ab;
    f = (f + t1) | 0;
    b = (t1 + t2) | 0;
    w15 = (w15 +
      (((w0 >>> 7) | (w0 << 25)) ^ ((w0 >>> 18) | (w0 << 14)) ^ (w0 >>> 3)) +
      w8 +
      (((w13 >>> 17) | (w13 << 15)) ^ ((w13 >>> 19) | (w13 << 13)) ^
        (w13 >>> 10))) | 0;
    t1 = (a +
      (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^
        ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + 0x106aa070 + w15) | 0;
    ab = b ^ c;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^
      ((b >>> 22) | (b << 10))) + (c ^ (ab & bc))) | 0;
    bc = ab;
    e = (e + t1) | 0;
    a = (t1 + t2) | 0;
    w0 = (w0 +
      (((w1 >>> 7) | (w1 << 25)) ^ ((w1 >>> 18) | (w1 << 14)) ^ (w1 >>> 3)) +
      w9 +
      (((w14 >>> 17) | (w14 << 15)) ^ ((w14 >>> 19) | (w14 << 13)) ^
        (w14 >>> 10))) | 0;
    t1 = (h +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + 0x19a4c116 + w0) | 0;
    ab = a ^ b;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10))) + (b ^ (ab & bc))) | 0;
    bc = ab;
    d = (d + t1) | 0;
    h = (t1 + t2) | 0;
    w1 = (w1 +
      (((w2 >>> 7) | (w2 << 25)) ^ ((w2 >>> 18) | (w2 << 14)) ^ (w2 >>> 3)) +
      w10 +
      (((w15 >>> 17) | (w15 << 15)) ^ ((w15 >>> 19) | (w15 << 13)) ^
        (w15 >>> 10))) | 0;
    t1 = (g +
      (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^
        ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + 0x1e376c08 + w1) | 0;
    ab = h ^ a;
    t2 = ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^
      ((h >>> 22) | (h << 10))) + (a ^ (ab & bc))) | 0;
    bc = ab;
    c = (c + t1) | 0;
    g = (t1 + t2) | 0;
    w2 = (w2 +
      (((w3 >>> 7) | (w3 << 25)) ^ ((w3 >>> 18) | (w3 << 14)) ^ (w3 >>> 3)) +
      w11 +
      (((w0 >>> 17) | (w0 << 15)) ^ ((w0 >>> 19) | (w0 << 13)) ^
        (w0 >>> 10))) | 0;
    t1 = (f +
      (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^
        ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + 0x2748774c + w2) | 0;
    ab = g ^ h;
    t2 = ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^
      ((g >>> 22) | (g << 10))) + (h ^ (ab & bc))) | 0;
    bc = ab;
    b = (b + t1) | 0;
    f = (t1 + t2) | 0;
    w3 = (w3 +
      (((w4 >>> 7) | (w4 << 25)) ^ ((w4 >>> 18) | (w4 << 14)) ^ (w4 >>> 3)) +
      w12 +
      (((w1 >>> 17) | (w1 << 15)) ^ ((w1 >>> 19) | (w1 << 13)) ^
        (w1 >>> 10))) | 0;
    t1 = (e +
      (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^
        ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + 0x34b0bcb5 + w3) | 0;
    ab = f ^ g;
    t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^
      ((f >>> 22) | (f << 10))) + (g ^ (ab & bc))) | 0;
    bc = ab;
    a = (a + t1) | 0;
    e = (t1 + t2) | 0;
    w4 = (w4 +
      (((w5 >>> 7) | (w5 << 25)) ^ ((w5 >>> 18) | (w5 << 14)) ^ (w5 >>> 3)) +
      w13 +
      (((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^
        (w2 >>> 10))) | 0;
    t1 = (d +
      (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^
        ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + 0x391c0cb3 + w4) | 0;
    ab = e ^ f;
    t2 = ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^
      ((e >>> 22) | (e << 10))) + (f ^ (ab & bc))) | 0;
    bc = ab;
    h = (h + t1) | 0;
    d = (t1 + t2) | 0;
    w5 = (w5 +
      (((w6 >>> 7) | (w6 << 25)) ^ ((w6 >>> 18) | (w6 << 14)) ^ (w6 >>> 3)) +
      w14 +
      (((w3 >>> 17) | (w3 << 15)) ^ ((w3 >>> 19) | (w3 << 13)) ^
        (w3 >>> 10))) | 0;
    t1 = (c +
      (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^
        ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + 0x4ed8aa4a + w5) | 0;
    ab = d ^ e;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^
      ((d >>> 22) | (d << 10))) + (e ^ (ab & bc))) | 0;
    bc = ab;
    g = (g + t1) | 0;
    c = (t1 + t2) | 0;
    w6 = (w6 +
      (((w7 >>> 7) | (w7 << 25)) ^ ((w7 >>> 18) | (w7 << 14)) ^ (w7 >>> 3)) +
      w15 +
      (((w4 >>> 17) | (w4 << 15)) ^ ((w4 >>> 19) | (w4 << 13)) ^
        (w4 >>> 10))) | 0;
    t1 = (b +
      (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^
        ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + 0x5b9cca4f + w6) | 0;
    ab = c ^ d;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^
      ((c >>> 22) | (c << 10))) + (d ^ (ab & bc))) | 0;
    bc = ab;
    f = (f + t1) | 0;
    b = (t1 + t2) | 0;
    w7 = (w7 +
      (((w8 >>> 7) | (w8 << 25)) ^ ((w8 >>> 18) | (w8 << 14)) ^ (w8 >>> 3)) +
      w0 +
      (((w5 >>> 17) | (w5 << 15)) ^ ((w5 >>> 19) | (w5 << 13)) ^
        (w5 >>> 10))) | 0;
    t1 = (a +
      (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^
        ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + 0x682e6ff3 + w7) | 0;
    ab = b ^ c;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^
      ((b >>> 22) | (b << 10))) + (c ^ (ab & bc))) | 0;
    bc = ab;
    e = (e + t1) | 0;
    a = (t1 + t2) | 0;
    w8 = (w8 +
      (((w9 >>> 7) | (w9 << 25)) ^ ((w9 >>> 18) | (w9 << 14)) ^ (w9 >>> 3)) +
      w1 +
      (((w6 >>> 17) | (w6 << 15)) ^ ((w6 >>> 19) | (w6 << 13)) ^
        (w6 >>> 10))) | 0;
    t1 = (h +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) + 0x748f82ee + w8) | 0;
    ab = a ^ b;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10))) + (b ^ (ab & bc))) | 0;
    bc = ab;
    d = (d + t1) | 0;
    h = (t1 + t2) | 0;
    w9 = (w9 +
      (((w10 >>> 7) | (w10 << 25)) ^ ((w10 >>> 18) | (w10 << 14)) ^
        (w10 >>> 3)) +
      w2 +
      (((w7 >>> 17) | (w7 << 15)) ^ ((w7 >>> 19) | (w7 << 13)) ^
        (w7 >>> 10))) | 0;
    t1 = (g +
      (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^
        ((d >>> 25) | (d << 7))) +
      (f ^ (d & (e ^ f))) + 0x78a5636f + w9) | 0;
    ab = h ^ a;
    t2 = ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^
      ((h >>> 22) | (h << 10))) + (a ^ (ab & bc))) | 0;
    bc = ab;
    c = (c + t1) | 0;
    g = (t1 + t2) | 0;
    w10 = (w10 +
      (((w11 >>> 7) | (w11 << 25)) ^ ((w11 >>> 18) | (w11 << 14)) ^
        (w11 >>> 3)) +
      w3 +
      (((w8 >>> 17) | (w8 << 15)) ^ ((w8 >>> 19) | (w8 << 13)) ^
        (w8 >>> 10))) | 0;
    t1 = (f +
      (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^
        ((c >>> 25) | (c << 7))) +
      (e ^ (c & (d ^ e))) + 0x84c87814 + w10) | 0;
    ab = g ^ h;
    t2 = ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^
      ((g >>> 22) | (g << 10))) + (h ^ (ab & bc))) | 0;
    bc = ab;
    b = (b + t1) | 0;
    f = (t1 + t2) | 0;
    w11 = (w11 +
      (((w12 >>> 7) | (w12 << 25)) ^ ((w12 >>> 18) | (w12 << 14)) ^
        (w12 >>> 3)) +
      w4 +
      (((w9 >>> 17) | (w9 << 15)) ^ ((w9 >>> 19) | (w9 << 13)) ^
        (w9 >>> 10))) | 0;
    t1 = (e +
      (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^
        ((b >>> 25) | (b << 7))) +
      (d ^ (b & (c ^ d))) + 0x8cc70208 + w11) | 0;
    ab = f ^ g;
    t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^
      ((f >>> 22) | (f << 10))) + (g ^ (ab & bc))) | 0;
    bc = ab;
    a = (a + t1) | 0;
    e = (t1 + t2) | 0;
    w12 = (w12 +
      (((w13 >>> 7) | (w13 << 25)) ^ ((w13 >>> 18) | (w13 << 14)) ^
        (w13 >>> 3)) +
      w5 +
      (((w10 >>> 17) | (w10 << 15)) ^ ((w10 >>> 19) | (w10 << 13)) ^
        (w10 >>> 10))) | 0;
    t1 = (d +
      (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^
        ((a >>> 25) | (a << 7))) +
      (c ^ (a & (b ^ c))) + 0x90befffa + w12) | 0;
    ab = e ^ f;
    t2 = ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^
      ((e >>> 22) | (e << 10))) + (f ^ (ab & bc))) | 0;
    bc = ab;
    h = (h + t1) | 0;
    d = (t1 + t2) | 0;
    w13 = (w13 +
      (((w14 >>> 7) | (w14 << 25)) ^ ((w14 >>> 18) | (w14 << 14)) ^
        (w14 >>> 3)) +
      w6 +
      (((w11 >>> 17) | (w11 << 15)) ^ ((w11 >>> 19) | (w11 << 13)) ^
        (w11 >>> 10))) | 0;
    t1 = (c +
      (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^
        ((h >>> 25) | (h << 7))) +
      (b ^ (h & (a ^ b))) + 0xa4506ceb + w13) | 0;
    ab = d ^ e;
    t2 = ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^
      ((d >>> 22) | (d << 10))) + (e ^ (ab & bc))) | 0;
    bc = ab;
    g = (g + t1) | 0;
    c = (t1 + t2) | 0;
    w14 = (w14 +
      (((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^
        (w15 >>> 3)) +
      w7 +
      (((w12 >>> 17) | (w12 << 15)) ^ ((w12 >>> 19) | (w12 << 13)) ^
        (w12 >>> 10))) | 0;
    t1 = (b +
      (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^
        ((g >>> 25) | (g << 7))) +
      (a ^ (g & (h ^ a))) + 0xbef9a3f7 + w14) | 0;
    ab = c ^ d;
    t2 = ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^
      ((c >>> 22) | (c << 10))) + (d ^ (ab & bc))) | 0;
    bc = ab;
    f = (f + t1) | 0;
    b = (t1 + t2) | 0;
    w15 = (w15 +
      (((w0 >>> 7) | (w0 << 25)) ^ ((w0 >>> 18) | (w0 << 14)) ^ (w0 >>> 3)) +
      w8 +
      (((w13 >>> 17) | (w13 << 15)) ^ ((w13 >>> 19) | (w13 << 13)) ^
        (w13 >>> 10))) | 0;
    t1 = (a +
      (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^
        ((f >>> 25) | (f << 7))) +
      (h ^ (f & (g ^ h))) + 0xc67178f2 + w15) | 0;
    ab = b ^ c;
    t2 = ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^
      ((b >>> 22) | (b << 10))) + (c ^ (ab & bc))) | 0;
    bc = ab;
    e = (e + t1) | 0;
    a = (t1 + t2) | 0;
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
    pos += 64;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
  state[5] = h5;
  state[6] = h6;
  state[7] = h7;
}

/**
 * One-shot SHA-256 of `bytes`, as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "@zon/net/decoders";
 * import { assertEquals } from "node:assert/strict";
 * assertEquals(
 *   sha256Hex(new TextEncoder().encode("abc")),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 *
 * @param bytes The whole message.
 * @returns The digest in hex.
 */
export function sha256Hex(bytes: Uint8Array): string {
  return new Sha256().update(bytes).hexDigest();
}
