/**
 * The TLS record layer once keys exist, for a client that finishes its
 * handshake (`tls_tunnel.ts`): a streaming record splitter
 * ({@linkcode TlsRecordReader}), AEAD record protection for TLS 1.3
 * (RFC 8446 §5.2–5.3) and for TLS 1.2's AEAD suites (AES-GCM with an
 * 8-byte explicit nonce, RFC 5288; ChaCha20-Poly1305 with an implicit
 * one, RFC 7905), and TLS 1.2's PRF (RFC 5246 §5). Synchronous, on the
 * hand-written primitives of `tls13_aead.ts` and `tls13_hash.ts`.
 *
 * @module
 */

import { type Aead, type AeadName, createAead } from "./tls13_aead.ts";
import { type HashFunction, hmac } from "./tls13_hash.ts";

/** RFC 8446 §5.2 / RFC 5246 §6.2.3: ciphertext may exceed 2^14 by 2048. */
const MAX_RECORD = 16384 + 2048;
const TAG = 16;

const ReaderState = { HEADER: "header", BODY: "body" } as const;
type ReaderState = typeof ReaderState[keyof typeof ReaderState];

/**
 * Splits a byte stream into records, any fragmentation: `onRecord(header,
 * body)` gets each complete record (views, valid during the call). A
 * record longer than 2^14 + 2048 or a header that is not TLS calls
 * `onError` and stops the reader. `push` stops early, returning where,
 * once `stop()` was called from inside `onRecord`.
 *
 * @example
 * ```ts
 * import { TlsRecordReader } from "./tls_record.ts";
 * const types: number[] = [];
 * const reader = new TlsRecordReader((header) => types.push(header[0]), () => {});
 * reader.push(Uint8Array.of(21, 3, 3, 0, 2, 1, 0), 0, 7);
 * types; // [21]
 * ```
 */
export class TlsRecordReader {
  #state: ReaderState = ReaderState.HEADER;
  readonly #header = new Uint8Array(5);
  #headerFill = 0;
  #body = new Uint8Array(512);
  #length = 0;
  #fill = 0;
  #stopped = false;
  /** Bytes consumed since the start. */
  offset = 0;

  /**
   * A reader calling `onRecord` per record and `onError` once on a bad header.
   *
   * @example
   * ```ts
   * import { TlsRecordReader } from "./tls_record.ts";
   * new TlsRecordReader(() => {}, (message) => console.log(message)).offset; // 0
   * ```
   */
  constructor(
    readonly onRecord: (header: Uint8Array, body: Uint8Array) => void,
    readonly onError: (message: string) => void,
  ) {}

  /**
   * Stops after the current record (call from `onRecord`); later pushes
   * consume nothing.
   *
   * @example
   * ```ts
   * import { TlsRecordReader } from "./tls_record.ts";
   * const reader = new TlsRecordReader(() => reader.stop(), () => {});
   * reader.push(Uint8Array.of(21, 3, 3, 0, 0, 21, 3, 3, 0, 0), 0, 10); // 5
   * ```
   */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Feeds `bytes[start, end)`; returns the index where reading stopped
   * (`end` unless `stop()` was called or an error occurred).
   *
   * @example
   * ```ts
   * import { TlsRecordReader } from "./tls_record.ts";
   * new TlsRecordReader(() => {}, () => {}).push(Uint8Array.of(23, 3), 0, 2); // 2
   * ```
   */
  push(bytes: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end && !this.#stopped) {
      if (this.#state === ReaderState.HEADER) {
        this.#header[this.#headerFill++] = bytes[i++];
        if (this.#headerFill === 5) this.#startBody();
      } else {
        const take = Math.min(this.#length - this.#fill, end - i);
        this.#body.set(bytes.subarray(i, i + take), this.#fill);
        this.#fill += take;
        i += take;
        if (this.#fill === this.#length) this.#endRecord();
      }
    }
    this.offset += i - start;
    return i;
  }

  #startBody(): void {
    const h = this.#header;
    this.#headerFill = 0;
    this.#length = h[3] << 8 | h[4];
    if (h[0] < 20 || h[0] > 24 || h[1] !== 3) {
      return this.#fail(
        "expected a TLS record header (type 20–24, version 3.x)",
      );
    }
    if (this.#length > MAX_RECORD) {
      return this.#fail(`record of ${this.#length} bytes exceeds 2^14 + 2048`);
    }
    if (this.#body.length < this.#length) {
      this.#body = new Uint8Array(
        Math.max(this.#length, this.#body.length * 2),
      );
    }
    this.#fill = 0;
    this.#state = ReaderState.BODY;
    if (this.#length === 0) this.#endRecord();
  }

  #endRecord(): void {
    this.#state = ReaderState.HEADER;
    this.onRecord(this.#header, this.#body.subarray(0, this.#length));
  }

  #fail(message: string): void {
    this.#stopped = true;
    this.onError(message);
  }
}

