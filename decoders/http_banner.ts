/**
 * Streaming decoder of an HTTP/1.x response's head: status line, headers
 * (Server, Location, Content-Type kept), and the page title from the
 * body's first bytes (found with a case-insensitive Aho-Corasick search, so
 * `<TITLE` split across segments is still found). A byte-level state
 * machine: fed whole, byte-at-a-time or at random splits it gives the same
 * result; it never throws and keeps at most a few KiB per connection.
 *
 * @module
 */

import { AhoCorasick } from "../aho_corasick/mod.ts";

/**
 * What {@linkcode HttpBannerDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { HttpBanner } from "./http_banner.ts";
 * const line = (b: HttpBanner) => `${b.statusCode} ${b.server ?? ""}`;
 * ```
 */
export interface HttpBanner {
  /** `HTTP/1.1` etc., from the status line. */
  version: string;
  /** Status code, or 0 when the status line was not complete. */
  statusCode: number;
  /** Reason phrase. */
  reason: string;
  /** The Server header. */
  server?: string;
  /** The Location header. */
  location?: string;
  /** The Content-Type header. */
  contentType?: string;
  /** Text of the first `<title>` element in the scanned part of the body. */
  title?: string;
  /** Status line and header lines as received (CRLFs kept, capped). */
  headers: string;
  /** True when the header block was longer than the cap. */
  truncated: boolean;
  /** `NOT_HTTP` when the stream does not start with an HTTP status line. */
  error?: "NOT_HTTP";
}

/**
 * Options of {@linkcode HttpBannerDecoder}.
 *
 * @example
 * ```ts
 * import type { HttpBannerOptions } from "./http_banner.ts";
 * const options: HttpBannerOptions = { maxBodyScan: 4096 };
 * ```
 */
export interface HttpBannerOptions {
  /** Bytes of header block kept in `headers` (default 4,096). */
  maxHeaderBytes?: number;
  /** Body bytes searched for a title (default 8,192). */
  maxBodyScan?: number;
}

/** Where the next byte goes. */
const HttpState = {
  STATUS_LINE: 0,
  LINE_START: 1,
  HEADER_NAME: 2,
  HEADER_VALUE: 3,
  END_OF_HEADERS: 4,
  BODY: 5,
  TITLE_TAG: 6,
  TITLE_TEXT: 7,
  DONE: 8,
} as const;
type HttpState = typeof HttpState[keyof typeof HttpState];

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const MAX_LINE = 1024;
const MAX_NAME = 32;
const MAX_TITLE = 512;
const TITLE = AhoCorasick.build(["<title"], { caseInsensitive: true });

/**
 * Streaming HTTP response-head decoder, one per connection (reusable with
 * `reset`).
 *
 * @example
 * ```ts
 * import { HttpBannerDecoder } from "./http_banner.ts";
 * const decoder = new HttpBannerDecoder();
 * const bytes = new TextEncoder().encode(
 *   "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\n\r\n<html><TITLE>Hi</title>",
 * );
 * for (const byte of bytes) decoder.push(Uint8Array.of(byte));
 * const result = decoder.end(); // { statusCode: 200, server: "SimpleHTTP/0.6", title: "Hi", ... }
 * ```
 */
export class HttpBannerDecoder {
  readonly #maxHeaderBytes: number;
  readonly #maxBodyScan: number;
  #state: HttpState = HttpState.STATUS_LINE;
  readonly #raw: Uint8Array;
  #rawFill = 0;
  #rawOverflow = false;
  readonly #line = new Uint8Array(MAX_LINE);
  #lineFill = 0;
  readonly #name = new Uint8Array(MAX_NAME);
  #nameFill = 0;
  #bodySeen = 0;
  #titleState = TITLE.startState;
  #titleEnd = -1;
  readonly #title = new Uint8Array(MAX_TITLE);
  #titleFill = 0;
  #result: HttpBanner = emptyResult();

