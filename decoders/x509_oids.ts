/**
 * Names for the object identifiers a certificate carries. Names follow
 * OpenSSL where it has one, so output compares directly with
 * `openssl x509 -text`.
 *
 * @module
 */

/**
 * Distinguished-name attribute types: dotted OID to OpenSSL's short name.
 *
 * @example
 * ```ts
 * import { NAME_ATTRIBUTE_TYPES } from "@zon/net/decoders";
 * console.log(NAME_ATTRIBUTE_TYPES.get("2.5.4.3")); // "CN"
 * ```
 */
export const NAME_ATTRIBUTE_TYPES: ReadonlyMap<string, string> = new Map([
  ["2.5.4.3", "CN"],
  ["2.5.4.4", "SN"],
  ["2.5.4.5", "serialNumber"],
  ["2.5.4.6", "C"],
  ["2.5.4.7", "L"],
  ["2.5.4.8", "ST"],
  ["2.5.4.9", "street"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
  ["2.5.4.12", "title"],
  ["2.5.4.13", "description"],
  ["2.5.4.15", "businessCategory"],
  ["2.5.4.16", "postalAddress"],
  ["2.5.4.17", "postalCode"],
  ["2.5.4.18", "postOfficeBox"],
  ["2.5.4.41", "name"],
  ["2.5.4.42", "GN"],
  ["2.5.4.43", "initials"],
  ["2.5.4.44", "generationQualifier"],
  ["2.5.4.45", "x500UniqueIdentifier"],
  ["2.5.4.46", "dnQualifier"],
  ["2.5.4.65", "pseudonym"],
  ["2.5.4.97", "organizationIdentifier"],
  ["1.2.840.113549.1.9.1", "emailAddress"],
  ["0.9.2342.19200300.100.1.1", "UID"],
  ["0.9.2342.19200300.100.1.25", "DC"],
  ["1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"],
  ["1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"],
  ["1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"],
]);

/**
 * Signature algorithms: dotted OID to OpenSSL's long name.
 *
 * @example
 * ```ts
 * import { SIGNATURE_ALGORITHMS } from "@zon/net/decoders";
 * console.log(SIGNATURE_ALGORITHMS.get("1.2.840.113549.1.1.11")); // "sha256WithRSAEncryption"
 * ```
 */
export const SIGNATURE_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.1.1.2", "md2WithRSAEncryption"],
  ["1.2.840.113549.1.1.3", "md4WithRSAEncryption"],
  ["1.3.14.3.2.3", "md5WithRSA"],
  ["1.3.14.3.2.13", "dsaWithSHA"],
  ["1.3.14.3.2.15", "shaWithRSAEncryption"],
  ["1.3.14.3.2.27", "dsaWithSHA1-old"],
  ["1.3.14.3.2.29", "sha1WithRSA"],
  ["1.2.840.113549.1.1.4", "md5WithRSAEncryption"],
  ["1.2.840.113549.1.1.5", "sha1WithRSAEncryption"],
  ["1.2.840.113549.1.1.10", "rsassaPss"],
  ["1.2.840.113549.1.1.11", "sha256WithRSAEncryption"],
  ["1.2.840.113549.1.1.12", "sha384WithRSAEncryption"],
  ["1.2.840.113549.1.1.13", "sha512WithRSAEncryption"],
  ["1.2.840.113549.1.1.14", "sha224WithRSAEncryption"],
  ["1.2.840.10045.4.1", "ecdsa-with-SHA1"],
  ["1.2.840.10045.4.3.1", "ecdsa-with-SHA224"],
  ["1.2.840.10045.4.3.2", "ecdsa-with-SHA256"],
  ["1.2.840.10045.4.3.3", "ecdsa-with-SHA384"],
  ["1.2.840.10045.4.3.4", "ecdsa-with-SHA512"],
  ["1.2.840.10040.4.3", "dsaWithSHA1"],
  ["2.16.840.1.101.3.4.3.1", "dsa_with_SHA224"],
  ["2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"],
  ["1.3.101.112", "ED25519"],
  ["1.3.101.113", "ED448"],
  ["1.2.156.10197.1.501", "SM2-with-SM3"],
]);

