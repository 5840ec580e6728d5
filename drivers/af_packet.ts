/**
 * The `ring:` driver: Linux AF_PACKET sockets driven through libc with
 * `Deno.dlopen`, with the kernel's packet rings mapped into the process.
 * Transmit: a TPACKET_V2 TX ring, frames written in place by TypeScript and
 * handed over with one `sendto` per batch, bypassing the qdisc layer, with a
 * `virtio_net_hdr` per frame so checksums can be offloaded. Receive: a
 * TPACKET_V3 RX ring read in place, whole blocks retired at once, filtered
 * in the kernel by BPF.
 *
 * @module
 */

import {
  RxBlockRing,
  rxRingGeometry,
  TxFrameRing,
  txRingGeometry,
} from "../ring/tpacket.ts";
import {
  EAGAIN,
  ENOBUFS,
  errno,
  fail,
  interfaceIndex,
  interfaceMtu,
  type Libc,
  loadLibc,
  POLLIN,
  pollOne,
  POLLOUT,
  pollTimeout,
  strerror,
} from "./_libc.ts";
import { completeChecksum } from "./_csum.ts";
import { withCompiledFilter } from "./pcap.ts";
import {
  DriverError,
  type DriverOptions,
  type DriverStats,
  DriverSyscallError,
  type FrameReader,
  FrameSizeError,
  type FrameWriter,
  type PacketDriver,
} from "./types.ts";

const AF_PACKET = 17;
const SOCK_RAW = 3;
const ETH_P_ALL = 0x0003;
const SOL_SOCKET = 1;
const SO_ATTACH_FILTER = 26;
const SO_SNDBUFFORCE = 32;
const SO_RCVBUFFORCE = 33;
const SOL_PACKET = 263;
const PACKET_ADD_MEMBERSHIP = 1;
const PACKET_RX_RING = 5;
const PACKET_STATISTICS = 6;
const PACKET_VERSION = 10;
const PACKET_TX_RING = 13;
const PACKET_LOSS = 14;
const PACKET_VNET_HDR = 15;
const PACKET_QDISC_BYPASS = 20;
const PACKET_IGNORE_OUTGOING = 23;
const PACKET_MR_PROMISC = 1;
const TPACKET_V2 = 1;
const TPACKET_V3 = 2;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_POPULATE = 0x8000;
const MSG_DONTWAIT = 0x40;

function int32(value: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, value, true);
  return b;
}

function setOption(
  c: Libc,
  fd: number,
  level: number,
  option: number,
  value: Uint8Array<ArrayBuffer>,
  name: string,
): void {
  if (c.setsockopt(fd, level, option, value, value.byteLength) !== 0) {
    fail("ring", `setsockopt(${name})`);
  }
}

function sockaddrLl(
  ifindex: number,
  protocol: number,
): Uint8Array<ArrayBuffer> {
  // struct sockaddr_ll { u16 family; be16 protocol; i32 ifindex; u16 hatype; u8 pkttype; u8 halen; u8 addr[8]; }
  const b = new Uint8Array(20);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_PACKET, true);
  v.setUint16(2, protocol, false);
  v.setInt32(4, ifindex, true);
  return b;
}

interface Mapping {
  pointer: Deno.PointerObject;
  size: number;
  bytes: Uint8Array;
}

function mapRing(c: Libc, fd: number, size: number): Mapping {
  const pointer = c.mmap(
    null,
    BigInt(size),
    PROT_READ | PROT_WRITE,
    MAP_SHARED | MAP_POPULATE,
    fd,
    0n,
  );
  if (
    pointer === null ||
    Deno.UnsafePointer.value(pointer) === 0xffffffffffffffffn
  ) fail("ring", "mmap(packet ring)");
  return {
    pointer: pointer!,
    size,
    bytes: new Uint8Array(
      Deno.UnsafePointerView.getArrayBuffer(pointer!, size),
    ),
  };
}

