/**
 * A TLS client that finishes the handshake and then carries application
 * data both ways, the way nmap's ssl tunnel reaches the protocol inside a
 * direct-TLS port. {@linkcode TlsTunnel} wraps {@linkcode Tls13Client}
 * (which reads the certificates): for a TLS 1.3 server it sends the
 * client's Finished (after a ChangeCipherSpec, middlebox compatibility;
 * an empty Certificate first when the server asked for one) and derives
 * the application traffic keys (RFC 8446 §7.1); for a TLS 1.2 server a
 * {@linkcode Tls12Client} runs next to it on the same bytes. Then
 * `write` seals records and `takeData` gives the server's decrypted
 * bytes. A TLS 1.3 KeyUpdate from the server renews its traffic key, and
 * ours when it asks (RFC 8446 §4.6.3); NewSessionTickets are skipped.
 *
 * The server is not authenticated (a scanner reports who answered): the
 * TLS 1.3 CertificateVerify and the TLS 1.2 ServerKeyExchange signature
 * are not checked, nor the chain; the server's Finished is, so both sides
 * hold the same keys over the same transcript.
 *
 * Synchronous like the clients it wraps (the receive loop cannot await).
 * A tunnel that cannot be opened (alert, unsupported suite, Finished or
 * record that does not verify) ends in state `failed` with a typed error;
 * the handshake's own result (version, suite, certificates) stays as it
 * was. Received plaintext beyond `maxPlaintext` is dropped and counted.
 *
 * @module
 */

import {
  sharedKeyPair,
  Tls13Client,
  type Tls13ClientOptions,
  type Tls13KeySchedule,
  type Tls13Result,
  TLS_GROUPS,
} from "./tls13_client.ts";
import { Tls12Client, Tls12State } from "./tls12_client.ts";
import {
  deriveSecret,
  hkdfExpandLabel,
  hkdfExtract,
  hmac,
} from "./tls13_hash.ts";
import { AEAD_KEY_BYTES } from "./tls13_aead.ts";
import {
  concatBytes,
  type RecordProtection,
  Tls13Protection,
  TlsRecordReader,
} from "./tls_record.ts";
import { TLS_ALERTS } from "./tls_names.ts";

/**
 * The tunnel's named states.
 *
 * @example
 * ```ts
 * import { TunnelState } from "./tls_tunnel.ts";
 * TunnelState.OPEN; // "open"
 * ```
 */
export const TunnelState = {
  /** The handshake is running. */
  HANDSHAKE: "handshake",
  /** Both Finished verified: application data flows. */
  OPEN: "open",
  /** The server sent close_notify. */
  CLOSED: "closed",
  /** The tunnel could not be opened, or broke. */
  FAILED: "failed",
} as const;
/**
 * One of {@linkcode TunnelState}'s values.
 *
 * @example
 * ```ts
 * import type { TunnelState } from "./tls_tunnel.ts";
 * const s: TunnelState = "closed";
 * ```
 */
export type TunnelState = typeof TunnelState[keyof typeof TunnelState];

/**
 * Why a tunnel failed.
 *
 * @example
 * ```ts
 * import type { TunnelErrorCode } from "./tls_tunnel.ts";
 * const code: TunnelErrorCode = "BAD_FINISHED";
 * ```
 */
export type TunnelErrorCode =
  | "HANDSHAKE_FAILED"
  | "UNSUPPORTED_PARAMETERS"
  | "BAD_FINISHED"
  | "DECRYPT_FAILED"
  | "ALERT"
  | "NOT_TLS"
  | "MALFORMED_RECORD";

/**
 * A tunnel failure: code and what happened.
 *
 * @example
 * ```ts
 * import type { TunnelError } from "./tls_tunnel.ts";
 * const e: TunnelError = { code: "ALERT", message: "handshake_failure" };
 * ```
 */
export interface TunnelError {
  /** What went wrong. */
  code: TunnelErrorCode;
  /** Details (the alert's name, the handshake error's message). */
  message: string;
}

/**
 * Options of {@linkcode TlsTunnel}: the ClientHello's (SNI, ALPN, ...),
 * or a `client` already built (a replayed trace).
 *
 * @example
 * ```ts
 * import type { TlsTunnelOptions } from "./tls_tunnel.ts";
 * const options: TlsTunnelOptions = { alpn: ["http/1.1"], maxPlaintext: 4096 };
 * ```
 */
