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
  /**
   * Set when the bytes break the rules of their ASN.1 string type (UTF-8
   * bytes in an IA5String, a truncated UTF-8 sequence, a letter in a
   * NumericString, ...): `value` is then the byte-faithful reading (Latin-1
   * for the 8-bit types, U+FFFD for broken UTF-8), not a repair.
   */
  invalidEncoding?: true;
}

/**
 * One GeneralName (RFC 5280 §4.2.1.6): a subjectAltName entry, an access
 * location, a distribution point, a name-constraint base.
 *
 * `value` is always text: `dns`, `email` and `uri` as their IA5String
 * (Latin-1 bytes, `invalidEncoding` set when a byte is not ASCII); `ip` as
 * dotted IPv4 or RFC 5952 IPv6 text (in name constraints, `address/mask`);
 * `directoryName` as `C=US, O=Example` with the attributes also in
 * `directoryName`; `otherName` as the UPN for Microsoft's UPN type and as
 * the hex of the value's DER otherwise, with the type OID in
 * `otherNameType`; `registeredID` as the dotted OID; `x400Address` and
 * `ediPartyName` as the hex of their content; `other` (a tag number RFC 5280
 * does not define, or a broken encoding) as `[n]` and the content hex.
 *
 * @example
 * ```ts
 * import type { X509SubjectAltName } from "@zon/net/decoders";
 * const san: X509SubjectAltName = { type: "dns", value: "*.example.com" };
 * ```
 */
export interface X509SubjectAltName {
  /** Which GeneralName choice this is. */
  type:
    | "dns"
    | "ip"
    | "email"
    | "uri"
    | "directoryName"
    | "otherName"
    | "registeredID"
    | "x400Address"
    | "ediPartyName"
    | "other";
  /** The name as text. */
  value: string;
  /** The parsed name of a `directoryName`. */
  directoryName?: X509NameAttribute[];
  /** The type OID of an `otherName`. */
  otherNameType?: string;
  /** Set when an IA5String holds a non-ASCII byte (see {@linkcode X509NameAttribute}). */
  invalidEncoding?: true;
}

/**
 * Alias of {@linkcode X509SubjectAltName} for GeneralNames outside the SAN.
 *
 * @example
 * ```ts
 * import type { X509GeneralName } from "@zon/net/decoders";
 * const ocsp: X509GeneralName = { type: "uri", value: "http://ocsp.example" };
 * ```
 */
export type X509GeneralName = X509SubjectAltName;

/**
 * The subject public key's algorithm and size.
 *
 * `algorithm` uses Node's `asymmetricKeyType` names (`rsa`, `rsa-pss`, `ec`,
 * `ed25519`, `ed448`, `x25519`, `x448`, `dsa`) or the dotted OID.
 * `bits` is the RSA modulus size, the DSA prime size, the EC curve's field
 * size (for explicit parameters: the bits of the group order, as OpenSSL
 * reports them), 256 for Ed25519, 253 for X25519, 456 for Ed448 and 448 for
 * X448 (OpenSSL's `EVP_PKEY_get_bits` conventions).
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
  /** Named curve, for EC keys (`explicit` for explicit parameters). */
  curve?: string;
  /** For EC keys with explicit parameters: true. */
  explicitParameters?: true;
  /** For EC keys with explicit parameters: the field size in bits. */
  fieldBits?: number;
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
 * An AlgorithmIdentifier: dotted OID, OpenSSL's name, and for RSA-PSS the
 * decoded parameters (RFC 4055 defaults filled in).
 *
 * @example
 * ```ts
 * import type { X509AlgorithmIdentifier } from "@zon/net/decoders";
 * const alg: X509AlgorithmIdentifier = { oid: "1.2.840.10045.4.3.2", name: "ecdsa-with-SHA256" };
 * ```
 */
