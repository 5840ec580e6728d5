/**
 * The certificate grammar as a table of named roles and named transitions.
 *
 * Every DER element the decoder meets gets a role from {@linkcode nextRole}:
 * which role its parent has, which role its previous sibling had, and its
 * tag. The role says how the tokenizer treats the element
 * ({@linkcode ROLE_HANDLING}) and what the element means. Anything the
 * grammar does not name is {@linkcode Role.SKIPPED}: its bytes pass without
 * being parsed, which is why the stack depth is bounded by the grammar and
 * not by the input.
 *
 * @module
 */

/**
 * What an element is, by its place in the certificate. A `const enum`: the
 * grammar's switches then have literal case labels, which V8 compiles to a
 * jump table instead of one comparison per case (3.5% of a whole
 * certificate's time, A/B).
 */
export const enum Role {
  /** No element: the parent of the certificate, or "no previous sibling". */
  NONE = 0,
  /** The tag is not allowed here. */
  UNEXPECTED = 1,
  /** Present but not interesting: skipped unparsed. */
  SKIPPED = 2,
  CERTIFICATE = 3,
  TBS_CERTIFICATE = 4,
  CERTIFICATE_SIGNATURE_ALGORITHM = 5,
  CERTIFICATE_SIGNATURE_VALUE = 6,
  VERSION_WRAPPER = 7,
  VERSION = 8,
  SERIAL_NUMBER = 9,
  TBS_SIGNATURE_ALGORITHM = 10,
  SIGNATURE_ALGORITHM_OID = 11,
  SIGNATURE_ALGORITHM_PARAMETERS = 12,
  ISSUER = 13,
  SUBJECT = 14,
  RELATIVE_DISTINGUISHED_NAME = 15,
  ATTRIBUTE = 16,
  ATTRIBUTE_TYPE = 17,
  ATTRIBUTE_VALUE = 18,
  VALIDITY = 19,
  NOT_BEFORE = 20,
  NOT_AFTER = 21,
  SUBJECT_PUBLIC_KEY_INFO = 22,
  KEY_ALGORITHM = 23,
  KEY_ALGORITHM_OID = 24,
  KEY_ALGORITHM_PARAMETERS = 25,
  KEY_CURVE_OID = 26,
  KEY_BITS_OPAQUE = 27,
  KEY_BITS_RSA = 28,
  RSA_PUBLIC_KEY = 29,
  RSA_MODULUS = 30,
  RSA_EXPONENT = 31,
  ISSUER_UNIQUE_ID = 32,
  SUBJECT_UNIQUE_ID = 33,
  EXTENSIONS_WRAPPER = 34,
  EXTENSION_LIST = 35,
  EXTENSION = 36,
  EXTENSION_ID = 37,
  EXTENSION_CRITICAL = 38,
  EXTENSION_VALUE_OPAQUE = 39,
  EXTENSION_VALUE_PARSED = 40,
  SUBJECT_ALT_NAMES = 41,
  GENERAL_NAME = 42,
  BASIC_CONSTRAINTS = 43,
  BASIC_CONSTRAINTS_CA = 44,
  BASIC_CONSTRAINTS_PATH_LENGTH = 45,
  KEY_USAGE_BITS = 46,
  EXTENDED_KEY_USAGES = 47,
  EXTENDED_KEY_USAGE_OID = 48,
  SUBJECT_KEY_IDENTIFIER = 49,
  /** The outer signatureAlgorithm's OID and parameters. */
  OUTER_SIGNATURE_OID = 53,
  OUTER_SIGNATURE_PARAMETERS = 54,
}

/**
 * Every role by name, for error messages (a const enum has no object to
 * list). The type makes it complete and exact: a role missing here, or a
 * name with another role's value, does not compile.
 */
