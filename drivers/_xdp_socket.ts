// The AF_XDP socket underneath the xdp: driver, through libc: UMEM
// registration, ring sizes and mappings, bind with zero copy or copy mode,
// and the interface checks with their errors. Internal to drivers/.

import {
  XDP_ADDR_SIZE,
  XDP_DESC_SIZE,
  XdpConsumerRing,
  XdpProducerRing,
  xdpRingBytes,
  type XdpRingOffsets,
} from "../ring/xdp.ts";
import {
  ENOBUFS,
  errno,
  interfaceIndex,
  type Libc,
  strerror,
} from "./_libc.ts";
import type { XdpProgram } from "./xdp_program.ts";
import {
  DriverError,
  DriverSyscallError,
  DriverUnavailableError,
} from "./types.ts";
import type { XdpShareHandle } from "./xdp.ts";

export const AF_XDP = 44;
export const SOCK_RAW = 3;
export const SOL_XDP = 283;
export const XDP_MMAP_OFFSETS = 1;
export const XDP_RX_RING = 2;
export const XDP_TX_RING = 3;
export const XDP_UMEM_REG = 4;
export const XDP_UMEM_FILL_RING = 5;
export const XDP_UMEM_COMPLETION_RING = 6;
export const XDP_STATISTICS = 7;
export const XDP_SHARED_UMEM = 1 << 0;
export const XDP_COPY = 1 << 1;
export const XDP_ZEROCOPY = 1 << 2;
export const XDP_USE_NEED_WAKEUP = 1 << 3;
export const PGOFF_RX_RING = 0n;
export const PGOFF_TX_RING = 0x80000000n;
export const PGOFF_FILL_RING = 0x100000000n;
export const PGOFF_COMPLETION_RING = 0x180000000n;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_SHARED = 1;
export const MAP_PRIVATE = 2;
export const MAP_ANONYMOUS = 0x20;
export const MAP_POPULATE = 0x8000;
export const MSG_DONTWAIT = 0x40;
export const EPERM = 1;
export const EACCES = 13;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EINVAL = 22;
export const ENETDOWN = 100;
export const EAFNOSUPPORT = 97;
export const EOPNOTSUPP = 95;
export const ENOTSUPP = 524;
/** Bytes per UMEM frame: the smallest aligned chunk the kernel takes. */
export const FRAME_SIZE = 2048;
/** Kicks per flush while the kernel makes progress (copy mode sends a bounded batch per `sendto`). */
export const KICK_RETRIES = 64;

export interface Mapping {
  pointer: Deno.PointerObject;
  size: number;
  bytes: Uint8Array;
}

export function isMapFailed(p: Deno.PointerValue): boolean {
  return p === null || Deno.UnsafePointer.value(p) === 0xffffffffffffffffn;
}

export function u32(value: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value, true);
  return b;
}

export function powerOfTwo(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 16 || (n & (n - 1)) !== 0) {
    throw new DriverError(
      "xdp",
      `xdp: ${name} must be a power of two ≥ 16, got ${n}`,
    );
  }
  return n;
}

/** The "Max locked memory" soft limit of this process, in bytes (Infinity when unlimited). */
export function memlockLimit(): number {
  try {
    const line = Deno.readTextFileSync("/proc/self/limits").split("\n")
      .find((l) => l.startsWith("Max locked memory"));
    const soft = line?.split(/\s{2,}/)[1] ?? "";
    return soft === "unlimited" ? Infinity : Number(soft);
  } catch {
    return NaN;
  }
}

/** Checks the interface exists, is up, and has receive queue `queue`; returns its ifindex. */
export function checkInterface(ifname: string, queue: number): number {
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

export function socketError(): never {
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
export class Resources {
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

export function setRingSize(
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

export function registerUmem(c: Libc, r: Resources, frames: number): void {
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
    // errno can be clobbered between the call and its read on a busy
    // runtime thread: a UMEM over the locked-memory limit is reported as
    // such whatever errno reads.
    const limit = memlockLimit();
    if (
      code === ENOBUFS || code === ENOMEM || code === EPERM || size > limit
    ) {
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
export function mmapOffsets(c: Libc, fd: number): XdpRingOffsets[] {
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

export function mapRing(
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
export function bindXsk(
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

/** The driver's four ring views (absent directions null). */
export interface Rings {
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
export function createRings(
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
export function rxQueueCount(ifname: string): number {
  let n = 0;
  try {
    for (const e of Deno.readDirSync(`/sys/class/net/${ifname}/queues`)) {
      if (e.name.startsWith("rx-")) n++;
    }
  } catch { /* no sysfs entry */ }
  return n;
}

/**
 * How long a bind waits for a queue that reads busy. The kernel frees a
 * closed socket's queue only after an RCU grace period and a workqueue run
 * (`xp_release_deferred`), so binding right after another socket closed
 * (a second scan started as the first ends) can see EBUSY for a few
 * milliseconds, longer on a loaded machine; a queue that stays busy this
 * long is held by a live socket.
 */
const BUSY_QUEUE_WAIT_MS = 2000;
const BUSY_QUEUE_RETRY_MS = 5;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Binds zero copy first, copy mode after; returns whether zero copy is in use. */
export function bindSocket(
  c: Libc,
  fd: number,
  ifindex: number,
  ifname: string,
  queue: number,
  zeroCopyRequired: boolean,
): boolean {
  const deadline = performance.now() + BUSY_QUEUE_WAIT_MS;
  for (;;) {
    const zc = bindXsk(
      c,
      fd,
      ifindex,
      queue,
      XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP,
    );
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
    const busy = code === EBUSY;
    if (!busy || performance.now() >= deadline) {
      throw new DriverSyscallError(
        "xdp",
        `bind(${ifname} queue ${queue})`,
        code,
        busy
          ? `queue ${queue} of ${ifname} is already bound by another AF_XDP socket (still busy after ${
            BUSY_QUEUE_WAIT_MS / 1000
          } s)`
          : strerror(code),
      );
    }
    Atomics.wait(sleeper, 0, 0, BUSY_QUEUE_RETRY_MS);
  }
}

/**
 * A send-only socket on another socket's UMEM and queue (`XDP_SHARED_UMEM`):
 * its own TX ring, the owner's completion ring (mapped through the owner's
 * fd), the owner's UMEM by address.
 */
export function openSharedSocket(
  c: Libc,
  r: Resources,
  h: XdpShareHandle,
  ifindex: number,
  queue: number,
): Rings {
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
      `bind(${h.ifname} queue ${queue}, XDP_SHARED_UMEM)`,
      code,
      strerror(code),
    );
  }
  return { tx, cq, rx: null, fq: null };
}
