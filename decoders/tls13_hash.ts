/**
 * The hashes TLS 1.3's key schedule runs on (SHA-256 and SHA-384), HMAC
 * (RFC 2104) and HKDF (RFC 5869) with TLS 1.3's HKDF-Expand-Label and
 * Derive-Secret (RFC 8446 §7.1), synchronous and in plain TypeScript: a
 * banner grabber's receive loop cannot await Web Crypto per record.
 *
 * SHA-256 is the decoders' own {@linkcode Sha256}; SHA-384 is SHA-512
 * (FIPS 180-4) with its own initial value, computed on 32-bit halves
 * (hi/lo int32 pairs) so that no BigInt or boxed double is involved.
 *
 * @module
 */

import { Sha256 } from "./sha256.ts";

/**
 * A hash as the key schedule needs it: block and output sizes, and a
 * one-shot digest over the concatenation of `parts`.
 *
 * @example
 * ```ts
 * import { SHA384 } from "./tls13_hash.ts";
 * SHA384.digest([new TextEncoder().encode("abc")]).length; // 48
 * ```
 */
export interface HashFunction {
  /** `SHA-256` or `SHA-384`. */
  readonly name: string;
  /** Bytes per compression block (64 or 128). */
  readonly blockBytes: number;
  /** Digest length (32 or 48). */
  readonly outputBytes: number;
  /** The digest of the parts, concatenated. */
  digest(parts: readonly Uint8Array[]): Uint8Array;
}

/**
 * SHA-256 as a {@linkcode HashFunction}.
 *
 * @example
 * ```ts
 * import { SHA256 } from "./tls13_hash.ts";
 * SHA256.digest([]).length; // 32
 * ```
 */
export const SHA256: HashFunction = {
  name: "SHA-256",
  blockBytes: 64,
  outputBytes: 32,
  digest(parts: readonly Uint8Array[]): Uint8Array {
    const hash = new Sha256();
    for (const part of parts) hash.update(part);
    return hash.digest();
  },
};

