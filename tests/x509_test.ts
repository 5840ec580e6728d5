// X.509 decoder against two independent oracles (the openssl CLI and
// node:crypto X509Certificate), on the system CA store and on certificates
// generated here with openssl; plus fragmentation invariance and caps.
import assert from "node:assert/strict";
import { X509Certificate as NodeX509 } from "node:crypto";
import type { X509Certificate } from "../decoders/mod.ts";
import { derToPem, NAME_ATTRIBUTE_TYPES, pemToDer } from "../decoders/mod.ts";
import {
  expandIpv6,
  generateCorpus,
  type OpensslFacts,
  opensslFacts,
  seededRandom,
  TOO_MANY_SANS,
} from "./helpers/decoders_openssl.ts";
import { decodeInPieces } from "./helpers/x509_pieces.ts";

interface CorpusEntry {
  name: string;
  der: Uint8Array;
  pem: string;
  facts: OpensslFacts;
}

async function loadCorpus(
  generated: Array<{ name: string; path: string }>,
): Promise<CorpusEntry[]> {
  const sources: Array<{ name: string; pem: string }> = [];
  for (const { name, path } of generated) {
    sources.push({ name, pem: await Deno.readTextFile(path) });
  }
  const seen = new Set<string>();
  for await (const entry of Deno.readDir("/etc/ssl/certs")) {
    if (!entry.name.endsWith(".pem")) continue;
    const pem = await Deno.readTextFile(`/etc/ssl/certs/${entry.name}`);
    if (seen.has(pem)) continue;
    seen.add(pem);
    sources.push({ name: `ca:${entry.name}`, pem });
  }
  sources.sort((a, b) => a.name < b.name ? -1 : 1);
  const corpus: CorpusEntry[] = [];
  // A few openssl processes at a time: the machine has two cores.
  for (let i = 0; i < sources.length; i += 6) {
    const batch = sources.slice(i, i + 6);
    const facts = await Promise.all(batch.map((s) => opensslFacts(s.pem)));
    batch.forEach((s, j) =>
      corpus.push({
        name: s.name,
        pem: s.pem,
        der: pemToDer(s.pem)[0],
        facts: facts[j],
      })
    );
  }
  return corpus;
}

