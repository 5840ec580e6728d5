/**
 * The `netmap:` driver: netmap through `/dev/netmap` and `libnetmap.so`
 * (`nmport_open`, `nmport_inject`, `nmport_close`), TX sync with the
 * `NIOCTXSYNC` ioctl. Transmit only: use `ring:` or `pcap:` for the receive
 * side (the scanner opens its receive driver separately).
 *
 * netmap needs its kernel module, which a stock kernel lacks: without
 * `/dev/netmap` or `libnetmap.so`, opening throws
 * {@linkcode DriverUnavailableError} saying what to install. The bindings
 * are tested against a stub library with the same symbols.
 *
 * @module
 */

import { cString, errno, type Libc, loadLibc, strerror } from "./_libc.ts";
import { CopyStage } from "./_csum.ts";
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

/** libnetmap symbols used by zon. */
export const NETMAP_SYMBOLS = {
  nmport_open: { parameters: ["buffer"], result: "pointer" },
  nmport_inject: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
  nmport_close: { parameters: ["pointer"], result: "void" },
} as const;

/** The loaded libnetmap symbols. */
export type Netmap = Deno.DynamicLibrary<typeof NETMAP_SYMBOLS>["symbols"];

/** Names tried, in order, when no library path is given. */
export const NETMAP_LIBRARY_NAMES: readonly string[] = [
  "libnetmap.so",
  "/usr/local/lib/libnetmap.so",
];

/** `_IO('i', 148)`: push the TX ring to the NIC. */
const NIOCTXSYNC = 0x6994n;

const INSTALL_HINT =
  "the netmap: driver needs the netmap kernel module (/dev/netmap) and libnetmap.so " +
  "(build them from https://github.com/luigirizzo/netmap), or use ring: for AF_PACKET rings";

/**
 * Loads libnetmap: `path`, or the first of {@linkcode NETMAP_LIBRARY_NAMES}.
 *
 * @example
 * ```ts
 * import { DriverUnavailableError, loadNetmap } from "@zon/net/drivers";
 * try {
 *   loadNetmap();
 * } catch (e) {
 *   console.log(e instanceof DriverUnavailableError); // true on a machine without netmap
 * }
 * ```
 */
export function loadNetmap(path?: string): Netmap {
  const errors: string[] = [];
  for (const name of path ? [path] : NETMAP_LIBRARY_NAMES) {
    try {
      return Deno.dlopen(name, NETMAP_SYMBOLS).symbols;
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new DriverUnavailableError(
    "netmap",
    `netmap: libnetmap.so not found: ${INSTALL_HINT}. Tried ${
      errors.join("; ")
    }`,
  );
}

function openFds(): Map<number, string> {
  const fds = new Map<number, string>();
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      fds.set(
        Number(entry.name),
        Deno.readLinkSync(`/proc/self/fd/${entry.name}`),
      );
    } catch {
      // closed while listing
    }
  }
  return fds;
}

// size_t arguments are BigInts in Deno's FFI: one per possible length, made
// once, so sending allocates nothing.
const BIG_LENGTHS: bigint[] = [];
function bigLength(n: number): bigint {
  return BIG_LENGTHS[n] ??= BigInt(n);
}

/**
 * netmap (transmit) as a {@linkcode PacketDriver}.
 *
 * @example
 * ```ts ignore
 * import { openDriver } from "@zon/net/drivers";
 * const driver = await openDriver("netmap:eth0", { mode: "send" });
 * ```
 */
export class NetmapDriver implements PacketDriver {
  /** The adapter name as given. */
  readonly name: string;
  /** Always `"netmap"`. */
  readonly kind = "netmap" as const;
  /** The port as netmap names it (`netmap:eth0`). */
  readonly device: string;
  /** Largest frame `send` accepts. */
  readonly maxFrameLength: number;
  /** False: flagged checksums are completed in software. */
  readonly checksumOffload: boolean = false;
  /** The netmap fd (found by the `/dev/netmap` descriptor `nmport_open` opened), or -1. */
  readonly fd: number;

  readonly #lib: Netmap;
  readonly #c: Libc;
  #port: Deno.PointerObject | null;
  readonly #stage: CopyStage;
  #sent = 0;

