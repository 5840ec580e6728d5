/**
 * Test helper (not a test): generates certificates of many shapes with the
 * `openssl` CLI and reads back what OpenSSL says about any certificate, so the
 * decoder tests have an independent oracle.
 */

/** One generated certificate: a short name and its PEM file. */
export interface GeneratedCertificate {
  name: string;
  path: string;
}

const MANY_SANS = 500;
/** More SAN entries than the decoder keeps (its cap is 1,000). */
export const TOO_MANY_SANS = 1100;

/** Builds the bash script that makes the corpus inside `dir`. */
function corpusScript(): string {
  const manySans = Array.from(
    { length: MANY_SANS },
    (_, i) => `DNS:host-${i}.many.example`,
  ).join(",") +
    ",IP:198.18.0.1,IP:2001:db8::42,email:ops@many.example,URI:https://many.example/x";
  const tooManySans = Array.from(
    { length: TOO_MANY_SANS },
    (_, i) => `DNS:h${i}.example`,
  ).join(",");
  const long64 = "a".repeat(64);
  const long1500 = "x".repeat(1500);
  return `
set -euo pipefail
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; }; }
selfsigned() { # name keyopts... -- reqopts...
  local name=$1; shift
  local keyopts=() ; while [ "$1" != "--" ]; do keyopts+=("$1"); shift; done; shift
  q openssl req -x509 -nodes -newkey "\${keyopts[@]}" -keyout "$name.key" -days 30 -out "$name.pem" "$@"
}
# Key generation dominates: run the shapes in parallel.
selfsigned rsa1024 rsa:1024 -- -sha256 -subj "/C=US/ST=California/L=San Francisco/O=Zon Test/OU=Decoders/CN=rsa1024.example/emailAddress=admin@example.com" &
selfsigned rsa2048_sans rsa:2048 -- -subj "/CN=sans.example" \\
  -addext "subjectAltName=DNS:a.example,DNS:*.b.example,IP:192.0.2.1,IP:2001:db8::1,IP:::1,email:x@example.com,URI:https://example.com/path?q=1" \\
  -addext "extendedKeyUsage=serverAuth,clientAuth,codeSigning,1.2.3.4.5" \\
  -addext "keyUsage=critical,digitalSignature,keyEncipherment,nonRepudiation" \\
  -addext "basicConstraints=critical,CA:FALSE" &
selfsigned rsa4096_ca rsa:4096 -- -sha512 -subj "/O=Zon Root/CN=Zon RSA 4096 Root" \\
  -addext "basicConstraints=critical,CA:TRUE,pathlen:3" -addext "keyUsage=critical,keyCertSign,cRLSign" &
selfsigned ec_p256 ec -pkeyopt ec_paramgen_curve:P-256 -- -subj "/CN=p256.example/O=Zon" &
selfsigned ec_p384 ec -pkeyopt ec_paramgen_curve:P-384 -- -sha384 -subj "/CN=p384.example" &
selfsigned ec_p521 ec -pkeyopt ec_paramgen_curve:P-521 -- -sha512 -subj "/CN=p521.example" &
selfsigned ed25519 ed25519 -- -subj "/CN=ed25519.example" &
selfsigned ed448 ed448 -- -subj "/CN=ed448.example" &
selfsigned many_sans ec -pkeyopt ec_paramgen_curve:P-256 -- -subj "/CN=many.example" -addext "subjectAltName=${manySans}" &
selfsigned too_many_sans ec -pkeyopt ec_paramgen_curve:P-256 -- -subj "/CN=toomany.example" -addext "subjectAltName=${tooManySans}" &
selfsigned utf8_names ec -pkeyopt ec_paramgen_curve:P-256 -- -utf8 -subj "/CN=日本語テスト 🎉/O=Ωmega Ünïcödé/L=Zürich" &
selfsigned long_names ec -pkeyopt ec_paramgen_curve:P-256 -- -subj "/CN=${long64}/street=${long1500}" &
selfsigned multi_rdn ec -pkeyopt ec_paramgen_curve:P-256 -- -multivalue-rdn \\
  -subj "/DC=org/DC=example/CN=multi+UID=jdoe/serialNumber=12345/title=Engineer/GN=Ada/SN=Lovelace/street=1 Main St/postalCode=12345/businessCategory=Private Organization/jurisdictionC=US" &
selfsigned serial20 ec -pkeyopt ec_paramgen_curve:P-256 -- -set_serial 0x7f0102030405060708090a0b0c0d0e0f10111213 -subj "/CN=serial20" &
selfsigned serial21 ec -pkeyopt ec_paramgen_curve:P-256 -- -set_serial 0x8f0102030405060708090a0b0c0d0e0f10111213 -subj "/CN=serial21" &
printf '[req]\\ndistinguished_name=dn\\nstring_mask=default\\nutf8=yes\\n[dn]\\n' > bmp.cnf
selfsigned bmp_names ec -pkeyopt ec_paramgen_curve:P-256 -- -config bmp.cnf -utf8 -subj "/CN=Ünïcödé 日本語 Ελληνικά/O=Zürich AG" &
# RSA-PSS key.
( q openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out rsa_pss.key &&
  q openssl req -x509 -key rsa_pss.key -subj "/CN=pss.example" -days 30 -out rsa_pss.pem ) &
# A v1 certificate: x509 -req without extensions.
( q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out v1.key &&
  q openssl req -new -key v1.key -subj "/CN=v1.example/O=Old School" -out v1.csr &&
  q openssl x509 -req -in v1.csr -key v1.key -days 10 -set_serial 7 -out v1.pem ) &
# Dates: before 1970 and after 2050 (GeneralizedTime), and 1965 (UTCTime).
( mkdir -p ca/newcerts && touch ca/index.txt && echo 01 > ca/serial &&
  printf '[ca]\\ndefault_ca=zon\\n[zon]\\ndir=./ca\\ndatabase=$dir/index.txt\\nnew_certs_dir=$dir/newcerts\\nserial=$dir/serial\\ndefault_md=sha256\\npolicy=anything\\nunique_subject=no\\n[anything]\\ncommonName=supplied\\n' > ca.cnf &&
  q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out dates.key &&
  q openssl req -new -key dates.key -subj "/CN=dates.example" -out dates.csr &&
  q openssl ca -batch -config ca.cnf -selfsign -keyfile dates.key -in dates.csr -startdate 19400101000000Z -enddate 20600229120000Z -out generalized_time.pem &&
  q openssl ca -batch -config ca.cnf -selfsign -keyfile dates.key -in dates.csr -startdate 650101000000Z -enddate 491231235959Z -out utc_1965.pem ) &
# A chain: EC root, RSA intermediate, RSA leaf.
( q openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout root.key -subj "/O=Zon Lab/CN=Zon Lab Root" -days 30 \\
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem &&
  q openssl req -new -nodes -newkey rsa:2048 -keyout intermediate.key -subj "/O=Zon Lab/CN=Zon Lab Intermediate" -out intermediate.csr &&
  printf 'basicConstraints=critical,CA:TRUE,pathlen:0\\nkeyUsage=critical,keyCertSign,cRLSign\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid:always,issuer\\n' > intermediate.ext &&
  q openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 -extfile intermediate.ext -out intermediate.pem &&
  q openssl req -new -nodes -newkey rsa:2048 -keyout leaf.key -subj "/CN=leaf.zon.test" -out leaf.csr &&
  printf 'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature,keyEncipherment\\nextendedKeyUsage=serverAuth\\nsubjectAltName=DNS:leaf.zon.test,IP:127.0.0.1\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid\\n' > leaf.ext &&
  q openssl x509 -req -in leaf.csr -CA intermediate.pem -CAkey intermediate.key -CAcreateserial -days 30 -extfile leaf.ext -out leaf.pem ) &
for job in $(jobs -p); do wait "$job"; done
`;
}