// SHA-512 round constants as [hi, lo] int32 pairs (FIPS 180-4 §4.2.3).
const K512 = Int32Array.from([
  0x428a2f98,
  0xd728ae22,
  0x71374491,
  0x23ef65cd,
  0xb5c0fbcf,
  0xec4d3b2f,
  0xe9b5dba5,
  0x8189dbbc,
  0x3956c25b,
  0xf348b538,
  0x59f111f1,
  0xb605d019,
  0x923f82a4,
  0xaf194f9b,
  0xab1c5ed5,
  0xda6d8118,
  0xd807aa98,
  0xa3030242,
  0x12835b01,
  0x45706fbe,
  0x243185be,
  0x4ee4b28c,
  0x550c7dc3,
  0xd5ffb4e2,
  0x72be5d74,
  0xf27b896f,
  0x80deb1fe,
  0x3b1696b1,
  0x9bdc06a7,
  0x25c71235,
  0xc19bf174,
  0xcf692694,
  0xe49b69c1,
  0x9ef14ad2,
  0xefbe4786,
  0x384f25e3,
  0x0fc19dc6,
  0x8b8cd5b5,
  0x240ca1cc,
  0x77ac9c65,
  0x2de92c6f,
  0x592b0275,
  0x4a7484aa,
  0x6ea6e483,
  0x5cb0a9dc,
  0xbd41fbd4,
  0x76f988da,
  0x831153b5,
  0x983e5152,
  0xee66dfab,
  0xa831c66d,
  0x2db43210,
  0xb00327c8,
  0x98fb213f,
  0xbf597fc7,
  0xbeef0ee4,
  0xc6e00bf3,
  0x3da88fc2,
  0xd5a79147,
  0x930aa725,
  0x06ca6351,
  0xe003826f,
  0x14292967,
  0x0a0e6e70,
  0x27b70a85,
  0x46d22ffc,
  0x2e1b2138,
  0x5c26c926,
  0x4d2c6dfc,
  0x5ac42aed,
  0x53380d13,
  0x9d95b3df,
  0x650a7354,
  0x8baf63de,
  0x766a0abb,
  0x3c77b2a8,
  0x81c2c92e,
  0x47edaee6,
  0x92722c85,
  0x1482353b,
  0xa2bfe8a1,
  0x4cf10364,
  0xa81a664b,
  0xbc423001,
  0xc24b8b70,
  0xd0f89791,
  0xc76c51a3,
  0x0654be30,
  0xd192e819,
  0xd6ef5218,
  0xd6990624,
  0x5565a910,
  0xf40e3585,
  0x5771202a,
  0x106aa070,
  0x32bbd1b8,
  0x19a4c116,
  0xb8d2d0c8,
  0x1e376c08,
  0x5141ab53,
  0x2748774c,
  0xdf8eeb99,
  0x34b0bcb5,
  0xe19b48a8,
  0x391c0cb3,
  0xc5c95a63,
  0x4ed8aa4a,
  0xe3418acb,
  0x5b9cca4f,
  0x7763e373,
  0x682e6ff3,
  0xd6b2b8a3,
  0x748f82ee,
  0x5defb2fc,
  0x78a5636f,
  0x43172f60,
  0x84c87814,
  0xa1f0ab72,
  0x8cc70208,
  0x1a6439ec,
  0x90befffa,
  0x23631e28,
  0xa4506ceb,
  0xde82bde9,
  0xbef9a3f7,
  0xb2c67915,
  0xc67178f2,
  0xe372532b,
  0xca273ece,
  0xea26619c,
  0xd186b8c7,
  0x21c0c207,
  0xeada7dd6,
  0xcde0eb1e,
  0xf57d4f7f,
  0xee6ed178,
  0x06f067aa,
  0x72176fba,
  0x0a637dc5,
  0xa2c898a6,
  0x113f9804,
  0xbef90dae,
  0x1b710b35,
  0x131c471b,
  0x28db77f5,
  0x23047d84,
  0x32caab7b,
  0x40c72493,
  0x3c9ebe0a,
  0x15c9bebc,
  0x431d67c4,
  0x9c100d4c,
  0x4cc5d4be,
  0xcb3e42b6,
  0x597f299c,
  0xfc657e2a,
  0x5fcb6fab,
  0x3ad6faec,
  0x6c44198c,
  0x4a475817,
]);

/** SHA-384's initial hash value (FIPS 180-4 §5.3.4), hi/lo pairs. */
const SHA384_IV = Int32Array.from([
  0xcbbb9d5d,
  0xc1059ed8,
  0x629a292a,
  0x367cd507,
  0x9159015a,
  0x3070dd17,
  0x152fecd8,
  0xf70e5939,
  0x67332667,
  0xffc00b31,
  0x8eb44a87,
  0x68581511,
  0xdb0c2e0d,
  0x64f98fa7,
  0x47b5481d,
  0xbefa4fa4,
]);

