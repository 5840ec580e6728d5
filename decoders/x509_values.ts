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
  // The engine's native Uint8Array.prototype.toHex (ES2026; V8 ≥ 14, recent
  // Firefox and Safari) is ~7× faster on signatures and keys; below 32 bytes
  // the view it needs costs more than the loop saves.
  if (length >= NATIVE_HEX_MIN_BYTES && NATIVE_TO_HEX !== undefined) {
    // A whole array (a digest) needs no view.
    return NATIVE_TO_HEX.call(
      start === 0 && length === bytes.length
        ? bytes
        : bytes.subarray(start, start + length),
    );
  }
  // Eight bytes per String.fromCharCode call: one flat 16-character piece
  // instead of eight two-character concatenations.
  const codes = HEX_CODES;
  const end = start + length;
  let hex = "";
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const b0 = bytes[i], b1 = bytes[i + 1], b2 = bytes[i + 2];
    const b3 = bytes[i + 3], b4 = bytes[i + 4], b5 = bytes[i + 5];
    const b6 = bytes[i + 6], b7 = bytes[i + 7];
    hex += String.fromCharCode(
      codes[b0 >> 4],
      codes[b0 & 15],
      codes[b1 >> 4],
      codes[b1 & 15],
      codes[b2 >> 4],
      codes[b2 & 15],
      codes[b3 >> 4],
      codes[b3 & 15],
      codes[b4 >> 4],
      codes[b4 & 15],
      codes[b5 >> 4],
      codes[b5 & 15],
      codes[b6 >> 4],
      codes[b6 & 15],
      codes[b7 >> 4],
      codes[b7 & 15],
    );
  }
  for (; i < end; i++) hex += BYTE_HEX[bytes[i]];
  return hex;
}

const NATIVE_HEX_MIN_BYTES = 32;
/** `Uint8Array.prototype.toHex` where the engine has it. */
const NATIVE_TO_HEX: ((this: Uint8Array) => string) | undefined =
  (Uint8Array.prototype as { toHex?: (this: Uint8Array) => string }).toHex;

/** Character codes of the lowercase hex digits. */
const HEX_CODES = new Uint8Array(
  [..."0123456789abcdef"].map((digit) => digit.charCodeAt(0)),
);

/**
 * `bytes[start, start + length)` as Latin-1 code points (the ASCII string
 * types and T61String).
 */
function latin1(bytes: Uint8Array, start: number, length: number): string {
  // String.fromCharCode with exactly as many arguments as characters makes
  // one flat string without a view or an argument array: twice as fast as
  // fromCharCode.apply(null, subarray) on names of 2–40 characters.
  let text = "";
  while (length > 16) {
    text += latin1(bytes, start, 16);
    start += 16;
    length -= 16;
  }
  switch (length) {
    case 0:
      return text;
    case 1:
      return text + String.fromCharCode(bytes[start]);
    case 2:
      return text + String.fromCharCode(bytes[start], bytes[start + 1]);
    case 3:
      return text +
        String.fromCharCode(bytes[start], bytes[start + 1], bytes[start + 2]);
    case 4:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
        );
    case 5:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
        );
    case 6:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
        );
    case 7:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
        );
    case 8:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
        );
    case 9:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
          bytes[start + 8],
        );
    case 10:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
          bytes[start + 8],
          bytes[start + 9],
        );
    case 11:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
          bytes[start + 8],
          bytes[start + 9],
          bytes[start + 10],
        );
    case 12:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
          bytes[start + 8],
          bytes[start + 9],
          bytes[start + 10],
          bytes[start + 11],
        );
    case 13:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
          bytes[start + 8],
          bytes[start + 9],
          bytes[start + 10],
          bytes[start + 11],
          bytes[start + 12],
        );
    case 14:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
          bytes[start + 8],
          bytes[start + 9],
          bytes[start + 10],
          bytes[start + 11],
          bytes[start + 12],
          bytes[start + 13],
        );
    case 15:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
          bytes[start + 8],
          bytes[start + 9],
          bytes[start + 10],
          bytes[start + 11],
          bytes[start + 12],
          bytes[start + 13],
          bytes[start + 14],
        );
    case 16:
      return text +
        String.fromCharCode(
          bytes[start],
          bytes[start + 1],
          bytes[start + 2],
          bytes[start + 3],
          bytes[start + 4],
          bytes[start + 5],
          bytes[start + 6],
          bytes[start + 7],
          bytes[start + 8],
          bytes[start + 9],
          bytes[start + 10],
          bytes[start + 11],
          bytes[start + 12],
          bytes[start + 13],
          bytes[start + 14],
          bytes[start + 15],
        );
  }
  return text;
}

