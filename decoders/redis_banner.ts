/**
 * Streaming decoder of a Redis server's reply to the RESP command
 * `INFO server` (the hello in {@linkcode REDIS_HELLO}): a bulk string of
 * `key:value` lines whose `redis_version`, `redis_mode` and `os` are kept,
 * or an error line (`-NOAUTH`, `-DENIED` in protected mode, `-ERR ...`).
 *
 * @module
 */

import {
  latin1,
  type ServiceDecoder,
  type ServiceError,
  type ServiceResult,
} from "./service_types.ts";

/**
 * The bytes sent to a Redis port: `INFO server` as a RESP array (what
 * nmap's `redis-server` probe sends, restricted to the server section).
 *
 * @example
 * ```ts
 * import { REDIS_HELLO } from "./redis_banner.ts";
 * new TextDecoder().decode(REDIS_HELLO); // "*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"
 * ```
 */
export const REDIS_HELLO: Uint8Array = new TextEncoder().encode(
  "*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n",
);

/**
 * What {@linkcode RedisDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { RedisReply } from "./redis_banner.ts";
 * const v = (r: RedisReply) => r.redisVersion ?? r.errorLine;
 * ```
 */
export interface RedisReply {
  /** RESP type byte of the reply: `$` bulk, `-` error, `+` simple, `:` integer, `*` array. */
  replyType?: string;
  /** `redis_version` from INFO. */
  redisVersion?: string;
  /** `redis_mode` (`standalone`, `cluster`, `sentinel`). */
  redisMode?: string;
  /** `os` from INFO. */
  os?: string;
  /** The error or simple-string line without its type byte (`NOAUTH Authentication required.`). */
  errorLine?: string;
}

const RedisState = {
  TYPE: "type",
  BULK_LENGTH: "bulk-length",
  BULK_LENGTH_LF: "bulk-length-lf",
  BULK_BODY: "bulk-body",
  LINE: "line",
  DONE: "done",
  FAILED: "failed",
} as const;
type RedisState = typeof RedisState[keyof typeof RedisState];

const CR = 0x0d;
const LF = 0x0a;
const MAX_LINE = 256;
/** Bulk replies longer than this are not INFO (INFO server is ~1 KiB). */
const MAX_BULK = 1 << 20;

/**
 * Streaming RESP reply decoder, one per connection.
 *
 * @example
 * ```ts
 * import { RedisDecoder } from "./redis_banner.ts";
 * const d = new RedisDecoder();
 * d.push(new TextEncoder().encode("$34\r\n# Server\r\nredis_version:7.0.15\r\n\r\n"));
 * d.result().service.version; // "7.0.15"
 * ```
 */
export class RedisDecoder implements ServiceDecoder<RedisReply> {
  #state: RedisState = RedisState.TYPE;
  #offset = 0;
  #bulkLeft = 0;
  #digits = 0;
  readonly #line = new Uint8Array(MAX_LINE);
  #lineFill = 0;
  #reply: RedisReply = {};
  #error: ServiceError | undefined;

  /**
   * True once the reply is complete or broke the grammar.
   *
   * @example
   * ```ts
   * import { RedisDecoder } from "./redis_banner.ts";
   * new RedisDecoder().done; // false
   * ```
   */
  get done(): boolean {
    return this.#state === RedisState.DONE ||
      this.#state === RedisState.FAILED;
  }

  /**
   * Starts over for a new connection.
   *
   * @example
   * ```ts
   * import { RedisDecoder } from "./redis_banner.ts";
   * new RedisDecoder().reset();
   * ```
   */
  reset(): void {
    this.#state = RedisState.TYPE;
    this.#offset = 0;
    this.#bulkLeft = 0;
    this.#digits = 0;
    this.#lineFill = 0;
    this.#reply = {};
    this.#error = undefined;
  }

