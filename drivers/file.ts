/**
 * The `file:` driver: a capture file as a {@linkcode PacketDriver}, through
 * the streaming readers/writers of `pcap_file.ts` and `pcapng_file.ts`.
 * Opened for `"send"` or `"both"` it writes every sent frame to the file
 * (created or truncated; pcapng for a `.pcapng` path, else classic pcap);
 * opened for `"receive"` it replays the frames of a pcap or pcapng file
 * (told apart by its magic number) through `recv`.
 *
 * @module
 */

import { CopyStage } from "./_csum.ts";
import {
  captureFormatFor,
  type CaptureReader,
  type CaptureWriter,
  createCaptureWriter,
  openCaptureReader,
} from "./capture.ts";
import {
  DriverError,
  type DriverOptions,
  type DriverStats,
  type FrameReader,
  type FrameWriter,
  type PacketDriver,
} from "./types.ts";

/**
 * A savefile driver. `openDriver("file:out.pcap")` writes (`file:out.pcapng`
 * writes pcapng); with `{ mode: "receive" }` it reads either format.
 *
 * @example
 * ```ts
 * import { openDriver } from "@zon/net/drivers";
 * const path = await Deno.makeTempFile({ suffix: ".pcap" });
 * const out = await openDriver(`file:${path}`);
 * out.send(new Uint8Array(60).fill(0xff, 0, 6));
 * out.close();
 * const back = await openDriver(`file:${path}`, { mode: "receive" });
 * console.log(back.recv()?.length); // 60
 * back.close();
 * ```
 */
export class FileDriver implements PacketDriver {
  /** The adapter name as given. */
  readonly name: string;
  /** Always `"file"`. */
  readonly kind = "file" as const;
  /** The savefile path. */
  readonly device: string;
  /** Largest frame accepted (the snaplen). */
  readonly maxFrameLength: number;
  /** False: flagged checksums are completed in software, so the file holds final bytes. */
  readonly checksumOffload: boolean = false;
  /** -1: files are always readable. */
  readonly fd: number = -1;

  #file: Deno.FsFile | null;
  readonly #writer: CaptureWriter | null;
  readonly #reader: CaptureReader | null;
  #linkType = 1;
  readonly #stage: CopyStage;
  #sent = 0;
  #received = 0;

  private constructor(
    name: string,
    path: string,
    file: Deno.FsFile,
    writer: CaptureWriter | null,
    reader: CaptureReader | null,
    snaplen: number,
  ) {
    this.name = name;
    this.device = path;
    this.#file = file;
    this.#writer = writer;
    this.#reader = reader;
    this.maxFrameLength = snaplen;
    this.#stage = new CopyStage(
      "file",
      new Uint8Array(snaplen),
      this.maxFrameLength,
      (bytes, length) => {
        this.#write(bytes, length);
        return true;
      },
    );
  }

  /**
   * Opens `path` for writing (`mode` "send"/"both", the default) or reading
   * (`mode` "receive").
   *
   * @example
   * ```ts
   * import { FileDriver } from "@zon/net/drivers";
   * const path = await Deno.makeTempFile({ suffix: ".pcap" });
   * const driver = await FileDriver.open(path, { mode: "send" });
   * driver.close();
   * ```
   */
  static async open(
    path: string,
    options: DriverOptions = {},
    name = `file:${path}`,
  ): Promise<FileDriver> {
    const snaplen = options.snaplen ?? 65535;
    try {
      if (options.mode === "receive") {
        const file = await Deno.open(path, { read: true });
        try {
          return new FileDriver(
            name,
            path,
            file,
            null,
            openCaptureReader(file),
            snaplen,
          );
        } catch (e) {
          file.close();
          throw e;
        }
      }
      const file = await Deno.open(path, {
        write: true,
        create: true,
        truncate: true,
      });
      return new FileDriver(
        name,
        path,
        file,
        createCaptureWriter(file, {
          snapLength: snaplen,
          format: captureFormatFor(path),
        }),
        null,
        snaplen,
      );
    } catch (e) {
      if (e instanceof DriverError) throw e;
      throw new DriverError(
        "file",
        `file: cannot open savefile "${path}": ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  #write(bytes: Uint8Array, length: number): void {
    if (this.#writer === null) {
      throw new DriverError(
        "file",
        "file: driver opened with mode 'receive' cannot send",
      );
    }
    this.#writer.write(bytes, undefined, 0, length);
    this.#sent++;
  }

  /**
   * Appends the frame to the savefile (buffered; `flush` writes it out).
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
   * Lets `write` build the frame in a reusable buffer, then appends it.
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
   * Writes buffered records to the file.
   *
   * @example
   * ```ts ignore
   * driver.flush();
   * ```
   */
  flush(): void {
    this.#writer?.flush();
  }

  /**
   * The next frame of the savefile (a view valid until the next call), or
   * null at its end or when writing.
   *
   * @example
   * ```ts ignore
   * for (let f = driver.recv(); f; f = driver.recv()) console.log(f.length);
   * ```
   */
  recv(): Uint8Array | null {
    const record = this.#reader?.next() ?? null;
    if (record === null) return null;
    this.#received++;
    this.#linkType = record.linkType;
    return record.data;
  }

  /**
   * LINKTYPE_ value of the frame `recv` returned last (Ethernet, 1, before
   * the first and when writing): pcapng files may mix link types, so pass
   * it to `parseFrame` per frame.
   *
   * @example
   * ```ts ignore
   * const frame = driver.recv();
   * if (frame) parseFrame(frame, parsed, 0, frame.length, driver.linkType);
   * ```
   */
  get linkType(): number {
    return this.#linkType;
  }

  /**
   * Calls `read` for up to `max` frames of the savefile.
   *
   * @example
   * ```ts ignore
   * driver.recvBatch((buf, at, len) => console.log(len));
   * ```
   */
  recvBatch(read: FrameReader, max = Infinity): number {
    let n = 0;
    while (n < max) {
      const record = this.#reader?.next() ?? null;
      if (record === null) break;
      this.#linkType = record.linkType;
      read(record.data, 0, record.capturedLength);
      n++;
    }
    this.#received += n;
    return n;
  }

  /**
   * A file never blocks: false (the end of a savefile is not a wait).
   *
   * @example
   * ```ts ignore
   * driver.wait(10);
   * ```
   */
  wait(_timeoutMs: number): boolean {
    return false;
  }

  /**
   * Frames written and read.
   *
   * @example
   * ```ts ignore
   * console.log(driver.stats().sent);
   * ```
   */
  stats(): DriverStats {
    return { sent: this.#sent, received: this.#received, dropped: 0 };
  }

  /**
   * Flushes and closes the file; idempotent.
   *
   * @example
   * ```ts ignore
   * driver.close();
   * ```
   */
  close(): void {
    if (this.#file === null) return;
    try {
      this.#writer?.flush();
    } finally {
      this.#file.close();
      this.#file = null;
    }
  }
}