/** One SHA-512 compression of `block[at, at+128)` into `h` (16 int32). */
function compress512(
  h: Int32Array,
  w: Int32Array,
  block: Uint8Array,
  at: number,
): void {
  for (let i = 0; i < 32; i++) {
    const j = at + i * 4;
    w[i] = block[j] << 24 | block[j + 1] << 16 | block[j + 2] << 8 |
      block[j + 3];
  }
  for (let i = 32; i < 160; i += 2) {
    // sigma0(w[t-15]) and sigma1(w[t-2]) on hi/lo halves.
    let xh = w[i - 30], xl = w[i - 29];
    const s0h = (xh >>> 1 | xl << 31) ^ (xh >>> 8 | xl << 24) ^ (xh >>> 7);
    const s0l = (xl >>> 1 | xh << 31) ^ (xl >>> 8 | xh << 24) ^
      (xl >>> 7 | xh << 25);
    xh = w[i - 4];
    xl = w[i - 3];
    const s1h = (xh >>> 19 | xl << 13) ^ (xl >>> 29 | xh << 3) ^ (xh >>> 6);
    const s1l = (xl >>> 19 | xh << 13) ^ (xh >>> 29 | xl << 3) ^
      (xl >>> 6 | xh << 26);
    const lo = (s0l >>> 0) + (s1l >>> 0) + (w[i - 13] >>> 0) +
      (w[i - 31] >>> 0);
    w[i] = s0h + s1h + w[i - 14] + w[i - 32] + Math.floor(lo / 0x100000000);
    w[i + 1] = lo | 0;
  }
  let ah = h[0], al = h[1], bh = h[2], bl = h[3], ch = h[4], cl = h[5];
  let dh = h[6], dl = h[7], eh = h[8], el = h[9], fh = h[10], fl = h[11];
  let gh = h[12], gl = h[13], hh = h[14], hl = h[15];
  for (let i = 0; i < 160; i += 2) {
    const S1h = (eh >>> 14 | el << 18) ^ (eh >>> 18 | el << 14) ^
      (el >>> 9 | eh << 23);
    const S1l = (el >>> 14 | eh << 18) ^ (el >>> 18 | eh << 14) ^
      (eh >>> 9 | el << 23);
    const chh = (eh & fh) ^ (~eh & gh);
    const chl = (el & fl) ^ (~el & gl);
    // 64-bit sums: low halves summed as exact doubles, the carry goes up.
    let lo = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (K512[i + 1] >>> 0) +
      (w[i + 1] >>> 0);
    const t1h = (hh + S1h + chh + K512[i] + w[i] + Math.floor(lo / 2 ** 32)) |
      0;
    const t1l = lo >>> 0;
    const S0h = (ah >>> 28 | al << 4) ^ (al >>> 2 | ah << 30) ^
      (al >>> 7 | ah << 25);
    const S0l = (al >>> 28 | ah << 4) ^ (ah >>> 2 | al << 30) ^
      (ah >>> 7 | al << 25);
    const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
    const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
    lo = (S0l >>> 0) + (majl >>> 0);
    const t2h = (S0h + majh + Math.floor(lo / 2 ** 32)) | 0;
    const t2l = lo >>> 0;
    hh = gh;
    hl = gl;
    gh = fh;
    gl = fl;
    fh = eh;
    fl = el;
    lo = (dl >>> 0) + t1l;
    eh = (dh + t1h + Math.floor(lo / 2 ** 32)) | 0;
    el = lo | 0;
    dh = ch;
    dl = cl;
    ch = bh;
    cl = bl;
    bh = ah;
    bl = al;
    lo = t1l + t2l;
    ah = (t1h + t2h + Math.floor(lo / 2 ** 32)) | 0;
    al = lo | 0;
  }
  const add = (k: number, xh: number, xl: number): void => {
    const lo = (h[k + 1] >>> 0) + (xl >>> 0);
    h[k] = h[k] + xh + Math.floor(lo / 0x100000000);
    h[k + 1] = lo | 0;
  };
  add(0, ah, al);
  add(2, bh, bl);
  add(4, ch, cl);
  add(6, dh, dl);
  add(8, eh, el);
  add(10, fh, fl);
  add(12, gh, gl);
  add(14, hh, hl);
}

function sha384(parts: readonly Uint8Array[]): Uint8Array {
  const h = SHA384_IV.slice();
  const w = new Int32Array(160);
  const block = new Uint8Array(128);
  let fill = 0;
  let length = 0;
  for (const part of parts) {
    length += part.length;
    for (let i = 0; i < part.length;) {
      const take = Math.min(128 - fill, part.length - i);
      block.set(part.subarray(i, i + take), fill);
      fill += take;
      i += take;
      if (fill === 128) {
        compress512(h, w, block, 0);
        fill = 0;
      }
    }
  }
  block[fill++] = 0x80;
  if (fill > 112) {
    block.fill(0, fill);
    compress512(h, w, block, 0);
    fill = 0;
  }
  block.fill(0, fill);
  const bits = length * 8;
  const view = new DataView(block.buffer);
  view.setUint32(120, Math.floor(bits / 0x100000000));
  view.setUint32(124, bits >>> 0);
  compress512(h, w, block, 0);
  const out = new Uint8Array(48);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 12; i++) outView.setInt32(i * 4, h[i]);
  return out;
}

