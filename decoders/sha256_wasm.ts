/**
 * The WebAssembly SHA-256 compression function (source: `sha256.wat`),
 * instantiated once per realm and shared by every {@linkcode Sha256}.
 *
 * A call copies the hash state and the input blocks into the module's
 * memory, compresses, and copies the state back, so the module keeps no
 * state between calls and any number of hashes can share it.
 *
 * @module
 */

import { SHA256_WASM_BASE64 } from "./sha256_wasm_bytes.ts";

/** Memory layout fixed by sha256.wat. */
const STATE_OFFSET = 512;
const INPUT_OFFSET = 1024;
const INPUT_BYTES = 65536 - INPUT_OFFSET;
const BLOCK_BYTES = 64;

/**
 * Compresses the whole 64-byte blocks of `bytes[position, end)` into
 * `state` (eight int32 words).
 *
 * @example
 * ```ts
 * import { wasmCompressor } from "./sha256_wasm.ts";
 * const compress = wasmCompressor();
 * if (compress) compress(new Int32Array(8), new Uint8Array(64), 0, 64);
 * ```
 */
export type Compressor = (
  state: Int32Array,
  bytes: Uint8Array,
  position: number,
  end: number,
) => void;

let shared: Compressor | null | undefined;

/**
 * The shared WebAssembly compressor, or `undefined` where WebAssembly is
 * missing or refused (a Content-Security-Policy without `wasm-unsafe-eval`,
 * `--jitless`): callers then use the TypeScript one.
 *
 * @example
 * ```ts
 * import { wasmCompressor } from "./sha256_wasm.ts";
 * console.log(typeof wasmCompressor()); // "function" where WebAssembly runs
 * ```
 *
 * @returns The compressor or undefined.
 */
export function wasmCompressor(): Compressor | undefined {
  if (shared === undefined) shared = instantiate();
  return shared ?? undefined;
}

function instantiate(): Compressor | null {
  if (typeof WebAssembly !== "object") return null;
  let instance: WebAssembly.Instance;
  try {
    const bytes = Uint8Array.from(
      atob(SHA256_WASM_BASE64),
      (c) => c.charCodeAt(0),
    );
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  } catch (error) {
    // Refused or unable to compile (a CSP without wasm-unsafe-eval throws a
    // CompileError or an EvalError depending on the engine), or no memory.
    if (
      error instanceof WebAssembly.CompileError ||
      error instanceof WebAssembly.LinkError ||
      error instanceof EvalError || error instanceof RangeError
    ) return null;
    throw error;
  }
  const buffer = (instance.exports.memory as WebAssembly.Memory).buffer;
  const memory = new Uint8Array(buffer);
  const wasmState = new Int32Array(buffer, STATE_OFFSET, 8);
  const compress = instance.exports.compress as (
    input: number,
    blocks: number,
  ) => void;
  return (state, bytes, position, end) => {
    wasmState.set(state);
    while (position < end) {
      const count = end - position < INPUT_BYTES ? end - position : INPUT_BYTES;
      if (count === BLOCK_BYTES) {
        // One block (the fragment case): a loop beats subarray() + set().
        for (let k = 0; k < BLOCK_BYTES; k++) {
          memory[INPUT_OFFSET + k] = bytes[position + k];
        }
      } else {
        memory.set(bytes.subarray(position, position + count), INPUT_OFFSET);
      }
      compress(INPUT_OFFSET, count / BLOCK_BYTES);
      position += count;
    }
    state.set(wasmState);
  };
}
