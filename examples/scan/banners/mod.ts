/**
 * `--banners` for the scanner: the user-mode TCP stack (`tcp/`) with a
 * banner-grabbing application on top. This is the one object the receive
 * Worker needs:
 *
 * ```ts ignore
 * const banners = new BannerScanner({
 *   capacity: 10_000,                       // --max-connections (default 10,000)
 *   connectionTimeoutMs: 1000 * timeoutSec, // --connection-timeout SECS (default 30)
 *   sourceMac, routerMac,                   // --adapter-mac, --router-mac
 *   synCookie: (ip, port, myIp, myPort) => synCookie4(ip, port, myIp, myPort, key),
 *   // IPv6 targets too (addresses read in place from the frame):
 *   synCookie6: (ip, at, port, myIp, myAt, myPort) => synCookie6(ip, at, port, myIp, myAt, myPort, key),
 *   routerMac6,
 *   send: (write) => driver.sendWith(write),
 *   hellos: new HelloTable({ userAgent, headers, helloFiles: await loadHelloFiles(helloFileFlags) }),
 *   onBanner: (banner) => postMessage({ banner }), // to the output formats
 * });
 * // receive loop, for every frame:
 * if (parseFrame(frame, parsed) === "tcp") banners.receive(frame, parsed, performance.now());
 * // after each batch:
 * banners.poll(performance.now()); driver.flush();
 * // at the end of --wait:
 * banners.closeAll(performance.now()); driver.flush();
 * ```
 *
 * @module
 */

import type { ParsedFrame } from "../../../packet/parse.ts";
import { formatIpv6 } from "../../../packet/mod.ts";
import type { FrameWriter } from "../../../drivers/types.ts";
import {
  type CloseReason,
  TcpInput,
  TcpStack,
  type TcpStackOptions,
  type TcpStackStats,
} from "../../../tcp/mod.ts";
import { type Banner, BannerDecoder, type ConnectionPlan } from "./banner.ts";
import { HelloTable } from "./hellos.ts";

export * from "./banner.ts";
export * from "./hellos.ts";

/** Options of {@linkcode BannerScanner}. */
export interface BannerScannerOptions {
  /** Most concurrent connections (default 10,000). */
  capacity?: number;
  /** `--connection-timeout` in ms (default 30,000). */
  connectionTimeoutMs?: number;
  /** Cap on bytes read per banner (default 16,384). */
  maxBytes?: number;
  /** The scanner's MAC. */
  sourceMac: Uint8Array;
  /** The router's (next hop's) MAC. */
  routerMac: Uint8Array;
  /** The SYN cookie of a flow, as the transmit Worker computed it. */
  synCookie: (
    remoteIp: number,
    remotePort: number,
    localIp: number,
    localPort: number,
  ) => number;
  /** The SYN cookie of an IPv6 flow (without it, IPv6 SYN-ACKs are ignored). */
  synCookie6?: TcpStackOptions["synCookie6"];
  /** The IPv6 next hop's MAC (default `routerMac`). */
  routerMac6?: Uint8Array;
  /** Sends one frame: `(write) => driver.sendWith(write)`. */
  send: (write: FrameWriter) => boolean;
  /** The hello table (default: HTTP and TLS hellos on their usual ports). */
  hellos?: HelloTable;
  /** Called once per connection that sent anything. */
  onBanner: (banner: Banner) => void;
  /** Clock start, ms (default 0). */
  now?: number;
  /** IPv4 TTL of frames sent (default 64). */
  ttl?: number;
}

/**
 * The `--banners` engine: feed it every TCP frame the receive Worker gets;
 * it completes handshakes, sends hellos, decodes banners, and calls
 * `onBanner`.
 */
export class BannerScanner {
  /** The TCP stack underneath (its `stats()` are the connection counters). */
  readonly stack: TcpStack;
  readonly #decoders: BannerDecoder[];
  readonly #hellos: HelloTable;
  readonly #onBanner: (banner: Banner) => void;
  #banners = 0;

