/**
 * Decoders for the extension values and parameters the streaming decoder
 * captures whole (each bounded by {@linkcode X509_LIMITS}.maxCapturedBytes):
 * GeneralNames, distinguished names, certificate policies, CRL distribution
 * points, access descriptions, name and policy constraints, SCT lists, TLS
 * features, RSA-PSS, DSA and explicit EC parameters.
 *
 * @module
 */

import {
  children,
  type DerElement,
  expectTag,
  integerBits,
  MalformedDer,
  oidText,
  readElement,
  smallInteger,
} from "./x509_der.ts";
import {
  ACCESS_METHODS,
  DIGEST_ALGORITHMS,
  NAME_ATTRIBUTE_TYPES,
} from "./x509_oids.ts";
import type {
  X509AccessDescription,
  X509AuthorityKeyIdentifier,
  X509DistributionPoint,
  X509ExtensionValue,
  X509GeneralName,
  X509GeneralSubtree,
  X509NameAttribute,
  X509NameConstraints,
  X509Policy,
  X509PolicyConstraints,
  X509RsaPssParameters,
  X509Sct,
  X509UserNotice,
} from "./x509_types.ts";
import {
  bytesToHex,
  decodeAscii,
  decodeDirectoryString,
  formatIpAddress,
  isValidString,
} from "./x509_values.ts";

const TAG_INTEGER = 0x02;
const TAG_OCTET_STRING = 0x04;
const TAG_OID = 0x06;
const TAG_IA5_STRING = 0x16;
const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const CONSTRUCTED_BIT = 0x20;
const TAG_NUMBER_MASK = 0x1f;
const CONTEXT = 0x80;

/** Microsoft's User Principal Name otherName type. */
const UPN_OID = "1.3.6.1.4.1.311.20.2.3";
const CPS_QUALIFIER = "1.3.6.1.5.5.7.2.1";
const USER_NOTICE_QUALIFIER = "1.3.6.1.5.5.7.2.2";
const MGF1_OID = "1.2.840.113549.1.1.8";
const PRIME_FIELD_OID = "1.2.840.10045.1.1";

/** ReasonFlags bit names (RFC 5280 §4.2.1.13). */
const REASON_FLAGS = [
  "unused",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  "privilegeWithdrawn",
  "aACompromise",
];
/** TLS HashAlgorithm and SignatureAlgorithm registry names (RFC 5246 §7.4.1.4.1). */
const TLS_HASHES = [
  "none",
  "md5",
  "sha1",
  "sha224",
  "sha256",
  "sha384",
  "sha512",
];
const TLS_SIGNATURES = ["anonymous", "rsa", "dsa", "ecdsa"];

/** The tag number of each GeneralName choice, by name. */
const GENERAL_NAME_TYPES: readonly X509GeneralName["type"][] = [
  "otherName",
  "email",
  "dns",
  "x400Address",
  "directoryName",
  "ediPartyName",
  "uri",
  "ip",
  "registeredID",
];

/**
 * A distinguished name (RDNSequence) from its content bytes, in order.
 *
 * @example
 * ```ts
 * import { decodeName } from "./x509_extensions.ts";
 * console.log(decodeName(new Uint8Array(0), 0, 0)); // []
 * ```
 *
 * @param bytes Buffer.
 * @param start Content start of the Name SEQUENCE.
 * @param end Content end.
 * @returns The attributes.
 */
export function decodeName(
  bytes: Uint8Array,
  start: number,
  end: number,
): X509NameAttribute[] {
  const attributes: X509NameAttribute[] = [];
  for (const rdn of children(bytes, { tag: TAG_SEQUENCE, start, end })) {
    expectTag(rdn, TAG_SET, "a RelativeDistinguishedName SET");
    for (const attribute of children(bytes, rdn)) {
      expectTag(attribute, TAG_SEQUENCE, "an AttributeTypeAndValue");
      const [type, value] = children(bytes, attribute);
      if (value === undefined) {
        throw new MalformedDer("attribute without value");
      }
      const oid = oidText(bytes, type);
      attributes.push(nameAttribute(
        NAME_ATTRIBUTE_TYPES.get(oid) ?? oid,
        value.tag,
        bytes,
        value.start,
        value.end - value.start,
      ));
    }
  }
  return attributes;
}

