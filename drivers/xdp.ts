/**
 * The `xdp:` driver: an AF_XDP socket driven through libc with
 * `Deno.dlopen` (no libxdp, no libbpf). The process owns a UMEM of frames;
 * four rings shared with the kernel by mmap move frame addresses between
 * them: fill (frames the kernel may receive into), RX (received frames),
 * TX (frames to send) and completion (sent frames, free again).
 *
 * Transmit: frames are written in place into UMEM frames (`sendWith`), their
 * descriptors posted in batches by one producer-index store per `flush`,
 * and the kernel kicked with `sendto` only when it says it sleeps
 * (`XDP_USE_NEED_WAKEUP`). Zero copy (`XDP_ZEROCOPY`) is asked for first,
 * copy mode used when the NIC driver has none; `zeroCopy` says which.
 *
 * Receive: AF_XDP sees only what an XDP program redirects to it. The driver
 * loads its own (see `xdp_program.ts`): frames for the scan's source address
 * and source-port range, and ARP/NDP for that address, go to the socket;
 * everything else passes to the kernel's stack. The program is attached
 * through a BPF link owned by this process, so closing the driver, or the
 * process dying, detaches it.
 *
 * Adapter names: `xdp:IF` (queue 0), `xdp:IF@Q` (queue Q), `xdp+zc:IF`
 * (zero copy or an error).
 *
 * @module
 */

import type { XdpConsumerRing, XdpProducerRing } from "../ring/xdp.ts";
import {
  AF_XDP,
  bindSocket,
  checkInterface,
  createRings,
  EBUSY,
  ENETDOWN,
  FRAME_SIZE,
  KICK_RETRIES,
  MSG_DONTWAIT,
  openSharedSocket,
  powerOfTwo,
  registerUmem,
  Resources,
  type Rings,
  rxQueueCount,
  SOCK_RAW,
  socketError,
  SOL_XDP,
  XDP_STATISTICS,
} from "./_xdp_socket.ts";
import {
  EAGAIN,
  ENOBUFS,
  errno,
  interfaceMtu,
  type Libc,
  loadLibc,
  POLLIN,
  pollOne,
  pollTimeout,
  strerror,
} from "./_libc.ts";
import { completeChecksum } from "./_csum.ts";
import { type XdpAttachMode, XdpProgram } from "./xdp_program.ts";
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

/**
 * The options `xdp:` reads: {@linkcode DriverOptions}' `mode`, `txFrames`,
 * and its `xdp:` fields `xdpMatch`, `xdpAttach`, `rxFrames`.
 *
 * @example
 * ```ts
 * import type { XdpDriverOptions } from "@zon/net/drivers";
 * const o: XdpDriverOptions = { mode: "both", xdpMatch: { ipv4: "198.18.0.9", portLow: 61000 } };
 * ```
 */
export type XdpDriverOptions = DriverOptions;

/**
 * What {@linkcode XdpDriver.shareHandle} hands to a send-only driver in
 * another thread: the owner's socket, its UMEM, and the frames lent out.
 *
 * @example
 * ```ts ignore
 * const handle: XdpShareHandle = rx.shareHandle();
 * ```
 */
export interface XdpShareHandle {
  /** The owning AF_XDP socket. */
  fd: number;
  /** Address of the UMEM in this process. */
  umemAddress: bigint;
  /** UMEM bytes. */
  umemSize: number;
  /** The first `txFrames` UMEM frames (and the completion ring) are the sharer's. */
  txFrames: number;
  /** Interface and queue both sockets are bound to. */
  ifname: string;
  /** The queue. */
  queue: number;
  /** Whether the owner is bound in zero-copy mode (the sharer inherits it). */
  zeroCopy: boolean;
}

/**
 * Parses the device part of an `xdp:` adapter name, `IF` or `IF@Q`.
 *
 * @example
 * ```ts
 * import { parseXdpDevice } from "@zon/net/drivers";
 * console.log(parseXdpDevice("eth0@3")); // { ifname: "eth0", queue: 3 }
 * ```
 */
export function parseXdpDevice(
  device: string,
): { ifname: string; queue: number } {
  const at = device.lastIndexOf("@");
  if (at < 0) return { ifname: device, queue: 0 };
  const q = device.slice(at + 1);
  if (!/^\d+$/.test(q)) {
    throw new DriverError(
      "xdp",
      `xdp: "${device}": the queue after @ must be a number (xdp:IF@Q)`,
    );
  }
  return { ifname: device.slice(0, at), queue: Number(q) };
}

