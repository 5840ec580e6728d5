/**
 * Decoder of the first packet a MySQL or MariaDB server sends (it speaks
 * first): the Handshake v10 greeting (protocol byte 0x0a, server version,
 * connection id, capability flags, character set, auth plugin) or an ERR
 * packet sent instead of it (1130 "Host '…' is not allowed to connect",
 * 1040 "Too many connections").
 *
 * The packet is at most a few hundred bytes: its payload is collected into
 * a fixed buffer (capped), then read with a `DataView`.
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
 * What {@linkcode MysqlDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { MysqlGreeting } from "./mysql_banner.ts";
 * const v = (g: MysqlGreeting) => g.serverVersion ?? g.errorMessage;
 * ```
 */
export interface MysqlGreeting {
  /** Protocol version byte: 10 for every server since 3.21. */
  protocolVersion?: number;
  /** Server version text (`5.5.5-10.11.6-MariaDB-0+deb12u1`). */
  serverVersion?: string;
  /** Connection (thread) id. */
  connectionId?: number;
  /** Capability flags, lower and upper 16 bits combined. */
  capabilities?: number;
  /** Default character set number. */
  characterSet?: number;
  /** Status flags. */
  statusFlags?: number;
  /** Default authentication plugin (`mysql_native_password`). */
  authPlugin?: string;
  /** ERR packet: the error number (1130, 1040, ...). */
  errorCode?: number;
  /** ERR packet: SQLSTATE, when the packet has the `#` marker. */
  sqlState?: string;
  /** ERR packet: the message. */
  errorMessage?: string;
}

const MysqlState = {
  HEADER: "header",
  PAYLOAD: "payload",
  DONE: "done",
  FAILED: "failed",
} as const;
type MysqlState = typeof MysqlState[keyof typeof MysqlState];

/** Capability flag CLIENT_PLUGIN_AUTH. */
const CLIENT_PLUGIN_AUTH = 0x00080000;
/** Capability flag CLIENT_SSL: the server accepts a TLS switch. */
const CLIENT_SSL = 0x00000800;
const MAX_PAYLOAD = 1024;
const ERR_HOST_NOT_ALLOWED = 1130;

/**
 * Streaming MySQL/MariaDB first-packet decoder, one per connection.
 *
 * @example
 * ```ts
 * import { MysqlDecoder } from "./mysql_banner.ts";
 * const d = new MysqlDecoder();
 * d.push(Uint8Array.of(0x07, 0, 0, 0, 0x0a, 0x38, 0x2e, 0x30, 0, 1, 0));
 * d.result().serverVersion; // "8.0"
 * ```
 */
export class MysqlDecoder implements ServiceDecoder<MysqlGreeting> {
  #state: MysqlState = MysqlState.HEADER;
  #offset = 0;
  readonly #header = new Uint8Array(4);
  #headerFill = 0;
  #length = 0;
  readonly #payload = new Uint8Array(MAX_PAYLOAD);
  #payloadFill = 0;
  #greeting: MysqlGreeting = {};
  #error: ServiceError | undefined;

  /**
   * True once the first packet was read (or broke the grammar).
   *
   * @example
   * ```ts
   * import { MysqlDecoder } from "./mysql_banner.ts";
   * new MysqlDecoder().done; // false
   * ```
   */
  get done(): boolean {
    return this.#state === MysqlState.DONE ||
      this.#state === MysqlState.FAILED;
  }

  /**
   * Starts over for a new connection.
   *
   * @example
   * ```ts
   * import { MysqlDecoder } from "./mysql_banner.ts";
   * new MysqlDecoder().reset();
   * ```
   */
  reset(): void {
    this.#state = MysqlState.HEADER;
    this.#offset = 0;
    this.#headerFill = 0;
    this.#length = 0;
    this.#payloadFill = 0;
    this.#greeting = {};
    this.#error = undefined;
  }

