/**
 * Lock-free rings for packet programs.
 *
 * - {@linkcode SpscRing}: a single-producer single-consumer ring of
 *   fixed-size slots over a `SharedArrayBuffer`, to pass frames or records
 *   between the main thread and Workers (batch reserve/commit, spin-then-wait
 *   or `Atomics.waitAsync`).
 * - {@linkcode TxFrameRing} and {@linkcode RxBlockRing}: views over the Linux
 *   AF_PACKET rings (TPACKET_V2 transmit, TPACKET_V3 receive) that the kernel
 *   shares through mmap, so frames are written and read in place. The `ring:`
 *   driver of `@zon/net/drivers` maps them.
 * - {@linkcode XdpProducerRing} and {@linkcode XdpConsumerRing}: views over
 *   the four AF_XDP rings (fill, TX; RX, completion) with their producer and
 *   consumer indices; the `xdp:` driver maps them.
 *
 * @example
 * ```ts
 * import { SpscRing } from "@zon/net/ring";
 * const ring = SpscRing.create({ capacity: 1024, slotSize: 16 });
 * ring.tryPush(new Uint8Array([1, 2, 3]));
 * const out = new Uint8Array(16);
 * console.log(ring.tryPop(out)); // 3
 * ```
 *
 * @module
 */
export * from "./spsc_ring.ts";
export * from "./tpacket.ts";
export * from "./xdp.ts";