/**
 * One name attribute, flagged when its string type is violated.
 *
 * @example
 * ```ts
 * import { nameAttribute } from "./x509_extensions.ts";
 * const ia5 = new Uint8Array([0xc3, 0xa9]);
 * console.log(nameAttribute("CN", 0x16, ia5, 0, 2)); // { type: "CN", value: "Ã©", invalidEncoding: true }
 * ```
 *
 * @param type Attribute type name.
 * @param tag The value's tag byte.
 * @param bytes Buffer.
 * @param start Content start.
 * @param length Content length.
 * @returns The attribute.
 */
export function nameAttribute(
  type: string,
  tag: number,
  bytes: Uint8Array,
  start: number,
  length: number,
): X509NameAttribute {
  if ((tag & CONSTRUCTED_BIT) !== 0) {
    return { type, value: "#" + bytesToHex(bytes, start, length) };
  }
  const attribute: X509NameAttribute = {
    type,
    value: decodeDirectoryString(tag, bytes, start, length),
  };
  if (!isValidString(tag, bytes, start, length)) {
    attribute.invalidEncoding = true;
  }
  return attribute;
}

/**
 * A name's one-line text, `C=US, O=Example, CN=host`.
 *
 * @example
 * ```ts
 * import { nameText } from "./x509_extensions.ts";
 * console.log(nameText([{ type: "C", value: "US" }, { type: "O", value: "Ex" }])); // "C=US, O=Ex"
 * ```
 *
 * @param attributes The name.
 * @returns The text.
 */
export function nameText(attributes: X509NameAttribute[]): string {
  return attributes.map(({ type, value }) => `${type}=${value}`).join(", ");
}

/**
 * One GeneralName from its tag and content bytes. Never throws: a broken
 * constructed form comes back as `other`.
 *
 * @example
 * ```ts
 * import { decodeGeneralName } from "./x509_extensions.ts";
 * const dns = new TextEncoder().encode("example.com");
 * console.log(decodeGeneralName(0x82, dns, 0, dns.length)); // { type: "dns", value: "example.com" }
 * ```
 *
 * @param tag The GeneralName's tag byte.
 * @param bytes Buffer.
 * @param start Content start.
 * @param length Content length.
 * @param ipWithMask Whether iPAddress holds address and mask (name constraints).
 * @returns The name.
 */
export function decodeGeneralName(
  tag: number,
  bytes: Uint8Array,
  start: number,
  length: number,
  ipWithMask = false,
): X509GeneralName {
  const number = tag & TAG_NUMBER_MASK;
  const constructed = (tag & CONSTRUCTED_BIT) !== 0;
  const type = (tag & 0xc0) === CONTEXT
    ? GENERAL_NAME_TYPES[number]
    : undefined;
  const raw = (): X509GeneralName => ({
    type: "other",
    value: `[${number}]` + bytesToHex(bytes, start, length),
  });
  if (type === undefined) return raw();
  try {
    switch (type) {
      case "email":
      case "dns":
      case "uri": {
        if (constructed) return raw();
        const name: X509GeneralName = {
          type,
          value: decodeAscii(bytes, start, length),
        };
        if (!isValidString(TAG_IA5_STRING, bytes, start, length)) {
          name.invalidEncoding = true;
        }
        return name;
      }
      case "ip":
        if (constructed) return raw();
        return { type, value: ipText(bytes, start, length, ipWithMask) };
      case "registeredID":
        if (constructed) return raw();
        return {
          type,
          value: oidText(bytes, { tag: TAG_OID, start, end: start + length }),
        };
      case "directoryName": {
        if (!constructed) return raw();
        const name = expectTag(
          readElement(bytes, start, start + length),
          TAG_SEQUENCE,
          "a Name",
        );
        const attributes = decodeName(bytes, name.start, name.end);
        return { type, value: nameText(attributes), directoryName: attributes };
      }
      case "otherName":
        if (!constructed) return raw();
        return otherName(bytes, start, start + length);
      default:
        return { type, value: bytesToHex(bytes, start, length) };
    }
  } catch (error) {
    if (error instanceof MalformedDer) return raw();
    throw error;
  }
}

