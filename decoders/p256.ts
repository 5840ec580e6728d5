/**
 * ECDH on NIST P-256 (secp256r1) for the TLS 1.3 key share, synchronous,
 * with BigInt field arithmetic and Jacobian coordinates (a = -3 doubling,
 * mixed affine addition). Many servers take only P-256 (PostgreSQL's and
 * vsftpd's default `ssl_ecdh_curve`), so offering this share next to
 * X25519 spares a HelloRetryRequest.
 *
 * Not constant-time: the scalar is a scanner's throw-away ephemeral key.
 *
 * @module
 */

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

const mod = (a: bigint): bigint => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  base = mod(base);
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % P;
    base = (base * base) % P;
    exponent >>= 1n;
  }
  return result;
}

/** A Jacobian point (X/Z², Y/Z³); Z = 0 is the point at infinity. */
interface Jacobian {
  x: bigint;
  y: bigint;
  z: bigint;
}

function double(p: Jacobian): Jacobian {
  if (p.z === 0n || p.y === 0n) return { x: 0n, y: 1n, z: 0n };
  const delta = mod(p.z * p.z);
  const gamma = mod(p.y * p.y);
  const beta = mod(p.x * gamma);
  const alpha = mod(3n * (p.x - delta) * (p.x + delta));
  const x = mod(alpha * alpha - 8n * beta);
  const z = mod((p.y + p.z) ** 2n - gamma - delta);
  const y = mod(alpha * (4n * beta - x) - 8n * gamma * gamma);
  return { x, y, z };
}

/** p + (qx, qy), q affine. */
function addAffine(p: Jacobian, qx: bigint, qy: bigint): Jacobian {
  if (p.z === 0n) return { x: qx, y: qy, z: 1n };
  const z1z1 = mod(p.z * p.z);
  const u2 = mod(qx * z1z1);
  const s2 = mod(qy * p.z * z1z1);
  const h = mod(u2 - p.x);
  const r = mod(2n * (s2 - p.y));
  if (h === 0n) return r === 0n ? double(p) : { x: 0n, y: 1n, z: 0n };
  const hh = mod(h * h);
  const i = 4n * hh;
  const j = mod(h * i);
  const v = mod(p.x * i);
  const x = mod(r * r - j - 2n * v);
  const y = mod(r * (v - x) - 2n * p.y * j);
  const z = mod((p.z + h) ** 2n - z1z1 - hh);
  return { x, y, z };
}

function multiply(k: bigint, qx: bigint, qy: bigint): [bigint, bigint] | null {
  let r: Jacobian = { x: 0n, y: 1n, z: 0n };
  for (let bit = 255; bit >= 0; bit--) {
    r = double(r);
    if ((k >> BigInt(bit)) & 1n) r = addAffine(r, qx, qy);
  }
  if (r.z === 0n) return null;
  const zInverse = power(r.z, P - 2n);
  const zz = mod(zInverse * zInverse);
  return [mod(r.x * zz), mod(r.y * zz * zInverse)];
}

const toBig = (bytes: Uint8Array): bigint => {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
};

function toBytes(n: bigint, out: Uint8Array, at: number): void {
  for (let i = 31; i >= 0; i--) {
    out[at + i] = Number(n & 0xffn);
    n >>= 8n;
  }
}

/**
 * A P-256 key pair: a random scalar in [1, n) and the uncompressed public
 * point `04 ‖ x ‖ y` (65 bytes).
 *
 * @example
 * ```ts
 * import { p256KeyPair } from "./p256.ts";
 * p256KeyPair().publicKey.length; // 65
 * ```
 */
export function p256KeyPair(
  privateKey?: Uint8Array,
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  let scalar: Uint8Array;
  let k: bigint;
  do {
    scalar = privateKey ?? crypto.getRandomValues(new Uint8Array(32));
    k = toBig(scalar);
  } while (!privateKey && (k === 0n || k >= N));
  if (k === 0n || k >= N) {
    throw new RangeError("p256KeyPair: the private key must be in [1, n)");
  }
  const [x, y] = multiply(k, GX, GY)!;
  const publicKey = new Uint8Array(65);
  publicKey[0] = 4;
  toBytes(x, publicKey, 1);
  toBytes(y, publicKey, 33);
  return { privateKey: scalar, publicKey };
}

/**
 * The ECDH shared secret (the x-coordinate of `privateKey · peer`, 32
 * bytes), or `null` when `peer` is not an uncompressed point on P-256.
 *
 * @example
 * ```ts
 * import { p256KeyPair, p256SharedSecret } from "./p256.ts";
 * const a = p256KeyPair(), b = p256KeyPair();
 * p256SharedSecret(a.privateKey, b.publicKey)?.length; // 32
 * ```
 */
export function p256SharedSecret(
  privateKey: Uint8Array,
  peer: Uint8Array,
): Uint8Array | null {
  if (peer.length !== 65 || peer[0] !== 4) return null;
  const x = toBig(peer.subarray(1, 33));
  const y = toBig(peer.subarray(33));
  if (x >= P || y >= P) return null;
  // y² = x³ - 3x + b: refuse points off the curve (invalid-curve attacks).
  if (mod(y * y) !== mod(x * x * x - 3n * x + B)) return null;
  const point = multiply(toBig(privateKey) % N, x, y);
  if (!point) return null;
  const out = new Uint8Array(32);
  toBytes(point[0], out, 0);
  return out;
}
