/**
 * Target lists as text (masscan's `-iL` / `--excludefile` files): items
 * separated by whitespace or commas, `#` comments to the end of the line.
 * A {@link TargetSet} reads a {@link TargetText} in place, as UTF-8 bytes,
 * item by item — from one buffer or streamed in chunks — so a list of a
 * million lines costs its ranges, not a million strings.
 *
 * @module
 */

import { type AddressRange, parseAddressRange } from "./address_range.ts";
import { ScannedItem, scanTargetText } from "./target_text.ts";

const HASH = 35, COMMA = 44, NEWLINE = 10, CR = 13;

/**
 * Length of the JavaScript `\s` character (what the list syntax splits on)
 * encoded at `bytes[i]`, or 0: ASCII spaces, and the UTF-8 forms of U+00A0,
 * U+1680, U+2000–U+200A, U+2028/9, U+202F, U+205F, U+3000 and U+FEFF.
 */
function spaceLength(bytes: Uint8Array, i: number): number {
  const c = bytes[i];
  if (c === 32 || (c >= 9 && c <= 13)) return 1;
  if (c < 0xc2) return 0;
  const c1 = bytes[i + 1], c2 = bytes[i + 2];
  if (c === 0xc2) return c1 === 0xa0 ? 2 : 0;
  if (c === 0xe1) return c1 === 0x9a && c2 === 0x80 ? 3 : 0;
  if (c === 0xe2 && c1 === 0x80) {
    return c2 <= 0x8a && c2 >= 0x80 || c2 === 0xa8 || c2 === 0xa9 ||
        c2 === 0xaf
      ? 3
      : 0;
  }
  if (c === 0xe2) return c1 === 0x81 && c2 === 0x9f ? 3 : 0;
  if (c === 0xe3) return c1 === 0x80 && c2 === 0x80 ? 3 : 0;
  if (c === 0xef) return c1 === 0xbb && c2 === 0xbf ? 3 : 0;
  return 0;
}

/** Whether a `#` comment stops here: a line terminator (as regex `.`). */
function endsLine(bytes: Uint8Array, i: number): boolean {
  const c = bytes[i];
  return c === NEWLINE || c === CR ||
    (c === 0xe2 && bytes[i + 1] === 0x80 &&
      (bytes[i + 2] === 0xa8 || bytes[i + 2] === 0xa9));
}

/**
 * Walks the items of UTF-8 list text without allocating: after each
 * successful {@link ItemCursor.next}, the item is `bytes[start..end)` on
 * 1-based line `line`. {@link ItemCursor.reset} moves it to the next chunk
 * (which must begin a line), keeping the line count.
 */
export class ItemCursor {
  /** First byte of the current item. */
  start = 0;
  /** One past its last byte. */
  end = 0;
  /** Its line number (1-based; lines end at `\n`). */
  line = 1;
  #at = 0;
  #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Continues in `bytes` (a chunk that starts a new line). */
  reset(bytes: Uint8Array): void {
    this.#bytes = bytes;
    this.#at = 0;
  }

  /** Moves to the next item; false at the end of the bytes. */
  next(): boolean {
    const bytes = this.#bytes, n = bytes.length;
    let i = this.#at;
    while (i < n) {
      const c = bytes[i];
      if (c === NEWLINE) this.line++;
      else if (c === HASH) {
        while (i + 1 < n && !endsLine(bytes, i + 1)) i++;
      } else if (c !== COMMA) {
        const space = spaceLength(bytes, i);
        if (space === 0) break;
        i += space;
        continue;
      }
      i++;
    }
    if (i >= n) {
      this.#at = n;
      return false;
    }
    this.start = i;
    for (; i < n; i++) {
      const c = bytes[i];
      if (c === HASH || c === COMMA || spaceLength(bytes, i) > 0) break;
    }
    this.end = this.#at = i;
    return true;
  }
}

