/**
 * Types shared by the client-first service decoders (Redis, memcached,
 * MySQL/MariaDB, PostgreSQL, MQTT, ...): the nmap-style service identity
 * every decoder reports, the typed error a malformed stream gives instead
 * of a throw, and the streaming interface the scanner drives.
 *
 * @module
 */

/**
 * A service as `nmap -sV` names it: `name` is nmap's service name
 * (`redis`, `mysql`, `ssh`), `product`, `version` and `extra` (nmap's
 * `extrainfo`) are present when the bytes tell them.
 *
 * @example
 * ```ts
 * import type { ServiceInfo } from "./service_types.ts";
 * const redis: ServiceInfo = { name: "redis", product: "Redis key-value store", version: "7.0.15" };
 * ```
 */
export interface ServiceInfo {
  /** nmap's service name. */
  name: string;
  /** nmap's `product`. */
  product?: string;
  /** nmap's `version`. */
  version?: string;
  /** nmap's `extrainfo`. */
  extra?: string;
  /** nmap's `tunnel`: `ssl` when the service was reached inside TLS. */
  tunnel?: "ssl";
}

/**
 * Why a stream could not be decoded: `NOT_THIS_PROTOCOL` when its first
 * bytes are not the protocol's at all, `MALFORMED` when a field broke the
 * grammar, `TRUNCATED` when the stream ended inside a message.
 *
 * @example
 * ```ts
 * import type { ServiceErrorCode } from "./service_types.ts";
 * const code: ServiceErrorCode = "MALFORMED";
 * ```
 */
export type ServiceErrorCode = "NOT_THIS_PROTOCOL" | "MALFORMED" | "TRUNCATED";

/**
 * A decoding error: a code, the stream offset of the offending byte and a
 * sentence saying what was expected.
 *
 * @example
 * ```ts
 * import type { ServiceError } from "./service_types.ts";
 * const error: ServiceError = { code: "MALFORMED", offset: 4, message: "expected a digit" };
 * ```
 */
export interface ServiceError {
  /** What kind of failure. */
  code: ServiceErrorCode;
  /** Offset in the stream of the byte that broke the grammar. */
  offset: number;
  /** What was expected there. */
  message: string;
}

/**
 * The result every service decoder gives: the protocol-specific fields of
 * `T` plus the service identity, whether the reply was complete, and the
 * error, if any.
 *
 * @example
 * ```ts
 * import type { ServiceResult } from "./service_types.ts";
 * const show = (r: ServiceResult<object>) => r.error?.message ?? r.service.name;
 * ```
 */
export type ServiceResult<T> = T & {
  /** nmap-style identity (name always, product/version when known). */
  service: ServiceInfo;
  /** True when the reply ended as its grammar says. */
  complete: boolean;
  /** Set when the stream broke the grammar (decoding stopped there). */
  error?: ServiceError;
};

/**
 * A streaming decoder of one server reply: fed fragments of any size (one
 * byte included), never throws, and gives the same result however the
 * stream was split.
 *
 * @example
 * ```ts
 * import type { ServiceDecoder } from "./service_types.ts";
 * function feed(d: ServiceDecoder<object>, bytes: Uint8Array): boolean {
 *   d.push(bytes);
 *   return d.done;
 * }
 * ```
 */
export interface ServiceDecoder<T> {
  /** True once the reply is complete or decoding failed. */
  readonly done: boolean;
  /** Feeds `chunk[start, end)`. */
  push(chunk: Uint8Array, start?: number, end?: number): void;
  /** Everything decoded so far (callable at any time). */
  result(): ServiceResult<T>;
  /** Starts over for a new connection. */
  reset(): void;
}

/**
 * Latin-1 text of `bytes[0, length)`: what banners print, one character
 * per byte, never throws.
 *
 * @example
 * ```ts
 * import { latin1 } from "./service_types.ts";
 * latin1(Uint8Array.of(0x4f, 0x4b, 0x21), 2); // "OK"
 * ```
 */
export function latin1(
  bytes: Uint8Array,
  length: number = bytes.length,
): string {
  let text = "";
  for (let i = 0; i < length; i++) text += String.fromCharCode(bytes[i]);
  return text;
}
