/**
 * The client side of a full TLS 1.2 handshake (RFC 5246) for the AEAD
 * ECDHE suites, so that a banner grabber can speak the protocol inside a
 * TLS 1.2 server's tunnel: {@linkcode Tls12Client} reads the server's
 * plaintext flight (ServerHello, Certificate, ServerKeyExchange,
 * CertificateRequest, ServerHelloDone), answers with ClientKeyExchange
 * (X25519 or P-256), ChangeCipherSpec and an encrypted Finished, then
 * checks the server's ChangeCipherSpec and Finished. Suites: ECDHE with
 * AES-128-GCM, AES-256-GCM (SHA-384 PRF) or ChaCha20-Poly1305, RSA or
 * ECDSA certificates; extended master secret (RFC 7627) when the server
 * echoes it. A CertificateRequest is answered with an empty Certificate.
 *
 * The ServerKeyExchange signature and the certificate chain are not
 * verified: a scanner reports who answered, it does not authenticate
 * them. The Finished messages still prove that both sides derived the
 * same keys from the same transcript.
 *
 * It is fed the whole server stream from its first byte, next to
 * `Tls13Client` (which reads the certificates); a ServerHello choosing
 * TLS 1.3 (or 1.0/1.1) leaves it in state `not-tls12`.
 *
 * @module
 */

import type { AeadName } from "./tls13_aead.ts";
import { type HashFunction, SHA256, SHA384 } from "./tls13_hash.ts";
import {
  bytesEqual,
  concatBytes,
  type RecordProtection,
  tls12Prf,
  Tls12Protection,
  TlsRecordReader,
} from "./tls_record.ts";
import { TLS_ALERTS } from "./tls_names.ts";
import { x25519 } from "./x25519.ts";
import { p256SharedSecret } from "./ecdh_nist.ts";

/**
 * The handshake's named states.
 *
 * @example
 * ```ts
 * import { Tls12State } from "./tls12_client.ts";
 * Tls12State.ESTABLISHED; // "established"
 * ```
 */
export const Tls12State = {
  /** Waiting for the ServerHello. */
  HELLO: "hello",
  /** Reading Certificate … ServerHelloDone. */
  FLIGHT: "flight",
  /** Our flight is out: waiting for the server's ChangeCipherSpec. */
  CHANGE_CIPHER: "change-cipher",
  /** Waiting for the server's encrypted Finished. */
  FINISHED: "finished",
  /** Both Finished verified: application data may flow. */
  ESTABLISHED: "established",
  /** The server chose another version: not this client's handshake. */
  NOT_TLS12: "not-tls12",
  /** Alert, error, unsupported suite or a Finished that did not verify. */
  FAILED: "failed",
} as const;
/**
 * One of {@linkcode Tls12State}'s values.
 *
 * @example
 * ```ts
 * import type { Tls12State } from "./tls12_client.ts";
 * const s: Tls12State = "flight";
 * ```
 */
export type Tls12State = typeof Tls12State[keyof typeof Tls12State];

/**
 * Why the handshake failed.
 *
 * @example
 * ```ts
 * import type { Tls12ErrorCode } from "./tls12_client.ts";
 * const code: Tls12ErrorCode = "BAD_FINISHED";
 * ```
 */
export type Tls12ErrorCode =
  | "NOT_TLS"
  | "MALFORMED_HANDSHAKE"
  | "UNSUPPORTED_PARAMETERS"
  | "DECRYPT_FAILED"
  | "BAD_FINISHED"
  | "ALERT";

/**
 * A failure: code, offset in the server's stream, what was expected.
 *
 * @example
 * ```ts
 * import type { Tls12Error } from "./tls12_client.ts";
 * const e: Tls12Error = { code: "ALERT", offset: 7, message: "handshake_failure" };
 * ```
 */
export interface Tls12Error {
  /** What went wrong. */
  code: Tls12ErrorCode;
  /** Server stream offset where it was noticed. */
  offset: number;
  /** What was expected, or the alert's name. */
  message: string;
}

/**
 * Options of {@linkcode Tls12Client}.
 *
 * @example
 * ```ts
 * import type { Tls12ClientOptions } from "./tls12_client.ts";
 * import { sharedKeyPair } from "./tls13_client.ts";
 * const options: Tls12ClientOptions = { keyPair: sharedKeyPair };
 * ```
 */
export interface Tls12ClientOptions {
  /** The ephemeral key pair for group 0x001d (x25519) or 0x0017 (secp256r1). */
  keyPair: (group: number) => { privateKey: Uint8Array; publicKey: Uint8Array };
}

