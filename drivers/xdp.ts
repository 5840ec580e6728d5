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

import {
  XDP_ADDR_SIZE,
  XDP_DESC_SIZE,
  XdpConsumerRing,
  XdpProducerRing,
  xdpRingBytes,
  type XdpRingOffsets,
} from "../ring/xdp.ts";
import {
  EAGAIN,
  ENOBUFS,
  errno,
  interfaceIndex,
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
  DriverUnavailableError,
  type FrameReader,
  FrameSizeError,
  type FrameWriter,
  type PacketDriver,
} from "./types.ts";

const AF_XDP = 44;
const SOCK_RAW = 3;
const SOL_XDP = 283;
const XDP_MMAP_OFFSETS = 1;
const XDP_RX_RING = 2;
const XDP_TX_RING = 3;
const XDP_UMEM_REG = 4;
const XDP_UMEM_FILL_RING = 5;
const XDP_UMEM_COMPLETION_RING = 6;
const XDP_STATISTICS = 7;
const XDP_SHARED_UMEM = 1 << 0;
const XDP_COPY = 1 << 1;
const XDP_ZEROCOPY = 1 << 2;
const XDP_USE_NEED_WAKEUP = 1 << 3;
const PGOFF_RX_RING = 0n;
const PGOFF_TX_RING = 0x80000000n;
const PGOFF_FILL_RING = 0x100000000n;
const PGOFF_COMPLETION_RING = 0x180000000n;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_PRIVATE = 2;
const MAP_ANONYMOUS = 0x20;
const MAP_POPULATE = 0x8000;
const MSG_DONTWAIT = 0x40;
const EPERM = 1;
const EACCES = 13;
const ENOMEM = 12;
const EBUSY = 16;
const EINVAL = 22;
const ENETDOWN = 100;
const EAFNOSUPPORT = 97;
const EOPNOTSUPP = 95;
const ENOTSUPP = 524;
/** Bytes per UMEM frame: the smallest aligned chunk the kernel takes. */
const FRAME_SIZE = 2048;
/** Kicks per flush while the kernel makes progress (copy mode sends a bounded batch per `sendto`). */
const KICK_RETRIES = 64;

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

interface Mapping {
  pointer: Deno.PointerObject;
  size: number;
  bytes: Uint8Array;
}

function isMapFailed(p: Deno.PointerValue): boolean {
  return p === null || Deno.UnsafePointer.value(p) === 0xffffffffffffffffn;
}

function u32(value: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value, true);
  return b;
}

function powerOfTwo(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 16 || (n & (n - 1)) !== 0) {
    throw new DriverError(
      "xdp",
      `xdp: ${name} must be a power of two ≥ 16, got ${n}`,
    );
  }
  return n;
}

/** The "Max locked memory" soft limit of this process, in bytes (Infinity when unlimited). */
function memlockLimit(): number {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").split("\n")
      .find((l) => l.startsWith("Max locked memory"));
    const soft = line?.split(/\s{2,}/)[1] ?? "";
    return soft === "unlimited" ? Infinity : Number(soft);
  } catch {
    return NaN;
  }
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

/** Checks the interface exists, is up, and has receive queue `queue`; returns its ifindex. */
function checkInterface(ifname: string, queue: number): number {
  const ifindex = interfaceIndex("xdp", ifname);
  let flags = 0;
  try {
    flags = Number(Deno.readTextFileSync(`/sys/class/net/${ifname}/flags`));
  } catch { /* no sysfs: bind reports it */ }
  if ((flags & 1) === 0) {
    throw new DriverError(
      "xdp",
      `xdp: interface ${ifname} is down (bring it up: ip link set dev ${ifname} up)`,
    );
  }
  const queues = rxQueueCount(ifname); // 0: unknown, bind decides
  if (queues > 0 && queue >= queues) {
    throw new DriverError(
      "xdp",
      `xdp: queue ${queue} is out of range: ${ifname} has ${queues} receive queue${
        queues === 1 ? "" : "s"
      } (0..${queues - 1})`,
    );
  }
  return ifindex;
}