/**
 * SHA-384 as a {@linkcode HashFunction}.
 *
 * @example
 * ```ts
 * import { SHA384 } from "./tls13_hash.ts";
 * SHA384.digest([]).length; // 48
 * ```
 */
export const SHA384: HashFunction = {
  name: "SHA-384",
  blockBytes: 128,
  outputBytes: 48,
  digest: sha384,
};

/**
 * HMAC (RFC 2104) of `message` under `key`.
 *
 * @example
 * ```ts
 * import { hmac, SHA256 } from "./tls13_hash.ts";
 * hmac(SHA256, new Uint8Array(32), new Uint8Array(0)).length; // 32
 * ```
 */
export function hmac(
  hash: HashFunction,
  key: Uint8Array,
  message: Uint8Array,
): Uint8Array {
  const block = new Uint8Array(hash.blockBytes);
  block.set(key.length > hash.blockBytes ? hash.digest([key]) : key);
  const inner = block.map((b) => b ^ 0x36);
  const outer = block.map((b) => b ^ 0x5c);
  return hash.digest([outer, hash.digest([inner, message])]);
}

/**
 * HKDF-Extract (RFC 5869 §2.2): the pseudorandom key from `salt` and
 * input keying material `ikm`.
 *
 * @example
 * ```ts
 * import { hkdfExtract, SHA256 } from "./tls13_hash.ts";
 * hkdfExtract(SHA256, new Uint8Array(0), new Uint8Array(32)).length; // 32
 * ```
 */
export function hkdfExtract(
  hash: HashFunction,
  salt: Uint8Array,
  ikm: Uint8Array,
): Uint8Array {
  return hmac(
    hash,
    salt.length > 0 ? salt : new Uint8Array(hash.outputBytes),
    ikm,
  );
}

/**
 * HKDF-Expand (RFC 5869 §2.3): `length` bytes of output keying material.
 *
 * @example
 * ```ts
 * import { hkdfExpand, SHA256 } from "./tls13_hash.ts";
 * hkdfExpand(SHA256, new Uint8Array(32), new Uint8Array(0), 42).length; // 42
 * ```
 */
export function hkdfExpand(
  hash: HashFunction,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (length > 255 * hash.outputBytes) {
    throw new RangeError(
      `hkdfExpand: length ${length} exceeds 255 × ${hash.outputBytes}`,
    );
  }
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let filled = 0, counter = 1; filled < length; counter++) {
    const input = new Uint8Array(previous.length + info.length + 1);
    input.set(previous);
    input.set(info, previous.length);
    input[input.length - 1] = counter;
    previous = hmac(hash, prk, input);
    out.set(previous.subarray(0, length - filled), filled);
    filled += previous.length;
  }
  return out;
}

/**
 * HKDF-Expand-Label (RFC 8446 §7.1): HKDF-Expand with the `HkdfLabel`
 * structure, label prefixed with `tls13 `.
 *
 * @example
 * ```ts
 * import { hkdfExpandLabel, SHA256 } from "./tls13_hash.ts";
 * hkdfExpandLabel(SHA256, new Uint8Array(32), "key", new Uint8Array(0), 16).length; // 16
 * ```
 */
export function hkdfExpandLabel(
  hash: HashFunction,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const full = `tls13 ${label}`;
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  for (let i = 0; i < full.length; i++) info[3 + i] = full.charCodeAt(i);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}

/**
 * Derive-Secret (RFC 8446 §7.1): HKDF-Expand-Label of the transcript hash.
 *
 * @example
 * ```ts
 * import { deriveSecret, SHA256 } from "./tls13_hash.ts";
 * deriveSecret(SHA256, new Uint8Array(32), "derived", []).length; // 32
 * ```
 */
export function deriveSecret(
  hash: HashFunction,
  secret: Uint8Array,
  label: string,
  transcript: readonly Uint8Array[],
): Uint8Array {
  return hkdfExpandLabel(
    hash,
    secret,
    label,
    hash.digest(transcript),
    hash.outputBytes,
  );
}