type RolesByName = { readonly [Name in keyof typeof Role]: typeof Role[Name] };
const ROLES_BY_NAME: RolesByName = {
  NONE: Role.NONE,
  UNEXPECTED: Role.UNEXPECTED,
  SKIPPED: Role.SKIPPED,
  CERTIFICATE: Role.CERTIFICATE,
  TBS_CERTIFICATE: Role.TBS_CERTIFICATE,
  CERTIFICATE_SIGNATURE_ALGORITHM: Role.CERTIFICATE_SIGNATURE_ALGORITHM,
  CERTIFICATE_SIGNATURE_VALUE: Role.CERTIFICATE_SIGNATURE_VALUE,
  VERSION_WRAPPER: Role.VERSION_WRAPPER,
  VERSION: Role.VERSION,
  SERIAL_NUMBER: Role.SERIAL_NUMBER,
  TBS_SIGNATURE_ALGORITHM: Role.TBS_SIGNATURE_ALGORITHM,
  SIGNATURE_ALGORITHM_OID: Role.SIGNATURE_ALGORITHM_OID,
  SIGNATURE_ALGORITHM_PARAMETERS: Role.SIGNATURE_ALGORITHM_PARAMETERS,
  ISSUER: Role.ISSUER,
  SUBJECT: Role.SUBJECT,
  RELATIVE_DISTINGUISHED_NAME: Role.RELATIVE_DISTINGUISHED_NAME,
  ATTRIBUTE: Role.ATTRIBUTE,
  ATTRIBUTE_TYPE: Role.ATTRIBUTE_TYPE,
  ATTRIBUTE_VALUE: Role.ATTRIBUTE_VALUE,
  VALIDITY: Role.VALIDITY,
  NOT_BEFORE: Role.NOT_BEFORE,
  NOT_AFTER: Role.NOT_AFTER,
  SUBJECT_PUBLIC_KEY_INFO: Role.SUBJECT_PUBLIC_KEY_INFO,
  KEY_ALGORITHM: Role.KEY_ALGORITHM,
  KEY_ALGORITHM_OID: Role.KEY_ALGORITHM_OID,
  KEY_ALGORITHM_PARAMETERS: Role.KEY_ALGORITHM_PARAMETERS,
  KEY_CURVE_OID: Role.KEY_CURVE_OID,
  KEY_BITS_OPAQUE: Role.KEY_BITS_OPAQUE,
  KEY_BITS_RSA: Role.KEY_BITS_RSA,
  RSA_PUBLIC_KEY: Role.RSA_PUBLIC_KEY,
  RSA_MODULUS: Role.RSA_MODULUS,
  RSA_EXPONENT: Role.RSA_EXPONENT,
  ISSUER_UNIQUE_ID: Role.ISSUER_UNIQUE_ID,
  SUBJECT_UNIQUE_ID: Role.SUBJECT_UNIQUE_ID,
  EXTENSIONS_WRAPPER: Role.EXTENSIONS_WRAPPER,
  EXTENSION_LIST: Role.EXTENSION_LIST,
  EXTENSION: Role.EXTENSION,
  EXTENSION_ID: Role.EXTENSION_ID,
  EXTENSION_CRITICAL: Role.EXTENSION_CRITICAL,
  EXTENSION_VALUE_OPAQUE: Role.EXTENSION_VALUE_OPAQUE,
  EXTENSION_VALUE_PARSED: Role.EXTENSION_VALUE_PARSED,
  SUBJECT_ALT_NAMES: Role.SUBJECT_ALT_NAMES,
  GENERAL_NAME: Role.GENERAL_NAME,
  BASIC_CONSTRAINTS: Role.BASIC_CONSTRAINTS,
  BASIC_CONSTRAINTS_CA: Role.BASIC_CONSTRAINTS_CA,
  BASIC_CONSTRAINTS_PATH_LENGTH: Role.BASIC_CONSTRAINTS_PATH_LENGTH,
  KEY_USAGE_BITS: Role.KEY_USAGE_BITS,
  EXTENDED_KEY_USAGES: Role.EXTENDED_KEY_USAGES,
  EXTENDED_KEY_USAGE_OID: Role.EXTENDED_KEY_USAGE_OID,
  SUBJECT_KEY_IDENTIFIER: Role.SUBJECT_KEY_IDENTIFIER,
  OUTER_SIGNATURE_OID: Role.OUTER_SIGNATURE_OID,
  OUTER_SIGNATURE_PARAMETERS: Role.OUTER_SIGNATURE_PARAMETERS,
};