/**
 * AF_XDP as a {@linkcode PacketDriver}. Open it with `openDriver("xdp:eth0")`
 * (or `xdp:eth0@2`, `xdp+zc:eth0`) or `XdpDriver.open`. Needs root (or
 * CAP_NET_RAW; receiving also CAP_NET_ADMIN and CAP_BPF).
 *
 * @example
 * ```ts ignore
 * import { XdpDriver } from "@zon/net/drivers";
 * const driver = XdpDriver.open("eth0", {
 *   mode: "both",
 *   xdpMatch: { ipv4: "192.0.2.9", portLow: 61000, portHigh: 61000 },
 * });
 * console.log(driver.zeroCopy, driver.attachMode);
 * driver.close();
 * ```
 */
export class XdpDriver implements PacketDriver {
  /** The adapter name as given. */
  readonly name: string;
  /** Always `"xdp"`. */
  readonly kind = "xdp" as const;
  /** The interface. */
  readonly device: string;
  /** The queue the socket is bound to. */
  readonly queue: number;
  /** Largest frame `send` accepts: the interface MTU plus the Ethernet header, capped by a UMEM frame. */
  readonly maxFrameLength: number;
  /** Always false: AF_XDP has no checksum offload here; flagged checksums are completed in software. */
  readonly checksumOffload = false;
  /** The AF_XDP socket (polls readable when the RX ring has frames). */
  readonly fd: number;
  /** True when the kernel bound the socket in zero-copy mode (`XDP_ZEROCOPY`), false in copy mode. */
  readonly zeroCopy: boolean;
  /** How the receive program is attached (`"native"`, `"generic"`), or null when send-only. */
  readonly attachMode: XdpAttachMode | null;
  /** The kernel's id of the receive program (as `ip link` shows it), or 0 when send-only. */
  readonly programId: number;
  /** The UMEM: every frame, sent or received, lives here. */
  readonly umem: Uint8Array;
  /** The TX and completion rings (null when receive-only). */
  readonly txRing: XdpProducerRing | null;
  /** The completion ring (null when receive-only). */
  readonly completionRing: XdpConsumerRing | null;
  /** The RX ring (null when send-only). */
  readonly rxRing: XdpConsumerRing | null;
  /** The fill ring (null for a driver on another's UMEM, `xdpShare`). */
  readonly fillRing: XdpProducerRing | null;

  readonly #c: Libc;
  readonly #r: Resources;
  readonly #free: Uint32Array; // stack of free TX frame addresses
  #freeTop: number;
  #queued = 0; // descriptors written, not yet submitted
  #room = 0; // TX slots known free
  #sent = 0;
  #rxHeld = 0; // 1 while recv()'s frame is lent out
  #received = 0;
  #closed = false;
  readonly #stats = new Uint8Array(48);
  readonly #statsLen = new Uint8Array(4);
  #lentFrames = 0; // UMEM frames reserved for a driver in another thread (xdpShareable)

  private constructor(
    name: string,
    device: string,
    queue: number,
    r: Resources,
    rings: Rings,
    txFrames: number,
    zeroCopy: boolean,
    mtu: number,
  ) {
    this.name = name;
    this.device = device;
    this.queue = queue;
    this.#c = r.c;
    this.#r = r;
    this.fd = r.fd;
    this.umem = r.umem!.bytes;
    this.txRing = rings.tx;
    this.completionRing = rings.cq;
    this.rxRing = rings.rx;
    this.fillRing = rings.fq;
    this.zeroCopy = zeroCopy;
    this.attachMode = r.program?.attachMode ?? null;
    this.programId = r.program?.id ?? 0;
    this.maxFrameLength = Math.min(mtu + 14, FRAME_SIZE);
    // TX frames are the first txFrames chunks of the UMEM, RX frames the rest.
    this.#free = new Uint32Array(txFrames);
    for (let i = 0; i < txFrames; i++) {
      this.#free[i] = (txFrames - 1 - i) * FRAME_SIZE;
    }
    this.#freeTop = txFrames;
  }