/**
 * AF_PACKET with mmap'd kernel rings as a {@linkcode PacketDriver}. Open it
 * with `openDriver("ring:eth0")` or `AfPacketRingDriver.open`. Needs CAP_NET_RAW.
 *
 * @example
 * ```ts ignore
 * import { AfPacketRingDriver } from "@zon/net/drivers";
 * const driver = AfPacketRingDriver.open("eth0", { mode: "send" });
 * while (!driver.send(frame)) driver.flush();
 * driver.flush();
 * driver.close();
 * ```
 */
export class AfPacketRingDriver implements PacketDriver {
  /** The adapter name as given. */
  readonly name: string;
  /** Always `"ring"`. */
  readonly kind = "ring" as const;
  /** The interface. */
  readonly device: string;
  /** Largest frame `send` accepts: the interface MTU plus the Ethernet header, capped by the ring frame. */
  readonly maxFrameLength: number;
  /** True when flagged checksums are handed to the kernel/NIC through the `virtio_net_hdr`. */
  readonly checksumOffload: boolean;
  /** The receive socket (polls readable when a block is ready), or -1 when send-only. */
  readonly fd: number;
  /** The transmit socket, or -1 when receive-only. */
  readonly txFd: number;
  /** The TX ring view (null when receive-only). */
  readonly txRing: TxFrameRing | null;
  /** The RX ring view (null when send-only). */
  readonly rxRing: RxBlockRing | null;

  readonly #c: Libc;
  readonly #txMap: Mapping | null;
  readonly #rxMap: Mapping | null;
  readonly #txBytes: Uint8Array;
  readonly #rxBytes: Uint8Array;
  readonly #stats = new Uint8Array(12);
  readonly #statsLen = new Uint8Array(4);
  #rxDrops = 0;
  #received = 0;
  #closed = false;

  private constructor(
    name: string,
    device: string,
    c: Libc,
    tx: { fd: number; map: Mapping; ring: TxFrameRing } | null,
    rx: { fd: number; map: Mapping; ring: RxBlockRing } | null,
    mtu: number,
    checksumOffload: boolean,
  ) {
    this.name = name;
    this.device = device;
    this.#c = c;
    this.txFd = tx?.fd ?? -1;
    this.fd = rx?.fd ?? -1;
    this.#txMap = tx?.map ?? null;
    this.#rxMap = rx?.map ?? null;
    this.txRing = tx?.ring ?? null;
    this.rxRing = rx?.ring ?? null;
    this.#txBytes = tx?.map.bytes ?? new Uint8Array(0);
    this.#rxBytes = rx?.map.bytes ?? new Uint8Array(0);
    this.checksumOffload = checksumOffload;
    this.maxFrameLength = Math.min(mtu + 14, tx?.ring.maxFrameLength ?? 65535);
  }

