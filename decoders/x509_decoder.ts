/**
 * The streaming X.509 decoder: a byte-driven DER state machine whose state
 * survives between fragments, so a certificate is decoded as it arrives
 * without ever being reassembled (the idea of masscan's `proto-x509.c`).
 *
 * Two layers: the tokenizer ({@linkcode TokenizerState}) turns bytes into
 * tag, length and content events; the grammar (`x509_grammar.ts`) gives each
 * element a named role. Content of uninteresting elements is skipped in
 * bulk; content of interesting primitives is copied into one scratch buffer
 * capped at {@linkcode X509_LIMITS}.maxValueBytes. Memory is therefore O(1)
 * in the certificate size, apart from the capped extracted fields.
 *
 * @module
 */

import { Sha256, type Sha256Options } from "./sha256.ts";
import {
  decodeExtensionValue,
  decodeGeneralName,
  decodePssParameters,
  keyParameterBits,
  nameAttribute,
} from "./x509_extensions.ts";
import {
  ExtensionKind,
  Handling,
  isCompleteAfter,
  LARGE_CAPTURE_ROLES,
  nextRole,
  PARSED_EXTENSIONS,
  Role,
  ROLE_HANDLING,
  roleName,
} from "./x509_grammar.ts";
import {
  attributeTypeName,
  DIGEST_ALGORITHMS,
  EXTENDED_KEY_USAGES,
  extensionName,
  FIXED_KEY_BITS,
  KEY_USAGE_BITS,
  NAMED_CURVES,
  PUBLIC_KEY_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
} from "./x509_oids.ts";
import type {
  X509AlgorithmIdentifier,
  X509AuthorityKeyIdentifier,
  X509BasicConstraints,
  X509Certificate,
  X509DecodeResult,
  X509Error,
  X509ErrorCode,
  X509Extension,
  X509ExtensionValue,
  X509NameAttribute,
  X509PublicKey,
  X509SubjectAltName,
} from "./x509_types.ts";
import { X509_LIMITS } from "./x509_types.ts";
import { bytesToHex, decodeOid, decodeTime } from "./x509_values.ts";

/** Where the tokenizer is inside the current DER element. */
const TokenizerState = {
  /** Next byte is the first tag byte of an element. */
  EXPECT_TAG: 0,
  /** Inside a high-tag-number tag (first byte had all five low bits set). */
  TAG_CONTINUATION: 1,
  /** Next byte is the first length byte. */
  EXPECT_LENGTH: 2,
  /** Inside a long-form length: `lengthBytesLeft` more bytes. */
  LENGTH_CONTINUATION: 3,
  /** Inside the content of a primitive (or skipped) element. */
  CONTENT: 4,
  /** Next byte is a wrapping BIT STRING's unused-bits count. */
  UNUSED_BITS_PREFIX: 5,
  /** The certificate's outer SEQUENCE has ended. */
  COMPLETE: 6,
  /** An error was found; further input is ignored. */
  FAILED: 7,
} as const;
type TokenizerState = typeof TokenizerState[keyof typeof TokenizerState];

/** Deepest nesting the grammar descends into (TBS → extensions → SAN list). */
const MAX_DEPTH = 8;
/**
 * Captured pieces shorter than this are copied by a loop, longer ones by
 * set() on a view. The view is an allocation: at 32, a signature crossing
 * 64-byte fragments made one per fragment (with the value decoders stubbed
 * out, 9% of the fragment path's time was in the typed-array builtins, per
 * `perf`); a loop over up to 256 bytes costs less than the allocation.
 */
const CAPTURE_LOOP_MAX = 256;
const HIGH_TAG_NUMBER = 0x1f;
const MAX_TAG_CONTINUATION_BYTES = 4;
const LENGTH_LONG_FORM = 0x80;
const MAX_LENGTH_BYTES = 4;

const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const TAG_OID = 0x06;
/** `#walk`'s answer when the fast path gives up. */
const WALK_FAILED = -1;

/**
 * Where the outer element of `chunk` ends, when its header reads in the
 * fast path's forms and it lies wholly inside `chunk`; else -1.
 */
function outerEnd(chunk: Uint8Array): number {
  if (chunk.length < 2 || chunk[0] !== TAG_SEQUENCE) return -1;
  const first = chunk[1];
  if (first < LENGTH_LONG_FORM) {
    return 2 + first <= chunk.length ? 2 + first : -1;
  }
  const count = first - LENGTH_LONG_FORM;
  if (count < 1 || count > MAX_LENGTH_BYTES || 2 + count > chunk.length) {
    return -1;
  }
  let length = 0;
  for (let k = 0; k < count; k++) length = length * 256 + chunk[2 + k];
  const end = 2 + count + length;
  return end <= chunk.length ? end : -1;
}
const RSASSA_PSS = "1.2.840.113549.1.1.10";

/** Capture cap of each role: maxCapturedBytes for the large ones. */
const CAPTURE_CAP: Uint32Array = (() => {
  const table = new Uint32Array(ROLE_HANDLING.length).fill(
    X509_LIMITS.maxValueBytes,
  );
  for (const role of LARGE_CAPTURE_ROLES) {
    table[role] = X509_LIMITS.maxCapturedBytes;
  }
  return table;
})();

/**
 * Options of {@linkcode X509Decoder}.
 *
 * @example
 * ```ts
 * import { X509Decoder } from "@zon/net/decoders";
 * const decoder = new X509Decoder({ maxCertificateBytes: 64 * 1024 });
 * ```
 */
export interface X509DecoderOptions {
  /**
   * Reject certificates whose outer length claims more than this many bytes
   * (default {@linkcode X509_LIMITS}.maxCertificateBytes, 1 MiB).
   */
  maxCertificateBytes?: number;
  /**
   * Compute `fingerprintSha256` and `spkiSha256` (default true). Callers
   * that do not need them may set false, and then get empty strings.
   */
  fingerprint?: boolean;
  /**
   * The SHA-256 for the fingerprints (see {@linkcode Sha256Options}):
   * `"native"` (the default where the runtime has it), `"typescript"` (the
   * default elsewhere), `"wasm"`, or an engine factory such as
   * `libcryptoSha256()` of `@zon/net/decoders/openssl` (Deno with
   * `--allow-ffi`; the fastest, see BENCHMARKS.md).
   */
  sha256?: Sha256Options["implementation"];
}

