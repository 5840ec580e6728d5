/**
 * The errors the command line reports as usage errors, and how to tell
 * them from bugs.
 *
 * @module
 */

/**
 * True for the errors the parsers of zon's modules throw for bad input
 * (SyntaxError for malformed text, RangeError for values out of range):
 * the ones to report as a usage error. Anything else is a bug and must
 * surface as one.
 *
 * @example
 * ```ts
 * import { isInputError } from "./config.ts";
 * isInputError(new RangeError("port 70000")); // true
 * isInputError(new TypeError("x is undefined")); // false
 * ```
 */
export function isInputError(e: unknown): e is SyntaxError | RangeError {
  return e instanceof SyntaxError || e instanceof RangeError;
}

/**
 * True for the errors Deno's file and network calls throw (`Deno.errors.*`):
 * reading or writing a path the user named failed.
 *
 * @example
 * ```ts
 * import { isIoError } from "./config.ts";
 * isIoError(new Deno.errors.NotFound("x")); // true
 * ```
 */
export function isIoError(e: unknown): e is Error {
  return Object.values(Deno.errors).some((kind) => e instanceof kind);
}

/** A bad command line or configuration file; the message names the argument. */
export class UsageError extends Error {
  /** @param message what is wrong, naming the argument */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}
