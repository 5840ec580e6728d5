// Incremental checksum update, RFC 1624 equation 3:
//   HC' = ~(~HC + ~m + m')
// computed in ones'-complement arithmetic. This avoids the -0 pitfall of
// RFC 1141's equation: the result equals a full recomputation except when
// every covered byte becomes zero (a full recompute then gives 0xffff, this
// gives 0x0000; both mean "sum is zero", and no real header is all zeros).

/**
 * The new checksum after a 16-bit field covered by it changes from `oldField`
 * to `newField` (RFC 1624). Allocation-free; use it to patch templates.
 *
 * @example
 * ```ts
 * import { checksumUpdate16, internetChecksum } from "./mod.ts";
 * const header = new Uint8Array([0x45, 0x00, 0x00, 0x1c, 0x12, 0x34]);
 * const before = internetChecksum(header);
 * header[4] = 0xab; header[5] = 0xcd;
 * checksumUpdate16(before, 0x1234, 0xabcd) === internetChecksum(header); // true
 * ```
 */
export function checksumUpdate16(
  oldChecksum: number,
  oldField: number,
  newField: number,
): number {
  let sum = (~oldChecksum & 0xffff) + (~oldField & 0xffff) +
    (newField & 0xffff);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * The new checksum after a 32-bit field (two adjacent 16-bit words starting
 * at an even offset, such as an IPv4 address or a TCP sequence number)
 * changes from `oldField` to `newField`. Fields are unsigned or signed 32-bit
 * numbers; only the low 32 bits are used.
 *
 * @example
 * ```ts
 * import { checksumUpdate32 } from "./mod.ts";
 * // Retarget a header checksum from 192.0.2.1 to 198.18.0.7:
 * const updated = checksumUpdate32(0xb1e6, 0xc0000201, 0xc6120007);
 * ```
 */
export function checksumUpdate32(
  oldChecksum: number,
  oldField: number,
  newField: number,
): number {
  let sum = (~oldChecksum & 0xffff) +
    (~oldField & 0xffff) + (~(oldField >>> 16) & 0xffff) +
    (newField & 0xffff) + (newField >>> 16 & 0xffff);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Ones'-complement add of `newField` minus `oldField` to a partial sum (not a
 * checksum): the update rule for a field holding an un-complemented sum, such
 * as the pseudo-header seed stored under checksum offload.
 *
 * @example
 * ```ts
 * import { pseudoHeaderSum4, sumUpdate32 } from "./mod.ts";
 * const seed = pseudoHeaderSum4(0xc6120001, 0xc6120002, 6, 20);
 * sumUpdate32(seed, 0xc6120002, 0xc6120003) === pseudoHeaderSum4(0xc6120001, 0xc6120003, 6, 20); // true
 * ```
 */
export function sumUpdate32(
  partialSum: number,
  oldField: number,
  newField: number,
): number {
  let sum = (partialSum & 0xffff) +
    (~oldField & 0xffff) + (~(oldField >>> 16) & 0xffff) +
    (newField & 0xffff) + (newField >>> 16 & 0xffff);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * 16-bit version of {@linkcode sumUpdate32}: replace `oldField` by `newField`
 * in an un-complemented partial sum.
 *
 * @example
 * ```ts
 * import { pseudoHeaderSum4, sumUpdate16 } from "./mod.ts";
 * const seed = pseudoHeaderSum4(0xc6120001, 0xc6120002, 17, 8);
 * sumUpdate16(seed, 8, 12) === pseudoHeaderSum4(0xc6120001, 0xc6120002, 17, 12); // true
 * ```
 */
export function sumUpdate16(
  partialSum: number,
  oldField: number,
  newField: number,
): number {
  let sum = (partialSum & 0xffff) + (~oldField & 0xffff) + (newField & 0xffff);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}