  /** Allocates the connection table, timers and hello buffers. */
  constructor(options: BannerScannerOptions) {
    const capacity = options.capacity ?? 10_000;
    const hellos = options.hellos ?? new HelloTable();
    this.#hellos = hellos;
    this.#onBanner = options.onBanner;
    // Decoders are made the first time a slot is used, then reused.
    this.#decoders = new Array(capacity);
    this.stack = new TcpStack({
      capacity,
      sourceMac: options.sourceMac,
      routerMac: options.routerMac,
      synCookie: options.synCookie,
      synCookie6: options.synCookie6,
      routerMac6: options.routerMac6,
      send: options.send,
      connectionTimeoutMs: options.connectionTimeoutMs ?? 30_000,
      maxBytes: options.maxBytes ?? 16_384,
      helloBytes: Math.max(1024, hellos.maxLength),
      ttl: options.ttl,
      now: options.now,
      app: {
        open: (slot, remoteIp, remotePort, _li, _lp, out, offset, room) => {
          const decoder = this.#decoders[slot] ??= new BannerDecoder();
          const first = decoder.start(remotePort, this.#plan(slot, remotePort));
          if (first) {
            if (first.length > room) return 0;
            out.set(first, offset);
            return first.length;
          }
          const table = this.stack.table;
          if (table.ip6[slot] === 1) {
            return this.#hellos.write6(
              remotePort,
              table.remoteIp6,
              slot * 16,
              out,
              offset,
              room,
            );
          }
          return this.#hellos.write(remotePort, remoteIp, out, offset, room);
        },
        receive: (slot, bytes, start, end) => {
          const decoder = this.#decoders[slot];
          decoder.push(bytes, start, end);
          // STARTTLS commands, the ClientHello, Telnet answers: same connection.
          for (let send = decoder.takeSend(); send; send = decoder.takeSend()) {
            this.stack.write(slot, send, 0, send.length);
          }
          return decoder.done;
        },
        close: (slot, _reason: CloseReason) => {
          const table = this.stack.table;
          const banner = this.#decoders[slot].finish(
            table.remoteIp[slot],
            table.remotePort[slot],
          );
          if (banner) {
            if (table.ip6[slot] === 1) {
              // Once per banner, like the banner object itself.
              banner.ip = 0;
              banner.ipv6 = formatIpv6(table.remoteIp6, slot * 16);
            }
            this.#banners++;
            this.#onBanner(banner);
          }
        },
      },
    });
  }

  /** The hello table's plan; a direct-TLS one with what goes inside its tunnel. */
  #plan(slot: number, port: number): ConnectionPlan {
    const plan = this.#hellos.plan(port);
    if (plan.kind !== "tls") return plan;
    const table = this.stack.table;
    const tunnel = table.ip6[slot] === 1
      ? this.#hellos.tunnel(port, 0, table.remoteIp6, slot * 16)
      : this.#hellos.tunnel(port, table.remoteIp[slot]);
    return { kind: "tls", tunnel };
  }

  /**
   * Handles one parsed TCP frame; returns what the stack did with it
   * (`TcpInput.OPENED` for a SYN-ACK that opened a connection, ...).
   */
  receive(frame: Uint8Array, parsed: ParsedFrame, nowMs: number): TcpInput {
    return this.stack.receive(frame, parsed, nowMs);
  }

  /** Runs timers (retransmissions, `--connection-timeout`). */
  poll(nowMs: number): number {
    return this.stack.poll(nowMs);
  }

  /** Ends every open connection, reporting what each has. */
  closeAll(nowMs: number): void {
    this.stack.closeAll(nowMs);
  }

  /** Connections open now. */
  get active(): number {
    return this.stack.active;
  }

  /** Banners reported so far. */
  get banners(): number {
    return this.#banners;
  }

  /** The TCP stack's counters. */
  stats(): TcpStackStats {
    return this.stack.stats();
  }
}

export { TcpInput };
