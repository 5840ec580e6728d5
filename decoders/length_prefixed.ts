/**
 * The shared core of decoders for binary replies that arrive as one
 * length-prefixed message (DNS over TCP, TPKT, NetBIOS session, MongoDB):
 * a named-state machine that reads a fixed-size header, learns the
 * message length from it, collects the body (capped), then hands the
 * complete message to a parser. Fragmentation is invisible to the parser.
 *
 * @module
 */

import type {
  ServiceDecoder,
  ServiceError,
  ServiceInfo,
  ServiceResult,
} from "./service_types.ts";

/**
 * How one protocol frames its message.
 *
 * @example
 * ```ts
 * import type { Framing } from "./length_prefixed.ts";
 * const dns: Framing = { headerBytes: 2, totalLength: (h) => 2 + (h[0] << 8 | h[1]), maxBytes: 4096 };
 * ```
 */
export interface Framing {
  /** Bytes to read before the length is known. */
  headerBytes: number;
  /** The whole message's length from its header, or a string saying why the header is not this protocol's. */
  totalLength(header: Uint8Array): number | string;
  /** Messages longer than this are refused as MALFORMED. */
  maxBytes: number;
}

const FrameState = {
  HEADER: "header",
  BODY: "body",
  DONE: "done",
  FAILED: "failed",
} as const;
type FrameState = typeof FrameState[keyof typeof FrameState];

/**
 * Collects one framed message from any fragmentation.
 *
 * @example
 * ```ts
 * import { FrameCollector } from "./length_prefixed.ts";
 * const frame = new FrameCollector({ headerBytes: 2, totalLength: (h) => 2 + h[1], maxBytes: 64 });
 * frame.push(Uint8Array.of(0, 3, 1, 2), 0, 4);
 * frame.push(Uint8Array.of(3), 0, 1);
 * frame.message?.length; // 5
 * ```
 */
export class FrameCollector {
  readonly #framing: Framing;
  #state: FrameState = FrameState.HEADER;
  #buffer: Uint8Array;
  #fill = 0;
  #total = 0;
  /** The complete message (header included), once read. */
  message: Uint8Array | undefined;
  /** Why the frame was refused. */
  error: ServiceError | undefined;

  /**
   * A collector for `framing`.
   *
   * @example
   * ```ts
   * import { FrameCollector } from "./length_prefixed.ts";
   * new FrameCollector({ headerBytes: 4, totalLength: () => 4, maxBytes: 4 }).done; // false
   * ```
   */
  constructor(framing: Framing) {
    this.#framing = framing;
    this.#buffer = new Uint8Array(framing.headerBytes);
  }

  /**
   * True once the message is complete or refused.
   *
   * @example
   * ```ts
   * import { FrameCollector } from "./length_prefixed.ts";
   * new FrameCollector({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 }).done; // false
   * ```
   */
  get done(): boolean {
    return this.#state === FrameState.DONE || this.#state === FrameState.FAILED;
  }

  /**
   * True when the stream ended inside the message (call at the end).
   *
   * @example
   * ```ts
   * import { FrameCollector } from "./length_prefixed.ts";
   * new FrameCollector({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 }).partial; // false
   * ```
   */
  get partial(): boolean {
    return !this.done && this.#fill > 0;
  }

  /**
   * Starts over.
   *
   * @example
   * ```ts
   * import { FrameCollector } from "./length_prefixed.ts";
   * new FrameCollector({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 }).reset();
   * ```
   */
  reset(): void {
    this.#state = FrameState.HEADER;
    this.#buffer = new Uint8Array(this.#framing.headerBytes);
    this.#fill = 0;
    this.message = undefined;
    this.error = undefined;
  }

  /**
   * Feeds `chunk[start, end)`; returns the offset after the bytes used.
   *
   * @example
   * ```ts
   * import { FrameCollector } from "./length_prefixed.ts";
   * const frame = new FrameCollector({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 });
   * frame.push(Uint8Array.of(7, 8), 0, 2); // 1
   * ```
   */
  push(chunk: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end && !this.done) {
      const want = (this.#state === FrameState.HEADER
        ? this.#framing.headerBytes
        : this.#total) - this.#fill;
      const take = Math.min(want, end - i);
      // A copy loop, not set(subarray()): no view is allocated per push.
      const buffer = this.#buffer;
      for (let k = 0; k < take; k++) {
        buffer[this.#fill + k] = chunk[i + k];
      }
      this.#fill += take;
      i += take;
      if (take === want) {
        this.#advance();
      }
    }
    return i;
  }

  #advance(): void {
    if (this.#state === FrameState.BODY) {
      this.message = this.#buffer;
      this.#state = FrameState.DONE;
      return;
    }
    const total = this.#framing.totalLength(this.#buffer);
    if (typeof total === "string") {
      return this.#fail("NOT_THIS_PROTOCOL", total, 0);
    }
    if (total < this.#framing.headerBytes || total > this.#framing.maxBytes) {
      return this.#fail(
        "MALFORMED",
        `message length ${total} outside ${this.#framing.headerBytes}..${this.#framing.maxBytes}`,
        0,
      );
    }
    this.#total = total;
    const body = new Uint8Array(total);
    body.set(this.#buffer);
    this.#buffer = body;
    this.#state = FrameState.BODY;
    if (total === this.#fill) this.#advance();
  }

  #fail(code: ServiceError["code"], message: string, offset: number): void {
    this.error = { code, offset, message };
    this.#state = FrameState.FAILED;
  }
}

