// Independent oracles for the npm checks: deliberately naive code that shares
// nothing with zon's implementations, plus a tiny assert that also runs in a
// browser (node:assert does not). Plain JS so Node, Chromium and Deno all
// load it as is.

/** Throws with `message` and both values when `actual !== expected`. */
export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    throw new Error(
      `${message}: expected ${show(expected)}, got ${show(actual)}`,
    );
  }
}

/** Structural equality through JSON (with BigInt as text). */
export function deepEqual(actual, expected, message) {
  const a = stable(actual), e = stable(expected);
  if (a !== e) {
    throw new Error(
      `${message}:\n  expected ${e.slice(0, 600)}\n  got      ${
        a.slice(0, 600)
      }`,
    );
  }
}

/** Throws `message` unless `condition`. */
export function ok(condition, message) {
  if (!condition) throw new Error(message);
}

function show(value) {
  return typeof value === "bigint" ? `${value}n` : JSON.stringify(value);
}

/** JSON with BigInt as `"123n"` and typed arrays as plain arrays. */
export function stable(value) {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (ArrayBuffer.isView(v)) return Array.from(v);
    return v;
  });
}

/** mulberry32: a seeded PRNG, so every runtime draws the same inputs. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` bytes from `random`, drawn from `alphabet` when given. */
export function randomBytes(random, length, alphabet) {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = alphabet
      ? alphabet[Math.floor(random() * alphabet.length)]
      : Math.floor(random() * 256);
  }
  return out;
}

export function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- SipHash-2-4, straight from the paper, in BigInt -----------------------

const MASK64 = (1n << 64n) - 1n;
const rotl = (x, b) => ((x << BigInt(b)) | (x >> BigInt(64 - b))) & MASK64;

function le64(bytes, at) {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]);
  return v;
}

/** SipHash-2-4 of `message` under the 16-byte `key`, as an unsigned bigint. */
export function referenceSiphash24(key, message) {
  const k0 = le64(key, 0), k1 = le64(key, 8);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const sipRound = () => {
    v0 = (v0 + v1) & MASK64;
    v1 = rotl(v1, 13) ^ v0;
    v0 = rotl(v0, 32);
    v2 = (v2 + v3) & MASK64;
    v3 = rotl(v3, 16) ^ v2;
    v0 = (v0 + v3) & MASK64;
    v3 = rotl(v3, 21) ^ v0;
    v2 = (v2 + v1) & MASK64;
    v1 = rotl(v1, 17) ^ v2;
    v2 = rotl(v2, 32);
  };
  const length = message.length, whole = length - (length % 8);
  for (let i = 0; i < whole; i += 8) {
    const m = le64(message, i);
    v3 ^= m;
    sipRound();
    sipRound();
    v0 ^= m;
  }
  let last = BigInt(length & 0xff) << 56n;
  for (let i = 0; i < length % 8; i++) {
    last |= BigInt(message[whole + i]) << BigInt(8 * i);
  }
  v3 ^= last;
  sipRound();
  sipRound();
  v0 ^= last;
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) sipRound();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK64;
}

// --- RFC 1071, one 16-bit word at a time ------------------------------------

/** Un-complemented ones'-complement sum of `bytes` (odd byte padded). */
export function referenceSum(bytes, initial = 0) {
  let sum = initial;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  for (let i = 0; i < bytes.length; i += 2) {
    sum += (bytes[i] << 8) | (i + 1 < bytes.length ? bytes[i + 1] : 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return sum;
}

export function referenceChecksum(bytes, initial = 0) {
  return ~referenceSum(bytes, initial) & 0xffff;
}

// --- Aho-Corasick's contract, by brute force --------------------------------

const fold = (b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);

/**
 * Every occurrence of every pattern in `text` as `{ pattern, end }`, sorted
 * by end then pattern index. `specs` are `{ bytes, anchored }`.
 */
export function naiveMatches(specs, text, caseInsensitive) {
  const found = [];
  for (let end = 1; end <= text.length; end++) {
    specs.forEach(({ bytes, anchored }, pattern) => {
      const start = end - bytes.length;
      if (start < 0 || (anchored && start !== 0)) return;
      for (let i = 0; i < bytes.length; i++) {
        const a = text[start + i], b = bytes[i];
        if (caseInsensitive ? fold(a) !== fold(b) : a !== b) return;
      }
      found.push({ pattern, end });
    });
  }
  return sortMatches(found);
}

export function sortMatches(matches) {
  return [...matches].sort((x, y) => x.end - y.end || x.pattern - y.pattern);
}