function ipText(
  bytes: Uint8Array,
  start: number,
  length: number,
  withMask: boolean,
): string {
  if (withMask && (length === 8 || length === 32)) {
    const half = length / 2;
    return formatIpAddress(bytes, start, half) + "/" +
      formatIpAddress(bytes, start + half, half);
  }
  return formatIpAddress(bytes, start, length);
}

/** otherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY } (implicit). */
function otherName(
  bytes: Uint8Array,
  start: number,
  end: number,
): X509GeneralName {
  const [typeId, wrapped] = children(bytes, { tag: TAG_SEQUENCE, start, end });
  const oid = oidText(bytes, typeId);
  expectTag(wrapped, 0xa0, "otherName's [0] value");
  const inner = readElement(bytes, wrapped.start, wrapped.end);
  if (oid === UPN_OID && (inner.tag & CONSTRUCTED_BIT) === 0) {
    const upn = nameAttribute(
      "",
      inner.tag,
      bytes,
      inner.start,
      inner.end - inner.start,
    );
    const name: X509GeneralName = {
      type: "otherName",
      value: upn.value,
      otherNameType: oid,
    };
    if (upn.invalidEncoding) name.invalidEncoding = true;
    return name;
  }
  return {
    type: "otherName",
    value: bytesToHex(bytes, wrapped.start, wrapped.end - wrapped.start),
    otherNameType: oid,
  };
}

/**
 * GeneralNames (a SEQUENCE OF GeneralName) from an element's children.
 *
 * @example
 * ```ts
 * import { generalNames } from "./x509_extensions.ts";
 * const der = new Uint8Array([0x82, 0x01, 0x61]);
 * console.log(generalNames(der, { tag: 0x30, start: 0, end: 3 })); // [{ type: "dns", value: "a" }]
 * ```
 *
 * @param bytes Buffer.
 * @param list The element whose children are the names.
 * @param ipWithMask Whether iPAddress holds address and mask.
 * @returns The names.
 */
export function generalNames(
  bytes: Uint8Array,
  list: DerElement,
  ipWithMask = false,
): X509GeneralName[] {
  return children(bytes, list).map((name) =>
    decodeGeneralName(
      name.tag,
      bytes,
      name.start,
      name.end - name.start,
      ipWithMask,
    )
  );
}

/** Names of the set bits of a BIT STRING's content (first byte: unused bits). */
function bitNames(
  bytes: Uint8Array,
  element: DerElement,
  names: readonly string[],
): string[] {
  const set: string[] = [];
  for (let bit = 0; bit < names.length; bit++) {
    const index = element.start + 1 + (bit >> 3);
    if (index < element.end && (bytes[index] & (0x80 >> (bit & 7))) !== 0) {
      set.push(names[bit]);
    }
  }
  return set;
}

/** A DisplayText (IA5, Visible, BMP or UTF8 String) as text. */
function displayText(bytes: Uint8Array, element: DerElement): string {
  return decodeDirectoryString(
    element.tag,
    bytes,
    element.start,
    element.end - element.start,
  );
}

function userNotice(bytes: Uint8Array, element: DerElement): X509UserNotice {
  const notice: X509UserNotice = {};
  for (
    const part of children(
      bytes,
      expectTag(element, TAG_SEQUENCE, "a UserNotice"),
    )
  ) {
    if (part.tag === TAG_SEQUENCE) {
      const [organization, numbers] = children(bytes, part);
      if (organization === undefined || numbers === undefined) {
        throw new MalformedDer("noticeRef needs organization and numbers");
      }
      notice.organization = displayText(bytes, organization);
      notice.noticeNumbers = children(
        bytes,
        expectTag(numbers, TAG_SEQUENCE, "noticeNumbers"),
      )
        .map((number) =>
          smallInteger(bytes, expectTag(number, TAG_INTEGER, "an INTEGER"))
        );
    } else {
      notice.explicitText = displayText(bytes, part);
    }
  }
  return notice;
}