function socketError(): never {
  const code = errno();
  if (code === EAFNOSUPPORT) {
    throw new DriverUnavailableError(
      "xdp",
      "xdp: this kernel has no AF_XDP sockets (CONFIG_XDP_SOCKETS, Linux ≥ 4.18)",
    );
  }
  if (code === EPERM || code === EACCES) {
    throw new DriverSyscallError(
      "xdp",
      "socket(AF_XDP)",
      code,
      "missing privileges: AF_XDP needs root or CAP_NET_RAW (and CAP_NET_ADMIN, CAP_BPF to receive)",
    );
  }
  throw new DriverSyscallError("xdp", "socket(AF_XDP)", code, strerror(code));
}

/** Everything `open` builds, released in reverse on failure and on close. */
class Resources {
  fd = -1;
  umem: Mapping | null = null;
  maps: Mapping[] = [];
  program: XdpProgram | null = null;
  /** False when the UMEM belongs to another driver (`xdpShare`), or was lent to one. */
  unmapUmem = true;
  constructor(readonly c: Libc) {}
  release(): void {
    this.program?.close();
    for (const m of this.maps) this.c.munmap(m.pointer, BigInt(m.size));
    if (this.umem && this.unmapUmem) {
      this.c.munmap(this.umem.pointer, BigInt(this.umem.size));
    }
    if (this.fd >= 0) this.c.close(this.fd);
    this.fd = -1;
    this.maps = [];
    this.umem = null;
    this.program = null;
  }
}

function setRingSize(
  c: Libc,
  fd: number,
  option: number,
  size: number,
  name: string,
): void {
  if (c.setsockopt(fd, SOL_XDP, option, u32(size), 4) !== 0) {
    const code = errno();
    throw new DriverSyscallError(
      "xdp",
      `setsockopt(${name}, ${size})`,
      code,
      strerror(code),
    );
  }
}

function registerUmem(c: Libc, r: Resources, frames: number): void {
  const size = frames * FRAME_SIZE;
  const p = c.mmap(
    null,
    BigInt(size),
    PROT_READ | PROT_WRITE,
    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
    -1,
    0n,
  );
  if (isMapFailed(p)) {
    const code = errno();
    throw new DriverSyscallError(
      "xdp",
      `mmap(UMEM of ${size} bytes)`,
      code,
      strerror(code),
    );
  }
  r.umem = {
    pointer: p!,
    size,
    bytes: new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p!, size)),
  };
  // struct xdp_umem_reg { u64 addr; u64 len; u32 chunk_size; u32 headroom; u32 flags; u32 tx_metadata_len; }
  const reg = new Uint8Array(32);
  const v = new DataView(reg.buffer);
  v.setBigUint64(0, Deno.UnsafePointer.value(p!), true);
  v.setBigUint64(8, BigInt(size), true);
  v.setUint32(16, FRAME_SIZE, true);
  if (c.setsockopt(r.fd, SOL_XDP, XDP_UMEM_REG, reg, 32) !== 0) {
    const code = errno();
    if (code === ENOBUFS || code === ENOMEM || code === EPERM) {
      const limit = memlockLimit();
      throw new DriverSyscallError(
        "xdp",
        "setsockopt(XDP_UMEM_REG)",
        code,
        `a UMEM of ${size} bytes (${frames} frames of ${FRAME_SIZE}) is more than the locked-memory limit RLIMIT_MEMLOCK allows (${
          limit === Infinity ? "unlimited" : `${limit} bytes`
        }; ulimit -l / prlimit --memlock, CAP_IPC_LOCK lifts it) — or ask for fewer txFrames/rxFrames`,
      );
    }
    throw new DriverSyscallError(
      "xdp",
      "setsockopt(XDP_UMEM_REG)",
      code,
      strerror(code),
    );
  }
}

/** `struct xdp_mmap_offsets`: the rx, tx, fill and completion rings' offsets. */
function mmapOffsets(c: Libc, fd: number): XdpRingOffsets[] {
  const buf = new Uint8Array(128);
  const len = u32(128);
  if (c.getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, buf, len) !== 0) {
    const code = errno();
    throw new DriverSyscallError(
      "xdp",
      "getsockopt(XDP_MMAP_OFFSETS)",
      code,
      strerror(code),
    );
  }
  if (new DataView(len.buffer).getUint32(0, true) < 128) {
    throw new DriverUnavailableError(
      "xdp",
      "xdp: kernel too old (no ring flags in XDP_MMAP_OFFSETS; Linux ≥ 5.4 needed)",
    );
  }
  const v = new DataView(buf.buffer);
  return [0, 1, 2, 3].map((i) => ({
    producer: Number(v.getBigUint64(i * 32, true)),
    consumer: Number(v.getBigUint64(i * 32 + 8, true)),
    desc: Number(v.getBigUint64(i * 32 + 16, true)),
    flags: Number(v.getBigUint64(i * 32 + 24, true)),
  }));
}

