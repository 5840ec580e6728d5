/**
 * The one interface every packet driver implements, its options, and the
 * typed errors drivers throw.
 *
 * @module
 */

import type { XdpAttachMode, XdpMatch } from "./xdp_program.ts";
import type { XdpShareHandle } from "./xdp.ts";

/**
 * Writes one frame straight into a driver's transmit slot: `buffer[offset]`
 * is where the Ethernet header goes, at most `capacity` bytes fit. Returns the
 * frame's length (0 cancels: nothing is sent). Keep one writer function and
 * pass per-frame state through closed-over variables that you update, so no
 * closure is allocated per frame.
 *
 * @example
 * ```ts
 * import type { FrameWriter } from "@zon/net/drivers";
 * const template = new Uint8Array(60);
 * const write: FrameWriter = (buffer, offset) => {
 *   buffer.set(template, offset);
 *   return template.length;
 * };
 * ```
 */
export type FrameWriter = (
  buffer: Uint8Array,
  offset: number,
  capacity: number,
) => number;

/**
 * Receives one frame in place: `buffer[offset, offset + length)`, valid only
 * during the call.
 *
 * @example
 * ```ts
 * import type { FrameReader } from "@zon/net/drivers";
 * let bytes = 0;
 * const read: FrameReader = (_buffer, _offset, length) => {
 *   bytes += length;
 * };
 * ```
 */
export type FrameReader = (
  buffer: Uint8Array,
  offset: number,
  length: number,
) => void;

/**
 * Counters of a driver since it was opened.
 *
 * @example
 * ```ts
 * import type { DriverStats } from "@zon/net/drivers";
 * const s: DriverStats = { sent: 0, received: 0, dropped: 0 };
 * ```
 */
export interface DriverStats {
  /** Frames handed to the kernel or NIC (for rings: confirmed taken from the ring). */
  sent: number;
  /** Frames returned by `recv`/`recvBatch`. */
  received: number;
  /** Frames lost: dropped by the kernel for lack of receive buffer space, or rejected on send. */
  dropped: number;
}

/** Which directions a driver opens. */
export type DriverMode = "send" | "receive" | "both";

/**
 * Options of {@linkcode openDriver}. Every field is optional; drivers ignore
 * what does not apply to them.
 *
 * @example
 * ```ts
 * import type { DriverOptions } from "@zon/net/drivers";
 * const options: DriverOptions = { mode: "receive", filter: "tcp and dst port 61000" };
 * ```
 */
export interface DriverOptions {
  /** Open the transmit side, the receive side, or both (default `"both"`). */
  mode?: DriverMode;
  /** A BPF filter in tcpdump syntax for the receive side, compiled by libpcap. */
  filter?: string;
  /** Largest captured frame (default 65535). */
  snaplen?: number;
  /** Receive frames addressed to other MACs too (default false). */
  promiscuous?: boolean;
  /** Kernel receive buffer bytes: libpcap's buffer, or the `ring:` RX ring (default 32 MiB). */
  bufferSize?: number;
  /** `ring:`: frames in the TX ring (default 4096). */
  txFrames?: number;
  /** `ring:`: bytes per TX ring frame (default 2048; 16-byte multiple). */
  txFrameSize?: number;
  /** `ring:`: hand checksums flagged for offload to the kernel/NIC (default true); false completes them in software. */
  checksumOffload?: boolean;
  /** `ring:`: skip the qdisc layer (`PACKET_QDISC_BYPASS`, default true). */
  qdiscBypass?: boolean;
  /** Path of the shared library to load instead of the default (libpcap, libpfring, libnetmap). */
  library?: string;
  /** `netmap:`: the netmap control device (default `/dev/netmap`). */
  netmapDevice?: string;

  // --- xdp: (AF_XDP) ---
  /** `xdp:`: what the receive program redirects to the socket (required unless `mode` is `"send"`); `filter` is not used. */
  xdpMatch?: XdpMatch;
  /** `xdp:`: force native or generic XDP (default: native, generic when the driver has none). */
  xdpAttach?: XdpAttachMode;
  /** `xdp:`: UMEM frames for receiving (default 4096; a power of two). */
  rxFrames?: number;
  /** `xdp:` with mode `"receive"`: also reserve `txFrames` UMEM frames and the completion ring for one send-only driver in another thread (see `XdpDriver.shareHandle`). */
  xdpShareable?: boolean;
  /** `xdp:` with mode `"send"`: transmit through another driver's UMEM on the same queue (`XDP_SHARED_UMEM`). */
  xdpShare?: XdpShareHandle;
}

/**
 * A packet driver: transmit and receive raw Ethernet frames through one
 * interface, whichever kernel or NIC path is underneath.
 *
 * Transmit: `send`/`sendWith` queue frames (or transmit them at once on
 * drivers without a ring) and return false when the ring is full; `flush`
 * hands queued frames over. Receive: `recv` returns a zero-copy view valid
 * until the next receive call, `recvBatch` calls a reader in place; `wait`
 * blocks the receive thread until frames may be waiting.
 *
 * Checksum offload: `csumStart >= 0` says the frame's transport checksum is
 * a CHECKSUM_PARTIAL seed (the pseudo-header sum) to be completed over
 * `[csumStart, end)` and stored at `csumStart + csumOffset`. Drivers with
 * `checksumOffload` pass that to the kernel/NIC; the others complete it in
 * software, so the flag is always honoured.
 *
 * @example
 * ```ts ignore
 * import { openDriver } from "@zon/net/drivers";
 * const driver = await openDriver("ring:eth0", { filter: "tcp" });
 * driver.send(new Uint8Array(60));
 * driver.flush();
 * for (let f = driver.recv(); f !== null; f = driver.recv()) console.log(f.length);
 * driver.close();
 * ```
 */
