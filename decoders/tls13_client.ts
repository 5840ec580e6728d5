/**
 * The client side of a TLS 1.3 handshake up to the server's Finished, for
 * a banner grabber that wants certificates: {@linkcode Tls13Client} sends
 * a ClientHello offering TLS 1.3 (supported_versions, an X25519
 * key_share) next to TLS 1.0–1.2, so a 1.2 server still answers in clear
 * (that path is handed to {@linkcode TlsDecoder} unchanged). For a 1.3
 * server it runs the key schedule (RFC 8446 §7.1) on the ServerHello's
 * share, decrypts the handshake records (AES-128-GCM, AES-256-GCM or
 * ChaCha20-Poly1305) and reads EncryptedExtensions (ALPN), Certificate
 * (each entry through the X.509 decoder) and Finished, whose verify_data
 * it checks.
 *
 * All cryptography is synchronous plain TypeScript (x25519.ts,
 * tls13_hash.ts, tls13_aead.ts): the receive loop calls `push` and gets
 * the certificates back in the same turn; nothing is awaited.
 *
 * Key shares: X25519 and P-256 (secp256r1) are offered at once, so the
 * servers that take only P-256 (PostgreSQL's and vsftpd's defaults) answer
 * without a HelloRetryRequest. HelloRetryRequest (RFC 8446 §4.1.4): when
 * the server asks for a group this client implements (secp384r1, or one
 * already offered, with a cookie), it builds the second ClientHello with
 * that share and the cookie, and {@linkcode Tls13Client.takeSend} hands it
 * to the caller to send on the same connection; the transcript restarts
 * with the message_hash of the first ClientHello. For any other group, or
 * a second HelloRetryRequest, the handshake stops and the result's
 * `helloRetryRequest` names the group the server asked for.
 *
 * Encrypted records are decrypted whole (an AEAD tag covers a record), so
 * up to one record (≤ 16 KiB + 256) is buffered; certificates are decoded
 * from the decrypted bytes.
 *
 * @module
 */

import { type Aead, type AeadName, createAead } from "./tls13_aead.ts";
import {
  deriveSecret,
  type HashFunction,
  hkdfExpandLabel,
  hkdfExtract,
  hmac,
  SHA256,
  SHA384,
} from "./tls13_hash.ts";
import {
  DEFAULT_CIPHER_SUITES,
  SIGNATURE_SCHEMES,
  SUPPORTED_GROUPS,
} from "./tls_client_hello.ts";
import { type TlsAlert, TlsDecoder, type TlsResult } from "./tls_decoder.ts";
import { TLS_ALERTS, TLS_CIPHER_SUITES } from "./tls_names.ts";
import { decodeX509 } from "./x509_decoder.ts";
import type { X509DecodeResult } from "./x509_types.ts";
import { x25519, x25519KeyPair } from "./x25519.ts";
import {
  p256KeyPair,
  p256SharedSecret,
  p384KeyPair,
  p384SharedSecret,
} from "./ecdh_nist.ts";

/**
 * Names of the TLS groups a server may choose or ask for.
 *
 * @example
 * ```ts
 * import { TLS_GROUPS } from "./tls13_client.ts";
 * TLS_GROUPS.get(0x001d); // "x25519"
 * ```
 */
export const TLS_GROUPS: ReadonlyMap<number, string> = new Map([
  [0x0017, "secp256r1"],
  [0x0018, "secp384r1"],
  [0x0019, "secp521r1"],
  [0x001d, "x25519"],
  [0x001e, "x448"],
  [0x0100, "ffdhe2048"],
  [0x0101, "ffdhe3072"],
  [0x11ec, "X25519MLKEM768"],
]);

/** A TLS 1.3 suite: its AEAD and hash. */
interface Suite {
  aead: AeadName;
  hash: HashFunction;
}

const TLS13_SUITES: ReadonlyMap<number, Suite> = new Map([
  [0x1301, { aead: "AES-128-GCM", hash: SHA256 }],
  [0x1302, { aead: "AES-256-GCM", hash: SHA384 }],
  [0x1303, { aead: "ChaCha20-Poly1305", hash: SHA256 }],
]);

/**
 * Why the handshake could not be followed.
 *
 * @example
 * ```ts
 * import type { Tls13ErrorCode } from "./tls13_client.ts";
 * const code: Tls13ErrorCode = "DECRYPT_FAILED";
 * ```
 */
export type Tls13ErrorCode =
  | "NOT_TLS"
  | "RECORD_TOO_LONG"
  | "MALFORMED_HANDSHAKE"
  | "UNSUPPORTED_PARAMETERS"
  | "DECRYPT_FAILED";