  /**
   * Opens an AF_XDP socket on `device` (`IF` or `IF@QUEUE`): UMEM, rings,
   * bind (zero copy first, copy mode unless `zeroCopyRequired`), and for
   * receiving the XDP program that redirects `options.xdpMatch` to it.
   *
   * @example
   * ```ts ignore
   * import { XdpDriver } from "@zon/net/drivers";
   * const tx = XdpDriver.open("eth0@1", { mode: "send" });
   * ```
   */
  static open(
    device: string,
    options: XdpDriverOptions = {},
    name = `xdp:${device}`,
    zeroCopyRequired = false,
  ): XdpDriver {
    const { ifname, queue } = parseXdpDevice(device);
    if (options.xdpShare) {
      return XdpDriver.#openShared(ifname, queue, options, name);
    }
    const mode = options.mode ?? "both";
    const receive = mode !== "send";
    const transmit = mode !== "receive";
    if (receive && options.xdpMatch === undefined) {
      throw new DriverError(
        "xdp",
        `xdp: receiving needs options.xdpMatch (the scan's source address and ports): AF_XDP sees only what its XDP program redirects`,
      );
    }
    const txFrames = transmit
      ? powerOfTwo("txFrames", options.txFrames ?? 4096)
      : 0;
    const rxFrames = receive
      ? powerOfTwo("rxFrames", options.rxFrames ?? 4096)
      : 0;
    if (options.xdpShareable && mode !== "receive") {
      throw new DriverError(
        "xdp",
        `xdp: xdpShareable needs mode "receive" (the completion ring is the sharer's alone)`,
      );
    }
    const lent = options.xdpShareable
      ? powerOfTwo("txFrames", options.txFrames ?? 4096)
      : 0;
    const c = loadLibc();
    const ifindex = checkInterface(ifname, queue);
    const r = new Resources(c);
    try {
      r.fd = c.socket(AF_XDP, SOCK_RAW, 0);
      if (r.fd < 0) socketError();
      registerUmem(c, r, txFrames + lent + rxFrames);
      const rings = createRings(c, r, txFrames, rxFrames, lent);
      const zeroCopy = bindSocket(
        c,
        r.fd,
        ifindex,
        ifname,
        queue,
        zeroCopyRequired,
      );
      if (receive) {
        const queues = Math.max(queue + 1, rxQueueCount(ifname));
        r.program = XdpProgram.load(options.xdpMatch!, queues);
        r.program.bindSocket(queue, r.fd);
        r.program.attach(ifindex, ifname, options.xdpAttach);
      }
      const driver = new XdpDriver(
        name,
        ifname,
        queue,
        r,
        rings,
        txFrames,
        zeroCopy,
        interfaceMtu(ifname),
      );
      driver.#lentFrames = lent;
      return driver;
    } catch (e) {
      r.release();
      throw e;
    }
  }

  /**
   * What a send-only driver in another thread (a Worker) needs to transmit
   * through this driver's UMEM on the same queue (`XDP_SHARED_UMEM`): pass
   * it as `xdpShare`. Only for drivers opened with `xdpShareable`. Plain
   * data, so it can be posted to a Worker. Close the sharer first; this
   * driver then leaves the UMEM mapped until the process exits, so a sharer
   * that outlives it cannot touch unmapped memory.
   *
   * @example
   * ```ts ignore
   * const rx = XdpDriver.open("eth0", { mode: "receive", xdpShareable: true, xdpMatch });
   * worker.postMessage(rx.shareHandle()); // the Worker: openDriver("xdp:eth0", { mode: "send", xdpShare })
   * ```
   */
  shareHandle(): XdpShareHandle {
    if (this.#lentFrames === 0 || this.#closed) {
      throw new DriverError(
        "xdp",
        "xdp: shareHandle() needs a driver opened with xdpShareable (and not closed)",
      );
    }
    this.#r.unmapUmem = false;
    return {
      fd: this.fd,
      umemAddress: Deno.UnsafePointer.value(this.#r.umem!.pointer),
      umemSize: this.#r.umem!.size,
      txFrames: this.#lentFrames,
      ifname: this.device,
      queue: this.queue,
      zeroCopy: this.zeroCopy,
    };
  }

  /** A send-only driver on another driver's UMEM and completion ring (`xdpShare`). */
  static #openShared(
    ifname: string,
    queue: number,
    options: XdpDriverOptions,
    name: string,
  ): XdpDriver {
    const h = options.xdpShare!;
    if ((options.mode ?? "both") !== "send") {
      throw new DriverError(
        "xdp",
        `xdp: a driver on another's UMEM (xdpShare) is send-only: open it with mode "send"`,
      );
    }
    if (ifname !== h.ifname || queue !== h.queue) {
      throw new DriverError(
        "xdp",
        `xdp: xdpShare is for ${h.ifname}@${h.queue}, not ${ifname}@${queue}`,
      );
    }
    const c = loadLibc();
    const ifindex = checkInterface(ifname, queue);
    const r = new Resources(c);
    r.unmapUmem = false;
    try {
      const rings = openSharedSocket(c, r, h, ifindex, queue);
      return new XdpDriver(
        name,
        ifname,
        queue,
        r,
        rings,
        h.txFrames,
        h.zeroCopy,
        interfaceMtu(ifname),
      );
    } catch (e) {
      r.release();
      throw e;
    }
  }

