/**
 * The `zc:` driver: ntop's PF_RING through `libpfring.so`, loaded only when
 * asked. The adapter name is passed to `pfring_open` unchanged, so
 * `zc:eth0` selects PF_RING ZC (zero copy) exactly as in masscan.
 *
 * PF_RING needs its kernel module (and ZC drivers for zero copy), which a
 * stock kernel lacks: without `libpfring.so`, opening throws
 * {@linkcode DriverUnavailableError} saying what to install. The bindings
 * are tested against a stub library with the same symbols.
 *
 * @module
 */

import { cString } from "./_libc.ts";
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

/** libpfring symbols used by zon. */
export const PFRING_SYMBOLS = {
  pfring_open: { parameters: ["buffer", "u32", "u32"], result: "pointer" },
  pfring_enable_ring: { parameters: ["pointer"], result: "i32" },
  pfring_set_direction: { parameters: ["pointer", "i32"], result: "i32" },
  pfring_set_bpf_filter: { parameters: ["pointer", "buffer"], result: "i32" },
  pfring_send: {
    parameters: ["pointer", "buffer", "u32", "u8"],
    result: "i32",
  },
  pfring_flush_tx_packets: { parameters: ["pointer"], result: "i32" },
  pfring_recv: {
    parameters: ["pointer", "buffer", "u32", "buffer", "u8"],
    result: "i32",
  },
  pfring_poll: { parameters: ["pointer", "u32"], result: "i32" },
  pfring_get_selectable_fd: { parameters: ["pointer"], result: "i32" },
  pfring_stats: { parameters: ["pointer", "buffer"], result: "i32" },
  pfring_close: { parameters: ["pointer"], result: "void" },
} as const;

/** The loaded libpfring symbols. */
export type PfRing = Deno.DynamicLibrary<typeof PFRING_SYMBOLS>["symbols"];

/** Names tried, in order, when no library path is given. */
export const PFRING_LIBRARY_NAMES: readonly string[] = [
  "libpfring.so",
  "libpfring.so.1",
  "/usr/local/lib/libpfring.so",
];

const PF_RING_PROMISC = 1 << 3;
const PF_RING_ERROR_NO_TX_SLOT_AVAILABLE = -4;
const RX_ONLY_DIRECTION = 1;

/**
 * Loads libpfring: `path`, or the first of {@linkcode PFRING_LIBRARY_NAMES}.
 *
 * @example
 * ```ts
 * import { DriverUnavailableError, loadPfRing } from "@zon/net/drivers";
 * try {
 *   loadPfRing();
 * } catch (e) {
 *   console.log(e instanceof DriverUnavailableError); // true on a machine without PF_RING
 * }
 * ```
 */
