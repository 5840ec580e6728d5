/**
 * SipHash-2-4 and the SYN cookies built on it.
 *
 * A stateless scanner keeps no table of the probes it sent: it puts a keyed
 * hash of the flow (addresses and ports) into the TCP sequence number, and a
 * reply is genuine when its acknowledgement number is that hash plus one.
 * SipHash-2-4 is the keyed hash: fast on short inputs and unpredictable
 * without the key. {@link synCookie4} and {@link synCookie6} are the
 * allocation-free hot paths; {@link siphash24} is the general function.
 *
 * @example
 * ```ts
 * import { SipKey, siphash24, synCookie4 } from "@zon/net/siphash";
 * const key = new SipKey(new Uint8Array(16).map((_, i) => i));
 * console.log(siphash24(key.toBytes(), new Uint8Array(0)).toString(16)); // "726fdb47dd0e0e31"
 * console.log(typeof synCookie4(0xc6120002, 80, 0xc6120001, 40000, key)); // "number"
 * ```
 *
 * @module
 */

import { SipKey } from "./key.ts";
import { sipHashInto } from "./siphash.ts";

export { SipKey } from "./key.ts";
export { synCookie4, synCookie6 } from "./cookie.ts";

const tag = new Uint32Array(2);

/**
 * SipHash-2-4 of `data` under a 16-byte `key`, exactly as the reference
 * implementation: key and message read little-endian, the 64-bit tag
 * returned as an unsigned bigint.
 *
 * @example The first vector of the SipHash paper's appendix
 * ```ts
 * import { siphash24 } from "@zon/net/siphash";
 * const key = new Uint8Array(16).map((_, i) => i);
 * const msg = new Uint8Array(15).map((_, i) => i);
 * console.log(siphash24(key, msg).toString(16)); // "a129ca6149be45e5"
 * ```
 */
export function siphash24(key: Uint8Array | SipKey, data: Uint8Array): bigint {
  const k = key instanceof SipKey ? key : new SipKey(key);
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(
      `siphash24: data must be a Uint8Array, got ${typeof data}`,
    );
  }
  sipHashInto(k, data, tag);
  return (BigInt(tag[0]) << 32n) | BigInt(tag[1]);
}

/**
 * SipHash-2-4 returning the tag as two 32-bit halves in `out`
 * (`out[0]` high, `out[1]` low) — the allocation-free form of
 * {@link siphash24}.
 *
 * @example
 * ```ts
 * import { SipKey, siphash24Into } from "@zon/net/siphash";
 * const key = new SipKey(new Uint8Array(16).map((_, i) => i));
 * const out = new Uint32Array(2);
 * siphash24Into(key, new Uint8Array(0), out);
 * console.log(out[0].toString(16), out[1].toString(16)); // "726fdb47" "dd0e0e31"
 * ```
 */
export function siphash24Into(
  key: SipKey,
  data: Uint8Array,
  out: Uint32Array,
): void {
  sipHashInto(key, data, out);
}
