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

/** The openssl commands of {@linkcode generateShapes}. */
const SHAPES_SCRIPT = `
set -euo pipefail
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; }; }
q openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout all.key -days 30 -out all_extensions.pem -subj "/CN=all.example" \\
  -addext "subjectAltName=DNS:a.example,IP:192.0.2.1,email:x@example.com,URI:https://a.example/,RID:1.2.3.4,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com" \\
  -addext "authorityInfoAccess=OCSP;URI:http://ocsp.example/,caIssuers;URI:http://ca.example/ca.crt" \\
  -addext "subjectInfoAccess=caRepository;URI:http://repo.example/" \\
  -addext "crlDistributionPoints=URI:http://crl.example/a.crl" \\
  -addext "freshestCRL=URI:http://delta.example/d.crl" \\
  -addext "certificatePolicies=2.23.140.1.2.1,1.2.3.4.5" \\
  -addext "nameConstraints=critical,permitted;DNS:.example.com,permitted;IP:192.0.2.0/255.255.255.0,permitted;IP:2001:db8::/ffff:ffff::,excluded;email:.bad.example" \\
  -addext "policyConstraints=requireExplicitPolicy:1,inhibitPolicyMapping:2" \\
  -addext "inhibitAnyPolicy=3" \\
  -addext "tlsfeature=status_request" \\
  -addext "1.2.3.4.5.6=critical,DER:0500" &
q openssl ecparam -name secp384r1 -param_enc explicit -genkey -noout -out explicit.key
q openssl req -x509 -nodes -key explicit.key -days 30 -out ec_explicit_p384.pem -subj "/CN=explicit.example" &
q openssl req -x509 -nodes -newkey rsa:2048 -keyout pss.key -days 30 -out rsa_pss_signature.pem -subj "/CN=pss.example" -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 &
big=$(head -c 20000 /dev/zero | od -An -v -tx1 | tr -d ' \\n')
q openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout big.key -days 30 -out big_extension.pem -subj "/CN=big.example" \\
  -addext "1.2.3.4.7=DER:04824e20$big" -addext "certificatePolicies=1.2.3.4.5" &
q openssl req -x509 -nodes -newkey rsa-pss -pkeyopt rsa_keygen_bits:2048 -keyout psskey.key -days 30 -out rsa_pss_key.pem -subj "/CN=psskey.example" &
wait
`;

/** Names of the shapes {@linkcode generateShapes} makes. */
export const SHAPES = [
  "all_extensions",
  "ec_explicit_p384",
  "rsa_pss_signature",
  "rsa_pss_key",
  "big_extension",
] as const;

/**
 * Certificates made here with openssl for what the two corpora lack: every
 * extension the decoder knows plus an unknown critical one, UPN and
 * registeredID names, an IPv6 name constraint, explicit P-384 parameters,
 * an RSA-PSS signature (salt 32), an RSA-PSS key, and an extension of 20 KB
 * (over the capture cap).
 *
 * @param dir Where to write the keys and certificates.
 * @returns The certificates, named `gen:<shape>`.
 */
export async function generateShapes(
  dir: string,
): Promise<CorpusCertificate[]> {
  const output = await new Deno.Command("bash", {
    args: ["-c", SHAPES_SCRIPT],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `openssl failed:\n${new TextDecoder().decode(output.stderr)}`,
    );
  }
  const shapes: CorpusCertificate[] = [];
  for (const shape of SHAPES) {
    const [der] = certificateBlocks(
      await Deno.readTextFile(`${dir}/${shape}.pem`),
    );
    shapes.push({ name: `gen:${shape}`, der });
  }
  return shapes;
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
