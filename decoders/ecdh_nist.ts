/**
 * ECDH on NIST P-256 (secp256r1) and P-384 (secp384r1) for the TLS 1.3 key
 * share, synchronous, with BigInt field arithmetic and Jacobian
 * coordinates (a = -3 doubling, mixed affine addition). Many servers take
 * only P-256 (PostgreSQL's and vsftpd's default `ssl_ecdh_curve`), so that
 * share goes next to X25519 in the first ClientHello; P-384 is computed
 * only when a server asks for it in a HelloRetryRequest.
 *
 * Not constant-time: the scalar is a scanner's throw-away ephemeral key.
 *
 * @module
 */

/** A short-Weierstrass curve y² = x³ - 3x + b over GF(p) with base point G of order n. */
interface Curve {
  p: bigint;
  n: bigint;
  b: bigint;
  gx: bigint;
  gy: bigint;
  /** Bytes of a field element. */
  bytes: number;
}

const P256: Curve = {
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  bytes: 32,
};

const P384: Curve = {
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
  n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  gx:
    0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
  gy:
    0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  bytes: 48,
};

/** a mod p in [0, p). */
const mod = (a: bigint, P: bigint): bigint => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

function power(base: bigint, exponent: bigint, P: bigint): bigint {
  let result = 1n;
  base = mod(base, P);
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

function double(p: Jacobian, P: bigint): Jacobian {
  if (p.z === 0n || p.y === 0n) return { x: 0n, y: 1n, z: 0n };
  const delta = mod(p.z * p.z, P);
  const gamma = mod(p.y * p.y, P);
  const beta = mod(p.x * gamma, P);
  const alpha = mod(3n * (p.x - delta) * (p.x + delta), P);
  const x = mod(alpha * alpha - 8n * beta, P);
  const z = mod((p.y + p.z) ** 2n - gamma - delta, P);
  const y = mod(alpha * (4n * beta - x) - 8n * gamma * gamma, P);
  return { x, y, z };
}

/** p + (qx, qy), q affine. */
function addAffine(p: Jacobian, qx: bigint, qy: bigint, P: bigint): Jacobian {
  if (p.z === 0n) return { x: qx, y: qy, z: 1n };
  const z1z1 = mod(p.z * p.z, P);
  const u2 = mod(qx * z1z1, P);
  const s2 = mod(qy * p.z * z1z1, P);
  const h = mod(u2 - p.x, P);
  const r = mod(2n * (s2 - p.y), P);
  if (h === 0n) return r === 0n ? double(p, P) : { x: 0n, y: 1n, z: 0n };
  const hh = mod(h * h, P);
  const i = 4n * hh;
  const j = mod(h * i, P);
  const v = mod(p.x * i, P);
  const x = mod(r * r - j - 2n * v, P);
  const y = mod(r * (v - x) - 2n * p.y * j, P);
  const z = mod((p.z + h) ** 2n - z1z1 - hh, P);
  return { x, y, z };
}

function multiply(
  k: bigint,
  qx: bigint,
  qy: bigint,
  curve: Curve,
): [bigint, bigint] | null {
  const P = curve.p;
  const bits = curve.bytes * 8;
  let r: Jacobian = { x: 0n, y: 1n, z: 0n };
  for (let bit = bits - 1; bit >= 0; bit--) {
    r = double(r, P);
    if ((k >> BigInt(bit)) & 1n) r = addAffine(r, qx, qy, P);
  }
  if (r.z === 0n) return null;
  const zInverse = power(r.z, P - 2n, P);
  const zz = mod(zInverse * zInverse, P);
  return [mod(r.x * zz, P), mod(r.y * zz * zInverse, P)];
}

const toBig = (bytes: Uint8Array): bigint => {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
};

function toBytes(n: bigint, out: Uint8Array, at: number, length: number): void {
  for (let i = length - 1; i >= 0; i--) {
    out[at + i] = Number(n & 0xffn);
    n >>= 8n;
  }
}

function keyPair(
  curve: Curve,
  privateKey: Uint8Array | undefined,
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  let scalar: Uint8Array;
  let k: bigint;
  do {
    scalar = privateKey ?? crypto.getRandomValues(new Uint8Array(curve.bytes));
    k = toBig(scalar);
  } while (!privateKey && (k === 0n || k >= curve.n));
  if (k === 0n || k >= curve.n) {
    throw new RangeError("ECDH key pair: the private key must be in [1, n)");
  }
  const [x, y] = multiply(k, curve.gx, curve.gy, curve)!;
  const publicKey = new Uint8Array(1 + 2 * curve.bytes);
  publicKey[0] = 4;
  toBytes(x, publicKey, 1, curve.bytes);
  toBytes(y, publicKey, 1 + curve.bytes, curve.bytes);
  return { privateKey: scalar, publicKey };
}

function sharedSecret(
  curve: Curve,
  privateKey: Uint8Array,
  peer: Uint8Array,
): Uint8Array | null {
  const P = curve.p;
  const size = curve.bytes;
  if (peer.length !== 1 + 2 * size || peer[0] !== 4) return null;
  const x = toBig(peer.subarray(1, 1 + size));
  const y = toBig(peer.subarray(1 + size));
  if (x >= P || y >= P) return null;
  // y² = x³ - 3x + b: refuse points off the curve (invalid-curve attacks).
  if (mod(y * y, P) !== mod(x * x * x - 3n * x + curve.b, P)) return null;
  const point = multiply(toBig(privateKey) % curve.n, x, y, curve);
  if (!point) return null;
  const out = new Uint8Array(size);
  toBytes(point[0], out, 0, size);
  return out;
}

/**
 * A P-256 key pair: a random scalar in [1, n) and the uncompressed public
 * point `04 ‖ x ‖ y` (65 bytes).
 *
 * @example
 * ```ts
 * import { p256KeyPair } from "./ecdh_nist.ts";
 * p256KeyPair().publicKey.length; // 65
 * ```
 */
export function p256KeyPair(
  privateKey?: Uint8Array,
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  return keyPair(P256, privateKey);
}

/**
 * The P-256 ECDH shared secret (the x-coordinate of `privateKey · peer`,
 * 32 bytes), or `null` when `peer` is not an uncompressed point on P-256.
 *
 * @example
 * ```ts
 * import { p256KeyPair, p256SharedSecret } from "./ecdh_nist.ts";
 * const a = p256KeyPair(), b = p256KeyPair();
 * p256SharedSecret(a.privateKey, b.publicKey)?.length; // 32
 * ```
 */
export function p256SharedSecret(
  privateKey: Uint8Array,
  peer: Uint8Array,
): Uint8Array | null {
  return sharedSecret(P256, privateKey, peer);
}

/**
 * A P-384 key pair (97-byte uncompressed public point).
 *
 * @example
 * ```ts
 * import { p384KeyPair } from "./ecdh_nist.ts";
 * p384KeyPair().publicKey.length; // 97
 * ```
 */
export function p384KeyPair(
  privateKey?: Uint8Array,
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  return keyPair(P384, privateKey);
}

/**
 * The P-384 ECDH shared secret (48 bytes), or `null` for a bad point.
 *
 * @example
 * ```ts
 * import { p384KeyPair, p384SharedSecret } from "./ecdh_nist.ts";
 * const a = p384KeyPair(), b = p384KeyPair();
 * p384SharedSecret(a.privateKey, b.publicKey)?.length; // 48
 * ```
 */
export function p384SharedSecret(
  privateKey: Uint8Array,
  peer: Uint8Array,
): Uint8Array | null {
  return sharedSecret(P384, privateKey, peer);
}