/**
 * A role's name (`TBS_CERTIFICATE`), for error messages.
 *
 * @param role The role.
 * @returns Its name, or the number when it is not a role.
 */
export function roleName(role: Role): string {
  for (const [name, value] of Object.entries(ROLES_BY_NAME)) {
    if (value === role) return name;
  }
  return String(role);
}

/** How the tokenizer treats an element of a given role. */
export const enum Handling {
  /** Constructed: parse the children. */
  DESCEND = 0,
  /** BIT STRING wrapping DER: skip the unused-bits byte, parse the children. */
  DESCEND_BIT_STRING = 1,
  /** OCTET STRING wrapping DER: parse the children. */
  DESCEND_OCTET_STRING = 2,
  /** Keep the content bytes (up to the value cap) for a value decoder. */
  CAPTURE = 3,
  /** Count the INTEGER's significant bits without keeping it. */
  MEASURE_INTEGER = 4,
  /** Let the content pass. */
  SKIP = 5,
}

/** Which extension's value is being parsed. */
export const enum ExtensionKind {
  UNPARSED = 0,
  SUBJECT_ALT_NAME = 1,
  BASIC_CONSTRAINTS = 2,
  KEY_USAGE = 3,
  EXTENDED_KEY_USAGE = 4,
  SUBJECT_KEY_IDENTIFIER = 5,
}

/** Extension OIDs the decoder parses. */
export const PARSED_EXTENSIONS: ReadonlyMap<string, ExtensionKind> = new Map<
  string,
  ExtensionKind
>([
  ["2.5.29.17", ExtensionKind.SUBJECT_ALT_NAME],
  ["2.5.29.19", ExtensionKind.BASIC_CONSTRAINTS],
  ["2.5.29.15", ExtensionKind.KEY_USAGE],
  ["2.5.29.37", ExtensionKind.EXTENDED_KEY_USAGE],
  ["2.5.29.14", ExtensionKind.SUBJECT_KEY_IDENTIFIER],
]);

/**
 * Roles captured whole up to {@linkcode X509_LIMITS}.maxCapturedBytes
 * (instead of maxValueBytes): values decoded from their bytes afterwards.
 */
export const LARGE_CAPTURE_ROLES: readonly Role[] = [
  Role.SIGNATURE_ALGORITHM_PARAMETERS,
  Role.OUTER_SIGNATURE_OID,
  Role.OUTER_SIGNATURE_PARAMETERS,
  Role.CERTIFICATE_SIGNATURE_VALUE,
  Role.KEY_ALGORITHM_PARAMETERS,
  Role.EXTENSION_VALUE_OPAQUE,
];