export interface X509AlgorithmIdentifier {
  /** Dotted OID. */
  oid: string;
  /** OpenSSL's name, or the OID. */
  name: string;
  /** RSASSA-PSS parameters, for `rsassaPss`. */
  pss?: X509RsaPssParameters;
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1), with the defaults for absent fields.
 *
 * @example
 * ```ts
 * import type { X509RsaPssParameters } from "@zon/net/decoders";
 * const pss: X509RsaPssParameters = {
 *   hashAlgorithm: "sha256", maskGenAlgorithm: "mgf1", maskGenHashAlgorithm: "sha256",
 *   saltLength: 32, trailerField: 1,
 * };
 * ```
 */
export interface X509RsaPssParameters {
  /** Digest name (`sha1`, `sha256`, ...) or dotted OID. */
  hashAlgorithm: string;
  /** `mgf1` or the dotted OID. */
  maskGenAlgorithm: string;
  /** MGF1's digest name or dotted OID. */
  maskGenHashAlgorithm: string;
  /** Salt length in bytes. */
  saltLength: number;
  /** Trailer field (1 means 0xbc). */
  trailerField: number;
}

/**
 * The certificate's outer signature.
 *
 * @example
 * ```ts
 * import type { X509Signature } from "@zon/net/decoders";
 * const signature: X509Signature = {
 *   algorithm: { oid: "1.3.101.112", name: "ED25519" }, value: "00ff", algorithmMismatch: false,
 * };
 * ```
 */
export interface X509Signature {
  /** signatureAlgorithm after the TBS. */
  algorithm: X509AlgorithmIdentifier;
  /** signatureValue's bits as lowercase hex (the unused-bits byte left out). */
  value: string;
  /**
   * True when the outer algorithm (OID or parameters) differs from the TBS's
   * `signature` field: RFC 5280 §4.1.1.2 requires them to be equal.
   */
  algorithmMismatch: boolean;
}

/**
 * authorityKeyIdentifier: all three optional parts.
 *
 * @example
 * ```ts
 * import type { X509AuthorityKeyIdentifier } from "@zon/net/decoders";
 * const aki: X509AuthorityKeyIdentifier = { keyIdentifier: "0a1b" };
 * ```
 */
export interface X509AuthorityKeyIdentifier {
  /** keyIdentifier, lowercase hex. */
  keyIdentifier?: string;
  /** authorityCertIssuer GeneralNames. */
  issuer?: X509GeneralName[];
  /** authorityCertSerialNumber, lowercase hex of the INTEGER's content. */
  serialNumber?: string;
}

/**
 * One PolicyInformation of certificatePolicies.
 *
 * @example
 * ```ts
 * import type { X509Policy } from "@zon/net/decoders";
 * const dv: X509Policy = { oid: "2.23.140.1.2.1", cpsUris: [], userNotices: [] };
 * ```
 */
export interface X509Policy {
  /** The policy OID. */
  oid: string;
  /** CPS pointer qualifiers. */
  cpsUris: string[];
  /** User notice qualifiers. */
  userNotices: X509UserNotice[];
  /** Qualifiers of other types: their OID and DER hex. */
  otherQualifiers?: Array<{ oid: string; value: string }>;
}

/**
 * A UserNotice policy qualifier.
 *
 * @example
 * ```ts
 * import type { X509UserNotice } from "@zon/net/decoders";
 * const notice: X509UserNotice = { explicitText: "For testing only" };
 * ```
 */
export interface X509UserNotice {
  /** noticeRef's organization. */
  organization?: string;
  /** noticeRef's notice numbers. */
  noticeNumbers?: number[];
  /** explicitText. */
  explicitText?: string;
}

/**
 * One DistributionPoint (crlDistributionPoints, freshestCRL).
 *
 * @example
 * ```ts
 * import type { X509DistributionPoint } from "@zon/net/decoders";
 * const point: X509DistributionPoint = {
 *   fullName: [{ type: "uri", value: "http://crl.example/ca.crl" }],
 * };
 * ```
 */
