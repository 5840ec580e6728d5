/**
 * Result types and limits of the streaming X.509 decoder.
 *
 * @module
 */

/**
 * One attribute of a distinguished name, in certificate order.
 *
 * `type` is OpenSSL's short name for well-known attribute types (`CN`, `O`,
 * `OU`, `C`, `ST`, `L`, `emailAddress`, `serialNumber`, `DC`, `UID`, ...) and
 * the dotted OID otherwise.
 *
 * @example
 * ```ts
 * import type { X509NameAttribute } from "@zon/net/decoders";
 * const cn: X509NameAttribute = { type: "CN", value: "example.com" };
 * ```
 */
export interface X509NameAttribute {
  /** Short name (`CN`, `O`, ...) or dotted OID. */
  type: string;
  /** The value decoded to a JS string (hex with a `#` prefix for non-string types). */
  value: string;
}

/**
 * One subjectAltName entry.
 *
 * `ip` values are dotted IPv4 or RFC 5952 IPv6 text; `other` values are
 * `[n]` (the GeneralName's context tag number) followed by the content bytes
 * in hex.
 *
 * @example
 * ```ts
 * import type { X509SubjectAltName } from "@zon/net/decoders";
 * const san: X509SubjectAltName = { type: "dns", value: "*.example.com" };
 * ```
 */
export interface X509SubjectAltName {
  /** Which GeneralName choice this is. */
  type: "dns" | "ip" | "email" | "uri" | "other";
  /** The name as text. */
  value: string;
}

/**
 * The subject public key's algorithm and size.
 *
 * `algorithm` uses Node's `asymmetricKeyType` names (`rsa`, `rsa-pss`, `ec`,
 * `ed25519`, `ed448`, `x25519`, `x448`, `dsa`) or the dotted OID.
 * `bits` is the RSA modulus size, the EC curve's field size, 256 for Ed25519
 * and X25519, 456 for Ed448 and 448 for X448 (OpenSSL's conventions).
 * `curve` is the Web Crypto / JOSE name (`P-256`, `P-384`, `P-521`) or
 * OpenSSL's name for other named curves, or the dotted OID.
 *
 * @example
 * ```ts
 * import type { X509PublicKey } from "@zon/net/decoders";
 * const key: X509PublicKey = { algorithm: "ec", bits: 256, curve: "P-256" };
 * ```
 */
export interface X509PublicKey {
  /** Key type name or dotted OID. */
  algorithm: string;
  /** Key size in bits, when known. */
  bits?: number;
  /** Named curve, for EC keys. */
  curve?: string;
}

/**
 * The basicConstraints extension.
 *
 * @example
 * ```ts
 * import type { X509BasicConstraints } from "@zon/net/decoders";
 * const root: X509BasicConstraints = { ca: true };
 * ```
 */
export interface X509BasicConstraints {
  /** Whether the subject is a CA. */
  ca: boolean;
  /** The pathLenConstraint, when present. */
  pathLength?: number;
}

/**
 * A decoded certificate: the public result contract of {@linkcode X509Decoder}.
 *
 * @example
 * ```ts
 * import type { X509Certificate } from "@zon/net/decoders";
 * function commonName(cert: X509Certificate): string | undefined {
 *   return cert.subject.find((attribute) => attribute.type === "CN")?.value;
 * }
 * ```
 */
