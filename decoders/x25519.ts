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

/**
 * o = a · b mod p, unrolled: the limbs live in locals (registers), not in
 * typed-array slots; 256 products, the fold of the upper half by 38, two
 * carry passes. Written out by a generator loop (one line per limb of a).
 */
function mul(o: Field, a: Field, b: Field): void {
  const b0 = b[0];
  const b1 = b[1];
  const b2 = b[2];
  const b3 = b[3];
  const b4 = b[4];
  const b5 = b[5];
  const b6 = b[6];
  const b7 = b[7];
  const b8 = b[8];
  const b9 = b[9];
  const b10 = b[10];
  const b11 = b[11];
  const b12 = b[12];
  const b13 = b[13];
  const b14 = b[14];
  const b15 = b[15];
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let t4 = 0;
  let t5 = 0;
  let t6 = 0;
  let t7 = 0;
  let t8 = 0;
  let t9 = 0;
  let t10 = 0;
  let t11 = 0;
  let t12 = 0;
  let t13 = 0;
  let t14 = 0;
  let t15 = 0;
  let t16 = 0;
  let t17 = 0;
  let t18 = 0;
  let t19 = 0;
  let t20 = 0;
  let t21 = 0;
  let t22 = 0;
  let t23 = 0;
  let t24 = 0;
  let t25 = 0;
  let t26 = 0;
  let t27 = 0;
  let t28 = 0;
  let t29 = 0;
  let t30 = 0;
  let v: number;
  v = a[0];
  t0 += v * b0;
  t1 += v * b1;
  t2 += v * b2;
  t3 += v * b3;
  t4 += v * b4;
  t5 += v * b5;
  t6 += v * b6;
  t7 += v * b7;
  t8 += v * b8;
  t9 += v * b9;
  t10 += v * b10;
  t11 += v * b11;
  t12 += v * b12;
  t13 += v * b13;
  t14 += v * b14;
  t15 += v * b15;
  v = a[1];
  t1 += v * b0;
  t2 += v * b1;
  t3 += v * b2;
  t4 += v * b3;
  t5 += v * b4;
  t6 += v * b5;
  t7 += v * b6;
  t8 += v * b7;
  t9 += v * b8;
  t10 += v * b9;
  t11 += v * b10;
  t12 += v * b11;
  t13 += v * b12;
  t14 += v * b13;
  t15 += v * b14;
  t16 += v * b15;
  v = a[2];
  t2 += v * b0;
  t3 += v * b1;
  t4 += v * b2;
  t5 += v * b3;
  t6 += v * b4;
  t7 += v * b5;
  t8 += v * b6;
  t9 += v * b7;
  t10 += v * b8;
  t11 += v * b9;
  t12 += v * b10;
  t13 += v * b11;
  t14 += v * b12;
  t15 += v * b13;
  t16 += v * b14;
  t17 += v * b15;
  v = a[3];
  t3 += v * b0;
  t4 += v * b1;
  t5 += v * b2;
  t6 += v * b3;
  t7 += v * b4;
  t8 += v * b5;
  t9 += v * b6;
  t10 += v * b7;
  t11 += v * b8;
  t12 += v * b9;
  t13 += v * b10;
  t14 += v * b11;
  t15 += v * b12;
  t16 += v * b13;
  t17 += v * b14;
  t18 += v * b15;
  v = a[4];
  t4 += v * b0;
  t5 += v * b1;
  t6 += v * b2;
  t7 += v * b3;
  t8 += v * b4;
  t9 += v * b5;
  t10 += v * b6;
  t11 += v * b7;
  t12 += v * b8;
  t13 += v * b9;
  t14 += v * b10;
  t15 += v * b11;
  t16 += v * b12;
  t17 += v * b13;
  t18 += v * b14;
  t19 += v * b15;
  v = a[5];
  t5 += v * b0;
  t6 += v * b1;
  t7 += v * b2;
  t8 += v * b3;
  t9 += v * b4;
  t10 += v * b5;
  t11 += v * b6;
  t12 += v * b7;
  t13 += v * b8;
  t14 += v * b9;
  t15 += v * b10;
  t16 += v * b11;
  t17 += v * b12;
  t18 += v * b13;
  t19 += v * b14;
  t20 += v * b15;
  v = a[6];
  t6 += v * b0;
  t7 += v * b1;
  t8 += v * b2;
  t9 += v * b3;
  t10 += v * b4;
  t11 += v * b5;
  t12 += v * b6;
  t13 += v * b7;
  t14 += v * b8;
  t15 += v * b9;
  t16 += v * b10;
  t17 += v * b11;
  t18 += v * b12;
  t19 += v * b13;
  t20 += v * b14;
  t21 += v * b15;
  v = a[7];
  t7 += v * b0;
  t8 += v * b1;
  t9 += v * b2;
  t10 += v * b3;
  t11 += v * b4;
  t12 += v * b5;
  t13 += v * b6;
  t14 += v * b7;
  t15 += v * b8;
  t16 += v * b9;
  t17 += v * b10;
  t18 += v * b11;
  t19 += v * b12;
  t20 += v * b13;
  t21 += v * b14;
  t22 += v * b15;
  v = a[8];
  t8 += v * b0;
  t9 += v * b1;
  t10 += v * b2;
  t11 += v * b3;
  t12 += v * b4;
  t13 += v * b5;
  t14 += v * b6;
  t15 += v * b7;
  t16 += v * b8;
  t17 += v * b9;
  t18 += v * b10;
  t19 += v * b11;
  t20 += v * b12;
  t21 += v * b13;
  t22 += v * b14;
  t23 += v * b15;
  v = a[9];
  t9 += v * b0;
  t10 += v * b1;
  t11 += v * b2;
  t12 += v * b3;
  t13 += v * b4;
  t14 += v * b5;
  t15 += v * b6;
  t16 += v * b7;
  t17 += v * b8;
  t18 += v * b9;
  t19 += v * b10;
  t20 += v * b11;
  t21 += v * b12;
  t22 += v * b13;
  t23 += v * b14;
  t24 += v * b15;
  v = a[10];
  t10 += v * b0;
  t11 += v * b1;
  t12 += v * b2;
  t13 += v * b3;
  t14 += v * b4;
  t15 += v * b5;
  t16 += v * b6;
  t17 += v * b7;
  t18 += v * b8;
  t19 += v * b9;
  t20 += v * b10;
  t21 += v * b11;
  t22 += v * b12;
  t23 += v * b13;
  t24 += v * b14;
  t25 += v * b15;
  v = a[11];
  t11 += v * b0;
  t12 += v * b1;
  t13 += v * b2;
  t14 += v * b3;
  t15 += v * b4;
  t16 += v * b5;
  t17 += v * b6;
  t18 += v * b7;
  t19 += v * b8;
  t20 += v * b9;
  t21 += v * b10;
  t22 += v * b11;
  t23 += v * b12;
  t24 += v * b13;
  t25 += v * b14;
  t26 += v * b15;
  v = a[12];
  t12 += v * b0;
  t13 += v * b1;
  t14 += v * b2;
  t15 += v * b3;
  t16 += v * b4;
  t17 += v * b5;
  t18 += v * b6;
  t19 += v * b7;
  t20 += v * b8;
  t21 += v * b9;
  t22 += v * b10;
  t23 += v * b11;
  t24 += v * b12;
  t25 += v * b13;
  t26 += v * b14;
  t27 += v * b15;
  v = a[13];
  t13 += v * b0;
  t14 += v * b1;
  t15 += v * b2;
  t16 += v * b3;
  t17 += v * b4;
  t18 += v * b5;
  t19 += v * b6;
  t20 += v * b7;
  t21 += v * b8;
  t22 += v * b9;
  t23 += v * b10;
  t24 += v * b11;
  t25 += v * b12;
  t26 += v * b13;
  t27 += v * b14;
  t28 += v * b15;
  v = a[14];
  t14 += v * b0;
  t15 += v * b1;
  t16 += v * b2;
  t17 += v * b3;
  t18 += v * b4;
  t19 += v * b5;
  t20 += v * b6;
  t21 += v * b7;
  t22 += v * b8;
  t23 += v * b9;
  t24 += v * b10;
  t25 += v * b11;
  t26 += v * b12;
  t27 += v * b13;
  t28 += v * b14;
  t29 += v * b15;
  v = a[15];
  t15 += v * b0;
  t16 += v * b1;
  t17 += v * b2;
  t18 += v * b3;
  t19 += v * b4;
  t20 += v * b5;
  t21 += v * b6;
  t22 += v * b7;
  t23 += v * b8;
  t24 += v * b9;
  t25 += v * b10;
  t26 += v * b11;
  t27 += v * b12;
  t28 += v * b13;
  t29 += v * b14;
  t30 += v * b15;
  t0 += 38 * t16;
  t1 += 38 * t17;
  t2 += 38 * t18;
  t3 += 38 * t19;
  t4 += 38 * t20;
  t5 += 38 * t21;
  t6 += 38 * t22;
  t7 += 38 * t23;
  t8 += 38 * t24;
  t9 += 38 * t25;
  t10 += 38 * t26;
  t11 += 38 * t27;
  t12 += 38 * t28;
  t13 += 38 * t29;
  t14 += 38 * t30;
  let c = 1;
  v = t0 + c + 65535;
  c = Math.floor(v / 65536);
  t0 = v - c * 65536;
  v = t1 + c + 65535;
  c = Math.floor(v / 65536);
  t1 = v - c * 65536;
  v = t2 + c + 65535;
  c = Math.floor(v / 65536);
  t2 = v - c * 65536;
  v = t3 + c + 65535;
  c = Math.floor(v / 65536);
  t3 = v - c * 65536;
  v = t4 + c + 65535;
  c = Math.floor(v / 65536);
  t4 = v - c * 65536;
  v = t5 + c + 65535;
  c = Math.floor(v / 65536);
  t5 = v - c * 65536;
  v = t6 + c + 65535;
  c = Math.floor(v / 65536);
  t6 = v - c * 65536;
  v = t7 + c + 65535;
  c = Math.floor(v / 65536);
  t7 = v - c * 65536;
  v = t8 + c + 65535;
  c = Math.floor(v / 65536);
  t8 = v - c * 65536;
  v = t9 + c + 65535;
  c = Math.floor(v / 65536);
  t9 = v - c * 65536;
  v = t10 + c + 65535;
  c = Math.floor(v / 65536);
  t10 = v - c * 65536;
  v = t11 + c + 65535;
  c = Math.floor(v / 65536);
  t11 = v - c * 65536;
  v = t12 + c + 65535;
  c = Math.floor(v / 65536);
  t12 = v - c * 65536;
  v = t13 + c + 65535;
  c = Math.floor(v / 65536);
  t13 = v - c * 65536;
  v = t14 + c + 65535;
  c = Math.floor(v / 65536);
  t14 = v - c * 65536;
  v = t15 + c + 65535;
  c = Math.floor(v / 65536);
  t15 = v - c * 65536;
  t0 += c - 1 + 37 * (c - 1);
  c = 1;
  v = t0 + c + 65535;
  c = Math.floor(v / 65536);
  t0 = v - c * 65536;
  v = t1 + c + 65535;
  c = Math.floor(v / 65536);
  t1 = v - c * 65536;
  v = t2 + c + 65535;
  c = Math.floor(v / 65536);
  t2 = v - c * 65536;
  v = t3 + c + 65535;
  c = Math.floor(v / 65536);
  t3 = v - c * 65536;
  v = t4 + c + 65535;
  c = Math.floor(v / 65536);
  t4 = v - c * 65536;
  v = t5 + c + 65535;
  c = Math.floor(v / 65536);
  t5 = v - c * 65536;
  v = t6 + c + 65535;
  c = Math.floor(v / 65536);
  t6 = v - c * 65536;
  v = t7 + c + 65535;
  c = Math.floor(v / 65536);
  t7 = v - c * 65536;
  v = t8 + c + 65535;
  c = Math.floor(v / 65536);
  t8 = v - c * 65536;
  v = t9 + c + 65535;
  c = Math.floor(v / 65536);
  t9 = v - c * 65536;
  v = t10 + c + 65535;
  c = Math.floor(v / 65536);
  t10 = v - c * 65536;
  v = t11 + c + 65535;
  c = Math.floor(v / 65536);
  t11 = v - c * 65536;
  v = t12 + c + 65535;
  c = Math.floor(v / 65536);
  t12 = v - c * 65536;
  v = t13 + c + 65535;
  c = Math.floor(v / 65536);
  t13 = v - c * 65536;
  v = t14 + c + 65535;
  c = Math.floor(v / 65536);
  t14 = v - c * 65536;
  v = t15 + c + 65535;
  c = Math.floor(v / 65536);
  t15 = v - c * 65536;
  t0 += c - 1 + 37 * (c - 1);
  o[0] = t0;
  o[1] = t1;
  o[2] = t2;
  o[3] = t3;
  o[4] = t4;
  o[5] = t5;
  o[6] = t6;
  o[7] = t7;
  o[8] = t8;
  o[9] = t9;
  o[10] = t10;
  o[11] = t11;
  o[12] = t12;
  o[13] = t13;
  o[14] = t14;
  o[15] = t15;
}

