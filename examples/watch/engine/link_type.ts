/**
 * The link type of a `file:` capture, read from its header, because the
 * `file:` driver hands over frames without it. parseFrame reads Ethernet
 * and raw IP; anything else (Linux cooked captures from `tcpdump -i any`,
 * 802.11, ...) is refused with a message that says what to do instead.
 *
 * @module
 */

import { LinkType } from "../../../packet/mod.ts";

const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d];
const PCAPNG_MAGIC = 0x0a0d0d0a;
/** LINKTYPE_IPV4 and LINKTYPE_IPV6: raw IP too. */
const RAW_ALIASES = [101, 228, 229];

/** Why a capture cannot be read. */
export class LinkTypeError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "LinkTypeError";
  }
}

/**
 * The parseFrame link type for capture `path`: Ethernet for pcapng (whose
 * per-interface link types the driver reads) and unreadable headers.
 *
 * @example
 * ```ts ignore
 * import { captureLinkType } from "./link_type.ts";
 * captureLinkType("lab.pcap"); // 1 (Ethernet)
 * ```
 */
export function captureLinkType(path: string): number {
  let header: Uint8Array;
  try {
    const file = Deno.openSync(path, { read: true });
    try {
      header = new Uint8Array(24);
      if (file.readSync(header) !== 24) return LinkType.ETHERNET;
    } finally {
      file.close();
    }
  } catch (e) {
    // The driver reports a capture it cannot open, in its own words.
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.PermissionDenied ||
      e instanceof Deno.errors.IsADirectory
    ) return LinkType.ETHERNET;
    throw e;
  }
  const view = new DataView(header.buffer);
  const little = view.getUint32(0, true);
  const big = view.getUint32(0, false);
  if (little === PCAPNG_MAGIC) return LinkType.ETHERNET;
  const littleEndian = PCAP_MAGICS.includes(little);
  if (!littleEndian && !PCAP_MAGICS.includes(big)) return LinkType.ETHERNET;
  const linkType = view.getUint32(20, littleEndian) & 0xffff;
  if (linkType === LinkType.ETHERNET) return LinkType.ETHERNET;
  if (RAW_ALIASES.includes(linkType)) return LinkType.RAW;
  throw new LinkTypeError(
    `${path}: link type ${linkType}${
      linkType === 113 ? " (Linux cooked, from tcpdump -i any)" : ""
    } is not supported; capture Ethernet frames (tcpdump -i IFACE) or raw IP`,
  );
}
