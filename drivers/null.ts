/**
 * The `null` driver: accepts and discards every frame, receives nothing.
 * The scanner's `--offline` mode transmits into it to measure everything but
 * the wire.
 *
 * @module
 */

import type {
  DriverStats,
  FrameReader,
  FrameWriter,
  PacketDriver,
} from "./types.ts";
import { FrameSizeError } from "./types.ts";

/**
 * Discards frames; `sendWith` still runs the writer into a reusable buffer so
 * the template's cost is measured.
 *
 * @example
 * ```ts
 * import { NullDriver } from "@zon/net/drivers";
 * const driver = new NullDriver();
 * driver.send(new Uint8Array(60));
 * console.log(driver.stats().sent); // 1
 * ```
 */
export class NullDriver implements PacketDriver {
  /** The adapter name as given. */
  readonly name: string;
  /** Always `"null"`. */
  readonly kind = "null" as const;
  /** Always `"null"`. */
  readonly device: string = "null";
  /** 65535. */
  readonly maxFrameLength: number = 65535;
  /** True: nothing is computed for discarded frames. */
  readonly checksumOffload: boolean = true;
  /** -1: nothing to poll. */
  readonly fd: number = -1;
  readonly #scratch = new Uint8Array(65536);
  #sent = 0;

  /**
   * Creates the driver; `name` is what `openDriver` was given.
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * console.log(new NullDriver().name); // "null"
   * ```
   */
  constructor(name = "null") {
    this.name = name;
  }

  /**
   * Counts and discards the frame.
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * console.log(new NullDriver().send(new Uint8Array(60))); // true
   * ```
   */
  send(frame: Uint8Array, _csumStart?: number, _csumOffset?: number): boolean {
    if (frame.length < 14 || frame.length > 65535) {
      throw new FrameSizeError("null", frame.length, 65535);
    }
    this.#sent++;
    return true;
  }

  /**
   * Runs `write` into a reusable buffer and discards the result.
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * const d = new NullDriver();
   * d.sendWith((buf, at) => { buf[at] = 1; return 60; });
   * console.log(d.stats().sent); // 1
   * ```
   */
  sendWith(
    write: FrameWriter,
    _csumStart?: number,
    _csumOffset?: number,
  ): boolean {
    const length = write(this.#scratch, 0, this.maxFrameLength);
    if (length > 0) this.#sent++;
    return true;
  }

  /**
   * Nothing to flush.
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * new NullDriver().flush();
   * ```
   */
  flush(): void {}

  /**
   * Always null.
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * console.log(new NullDriver().recv()); // null
   * ```
   */
  recv(): Uint8Array | null {
    return null;
  }

  /**
   * Always 0.
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * console.log(new NullDriver().recvBatch(() => {})); // 0
   * ```
   */
  recvBatch(_read: FrameReader, _max?: number): number {
    return 0;
  }

  /**
   * Returns false at once: nothing ever arrives (a receive loop should stop
   * on its own deadline).
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * console.log(new NullDriver().wait(10)); // false
   * ```
   */
  wait(_timeoutMs: number): boolean {
    return false;
  }

  /**
   * Frames discarded.
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * console.log(new NullDriver().stats()); // { sent: 0, received: 0, dropped: 0 }
   * ```
   */
  stats(): DriverStats {
    return { sent: this.#sent, received: 0, dropped: 0 };
  }

  /**
   * Nothing to release.
   *
   * @example
   * ```ts
   * import { NullDriver } from "@zon/net/drivers";
   * new NullDriver().close();
   * ```
   */
  close(): void {}
}
