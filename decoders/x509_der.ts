/**
 * A small, bounded DER reader for the values the streaming decoder captures
 * whole (extension values, algorithm parameters, GeneralNames). The captured
 * bytes are capped, so reading them as a tree costs O(cap), never O(input).
 *
 * Every reader throws {@linkcode MalformedDer} on a broken encoding; the
 * extension decoders catch exactly that error and report the value as raw.
 *
 * @module
 */

import { decodeOid } from "./x509_values.ts";

/**
 * A DER encoding that breaks the expected structure.
 *
 * @example
 * ```ts
 * import { MalformedDer } from "./x509_der.ts";
 * const error = new MalformedDer("expected a SEQUENCE");
 * console.log(error.message);
 * ```
 */
export class MalformedDer extends Error {
  /**
   * @param message What was expected.
   */
  constructor(message: string) {
    super(message);
    this.name = "MalformedDer";
  }
}

/**
 * One element: its tag byte and where its content lies in the buffer.
 *
 * @example
 * ```ts
 * import type { DerElement } from "./x509_der.ts";
 * const element: DerElement = { tag: 0x30, start: 2, end: 10 };
 * ```
 */
export interface DerElement {
  /** The (low-number) tag byte. */
  tag: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just past the last content byte. */
  end: number;
}

const HIGH_TAG_NUMBER = 0x1f;
const LENGTH_LONG_FORM = 0x80;
const MAX_LENGTH_BYTES = 4;

/**
 * Reads the element that starts at `offset` and must end by `limit`.
 *
 * @example
 * ```ts
 * import { readElement } from "./x509_der.ts";
 * console.log(readElement(new Uint8Array([0x04, 0x01, 0xff]), 0, 3)); // { tag: 4, start: 2, end: 3 }
 * ```
 *
 * @param bytes The buffer.
 * @param offset Where the element's tag is.
 * @param limit Where the enclosing content ends.
 * @returns The element.
 */
export function readElement(
  bytes: Uint8Array,
  offset: number,
  limit: number,
): DerElement {
  if (offset + 2 > limit) throw new MalformedDer("element header cut short");
  const tag = bytes[offset];
  if ((tag & HIGH_TAG_NUMBER) === HIGH_TAG_NUMBER) {
    throw new MalformedDer("high tag numbers are not used here");
  }
  let length = bytes[offset + 1];
  let start = offset + 2;
  if (length >= LENGTH_LONG_FORM) {
    const count = length - LENGTH_LONG_FORM;
    if (count === 0 || count > MAX_LENGTH_BYTES || start + count > limit) {
      throw new MalformedDer("bad length field");
    }
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + bytes[start + k];
    start += count;
  }
  if (start + length > limit) throw new MalformedDer("element overruns parent");
  return { tag, start, end: start + length };
}

/**
 * The children of `parent`, which must fill its content exactly.
 *
 * @example
 * ```ts
 * import { children, readElement } from "./x509_der.ts";
 * const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);
 * console.log(children(der, readElement(der, 0, der.length)).length); // 1
 * ```
 *
 * @param bytes The buffer.
 * @param parent A constructed element.
 * @returns Its children in order.
 */
export function children(bytes: Uint8Array, parent: DerElement): DerElement[] {
  const list: DerElement[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = readElement(bytes, offset, parent.end);
    list.push(child);
    offset = child.end;
  }
  return list;
}

/**
 * Checks an element's tag.
 *
 * @example
 * ```ts
 * import { expectTag } from "./x509_der.ts";
 * expectTag({ tag: 0x30, start: 0, end: 0 }, 0x30, "a SEQUENCE");
 * ```
 *
 * @param element The element.
 * @param tag The tag byte expected.
 * @param what Its description for the error message.
 * @returns The element.
 */
export function expectTag(
  element: DerElement | undefined,
  tag: number,
  what: string,
): DerElement {
  if (element === undefined || element.tag !== tag) {
    throw new MalformedDer(`expected ${what}`);
  }
  return element;
}

/**
 * The dotted text of an OBJECT IDENTIFIER element.
 *
 * @example
 * ```ts
 * import { oidText } from "./x509_der.ts";
 * const der = new Uint8Array([0x06, 0x03, 0x55, 0x04, 0x03]);
 * console.log(oidText(der, { tag: 6, start: 2, end: 5 })); // "2.5.4.3"
 * ```
 *
 * @param bytes The buffer.
 * @param element An OID element.
 * @returns The dotted OID.
 */
export function oidText(bytes: Uint8Array, element: DerElement): string {
  expectTag(element, 0x06, "an OBJECT IDENTIFIER");
  const oid = decodeOid(bytes, element.start, element.end - element.start);
  if (oid === undefined) throw new MalformedDer("malformed OBJECT IDENTIFIER");
  return oid;
}

/**
 * A small non-negative INTEGER's value (at most 6 content bytes).
 *
 * @example
 * ```ts
 * import { smallInteger } from "./x509_der.ts";
 * const der = new Uint8Array([0x02, 0x01, 0x05]);
 * console.log(smallInteger(der, { tag: 2, start: 2, end: 3 })); // 5
 * ```
 *
 * @param bytes The buffer.
 * @param element The element (any tag: implicit tagging is common).
 * @returns The value.
 */
export function smallInteger(bytes: Uint8Array, element: DerElement): number {
  const length = element.end - element.start;
  if (length === 0 || length > 6 || (bytes[element.start] & 0x80) !== 0) {
    throw new MalformedDer("INTEGER out of range");
  }
  let value = 0;
  for (let i = element.start; i < element.end; i++) {
    value = value * 256 + bytes[i];
  }
  return value;
}

/**
 * Significant bits of an unsigned INTEGER's content (leading zeros skipped).
 *
 * @example
 * ```ts
 * import { integerBits } from "./x509_der.ts";
 * const der = new Uint8Array([0x02, 0x02, 0x00, 0x80]);
 * console.log(integerBits(der, { tag: 2, start: 2, end: 4 })); // 8
 * ```
 *
 * @param bytes The buffer.
 * @param element An INTEGER element.
 * @returns The bit length (0 for zero).
 */
export function integerBits(bytes: Uint8Array, element: DerElement): number {
  for (let i = element.start; i < element.end; i++) {
    if (bytes[i] !== 0) {
      return (element.end - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
    }
  }
  return 0;
}
