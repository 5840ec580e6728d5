/**
 * The AEADs of TLS 1.3's cipher suites, synchronous and in plain
 * TypeScript: AES-128-GCM and AES-256-GCM (FIPS 197 + NIST SP 800-38D)
 * and ChaCha20-Poly1305 (RFC 8439). A scanner decrypts a few handshake
 * records per connection inside a synchronous receive loop, where Web
 * Crypto's promises cannot be awaited.
 *
 * Not constant-time against a local attacker timing the AES table loads;
 * the keys are a scanner's throw-away handshake keys.
 *
 * @module
 */

/**
 * An AEAD with a fixed key: `seal` appends the 16-byte tag, `open`
 * returns the plaintext or `null` when the tag does not verify.
 *
 * @example
 * ```ts
 * import { createAead } from "./tls13_aead.ts";
 * const aead = createAead("AES-128-GCM", new Uint8Array(16));
 * const nonce = new Uint8Array(12);
 * const sealed = aead.seal(nonce, new Uint8Array(0), new Uint8Array(3));
 * aead.open(nonce, new Uint8Array(0), sealed)?.length; // 3
 * ```
 */
export interface Aead {
  /** `AES-128-GCM`, `AES-256-GCM` or `ChaCha20-Poly1305`. */
  readonly name: AeadName;
  /** Encrypts and authenticates; returns ciphertext ‖ tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Verifies and decrypts ciphertext ‖ tag; `null` when forged or cut. */
  open(
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array | null;
}

/**
 * The AEAD names, with their key lengths in {@linkcode AEAD_KEY_BYTES}.
 *
 * @example
 * ```ts
 * import type { AeadName } from "./tls13_aead.ts";
 * const name: AeadName = "ChaCha20-Poly1305";
 * ```
 */
export type AeadName = "AES-128-GCM" | "AES-256-GCM" | "ChaCha20-Poly1305";

/**
 * Key length per AEAD.
 *
 * @example
 * ```ts
 * import { AEAD_KEY_BYTES } from "./tls13_aead.ts";
 * AEAD_KEY_BYTES["AES-256-GCM"]; // 32
 * ```
 */
export const AEAD_KEY_BYTES: Readonly<Record<AeadName, number>> = {
  "AES-128-GCM": 16,
  "AES-256-GCM": 32,
  "ChaCha20-Poly1305": 32,
};

const TAG = 16;

/**
 * An AEAD for `name` keyed with `key`.
 *
 * @example
 * ```ts
 * import { createAead } from "./tls13_aead.ts";
 * createAead("ChaCha20-Poly1305", new Uint8Array(32)).name; // "ChaCha20-Poly1305"
 * ```
 */
export function createAead(name: AeadName, key: Uint8Array): Aead {
  if (key.length !== AEAD_KEY_BYTES[name]) {
    throw new RangeError(
      `createAead: ${name} needs a ${
        AEAD_KEY_BYTES[name]
      }-byte key, got ${key.length}`,
    );
  }
  return name === "ChaCha20-Poly1305"
    ? new ChaCha20Poly1305(key)
    : new AesGcm(name, key);
}

/** Constant-time tag comparison. */
function tagsEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

// ---------------------------------------------------------------- AES

const SBOX = new Uint8Array(256);
const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);
(function buildTables(): void {
  // The S-box from the multiplicative inverse and affine map (FIPS 197 §5.1.1),
  // walking GF(2^8) with generator 3.
  let p = 1, q = 1;
  const times2 = (x: number) => ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
  do {
    p = p ^ times2(p);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const rot = (x: number, s: number) => ((x << s) | (x >> (8 - s))) & 0xff;
    SBOX[p] = q ^ rot(q, 1) ^ rot(q, 2) ^ rot(q, 3) ^ rot(q, 4) ^ 0x63;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i];
    const s2 = times2(s);
    const word = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
    T0[i] = word;
    T1[i] = (word >>> 8) | (word << 24);
    T2[i] = (word >>> 16) | (word << 16);
    T3[i] = (word >>> 24) | (word << 8);
  }
})();

