/**
 * Test helper (not a test): one certificate pushed into a fresh
 * X509Decoder in pieces, the way the split-invariance tests feed it.
 */
import { X509Decoder, type X509DecodeResult } from "../../decoders/mod.ts";

/**
 * Decodes `der` pushed in pieces that end at each of `cuts` (ascending),
 * then the rest; no cuts is one whole push.
 */
export function decodeInPieces(
  der: Uint8Array,
  cuts: number[] = [],
): X509DecodeResult {
  const decoder = new X509Decoder();
  let start = 0;
  for (const cut of [...cuts, der.length]) {
    decoder.push(der.subarray(start, cut));
    start = cut;
  }
  return decoder.end();
}