function certificatePolicies(
  bytes: Uint8Array,
  value: DerElement,
): X509Policy[] {
  return children(bytes, expectTag(value, TAG_SEQUENCE, "certificatePolicies"))
    .map(
      (information) => {
        const [policy, qualifiers] = children(
          bytes,
          expectTag(information, TAG_SEQUENCE, "a PolicyInformation"),
        );
        const result: X509Policy = {
          oid: oidText(bytes, policy),
          cpsUris: [],
          userNotices: [],
        };
        if (qualifiers === undefined) return result;
        for (
          const qualifier of children(
            bytes,
            expectTag(qualifiers, TAG_SEQUENCE, "qualifiers"),
          )
        ) {
          const [id, body] = children(
            bytes,
            expectTag(qualifier, TAG_SEQUENCE, "a qualifier"),
          );
          const oid = oidText(bytes, id);
          if (body === undefined) {
            throw new MalformedDer("qualifier without value");
          }
          if (oid === CPS_QUALIFIER) {
            result.cpsUris.push(
              displayText(bytes, expectTag(body, TAG_IA5_STRING, "a CPS URI")),
            );
          } else if (oid === USER_NOTICE_QUALIFIER) {
            result.userNotices.push(userNotice(bytes, body));
          } else {
            (result.otherQualifiers ??= []).push({
              oid,
              value: bytesToHex(bytes, body.start, body.end - body.start),
            });
          }
        }
        return result;
      },
    );
}

function distributionPoints(
  bytes: Uint8Array,
  value: DerElement,
): X509DistributionPoint[] {
  return children(
    bytes,
    expectTag(value, TAG_SEQUENCE, "CRLDistributionPoints"),
  ).map(
    (element) => {
      const point: X509DistributionPoint = {};
      for (
        const part of children(
          bytes,
          expectTag(element, TAG_SEQUENCE, "a DistributionPoint"),
        )
      ) {
        if (part.tag === 0xa0) {
          const name = readElement(bytes, part.start, part.end);
          if (name.tag === 0xa0) point.fullName = generalNames(bytes, name);
          else if (name.tag === 0xa1) {
            point.relativeName = decodeRelativeName(bytes, name);
          } else throw new MalformedDer("bad DistributionPointName");
        } else if (part.tag === 0x81) {
          point.reasons = bitNames(bytes, part, REASON_FLAGS);
        } else if (part.tag === 0xa2) {
          point.crlIssuer = generalNames(bytes, part);
        } else {
          throw new MalformedDer("bad DistributionPoint field");
        }
      }
      return point;
    },
  );
}

/** nameRelativeToCRLIssuer: one RDN's attributes (implicitly tagged SET). */
function decodeRelativeName(
  bytes: Uint8Array,
  rdn: DerElement,
): X509NameAttribute[] {
  return children(bytes, rdn).map((attribute) => {
    const [type, value] = children(
      bytes,
      expectTag(attribute, TAG_SEQUENCE, "an attribute"),
    );
    if (value === undefined) throw new MalformedDer("attribute without value");
    const oid = oidText(bytes, type);
    return nameAttribute(
      NAME_ATTRIBUTE_TYPES.get(oid) ?? oid,
      value.tag,
      bytes,
      value.start,
      value.end - value.start,
    );
  });
}

function accessDescriptions(
  bytes: Uint8Array,
  value: DerElement,
): X509AccessDescription[] {
  return children(bytes, expectTag(value, TAG_SEQUENCE, "access descriptions"))
    .map(
      (description) => {
        const [method, location] = children(
          bytes,
          expectTag(description, TAG_SEQUENCE, "an AccessDescription"),
        );
        if (location === undefined) throw new MalformedDer("no accessLocation");
        const oid = oidText(bytes, method);
        return {
          method: oid,
          methodName: ACCESS_METHODS.get(oid) ?? oid,
          location: decodeGeneralName(
            location.tag,
            bytes,
            location.start,
            location.end - location.start,
          ),
        };
      },
    );
}

function subtrees(bytes: Uint8Array, list: DerElement): X509GeneralSubtree[] {
  return children(bytes, list).map((subtree) => {
    const [base, ...bounds] = children(
      bytes,
      expectTag(subtree, TAG_SEQUENCE, "a GeneralSubtree"),
    );
    if (base === undefined) {
      throw new MalformedDer("GeneralSubtree without base");
    }
    const result: X509GeneralSubtree = {
      base: decodeGeneralName(
        base.tag,
        bytes,
        base.start,
        base.end - base.start,
        true,
      ),
    };
    for (const bound of bounds) {
      if (bound.tag === 0x80) result.minimum = smallInteger(bytes, bound);
      else if (bound.tag === 0x81) result.maximum = smallInteger(bytes, bound);
      else throw new MalformedDer("bad GeneralSubtree bound");
    }
    return result;
  });
}

