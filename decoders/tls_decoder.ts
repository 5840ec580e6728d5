/**
 * Streaming decoder for the server→client side of a TLS 1.0–1.2 handshake.
 *
 * Two stacked state machines, each saving its state at the end of every
 * fragment: the record layer ({@linkcode RecordState}) strips record
 * headers; the handshake layer ({@linkcode HandshakeState}) reads messages
 * that may span records. Certificates are handed to an
 * {@linkcode X509Decoder} as views of the input: never copied, never
 * reassembled.
 *
 * @module
 */

import { bytesToHex } from "./x509_values.ts";
import { X509Decoder } from "./x509_decoder.ts";
import type { X509DecodeResult } from "./x509_types.ts";
import {
  TLS_ALERTS,
  TLS_CIPHER_SUITES,
  TLS_EXTENSIONS,
  TLS_VERSIONS,
} from "./tls_names.ts";

/**
 * The ServerHello message.
 *
 * @example
 * ```ts
 * import type { TlsServerHello } from "@zon/net/decoders";
 * const isModern = (hello: TlsServerHello) => hello.version >= 0x0303;
 * ```
 */
export interface TlsServerHello {
  /** Negotiated version (wire value, e.g. 0x0303; supported_versions wins). */
  version: number;
  /** `TLS 1.2` etc. */
  versionName: string;
  /** server_random, hex. */
  random: string;
  /** Session id, hex (may be empty). */
  sessionId: string;
  /** Chosen cipher suite. */
  cipherSuite: number;
  /** Its IANA name, or `0x....`. */
  cipherSuiteName: string;
  /** Chosen compression method (0: none). */
  compressionMethod: number;
  /** Extensions in the order sent. */
  extensions: Array<{ type: number; name: string; length: number }>;
  /** ALPN protocol, when the server chose one. */
  alpn?: string;
}

/**
 * An alert record.
 *
 * @example
 * ```ts
 * import type { TlsAlert } from "@zon/net/decoders";
 * const fatal = (alert: TlsAlert) => alert.level === 2;
 * ```
 */
export interface TlsAlert {
  /** 1 warning, 2 fatal. */
  level: number;
  /** Description code. */
  description: number;
  /** Its name (`handshake_failure`, ...), or the number. */
  descriptionName: string;
}

/**
 * Why the stream could not be decoded; `offset` counts from the first byte
 * pushed.
 *
 * @example
 * ```ts
 * import type { TlsError } from "@zon/net/decoders";
 * const error: TlsError = { code: "NOT_TLS", offset: 0, message: "HTTP/1.1" };
 * ```
 */
export interface TlsError {
  /** Machine-readable reason. */
  code:
    | "NOT_TLS"
    | "RECORD_TOO_LONG"
    | "MALFORMED_HANDSHAKE"
    | "TRUNCATED";
  /** Stream offset of the offending byte. */
  offset: number;
  /** Human-readable explanation. */
  message: string;
}

/**
 * Everything decoded so far.
 *
 * @example
 * ```ts
 * import type { TlsResult } from "@zon/net/decoders";
 * const chainLength = (result: TlsResult) => result.certificates.length;
 * ```
 */
export interface TlsResult {
  /** The ServerHello, once complete. */
  serverHello?: TlsServerHello;
  /** Each certificate of the Certificate message, in order (leaf first). */
  certificates: X509DecodeResult[];
  /** Alerts received. */
  alerts: TlsAlert[];
  /** Whether ServerHelloDone was seen (the server's first flight is over). */
  serverHelloDone: boolean;
  /** Whether the rest is encrypted (ChangeCipherSpec, or TLS 1.3 chosen). */
  encrypted: boolean;
  /** Set when the stream is not a well-formed TLS server flight. */
  error?: TlsError;
  /** Bytes consumed (after an error: the bytes before the offending one). */
  bytesConsumed: number;
}

/**
 * Callbacks of {@linkcode TlsDecoder}, called from inside `push` as each
 * item completes.
 *
 * @example
 * ```ts
 * import { TlsDecoder } from "@zon/net/decoders";
 * const decoder = new TlsDecoder({
 *   onCertificate: (cert, index) => console.log(index, cert),
 * });
 * ```
 */
