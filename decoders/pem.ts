/**
 * PEM in and out. These helpers hold whole texts and buffers; they are for
 * files and tests, not for the streaming path.
 *
 * @module
 */

/**
 * One block of a PEM text.
 *
 * @example
 * ```ts
 * import type { PemBlock } from "@zon/net/decoders";
 * const block: PemBlock = { label: "CERTIFICATE", der: new Uint8Array() };
 * ```
 */
export interface PemBlock {
  /** The label between `BEGIN ` and the dashes, e.g. `CERTIFICATE`. */
  label: string;
  /** The decoded body. */
  der: Uint8Array;
}

/**
 * Decodes base64 text, ignoring whitespace; `undefined` when not base64.
 * The platform's `atob` (every runtime zon supports has it) does the work.
 */
function decodeBase64(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch (e) {
    // atob rejects text that is not base64 with an InvalidCharacterError.
    if (e instanceof DOMException) return undefined;
    throw e;
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Every PEM block in `text` (any labels), in order. Text outside blocks is
 * ignored, as OpenSSL does; a block whose body is not base64 is skipped.
 *
 * @example
 * ```ts
 * import { pemBlocks } from "@zon/net/decoders";
 * const blocks = pemBlocks("-----BEGIN X-----\nAAE=\n-----END X-----\n");
 * console.log(blocks[0].label, blocks[0].der); // "X" Uint8Array [0, 1]
 * ```
 *
 * @param text PEM text.
 * @returns The blocks.
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern =
    /-----BEGIN ([^\r\n]*?)-----([\s\S]*?)-----END ([^\r\n]*?)-----/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== match[3]) continue;
    const der = decodeBase64(match[2]);
    if (der) blocks.push({ label: match[1], der });
  }
  return blocks;
}

/**
 * The DER bodies of the `CERTIFICATE` blocks in `text` (a chain file or a CA
 * bundle gives several).
 *
 * @example
 * ```ts
 * import { pemToDer } from "@zon/net/decoders";
 * const pem = Deno.readTextFileSync("/etc/ssl/certs/ca-certificates.crt");
 * console.log(pemToDer(pem).length); // about 150
 * ```
 *
 * @param text PEM text.
 * @returns One DER buffer per certificate.
 */
export function pemToDer(text: string): Uint8Array[] {
  return pemBlocks(text)
    .filter((block) =>
      block.label === "CERTIFICATE" || block.label === "X509 CERTIFICATE" ||
      block.label === "TRUSTED CERTIFICATE"
    )
    .map((block) => block.der);
}

/**
 * Wraps DER in a PEM block with 64-character lines, as OpenSSL writes it.
 *
 * @example
 * ```ts
 * import { derToPem } from "@zon/net/decoders";
 * console.log(derToPem(new Uint8Array([0, 1])));
 * // -----BEGIN CERTIFICATE-----\nAAE=\n-----END CERTIFICATE-----\n
 * ```
 *
 * @param der The body.
 * @param label The block label (default `CERTIFICATE`).
 * @returns PEM text ending in a newline.
 */
export function derToPem(der: Uint8Array, label = "CERTIFICATE"): string {
  let binary = "";
  for (let i = 0; i < der.length; i += 0x8000) {
    binary += String.fromCharCode(...der.subarray(i, i + 0x8000));
  }
  const base64 = btoa(binary);
  let text = `-----BEGIN ${label}-----\n`;
  for (let line = 0; line < base64.length; line += 64) {
    text += base64.slice(line, line + 64) + "\n";
  }
  return text + `-----END ${label}-----\n`;
}
