// X.509 decoder against an external corpus built from what Debian ships:
// the pyca cryptography test vectors and every certificate in Go's crypto
// source tree (good and deliberately malformed). Oracles: python3-
// cryptography for every field it exposes, `openssl x509 -text` and
// `openssl pkey -pubin -outform DER | sha256sum` on a seeded sample, and a
// naive DER walk for the SPKI's exact bytes. Every certificate is decoded
// whole, byte-at-a-time and at random splits; mutants never throw.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  NAME_ATTRIBUTE_TYPES,
  X509_LIMITS,
  type X509Certificate,
  X509Decoder,
  type X509DecoderOptions,
  type X509GeneralName,
} from "../decoders/mod.ts";
import { libcryptoSha256 } from "../decoders/sha256_openssl.ts";
import { expandIpv6, seededRandom } from "./helpers/decoders_openssl.ts";
import {
  generateShapes,
  loadCorpus,
  SHAPES,
  spkiBytes,
} from "./helpers/x509_corpus.ts";
import { decodeInPieces } from "./helpers/x509_pieces.ts";

const SEED = Number(Deno.env.get("X509_CORPUS_SEED") ?? Date.now() % 1e9);
const OPENSSL_SAMPLE = Number(Deno.env.get("X509_OPENSSL_SAMPLE") ?? 200);
const MUTANTS_PER_CERTIFICATE = 20;
const random = seededRandom(SEED);
const { certificates, pyca, go } = await loadCorpus();
const shapesDir = await Deno.makeTempDir({ prefix: "zon-h18x-shapes-" });
try {
  certificates.push(...await generateShapes(shapesDir));
} finally {
  await Deno.remove(shapesDir, { recursive: true });
}
console.log(
  `corpus: ${certificates.length} certificates (pyca ${pyca}, go ${go}, ` +
    `generated ${SHAPES.length}); seed ${SEED}`,
);

const decode = decodeInPieces;

function randomCuts(length: number): number[] {
  const cuts = new Set<number>();
  const count = 1 + Math.floor(random() * 12);
  for (let k = 0; k < count; k++) cuts.add(Math.floor(random() * length));
  return [...cuts].sort((a, b) => a - b);
}

const results = certificates.map(({ der }) => decode(der));
const decoded = results.filter((result) => !("error" in result)).length;
console.log(`zon decodes ${decoded} of ${certificates.length}`);

/** A generated shape's decoded certificate. */
function shape(name: typeof SHAPES[number]): X509Certificate {
  const i = certificates.findIndex((entry) => entry.name === `gen:${name}`);
  const result = results[i];
  if ("error" in result) {
    throw new Error(`gen:${name}: ${result.error.message}`);
  }
  return result;
}