/**
 * Streaming X.509 certificate decoder. Feed the DER bytes with
 * {@linkcode X509Decoder.push} in chunks of any size (one byte included),
 * then call {@linkcode X509Decoder.end}. `push` never throws and never
 * buffers the certificate; malformed input yields
 * `{ error: { code, offset, message } }` from `end`.
 *
 * @example Decode a certificate arriving in fragments
 * ```ts
 * import { pemToDer, X509Decoder } from "@zon/net/decoders";
 *
 * const pem = Deno.readTextFileSync("/etc/ssl/certs/ISRG_Root_X1.pem");
 * const der = pemToDer(pem)[0];
 * const decoder = new X509Decoder();
 * for (let i = 0; i < der.length; i += 100) {
 *   decoder.push(der.subarray(i, i + 100));
 * }
 * const result = decoder.end();
 * if (!("error" in result)) {
 *   console.log(result.subject, result.notAfter, result.fingerprintSha256);
 * }
 * ```
 */
export class X509Decoder {
  readonly #maxCertificateBytes: number;
  readonly #fingerprint: boolean;

  // Tokenizer state, saved across fragments.
  #state: TokenizerState = TokenizerState.EXPECT_TAG;
  /** Absolute offset of the next input byte. */
  #position = 0;
  #elementStart = 0;
  #tag = 0;
  #tagContinuationBytes = 0;
  #length = 0;
  #lengthBytesLeft = 0;
  /** Role and unread content bytes of the primitive in CONTENT. */
  #role: Role = Role.NONE;
  #remaining = 0;
  /**
   * Holds a captured value that spans fragments. Starts at maxValueBytes
   * and grows once to maxCapturedBytes when a large capture (an extension,
   * parameters, a signature) needs it: most decoders, in a scanner holding
   * thousands, never do.
   */
  #scratch = new Uint8Array(X509_LIMITS.maxValueBytes);
  /** The current primitive's capture cap (by role). */
  #captureCap = X509_LIMITS.maxValueBytes;
  #scratchFill = 0;
  #scratchOverflow = false;
  #integerBits = -1;

  // The stack of open constructed elements: role, end offset, last child.
  #depth = 0;
  #stackRole = new Uint8Array(MAX_DEPTH);
  #stackEnd = new Float64Array(MAX_DEPTH);
  #stackLastChild = new Uint8Array(MAX_DEPTH);

  // Grammar context.
  #keyIsRsa = false;
  #extension: ExtensionKind = ExtensionKind.UNPARSED;
  #attributeType = "";
  #currentName: X509NameAttribute[] = [];

  #hash: Sha256;
  #spkiHash: Sha256;
  /** Absolute range of the SubjectPublicKeyInfo's content, for its hash. */
  #spkiContentStart = -1;
  #spkiEnd = -1;
  /** Where the SPKI element starts (its header), for the whole-chunk path. */
  #spkiElementStart = -1;
  #header = new Uint8Array(1 + 1 + 4);
  /** Header bytes in `#header` not yet hashed. */
  #spkiHeaderBytes = 0;
  #error: X509Error | undefined;
  #result: X509DecodeResult | undefined;

  // Extracted fields.
  #version = 1;
  #serialNumber = "";
  #signatureAlgorithm: X509AlgorithmIdentifier = { oid: "", name: "" };
  #signatureParameters = "";
  #outerAlgorithm: X509AlgorithmIdentifier = { oid: "", name: "" };
  #outerParameters = "";
  #signatureValue = "";
  #extensions: X509Extension[] = [];
  /** The extension being read: OID, critical flag, where its list values start. */
  #extensionOid = "";
  #extensionName = "";
  #extensionCritical = false;
  #extensionSanStart = 0;
  #extensionValue: X509ExtensionValue | undefined;
  #extensionMalformed = false;
  #extensionTruncated = false;
  #authorityKey: X509AuthorityKeyIdentifier | undefined;
  #issuer: X509NameAttribute[] = [];
  #subject: X509NameAttribute[] = [];
  #notBefore = "";
  #notAfter = "";
  #publicKey: X509PublicKey = { algorithm: "" };
  #subjectAltNames: X509SubjectAltName[] = [];
  #basicConstraints: X509BasicConstraints | undefined;
  #keyUsage: string[] | undefined;
  #extendedKeyUsage: string[] | undefined;
  #subjectKeyIdentifier: string | undefined;
  #authorityKeyIdentifier: string | undefined;
  #truncated = false;

  /**
   * Creates a decoder for one certificate (call {@linkcode X509Decoder.reset}
   * to reuse it for the next).
   *
   * @param options Size cap.
   */
  constructor(options: X509DecoderOptions = {}) {
    this.#maxCertificateBytes = options.maxCertificateBytes ??
      X509_LIMITS.maxCertificateBytes;
    this.#fingerprint = options.fingerprint ?? true;
    this.#hash = new Sha256({ implementation: options.sha256 });
    this.#spkiHash = new Sha256({ implementation: options.sha256 });
  }

  /**
   * Forgets everything about the current certificate, ready for the next.
   *
   * @example
   * ```ts
   * import { X509Decoder } from "@zon/net/decoders";
   * const decoder = new X509Decoder();
   * decoder.push(new Uint8Array([0x30]));
   * decoder.reset();
   * ```
   */
  reset(): void {
    this.#state = TokenizerState.EXPECT_TAG;
    this.#position = 0;
    this.#depth = 0;
    this.#keyIsRsa = false;
    this.#extension = ExtensionKind.UNPARSED;
    if (this.#fingerprint) {
      this.#hash.reset();
      this.#spkiHash.reset();
    }
    this.#spkiContentStart = -1;
    this.#spkiEnd = -1;
    this.#spkiElementStart = -1;
    this.#spkiHeaderBytes = 0;
    this.#error = undefined;
    this.#result = undefined;
    this.#version = 1;
    this.#serialNumber = "";
    this.#signatureAlgorithm = { oid: "", name: "" };
    this.#signatureParameters = "";
    this.#outerAlgorithm = { oid: "", name: "" };
    this.#outerParameters = "";
    this.#signatureValue = "";
    this.#extensions = [];
    this.#authorityKey = undefined;
    this.#issuer = [];
    this.#subject = [];
    this.#notBefore = "";
    this.#notAfter = "";
    this.#publicKey = { algorithm: "" };
    this.#subjectAltNames = [];
    this.#basicConstraints = undefined;
    this.#keyUsage = undefined;
    this.#extendedKeyUsage = undefined;
    this.#subjectKeyIdentifier = undefined;
    this.#authorityKeyIdentifier = undefined;
    this.#truncated = false;
  }

