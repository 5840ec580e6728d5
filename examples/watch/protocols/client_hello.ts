/**
 * The client side of a TLS handshake, streaming: strips record headers and
 * collects the first handshake message (ClientHello) into a bounded buffer
 * owned by this decoder (decoders are pooled, not per flow), then reads the
 * server_name (SNI) and the offered versions. The library's TlsDecoder
 * reads the server side only.
 *
 * @module
 */

/** What a ClientHello said. */
export interface ClientHelloInfo {
  /** server_name, when sent. */
  sni?: string;
  /** The legacy version field, e.g. 0x0303. */
  version: number;
  /** Whether supported_versions offered TLS 1.3. */
  offersTls13: boolean;
}

/** Where the next byte of the client stream goes. */
const ClientHelloState = {
  RECORD_HEADER: 0,
  RECORD_BODY: 1,
  DONE: 2,
  FAILED: 3,
} as const;
type ClientHelloState = typeof ClientHelloState[keyof typeof ClientHelloState];

const RECORD_HEADER_LENGTH = 5;
const CONTENT_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
/** ClientHellos are a few hundred bytes; post-quantum key shares ~1.8 KiB. */
const MAX_HELLO = 4096;
const EXTENSION_SERVER_NAME = 0;
const EXTENSION_SUPPORTED_VERSIONS = 43;

/**
 * Streaming ClientHello reader, reusable with `reset`.
 *
 * @example
 * ```ts
 * import { ClientHelloDecoder } from "./client_hello.ts";
 * import { buildClientHello } from "../../../decoders/mod.ts";
 * const hello = buildClientHello("example.com");
 * const decoder = new ClientHelloDecoder();
 * for (let i = 0; i < hello.length; i++) decoder.push(hello, i, i + 1);
 * decoder.result()?.sni; // "example.com"
 * ```
 */
export class ClientHelloDecoder {
  #state: ClientHelloState = ClientHelloState.RECORD_HEADER;
  readonly #header = new Uint8Array(RECORD_HEADER_LENGTH);
  #headerFill = 0;
  #recordLeft = 0;
  readonly #hello = new Uint8Array(MAX_HELLO);
  #helloFill = 0;
  #result: ClientHelloInfo | null = null;

  /** Starts over for a new stream. */
  reset(): void {
    this.#state = ClientHelloState.RECORD_HEADER;
    this.#headerFill = 0;
    this.#recordLeft = 0;
    this.#helloFill = 0;
    this.#result = null;
  }

  /** True once the ClientHello was read or the stream is not TLS. */
  get done(): boolean {
    return this.#state === ClientHelloState.DONE ||
      this.#state === ClientHelloState.FAILED;
  }

  /** The ClientHello, once read; null otherwise. */
  result(): ClientHelloInfo | null {
    return this.#result;
  }

  /** Feeds `chunk[start, end)`. */
  push(chunk: Uint8Array, start = 0, end = chunk.length): void {
    let i = start;
    while (i < end && !this.done) {
      if (this.#state === ClientHelloState.RECORD_HEADER) {
        this.#header[this.#headerFill++] = chunk[i++];
        if (this.#headerFill < RECORD_HEADER_LENGTH) continue;
        this.#headerFill = 0;
        if (this.#header[0] !== CONTENT_HANDSHAKE || this.#header[1] !== 3) {
          this.#state = ClientHelloState.FAILED;
          break;
        }
        this.#recordLeft = (this.#header[3] << 8) | this.#header[4];
        this.#state = ClientHelloState.RECORD_BODY;
        continue;
      }
      const take = Math.min(
        end - i,
        this.#recordLeft,
        MAX_HELLO - this.#helloFill,
      );
      this.#hello.set(chunk.subarray(i, i + take), this.#helloFill);
      this.#helloFill += take;
      this.#recordLeft -= take;
      i += take;
      this.#checkComplete();
      if (!this.done && this.#recordLeft === 0) {
        this.#state = ClientHelloState.RECORD_HEADER;
      }
    }
  }

  #checkComplete(): void {
    const h = this.#hello;
    if (this.#helloFill < 4) return;
    if (h[0] !== HANDSHAKE_CLIENT_HELLO) {
      this.#state = ClientHelloState.FAILED;
      return;
    }
    const length = (h[1] << 16) | (h[2] << 8) | h[3];
    if (this.#helloFill >= MAX_HELLO || this.#helloFill >= 4 + length) {
      this.#result = parseHello(h.subarray(4, Math.min(4 + length, MAX_HELLO)));
      this.#state = this.#result === null
        ? ClientHelloState.FAILED
        : ClientHelloState.DONE;
    }
  }
}

/** Reads the fields of a ClientHello body; null when malformed. */
function parseHello(b: Uint8Array): ClientHelloInfo | null {
  if (b.length < 38) return null;
  const info: ClientHelloInfo = {
    version: (b[0] << 8) | b[1],
    offersTls13: false,
  };
  let at = 34;
  at += 1 + b[at]; // session id
  if (at + 2 > b.length) return null;
  at += 2 + ((b[at] << 8) | b[at + 1]); // cipher suites
  if (at + 1 > b.length) return null;
  at += 1 + b[at]; // compression methods
  if (at + 2 > b.length) return info;
  const extensionsEnd = Math.min(b.length, at + 2 + ((b[at] << 8) | b[at + 1]));
  at += 2;
  while (at + 4 <= extensionsEnd) {
    const type = (b[at] << 8) | b[at + 1];
    const length = (b[at + 2] << 8) | b[at + 3];
    const body = at + 4;
    if (body + length > extensionsEnd) break;
    if (type === EXTENSION_SERVER_NAME && length >= 5 && b[body + 2] === 0) {
      const nameLength = (b[body + 3] << 8) | b[body + 4];
      if (body + 5 + nameLength <= body + length) {
        info.sni = new TextDecoder().decode(
          b.subarray(body + 5, body + 5 + nameLength),
        );
      }
    } else if (type === EXTENSION_SUPPORTED_VERSIONS && length >= 1) {
      for (let v = body + 1; v + 1 < body + length; v += 2) {
        if (b[v] === 3 && b[v + 1] === 4) info.offersTls13 = true;
      }
    }
    at = body + length;
  }
  return info;
}
