/**
 * masscan's configuration-file format: one `key = value` per line, `#`
 * comments, keys are the long option names without `--` (`rate = 1000`,
 * `ports = 80,443`, `range = 198.18.0.0/24`). A key may repeat (ranges,
 * excludes). `-c FILE` reads it, `--echo` prints it, and the `paused.conf`
 * written on Ctrl-C is one (plus `resume-index`), so `--resume paused.conf`
 * needs no option repeated.
 *
 * @module
 */

/** One `key = value` entry, in file order. */
export interface ConfEntry {
  /** Option name without leading dashes. */
  key: string;
  /** The value text ("" for flags written as `key = true`). */
  value: string;
  /** 1-based line number, for error messages. */
  line: number;
}

/**
 * Parses configuration text. Throws a SyntaxError naming the file and line
 * when a non-comment line has no `=`.
 */
export function parseConf(text: string, source = "config"): ConfEntry[] {
  const entries: ConfEntry[] = [];
  // A byte-order mark (an editor's) is not part of the first key.
  text.replace(/^\ufeff/, "").split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+|\s+$/g, "");
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq < 0) {
      throw new SyntaxError(
        `${source}:${i + 1}: expected "key = value", got "${line}"`,
      );
    }
    const key = line.slice(0, eq).trim().replace(/^-+/, "");
    const value = line.slice(eq + 1).trim();
    if (key === "") {
      throw new SyntaxError(`${source}:${i + 1}: missing key before "="`);
    }
    entries.push({ key, value, line: i + 1 });
  });
  return entries;
}

/** Formats entries as configuration text, one per line. */
export function formatConf(entries: Iterable<[string, string]>): string {
  let out = "";
  for (const [key, value] of entries) out += `${key} = ${value}\n`;
  return out;
}