/**
 * One direction's record protection: `seal` makes a whole record of
 * content `type`, `open` verifies and decrypts one (null: forged, cut or
 * out of order). Each counts its own sequence number.
 *
 * @example
 * ```ts
 * import { Tls13Protection } from "./tls_record.ts";
 * const send = new Tls13Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(12));
 * const receive = new Tls13Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(12));
 * const record = send.seal(23, Uint8Array.of(1, 2, 3));
 * receive.open(record.subarray(0, 5), record.subarray(5))?.content; // Uint8Array [1, 2, 3]
 * ```
 */
export interface RecordProtection {
  /** Records sealed or opened so far. */
  readonly sequence: number;
  /** The whole record (header included) carrying `content` as `type`. */
  seal(type: number, content: Uint8Array): Uint8Array;
  /** The content and its type, or null when the record does not verify. */
  open(
    header: Uint8Array,
    body: Uint8Array,
  ): { type: number; content: Uint8Array } | null;
}

/** `iv` XOR the 64-bit sequence number, right-aligned (RFC 8446 §5.3). */
function sequenceNonce(iv: Uint8Array, sequence: number): Uint8Array {
  const nonce = iv.slice();
  for (let i = 0, s = sequence; i < 8; i++, s = Math.floor(s / 256)) {
    nonce[nonce.length - 1 - i] ^= s & 0xff;
  }
  return nonce;
}

function recordHeader(type: number, length: number): Uint8Array {
  return Uint8Array.of(type, 3, 3, length >> 8, length & 0xff);
}

/**
 * TLS 1.3 record protection (RFC 8446 §5.2): every record is
 * application_data on the wire; the real type ends the inner plaintext,
 * and zero padding before it is stripped.
 *
 * @example
 * ```ts
 * import { Tls13Protection } from "./tls_record.ts";
 * const p = new Tls13Protection("ChaCha20-Poly1305", new Uint8Array(32), new Uint8Array(12));
 * p.seal(22, new Uint8Array(4)).length; // 5 + 4 + 1 + 16
 * ```
 */
export class Tls13Protection implements RecordProtection {
  readonly #aead: Aead;
  readonly #iv: Uint8Array;
  #sequence = 0;

  /**
   * Protection with traffic `key` and `iv` (from HKDF-Expand-Label).
   *
   * @example
   * ```ts
   * import { Tls13Protection } from "./tls_record.ts";
   * new Tls13Protection("AES-256-GCM", new Uint8Array(32), new Uint8Array(12)).sequence; // 0
   * ```
   */
  constructor(aead: AeadName, key: Uint8Array, iv: Uint8Array) {
    this.#aead = createAead(aead, key);
    this.#iv = iv;
  }

  /**
   * Records sealed or opened.
   *
   * @example
   * ```ts
   * import { Tls13Protection } from "./tls_record.ts";
   * new Tls13Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(12)).sequence; // 0
   * ```
   */
  get sequence(): number {
    return this.#sequence;
  }