/** Whether `bytes[start, start + length)` is all ASCII (then UTF-8 equals Latin-1). */
function isAscii(bytes: Uint8Array, start: number, length: number): boolean {
  for (let i = start; i < start + length; i++) {
    if (bytes[i] >= 0x80) return false;
  }
  return true;
}

/** UTF-16BE (BMPString); an odd trailing byte is dropped. */
function utf16be(bytes: Uint8Array, start: number, length: number): string {
  let text = "";
  for (let i = start; i + 1 < start + length; i += 2) {
    text += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
  }
  return text;
}

/** UTF-32BE (UniversalString); invalid code points become U+FFFD. */
function utf32be(bytes: Uint8Array, start: number, length: number): string {
  let text = "";
  for (let i = start; i + 3 < start + length; i += 4) {
    const codePoint = ((bytes[i] << 24) | (bytes[i + 1] << 16) |
      (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    const valid = codePoint <= 0x10ffff &&
      (codePoint < 0xd800 || codePoint > 0xdfff);
    text += String.fromCodePoint(valid ? codePoint : 0xfffd);
  }
  return text;
}

/**
 * Decodes a directory string of ASN.1 universal `tag` from
 * `bytes[start, start + length)` to a JS string. Types that are not strings come back as `#` + hex, as
 * OpenSSL prints them.
 *
 * @param tag The element's tag byte.
 * @param bytes Buffer holding the content.
 * @param start Where the content starts in the buffer.
 * @param length Content length.
 * @returns The text.
 */
export function decodeDirectoryString(
  tag: number,
  bytes: Uint8Array,
  start: number,
  length: number,
): string {
  switch (tag) {
    case TAG_UTF8_STRING:
      return isAscii(bytes, start, length)
        ? latin1(bytes, start, length)
        : UTF8.decode(bytes.subarray(start, start + length));
    case TAG_PRINTABLE_STRING:
    case TAG_IA5_STRING:
    case TAG_NUMERIC_STRING:
    case TAG_VISIBLE_STRING:
    case TAG_T61_STRING:
    case TAG_GRAPHIC_STRING:
    case TAG_GENERAL_STRING:
      return latin1(bytes, start, length);
    case TAG_BMP_STRING:
      return utf16be(bytes, start, length);
    case TAG_UNIVERSAL_STRING:
      return utf32be(bytes, start, length);
    default:
      return "#" + bytesToHex(bytes, start, length);
  }
}

/** Text of an IA5String-like value (SAN dNSName, rfc822Name, URI). */
export function decodeAscii(
  bytes: Uint8Array,
  start: number,
  length: number,
): string {
  return latin1(bytes, start, length);
}

/**
 * Dotted text of an OBJECT IDENTIFIER's content bytes, or `undefined` when
 * the encoding is broken (empty, or ends inside an arc).
 *
 * @param bytes Buffer holding the content.
 * @param start Where the content starts in the buffer.
 * @param length Content length.
 * @returns The OID such as `2.5.4.3`.
 */
export function decodeOid(
  bytes: Uint8Array,
  start: number,
  length: number,
): string | undefined {
  // Name attribute types (2.5.4.x) and certificate extensions (2.5.29.x)
  // are most of a certificate's OIDs: read them from a table.
  if (
    length === 3 && bytes[start] === 0x55 && bytes[start + 2] < 0x80
  ) {
    const second = bytes[start + 1];
    if (second === 0x04) return OIDS_2_5_4[bytes[start + 2]];
    if (second === 0x1d) return OIDS_2_5_29[bytes[start + 2]];
  }
  // Certificates repeat a few dozen other OIDs: look the encoding up by a
  // hash before building the dotted text again.
  if (length > 0 && length <= MAX_CACHED_OID_BYTES) {
    let hash = 0x811c9dc5;
    for (let i = start; i < start + length; i++) {
      hash = Math.imul(hash ^ bytes[i], 0x01000193);
    }
    const cached = OID_CACHE.get(hash);
    if (cached && cached.bytes.length === length) {
      let same = true;
      for (let i = 0; i < length && same; i++) {
        same = cached.bytes[i] === bytes[start + i];
      }
      if (same) return cached.text;
    }
    const text = dottedOid(bytes, start, length);
    if (text !== undefined && OID_CACHE.size < MAX_CACHED_OIDS) {
      OID_CACHE.set(hash, { bytes: bytes.slice(start, start + length), text });
    }
    return text;
  }
  return dottedOid(bytes, start, length);
}

/** Dotted text of 2.5.4.0–127 and 2.5.29.0–127, by last arc. */
const OIDS_2_5_4: readonly string[] = Array.from(
  { length: 128 },
  (_, arc) => `2.5.4.${arc}`,
);
const OIDS_2_5_29: readonly string[] = Array.from(
  { length: 128 },
  (_, arc) => `2.5.29.${arc}`,
);

/** Bounded: attacker-chosen OIDs must not grow memory without limit. */
const MAX_CACHED_OIDS = 512;
const MAX_CACHED_OID_BYTES = 32;
const OID_CACHE = new Map<number, { bytes: Uint8Array; text: string }>();

function dottedOid(
  bytes: Uint8Array,
  start: number,
  length: number,
): string | undefined {
  if (length === 0 || (bytes[start + length - 1] & 0x80) !== 0) {
    return undefined;
  }
  let text = "";
  let arc = 0;
  let first = true;
  for (let i = start; i < start + length; i++) {
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

/**
 * A UTCTime or GeneralizedTime as ISO 8601 UTC text
 * (`YYYY-MM-DDTHH:MM:SS[.fff]Z`), or `undefined` when malformed.
 *
 * UTCTime years 50–99 are 1950–1999 and 00–49 are 2000–2049 (RFC 5280).
 * Seconds may be absent (BER); a `+hhmm`/`-hhmm` offset is applied.
 *
 * @param tag 0x17 (UTCTime) or 0x18 (GeneralizedTime).
 * @param bytes Buffer holding the content.
 * @param start Where the content starts in the buffer.
 * @param length Content length.
 * @returns The ISO text.
 */
export function decodeTime(
  tag: number,
  bytes: Uint8Array,
  start: number,
  length: number,
): string | undefined {
  // Never read past the content: it may sit inside the caller's chunk.
  if (length < (tag === TAG_UTC_TIME ? 10 : 12)) return undefined;
  let i = 0;
  let year: number;
  if (tag === TAG_UTC_TIME) {
    const yy = twoDigits(bytes, start + 0);
    if (yy < 0) return undefined;
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    i = 2;
  } else {
    const century = twoDigits(bytes, start + 0);
    const yy = twoDigits(bytes, start + 2);
    if (century < 0 || yy < 0) return undefined;
    year = century * 100 + yy;
    i = 4;
  }
  const month = twoDigits(bytes, start + i);
  const day = twoDigits(bytes, start + i + 2);
  const hour = twoDigits(bytes, start + i + 4);
  const minute = twoDigits(bytes, start + i + 6);
  i += 8;
  let second = 0;
  if (i + 1 < length && bytes[start + i] >= 0x30 && bytes[start + i] <= 0x39) {
    second = twoDigits(bytes, start + i);
    i += 2;
  }
  if (
    month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
    minute < 0 || minute > 59 || second < 0 || second > 60
  ) return undefined;
  let fraction = "";
  if (tag === TAG_GENERALIZED_TIME && i < length && bytes[start + i] === 0x2e) {
    i++;
    while (i < length && bytes[start + i] >= 0x30 && bytes[start + i] <= 0x39) {
      fraction += String.fromCharCode(bytes[start + i++]);
    }
    if (fraction === "") return undefined;
    fraction = "." + fraction;
  }
  let offsetMinutes = 0;
  if (i < length && bytes[start + i] === 0x5a /* Z */) {
    i++;
  } else if (
    i + 4 < length && (bytes[start + i] === 0x2b || bytes[start + i] === 0x2d)
  ) {
    const offsetHours = twoDigits(bytes, start + i + 1);
    const offsetMins = twoDigits(bytes, start + i + 3);
    if (offsetHours < 0 || offsetMins < 0) return undefined;
    offsetMinutes = (bytes[start + i] === 0x2b ? 1 : -1) *
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
  // One flat string from character codes instead of a dozen concatenations.
  const text = String.fromCharCode(
    DIGIT_0 + Math.floor(year / 1000),
    DIGIT_0 + Math.floor(year / 100) % 10,
    DIGIT_0 + Math.floor(year / 10) % 10,
    DIGIT_0 + year % 10,
    0x2d, // -
    DIGIT_0 + Math.floor(month / 10),
    DIGIT_0 + month % 10,
    0x2d, // -
    DIGIT_0 + Math.floor(day / 10),
    DIGIT_0 + day % 10,
    0x54, // T
    DIGIT_0 + Math.floor(hour / 10),
    DIGIT_0 + hour % 10,
    0x3a, // :
    DIGIT_0 + Math.floor(minute / 10),
    DIGIT_0 + minute % 10,
    0x3a, // :
    DIGIT_0 + Math.floor(second / 10),
    DIGIT_0 + second % 10,
  );
  return fraction === "" ? text + "Z" : text + fraction + "Z";
}

const DIGIT_0 = 0x30;

/**
 * An iPAddress SAN as text: dotted IPv4, RFC 5952 IPv6 (lowercase, longest
 * zero run compressed), or hex for other lengths (name-constraint ranges).
 *
 * @param bytes Buffer holding the content.
 * @param start Where the content starts in the buffer.
 * @param length Content length.
 * @returns The address text.
 */
export function formatIpAddress(
  bytes: Uint8Array,
  start: number,
  length: number,
): string {
  if (length === 4) {
    return bytes[start + 0] + "." + bytes[start + 1] + "." + bytes[start + 2] +
      "." + bytes[start + 3];
  }
  if (length !== 16) return bytesToHex(bytes, start, length);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((bytes[start + i] << 8) | bytes[start + i + 1]);
  }
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

/** PrintableString's characters (X.680 §41.4): letters, digits, ` '()+,-./:=?`. */
const PRINTABLE = (() => {
  const table = new Uint8Array(128);
  for (
    const c
      of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?"
  ) {
    table[c.charCodeAt(0)] = 1;
  }
  return table;
})();

/** Whether `bytes[start, start + length)` is well-formed UTF-8 (RFC 3629). */
function isUtf8(bytes: Uint8Array, start: number, length: number): boolean {
  const end = start + length;
  for (let i = start; i < end;) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let count: number, min: number, codePoint: number;
    if (lead >= 0xc2 && lead <= 0xdf) {
      [count, min, codePoint] = [1, 0x80, lead & 0x1f];
    } else if (lead >= 0xe0 && lead <= 0xef) {
      [count, min, codePoint] = [2, 0x800, lead & 0x0f];
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      [count, min, codePoint] = [3, 0x10000, lead & 0x07];
    } else return false;
    if (i + count >= end) return false;
    for (let k = 1; k <= count; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return false;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (
      codePoint < min || codePoint > 0x10ffff ||
      (codePoint >= 0xd800 && codePoint <= 0xdfff)
    ) return false;
    i += count + 1;
  }
  return true;
}

/**
 * Whether a string value obeys its ASN.1 type: UTF8String well-formed,
 * PrintableString/NumericString/VisibleString/IA5String within their
 * alphabets, BMPString of whole non-surrogate code units, UniversalString of
 * whole valid code points. T61, Graphic and General strings (8-bit, no
 * alphabet check here) and non-string types always pass.
 *
 * @example
 * ```ts
 * import { isValidString } from "./x509_values.ts";
 * console.log(isValidString(0x16, new Uint8Array([0xc3, 0xa9]), 0, 2)); // false: UTF-8 in an IA5String
 * ```
 *
 * @param tag The value's universal tag byte.
 * @param bytes Buffer holding the content.
 * @param start Where the content starts.
 * @param length Content length.
 * @returns True when the bytes are valid for the type.
 */
export function isValidString(
  tag: number,
  bytes: Uint8Array,
  start: number,
  length: number,
): boolean {
  const end = start + length;
  switch (tag) {
    case TAG_UTF8_STRING:
      return isAscii(bytes, start, length) || isUtf8(bytes, start, length);
    case TAG_IA5_STRING:
      return isAscii(bytes, start, length);
    case TAG_PRINTABLE_STRING:
      for (let i = start; i < end; i++) {
        if (bytes[i] >= 0x80 || PRINTABLE[bytes[i]] === 0) return false;
      }
      return true;
    case TAG_NUMERIC_STRING:
      for (let i = start; i < end; i++) {
        const byte = bytes[i];
        if (byte !== 0x20 && (byte < DIGIT_0 || byte > DIGIT_0 + 9)) {
          return false;
        }
      }
      return true;
    case TAG_VISIBLE_STRING:
      for (let i = start; i < end; i++) {
        if (bytes[i] < 0x20 || bytes[i] > 0x7e) return false;
      }
      return true;
    case TAG_BMP_STRING:
      if (length % 2 !== 0) return false;
      for (let i = start; i < end; i += 2) {
        if (bytes[i] >= 0xd8 && bytes[i] <= 0xdf) return false;
      }
      return true;
    case TAG_UNIVERSAL_STRING:
      if (length % 4 !== 0) return false;
      for (let i = start; i < end; i += 4) {
        const codePoint = ((bytes[i] << 24) | (bytes[i + 1] << 16) |
          (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
        if (
          codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)
        ) {
          return false;
        }
      }
      return true;
    default:
      return true;
  }
}
