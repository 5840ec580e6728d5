/**
 * Reads a file as lines, streaming: 1 MiB chunks, so a shard's output of
 * any size is never held whole (only the line being read).
 *
 * @module
 */

/** Chunk size of {@linkcode readLines}. */
export const CHUNK_BYTES = 1 << 20;

/**
 * The lines of the file at `path` (without their `\n`; a last line without
 * one too), in order, in batches: the whole lines of each `chunkBytes` read
 * (one await per chunk, not per line). Tests use small chunks to split
 * lines and UTF-8 sequences anywhere.
 *
 * @example
 * ```ts
 * import { readLineBatches } from "./lines.ts";
 * const path = Deno.makeTempFileSync();
 * Deno.writeTextFileSync(path, "a\nb\nc");
 * const lines: string[] = [];
 * for await (const batch of readLineBatches(path)) lines.push(...batch);
 * Deno.removeSync(path);
 * console.log(lines); // [ "a", "b", "c" ]
 * ```
 */
export async function* readLineBatches(
  path: string,
  chunkBytes: number = CHUNK_BYTES,
): AsyncGenerator<string[]> {
  const file = await Deno.open(path);
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(chunkBytes);
  let carry = "";
  try {
    for (
      let n = await file.read(buffer);
      n !== null;
      n = await file.read(buffer)
    ) {
      const text = carry +
        decoder.decode(buffer.subarray(0, n), { stream: true });
      const lines = text.split("\n");
      carry = lines.pop()!;
      if (lines.length > 0) yield lines;
    }
    carry += decoder.decode();
    if (carry !== "") yield [carry];
  } finally {
    file.close();
  }
}

/**
 * The lines of the file at `path`, one at a time (see
 * {@linkcode readLineBatches}).
 *
 * @example
 * ```ts
 * import { readLines } from "./lines.ts";
 * const path = Deno.makeTempFileSync();
 * Deno.writeTextFileSync(path, "a\nb\nc");
 * const lines: string[] = [];
 * for await (const line of readLines(path)) lines.push(line);
 * Deno.removeSync(path);
 * console.log(lines); // [ "a", "b", "c" ]
 * ```
 */
export async function* readLines(
  path: string,
  chunkBytes: number = CHUNK_BYTES,
): AsyncGenerator<string> {
  for await (const batch of readLineBatches(path, chunkBytes)) yield* batch;
}