export interface X509DistributionPoint {
  /** distributionPoint's fullName. */
  fullName?: X509GeneralName[];
  /** distributionPoint's nameRelativeToCRLIssuer. */
  relativeName?: X509NameAttribute[];
  /** Reason flag names (`keyCompromise`, ...). */
  reasons?: string[];
  /** cRLIssuer. */
  crlIssuer?: X509GeneralName[];
}

/**
 * One AccessDescription (authorityInfoAccess, subjectInfoAccess).
 *
 * @example
 * ```ts
 * import type { X509AccessDescription } from "@zon/net/decoders";
 * const ocsp: X509AccessDescription = {
 *   method: "1.3.6.1.5.5.7.48.1", methodName: "OCSP",
 *   location: { type: "uri", value: "http://ocsp.example" },
 * };
 * ```
 */
export interface X509AccessDescription {
  /** accessMethod OID. */
  method: string;
  /** OpenSSL's name (`OCSP`, `caIssuers`, `caRepository`, ...) or the OID. */
  methodName: string;
  /** accessLocation. */
  location: X509GeneralName;
}

/**
 * nameConstraints: permitted and excluded subtrees.
 *
 * @example
 * ```ts
 * import type { X509NameConstraints } from "@zon/net/decoders";
 * const constraints: X509NameConstraints = {
 *   permitted: [{ base: { type: "dns", value: ".example.com" } }], excluded: [],
 * };
 * ```
 */
export interface X509NameConstraints {
  /** permittedSubtrees. */
  permitted: X509GeneralSubtree[];
  /** excludedSubtrees. */
  excluded: X509GeneralSubtree[];
}

/**
 * One GeneralSubtree of nameConstraints.
 *
 * @example
 * ```ts
 * import type { X509GeneralSubtree } from "@zon/net/decoders";
 * const subtree: X509GeneralSubtree = { base: { type: "ip", value: "10.0.0.0/255.0.0.0" } };
 * ```
 */
export interface X509GeneralSubtree {
  /** The base name. */
  base: X509GeneralName;
  /** minimum, when not the default 0. */
  minimum?: number;
  /** maximum, when present. */
  maximum?: number;
}

/**
 * policyConstraints.
 *
 * @example
 * ```ts
 * import type { X509PolicyConstraints } from "@zon/net/decoders";
 * const constraints: X509PolicyConstraints = { requireExplicitPolicy: 0 };
 * ```
 */
export interface X509PolicyConstraints {
  /** requireExplicitPolicy skip count. */
  requireExplicitPolicy?: number;
  /** inhibitPolicyMapping skip count. */
  inhibitPolicyMapping?: number;
}

/**
 * One SignedCertificateTimestamp of the embedded SCT list (RFC 6962 §3.2).
 * A version other than v1 keeps its bytes in `raw`.
 *
 * @example
 * ```ts
 * import type { X509Sct } from "@zon/net/decoders";
 * const sct: X509Sct = {
 *   version: 0, logId: "00".repeat(32), timestamp: 0, hashAlgorithm: "sha256",
 *   signatureAlgorithm: "ecdsa", signature: "3045", extensions: "",
 * };
 * ```
 */
export interface X509Sct {
  /** 0 for v1. */
  version: number;
  /** The log's ID (SHA-256 of its key), lowercase hex. */
  logId: string;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  /** TLS HashAlgorithm name (`sha256`, ...) or its number. */
  hashAlgorithm: string;
  /** TLS SignatureAlgorithm name (`ecdsa`, `rsa`, ...) or its number. */
  signatureAlgorithm: string;
  /** The signature, lowercase hex. */
  signature: string;
  /** CtExtensions, lowercase hex (usually empty). */
  extensions: string;
  /**
   * For versions other than v1 (whose layout RFC 6962 does not define): the
   * bytes after the version, hex; the other fields are then empty.
   */
  raw?: string;
}

