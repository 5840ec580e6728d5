// The checksum-offload convention used by zon's packet builders.
//
// Linux hands a packet with CHECKSUM_PARTIAL to the NIC (or finishes it in
// software) like this: the transport checksum field already holds the folded,
// NOT complemented pseudo-header sum (the kernel's
// `~csum_tcpudp_magic(saddr, daddr, len, proto, 0)`), and the device sums the
// bytes from `csum_start` to the end of the packet, complements the result
// and stores it at `csum_start + csum_offset`. With a packet socket this is
// requested through a `virtio_net_hdr` (PACKET_VNET_HDR) whose flags carry
// VIRTIO_NET_HDR_F_NEEDS_CSUM.
//
// zon's builders follow it when their `offload` flag is set:
//   - TCP, UDP and ICMPv6: the checksum field holds the pseudo-header sum
//     (offloadChecksumField), to be finished by the kernel or NIC;
//   - ICMPv4 has no pseudo-header: the field holds 0;
//   - the IPv4 header checksum is always computed in software, because
//     Linux never offloads it for packets written to a packet socket.

import { foldSum, onesComplementSum } from "./sum.ts";

/**
 * How a packet builder fills a transport checksum: `"compute"` writes the
 * final value, `"offload"` writes the CHECKSUM_PARTIAL seed (see
 * {@linkcode offloadChecksumField}) and leaves the rest to the kernel or NIC.
 *
 * @example
 * ```ts
 * import type { ChecksumMode } from "./mod.ts";
 * const mode: ChecksumMode = "offload";
 * ```
 */
export type ChecksumMode = "compute" | "offload";

/**
 * The value to store in a TCP/UDP/ICMPv6 checksum field for CHECKSUM_PARTIAL:
 * the folded, un-complemented pseudo-header sum.
 *
 * @example
 * ```ts
 * import { offloadChecksumField, pseudoHeaderSum4 } from "./mod.ts";
 * const field = offloadChecksumField(pseudoHeaderSum4(0xc6120001, 0xc6120002, 6, 20));
 * ```
 */
export function offloadChecksumField(pseudoHeaderSum: number): number {
  return foldSum(pseudoHeaderSum);
}

/**
 * Finish a CHECKSUM_PARTIAL packet in software, as the NIC would: sum
 * `bytes[checksumStart, end)` (which includes the seeded checksum field),
 * complement, and store big-endian at `checksumStart + checksumOffset`.
 * Useful before writing offloaded packets to a savefile.
 *
 * `checksumOffset` is 16 for TCP, 6 for UDP and 2 for ICMP/ICMPv6.
 *
 * @example
 * ```ts
 * import { completePartialChecksum, internetChecksum, pseudoHeaderSum4 } from "./mod.ts";
 * const udp = new Uint8Array([0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00]);
 * const seed = pseudoHeaderSum4(0xc6120001, 0xc6120002, 17, 8);
 * udp[6] = seed >>> 8; udp[7] = seed & 0xff;
 * completePartialChecksum(udp, 0, 6);
 * internetChecksum(udp, 0, 8, seed) === 0; // true
 * ```
 */
export function completePartialChecksum(
  bytes: Uint8Array,
  checksumStart: number,
  checksumOffset: number,
  end: number = bytes.length,
): void {
  const at = checksumStart + checksumOffset;
  const checksum = ~onesComplementSum(bytes, checksumStart, end) & 0xffff;
  bytes[at] = checksum >>> 8;
  bytes[at + 1] = checksum & 0xff;
}