interface Suite {
  aead: AeadName;
  hash: HashFunction;
  keyBytes: number;
  ivBytes: number;
}

const GCM128: Suite = {
  aead: "AES-128-GCM",
  hash: SHA256,
  keyBytes: 16,
  ivBytes: 4,
};
const GCM256: Suite = {
  aead: "AES-256-GCM",
  hash: SHA384,
  keyBytes: 32,
  ivBytes: 4,
};
const CHACHA: Suite = {
  aead: "ChaCha20-Poly1305",
  hash: SHA256,
  keyBytes: 32,
  ivBytes: 12,
};

/**
 * The ECDHE AEAD suites this client completes (wire number → AEAD).
 *
 * @example
 * ```ts
 * import { TLS12_TUNNEL_SUITES } from "./tls12_client.ts";
 * TLS12_TUNNEL_SUITES.get(0xc02f); // "AES-128-GCM"
 * ```
 */
export const TLS12_TUNNEL_SUITES: ReadonlyMap<number, AeadName> = new Map([
  [0xc02b, "AES-128-GCM"],
  [0xc02f, "AES-128-GCM"],
  [0xc02c, "AES-256-GCM"],
  [0xc030, "AES-256-GCM"],
  [0xcca8, "ChaCha20-Poly1305"],
  [0xcca9, "ChaCha20-Poly1305"],
]);

const SUITES: ReadonlyMap<AeadName, Suite> = new Map([
  ["AES-128-GCM", GCM128],
  ["AES-256-GCM", GCM256],
  ["ChaCha20-Poly1305", CHACHA],
]);

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const HS_SERVER_HELLO = 2;
const HS_NEW_SESSION_TICKET = 4;
const HS_SERVER_KEY_EXCHANGE = 12;
const HS_CERTIFICATE_REQUEST = 13;
const HS_CERTIFICATE = 11;
const HS_SERVER_HELLO_DONE = 14;
const HS_CLIENT_KEY_EXCHANGE = 16;
const HS_FINISHED = 20;
const EXT_EXTENDED_MASTER_SECRET = 23;
const EXT_SUPPORTED_VERSIONS = 43;
const GROUP_X25519 = 0x001d;
const GROUP_SECP256R1 = 0x0017;
const MAX_HANDSHAKE = 1 << 17;
const CHANGE_CIPHER_SPEC_RECORD = Uint8Array.of(20, 3, 3, 0, 1, 1);

/**
 * One TLS 1.2 client handshake: feed the server's stream with `push`,
 * send what `takeSend` gives; once `state` is `established`,
 * `protections()` has the record keys of both directions.
 *
 * @example
 * ```ts ignore
 * import { Tls12Client } from "./tls12_client.ts";
 * import { sharedKeyPair, Tls13Client } from "./tls13_client.ts";
 * const hello = new Tls13Client().hello;
 * const client = new Tls12Client(hello, { keyPair: sharedKeyPair });
 * // connection.write(hello); for each read: client.push(bytes, 0, n);
 * // then write client.takeSend() until null.
 * ```
 */
export class Tls12Client {
  readonly #options: Tls12ClientOptions;
  readonly #clientRandom: Uint8Array;
  #serverRandom = new Uint8Array(32);
  readonly #transcript: Uint8Array[] = [];
  readonly #reader: TlsRecordReader;
  #state: Tls12State = Tls12State.HELLO;
  #pending: Uint8Array = new Uint8Array(0);
  #suite: Suite | undefined;
  #cipherSuite = 0;
  #extendedMasterSecret = false;
  #group = 0;
  #serverPoint: Uint8Array | undefined;
  #certificateRequested = false;
  #master: Uint8Array = new Uint8Array(0);
  #send: RecordProtection | undefined;
  #receive: RecordProtection | undefined;
  #sends: Uint8Array[] = [];
  #error: Tls12Error | undefined;

