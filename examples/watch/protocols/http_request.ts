/**
 * The client side of HTTP/1.x, streaming: the request line (method, path)
 * and the Host header of the first request, read byte by byte with the line
 * kept in a bounded buffer owned by the (pooled) decoder. The library's
 * HttpBannerDecoder reads the response side only.
 *
 * @module
 */

/** What the first request said. */
export interface HttpRequestInfo {
  /** `GET`, `POST`, ... */
  method: string;
  /** The request target. */
  path: string;
  /** `HTTP/1.1` etc. */
  version: string;
  /** The Host header. */
  host?: string;
  /** The User-Agent header. */
  userAgent?: string;
}

/** Where the next byte goes. */
const RequestState = {
  REQUEST_LINE: 0,
  HEADER_LINE: 1,
  DONE: 2,
  FAILED: 3,
} as const;
type RequestState = typeof RequestState[keyof typeof RequestState];

const LF = 0x0a;
const CR = 0x0d;
const MAX_LINE = 2048;
const REQUEST_LINE = /^([A-Z]{3,10}) (\S+) (HTTP\/\d\.\d)$/;

/** Methods a request may start with, for sniffing. */
export const HTTP_METHODS: readonly string[] = [
  "GET ",
  "POST",
  "HEAD",
  "PUT ",
  "DELE",
  "OPTI",
  "PATC",
  "CONN",
  "TRAC",
];

/**
 * Streaming request-head reader, reusable with `reset`.
 *
 * @example
 * ```ts
 * import { HttpRequestDecoder } from "./http_request.ts";
 * const decoder = new HttpRequestDecoder();
 * decoder.push(new TextEncoder().encode("GET /x HTTP/1.1\r\nHost: h\r\n\r\n"));
 * decoder.result(); // { method: "GET", path: "/x", version: "HTTP/1.1", host: "h" }
 * ```
 */
export class HttpRequestDecoder {
  #state: RequestState = RequestState.REQUEST_LINE;
  readonly #line = new Uint8Array(MAX_LINE);
  #lineFill = 0;
  #result: HttpRequestInfo | null = null;
  readonly #text = new TextDecoder();

  /** Starts over for a new stream. */
  reset(): void {
    this.#state = RequestState.REQUEST_LINE;
    this.#lineFill = 0;
    this.#result = null;
  }

  /** True after the header block ended, or the stream is not HTTP. */
  get done(): boolean {
    return this.#state === RequestState.DONE ||
      this.#state === RequestState.FAILED;
  }

  /** The request so far (null before a whole request line). */
  result(): HttpRequestInfo | null {
    return this.#result;
  }

  /** Feeds `chunk[start, end)`. */
  push(chunk: Uint8Array, start = 0, end = chunk.length): void {
    for (let i = start; i < end && !this.done; i++) {
      const byte = chunk[i];
      if (byte !== LF) {
        if (byte !== CR && this.#lineFill < MAX_LINE) {
          this.#line[this.#lineFill++] = byte;
        }
        continue;
      }
      const line = this.#text.decode(this.#line.subarray(0, this.#lineFill));
      this.#lineFill = 0;
      this.#endLine(line);
    }
  }

  #endLine(line: string): void {
    if (this.#state === RequestState.REQUEST_LINE) {
      const m = REQUEST_LINE.exec(line);
      if (m === null) {
        this.#state = RequestState.FAILED;
        return;
      }
      this.#result = { method: m[1], path: m[2], version: m[3] };
      this.#state = RequestState.HEADER_LINE;
      return;
    }
    if (line === "") {
      this.#state = RequestState.DONE;
      return;
    }
    const colon = line.indexOf(":");
    if (colon < 0) return;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "host") this.#result!.host = value;
    else if (name === "user-agent") this.#result!.userAgent = value;
  }
}