// The generated certificates are read into memory and their files removed
// at once: nothing is left behind, whichever tests then run.
const { generated, corpus } = await (async () => {
  const dir = await Deno.makeTempDir({ prefix: "zon-x509-" });
  try {
    const generated = await generateCorpus(dir);
    return { generated, corpus: await loadCorpus(generated) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
})();
const caCount = corpus.filter((entry) => entry.name.startsWith("ca:")).length;

function decodeOk(der: Uint8Array): X509Certificate {
  const result = decodeInPieces(der, []);
  if ("error" in result) {
    throw new Error(`decode failed: ${JSON.stringify(result.error)}`);
  }
  return result;
}

/** Serial as OpenSSL prints it: the magnitude, without DER's 00 sign pad. */
/** The four GeneralName forms the openssl and Node oracles print as text. */
function isBasicSan(san: { type: string }): boolean {
  return ["dns", "ip", "email", "uri"].includes(san.type);
}

function serialMagnitude(hex: string): string {
  return hex.length > 2 && hex.startsWith("00") ? hex.slice(2) : hex;
}

const OPENSSL_KEY_ALGORITHMS: Record<string, string> = {
  rsaEncryption: "rsa",
  rsassaPss: "rsa-pss",
  "id-ecPublicKey": "ec",
  ED25519: "ed25519",
  ED448: "ed448",
  dsaEncryption: "dsa",
};

Deno.test(`corpus has the CA store (${caCount}) and every generated shape`, () => {
  assert.ok(caCount >= 100, `only ${caCount} CA certificates`);
  assert.equal(corpus.length - caCount, generated.length);
});

Deno.test("every certificate matches openssl x509", () => {
  for (const { name, der, facts } of corpus) {
    const cert = decodeOk(der);
    const where = `${name}`;
    assert.equal(cert.version, facts.version, `${where} version`);
    if (!/^[89a-f]/.test(cert.serialNumber)) {
      assert.equal(
        serialMagnitude(cert.serialNumber),
        facts.serialHex,
        `${where} serial`,
      );
    }
    const expectedSubject = name === "long_names"
      ? facts.subject.map((a) => ({ ...a, value: a.value.slice(0, 1024) }))
      : facts.subject;
    assert.deepEqual(cert.subject, expectedSubject, `${where} subject`);
    const expectedIssuer = name === "long_names"
      ? facts.issuer.map((a) => ({ ...a, value: a.value.slice(0, 1024) }))
      : facts.issuer;
    assert.deepEqual(cert.issuer, expectedIssuer, `${where} issuer`);
    assert.equal(cert.notBefore, facts.notBefore, `${where} notBefore`);
    assert.equal(cert.notAfter, facts.notAfter, `${where} notAfter`);
    assert.equal(cert.fingerprintSha256, facts.fingerprint, `${where} sha256`);
    assert.equal(cert.byteLength, der.length);
    assert.equal(
      cert.signatureAlgorithm.name,
      facts.signatureAlgorithm,
      `${where} signature algorithm`,
    );
    assert.equal(
      cert.publicKey.algorithm,
      OPENSSL_KEY_ALGORITHMS[facts.keyLine] ?? facts.keyLine,
      `${where} key algorithm`,
    );
    if (facts.keyBits !== undefined) {
      assert.equal(cert.publicKey.bits, facts.keyBits, `${where} key bits`);
    }
    if (facts.nistCurve !== undefined) {
      assert.equal(cert.publicKey.curve, facts.nistCurve, `${where} curve`);
    }
    const sans = cert.subjectAltNames.map((san) =>
      san.type === "ip" ? { type: "ip", value: expandIpv6(san.value) } : san
    );
    if (name !== "too_many_sans") {
      assert.deepEqual(
        sans.map((san) => isBasicSan(san) ? san : "other"),
        facts.subjectAltNames.map((san) =>
          san.type === "other" ? san.type : san
        ),
        `${where} SANs`,
      );
    }
    assert.deepEqual(
      cert.basicConstraints,
      facts.basicConstraints,
      `${where} basicConstraints`,
    );
    assert.deepEqual(cert.keyUsage, facts.keyUsage, `${where} keyUsage`);
    assert.deepEqual(
      cert.extendedKeyUsage,
      facts.extendedKeyUsage,
      `${where} extendedKeyUsage`,
    );
    assert.equal(
      cert.subjectKeyIdentifier,
      facts.subjectKeyIdentifier,
      `${where} SKI`,
    );
    assert.equal(
      cert.authorityKeyIdentifier,
      facts.authorityKeyIdentifier,
      `${where} AKI`,
    );
    assert.equal(
      cert.truncated,
      name === "too_many_sans" || name === "long_names",
      `${where} truncated`,
    );
  }
});

/** node:crypto's subject/issuer text: one `type=value` line per attribute. */
function nodeNameLines(text: string | undefined): string[] {
  // Deno prints types it has no name for as OID(dotted); zon uses
  // OpenSSL's short names (checked against openssl above).
  // It also uses a few long names where OpenSSL has short ones, and puts a
  // multi-valued RDN on one line joined by " + ".
  return (text ?? "").split("\n").filter((line) => line !== "")
    .flatMap((line) => line.split(" + "))
    .map((line) =>
      line.replace(
        /^OID\(([\d.]+)\)|^[A-Za-z]+(?==)/,
        (match: string, oid?: string) =>
          oid
            ? NAME_ATTRIBUTE_TYPES.get(oid) ?? oid
            : DENO_NAME_ALIASES[match] ?? match,
      )
    );
}

const DENO_NAME_ALIASES: Record<string, string> = {
  givenName: "GN",
  surname: "SN",
  streetAddress: "street",
  uid: "UID",
  msJurisdictionCountry: "jurisdictionC",
};

const NODE_CURVES: Record<string, string> = {
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
};

Deno.test("every certificate matches node:crypto X509Certificate", () => {
  let compared = 0;
  const namesSkipped: string[] = [];
  const keysSkipped: string[] = [];
  for (const { name, der, pem } of corpus) {
    if (name === "long_names" || name === "too_many_sans") continue;
    const cert = decodeOk(der);
    const node = new NodeX509(pem);
    const where = name;
    assert.equal(
      cert.fingerprintSha256,
      node.fingerprint256.replaceAll(":", "").toLowerCase(),
      `${where} fingerprint`,
    );
    if (!/^[89a-f]/.test(cert.serialNumber)) {
      assert.equal(
        serialMagnitude(cert.serialNumber).replace(/^0+(?=.)/, ""),
        node.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
        `${where} serial`,
      );
    }
    // Deno's node:crypto throws on some names (multi-valued RDNs, some
    // string types); openssl covers those, so compare names where it can.
    let nodeSubject: string | undefined, nodeIssuer: string | undefined;
    try {
      nodeSubject = node.subject;
      nodeIssuer = node.issuer;
    } catch {
      namesSkipped.push(name);
    }
    if (nodeSubject !== undefined && nodeIssuer !== undefined) {
      assert.deepEqual(
        cert.subject.map((a) => `${a.type}=${a.value}`),
        nodeNameLines(nodeSubject),
        `${where} subject`,
      );
      assert.deepEqual(
        cert.issuer.map((a) => `${a.type}=${a.value}`),
        nodeNameLines(nodeIssuer),
        `${where} issuer`,
      );
    }
    assert.equal(
      Date.parse(cert.notBefore),
      Date.parse(node.validFrom),
      `${where} validFrom ${node.validFrom}`,
    );
    assert.equal(
      Date.parse(cert.notAfter),
      Date.parse(node.validTo),
      `${where} validTo ${node.validTo}`,
    );
    const nodeSans = node.subjectAltName
      ? node.subjectAltName.split(", ").map((entry) => {
        const colon = entry.indexOf(":");
        const kind = entry.slice(0, colon);
        const value = entry.slice(colon + 1);
        const type = kind === "DNS"
          ? "dns"
          : kind === "IP Address"
          ? "ip"
          : kind === "email"
          ? "email"
          : kind === "URI"
          ? "uri"
          : "other";
        return `${type}:${type === "ip" ? expandIpv6(value) : value}`;
      })
      : [];
    assert.deepEqual(
      cert.subjectAltNames
        .filter(isBasicSan)
        .map((san) =>
          `${san.type}:${san.type === "ip" ? expandIpv6(san.value) : san.value}`
        ),
      nodeSans.filter((entry) => !entry.startsWith("other:")),
      `${where} SANs`,
    );
    let key;
    try {
      key = node.publicKey;
    } catch {
      // Deno's node:crypto lacks some key types; openssl checked them above.
      keysSkipped.push(name);
      compared++;
      continue;
    }
    assert.equal(
      cert.publicKey.algorithm,
      key.asymmetricKeyType,
      `${where} key`,
    );
    const details = key.asymmetricKeyDetails ?? {};
    if (details.modulusLength !== undefined) {
      assert.equal(cert.publicKey.bits, details.modulusLength, `${where} bits`);
    }
    if (details.namedCurve !== undefined) {
      assert.equal(
        cert.publicKey.curve,
        NODE_CURVES[details.namedCurve] ?? details.namedCurve,
        `${where} curve`,
      );
    }
    assert.equal(cert.basicConstraints?.ca ?? false, node.ca, `${where} CA`);
    compared++;
  }
  assert.ok(compared > 100);
  assert.ok(namesSkipped.length < 5, `names skipped: ${namesSkipped}`);
  assert.ok(keysSkipped.length < 5, `keys skipped: ${keysSkipped}`);
  if (namesSkipped.length + keysSkipped.length) {
    console.log(
      `node:crypto could not read names of [${namesSkipped}], keys of [${keysSkipped}]`,
    );
  }
});

/** What real Node's crypto.X509Certificate reports (decoders_node_x509.mjs). */
interface NodeFacts {
  error?: string;
  subject: string;
  issuer: string;
  subjectAltName: string | null;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  ca: boolean;
  key: {
    error?: string;
    type: string | null;
    modulusLength: number | null;
    namedCurve: string | null;
  };
}

/** Whether a `node` binary is on PATH (the check is skipped without one). */
function hasNode(): boolean {
  try {
    return new Deno.Command("node", { args: ["--version"], stdout: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Node's (OpenSSL's) subject/issuer text as `type=value` lines. */
function realNodeNameLines(text: string): string[] {
  // OpenSSL puts a multi-valued RDN on one line joined by " + ", prints
  // attribute types it has no short name for as dotted OIDs, and escapes
  // values RFC 2253 style (`\,`), control characters as `\XX`.
  return text.split("\n").filter((line) => line !== "")
    .flatMap((line) => line.split(" + "))
    .map((line) =>
      line.replace(
        /\\([0-9A-Fa-f]{2})|\\(.)/g,
        (_, hex?: string, char?: string) =>
          hex ? String.fromCharCode(parseInt(hex, 16)) : char!,
      )
    );
}

/** Node's subjectAltName text as `type:value` entries (IPv6 expanded). */
function realNodeSans(text: string | null): string[] {
  if (!text) return [];
  // Node quotes (JSON-style) values containing separators or non-ASCII.
  return text.split(/, (?=[A-Za-z ]+:)/).map((entry) => {
    const colon = entry.indexOf(":");
    const kind = entry.slice(0, colon);
    let value = entry.slice(colon + 1);
    if (value.startsWith('"')) value = JSON.parse(value);
    const type = kind === "DNS"
      ? "dns"
      : kind === "IP Address"
      ? "ip"
      : kind === "email"
      ? "email"
      : kind === "URI"
      ? "uri"
      : "other";
    return `${type}:${type === "ip" ? expandIpv6(value) : value}`;
  });
}

Deno.test({
  name: "every certificate matches real Node's crypto.X509Certificate",
  ignore: !hasNode(),
  fn: async () => {
    const entries = corpus.filter((entry) => entry.name !== "too_many_sans");
    const dir = await Deno.makeTempDir({ prefix: "zon-x509-node-" });
    const input = `${dir}/node-input.json`;
    await Deno.writeTextFile(
      input,
      JSON.stringify(entries.map((entry) => entry.pem)),
    );
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command("node", {
        args: [
          new URL("./helpers/decoders_node_x509.mjs", import.meta.url).pathname,
          input,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    assert.ok(
      output.success,
      `node failed: ${new TextDecoder().decode(output.stderr)}`,
    );
    const facts: NodeFacts[] = JSON.parse(
      new TextDecoder().decode(output.stdout),
    );
    assert.equal(facts.length, entries.length);
    let compared = 0;
    entries.forEach(({ name, der }, index) => {
      const node = facts[index];
      const where = `${name} (real Node)`;
      assert.equal(node.error, undefined, `${where}: ${node.error}`);
      const cert = decodeOk(der);
      assert.equal(
        cert.fingerprintSha256,
        node.fingerprint256.replaceAll(":", "").toLowerCase(),
        `${where} fingerprint`,
      );
      if (!/^[89a-f]/.test(cert.serialNumber)) {
        assert.equal(
          serialMagnitude(cert.serialNumber).replace(/^0+(?=.)/, ""),
          node.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
          `${where} serial`,
        );
      }
      if (name !== "long_names") {
        assert.deepEqual(
          cert.subject.map((a) => `${a.type}=${a.value}`),
          realNodeNameLines(node.subject),
          `${where} subject`,
        );
        assert.deepEqual(
          cert.issuer.map((a) => `${a.type}=${a.value}`),
          realNodeNameLines(node.issuer),
          `${where} issuer`,
        );
      }
      assert.equal(
        Date.parse(cert.notBefore),
        Date.parse(node.validFrom),
        `${where} validFrom ${node.validFrom}`,
      );
      assert.equal(
        Date.parse(cert.notAfter),
        Date.parse(node.validTo),
        `${where} validTo ${node.validTo}`,
      );
      assert.deepEqual(
        cert.subjectAltNames.filter(isBasicSan).map((
          san,
        ) =>
          `${san.type}:${san.type === "ip" ? expandIpv6(san.value) : san.value}`
        ),
        realNodeSans(node.subjectAltName).filter((entry) =>
          !entry.startsWith("other:")
        ),
        `${where} SANs`,
      );
      assert.equal(node.key.error, undefined, `${where}: ${node.key.error}`);
      assert.equal(cert.publicKey.algorithm, node.key.type, `${where} key`);
      if (node.key.modulusLength !== null) {
        assert.equal(
          cert.publicKey.bits,
          node.key.modulusLength,
          `${where} bits`,
        );
      }
      if (node.key.namedCurve !== null) {
        assert.equal(
          cert.publicKey.curve,
          NODE_CURVES[node.key.namedCurve] ?? node.key.namedCurve,
          `${where} curve`,
        );
      }
      assert.equal(cert.basicConstraints?.ca ?? false, node.ca, `${where} CA`);
      compared++;
    });
    assert.ok(compared > 100);
  },
});

Deno.test("whole, byte-at-a-time and 20 random split sets agree", () => {
  const random = seededRandom(0x5eed);
  for (const { name, der } of corpus) {
    const whole = decodeInPieces(der, []);
    const bytewise = decodeInPieces(
      der,
      Array.from({ length: der.length - 1 }, (_, i) => i + 1),
    );
    assert.deepEqual(bytewise, whole, `${name}: byte-at-a-time`);
    for (let set = 0; set < 20; set++) {
      const count = 1 + Math.floor(random() * 12);
      const cuts = Array.from(
        { length: count },
        () => Math.floor(random() * der.length),
      ).sort((a, b) => a - b);
      assert.deepEqual(
        decodeInPieces(der, cuts),
        whole,
        `${name}: split at ${cuts}`,
      );
    }
  }
});

Deno.test("shapes: key sizes, v1, dates, serials, string types", () => {
  const byName = new Map(corpus.map((entry) => [entry.name, entry]));
  const get = (name: string) => decodeOk(byName.get(name)!.der);
  assert.deepEqual(get("rsa1024").publicKey, { algorithm: "rsa", bits: 1024 });
  assert.deepEqual(get("rsa4096_ca").publicKey, {
    algorithm: "rsa",
    bits: 4096,
  });
  assert.deepEqual(get("rsa4096_ca").basicConstraints, {
    ca: true,
    pathLength: 3,
  });
  assert.deepEqual(get("ec_p384").publicKey, {
    algorithm: "ec",
    bits: 384,
    curve: "P-384",
  });
  assert.deepEqual(get("ed25519").publicKey, {
    algorithm: "ed25519",
    bits: 256,
  });
  assert.deepEqual(get("ed448").publicKey, { algorithm: "ed448", bits: 456 });
  assert.equal(get("ed448").signatureAlgorithm.name, "ED448");
  assert.equal(get("rsa_pss").publicKey.algorithm, "rsa-pss");
  const v1 = get("v1");
  assert.equal(v1.version, 1);
  assert.equal(v1.serialNumber, "07");
  assert.equal(v1.basicConstraints, undefined);
  assert.deepEqual(v1.subjectAltNames, []);
  const generalized = get("generalized_time");
  assert.equal(generalized.notBefore, "1940-01-01T00:00:00Z");
  assert.equal(generalized.notAfter, "2060-02-29T12:00:00Z");
  const utc = get("utc_1965");
  assert.equal(utc.notBefore, "1965-01-01T00:00:00Z");
  assert.equal(utc.notAfter, "2049-12-31T23:59:59Z");
  assert.equal(
    get("serial20").serialNumber,
    "7f0102030405060708090a0b0c0d0e0f10111213",
  );
  assert.equal(
    get("serial21").serialNumber,
    "008f0102030405060708090a0b0c0d0e0f10111213",
  );
  assert.deepEqual(get("utf8_names").subject, [
    { type: "CN", value: "日本語テスト 🎉" },
    { type: "O", value: "Ωmega Ünïcödé" },
    { type: "L", value: "Zürich" },
  ]);
  // string_mask=default: BMPString for the CN, T61String for Latin-1 text.
  const bmpDer = byName.get("bmp_names")!.der;
  assert.ok(bmpDer.includes(0x1e), "BMPString tag present");
  assert.deepEqual(get("bmp_names").subject, [
    { type: "CN", value: "Ünïcödé 日本語 Ελληνικά" },
    { type: "O", value: "Zürich AG" },
  ]);
  const multi = get("multi_rdn");
  assert.deepEqual(multi.subject.slice(0, 4), [
    { type: "DC", value: "org" },
    { type: "DC", value: "example" },
    { type: "CN", value: "multi" },
    { type: "UID", value: "jdoe" },
  ]);
  const sans = get("rsa2048_sans");
  assert.deepEqual(sans.subjectAltNames, [
    { type: "dns", value: "a.example" },
    { type: "dns", value: "*.b.example" },
    { type: "ip", value: "192.0.2.1" },
    { type: "ip", value: "2001:db8::1" },
    { type: "ip", value: "::1" },
    { type: "email", value: "x@example.com" },
    { type: "uri", value: "https://example.com/path?q=1" },
  ]);
  assert.deepEqual(sans.extendedKeyUsage, [
    "serverAuth",
    "clientAuth",
    "codeSigning",
    "1.2.3.4.5",
  ]);
  assert.deepEqual(sans.keyUsage, [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
  ]);
  const many = get("many_sans");
  assert.equal(many.subjectAltNames.length, 504);
  assert.equal(many.truncated, false);
});

Deno.test("caps: 1,000 SANs and 1,024-byte values, flagged, never an error", () => {
  const byName = new Map(corpus.map((entry) => [entry.name, entry]));
  const tooMany = decodeOk(byName.get("too_many_sans")!.der);
  assert.equal(tooMany.subjectAltNames.length, 1000);
  assert.ok(TOO_MANY_SANS > 1000);
  assert.deepEqual(tooMany.subjectAltNames[999], {
    type: "dns",
    value: "h999.example",
  });
  assert.equal(tooMany.truncated, true);
  const long = decodeOk(byName.get("long_names")!.der);
  assert.equal(long.subject[0].value, "a".repeat(64));
  assert.equal(long.subject[1].value, "x".repeat(1024));
  assert.equal(long.truncated, true);
  // The fingerprint still covers every byte.
  assert.equal(
    long.fingerprintSha256,
    byName.get("long_names")!.facts.fingerprint,
  );
});

Deno.test("PEM round trip matches openssl's encoding", () => {
  for (const { name, der, pem } of corpus.slice(0, 40)) {
    if (name.startsWith("ca:")) continue;
    assert.equal(derToPem(der), pem, name);
  }
});
