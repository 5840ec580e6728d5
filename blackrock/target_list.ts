/**
 * Target lists as text (masscan's `-iL` / `--excludefile` files): items
 * separated by whitespace or commas, `#` comments to the end of the line.
 * A {@link TargetSet} reads a {@link TargetText} in place, item by item,
 * so a list of a million lines costs its text and the ranges — not a
 * million strings.
 *
 * @module
 */

import { type AddressRange, parseAddressRange } from "./address_range.ts";
import { ScannedItem, scanTargetText } from "./target_text.ts";

const HASH = 35, COMMA = 44, NEWLINE = 10, CR = 13;

/** JavaScript's `\s` (what the list syntax splits on), by char code. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f ||
    c === 0x3000 || c === 0xfeff;
}

/** Where a `#` comment stops: any line terminator (as regex `.` does). */
function endsLine(c: number): boolean {
  return c === NEWLINE || c === CR || c === 0x2028 || c === 0x2029;
}

/**
 * Walks the items of a list text without allocating: after each
 * successful {@link ItemCursor.next}, the item is `text[start..end)` on
 * 1-based line `line`.
 */
export class ItemCursor {
  /** First character of the current item. */
  start = 0;
  /** One past its last character. */
  end = 0;
  /** Its line number (1-based; lines end at `\n`). */
  line = 1;
  #at = 0;
  #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  /** Moves to the next item; false at the end of the text. */
  next(): boolean {
    const text = this.#text, n = text.length;
    let i = this.#at;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      else if (c === HASH) {
        while (i + 1 < n && !endsLine(text.charCodeAt(i + 1))) i++;
      } else if (c !== COMMA && !isSpace(c)) break;
    }
    if (i >= n) {
      this.#at = n;
      return false;
    }
    this.start = i;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === HASH || c === COMMA || isSpace(c)) break;
    }
    this.end = this.#at = i;
    return true;
  }
}

/**
 * A target list as text, named for messages: `TargetSet` reports a bad item
 * as `source:line: bad target "..."`.
 *
 * @example
 * ```ts
 * import { TargetSet, TargetText } from "@zon/net/blackrock";
 * const list = new TargetText("198.18.0.0/30 # lab\n198.18.0.9, 198.18.0.10\n", "lab.txt");
 * console.log([...list.items()]); // [ "198.18.0.0/30", "198.18.0.9", "198.18.0.10" ]
 * console.log(new TargetSet({ include: [list] }).count); // 6
 * ```
 */
export class TargetText {
  /** The list's text. */
  readonly text: string;
  /** Where it came from (a file name, a flag), for messages. */
  readonly source: string;

  /**
   * Wraps `text`; nothing is parsed until a TargetSet reads it.
   *
   * @example
   * ```ts
   * import { TargetText } from "@zon/net/blackrock";
   * console.log(new TargetText("198.18.0.1", "-iL f").source); // "-iL f"
   * ```
   */
  constructor(text: string, source: string = "target list") {
    this.text = text;
    this.source = source;
  }

  /**
   * The items as strings, in order (for echoing a configuration; a
   * TargetSet does not need them).
   *
   * @example
   * ```ts
   * import { TargetText } from "@zon/net/blackrock";
   * console.log([...new TargetText("a,b c#d\ne").items()]); // [ "a", "b", "c", "e" ]
   * ```
   */
  *items(): IterableIterator<string> {
    const cursor = new ItemCursor(this.text);
    while (cursor.next()) yield this.text.slice(cursor.start, cursor.end);
  }

  /**
   * Every item parsed, in order. Throws a `SyntaxError` naming the source
   * and line of the first bad item.
   *
   * @example
   * ```ts
   * import { TargetText } from "@zon/net/blackrock";
   * console.log(new TargetText("198.18.0.0/31").ranges()); // [ { version: 4, begin: 3323068416, end: 3323068417 } ]
   * try { new TargetText("198.18.0.1\nbogus", "ex.txt").ranges(); } catch (e) { console.log((e as Error).message); }
   * ```
   */
  ranges(): AddressRange[] {
    const out: AddressRange[] = [], cursor = new ItemCursor(this.text);
    const s = new ScannedItem();
    while (cursor.next()) {
      if (!scanTargetText(this.text, cursor.start, cursor.end, s)) {
        out.push(parseItemAt(this, cursor));
      } else if (s.version === 4) {
        out.push({ version: 4, begin: s.begin4, end: s.end4 });
      } else {
        out.push({
          version: 6,
          begin: toBigint(s.begin6),
          end: toBigint(s.end6),
        });
      }
    }
    return out;
  }
}

function toBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * The item under `cursor` through the reference parser, its error (if
 * any) prefixed with `source:line: `.
 */
export function parseItemAt(
  list: TargetText,
  cursor: ItemCursor,
): AddressRange {
  try {
    return parseAddressRange(list.text.slice(cursor.start, cursor.end));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new SyntaxError(`${list.source}:${cursor.line}: ${e.message}`, {
      cause: e,
    });
  }
}
