/**
 * The `pcap:` driver (also the default, with no prefix): libpcap through
 * `Deno.dlopen`, the kernel path masscan uses. One `pcap_inject` (one
 * syscall) per frame on transmit; on receive libpcap's own TPACKET_V3 ring,
 * read in place.
 *
 * @module
 */

import { cString, fromCString, POLLIN, pollOne, pollTimeout } from "./_libc.ts";
import { CopyStage } from "./_csum.ts";
import { AddressWindow, PointerSlot } from "./_window.ts";
import {
  DriverError,
  type DriverOptions,
  type DriverStats,
  DriverSyscallError,
  DriverUnavailableError,
  type FrameReader,
  type FrameWriter,
  type PacketDriver,
} from "./types.ts";

/** libpcap symbols used by zon (libpcap ≥ 1.5 for immediate mode). */
export const PCAP_SYMBOLS = {
  pcap_create: { parameters: ["buffer", "buffer"], result: "pointer" },
  pcap_set_snaplen: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_set_promisc: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_set_immediate_mode: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_set_buffer_size: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_set_timeout: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_activate: { parameters: ["pointer"], result: "i32" },
  pcap_statustostr: { parameters: ["i32"], result: "pointer" },
  pcap_geterr: { parameters: ["pointer"], result: "pointer" },
  pcap_inject: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
  pcap_sendpacket: { parameters: ["pointer", "buffer", "i32"], result: "i32" },
  pcap_next_ex: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  pcap_setnonblock: { parameters: ["pointer", "i32", "buffer"], result: "i32" },
  pcap_get_selectable_fd: { parameters: ["pointer"], result: "i32" },
  pcap_setdirection: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_compile: {
    parameters: ["pointer", "buffer", "buffer", "i32", "u32"],
    result: "i32",
  },
  pcap_setfilter: { parameters: ["pointer", "buffer"], result: "i32" },
  pcap_freecode: { parameters: ["buffer"], result: "void" },
  pcap_stats: { parameters: ["pointer", "buffer"], result: "i32" },
  pcap_open_dead: { parameters: ["i32", "i32"], result: "pointer" },
  pcap_close: { parameters: ["pointer"], result: "void" },
  pcap_lib_version: { parameters: [], result: "pointer" },
} as const;

/** The loaded libpcap symbols. */
export type Pcap = Deno.DynamicLibrary<typeof PCAP_SYMBOLS>["symbols"];

/** Names tried, in order, when no library path is given. */
export const PCAP_LIBRARY_NAMES: readonly string[] = [
  "libpcap.so.0.8",
  "libpcap.so.1",
  "libpcap.so",
];

const libraries = new Map<string, Pcap>();

/**
 * Loads libpcap (once per thread and path): `path`, or the first of
 * {@linkcode PCAP_LIBRARY_NAMES} that loads. Throws
 * {@linkcode DriverUnavailableError} saying what to install.
 *
 * @example
 * ```ts ignore
 * import { loadPcap } from "@zon/net/drivers";
 * const pcap = loadPcap();
 * console.log(Deno.UnsafePointerView.getCString(pcap.pcap_lib_version()!));
 * ```
 */