/** Handling of each role, indexed by role. */
export const ROLE_HANDLING: Uint8Array = (() => {
  const table = new Uint8Array(64).fill(Handling.SKIP);
  const descend = [
    Role.CERTIFICATE,
    Role.TBS_CERTIFICATE,
    Role.VERSION_WRAPPER,
    Role.TBS_SIGNATURE_ALGORITHM,
    Role.CERTIFICATE_SIGNATURE_ALGORITHM,
    Role.ISSUER,
    Role.SUBJECT,
    Role.RELATIVE_DISTINGUISHED_NAME,
    Role.ATTRIBUTE,
    Role.VALIDITY,
    Role.SUBJECT_PUBLIC_KEY_INFO,
    Role.KEY_ALGORITHM,
    Role.RSA_PUBLIC_KEY,
    Role.EXTENSIONS_WRAPPER,
    Role.EXTENSION_LIST,
    Role.EXTENSION,
    Role.SUBJECT_ALT_NAMES,
    Role.BASIC_CONSTRAINTS,
    Role.EXTENDED_KEY_USAGES,
  ];
  for (const role of descend) table[role] = Handling.DESCEND;
  const capture = [
    Role.VERSION,
    Role.SERIAL_NUMBER,
    Role.SIGNATURE_ALGORITHM_OID,
    Role.ATTRIBUTE_TYPE,
    Role.ATTRIBUTE_VALUE,
    Role.NOT_BEFORE,
    Role.NOT_AFTER,
    Role.KEY_ALGORITHM_OID,
    Role.KEY_CURVE_OID,
    Role.EXTENSION_ID,
    Role.EXTENSION_CRITICAL,
    Role.GENERAL_NAME,
    Role.BASIC_CONSTRAINTS_CA,
    Role.BASIC_CONSTRAINTS_PATH_LENGTH,
    Role.KEY_USAGE_BITS,
    Role.EXTENDED_KEY_USAGE_OID,
    Role.SUBJECT_KEY_IDENTIFIER,
    ...LARGE_CAPTURE_ROLES,
  ];
  for (const role of capture) table[role] = Handling.CAPTURE;
  table[Role.KEY_BITS_RSA] = Handling.DESCEND_BIT_STRING;
  table[Role.EXTENSION_VALUE_PARSED] = Handling.DESCEND_OCTET_STRING;
  table[Role.RSA_MODULUS] = Handling.MEASURE_INTEGER;
  return table;
})();

/** Tag bytes the grammar names. */
const TAG_BOOLEAN = 0x01;
const TAG_INTEGER = 0x02;
const TAG_BIT_STRING = 0x03;
const TAG_OCTET_STRING = 0x04;
const TAG_OID = 0x06;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const TAG_CONTEXT_0_CONSTRUCTED = 0xa0;
const TAG_CONTEXT_1_PRIMITIVE = 0x81;
const TAG_CONTEXT_1_CONSTRUCTED = 0xa1;
const TAG_CONTEXT_2_PRIMITIVE = 0x82;
const TAG_CONTEXT_2_CONSTRUCTED = 0xa2;
const TAG_CONTEXT_3_CONSTRUCTED = 0xa3;
const CLASS_MASK = 0xc0;
const CLASS_CONTEXT = 0x80;

function isTime(tag: number): boolean {
  return tag === TAG_UTC_TIME || tag === TAG_GENERALIZED_TIME;
}

/** The extension value's inner element, by extension kind. */
function extensionValueRole(extension: ExtensionKind, tag: number): Role {
  switch (extension) {
    case ExtensionKind.SUBJECT_ALT_NAME:
      return tag === TAG_SEQUENCE ? Role.SUBJECT_ALT_NAMES : Role.UNEXPECTED;
    case ExtensionKind.BASIC_CONSTRAINTS:
      return tag === TAG_SEQUENCE ? Role.BASIC_CONSTRAINTS : Role.UNEXPECTED;
    case ExtensionKind.KEY_USAGE:
      return tag === TAG_BIT_STRING ? Role.KEY_USAGE_BITS : Role.UNEXPECTED;
    case ExtensionKind.EXTENDED_KEY_USAGE:
      return tag === TAG_SEQUENCE ? Role.EXTENDED_KEY_USAGES : Role.UNEXPECTED;
    case ExtensionKind.SUBJECT_KEY_IDENTIFIER:
      return tag === TAG_OCTET_STRING
        ? Role.SUBJECT_KEY_IDENTIFIER
        : Role.UNEXPECTED;
    default:
      return Role.UNEXPECTED;
  }
}

