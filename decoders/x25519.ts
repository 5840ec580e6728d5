/**
 * X25519 Diffie-Hellman (RFC 7748), synchronous, in plain TypeScript, for
 * the TLS 1.3 key share: the Montgomery ladder of RFC 7748 §5 on BigInt
 * field elements modulo 2^255 - 19. V8's BigInt multiplies 255-bit
 * numbers fast enough that this beat this file's earlier 16-limb float
 * version (scripts/bench_tls13.ts, BENCHMARKS.md).
 *
 * Not constant-time (BigInt arithmetic and the swap branch leak timing):
 * the keys are a scanner's throw-away handshake keys.
 *
 * @module
 */

const P = (1n << 255n) - 19n;
/** (A - 2) / 4 for Curve25519's A = 486662, as RFC 7748 §5 writes the ladder. */
const A24 = 121665n;

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % P;
    base = (base * base) % P;
    exponent >>= 1n;
  }
  return result;
}

/** Little-endian bytes to a number. */
function decode(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
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
  const clamped = scalar.slice();
  clamped[0] &= 248;
  clamped[31] = (clamped[31] & 127) | 64;
  const k = decode(clamped);
  const masked = u.slice();
  masked[31] &= 127;
  const x1 = decode(masked) % P;
  let x2 = 1n, z2 = 0n, x3 = x1, z3 = 1n;
  let swap = 0n;
  for (let t = 254n; t >= 0n; t--) {
    const bit = (k >> t) & 1n;
    if (swap ^ bit) [x2, x3, z2, z3] = [x3, x2, z3, z2];
    swap = bit;
    const a = x2 + z2, b = x2 - z2 + P;
    const aa = (a * a) % P, bb = (b * b) % P, e = aa - bb + P;
    const c = x3 + z3, d = x3 - z3 + P;
    const da = (d * a) % P, cb = (c * b) % P;
    const sum = da + cb, difference = da - cb + P;
    x3 = (sum * sum) % P;
    z3 = (x1 * ((difference * difference) % P)) % P;
    x2 = (aa * bb) % P;
    z2 = (e * ((aa + A24 * e) % P)) % P;
  }
  if (swap) [x2, z2] = [x3, z3];
  let result = (x2 * power(z2, P - 2n)) % P;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(result & 0xffn);
    result >>= 8n;
  }
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
