/**
 * Streaming decoder of a PostgreSQL server's answer to the client-first
 * hellos: the one-byte `S`/`N` answer to an SSLRequest, or the backend
 * messages after a StartupMessage: Authentication requests (method, SASL
 * mechanisms), ParameterStatus (`server_version` when a trusting server
 * logs the probe in), ReadyForQuery, and ErrorResponse fields
 * (severity, SQLSTATE, message, source file/line/routine).
 *
 * @module
 */

import {
  latin1,
  type ServiceDecoder,
  type ServiceError,
  type ServiceResult,
} from "./service_types.ts";

/** Builds a protocol 3.0 StartupMessage for `user` (database = user). */
function startupMessage(user: string): Uint8Array {
  const text = `user\0${user}\0database\0${user}\0\0`;
  const out = new Uint8Array(8 + text.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, out.length);
  view.setUint32(4, 3 << 16);
  for (let i = 0; i < text.length; i++) out[8 + i] = text.charCodeAt(i);
  return out;
}

/**
 * The StartupMessage sent to a PostgreSQL port (protocol 3.0, user and
 * database `zon`): every server answers it with an authentication request
 * or an ErrorResponse naming why it refuses.
 *
 * @example
 * ```ts
 * import { POSTGRES_HELLO } from "./postgres_banner.ts";
 * POSTGRES_HELLO.length; // 31
 * ```
 */
export const POSTGRES_HELLO: Uint8Array = startupMessage("zon");

/**
 * The SSLRequest (length 8, code 80877103): the server answers `S` (switch
 * to TLS now) or `N`. PostgreSQL's STARTTLS.
 *
 * @example
 * ```ts
 * import { POSTGRES_SSL_REQUEST } from "./postgres_banner.ts";
 * POSTGRES_SSL_REQUEST[7]; // 0x2f
 * ```
 */
export const POSTGRES_SSL_REQUEST: Uint8Array = Uint8Array.of(
  0,
  0,
  0,
  8,
  0x04,
  0xd2,
  0x16,
  0x2f,
);

/**
 * Fields of an ErrorResponse, by PostgreSQL's field codes.
 *
 * @example
 * ```ts
 * import type { PostgresErrorFields } from "./postgres_banner.ts";
 * const why = (e: PostgresErrorFields) => `${e.code}: ${e.message}`;
 * ```
 */
export interface PostgresErrorFields {
  /** `S`: severity (`FATAL`), possibly localized. */
  severity?: string;
  /**
   * `V`: the severity never localized; only PostgreSQL 9.6 and later send
   * it (the protocol documentation's ErrorResponse fields).
   */
  severityNonLocalized?: string;
  /** `C`: SQLSTATE (`28000`). */
  code?: string;
  /** `M`: the message. */
  message?: string;
  /** `F`: source file (`auth.c`). */
  file?: string;
  /** `L`: source line. */
  line?: string;
  /** `R`: source routine. */
  routine?: string;
}

/**
 * What {@linkcode PostgresDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { PostgresReply } from "./postgres_banner.ts";
 * const v = (r: PostgresReply) => r.parameters.server_version;
 * ```
 */
export interface PostgresReply {
  /** Answer to an SSLRequest: `S` (TLS accepted) or `N`. */
  sslResponse?: "S" | "N";
  /** Authentication request code (0 ok, 3 cleartext, 5 MD5, 10 SASL). */
  authentication?: number;
  /** SASL mechanisms offered (`SCRAM-SHA-256`). */
  saslMechanisms?: string[];
  /** ParameterStatus values (`server_version`, `server_encoding`, ...). */
  parameters: Record<string, string>;
  /** The ErrorResponse, if one came. */
  errorResponse?: PostgresErrorFields;
  /** Message type bytes in arrival order (`R`, `S`, `K`, `Z`, `E`). */
  messages: string;
}

/**
 * Options of {@linkcode PostgresDecoder}.
 *
 * @example
 * ```ts
 * import type { PostgresOptions } from "./postgres_banner.ts";
 * const options: PostgresOptions = { after: "ssl-request" };
 * ```
 */
