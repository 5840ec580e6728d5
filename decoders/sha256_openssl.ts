/**
 * libcrypto's incremental SHA-256 (`SHA256_Init` / `SHA256_Update` /
 * `SHA256_Final`) through Deno's FFI, as a {@linkcode Sha256Engine} for
 * `Sha256` and `X509Decoder`: the same SHA-NI code as `node:crypto`,
 * without its per-message costs. In Deno a `node:crypto` hash costs ~0.3 µs
 * per message on top of the data (a JavaScript Hash object, its stream
 * machinery, the hex conversion); each FFI call here costs ~20 ns, and the
 * context is a 256-byte buffer owned by JavaScript, so nothing is allocated
 * per message and nothing needs freeing.
 *
 * Deno only, and only with `--allow-ffi` (checked, never prompted for):
 * this entry point is kept out of the pure `@zon/net/decoders` (and out of
 * the npm package), which runs in Node and browsers.
 *
 * @example Decode certificates with libcrypto's SHA-256 where it loads
 * ```ts
 * import { X509Decoder } from "@zon/net/decoders";
 * import { libcryptoSha256 } from "@zon/net/decoders/openssl";
 *
 * const decoder = new X509Decoder({ sha256: libcryptoSha256() ?? "native" });
 * ```
 *
 * @module
 */

import type { Sha256Engine } from "./sha256.ts";
import { bytesToHex } from "./x509_values.ts";

export type { Sha256Engine } from "./sha256.ts";

/** `SHA256_CTX` is 112 bytes in OpenSSL, LibreSSL and BoringSSL; kept roomy. */
const CONTEXT_BYTES = 256;

const SYMBOLS = {
  SHA256_Init: { parameters: ["buffer"], result: "i32" },
  SHA256_Update: { parameters: ["buffer", "buffer", "usize"], result: "i32" },
  SHA256_Final: { parameters: ["buffer", "buffer"], result: "i32" },
} as const;

/** Where libcrypto is called on Linux, macOS and Windows. */
const LIBRARY_NAMES = [
  "libcrypto.so.3",
  "libcrypto.so",
  "libcrypto.3.dylib",
  "libcrypto-3-x64.dll",
];

/**
 * The lengths of pieces up to 1 KiB as bigints, made once: `BigInt(n)`
 * allocates, and cost as much as the FFI call itself (~20 ns, measured)
 * for the 64-byte fragments a banner grabber passes.
 */
const SMALL_LENGTHS: readonly bigint[] = Array.from(
  { length: 1025 },
  (_, n) => BigInt(n),
);

interface Library {
  SHA256_Init(context: Uint8Array): number;
  // A bigint length takes V8's fast call path; a number falls back to a
  // slow one (~0.15 µs a call, measured).
  SHA256_Update(context: Uint8Array, bytes: Uint8Array, length: bigint): number;
  SHA256_Final(digest: Uint8Array, context: Uint8Array): number;
}

/** One message's libcrypto SHA-256 state, reusable for the next message. */
class LibcryptoSha256 implements Sha256Engine {
  readonly #library: Library;
  readonly #context = new Uint8Array(CONTEXT_BYTES);
  readonly #digest = new Uint8Array(32);

  /** @param library The loaded symbols. */
  constructor(library: Library) {
    this.#library = library;
    library.SHA256_Init(this.#context);
  }

  /** Starts a new message. */
  reset(): void {
    this.#library.SHA256_Init(this.#context);
  }

  /**
   * Absorbs `bytes[start..end)`. A whole array is passed as it is; a range
   * needs a view (libcrypto copies what it keeps).
   *
   * @param bytes The next piece of the message.
   * @param start First byte to absorb.
   * @param end Byte after the last one to absorb.
   */
  update(bytes: Uint8Array, start: number, end: number): void {
    if (start === end) return;
    const piece = start === 0 && end === bytes.length
      ? bytes
      : bytes.subarray(start, end);
    const count = end - start;
    this.#library.SHA256_Update(
      this.#context,
      piece,
      count < SMALL_LENGTHS.length ? SMALL_LENGTHS[count] : BigInt(count),
    );
  }

  /**
   * Finishes the message and returns the digest (a new array).
   *
   * @returns The 32 bytes.
   */
  digest(): Uint8Array {
    this.#library.SHA256_Final(this.#digest, this.#context);
    return this.#digest.slice();
  }

  /**
   * Finishes the message and returns the digest as lowercase hex.
   *
   * @returns 64 hex digits.
   */
  hexDigest(): string {
    this.#library.SHA256_Final(this.#digest, this.#context);
    return bytesToHex(this.#digest);
  }
}

let shared: Library | null | undefined;

/**
 * A factory of libcrypto SHA-256 engines, or `undefined` where Deno may not
 * or cannot load libcrypto (no `--allow-ffi`, no libcrypto, not Deno).
 * Pass it as `Sha256`'s `implementation` or `X509Decoder`'s `sha256`.
 *
 * @example
 * ```ts
 * import { Sha256 } from "@zon/net/decoders";
 * import { libcryptoSha256 } from "@zon/net/decoders/openssl";
 *
 * const hash = new Sha256({ implementation: libcryptoSha256() ?? "native" });
 * hash.update(new TextEncoder().encode("abc"));
 * console.log(hash.hexDigest()); // "ba7816bf…"
 * ```
 *
 * @returns The factory, or undefined.
 */
export function libcryptoSha256(): (() => Sha256Engine) | undefined {
  if (shared === undefined) shared = lookUp();
  const library = shared;
  return library ? () => new LibcryptoSha256(library) : undefined;
}

interface DenoFfi {
  dlopen?: (name: string, symbols: typeof SYMBOLS) => { symbols: unknown };
  permissions?: {
    querySync?: (descriptor: { name: "ffi" }) => { state: string };
  };
}

function lookUp(): Library | null {
  const deno = (globalThis as { Deno?: DenoFfi }).Deno;
  if (typeof deno?.dlopen !== "function") return null;
  // querySync never prompts: without the permission this is simply "off".
  if (deno.permissions?.querySync?.({ name: "ffi" }).state !== "granted") {
    return null;
  }
  for (const name of LIBRARY_NAMES) {
    const library = open(deno.dlopen, name);
    // Checked once, so that a broken or unexpected library is never used.
    if (library && works(library)) return library;
  }
  return null;
}

function open(
  dlopen: NonNullable<DenoFfi["dlopen"]>,
  name: string,
): Library | undefined {
  try {
    return dlopen(name, SYMBOLS).symbols as Library;
  } catch {
    // Missing library or symbol: the only failures dlopen has; try the next.
    return undefined;
  }
}

function works(library: Library): boolean {
  const hash = new LibcryptoSha256(library);
  hash.update(ABC, 0, 3);
  return hash.hexDigest() === ABC_SHA256;
}

const ABC = new Uint8Array([0x61, 0x62, 0x63]);
const ABC_SHA256 =
  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
