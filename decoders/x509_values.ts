/**
 * Decoders for the primitive DER values a certificate carries: OIDs,
 * directory strings, times, IP addresses. Each takes a byte range of a
 * scratch buffer and never throws; a bad encoding yields `undefined`.
 *
 * @module
 */

/** Two-digit lowercase hex of every byte value. */
const BYTE_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, byte) => byte.toString(16).padStart(2, "0"),
);
const UTF8 = new TextDecoder("utf-8");

/** ASN.1 universal tags of the string types a directory name may use. */
const TAG_UTF8_STRING = 0x0c;
const TAG_NUMERIC_STRING = 0x12;
const TAG_PRINTABLE_STRING = 0x13;
const TAG_T61_STRING = 0x14;
const TAG_IA5_STRING = 0x16;
const TAG_GRAPHIC_STRING = 0x19;
const TAG_VISIBLE_STRING = 0x1a;
const TAG_GENERAL_STRING = 0x1b;
const TAG_UNIVERSAL_STRING = 0x1c;
const TAG_BMP_STRING = 0x1e;
/** Universal tags of the two time types. */
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;

/**
 * Lowercase hex of `bytes[start, start + length)`.
 *
 * @example
 * ```ts
 * import { bytesToHex } from "@zon/net/decoders";
 * console.log(bytesToHex(new Uint8Array([0, 255]))); // "00ff"
 * ```
 *
 * @param bytes Source bytes.
 * @param start First byte to print (default 0).
 * @param length How many bytes (default: to the end).
 * @returns The hex text.
 */
export function bytesToHex(
  bytes: Uint8Array,
  start = 0,
  length: number = bytes.length - start,
): string {
  let hex = "";
  for (let i = start; i < start + length; i++) {
    hex += BYTE_HEX[bytes[i]];
  }
  return hex;
}

/** Bytes as Latin-1 code points (the ASCII string types and T61String). */
function latin1(bytes: Uint8Array, length: number): string {
  // One call instead of one concatenation per character; values are capped
  // at 1,024 bytes, far below the engines' argument-count limits.
  return String.fromCharCode.apply(
    null,
    bytes.subarray(0, length) as unknown as number[],
  );
}

/** Whether `bytes[0, length)` is all ASCII (then UTF-8 equals Latin-1). */
function isAscii(bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[i] >= 0x80) return false;
  return true;
}

/** UTF-16BE (BMPString); an odd trailing byte is dropped. */
function utf16be(bytes: Uint8Array, length: number): string {
  let text = "";
  for (let i = 0; i + 1 < length; i += 2) {
    text += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
  }
  return text;
}

/** UTF-32BE (UniversalString); invalid code points become U+FFFD. */
function utf32be(bytes: Uint8Array, length: number): string {
  let text = "";
  for (let i = 0; i + 3 < length; i += 4) {
    const codePoint = ((bytes[i] << 24) | (bytes[i + 1] << 16) |
      (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    const valid = codePoint <= 0x10ffff &&
      (codePoint < 0xd800 || codePoint > 0xdfff);
    text += String.fromCodePoint(valid ? codePoint : 0xfffd);
  }
  return text;
}

/**
 * Decodes a directory string of ASN.1 universal `tag` from `bytes[0, length)`
 * to a JS string. Types that are not strings come back as `#` + hex, as
 * OpenSSL prints them.
 *
 * @param tag The element's tag byte.
 * @param bytes Scratch buffer holding the content.
 * @param length Content length in the buffer.
 * @returns The text.
 */
export function decodeDirectoryString(
  tag: number,
  bytes: Uint8Array,
  length: number,
): string {
  switch (tag) {
    case TAG_UTF8_STRING:
      return isAscii(bytes, length)
        ? latin1(bytes, length)
        : UTF8.decode(bytes.subarray(0, length));
    case TAG_PRINTABLE_STRING:
    case TAG_IA5_STRING:
    case TAG_NUMERIC_STRING:
    case TAG_VISIBLE_STRING:
    case TAG_T61_STRING:
    case TAG_GRAPHIC_STRING:
    case TAG_GENERAL_STRING:
      return latin1(bytes, length);
    case TAG_BMP_STRING:
      return utf16be(bytes, length);
    case TAG_UNIVERSAL_STRING:
      return utf32be(bytes, length);
    default:
      return "#" + bytesToHex(bytes, 0, length);
  }
}

/** Text of an IA5String-like value (SAN dNSName, rfc822Name, URI). */
export function decodeAscii(bytes: Uint8Array, length: number): string {
  return latin1(bytes, length);
}

/**
 * Dotted text of an OBJECT IDENTIFIER's content bytes, or `undefined` when
 * the encoding is broken (empty, or ends inside an arc).
 *
 * @param bytes Scratch buffer holding the content.
 * @param length Content length in the buffer.
 * @returns The OID such as `2.5.4.3`.
 */
export function decodeOid(
  bytes: Uint8Array,
  length: number,
): string | undefined {
  // Certificates repeat a few dozen OIDs: look the encoding up by a hash
  // before building the dotted text again.
  if (length > 0 && length <= MAX_CACHED_OID_BYTES) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < length; i++) {
      hash = Math.imul(hash ^ bytes[i], 0x01000193);
    }
    const cached = OID_CACHE.get(hash);
    if (cached && cached.bytes.length === length) {
      let same = true;
      for (let i = 0; i < length && same; i++) {
        same = cached.bytes[i] === bytes[i];
      }
      if (same) return cached.text;
    }
    const text = dottedOid(bytes, length);
    if (text !== undefined && OID_CACHE.size < MAX_CACHED_OIDS) {
      OID_CACHE.set(hash, { bytes: bytes.slice(0, length), text });
    }
    return text;
  }
  return dottedOid(bytes, length);
}