export interface PostgresOptions {
  /** Which hello was sent: `startup` (default) or `ssl-request`. */
  after?: "startup" | "ssl-request";
}

const PostgresState = {
  SSL_ANSWER: "ssl-answer",
  TYPE: "type",
  LENGTH: "length",
  BODY: "body",
  DONE: "done",
  FAILED: "failed",
} as const;
type PostgresState = typeof PostgresState[keyof typeof PostgresState];

const MAX_BODY = 1024;
const MAX_MESSAGE = 1 << 16;
const MAX_PARAMETERS = 32;
const ERROR_FIELDS: Record<string, keyof PostgresErrorFields> = {
  S: "severity",
  V: "severityNonLocalized",
  C: "code",
  M: "message",
  F: "file",
  L: "line",
  R: "routine",
};

/**
 * Streaming PostgreSQL backend decoder, one per connection.
 *
 * @example
 * ```ts
 * import { PostgresDecoder } from "./postgres_banner.ts";
 * const d = new PostgresDecoder({ after: "ssl-request" });
 * d.push(new TextEncoder().encode("N"));
 * d.result().sslResponse; // "N"
 * ```
 */
export class PostgresDecoder implements ServiceDecoder<PostgresReply> {
  readonly #after: "startup" | "ssl-request";
  #state: PostgresState;
  #offset = 0;
  #type = 0;
  #length = 0;
  #lengthFill = 0;
  readonly #body = new Uint8Array(MAX_BODY);
  #bodyFill = 0;
  #bodyLeft = 0;
  #reply: PostgresReply = { parameters: {}, messages: "" };
  #error: ServiceError | undefined;

  /**
   * Creates a decoder for the reply to one hello.
   *
   * @example
   * ```ts
   * import { PostgresDecoder } from "./postgres_banner.ts";
   * new PostgresDecoder();
   * ```
   */
  constructor(options: PostgresOptions = {}) {
    this.#after = options.after ?? "startup";
    this.#state = this.#first();
  }