Deno.test("generated shapes: what the openssl command lines asked for", () => {
  const all = shape("all_extensions");
  const byName = new Map(all.extensions.map((e) => [e.name, e]));
  assert.deepEqual(
    all.subjectAltNames.map((
      { type, value, otherNameType },
    ) => [type, value, otherNameType]),
    [
      ["dns", "a.example", undefined],
      ["ip", "192.0.2.1", undefined],
      ["email", "x@example.com", undefined],
      ["uri", "https://a.example/", undefined],
      ["registeredID", "1.2.3.4", undefined],
      ["otherName", "user@example.com", "1.3.6.1.4.1.311.20.2.3"],
    ],
  );
  assert.deepEqual(byName.get("1.2.3.4.5.6"), {
    oid: "1.2.3.4.5.6",
    name: "1.2.3.4.5.6",
    critical: true,
    value: "0500",
  });
  assert.deepEqual(byName.get("nameConstraints")?.value, {
    permitted: [
      { base: { type: "dns", value: ".example.com" } },
      { base: { type: "ip", value: "192.0.2.0/255.255.255.0" } },
      { base: { type: "ip", value: "2001:db8::/ffff:ffff::" } },
    ],
    excluded: [{ base: { type: "email", value: ".bad.example" } }],
  });
  assert.equal(byName.get("nameConstraints")?.critical, true);
  assert.deepEqual(byName.get("policyConstraints")?.value, {
    requireExplicitPolicy: 1,
    inhibitPolicyMapping: 2,
  });
  assert.equal(byName.get("inhibitAnyPolicy")?.value, 3);
  assert.deepEqual(byName.get("tlsfeature")?.value, [5]);
  assert.deepEqual(
    (byName.get("authorityInfoAccess")?.value as Json).map((
      a: Json,
    ) => [a.methodName, a.location.value]),
    [["OCSP", "http://ocsp.example/"], [
      "caIssuers",
      "http://ca.example/ca.crt",
    ]],
  );
  assert.deepEqual(
    (byName.get("subjectInfoAccess")?.value as Json)[0].methodName,
    "caRepository",
  );
  assert.deepEqual(byName.get("freshestCRL")?.value, [
    { fullName: [{ type: "uri", value: "http://delta.example/d.crl" }] },
  ]);
  assert.deepEqual(
    (byName.get("certificatePolicies")?.value as Json).map((p: Json) => p.oid),
    ["2.23.140.1.2.1", "1.2.3.4.5"],
  );
  assert.equal(all.signature.algorithmMismatch, false);

  const explicit = shape("ec_explicit_p384");
  assert.deepEqual(explicit.publicKey, {
    algorithm: "ec",
    curve: "explicit",
    explicitParameters: true,
    bits: 384,
    fieldBits: 384,
  });
  const pss = shape("rsa_pss_signature").signature.algorithm;
  assert.deepEqual(pss.pss, {
    hashAlgorithm: "sha256",
    maskGenAlgorithm: "mgf1",
    maskGenHashAlgorithm: "sha256",
    saltLength: 32,
    trailerField: 1,
  });
  assert.equal(shape("rsa_pss_key").publicKey.algorithm, "rsa-pss");
});

Deno.test("an extension over the capture cap is cut, flagged, and the rest decodes", () => {
  const big = shape("big_extension");
  const [cut, policies] = big.extensions.filter((e) =>
    e.oid === "1.2.3.4.7" || e.name === "certificatePolicies"
  );
  assert.equal(cut.truncated, true);
  assert.equal(cut.malformed, undefined);
  assert.equal(
    cut.value,
    "04824e20" + "00".repeat(X509_LIMITS.maxCapturedBytes - 4),
  );
  assert.deepEqual(policies.value, [{
    oid: "1.2.3.4.5",
    cpsUris: [],
    userNotices: [],
  }]);
  assert.equal(big.truncated, true);
});

Deno.test("signature algorithm mismatch is flagged", () => {
  // The outer AlgorithmIdentifier's OID changed from ecdsa-with-SHA256 to
  // ecdsa-with-SHA384 (last byte 02 → 03): the TBS's stays.
  const i = certificates.findIndex((entry) =>
    entry.name === "gen:all_extensions"
  );
  const der = certificates[i].der.slice();
  const oid = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
  let outer = -1;
  for (let k = der.length - oid.length; k >= 0 && outer < 0; k--) {
    if (oid.every((byte, j) => der[k + j] === byte)) outer = k;
  }
  der[outer + oid.length - 1] = 0x03;
  const result = decode(der) as X509Certificate;
  assert.equal(result.signature.algorithm.name, "ecdsa-with-SHA384");
  assert.equal(result.signatureAlgorithm.name, "ecdsa-with-SHA256");
  assert.equal(result.signature.algorithmMismatch, true);
});

/** Where `text` first occurs in `der` after a tag and one-byte length. */
function findValue(der: Uint8Array, text: string): number {
  const bytes = new TextEncoder().encode(text);
  for (let k = 2; k + bytes.length <= der.length; k++) {
    if (
      der[k - 1] === bytes.length && bytes.every((b, j) => der[k + j] === b)
    ) {
      return k;
    }
  }
  throw new Error(`${text} not found`);
}