/**
 * The transition function: the role of the next child of a `parent` element
 * whose previous child had role `previous` (or {@linkcode Role.NONE}), given
 * the child's `tag`. {@linkcode Role.UNEXPECTED} rejects the tag.
 *
 * @param parent Role of the enclosing element.
 * @param previous Role of the previous sibling, or NONE for the first child.
 * @param tag The child's first tag byte.
 * @param keyIsRsa Whether the key algorithm seen so far is RSA or RSA-PSS.
 * @param extension Which extension is being read (for its value).
 * @returns The child's role.
 */
export function nextRole(
  parent: Role,
  previous: Role,
  tag: number,
  keyIsRsa: boolean,
  extension: ExtensionKind,
): Role {
  switch (parent) {
    case Role.NONE:
      return previous === Role.NONE && tag === TAG_SEQUENCE
        ? Role.CERTIFICATE
        : Role.UNEXPECTED;
    case Role.CERTIFICATE:
      if (previous === Role.NONE && tag === TAG_SEQUENCE) {
        return Role.TBS_CERTIFICATE;
      }
      if (previous === Role.TBS_CERTIFICATE && tag === TAG_SEQUENCE) {
        return Role.CERTIFICATE_SIGNATURE_ALGORITHM;
      }
      if (
        previous === Role.CERTIFICATE_SIGNATURE_ALGORITHM &&
        tag === TAG_BIT_STRING
      ) return Role.CERTIFICATE_SIGNATURE_VALUE;
      return Role.UNEXPECTED;
    case Role.TBS_CERTIFICATE:
      return nextTbsRole(previous, tag);
    case Role.VERSION_WRAPPER:
      return previous === Role.NONE && tag === TAG_INTEGER
        ? Role.VERSION
        : Role.UNEXPECTED;
    case Role.TBS_SIGNATURE_ALGORITHM:
      if (previous === Role.NONE) {
        return tag === TAG_OID ? Role.SIGNATURE_ALGORITHM_OID : Role.UNEXPECTED;
      }
      return previous === Role.SIGNATURE_ALGORITHM_OID
        ? Role.SIGNATURE_ALGORITHM_PARAMETERS
        : Role.UNEXPECTED;
    case Role.CERTIFICATE_SIGNATURE_ALGORITHM:
      if (previous === Role.NONE) {
        return tag === TAG_OID ? Role.OUTER_SIGNATURE_OID : Role.UNEXPECTED;
      }
      return previous === Role.OUTER_SIGNATURE_OID
        ? Role.OUTER_SIGNATURE_PARAMETERS
        : Role.UNEXPECTED;
    case Role.ISSUER:
    case Role.SUBJECT:
      return tag === TAG_SET
        ? Role.RELATIVE_DISTINGUISHED_NAME
        : Role.UNEXPECTED;
    case Role.RELATIVE_DISTINGUISHED_NAME:
      return tag === TAG_SEQUENCE ? Role.ATTRIBUTE : Role.UNEXPECTED;
    case Role.ATTRIBUTE:
      if (previous === Role.NONE) {
        return tag === TAG_OID ? Role.ATTRIBUTE_TYPE : Role.UNEXPECTED;
      }
      // The value may be any type; non-strings are kept as hex.
      return previous === Role.ATTRIBUTE_TYPE
        ? Role.ATTRIBUTE_VALUE
        : Role.UNEXPECTED;
    case Role.VALIDITY:
      if (!isTime(tag)) return Role.UNEXPECTED;
      if (previous === Role.NONE) return Role.NOT_BEFORE;
      return previous === Role.NOT_BEFORE ? Role.NOT_AFTER : Role.UNEXPECTED;
    case Role.SUBJECT_PUBLIC_KEY_INFO:
      if (previous === Role.NONE) {
        return tag === TAG_SEQUENCE ? Role.KEY_ALGORITHM : Role.UNEXPECTED;
      }
      if (previous === Role.KEY_ALGORITHM && tag === TAG_BIT_STRING) {
        return keyIsRsa ? Role.KEY_BITS_RSA : Role.KEY_BITS_OPAQUE;
      }
      return Role.UNEXPECTED;
    case Role.KEY_ALGORITHM:
      if (previous === Role.NONE) {
        return tag === TAG_OID ? Role.KEY_ALGORITHM_OID : Role.UNEXPECTED;
      }
      if (previous === Role.KEY_ALGORITHM_OID) {
        return tag === TAG_OID
          ? Role.KEY_CURVE_OID
          : Role.KEY_ALGORITHM_PARAMETERS;
      }
      return Role.UNEXPECTED;
    case Role.KEY_BITS_RSA:
      return previous === Role.NONE && tag === TAG_SEQUENCE
        ? Role.RSA_PUBLIC_KEY
        : Role.UNEXPECTED;
    case Role.RSA_PUBLIC_KEY:
      if (tag !== TAG_INTEGER) return Role.UNEXPECTED;
      if (previous === Role.NONE) return Role.RSA_MODULUS;
      return previous === Role.RSA_MODULUS
        ? Role.RSA_EXPONENT
        : Role.UNEXPECTED;
    case Role.EXTENSIONS_WRAPPER:
      return previous === Role.NONE && tag === TAG_SEQUENCE
        ? Role.EXTENSION_LIST
        : Role.UNEXPECTED;
    case Role.EXTENSION_LIST:
      return tag === TAG_SEQUENCE ? Role.EXTENSION : Role.UNEXPECTED;
    case Role.EXTENSION:
      if (previous === Role.NONE) {
        return tag === TAG_OID ? Role.EXTENSION_ID : Role.UNEXPECTED;
      }
      if (previous === Role.EXTENSION_ID && tag === TAG_BOOLEAN) {
        return Role.EXTENSION_CRITICAL;
      }
      if (
        (previous === Role.EXTENSION_ID ||
          previous === Role.EXTENSION_CRITICAL) && tag === TAG_OCTET_STRING
      ) {
        return extension === ExtensionKind.UNPARSED
          ? Role.EXTENSION_VALUE_OPAQUE
          : Role.EXTENSION_VALUE_PARSED;
      }
      return Role.UNEXPECTED;
    case Role.EXTENSION_VALUE_PARSED:
      return previous === Role.NONE
        ? extensionValueRole(extension, tag)
        : Role.UNEXPECTED;
    case Role.SUBJECT_ALT_NAMES:
      return (tag & CLASS_MASK) === CLASS_CONTEXT
        ? Role.GENERAL_NAME
        : Role.UNEXPECTED;
    case Role.BASIC_CONSTRAINTS:
      if (previous === Role.NONE && tag === TAG_BOOLEAN) {
        return Role.BASIC_CONSTRAINTS_CA;
      }
      if (
        (previous === Role.NONE || previous === Role.BASIC_CONSTRAINTS_CA) &&
        tag === TAG_INTEGER
      ) return Role.BASIC_CONSTRAINTS_PATH_LENGTH;
      return Role.UNEXPECTED;
    case Role.EXTENDED_KEY_USAGES:
      return tag === TAG_OID ? Role.EXTENDED_KEY_USAGE_OID : Role.UNEXPECTED;
    default:
      return Role.UNEXPECTED;
  }
}