export interface TlsDecoderHandlers {
  /** A ServerHello was decoded. */
  onServerHello?: (hello: TlsServerHello) => void;
  /** Certificate number `index` (0: leaf) was decoded. */
  onCertificate?: (certificate: X509DecodeResult, index: number) => void;
  /** An alert arrived. */
  onAlert?: (alert: TlsAlert) => void;
}

/** Record layer: where in the 5-byte header, or in the body. */
const RecordState = {
  CONTENT_TYPE: 0,
  VERSION_MAJOR: 1,
  VERSION_MINOR: 2,
  LENGTH_HIGH: 3,
  LENGTH_LOW: 4,
  BODY: 5,
  FAILED: 6,
} as const;
type RecordState = typeof RecordState[keyof typeof RecordState];

/** Handshake layer: which field of which message the next byte belongs to. */
const HandshakeState = {
  MESSAGE_TYPE: 0,
  MESSAGE_LENGTH: 1,
  HELLO_VERSION: 2,
  HELLO_RANDOM: 3,
  HELLO_SESSION_ID_LENGTH: 4,
  HELLO_SESSION_ID: 5,
  HELLO_CIPHER_SUITE: 6,
  HELLO_COMPRESSION: 7,
  HELLO_EXTENSIONS_LENGTH: 8,
  HELLO_EXTENSION_TYPE: 9,
  HELLO_EXTENSION_LENGTH: 10,
  HELLO_EXTENSION_DATA: 11,
  CERTIFICATE_LIST_LENGTH: 12,
  CERTIFICATE_LENGTH: 13,
  CERTIFICATE_BODY: 14,
  SKIP_MESSAGE: 15,
} as const;
type HandshakeState = typeof HandshakeState[keyof typeof HandshakeState];

/** How a handshake field's bytes are consumed. */
const FieldKind = { NUMBER: 0, BYTES: 1, CERTIFICATE: 2, SKIP: 3 } as const;
type FieldKind = typeof FieldKind[keyof typeof FieldKind];

const FIELD_KIND: Record<HandshakeState, FieldKind> = {
  [HandshakeState.MESSAGE_TYPE]: FieldKind.NUMBER,
  [HandshakeState.MESSAGE_LENGTH]: FieldKind.NUMBER,
  [HandshakeState.HELLO_VERSION]: FieldKind.NUMBER,
  [HandshakeState.HELLO_RANDOM]: FieldKind.BYTES,
  [HandshakeState.HELLO_SESSION_ID_LENGTH]: FieldKind.NUMBER,
  [HandshakeState.HELLO_SESSION_ID]: FieldKind.BYTES,
  [HandshakeState.HELLO_CIPHER_SUITE]: FieldKind.NUMBER,
  [HandshakeState.HELLO_COMPRESSION]: FieldKind.NUMBER,
  [HandshakeState.HELLO_EXTENSIONS_LENGTH]: FieldKind.NUMBER,
  [HandshakeState.HELLO_EXTENSION_TYPE]: FieldKind.NUMBER,
  [HandshakeState.HELLO_EXTENSION_LENGTH]: FieldKind.NUMBER,
  [HandshakeState.HELLO_EXTENSION_DATA]: FieldKind.BYTES,
  [HandshakeState.CERTIFICATE_LIST_LENGTH]: FieldKind.NUMBER,
  [HandshakeState.CERTIFICATE_LENGTH]: FieldKind.NUMBER,
  [HandshakeState.CERTIFICATE_BODY]: FieldKind.CERTIFICATE,
  [HandshakeState.SKIP_MESSAGE]: FieldKind.SKIP,
};

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
/** RFC 5246 §6.2.3: ciphertext may exceed 2^14 by 2048. */
const MAX_RECORD_LENGTH = (1 << 14) + 2048;
const HANDSHAKE_SERVER_HELLO = 2;
const HANDSHAKE_CERTIFICATE = 11;
const HANDSHAKE_SERVER_HELLO_DONE = 14;
const EXTENSION_ALPN = 16;
const EXTENSION_SUPPORTED_VERSIONS = 43;
const TLS13 = 0x0304;
/** Bytes of extension data kept (enough for ALPN and supported_versions). */
const MAX_CAPTURED_BYTES = 64;
/** Certificates kept in {@linkcode TlsResult}; the callback sees them all. */
const MAX_CERTIFICATES = 32;