  /**
   * A TLSCiphertext record of `content` with inner type `type`.
   *
   * @example
   * ```ts
   * import { Tls13Protection } from "./tls_record.ts";
   * new Tls13Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(12)).seal(23, new Uint8Array(0))[0]; // 23
   * ```
   */
  seal(type: number, content: Uint8Array): Uint8Array {
    const inner = new Uint8Array(content.length + 1);
    inner.set(content);
    inner[content.length] = type;
    const header = recordHeader(23, inner.length + TAG);
    const sealed = this.#aead.seal(
      sequenceNonce(this.#iv, this.#sequence++),
      header,
      inner,
    );
    const record = new Uint8Array(5 + sealed.length);
    record.set(header);
    record.set(sealed, 5);
    return record;
  }

  /**
   * The inner content and type of one record, or null.
   *
   * @example
   * ```ts
   * import { Tls13Protection } from "./tls_record.ts";
   * new Tls13Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(12))
   *   .open(Uint8Array.of(23, 3, 3, 0, 1), Uint8Array.of(0)); // null
   * ```
   */
  open(
    header: Uint8Array,
    body: Uint8Array,
  ): { type: number; content: Uint8Array } | null {
    if (header[0] !== 23 || body.length < TAG + 1) return null;
    const plain = this.#aead.open(
      sequenceNonce(this.#iv, this.#sequence),
      header,
      body,
    );
    if (plain === null) return null;
    this.#sequence++;
    let last = plain.length - 1;
    while (last >= 0 && plain[last] === 0) last--;
    if (last < 0) return null;
    return { type: plain[last], content: plain.subarray(0, last) };
  }
}

/**
 * TLS 1.2 AEAD record protection: the additional data is seq_num ‖ type ‖
 * version ‖ plaintext length (RFC 5246 §6.2.3.3). AES-GCM's nonce is the
 * 4-byte implicit salt ‖ an 8-byte explicit part sent before the
 * ciphertext (here the sequence number, as OpenSSL does; RFC 5288 §3);
 * ChaCha20-Poly1305's is the 12-byte IV XOR the sequence number, nothing
 * explicit (RFC 7905 §2).
 *
 * @example
 * ```ts
 * import { Tls12Protection } from "./tls_record.ts";
 * const p = new Tls12Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(4));
 * p.seal(23, new Uint8Array(3)).length; // 5 + 8 + 3 + 16
 * ```
 */
export class Tls12Protection implements RecordProtection {
  readonly #aead: Aead;
  readonly #iv: Uint8Array;
  readonly #explicit: boolean;
  #sequence = 0;

  /**
   * Protection with write `key` and `iv` (4 bytes for GCM, 12 for
   * ChaCha20-Poly1305) from the key block.
   *
   * @example
   * ```ts
   * import { Tls12Protection } from "./tls_record.ts";
   * new Tls12Protection("ChaCha20-Poly1305", new Uint8Array(32), new Uint8Array(12)).sequence; // 0
   * ```
   */
  constructor(aead: AeadName, key: Uint8Array, iv: Uint8Array) {
    this.#aead = createAead(aead, key);
    this.#explicit = aead !== "ChaCha20-Poly1305";
    const expected = this.#explicit ? 4 : 12;
    if (iv.length !== expected) {
      throw new RangeError(
        `Tls12Protection: ${aead} needs a ${expected}-byte IV, got ${iv.length}`,
      );
    }
    this.#iv = iv;
  }

  /**
   * Records sealed or opened.
   *
   * @example
   * ```ts
   * import { Tls12Protection } from "./tls_record.ts";
   * new Tls12Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(4)).sequence; // 0
   * ```
   */
  get sequence(): number {
    return this.#sequence;
  }