function nameConstraints(
  bytes: Uint8Array,
  value: DerElement,
): X509NameConstraints {
  const constraints: X509NameConstraints = { permitted: [], excluded: [] };
  for (
    const part of children(
      bytes,
      expectTag(value, TAG_SEQUENCE, "NameConstraints"),
    )
  ) {
    if (part.tag === 0xa0) constraints.permitted = subtrees(bytes, part);
    else if (part.tag === 0xa1) constraints.excluded = subtrees(bytes, part);
    else throw new MalformedDer("bad NameConstraints field");
  }
  return constraints;
}

function policyConstraints(
  bytes: Uint8Array,
  value: DerElement,
): X509PolicyConstraints {
  const constraints: X509PolicyConstraints = {};
  for (
    const part of children(
      bytes,
      expectTag(value, TAG_SEQUENCE, "PolicyConstraints"),
    )
  ) {
    if (part.tag === 0x80) {
      constraints.requireExplicitPolicy = smallInteger(bytes, part);
    } else if (part.tag === 0x81) {
      constraints.inhibitPolicyMapping = smallInteger(bytes, part);
    } else throw new MalformedDer("bad PolicyConstraints field");
  }
  return constraints;
}

/** Big-endian unsigned integer of `count` bytes at `offset`, bounds-checked. */
function uint(
  bytes: Uint8Array,
  offset: number,
  count: number,
  end: number,
): number {
  if (offset + count > end) throw new MalformedDer("SCT cut short");
  let value = 0;
  for (let k = 0; k < count; k++) value = value * 256 + bytes[offset + k];
  return value;
}

/** The TLS-encoded SignedCertificateTimestampList inside an OCTET STRING. */
function sctList(bytes: Uint8Array, value: DerElement): X509Sct[] {
  const list = expectTag(value, TAG_OCTET_STRING, "an OCTET STRING");
  const total = uint(bytes, list.start, 2, list.end);
  if (list.start + 2 + total !== list.end) {
    throw new MalformedDer("SCT list length");
  }
  const scts: X509Sct[] = [];
  for (let offset = list.start + 2; offset < list.end;) {
    const length = uint(bytes, offset, 2, list.end);
    const start = offset + 2;
    const end = start + length;
    if (end > list.end) throw new MalformedDer("SCT overruns its list");
    const version = uint(bytes, start, 1, end);
    if (version !== 0) {
      // Only v1 has a defined layout (RFC 6962 §3.2): keep the rest raw.
      scts.push({
        version,
        logId: "",
        timestamp: 0,
        hashAlgorithm: "",
        signatureAlgorithm: "",
        signature: "",
        extensions: "",
        raw: bytesToHex(bytes, start + 1, end - start - 1),
      });
      offset = end;
      continue;
    }
    const logId = bytesToHex(bytes, start + 1, 32);
    const timestamp = uint(bytes, start + 33, 8, end);
    const extensionsLength = uint(bytes, start + 41, 2, end);
    const afterExtensions = start + 43 + extensionsLength;
    const hash = uint(bytes, afterExtensions, 1, end);
    const signatureType = uint(bytes, afterExtensions + 1, 1, end);
    const signatureLength = uint(bytes, afterExtensions + 2, 2, end);
    if (afterExtensions + 4 + signatureLength !== end) {
      throw new MalformedDer("SCT length");
    }
    scts.push({
      version,
      logId,
      timestamp,
      hashAlgorithm: TLS_HASHES[hash] ?? String(hash),
      signatureAlgorithm: TLS_SIGNATURES[signatureType] ??
        String(signatureType),
      signature: bytesToHex(bytes, afterExtensions + 4, signatureLength),
      extensions: bytesToHex(bytes, start + 43, extensionsLength),
    });
    offset = end;
  }
  return scts;
}

function authorityKeyIdentifier(
  bytes: Uint8Array,
  value: DerElement,
): X509AuthorityKeyIdentifier {
  const aki: X509AuthorityKeyIdentifier = {};
  for (
    const part of children(
      bytes,
      expectTag(value, TAG_SEQUENCE, "AuthorityKeyIdentifier"),
    )
  ) {
    const length = part.end - part.start;
    if (part.tag === 0x80) {
      aki.keyIdentifier = bytesToHex(bytes, part.start, length);
    } else if (part.tag === 0xa1) aki.issuer = generalNames(bytes, part);
    else if (part.tag === 0x82) {
      aki.serialNumber = bytesToHex(bytes, part.start, length);
    } else throw new MalformedDer("bad AuthorityKeyIdentifier field");
  }
  return aki;
}