/** A list streamed in pieces: each call starts reading from the beginning. */
export type ByteChunks = () => Iterable<Uint8Array>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A target list as text, named for messages: `TargetSet` reports a bad item
 * as `source:line: bad target "..."`. The text is a string, its UTF-8
 * bytes, or a function yielding them in chunks (so a file need not be held
 * in memory whole: it is read once to count lines and once to parse).
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
  /** Where it came from (a file name, a flag), for messages. */
  readonly source: string;
  #text: Uint8Array | ByteChunks;

  /**
   * Wraps the text; nothing is parsed until a TargetSet reads it.
   *
   * @example
   * ```ts
   * import { TargetText } from "@zon/net/blackrock";
   * const bytes = new TextEncoder().encode("198.18.0.1\n");
   * console.log(new TargetText(bytes, "-iL f").source); // "-iL f"
   * ```
   */
  constructor(
    text: string | Uint8Array | ByteChunks,
    source: string = "target list",
  ) {
    this.#text = typeof text === "string" ? encoder.encode(text) : text;
    this.source = source;
  }

  /**
   * The text in pieces that each end at a line break (or the end): a
   * chunk's unfinished last line is carried into the next piece.
   *
   * @example
   * ```ts
   * import { TargetText } from "@zon/net/blackrock";
   * const enc = new TextEncoder();
   * const list = new TargetText(() => [enc.encode("198.18.0.1\n198.1"), enc.encode("8.0.2\n")]);
   * console.log([...list.pieces()].length); // 2
   * ```
   */
  *pieces(): IterableIterator<Uint8Array> {
    if (this.#text instanceof Uint8Array) {
      yield this.#text;
      return;
    }
    // An unfinished line, kept as copied parts (joined once it ends, so a
    // huge line costs one copy, not one per chunk).
    let carry: Uint8Array[] = [];
    for (const chunk of this.#text()) {
      const cut = chunk.lastIndexOf(NEWLINE) + 1;
      if (cut === 0) {
        carry.push(chunk.slice());
        continue;
      }
      // Read before the next chunk arrives: no copy unless there is a carry.
      const head = chunk.subarray(0, cut);
      yield carry.length ? join([...carry, head]) : head;
      carry = cut < chunk.length ? [chunk.slice(cut)] : [];
    }
    if (carry.length > 0) yield join(carry);
  }

  /**
   * How many lines the text has (a `\n` count + 1): the size hint a
   * TargetSet gives its range lists.
   *
   * @example
   * ```ts
   * import { TargetText } from "@zon/net/blackrock";
   * console.log(new TargetText("a\nb\n").lineCount()); // 3
   * ```
   */
  lineCount(): number {
    let lines = 1;
    for (const piece of this.pieces()) {
      for (let at = piece.indexOf(NEWLINE); at >= 0;) {
        lines++;
        at = piece.indexOf(NEWLINE, at + 1);
      }
    }
    return lines;
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
    const cursor = new ItemCursor(new Uint8Array(0));
    for (const piece of this.pieces()) {
      cursor.reset(piece);
      while (cursor.next()) {
        yield decoder.decode(piece.subarray(cursor.start, cursor.end));
      }
    }
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
    const out: AddressRange[] = [], s = new ScannedItem();
    const cursor = new ItemCursor(new Uint8Array(0));
    for (const piece of this.pieces()) {
      cursor.reset(piece);
      while (cursor.next()) {
        if (!scanTargetText(piece, cursor.start, cursor.end, s)) {
          out.push(parseItemAt(this, piece, cursor));
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
    }
    return out;
  }
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), at += p.length;
  return out;
}

function toBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * The item under `cursor` in `piece` through the reference parser, its
 * error (if any) prefixed with `source:line: `.
 */
export function parseItemAt(
  list: TargetText,
  piece: Uint8Array,
  cursor: ItemCursor,
): AddressRange {
  const item = decoder.decode(piece.subarray(cursor.start, cursor.end));
  try {
    return parseAddressRange(item);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new SyntaxError(`${list.source}:${cursor.line}: ${e.message}`, {
      cause: e,
    });
  }
}
