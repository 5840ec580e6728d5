/**
 * The scan order: a keyed permutation of a scan's targets (masscan's
 * BlackRock), and the target model it permutes — IPv4/IPv6 include and
 * exclude ranges × TCP/UDP/SCTP ports, indexed as masscan does, with shards.
 *
 * A stateless scanner visits target `shuffle(i)` for i = 0, 1, 2, ...: every
 * target exactly once, in an order that spreads the load over networks, and
 * that anyone with the seed can reproduce. Addresses are the conventions of
 * `@zon/net/packet` (IPv4 as an unsigned 32-bit number, IPv6 as 16 bytes),
 * whose `parseIpv4`/`formatIpv6`/... turn them into text.
 *
 * @example
 * ```ts
 * import { ScanOrder, Target, TargetSet } from "@zon/net/blackrock";
 * import { formatIpv4 } from "@zon/net/packet";
 * const targets = new TargetSet({ include: ["198.18.0.0/30"], ports: "80,443" });
 * const order = new ScanOrder(targets, { seed: 7 });
 * const t = new Target();
 * for (let n = 0; n < order.length; n++) {
 *   order.target(n, t);
 *   console.log(`${formatIpv4(t.ipv4)}:${t.port}`);
 * }
 * ```
 *
 * @module
 */

export { Blackrock } from "./blackrock.ts";
export { BLACKROCK_SBOX } from "./sbox.ts";
export { Ipv6RangeList, NumberRangeList } from "./ranges.ts";
export { type ByteChunks, TargetText } from "./target_list.ts";
export { PORT_PROTOCOL_BASE, PortList, type PortProtocol } from "./ports.ts";
export {
  type AddressRange,
  parseAddressRange,
  parseShard,
  ScanOrder,
  type ScanOrderOptions,
  type Shard,
  Target,
  TargetSet,
  type TargetSetOptions,
} from "./targets.ts";