  /**
   * Opens AF_PACKET sockets on `device`: a TPACKET_V2 TX ring (protocol 0, so
   * it receives nothing) and a TPACKET_V3 RX ring with the BPF filter attached
   * before it is bound, so no unfiltered frame is ever queued.
   *
   * @example
   * ```ts ignore
   * import { AfPacketRingDriver } from "@zon/net/drivers";
   * const rx = AfPacketRingDriver.open("eth0", { mode: "receive", filter: "tcp[13] == 18" });
   * ```
   */
  static open(
    device: string,
    options: DriverOptions = {},
    name = `ring:${device}`,
  ): AfPacketRingDriver {
    const c = loadLibc();
    const ifindex = interfaceIndex("ring", device);
    const mode = options.mode ?? "both";
    const opened: number[] = [];
    const maps: Mapping[] = [];
    try {
      let tx: { fd: number; map: Mapping; ring: TxFrameRing } | null = null;
      let rx: { fd: number; map: Mapping; ring: RxBlockRing } | null = null;
      let offload = false;
      if (mode !== "receive") {
        const fd = c.socket(AF_PACKET, SOCK_RAW, 0);
        if (fd < 0) {
          fail(
            "ring",
            "socket(AF_PACKET, SOCK_RAW) (needs root or CAP_NET_RAW)",
          );
        }
        opened.push(fd);
        setOption(
          c,
          fd,
          SOL_PACKET,
          PACKET_VERSION,
          int32(TPACKET_V2),
          "PACKET_VERSION",
        );
        // The vnet header carries checksum-offload requests and hdr_len, which
        // makes the kernel copy small frames linearly (see TxFrameRing.submit).
        // Must be set before the ring exists (the kernel answers EBUSY after);
        // kernels without it on TX rings fall back to plain frames.
        const vnet =
          c.setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, int32(1), 4) === 0;
        // Skip malformed frames instead of stalling the ring on them; send() validates lengths.
        setOption(c, fd, SOL_PACKET, PACKET_LOSS, int32(1), "PACKET_LOSS");
        if (options.qdiscBypass ?? true) {
          setOption(
            c,
            fd,
            SOL_PACKET,
            PACKET_QDISC_BYPASS,
            int32(1),
            "PACKET_QDISC_BYPASS",
          );
        }
        // Best effort: in-flight skbs are charged to the send buffer; a whole ring's worth avoids EAGAIN mid-batch.
        c.setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, int32(16 << 20), 4);
        const g = txRingGeometry(
          options.txFrames ?? 4096,
          options.txFrameSize ?? 2048,
        );
        const req = new Uint8Array(16);
        const rv = new DataView(req.buffer);
        rv.setUint32(0, g.blockSize, true);
        rv.setUint32(4, g.blockCount, true);
        rv.setUint32(8, g.frameSize, true);
        rv.setUint32(12, g.frameCount, true);
        setOption(c, fd, SOL_PACKET, PACKET_TX_RING, req, "PACKET_TX_RING");
        const map = mapRing(c, fd, g.blockSize * g.blockCount);
        maps.push(map);
        if (c.bind(fd, sockaddrLl(ifindex, 0), 20) !== 0) {
          fail("ring", `bind(${device})`);
        }
        tx = { fd, map, ring: new TxFrameRing(map.bytes, g, vnet) };
        offload = vnet && (options.checksumOffload ?? true);
      }
      if (mode !== "send") {
        const fd = c.socket(AF_PACKET, SOCK_RAW, 0);
        if (fd < 0) {
          fail(
            "ring",
            "socket(AF_PACKET, SOCK_RAW) (needs root or CAP_NET_RAW)",
          );
        }
        opened.push(fd);
        setOption(
          c,
          fd,
          SOL_PACKET,
          PACKET_VERSION,
          int32(TPACKET_V3),
          "PACKET_VERSION",
        );
        c.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, int32(4 << 20), 4);
        const g = rxRingGeometry(options.bufferSize ?? 32 << 20);
        const req = new Uint8Array(28);
        const rv = new DataView(req.buffer);
        rv.setUint32(0, g.blockSize, true);
        rv.setUint32(4, g.blockCount, true);
        rv.setUint32(8, g.frameSize, true);
        rv.setUint32(12, g.frameCount, true);
        rv.setUint32(16, 10, true); // retire_blk_tov: hand over a partly filled block after 10 ms
        setOption(c, fd, SOL_PACKET, PACKET_RX_RING, req, "PACKET_RX_RING");
        const map = mapRing(c, fd, g.blockSize * g.blockCount);
        maps.push(map);
        if (options.filter) {
          withCompiledFilter(
            options.filter,
            options.snaplen ?? 65535,
            (fprog) => {
              setOption(
                c,
                fd,
                SOL_SOCKET,
                SO_ATTACH_FILTER,
                fprog,
                "SO_ATTACH_FILTER",
              );
            },
            options.library,
          );
        }
        setOption(
          c,
          fd,
          SOL_PACKET,
          PACKET_IGNORE_OUTGOING,
          int32(1),
          "PACKET_IGNORE_OUTGOING",
        );
        if (options.promiscuous) {
          const mreq = new Uint8Array(16); // struct packet_mreq
          const mv = new DataView(mreq.buffer);
          mv.setInt32(0, ifindex, true);
          mv.setUint16(4, PACKET_MR_PROMISC, true);
          setOption(
            c,
            fd,
            SOL_PACKET,
            PACKET_ADD_MEMBERSHIP,
            mreq,
            "PACKET_ADD_MEMBERSHIP",
          );
        }
        // Binding with a protocol is what starts delivery: after the filter.
        if (c.bind(fd, sockaddrLl(ifindex, ETH_P_ALL), 20) !== 0) {
          fail("ring", `bind(${device})`);
        }
        rx = { fd, map, ring: new RxBlockRing(map.bytes, g) };
      }
      return new AfPacketRingDriver(
        name,
        device,
        c,
        tx,
        rx,
        interfaceMtu(device),
        offload,
      );
    } catch (e) {
      for (const m of maps) c.munmap(m.pointer, BigInt(m.size));
      for (const fd of opened) c.close(fd);
      throw e;
    }
  }

  #noTx(): never {
    throw new DriverError(
      "ring",
      "ring: driver opened with mode 'receive' cannot send",
    );
  }

  /**
   * Copies `frame` into the next TX ring slot; false when the ring is full
   * (call `flush`, then retry). Nothing is sent until `flush`.
   *
   * @example
   * ```ts ignore
   * while (!driver.send(frame)) driver.flush();
   * ```
   */
  send(frame: Uint8Array, csumStart = -1, csumOffset = 0): boolean {
    const tx = this.txRing ?? this.#noTx();
    const length = frame.length;
    if (length < 14 || length > this.maxFrameLength) {
      throw new FrameSizeError("ring", length, this.maxFrameLength);
    }
    const at = tx.acquire();
    if (at < 0) return false;
    this.#txBytes.set(frame, at);
    if (csumStart >= 0 && !this.checksumOffload) {
      completeChecksum(this.#txBytes, at, length, csumStart, csumOffset);
      csumStart = -1;
    }
    tx.submit(length, csumStart, csumOffset);
    return true;
  }

  /**
   * Lets `write` build the frame directly in the mmap'd TX ring slot (no
   * copy); false when the ring is full (`write` is not called).
   *
   * @example
   * ```ts ignore
   * driver.sendWith((buf, at) => { buf.set(template, at); return template.length; });
   * ```
   */
  sendWith(write: FrameWriter, csumStart = -1, csumOffset = 0): boolean {
    const tx = this.txRing ?? this.#noTx();
    const at = tx.acquire();
    if (at < 0) return false;
    const length = write(this.#txBytes, at, this.maxFrameLength);
    if (length <= 0) return true;
    if (length < 14 || length > this.maxFrameLength) {
      throw new FrameSizeError("ring", length, this.maxFrameLength);
    }
    if (csumStart >= 0 && !this.checksumOffload) {
      completeChecksum(this.#txBytes, at, length, csumStart, csumOffset);
      csumStart = -1;
    }
    tx.submit(length, csumStart, csumOffset);
    return true;
  }

  /**
   * Frames queued in the TX ring and not yet confirmed sent.
   *
   * @example
   * ```ts ignore
   * if (driver.pending >= 256) driver.flush();
   * ```
   */
  get pending(): number {
    return this.txRing?.pending ?? 0;
  }

  /**
   * One `sendto` hands every queued frame to the kernel, which transmits them
   * in ring order. When the kernel is out of buffer space (EAGAIN/ENOBUFS)
   * the remaining frames stay queued for the next flush.
   *
   * @example
   * ```ts ignore
   * driver.flush();
   * ```
   */
  flush(): void {
    const tx = this.txRing;
    if (tx === null || tx.pending === 0) return;
    if (this.#c.sendto(this.txFd, null, 0n, MSG_DONTWAIT, null, 0) < 0) {
      const code = errno();
      if (code !== EAGAIN && code !== ENOBUFS) {
        throw new DriverSyscallError(
          "ring",
          "sendto(TX ring flush)",
          code,
          strerror(code),
        );
      }
    }
    tx.reclaim();
  }

  /**
   * Blocks until the TX ring has a free slot (poll POLLOUT), up to `timeoutMs`.
   *
   * @example
   * ```ts ignore
   * if (!driver.send(frame)) { driver.flush(); driver.waitForSpace(10); }
   * ```
   */
  waitForSpace(timeoutMs: number): boolean {
    if (this.txRing === null) return false;
    if (this.txRing.acquire() >= 0) return true;
    pollOne(this.txFd, POLLOUT, pollTimeout(timeoutMs));
    return this.txRing.acquire() >= 0;
  }

  /**
   * Next received frame as a view into the mmap'd RX ring, valid until the
   * next receive call; null when nothing is waiting.
   *
   * @example
   * ```ts ignore
   * for (let f = driver.recv(); f; f = driver.recv()) console.log(f.length);
   * ```
   */
  recv(): Uint8Array | null {
    const rx = this.rxRing;
    if (rx === null) return null;
    const at = rx.next();
    if (at < 0) return null;
    this.#received++;
    return this.#rxBytes.subarray(at, at + rx.frameLength);
  }

  /**
   * Calls `read` for up to `max` waiting frames in place, without allocating.
   *
   * @example
   * ```ts ignore
   * driver.recvBatch((buf, at, len) => console.log(buf[at + 12], len), 256);
   * ```
   */
  recvBatch(read: FrameReader, max = Infinity): number {
    const rx = this.rxRing;
    if (rx === null) return 0;
    const bytes = this.#rxBytes;
    let n = 0;
    while (n < max) {
      const at = rx.next();
      if (at < 0) break;
      read(bytes, at, rx.frameLength);
      n++;
    }
    this.#received += n;
    return n;
  }

  /**
   * Blocks until the kernel hands over an RX block (poll POLLIN), up to
   * `timeoutMs`; true when frames are waiting.
   *
   * @example
   * ```ts ignore
   * if (driver.recv() === null) driver.wait(100);
   * ```
   */
  wait(timeoutMs: number): boolean {
    const rx = this.rxRing;
    if (rx === null) return false;
    if (rx.ready) return true;
    pollOne(this.fd, POLLIN, pollTimeout(timeoutMs));
    return rx.ready;
  }

  /**
   * Sent (frames the kernel took from the TX ring), received, and dropped
   * (kernel RX drops from PACKET_STATISTICS plus frames the kernel rejected).
   *
   * @example
   * ```ts ignore
   * const { sent, received, dropped } = driver.stats();
   * ```
   */
  stats(): DriverStats {
    this.txRing?.reclaim();
    if (this.rxRing !== null && !this.#closed) {
      // struct tpacket_stats_v3 { tp_packets, tp_drops, tp_freeze_q_cnt }; reading resets it.
      new DataView(this.#statsLen.buffer).setUint32(0, 12, true);
      if (
        this.#c.getsockopt(
          this.fd,
          SOL_PACKET,
          PACKET_STATISTICS,
          this.#stats,
          this.#statsLen,
        ) === 0
      ) {
        this.#rxDrops += new DataView(this.#stats.buffer).getUint32(4, true);
      }
    }
    return {
      sent: this.txRing?.sent ?? 0,
      received: this.#received,
      dropped: this.#rxDrops + (this.txRing?.wrongFormat ?? 0),
    };
  }

  /**
   * Flushes what is queued, unmaps the rings and closes the sockets; idempotent.
   *
   * @example
   * ```ts ignore
   * driver.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
      this.stats();
    } finally {
      this.#closed = true;
      const c = this.#c;
      if (this.#txMap) c.munmap(this.#txMap.pointer, BigInt(this.#txMap.size));
      if (this.#rxMap) c.munmap(this.#rxMap.pointer, BigInt(this.#rxMap.size));
      if (this.txFd >= 0) c.close(this.txFd);
      if (this.fd >= 0) c.close(this.fd);
    }
  }
}
