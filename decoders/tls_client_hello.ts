/**
 * A ClientHello that makes a server show its certificate chain in clear.
 *
 * @module
 */

/**
 * Cipher suites offered by default: ECDHE and plain-RSA suites with AES-GCM,
 * ChaCha20 and AES-CBC, enough for any TLS 1.0–1.2 server to pick one.
 *
 * @example
 * ```ts
 * import { DEFAULT_CIPHER_SUITES } from "@zon/net/decoders";
 * console.log(DEFAULT_CIPHER_SUITES.length);
 * ```
 */
export const DEFAULT_CIPHER_SUITES: readonly number[] = Object.freeze([
  0xc02b,
  0xc02f,
  0xc02c,
  0xc030,
  0xcca9,
  0xcca8,
  0xc009,
  0xc013,
  0xc00a,
  0xc014,
  0xc023,
  0xc027,
  0xc024,
  0xc028,
  0x009e,
  0x009f,
  0xccaa,
  0x0033,
  0x0039,
  0x009c,
  0x009d,
  0x003c,
  0x003d,
  0x002f,
  0x0035,
  0x000a,
]);

/** x25519, secp256r1, secp384r1, secp521r1. */
export const SUPPORTED_GROUPS: readonly number[] = [
  0x001d,
  0x0017,
  0x0018,
  0x0019,
];
/** ECDSA, EdDSA, RSA-PSS and PKCS#1 v1.5 schemes, SHA-1 last for old servers. */
export const SIGNATURE_SCHEMES: readonly number[] = [
  0x0403,
  0x0503,
  0x0603,
  0x0807,
  0x0808,
  0x0804,
  0x0805,
  0x0806,
  0x0809,
  0x080a,
  0x080b,
  0x0401,
  0x0501,
  0x0601,
  0x0203,
  0x0201,
];

const EXTENSION_SERVER_NAME = 0;
const EXTENSION_SUPPORTED_GROUPS = 10;
const EXTENSION_EC_POINT_FORMATS = 11;
const EXTENSION_SIGNATURE_ALGORITHMS = 13;
const EXTENSION_EXTENDED_MASTER_SECRET = 23;
const EXTENSION_RENEGOTIATION_INFO = 0xff01;
const RECORD_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
/** The record version servers accept most widely for a first flight. */
const RECORD_VERSION_TLS10 = 0x0301;
const CLIENT_VERSION_TLS12 = 0x0303;

/**
 * Options of {@linkcode buildClientHello}.
 *
 * @example
 * ```ts
 * import type { ClientHelloOptions } from "@zon/net/decoders";
 * const options: ClientHelloOptions = { cipherSuites: [0xc02f] };
 * ```
 */
export interface ClientHelloOptions {
  /** The 32-byte client random (default: fresh from `crypto.getRandomValues`). */
  random?: Uint8Array;
  /** Cipher suites to offer, in preference order (default {@linkcode DEFAULT_CIPHER_SUITES}). */
  cipherSuites?: readonly number[];
  /** Highest version to offer, 0x0301–0x0303 (default 0x0303, TLS 1.2). */
  maxVersion?: number;
}

/** Growable big-endian byte writer for the hello. */
class Writer {
  bytes: number[] = [];
  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }
  u16(value: number): this {
    return this.u8(value >> 8).u8(value);
  }
  u24(value: number): this {
    return this.u8(value >> 16).u16(value & 0xffff);
  }
  raw(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) this.bytes.push(values[i]);
    return this;
  }
  /** A vector with a 1- or 2-byte length prefix. */
  vector(lengthBytes: 1 | 2, body: number[]): this {
    return (lengthBytes === 1 ? this.u8(body.length) : this.u16(body.length))
      .raw(body);
  }
}

function extension(type: number, body: number[]): number[] {
  return new Writer().u16(type).vector(2, body).bytes;
}

function u16List(values: readonly number[]): number[] {
  const writer = new Writer();
  for (const value of values) writer.u16(value);
  return writer.bytes;
}

/** IP literals must not be sent as SNI (RFC 6066 §3). */
function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(":");
}

/**
 * Builds one TLS record holding a ClientHello that offers at most TLS 1.2
 * (no `supported_versions` extension), so the server answers with its
 * certificate chain unencrypted. `sni` becomes the server_name extension
 * unless it is an IP literal.
 *
 * @example Grab a server's certificate chain
 * ```ts ignore
 * import { buildClientHello, TlsDecoder } from "@zon/net/decoders";
 * const connection = await Deno.connect({ hostname: "127.0.0.1", port: 443 });
 * await connection.write(buildClientHello("example.com"));
 * const decoder = new TlsDecoder();
 * const buffer = new Uint8Array(16384);
 * while (!decoder.done) {
 *   const n = await connection.read(buffer);
 *   if (n === null) break;
 *   decoder.push(buffer.subarray(0, n));
 * }
 * connection.close();
 * console.log(decoder.result().certificates);
 * ```
 *
 * @param sni Host name to ask for.
 * @param options Random, cipher suites, version.
 * @returns The record bytes to send.
 */
export function buildClientHello(
  sni?: string,
  options: ClientHelloOptions = {},
): Uint8Array {
  const random = options.random ?? crypto.getRandomValues(new Uint8Array(32));
  if (random.length !== 32) throw new RangeError("random must be 32 bytes");
  const extensions: number[] = [];
  if (sni && !isIpLiteral(sni)) {
    const name = Array.from(new TextEncoder().encode(sni.replace(/\.$/, "")));
    const entry = new Writer().u8(0 /* host_name */).vector(2, name).bytes;
    extensions.push(
      ...extension(EXTENSION_SERVER_NAME, new Writer().vector(2, entry).bytes),
    );
  }
  extensions.push(
    ...extension(
      EXTENSION_SUPPORTED_GROUPS,
      new Writer().vector(2, u16List(SUPPORTED_GROUPS)).bytes,
    ),
    ...extension(EXTENSION_EC_POINT_FORMATS, [1, 0 /* uncompressed */]),
    ...extension(
      EXTENSION_SIGNATURE_ALGORITHMS,
      new Writer().vector(2, u16List(SIGNATURE_SCHEMES)).bytes,
    ),
    ...extension(EXTENSION_EXTENDED_MASTER_SECRET, []),
    ...extension(EXTENSION_RENEGOTIATION_INFO, [0]),
  );
  const body = new Writer()
    .u16(options.maxVersion ?? CLIENT_VERSION_TLS12)
    .raw(random)
    .u8(0) // empty session id
    .vector(2, u16List(options.cipherSuites ?? DEFAULT_CIPHER_SUITES))
    .vector(1, [0]) // null compression only
    .vector(2, extensions).bytes;
  const handshake = new Writer().u8(HANDSHAKE_CLIENT_HELLO).u24(body.length)
    .raw(body).bytes;
  const record = new Writer().u8(RECORD_HANDSHAKE).u16(RECORD_VERSION_TLS10)
    .vector(2, handshake).bytes;
  return Uint8Array.from(record);
}