/** o = a² mod p: as `mul`, with each cross product computed once and doubled. */
function square(o: Field, a: Field): void {
  const a0 = a[0];
  const a1 = a[1];
  const a2 = a[2];
  const a3 = a[3];
  const a4 = a[4];
  const a5 = a[5];
  const a6 = a[6];
  const a7 = a[7];
  const a8 = a[8];
  const a9 = a[9];
  const a10 = a[10];
  const a11 = a[11];
  const a12 = a[12];
  const a13 = a[13];
  const a14 = a[14];
  const a15 = a[15];
  let t0 = a0 * a0;
  let t1 = a0 * a1 * 2;
  let t2 = a0 * a2 * 2 + a1 * a1;
  let t3 = a0 * a3 * 2 + a1 * a2 * 2;
  let t4 = a0 * a4 * 2 + a1 * a3 * 2 + a2 * a2;
  let t5 = a0 * a5 * 2 + a1 * a4 * 2 + a2 * a3 * 2;
  let t6 = a0 * a6 * 2 + a1 * a5 * 2 + a2 * a4 * 2 + a3 * a3;
  let t7 = a0 * a7 * 2 + a1 * a6 * 2 + a2 * a5 * 2 + a3 * a4 * 2;
  let t8 = a0 * a8 * 2 + a1 * a7 * 2 + a2 * a6 * 2 + a3 * a5 * 2 + a4 * a4;
  let t9 = a0 * a9 * 2 + a1 * a8 * 2 + a2 * a7 * 2 + a3 * a6 * 2 + a4 * a5 * 2;
  let t10 = a0 * a10 * 2 + a1 * a9 * 2 + a2 * a8 * 2 + a3 * a7 * 2 +
    a4 * a6 * 2 + a5 * a5;
  let t11 = a0 * a11 * 2 + a1 * a10 * 2 + a2 * a9 * 2 + a3 * a8 * 2 +
    a4 * a7 * 2 + a5 * a6 * 2;
  let t12 = a0 * a12 * 2 + a1 * a11 * 2 + a2 * a10 * 2 + a3 * a9 * 2 +
    a4 * a8 * 2 + a5 * a7 * 2 + a6 * a6;
  let t13 = a0 * a13 * 2 + a1 * a12 * 2 + a2 * a11 * 2 + a3 * a10 * 2 +
    a4 * a9 * 2 + a5 * a8 * 2 + a6 * a7 * 2;
  let t14 = a0 * a14 * 2 + a1 * a13 * 2 + a2 * a12 * 2 + a3 * a11 * 2 +
    a4 * a10 * 2 + a5 * a9 * 2 + a6 * a8 * 2 + a7 * a7;
  let t15 = a0 * a15 * 2 + a1 * a14 * 2 + a2 * a13 * 2 + a3 * a12 * 2 +
    a4 * a11 * 2 + a5 * a10 * 2 + a6 * a9 * 2 + a7 * a8 * 2;
  const t16 = a1 * a15 * 2 + a2 * a14 * 2 + a3 * a13 * 2 + a4 * a12 * 2 +
    a5 * a11 * 2 + a6 * a10 * 2 + a7 * a9 * 2 + a8 * a8;
  const t17 = a2 * a15 * 2 + a3 * a14 * 2 + a4 * a13 * 2 + a5 * a12 * 2 +
    a6 * a11 * 2 + a7 * a10 * 2 + a8 * a9 * 2;
  const t18 = a3 * a15 * 2 + a4 * a14 * 2 + a5 * a13 * 2 + a6 * a12 * 2 +
    a7 * a11 * 2 + a8 * a10 * 2 + a9 * a9;
  const t19 = a4 * a15 * 2 + a5 * a14 * 2 + a6 * a13 * 2 + a7 * a12 * 2 +
    a8 * a11 * 2 + a9 * a10 * 2;
  const t20 = a5 * a15 * 2 + a6 * a14 * 2 + a7 * a13 * 2 + a8 * a12 * 2 +
    a9 * a11 * 2 + a10 * a10;
  const t21 = a6 * a15 * 2 + a7 * a14 * 2 + a8 * a13 * 2 + a9 * a12 * 2 +
    a10 * a11 * 2;
  const t22 = a7 * a15 * 2 + a8 * a14 * 2 + a9 * a13 * 2 + a10 * a12 * 2 +
    a11 * a11;
  const t23 = a8 * a15 * 2 + a9 * a14 * 2 + a10 * a13 * 2 + a11 * a12 * 2;
  const t24 = a9 * a15 * 2 + a10 * a14 * 2 + a11 * a13 * 2 + a12 * a12;
  const t25 = a10 * a15 * 2 + a11 * a14 * 2 + a12 * a13 * 2;
  const t26 = a11 * a15 * 2 + a12 * a14 * 2 + a13 * a13;
  const t27 = a12 * a15 * 2 + a13 * a14 * 2;
  const t28 = a13 * a15 * 2 + a14 * a14;
  const t29 = a14 * a15 * 2;
  const t30 = a15 * a15;
  t0 += 38 * t16;
  t1 += 38 * t17;
  t2 += 38 * t18;
  t3 += 38 * t19;
  t4 += 38 * t20;
  t5 += 38 * t21;
  t6 += 38 * t22;
  t7 += 38 * t23;
  t8 += 38 * t24;
  t9 += 38 * t25;
  t10 += 38 * t26;
  t11 += 38 * t27;
  t12 += 38 * t28;
  t13 += 38 * t29;
  t14 += 38 * t30;
  let v: number;
  let c = 1;
  v = t0 + c + 65535;
  c = Math.floor(v / 65536);
  t0 = v - c * 65536;
  v = t1 + c + 65535;
  c = Math.floor(v / 65536);
  t1 = v - c * 65536;
  v = t2 + c + 65535;
  c = Math.floor(v / 65536);
  t2 = v - c * 65536;
  v = t3 + c + 65535;
  c = Math.floor(v / 65536);
  t3 = v - c * 65536;
  v = t4 + c + 65535;
  c = Math.floor(v / 65536);
  t4 = v - c * 65536;
  v = t5 + c + 65535;
  c = Math.floor(v / 65536);
  t5 = v - c * 65536;
  v = t6 + c + 65535;
  c = Math.floor(v / 65536);
  t6 = v - c * 65536;
  v = t7 + c + 65535;
  c = Math.floor(v / 65536);
  t7 = v - c * 65536;
  v = t8 + c + 65535;
  c = Math.floor(v / 65536);
  t8 = v - c * 65536;
  v = t9 + c + 65535;
  c = Math.floor(v / 65536);
  t9 = v - c * 65536;
  v = t10 + c + 65535;
  c = Math.floor(v / 65536);
  t10 = v - c * 65536;
  v = t11 + c + 65535;
  c = Math.floor(v / 65536);
  t11 = v - c * 65536;
  v = t12 + c + 65535;
  c = Math.floor(v / 65536);
  t12 = v - c * 65536;
  v = t13 + c + 65535;
  c = Math.floor(v / 65536);
  t13 = v - c * 65536;
  v = t14 + c + 65535;
  c = Math.floor(v / 65536);
  t14 = v - c * 65536;
  v = t15 + c + 65535;
  c = Math.floor(v / 65536);
  t15 = v - c * 65536;
  t0 += c - 1 + 37 * (c - 1);
  c = 1;
  v = t0 + c + 65535;
  c = Math.floor(v / 65536);
  t0 = v - c * 65536;
  v = t1 + c + 65535;
  c = Math.floor(v / 65536);
  t1 = v - c * 65536;
  v = t2 + c + 65535;
  c = Math.floor(v / 65536);
  t2 = v - c * 65536;
  v = t3 + c + 65535;
  c = Math.floor(v / 65536);
  t3 = v - c * 65536;
  v = t4 + c + 65535;
  c = Math.floor(v / 65536);
  t4 = v - c * 65536;
  v = t5 + c + 65535;
  c = Math.floor(v / 65536);
  t5 = v - c * 65536;
  v = t6 + c + 65535;
  c = Math.floor(v / 65536);
  t6 = v - c * 65536;
  v = t7 + c + 65535;
  c = Math.floor(v / 65536);
  t7 = v - c * 65536;
  v = t8 + c + 65535;
  c = Math.floor(v / 65536);
  t8 = v - c * 65536;
  v = t9 + c + 65535;
  c = Math.floor(v / 65536);
  t9 = v - c * 65536;
  v = t10 + c + 65535;
  c = Math.floor(v / 65536);
  t10 = v - c * 65536;
  v = t11 + c + 65535;
  c = Math.floor(v / 65536);
  t11 = v - c * 65536;
  v = t12 + c + 65535;
  c = Math.floor(v / 65536);
  t12 = v - c * 65536;
  v = t13 + c + 65535;
  c = Math.floor(v / 65536);
  t13 = v - c * 65536;
  v = t14 + c + 65535;
  c = Math.floor(v / 65536);
  t14 = v - c * 65536;
  v = t15 + c + 65535;
  c = Math.floor(v / 65536);
  t15 = v - c * 65536;
  t0 += c - 1 + 37 * (c - 1);
  o[0] = t0;
  o[1] = t1;
  o[2] = t2;
  o[3] = t3;
  o[4] = t4;
  o[5] = t5;
  o[6] = t6;
  o[7] = t7;
  o[8] = t8;
  o[9] = t9;
  o[10] = t10;
  o[11] = t11;
  o[12] = t12;
  o[13] = t13;
  o[14] = t14;
  o[15] = t15;
}

function invert(o: Field, a: Field): void {
  // a^(p-2) by square-and-multiply over p - 2 = 2^255 - 21.
  const c = Float64Array.from(a);
  for (let bit = 253; bit >= 0; bit--) {
    square(c, c);
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
    square(d, e);
    square(f, a);
    mul(a, c, a);
    mul(c, b, e);
    add(e, a, c);
    sub(a, a, c);
    square(b, a);
    sub(c, d, f);
    mul(a, c, A24);
    add(a, a, d);
    mul(c, c, a);
    mul(a, d, f);
    mul(d, b, x);
    square(b, e);
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