/**
 * Streaming decoder of a TLS server's first flight: ServerHello, the
 * certificate chain (each certificate decoded by {@linkcode X509Decoder}),
 * ServerHelloDone, and alerts. Feed bytes as they arrive with
 * {@linkcode TlsDecoder.push}; read {@linkcode TlsDecoder.result} at any time.
 * `push` never throws (except from your own callbacks).
 *
 * @example Decode a captured server flight fed one byte at a time
 * ```ts
 * import { TlsDecoder } from "@zon/net/decoders";
 * const flight = new Uint8Array([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
 * const decoder = new TlsDecoder();
 * for (const byte of flight) decoder.push(Uint8Array.of(byte));
 * console.log(decoder.result().alerts); // [{ level: 2, description: 40, ... }]
 * ```
 */
export class TlsDecoder {
  readonly #handlers: TlsDecoderHandlers;
  #position = 0;

  #recordState: RecordState = RecordState.CONTENT_TYPE;
  #recordType = 0;
  #recordLength = 0;
  #recordLeft = 0;
  #alertBytes: number[] = [];

  #state: HandshakeState = HandshakeState.MESSAGE_TYPE;
  #fieldLeft = 1;
  #fieldValue = 0;
  #fieldStart = 0;
  #captured = new Uint8Array(MAX_CAPTURED_BYTES);
  #capturedFill = 0;
  #messageType = 0;
  #messageLeft = 0;
  #certificateIndex = 0;
  #x509 = new X509Decoder();