Deno.test("string types: violations are flagged, values stay byte-faithful", () => {
  const i = certificates.findIndex((entry) =>
    entry.name === "gen:all_extensions"
  );
  const original = certificates[i].der;
  const ok = decode(original) as X509Certificate;
  assert.ok(ok.subject.every((a) => !a.invalidEncoding));
  assert.ok(ok.subjectAltNames.every((n) => !n.invalidEncoding));

  // UTF-8 bytes inside the IA5String of the dNSName "a.example".
  const san = original.slice();
  const at = findValue(san, "a.example");
  san.set([0xc3, 0xa9], at + 2);
  const dns = (decode(san) as X509Certificate).subjectAltNames[0];
  assert.deepEqual(dns, {
    type: "dns",
    value: "a.\u00c3\u00a9ample",
    invalidEncoding: true,
  });

  // (The first "all.example" is the issuer's CN.) A UTF8String CN whose last byte starts a sequence that never ends: the
  // value has U+FFFD where the bytes break, and the flag says it is a repair.
  const cut = original.slice();
  const cn = findValue(cut, "all.example");
  assert.equal(cut[cn - 2], 0x0c, "the CN is a UTF8String");
  cut[cn + "all.example".length - 1] = 0xc3;
  const subject = (decode(cut) as X509Certificate).issuer;
  assert.deepEqual(subject.at(-1), {
    type: "CN",
    value: "all.exampl\ufffd",
    invalidEncoding: true,
  });

  // The same bytes as a PrintableString with a character outside its set.
  const printable = original.slice();
  printable[cn - 2] = 0x13;
  printable[cn + 3] = 0x40; // "all@example"
  assert.deepEqual((decode(printable) as X509Certificate).issuer.at(-1), {
    type: "CN",
    value: "all@example",
    invalidEncoding: true,
  });
  // A real U+FFFD in valid UTF-8 is not flagged.
  const real = original.slice();
  real.set([0xef, 0xbf, 0xbd], cn + 8);
  assert.deepEqual((decode(real) as X509Certificate).issuer.at(-1), {
    type: "CN",
    value: "all.exam\ufffd",
  });
});

Deno.test("corpus: both sources are there", () => {
  assert.ok(pyca >= 400, `pyca vectors: ${pyca}`);
  assert.ok(go >= 50, `Go testdata: ${go}`);
});

/** The SHA-256s besides the default, each of which must give the same result. */
const OTHER_SHA256: Array<[string, X509DecoderOptions["sha256"]]> = [
  ["wasm", "wasm"],
  ["typescript", "typescript"],
  ["libcrypto (FFI)", libcryptoSha256()],
];

Deno.test("corpus: whole, byte-at-a-time and random splits agree", () => {
  certificates.forEach(({ name, der }, i) => {
    const bytewise = decode(
      der,
      Array.from({ length: der.length }, (_, k) => k),
    );
    assert.deepEqual(bytewise, results[i], `${name} byte-at-a-time`);
    // results[i] hashed with the default (native here): the others too.
    for (const [label, sha256] of OTHER_SHA256) {
      assert.ok(sha256 !== undefined, `${label} loads here`);
      const portable = new X509Decoder({ sha256 });
      portable.push(der);
      assert.deepEqual(
        portable.end(),
        results[i],
        `${name} with the ${label} SHA-256`,
      );
    }
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(
        decode(der, randomCuts(der.length)),
        results[i],
        `${name} split`,
      );
    }
  });
});