/**
 * A decoding error: code, stream offset, and what was expected.
 *
 * @example
 * ```ts
 * import type { Tls13Error } from "./tls13_client.ts";
 * const e: Tls13Error = { code: "NOT_TLS", offset: 0, message: "expected a TLS record" };
 * ```
 */
export interface Tls13Error {
  /** What went wrong. */
  code: Tls13ErrorCode;
  /** Offset in the server's stream. */
  offset: number;
  /** What was expected. */
  message: string;
}

/**
 * What the handshake showed.
 *
 * @example
 * ```ts
 * import type { Tls13Result } from "./tls13_client.ts";
 * const summary = (r: Tls13Result) => `${r.version} ${r.cipherSuiteName} ${r.group}`;
 * ```
 */
export interface Tls13Result {
  /** `TLS 1.3`, or the 1.0–1.2 version the server chose. */
  version?: string;
  /** The chosen cipher suite. */
  cipherSuite?: number;
  /** Its IANA name. */
  cipherSuiteName?: string;
  /** Key-exchange group (`x25519`) of a 1.3 handshake. */
  group?: string;
  /** ALPN protocol the server chose. */
  alpn?: string;
  /** Certificates of a 1.3 handshake, leaf first (1.2: see `tls12`). */
  certificates: X509DecodeResult[];
  /** Alerts received. */
  alerts: TlsAlert[];
  /**
   * The server sent a HelloRetryRequest for this group; `retried` is true
   * when a second ClientHello was built for it (see `takeSend`).
   */
  helloRetryRequest?: {
    selectedGroup: number;
    selectedGroupName: string;
    retried: boolean;
  };
  /** True once the server's Finished arrived. */
  handshakeComplete: boolean;
  /** True when the server Finished's verify_data matched the transcript. */
  finishedVerified?: boolean;
  /** The TLS 1.0–1.2 decoder's result when the server chose ≤ 1.2. */
  tls12?: TlsResult;
  /** Set when the stream broke the protocol. */
  error?: Tls13Error;
}

/**
 * Options of {@linkcode Tls13Client}.
 *
 * @example
 * ```ts
 * import type { Tls13ClientOptions } from "./tls13_client.ts";
 * const options: Tls13ClientOptions = { sni: "example.com", alpn: ["h2", "http/1.1"] };
 * ```
 */
export interface Tls13ClientOptions {
  /** Host name for server_name (IP literals are not sent). */
  sni?: string;
  /** ALPN protocols to offer. */
  alpn?: readonly string[];
  /** The 32-byte client random (default: random). */
  random?: Uint8Array;
  /**
   * The X25519 key pair. Default: a module-wide pair, replaced after
   * {@linkcode SHARED_KEY_USES} handshakes. It saves one scalar
   * multiplication per connection. When `tls_tunnel.ts` finishes the
   * handshake, what it protects is a scanner's hello (`GET /`), which
   * needs no forward secrecy; servers can link the connections by the
   * share, as they can by the source address.
   */
  keyPair?: { privateKey: Uint8Array; publicKey: Uint8Array };
  /** The P-256 key pair (65-byte uncompressed public key); same default and note. */
  p256KeyPair?: { privateKey: Uint8Array; publicKey: Uint8Array };
  /** Key shares to offer, in order (default both: `x25519`, `secp256r1`). */
  groups?: readonly ("x25519" | "secp256r1")[];
}

/**
 * One key share of a ClientHello: the group's wire number and the public key.
 *
 * @example
 * ```ts
 * import type { KeyShare } from "./tls13_client.ts";
 * const share: KeyShare = { group: 0x001d, publicKey: new Uint8Array(32) };
 * ```
 */
export interface KeyShare {
  /** 0x001d x25519, 0x0017 secp256r1. */
  group: number;
  /** The public key as the group encodes it. */
  publicKey: Uint8Array;
}

const Mode = {
  /** Waiting for the ServerHello. */
  HELLO: "hello",
  /** TLS 1.3 chosen: encrypted handshake records follow. */
  ENCRYPTED: "encrypted",
  /** TLS ≤ 1.2 chosen: the TLS 1.2 decoder has the stream. */
  TLS12: "tls12",
  /** Finished, HelloRetryRequest, alert or error. */
  DONE: "done",
} as const;
type Mode = typeof Mode[keyof typeof Mode];