export interface X509Certificate {
  /** X.509 version as people count it: 1, 2 or 3. */
  version: number;
  /** Lowercase hex of the serial INTEGER's content bytes (a leading 00 kept). */
  serialNumber: string;
  /** The TBS signature algorithm: dotted OID and OpenSSL's name for it. */
  signatureAlgorithm: { oid: string; name: string };
  /** Issuer attributes in certificate order. */
  issuer: X509NameAttribute[];
  /** Subject attributes in certificate order. */
  subject: X509NameAttribute[];
  /** Start of validity, ISO 8601 UTC (`2024-01-31T12:00:00Z`). */
  notBefore: string;
  /** End of validity, ISO 8601 UTC. */
  notAfter: string;
  /** Subject public key algorithm and size. */
  publicKey: X509PublicKey;
  /** subjectAltName entries in certificate order (empty without the extension). */
  subjectAltNames: X509SubjectAltName[];
  /** basicConstraints, when the extension is present. */
  basicConstraints?: X509BasicConstraints;
  /** keyUsage bit names (`digitalSignature`, `keyCertSign`, ...), when present. */
  keyUsage?: string[];
  /** extendedKeyUsage names (`serverAuth`, ...) or dotted OIDs, when present. */
  extendedKeyUsage?: string[];
  /** subjectKeyIdentifier as lowercase hex, when present. */
  subjectKeyIdentifier?: string;
  /** authorityKeyIdentifier's keyIdentifier as lowercase hex, when present. */
  authorityKeyIdentifier?: string;
  /** SHA-256 of the whole DER certificate, lowercase hex. */
  fingerprintSha256: string;
  /** Size of the DER certificate in bytes. */
  byteLength: number;
  /** True when some field hit a cap in {@linkcode X509_LIMITS} and was cut. */
  truncated: boolean;
}

/**
 * Why a certificate could not be decoded.
 *
 * @example
 * ```ts
 * import type { X509ErrorCode } from "@zon/net/decoders";
 * const code: X509ErrorCode = "TRUNCATED";
 * ```
 */
export type X509ErrorCode =
  /** The input ended before the certificate did (or was empty). */
  | "TRUNCATED"
  /** A tag is not what the certificate grammar allows at that place. */
  | "UNEXPECTED_TAG"
  /** A BER indefinite length (0x80): DER forbids it. */
  | "INDEFINITE_LENGTH"
  /** A length field of more than four bytes. */
  | "LENGTH_OVERFLOW"
  /** A child element claims to extend past the end of its parent. */
  | "LENGTH_EXCEEDS_PARENT"
  /** The outer length claims more than the decoder's certificate size cap. */
  | "TOO_LARGE"
  /** A high tag number form with too many bytes. */
  | "TAG_OVERFLOW"
  /** A constructed element ended before its mandatory children. */
  | "MISSING_FIELD"
  /** A value with an impossible encoding (time, boolean, bit string, ...). */
  | "INVALID_VALUE"
  /** Bytes after the end of the certificate. */
  | "TRAILING_DATA";

/**
 * A decoding failure: what went wrong and at which byte of the DER input.
 *
 * @example
 * ```ts
 * import type { X509Error } from "@zon/net/decoders";
 * const error: X509Error = { code: "TRUNCATED", offset: 10, message: "input ended" };
 * ```
 */
export interface X509Error {
  /** Machine-readable reason. */
  code: X509ErrorCode;
  /** Byte offset in the DER certificate where the problem was found. */
  offset: number;
  /** Human-readable explanation. */
  message: string;
}

/**
 * What {@linkcode X509Decoder.end} returns: a certificate or an error.
 *
 * @example
 * ```ts
 * import type { X509DecodeResult } from "@zon/net/decoders";
 * function describe(result: X509DecodeResult): string {
 *   return "error" in result ? result.error.code : result.serialNumber;
 * }
 * ```
 */
export type X509DecodeResult = X509Certificate | { error: X509Error };

/**
 * Caps on extracted fields. A field beyond its cap is cut (or entries are
 * dropped) and `truncated` is set; it is never an error. Memory used by the
 * decoder is bounded by these caps, whatever the certificate size.
 *
 * @example
 * ```ts
 * import { X509_LIMITS } from "@zon/net/decoders";
 * console.log(X509_LIMITS.maxValueBytes); // 1024
 * ```
 */
export const X509_LIMITS: {
  /** Largest value kept for any one captured field (name value, SAN entry, serial, OID). */
  readonly maxValueBytes: number;
  /** Most subjectAltName entries kept. */
  readonly maxSubjectAltNames: number;
  /** Most attributes kept per distinguished name. */
  readonly maxNameAttributes: number;
  /** Most extendedKeyUsage entries kept. */
  readonly maxExtendedKeyUsages: number;
  /** Default cap on the certificate's total size, above which it is rejected. */
  readonly maxCertificateBytes: number;
} = Object.freeze({
  maxValueBytes: 1024,
  maxSubjectAltNames: 1000,
  maxNameAttributes: 256,
  maxExtendedKeyUsages: 64,
  maxCertificateBytes: 1 << 20,
});