export interface PacketDriver {
  /** The adapter name as given to `openDriver` (with its prefix). */
  readonly name: string;
  /** Which driver this is. */
  readonly kind:
    | "pcap"
    | "ring"
    | "zc"
    | "netmap"
    | "file"
    | "null"
    | "xdp";
  /** The network interface (or file path) underneath. */
  readonly device: string;
  /** Largest frame `send` accepts, in bytes (Ethernet header included, no FCS). */
  readonly maxFrameLength: number;
  /** True when checksum completion is done by the kernel/NIC rather than in software. */
  readonly checksumOffload: boolean;
  /** A file descriptor that polls readable when frames are waiting, or -1. */
  readonly fd: number;

  /**
   * Queues or transmits one frame (copied); false when the ring is full.
   * Throws {@linkcode FrameSizeError} for frames shorter than 14 bytes or
   * longer than `maxFrameLength`.
   */
  send(frame: Uint8Array, csumStart?: number, csumOffset?: number): boolean;
  /**
   * Lets `write` put the next frame straight into the transmit slot (no
   * copy on ring drivers); false when the ring is full (`write` not called).
   */
  sendWith(
    write: FrameWriter,
    csumStart?: number,
    csumOffset?: number,
  ): boolean;
  /** Hands queued frames to the kernel/NIC: one syscall per batch on ring drivers. */
  flush(): void;
  /** The next received frame as a view valid until the next receive call, or null. */
  recv(): Uint8Array | null;
  /** Calls `read` for up to `max` waiting frames, in place; returns how many. */
  recvBatch(read: FrameReader, max?: number): number;
  /**
   * Blocks up to `timeoutMs` until frames may be waiting (poll(2)); call it
   * after `recv` returned null. Returns true when the receive side is readable.
   */
  wait(timeoutMs: number): boolean;
  /** Counters since open. */
  stats(): DriverStats;
  /** Releases the socket, rings and library handles; idempotent. */
  close(): void;
}

/** Base class of every error a driver throws. */
export class DriverError extends Error {
  /** The driver kind that failed (`"pcap"`, `"ring"`, ...). */
  readonly driver: string;
  /**
   * Creates the error; `driver` names the driver that failed.
   *
   * @example
   * ```ts
   * import { DriverError } from "@zon/net/drivers";
   * const err = new DriverError("ring", "ring: opened for receive only");
   * console.log(err.driver); // "ring"
   * ```
   */
  constructor(driver: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DriverError";
    this.driver = driver;
  }
}

/** The driver's library or device is not installed; the message says what to install. */
export class DriverUnavailableError extends DriverError {
  /**
   * Creates the error; the message should say what to install.
   *
   * @example
   * ```ts
   * import { DriverUnavailableError } from "@zon/net/drivers";
   * const err = new DriverUnavailableError("zc", "install PF_RING");
   * console.log(err instanceof Error); // true
   * ```
   */
  constructor(driver: string, message: string, options?: ErrorOptions) {
    super(driver, message, options);
    this.name = "DriverUnavailableError";
  }
}

/** A system or library call failed; carries errno when there is one. */
export class DriverSyscallError extends DriverError {
  /** The failing call, e.g. `"setsockopt(PACKET_TX_RING)"`. */
  readonly call: string;
  /** errno, or 0 when the library reports errors as text. */
  readonly errno: number;
  /**
   * Creates the error for a failed `call` with `errno` and a description.
   *
   * @example
   * ```ts
   * import { DriverSyscallError } from "@zon/net/drivers";
   * const err = new DriverSyscallError("ring", "socket(AF_PACKET)", 1, "Operation not permitted");
   * console.log(err.message); // ring: socket(AF_PACKET) failed: Operation not permitted (errno 1)
   * ```
   */
  constructor(
    driver: string,
    call: string,
    errno: number,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      driver,
      `${driver}: ${call} failed: ${detail}${errno ? ` (errno ${errno})` : ""}`,
      options,
    );
    this.name = "DriverSyscallError";
    this.call = call;
    this.errno = errno;
  }
}

/** A frame is too short or too long for the driver. */
export class FrameSizeError extends DriverError {
  /**
   * Creates the error for a frame of `length` bytes outside `[14, max]`.
   *
   * @example
   * ```ts
   * import { FrameSizeError } from "@zon/net/drivers";
   * console.log(new FrameSizeError("ring", 9000, 1514).message);
   * ```
   */
  constructor(driver: string, length: number, max: number) {
    super(
      driver,
      `${driver}: frame of ${length} bytes is outside [14, ${max}]`,
    );
    this.name = "FrameSizeError";
  }
}