const RecordState = { HEADER: "header", BODY: "body" } as const;
type RecordState = typeof RecordState[keyof typeof RecordState];

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const HS_SERVER_HELLO = 2;
const HS_ENCRYPTED_EXTENSIONS = 8;
const HS_CERTIFICATE = 11;
const HS_FINISHED = 20;
const EXT_ALPN = 16;
const EXT_SUPPORTED_VERSIONS = 43;
const EXT_KEY_SHARE = 51;
const GROUP_X25519 = 0x001d;
const GROUP_SECP256R1 = 0x0017;
const GROUP_SECP384R1 = 0x0018;
const EXT_COOKIE = 44;
const HS_MESSAGE_HASH = 254;
const IMPLEMENTED_GROUPS = new Set([
  GROUP_X25519,
  GROUP_SECP256R1,
  GROUP_SECP384R1,
]);
const TLS13 = 0x0304;
const MAX_RECORD = 16384 + 256;
const MAX_HANDSHAKE = 1 << 17;
/** SHA-256("HelloRetryRequest"): the ServerHello.random of an HRR (RFC 8446 §4.1.3). */
const HRR_RANDOM =
  "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";
const VERSION_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0301, "TLS 1.0"],
  [0x0302, "TLS 1.1"],
  [0x0303, "TLS 1.2"],
  [0x0304, "TLS 1.3"],
]);

/**
 * Handshakes served by one default key pair before a fresh one is made.
 *
 * @example
 * ```ts
 * import { SHARED_KEY_USES } from "./tls13_client.ts";
 * SHARED_KEY_USES; // 1024
 * ```
 */
export const SHARED_KEY_USES = 1024;

type KeyPair = { privateKey: Uint8Array; publicKey: Uint8Array };
const sharedPairs = new Map<number, { pair: KeyPair; uses: number }>();

/**
 * The module-wide key pair of `group` (0x001d x25519, 0x0017 secp256r1),
 * renewed every {@linkcode SHARED_KEY_USES} uses.
 *
 * @example
 * ```ts
 * import { sharedKeyPair } from "./tls13_client.ts";
 * sharedKeyPair(0x001d).publicKey.length; // 32
 * ```
 */
export function sharedKeyPair(
  group: number,
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  let entry = sharedPairs.get(group);
  if (!entry || entry.uses >= SHARED_KEY_USES) {
    const pair = group === GROUP_X25519 ? x25519KeyPair() : p256KeyPair();
    entry = { pair, uses: 0 };
    sharedPairs.set(group, entry);
  }
  entry.uses++;
  return entry.pair;
}

/**
 * One TLS 1.3-capable handshake, one per connection: send `hello`, feed
 * the server's bytes to `push`, read `result()` when `done`.
 *
 * @example
 * ```ts ignore
 * import { Tls13Client } from "./tls13_client.ts";
 * const client = new Tls13Client({ sni: "example.com" });
 * const connection = await Deno.connect({ hostname: "198.18.0.2", port: 443 });
 * await connection.write(client.hello);
 * const buffer = new Uint8Array(16384);
 * while (!client.done) {
 *   const n = await connection.read(buffer);
 *   if (n === null) break;
 *   client.push(buffer.subarray(0, n));
 * }
 * connection.close();
 * console.log(client.result().certificates);
 * ```
 */