  #nonce(explicit: Uint8Array | null): Uint8Array {
    if (!this.#explicit) return sequenceNonce(this.#iv, this.#sequence);
    const nonce = new Uint8Array(12);
    nonce.set(this.#iv);
    nonce.set(explicit!, 4);
    return nonce;
  }

  #aad(type: number, length: number): Uint8Array {
    const aad = new Uint8Array(13);
    for (let i = 0, s = this.#sequence; i < 8; i++, s = Math.floor(s / 256)) {
      aad[7 - i] = s & 0xff;
    }
    aad.set([type, 3, 3, length >> 8, length & 0xff], 8);
    return aad;
  }

  /**
   * The record of `content` as `type`.
   *
   * @example
   * ```ts
   * import { Tls12Protection } from "./tls_record.ts";
   * new Tls12Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(4)).seal(22, new Uint8Array(16))[0]; // 22
   * ```
   */
  seal(type: number, content: Uint8Array): Uint8Array {
    const explicit = this.#explicit
      ? sequenceNonce(new Uint8Array(8), this.#sequence)
      : null;
    const sealed = this.#aead.seal(
      this.#nonce(explicit),
      this.#aad(type, content.length),
      content,
    );
    this.#sequence++;
    const extra = explicit ? 8 : 0;
    const record = new Uint8Array(5 + extra + sealed.length);
    record.set(recordHeader(type, extra + sealed.length));
    if (explicit) record.set(explicit, 5);
    record.set(sealed, 5 + extra);
    return record;
  }

  /**
   * The content of one record (its type is the header's), or null.
   *
   * @example
   * ```ts
   * import { Tls12Protection } from "./tls_record.ts";
   * new Tls12Protection("AES-128-GCM", new Uint8Array(16), new Uint8Array(4))
   *   .open(Uint8Array.of(23, 3, 3, 0, 1), Uint8Array.of(0)); // null
   * ```
   */
  open(
    header: Uint8Array,
    body: Uint8Array,
  ): { type: number; content: Uint8Array } | null {
    const extra = this.#explicit ? 8 : 0;
    if (body.length < extra + TAG) return null;
    const sealed = body.subarray(extra);
    const plain = this.#aead.open(
      this.#nonce(extra ? body.subarray(0, 8) : null),
      this.#aad(header[0], sealed.length - TAG),
      sealed,
    );
    if (plain === null) return null;
    this.#sequence++;
    return { type: header[0], content: plain };
  }
}

/**
 * TLS 1.2's PRF (RFC 5246 §5): P_hash(secret, label ‖ seed) cut to
 * `length` bytes, with the suite's hash (SHA-256, or SHA-384 for the
 * `_SHA384` suites).
 *
 * @example
 * ```ts
 * import { tls12Prf } from "./tls_record.ts";
 * import { SHA256 } from "./tls13_hash.ts";
 * tls12Prf(SHA256, new Uint8Array(48), "key expansion", new Uint8Array(64), 40).length; // 40
 * ```
 */
export function tls12Prf(
  hash: HashFunction,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const labelSeed = new Uint8Array(label.length + seed.length);
  for (let i = 0; i < label.length; i++) labelSeed[i] = label.charCodeAt(i);
  labelSeed.set(seed, label.length);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed; // A(0)
  for (let filled = 0; filled < length;) {
    a = hmac(hash, secret, a);
    const input = new Uint8Array(a.length + labelSeed.length);
    input.set(a);
    input.set(labelSeed, a.length);
    const block = hmac(hash, secret, input);
    out.set(block.subarray(0, length - filled), filled);
    filled += block.length;
  }
  return out;
}

/**
 * Concatenation of byte arrays.
 *
 * @example
 * ```ts
 * import { concatBytes } from "./tls_record.ts";
 * concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Constant-time equality of two byte strings.
 *
 * @example
 * ```ts
 * import { bytesEqual } from "./tls_record.ts";
 * bytesEqual(Uint8Array.of(1), Uint8Array.of(1)); // true
 * ```
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