/** AES-128/256 key expansion (FIPS 197 §5.2) into round-key words. */
function expandKey(key: Uint8Array): Int32Array {
  const nk = key.length / 4;
  const rounds = nk + 6;
  const w = new Int32Array(4 * (rounds + 1));
  for (let i = 0; i < nk; i++) {
    w[i] = key[4 * i] << 24 | key[4 * i + 1] << 16 | key[4 * i + 2] << 8 |
      key[4 * i + 3];
  }
  let rcon = 1;
  for (let i = nk; i < w.length; i++) {
    let t = w[i - 1];
    if (i % nk === 0) {
      t = (SBOX[(t >>> 16) & 0xff] << 24 | SBOX[(t >>> 8) & 0xff] << 16 |
        SBOX[t & 0xff] << 8 | SBOX[t >>> 24]) ^ (rcon << 24);
      rcon = ((rcon << 1) ^ (rcon & 0x80 ? 0x1b : 0)) & 0xff;
    } else if (nk > 6 && i % nk === 4) {
      t = SBOX[t >>> 24] << 24 | SBOX[(t >>> 16) & 0xff] << 16 |
        SBOX[(t >>> 8) & 0xff] << 8 | SBOX[t & 0xff];
    }
    w[i] = w[i - nk] ^ t;
  }
  return w;
}

/** Encrypts the 4-word block `s` in place. */
function encryptBlock(w: Int32Array, s: Int32Array): void {
  const rounds = w.length / 4 - 1;
  let s0 = s[0] ^ w[0], s1 = s[1] ^ w[1], s2 = s[2] ^ w[2], s3 = s[3] ^ w[3];
  let k = 4;
  for (let round = 1; round < rounds; round++, k += 4) {
    const t0 = T0[s0 >>> 24] ^ T1[(s1 >>> 16) & 0xff] ^ T2[(s2 >>> 8) & 0xff] ^
      T3[s3 & 0xff] ^ w[k];
    const t1 = T0[s1 >>> 24] ^ T1[(s2 >>> 16) & 0xff] ^ T2[(s3 >>> 8) & 0xff] ^
      T3[s0 & 0xff] ^ w[k + 1];
    const t2 = T0[s2 >>> 24] ^ T1[(s3 >>> 16) & 0xff] ^ T2[(s0 >>> 8) & 0xff] ^
      T3[s1 & 0xff] ^ w[k + 2];
    const t3 = T0[s3 >>> 24] ^ T1[(s0 >>> 16) & 0xff] ^ T2[(s1 >>> 8) & 0xff] ^
      T3[s2 & 0xff] ^ w[k + 3];
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
  }
  const last = (a: number, b: number, c: number, d: number, key: number) =>
    (SBOX[a >>> 24] << 24 | SBOX[(b >>> 16) & 0xff] << 16 |
      SBOX[(c >>> 8) & 0xff] << 8 | SBOX[d & 0xff]) ^ key;
  s[0] = last(s0, s1, s2, s3, w[k]);
  s[1] = last(s1, s2, s3, s0, w[k + 1]);
  s[2] = last(s2, s3, s0, s1, w[k + 2]);
  s[3] = last(s3, s0, s1, s2, w[k + 3]);
}

function readWords(bytes: Uint8Array, at: number, out: Int32Array): void {
  for (let i = 0; i < 4; i++) {
    const j = at + 4 * i;
    out[i] = (bytes[j] ?? 0) << 24 | (bytes[j + 1] ?? 0) << 16 |
      (bytes[j + 2] ?? 0) << 8 | (bytes[j + 3] ?? 0);
  }
}

/** AES-GCM with a 12-byte nonce (SP 800-38D). */
class AesGcm implements Aead {
  readonly name: AeadName;
  readonly #w: Int32Array;
  /** The hash subkey H = E(K, 0^128). */
  readonly #h = new Int32Array(4);
  /** i·H for the 16 nibble values i (Shoup's 4-bit table), 4 words each. */
  readonly #table = new Int32Array(64);

