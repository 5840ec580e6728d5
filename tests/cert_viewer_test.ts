// The certificate viewer (examples/cert_viewer/) in headless Chromium: the
// page is served by the viewer's own server (serve.ts, on 127.0.0.1), and
// tests/helpers/npm/viewer_driver.mjs (playwright-core, Debian's chromium) feeds it
// system CA certificates as a chosen PEM file, a dropped DER file, pasted
// `xxd` and `hexdump -C` dumps and pasted PEM, then every CA certificate as
// one bundle. What the page displays must equal what OpenSSL prints
// (`openssl x509 -nameopt RFC2253,-esc_msb`: RFC 2253 with UTF-8 kept), and
// for the single certificates also the extensions' critical flags in order
// and the signature value (`openssl x509 -text`) and the SPKI SHA-256
// (`openssl pkey -pubin -outform DER`).
//
// ZON_VIEWER_SCREENSHOTS=DIR keeps the page's screenshots in DIR.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startViewer } from "../examples/cert_viewer/serve.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";
const CA_DIR = "/etc/ssl/certs";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function run(
  cmd: string,
  args: string[],
  stdin?: Uint8Array,
): Promise<Uint8Array> {
  const child = new Deno.Command(cmd, {
    args,
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${code}: ${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  return stdout;
}

/** Installs Debian's chromium when missing (never a Playwright download). */
async function ensureChromium(): Promise<void> {
  if (await exists(CHROMIUM)) return;
  console.log("installing Debian's chromium with apt-get");
  const apt = (...args: string[]) =>
    Deno.uid() === 0 ? run("apt-get", args) : run("sudo", ["apt-get", ...args]);
  await apt("update", "-qq");
  await apt("install", "-y", "-qq", "chromium");
  assert.ok(await exists(CHROMIUM), `apt-get installed no ${CHROMIUM}`);
}

/** A system CA certificate: its PEM and its DER (decoded here, not by zon). */
interface CaFile {
  file: string;
  pem: string;
  der: Uint8Array;
}

/** What OpenSSL prints about a certificate. */
interface OpensslFacts {
  subject: string;
  issuer: string;
  fingerprint: string;
}

/** The system CA certificates, one per distinct PEM, sorted by file name. */
async function systemCertificates(): Promise<CaFile[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(CA_DIR)) {
    if (entry.name.endsWith(".pem")) files.push(entry.name);
  }
  files.sort();
  const seen = new Set<string>();
  const out: CaFile[] = [];
  for (const file of files) {
    const pem = await Deno.readTextFile(`${CA_DIR}/${file}`);
    if (seen.has(pem)) continue; // the store links some files twice
    seen.add(pem);
    const body = pem.match(
      /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/,
    )?.[1].replace(/\s+/g, "");
    assert.ok(body, `${file} holds no PEM certificate`);
    out.push({
      file,
      pem,
      der: Uint8Array.from(atob(body), (c) => c.charCodeAt(0)),
    });
  }
  assert.ok(
    out.length >= 5,
    `only ${out.length} certificates in ${CA_DIR}: install ca-certificates`,
  );
  return out;
}

/** Runs OpenSSL on one PEM certificate. */
async function opensslFacts(cert: CaFile): Promise<OpensslFacts> {
  const facts = await run("openssl", [
    "x509",
    "-noout",
    "-nameopt",
    "RFC2253,-esc_msb",
    "-subject",
    "-issuer",
    "-fingerprint",
    "-sha256",
  ], new TextEncoder().encode(cert.pem));
  const lines = new TextDecoder().decode(facts).split("\n");
  const field = (prefix: string) => {
    const line = lines.find((l) => l.startsWith(prefix));
    assert.ok(line, `openssl printed no ${prefix} for ${cert.file}`);
    return line.slice(prefix.length).trim();
  };
  return {
    subject: field("subject="),
    issuer: field("issuer="),
    fingerprint: field("sha256 Fingerprint="),
  };
}

/** What `openssl x509 -text` and `openssl pkey` say beyond the names. */
interface OpensslDetails {
  critical: boolean[];
  signatureValue: string;
  spki: string;
}

async function opensslDetails(cert: CaFile): Promise<OpensslDetails> {
  const pem = new TextEncoder().encode(cert.pem);
  const text = new TextDecoder().decode(
    await run("openssl", ["x509", "-noout", "-text"], pem),
  );
  const lines = text.split("\n");
  const start = lines.indexOf("        X509v3 extensions:");
  const outer = lines.findIndex((l) => /^ {4}Signature Algorithm:/.test(l));
  const critical = start < 0 ? [] : lines.slice(start + 1, outer)
    .map((l) => l.match(/^ {12}\S.*?:( critical)?\s*$/))
    .filter((m) => m !== null).map((m) => m![1] !== undefined);
  const signatureValue = lines.slice(outer + 2)
    .filter((l) => /^ {8}[0-9a-f]{2}(:[0-9a-f]{2})*:?$/.test(l))
    .map((l) => l.trim().replace(/:$/, "")).join(":").toUpperCase();
  const publicKey = await run("openssl", ["x509", "-noout", "-pubkey"], pem);
  const spkiDer = await run(
    "openssl",
    ["pkey", "-pubin", "-outform", "DER"],
    publicKey,
  );
  const spki = (createHash("sha256").update(spkiDer).digest("hex").toUpperCase()
    .match(/../g) ?? []).join(":");
  return { critical, signatureValue, spki };
}

/** OpenSSL's facts for each certificate, a few processes at a time. */
async function opensslAll(certs: CaFile[]): Promise<OpensslFacts[]> {
  const out: OpensslFacts[] = [];
  const BATCH = 4;
  for (let i = 0; i < certs.length; i += BATCH) {
    out.push(...await Promise.all(certs.slice(i, i + BATCH).map(opensslFacts)));
  }
  return out;
}

/** Whether the DER holds a short UTF8String with non-ASCII text. */
function hasUtf8Name(der: Uint8Array): boolean {
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i + 2 < der.length; i++) {
    if (der[i] !== 0x0c || der[i + 1] >= 0x80) continue;
    const value = der.subarray(i + 2, i + 2 + der[i + 1]);
    if (!value.some((b) => b >= 0x80)) continue;
    try {
      utf8.decode(value);
      return true;
    } catch {
      // not text: some other element's bytes
    }
  }
  return false;
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

interface Shown {
  id: string;
  spki: string;
  signatureValue: string;
  extensions: boolean[];
  ms: number;
  state: string;
  subject: string;
  issuer: string;
  fingerprint: string;
  error: string;
  source: string;
  consumed: number;
  total: number;
  pushes: number;
  chunk: string;
  counter: number[];
}

interface DriverReport {
  userAgent: string;
  problems: string[];
  cases: Shown[];
  bundle: Shown & {
    hidden: boolean;
    shown: Array<{ subject: string; issuer: string; fingerprint: string }>;
  };
}

Deno.test("cert viewer: Chromium shows what OpenSSL says", async () => {
  await ensureChromium();
  const certs = await systemCertificates();
  const byFile = (name: string, fallback: number) =>
    certs.find((c) => c.file === name) ?? certs[fallback];
  // Distinct certificates per input path, one of them with UTF-8 names.
  const animated = byFile("ISRG_Root_X1.pem", 0);
  const dropped = byFile("DigiCert_Global_Root_G2.pem", 1);
  const rest = certs.filter((c) => c !== animated && c !== dropped);
  const unicode = rest.find((c) => hasUtf8Name(c.der)) ?? rest[2];
  const [xxdCert, hexdumpCert] = rest.filter((c) => c !== unicode);
  // OpenSSL takes ~50 ms a certificate here: let it work while Chromium does.
  const factsPromise = opensslAll(certs);
  const expected = new Map<string, CaFile>([
    ["animated-pem-file", animated],
    ["dropped-der", dropped],
    ["pasted-xxd", xxdCert],
    ["pasted-hexdump-C", hexdumpCert],
    ["pasted-pem", unicode],
  ]);

  const work = await Deno.makeTempDir({ prefix: "zon-viewer-test-" });
  const shots = Deno.env.get("ZON_VIEWER_SCREENSHOTS") ??
    await Deno.makeTempDir({ dir: work, prefix: "shots-" });
  await Deno.mkdir(shots, { recursive: true });
  const viewer = await startViewer(0);
  try {
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const cases = [
      {
        id: "animated-pem-file",
        how: "file",
        speed: "animated",
        name: animated.file,
        base64: base64(new TextEncoder().encode(animated.pem)),
        screenshot: "viewer.png",
      },
      {
        id: "dropped-der",
        how: "drop",
        speed: "instant",
        name: dropped.file.replace(/\.pem$/, ".der"),
        base64: base64(dropped.der),
      },
      {
        id: "pasted-xxd",
        how: "paste",
        speed: "instant",
        text: text(await run("xxd", [], xxdCert.der)),
      },
      {
        id: "pasted-hexdump-C",
        how: "paste",
        speed: "instant",
        text: text(await run("hexdump", ["-C"], hexdumpCert.der)),
      },
      {
        id: "pasted-pem",
        how: "paste",
        speed: "animated",
        text: unicode.pem,
        screenshot: "viewer-unicode.png",
      },
      {
        // Plain hex of a certificate cut short: the decoder's error shows.
        id: "truncated-hex",
        how: "paste",
        speed: "instant",
        text: [...animated.der.subarray(0, 600)].map((b) =>
          b.toString(16).padStart(2, "0")
        ).join(" "),
        screenshot: "viewer-error.png",
      },
    ];
    const casesPath = `${work}/cases.json`;
    await Deno.writeTextFile(
      casesPath,
      JSON.stringify({
        cases,
        bundle: {
          name: "ca-certificates.crt",
          text: certs.map((c) => c.pem).join(""),
        },
      }),
    );
    const profile = await Deno.makeTempDir({ dir: work, prefix: "profile-" });
    const { code, stdout, stderr } = await new Deno.Command("node", {
      args: [
        `${ROOT}tests/helpers/npm/viewer_driver.mjs`,
        viewer.url,
        casesPath,
        profile,
        shots,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = text(stdout).trim();
    const line = out.split("\n").findLast((l) => l.startsWith("{"));
    assert.ok(
      line && code === 0,
      `the viewer driver exited ${code}:\n${out}\n${text(stderr)}`,
    );
    const report: DriverReport = JSON.parse(line);
    console.log(report.userAgent);
    console.log(`screenshots in ${shots}`);
    assert.deepEqual(report.problems, [], "the page reported errors");
    const facts = new Map(
      (await factsPromise).map((f, i) => [certs[i], f] as const),
    );

    const truncated = report.cases.pop()!;
    assert.equal(truncated.id, "truncated-hex");
    assert.equal(truncated.state, "error");
    assert.match(truncated.error, /^TRUNCATED at byte 600: /);
    assert.equal(truncated.pushes, 600);
    for (const shown of report.cases) {
      const cert = expected.get(shown.id)!;
      const openssl = facts.get(cert)!;
      console.log(
        `${shown.id} (${cert.file}, ${cert.der.length} B, ${shown.ms} ms): ${shown.subject}`,
      );
      assert.equal(shown.state, "done", `${shown.id}: ${shown.error}`);
      assert.equal(shown.subject, openssl.subject, `${shown.id}: subject`);
      assert.equal(shown.issuer, openssl.issuer, `${shown.id}: issuer`);
      assert.equal(
        shown.fingerprint,
        openssl.fingerprint,
        `${shown.id}: SHA-256`,
      );
      const details = await opensslDetails(cert);
      assert.equal(shown.spki, details.spki, `${shown.id}: SPKI SHA-256`);
      assert.deepEqual(
        shown.extensions,
        details.critical,
        `${shown.id}: extensions' critical flags in order`,
      );
      assert.equal(
        shown.signatureValue,
        details.signatureValue,
        `${shown.id}: signature value`,
      );
      // The meter: the decoder's own count reached the DER size, one push
      // per byte, a one-byte chunk.
      assert.equal(shown.total, cert.der.length, `${shown.id}: total`);
      assert.equal(shown.consumed, cert.der.length, `${shown.id}: consumed`);
      assert.equal(shown.pushes, cert.der.length, `${shown.id}: pushes`);
      assert.equal(shown.chunk, "1 byte");
    }
    // While animated, the counter moved through many values below the total.
    for (const id of ["animated-pem-file", "pasted-pem"]) {
      const { counter, total } = report.cases.find((c) => c.id === id)!;
      const between = new Set(counter.filter((n) => n > 0 && n < total));
      assert.ok(
        between.size >= 30,
        `${id}: the live counter showed only ${between.size} partial values`,
      );
      assert.deepEqual(
        counter,
        counter.toSorted((a, b) => a - b),
        `${id}: the counter went backwards`,
      );
    }

    const { bundle } = report;
    console.log(
      `bundle of ${certs.length} CA certificates (${bundle.ms} ms): ${bundle.source}`,
    );
    assert.equal(bundle.state, "done");
    assert.equal(bundle.hidden, false, "no picker for a bundle");
    assert.equal(bundle.shown.length, certs.length);
    for (const [i, cert] of certs.entries()) {
      assert.deepEqual(bundle.shown[i], facts.get(cert), cert.file);
    }
  } finally {
    await factsPromise.catch(() => {}); // no openssl left running
    await viewer.close();
    await Deno.remove(work, { recursive: true });
  }
});