export function loadPfRing(path?: string): PfRing {
  const errors: string[] = [];
  for (const name of path ? [path] : PFRING_LIBRARY_NAMES) {
    try {
      return Deno.dlopen(name, PFRING_SYMBOLS).symbols;
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new DriverUnavailableError(
    "zc",
    "zc: PF_RING is not installed: the zc: driver needs ntop's PF_RING (libpfring.so, the pf_ring kernel module, " +
      "and a PF_RING ZC driver for your NIC; see https://www.ntop.org/guides/pf_ring/), or use ring: for AF_PACKET rings. " +
      `Tried ${errors.join("; ")}`,
  );
}

/**
 * PF_RING as a {@linkcode PacketDriver}.
 *
 * @example
 * ```ts ignore
 * import { openDriver } from "@zon/net/drivers";
 * const driver = await openDriver("zc:eth0");
 * ```
 */
export class PfRingDriver implements PacketDriver {
  /** The adapter name as given. */
  readonly name: string;
  /** Always `"zc"`. */
  readonly kind = "zc" as const;
  /** The device as PF_RING names it (`zc:eth0`). */
  readonly device: string;
  /** Largest frame `send` accepts (the snaplen). */
  readonly maxFrameLength: number;
  /** False: flagged checksums are completed in software. */
  readonly checksumOffload: boolean = false;
  /** PF_RING's selectable fd. */
  readonly fd: number;

  readonly #lib: PfRing;
  #ring: Deno.PointerObject | null;
  readonly #stage: CopyStage;
  readonly #bufSlot = new PointerSlot();
  readonly #hdr = new Uint8Array(1024); // struct pfring_pkthdr (timeval, caplen, len, extended header)
  readonly #hdrView = new DataView(this.#hdr.buffer);
  readonly #window = new AddressWindow();
  readonly #stat = new Uint8Array(24); // pfring_stat { u64 recv, drop, shunt }
  #length = 0;
  #sent = 0;
  #received = 0;

  private constructor(
    name: string,
    device: string,
    lib: PfRing,
    ring: Deno.PointerObject,
    snaplen: number,
  ) {
    this.name = name;
    this.device = device;
    this.#lib = lib;
    this.#ring = ring;
    this.maxFrameLength = snaplen;
    this.#stage = new CopyStage(
      "zc",
      new Uint8Array(snaplen),
      this.maxFrameLength,
      (bytes, length) => this.#send(bytes, length),
    );
    this.fd = lib.pfring_get_selectable_fd(ring);
  }

  /**
   * `pfring_open`, direction, BPF filter, `pfring_enable_ring`.
   *
   * @example
   * ```ts ignore
   * import { PfRingDriver } from "@zon/net/drivers";
   * const driver = PfRingDriver.open("zc:eth0", { filter: "tcp" });
   * ```
   */
  static open(
    device: string,
    options: DriverOptions = {},
    name: string = device,
  ): PfRingDriver {
    const lib = loadPfRing(options.library);
    const snaplen = options.snaplen ?? 1518;
    const ring = lib.pfring_open(
      cString(device),
      snaplen,
      options.promiscuous ? PF_RING_PROMISC : 0,
    );
    if (ring === null) {
      throw new DriverSyscallError(
        "zc",
        `pfring_open("${device}")`,
        0,
        "failed (is the pf_ring module loaded and the device a PF_RING device?)",
      );
    }
    try {
      if (options.mode !== "send") {
        lib.pfring_set_direction(ring, RX_ONLY_DIRECTION);
      }
      if (options.filter) {
        const rc = lib.pfring_set_bpf_filter(ring, cString(options.filter));
        if (rc !== 0) {
          throw new DriverSyscallError(
            "zc",
            `pfring_set_bpf_filter("${options.filter}")`,
            0,
            `error ${rc}`,
          );
        }
      }
      const rc = lib.pfring_enable_ring(ring);
      if (rc !== 0) {
        throw new DriverSyscallError(
          "zc",
          "pfring_enable_ring",
          0,
          `error ${rc}`,
        );
      }
      return new PfRingDriver(name, device, lib, ring, snaplen);
    } catch (e) {
      lib.pfring_close(ring);
      throw e;
    }
  }

  #send(buf: Uint8Array, length: number): boolean {
    const rc = this.#lib.pfring_send(this.#ring!, buf, length, 0);
    if (rc >= 0) {
      this.#sent++;
      return true;
    }
    if (rc === PF_RING_ERROR_NO_TX_SLOT_AVAILABLE) return false;
    throw new DriverSyscallError("zc", "pfring_send", 0, `error ${rc}`);
  }

  /**
   * Queues the frame on PF_RING's TX ring (`pfring_send` without flush);
   * false when no slot is free.
   *
   * @example
   * ```ts ignore
   * while (!driver.send(frame)) driver.flush();
   * ```
   */
  send(frame: Uint8Array, csumStart = -1, csumOffset = 0): boolean {
    return this.#stage.send(frame, csumStart, csumOffset);
  }

  /**
   * Lets `write` build the frame in a reusable buffer, then queues it.
   *
   * @example
   * ```ts ignore
   * driver.sendWith((buf, at) => { buf.set(template, at); return template.length; });
   * ```
   */
  sendWith(write: FrameWriter, csumStart = -1, csumOffset = 0): boolean {
    return this.#stage.sendWith(write, csumStart, csumOffset);
  }

  /**
   * `pfring_flush_tx_packets`.
   *
   * @example
   * ```ts ignore
   * driver.flush();
   * ```
   */
  flush(): void {
    if (this.#ring !== null) this.#lib.pfring_flush_tx_packets(this.#ring);
  }

  #next(): number {
    if (this.#ring === null) return -1;
    // buffer_len 0: PF_RING returns a pointer into its ring (zero copy).
    const rc = this.#lib.pfring_recv(
      this.#ring,
      this.#bufSlot.bytes,
      0,
      this.#hdr,
      0,
    );
    if (rc <= 0) {
      if (rc === 0) return -1;
      throw new DriverSyscallError("zc", "pfring_recv", 0, `error ${rc}`);
    }
    const length = this.#hdrView.getUint32(16, true); // after struct timeval
    const at = this.#window.locate(this.#bufSlot.address, length);
    if (at < 0) {
      throw new DriverError("zc", "zc: packet buffer outside any mapping");
    }
    this.#length = length;
    this.#received++;
    return at;
  }

  /**
   * Next frame (zero copy, valid until the next receive call), or null.
   *
   * @example
   * ```ts ignore
   * for (let f = driver.recv(); f; f = driver.recv()) console.log(f.length);
   * ```
   */
  recv(): Uint8Array | null {
    const at = this.#next();
    return at < 0 ? null : this.#window.bytes.subarray(at, at + this.#length);
  }

  /**
   * Calls `read` for up to `max` waiting frames in place.
   *
   * @example
   * ```ts ignore
   * driver.recvBatch((buf, at, len) => console.log(len), 64);
   * ```
   */
  recvBatch(read: FrameReader, max = Infinity): number {
    let n = 0;
    while (n < max) {
      const at = this.#next();
      if (at < 0) break;
      read(this.#window.bytes, at, this.#length);
      n++;
    }
    return n;
  }

  /**
   * `pfring_poll`.
   *
   * @example
   * ```ts ignore
   * driver.wait(100);
   * ```
   */
  wait(timeoutMs: number): boolean {
    if (this.#ring === null) return false;
    const ms = timeoutMs === Infinity
      ? 0xffffffff
      : Math.max(0, Math.ceil(timeoutMs));
    return this.#lib.pfring_poll(this.#ring, ms) > 0;
  }

  /**
   * Sent, received, and PF_RING's drop counter.
   *
   * @example
   * ```ts ignore
   * console.log(driver.stats());
   * ```
   */
  stats(): DriverStats {
    let dropped = 0;
    if (
      this.#ring !== null &&
      this.#lib.pfring_stats(this.#ring, this.#stat) === 0
    ) {
      dropped = Number(new DataView(this.#stat.buffer).getBigUint64(8, true));
    }
    return { sent: this.#sent, received: this.#received, dropped };
  }

  /**
   * Flushes and `pfring_close`; idempotent.
   *
   * @example
   * ```ts ignore
   * driver.close();
   * ```
   */
  close(): void {
    if (this.#ring === null) return;
    this.flush();
    this.#lib.pfring_close(this.#ring);
    this.#ring = null;
  }
}