/** Bounded: attacker-chosen OIDs must not grow memory without limit. */
const MAX_CACHED_OIDS = 512;
const MAX_CACHED_OID_BYTES = 32;
const OID_CACHE = new Map<number, { bytes: Uint8Array; text: string }>();

function dottedOid(
  bytes: Uint8Array,
  length: number,
): string | undefined {
  if (length === 0 || (bytes[length - 1] & 0x80) !== 0) return undefined;
  let text = "";
  let arc = 0;
  let first = true;
  for (let i = 0; i < length; i++) {
    // Above 2^46 another 7-bit step would lose precision; such OIDs do not
    // occur in certificates, so print them as broken rather than wrong.
    if (arc > 0x3fffffffffff) return undefined;
    arc = arc * 128 + (bytes[i] & 0x7f);
    if ((bytes[i] & 0x80) !== 0) continue;
    if (first) {
      // The first subidentifier packs two arcs: 40 * X + Y, X in 0..2.
      const top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
      text = top + "." + (arc - top * 40);
      first = false;
    } else {
      text += "." + arc;
    }
    arc = 0;
  }
  return text;
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(bytes: Uint8Array, i: number): number {
  const high = bytes[i] - 0x30;
  const low = bytes[i + 1] - 0x30;
  if (high < 0 || high > 9 || low < 0 || low > 9) return -1;
  return high * 10 + low;
}

function pad2(value: number): string {
  return value < 10 ? "0" + value : "" + value;
}

/**
 * A UTCTime or GeneralizedTime as ISO 8601 UTC text
 * (`YYYY-MM-DDTHH:MM:SS[.fff]Z`), or `undefined` when malformed.
 *
 * UTCTime years 50–99 are 1950–1999 and 00–49 are 2000–2049 (RFC 5280).
 * Seconds may be absent (BER); a `+hhmm`/`-hhmm` offset is applied.
 *
 * @param tag 0x17 (UTCTime) or 0x18 (GeneralizedTime).
 * @param bytes Scratch buffer holding the content.
 * @param length Content length in the buffer.
 * @returns The ISO text.
 */
export function decodeTime(
  tag: number,
  bytes: Uint8Array,
  length: number,
): string | undefined {
  let i = 0;
  let year: number;
  if (tag === TAG_UTC_TIME) {
    const yy = twoDigits(bytes, 0);
    if (yy < 0) return undefined;
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    i = 2;
  } else {
    const century = twoDigits(bytes, 0);
    const yy = twoDigits(bytes, 2);
    if (century < 0 || yy < 0) return undefined;
    year = century * 100 + yy;
    i = 4;
  }
  if (length < i + 8) return undefined;
  const month = twoDigits(bytes, i);
  const day = twoDigits(bytes, i + 2);
  const hour = twoDigits(bytes, i + 4);
  const minute = twoDigits(bytes, i + 6);
  i += 8;
  let second = 0;
  if (i + 1 < length && bytes[i] >= 0x30 && bytes[i] <= 0x39) {
    second = twoDigits(bytes, i);
    i += 2;
  }
  if (
    month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
    minute < 0 || minute > 59 || second < 0 || second > 60
  ) return undefined;
  let fraction = "";
  if (tag === TAG_GENERALIZED_TIME && i < length && bytes[i] === 0x2e) {
    i++;
    while (i < length && bytes[i] >= 0x30 && bytes[i] <= 0x39) {
      fraction += String.fromCharCode(bytes[i++]);
    }
    if (fraction === "") return undefined;
    fraction = "." + fraction;
  }
  let offsetMinutes = 0;
  if (i < length && bytes[i] === 0x5a /* Z */) {
    i++;
  } else if (i + 4 < length && (bytes[i] === 0x2b || bytes[i] === 0x2d)) {
    const offsetHours = twoDigits(bytes, i + 1);
    const offsetMins = twoDigits(bytes, i + 3);
    if (offsetHours < 0 || offsetMins < 0) return undefined;
    offsetMinutes = (bytes[i] === 0x2b ? 1 : -1) *
      (offsetHours * 60 + offsetMins);
    i += 5;
  } else {
    return undefined;
  }
  if (i !== length) return undefined;
  if (offsetMinutes !== 0) {
    // Date handles the calendar arithmetic; years 0–9999 are all in range.
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute - offsetMinutes, second);
    return utc.toISOString().slice(0, 19) + fraction + "Z";
  }
  const yearText = year < 1000 ? ("000" + year).slice(-4) : "" + year;
  return yearText + "-" + pad2(month) + "-" + pad2(day) + "T" + pad2(hour) +
    ":" + pad2(minute) + ":" + pad2(second) + fraction + "Z";
}

/**
 * An iPAddress SAN as text: dotted IPv4, RFC 5952 IPv6 (lowercase, longest
 * zero run compressed), or hex for other lengths (name-constraint ranges).
 *
 * @param bytes Scratch buffer holding the content.
 * @param length Content length in the buffer.
 * @returns The address text.
 */
export function formatIpAddress(bytes: Uint8Array, length: number): string {
  if (length === 4) {
    return bytes[0] + "." + bytes[1] + "." + bytes[2] + "." + bytes[3];
  }
  if (length !== 16) return bytesToHex(bytes, 0, length);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  // Longest run of two or more zero groups, first one on ties (RFC 5952 §4.2).
  let bestStart = -1, bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return hex.slice(0, bestStart).join(":") + "::" +
    hex.slice(bestStart + bestLength).join(":");
}
