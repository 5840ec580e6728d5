/**
 * How the scanner tells the user that something failed: one line, safe for
 * a terminal, never a stack trace unless asked for.
 *
 * - {@linkcode printable}: control characters escaped (a corrupt
 *   paused.conf must not send escape sequences to the terminal) and any
 *   value longer than {@linkcode MAX_QUOTED} characters cut, so a 10 MB
 *   line echoes back as a hundred characters and a count.
 * - {@linkcode reportFailure}: the last word of `main` — a known error is
 *   its message and exit code; anything else is a bug: one line, where to
 *   report it, the trace only with `--debug` or `ZON_DEBUG=1`.
 *
 * @module
 */

/** Characters of a value a message quotes before it is cut. */
export const MAX_QUOTED = 100;

/** Exit code of an internal error (sysexits' EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

// C0 controls, DEL and C1 controls; \t stays readable as \t.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === "\t") return "\\t";
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

function cut(run: string): string {
  // One character more: a value already cut upstream ends in "…".
  if (run.length <= MAX_QUOTED + 1) return run;
  return `${run.slice(0, MAX_QUOTED)}… (${
    run.length - MAX_QUOTED
  } more characters)`;
}

/**
 * `message` made fit for one terminal line: control characters escaped,
 * quoted values and long unbroken runs cut to {@linkcode MAX_QUOTED}
 * characters.
 *
 * @example
 * ```ts
 * import { printable } from "./messages.ts";
 * printable('bad line "\u001b[31mred"'); // 'bad line "\\x1b[31mred"'
 * printable(`"${"x".repeat(500)}"`).length < 150; // true
 * ```
 */
export function printable(message: string): string {
  const quotedCut = message.replace(
    /"([^"]*)"/g,
    (_, inner: string) => `"${cut(inner)}"`,
  );
  const runsCut = quotedCut.replace(/[^\s"…]{101,}/g, cut);
  return escapeControls(runsCut);
}

/** Prints `zon scan: <message>` (made printable) on stderr. */
export function say(message: string): void {
  console.error(`zon scan: ${printable(message)}`);
}

/**
 * The guard around the scanner's `main`: reports an error that escaped
 * every handler as an internal error and returns {@linkcode EXIT_INTERNAL}.
 * The stack trace is printed only when `debug` (or `ZON_DEBUG=1`).
 *
 * @example
 * ```ts
 * import { reportFailure } from "./messages.ts";
 * reportFailure(new TypeError("x is undefined"), false); // 70, one line on stderr
 * ```
 */
export function reportFailure(error: unknown, debug: boolean): number {
  const e = error instanceof Error ? error : new Error(String(error));
  say(
    `internal error: ${e.name}: ${e.message}. This is a bug in zon, not in ` +
      "your command: please report it with the command line (README: " +
      '"Reporting a bug").' +
      (debug || Deno.env.get("ZON_DEBUG") === "1"
        ? ""
        : " Run with --debug (or ZON_DEBUG=1) for the stack trace."),
  );
  if (debug || Deno.env.get("ZON_DEBUG") === "1") console.error(e.stack);
  return EXIT_INTERNAL;
}
