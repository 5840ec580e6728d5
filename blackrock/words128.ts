/**
 * Unsigned 128-bit values without bigints: four 32-bit words, most
 * significant first, packed four to a value in a `Uint32Array` (value `i`
 * at words `4i..4i+3`). The arithmetic the IPv6 range lists need: compare,
 * increment, difference as a number, add a number, and an LSD radix sort.
 *
 * @module
 */

const WORD = 4294967296;
/** 2^53 / 2^32: the high word of the largest exact count. */
const MAX_COUNT_HIGH = 2 ** 21;

/** Whether value `a[ao..]` is less than value `b[bo..]`. */
export function lessAt(
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
): boolean {
  for (let w = 0; w < 4; w++) {
    if (a[ao + w] !== b[bo + w]) return a[ao + w] < b[bo + w];
  }
  return false;
}

/** Whether value `a[ao..]` equals value `b[bo..]`. */
export function equalAt(
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
): boolean {
  return a[ao] === b[bo] && a[ao + 1] === b[bo + 1] &&
    a[ao + 2] === b[bo + 2] && a[ao + 3] === b[bo + 3];
}

/** Adds one in place; returns true when the value wrapped (was 2^128−1). */
export function incrementAt(a: Uint32Array, ao: number): boolean {
  for (let w = 3; w >= 0; w--) {
    a[ao + w] = a[ao + w] + 1;
    if (a[ao + w] !== 0) return false;
  }
  return true;
}

/** Subtracts one in place (the value must not be 0). */
export function decrementAt(a: Uint32Array, ao: number): void {
  for (let w = 3; w >= 0; w--) {
    const was = a[ao + w];
    a[ao + w] = was - 1;
    if (was !== 0) return;
  }
}

/**
 * `a − b` (with a ≥ b) as a number when it is at most 2^53, else Infinity:
 * a count of addresses must be an exact double.
 */
export function differenceAt(
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
): number {
  const d3 = a[ao + 3] - b[bo + 3];
  const d2 = a[ao + 2] - b[bo + 2] - (d3 < 0 ? 1 : 0);
  const d1 = a[ao + 1] - b[bo + 1] - (d2 < 0 ? 1 : 0);
  const d0 = a[ao] - b[bo] - (d1 < 0 ? 1 : 0);
  const low = d3 < 0 ? d3 + WORD : d3, high = d2 < 0 ? d2 + WORD : d2;
  if (d0 !== 0 || (d1 !== 0 && d1 !== -WORD)) return Infinity;
  if (high > MAX_COUNT_HIGH || (high === MAX_COUNT_HIGH && low > 0)) {
    return Infinity;
  }
  return high * WORD + low;
}

/** `out[oo..] = base[bo..] + delta` (0 ≤ delta < 2^53), modulo 2^128. */
export function addNumberAt(
  base: Uint32Array,
  bo: number,
  delta: number,
  out: Uint32Array,
  oo: number,
): void {
  const high = Math.floor(delta / WORD);
  let sum = base[bo + 3] + (delta - high * WORD);
  let carry = sum >= WORD ? 1 : 0;
  out[oo + 3] = sum;
  sum = base[bo + 2] + high + carry;
  carry = sum >= WORD ? 1 : 0;
  out[oo + 2] = sum;
  sum = base[bo + 1] + carry;
  carry = sum >= WORD ? 1 : 0;
  out[oo + 1] = sum;
  out[oo] = base[bo] + carry;
}

/** Value `a[ao..]` as a bigint (for results and messages, not hot paths). */
export function wordsToBigint(a: Uint32Array, ao: number): bigint {
  return (BigInt(a[ao]) << 96n) | (BigInt(a[ao + 1]) << 64n) |
    (BigInt(a[ao + 2]) << 32n) | BigInt(a[ao + 3]);
}

/** Writes `value` (0 ≤ value < 2^128) to `out[oo..]`. */
export function bigintToWords(
  value: bigint,
  out: Uint32Array,
  oo: number,
): void {
  for (let w = 3; w >= 0; w--) {
    out[oo + w] = Number(value & 0xffffffffn);
    value >>= 32n;
  }
}

/** 16 network-order bytes at `bytes[at..]` as words at `out[oo..]`. */
export function bytesToWords(
  bytes: Uint8Array,
  at: number,
  out: Uint32Array,
  oo: number,
): void {
  for (let w = 0; w < 4; w++) {
    const i = at + 4 * w;
    out[oo + w] = ((bytes[i] << 24) | (bytes[i + 1] << 16) |
      (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
  }
}

function insertionSort(keys: Uint32Array, n: number): void {
  const held = new Uint32Array(4);
  for (let i = 1; i < n; i++) {
    held.set(keys.subarray(4 * i, 4 * i + 4));
    let j = i - 1;
    while (j >= 0 && lessAt(held, 0, keys, 4 * j)) {
      keys.copyWithin(4 * (j + 1), 4 * j, 4 * j + 4);
      j--;
    }
    keys.set(held, 4 * (j + 1));
  }
}

/**
 * Sorts the first `n` values of `keys` ascending: LSD radix sort on bytes,
 * one counting pass for all 16 digits, and no pass for a digit every value
 * shares (the top bytes of addresses from one prefix). `scratch` holds at
 * least `4n` words.
 */
export function sortValues(
  keys: Uint32Array,
  n: number,
  scratch: Uint32Array = new Uint32Array(4 * n),
): void {
  if (n <= 32) return insertionSort(keys, n);
  const counts = new Uint32Array(16 * 256);
  for (let i = 0; i < 4 * n; i += 4) {
    for (let w = 0; w < 4; w++) {
      const v = keys[i + w], digit = 4 * (3 - w);
      counts[digit * 256 + (v & 255)]++;
      counts[(digit + 1) * 256 + ((v >>> 8) & 255)]++;
      counts[(digit + 2) * 256 + ((v >>> 16) & 255)]++;
      counts[(digit + 3) * 256 + (v >>> 24)]++;
    }
  }
  let from: Uint32Array = keys, to: Uint32Array = scratch;
  for (let digit = 0; digit < 16; digit++) {
    const w = 3 - (digit >> 2), shift = 8 * (digit & 3), base = digit * 256;
    if (counts[base + ((from[w] >>> shift) & 255)] === n) continue;
    let offset = 0;
    for (let b = 0; b < 256; b++) {
      const c = counts[base + b];
      counts[base + b] = offset;
      offset += c;
    }
    for (let i = 0; i < 4 * n; i += 4) {
      const o = 4 * counts[base + ((from[i + w] >>> shift) & 255)]++;
      to[o] = from[i];
      to[o + 1] = from[i + 1];
      to[o + 2] = from[i + 2];
      to[o + 3] = from[i + 3];
    }
    [from, to] = [to, from];
  }
  if (from !== keys) keys.set(from.subarray(0, 4 * n));
}