  /**
   * True once the certificate has ended or an error was found: more input
   * cannot change the result except into a `TRAILING_DATA` error.
   *
   * @example
   * ```ts
   * import { X509Decoder } from "@zon/net/decoders";
   * console.log(new X509Decoder().done); // false
   * ```
   */
  get done(): boolean {
    return this.#state === TokenizerState.COMPLETE ||
      this.#state === TokenizerState.FAILED;
  }

  /**
   * How many bytes have been consumed so far.
   *
   * @example
   * ```ts
   * import { X509Decoder } from "@zon/net/decoders";
   * const decoder = new X509Decoder();
   * decoder.push(new Uint8Array([0x30, 0x03]));
   * console.log(decoder.bytesConsumed); // 2
   * ```
   */
  get bytesConsumed(): number {
    return this.#position;
  }

  /**
   * Feeds the next fragment of DER. Never throws; never keeps a reference to
   * `chunk` after returning.
   *
   * @example
   * ```ts
   * import { X509Decoder } from "@zon/net/decoders";
   * const decoder = new X509Decoder();
   * decoder.push(new Uint8Array([0x30, 0x00]));
   * console.log(decoder.end()); // { error: { code: "MISSING_FIELD", ... } }
   * ```
   *
   * @param chunk Bytes of any length.
   */
  push(chunk: Uint8Array): void {
    if (this.#state === TokenizerState.FAILED || chunk.length === 0) return;
    if (this.#state === TokenizerState.COMPLETE) {
      this.#fail(
        "TRAILING_DATA",
        this.#position,
        "bytes after the certificate",
      );
      return;
    }
    if (this.#position === 0 && this.#decodeWhole(chunk)) return;
    let consumed: number;
    try {
      consumed = this.#run(chunk);
    } catch (cause) {
      // Defence in depth: the state machine has no throwing paths, but a
      // bug must surface as an error result, not as an exception.
      this.#fail("INVALID_VALUE", this.#position, `internal error: ${cause}`);
      return;
    }
    if (this.#error) return;
    if (this.#fingerprint) this.#hashChunk(chunk, consumed);
    this.#position += consumed;
    if (consumed < chunk.length) {
      this.#fail(
        "TRAILING_DATA",
        this.#position,
        "bytes after the certificate",
      );
    }
  }

  /**
   * Declares the input finished and returns the decoded certificate, or the
   * error. May be called more than once; returns the same result.
   *
   * @example
   * ```ts
   * import { X509Decoder } from "@zon/net/decoders";
   * const result = new X509Decoder().end();
   * console.log("error" in result); // true: no input at all
   * ```
   *
   * @returns The certificate or `{ error }`.
   */
  end(): X509DecodeResult {
    if (this.#result) return this.#result;
    if (this.#state !== TokenizerState.COMPLETE && !this.#error) {
      this.#fail(
        "TRUNCATED",
        this.#position,
        this.#position === 0
          ? "no input"
          : `input ended inside the certificate after ${this.#position} bytes`,
      );
    }
    if (this.#error) {
      this.#result = { error: this.#error };
      return this.#result;
    }
    const certificate: X509Certificate = {
      version: this.#version,
      serialNumber: this.#serialNumber,
      signatureAlgorithm: this.#signatureAlgorithm,
      issuer: this.#issuer,
      subject: this.#subject,
      notBefore: this.#notBefore,
      notAfter: this.#notAfter,
      publicKey: this.#publicKey,
      subjectAltNames: this.#subjectAltNames,
      extensions: this.#extensions,
      signature: {
        algorithm: this.#outerAlgorithm,
        value: this.#signatureValue,
        algorithmMismatch:
          this.#outerAlgorithm.oid !== this.#signatureAlgorithm.oid ||
          this.#outerParameters !== this.#signatureParameters,
      },
      fingerprintSha256: this.#fingerprint ? this.#hash.hexDigest() : "",
      spkiSha256: this.#fingerprint ? this.#spkiHash.hexDigest() : "",
      byteLength: this.#position,
      truncated: this.#truncated,
    };
    if (this.#basicConstraints) {
      certificate.basicConstraints = this.#basicConstraints;
    }
    if (this.#keyUsage) certificate.keyUsage = this.#keyUsage;
    if (this.#extendedKeyUsage) {
      certificate.extendedKeyUsage = this.#extendedKeyUsage;
    }
    if (this.#subjectKeyIdentifier !== undefined) {
      certificate.subjectKeyIdentifier = this.#subjectKeyIdentifier;
    }
    if (this.#authorityKeyIdentifier !== undefined) {
      certificate.authorityKeyIdentifier = this.#authorityKeyIdentifier;
    }
    if (this.#authorityKey) {
      certificate.authorityKeyIdentifierDetails = this.#authorityKey;
    }
    this.#result = certificate;
    return certificate;
  }

  /**
   * The fast path for a certificate that arrives whole in its first chunk:
   * the same grammar, roles and value decoders as the state machine, walked
   * recursively over the chunk without saving state between elements.
   * Anything out of the ordinary (a high tag number, an unusual length form,
   * any error) abandons it: the decoder is reset and the state machine
   * decodes the chunk from the start, so every error and its offset comes
   * from one place. True when the certificate was decoded here.
   */
  #decodeWhole(chunk: Uint8Array): boolean {
    const end = outerEnd(chunk);
    if (end < 0 || end > this.#maxCertificateBytes) return false;
    let last: number;
    try {
      last = this.#walk(chunk, 0, end, Role.NONE, 0);
    } catch {
      // Defence in depth, as in push(): the state machine then decodes the
      // chunk and turns the same bug into an error result.
      last = WALK_FAILED;
    }
    if (last !== Role.CERTIFICATE || this.#error) {
      this.reset();
      return false;
    }
    this.#state = TokenizerState.COMPLETE;
    if (this.#fingerprint) {
      this.#hash.update(chunk, 0, end);
      // The SPKI's own header and content, as they sit in the chunk.
      this.#spkiHash.update(chunk, this.#spkiElementStart, this.#spkiEnd);
    }
    this.#position = end;
    if (end < chunk.length) {
      this.#fail("TRAILING_DATA", end, "bytes after the certificate");
    }
    return true;
  }

  /**
   * Decodes the elements of `chunk[start, end)`, children of a `parent`
   * element at `depth`, as `#beginElement`, the CONTENT state and
   * `#closeFinishedElements` would. Returns the last child's role (NONE when
   * there are none), or WALK_FAILED to abandon the fast path.
   */
  #walk(
    chunk: Uint8Array,
    start: number,
    end: number,
    parent: Role,
    depth: number,
  ): number {
    let previous: Role = Role.NONE;
    let i = start;
    while (i < end) {
      const contentStart = this.#wholeHeader(chunk, i, end);
      if (contentStart < 0) return WALK_FAILED;
      const length = this.#length;
      const contentEnd = contentStart + length;
      const role = nextRole(
        parent,
        previous,
        chunk[i],
        this.#keyIsRsa,
        this.#extension,
      );
      if (role === Role.UNEXPECTED) return WALK_FAILED;
      previous = role;
      this.#enterRole(role);
      if (role === Role.SUBJECT_PUBLIC_KEY_INFO) {
        this.#spkiElementStart = i;
        this.#spkiEnd = contentEnd;
      }
      const handling = ROLE_HANDLING[role] as Handling;
      if (
        handling === Handling.DESCEND ||
        handling === Handling.DESCEND_OCTET_STRING ||
        handling === Handling.DESCEND_BIT_STRING
      ) {
        if (depth === MAX_DEPTH) return WALK_FAILED;
        let childrenStart = contentStart;
        if (handling === Handling.DESCEND_BIT_STRING) {
          if (length === 0 || chunk[contentStart] !== 0) return WALK_FAILED;
          childrenStart++;
        }
        const last = role === Role.ISSUER || role === Role.SUBJECT
          ? this.#walkName(chunk, childrenStart, contentEnd)
          : this.#walk(chunk, childrenStart, contentEnd, role, depth + 1);
        if (last === WALK_FAILED || !isCompleteAfter(role, last as Role)) {
          return WALK_FAILED;
        }
        if (role === Role.EXTENSION) {
          this.#finishExtension();
          this.#extension = ExtensionKind.UNPARSED;
        }
      } else {
        this.#wholePrimitive(chunk, role, handling, contentStart, length);
        if (this.#error) return WALK_FAILED;
      }
      i = contentEnd;
    }
    return previous;
  }

  /**
   * The fast path's issuer or subject: a SEQUENCE OF RDN SETs of {type OID,
   * value} SEQUENCEs, a third of a certificate's elements. Their grammar is
   * fixed, so they are read here without `nextRole`, `#enterRole` and a
   * recursion per element; the checks are #walk's (and the grammar's: an
   * RDN holds at least one attribute, an attribute exactly a type OID and a
   * value of any tag), the value decoders the same. Returns
   * RELATIVE_DISTINGUISHED_NAME, NONE for an empty name, or WALK_FAILED.
   * Names sit at a fixed depth under the TBS, far from MAX_DEPTH.
   */
  #walkName(chunk: Uint8Array, start: number, end: number): number {
    let last: Role = Role.NONE;
    let i = start;
    while (i < end) {
      const setStart = this.#wholeHeader(chunk, i, end);
      if (setStart < 0 || chunk[i] !== TAG_SET) return WALK_FAILED;
      const setEnd = setStart + this.#length;
      if (setStart === setEnd) return WALK_FAILED;
      let j = setStart;
      while (j < setEnd) {
        const attributeStart = this.#wholeHeader(chunk, j, setEnd);
        if (attributeStart < 0 || chunk[j] !== TAG_SEQUENCE) {
          return WALK_FAILED;
        }
        const attributeEnd = attributeStart + this.#length;
        const typeStart = this.#wholeHeader(
          chunk,
          attributeStart,
          attributeEnd,
        );
        if (typeStart < 0 || chunk[attributeStart] !== TAG_OID) {
          return WALK_FAILED;
        }
        const typeEnd = typeStart + this.#length;
        this.#wholePrimitive(
          chunk,
          Role.ATTRIBUTE_TYPE,
          Handling.CAPTURE,
          typeStart,
          this.#length,
        );
        if (this.#error) return WALK_FAILED;
        // No value (i + 2 > end) and a third child both fail here.
        const valueStart = this.#wholeHeader(chunk, typeEnd, attributeEnd);
        if (valueStart < 0 || valueStart + this.#length !== attributeEnd) {
          return WALK_FAILED;
        }
        this.#wholePrimitive(
          chunk,
          Role.ATTRIBUTE_VALUE,
          Handling.CAPTURE,
          valueStart,
          this.#length,
        );
        if (this.#error) return WALK_FAILED;
        j = attributeEnd;
      }
      last = Role.RELATIVE_DISTINGUISHED_NAME;
      i = setEnd;
    }
    return last;
  }

  /**
   * The header at `i` as #walk reads it (a low tag number, a definite
   * length of 1–4 bytes, content inside `end`): sets #elementStart, #tag and
   * #length and returns where the content starts, or -1.
   */
  #wholeHeader(chunk: Uint8Array, i: number, end: number): number {
    const tag = chunk[i];
    if ((tag & HIGH_TAG_NUMBER) === HIGH_TAG_NUMBER || i + 2 > end) return -1;
    let length = chunk[i + 1];
    let contentStart = i + 2;
    if (length >= LENGTH_LONG_FORM) {
      const count = length - LENGTH_LONG_FORM;
      if (count < 1 || count > MAX_LENGTH_BYTES || i + 2 + count > end) {
        return -1;
      }
      length = 0;
      for (let k = 0; k < count; k++) {
        length = length * 256 + chunk[i + 2 + k];
      }
      contentStart += count;
    }
    if (contentStart + length > end) return -1;
    this.#elementStart = i;
    this.#tag = tag;
    this.#length = length;
    return contentStart;
  }