  #noTx(): never {
    throw new DriverError(
      "xdp",
      "xdp: driver opened with mode 'receive' cannot send",
    );
  }

  /** Takes frames back from the completion ring onto the free stack. */
  #reclaim(): void {
    const cq = this.completionRing;
    if (cq === null) return;
    const n = cq.peek(cq.size);
    if (n === 0) return;
    const free = this.#free;
    let top = this.#freeTop;
    for (let i = 0; i < n; i++) free[top++] = cq.address(i);
    cq.release(n);
    this.#freeTop = top;
    this.#sent += n;
  }

  /** A UMEM address for the next frame, or -1 when the TX ring or the frames are exhausted. */
  #acquire(): number {
    const tx = this.txRing ?? this.#noTx();
    if (this.#queued >= this.#room) {
      this.#room = tx.reserve(tx.size);
      if (this.#queued >= this.#room) return -1;
    }
    if (this.#freeTop === 0) {
      this.#reclaim();
      if (this.#freeTop === 0) return -1;
    }
    return this.#free[--this.#freeTop];
  }

  #post(
    address: number,
    length: number,
    csumStart: number,
    csumOffset: number,
  ): void {
    if (length < 14 || length > this.maxFrameLength) {
      this.#free[this.#freeTop++] = address;
      throw new FrameSizeError("xdp", length, this.maxFrameLength);
    }
    if (csumStart >= 0) {
      completeChecksum(this.umem, address, length, csumStart, csumOffset);
    }
    this.txRing!.setDescriptor(this.#queued++, address, length);
  }

  /**
   * Copies `frame` into a free UMEM frame and queues its descriptor; false
   * when the TX ring is full or every frame is in flight (call `flush`).
   *
   * @example
   * ```ts ignore
   * while (!driver.send(frame)) driver.flush();
   * ```
   */
  send(frame: Uint8Array, csumStart = -1, csumOffset = 0): boolean {
    if (frame.length < 14 || frame.length > this.maxFrameLength) {
      throw new FrameSizeError("xdp", frame.length, this.maxFrameLength);
    }
    const at = this.#acquire();
    if (at < 0) return false;
    this.umem.set(frame, at);
    this.#post(at, frame.length, csumStart, csumOffset);
    return true;
  }

  /**
   * Lets `write` build the frame in place in a UMEM frame; false when the
   * TX ring is full or every frame is in flight (`write` not called).
   *
   * @example
   * ```ts ignore
   * driver.sendWith((buf, at) => { buf.set(template, at); return template.length; });
   * ```
   */
  sendWith(write: FrameWriter, csumStart = -1, csumOffset = 0): boolean {
    const at = this.#acquire();
    if (at < 0) return false;
    const length = write(this.umem, at, this.maxFrameLength);
    if (length <= 0) {
      this.#free[this.#freeTop++] = at;
      return true;
    }
    this.#post(at, length, csumStart, csumOffset);
    return true;
  }

  /**
   * Frames queued or in the TX ring and not yet completed.
   *
   * @example
   * ```ts ignore
   * if (driver.pending >= 256) driver.flush();
   * ```
   */
  get pending(): number {
    return this.#free.length - this.#freeTop;
  }

  /**
   * Publishes the queued descriptors (one producer-index store), kicks the
   * kernel with `sendto` when it asks for it, and reclaims completed frames.
   * In copy mode the kernel sends a bounded batch per `sendto`; the kick is
   * repeated while it makes progress.
   *
   * @example
   * ```ts ignore
   * driver.flush();
   * ```
   */
  flush(): void {
    const tx = this.txRing;
    if (tx === null) return;
    if (this.#queued > 0) {
      tx.submit(this.#queued);
      this.#room -= this.#queued;
      this.#queued = 0;
    }
    for (let tries = 0; tries < KICK_RETRIES && tx.needsWakeup; tries++) {
      const before = tx.consumer;
      if (before === tx.producer) break;
      if (this.#c.sendto(this.fd, null, 0n, MSG_DONTWAIT, null, 0) < 0) {
        const code = errno();
        if (code === ENETDOWN) {
          throw new DriverSyscallError(
            "xdp",
            "sendto(TX kick)",
            code,
            `${this.device} is down`,
          );
        }
        if (code !== EAGAIN && code !== ENOBUFS && code !== EBUSY) {
          throw new DriverSyscallError(
            "xdp",
            "sendto(TX kick)",
            code,
            strerror(code),
          );
        }
      }
      if (tx.consumer === before) break; // no progress: the device queue is full
    }
    this.#reclaim();
  }

  /**
   * Next received frame as a view into the UMEM, valid until the next
   * receive call; null when nothing is waiting.
   *
   * @example
   * ```ts ignore
   * for (let f = driver.recv(); f; f = driver.recv()) console.log(f.length);
   * ```
   */
  recv(): Uint8Array | null {
    const rx = this.rxRing;
    if (rx === null) return null;
    if (this.#rxHeld) this.#refill(1);
    if (rx.peek(1) === 0) return null;
    this.#rxHeld = 1;
    this.#received++;
    const at = rx.address(0);
    return this.umem.subarray(at, at + rx.length(0));
  }

  /** Returns the first `n` RX entries' frames to the fill ring and releases them. */
  #refill(n: number): void {
    const rx = this.rxRing!;
    const fq = this.fillRing!; // a receiving driver always has one
    // The fill ring holds every RX frame, so there is always room.
    const mask = -FRAME_SIZE;
    for (let i = 0; i < n; i++) fq.setAddress(i, rx.address(i) & mask);
    fq.submit(n);
    rx.release(n);
    this.#rxHeld = 0;
    // Zero copy with XDP_USE_NEED_WAKEUP: a driver that ran out of fill
    // entries sleeps until a syscall; a poll that does not wait wakes it.
    if (fq.needsWakeup) pollOne(this.fd, POLLIN, 0);
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
    if (this.#rxHeld) this.#refill(1);
    const n = rx.peek(max < rx.size ? max : rx.size);
    const umem = this.umem;
    for (let i = 0; i < n; i++) read(umem, rx.address(i), rx.length(i));
    if (n > 0) this.#refill(n);
    this.#received += n;
    return n;
  }

  /**
   * Blocks until the RX ring has frames (poll POLLIN), up to `timeoutMs`.
   *
   * @example
   * ```ts ignore
   * if (driver.recv() === null) driver.wait(100);
   * ```
   */
  wait(timeoutMs: number): boolean {
    const rx = this.rxRing;
    if (rx === null) return false;
    if (rx.peek(1 + this.#rxHeld) > this.#rxHeld) return true;
    pollOne(this.fd, POLLIN, pollTimeout(timeoutMs));
    return rx.peek(1 + this.#rxHeld) > this.#rxHeld;
  }

  /**
   * Sent (frames the kernel completed), received, and dropped (the socket's
   * `XDP_STATISTICS`: RX drops, RX ring full, invalid descriptors).
   *
   * @example
   * ```ts ignore
   * const { sent, received, dropped } = driver.stats();
   * ```
   */
  stats(): DriverStats {
    this.#reclaim();
    let dropped = 0;
    if (!this.#closed) {
      new DataView(this.#statsLen.buffer).setUint32(0, 48, true);
      if (
        this.#c.getsockopt(
          this.fd,
          SOL_XDP,
          XDP_STATISTICS,
          this.#stats,
          this.#statsLen,
        ) === 0
      ) {
        const v = new DataView(this.#stats.buffer);
        // rx_dropped, rx_invalid_descs, tx_invalid_descs, rx_ring_full
        for (const at of [0, 8, 16, 24]) {
          dropped += Number(v.getBigUint64(at, true));
        }
      }
    }
    return { sent: this.#sent, received: this.#received, dropped };
  }

  /**
   * Flushes, waits briefly for the last completions, detaches the program
   * and releases the socket, rings and UMEM; idempotent.
   *
   * @example
   * ```ts ignore
   * driver.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    try {
      if (this.txRing !== null) {
        this.flush();
        const deadline = performance.now() + 100;
        while (this.pending > 0 && performance.now() < deadline) this.flush();
      }
    } finally {
      this.#closed = true;
      this.#r.release();
    }
  }
}
