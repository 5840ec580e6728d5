/**
 * An incremental SHA-256 (FIPS 180-4) in plain TypeScript.
 *
 * The X.509 decoder hashes certificate bytes as they stream past, and must
 * stay synchronous and portable (Deno, Node, browsers): Web Crypto's
 * `crypto.subtle.digest` is asynchronous and one-shot, so zon carries its own.
 *
 * @module
 */

/** Round constants: the first 32 bits of the cube roots of the first 64 primes. */
// Int32Array, not Uint32Array: V8 keeps int32 values unboxed, while uint32
// values above 2^31 become heap doubles and slow every round down.
const ROUND_CONSTANTS = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

/** Initial hash value: the first 32 bits of the square roots of the first 8 primes. */
const INITIAL_STATE = [
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
];

const BLOCK_BYTES = 64;
/** The message schedule, shared: compress() never re-enters. */
const SCHEDULE = new Int32Array(64);
/** Two-digit lowercase hex of every byte value. */
const BYTE_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, byte) => byte.toString(16).padStart(2, "0"),
);

/**
 * Incremental SHA-256: feed bytes with {@linkcode Sha256.update} in pieces of
 * any size, then read the digest once with {@linkcode Sha256.digest}.
 *
 * Memory is constant: one 64-byte block buffer and the message schedule.
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
  #state = new Int32Array(INITIAL_STATE);
  #block = new Uint8Array(BLOCK_BYTES);
  #blockFill = 0;
  /** Total message length in bytes; a JS number is exact up to 2^53. */
  #length = 0;
  #finished = false;

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
    this.#state.set(INITIAL_STATE);
    this.#blockFill = 0;
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
   * @returns This hash, for chaining.
   */
  update(bytes: Uint8Array): this {
    if (this.#finished) throw new Error("Sha256: update() after digest()");
    this.#length += bytes.length;
    let position = 0;
    // Top up a partly filled block first.
    if (this.#blockFill > 0) {
      const take = Math.min(BLOCK_BYTES - this.#blockFill, bytes.length);
      this.#block.set(bytes.subarray(0, take), this.#blockFill);
      this.#blockFill += take;
      position = take;
      if (this.#blockFill < BLOCK_BYTES) return this;
      compress(this.#state, this.#block, 0);
      this.#blockFill = 0;
    }
    // Whole blocks straight from the input: no copy.
    while (bytes.length - position >= BLOCK_BYTES) {
      compress(this.#state, bytes, position);
      position += BLOCK_BYTES;
    }
    if (position < bytes.length) {
      this.#block.set(bytes.subarray(position), 0);
      this.#blockFill = bytes.length - position;
    }
    return this;
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
    if (this.#finished) throw new Error("Sha256: digest() called twice");
    this.#finished = true;
    const bitLength = this.#length * 8;
    const block = this.#block;
    block[this.#blockFill++] = 0x80;
    if (this.#blockFill > BLOCK_BYTES - 8) {
      block.fill(0, this.#blockFill);
      compress(this.#state, block, 0);
      this.#blockFill = 0;
    }
    block.fill(0, this.#blockFill, BLOCK_BYTES - 8);
    // 64-bit big-endian bit length, split because JS bit operations are 32-bit.
    const high = Math.floor(bitLength / 0x100000000);
    const low = bitLength >>> 0;
    block[56] = high >>> 24;
    block[57] = high >>> 16;
    block[58] = high >>> 8;
    block[59] = high;
    block[60] = low >>> 24;
    block[61] = low >>> 16;
    block[62] = low >>> 8;
    block[63] = low;
    compress(this.#state, block, 0);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const word = this.#state[i];
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
    const digest = this.digest();
    let hex = "";
    for (let i = 0; i < digest.length; i++) {
      hex += BYTE_HEX[digest[i]];
    }
    return hex;
  }
}

/** One 64-byte block at `offset` of `bytes` through the compression function. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  const w = SCHEDULE;
  const k = ROUND_CONSTANTS;
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) |
      bytes[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const sigma0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^
      (x >>> 3);
    const sigma1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^
      (y >>> 10);
    w[i] = (w[i - 16] + sigma0 + w[i - 7] + sigma1) | 0;
  }
  let a = state[0], b = state[1], c = state[2], d = state[3];
  let e = state[4], f = state[5], g = state[6], h = state[7];
  for (let i = 0; i < 64; i++) {
    const bigSigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
      ((e >>> 25) | (e << 7));
    const choose = (e & f) ^ (~e & g);
    const t1 = (h + bigSigma1 + choose + k[i] + w[i]) | 0;
    const bigSigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10));
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (bigSigma0 + majority) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
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