Deno.test("corpus: mutants never throw and are split-invariant", () => {
  let count = 0, errors = 0;
  for (const { name, der } of certificates) {
    for (let k = 0; k < MUTANTS_PER_CERTIFICATE; k++) {
      const mutant = der.slice();
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) {
        mutant[Math.floor(random() * mutant.length)] = Math.floor(
          random() * 256,
        );
      }
      const whole = decode(mutant);
      assert.deepEqual(
        decode(mutant, randomCuts(mutant.length)),
        whole,
        `${name} mutant ${k}`,
      );
      if ("error" in whole) errors++;
      count++;
    }
  }
  console.log(
    `mutants: ${count}, ${errors} rejected with a typed error, none threw`,
  );
});

/** Per-field agreement counts, printed at the end. */
const tally = new Map<string, { agree: number; disagree: string[] }>();
function check(
  field: string,
  name: string,
  ours: unknown,
  theirs: unknown,
): void {
  const entry = tally.get(field) ?? { agree: 0, disagree: [] };
  tally.set(field, entry);
  try {
    assert.deepEqual(ours, theirs);
    entry.agree++;
  } catch {
    entry.disagree.push(
      `${name}: ours ${JSON.stringify(ours)} theirs ${JSON.stringify(theirs)}`,
    );
  }
}

const TYPE_OIDS = new Map(
  [...NAME_ATTRIBUTE_TYPES].map(([oid, type]) => [type, oid]),
);
const REASONS: Record<string, string> = {
  keyCompromise: "key_compromise",
  cACompromise: "ca_compromise",
  affiliationChanged: "affiliation_changed",
  superseded: "superseded",
  cessationOfOperation: "cessation_of_operation",
  certificateHold: "certificate_hold",
  privilegeWithdrawn: "privilege_withdrawn",
  aACompromise: "aa_compromise",
};

function maskBits(mask: string): number {
  if (mask.includes(":")) {
    return expandIpv6(mask).split(":").reduce(
      (sum, group) =>
        sum + parseInt(group, 16).toString(2).replace(/0/g, "").length,
      0,
    );
  }
  return mask.split(".").reduce(
    (sum, octet) => sum + Number(octet).toString(2).replace(/0/g, "").length,
    0,
  );
}

function latin1AsUtf8(text: string): string {
  return new TextDecoder().decode(
    Uint8Array.from(text, (c) => c.charCodeAt(0)),
  );
}

/** Our GeneralName as the helper's comparable text. */
function nameKey(name: X509GeneralName): string {
  switch (name.type) {
    case "dns":
    case "email":
    case "uri":
      // The bytes are kept as Latin-1 and flagged; pyca reads them as UTF-8.
      return `${name.type}:${
        name.invalidEncoding ? latin1AsUtf8(name.value) : name.value
      }`;
    case "ip": {
      const [address, mask] = name.value.split("/");
      if (mask === undefined) return `ip:${expandIpv6(address)}`;
      return `ipnet:${address}/${maskBits(mask)}`;
    }
    case "registeredID":
      return `rid:${name.value}`;
    case "directoryName":
      return "dir:" + JSON.stringify(
        name.directoryName!.map((
          { type, value },
        ) => [TYPE_OIDS.get(type) ?? type, value]),
      );
    case "otherName":
      return `other:${name.otherNameType}:${name.value}`;
    default:
      return `${name.type}:${name.value}`;
  }
}

/** The helper's GeneralName text, normalised like ours (UPN as text, IPv6 expanded). */
function theirNameKey(key: string): string {
  if (key.startsWith("ip:")) return `ip:${expandIpv6(key.slice(3))}`;
  if (key.startsWith("other:1.3.6.1.4.1.311.20.2.3:")) {
    const hex = key.slice("other:1.3.6.1.4.1.311.20.2.3:".length);
    const bytes = new Uint8Array(
      hex.match(/../g)!.map((pair) => parseInt(pair, 16)),
    );
    return "other:1.3.6.1.4.1.311.20.2.3:" +
      new TextDecoder().decode(bytes.subarray(2));
  }
  return key;
}

// deno-lint-ignore no-explicit-any -- the python helper's JSON, compared as data
type Json = any;