/** Names of the certificates {@linkcode generateCorpus} makes. */
export const GENERATED_NAMES: readonly string[] = [
  "rsa1024",
  "rsa2048_sans",
  "rsa4096_ca",
  "ec_p256",
  "ec_p384",
  "ec_p521",
  "ed25519",
  "ed448",
  "many_sans",
  "too_many_sans",
  "utf8_names",
  "long_names",
  "multi_rdn",
  "serial20",
  "serial21",
  "bmp_names",
  "rsa_pss",
  "v1",
  "generalized_time",
  "utc_1965",
  "root",
  "intermediate",
  "leaf",
];

/** Runs the corpus script in `dir` and returns every generated certificate. */
export async function generateCorpus(
  dir: string,
): Promise<GeneratedCertificate[]> {
  const output = await new Deno.Command("bash", {
    args: ["-c", corpusScript()],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      "openssl corpus generation failed:\n" +
        new TextDecoder().decode(output.stderr),
    );
  }
  return GENERATED_NAMES.map((name) => ({ name, path: `${dir}/${name}.pem` }));
}

/** What OpenSSL reports about one certificate, normalised for comparison. */
export interface OpensslFacts {
  version: number;
  serialHex: string;
  subject: Array<{ type: string; value: string }>;
  issuer: Array<{ type: string; value: string }>;
  notBefore: string;
  notAfter: string;
  fingerprint: string;
  signatureAlgorithm: string;
  keyLine: string;
  keyBits?: number;
  nistCurve?: string;
  asn1Curve?: string;
  subjectAltNames: Array<{ type: string; value: string }>;
  basicConstraints?: { ca: boolean; pathLength?: number };
  keyUsage?: string[];
  extendedKeyUsage?: string[];
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
}

