// The ones'-complement sum at the heart of the internet checksum (RFC 1071).
//
// Why the fast path looks the way it does: the ones'-complement sum is
// independent of byte order (RFC 1071 §2(B)), so we may add whole 32-bit
// words in the host's native order through a Uint32Array view and swap the
// folded 16-bit result once at the end. Since 0xffff divides 0xffffffff, a
// plain sum of 32-bit words reduced modulo 0xffff is the same 16-bit
// ones'-complement sum. Accumulators are float64 numbers, exact up to 2^53,
// so we fold only between chunks of 2^20 words.

/** True when the host stores multi-byte integers little-endian. */
const HOST_LITTLE_ENDIAN: boolean =
  new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Below this many bytes a plain byte loop beats setting up a word view. */
const WORD_PATH_MIN_BYTES = 128;

/** Words summed between folds; keeps each float64 accumulator below 2^53. */
const WORDS_PER_CHUNK = 1 << 20;

/**
 * Fold a non-negative integer sum (below 2^53) of 16-bit words into a 16-bit
 * ones'-complement sum: the result is in 1..0xffff, or 0 only when the input
 * is 0.
 *
 * @example
 * ```ts
 * import { foldSum } from "./mod.ts";
 * foldSum(0x2_ddf0); // 0xddf2
 * ```
 */
export function foldSum(sum: number): number {
  if (sum <= 0xffff) return sum;
  const residue = sum % 0xffff;
  return residue === 0 ? 0xffff : residue;
}

function swap16(value: number): number {
  return ((value & 0xff) << 8) | (value >>> 8);
}

/**
 * The 16-bit ones'-complement sum of `bytes[start, end)` read as big-endian
 * 16-bit words (an odd final byte is padded with a zero byte), plus `initial`.
 *
 * This is the un-complemented partial sum: feed it back as `initial` to chain
 * regions, or complement it (`~sum & 0xffff`) to get a checksum. `initial` may
 * be any non-negative integer below 2^53, folded or not (for example another
 * partial sum, a pseudo-header sum, or a raw sum of 16-bit words).
 *
 * When chaining, every region except the last must have even length, because
 * a region's first byte is always taken as the high byte of a word.
 *
 * @example
 * ```ts
 * import { onesComplementSum } from "./mod.ts";
 * const bytes = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
 * onesComplementSum(bytes); // 0xddf2 (the RFC 1071 example)
 * onesComplementSum(bytes, 4, 8, onesComplementSum(bytes, 0, 4)); // 0xddf2
 * ```
 */
export function onesComplementSum(
  bytes: Uint8Array,
  start: number = 0,
  end: number = bytes.length,
  initial: number = 0,
): number {
  if (start < 0 || end > bytes.length || start > end) {
    throw new RangeError(
      `checksum region [${start}, ${end}) is outside the ${bytes.length}-byte buffer`,
    );
  }
  if (end - start < WORD_PATH_MIN_BYTES) {
    let sum = initial;
    const lastPairStart = end - 1;
    let i = start;
    for (; i < lastPairStart; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
    if (i < end) sum += bytes[i] << 8;
    return foldSum(sum);
  }
  return foldSum(initial + sumByWords(bytes, start, end));
}

/**
 * The ones'-complement sum of a long region through a native-order Uint32Array
 * view over the aligned middle; the unaligned head and tail are added byte by
 * byte at their native positions. Returns a folded big-endian-word sum.
 */
function sumByWords(bytes: Uint8Array, start: number, end: number): number {
  const base = bytes.byteOffset;
  // In native order a byte at an odd address is the high byte of its 16-bit
  // half-word on little-endian hosts, the low byte on big-endian ones.
  const oddShift = HOST_LITTLE_ENDIAN ? 8 : 0;
  const evenShift = 8 - oddShift;
  let nativeSum = 0;
  let i = start;
  while (((base + i) & 3) !== 0) {
    nativeSum += bytes[i] << (((base + i) & 1) === 1 ? oddShift : evenShift);
    i++;
  }
  const wordCount = (end - i) >>> 2;
  const words = new Uint32Array(bytes.buffer, base + i, wordCount);
  const unrolledEnd = wordCount & ~7;
  let w = 0;
  while (w < unrolledEnd) {
    const chunkEnd = Math.min(unrolledEnd, w + WORDS_PER_CHUNK);
    // Four accumulators fed two words each keep the adds independent.
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (; w < chunkEnd; w += 8) {
      s0 += words[w] + words[w + 4];
      s1 += words[w + 1] + words[w + 5];
      s2 += words[w + 2] + words[w + 6];
      s3 += words[w + 3] + words[w + 7];
    }
    nativeSum = foldSum(nativeSum + s0 + s1 + s2 + s3);
  }
  for (; w < wordCount; w++) nativeSum += words[w];
  i += wordCount << 2;
  for (; i < end; i++) {
    nativeSum += bytes[i] << (((base + i) & 1) === 1 ? oddShift : evenShift);
  }
  const folded = foldSum(nativeSum);
  // The native sum pairs bytes by address parity. The checksum pairs them by
  // parity relative to `start`: the high byte is the one at an even offset
  // from `start`. Swap when the two disagree.
  const startAddressOdd = ((base + start) & 1) === 1;
  const highByteAtOddAddress = HOST_LITTLE_ENDIAN;
  return startAddressOdd === highByteAtOddAddress ? folded : swap16(folded);
}

/**
 * The RFC 1071 internet checksum of `bytes[start, end)`: the 16-bit value to
 * store in a header's checksum field, so that the region including its stored
 * checksum sums to 0xffff and `internetChecksum` over it returns 0.
 *
 * `initial` is a partial sum to chain from, as returned by
 * {@linkcode onesComplementSum} or a pseudo-header helper: any non-negative
 * integer below 2^53, folded or unfolded. Chained regions must all have even
 * length except the last.
 *
 * @example
 * ```ts
 * import { internetChecksum, pseudoHeaderSum4 } from "./mod.ts";
 * const bytes = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
 * internetChecksum(bytes); // 0x220d
 *
 * // A UDP checksum: pseudo-header sum chained into the datagram's sum.
 * const udp = new Uint8Array(8);
 * const initial = pseudoHeaderSum4(0xc6120001, 0xc6120002, 17, udp.length);
 * internetChecksum(udp, 0, udp.length, initial);
 * ```
 */
export function internetChecksum(
  bytes: Uint8Array,
  start: number = 0,
  end: number = bytes.length,
  initial: number = 0,
): number {
  return ~onesComplementSum(bytes, start, end, initial) & 0xffff;
}