  /**
   * Creates a decoder.
   *
   * @example
   * ```ts
   * import { HttpBannerDecoder } from "./http_banner.ts";
   * const decoder = new HttpBannerDecoder({ maxHeaderBytes: 2048 });
   * ```
   */
  constructor(options: HttpBannerOptions = {}) {
    this.#maxHeaderBytes = options.maxHeaderBytes ?? 4096;
    this.#maxBodyScan = options.maxBodyScan ?? 8192;
    this.#raw = new Uint8Array(this.#maxHeaderBytes);
  }

  /**
   * Starts over for a new response (buffers are kept).
   *
   * @example
   * ```ts
   * import { HttpBannerDecoder } from "./http_banner.ts";
   * const decoder = new HttpBannerDecoder();
   * decoder.reset();
   * ```
   */
  reset(): void {
    this.#state = HttpState.STATUS_LINE;
    this.#rawFill = 0;
    this.#rawOverflow = false;
    this.#lineFill = 0;
    this.#nameFill = 0;
    this.#bodySeen = 0;
    this.#titleState = TITLE.startState;
    this.#titleEnd = -1;
    this.#titleFill = 0;
    this.#result = emptyResult();
  }

  /**
   * True once nothing more is wanted: title read, body scan limit reached,
   * or not HTTP.
   *
   * @example
   * ```ts
   * import { HttpBannerDecoder } from "./http_banner.ts";
   * new HttpBannerDecoder().done; // false
   * ```
   */
  get done(): boolean {
    return this.#state === HttpState.DONE;
  }

