/**
 * Packet drivers behind one interface, {@linkcode PacketDriver}, opened by
 * adapter name with {@linkcode openDriver}:
 *
 * | adapter            | driver                                                            |
 * | ------------------ | ----------------------------------------------------------------- |
 * | `eth0`, `pcap:eth0`| libpcap via `Deno.dlopen` (one syscall per frame)                 |
 * | `ring:eth0`        | AF_PACKET TPACKET_V2 TX / V3 RX rings, mmap'd, one syscall per batch |
 * | `zc:eth0`          | PF_RING (`libpfring.so`, loaded only when asked)                  |
 * | `netmap:eth0`      | netmap (`/dev/netmap` and `libnetmap.so`), transmit only          |
 * | `file:out.pcap`    | a pcap savefile (write on send, read on receive)                  |
 * | `file:out.pcapng`  | a pcapng savefile; receive reads pcap or pcapng by magic number   |
 * | `null`             | discards everything (`--offline`)                                 |
 * | `xdp:eth0[@Q]`     | AF_XDP: UMEM + fill/RX/TX/completion rings, its own XDP program   |
 * | `xdp+zc:eth0[@Q]`  | AF_XDP, zero copy or an error                                     |
 *
 * Open a driver in the thread that uses it (FFI handles are per thread):
 * the scanner's transmit Worker opens one with `mode: "send"`, its receive
 * Worker another with `mode: "receive"` and a BPF `filter`. On the receive
 * side, drain with `recv`/`recvBatch` until nothing is left, then block in
 * `wait(ms)` (poll(2) on the driver's fd).
 *
 * PF_RING and netmap need kernel modules that stock kernels lack; without
 * them `openDriver` throws {@linkcode DriverUnavailableError} naming what to
 * install. Their FFI bindings are tested against a stub library.
 *
 * @example
 * ```ts
 * import { openDriver } from "@zon/net/drivers";
 * const driver = await openDriver("null");
 * let seq = 0;
 * const write = (buf: Uint8Array, at: number): number => {
 *   buf.fill(0xff, at, at + 6); // broadcast
 *   buf[at + 59] = seq++ & 0xff;
 *   return 60;
 * };
 * for (let i = 0; i < 100; i++) while (!driver.sendWith(write)) driver.flush();
 * driver.flush();
 * console.log(driver.stats().sent); // 100
 * driver.close();
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./open.ts";
export * from "./null.ts";
export * from "./pcap.ts";
export * from "./af_packet.ts";
export type {
  RingGeometry,
  RxBlockRing,
  TxFrameRing,
} from "../ring/tpacket.ts";
export * from "./pfring.ts";
export * from "./netmap.ts";
export * from "./file.ts";
export * from "./pcap_file.ts";
export * from "./pcapng_file.ts";
export * from "./pcapng_writer.ts";
export * from "./capture.ts";
export type {
  XdpConsumerRing,
  XdpProducerRing,
  XdpRing,
  XdpRingOffsets,
} from "../ring/xdp.ts";
export * from "./xdp.ts";
export * from "./xdp_program.ts";