/**
 * What a protocol's parser made of one complete message: its fields and
 * identity, or an error.
 *
 * @example
 * ```ts
 * import type { Parsed } from "./length_prefixed.ts";
 * const parsed: Parsed<{ n: number }> = { fields: { n: 1 }, service: { name: "x" } };
 * ```
 */
export type Parsed<T> =
  | { fields: T; service: ServiceInfo; error?: undefined }
  | { fields?: Partial<T>; service?: undefined; error: ServiceError };

/**
 * A {@linkcode ServiceDecoder} for a one-message reply: framing plus a
 * parser of the complete message. `empty` is the result before anything
 * was parsed.
 *
 * @example
 * ```ts
 * import { FramedDecoder } from "./length_prefixed.ts";
 * const echo = new FramedDecoder<{ length: number }>(
 *   { headerBytes: 1, totalLength: (h) => 1 + h[0], maxBytes: 256 },
 *   (m) => ({ fields: { length: m.length }, service: { name: "echo" } }),
 *   { length: 0 },
 *   "echo",
 * );
 * echo.push(Uint8Array.of(2, 9, 9));
 * echo.result().length; // 3
 * ```
 */
export class FramedDecoder<T extends object> implements ServiceDecoder<T> {
  readonly #frame: FrameCollector;
  readonly #parse: (message: Uint8Array) => Parsed<T>;
  readonly #empty: T;
  readonly #name: string;
  #parsed: Parsed<T> | undefined;

  /**
   * A decoder from its framing, parser, empty fields and service name.
   *
   * @example
   * ```ts
   * import { FramedDecoder } from "./length_prefixed.ts";
   * new FramedDecoder({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 }, () => ({ fields: {}, service: { name: "x" } }), {}, "x");
   * ```
   */
  constructor(
    framing: Framing,
    parse: (message: Uint8Array) => Parsed<T>,
    empty: T,
    name: string,
  ) {
    this.#frame = new FrameCollector(framing);
    this.#parse = parse;
    this.#empty = empty;
    this.#name = name;
  }

  /**
   * True once the message is complete or refused.
   *
   * @example
   * ```ts
   * import { FramedDecoder } from "./length_prefixed.ts";
   * new FramedDecoder({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 }, () => ({ fields: {}, service: { name: "x" } }), {}, "x").done; // false
   * ```
   */
  get done(): boolean {
    return this.#frame.done;
  }

  /**
   * Feeds `chunk[start, end)`.
   *
   * @example
   * ```ts
   * import { FramedDecoder } from "./length_prefixed.ts";
   * new FramedDecoder({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 }, () => ({ fields: {}, service: { name: "x" } }), {}, "x").push(Uint8Array.of(1));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    if (this.#frame.done) return;
    this.#frame.push(chunk, start, end);
    if (this.#frame.message) this.#parsed = this.#parse(this.#frame.message);
  }

  /**
   * Starts over.
   *
   * @example
   * ```ts
   * import { FramedDecoder } from "./length_prefixed.ts";
   * new FramedDecoder({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 }, () => ({ fields: {}, service: { name: "x" } }), {}, "x").reset();
   * ```
   */
  reset(): void {
    this.#frame.reset();
    this.#parsed = undefined;
  }

  /**
   * The parsed fields and identity, or the error.
   *
   * @example
   * ```ts
   * import { FramedDecoder } from "./length_prefixed.ts";
   * new FramedDecoder({ headerBytes: 1, totalLength: () => 1, maxBytes: 1 }, () => ({ fields: {}, service: { name: "x" } }), {}, "x").result().complete; // false
   * ```
   */
  result(): ServiceResult<T> {
    const parsed = this.#parsed;
    if (parsed && !parsed.error) {
      return {
        ...parsed.fields,
        service: { ...parsed.service },
        complete: true,
      };
    }
    const error = parsed?.error ?? this.#frame.error ??
      (this.#frame.partial
        ? {
          code: "TRUNCATED" as const,
          offset: 0,
          message: "the stream ended inside the message",
        }
        : undefined);
    const result: ServiceResult<T> = {
      ...this.#empty,
      ...parsed?.fields,
      service: {
        name: error?.code === "NOT_THIS_PROTOCOL" ? "unknown" : this.#name,
      },
      complete: false,
    };
    if (error) result.error = error;
    return result;
  }
}
