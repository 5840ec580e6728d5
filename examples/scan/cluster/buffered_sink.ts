/**
 * A write buffer in front of an output sink, for `--merge`: the scan's
 * writers put each result in its own write(2) so a killed scan keeps every
 * line; a merge can simply be run again, and 10^7 system calls would be
 * most of its time. Writes gather in a 1 MiB buffer, flushed when full and
 * on close. It reports itself not seekable, so `-oJ` streams its array
 * (as to a pipe) instead of rewriting the closing bracket per result.
 *
 * @module
 */

import type { Sink } from "../output/mod.ts";

/** Bytes gathered before a write. */
export const BUFFER_BYTES = 1 << 20;

/**
 * `inner`, buffered.
 *
 * @example
 * ```ts
 * import { bufferedSink } from "./buffered_sink.ts";
 * import { stdoutSink } from "../output/mod.ts";
 * const sink = bufferedSink(stdoutSink());
 * sink.write(new TextEncoder().encode("one line\n"));
 * sink.close(); // prints "one line"
 * ```
 */
export function bufferedSink(inner: Sink): Sink {
  const buffer = new Uint8Array(BUFFER_BYTES);
  let used = 0;
  const flush = (): void => {
    if (used > 0) inner.write(buffer.subarray(0, used));
    used = 0;
  };
  return {
    seekable: false,
    existing: inner.existing,
    write: (bytes) => {
      if (used + bytes.length > buffer.length) flush();
      if (bytes.length >= buffer.length) inner.write(bytes);
      else buffer.set(bytes, used), used += bytes.length;
    },
    writeAt: () => {
      throw new Error("a buffered sink is not seekable");
    },
    truncate: () => {
      throw new Error("a buffered sink is not seekable");
    },
    probe: () => inner.probe(),
    close: () => {
      flush();
      inner.close();
    },
  };
}