/**
 * Public key algorithms: dotted OID to Node's `asymmetricKeyType` name.
 *
 * @example
 * ```ts
 * import { PUBLIC_KEY_ALGORITHMS } from "@zon/net/decoders";
 * console.log(PUBLIC_KEY_ALGORITHMS.get("1.2.840.10045.2.1")); // "ec"
 * ```
 */
export const PUBLIC_KEY_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.1.1.1", "rsa"],
  ["1.2.840.113549.1.1.10", "rsa-pss"],
  ["1.2.840.10045.2.1", "ec"],
  ["1.2.840.10040.4.1", "dsa"],
  ["1.3.101.110", "x25519"],
  ["1.3.101.111", "x448"],
  ["1.3.101.112", "ed25519"],
  ["1.3.101.113", "ed448"],
]);

/**
 * Fixed key sizes of algorithms whose keys carry no size of their own
 * (OpenSSL's `EVP_PKEY_get_bits`).
 *
 * @example
 * ```ts
 * import { FIXED_KEY_BITS } from "@zon/net/decoders";
 * console.log(FIXED_KEY_BITS.get("ed448")); // 456
 * ```
 */
export const FIXED_KEY_BITS: ReadonlyMap<string, number> = new Map([
  ["x25519", 253],
  ["x448", 448],
  ["ed25519", 256],
  ["ed448", 456],
]);

/**
 * Named elliptic curves: dotted OID to name and field size in bits.
 *
 * @example
 * ```ts
 * import { NAMED_CURVES } from "@zon/net/decoders";
 * console.log(NAMED_CURVES.get("1.3.132.0.34")); // { name: "P-384", bits: 384 }
 * ```
 */
export const NAMED_CURVES: ReadonlyMap<string, { name: string; bits: number }> =
  new Map([
    ["1.2.840.10045.3.1.1", { name: "P-192", bits: 192 }],
    ["1.3.132.0.33", { name: "P-224", bits: 224 }],
    ["1.2.840.10045.3.1.7", { name: "P-256", bits: 256 }],
    ["1.3.132.0.34", { name: "P-384", bits: 384 }],
    ["1.3.132.0.35", { name: "P-521", bits: 521 }],
    ["1.3.132.0.10", { name: "secp256k1", bits: 256 }],
    ["1.3.36.3.3.2.8.1.1.7", { name: "brainpoolP256r1", bits: 256 }],
    ["1.3.36.3.3.2.8.1.1.11", { name: "brainpoolP384r1", bits: 384 }],
    ["1.3.36.3.3.2.8.1.1.13", { name: "brainpoolP512r1", bits: 512 }],
    ["1.2.156.10197.1.301", { name: "SM2", bits: 256 }],
  ]);

/**
 * extendedKeyUsage purposes: dotted OID to OpenSSL's short name.
 *
 * @example
 * ```ts
 * import { EXTENDED_KEY_USAGES } from "@zon/net/decoders";
 * console.log(EXTENDED_KEY_USAGES.get("1.3.6.1.5.5.7.3.1")); // "serverAuth"
 * ```
 */
export const EXTENDED_KEY_USAGES: ReadonlyMap<string, string> = new Map([
  ["2.5.29.37.0", "anyExtendedKeyUsage"],
  ["1.3.6.1.5.5.7.3.1", "serverAuth"],
  ["1.3.6.1.5.5.7.3.2", "clientAuth"],
  ["1.3.6.1.5.5.7.3.3", "codeSigning"],
  ["1.3.6.1.5.5.7.3.4", "emailProtection"],
  ["1.3.6.1.5.5.7.3.5", "ipsecEndSystem"],
  ["1.3.6.1.5.5.7.3.6", "ipsecTunnel"],
  ["1.3.6.1.5.5.7.3.7", "ipsecUser"],
  ["1.3.6.1.5.5.7.3.8", "timeStamping"],
  ["1.3.6.1.5.5.7.3.9", "OCSPSigning"],
  ["1.3.6.1.5.5.7.3.17", "ipsecIKE"],
  ["1.3.6.1.4.1.311.10.3.3", "msSGC"],
  ["1.3.6.1.4.1.311.10.3.4", "msEFS"],
  ["2.16.840.1.113730.4.1", "nsSGC"],
]);