  /** A primitive of the fast path: its content decoded in place. */
  #wholePrimitive(
    chunk: Uint8Array,
    role: Role,
    handling: Handling,
    contentStart: number,
    length: number,
  ): void {
    this.#role = role;
    this.#scratchOverflow = false;
    this.#integerBits = -1;
    // An empty value is decoded from the scratch buffer, as the state
    // machine does, so that both read the same bytes. The in-place decode
    // is written out here and in #run's CONTENT state: one method shared by
    // both measured 4% slower on whole certificates (A/B).
    if (handling === Handling.CAPTURE && length > 0) {
      const cap = CAPTURE_CAP[role];
      if (length > cap) this.#scratchOverflow = true;
      this.#finishPrimitive(
        contentStart + length,
        chunk,
        contentStart,
        length < cap ? length : cap,
      );
      return;
    }
    if (handling === Handling.MEASURE_INTEGER) {
      this.#remaining = length;
      this.#measureInteger(chunk, contentStart, length);
    }
    this.#finishPrimitive(contentStart + length, this.#scratch, 0, 0);
  }

  /** Feeds the certificate hash, and the SPKI hash with its overlap. */
  #hashChunk(chunk: Uint8Array, consumed: number): void {
    this.#hash.update(chunk, 0, consumed);
    if (this.#spkiHeaderBytes > 0) {
      this.#spkiHash.update(this.#header, 0, this.#spkiHeaderBytes);
      this.#spkiHeaderBytes = 0;
    }
    const base = this.#position;
    const from = this.#spkiContentStart > base ? this.#spkiContentStart : base;
    const to = this.#spkiEnd < base + consumed
      ? this.#spkiEnd
      : base + consumed;
    if (from < to) this.#spkiHash.update(chunk, from - base, to - base);
  }

  /**
   * The SPKI's header may have come in earlier fragments: it is hashed from
   * the tag and length (re-encoded with the same number of length bytes),
   * by `#hashChunk` after this chunk's run: calling the hash from inside
   * `#run` would inline it there and make the tokenizer twice as slow.
   */
  #startSpkiHash(contentStart: number, end: number): void {
    this.#spkiContentStart = contentStart;
    this.#spkiEnd = end;
    if (!this.#fingerprint) return;
    const header = this.#header;
    const headerBytes = contentStart - this.#elementStart;
    header[0] = this.#tag;
    if (headerBytes === 2) {
      header[1] = this.#length;
    } else {
      const count = headerBytes - 2;
      header[1] = 0x80 | count;
      for (let k = 0; k < count; k++) {
        header[2 + k] = this.#length / 2 ** (8 * (count - 1 - k)) & 0xff;
      }
    }
    this.#spkiHeaderBytes = headerBytes;
  }

  #fail(code: X509ErrorCode, offset: number, message: string): void {
    if (this.#state === TokenizerState.FAILED) return;
    this.#state = TokenizerState.FAILED;
    this.#error = { code, offset, message };
  }

  /**
   * Runs the tokenizer over `chunk` and returns how many bytes belong to the
   * certificate (fewer than `chunk.length` only when it completed early).
   */
  #run(chunk: Uint8Array): number {
    const base = this.#position;
    const size = chunk.length;
    let i = 0;
    while (i < size) {
      switch (this.#state) {
        case TokenizerState.EXPECT_TAG: {
          const tag = chunk[i];
          // Fast path: a low tag number and a definite length of at most
          // four bytes, all inside this chunk, are read in one step. Every
          // other case (and every error) goes through the states below.
          if (i + 6 <= size && (tag & HIGH_TAG_NUMBER) !== HIGH_TAG_NUMBER) {
            const first = chunk[i + 1];
            if (first < LENGTH_LONG_FORM) {
              this.#elementStart = base + i;
              this.#tag = tag;
              this.#length = first;
              i += 2;
              this.#beginElement(base + i);
              break;
            }
            const count = first - LENGTH_LONG_FORM;
            if (count >= 1 && count <= MAX_LENGTH_BYTES) {
              let length = 0;
              for (let k = 2; k < 2 + count; k++) {
                length = length * 256 + chunk[i + k];
              }
              this.#elementStart = base + i;
              this.#tag = tag;
              this.#length = length;
              i += 2 + count;
              this.#beginElement(base + i);
              break;
            }
          }
          this.#elementStart = base + i;
          this.#tag = tag;
          i++;
          if ((tag & HIGH_TAG_NUMBER) === HIGH_TAG_NUMBER) {
            this.#tagContinuationBytes = 0;
            this.#state = TokenizerState.TAG_CONTINUATION;
          } else {
            this.#state = TokenizerState.EXPECT_LENGTH;
          }
          break;
        }
        case TokenizerState.TAG_CONTINUATION: {
          const byte = chunk[i++];
          if (++this.#tagContinuationBytes > MAX_TAG_CONTINUATION_BYTES) {
            this.#fail("TAG_OVERFLOW", base + i - 1, "tag number too large");
          } else if ((byte & 0x80) === 0) {
            this.#state = TokenizerState.EXPECT_LENGTH;
          }
          break;
        }
        case TokenizerState.EXPECT_LENGTH: {
          const byte = chunk[i++];
          if (byte < LENGTH_LONG_FORM) {
            this.#length = byte;
            this.#beginElement(base + i);
          } else if (byte === LENGTH_LONG_FORM) {
            this.#fail(
              "INDEFINITE_LENGTH",
              base + i - 1,
              "indefinite length is not DER",
            );
          } else if ((byte & 0x7f) > MAX_LENGTH_BYTES) {
            this.#fail(
              "LENGTH_OVERFLOW",
              base + i - 1,
              `length field of ${byte & 0x7f} bytes`,
            );
          } else {
            this.#length = 0;
            this.#lengthBytesLeft = byte & 0x7f;
            this.#state = TokenizerState.LENGTH_CONTINUATION;
          }
          break;
        }
        case TokenizerState.LENGTH_CONTINUATION: {
          this.#length = this.#length * 256 + chunk[i++];
          if (--this.#lengthBytesLeft === 0) this.#beginElement(base + i);
          break;
        }
        case TokenizerState.CONTENT: {
          const remaining = this.#remaining;
          const take = remaining < size - i ? remaining : size - i;
          const handling = ROLE_HANDLING[this.#role];
          if (handling === Handling.CAPTURE) {
            if (take === remaining && this.#scratchFill === 0) {
              // The whole content is in this chunk: decode it in place.
              const cap = this.#captureCap;
              const start = i;
              if (take > cap) this.#scratchOverflow = true;
              i += take;
              this.#remaining = 0;
              this.#finishPrimitive(
                base + i,
                chunk,
                start,
                take < cap ? take : cap,
              );
              this.#closeFinishedElements(base + i);
              break;
            }
            this.#capture(chunk, i, take);
          } else if (
            handling === Handling.MEASURE_INTEGER && this.#integerBits < 0
          ) {
            this.#measureInteger(chunk, i, take);
          }
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0) {
            this.#finishPrimitive(
              base + i,
              this.#scratch,
              0,
              this.#scratchFill,
            );
            this.#closeFinishedElements(base + i);
          }
          break;
        }
        case TokenizerState.UNUSED_BITS_PREFIX: {
          const unusedBits = chunk[i++];
          if (unusedBits !== 0) {
            this.#fail(
              "INVALID_VALUE",
              base + i - 1,
              "a BIT STRING wrapping DER must have no unused bits",
            );
          } else {
            this.#state = TokenizerState.EXPECT_TAG;
            this.#closeFinishedElements(base + i);
          }
          break;
        }
        case TokenizerState.COMPLETE:
        case TokenizerState.FAILED:
          return i;
      }
    }
    return i;
  }

  /** Tag and length are known: check the length, find the role, set up. */
  #beginElement(contentStart: number): void {
    const length = this.#length;
    const end = contentStart + length;
    const depth = this.#depth;
    if (depth > 0) {
      if (end > this.#stackEnd[depth - 1]) {
        this.#fail(
          "LENGTH_EXCEEDS_PARENT",
          this.#elementStart,
          `element of ${length} bytes overruns its parent by ${
            end - this.#stackEnd[depth - 1]
          } bytes`,
        );
        return;
      }
    } else if (end > this.#maxCertificateBytes) {
      this.#fail(
        "TOO_LARGE",
        this.#elementStart,
        `certificate claims ${end} bytes, over the cap of ${this.#maxCertificateBytes}`,
      );
      return;
    }
    const parent = depth > 0 ? this.#stackRole[depth - 1] as Role : Role.NONE;
    const previous = depth > 0
      ? this.#stackLastChild[depth - 1] as Role
      : Role.NONE;
    const tag = this.#tag;
    const role = nextRole(
      parent,
      previous,
      tag,
      this.#keyIsRsa,
      this.#extension,
    );
    if (role === Role.UNEXPECTED) {
      this.#fail(
        "UNEXPECTED_TAG",
        this.#elementStart,
        `tag 0x${tag.toString(16).padStart(2, "0")} not allowed here (parent ${
          roleName(parent)
        }, after ${roleName(previous)})`,
      );
      return;
    }
    if (depth > 0) this.#stackLastChild[depth - 1] = role;
    this.#enterRole(role);
    if (role === Role.SUBJECT_PUBLIC_KEY_INFO) {
      this.#startSpkiHash(contentStart, end);
    }
    const handling = ROLE_HANDLING[role];
    if (
      handling === Handling.DESCEND ||
      handling === Handling.DESCEND_OCTET_STRING ||
      handling === Handling.DESCEND_BIT_STRING
    ) {
      if (depth === MAX_DEPTH) {
        // Unreachable with the grammar as written; kept as a hard bound.
        this.#fail("UNEXPECTED_TAG", this.#elementStart, "nesting too deep");
        return;
      }
      this.#stackRole[depth] = role;
      this.#stackEnd[depth] = end;
      this.#stackLastChild[depth] = Role.NONE;
      this.#depth = depth + 1;
      if (handling === Handling.DESCEND_BIT_STRING) {
        if (length === 0) {
          this.#fail("INVALID_VALUE", this.#elementStart, "empty BIT STRING");
          return;
        }
        this.#state = TokenizerState.UNUSED_BITS_PREFIX;
        return;
      }
      this.#state = TokenizerState.EXPECT_TAG;
      if (length === 0) this.#closeFinishedElements(contentStart);
      return;
    }
    this.#role = role;
    this.#remaining = length;
    this.#captureCap = CAPTURE_CAP[role];
    this.#scratchFill = 0;
    this.#scratchOverflow = false;
    this.#integerBits = -1;
    this.#state = TokenizerState.CONTENT;
    if (length === 0) {
      this.#finishPrimitive(contentStart, this.#scratch, 0, 0);
      this.#closeFinishedElements(contentStart);
    }
  }

  /** Pops every open element that ends at `offset`, checking completeness. */
  #closeFinishedElements(offset: number): void {
    if (this.#state === TokenizerState.FAILED) return;
    let depth = this.#depth;
    while (depth > 0 && this.#stackEnd[depth - 1] === offset) {
      depth--;
      const role = this.#stackRole[depth] as Role;
      if (!isCompleteAfter(role, this.#stackLastChild[depth] as Role)) {
        this.#fail(
          "MISSING_FIELD",
          offset,
          `${roleName(role)} ended before its mandatory fields`,
        );
        return;
      }
      if (role === Role.EXTENSION) {
        this.#finishExtension();
        this.#extension = ExtensionKind.UNPARSED;
      }
    }
    this.#depth = depth;
    this.#state = depth === 0
      ? TokenizerState.COMPLETE
      : TokenizerState.EXPECT_TAG;
  }

  /** Side effects of an element's start, before its content. */
  #enterRole(role: Role): void {
    switch (role) {
      case Role.ISSUER:
        this.#currentName = this.#issuer;
        break;
      case Role.SUBJECT:
        this.#currentName = this.#subject;
        break;
      case Role.EXTENSION:
        this.#extension = ExtensionKind.UNPARSED;
        this.#extensionOid = "";
        this.#extensionName = "";
        this.#extensionCritical = false;
        this.#extensionValue = undefined;
        this.#extensionMalformed = false;
        this.#extensionTruncated = false;
        this.#extensionSanStart = this.#subjectAltNames.length;
        break;
      case Role.EXTENDED_KEY_USAGES:
        this.#extendedKeyUsage = [];
        break;
      case Role.BASIC_CONSTRAINTS:
        this.#basicConstraints = { ca: false };
        break;
    }
  }

  /** Copies content into the scratch buffer, up to its cap. */
  #capture(chunk: Uint8Array, start: number, count: number): void {
    const room = this.#captureCap - this.#scratchFill;
    const copy = count < room ? count : room;
    if (this.#scratchFill + copy > this.#scratch.length) this.#growScratch();
    const scratch = this.#scratch;
    let fill = this.#scratchFill;
    if (copy < CAPTURE_LOOP_MAX) {
      // A plain loop: subarray() would allocate a view.
      for (let k = 0; k < copy; k++) scratch[fill++] = chunk[start + k];
    } else {
      // A signature or an extension crossing fragments: copied in bulk.
      scratch.set(chunk.subarray(start, start + copy), fill);
      fill += copy;
    }
    this.#scratchFill = fill;
    if (copy < count) this.#scratchOverflow = true;
  }

  #growScratch(): void {
    const larger = new Uint8Array(X509_LIMITS.maxCapturedBytes);
    larger.set(this.#scratch.subarray(0, this.#scratchFill));
    this.#scratch = larger;
  }

  /** Finds the INTEGER's first non-zero byte and from it the bit length. */
  #measureInteger(chunk: Uint8Array, start: number, count: number): void {
    for (let k = 0; k < count; k++) {
      const byte = chunk[start + k];
      if (byte !== 0) {
        const bytesAfter = this.#remaining - k - 1;
        this.#integerBits = bytesAfter * 8 + (32 - Math.clz32(byte));
        return;
      }
    }
  }

  /**
   * A captured primitive is complete: decode `bytes[start, start + fill)`
   * (the chunk itself when the content sat in it whole, else the scratch
   * buffer) into the result. Passed, not kept in fields, so the decoder
   * never holds a caller's chunk past the call.
   */
  #finishPrimitive(
    offset: number,
    bytes: Uint8Array,
    start: number,
    fill: number,
  ): void {
    const role = this.#role;
    if (this.#scratchOverflow) this.#truncated = true;
    switch (role) {
      case Role.VERSION:
        if (fill !== 1 || bytes[start] > 2) {
          return this.#invalid(offset, "version must be 0, 1 or 2");
        }
        this.#version = bytes[start] + 1;
        return;
      case Role.SERIAL_NUMBER:
        this.#serialNumber = bytesToHex(bytes, start, fill);
        return;
      case Role.SIGNATURE_ALGORITHM_OID:
      case Role.OUTER_SIGNATURE_OID: {
        const oid = this.#oid(offset, bytes, start, fill);
        if (oid === undefined) return;
        // A bare digest OID in place of a signature algorithm happens in old
        // certificates; OpenSSL names it by the digest.
        const algorithm = {
          oid,
          name: SIGNATURE_ALGORITHMS.get(oid) ?? DIGEST_ALGORITHMS.get(oid) ??
            oid,
        };
        if (role === Role.OUTER_SIGNATURE_OID) this.#outerAlgorithm = algorithm;
        else this.#signatureAlgorithm = algorithm;
        return;
      }
      case Role.SIGNATURE_ALGORITHM_PARAMETERS:
      case Role.OUTER_SIGNATURE_PARAMETERS:
        this.#algorithmParameters(role, bytes, start, fill);
        return;
      case Role.CERTIFICATE_SIGNATURE_VALUE:
        if (fill === 0) return this.#invalid(offset, "empty BIT STRING");
        this.#signatureValue = bytesToHex(bytes, start + 1, fill - 1);
        return;
      case Role.KEY_ALGORITHM_PARAMETERS:
        this.#keyParameters(bytes, start, fill);
        return;
      case Role.EXTENSION_CRITICAL:
        if (fill !== 1) return this.#invalid(offset, "BOOLEAN of wrong size");
        this.#extensionCritical = bytes[start] !== 0;
        return;
      case Role.EXTENSION_VALUE_OPAQUE: {
        if (this.#scratchOverflow) {
          // Cut at the cap: the prefix in hex, not parsed (it would not parse).
          this.#extensionTruncated = true;
          this.#extensionValue = bytesToHex(bytes, start, fill);
          return;
        }
        const decoded = decodeExtensionValue(
          this.#extensionOid,
          bytes,
          start,
          fill,
        );
        this.#extensionValue = decoded.value;
        if (decoded.malformed) this.#extensionMalformed = true;
        if (
          this.#extensionOid === "2.5.29.35" &&
          typeof decoded.value !== "string"
        ) this.#setAuthorityKey(decoded.value as X509AuthorityKeyIdentifier);
        return;
      }
      case Role.ATTRIBUTE_TYPE: {
        const oid = this.#oid(offset, bytes, start, fill);
        if (oid === undefined) return;
        this.#attributeType = attributeTypeName(oid, bytes, start, fill);
        return;
      }
      case Role.ATTRIBUTE_VALUE: {
        const name = this.#currentName;
        if (name.length >= X509_LIMITS.maxNameAttributes) {
          this.#truncated = true;
          return;
        }
        name.push(
          nameAttribute(this.#attributeType, this.#tag, bytes, start, fill),
        );
        return;
      }
      case Role.NOT_BEFORE:
      case Role.NOT_AFTER: {
        const time = decodeTime(this.#tag, bytes, start, fill);
        if (time === undefined) {
          return this.#invalid(offset, "malformed time");
        }
        if (role === Role.NOT_BEFORE) this.#notBefore = time;
        else this.#notAfter = time;
        return;
      }
      case Role.KEY_ALGORITHM_OID: {
        const oid = this.#oid(offset, bytes, start, fill);
        if (oid === undefined) return;
        const algorithm = PUBLIC_KEY_ALGORITHMS.get(oid) ?? oid;
        this.#publicKey.algorithm = algorithm;
        this.#keyIsRsa = algorithm === "rsa" || algorithm === "rsa-pss";
        const bits = FIXED_KEY_BITS.get(algorithm);
        if (bits !== undefined) this.#publicKey.bits = bits;
        return;
      }
      case Role.KEY_CURVE_OID: {
        if (this.#publicKey.algorithm !== "ec") return;
        const oid = this.#oid(offset, bytes, start, fill);
        if (oid === undefined) return;
        const curve = NAMED_CURVES.get(oid);
        this.#publicKey.curve = curve?.name ?? oid;
        if (curve) this.#publicKey.bits = curve.bits;
        return;
      }
      case Role.RSA_MODULUS:
        if (this.#integerBits > 0) this.#publicKey.bits = this.#integerBits;
        return;
      case Role.EXTENSION_ID: {
        const oid = this.#oid(offset, bytes, start, fill);
        if (oid === undefined) return;
        this.#extensionOid = oid;
        this.#extensionName = extensionName(oid, bytes, start, fill);
        this.#extension = PARSED_EXTENSIONS.get(oid) ?? ExtensionKind.UNPARSED;
        return;
      }
      case Role.GENERAL_NAME:
        this.#addSubjectAltName(bytes, start, fill);
        return;
      case Role.BASIC_CONSTRAINTS_CA:
        if (fill !== 1) return this.#invalid(offset, "BOOLEAN of wrong size");
        this.#basicConstraints!.ca = bytes[start] !== 0;
        return;
      case Role.BASIC_CONSTRAINTS_PATH_LENGTH:
        if (fill === 0 || fill > 4 || (bytes[start] & 0x80) !== 0) {
          return this.#invalid(offset, "pathLenConstraint out of range");
        }
        this.#basicConstraints!.pathLength = readUnsigned(bytes, start, fill);
        return;
      case Role.KEY_USAGE_BITS:
        this.#keyUsage = keyUsageNames(bytes, start, fill);
        return;
      case Role.EXTENDED_KEY_USAGE_OID: {
        const oid = this.#oid(offset, bytes, start, fill);
        if (oid === undefined) return;
        const list = this.#extendedKeyUsage!;
        if (list.length >= X509_LIMITS.maxExtendedKeyUsages) {
          this.#truncated = true;
          return;
        }
        list.push(EXTENDED_KEY_USAGES.get(oid) ?? oid);
        return;
      }
      case Role.SUBJECT_KEY_IDENTIFIER:
        this.#subjectKeyIdentifier = bytesToHex(bytes, start, fill);
        return;
    }
  }

  #setAuthorityKey(aki: X509AuthorityKeyIdentifier): void {
    this.#authorityKeyIdentifier = aki.keyIdentifier;
    this.#authorityKey = aki.issuer !== undefined ||
        aki.serialNumber !== undefined
      ? aki
      : undefined;
  }

  /** An AlgorithmIdentifier's parameters: kept for the mismatch check. */
  #algorithmParameters(
    role: Role,
    bytes: Uint8Array,
    start: number,
    fill: number,
  ): void {
    const text = this.#tag.toString(16) + ":" + bytesToHex(bytes, start, fill);
    const outer = role === Role.OUTER_SIGNATURE_PARAMETERS;
    if (outer) this.#outerParameters = text;
    else this.#signatureParameters = text;
    const algorithm = outer ? this.#outerAlgorithm : this.#signatureAlgorithm;
    if (algorithm.oid === RSASSA_PSS && this.#tag === TAG_SEQUENCE) {
      const pss = decodePssParameters(bytes, start, fill);
      if (pss) algorithm.pss = pss;
    }
  }

  /** DSA domain parameters or explicit EC parameters: the key size. */
  #keyParameters(bytes: Uint8Array, start: number, fill: number): void {
    const key = this.#publicKey;
    if (this.#tag !== TAG_SEQUENCE) return;
    if (key.algorithm !== "dsa" && key.algorithm !== "ec") return;
    const sizes = keyParameterBits(key.algorithm, bytes, start, fill);
    if (key.algorithm === "ec") {
      key.curve = "explicit";
      key.explicitParameters = true;
    }
    if (sizes === undefined) return;
    key.bits = sizes.bits;
    if (sizes.fieldBits !== undefined) key.fieldBits = sizes.fieldBits;
  }

  /** The extension ended: record it, in order, flagging a repeated OID. */
  #finishExtension(): void {
    const oid = this.#extensionOid;
    const list = this.#extensions;
    if (list.length >= X509_LIMITS.maxExtensions) {
      this.#truncated = true;
      return;
    }
    const extension: X509Extension = {
      oid,
      name: this.#extensionName,
      critical: this.#extensionCritical,
      value: this.#streamedExtensionValue(),
    };
    for (let k = 0; k < list.length; k++) {
      if (list[k].oid === oid) {
        extension.duplicate = true;
        break;
      }
    }
    if (this.#extensionMalformed) extension.malformed = true;
    if (this.#extensionTruncated) extension.truncated = true;
    list.push(extension);
  }

  /** The value of a streamed extension, from the fields it filled. */
  #streamedExtensionValue(): X509ExtensionValue {
    switch (this.#extension) {
      case ExtensionKind.SUBJECT_ALT_NAME:
        return this.#subjectAltNames.slice(this.#extensionSanStart);
      case ExtensionKind.BASIC_CONSTRAINTS:
        return this.#basicConstraints ?? { ca: false };
      case ExtensionKind.KEY_USAGE:
        return this.#keyUsage ?? [];
      case ExtensionKind.EXTENDED_KEY_USAGE:
        return this.#extendedKeyUsage ?? [];
      case ExtensionKind.SUBJECT_KEY_IDENTIFIER:
        return this.#subjectKeyIdentifier ?? "";
      default:
        return this.#extensionValue ?? "";
    }
  }

  #addSubjectAltName(bytes: Uint8Array, start: number, fill: number): void {
    const names = this.#subjectAltNames;
    if (names.length >= X509_LIMITS.maxSubjectAltNames) {
      this.#truncated = true;
      return;
    }
    names.push(
      decodeGeneralName(this.#tag, bytes, start, fill),
    );
  }

  /** Decodes the captured OID, failing the decode when it is malformed. */
  #oid(
    offset: number,
    bytes: Uint8Array,
    start: number,
    fill: number,
  ): string | undefined {
    const oid = decodeOid(bytes, start, fill);
    if (oid === undefined) this.#invalid(offset, "malformed OBJECT IDENTIFIER");
    return oid;
  }

  #invalid(offset: number, message: string): void {
    this.#fail(
      "INVALID_VALUE",
      this.#elementStart,
      `${message} (element ends at ${offset})`,
    );
  }
}