  constructor(name: AeadName, key: Uint8Array) {
    this.name = name;
    this.#w = expandKey(key);
    encryptBlock(this.#w, this.#h);
    nibbleTable(this.#h, this.#table);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(plaintext.length + TAG);
    this.#ctr(nonce, plaintext, out);
    out.set(
      this.#tag(nonce, aad, out.subarray(0, plaintext.length)),
      plaintext.length,
    );
    return out;
  }

  open(
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array | null {
    if (sealed.length < TAG || nonce.length !== 12) return null;
    const ciphertext = sealed.subarray(0, sealed.length - TAG);
    const tag = this.#tag(nonce, aad, ciphertext);
    if (!tagsEqual(tag, sealed.subarray(sealed.length - TAG))) return null;
    const out = new Uint8Array(ciphertext.length);
    this.#ctr(nonce, ciphertext, out);
    return out;
  }

  /** CTR from counter block 2 (J0 + 1), XORed into `out`. */
  #ctr(nonce: Uint8Array, input: Uint8Array, out: Uint8Array): void {
    const counter = new Int32Array(4);
    const stream = new Int32Array(4);
    readWords(nonce, 0, counter);
    for (let at = 0, block = 2; at < input.length; at += 16, block++) {
      stream.set(counter);
      stream[3] = block;
      encryptBlock(this.#w, stream);
      for (let i = 0; i < 16 && at + i < input.length; i++) {
        out[at + i] = input[at + i] ^ (stream[i >> 2] >>> (24 - 8 * (i & 3)));
      }
    }
  }

  #tag(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const y = new Int32Array(4);
    const x = new Int32Array(4);
    const absorb = (data: Uint8Array) => {
      for (let at = 0; at < data.length; at += 16) {
        readWords(data.subarray(at, Math.min(at + 16, data.length)), 0, x);
        for (let i = 0; i < 4; i++) y[i] ^= x[i];
        gfMultiply(y, this.#table);
      }
    };
    absorb(aad);
    absorb(ciphertext);
    const aadBits = aad.length * 8, dataBits = ciphertext.length * 8;
    y[0] ^= Math.floor(aadBits / 2 ** 32);
    y[1] ^= aadBits;
    y[2] ^= Math.floor(dataBits / 2 ** 32);
    y[3] ^= dataBits;
    gfMultiply(y, this.#table);
    const j0 = new Int32Array(4);
    readWords(nonce, 0, j0);
    j0[3] = 1;
    encryptBlock(this.#w, j0);
    const tag = new Uint8Array(TAG);
    for (let i = 0; i < 16; i++) {
      tag[i] = (y[i >> 2] ^ j0[i >> 2]) >>> (24 - 8 * (i & 3));
    }
    return tag;
  }
}

/**
 * The multiples 0·H … 15·H in GCM's bit order (bit 0 is the most
 * significant bit of byte 0), for multiplying four bits at a time: 8·H is
 * H, each halving of the index is one multiplication by x (a right shift
 * with reduction by 0xe1), and the other entries are XOR sums.
 */
function nibbleTable(h: Int32Array, table: Int32Array): void {
  table.fill(0);
  table.set(h, 8 * 4);
  for (let i = 4; i > 0; i >>= 1) {
    const from = 2 * i * 4, to = i * 4;
    const lsb = table[from + 3] & 1;
    table[to + 3] = (table[from + 3] >>> 1) | (table[from + 2] << 31);
    table[to + 2] = (table[from + 2] >>> 1) | (table[from + 1] << 31);
    table[to + 1] = (table[from + 1] >>> 1) | (table[from] << 31);
    table[to] = (table[from] >>> 1) ^ (lsb ? 0xe1000000 : 0);
  }
  for (let i = 2; i <= 8; i *= 2) {
    for (let j = 1; j < i; j++) {
      for (let k = 0; k < 4; k++) {
        table[(i + j) * 4 + k] = table[i * 4 + k] ^ table[j * 4 + k];
      }
    }
  }
}

/** Reduction of the four bits shifted out of x·2^-4 (x^128 = x^7 + x^2 + x + 1), in the top 16 bits. */
const SHIFTED_OUT = Int32Array.from([
  0x0000,
  0x1c20,
  0x3840,
  0x2460,
  0x7080,
  0x6ca0,
  0x48c0,
  0x54e0,
  0xe100,
  0xfd20,
  0xd940,
  0xc560,
  0x9180,
  0x8da0,
  0xa9c0,
  0xb5e0,
].map((r) => r << 16));

/** y = y · H in GCM's GF(2^128), four bits at a time from the last byte (Shoup). */
function gfMultiply(y: Int32Array, table: Int32Array): void {
  let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
  for (let i = 15; i >= 0; i--) {
    const byte = (y[i >> 2] >>> (24 - 8 * (i & 3))) & 0xff;
    for (let half = 0; half < 2; half++) {
      const nibble = half === 0 ? byte & 0xf : byte >>> 4;
      if (i !== 15 || half !== 0) {
        const out = z3 & 0xf;
        z3 = (z3 >>> 4) | (z2 << 28);
        z2 = (z2 >>> 4) | (z1 << 28);
        z1 = (z1 >>> 4) | (z0 << 28);
        z0 = (z0 >>> 4) ^ SHIFTED_OUT[out];
      }
      const t = nibble * 4;
      z0 ^= table[t];
      z1 ^= table[t + 1];
      z2 ^= table[t + 2];
      z3 ^= table[t + 3];
    }
  }
  y[0] = z0;
  y[1] = z1;
  y[2] = z2;
  y[3] = z3;
}

// ---------------------------------------------------- ChaCha20-Poly1305

const chachaState = new Uint32Array(16);
const chachaWorking = new Uint32Array(16);

/** The quarter round (RFC 8439 §2.1) on words a, b, c, d of `x`. */
function quarter(
  x: Uint32Array,
  a: number,
  b: number,
  c: number,
  d: number,
): void {
  x[a] += x[b];
  x[d] ^= x[a];
  x[d] = x[d] << 16 | x[d] >>> 16;
  x[c] += x[d];
  x[b] ^= x[c];
  x[b] = x[b] << 12 | x[b] >>> 20;
  x[a] += x[b];
  x[d] ^= x[a];
  x[d] = x[d] << 8 | x[d] >>> 24;
  x[c] += x[d];
  x[b] ^= x[c];
  x[b] = x[b] << 7 | x[b] >>> 25;
}

/** One ChaCha20 block (RFC 8439 §2.3) for `counter` into `out` (64 bytes). */
function chachaBlock(
  key: Uint32Array,
  counter: number,
  nonce: Uint32Array,
  out: Uint8Array,
): void {
  const s = chachaState;
  s[0] = 0x61707865;
  s[1] = 0x3320646e;
  s[2] = 0x79622d32;
  s[3] = 0x6b206574;
  s.set(key, 4);
  s[12] = counter;
  s.set(nonce, 13);
  const x = chachaWorking;
  x.set(s);
  for (let i = 0; i < 10; i++) {
    quarter(x, 0, 4, 8, 12);
    quarter(x, 1, 5, 9, 13);
    quarter(x, 2, 6, 10, 14);
    quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15);
    quarter(x, 1, 6, 11, 12);
    quarter(x, 2, 7, 8, 13);
    quarter(x, 3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) {
    const v = (x[i] + s[i]) >>> 0;
    out[4 * i] = v;
    out[4 * i + 1] = v >>> 8;
    out[4 * i + 2] = v >>> 16;
    out[4 * i + 3] = v >>> 24;
  }
}

function littleWords(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) {
    out[i] = bytes[4 * i] | bytes[4 * i + 1] << 8 | bytes[4 * i + 2] << 16 |
      bytes[4 * i + 3] << 24;
  }
  return out;
}

/**
 * ChaCha20 keystream XOR (RFC 8439 §2.4) from block `counter`.
 *
 * @example
 * ```ts
 * import { chacha20 } from "./tls13_aead.ts";
 * chacha20(new Uint8Array(32), new Uint8Array(12), 1, new Uint8Array(5)).length; // 5
 * ```
 */
export function chacha20(
  key: Uint8Array,
  nonce: Uint8Array,
  counter: number,
  input: Uint8Array,
): Uint8Array {
  const k = littleWords(key), n = littleWords(nonce);
  const block = new Uint8Array(64);
  const out = new Uint8Array(input.length);
  for (let at = 0; at < input.length; at += 64, counter++) {
    chachaBlock(k, counter >>> 0, n, block);
    for (let i = 0; i < 64 && at + i < input.length; i++) {
      out[at + i] = input[at + i] ^ block[i];
    }
  }
  return out;
}

/**
 * Poly1305 (RFC 8439 §2.5) of `message` under a one-time 32-byte key.
 * The accumulator is ten 13-bit limbs in doubles, so every product and
 * sum is exact; the final reduction uses BigInt once per message.
 *
 * @example
 * ```ts
 * import { poly1305 } from "./tls13_aead.ts";
 * poly1305(new Uint8Array(32), new Uint8Array(10)).length; // 16
 * ```
 */
export function poly1305(key: Uint8Array, message: Uint8Array): Uint8Array {
  const rBytes = key.slice(0, 16);
  rBytes[3] &= 15;
  rBytes[7] &= 15;
  rBytes[11] &= 15;
  rBytes[15] &= 15;
  rBytes[4] &= 252;
  rBytes[8] &= 252;
  rBytes[12] &= 252;
  const r = limbs13(rBytes, 0);
  const h = new Float64Array(10);
  const d = new Float64Array(10);
  const block = new Uint8Array(17);
  for (let at = 0; at < message.length; at += 16) {
    const n = Math.min(16, message.length - at);
    block.fill(0);
    block.set(message.subarray(at, at + n));
    block[n] = 1;
    const m = limbs13(block, 0);
    for (let i = 0; i < 10; i++) h[i] += m[i];
    for (let i = 0; i < 10; i++) {
      let sum = 0;
      for (let j = 0; j < 10; j++) {
        // 2^130 ≡ 5: terms past the top limb wrap around times 5.
        sum += i >= j ? h[j] * r[i - j] : h[j] * 5 * r[i - j + 10];
      }
      d[i] = sum;
    }
    let c = 0;
    for (let i = 0; i < 10; i++) {
      d[i] += c;
      c = Math.floor(d[i] / 8192);
      h[i] = d[i] - c * 8192;
    }
    h[0] += c * 5;
    c = Math.floor(h[0] / 8192);
    h[0] -= c * 8192;
    h[1] += c;
  }
  let acc = 0n;
  for (let i = 9; i >= 0; i--) acc = (acc << 13n) + BigInt(h[i]);
  const p = (1n << 130n) - 5n;
  acc %= p;
  let s = 0n;
  for (let i = 31; i >= 16; i--) s = (s << 8n) | BigInt(key[i]);
  acc = (acc + s) & ((1n << 128n) - 1n);
  const tag = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    tag[i] = Number(acc & 0xffn);
    acc >>= 8n;
  }
  return tag;
}

/** Ten 13-bit limbs of the 130 bits of `bytes` from `at` (little-endian). */
function limbs13(bytes: Uint8Array, at: number): Float64Array {
  const out = new Float64Array(10);
  for (let limb = 0; limb < 10; limb++) {
    const bit = limb * 13;
    const byte = at + (bit >> 3);
    const word = (bytes[byte] ?? 0) | (bytes[byte + 1] ?? 0) << 8 |
      (bytes[byte + 2] ?? 0) << 16;
    out[limb] = (word >>> (bit & 7)) & 0x1fff;
  }
  return out;
}

/** ChaCha20-Poly1305 AEAD (RFC 8439 §2.8). */
class ChaCha20Poly1305 implements Aead {
  readonly name: AeadName = "ChaCha20-Poly1305";
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.#key = key.slice();
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const ciphertext = chacha20(this.#key, nonce, 1, plaintext);
    const out = new Uint8Array(ciphertext.length + TAG);
    out.set(ciphertext);
    out.set(this.#tag(nonce, aad, ciphertext), ciphertext.length);
    return out;
  }

  open(
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array | null {
    if (sealed.length < TAG || nonce.length !== 12) return null;
    const ciphertext = sealed.subarray(0, sealed.length - TAG);
    const tag = this.#tag(nonce, aad, ciphertext);
    if (!tagsEqual(tag, sealed.subarray(sealed.length - TAG))) return null;
    return chacha20(this.#key, nonce, 1, ciphertext);
  }

  #tag(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const oneTimeKey = chacha20(this.#key, nonce, 0, new Uint8Array(32));
    const pad = (n: number) => (16 - (n % 16)) % 16;
    const mac = new Uint8Array(
      aad.length + pad(aad.length) + ciphertext.length +
        pad(ciphertext.length) + 16,
    );
    mac.set(aad);
    const at = aad.length + pad(aad.length);
    mac.set(ciphertext, at);
    const view = new DataView(mac.buffer);
    view.setUint32(mac.length - 16, aad.length, true);
    view.setUint32(mac.length - 8, ciphertext.length, true);
    return poly1305(oneTimeKey, mac);
  }
}
