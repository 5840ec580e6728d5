/**
 * PEM in and out. These helpers hold whole texts and buffers; they are for
 * files and tests, not for the streaming path.
 *
 * @module
 */

const BASE64_ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUES: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 64; i++) table[BASE64_ALPHABET.charCodeAt(i)] = i;
  return table;
})();

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

/** Decodes base64 text, ignoring whitespace; `undefined` when not base64. */
function decodeBase64(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let fill = 0;
  let accumulator = 0;
  let bits = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d /* = */) {
      padding++;
      continue;
    }
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) {
      continue;
    }
    const value = code < 256 ? BASE64_VALUES[code] : -1;
    if (value < 0 || padding > 0) return undefined;
    accumulator = (accumulator << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[fill++] = (accumulator >> bits) & 0xff;
    }
  }
  return out.slice(0, fill);
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
  let base64 = "";
  let i = 0;
  for (; i + 2 < der.length; i += 3) {
    const triple = (der[i] << 16) | (der[i + 1] << 8) | der[i + 2];
    base64 += BASE64_ALPHABET[triple >> 18] +
      BASE64_ALPHABET[(triple >> 12) & 63] +
      BASE64_ALPHABET[(triple >> 6) & 63] + BASE64_ALPHABET[triple & 63];
  }
  if (i < der.length) {
    const rest = der.length - i;
    const triple = (der[i] << 16) | (rest === 2 ? der[i + 1] << 8 : 0);
    base64 += BASE64_ALPHABET[triple >> 18] +
      BASE64_ALPHABET[(triple >> 12) & 63] +
      (rest === 2 ? BASE64_ALPHABET[(triple >> 6) & 63] : "=") + "=";
  }
  let text = `-----BEGIN ${label}-----\n`;
  for (let line = 0; line < base64.length; line += 64) {
    text += base64.slice(line, line + 64) + "\n";
  }
  return text + `-----END ${label}-----\n`;
}
