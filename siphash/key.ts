/**
 * A SipHash key: 128 bits, kept as four unsigned 32-bit halves so the hash
 * can run without BigInt.
 *
 * @example Make a fresh random key for one scan
 * ```ts
 * import { SipKey } from "@zon/net/siphash";
 * const key = SipKey.random();
 * console.log(key.toBytes().length); // 16
 * ```
 */
export class SipKey {
  /** High half of k0 (key bytes 4..7, little-endian). */
  readonly k0h: number;
  /** Low half of k0 (key bytes 0..3, little-endian). */
  readonly k0l: number;
  /** High half of k1 (key bytes 12..15, little-endian). */
  readonly k1h: number;
  /** Low half of k1 (key bytes 8..11, little-endian). */
  readonly k1l: number;

  /**
   * Builds a key from exactly 16 bytes, read as the paper does: k0 is bytes
   * 0..7 and k1 bytes 8..15, each little-endian.
   *
   * @example
   * ```ts
   * import { SipKey } from "@zon/net/siphash";
   * const key = new SipKey(new Uint8Array(16).map((_, i) => i));
   * console.log(key.k0l.toString(16)); // "3020100"
   * ```
   */
  constructor(bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 16) {
      throw new TypeError(
        `SipKey: expected a Uint8Array of 16 bytes, got ${describe(bytes)}`,
      );
    }
    const le = (i: number): number =>
      (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) |
        (bytes[i + 3] << 24)) >>> 0;
    this.k0l = le(0);
    this.k0h = le(4);
    this.k1l = le(8);
    this.k1h = le(12);
  }

  /**
   * A key from 16 bytes of `crypto.getRandomValues` — never from the clock,
   * so SYN cookies cannot be predicted by someone who knows when a scan ran.
   *
   * @example
   * ```ts
   * import { SipKey } from "@zon/net/siphash";
   * const a = SipKey.random(), b = SipKey.random();
   * console.log(a.k0l === b.k0l && a.k1h === b.k1h); // false (almost surely)
   * ```
   */
  static random(): SipKey {
    return new SipKey(crypto.getRandomValues(new Uint8Array(16)));
  }

  /**
   * The key's 16 bytes, in the order the constructor takes them.
   *
   * @example
   * ```ts
   * import { SipKey } from "@zon/net/siphash";
   * const bytes = new Uint8Array(16).fill(7);
   * console.log(new SipKey(bytes).toBytes().every((b) => b === 7)); // true
   * ```
   */
  toBytes(): Uint8Array {
    const out = new Uint8Array(16);
    const words = [this.k0l, this.k0h, this.k1l, this.k1h];
    for (let w = 0; w < 4; w++) {
      for (let b = 0; b < 4; b++) {
        out[w * 4 + b] = (words[w] >>> (8 * b)) & 0xff;
      }
    }
    return out;
  }
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value === null) return "null";
  return typeof value;
}
