/**
 * Quoting user input in error messages: a bad value may be a 10 MB line or
 * carry terminal escape sequences, so a message shows at most ~100
 * characters of it, with control characters escaped.
 *
 * @module
 */

/** How many characters of a bad value a message shows. */
export const QUOTE_LIMIT = 100;

/**
 * `text` as a double-quoted string for a message: control characters (C0,
 * DEL, C1, U+2028/9) escaped as `\n`, `\u001b`, ...; longer than `limit`
 * characters, cut there with `…` and the full length said.
 *
 * @example
 * ```ts
 * import { quoteForMessage } from "./quote.ts";
 * console.log(quoteForMessage("a\u001b[2Jb")); // "a\u001b[2Jb" (escaped)
 * ```
 */
export function quoteForMessage(text: string, limit = QUOTE_LIMIT): string {
  const cut = text.length > limit;
  const quoted = JSON.stringify(cut ? text.slice(0, limit) : text)
    .replace(
      /[\u007f-\u009f\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  return cut ? `${quoted.slice(0, -1)}…" (${text.length} characters)` : quoted;
}
