/**
 * Streaming decoder of a memcached server's reply to `stats` (the hello
 * {@linkcode MEMCACHED_HELLO}) or `version`: `STAT name value` lines up to
 * `END`, a `VERSION x` line, or `ERROR`/`SERVER_ERROR`/`CLIENT_ERROR`.
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
 * The bytes sent to a memcached port: the text protocol's `stats` (what
 * nmap's memcached probe sends; the reply carries version and uptime).
 *
 * @example
 * ```ts
 * import { MEMCACHED_HELLO } from "./memcached_banner.ts";
 * MEMCACHED_HELLO.length; // 7
 * ```
 */
export const MEMCACHED_HELLO: Uint8Array = new TextEncoder().encode(
  "stats\r\n",
);

/**
 * What {@linkcode MemcachedDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { MemcachedReply } from "./memcached_banner.ts";
 * const v = (r: MemcachedReply) => r.version;
 * ```
 */
export interface MemcachedReply {
  /** `STAT version` or the `VERSION` line's value. */
  version?: string;
  /** `STAT uptime`, seconds. */
  uptime?: number;
  /** `STAT pid`. */
  pid?: number;
  /** `STAT libevent`. */
  libevent?: string;
  /** Count of `STAT` lines seen. */
  statCount: number;
  /** An `ERROR`, `CLIENT_ERROR ...` or `SERVER_ERROR ...` line. */
  errorLine?: string;
}

const MemcachedState = {
  LINE: "line",
  DONE: "done",
  FAILED: "failed",
} as const;
type MemcachedState = typeof MemcachedState[keyof typeof MemcachedState];

const CR = 0x0d;
const LF = 0x0a;
const MAX_LINE = 256;
/** `stats` prints ~80 lines; more than this is not a memcached reply. */
const MAX_LINES = 512;

/**
 * Streaming memcached reply decoder, one per connection.
 *
 * @example
 * ```ts
 * import { MemcachedDecoder } from "./memcached_banner.ts";
 * const d = new MemcachedDecoder();
 * d.push(new TextEncoder().encode("STAT version 1.6.18\r\nEND\r\n"));
 * d.result().service.version; // "1.6.18"
 * ```
 */
export class MemcachedDecoder implements ServiceDecoder<MemcachedReply> {
  #state: MemcachedState = MemcachedState.LINE;
  #offset = 0;
  readonly #line = new Uint8Array(MAX_LINE);
  #lineFill = 0;
  #lines = 0;
  #reply: MemcachedReply = { statCount: 0 };
  #error: ServiceError | undefined;

  /**
   * True once `END`, `VERSION` or an error line ended the reply.
   *
   * @example
   * ```ts
   * import { MemcachedDecoder } from "./memcached_banner.ts";
   * new MemcachedDecoder().done; // false
   * ```
   */
  get done(): boolean {
    return this.#state !== MemcachedState.LINE;
  }

  /**
   * Starts over for a new connection.
   *
   * @example
   * ```ts
   * import { MemcachedDecoder } from "./memcached_banner.ts";
   * new MemcachedDecoder().reset();
   * ```
   */
  reset(): void {
    this.#state = MemcachedState.LINE;
    this.#offset = 0;
    this.#lineFill = 0;
    this.#lines = 0;
    this.#reply = { statCount: 0 };
    this.#error = undefined;
  }

  /**
   * Feeds `chunk[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { MemcachedDecoder } from "./memcached_banner.ts";
   * new MemcachedDecoder().push(new TextEncoder().encode("VERSION 1.6.18\r\n"));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    for (let i = start; i < end && !this.done; i++, this.#offset++) {
      const byte = chunk[i];
      if (byte === LF) this.#endLine();
      else if (this.#lineFill < MAX_LINE) this.#line[this.#lineFill++] = byte;
      else if (byte < 0x20 && byte !== CR) {
        this.#fail("expected printable text in a reply line");
      }
    }
  }

  #endLine(): void {
    let length = this.#lineFill;
    if (length > 0 && this.#line[length - 1] === CR) length--;
    const line = latin1(this.#line, length);
    this.#lineFill = 0;
    if (++this.#lines > MAX_LINES) return this.#fail("too many reply lines");
    if (line.startsWith("STAT ")) return this.#stat(line);
    if (line === "END") {
      this.#state = MemcachedState.DONE;
    } else if (line.startsWith("VERSION ")) {
      this.#reply.version = line.slice(8);
      this.#state = MemcachedState.DONE;
    } else if (
      line === "ERROR" || line.startsWith("CLIENT_ERROR") ||
      line.startsWith("SERVER_ERROR")
    ) {
      this.#reply.errorLine = line;
      this.#state = MemcachedState.DONE;
    } else {
      this.#fail(
        "expected STAT, END, VERSION or an error line",
        this.#lines === 1 ? "NOT_THIS_PROTOCOL" : "MALFORMED",
      );
    }
  }

  #stat(line: string): void {
    this.#reply.statCount++;
    const space = line.indexOf(" ", 5);
    if (space < 0) return;
    const value = line.slice(space + 1);
    switch (line.slice(5, space)) {
      case "version":
        this.#reply.version = value;
        break;
      case "uptime":
        this.#reply.uptime = Number(value);
        break;
      case "pid":
        this.#reply.pid = Number(value);
        break;
      case "libevent":
        this.#reply.libevent = value;
        break;
    }
  }

  #fail(message: string, code: ServiceError["code"] = "MALFORMED"): void {
    this.#error = { code, offset: this.#offset, message };
    this.#state = MemcachedState.FAILED;
  }

  /**
   * The reply so far with its service identity (nmap's: `Memcached`,
   * version, `uptime N seconds`).
   *
   * @example
   * ```ts
   * import { MemcachedDecoder } from "./memcached_banner.ts";
   * new MemcachedDecoder().result().service.name; // "memcached"
   * ```
   */
  result(): ServiceResult<MemcachedReply> {
    const result: ServiceResult<MemcachedReply> = {
      ...this.#reply,
      service: { name: "memcached", product: "Memcached" },
      complete: this.#state === MemcachedState.DONE,
    };
    if (this.#reply.version) result.service.version = this.#reply.version;
    if (this.#reply.uptime !== undefined) {
      result.service.extra = `uptime ${this.#reply.uptime} seconds`;
    }
    if (this.#error) {
      result.error = this.#error;
      if (this.#error.code === "NOT_THIS_PROTOCOL") {
        result.service = { name: "unknown" };
      }
    }
    return result;
  }
}