export class Tls13Client {
  /** The ClientHello record to send. */
  readonly hello: Uint8Array;
  readonly #privateKeys = new Map<number, Uint8Array>();
  #shares: KeyShare[] = [];
  readonly #options: Tls13ClientOptions;
  #random: Uint8Array;
  #sessionId: Uint8Array;
  #retried = false;
  #send: Uint8Array | null = null;
  readonly #transcript: Uint8Array[] = [];
  readonly #tls12 = new TlsDecoder();
  #mode: Mode = Mode.HELLO;
  #offset = 0;
  #recordState: RecordState = RecordState.HEADER;
  readonly #header = new Uint8Array(5);
  #headerFill = 0;
  #record = new Uint8Array(MAX_RECORD);
  #recordLength = 0;
  #recordFill = 0;
  #handshake = new Uint8Array(0);
  #suite: Suite | undefined;
  #aead: Aead | undefined;
  #iv: Uint8Array = new Uint8Array(12);
  #sequence = 0;
  #serverSecret: Uint8Array = new Uint8Array(0);
  #handshakeSecret: Uint8Array = new Uint8Array(0);
  #clientSecret: Uint8Array = new Uint8Array(0);
  readonly #result: Tls13Result = {
    certificates: [],
    alerts: [],
    handshakeComplete: false,
  };

  /**
   * Builds the ClientHello for one connection.
   *
   * @example
   * ```ts
   * import { Tls13Client } from "./tls13_client.ts";
   * new Tls13Client().hello[0]; // 22, a handshake record
   * ```
   */
  constructor(options: Tls13ClientOptions = {}) {
    const shares: KeyShare[] = [];
    for (const group of options.groups ?? ["x25519", "secp256r1"]) {
      const [number, pair] = group === "x25519"
        ? [GROUP_X25519, options.keyPair ?? sharedKeyPair(GROUP_X25519)]
        : [
          GROUP_SECP256R1,
          options.p256KeyPair ?? sharedKeyPair(GROUP_SECP256R1),
        ];
      this.#privateKeys.set(number, pair.privateKey);
      shares.push({ group: number, publicKey: pair.publicKey });
    }
    this.#shares = shares;
    this.#options = options;
    this.#random = options.random ?? crypto.getRandomValues(new Uint8Array(32));
    this.#sessionId = crypto.getRandomValues(new Uint8Array(32));
    this.hello = buildTls13ClientHello(shares, {
      ...options,
      random: this.#random,
      sessionId: this.#sessionId,
    });
    this.#transcript.push(this.hello.subarray(5));
  }

  /**
   * A client whose ClientHello was `record` (already sent, or recorded in
   * a trace), made with X25519 private key `privateKey`.
   *
   * @example
   * ```ts
   * import { Tls13Client } from "./tls13_client.ts";
   * const first = new Tls13Client();
   * const again = Tls13Client.replay(first.hello, new Uint8Array(32));
   * ```
   */
  static replay(record: Uint8Array, privateKey: Uint8Array): Tls13Client {
    const client = new Tls13Client({
      keyPair: { privateKey, publicKey: new Uint8Array(32) },
      groups: ["x25519"],
    });
    (client as { hello: Uint8Array }).hello = record.slice();
    client.#transcript[0] = client.hello.subarray(5);
    return client;
  }

  /**
   * True once there is nothing more to read: Finished, HRR, a fatal alert,
   * an error, or the TLS 1.2 decoder done.
   *
   * @example
   * ```ts
   * import { Tls13Client } from "./tls13_client.ts";
   * new Tls13Client().done; // false
   * ```
   */
  get done(): boolean {
    return this.#mode === Mode.DONE ||
      (this.#mode === Mode.TLS12 && this.#tls12.done);
  }

  /**
   * Feeds server bytes `chunk[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { Tls13Client } from "./tls13_client.ts";
   * new Tls13Client().push(Uint8Array.of(0x15, 3, 3, 0, 2, 2, 70));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    if (this.#mode === Mode.HELLO || this.#mode === Mode.TLS12) {
      this.#tls12.push(chunk.subarray(start, end));
    }
    let i = start;
    while (
      i < end && (this.#mode === Mode.HELLO || this.#mode === Mode.ENCRYPTED)
    ) {
      if (this.#recordState === RecordState.HEADER) {
        this.#header[this.#headerFill++] = chunk[i++];
        this.#offset++;
        if (this.#headerFill === 5) this.#startRecord();
      } else {
        const take = Math.min(this.#recordLength - this.#recordFill, end - i);
        this.#record.set(chunk.subarray(i, i + take), this.#recordFill);
        this.#recordFill += take;
        this.#offset += take;
        i += take;
        if (this.#recordFill === this.#recordLength) this.#endRecord();
      }
    }
  }

  #startRecord(): void {
    const h = this.#header;
    this.#headerFill = 0;
    if (h[0] < 20 || h[0] > 23 || h[1] !== 3) {
      return this.#fail(
        "NOT_TLS",
        "expected a TLS record header (type 20–23, version 3.x)",
      );
    }
    this.#recordLength = h[3] << 8 | h[4];
    if (this.#recordLength > MAX_RECORD) {
      return this.#fail(
        "RECORD_TOO_LONG",
        `record of ${this.#recordLength} bytes exceeds 16 KiB + 256`,
      );
    }
    this.#recordFill = 0;
    this.#recordState = RecordState.BODY;
    if (this.#recordLength === 0) this.#endRecord();
  }

  #endRecord(): void {
    this.#recordState = RecordState.HEADER;
    const type = this.#header[0];
    const body = this.#record.subarray(0, this.#recordLength);
    if (type === CONTENT_ALERT) return this.#alert(body);
    if (this.#mode === Mode.HELLO) {
      if (type === CONTENT_HANDSHAKE) this.#handshakeBytes(body);
      // A ChangeCipherSpec may follow a HelloRetryRequest (middlebox compatibility).
      else if (type !== CONTENT_CHANGE_CIPHER_SPEC) {
        this.#fail("MALFORMED_HANDSHAKE", "expected the ServerHello first");
      }
      return;
    }
    if (type === CONTENT_CHANGE_CIPHER_SPEC) return; // middlebox compatibility
    if (type !== CONTENT_APPLICATION_DATA) {
      return this.#fail(
        "MALFORMED_HANDSHAKE",
        "expected encrypted records after the ServerHello",
      );
    }
    this.#decryptRecord(body);
  }

  #decryptRecord(body: Uint8Array): void {
    const nonce = this.#iv.slice();
    for (
      let i = 0, seq = this.#sequence;
      i < 8;
      i++, seq = Math.floor(seq / 256)
    ) {
      nonce[11 - i] ^= seq & 0xff;
    }
    this.#sequence++;
    const plain = this.#aead!.open(nonce, this.#header, body);
    if (plain === null) {
      return this.#fail(
        "DECRYPT_FAILED",
        "a handshake record's AEAD tag did not verify",
      );
    }
    // TLSInnerPlaintext: content ‖ type ‖ zero padding.
    let last = plain.length - 1;
    while (last >= 0 && plain[last] === 0) last--;
    if (last < 0) {
      return this.#fail(
        "MALFORMED_HANDSHAKE",
        "an encrypted record had no content type",
      );
    }
    const inner = plain[last];
    const content = plain.subarray(0, last);
    if (inner === CONTENT_ALERT) return this.#alert(content);
    if (inner === CONTENT_HANDSHAKE) return this.#handshakeBytes(content);
    this.#fail("MALFORMED_HANDSHAKE", `unexpected inner content type ${inner}`);
  }

  #alert(body: Uint8Array): void {
    if (body.length < 2) {
      return this.#fail("MALFORMED_HANDSHAKE", "alert shorter than 2 bytes");
    }
    this.#result.alerts.push({
      level: body[0],
      description: body[1],
      descriptionName: TLS_ALERTS.get(body[1]) ?? String(body[1]),
    });
    if (body[0] === 2 || this.#mode === Mode.HELLO) this.#mode = Mode.DONE;
  }

  /** Appends handshake-layer bytes and handles each complete message. */
  #handshakeBytes(bytes: Uint8Array): void {
    if (this.#handshake.length + bytes.length > MAX_HANDSHAKE) {
      return this.#fail(
        "MALFORMED_HANDSHAKE",
        "handshake messages exceed 128 KiB",
      );
    }
    const joined = new Uint8Array(this.#handshake.length + bytes.length);
    joined.set(this.#handshake);
    joined.set(bytes, this.#handshake.length);
    let at = 0;
    while (
      at + 4 <= joined.length && this.#mode !== Mode.DONE &&
      this.#mode !== Mode.TLS12
    ) {
      const length = joined[at + 1] << 16 | joined[at + 2] << 8 |
        joined[at + 3];
      if (at + 4 + length > joined.length) break;
      const message = joined.subarray(at, at + 4 + length);
      at += 4 + length;
      this.#message(message);
    }
    this.#handshake = joined.slice(at);
  }

  #message(message: Uint8Array): void {
    const type = message[0];
    const body = message.subarray(4);
    if (this.#mode === Mode.HELLO) {
      if (type !== HS_SERVER_HELLO) {
        return this.#fail(
          "MALFORMED_HANDSHAKE",
          `expected ServerHello, got handshake type ${type}`,
        );
      }
      this.#transcript.push(message);
      return this.#serverHello(body);
    }
    if (type === HS_FINISHED) return this.#finished(body, message);
    this.#transcript.push(message);
    if (type === HS_ENCRYPTED_EXTENSIONS) this.#encryptedExtensions(body);
    else if (type === HS_CERTIFICATE) this.#certificate(body);
  }

  #serverHello(body: Uint8Array): void {
    const hello = parseServerHello(body);
    if (typeof hello === "string") {
      return this.#fail("MALFORMED_HANDSHAKE", hello);
    }
    const r = this.#result;
    r.cipherSuite = hello.cipherSuite;
    r.cipherSuiteName = TLS_CIPHER_SUITES.get(hello.cipherSuite) ??
      hex16(hello.cipherSuite);
    r.version = VERSION_NAMES.get(hello.version) ?? hex16(hello.version);
    if (hello.version !== TLS13) {
      this.#mode = Mode.TLS12;
      return;
    }
    if (hello.random === HRR_RANDOM) return this.#helloRetry(hello);
    const suite = TLS13_SUITES.get(hello.cipherSuite);
    const group = hello.keyShareGroup ?? 0;
    const privateKey = this.#privateKeys.get(group);
    const share = hello.keyShare;
    const shared = !privateKey || !share
      ? null
      : group === GROUP_X25519
      ? (share.length === 32 ? x25519(privateKey, share) : null)
      : group === GROUP_SECP256R1
      ? p256SharedSecret(privateKey, share)
      : p384SharedSecret(privateKey, share);
    if (!suite || !shared) {
      return this.#fail(
        "UNSUPPORTED_PARAMETERS",
        "the server chose a suite, group or key share that was not offered",
      );
    }
    r.group = TLS_GROUPS.get(group);
    this.#startEncryption(suite, shared);
  }

  /** RFC 8446 §4.1.4: answer a HelloRetryRequest with a second ClientHello, if we can. */
  #helloRetry(hello: ParsedServerHello): void {
    const group = hello.keyShareGroup;
    const suite = TLS13_SUITES.get(hello.cipherSuite);
    // A group already offered cannot be asked for again (RFC 8446 §4.2.8);
    // an HRR without key_share (a cookie only) repeats the same shares.
    const canRetry = !this.#retried && suite !== undefined &&
      (group === undefined ||
        (IMPLEMENTED_GROUPS.has(group) && !this.#privateKeys.has(group)));
    this.#result.helloRetryRequest = {
      selectedGroup: group ?? 0,
      selectedGroupName: group === undefined
        ? "none (cookie)"
        : TLS_GROUPS.get(group) ?? hex16(group),
      retried: canRetry,
    };
    if (!canRetry) {
      this.#mode = Mode.DONE;
      return;
    }
    this.#retried = true;
    if (group !== undefined) {
      const pair = group === GROUP_SECP384R1
        ? p384KeyPair()
        : group === GROUP_SECP256R1
        ? (this.#options.p256KeyPair ?? sharedKeyPair(GROUP_SECP256R1))
        : (this.#options.keyPair ?? sharedKeyPair(GROUP_X25519));
      this.#privateKeys.clear();
      this.#privateKeys.set(group, pair.privateKey);
      this.#shares = [{ group, publicKey: pair.publicKey }];
    }
    const second = buildTls13ClientHello(
      this.#shares,
      {
        ...this.#options,
        random: this.#random,
        sessionId: this.#sessionId,
        cookie: hello.cookie,
      },
    );
    // The transcript restarts: message_hash(ClientHello1), HelloRetryRequest, ClientHello2.
    const hash = suite!.hash;
    const firstHash = hash.digest([this.#transcript[0]]);
    const messageHash = new Uint8Array(4 + firstHash.length);
    messageHash.set([HS_MESSAGE_HASH, 0, 0, firstHash.length]);
    messageHash.set(firstHash, 4);
    const retryMessage = this.#transcript[this.#transcript.length - 1];
    this.#transcript.length = 0;
    this.#transcript.push(messageHash, retryMessage, second.subarray(5));
    this.#send = second;
  }

  /**
   * Bytes this client must send now (the second ClientHello after a
   * HelloRetryRequest), or null. Call after each `push`.
   *
   * @example
   * ```ts
   * import { Tls13Client } from "./tls13_client.ts";
   * new Tls13Client().takeSend(); // null
   * ```
   */
  takeSend(): Uint8Array | null {
    const send = this.#send;
    this.#send = null;
    return send;
  }

  #startEncryption(suite: Suite, shared: Uint8Array): void {
    const hash = suite.hash;
    const zeros = new Uint8Array(hash.outputBytes);
    const early = hkdfExtract(hash, new Uint8Array(0), zeros);
    const derived = deriveSecret(hash, early, "derived", []);
    const handshakeSecret = hkdfExtract(hash, derived, shared);
    this.#serverSecret = deriveSecret(
      hash,
      handshakeSecret,
      "s hs traffic",
      this.#transcript,
    );
    this.#handshakeSecret = handshakeSecret;
    this.#clientSecret = deriveSecret(
      hash,
      handshakeSecret,
      "c hs traffic",
      this.#transcript,
    );
    const keyBytes = suite.aead === "AES-128-GCM" ? 16 : 32;
    const key = hkdfExpandLabel(
      hash,
      this.#serverSecret,
      "key",
      new Uint8Array(0),
      keyBytes,
    );
    this.#iv = hkdfExpandLabel(
      hash,
      this.#serverSecret,
      "iv",
      new Uint8Array(0),
      12,
    );
    this.#aead = createAead(suite.aead, key);
    this.#suite = suite;
    this.#sequence = 0;
    this.#mode = Mode.ENCRYPTED;
  }

  #encryptedExtensions(body: Uint8Array): void {
    for (const [type, data] of extensions(body, 0)) {
      if (type !== EXT_ALPN || data.length < 4) continue;
      const length = data[2];
      this.#result.alpn = latin1(data.subarray(3, 3 + length));
    }
  }

  #certificate(body: Uint8Array): void {
    // certificate_request_context, then a u24 list of (u24 cert_data, u16 extensions).
    let at = 1 + (body[0] ?? 0);
    if (at + 3 > body.length) {
      return this.#fail("MALFORMED_HANDSHAKE", "Certificate message too short");
    }
    const end = Math.min(body.length, at + 3 + u24(body, at));
    at += 3;
    while (at + 3 <= end) {
      const length = u24(body, at);
      at += 3;
      if (at + length > end) {
        return this.#fail(
          "MALFORMED_HANDSHAKE",
          "certificate entry overruns its list",
        );
      }
      this.#result.certificates.push(
        decodeX509(body.subarray(at, at + length)),
      );
      at += length;
      if (at + 2 > end) break;
      at += 2 + (body[at] << 8 | body[at + 1]);
    }
  }

  #finished(body: Uint8Array, message: Uint8Array): void {
    const hash = this.#suite!.hash;
    const finishedKey = hkdfExpandLabel(
      hash,
      this.#serverSecret,
      "finished",
      new Uint8Array(0),
      hash.outputBytes,
    );
    const expected = hmac(hash, finishedKey, hash.digest(this.#transcript));
    this.#result.finishedVerified = expected.length === body.length &&
      expected.every((b, i) => b === body[i]);
    // The application secrets hash the transcript through this Finished.
    this.#transcript.push(message.slice());
    this.#result.handshakeComplete = true;
    this.#mode = Mode.DONE;
  }

  /**
   * Server bytes consumed so far: after a verified Finished, the bytes
   * beyond this offset are the first application-phase records.
   *
   * @example
   * ```ts
   * import { Tls13Client } from "./tls13_client.ts";
   * new Tls13Client().consumed; // 0
   * ```
   */
  get consumed(): number {
    return this.#offset;
  }

  /**
   * What finishing the handshake needs (`tls_tunnel.ts`): the suite, the
   * handshake secret, the client handshake traffic secret and the
   * transcript through the server's Finished; null unless a TLS 1.3
   * handshake reached a Finished that verified.
   *
   * @example
   * ```ts
   * import { Tls13Client } from "./tls13_client.ts";
   * new Tls13Client().keySchedule(); // null
   * ```
   */
  keySchedule(): Tls13KeySchedule | null {
    if (!this.#result.finishedVerified || !this.#suite) return null;
    return {
      aead: this.#suite.aead,
      hash: this.#suite.hash,
      handshakeSecret: this.#handshakeSecret,
      clientHandshakeSecret: this.#clientSecret,
      transcript: this.#transcript.slice(),
    };
  }

  #fail(code: Tls13ErrorCode, message: string): void {
    this.#result.error = { code, offset: this.#offset, message };
    this.#mode = Mode.DONE;
  }

  /**
   * Everything learned so far.
   *
   * @example
   * ```ts
   * import { Tls13Client } from "./tls13_client.ts";
   * new Tls13Client().result().certificates; // []
   * ```
   */
  result(): Tls13Result {
    const result: Tls13Result = {
      ...this.#result,
      certificates: this.#result.certificates.slice(),
      alerts: this.#result.alerts.slice(),
    };
    if (this.#mode === Mode.TLS12) result.tls12 = this.#tls12.result();
    return result;
  }
}

/**
 * The secrets and transcript a verified TLS 1.3 handshake leaves for the
 * client's own Finished and the application traffic keys.
 *
 * @example
 * ```ts
 * import type { Tls13KeySchedule } from "./tls13_client.ts";
 * const suiteOf = (k: Tls13KeySchedule) => `${k.aead} ${k.hash.name}`;
 * ```
 */
export interface Tls13KeySchedule {
  /** The suite's AEAD. */
  aead: AeadName;
  /** The suite's hash. */
  hash: HashFunction;
  /** HKDF-Extract(Derive-Secret(early, "derived"), shared secret). */
  handshakeSecret: Uint8Array;
  /** client_handshake_traffic_secret. */
  clientHandshakeSecret: Uint8Array;
  /** Handshake messages ClientHello … server Finished, in order. */
  transcript: Uint8Array[];
}

interface ParsedServerHello {
  version: number;
  random: string;
  cipherSuite: number;
  keyShareGroup?: number;
  keyShare?: Uint8Array;
  /** A HelloRetryRequest's cookie extension body (echoed in ClientHello2). */
  cookie?: Uint8Array;
}

/** The fields of a ServerHello body, or what was wrong with it. */
function parseServerHello(body: Uint8Array): ParsedServerHello | string {
  if (body.length < 38) return "ServerHello shorter than 38 bytes";
  const sessionLength = body[34];
  let at = 35 + sessionLength;
  if (at + 3 > body.length) return "ServerHello cut inside the session id";
  const hello: ParsedServerHello = {
    version: body[0] << 8 | body[1],
    random: Array.from(
      body.subarray(2, 34),
      (b) => b.toString(16).padStart(2, "0"),
    ).join(""),
    cipherSuite: body[at] << 8 | body[at + 1],
  };
  at += 3; // suite, compression
  for (const [type, data] of extensions(body, at)) {
    if (type === EXT_SUPPORTED_VERSIONS && data.length === 2) {
      hello.version = data[0] << 8 | data[1];
    } else if (type === EXT_COOKIE) {
      hello.cookie = data.slice();
    } else if (type === EXT_KEY_SHARE && data.length >= 2) {
      hello.keyShareGroup = data[0] << 8 | data[1];
      // ServerHello: group, u16 length, key; HelloRetryRequest: group only.
      if (data.length >= 4) {
        hello.keyShare = data.subarray(4, 4 + (data[2] << 8 | data[3]));
      }
    }
  }
  return hello;
}

/** The (type, data) extensions of the u16-prefixed block at `at`. */
function extensions(body: Uint8Array, at: number): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  if (at + 2 > body.length) return out;
  const end = Math.min(body.length, at + 2 + (body[at] << 8 | body[at + 1]));
  at += 2;
  while (at + 4 <= end) {
    const type = body[at] << 8 | body[at + 1];
    const length = body[at + 2] << 8 | body[at + 3];
    at += 4;
    out.push([type, body.subarray(at, Math.min(end, at + length))]);
    at += length;
  }
  return out;
}