/** Decoders of the extensions captured whole, by OID. */
const EXTENSION_DECODERS: ReadonlyMap<
  string,
  (bytes: Uint8Array, value: DerElement) => X509ExtensionValue
> = new Map<
  string,
  (bytes: Uint8Array, value: DerElement) => X509ExtensionValue
>([
  ["2.5.29.32", certificatePolicies],
  ["2.5.29.31", distributionPoints],
  ["2.5.29.46", distributionPoints],
  ["1.3.6.1.5.5.7.1.1", accessDescriptions],
  ["1.3.6.1.5.5.7.1.11", accessDescriptions],
  ["2.5.29.30", nameConstraints],
  ["2.5.29.36", policyConstraints],
  [
    "2.5.29.54",
    (bytes, value) =>
      smallInteger(bytes, expectTag(value, TAG_INTEGER, "an INTEGER")),
  ],
  ["1.3.6.1.4.1.11129.2.4.2", sctList],
  [
    "1.3.6.1.5.5.7.1.24",
    (bytes, value) =>
      children(bytes, expectTag(value, TAG_SEQUENCE, "a Features SEQUENCE"))
        .map((feature) =>
          smallInteger(bytes, expectTag(feature, TAG_INTEGER, "an INTEGER"))
        ),
  ],
  [
    "2.5.29.18",
    (bytes, value) =>
      generalNames(bytes, expectTag(value, TAG_SEQUENCE, "GeneralNames")),
  ],
  ["2.5.29.35", authorityKeyIdentifier],
]);

/**
 * Decodes a captured extension value (the OCTET STRING's content) of
 * extension `oid`: the decoded value for a known extension, the hex
 * otherwise. `malformed` is true when a known extension did not parse.
 *
 * @example
 * ```ts
 * import { decodeExtensionValue } from "./x509_extensions.ts";
 * const der = new Uint8Array([0x02, 0x01, 0x00]); // inhibitAnyPolicy 0
 * console.log(decodeExtensionValue("2.5.29.54", der, 0, 3)); // { value: 0, malformed: false }
 * ```
 *
 * @param oid The extension OID.
 * @param bytes Buffer.
 * @param start Content start.
 * @param length Content length.
 * @returns The value and whether a known one was malformed.
 */
export function decodeExtensionValue(
  oid: string,
  bytes: Uint8Array,
  start: number,
  length: number,
): { value: X509ExtensionValue; malformed: boolean } {
  const decoder = EXTENSION_DECODERS.get(oid);
  const hex = (): string => bytesToHex(bytes, start, length);
  if (decoder === undefined) return { value: hex(), malformed: false };
  try {
    const end = start + length;
    const element = readElement(bytes, start, end);
    if (element.end !== end) throw new MalformedDer("bytes after the value");
    return { value: decoder(bytes, element), malformed: false };
  } catch (error) {
    if (error instanceof MalformedDer) return { value: hex(), malformed: true };
    throw error;
  }
}

/**
 * Whether extension `oid` is decoded from captured bytes by
 * {@linkcode decodeExtensionValue}.
 *
 * @example
 * ```ts
 * import { isCapturedExtension } from "./x509_extensions.ts";
 * console.log(isCapturedExtension("2.5.29.32")); // true
 * ```
 *
 * @param oid Extension OID.
 * @returns True for the known captured extensions.
 */
export function isCapturedExtension(oid: string): boolean {
  return EXTENSION_DECODERS.has(oid);
}

function digestName(bytes: Uint8Array, algorithm: DerElement): string {
  const [oid] = children(
    bytes,
    expectTag(algorithm, TAG_SEQUENCE, "an AlgorithmIdentifier"),
  );
  const text = oidText(bytes, oid);
  return DIGEST_ALGORITHMS.get(text) ?? text;
}