function names(list: X509GeneralName[] | undefined): string[] | null {
  return list === undefined ? null : list.map(nameKey);
}
function theirNames(list: string[] | null): string[] | null {
  return list === null ? null : list.map(theirNameKey);
}

/** Our extension value in the helper's shape, by OID. */
function ourValue(oid: string, value: Json): Json {
  switch (oid) {
    case "2.5.29.32":
      return value.map((policy: Json) => ({
        oid: policy.oid,
        cpsUris: policy.cpsUris,
        userNotices: policy.userNotices.map((notice: Json) => ({
          organization: notice.organization ?? null,
          noticeNumbers: notice.noticeNumbers ?? null,
          explicitText: notice.explicitText ?? null,
        })),
      }));
    case "2.5.29.31":
    case "2.5.29.46":
      return value.map((point: Json) => ({
        fullName: names(point.fullName),
        relativeName: point.relativeName
          ? point.relativeName.map((
            { type, value }: Json,
          ) => [TYPE_OIDS.get(type) ?? type, value])
          : null,
        reasons: point.reasons
          ? point.reasons.filter((r: string) => r !== "unused").map((
            r: string,
          ) => REASONS[r]).sort()
          : null,
        crlIssuer: names(point.crlIssuer),
      }));
    case "1.3.6.1.5.5.7.1.1":
    case "1.3.6.1.5.5.7.1.11":
      return value.map((
        access: Json,
      ) => [access.method, nameKey(access.location)]);
    case "2.5.29.30":
      return {
        permitted: value.permitted.map((subtree: Json) =>
          nameKey(subtree.base)
        ),
        excluded: value.excluded.map((subtree: Json) => nameKey(subtree.base)),
      };
    case "2.5.29.36":
      return {
        requireExplicitPolicy: value.requireExplicitPolicy ?? null,
        inhibitPolicyMapping: value.inhibitPolicyMapping ?? null,
      };
    case "1.3.6.1.4.1.11129.2.4.2":
      return value.map((sct: Json) => ({
        logId: sct.logId,
        timestamp: sct.timestamp,
        version: sct.version,
        hashAlgorithm: sct.hashAlgorithm,
        signatureAlgorithm: sct.signatureAlgorithm,
        signature: sct.signature,
      }));
    case "2.5.29.17":
    case "2.5.29.18":
      return names(value);
    case "2.5.29.35":
      return {
        keyIdentifier: value.keyIdentifier ?? null,
        issuer: names(value.issuer),
        serial: value.serialNumber === undefined
          ? null
          : BigInt("0x" + (value.serialNumber || "0")).toString(16),
      };
    default:
      return value;
  }
}

function theirValue(oid: string, value: Json): Json {
  switch (oid) {
    case "2.5.29.31":
    case "2.5.29.46":
      return value.map((point: Json) => ({
        ...point,
        fullName: theirNames(point.fullName),
        crlIssuer: theirNames(point.crlIssuer),
      }));
    case "1.3.6.1.5.5.7.1.1":
    case "1.3.6.1.5.5.7.1.11":
      return value.map((
        [method, location]: [string, string],
      ) => [method, theirNameKey(location)]);
    case "2.5.29.30":
      return {
        permitted: theirNames(value.permitted),
        excluded: theirNames(value.excluded),
      };
    case "2.5.29.17":
    case "2.5.29.18":
      return theirNames(value);
    case "2.5.29.35":
      return { ...value, issuer: theirNames(value.issuer) };
    default:
      return value;
  }
}