/**
 * keyUsage bit names, indexed by bit number (RFC 5280 §4.2.1.3).
 *
 * @example
 * ```ts
 * import { KEY_USAGE_BITS } from "@zon/net/decoders";
 * console.log(KEY_USAGE_BITS[5]); // "keyCertSign"
 * ```
 */
export const KEY_USAGE_BITS: readonly string[] = Object.freeze([
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
]);

/**
 * Extensions: dotted OID to OpenSSL's short name.
 *
 * @example
 * ```ts
 * import { EXTENSION_NAMES } from "@zon/net/decoders";
 * console.log(EXTENSION_NAMES.get("2.5.29.17")); // "subjectAltName"
 * ```
 */
export const EXTENSION_NAMES: ReadonlyMap<string, string> = new Map([
  ["2.5.29.9", "subjectDirectoryAttributes"],
  ["2.5.29.14", "subjectKeyIdentifier"],
  ["2.5.29.15", "keyUsage"],
  ["2.5.29.16", "privateKeyUsagePeriod"],
  ["2.5.29.17", "subjectAltName"],
  ["2.5.29.18", "issuerAltName"],
  ["2.5.29.19", "basicConstraints"],
  ["2.5.29.30", "nameConstraints"],
  ["2.5.29.31", "crlDistributionPoints"],
  ["2.5.29.32", "certificatePolicies"],
  ["2.5.29.33", "policyMappings"],
  ["2.5.29.35", "authorityKeyIdentifier"],
  ["2.5.29.36", "policyConstraints"],
  ["2.5.29.37", "extendedKeyUsage"],
  ["2.5.29.46", "freshestCRL"],
  ["2.5.29.54", "inhibitAnyPolicy"],
  ["1.3.6.1.5.5.7.1.1", "authorityInfoAccess"],
  ["1.3.6.1.5.5.7.1.3", "qcStatements"],
  ["1.3.6.1.5.5.7.1.11", "subjectInfoAccess"],
  ["1.3.6.1.5.5.7.1.24", "tlsfeature"],
  ["1.3.6.1.5.5.7.48.1.5", "noCheck"],
  ["1.3.6.1.4.1.11129.2.4.2", "ct_precert_scts"],
  ["1.3.6.1.4.1.11129.2.4.3", "ct_precert_poison"],
  ["2.16.840.1.113730.1.1", "nsCertType"],
  ["2.16.840.1.113730.1.13", "nsComment"],
]);

/**
 * Access methods of authorityInfoAccess / subjectInfoAccess.
 *
 * @example
 * ```ts
 * import { ACCESS_METHODS } from "@zon/net/decoders";
 * console.log(ACCESS_METHODS.get("1.3.6.1.5.5.7.48.1")); // "OCSP"
 * ```
 */
export const ACCESS_METHODS: ReadonlyMap<string, string> = new Map([
  ["1.3.6.1.5.5.7.48.1", "OCSP"],
  ["1.3.6.1.5.5.7.48.2", "caIssuers"],
  ["1.3.6.1.5.5.7.48.3", "timeStamping"],
  ["1.3.6.1.5.5.7.48.5", "caRepository"],
  ["1.3.6.1.5.5.7.48.10", "rpkiManifest"],
  ["1.3.6.1.5.5.7.48.11", "signedObject"],
  ["1.3.6.1.5.5.7.48.13", "rpkiNotify"],
]);

/**
 * Digest algorithms (RSA-PSS parameters): dotted OID to OpenSSL's name.
 *
 * @example
 * ```ts
 * import { DIGEST_ALGORITHMS } from "@zon/net/decoders";
 * console.log(DIGEST_ALGORITHMS.get("2.16.840.1.101.3.4.2.1")); // "sha256"
 * ```
 */
