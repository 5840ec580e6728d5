/**
 * SipHash-2-4 (Aumasson & Bernstein, 2012) on 32-bit halves.
 *
 * JavaScript has no unboxed 64-bit integers (BigInt allocates), so each lane
 * `v0..v3` is two int32 locals (`h` high, `l` low). All state lives in
 * locals of one function, which the JIT keeps in registers: module-level
 * variables or objects would box every intermediate value. The message is
 * passed as 64-bit words in a caller-owned `Int32Array` (high half first),
 * so a hash allocates nothing.
 *
 * The carry out of a 32-bit addition `lo = a + b` is computed with int32
 * operations only, as the top bit of `(a & b) | ((a | b) & ~lo)`: comparing
 * the halves as unsigned numbers (`lo >>> 0 < a >>> 0`) would move them to
 * doubles and made the whole hash 2.5× slower.
 *
 * @module
 */

import type { SipKey } from "./key.ts";

/** High 32 bits of the last tag computed by {@link sipHashWords}. */
export const lastTagHigh: Int32Array = new Int32Array(1);

/**
 * SipHash-2-4 of `count` 64-bit message words `words[2i]` (high) /
 * `words[2i + 1]` (low). The last word must already carry the message length
 * in its top byte, as the paper pads. Returns the low 32 bits of the tag
 * as a signed int32; the high 32 bits are left in {@link lastTagHigh}.
 * With `absorbOnly`, stops after absorbing the words (no length word
 * needed, no finalization) and writes the state v0h, v0l, ..., v3l there.
 */
export function sipHashWords(
  key: SipKey,
  words: Int32Array,
  count: number,
  absorbOnly: Int32Array | null = null,
): number {
  // Initialisation: k ^ "somepseudorandomlygeneratedbytes".
  let v0h = key.k0h ^ 0x736f6d65, v0l = key.k0l ^ 0x70736575;
  let v1h = key.k1h ^ 0x646f7261, v1l = key.k1l ^ 0x6e646f6d;
  let v2h = key.k0h ^ 0x6c796765, v2l = key.k0l ^ 0x6e657261;
  let v3h = key.k1h ^ 0x74656462, v3l = key.k1l ^ 0x79746573;
  let mh = 0, ml = 0, lo = 0, hi = 0, t = 0;
  // Word `count` is the finalization step: v2 ^= 0xff, then 4 rounds —
  // unless `absorbOnly` asks for the state after the words instead.
  const last = absorbOnly ? count - 1 : count;
  for (let w = 0; w <= last; w++) {
    let rounds = 2;
    if (w < count) {
      mh = words[2 * w];
      ml = words[2 * w + 1];
      v3h ^= mh;
      v3l ^= ml;
    } else {
      v2l ^= 0xff;
      rounds = 4;
    }
    for (let r = 0; r < rounds; r++) {
      // v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32
      lo = (v0l + v1l) | 0;
      v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
      v0l = lo;
      hi = (v1h << 13) | (v1l >>> 19);
      lo = (v1l << 13) | (v1h >>> 19);
      v1h = hi ^ v0h;
      v1l = lo ^ v0l;
      t = v0h;
      v0h = v0l;
      v0l = t;
      // v2 += v3; v3 <<<= 16; v3 ^= v2
      lo = (v2l + v3l) | 0;
      v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
      v2l = lo;
      hi = (v3h << 16) | (v3l >>> 16);
      lo = (v3l << 16) | (v3h >>> 16);
      v3h = hi ^ v2h;
      v3l = lo ^ v2l;
      // v0 += v3; v3 <<<= 21; v3 ^= v0
      lo = (v0l + v3l) | 0;
      v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
      v0l = lo;
      hi = (v3h << 21) | (v3l >>> 11);
      lo = (v3l << 21) | (v3h >>> 11);
      v3h = hi ^ v0h;
      v3l = lo ^ v0l;
      // v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32
      lo = (v2l + v1l) | 0;
      v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
      v2l = lo;
      hi = (v1h << 17) | (v1l >>> 15);
      lo = (v1l << 17) | (v1h >>> 15);
      v1h = hi ^ v2h;
      v1l = lo ^ v2l;
      t = v2h;
      v2h = v2l;
      v2l = t;
    }
    if (w < count) {
      v0h ^= mh;
      v0l ^= ml;
    }
  }
  if (absorbOnly) {
    absorbOnly[0] = v0h, absorbOnly[1] = v0l, absorbOnly[2] = v1h;
    absorbOnly[3] = v1l, absorbOnly[4] = v2h, absorbOnly[5] = v2l;
    absorbOnly[6] = v3h, absorbOnly[7] = v3l;
    return 0;
  }
  lastTagHigh[0] = v0h ^ v1h ^ v2h ^ v3h;
  // Signed int32: V8 keeps it a small integer, where a uint32 ≥ 2^31 would
  // be boxed into a heap number on return.
  return v0l ^ v1l ^ v2l ^ v3l;
}

let scratch = new Int32Array(16);

/** Reads up to 4 bytes little-endian from `bytes[i..end)`, zero past `end`. */
function readLe32(bytes: Uint8Array, i: number, end: number): number {
  let w = 0;
  for (let k = 3; k >= 0; k--) {
    w = (w << 8) | (i + k < end ? bytes[i + k] : 0);
  }
  return w;
}

/**
 * SipHash-2-4 of a byte message, as the reference reads it: little-endian
 * 64-bit words, the last one padded with the length (mod 256) in its top
 * byte. Writes the tag as unsigned `[high32, low32]` into `out`. The word
 * scratch buffer grows to the longest message seen, then is reused.
 */
export function sipHashInto(
  key: SipKey,
  data: Uint8Array,
  out: Uint32Array,
): void {
  const n = data.length;
  const count = (n >>> 3) + 1;
  if (scratch.length < 2 * count) scratch = new Int32Array(4 * count);
  for (let w = 0; w < count; w++) {
    scratch[2 * w] = readLe32(data, 8 * w + 4, n);
    scratch[2 * w + 1] = readLe32(data, 8 * w, n);
  }
  scratch[2 * count - 2] |= (n & 0xff) << 24;
  out[1] = sipHashWords(key, scratch, count);
  out[0] = lastTagHigh[0];
}