  /**
   * A client whose ClientHello record `clientHello` was (or will be) sent.
   *
   * @example
   * ```ts
   * import { Tls12Client } from "./tls12_client.ts";
   * import { sharedKeyPair, Tls13Client } from "./tls13_client.ts";
   * new Tls12Client(new Tls13Client().hello, { keyPair: sharedKeyPair }).state; // "hello"
   * ```
   */
  constructor(clientHello: Uint8Array, options: Tls12ClientOptions) {
    this.#options = options;
    // Record header (5), handshake header (4), client_version (2), random.
    this.#clientRandom = clientHello.slice(11, 43);
    this.#transcript.push(clientHello.subarray(5));
    this.#reader = new TlsRecordReader(
      (header, body) => this.#record(header, body),
      (message) => this.#fail("NOT_TLS", message),
    );
  }

  /**
   * The current state.
   *
   * @example
   * ```ts
   * import { Tls12Client } from "./tls12_client.ts";
   * import { sharedKeyPair, Tls13Client } from "./tls13_client.ts";
   * new Tls12Client(new Tls13Client().hello, { keyPair: sharedKeyPair }).state; // "hello"
   * ```
   */
  get state(): Tls12State {
    return this.#state;
  }

  /**
   * Why it failed, if it did.
   *
   * @example
   * ```ts
   * import { Tls12Client } from "./tls12_client.ts";
   * import { sharedKeyPair, Tls13Client } from "./tls13_client.ts";
   * new Tls12Client(new Tls13Client().hello, { keyPair: sharedKeyPair }).error; // undefined
   * ```
   */
  get error(): Tls12Error | undefined {
    return this.#error;
  }

  /**
   * The negotiated parameters (once the ServerHello and key exchange were read).
   *
   * @example
   * ```ts
   * import { Tls12Client } from "./tls12_client.ts";
   * import { sharedKeyPair, Tls13Client } from "./tls13_client.ts";
   * new Tls12Client(new Tls13Client().hello, { keyPair: sharedKeyPair }).parameters().cipherSuite; // 0
   * ```
   */
  parameters(): {
    cipherSuite: number;
    group: number;
    extendedMasterSecret: boolean;
    certificateRequested: boolean;
  } {
    return {
      cipherSuite: this.#cipherSuite,
      group: this.#group,
      extendedMasterSecret: this.#extendedMasterSecret,
      certificateRequested: this.#certificateRequested,
    };
  }

  /**
   * Feeds server bytes `bytes[start, end)`; returns the index where this
   * client stopped reading: `end`, or just after the server's Finished
   * record (the rest is application data) or a failure.
   *
   * @example
   * ```ts
   * import { Tls12Client } from "./tls12_client.ts";
   * import { sharedKeyPair, Tls13Client } from "./tls13_client.ts";
   * const client = new Tls12Client(new Tls13Client().hello, { keyPair: sharedKeyPair });
   * client.push(Uint8Array.of(21, 3, 3, 0, 2, 2, 40), 0, 7);
   * client.error?.message; // "handshake_failure"
   * ```
   */
  push(bytes: Uint8Array, start: number, end: number): number {
    if (this.#final()) return start;
    return this.#reader.push(bytes, start, end);
  }

  /**
   * Bytes to send now (the client's flight), or null.
   *
   * @example
   * ```ts
   * import { Tls12Client } from "./tls12_client.ts";
   * import { sharedKeyPair, Tls13Client } from "./tls13_client.ts";
   * new Tls12Client(new Tls13Client().hello, { keyPair: sharedKeyPair }).takeSend(); // null
   * ```
   */
  takeSend(): Uint8Array | null {
    return this.#sends.shift() ?? null;
  }

  /**
   * The record protection of each direction, once established.
   *
   * @example
   * ```ts
   * import { Tls12Client } from "./tls12_client.ts";
   * import { sharedKeyPair, Tls13Client } from "./tls13_client.ts";
   * new Tls12Client(new Tls13Client().hello, { keyPair: sharedKeyPair }).protections(); // null
   * ```
   */
  protections(): { send: RecordProtection; receive: RecordProtection } | null {
    if (this.#state !== Tls12State.ESTABLISHED) return null;
    return { send: this.#send!, receive: this.#receive! };
  }

  #final(): boolean {
    return this.#state === Tls12State.ESTABLISHED ||
      this.#state === Tls12State.FAILED ||
      this.#state === Tls12State.NOT_TLS12;
  }

  #record(header: Uint8Array, body: Uint8Array): void {
    const type = header[0];
    if (this.#state === Tls12State.FINISHED) {
      return this.#encryptedRecord(header, body);
    }
    if (type === CONTENT_ALERT) return this.#alert(body);
    if (type === CONTENT_CHANGE_CIPHER_SPEC) {
      if (this.#state !== Tls12State.CHANGE_CIPHER) {
        return this.#fail("MALFORMED_HANDSHAKE", "unexpected ChangeCipherSpec");
      }
      this.#state = Tls12State.FINISHED;
      return;
    }
    if (type !== CONTENT_HANDSHAKE) {
      return this.#fail(
        "MALFORMED_HANDSHAKE",
        `expected a handshake record, got type ${type}`,
      );
    }
    this.#handshakeBytes(body);
  }

  #alert(content: Uint8Array): void {
    const name = content.length >= 2
      ? TLS_ALERTS.get(content[1]) ?? String(content[1])
      : "short alert";
    this.#fail("ALERT", name);
  }

  #handshakeBytes(bytes: Uint8Array): void {
    if (this.#pending.length + bytes.length > MAX_HANDSHAKE) {
      return this.#fail("MALFORMED_HANDSHAKE", "handshake exceeds 128 KiB");
    }
    const joined = concatBytes([this.#pending, bytes]);
    let at = 0;
    while (at + 4 <= joined.length && !this.#final()) {
      const length = joined[at + 1] << 16 | joined[at + 2] << 8 |
        joined[at + 3];
      if (at + 4 + length > joined.length) break;
      const message = joined.slice(at, at + 4 + length);
      at += 4 + length;
      this.#message(message);
    }
    this.#pending = joined.slice(at);
  }

  #message(message: Uint8Array): void {
    const type = message[0];
    const body = message.subarray(4);
    const state = this.#state;
    if (state === Tls12State.HELLO) {
      if (type !== HS_SERVER_HELLO) {
        return this.#fail("MALFORMED_HANDSHAKE", "expected ServerHello");
      }
      this.#transcript.push(message);
      return this.#serverHello(body);
    }
    if (state === Tls12State.CHANGE_CIPHER) {
      if (type !== HS_NEW_SESSION_TICKET) {
        return this.#fail(
          "MALFORMED_HANDSHAKE",
          `expected ChangeCipherSpec, got handshake type ${type}`,
        );
      }
      this.#transcript.push(message);
      return;
    }
    this.#transcript.push(message);
    if (type === HS_SERVER_KEY_EXCHANGE) this.#serverKeyExchange(body);
    else if (type === HS_CERTIFICATE_REQUEST) this.#certificateRequested = true;
    else if (type === HS_SERVER_HELLO_DONE) this.#clientFlight();
  }

  #serverHello(body: Uint8Array): void {
    if (body.length < 38) {
      return this.#fail("MALFORMED_HANDSHAKE", "ServerHello too short");
    }
    let version = body[0] << 8 | body[1];
    this.#serverRandom = body.slice(2, 34);
    let at = 35 + body[34];
    if (at + 3 > body.length) {
      return this.#fail("MALFORMED_HANDSHAKE", "ServerHello cut");
    }
    this.#cipherSuite = body[at] << 8 | body[at + 1];
    at += 3;
    const end = at + 2 <= body.length
      ? Math.min(body.length, at + 2 + (body[at] << 8 | body[at + 1]))
      : at;
    for (at += 2; at + 4 <= end;) {
      const type = body[at] << 8 | body[at + 1];
      const length = body[at + 2] << 8 | body[at + 3];
      if (type === EXT_EXTENDED_MASTER_SECRET) {
        this.#extendedMasterSecret = true;
      }
      if (type === EXT_SUPPORTED_VERSIONS && length === 2) {
        version = body[at + 4] << 8 | body[at + 5];
      }
      at += 4 + length;
    }
    if (version !== 0x0303) {
      this.#state = Tls12State.NOT_TLS12;
      this.#reader.stop();
      return;
    }
    const aead = TLS12_TUNNEL_SUITES.get(this.#cipherSuite);
    if (!aead) {
      return this.#fail(
        "UNSUPPORTED_PARAMETERS",
        `suite 0x${this.#cipherSuite.toString(16)} is not an ECDHE AEAD suite`,
      );
    }
    this.#suite = SUITES.get(aead);
    this.#state = Tls12State.FLIGHT;
  }

  #serverKeyExchange(body: Uint8Array): void {
    // ECParameters: curve_type named_curve (3), the group; then the point.
    if (body.length < 4 || body[0] !== 3) {
      return this.#fail(
        "UNSUPPORTED_PARAMETERS",
        "ServerKeyExchange is not ECDHE with a named curve",
      );
    }
    this.#group = body[1] << 8 | body[2];
    const length = body[3];
    if (4 + length > body.length) {
      return this.#fail("MALFORMED_HANDSHAKE", "ServerKeyExchange point cut");
    }
    this.#serverPoint = body.slice(4, 4 + length);
  }

  #sharedSecret(): { shared: Uint8Array; publicKey: Uint8Array } | null {
    const point = this.#serverPoint;
    if (!point) return null;
    if (this.#group === GROUP_X25519 && point.length === 32) {
      const pair = this.#options.keyPair(GROUP_X25519);
      return {
        shared: x25519(pair.privateKey, point),
        publicKey: pair.publicKey,
      };
    }
    if (this.#group === GROUP_SECP256R1) {
      const pair = this.#options.keyPair(GROUP_SECP256R1);
      const shared = p256SharedSecret(pair.privateKey, point);
      return shared ? { shared, publicKey: pair.publicKey } : null;
    }
    return null;
  }

  /** ServerHelloDone: [empty Certificate], ClientKeyExchange, ChangeCipherSpec, Finished. */
  #clientFlight(): void {
    const suite = this.#suite!;
    const exchange = this.#sharedSecret();
    if (!exchange) {
      return this.#fail(
        "UNSUPPORTED_PARAMETERS",
        `no usable ECDHE share (group 0x${this.#group.toString(16)})`,
      );
    }
    const messages: Uint8Array[] = [];
    if (this.#certificateRequested) {
      messages.push(Uint8Array.of(HS_CERTIFICATE, 0, 0, 3, 0, 0, 0));
    }
    const point = exchange.publicKey;
    const cke = new Uint8Array(5 + point.length);
    cke.set([HS_CLIENT_KEY_EXCHANGE, 0, 0, point.length + 1, point.length]);
    cke.set(point, 5);
    messages.push(cke);
    this.#transcript.push(...messages);
    const hash = suite.hash;
    this.#master = this.#extendedMasterSecret
      ? tls12Prf(
        hash,
        exchange.shared,
        "extended master secret",
        hash.digest(this.#transcript),
        48,
      )
      : tls12Prf(
        hash,
        exchange.shared,
        "master secret",
        concatBytes([this.#clientRandom, this.#serverRandom]),
        48,
      );
    const { keyBytes: k, ivBytes: v } = suite;
    const block = tls12Prf(
      hash,
      this.#master,
      "key expansion",
      concatBytes([this.#serverRandom, this.#clientRandom]),
      2 * k + 2 * v,
    );
    this.#send = new Tls12Protection(
      suite.aead,
      block.slice(0, k),
      block.slice(2 * k, 2 * k + v),
    );
    this.#receive = new Tls12Protection(
      suite.aead,
      block.slice(k, 2 * k),
      block.slice(2 * k + v, 2 * k + 2 * v),
    );
    const finished = this.#finishedMessage("client finished");
    this.#transcript.push(finished);
    const flight = concatBytes(messages);
    this.#sends.push(concatBytes([
      Uint8Array.of(
        CONTENT_HANDSHAKE,
        3,
        3,
        flight.length >> 8,
        flight.length & 0xff,
      ),
      flight,
      CHANGE_CIPHER_SPEC_RECORD,
      this.#send.seal(CONTENT_HANDSHAKE, finished),
    ]));
    this.#state = Tls12State.CHANGE_CIPHER;
  }

  #finishedMessage(label: string): Uint8Array {
    const hash = this.#suite!.hash;
    const verify = tls12Prf(
      hash,
      this.#master,
      label,
      hash.digest(this.#transcript),
      12,
    );
    const message = new Uint8Array(16);
    message.set([HS_FINISHED, 0, 0, 12]);
    message.set(verify, 4);
    return message;
  }

  #encryptedRecord(header: Uint8Array, body: Uint8Array): void {
    const opened = this.#receive!.open(header, body);
    if (!opened) {
      return this.#fail(
        "DECRYPT_FAILED",
        "the server's Finished record did not verify",
      );
    }
    if (opened.type === CONTENT_ALERT) return this.#alert(opened.content);
    if (
      opened.type !== CONTENT_HANDSHAKE || opened.content[0] !== HS_FINISHED
    ) {
      return this.#fail(
        "MALFORMED_HANDSHAKE",
        "expected the server's Finished",
      );
    }
    const expected = this.#finishedMessage("server finished");
    if (!bytesEqual(expected, opened.content)) {
      return this.#fail(
        "BAD_FINISHED",
        "the server's Finished verify_data does not match",
      );
    }
    this.#state = Tls12State.ESTABLISHED;
    this.#reader.stop();
  }

  #fail(code: Tls12ErrorCode, message: string): void {
    this.#error ??= { code, offset: this.#reader.offset, message };
    this.#state = Tls12State.FAILED;
    this.#reader.stop();
  }
}
