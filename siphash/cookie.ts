import type { SipKey } from "./key.ts";
import { sipHashWords } from "./siphash.ts";

/** Message words of the cookie being hashed (reused; never reallocated). */
const words = new Int32Array(12);

// SipHash state after absorbing synCookie4's first word, (portMe:ipMe), for
// the key and our address and port it was computed with. A scan sends every
// probe from the same address and port, so this is computed once per scan
// (per Worker: each has its own module instance).
const prefix = new Int32Array(8);
let prefixKey: SipKey | null = null;
let prefixIpMe = 0, prefixPortMe = -1;

function cachePrefix(ipMe: number, portMe: number, key: SipKey): void {
  words[0] = portMe;
  words[1] = ipMe;
  sipHashWords(key, words, 1, prefix);
  prefixKey = key;
  prefixIpMe = ipMe | 0;
  prefixPortMe = portMe;
}

/**
 * The SYN cookie for an IPv4 flow: a 32-bit number used as the initial
 * sequence number of a probe, so a reply proves it answers that probe
 * (its `ack − 1` must equal the cookie) without the scanner keeping any
 * per-target state.
 *
 * Layout: SipHash-2-4, under `key`, of the 16-byte message made of four
 * little-endian 32-bit words `ipMe, portMe, ipThem, portThem`; the cookie is
 * the low 32 bits of the tag. (masscan hashes the same four words with our
 * side last and keys with `{seed, seed}`; zon puts our side first so the
 * state after it — constant for a scan — is computed once and cached: 8
 * SipRounds per cookie instead of 10.) Addresses are 32-bit numbers,
 * unsigned or signed (`0xc6120001` is 198.18.0.1).
 *
 * The cookie is returned as a **signed** 32-bit integer (its bits are the
 * cookie): V8 keeps int32 values unboxed, so the call allocates nothing, where
 * an unsigned result ≥ 2^31 would become a heap number. `DataView.setUint32`
 * and `Uint32Array` stores accept it as is; compare with a received
 * acknowledgement number as `((ack - 1) | 0) === cookie`, or use `>>> 0` to
 * print it. No BigInt is used.
 *
 * @example Validate a SYN-ACK
 * ```ts
 * import { SipKey, synCookie4 } from "@zon/net/siphash";
 * const key = SipKey.random();
 * const seq = synCookie4(0xc6120002, 80, 0xc6120001, 40000, key);
 * // ...later, a SYN-ACK from 198.18.0.2:80 to 198.18.0.1:40000 arrives:
 * const ack = (seq + 1) >>> 0;
 * console.log(((ack - 1) | 0) === synCookie4(0xc6120002, 80, 0xc6120001, 40000, key)); // true
 * ```
 */
export function synCookie4(
  ipThem: number,
  portThem: number,
  ipMe: number,
  portMe: number,
  key: SipKey,
): number {
  // Little-endian 64-bit words: (portMe:ipMe) — cached — then
  // (portThem:ipThem), then the empty final word carrying the length, 16.
  if (
    key !== prefixKey || (ipMe | 0) !== prefixIpMe || portMe !== prefixPortMe
  ) {
    cachePrefix(ipMe, portMe, key);
  }
  return cookie4(ipThem, portThem);
}

function le32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

/**
 * The SYN cookie for an IPv6 flow. Addresses are read in place from byte
 * arrays in network order (so a received packet's buffer can be passed with
 * the address offset, without a copy).
 *
 * Layout: SipHash-2-4, under `key`, of the 40-byte message
 * `ipThem (16 bytes, network order) ‖ ipMe (16 bytes, network order) ‖
 * portThem (u32 little-endian) ‖ portMe (u32 little-endian)`; the cookie is
 * the low 32 bits of the tag, as a signed int32 like {@link synCookie4}.
 * Nothing is allocated.
 *
 * @example
 * ```ts
 * import { SipKey, synCookie6 } from "@zon/net/siphash";
 * const key = SipKey.random();
 * const them = new Uint8Array(16), me = new Uint8Array(16);
 * them[0] = 0x20; them[1] = 0x01; them[15] = 2;
 * me[0] = 0x20; me[1] = 0x01; me[15] = 1;
 * const seq = synCookie6(them, 0, 443, me, 0, 40000, key);
 * console.log(seq === synCookie6(them, 0, 443, me, 0, 40000, key)); // true
 * ```
 */
export function synCookie6(
  ipThem: Uint8Array,
  ipThemOffset: number,
  portThem: number,
  ipMe: Uint8Array,
  ipMeOffset: number,
  portMe: number,
  key: SipKey,
): number {
  // Each 8-byte chunk of an address is one little-endian 64-bit word.
  words[0] = le32(ipThem, ipThemOffset + 4);
  words[1] = le32(ipThem, ipThemOffset);
  words[2] = le32(ipThem, ipThemOffset + 12);
  words[3] = le32(ipThem, ipThemOffset + 8);
  words[4] = le32(ipMe, ipMeOffset + 4);
  words[5] = le32(ipMe, ipMeOffset);
  words[6] = le32(ipMe, ipMeOffset + 12);
  words[7] = le32(ipMe, ipMeOffset + 8);
  words[8] = portMe;
  words[9] = portThem;
  // Empty final word carrying the length, 40, in its top byte.
  words[10] = 40 << 24;
  words[11] = 0;
  return sipHashWords(key, words, 6);
}