export interface TlsTunnelOptions extends Tls13ClientOptions {
  /** Use this client (its ClientHello is the one sent). */
  client?: Tls13Client;
  /** Received plaintext kept until taken (default 16 KiB); more is dropped. */
  maxPlaintext?: number;
}

/**
 * The tunnel as it stands.
 *
 * @example
 * ```ts
 * import type { TlsTunnelResult } from "./tls_tunnel.ts";
 * const open = (r: TlsTunnelResult) => r.state === "open";
 * ```
 */
export interface TlsTunnelResult {
  /** The handshake as {@linkcode Tls13Client} saw it (certificates, suite). */
  handshake: Tls13Result;
  /** Where the tunnel is. */
  state: TunnelState;
  /** Why it failed. */
  error?: TunnelError;
  /** Application bytes received (decrypted). */
  bytesReceived: number;
  /** Application bytes dropped beyond `maxPlaintext`. */
  bytesDropped: number;
  /** Application bytes sent. */
  bytesSent: number;
  /** A TLS 1.2 handshake's key exchange: the ECDHE group, extended master secret. */
  tls12?: { group: string; extendedMasterSecret: boolean };
}

const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const HS_CERTIFICATE_REQUEST = 13;
const HS_KEY_UPDATE = 24;
const MAX_POST_HANDSHAKE = 1 << 16;
const CHANGE_CIPHER_SPEC_RECORD = Uint8Array.of(20, 3, 3, 0, 1, 1);
const MAX_RECORD_PLAINTEXT = 16384;

/** TLS 1.3 application traffic secrets of both directions. */
interface Tls13Traffic {
  schedule: Tls13KeySchedule;
  client: Uint8Array;
  server: Uint8Array;
}

/** Record protection keyed from a TLS 1.3 traffic secret (RFC 8446 §7.3). */
function trafficProtection(
  k: Tls13KeySchedule,
  secret: Uint8Array,
): Tls13Protection {
  const none = new Uint8Array(0);
  return new Tls13Protection(
    k.aead,
    hkdfExpandLabel(k.hash, secret, "key", none, AEAD_KEY_BYTES[k.aead]),
    hkdfExpandLabel(k.hash, secret, "iv", none, 12),
  );
}

/**
 * One connection's TLS client, through the handshake and into
 * application data.
 *
 * @example
 * ```ts ignore
 * import { TlsTunnel } from "./tls_tunnel.ts";
 * const tunnel = new TlsTunnel();
 * const connection = await Deno.connect({ hostname: "198.18.0.2", port: 443 });
 * await connection.write(tunnel.hello);
 * const buffer = new Uint8Array(16384);
 * let asked = false;
 * while (tunnel.state === "handshake" || tunnel.state === "open") {
 *   if (tunnel.state === "open" && !asked) {
 *     tunnel.write(new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n"));
 *     asked = true;
 *   }
 *   for (let s = tunnel.takeSend(); s; s = tunnel.takeSend()) await connection.write(s);
 *   const n = await connection.read(buffer);
 *   if (n === null) break;
 *   tunnel.push(buffer, 0, n);
 * }
 * console.log(new TextDecoder().decode(tunnel.takeData() ?? new Uint8Array(0)));
 * ```
 */
export class TlsTunnel {
  /** The ClientHello record to send first. */
  readonly hello: Uint8Array;
  /** The handshake client (certificates, version, suite). */
  readonly client: Tls13Client;
  #tls12: Tls12Client | null;
  #state: TunnelState = TunnelState.HANDSHAKE;
  #error: TunnelError | undefined;
  #send: RecordProtection | undefined;
  #receive: RecordProtection | undefined;
  readonly #reader: TlsRecordReader;
  #sends: Uint8Array[] = [];
  #data: Uint8Array[] = [];
  #dataBytes = 0;
  readonly #maxPlaintext: number;
  #received = 0;
  #dropped = 0;
  #sent = 0;
  /** TLS 1.3: the application traffic secrets, for KeyUpdate. */
  #traffic: Tls13Traffic | undefined;
  /** Post-handshake messages cut across records (TLS 1.3). */
  #postHandshake: Uint8Array = new Uint8Array(0);