/** Fields python3-cryptography reports, for every certificate both decode. */
async function pythonFacts(): Promise<Json[]> {
  const input = JSON.stringify(
    certificates.map(({ der }) => btoa(String.fromCharCode(...der))),
  );
  const child = new Deno.Command("python3", {
    args: [new URL("./helpers/x509_pyca_facts.py", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  assert.ok(output.success, "the python helper failed");
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** SPKI hashes equal to pyca's re-encoding of the key (not asserted: see above). */
const reencoded = { total: 0, equal: 0, differ: [] as string[] };

Deno.test("corpus: every field agrees with python3-cryptography", async () => {
  const facts = await pythonFacts();
  let both = 0;
  certificates.forEach(({ name, der }, i) => {
    const ours = results[i];
    const theirs = facts[i];
    if ("error" in ours || theirs.error !== undefined) return;
    both++;
    const cert = ours as X509Certificate;
    check(
      "signature algorithm OID",
      name,
      cert.signature.algorithm.oid,
      theirs.signatureOid,
    );
    check("signature value", name, cert.signature.value, theirs.signature);
    const spki = spkiBytes(der);
    if (spki) {
      check(
        "SPKI SHA-256 vs DER walk",
        name,
        cert.spkiSha256,
        createHash("sha256").update(spki).digest("hex"),
      );
    }
    if (typeof theirs.spkiSha256 === "string") {
      // pyca re-encodes the key: equal only where the original is canonical.
      reencoded.total++;
      if (cert.spkiSha256 === theirs.spkiSha256) reencoded.equal++;
      else reencoded.differ.push(name);
    }
    if (theirs.keyBits !== undefined) {
      check("DSA/EC key bits", name, cert.publicKey.bits, theirs.keyBits);
    }
    if (theirs.extensions.error !== undefined) {
      if (theirs.extensions.error.startsWith("DuplicateExtension")) {
        check(
          "duplicate extension flagged",
          name,
          cert.extensions.some((e) => e.duplicate),
          true,
        );
      }
      return;
    }
    check(
      "extension list (OID, critical)",
      name,
      cert.extensions.map(({ oid, critical }) => [oid, critical]),
      theirs.extensions.map(({ oid, critical }: Json) => [oid, critical]),
    );
    cert.extensions.forEach((extension, k) => {
      const their = theirs.extensions[k];
      if (!their || their.oid !== extension.oid || their.value === null) return;
      check(
        `value of ${extension.name}`,
        name,
        extension.malformed
          ? "malformed"
          : ourValue(extension.oid, extension.value),
        theirValue(extension.oid, their.value),
      );
    });
  });
  console.log(`python3-cryptography and zon both decode ${both} certificates`);
  console.log(
    `SPKI SHA-256 equal to pyca's re-encoded key: ${reencoded.equal} of ${reencoded.total} ` +
      `(the rest re-encode differently: ${reencoded.differ.join(", ")})`,
  );
  report("python3-cryptography");
});

function report(oracle: string): void {
  console.log(
    `\n| field (vs ${oracle}) | agree | disagree |\n| --- | ---: | ---: |`,
  );
  for (const [field, { agree, disagree }] of [...tally].sort()) {
    console.log(`| ${field} | ${agree} | ${disagree.length} |`);
  }
  const failures = [...tally].flatMap(([field, { disagree }]) =>
    disagree.map((line) => `${field}: ${line}`)
  );
  tally.clear();
  assert.deepEqual(
    failures.slice(0, 20),
    [],
    `${failures.length} disagreements`,
  );
}

/** What `openssl x509 -text` and `openssl pkey` say about one certificate. */
interface OpensslText {
  extensionCritical: boolean[];
  outerAlgorithm: string;
  signatureValue: string;
  pssHash?: string;
  pssSalt?: number;
  keyBits?: number;
  aiaUris: string[];
  crlUris: string[];
  policies: string[];
  sctLogIds: string[];
  /** False when openssl could not parse the SCT list and dumped it raw. */
  sctParsed: boolean;
  spkiSha256: string;
}

async function opensslText(der: Uint8Array): Promise<OpensslText | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "zon-h18x-corpus-" });
  try {
    await Deno.writeFile(`${dir}/c.der`, der);
    const out = await new Deno.Command("bash", {
      args: [
        "-c",
        `set -o pipefail; openssl x509 -inform DER -in c.der -noout -text -certopt ext_parse && echo '@@SPKI' && ` +
        `openssl x509 -inform DER -in c.der -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum`,
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return undefined;
    return parseOpenssl(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function parseOpenssl(text: string): OpensslText {
  const [body, spki] = text.split("@@SPKI\n");
  const lines = body.split("\n");
  const facts: OpensslText = {
    extensionCritical: [],
    outerAlgorithm: "",
    signatureValue: "",
    aiaUris: [],
    crlUris: [],
    policies: [],
    sctLogIds: [],
    sctParsed: false,
    spkiSha256: spki.split(" ")[0],
  };
  let section = "";
  let inExtensions = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "        X509v3 extensions:") inExtensions = true;
    const outer = line.match(/^ {4}Signature Algorithm: (.*)$/);
    if (outer) {
      inExtensions = false;
      facts.outerAlgorithm = outer[1];
      let hex = "";
      for (let k = i + 1; k < lines.length; k++) {
        const hash = lines[k].match(/^\s+Hash Algorithm: (\S+)/);
        if (hash) facts.pssHash = hash[1];
        const salt = lines[k].match(/^\s+Salt Length: 0x([0-9A-Fa-f]+)/);
        if (salt) facts.pssSalt = parseInt(salt[1], 16);
        // DSA and ECDSA signatures are printed as r and s: not comparable.
        if (/^\s+r:\s*$/.test(lines[k])) hex = "r/s";
        if (
          hex !== "r/s" && /^ {8}[0-9a-f]{2}(:[0-9a-f]{2})*:?$/.test(lines[k])
        ) {
          hex += lines[k].trim().replace(/:/g, "");
        }
      }
      facts.signatureValue = hex;
      break;
    }
    const bits = line.match(/^ {16}Public-Key: \((\d+) bit\)/);
    if (bits) facts.keyBits = Number(bits[1]);
    const header = line.match(/^ {12}(\S.*?):( critical)?\s*$/);
    if (inExtensions && header) {
      facts.extensionCritical.push(header[2] !== undefined);
      section = header[1];
      continue;
    }
    if (section === "Authority Information Access") {
      const uri = line.match(/ - URI:(.*)$/);
      if (uri) facts.aiaUris.push(uri[1]);
    } else if (section === "X509v3 CRL Distribution Points") {
      const uri = line.match(/^ +URI:(.*)$/);
      // openssl prints a DP's reasons on the URI's line.
      if (uri) facts.crlUris.push(uri[1].replace(/\s+Reasons:.*$/, ""));
    } else if (section === "X509v3 Certificate Policies") {
      const policy = line.match(/^ +Policy: (.*)$/);
      if (policy) facts.policies.push(policy[1]);
    } else if (section === "CT Precertificate SCTs") {
      if (/^ +Signed Certificate Timestamp:/.test(line)) facts.sctParsed = true;
      if (/^ +Log ID +:/.test(line)) {
        let id = line.split(":").slice(1).join(":");
        for (
          let k = i + 1;
          !/:\s*$/.test(lines[k]) || !/Timestamp/.test(lines[k]);
          k++
        ) {
          if (/Timestamp/.test(lines[k])) break;
          id += lines[k];
        }
        facts.sctLogIds.push(id.replace(/[\s:]/g, "").toLowerCase());
      }
    }
  }
  return facts;
}

/** openssl's names of the policies it knows by name. */
const OPENSSL_POLICY_NAMES: Record<string, string> = {
  "2.5.29.32.0": "X509v3 Any Policy",
};

Deno.test("corpus: a seeded sample agrees with openssl x509 -text and openssl pkey", async () => {
  const candidates = certificates
    .map((entry, i) => ({ ...entry, result: results[i] }))
    .filter(({ result }) => !("error" in result));
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  // The generated shapes always, then a seeded sample of the rest.
  candidates.sort((a, b) =>
    Number(b.name.startsWith("gen:")) - Number(a.name.startsWith("gen:"))
  );
  const sample = candidates.slice(0, OPENSSL_SAMPLE);
  let refused = 0;
  const reencodedByOpenssl: string[] = [];
  for (let i = 0; i < sample.length; i += 4) {
    const batch = sample.slice(i, i + 4);
    const texts = await Promise.all(batch.map(({ der }) => opensslText(der)));
    batch.forEach(({ name, der, result }, k) => {
      const facts = texts[k];
      const cert = result as X509Certificate;
      if (facts === undefined) {
        refused++;
        return;
      }
      const extensions = cert.extensions;
      check(
        "critical flags in order",
        name,
        extensions.map((e) => e.critical),
        facts.extensionCritical,
      );
      check(
        "outer signature algorithm",
        name,
        cert.signature.algorithm.name,
        facts.outerAlgorithm,
      );
      if (facts.signatureValue !== "r/s") {
        check(
          "signature value",
          name,
          cert.signature.value,
          facts.signatureValue,
        );
      }
      if (facts.pssHash !== undefined) {
        check(
          "RSA-PSS hash",
          name,
          cert.signature.algorithm.pss?.hashAlgorithm,
          facts.pssHash,
        );
        check(
          "RSA-PSS salt",
          name,
          cert.signature.algorithm.pss?.saltLength,
          facts.pssSalt,
        );
      }
      if (
        cert.publicKey.algorithm === "dsa" || cert.publicKey.explicitParameters
      ) {
        check(
          "DSA/explicit EC key bits",
          name,
          cert.publicKey.bits,
          facts.keyBits,
        );
      }
      // openssl pkey re-encodes the key: where its bytes differ from the
      // certificate's (explicit EC parameters, RSA-PSS, odd encodings) the
      // hashes differ by design, and the DER walk above is the oracle.
      const spki = spkiBytes(der)!;
      const original = createHash("sha256").update(spki).digest("hex");
      if (original === facts.spkiSha256) {
        check(
          "SPKI SHA-256 vs openssl pkey",
          name,
          cert.spkiSha256,
          facts.spkiSha256,
        );
      } else {
        reencodedByOpenssl.push(name);
      }
      const value = (oid: string): Json =>
        extensions.find((e) => e.oid === oid && !e.malformed)?.value;
      const aia = value("1.3.6.1.5.5.7.1.1");
      if (aia) {
        check(
          "AIA URIs",
          name,
          aia.filter((a: Json) => a.location.type === "uri").map((a: Json) =>
            a.location.value
          ),
          facts.aiaUris,
        );
      }
      const crl = value("2.5.29.31");
      if (crl) {
        check(
          "CRL DP URIs",
          name,
          crl.flatMap((p: Json) =>
            (p.fullName ?? []).filter((n: Json) => n.type === "uri").map((
              n: Json,
            ) => n.value)
          ),
          facts.crlUris,
        );
      }
      const policies = value("2.5.29.32");
      if (policies) {
        check(
          "policy OIDs",
          name,
          policies.map((p: Json) => OPENSSL_POLICY_NAMES[p.oid] ?? p.oid),
          facts.policies,
        );
      }
      const scts = value("1.3.6.1.4.1.11129.2.4.2");
      if (scts && facts.sctParsed) {
        // openssl prints no log ID for versions other than v1.
        check(
          "SCT log IDs",
          name,
          scts.filter((s: Json) => s.version === 0).map((s: Json) => s.logId),
          facts.sctLogIds,
        );
      }
    });
  }
  console.log(
    `openssl sample: ${sample.length} of ${candidates.length} (seed ${SEED}), ${refused} refused by openssl`,
  );
  console.log(
    `openssl pkey re-encodes ${reencodedByOpenssl.length} keys differently: ${
      reencodedByOpenssl.join(", ")
    }`,
  );
  report("openssl");
});
