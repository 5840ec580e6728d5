/**
 * The scan order: a keyed permutation of a scan's targets (masscan's
 * BlackRock), and the target model it permutes — IPv4/IPv6 include and
 * exclude ranges × TCP/UDP/SCTP ports, indexed as masscan does, with shards.
 *
 * A stateless scanner visits target `shuffle(i)` for i = 0, 1, 2, ...: every
 * target exactly once, in an order that spreads the load over networks, and
 * that anyone with the seed can reproduce.
 *
 * @example
 * ```ts
 * import { ScanOrder, Target, TargetSet, formatIPv4 } from "@zon/net/blackrock";
 * const targets = new TargetSet({ include: ["198.18.0.0/30"], ports: "80,443" });
 * const order = new ScanOrder(targets, { seed: 7 });
 * const t = new Target();
 * for (let n = 0; n < order.length; n++) {
 *   order.target(n, t);
 *   console.log(`${formatIPv4(t.ipv4)}:${t.port}`);
 * }
 * ```
 *
 * @module
 */

export { Blackrock } from "./blackrock.ts";
export { BLACKROCK_SBOX } from "./sbox.ts";
export { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "./ip.ts";
export { Ipv6RangeList, NumberRangeList } from "./ranges.ts";
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