function mapRing(
  c: Libc,
  r: Resources,
  offsets: XdpRingOffsets,
  size: number,
  entry: number,
  pgoff: bigint,
  name: string,
  fd = r.fd,
): Uint8Array {
  const bytes = xdpRingBytes(offsets, size, entry);
  const p = c.mmap(
    null,
    BigInt(bytes),
    PROT_READ | PROT_WRITE,
    MAP_SHARED | MAP_POPULATE,
    fd,
    pgoff,
  );
  if (isMapFailed(p)) {
    const code = errno();
    throw new DriverSyscallError(
      "xdp",
      `mmap(${name} ring)`,
      code,
      strerror(code),
    );
  }
  const m = {
    pointer: p!,
    size: bytes,
    bytes: new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p!, bytes)),
  };
  r.maps.push(m);
  return m.bytes;
}

/** bind(2) with `flags`; returns errno (0 on success). */
function bindXsk(
  c: Libc,
  fd: number,
  ifindex: number,
  queue: number,
  flags: number,
  sharedUmemFd = 0,
): number {
  // struct sockaddr_xdp { u16 family; u16 flags; u32 ifindex; u32 queue_id; u32 shared_umem_fd; }
  const sa = new Uint8Array(16);
  const v = new DataView(sa.buffer);
  v.setUint16(0, AF_XDP, true);
  v.setUint16(2, flags, true);
  v.setUint32(4, ifindex, true);
  v.setUint32(8, queue, true);
  v.setUint32(12, sharedUmemFd, true);
  return c.bind(fd, sa, 16) === 0 ? 0 : errno();
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
      r.fd = c.socket(AF_XDP, SOCK_RAW, 0);
      if (r.fd < 0) socketError();
      const p = Deno.UnsafePointer.create(BigInt(h.umemAddress))!;
      r.umem = {
        pointer: p,
        size: h.umemSize,
        bytes: new Uint8Array(
          Deno.UnsafePointerView.getArrayBuffer(p, h.umemSize),
        ),
      };
      setRingSize(c, r.fd, XDP_TX_RING, h.txFrames, "XDP_TX_RING");
      const txO = mmapOffsets(c, r.fd)[1];
      const cqO = mmapOffsets(c, h.fd)[3];
      const tx = new XdpProducerRing(
        mapRing(c, r, txO, h.txFrames, XDP_DESC_SIZE, PGOFF_TX_RING, "TX"),
        txO,
        h.txFrames,
        XDP_DESC_SIZE,
      );
      // The owner's completion ring, sized for these frames, consumed only here.
      const cq = new XdpConsumerRing(
        mapRing(
          c,
          r,
          cqO,
          h.txFrames,
          XDP_ADDR_SIZE,
          PGOFF_COMPLETION_RING,
          "completion",
          h.fd,
        ),
        cqO,
        h.txFrames,
        XDP_ADDR_SIZE,
      );
      const code = bindXsk(c, r.fd, ifindex, queue, XDP_SHARED_UMEM, h.fd);
      if (code !== 0) {
        throw new DriverSyscallError(
          "xdp",
          `bind(${ifname} queue ${queue}, XDP_SHARED_UMEM)`,
          code,
          strerror(code),
        );
      }
      return new XdpDriver(
        name,
        ifname,
        queue,
        r,
        { tx, cq, rx: null, fq: null },
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

/** The driver's four ring views (absent directions null). */
interface Rings {
  tx: XdpProducerRing | null;
  cq: XdpConsumerRing | null;
  rx: XdpConsumerRing | null;
  fq: XdpProducerRing | null;
}

/**
 * Sizes, maps and wraps the rings: TX + completion of `txFrames` entries when
 * sending, RX + fill of `rxFrames` when receiving (the kernel wants fill and
 * completion rings even when unused), and gives every RX frame to the kernel.
 */
function createRings(
  c: Libc,
  r: Resources,
  txFrames: number,
  rxFrames: number,
  lentFrames = 0,
): Rings {
  const fd = r.fd;
  const fillSize = Math.max(rxFrames, 16);
  const compSize = Math.max(txFrames, lentFrames, 16);
  setRingSize(c, fd, XDP_UMEM_FILL_RING, fillSize, "XDP_UMEM_FILL_RING");
  setRingSize(
    c,
    fd,
    XDP_UMEM_COMPLETION_RING,
    compSize,
    "XDP_UMEM_COMPLETION_RING",
  );
  if (rxFrames > 0) setRingSize(c, fd, XDP_RX_RING, rxFrames, "XDP_RX_RING");
  if (txFrames > 0) setRingSize(c, fd, XDP_TX_RING, txFrames, "XDP_TX_RING");
  const [rxO, txO, fqO, cqO] = mmapOffsets(c, fd);
  const producer = (
    o: XdpRingOffsets,
    n: number,
    entry: number,
    pgoff: bigint,
    name: string,
  ) =>
    new XdpProducerRing(mapRing(c, r, o, n, entry, pgoff, name), o, n, entry);
  const consumer = (
    o: XdpRingOffsets,
    n: number,
    entry: number,
    pgoff: bigint,
    name: string,
  ) =>
    new XdpConsumerRing(mapRing(c, r, o, n, entry, pgoff, name), o, n, entry);
  const fq = producer(fqO, fillSize, XDP_ADDR_SIZE, PGOFF_FILL_RING, "fill");
  const cq = consumer(
    cqO,
    compSize,
    XDP_ADDR_SIZE,
    PGOFF_COMPLETION_RING,
    "completion",
  );
  const rx = rxFrames > 0
    ? consumer(rxO, rxFrames, XDP_DESC_SIZE, PGOFF_RX_RING, "RX")
    : null;
  const tx = txFrames > 0
    ? producer(txO, txFrames, XDP_DESC_SIZE, PGOFF_TX_RING, "TX")
    : null;
  // Every RX frame (after the TX and lent frames in the UMEM) starts in the fill ring.
  for (let i = 0; i < rxFrames; i++) {
    fq.setAddress(i, (txFrames + lentFrames + i) * FRAME_SIZE);
  }
  fq.submit(rxFrames);
  return { tx, cq: tx === null ? null : cq, rx, fq };
}

/** Receive queues of `ifname` per sysfs (0 when unknown). */
function rxQueueCount(ifname: string): number {
  let n = 0;
  try {
    for (const e of Deno.readDirSync(`/sys/class/net/${ifname}/queues`)) {
      if (e.name.startsWith("rx-")) n++;
    }
  } catch { /* no sysfs entry */ }
  return n;
}

/** Binds zero copy first, copy mode after; returns whether zero copy is in use. */
function bindSocket(
  c: Libc,
  fd: number,
  ifindex: number,
  ifname: string,
  queue: number,
  zeroCopyRequired: boolean,
): boolean {
  const zc = bindXsk(c, fd, ifindex, queue, XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP);
  if (zc === 0) return true;
  const noZeroCopy = zc === EOPNOTSUPP || zc === ENOTSUPP || zc === EINVAL;
  if (noZeroCopy && zeroCopyRequired) {
    throw new DriverUnavailableError(
      "xdp",
      `xdp+zc: ${ifname}'s driver has no AF_XDP zero-copy support (bind with XDP_ZEROCOPY: ${
        strerror(zc)
      }); use xdp:${ifname} for copy mode`,
    );
  }
  const code = noZeroCopy
    ? bindXsk(c, fd, ifindex, queue, XDP_COPY | XDP_USE_NEED_WAKEUP)
    : zc;
  if (code === 0) return false;
  if (code === EBUSY) {
    throw new DriverSyscallError(
      "xdp",
      `bind(${ifname} queue ${queue})`,
      code,
      `queue ${queue} of ${ifname} is already bound by another AF_XDP socket`,
    );
  }
  throw new DriverSyscallError(
    "xdp",
    `bind(${ifname} queue ${queue})`,
    code,
    strerror(code),
  );
}