function u24(bytes: Uint8Array, at: number): number {
  return bytes[at] << 16 | bytes[at + 1] << 8 | bytes[at + 2];
}

function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, "0")}`;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** Suites offered: the three TLS 1.3 ones, then the TLS 1.0–1.2 defaults. */
const OFFERED_SUITES = [0x1301, 0x1302, 0x1303, ...DEFAULT_CIPHER_SUITES];
// The groups and signature schemes are the TLS 1.0–1.2 hello's own.
const OFFERED_GROUPS = SUPPORTED_GROUPS;

/**
 * A ClientHello record offering TLS 1.3 and 1.0–1.2: the three TLS 1.3
 * suites before the usual 1.2 ones, supported_versions (1.3 … 1.0), the
 * key shares `shares`, psk_dhe_ke, and SNI/ALPN from `options`.
 *
 * @example
 * ```ts
 * import { buildTls13ClientHello } from "./tls13_client.ts";
 * const shares = [{ group: 0x001d, publicKey: new Uint8Array(32) }];
 * buildTls13ClientHello(shares, { sni: "example.com" })[5]; // 1, ClientHello
 * ```
 */
export function buildTls13ClientHello(
  shares: readonly KeyShare[],
  options: Tls13ClientOptions & {
    /** legacy_session_id (default 32 random bytes, middlebox compatibility). */
    sessionId?: Uint8Array;
    /** The cookie extension's body from a HelloRetryRequest, echoed. */
    cookie?: Uint8Array;
  } = {},
): Uint8Array {
  const random = options.random ?? crypto.getRandomValues(new Uint8Array(32));
  if (random.length !== 32) {
    throw new RangeError("buildTls13ClientHello: random must be 32 bytes");
  }
  const ext: number[] = [];
  const add = (type: number, body: number[]) =>
    ext.push(...u16(type), ...vector16(body));
  const sni = options.sni?.replace(/\.$/, "");
  if (sni && !/^[\d.]+$/.test(sni) && !sni.includes(":")) {
    const name = Array.from(new TextEncoder().encode(sni));
    add(0, vector16([0, ...vector16(name)]));
  }
  add(10, vector16(OFFERED_GROUPS.flatMap(u16)));
  add(11, [1, 0]);
  add(13, vector16(SIGNATURE_SCHEMES.flatMap(u16)));
  if (options.alpn?.length) {
    const names = options.alpn.flatMap((p) => {
      const bytes = Array.from(new TextEncoder().encode(p));
      return [bytes.length, ...bytes];
    });
    add(EXT_ALPN, vector16(names));
  }
  add(23, []);
  add(0xff01, [0]);
  add(EXT_SUPPORTED_VERSIONS, [8, 3, 4, 3, 3, 3, 2, 3, 1]);
  add(45, [1, 1]); // psk_key_exchange_modes: psk_dhe_ke
  add(
    EXT_KEY_SHARE,
    vector16(shares.flatMap((share) => [
      ...u16(share.group),
      ...vector16(Array.from(share.publicKey)),
    ])),
  );
  if (options.cookie) add(EXT_COOKIE, Array.from(options.cookie));
  const sessionId = Array.from(
    options.sessionId ?? crypto.getRandomValues(new Uint8Array(32)),
  );
  const body = [
    3,
    3,
    ...random,
    sessionId.length,
    ...sessionId,
    ...vector16(OFFERED_SUITES.flatMap(u16)),
    1,
    0,
    ...vector16(ext),
  ];
  const handshake = [
    1,
    body.length >> 16,
    (body.length >> 8) & 0xff,
    body.length & 0xff,
    ...body,
  ];
  return Uint8Array.from([22, 3, 1, ...u16(handshake.length), ...handshake]);
}

function u16(value: number): number[] {
  return [(value >> 8) & 0xff, value & 0xff];
}

function vector16(body: number[]): number[] {
  return [...u16(body.length), ...body];
}
