/**
 * Test helper (not a test): the external X.509 corpus, built from what Debian
 * ships (python3-cryptography-vectors and Go's crypto source tree), and a
 * naive DER walker used as an independent oracle for the SPKI's bytes.
 */
import { pemBlocks } from "../../decoders/mod.ts";

/** One certificate of the corpus: where it came from and its DER. */
export interface CorpusCertificate {
  name: string;
  der: Uint8Array;
}

export const PYCA_VECTORS =
  "/usr/lib/python3/dist-packages/cryptography_vectors/x509";
export const GO_CRYPTO = "/usr/share/go-1.19/src/crypto";

/** Folders of the pyca vectors that hold no certificates. */
const PYCA_SKIPPED = new Set([
  "requests",
  "ocsp",
  "crls",
  "pkcs12",
  "smime",
  "certpairs",
]);

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => a.name < b.name ? -1 : 1);
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) {
      if (!PYCA_SKIPPED.has(entry.name)) yield* walk(path);
    } else if (entry.isFile) yield path;
  }
}

/** CERTIFICATE blocks of a text file (Go keeps them in raw string literals). */
function certificateBlocks(text: string): Uint8Array[] {
  return pemBlocks(text).filter((block) => block.label === "CERTIFICATE")
    .map((block) => block.der);
}

/**
 * Every certificate of both sources, deduplicated by content, in a fixed
 * order: PEM blocks labelled CERTIFICATE, and DER files (`.der`, `.crt`
 * that is not PEM) except CRLs.
 *
 * @returns The corpus and how many came from each source.
 */
export async function loadCorpus(): Promise<
  { certificates: CorpusCertificate[]; pyca: number; go: number }
> {
  const seen = new Set<string>();
  const certificates: CorpusCertificate[] = [];
  const add = (name: string, der: Uint8Array): boolean => {
    const key = Array.from(der.subarray(0, 64)).join(",") + ":" + der.length +
      ":" +
      der.reduce((sum, byte, i) => (sum + byte * (i + 1)) % 1000000007, 0);
    if (seen.has(key)) return false;
    seen.add(key);
    certificates.push({ name, der });
    return true;
  };
  let pyca = 0, go = 0;
  for await (const path of walk(PYCA_VECTORS)) {
    const base = path.slice(path.lastIndexOf("/") + 1);
    if (base.startsWith("crl_") || base.startsWith("invalid_crl")) continue;
    const bytes = await Deno.readFile(path);
    const text = new TextDecoder().decode(bytes);
    const blocks = text.includes("-----BEGIN") ? certificateBlocks(text) : [];
    if (blocks.length > 0) {
      blocks.forEach((der, i) =>
        add(`pyca:${path.slice(PYCA_VECTORS.length + 1)}#${i}`, der) && pyca++
      );
    } else if (/\.(der|crt|cer)$/.test(base) && bytes[0] === 0x30) {
      if (add(`pyca:${path.slice(PYCA_VECTORS.length + 1)}`, bytes)) pyca++;
    }
  }
  for await (const path of walk(GO_CRYPTO)) {
    if (!/\.(go|pem|crt)$/.test(path)) continue;
    const text = await Deno.readTextFile(path);
    if (!text.includes("BEGIN CERTIFICATE")) continue;
    certificateBlocks(text).forEach((der, i) =>
      add(`go:${path.slice(GO_CRYPTO.length + 1)}#${i}`, der) && go++
    );
  }
  return { certificates, pyca, go };
}

/** Content range of the element at `offset`, or undefined (naive, bounds-checked). */
function element(
  der: Uint8Array,
  offset: number,
): { start: number; end: number; headerStart: number } | undefined {
  if (offset + 2 > der.length) return undefined;
  let length = der[offset + 1];
  let start = offset + 2;
  if (length > 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + der[start + k];
    start += count;
  }
  if (start + length > der.length) return undefined;
  return { start, end: start + length, headerStart: offset };
}

/**
 * The SubjectPublicKeyInfo's DER bytes, found by walking Certificate →
 * TBSCertificate → its 6th field (7th with a version): an oracle written
 * independently of the streaming decoder.
 *
 * @param der The certificate.
 * @returns The SPKI bytes, or undefined when the walk fails.
 */
export function spkiBytes(der: Uint8Array): Uint8Array | undefined {
  const certificate = element(der, 0);
  if (!certificate) return undefined;
  const tbs = element(der, certificate.start);
  if (!tbs) return undefined;
  let offset = tbs.start;
  const skip = der[offset] === 0xa0 ? 6 : 5;
  for (let k = 0; k < skip; k++) {
    const field = element(der, offset);
    if (!field) return undefined;
    offset = field.end;
  }
  const spki = element(der, offset);
  return spki ? der.subarray(spki.headerStart, spki.end) : undefined;
}