/**
 * RSASSA-PSS-params from the content of an AlgorithmIdentifier's parameters
 * SEQUENCE, or `undefined` when they do not parse.
 *
 * @example
 * ```ts
 * import { decodePssParameters } from "./x509_extensions.ts";
 * console.log(decodePssParameters(new Uint8Array(0), 0, 0)?.saltLength); // 20
 * ```
 *
 * @param bytes Buffer holding the SEQUENCE's content.
 * @param start Where the content starts.
 * @param length Content length.
 * @returns The parameters with RFC 4055's defaults.
 */
export function decodePssParameters(
  bytes: Uint8Array,
  start: number,
  length: number,
): X509RsaPssParameters | undefined {
  const pss: X509RsaPssParameters = {
    hashAlgorithm: "sha1",
    maskGenAlgorithm: "mgf1",
    maskGenHashAlgorithm: "sha1",
    saltLength: 20,
    trailerField: 1,
  };
  try {
    const sequence = { tag: TAG_SEQUENCE, start, end: start + length };
    for (const part of children(bytes, sequence)) {
      const inner = readElement(bytes, part.start, part.end);
      if (part.tag === 0xa0) pss.hashAlgorithm = digestName(bytes, inner);
      else if (part.tag === 0xa1) {
        const [mgf, hash] = children(
          bytes,
          expectTag(inner, TAG_SEQUENCE, "maskGenAlgorithm"),
        );
        const oid = oidText(bytes, mgf);
        pss.maskGenAlgorithm = oid === MGF1_OID ? "mgf1" : oid;
        if (hash !== undefined) {
          pss.maskGenHashAlgorithm = digestName(bytes, hash);
        }
      } else if (part.tag === 0xa2) {
        pss.saltLength = smallInteger(
          bytes,
          expectTag(inner, TAG_INTEGER, "saltLength"),
        );
      } else if (part.tag === 0xa3) {
        pss.trailerField = smallInteger(
          bytes,
          expectTag(inner, TAG_INTEGER, "trailerField"),
        );
      } else return undefined;
    }
    return pss;
  } catch (error) {
    if (error instanceof MalformedDer) return undefined;
    throw error;
  }
}

/**
 * Key sizes from the content of a public key's parameters SEQUENCE:
 * DSA's prime size, or an explicit EC group's order and field sizes.
 *
 * @example
 * ```ts
 * import { keyParameterBits } from "./x509_extensions.ts";
 * const dsa = new Uint8Array([0x02, 0x01, 0x7f, 0x02, 0x01, 0x05, 0x02, 0x01, 0x02]);
 * console.log(keyParameterBits("dsa", dsa, 0, dsa.length)); // { bits: 7 }
 * ```
 *
 * @param algorithm `dsa` or `ec`.
 * @param bytes Buffer holding the SEQUENCE's content.
 * @param start Where the content starts.
 * @param length Content length.
 * @returns Sizes, or `undefined` when they do not parse.
 */
export function keyParameterBits(
  algorithm: string,
  bytes: Uint8Array,
  start: number,
  length: number,
): { bits: number; fieldBits?: number } | undefined {
  try {
    const parts = children(bytes, {
      tag: TAG_SEQUENCE,
      start,
      end: start + length,
    });
    if (algorithm === "dsa") {
      return {
        bits: integerBits(bytes, expectTag(parts[0], TAG_INTEGER, "p")),
      };
    }
    // ECParameters: version, fieldID, curve, base, order, cofactor?
    const [, fieldId, , , order] = parts;
    const [fieldType, fieldParameters] = children(
      bytes,
      expectTag(fieldId, TAG_SEQUENCE, "fieldID"),
    );
    const type = oidText(bytes, fieldType);
    let fieldBits: number;
    if (type === PRIME_FIELD_OID) {
      fieldBits = integerBits(
        bytes,
        expectTag(fieldParameters, TAG_INTEGER, "the prime"),
      );
    } else {
      const [m] = children(
        bytes,
        expectTag(fieldParameters, TAG_SEQUENCE, "Characteristic-two"),
      );
      fieldBits = smallInteger(bytes, expectTag(m, TAG_INTEGER, "m"));
    }
    return {
      bits: integerBits(bytes, expectTag(order, TAG_INTEGER, "the order")),
      fieldBits,
    };
  } catch (error) {
    if (error instanceof MalformedDer) return undefined;
    throw error;
  }
}