  #hello: TlsServerHello | undefined;
  #extensionType = 0;
  #result: TlsResult = {
    certificates: [],
    alerts: [],
    serverHelloDone: false,
    encrypted: false,
    bytesConsumed: 0,
  };

  /**
   * Creates a decoder for one connection.
   *
   * @param handlers Optional callbacks.
   */
  constructor(handlers: TlsDecoderHandlers = {}) {
    this.#handlers = handlers;
  }

  /**
   * True once nothing more can be learnt in clear: ServerHelloDone seen,
   * encryption started, a fatal alert, or an error.
   *
   * @example
   * ```ts
   * import { TlsDecoder } from "@zon/net/decoders";
   * console.log(new TlsDecoder().done); // false
   * ```
   */
  get done(): boolean {
    const result = this.#result;
    return result.serverHelloDone || result.encrypted ||
      result.error !== undefined ||
      result.alerts.some((alert) => alert.level === 2);
  }

  /**
   * Everything decoded so far (the same object, updated by each push).
   *
   * @example
   * ```ts
   * import { TlsDecoder } from "@zon/net/decoders";
   * console.log(new TlsDecoder().result().certificates); // []
   * ```
   *
   * @returns The accumulated result.
   */
  result(): TlsResult {
    const error = this.#result.error;
    // Decoding stops at an error: count up to the offending byte, so the
    // figure does not depend on how the input was fragmented.
    this.#result.bytesConsumed = error
      ? Math.min(this.#position, error.offset)
      : this.#position;
    return this.#result;
  }

  /**
   * Declares the stream over: reports `TRUNCATED` if it stopped inside a
   * record while the first flight was still in clear.
   *
   * @example
   * ```ts
   * import { TlsDecoder } from "@zon/net/decoders";
   * const decoder = new TlsDecoder();
   * decoder.push(Uint8Array.of(0x16, 0x03));
   * console.log(decoder.end().error?.code); // "TRUNCATED"
   * ```
   *
   * @returns The final result.
   */
  end(): TlsResult {
    if (
      !this.done && (this.#recordState !== RecordState.CONTENT_TYPE ||
        this.#state !== HandshakeState.MESSAGE_TYPE)
    ) {
      this.#fail("TRUNCATED", this.#position, "stream ended inside a record");
    }
    return this.result();
  }

  /**
   * Feeds the next bytes received from the server, any size.
   *
   * @example
   * ```ts
   * import { TlsDecoder } from "@zon/net/decoders";
   * new TlsDecoder().push(new Uint8Array([0x16, 0x03, 0x03]));
   * ```
   *
   * @param chunk Bytes as received.
   */
  push(chunk: Uint8Array): void {
    const size = chunk.length;
    let i = 0;
    while (i < size && this.#recordState !== RecordState.FAILED) {
      const at = this.#position + i;
      switch (this.#recordState) {
        case RecordState.CONTENT_TYPE: {
          const type = chunk[i++];
          if (
            type < CONTENT_CHANGE_CIPHER_SPEC || type > CONTENT_APPLICATION_DATA
          ) {
            this.#fail(
              "NOT_TLS",
              at,
              `0x${type.toString(16)} is no record type`,
            );
          } else {
            this.#recordType = type;
            this.#recordState = RecordState.VERSION_MAJOR;
          }
          break;
        }
        case RecordState.VERSION_MAJOR:
          if (chunk[i++] !== 3) {
            this.#fail("NOT_TLS", at, "record version major is not 3");
          } else {
            this.#recordState = RecordState.VERSION_MINOR;
          }
          break;
        case RecordState.VERSION_MINOR:
          i++;
          this.#recordState = RecordState.LENGTH_HIGH;
          break;
        case RecordState.LENGTH_HIGH:
          this.#recordLength = chunk[i++] << 8;
          this.#recordState = RecordState.LENGTH_LOW;
          break;
        case RecordState.LENGTH_LOW:
          this.#recordLength |= chunk[i++];
          if (this.#recordLength > MAX_RECORD_LENGTH) {
            this.#fail(
              "RECORD_TOO_LONG",
              at - 1,
              `record of ${this.#recordLength} bytes`,
            );
          } else {
            this.#recordLeft = this.#recordLength;
            this.#recordState = this.#recordLength === 0
              ? RecordState.CONTENT_TYPE
              : RecordState.BODY;
          }
          break;
        case RecordState.BODY: {
          const take = Math.min(this.#recordLeft, size - i);
          this.#recordBody(chunk, i, take);
          i += take;
          this.#recordLeft -= take;
          if (
            this.#recordLeft === 0 &&
            this.#recordState === RecordState.BODY
          ) this.#recordState = RecordState.CONTENT_TYPE;
          break;
        }
      }
    }
    this.#position += i;
  }

  /** Routes a record body's bytes by content type. */
  #recordBody(chunk: Uint8Array, start: number, count: number): void {
    if (this.#result.encrypted) return;
    switch (this.#recordType) {
      case CONTENT_HANDSHAKE:
        this.#handshake(chunk, start, count);
        return;
      case CONTENT_ALERT:
        for (let k = 0; k < count; k++) {
          this.#alertBytes.push(chunk[start + k]);
          if (this.#alertBytes.length === 2) {
            const [level, description] = this.#alertBytes;
            this.#alertBytes = [];
            const alert: TlsAlert = {
              level,
              description,
              descriptionName: TLS_ALERTS.get(description) ?? `${description}`,
            };
            this.#result.alerts.push(alert);
            this.#handlers.onAlert?.(alert);
          }
        }
        return;
      case CONTENT_CHANGE_CIPHER_SPEC:
        // From here on the server's records are encrypted.
        this.#result.encrypted = true;
        return;
      default:
        return;
    }
  }

  /** Enters handshake field `state`, `width` bytes wide. */
  #enter(state: HandshakeState, width: number, offset: number): void {
    const inBody = state !== HandshakeState.MESSAGE_TYPE &&
      state !== HandshakeState.MESSAGE_LENGTH;
    if (inBody && width > this.#messageLeft) {
      // Blame the last byte of the length that announced the field.
      this.#fail(
        "MALFORMED_HANDSHAKE",
        offset - 1,
        `field of ${width} bytes overruns its handshake message`,
      );
      return;
    }
    this.#state = state;
    this.#fieldLeft = width;
    this.#fieldValue = 0;
    this.#fieldStart = offset;
    this.#capturedFill = 0;
    if (state === HandshakeState.CERTIFICATE_BODY) this.#x509.reset();
  }

  /** Consumes `count` handshake-layer bytes of `chunk` from `start`. */
  #handshake(chunk: Uint8Array, start: number, count: number): void {
    const end = start + count;
    let i = start;
    while (i < end && this.#recordState !== RecordState.FAILED) {
      const state = this.#state;
      const inBody = state !== HandshakeState.MESSAGE_TYPE &&
        state !== HandshakeState.MESSAGE_LENGTH;
      const take = Math.min(this.#fieldLeft, end - i);
      switch (FIELD_KIND[state]) {
        case FieldKind.NUMBER:
          for (let k = 0; k < take; k++) {
            this.#fieldValue = this.#fieldValue * 256 + chunk[i + k];
          }
          break;
        case FieldKind.BYTES: {
          const keep = Math.min(take, MAX_CAPTURED_BYTES - this.#capturedFill);
          this.#captured.set(chunk.subarray(i, i + keep), this.#capturedFill);
          this.#capturedFill += keep;
          break;
        }
        case FieldKind.CERTIFICATE:
          // A view, not a copy: the X.509 decoder keeps no reference.
          this.#x509.push(chunk.subarray(i, i + take));
          break;
      }
      i += take;
      this.#fieldLeft -= take;
      if (inBody) this.#messageLeft -= take;
      if (this.#fieldLeft === 0) {
        this.#fieldComplete(this.#position + i);
      }
    }
  }

  /** The named transitions: what follows each completed field. */
  #fieldComplete(offset: number): void {
    const value = this.#fieldValue;
    switch (this.#state) {
      case HandshakeState.MESSAGE_TYPE:
        this.#messageType = value;
        this.#enter(HandshakeState.MESSAGE_LENGTH, 3, offset);
        return;
      case HandshakeState.MESSAGE_LENGTH:
        this.#messageLeft = value;
        return this.#beginMessage(offset);
      case HandshakeState.HELLO_VERSION:
        this.#hello = {
          version: value,
          versionName: "",
          random: "",
          sessionId: "",
          cipherSuite: 0,
          cipherSuiteName: "",
          compressionMethod: 0,
          extensions: [],
        };
        return this.#enter(HandshakeState.HELLO_RANDOM, 32, offset);
      case HandshakeState.HELLO_RANDOM:
        this.#hello!.random = bytesToHex(this.#captured, 0, 32);
        return this.#enter(HandshakeState.HELLO_SESSION_ID_LENGTH, 1, offset);
      case HandshakeState.HELLO_SESSION_ID_LENGTH:
        if (value > 32) {
          return this.#fail(
            "MALFORMED_HANDSHAKE",
            offset - 1,
            "session id over 32 bytes",
          );
        }
        return value > 0
          ? this.#enter(HandshakeState.HELLO_SESSION_ID, value, offset)
          : this.#enter(HandshakeState.HELLO_CIPHER_SUITE, 2, offset);
      case HandshakeState.HELLO_SESSION_ID:
        this.#hello!.sessionId = bytesToHex(
          this.#captured,
          0,
          this.#capturedFill,
        );
        return this.#enter(HandshakeState.HELLO_CIPHER_SUITE, 2, offset);
      case HandshakeState.HELLO_CIPHER_SUITE:
        this.#hello!.cipherSuite = value;
        return this.#enter(HandshakeState.HELLO_COMPRESSION, 1, offset);
      case HandshakeState.HELLO_COMPRESSION:
        this.#hello!.compressionMethod = value;
        return this.#messageLeft === 0
          ? this.#finishServerHello(offset)
          : this.#enter(HandshakeState.HELLO_EXTENSIONS_LENGTH, 2, offset);
      case HandshakeState.HELLO_EXTENSIONS_LENGTH:
        if (value !== this.#messageLeft) {
          return this.#fail(
            "MALFORMED_HANDSHAKE",
            offset - 2,
            "extensions length disagrees with the message length",
          );
        }
        return value === 0
          ? this.#finishServerHello(offset)
          : this.#enter(HandshakeState.HELLO_EXTENSION_TYPE, 2, offset);
      case HandshakeState.HELLO_EXTENSION_TYPE:
        this.#extensionType = value;
        return this.#enter(HandshakeState.HELLO_EXTENSION_LENGTH, 2, offset);
      case HandshakeState.HELLO_EXTENSION_LENGTH:
        this.#hello!.extensions.push({
          type: this.#extensionType,
          name: TLS_EXTENSIONS.get(this.#extensionType) ??
            `${this.#extensionType}`,
          length: value,
        });
        if (value > 0) {
          return this.#enter(
            HandshakeState.HELLO_EXTENSION_DATA,
            value,
            offset,
          );
        }
        return this.#nextExtension(offset);
      case HandshakeState.HELLO_EXTENSION_DATA:
        this.#readExtension();
        return this.#nextExtension(offset);
      case HandshakeState.CERTIFICATE_LIST_LENGTH:
        if (value !== this.#messageLeft) {
          return this.#fail(
            "MALFORMED_HANDSHAKE",
            offset - 3,
            "certificate list length disagrees with the message length",
          );
        }
        this.#certificateIndex = 0;
        return value === 0
          ? this.#enter(HandshakeState.MESSAGE_TYPE, 1, offset)
          : this.#enter(HandshakeState.CERTIFICATE_LENGTH, 3, offset);
      case HandshakeState.CERTIFICATE_LENGTH:
        if (value === 0) {
          return this.#fail(
            "MALFORMED_HANDSHAKE",
            offset - 3,
            "empty certificate",
          );
        }
        return this.#enter(HandshakeState.CERTIFICATE_BODY, value, offset);
      case HandshakeState.CERTIFICATE_BODY: {
        const certificate = this.#x509.end();
        const index = this.#certificateIndex++;
        if (index < MAX_CERTIFICATES) {
          this.#result.certificates.push(certificate);
        }
        this.#handlers.onCertificate?.(certificate, index);
        return this.#messageLeft === 0
          ? this.#enter(HandshakeState.MESSAGE_TYPE, 1, offset)
          : this.#enter(HandshakeState.CERTIFICATE_LENGTH, 3, offset);
      }
      case HandshakeState.SKIP_MESSAGE:
        return this.#enter(HandshakeState.MESSAGE_TYPE, 1, offset);
    }
  }

  /** A message header is complete: choose the body's first field. */
  #beginMessage(offset: number): void {
    const length = this.#messageLeft;
    switch (this.#messageType) {
      case HANDSHAKE_SERVER_HELLO:
        return this.#enter(HandshakeState.HELLO_VERSION, 2, offset);
      case HANDSHAKE_CERTIFICATE:
        return this.#enter(HandshakeState.CERTIFICATE_LIST_LENGTH, 3, offset);
      case HANDSHAKE_SERVER_HELLO_DONE:
        this.#result.serverHelloDone = true;
        break;
    }
    if (length > 0) this.#enter(HandshakeState.SKIP_MESSAGE, length, offset);
    else this.#enter(HandshakeState.MESSAGE_TYPE, 1, offset);
  }

  #nextExtension(offset: number): void {
    if (this.#messageLeft === 0) return this.#finishServerHello(offset);
    this.#enter(HandshakeState.HELLO_EXTENSION_TYPE, 2, offset);
  }

  /** Picks what matters out of a captured extension body. */
  #readExtension(): void {
    const data = this.#captured;
    const fill = this.#capturedFill;
    if (this.#extensionType === EXTENSION_SUPPORTED_VERSIONS && fill === 2) {
      this.#hello!.version = (data[0] << 8) | data[1];
    } else if (this.#extensionType === EXTENSION_ALPN && fill >= 3) {
      // protocol_name_list: u16 length, then one u8-prefixed name.
      const nameLength = data[2];
      let name = "";
      for (let k = 3; k < Math.min(3 + nameLength, fill); k++) {
        name += String.fromCharCode(data[k]);
      }
      this.#hello!.alpn = name;
    }
  }

  #finishServerHello(offset: number): void {
    const hello = this.#hello!;
    hello.versionName = TLS_VERSIONS.get(hello.version) ??
      `0x${hello.version.toString(16).padStart(4, "0")}`;
    hello.cipherSuiteName = TLS_CIPHER_SUITES.get(hello.cipherSuite) ??
      `0x${hello.cipherSuite.toString(16).padStart(4, "0")}`;
    this.#result.serverHello = hello;
    // TLS 1.3 encrypts everything after the ServerHello.
    if (hello.version === TLS13) this.#result.encrypted = true;
    this.#handlers.onServerHello?.(hello);
    this.#enter(HandshakeState.MESSAGE_TYPE, 1, offset);
  }

  #fail(code: TlsError["code"], offset: number, message: string): void {
    if (this.#result.error) return;
    this.#result.error = { code, offset, message };
    this.#recordState = RecordState.FAILED;
  }
}
