/**
 * The internet checksum (RFC 1071) and everything a packet builder needs
 * around it: pseudo-header sums for TCP/UDP/ICMPv6 over IPv4 and IPv6,
 * incremental updates (RFC 1624) for patching templates, and the
 * CHECKSUM_PARTIAL offload convention.
 *
 * Conventions: a *partial sum* is an un-complemented 16-bit ones'-complement
 * sum (what {@linkcode onesComplementSum} and the pseudo-header helpers
 * return, and what `initial` accepts, folded or not); a *checksum* is its
 * complement, the value stored in a header. Bytes are summed as big-endian
 * 16-bit words whatever the host's byte order.
 *
 * @example
 * ```ts
 * import { checksumUpdate16, internetChecksum } from "./mod.ts";
 * const header = new Uint8Array([0x45, 0x00, 0x00, 0x54, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01,
 *   0x00, 0x00, 0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x02]);
 * const checksum = internetChecksum(header);
 * header[10] = checksum >>> 8; header[11] = checksum & 0xff;
 * internetChecksum(header) === 0; // true: a header with its checksum verifies to 0
 * // Change the IP ID from 0 to 0x1234 and patch the checksum instead of recomputing:
 * const patched = checksumUpdate16(checksum, 0x0000, 0x1234);
 * ```
 *
 * @module
 */

export { foldSum, internetChecksum, onesComplementSum } from "./sum.ts";
export { pseudoHeaderSum4, pseudoHeaderSum6 } from "./pseudo.ts";
export {
  checksumUpdate16,
  checksumUpdate32,
  sumUpdate16,
  sumUpdate32,
} from "./incremental.ts";
export {
  type ChecksumMode,
  completePartialChecksum,
  offloadChecksumField,
} from "./offload.ts";