/**
 * What an extension's `value` holds, by extension (`name`): subjectAltName,
 * issuerAltName → GeneralNames; basicConstraints → {@linkcode X509BasicConstraints};
 * keyUsage, extendedKeyUsage → names; subjectKeyIdentifier → hex;
 * authorityKeyIdentifier → {@linkcode X509AuthorityKeyIdentifier};
 * certificatePolicies → {@linkcode X509Policy}[]; crlDistributionPoints,
 * freshestCRL → {@linkcode X509DistributionPoint}[]; authorityInfoAccess,
 * subjectInfoAccess → {@linkcode X509AccessDescription}[]; nameConstraints →
 * {@linkcode X509NameConstraints}; policyConstraints →
 * {@linkcode X509PolicyConstraints}; inhibitAnyPolicy → a number;
 * ct_precert_scts → {@linkcode X509Sct}[]; tlsfeature → feature numbers
 * (5 is status_request, "must-staple"); anything else → the DER hex of
 * the extension's OCTET STRING content.
 *
 * @example
 * ```ts
 * import type { X509ExtensionValue } from "@zon/net/decoders";
 * const raw: X509ExtensionValue = "0500";
 * ```
 */
export type X509ExtensionValue =
  | string
  | number
  | string[]
  | number[]
  | X509GeneralName[]
  | X509BasicConstraints
  | X509AuthorityKeyIdentifier
  | X509Policy[]
  | X509DistributionPoint[]
  | X509AccessDescription[]
  | X509NameConstraints
  | X509PolicyConstraints
  | X509Sct[];

/**
 * One extension, in certificate order.
 *
 * @example
 * ```ts
 * import type { X509Extension } from "@zon/net/decoders";
 * const mustStaple: X509Extension = {
 *   oid: "1.3.6.1.5.5.7.1.24", name: "tlsfeature", critical: false, value: [5],
 * };
 * ```
 */
export interface X509Extension {
  /** extnID, dotted. */
  oid: string;
  /** OpenSSL's short name, or the OID. */
  name: string;
  /** The critical flag (false when absent). */
  critical: boolean;
  /** Decoded value for the known extensions, DER hex otherwise. */
  value: X509ExtensionValue;
  /** Set on the second and later occurrences of an OID (RFC 5280 forbids them). */
  duplicate?: true;
  /**
   * Set when a known extension's value does not parse: `value` is then the
   * DER hex (and the certificate still decodes).
   */
  malformed?: true;
  /**
   * Set when the value was longer than {@linkcode X509_LIMITS}.maxCapturedBytes:
   * `value` is then the hex of its first maxCapturedBytes bytes, not decoded.
   */
  truncated?: true;
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
  signatureAlgorithm: X509AlgorithmIdentifier;
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
  /** authorityKeyIdentifier's issuer and serial, when present. */
  authorityKeyIdentifierDetails?: X509AuthorityKeyIdentifier;
  /** Every extension in certificate order (empty for v1/v2). */
  extensions: X509Extension[];
  /** The outer signature: algorithm, value and the TBS mismatch flag. */
  signature: X509Signature;
  /** SHA-256 of the whole DER certificate, lowercase hex. */
  fingerprintSha256: string;
  /**
   * SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex (the pin of RFC
   * 7469 and Censys's `spki_subject_fingerprint`); empty when fingerprints
   * are off.
   */
  spkiSha256: string;
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
  /** Most extensions kept. */
  readonly maxExtensions: number;
  /**
   * Largest value captured whole: an extension decoded from its bytes (or
   * kept as hex), algorithm parameters, the signature value.
   */
  readonly maxCapturedBytes: number;
  /** Default cap on the certificate's total size, above which it is rejected. */
  readonly maxCertificateBytes: number;
} = Object.freeze({
  maxValueBytes: 1024,
  maxSubjectAltNames: 1000,
  maxNameAttributes: 256,
  maxExtendedKeyUsages: 64,
  maxExtensions: 64,
  maxCapturedBytes: 16384,
  maxCertificateBytes: 1 << 20,
});
