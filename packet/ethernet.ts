import type { PacketError } from "./error.ts";
import { get16, set16 } from "./bytes.ts";
import { PacketView } from "./view.ts";

/**
 * EtherType values used by zon.
 *
 * @example
 * ```ts
 * import { EtherType } from "./mod.ts";
 * EtherType.IPV4; // 0x0800
 * ```
 */
export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  IPV6: 0x86dd,
} as const;

/** Length of an Ethernet II header without VLAN tags. */
export const ETHERNET_HEADER_LENGTH = 14;

/**
 * Zero-copy view of an Ethernet II frame, with one or more 802.1Q / 802.1ad
 * VLAN tags skipped transparently: `etherType` and `payloadOffset` refer to
 * the innermost header, `vlanId` to the outermost tag (or -1 when untagged).
 *
 * @example
 * ```ts
 * import { EthernetFrame } from "./mod.ts";
 * const frame = new EthernetFrame(new Uint8Array(60));
 * if (frame.check() === null) frame.etherType = 0x0800;
 * ```
 */
export class EthernetFrame extends PacketView {
  /** Null when the header (and every VLAN tag) fits in the buffer. */
  check(): PacketError | null {
    if (this.end > this.bytes.length) return "truncated";
    let at = this.offset + 12;
    for (;;) {
      if (at + 2 > this.end) return "truncated";
      const type = get16(this.bytes, at);
      if (type !== EtherType.VLAN && type !== EtherType.QINQ) return null;
      at += 4;
    }
  }

  /** Offset in `bytes` of the destination MAC (6 bytes). */
  get destinationOffset(): number {
    return this.offset;
  }

  /** Offset in `bytes` of the source MAC (6 bytes). */
  get sourceOffset(): number {
    return this.offset + 6;
  }

  /** Offset of the innermost EtherType field (after any VLAN tags). */
  get etherTypeOffset(): number {
    let at = this.offset + 12;
    for (;;) {
      const type = get16(this.bytes, at);
      if (type !== EtherType.VLAN && type !== EtherType.QINQ) return at;
      at += 4;
    }
  }

  /** The innermost EtherType. */
  get etherType(): number {
    return get16(this.bytes, this.etherTypeOffset);
  }
  set etherType(value: number) {
    set16(this.bytes, this.etherTypeOffset, value);
  }

  /** VLAN ID (12 bits) of the outermost tag, or -1 when untagged. */
  get vlanId(): number {
    const type = get16(this.bytes, this.offset + 12);
    if (type !== EtherType.VLAN && type !== EtherType.QINQ) return -1;
    return get16(this.bytes, this.offset + 14) & 0x0fff;
  }

  /** Offset of the payload (the network-layer header). */
  get payloadOffset(): number {
    return this.etherTypeOffset + 2;
  }

  /** Copy a 6-byte destination MAC in. */
  setDestination(mac: Uint8Array, macOffset: number = 0): void {
    for (let i = 0; i < 6; i++) {
      this.bytes[this.offset + i] = mac[macOffset + i];
    }
  }

  /** Copy a 6-byte source MAC in. */
  setSource(mac: Uint8Array, macOffset: number = 0): void {
    for (let i = 0; i < 6; i++) {
      this.bytes[this.offset + 6 + i] = mac[macOffset + i];
    }
  }
}