  /**
   * A tunnel whose ClientHello offers TLS 1.3 and 1.2 (see {@linkcode Tls13Client}).
   *
   * @example
   * ```ts
   * import { TlsTunnel } from "./tls_tunnel.ts";
   * new TlsTunnel().hello[0]; // 22
   * ```
   */
  constructor(options: TlsTunnelOptions = {}) {
    this.client = options.client ?? new Tls13Client(options);
    this.hello = this.client.hello;
    this.#maxPlaintext = options.maxPlaintext ?? 16384;
    this.#tls12 = new Tls12Client(this.hello, { keyPair: sharedKeyPair });
    this.#reader = new TlsRecordReader(
      (header, body) => this.#applicationRecord(header, body),
      (message) => this.#fail("NOT_TLS", message),
    );
  }

  /**
   * Where the tunnel is.
   *
   * @example
   * ```ts
   * import { TlsTunnel } from "./tls_tunnel.ts";
   * new TlsTunnel().state; // "handshake"
   * ```
   */
  get state(): TunnelState {
    return this.#state;
  }

  /**
   * Feeds server bytes `bytes[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { TlsTunnel } from "./tls_tunnel.ts";
   * const tunnel = new TlsTunnel();
   * tunnel.push(Uint8Array.of(21, 3, 3, 0, 2, 2, 40));
   * tunnel.state; // "failed"
   * ```
   */
  push(bytes: Uint8Array, start: number = 0, end: number = bytes.length): void {
    if (this.#state === TunnelState.HANDSHAKE) {
      start = this.#handshake(bytes, start, end);
    } else if (!this.client.done) {
      // The tunnel failed early (a TLS 1.2 suite this client does not
      // complete): the certificates still come, in clear, to the client.
      this.client.push(bytes, start, end);
    }
    if (this.#state === TunnelState.OPEN && start < end) {
      this.#reader.push(bytes, start, end);
    }
  }

  /** Handshake bytes; returns where the application records start. */
  #handshake(bytes: Uint8Array, start: number, end: number): number {
    const client = this.client;
    const before = client.consumed;
    if (!client.done) client.push(bytes, start, end);
    const again = client.takeSend();
    if (again) this.#sends.push(again);
    const tls12 = this.#tls12;
    if (tls12) {
      const stop = tls12.push(bytes, start, end);
      for (let s = tls12.takeSend(); s; s = tls12.takeSend()) {
        this.#sends.push(s);
      }
      if (tls12.state === Tls12State.ESTABLISHED) {
        const { send, receive } = tls12.protections()!;
        this.#open(send, receive);
        return stop;
      }
      if (tls12.state === Tls12State.FAILED) {
        const error = tls12.error!;
        this.#fail(
          error.code === "NOT_TLS" || error.code === "MALFORMED_HANDSHAKE"
            ? "HANDSHAKE_FAILED"
            : error.code,
          error.message,
        );
        return end;
      }
      if (tls12.state === Tls12State.NOT_TLS12) this.#tls12 = null;
      else return end;
    }
    if (!client.done) return end;
    const schedule = client.keySchedule();
    if (!schedule) {
      const r = client.result();
      if (r.finishedVerified === false) {
        this.#fail(
          "BAD_FINISHED",
          "the server's Finished verify_data does not match",
        );
      } else if (r.version !== undefined && r.version !== "TLS 1.3") {
        this.#fail(
          "UNSUPPORTED_PARAMETERS",
          `${r.version} is not completed by this client`,
        );
      } else {
        const alert = r.alerts.find((a) => a.level === 2)?.descriptionName;
        this.#fail(
          alert ? "ALERT" : "HANDSHAKE_FAILED",
          alert ?? r.error?.message ?? "the TLS 1.3 handshake did not complete",
        );
      }
      return end;
    }
    this.#finish13(schedule);
    // The client read up to the end of the server's Finished record.
    return start + (client.consumed - before);
  }

  /** RFC 8446 §4.4: the client's second flight and the application keys. */
  #finish13(k: Tls13KeySchedule): void {
    const hash = k.hash;
    const none = new Uint8Array(0);
    const protection = (secret: Uint8Array) => trafficProtection(k, secret);
    const derived = deriveSecret(hash, k.handshakeSecret, "derived", []);
    const master = hkdfExtract(hash, derived, new Uint8Array(hash.outputBytes));
    const clientAp = deriveSecret(hash, master, "c ap traffic", k.transcript);
    const serverAp = deriveSecret(hash, master, "s ap traffic", k.transcript);
    const messages: Uint8Array[] = [];
    const request = k.transcript.find((m) => m[0] === HS_CERTIFICATE_REQUEST);
    if (request) {
      // An empty Certificate echoing certificate_request_context.
      const context = request.subarray(5, 5 + request[4]);
      const body = concatBytes([
        Uint8Array.of(context.length),
        context,
        new Uint8Array(3),
      ]);
      messages.push(concatBytes([Uint8Array.of(11, 0, 0, body.length), body]));
    }
    const finishedKey = hkdfExpandLabel(
      hash,
      k.clientHandshakeSecret,
      "finished",
      none,
      hash.outputBytes,
    );
    const verify = hmac(
      hash,
      finishedKey,
      hash.digest([...k.transcript, ...messages]),
    );
    messages.push(
      concatBytes([Uint8Array.of(20, 0, 0, verify.length), verify]),
    );
    const handshake = protection(k.clientHandshakeSecret);
    this.#sends.push(CHANGE_CIPHER_SPEC_RECORD.slice());
    this.#sends.push(handshake.seal(CONTENT_HANDSHAKE, concatBytes(messages)));
    this.#traffic = { schedule: k, client: clientAp, server: serverAp };
    this.#open(protection(clientAp), protection(serverAp));
  }

  #open(send: RecordProtection, receive: RecordProtection): void {
    this.#send = send;
    this.#receive = receive;
    this.#state = TunnelState.OPEN;
  }

  #applicationRecord(header: Uint8Array, body: Uint8Array): void {
    if (header[0] === 20) return; // a late ChangeCipherSpec (middlebox compatibility)
    const opened = this.#receive!.open(header, body);
    if (!opened) {
      return this.#fail(
        "DECRYPT_FAILED",
        "an application record did not verify",
      );
    }
    if (opened.content.length > MAX_RECORD_PLAINTEXT) {
      return this.#fail(
        "MALFORMED_RECORD",
        "record plaintext exceeds 2^14 bytes",
      );
    }
    switch (opened.type) {
      case CONTENT_APPLICATION_DATA:
        return this.#keep(opened.content);
      case CONTENT_ALERT: {
        const [level, description] = opened.content;
        if (description === 0) {
          this.#state = TunnelState.CLOSED;
          this.#reader.stop();
          return;
        }
        if (level === 2) {
          this.#fail(
            "ALERT",
            TLS_ALERTS.get(description) ?? String(description),
          );
        }
        return;
      }
      case CONTENT_HANDSHAKE:
        // NewSessionTicket (1.3), HelloRequest (1.2): not needed by a
        // scanner; a TLS 1.3 KeyUpdate changes the keys.
        if (this.#traffic) this.#postHandshakeBytes(opened.content);
        return;
      default:
        return this.#fail(
          "MALFORMED_RECORD",
          `inner content type ${opened.type}`,
        );
    }
  }

  /** TLS 1.3 post-handshake messages: KeyUpdate is acted on, the rest skipped. */
  #postHandshakeBytes(bytes: Uint8Array): void {
    const joined = concatBytes([this.#postHandshake, bytes]);
    if (joined.length > MAX_POST_HANDSHAKE) {
      return this.#fail(
        "MALFORMED_RECORD",
        "post-handshake message over 64 KiB",
      );
    }
    let at = 0;
    while (at + 4 <= joined.length) {
      const length = joined[at + 1] << 16 | joined[at + 2] << 8 |
        joined[at + 3];
      if (at + 4 + length > joined.length) break;
      if (joined[at] === HS_KEY_UPDATE) {
        if (length !== 1 || joined[at + 4] > 1) {
          return this.#fail("MALFORMED_RECORD", "malformed KeyUpdate");
        }
        this.#keyUpdate(joined[at + 4] === 1);
      }
      at += 4 + length;
    }
    this.#postHandshake = joined.slice(at);
  }

  /**
   * RFC 8446 §4.6.3: the server's next traffic secret; when it asks, our
   * own KeyUpdate (sealed with the old key), then our next secret.
   */
  #keyUpdate(requested: boolean): void {
    const t = this.#traffic!;
    const next = (secret: Uint8Array) =>
      hkdfExpandLabel(
        t.schedule.hash,
        secret,
        "traffic upd",
        new Uint8Array(0),
        t.schedule.hash.outputBytes,
      );
    t.server = next(t.server);
    this.#receive = trafficProtection(t.schedule, t.server);
    if (!requested) return;
    this.#sends.push(
      this.#send!.seal(
        CONTENT_HANDSHAKE,
        Uint8Array.of(HS_KEY_UPDATE, 0, 0, 1, 0),
      ),
    );
    t.client = next(t.client);
    this.#send = trafficProtection(t.schedule, t.client);
  }

  #keep(content: Uint8Array): void {
    this.#received += content.length;
    const room = this.#maxPlaintext - this.#dataBytes;
    const kept = Math.min(room, content.length);
    if (kept > 0) {
      this.#data.push(content.slice(0, kept));
      this.#dataBytes += kept;
    }
    this.#dropped += content.length - kept;
  }

  /**
   * Seals `data` into application records to send (see `takeSend`);
   * false unless the tunnel is open.
   *
   * @example
   * ```ts
   * import { TlsTunnel } from "./tls_tunnel.ts";
   * new TlsTunnel().write(new Uint8Array(1)); // false, not open yet
   * ```
   */
  write(data: Uint8Array): boolean {
    if (this.#state !== TunnelState.OPEN) return false;
    for (let at = 0; at < data.length; at += MAX_RECORD_PLAINTEXT) {
      const piece = data.subarray(at, at + MAX_RECORD_PLAINTEXT);
      this.#sends.push(this.#send!.seal(CONTENT_APPLICATION_DATA, piece));
    }
    this.#sent += data.length;
    return true;
  }

  /**
   * Seals a close_notify alert (to send before closing); false unless open.
   *
   * @example
   * ```ts
   * import { TlsTunnel } from "./tls_tunnel.ts";
   * new TlsTunnel().close(); // false
   * ```
   */
  close(): boolean {
    if (this.#state !== TunnelState.OPEN) return false;
    this.#sends.push(this.#send!.seal(CONTENT_ALERT, Uint8Array.of(1, 0)));
    return true;
  }

  /**
   * Bytes to send now (the second ClientHello, the client's flight,
   * sealed records), or null.
   *
   * @example
   * ```ts
   * import { TlsTunnel } from "./tls_tunnel.ts";
   * new TlsTunnel().takeSend(); // null
   * ```
   */
  takeSend(): Uint8Array | null {
    return this.#sends.shift() ?? null;
  }

  /**
   * The server's application bytes received since the last call, or null.
   *
   * @example
   * ```ts
   * import { TlsTunnel } from "./tls_tunnel.ts";
   * new TlsTunnel().takeData(); // null
   * ```
   */
  takeData(): Uint8Array | null {
    if (this.#data.length === 0) return null;
    const data = this.#data.length === 1
      ? this.#data[0]
      : concatBytes(this.#data);
    this.#data = [];
    this.#dataBytes = 0;
    return data;
  }

  /**
   * The handshake's result and the tunnel's state.
   *
   * @example
   * ```ts
   * import { TlsTunnel } from "./tls_tunnel.ts";
   * new TlsTunnel().result().state; // "handshake"
   * ```
   */
  result(): TlsTunnelResult {
    const result: TlsTunnelResult = {
      handshake: this.client.result(),
      state: this.#state,
      bytesReceived: this.#received,
      bytesDropped: this.#dropped,
      bytesSent: this.#sent,
    };
    const p = this.#tls12?.parameters();
    if (p && p.group !== 0) {
      result.tls12 = {
        group: TLS_GROUPS.get(p.group) ?? `0x${p.group.toString(16)}`,
        extendedMasterSecret: p.extendedMasterSecret,
      };
    }
    if (this.#error) result.error = { ...this.#error };
    return result;
  }

  #fail(code: TunnelErrorCode, message: string): void {
    this.#error ??= { code, message };
    this.#state = TunnelState.FAILED;
    this.#reader.stop();
  }
}
