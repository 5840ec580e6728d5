/**
 * The runtime's own incremental SHA-256 (`node:crypto`'s `createHash`) where
 * the runtime has one: Deno, Node ≥ 22.3 and Bun expose it synchronously
 * through `process.getBuiltinModule`, and hash with the CPU's SHA
 * instructions (SHA-NI, ARMv8 SHA2) at several times the speed any
 * TypeScript or WebAssembly SHA-256 reaches. Browsers have no synchronous
 * native SHA-256 (Web Crypto's is asynchronous and one-shot), so there the
 * lookup finds nothing and {@linkcode Sha256} falls back to its own.
 *
 * Looked up at run time, not imported: a static `node:crypto` import would
 * stop the module from loading in a browser, and zon's library modules have
 * no runtime dependencies.
 *
 * @module
 */

/** The part of a `node:crypto` Hash that {@linkcode Sha256} uses. */
export interface NativeHash {
  /** Absorbs the bytes (copied: no reference is kept). */
  update(bytes: Uint8Array): unknown;
  /** Finishes; the hash cannot be used again. */
  digest(encoding: "hex"): string;
  /** Finishes; the hash cannot be used again. */
  digest(): Uint8Array;
  /** A new hash in the same state (Node ≥ 13, Deno, Bun). */
  copy?(): NativeHash;
}

/** Creates a fresh native SHA-256. */
export type NativeHashFactory = () => NativeHash;

interface NodeCrypto {
  createHash(algorithm: string): NativeHash;
}

let shared: NativeHashFactory | null | undefined;

/**
 * A factory of native SHA-256 hashes, or `undefined` where the runtime has
 * none (browsers, workers without `process`).
 *
 * @example
 * ```ts
 * import { nativeSha256 } from "./sha256_native.ts";
 * const create = nativeSha256();
 * if (create) console.log(create().update(new Uint8Array(0)) !== undefined);
 * ```
 *
 * @returns The factory, or undefined.
 */
export function nativeSha256(): NativeHashFactory | undefined {
  if (shared === undefined) shared = lookUp();
  return shared ?? undefined;
}

function lookUp(): NativeHashFactory | null {
  const process = (globalThis as {
    process?: { getBuiltinModule?: (name: string) => unknown };
  }).process;
  if (typeof process?.getBuiltinModule !== "function") return null;
  // undefined (not an exception) where the runtime has no such module.
  const crypto = process.getBuiltinModule("node:crypto") as
    | NodeCrypto
    | undefined;
  if (typeof crypto?.createHash !== "function") return null;
  const createHash = crypto.createHash;
  // Checked once, so that a stub or a broken build is never used.
  if (createHash("sha256").digest("hex") !== EMPTY_SHA256) return null;
  // Copying an empty hash skips the algorithm lookup: ~25% cheaper than
  // createHash() per message in Deno.
  const empty = createHash("sha256");
  const copy = empty.copy;
  if (typeof copy !== "function") return () => createHash("sha256");
  return () => copy.call(empty);
}

const EMPTY_SHA256 =
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
