/**
 * X25519 Diffie-Hellman (RFC 7748), synchronous, in plain TypeScript, for
 * the TLS 1.3 key share. Field elements of GF(2^255 - 19) are 16 limbs of
 * 16 bits in a `Float64Array`: limb products stay below 2^53, so double
 * arithmetic is exact, and carries are propagated after each product. The
 * Montgomery ladder runs the same operations whatever the scalar bits
 * (conditional swaps by masking), as RFC 7748 §5 describes.
 *
 * @module
 */

type Field = Float64Array;

const field = (): Field => new Float64Array(16);
/** 121665 = (A + 2) / 4 for Curve25519's A = 486662 (RFC 7748 §5's a24 uses this with the ladder below). */
const A24 = Float64Array.from([
  0xdb41,
  1,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
]);

/** Brings every limb back into [0, 2^16), folding the top carry as ×38. */
function carry(o: Field): void {
  for (let i = 0; i < 16; i++) {
    o[i] += 65536;
    const c = Math.floor(o[i] / 65536);
    if (i < 15) o[i + 1] += c - 1;
    else o[0] += 38 * (c - 1);
    o[i] -= c * 65536;
  }
}

/** Swaps p and q when bit is 1, without a branch on bit. */
function swap(p: Field, q: Field, bit: number): void {
  const mask = ~(bit - 1);
  for (let i = 0; i < 16; i++) {
    const t = mask & (p[i] ^ q[i]);
    p[i] ^= t;
    q[i] ^= t;
  }
}

function add(o: Field, a: Field, b: Field): void {
  for (let i = 0; i < 16; i++) o[i] = a[i] + b[i];
}

function sub(o: Field, a: Field, b: Field): void {
  for (let i = 0; i < 16; i++) o[i] = a[i] - b[i];
}

const product = new Float64Array(31);

function mul(o: Field, a: Field, b: Field): void {
  const t = product.fill(0);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) t[i + j] += a[i] * b[j];
  }
  // 2^256 ≡ 38 (mod p): fold the upper limbs down.
  for (let i = 0; i < 15; i++) t[i] += 38 * t[i + 16];
  for (let i = 0; i < 16; i++) o[i] = t[i];
  carry(o);
  carry(o);
}

function invert(o: Field, a: Field): void {
  // a^(p-2) by square-and-multiply over p - 2 = 2^255 - 21.
  const c = Float64Array.from(a);
  for (let bit = 253; bit >= 0; bit--) {
    mul(c, c, c);
    if (bit !== 2 && bit !== 4) mul(c, c, a);
  }
  o.set(c);
}

function unpack(o: Field, bytes: Uint8Array): void {
  for (let i = 0; i < 16; i++) o[i] = bytes[2 * i] + (bytes[2 * i + 1] << 8);
  o[15] &= 0x7fff;
}

function pack(out: Uint8Array, a: Field): void {
  const t = Float64Array.from(a);
  const m = field();
  carry(t);
  carry(t);
  carry(t);
  // Subtract p twice, keeping the result when it did not go negative.
  for (let round = 0; round < 2; round++) {
    m[0] = t[0] - 0xffed;
    for (let i = 1; i < 15; i++) {
      m[i] = t[i] - 0xffff - ((m[i - 1] >> 16) & 1);
      m[i - 1] = m[i - 1] & 0xffff;
    }
    m[15] = t[15] - 0x7fff - ((m[14] >> 16) & 1);
    const borrow = (m[15] >> 16) & 1;
    m[14] &= 0xffff;
    swap(t, m, 1 - borrow);
  }
  for (let i = 0; i < 16; i++) {
    out[2 * i] = t[i] & 0xff;
    out[2 * i + 1] = t[i] >> 8;
  }
}

/**
 * X25519(scalar, u): the u-coordinate of `scalar` times the point `u`
 * (RFC 7748 §5; the scalar is clamped, the top bit of u masked).
 *
 * @example
 * ```ts
 * import { x25519, X25519_BASE_POINT } from "./x25519.ts";
 * const secret = crypto.getRandomValues(new Uint8Array(32));
 * const publicKey = x25519(secret, X25519_BASE_POINT);
 * publicKey.length; // 32
 * ```
 */
export function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  if (scalar.length !== 32 || u.length !== 32) {
    throw new RangeError(
      `x25519: scalar and u must be 32 bytes (got ${scalar.length} and ${u.length})`,
    );
  }
  const k = scalar.slice();
  k[0] &= 248;
  k[31] = (k[31] & 127) | 64;
  const x = field();
  unpack(x, u);
  const a = field(), b = field(), c = field(), d = field();
  const e = field(), f = field();
  b.set(x);
  a[0] = 1;
  d[0] = 1;
  for (let i = 254; i >= 0; i--) {
    const bit = (k[i >>> 3] >>> (i & 7)) & 1;
    swap(a, b, bit);
    swap(c, d, bit);
    add(e, a, c);
    sub(a, a, c);
    add(c, b, d);
    sub(b, b, d);
    mul(d, e, e);
    mul(f, a, a);
    mul(a, c, a);
    mul(c, b, e);
    add(e, a, c);
    sub(a, a, c);
    mul(b, a, a);
    sub(c, d, f);
    mul(a, c, A24);
    add(a, a, d);
    mul(c, c, a);
    mul(a, d, f);
    mul(d, b, x);
    mul(b, e, e);
    swap(a, b, bit);
    swap(c, d, bit);
  }
  invert(c, c);
  mul(a, a, c);
  const out = new Uint8Array(32);
  pack(out, a);
  return out;
}

/**
 * The base point u = 9.
 *
 * @example
 * ```ts
 * import { X25519_BASE_POINT } from "./x25519.ts";
 * X25519_BASE_POINT[0]; // 9
 * ```
 */
export const X25519_BASE_POINT: Uint8Array = Uint8Array.of(
  9,
  ...new Array(31).fill(0),
);

/**
 * A fresh key pair: a random private scalar and its public u-coordinate.
 *
 * @example
 * ```ts
 * import { x25519KeyPair } from "./x25519.ts";
 * const { privateKey, publicKey } = x25519KeyPair();
 * ```
 */
export function x25519KeyPair(
  privateKey: Uint8Array = crypto.getRandomValues(new Uint8Array(32)),
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  return { privateKey, publicKey: x25519(privateKey, X25519_BASE_POINT) };
}