const KEY_USAGE_NAMES: Record<string, string> = {
  "Digital Signature": "digitalSignature",
  "Non Repudiation": "nonRepudiation",
  "Key Encipherment": "keyEncipherment",
  "Data Encipherment": "dataEncipherment",
  "Key Agreement": "keyAgreement",
  "Certificate Sign": "keyCertSign",
  "CRL Sign": "cRLSign",
  "Encipher Only": "encipherOnly",
  "Decipher Only": "decipherOnly",
};

const EKU_NAMES: Record<string, string> = {
  "TLS Web Server Authentication": "serverAuth",
  "TLS Web Client Authentication": "clientAuth",
  "Code Signing": "codeSigning",
  "E-mail Protection": "emailProtection",
  "Time Stamping": "timeStamping",
  "OCSP Signing": "OCSPSigning",
  "Any Extended Key Usage": "anyExtendedKeyUsage",
  "IPSec End System": "ipsecEndSystem",
  "IPSec Tunnel": "ipsecTunnel",
  "IPSec User": "ipsecUser",
  "Microsoft Server Gated Crypto": "msSGC",
  "Netscape Server Gated Crypto": "nsSGC",
  "Microsoft Encrypted File System": "msEFS",
  "ipsec Internet Key Exchange": "ipsecIKE",
};