  /**
   * Feeds `chunk[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { HttpBannerDecoder } from "./http_banner.ts";
   * new HttpBannerDecoder().push(new TextEncoder().encode("HTTP/1.1 204 No Content\r\n"));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    let i = start;
    while (i < end && this.#state !== HttpState.DONE) {
      const state = this.#state;
      if (state === HttpState.BODY) {
        i = this.#seekTitle(chunk, i, end);
        continue;
      }
      const byte = chunk[i++];
      if (state <= HttpState.END_OF_HEADERS) this.#keepRaw(byte);
      switch (state) {
        case HttpState.STATUS_LINE:
          if (byte === LF) this.#statusLine();
          else this.#lineByte(byte);
          break;
        case HttpState.LINE_START:
          if (byte === CR) this.#state = HttpState.END_OF_HEADERS;
          else if (byte === LF) this.#endOfHeaders();
          else {
            this.#nameFill = 0;
            this.#nameByte(byte);
            this.#state = HttpState.HEADER_NAME;
          }
          break;
        case HttpState.END_OF_HEADERS:
          if (byte === LF) this.#endOfHeaders();
          else {
            // A lone CR at a line start: treat it as part of a header name.
            this.#nameFill = 0;
            this.#nameByte(byte);
            this.#state = HttpState.HEADER_NAME;
          }
          break;
        case HttpState.HEADER_NAME:
          if (byte === COLON) {
            this.#lineFill = 0;
            this.#state = HttpState.HEADER_VALUE;
          } else if (byte === LF) this.#state = HttpState.LINE_START;
          else this.#nameByte(byte);
          break;
        case HttpState.HEADER_VALUE:
          if (byte === LF) {
            this.#headerLine();
            this.#state = HttpState.LINE_START;
          } else this.#lineByte(byte);
          break;
        case HttpState.TITLE_TAG:
          this.#bodySeen++;
          if (byte === 0x3e /* > */) this.#state = HttpState.TITLE_TEXT;
          else if (this.#bodySeen >= this.#maxBodyScan) {
            this.#state = HttpState.DONE;
          }
          break;
        case HttpState.TITLE_TEXT:
          if (byte === 0x3c /* < */) this.#state = HttpState.DONE;
          else if (this.#titleFill < MAX_TITLE) {
            this.#title[this.#titleFill++] = byte;
          } else this.#state = HttpState.DONE;
          break;
      }
    }
  }

  /**
   * Everything decoded so far.
   *
   * @example
   * ```ts
   * import { HttpBannerDecoder } from "./http_banner.ts";
   * new HttpBannerDecoder().result().statusCode; // 0
   * ```
   */
  result(): HttpBanner {
    const result = this.#result;
    result.headers = latin1(this.#raw, 0, this.#rawFill).replace(
      /(\r?\n)+$/,
      "",
    );
    result.truncated = this.#rawOverflow;
    if (this.#titleFill > 0 || this.#state === HttpState.TITLE_TEXT) {
      result.title = cleanTitle(this.#title.subarray(0, this.#titleFill));
    }
    return result;
  }

  /**
   * Declares the stream over and returns the result (a status line
   * without its LF still counts).
   *
   * @example
   * ```ts
   * import { HttpBannerDecoder } from "./http_banner.ts";
   * const decoder = new HttpBannerDecoder();
   * decoder.push(new TextEncoder().encode("HTTP/1.1 301 Moved"));
   * decoder.end().statusCode; // 301
   * ```
   */
  end(): HttpBanner {
    if (this.#state === HttpState.STATUS_LINE && this.#lineFill > 0) {
      this.#statusLine();
    } else if (this.#state === HttpState.HEADER_VALUE) this.#headerLine();
    return this.result();
  }

  #keepRaw(byte: number): void {
    if (this.#rawFill < this.#maxHeaderBytes) {
      this.#raw[this.#rawFill++] = byte;
    } else this.#rawOverflow = true;
  }

  #lineByte(byte: number): void {
    if (this.#lineFill < MAX_LINE) this.#line[this.#lineFill++] = byte;
  }

  #nameByte(byte: number): void {
    // ASCII lowercase: header names are case-insensitive.
    if (this.#nameFill < MAX_NAME) {
      this.#name[this.#nameFill++] = byte >= 0x41 && byte <= 0x5a
        ? byte | 0x20
        : byte;
    }
  }

  #statusLine(): void {
    const text = latin1(this.#line, 0, this.#lineFill).trim();
    const match = /^(HTTP\/\d(?:\.\d)?)\s+(\d{3})(?:\s+(.*))?$/.exec(text);
    if (!match) {
      this.#result.error = "NOT_HTTP";
      this.#state = HttpState.DONE;
      return;
    }
    this.#result.version = match[1];
    this.#result.statusCode = Number(match[2]);
    this.#result.reason = match[3] ?? "";
    this.#state = HttpState.LINE_START;
  }

  #headerLine(): void {
    const name = latin1(this.#name, 0, this.#nameFill).trim();
    const value = latin1(this.#line, 0, this.#lineFill).trim();
    const result = this.#result;
    if (name === "server") result.server ??= value;
    else if (name === "location") result.location ??= value;
    else if (name === "content-type") result.contentType ??= value;
  }

  #endOfHeaders(): void {
    this.#state = this.#maxBodyScan > 0 ? HttpState.BODY : HttpState.DONE;
  }

  readonly #onTitle = (_pattern: number, end: number): void => {
    if (this.#titleEnd < 0) this.#titleEnd = end;
  };

  /** BODY: search for `<title` with the streaming matcher; returns where to go on. */
  #seekTitle(chunk: Uint8Array, i: number, end: number): number {
    const take = Math.min(end - i, this.#maxBodyScan - this.#bodySeen);
    this.#titleEnd = -1;
    this.#titleState = TITLE.scan(
      chunk.subarray(i, i + take),
      this.#titleState,
      this.#onTitle,
    );
    if (this.#titleEnd >= 0) {
      this.#bodySeen += this.#titleEnd;
      this.#state = HttpState.TITLE_TAG;
      return i + this.#titleEnd;
    }
    this.#bodySeen += take;
    if (this.#bodySeen >= this.#maxBodyScan) this.#state = HttpState.DONE;
    return i + take;
  }
}

function emptyResult(): HttpBanner {
  return {
    version: "",
    statusCode: 0,
    reason: "",
    headers: "",
    truncated: false,
  };
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

function cleanTitle(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes)
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, entity: string) => {
      if (entity[0] === "#") {
        const code = entity[1] === "x" || entity[1] === "X"
          ? parseInt(entity.slice(2), 16)
          : parseInt(entity.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
      }
      return ENTITIES[entity.toLowerCase()] ?? all;
    })
    .replace(/\s+/g, " ").trim();
}