  private constructor(
    name: string,
    device: string,
    lib: Netmap,
    port: Deno.PointerObject,
    fd: number,
    max: number,
  ) {
    this.name = name;
    this.device = device;
    this.#lib = lib;
    this.#c = loadLibc();
    this.#port = port;
    this.fd = fd;
    this.maxFrameLength = max;
    this.#stage = new CopyStage(
      "netmap",
      new Uint8Array(max),
      this.maxFrameLength,
      (bytes, length) => this.#inject(bytes, length),
    );
  }

  /**
   * Checks for the netmap device, loads libnetmap, `nmport_open(device)`.
   *
   * @example
   * ```ts ignore
   * import { NetmapDriver } from "@zon/net/drivers";
   * const driver = NetmapDriver.open("netmap:eth0", { mode: "send" });
   * ```
   */
  static open(
    device: string,
    options: DriverOptions = {},
    name: string = device,
  ): NetmapDriver {
    if (options.mode === "receive") {
      throw new DriverError(
        "netmap",
        "netmap: receive is not implemented (transmit only); open ring: or pcap: for the receive side",
      );
    }
    const control = options.netmapDevice ?? "/dev/netmap";
    try {
      Deno.statSync(control);
    } catch {
      throw new DriverUnavailableError(
        "netmap",
        `netmap: ${control} does not exist: ${INSTALL_HINT}`,
      );
    }
    const lib = loadNetmap(options.library);
    const before = openFds();
    const port = lib.nmport_open(cString(device));
    if (port === null) {
      const code = errno();
      throw new DriverSyscallError(
        "netmap",
        `nmport_open("${device}")`,
        code,
        strerror(code),
      );
    }
    let fd = -1;
    for (const [n, target] of openFds()) {
      if (!before.has(n) && target === control) fd = n;
    }
    return new NetmapDriver(
      name,
      device,
      lib,
      port,
      fd,
      options.snaplen ?? 1518,
    );
  }

  #inject(buf: Uint8Array, length: number): boolean {
    if (this.#port === null) {
      throw new DriverError("netmap", "netmap: driver is closed");
    }
    if (this.#lib.nmport_inject(this.#port, buf, bigLength(length)) === 0) {
      return false;
    }
    this.#sent++;
    return true;
  }

  /**
   * Copies the frame into the next TX slot (`nmport_inject`); false when the
   * TX rings are full (flush, then retry).
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
   * Lets `write` build the frame in a reusable buffer, then injects it.
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
   * `ioctl(fd, NIOCTXSYNC)`: tells the NIC about the new TX slots.
   *
   * @example
   * ```ts ignore
   * driver.flush();
   * ```
   */
  flush(): void {
    if (this.#port === null) return;
    if (this.fd < 0) {
      throw new DriverError(
        "netmap",
        "netmap: the port's file descriptor was not found",
      );
    }
    if (this.#c.ioctl(this.fd, NIOCTXSYNC, null) !== 0) {
      const code = errno();
      throw new DriverSyscallError(
        "netmap",
        "ioctl(NIOCTXSYNC)",
        code,
        strerror(code),
      );
    }
  }

  /**
   * Transmit only: always null.
   *
   * @example
   * ```ts ignore
   * driver.recv(); // null
   * ```
   */
  recv(): Uint8Array | null {
    return null;
  }

  /**
   * Transmit only: always 0.
   *
   * @example
   * ```ts ignore
   * driver.recvBatch(() => {}); // 0
   * ```
   */
  recvBatch(_read: FrameReader, _max?: number): number {
    return 0;
  }

  /**
   * Transmit only: false at once.
   *
   * @example
   * ```ts ignore
   * driver.wait(10); // false
   * ```
   */
  wait(_timeoutMs: number): boolean {
    return false;
  }

  /**
   * Frames injected.
   *
   * @example
   * ```ts ignore
   * console.log(driver.stats().sent);
   * ```
   */
  stats(): DriverStats {
    return { sent: this.#sent, received: 0, dropped: 0 };
  }

  /**
   * `nmport_close` (which also syncs the TX ring); idempotent.
   *
   * @example
   * ```ts ignore
   * driver.close();
   * ```
   */
  close(): void {
    if (this.#port === null) return;
    this.#lib.nmport_close(this.#port);
    this.#port = null;
  }
}