/** Transitions inside TBSCertificate, in the order RFC 5280 fixes. */
function nextTbsRole(previous: Role, tag: number): Role {
  switch (previous) {
    case Role.NONE:
      if (tag === TAG_CONTEXT_0_CONSTRUCTED) return Role.VERSION_WRAPPER;
      return tag === TAG_INTEGER ? Role.SERIAL_NUMBER : Role.UNEXPECTED;
    case Role.VERSION_WRAPPER:
      return tag === TAG_INTEGER ? Role.SERIAL_NUMBER : Role.UNEXPECTED;
    case Role.SERIAL_NUMBER:
      return tag === TAG_SEQUENCE
        ? Role.TBS_SIGNATURE_ALGORITHM
        : Role.UNEXPECTED;
    case Role.TBS_SIGNATURE_ALGORITHM:
      return tag === TAG_SEQUENCE ? Role.ISSUER : Role.UNEXPECTED;
    case Role.ISSUER:
      return tag === TAG_SEQUENCE ? Role.VALIDITY : Role.UNEXPECTED;
    case Role.VALIDITY:
      return tag === TAG_SEQUENCE ? Role.SUBJECT : Role.UNEXPECTED;
    case Role.SUBJECT:
      return tag === TAG_SEQUENCE
        ? Role.SUBJECT_PUBLIC_KEY_INFO
        : Role.UNEXPECTED;
    case Role.SUBJECT_PUBLIC_KEY_INFO:
      if (
        tag === TAG_CONTEXT_1_PRIMITIVE || tag === TAG_CONTEXT_1_CONSTRUCTED
      ) {
        return Role.ISSUER_UNIQUE_ID;
      }
    // Falls through: issuerUniqueID is optional.
    case Role.ISSUER_UNIQUE_ID:
      if (
        tag === TAG_CONTEXT_2_PRIMITIVE || tag === TAG_CONTEXT_2_CONSTRUCTED
      ) {
        return Role.SUBJECT_UNIQUE_ID;
      }
    // Falls through: subjectUniqueID is optional.
    case Role.SUBJECT_UNIQUE_ID:
      return tag === TAG_CONTEXT_3_CONSTRUCTED
        ? Role.EXTENSIONS_WRAPPER
        : Role.UNEXPECTED;
    default:
      return Role.UNEXPECTED;
  }
}