/**
 * synCookie4's SipHash from the cached state after its first word, written
 * out: two more message words and the finalization, eight SipRounds, on
 * int32 locals. The generic loop of
 * siphash.ts computes the same thing (the tests compare them over 10^5 random
 * inputs); written out, the JIT keeps all eight half-lanes in registers and
 * the cookie costs ~70 ns instead of ~100 — the largest stage of the
 * scanner's transmit loop.
 */
function cookie4(ipThem: number, portThem: number): number {
  let v0h = prefix[0], v0l = prefix[1], v1h = prefix[2], v1l = prefix[3];
  let v2h = prefix[4], v2l = prefix[5], v3h = prefix[6], v3l = prefix[7];
  let lo = 0, hi = 0;
  // Word 1 = portThem:ipThem: v3 ^= m; two SipRounds; v0 ^= m.
  v3h ^= portThem;
  v3l ^= ipThem;
  lo = (v0l + v1l) | 0;
  v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = hi ^ v0h;
  hi = v0h;
  v0h = v0l;
  v0l = hi;
  lo = (v2l + v3l) | 0;
  v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = hi ^ v2h;
  lo = (v0l + v3l) | 0;
  v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = hi ^ v0h;
  lo = (v2l + v1l) | 0;
  v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = hi ^ v2h;
  hi = v2h;
  v2h = v2l;
  v2l = hi;
  lo = (v0l + v1l) | 0;
  v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = hi ^ v0h;
  hi = v0h;
  v0h = v0l;
  v0l = hi;
  lo = (v2l + v3l) | 0;
  v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = hi ^ v2h;
  lo = (v0l + v3l) | 0;
  v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = hi ^ v0h;
  lo = (v2l + v1l) | 0;
  v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = hi ^ v2h;
  hi = v2h;
  v2h = v2l;
  v2l = hi;
  v0h ^= portThem;
  v0l ^= ipThem;
  // Word 2 = the length, 16, in the top byte: v3 ^= m; two SipRounds; v0 ^= m.
  v3h ^= 0x10000000;
  lo = (v0l + v1l) | 0;
  v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = hi ^ v0h;
  hi = v0h;
  v0h = v0l;
  v0l = hi;
  lo = (v2l + v3l) | 0;
  v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = hi ^ v2h;
  lo = (v0l + v3l) | 0;
  v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = hi ^ v0h;
  lo = (v2l + v1l) | 0;
  v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = hi ^ v2h;
  hi = v2h;
  v2h = v2l;
  v2l = hi;
  lo = (v0l + v1l) | 0;
  v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = hi ^ v0h;
  hi = v0h;
  v0h = v0l;
  v0l = hi;
  lo = (v2l + v3l) | 0;
  v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = hi ^ v2h;
  lo = (v0l + v3l) | 0;
  v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = hi ^ v0h;
  lo = (v2l + v1l) | 0;
  v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = hi ^ v2h;
  hi = v2h;
  v2h = v2l;
  v2l = hi;
  v0h ^= 0x10000000;
  // Finalization: v2 ^= 0xff; four SipRounds.
  v2l ^= 0xff;
  lo = (v0l + v1l) | 0;
  v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = hi ^ v0h;
  hi = v0h;
  v0h = v0l;
  v0l = hi;
  lo = (v2l + v3l) | 0;
  v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = hi ^ v2h;
  lo = (v0l + v3l) | 0;
  v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = hi ^ v0h;
  lo = (v2l + v1l) | 0;
  v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = hi ^ v2h;
  hi = v2h;
  v2h = v2l;
  v2l = hi;
  lo = (v0l + v1l) | 0;
  v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = hi ^ v0h;
  hi = v0h;
  v0h = v0l;
  v0l = hi;
  lo = (v2l + v3l) | 0;
  v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = hi ^ v2h;
  lo = (v0l + v3l) | 0;
  v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = hi ^ v0h;
  lo = (v2l + v1l) | 0;
  v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = hi ^ v2h;
  hi = v2h;
  v2h = v2l;
  v2l = hi;
  lo = (v0l + v1l) | 0;
  v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = hi ^ v0h;
  hi = v0h;
  v0h = v0l;
  v0l = hi;
  lo = (v2l + v3l) | 0;
  v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = hi ^ v2h;
  lo = (v0l + v3l) | 0;
  v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = hi ^ v0h;
  lo = (v2l + v1l) | 0;
  v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = hi ^ v2h;
  hi = v2h;
  v2h = v2l;
  v2l = hi;
  lo = (v0l + v1l) | 0;
  v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = hi ^ v0h;
  hi = v0h;
  v0h = v0l;
  v0l = hi;
  lo = (v2l + v3l) | 0;
  v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = hi ^ v2h;
  lo = (v0l + v3l) | 0;
  v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~lo)) >>> 31)) | 0;
  v0l = lo;
  hi = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = hi ^ v0h;
  lo = (v2l + v1l) | 0;
  v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~lo)) >>> 31)) | 0;
  v2l = lo;
  hi = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = hi ^ v2h;
  hi = v2h;
  v2h = v2l;
  v2l = hi;
  return v0l ^ v1l ^ v2l ^ v3l;
}