async function openssl(args: string[], input: string): Promise<string> {
  const child = new Deno.Command("openssl", {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  return new TextDecoder().decode(output.stdout);
}

/** Parses `sep_multiline` name lines (`    CN=x + UID=y`). */
function parseNameLines(
  lines: string[],
): Array<{ type: string; value: string }> {
  const attributes: Array<{ type: string; value: string }> = [];
  for (const line of lines) {
    for (const ava of line.trim().split(" + ")) {
      const equals = ava.indexOf("=");
      attributes.push({
        type: ava.slice(0, equals),
        value: ava.slice(equals + 1),
      });
    }
  }
  return attributes;
}

/** `2001:DB8:0:0:0:0:0:1` or `2001:db8::1` to eight lowercase groups. */
export function expandIpv6(text: string): string {
  if (!text.includes(":")) return text;
  const [head, tail] = text.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail === undefined ? [] : tail ? tail.split(":") : [];
  const zeros = tail === undefined
    ? []
    : Array(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups]
    .map((group) => parseInt(group, 16).toString(16))
    .join(":");
}

function parseSans(text: string): Array<{ type: string; value: string }> {
  return text.split(", ").map((entry) => {
    const colon = entry.indexOf(":");
    const kind = entry.slice(0, colon);
    const value = entry.slice(colon + 1);
    switch (kind) {
      case "DNS":
        return { type: "dns", value };
      case "email":
        return { type: "email", value };
      case "URI":
        return { type: "uri", value };
      case "IP Address":
        return { type: "ip", value: expandIpv6(value) };
      default:
        return { type: "other", value: entry };
    }
  });
}

/** Runs OpenSSL on one PEM certificate and collects its facts. */
export async function opensslFacts(pem: string): Promise<OpensslFacts> {
  const [summary, text] = await Promise.all([
    openssl([
      "x509",
      "-noout",
      "-dateopt",
      "iso_8601",
      "-nameopt",
      "sep_multiline,sname,utf8,-esc_msb",
      "-serial",
      "-subject",
      "-issuer",
      "-dates",
      "-fingerprint",
      "-sha256",
      "-ext",
      "subjectAltName,basicConstraints,keyUsage,extendedKeyUsage,subjectKeyIdentifier,authorityKeyIdentifier",
    ], pem),
    openssl([
      "x509",
      "-noout",
      "-text",
      "-certopt",
      "no_sigdump,no_extensions,no_subject,no_issuer,no_validity",
    ], pem),
  ]);
  const lines = summary.split("\n");
  const facts: OpensslFacts = {
    version: 0,
    serialHex: "",
    subject: [],
    issuer: [],
    notBefore: "",
    notAfter: "",
    fingerprint: "",
    signatureAlgorithm: "",
    keyLine: "",
    subjectAltNames: [],
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const indented = () => {
      const block: string[] = [];
      while (i + 1 < lines.length && lines[i + 1].startsWith("    ")) {
        block.push(lines[++i]);
      }
      return block;
    };
    if (line.startsWith("serial=")) {
      facts.serialHex = line.slice(7).toLowerCase();
    } else if (line.startsWith("subject=")) {
      facts.subject = parseNameLines(indented());
    } else if (line.startsWith("issuer=")) {
      facts.issuer = parseNameLines(indented());
    } else if (line.startsWith("notBefore=")) {
      facts.notBefore = isoFromOpenssl(line.slice(10));
    } else if (line.startsWith("notAfter=")) {
      facts.notAfter = isoFromOpenssl(line.slice(9));
    } else if (line.startsWith("sha256 Fingerprint=")) {
      facts.fingerprint = line.slice(19).replaceAll(":", "").toLowerCase();
    } else if (line.startsWith("X509v3 Subject Alternative Name")) {
      facts.subjectAltNames = parseSans(
        indented().map((entry) => entry.trim()).join(", "),
      );
    } else if (line.startsWith("X509v3 Basic Constraints")) {
      const body = indented().join("").trim();
      const pathLength = body.match(/pathlen:(\d+)/);
      facts.basicConstraints = { ca: body.includes("CA:TRUE") };
      if (pathLength) facts.basicConstraints.pathLength = Number(pathLength[1]);
    } else if (line.startsWith("X509v3 Key Usage")) {
      facts.keyUsage = indented().join("").trim().split(", ")
        .map((name) => KEY_USAGE_NAMES[name] ?? name);
    } else if (line.startsWith("X509v3 Extended Key Usage")) {
      facts.extendedKeyUsage = indented().join("").trim().split(", ")
        .map((name) => EKU_NAMES[name] ?? name);
    } else if (line.startsWith("X509v3 Subject Key Identifier")) {
      facts.subjectKeyIdentifier = indented().join("").trim()
        .replaceAll(":", "").toLowerCase();
    } else if (line.startsWith("X509v3 Authority Key Identifier")) {
      const keyId = indented().map((entry) => entry.trim())
        .find((entry) => /^(keyid:)?[0-9A-F]{2}(:[0-9A-F]{2})*$/.test(entry));
      if (keyId) {
        facts.authorityKeyIdentifier = keyId.replace("keyid:", "")
          .replaceAll(":", "").toLowerCase();
      }
    }
  }
  const version = text.match(/Version: (\d+)/);
  facts.version = version ? Number(version[1]) : 0;
  const signature = text.match(/Signature Algorithm: (\S+)/);
  facts.signatureAlgorithm = signature ? signature[1] : "";
  const keyLine = text.match(/Public Key Algorithm: (\S+)/);
  facts.keyLine = keyLine ? keyLine[1] : "";
  const bits = text.match(/Public-Key: \((\d+) bit\)/);
  if (bits) facts.keyBits = Number(bits[1]);
  const nist = text.match(/NIST CURVE: (\S+)/);
  if (nist) facts.nistCurve = nist[1];
  const asn1 = text.match(/ASN1 OID: (\S+)/);
  if (asn1) facts.asn1Curve = asn1[1];
  return facts;
}

/** `1940-01-01 00:00:00Z` (OpenSSL's iso_8601 dateopt) to `1940-01-01T00:00:00Z`. */
function isoFromOpenssl(text: string): string {
  return text.trim().replace(" ", "T");
}

/** Deterministic PRNG (mulberry32) so random splits are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