  /**
   * Feeds `chunk[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { RedisDecoder } from "./redis_banner.ts";
   * new RedisDecoder().push(new TextEncoder().encode("-NOAUTH Authentication required.\r\n"));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    for (let i = start; i < end && !this.done; i++, this.#offset++) {
      this.#step(chunk[i]);
    }
  }

  #step(byte: number): void {
    switch (this.#state) {
      case RedisState.TYPE:
        return this.#type(byte);
      case RedisState.BULK_LENGTH:
        return this.#bulkLength(byte);
      case RedisState.BULK_LENGTH_LF:
        if (byte !== LF) return this.#fail("expected LF after the bulk length");
        this.#state = this.#bulkLeft === 0
          ? RedisState.DONE
          : RedisState.BULK_BODY;
        return;
      case RedisState.BULK_BODY:
        return this.#bulkBody(byte);
      case RedisState.LINE:
        if (byte === LF) {
          this.#reply.errorLine = this.#lineText();
          this.#state = RedisState.DONE;
        } else if (this.#lineFill < MAX_LINE) {
          this.#line[this.#lineFill++] = byte;
        }
        return;
    }
  }

  #type(byte: number): void {
    const type = String.fromCharCode(byte);
    switch (type) {
      case "$":
        this.#state = RedisState.BULK_LENGTH;
        break;
      case "-":
      case "+":
      case ":":
      case "*":
        this.#state = RedisState.LINE;
        break;
      default:
        return this.#fail(
          "expected a RESP type byte ($, -, +, : or *)",
          "NOT_THIS_PROTOCOL",
        );
    }
    this.#reply.replyType = type;
  }

  #bulkLength(byte: number): void {
    if (byte >= 0x30 && byte <= 0x39 && this.#digits < 9) {
      this.#bulkLeft = this.#bulkLeft * 10 + byte - 0x30;
      this.#digits++;
    } else if (byte === CR && this.#digits > 0) {
      if (this.#bulkLeft > MAX_BULK) return this.#fail("bulk reply too long");
      this.#state = RedisState.BULK_LENGTH_LF;
    } else if (byte === 0x2d && this.#digits === 0) {
      // `$-1`: a null bulk string; read the line out and stop.
      this.#state = RedisState.LINE;
    } else this.#fail("expected the bulk length's digits and CR");
  }

  #bulkBody(byte: number): void {
    if (byte === LF) this.#infoLine();
    else if (this.#lineFill < MAX_LINE) this.#line[this.#lineFill++] = byte;
    if (--this.#bulkLeft === 0) {
      if (this.#lineFill > 0) this.#infoLine();
      // The trailing CRLF after the bulk body is not waited for.
      this.#state = RedisState.DONE;
    }
  }

  #lineText(): string {
    let length = this.#lineFill;
    if (length > 0 && this.#line[length - 1] === CR) length--;
    this.#lineFill = 0;
    return latin1(this.#line, length);
  }

  #infoLine(): void {
    const line = this.#lineText();
    const colon = line.indexOf(":");
    if (colon <= 0) return;
    const value = line.slice(colon + 1);
    switch (line.slice(0, colon)) {
      case "redis_version":
        this.#reply.redisVersion = value;
        break;
      case "redis_mode":
        this.#reply.redisMode = value;
        break;
      case "os":
        this.#reply.os = value;
        break;
    }
  }

  #fail(message: string, code: ServiceError["code"] = "MALFORMED"): void {
    this.#error = { code, offset: this.#offset, message };
    this.#state = RedisState.FAILED;
  }

  /**
   * The reply so far with its service identity.
   *
   * @example
   * ```ts
   * import { RedisDecoder } from "./redis_banner.ts";
   * new RedisDecoder().result().service.name; // "redis"
   * ```
   */
  result(): ServiceResult<RedisReply> {
    const reply = { ...this.#reply };
    if (this.#state === RedisState.LINE && this.#lineFill > 0) {
      reply.errorLine = latin1(this.#line, this.#lineFill);
    }
    const result: ServiceResult<RedisReply> = {
      ...reply,
      service: { name: "redis", product: "Redis key-value store" },
      complete: this.#state === RedisState.DONE,
    };
    if (reply.redisVersion) result.service.version = reply.redisVersion;
    if (this.#error) {
      result.error = this.#error;
      if (this.#error.code === "NOT_THIS_PROTOCOL") {
        result.service = { name: "unknown" };
      }
    }
    return result;
  }
}