export function loadPcap(path?: string): Pcap {
  const key = path ?? "";
  const cached = libraries.get(key);
  if (cached) return cached;
  const names = path ? [path] : PCAP_LIBRARY_NAMES;
  const errors: string[] = [];
  for (const name of names) {
    try {
      const lib = Deno.dlopen(name, PCAP_SYMBOLS).symbols;
      libraries.set(key, lib);
      return lib;
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new DriverUnavailableError(
    "pcap",
    `pcap: libpcap not found (install it: apt-get install libpcap0.8, or set options.library); tried ${
      errors.join("; ")
    }`,
  );
}

const DLT_EN10MB = 1;
const PCAP_NETMASK_UNKNOWN = 0xffffffff;
const PCAP_D_IN = 1;

/**
 * Compiles a tcpdump-syntax filter for Ethernet with libpcap and calls `use`
 * with a `struct sock_fprog` (16 bytes) pointing at the instructions, which
 * are freed when `use` returns. This is how the `ring:` driver attaches
 * `SO_ATTACH_FILTER`.
 *
 * @example
 * ```ts ignore
 * import { withCompiledFilter } from "@zon/net/drivers";
 * withCompiledFilter("tcp", 65535, (fprog) => console.log(new DataView(fprog.buffer).getUint16(0, true)));
 * ```
 */
export function withCompiledFilter(
  filter: string,
  snaplen: number,
  use: (fprog: Uint8Array<ArrayBuffer>) => void,
  library?: string,
): void {
  const pcap = loadPcap(library);
  const dead = pcap.pcap_open_dead(DLT_EN10MB, snaplen);
  if (dead === null) {
    throw new DriverSyscallError("pcap", "pcap_open_dead", 0, "out of memory");
  }
  const program = new Uint8Array(16); // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
  try {
    if (
      pcap.pcap_compile(
        dead,
        program,
        cString(filter),
        1,
        PCAP_NETMASK_UNKNOWN,
      ) !== 0
    ) {
      throw new DriverError(
        "pcap",
        `invalid BPF filter "${filter}": ${pcapError(pcap, dead)}`,
      );
    }
    try {
      const fprog = new Uint8Array(16); // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
      const pv = new DataView(program.buffer);
      const fv = new DataView(fprog.buffer);
      fv.setUint16(0, pv.getUint32(0, true), true);
      fv.setBigUint64(8, pv.getBigUint64(8, true), true);
      use(fprog);
    } finally {
      pcap.pcap_freecode(program);
    }
  } finally {
    pcap.pcap_close(dead);
  }
}

function pcapError(pcap: Pcap, handle: Deno.PointerObject): string {
  const p = pcap.pcap_geterr(handle);
  return p === null ? "unknown error" : Deno.UnsafePointerView.getCString(p);
}

function statusText(pcap: Pcap, status: number): string {
  const p = pcap.pcap_statustostr(status);
  return p === null ? `status ${status}` : Deno.UnsafePointerView.getCString(p);
}

/**
 * A libpcap handle as a {@linkcode PacketDriver}. Open it with
 * `openDriver("eth0")`, `openDriver("pcap:eth0")` or `PcapDriver.open`.
 *
 * @example
 * ```ts ignore
 * import { PcapDriver } from "@zon/net/drivers";
 * const driver = PcapDriver.open("eth0", { filter: "arp" });
 * driver.send(new Uint8Array(60).fill(0xff, 0, 6));
 * driver.close();
 * ```
 */
export class PcapDriver implements PacketDriver {
  /** The adapter name as given. */
  readonly name: string;
  /** Always `"pcap"`. */
  readonly kind = "pcap" as const;
  /** The interface. */
  readonly device: string;
  /** Largest frame `send` accepts. */
  readonly maxFrameLength: number;
  /** False: checksums flagged for offload are completed in software. */
  readonly checksumOffload: boolean = false;
  /** libpcap's selectable fd. */
  readonly fd: number;

  readonly #pcap: Pcap;
  #handle: Deno.PointerObject | null;
  readonly #stage: CopyStage;
  readonly #hdrSlot = new PointerSlot();
  readonly #dataSlot = new PointerSlot();
  readonly #hdrWindow = new AddressWindow();
  readonly #dataWindow = new AddressWindow();
  readonly #stat = new Uint8Array(16);
  readonly #statView = new DataView(this.#stat.buffer);
  readonly #canSend: boolean;
  readonly #canReceive: boolean;
  #sent = 0;
  #received = 0;

  private constructor(
    name: string,
    device: string,
    pcap: Pcap,
    handle: Deno.PointerObject,
    canSend: boolean,
    canReceive: boolean,
    maxFrameLength: number,
  ) {
    this.name = name;
    this.device = device;
    this.#pcap = pcap;
    this.#handle = handle;
    this.#canSend = canSend;
    this.#canReceive = canReceive;
    this.maxFrameLength = maxFrameLength;
    this.#stage = new CopyStage(
      "pcap",
      new Uint8Array(Math.max(maxFrameLength, 65536)),
      this.maxFrameLength,
      (bytes, length) => this.#inject(bytes, length),
    );
    this.fd = pcap.pcap_get_selectable_fd(handle);
  }

  /**
   * Opens `device` with libpcap: `pcap_create`, snaplen (default MTU + 18),
   * promiscuous mode, a 10 ms block timeout, buffer size, `pcap_activate`, non-blocking, inbound
   * direction only, and the BPF filter.
   *
   * @example
   * ```ts ignore
   * import { PcapDriver } from "@zon/net/drivers";
   * const rx = PcapDriver.open("eth0", { mode: "receive", filter: "tcp[13] == 18" });
   * ```
   */
  static open(
    device: string,
    options: DriverOptions = {},
    name = `pcap:${device}`,
  ): PcapDriver {
    const pcap = loadPcap(options.library);
    const errbuf = new Uint8Array(512);
    const handle = pcap.pcap_create(cString(device), errbuf);
    if (handle === null) {
      throw new DriverSyscallError(
        "pcap",
        `pcap_create("${device}")`,
        0,
        fromCString(errbuf),
      );
    }
    const mode = options.mode ?? "both";
    const canReceive = mode !== "send";
    try {
      const mtu = readMtu(device);
      // libpcap sizes its ring frames from the snaplen: 64 KiB frames would
      // leave a 32 MiB buffer room for only ~500 frames. MTU + Ethernet + VLAN
      // is every frame the interface can deliver.
      const snaplen = options.snaplen ?? mtu + 18;
      pcap.pcap_set_snaplen(handle, snaplen);
      pcap.pcap_set_promisc(handle, options.promiscuous ? 1 : 0);
      // Not immediate mode: libpcap then uses TPACKET_V3 blocks (handed over
      // when full or after the 10 ms timeout) instead of one wakeup per frame.
      pcap.pcap_set_immediate_mode(handle, 0);
      pcap.pcap_set_timeout(handle, 10);
      // A send-only handle still gets a receive ring from libpcap: keep it small.
      pcap.pcap_set_buffer_size(
        handle,
        canReceive ? (options.bufferSize ?? 32 << 20) : 1 << 20,
      );
      const status = pcap.pcap_activate(handle);
      if (status < 0) {
        const detail = status === -1
          ? pcapError(pcap, handle)
          : statusText(pcap, status);
        throw new DriverSyscallError(
          "pcap",
          `pcap_activate("${device}")`,
          0,
          detail,
        );
      }
      if (pcap.pcap_setnonblock(handle, 1, errbuf) !== 0) {
        throw new DriverSyscallError(
          "pcap",
          "pcap_setnonblock",
          0,
          fromCString(errbuf),
        );
      }
      // Never see our own transmissions (libpcap uses PACKET_IGNORE_OUTGOING).
      pcap.pcap_setdirection(handle, PCAP_D_IN);
      // A send-only handle drops everything in the kernel ("less 1": no frame is that short).
      const filter = canReceive ? options.filter : "less 1";
      if (filter !== undefined && filter !== "") {
        const program = new Uint8Array(16);
        if (
          pcap.pcap_compile(
            handle,
            program,
            cString(filter),
            1,
            PCAP_NETMASK_UNKNOWN,
          ) !== 0
        ) {
          throw new DriverError(
            "pcap",
            `pcap: invalid BPF filter "${filter}": ${pcapError(pcap, handle)}`,
          );
        }
        const ok = pcap.pcap_setfilter(handle, program);
        pcap.pcap_freecode(program);
        if (ok !== 0) {
          throw new DriverSyscallError(
            "pcap",
            "pcap_setfilter",
            0,
            pcapError(pcap, handle),
          );
        }
      }
      return new PcapDriver(
        name,
        device,
        pcap,
        handle,
        mode !== "receive",
        canReceive,
        mtu + 14,
      );
    } catch (e) {
      pcap.pcap_close(handle);
      throw e;
    }
  }

  /**
   * Transmits one frame now (`pcap_sendpacket`); false when the kernel's queue is
   * full (ENOBUFS/EAGAIN: counted in `dropped` only if the caller gives up).
   *
   * @example
   * ```ts ignore
   * driver.send(frame);
   * ```
   */
  send(frame: Uint8Array, csumStart = -1, csumOffset = 0): boolean {
    return this.#stage.send(frame, csumStart, csumOffset);
  }

  /**
   * Lets `write` build the frame in a reusable buffer, then transmits it.
   *
   * @example
   * ```ts ignore
   * driver.sendWith((buf, at) => { buf.set(template, at); return template.length; });
   * ```
   */
  sendWith(write: FrameWriter, csumStart = -1, csumOffset = 0): boolean {
    return this.#stage.sendWith(write, csumStart, csumOffset);
  }

  #inject(buf: Uint8Array, length: number): boolean {
    if (!this.#canSend) {
      throw new DriverError(
        "pcap",
        "pcap: driver opened with mode 'receive' cannot send",
      );
    }
    // pcap_sendpacket rather than pcap_inject: an int length, not a BigInt per frame.
    const r = this.#pcap.pcap_sendpacket(this.#handle!, buf, length);
    if (r === 0) {
      this.#sent++;
      return true;
    }
    const message = pcapError(this.#pcap, this.#handle!);
    // libpcap reports the kernel's "queue full" as text; that is back-pressure, not failure.
    if (/No buffer space|Resource temporarily unavailable/.test(message)) {
      return false;
    }
    throw new DriverSyscallError("pcap", "pcap_sendpacket", 0, message);
  }

  /**
   * Nothing to do: libpcap transmits in `send`.
   *
   * @example
   * ```ts ignore
   * driver.flush();
   * ```
   */
  flush(): void {}

  /**
   * Next received frame (`pcap_next_ex`), a zero-copy view of libpcap's ring
   * valid until the next receive call; null when nothing is waiting.
   *
   * @example
   * ```ts ignore
   * for (let f = driver.recv(); f; f = driver.recv()) console.log(f.length);
   * ```
   */
  recv(): Uint8Array | null {
    const at = this.#next();
    if (at < 0) return null;
    return this.#dataWindow.bytes.subarray(at, at + this.#length);
  }

  /**
   * Calls `read` for up to `max` waiting frames in place.
   *
   * @example
   * ```ts ignore
   * driver.recvBatch((buf, at, len) => console.log(buf[at + 12], len), 64);
   * ```
   */
  recvBatch(read: FrameReader, max = Infinity): number {
    let n = 0;
    while (n < max) {
      const at = this.#next();
      if (at < 0) break;
      read(this.#dataWindow.bytes, at, this.#length);
      n++;
    }
    return n;
  }

  #length = 0;

  #next(): number {
    if (!this.#canReceive) return -1;
    const r = this.#pcap.pcap_next_ex(
      this.#handle!,
      this.#hdrSlot.bytes,
      this.#dataSlot.bytes,
    );
    if (r !== 1) {
      if (r === 0 || r === -2) return -1;
      throw new DriverSyscallError(
        "pcap",
        "pcap_next_ex",
        0,
        pcapError(this.#pcap, this.#handle!),
      );
    }
    // struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }
    const hdr = this.#hdrWindow.locate(this.#hdrSlot.address, 24);
    if (hdr < 0) {
      throw new DriverError("pcap", "pcap: packet header outside any mapping");
    }
    const h = this.#hdrWindow.bytes;
    const length = h[hdr + 16] | (h[hdr + 17] << 8) | (h[hdr + 18] << 16) |
      (h[hdr + 19] << 24);
    const at = this.#dataWindow.locate(this.#dataSlot.address, length);
    if (at < 0) {
      throw new DriverError("pcap", "pcap: packet data outside any mapping");
    }
    this.#length = length;
    this.#received++;
    return at;
  }

  /**
   * poll(2) on libpcap's selectable fd; call after `recv` returned null.
   *
   * @example
   * ```ts ignore
   * if (driver.recv() === null) driver.wait(100);
   * ```
   */
  wait(timeoutMs: number): boolean {
    if (!this.#canReceive) return false;
    return (pollOne(this.fd, POLLIN, pollTimeout(timeoutMs)) & POLLIN) !== 0;
  }

  /**
   * Sent and received by this handle; dropped from `pcap_stats` (kernel drops
   * for lack of buffer plus interface drops).
   *
   * @example
   * ```ts ignore
   * console.log(driver.stats());
   * ```
   */
  stats(): DriverStats {
    let dropped = 0;
    if (
      this.#handle !== null && this.#canReceive &&
      this.#pcap.pcap_stats(this.#handle, this.#stat) === 0
    ) {
      dropped += this.#statView.getUint32(4, true) +
        this.#statView.getUint32(8, true);
    }
    return { sent: this.#sent, received: this.#received, dropped };
  }

  /**
   * `pcap_close`; idempotent.
   *
   * @example
   * ```ts ignore
   * driver.close();
   * ```
   */
  close(): void {
    if (this.#handle === null) return;
    this.#pcap.pcap_close(this.#handle);
    this.#handle = null;
  }
}

function readMtu(device: string): number {
  try {
    return Number.parseInt(
      Deno.readTextFileSync(`/sys/class/net/${device}/mtu`).trim(),
      10,
    ) || 1500;
  } catch {
    return 1500;
  }
}
