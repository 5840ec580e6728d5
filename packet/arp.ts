import type { PacketError } from "./error.ts";
import { get16, get32, set16, set32 } from "./bytes.ts";
import { PacketView } from "./view.ts";

/** Length of an Ethernet/IPv4 ARP packet. */
export const ARP_LENGTH = 28;

/**
 * ARP operation codes.
 *
 * @example
 * ```ts
 * import { ArpOperation } from "./mod.ts";
 * ArpOperation.REQUEST; // 1
 * ```
 */
export const ArpOperation = { REQUEST: 1, REPLY: 2 } as const;

/**
 * Zero-copy view of an ARP packet for Ethernet hardware and IPv4 protocol
 * addresses (RFC 826), the only kind zon handles.
 *
 * @example
 * ```ts
 * import { ArpPacket } from "./mod.ts";
 * const arp = new ArpPacket(new Uint8Array(28));
 * arp.operation = 1;
 * arp.targetIp = 0xc6120002;
 * ```
 */
export class ArpPacket extends PacketView {
  /** Null when this is a complete Ethernet/IPv4 ARP packet. */
  check(): PacketError | null {
    if (this.offset + ARP_LENGTH > Math.min(this.end, this.bytes.length)) {
      return "truncated";
    }
    if (
      get16(this.bytes, this.offset) !== 1 ||
      get16(this.bytes, this.offset + 2) !== 0x0800 ||
      this.bytes[this.offset + 4] !== 6 || this.bytes[this.offset + 5] !== 4
    ) return "unsupported";
    return null;
  }

  /** Hardware type (1 for Ethernet). */
  get hardwareType(): number {
    return get16(this.bytes, this.offset);
  }
  set hardwareType(value: number) {
    set16(this.bytes, this.offset, value);
  }
  /** Protocol type (0x0800 for IPv4). */
  get protocolType(): number {
    return get16(this.bytes, this.offset + 2);
  }
  set protocolType(value: number) {
    set16(this.bytes, this.offset + 2, value);
  }
  /** Operation: 1 request, 2 reply. */
  get operation(): number {
    return get16(this.bytes, this.offset + 6);
  }
  set operation(value: number) {
    set16(this.bytes, this.offset + 6, value);
  }
  /** Offset of the sender MAC (6 bytes). */
  get senderMacOffset(): number {
    return this.offset + 8;
  }
  /** Sender IPv4 address. */
  get senderIp(): number {
    return get32(this.bytes, this.offset + 14);
  }
  set senderIp(value: number) {
    set32(this.bytes, this.offset + 14, value);
  }
  /** Offset of the target MAC (6 bytes). */
  get targetMacOffset(): number {
    return this.offset + 18;
  }
  /** Target IPv4 address. */
  get targetIp(): number {
    return get32(this.bytes, this.offset + 24);
  }
  set targetIp(value: number) {
    set32(this.bytes, this.offset + 24, value);
  }
}