  /**
   * Feeds `chunk[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { MysqlDecoder } from "./mysql_banner.ts";
   * new MysqlDecoder().push(Uint8Array.of(0x45, 0, 0));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    let i = start;
    while (i < end && !this.done) {
      if (this.#state === MysqlState.HEADER) {
        this.#header[this.#headerFill++] = chunk[i++];
        this.#offset++;
        if (this.#headerFill === 4) this.#checkHeader();
      } else {
        const want = Math.min(this.#length, MAX_PAYLOAD) - this.#payloadFill;
        const take = Math.min(want, end - i);
        for (let k = 0; k < take; k++) {
          this.#payload[this.#payloadFill + k] = chunk[i + k];
        }
        this.#payloadFill += take;
        this.#offset += take;
        i += take;
        if (this.#payloadFill === Math.min(this.#length, MAX_PAYLOAD)) {
          this.#parse();
        }
      }
    }
  }

  #checkHeader(): void {
    const h = this.#header;
    this.#length = h[0] | h[1] << 8 | h[2] << 16;
    // The greeting is packet 0 and short; anything else is not MySQL.
    if (h[3] !== 0 || this.#length === 0 || this.#length > 0xffff) {
      return this.#fail(
        "expected a packet header: 3-byte length, sequence 0",
        "NOT_THIS_PROTOCOL",
        3,
      );
    }
    this.#state = MysqlState.PAYLOAD;
  }

  #parse(): void {
    const p = this.#payload.subarray(0, this.#payloadFill);
    if (p[0] === 0xff) this.#parseError(p);
    else if (p[0] === 0x0a) this.#parseHandshake(p);
    else {
      return this.#fail(
        "expected protocol version 10 (0x0a) or an ERR packet (0xff)",
        "NOT_THIS_PROTOCOL",
        4,
      );
    }
    if (!this.#error) this.#state = MysqlState.DONE;
  }

  #parseError(p: Uint8Array): void {
    if (p.length < 3) {
      return this.#fail("ERR packet shorter than its code", "MALFORMED", 4);
    }
    this.#greeting.errorCode = p[1] | p[2] << 8;
    let at = 3;
    if (p[at] === 0x23 && p.length >= 9) {
      this.#greeting.sqlState = latin1(p.subarray(4, 9));
      at = 9;
    }
    this.#greeting.errorMessage = latin1(p.subarray(at));
  }

  #parseHandshake(p: Uint8Array): void {
    const g = this.#greeting;
    g.protocolVersion = 10;
    const nul = p.indexOf(0, 1);
    if (nul < 0) {
      return this.#fail("server version is not NUL-terminated", "MALFORMED", 5);
    }
    g.serverVersion = latin1(p.subarray(1, nul));
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    let at = nul + 1;
    // Older or cut greetings stop anywhere after the version: keep what is there.
    if (at + 4 > p.length) return;
    g.connectionId = view.getUint32(at, true);
    at += 4 + 8 + 1; // connection id, auth-plugin-data part 1, filler
    if (at + 2 > p.length) return;
    let capabilities = view.getUint16(at, true);
    at += 2;
    if (at + 5 > p.length) {
      g.capabilities = capabilities;
      return;
    }
    g.characterSet = p[at];
    g.statusFlags = view.getUint16(at + 1, true);
    capabilities |= view.getUint16(at + 3, true) << 16;
    g.capabilities = capabilities >>> 0;
    const authLength = p[at + 5] ?? 0;
    at += 6 + 10; // auth data length, reserved
    if ((capabilities & CLIENT_PLUGIN_AUTH) === 0) return;
    at += Math.max(13, authLength - 8);
    if (at >= p.length) return;
    const end = p.indexOf(0, at);
    g.authPlugin = latin1(p.subarray(at, end < 0 ? p.length : end));
  }

  #fail(message: string, code: ServiceError["code"], offset: number): void {
    this.#error = { code, offset, message };
    this.#state = MysqlState.FAILED;
  }

  /**
   * The packet's fields with nmap's identity: `mysql` / `MySQL` and the
   * version text for a greeting (nmap names MariaDB's `5.5.5-…-MariaDB`
   * greetings `MySQL` too); `MariaDB` or `MySQL` with extra
   * `unauthorized` for error 1130.
   *
   * @example
   * ```ts
   * import { MysqlDecoder } from "./mysql_banner.ts";
   * new MysqlDecoder().result().complete; // false
   * ```
   */
  result(): ServiceResult<MysqlGreeting> {
    const g = this.#greeting;
    const result: ServiceResult<MysqlGreeting> = {
      ...g,
      service: { name: "mysql", product: "MySQL" },
      complete: this.#state === MysqlState.DONE,
    };
    if (g.serverVersion !== undefined) result.service.version = g.serverVersion;
    if (g.errorCode === ERR_HOST_NOT_ALLOWED) {
      if (g.errorMessage?.includes("MariaDB")) {
        result.service.product = "MariaDB";
      }
      result.service.extra = "unauthorized";
    }
    if (this.#error) {
      result.error = this.#error;
      if (this.#error.code === "NOT_THIS_PROTOCOL") {
        result.service = { name: "unknown" };
      }
    }
    if (this.#state === MysqlState.PAYLOAD && this.#payloadFill > 0) {
      result.error = {
        code: "TRUNCATED",
        offset: this.#offset,
        message: `the first packet announced ${this.#length} bytes`,
      };
    }
    return result;
  }

  /**
   * True when the greeting says the server can switch to TLS (CLIENT_SSL),
   * the condition for MySQL's SSLRequest STARTTLS.
   *
   * @example
   * ```ts
   * import { MysqlDecoder } from "./mysql_banner.ts";
   * new MysqlDecoder().supportsTls; // false
   * ```
   */
  get supportsTls(): boolean {
    return ((this.#greeting.capabilities ?? 0) & CLIENT_SSL) !== 0;
  }
}

/**
 * True when `prefix` (the stream's first bytes, at least 5) starts like a
 * MySQL server's first packet: a 3-byte length below 64 KiB, sequence 0,
 * then 0x0a (greeting) or 0xff (error). The length's bytes vary, so this
 * is a check rather than an Aho-Corasick literal.
 *
 * @example
 * ```ts
 * import { looksLikeMysql } from "./mysql_banner.ts";
 * looksLikeMysql(Uint8Array.of(0x64, 0, 0, 0, 0x0a)); // true
 * ```
 */
export function looksLikeMysql(prefix: Uint8Array): boolean {
  return prefix.length >= 5 && prefix[2] === 0 && prefix[3] === 0 &&
    (prefix[0] | prefix[1]) !== 0 && (prefix[4] === 0x0a || prefix[4] === 0xff);
}