  #first(): PostgresState {
    return this.#after === "ssl-request"
      ? PostgresState.SSL_ANSWER
      : PostgresState.TYPE;
  }

  /**
   * True once the reply is complete (SSL answer, ReadyForQuery, an
   * authentication challenge or an error).
   *
   * @example
   * ```ts
   * import { PostgresDecoder } from "./postgres_banner.ts";
   * new PostgresDecoder().done; // false
   * ```
   */
  get done(): boolean {
    return this.#state === PostgresState.DONE ||
      this.#state === PostgresState.FAILED;
  }

  /**
   * Starts over for a new connection (same hello).
   *
   * @example
   * ```ts
   * import { PostgresDecoder } from "./postgres_banner.ts";
   * new PostgresDecoder().reset();
   * ```
   */
  reset(): void {
    this.#state = this.#first();
    this.#offset = 0;
    this.#lengthFill = 0;
    this.#bodyFill = 0;
    this.#reply = { parameters: {}, messages: "" };
    this.#error = undefined;
  }

  /**
   * Feeds `chunk[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { PostgresDecoder } from "./postgres_banner.ts";
   * new PostgresDecoder().push(Uint8Array.of(0x52, 0, 0));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    for (let i = start; i < end && !this.done; i++, this.#offset++) {
      this.#step(chunk[i]);
    }
  }

  #step(byte: number): void {
    switch (this.#state) {
      case PostgresState.SSL_ANSWER:
        if (byte === 0x53 || byte === 0x4e) {
          this.#reply.sslResponse = byte === 0x53 ? "S" : "N";
          this.#state = PostgresState.DONE;
        } else if (byte === 0x45) {
          // Servers before 7.2 answer an ErrorResponse.
          this.#startMessage(byte);
        } else this.#fail("expected S or N", "NOT_THIS_PROTOCOL");
        return;
      case PostgresState.TYPE:
        if (this.#reply.messages === "" && byte !== 0x52 && byte !== 0x45) {
          return this.#fail(
            "expected an Authentication (R) or ErrorResponse (E) message",
            "NOT_THIS_PROTOCOL",
          );
        }
        return this.#startMessage(byte);
      case PostgresState.LENGTH:
        this.#length = this.#length * 256 + byte;
        if (++this.#lengthFill < 4) return;
        if (this.#length < 4 || this.#length > MAX_MESSAGE) {
          return this.#fail("message length out of range 4..65536");
        }
        this.#bodyLeft = this.#length - 4;
        this.#bodyFill = 0;
        if (this.#bodyLeft === 0) return this.#endMessage();
        this.#state = PostgresState.BODY;
        return;
      case PostgresState.BODY:
        if (this.#bodyFill < MAX_BODY) this.#body[this.#bodyFill++] = byte;
        if (--this.#bodyLeft === 0) this.#endMessage();
        return;
    }
  }

  #startMessage(type: number): void {
    this.#type = type;
    this.#length = 0;
    this.#lengthFill = 0;
    this.#reply.messages += String.fromCharCode(type);
    this.#state = PostgresState.LENGTH;
  }

  #endMessage(): void {
    const body = this.#body.subarray(0, this.#bodyFill);
    this.#state = PostgresState.TYPE;
    switch (String.fromCharCode(this.#type)) {
      case "R":
        return this.#authentication(body);
      case "S":
        return this.#parameter(body);
      case "E":
        this.#reply.errorResponse = errorFields(body);
        this.#state = PostgresState.DONE;
        return;
      case "Z":
        this.#state = PostgresState.DONE;
        return;
    }
  }

  #authentication(body: Uint8Array): void {
    if (body.length < 4) return this.#fail("Authentication message too short");
    const code = new DataView(body.buffer, body.byteOffset, 4).getUint32(0);
    this.#reply.authentication = code;
    if (code === 10) {
      this.#reply.saslMechanisms = nulStrings(body.subarray(4));
    }
    // 0 is AuthenticationOk: parameters follow. Anything else is a challenge.
    if (code !== 0) this.#state = PostgresState.DONE;
  }

  #parameter(body: Uint8Array): void {
    const [name, value] = nulStrings(body);
    if (
      name !== undefined &&
      Object.keys(this.#reply.parameters).length < MAX_PARAMETERS
    ) {
      this.#reply.parameters[name] = value ?? "";
    }
  }

  #fail(message: string, code: ServiceError["code"] = "MALFORMED"): void {
    this.#error = { code, offset: this.#offset, message };
    this.#state = PostgresState.FAILED;
  }

  /**
   * The reply so far with nmap's identity: `postgresql` / `PostgreSQL DB`,
   * version from `server_version` when the server sent it.
   *
   * @example
   * ```ts
   * import { PostgresDecoder } from "./postgres_banner.ts";
   * new PostgresDecoder().result().service.product; // "PostgreSQL DB"
   * ```
   */
  result(): ServiceResult<PostgresReply> {
    const reply = this.#reply;
    const result: ServiceResult<PostgresReply> = {
      ...reply,
      parameters: { ...reply.parameters },
      service: { name: "postgresql", product: "PostgreSQL DB" },
      complete: this.#state === PostgresState.DONE,
    };
    const serverVersion = reply.parameters.server_version;
    if (serverVersion) {
      const space = serverVersion.indexOf(" ");
      result.service.version = space < 0
        ? serverVersion
        : serverVersion.slice(0, space);
    } else if (reply.errorResponse?.severityNonLocalized !== undefined) {
      // The V field appeared in 9.6: nmap's "9.6.0 or later" (its softmatch
      // on `VFATAL`) from the same byte.
      result.service.version = "9.6.0 or later";
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

function nulStrings(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    if (i > from) out.push(latin1(bytes.subarray(from, i)));
    from = i + 1;
  }
  return out;
}

function errorFields(body: Uint8Array): PostgresErrorFields {
  const fields: PostgresErrorFields = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at]);
    let end = body.indexOf(0, at + 1);
    if (end < 0) end = body.length;
    const key = ERROR_FIELDS[code];
    if (key) fields[key] = latin1(body.subarray(at + 1, end));
    at = end + 1;
  }
  return fields;
}
