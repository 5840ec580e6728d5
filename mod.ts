/**
 * zon — zero overhead networking: packet primitives for Deno, and the
 * pieces of a masscan-class scanner built from them. Each module is its own
 * import (`@zon/net/siphash`, `@zon/net/blackrock`, ...); this root module
 * re-exports each one as a namespace, for exploration.
 *
 * | module | what it is |
 * | --- | --- |
 * | `siphash` | SipHash-2-4 and allocation-free SYN cookies |
 * | `blackrock` | masscan's target permutation, target model, shards |
 * | `checksum` | RFC 1071 checksum, RFC 1624 incremental updates, offload |
 * | `packet` | zero-copy views, `parseFrame`, probe templates |
 * | `ring` | SPSC ring over SharedArrayBuffer, TPACKET ring views |
 * | `drivers` | libpcap, AF_PACKET rings, PF_RING, netmap, pcap files (FFI) |
 * | `aho_corasick` | streaming multi-pattern matcher |
 * | `decoders` | streaming TLS, X.509, HTTP and greeting-banner decoders |
 * | `tcp` | user-mode TCP client for banner grabbing (connection table, timer wheel) |
 *
 * @example
 * ```ts
 * import { blackrock, siphash } from "@zon/net";
 * const order = new blackrock.Blackrock(1000, 0, 4);
 * console.log(order.shuffle(0)); // 788, as masscan
 * console.log(typeof siphash.synCookie4(1, 2, 3, 4, siphash.SipKey.random())); // "number"
 * ```
 *
 * @module
 */

export * as siphash from "./siphash/mod.ts";
export * as blackrock from "./blackrock/mod.ts";
export * as checksum from "./checksum/mod.ts";
export * as packet from "./packet/mod.ts";
export * as ring from "./ring/mod.ts";
export * as drivers from "./drivers/mod.ts";
export * as aho_corasick from "./aho_corasick/mod.ts";
export * as decoders from "./decoders/mod.ts";
export * as tcp from "./tcp/mod.ts";