/**
 * Whether a constructed element of role `parent` may end after a child of
 * role `last` (NONE: no children): the mandatory children were all seen.
 *
 * @param parent Role of the element that ends.
 * @param last Role of its last child, or NONE.
 * @returns True when the element is complete.
 */
export function isCompleteAfter(parent: Role, last: Role): boolean {
  switch (parent) {
    case Role.CERTIFICATE:
      return last === Role.CERTIFICATE_SIGNATURE_VALUE;
    case Role.TBS_CERTIFICATE:
      return last === Role.SUBJECT_PUBLIC_KEY_INFO ||
        last === Role.ISSUER_UNIQUE_ID || last === Role.SUBJECT_UNIQUE_ID ||
        last === Role.EXTENSIONS_WRAPPER;
    case Role.VERSION_WRAPPER:
      return last === Role.VERSION;
    case Role.TBS_SIGNATURE_ALGORITHM:
    case Role.CERTIFICATE_SIGNATURE_ALGORITHM:
    case Role.KEY_ALGORITHM:
    case Role.RELATIVE_DISTINGUISHED_NAME:
    case Role.EXTENSION_VALUE_PARSED:
      return last !== Role.NONE;
    case Role.ATTRIBUTE:
      return last === Role.ATTRIBUTE_VALUE;
    case Role.VALIDITY:
      return last === Role.NOT_AFTER;
    case Role.SUBJECT_PUBLIC_KEY_INFO:
      return last === Role.KEY_BITS_OPAQUE || last === Role.KEY_BITS_RSA;
    case Role.KEY_BITS_RSA:
      return last === Role.RSA_PUBLIC_KEY;
    case Role.RSA_PUBLIC_KEY:
      return last === Role.RSA_EXPONENT;
    case Role.EXTENSIONS_WRAPPER:
      return last === Role.EXTENSION_LIST;
    case Role.EXTENSION:
      return last === Role.EXTENSION_VALUE_OPAQUE ||
        last === Role.EXTENSION_VALUE_PARSED;
    default:
      // Lists (names, extensions, SANs, EKUs) and all-optional sequences.
      return true;
  }
}