/** Big-endian unsigned value of up to four bytes. */
function readUnsigned(
  bytes: Uint8Array,
  start: number,
  length: number,
): number {
  let value = 0;
  for (let i = start; i < start + length; i++) value = value * 256 + bytes[i];
  return value;
}

/** Names of the bits set in a keyUsage BIT STRING's content. */
function keyUsageNames(
  bytes: Uint8Array,
  start: number,
  length: number,
): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < KEY_USAGE_BITS.length; bit++) {
    const index = 1 + (bit >> 3);
    if (index < length && (bytes[start + index] & (0x80 >> (bit & 7))) !== 0) {
      names.push(KEY_USAGE_BITS[bit]);
    }
  }
  return names;
}

/**
 * Decodes a whole DER certificate in one call.
 *
 * @example
 * ```ts
 * import { decodeX509, pemToDer } from "@zon/net/decoders";
 * const der = pemToDer(Deno.readTextFileSync("/etc/ssl/certs/ISRG_Root_X1.pem"))[0];
 * const result = decodeX509(der);
 * if (!("error" in result)) console.log(result.serialNumber);
 * ```
 *
 * @param der The certificate.
 * @param options Size cap.
 * @returns The certificate or `{ error }`.
 */
export function decodeX509(
  der: Uint8Array,
  options?: X509DecoderOptions,
): X509DecodeResult {
  const decoder = new X509Decoder(options);
  decoder.push(der);
  return decoder.end();
}