export const DIGEST_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.2.5", "md5"],
  ["1.3.14.3.2.26", "sha1"],
  ["2.16.840.1.101.3.4.2.4", "sha224"],
  ["2.16.840.1.101.3.4.2.1", "sha256"],
  ["2.16.840.1.101.3.4.2.2", "sha384"],
  ["2.16.840.1.101.3.4.2.3", "sha512"],
  ["2.16.840.1.101.3.4.2.5", "sha512-224"],
  ["2.16.840.1.101.3.4.2.6", "sha512-256"],
  ["2.16.840.1.101.3.4.2.7", "sha3-224"],
  ["2.16.840.1.101.3.4.2.8", "sha3-256"],
  ["2.16.840.1.101.3.4.2.9", "sha3-384"],
  ["2.16.840.1.101.3.4.2.10", "sha3-512"],
]);

/** The DER of 2.5.4.x and 2.5.29.x: 0x55 (2.5), the second arc, the last. */
const ARC_2_5 = 0x55;
const ARC_4 = 0x04;
const ARC_29 = 0x1d;
const SINGLE_BYTE_ARCS = 128;

/** {@linkcode NAME_ATTRIBUTE_TYPES} of 2.5.4.x by x, with the OID where unnamed. */
const ATTRIBUTE_TYPES_2_5_4: readonly string[] = Array.from(
  { length: SINGLE_BYTE_ARCS },
  (_, arc) => NAME_ATTRIBUTE_TYPES.get(`2.5.4.${arc}`) ?? `2.5.4.${arc}`,
);

/** {@linkcode EXTENSION_NAMES} of 2.5.29.x by x, with the OID where unnamed. */
const EXTENSION_NAMES_2_5_29: readonly string[] = Array.from(
  { length: SINGLE_BYTE_ARCS },
  (_, arc) => EXTENSION_NAMES.get(`2.5.29.${arc}`) ?? `2.5.29.${arc}`,
);

/** Whether `bytes[start, start + length)` encodes 2.5.`second`.x with x < 128. */
function isShortOid(
  bytes: Uint8Array,
  start: number,
  length: number,
  second: number,
): boolean {
  return length === 3 && bytes[start] === ARC_2_5 &&
    bytes[start + 1] === second && bytes[start + 2] < SINGLE_BYTE_ARCS;
}

/**
 * A name attribute type's short name (`CN`), or its OID: as
 * `NAME_ATTRIBUTE_TYPES.get(oid) ?? oid`, but the 2.5.4.x types (nearly all)
 * are read from a table by their encoding, without a string lookup.
 *
 * @example
 * ```ts
 * import { attributeTypeName } from "./x509_oids.ts";
 * console.log(attributeTypeName("2.5.4.3", new Uint8Array([0x55, 4, 3]), 0, 3)); // "CN"
 * ```
 *
 * @param oid The dotted OID.
 * @param bytes Buffer holding its DER content.
 * @param start Where the content starts.
 * @param length Content length.
 * @returns The short name or the OID.
 */
export function attributeTypeName(
  oid: string,
  bytes: Uint8Array,
  start: number,
  length: number,
): string {
  return isShortOid(bytes, start, length, ARC_4)
    ? ATTRIBUTE_TYPES_2_5_4[bytes[start + 2]]
    : NAME_ATTRIBUTE_TYPES.get(oid) ?? oid;
}

/**
 * An extension's name (`subjectAltName`), or its OID: as
 * `EXTENSION_NAMES.get(oid) ?? oid`, the 2.5.29.x ones from a table.
 *
 * @example
 * ```ts
 * import { extensionName } from "./x509_oids.ts";
 * console.log(extensionName("2.5.29.17", new Uint8Array([0x55, 29, 17]), 0, 3)); // "subjectAltName"
 * ```
 *
 * @param oid The dotted OID.
 * @param bytes Buffer holding its DER content.
 * @param start Where the content starts.
 * @param length Content length.
 * @returns The name or the OID.
 */
export function extensionName(
  oid: string,
  bytes: Uint8Array,
  start: number,
  length: number,
): string {
  return isShortOid(bytes, start, length, ARC_29)
    ? EXTENSION_NAMES_2_5_29[bytes[start + 2]]
    : EXTENSION_NAMES.get(oid) ?? oid;
}
