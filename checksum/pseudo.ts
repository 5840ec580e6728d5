// Pseudo-header sums for TCP, UDP and ICMPv6 checksums (RFC 793, RFC 768,
// RFC 8200 §8.1). They return un-complemented, folded partial sums, ready to
// pass as `initial` to internetChecksum or to store as an offload seed.

import { foldSum } from "./sum.ts";

/**
 * The ones'-complement sum of the IPv4 pseudo-header: source and destination
 * address (unsigned 32-bit numbers, e.g. 0xc0000201 for 192.0.2.1), zero,
 * protocol and the transport length (header plus payload, in bytes).
 *
 * @example
 * ```ts
 * import { internetChecksum, pseudoHeaderSum4 } from "./mod.ts";
 * const tcp = new Uint8Array(20);
 * const seed = pseudoHeaderSum4(0xc6120001, 0xc6120002, 6, tcp.length);
 * const checksum = internetChecksum(tcp, 0, tcp.length, seed);
 * ```
 */
export function pseudoHeaderSum4(
  sourceAddress: number,
  destinationAddress: number,
  protocol: number,
  transportLength: number,
): number {
  return foldSum(
    (sourceAddress >>> 16) + (sourceAddress & 0xffff) +
      (destinationAddress >>> 16) + (destinationAddress & 0xffff) +
      protocol + transportLength,
  );
}

/**
 * The ones'-complement sum of the IPv6 pseudo-header. IPv6 addresses are
 * 16 bytes in network order inside a `Uint8Array`, read at `sourceOffset` and
 * `destinationOffset` (so they can point straight into a packet). The upper
 * layer length is a 32-bit field in this pseudo-header.
 *
 * @example
 * ```ts
 * import { pseudoHeaderSum6 } from "./mod.ts";
 * const source = new Uint8Array(16); source[0] = 0x20; source[1] = 0x01; source[15] = 1;
 * const destination = new Uint8Array(16); destination[0] = 0x20; destination[1] = 0x01; destination[15] = 2;
 * const seed = pseudoHeaderSum6(source, destination, 17, 8);
 * ```
 */
export function pseudoHeaderSum6(
  source: Uint8Array,
  destination: Uint8Array,
  nextHeader: number,
  upperLayerLength: number,
  sourceOffset: number = 0,
  destinationOffset: number = 0,
): number {
  let sum = nextHeader + (upperLayerLength >>> 16) +
    (upperLayerLength & 0xffff);
  for (let i = 0; i < 16; i += 2) {
    sum += (source[sourceOffset + i] << 8) | source[sourceOffset + i + 1];
    sum += (destination[destinationOffset + i] << 8) |
      destination[destinationOffset + i + 1];
  }
  return foldSum(sum);
}
