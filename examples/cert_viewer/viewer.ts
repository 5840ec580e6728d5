/// <reference lib="dom" />
/**
 * The certificate viewer's page script (served as `/viewer.js` by
 * `serve.ts`). Turns a dropped file or pasted text into DER, feeds it to
 * zon's {@linkcode X509Decoder} one byte per `push()` while a meter shows
 * the decoder's own byte count, then renders the decoded fields.
 *
 * The page imports `@zon/net/decoders`, which the page's import map points
 * at the npm build's `decoders.js` bundle.
 *
 * @module
 */

import {
  pemBlocks,
  X509_LIMITS,
  type X509AccessDescription,
  type X509AuthorityKeyIdentifier,
  type X509BasicConstraints,
  type X509Certificate,
  X509Decoder,
  type X509DecodeResult,
  type X509DistributionPoint,
  type X509Extension,
  type X509GeneralName,
  type X509NameAttribute,
  type X509NameConstraints,
  type X509Policy,
  type X509PolicyConstraints,
  type X509Sct,
} from "@zon/net/decoders";

// ---------------------------------------------------------------------------
// Input: file bytes or pasted text to DER certificates.

/** One certificate to decode, with a note on where it came from. */
interface Job {
  der: Uint8Array;
  source: string;
}

const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);

function pemJobs(text: string, where: string): Job[] | string {
  const blocks = pemBlocks(text);
  const certs = blocks.filter((b) => CERTIFICATE_LABELS.has(b.label));
  if (certs.length === 0) {
    return blocks.length > 0
      ? `${where} has PEM blocks but no certificate (found ${
        [...new Set(blocks.map((b) => b.label))].join(", ")
      })`
      : `${where} has a BEGIN line but no readable PEM block`;
  }
  return certs.map((b, i) => ({
    der: b.der,
    source: `${where}, PEM${
      certs.length > 1 ? ` block ${i + 1} of ${certs.length}` : ""
    }`,
  }));
}

/**
 * Reads a hex dump: `xxd` (offset, colon, groups, ASCII column), `hexdump -C`
 * (offset, bytes, `|ASCII|`) or plain hex with any separators (`30 82`,
 * `30:82`, `0x30, 0x82`). Returns undefined when the text is none of these.
 */
function parseHexDump(text: string): Uint8Array | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) =>
    l.trim() !== ""
  );
  if (lines.length === 0) return undefined;
  let digits = "";
  if (/^[0-9a-f]{4,}: /i.test(lines[0].trimStart())) {
    // xxd: "00000000: 3082 05a3 ...  0..." (the ASCII column follows two spaces)
    for (const line of lines) {
      const m = line.trimStart().match(/^[0-9a-f]{4,}: ?(.*)$/i);
      if (!m) return undefined;
      digits += m[1].split(/ {2,}/)[0];
    }
  } else if (lines.some((l) => /\|.*\|$/.test(l))) {
    // hexdump -C: "00000000  30 82 05 a3 ...  |0...|", a last line of offset
    for (const line of lines) {
      const body = line.replace(/\s*\|.*\|$/, "").trim();
      const m = body.match(/^[0-9a-f]{6,}(?:\s+(.*))?$/i);
      if (!m) return undefined;
      digits += m[1] ?? "";
    }
  } else {
    digits = text.replace(/0x/gi, "");
  }
  digits = digits.replace(/[\s,:;.-]/g, "");
  if (digits.length === 0 || digits.length % 2 !== 0) return undefined;
  if (!/^[0-9a-f]+$/i.test(digits)) return undefined;
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

/** Base64 without PEM armour (what some tools print). */
function bareBase64(text: string): Uint8Array | undefined {
  const body = text.replace(/\s+/g, "");
  if (body.length < 16 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    return undefined;
  }
  const blocks = pemBlocks(
    `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`,
  );
  return blocks[0]?.der;
}

/** The certificates in pasted or dropped text, or why there are none. */
function textJobs(text: string, where: string): Job[] | string {
  if (text.includes("-----BEGIN")) return pemJobs(text, where);
  const hex = parseHexDump(text);
  if (hex) return [{ der: hex, source: `${where}, hex dump` }];
  const base64 = bareBase64(text);
  if (base64) return [{ der: base64, source: `${where}, base64` }];
  return `${where} is neither PEM, DER, nor a hex dump`;
}

/** The certificates in a file's bytes: DER, or text handled as pasted. */
function fileJobs(bytes: Uint8Array, name: string): Job[] | string {
  const where = `file ${name} (${bytes.length.toLocaleString("en")} bytes)`;
  // DER starts with a SEQUENCE tag and a length byte; PEM and hex are text.
  if (bytes[0] === 0x30 && bytes.length > 1 && bytes[1] >= 0x80) {
    return [{ der: bytes, source: `${where}, DER` }];
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  return textJobs(text, where);
}

// ---------------------------------------------------------------------------
// Feeding: one byte per push(), with a live meter.

const $ = <T extends HTMLElement = HTMLElement>(id: string): T =>
  document.getElementById(id) as T;

const TICKER_BYTES = 24;
/** Animated feeds take about this many frames, whatever the size. */
const ANIMATION_FRAMES = 90;

let generation = 0;

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}

function showMeter(
  consumed: number,
  total: number,
  pushes: number,
  recent: number[],
): void {
  $("consumed").textContent = consumed.toLocaleString("en");
  $("total").textContent = total.toLocaleString("en");
  $("pushes").textContent = pushes.toLocaleString("en");
  $("bar").style.width = `${total ? (100 * consumed) / total : 0}%`;
  const ticker = $("ticker");
  ticker.replaceChildren(
    ...recent.map((b) => {
      const span = document.createElement("span");
      span.textContent = `${hex2(b)} `;
      return span;
    }),
  );
}

function setState(state: string, text: string): void {
  const el = $("state");
  el.dataset.state = state;
  el.textContent = text;
  document.body.dataset.state = state;
}

/**
 * Feeds `der` to a new decoder one byte at a time. Every push gets the same
 * one-byte array, overwritten before the next call. Animated feeds yield to
 * the browser between frames so the meter moves; instant feeds still push
 * byte by byte, just without pausing.
 */
async function feed(
  der: Uint8Array,
  animated: boolean,
  mine: number,
): Promise<X509DecodeResult | undefined> {
  const decoder = new X509Decoder();
  const one = new Uint8Array(1);
  const recent: number[] = [];
  let pushes = 0;
  const perFrame = animated
    ? Math.max(1, Math.ceil(der.length / ANIMATION_FRAMES))
    : der.length;
  $("chunk").textContent = `${one.length} byte`;
  for (let i = 0; i < der.length;) {
    const stop = Math.min(der.length, i + perFrame);
    for (; i < stop; i++) {
      one[0] = der[i];
      decoder.push(one);
      pushes++;
    }
    recent.push(...der.subarray(Math.max(stop - TICKER_BYTES, 0), stop));
    recent.splice(0, Math.max(0, recent.length - TICKER_BYTES));
    showMeter(decoder.bytesConsumed, der.length, pushes, recent);
    if (animated && i < der.length) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (mine !== generation) return undefined; // a newer input took over
    }
  }
  return decoder.end();
}

// ---------------------------------------------------------------------------
// Rendering.

/** RFC 2253 escaping, as `openssl -nameopt RFC2253,-esc_msb` prints. */
function escapeRfc2253(value: string): string {
  let out = value.replace(/[,+"\\<>;]/g, "\\$&")
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${hex2(c.charCodeAt(0))}`);
  if (out.startsWith(" ") || out.startsWith("#")) out = `\\${out}`;
  if (out.endsWith(" ") && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** A name as one RFC 2253 string: last attribute first, commas between. */
function rfc2253(name: X509NameAttribute[]): string {
  return name.slice().reverse().map((a) =>
    `${a.type}=${
      a.value.startsWith("#") && /^#[0-9a-f]*$/.test(a.value)
        ? a.value
        : escapeRfc2253(a.value)
    }`
  ).join(",");
}

function el(tag: string, text?: string, className?: string): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function none(text = "none"): HTMLElement {
  return el("span", text, "none");
}

/** The decoder's flag for bytes that break their ASN.1 string type. */
function encodingFlag(flagged: { invalidEncoding?: true }): HTMLElement[] {
  return flagged.invalidEncoding
    ? [el("span", "⚠ bytes break the string type", "flag")]
    : [];
}

function showName(prefix: string, name: X509NameAttribute[]): void {
  $(prefix).textContent = rfc2253(name) || "(empty)";
  $(`${prefix}-list`).replaceChildren(
    ...name.map((a) => {
      const li = el("li");
      li.append(el("b", a.type), a.value, ...encodingFlag(a));
      return li;
    }),
  );
}

function humanSpan(ms: number): string {
  const days = Math.round(Math.abs(ms) / 86_400_000);
  if (days < 90) return `${days} day${days === 1 ? "" : "s"}`;
  const months = Math.round(days / 30.44);
  if (months < 24) return `${months} months`;
  return `${(days / 365.25).toFixed(1)} years`;
}

function showValidity(cert: X509Certificate): void {
  const fmt = (iso: string) => iso.replace("T", " ").replace("Z", " UTC");
  $("not-before").textContent = fmt(cert.notBefore);
  $("not-before").setAttribute("datetime", cert.notBefore);
  $("not-after").textContent = fmt(cert.notAfter);
  $("not-after").setAttribute("datetime", cert.notAfter);
  const now = Date.now();
  const from = Date.parse(cert.notBefore);
  const to = Date.parse(cert.notAfter);
  const badge = $("validity-badge");
  if (now < from) {
    badge.className = "badge warn";
    badge.textContent = `not yet valid: starts in ${humanSpan(from - now)}`;
  } else if (now > to) {
    badge.className = "badge bad";
    badge.textContent = `expired ${humanSpan(now - to)} ago`;
  } else {
    badge.className = "badge ok";
    badge.textContent = `valid · ${humanSpan(to - now)} left`;
  }
}

function keyText(cert: X509Certificate): string {
  const { algorithm, bits, curve, fieldBits } = cert.publicKey;
  const names: Record<string, string> = {
    rsa: "RSA",
    "rsa-pss": "RSA-PSS",
    ec: "EC",
    ed25519: "Ed25519",
    ed448: "Ed448",
    x25519: "X25519",
    x448: "X448",
    dsa: "DSA",
  };
  const parts = [names[algorithm] ?? algorithm];
  if (curve) parts.push(curve);
  if (bits) parts.push(`${bits} bits`);
  if (fieldBits) parts.push(`${fieldBits}-bit field`);
  return parts.join(" · ");
}

function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(":");
}

function generalName(name: X509GeneralName): HTMLElement {
  const chip = el("span", undefined, "chip");
  const label = name.type === "otherName" && name.otherNameType
    ? `otherName ${name.otherNameType}`
    : name.type;
  chip.append(el("b", label.toUpperCase()), name.value, ...encodingFlag(name));
  return chip;
}

function list(items: Array<string | HTMLElement>): HTMLElement {
  const ul = el("ul");
  ul.append(...items.map((item) => {
    const li = el("li");
    li.append(item);
    return li;
  }));
  return ul;
}

function span(...parts: Array<string | HTMLElement>): HTMLElement {
  const node = el("span");
  node.append(...parts);
  return node;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(
    /\.\d+Z$/,
    " UTC",
  );
}

function basicConstraintsText(bc: X509BasicConstraints): string {
  if (!bc.ca) return "not a CA";
  return bc.pathLength === undefined
    ? "CA"
    : `CA, path length ≤ ${bc.pathLength}`;
}

function akiValue(aki: X509AuthorityKeyIdentifier): HTMLElement {
  const parts: Array<string | HTMLElement> = [];
  if (aki.keyIdentifier) parts.push(`key id ${colonHex(aki.keyIdentifier)}`);
  if (aki.issuer) parts.push(span("issuer ", ...aki.issuer.map(generalName)));
  if (aki.serialNumber) parts.push(`serial ${colonHex(aki.serialNumber)}`);
  return list(parts);
}

function pointValue(point: X509DistributionPoint): HTMLElement {
  return span(
    ...(point.fullName ?? []).map(generalName),
    point.relativeName ? `relative ${rfc2253(point.relativeName)}` : "",
    point.reasons ? ` reasons: ${point.reasons.join(", ")}` : "",
    ...(point.crlIssuer
      ? [" CRL issuer ", ...point.crlIssuer.map(generalName)]
      : []),
  );
}

function policyText(policy: X509Policy): string {
  return [
    policy.oid,
    ...policy.cpsUris.map((uri) => `CPS ${uri}`),
    ...policy.userNotices.map((notice) =>
      `notice ${notice.explicitText ?? notice.organization ?? ""}`
    ),
  ].join(" · ");
}

function constraintsValue(constraints: X509NameConstraints): HTMLElement {
  return list([
    span(
      "permitted ",
      ...constraints.permitted.map((s) => generalName(s.base)),
    ),
    span("excluded ", ...constraints.excluded.map((s) => generalName(s.base))),
  ]);
}

function policyConstraintsText(constraints: X509PolicyConstraints): string {
  const parts: string[] = [];
  if (constraints.requireExplicitPolicy !== undefined) {
    parts.push(
      `require explicit policy after ${constraints.requireExplicitPolicy}`,
    );
  }
  if (constraints.inhibitPolicyMapping !== undefined) {
    parts.push(`inhibit mapping after ${constraints.inhibitPolicyMapping}`);
  }
  return parts.join(" · ");
}

function sctText(sct: X509Sct): string {
  return sct.version === 0
    ? `log ${colonHex(sct.logId).slice(0, 23)}… at ${utc(sct.timestamp)}, ` +
      `${sct.hashAlgorithm}/${sct.signatureAlgorithm}`
    : `version ${sct.version + 1} (not decoded)`;
}

/** An extension's value as the decoder returned it, made readable. */
function extensionValue(extension: X509Extension): HTMLElement {
  const value = extension.value;
  if (typeof value === "string") {
    const hex = extension.name === "subjectKeyIdentifier"
      ? colonHex(value)
      : value;
    return el("code", hex, "hex");
  }
  if (typeof value === "number") return el("span", String(value));
  switch (extension.name) {
    case "subjectAltName":
    case "issuerAltName":
      return span(...(value as X509GeneralName[]).map(generalName));
    case "basicConstraints":
      return el("span", basicConstraintsText(value as X509BasicConstraints));
    case "keyUsage":
    case "extendedKeyUsage":
      return el("span", (value as string[]).join(", "));
    case "authorityKeyIdentifier":
      return akiValue(value as X509AuthorityKeyIdentifier);
    case "certificatePolicies":
      return list((value as X509Policy[]).map(policyText));
    case "crlDistributionPoints":
    case "freshestCRL":
      return list((value as X509DistributionPoint[]).map(pointValue));
    case "authorityInfoAccess":
    case "subjectInfoAccess":
      return list(
        (value as X509AccessDescription[]).map((access) =>
          span(`${access.methodName} `, generalName(access.location))
        ),
      );
    case "nameConstraints":
      return constraintsValue(value as X509NameConstraints);
    case "policyConstraints":
      return el("span", policyConstraintsText(value as X509PolicyConstraints));
    case "ct_precert_scts":
      return list((value as X509Sct[]).map(sctText));
    case "tlsfeature":
      return el(
        "span",
        (value as number[]).map((feature) =>
          feature === 5 ? "status_request (must-staple)" : String(feature)
        ).join(", "),
      );
    default:
      return el("code", JSON.stringify(value), "hex");
  }
}

function showExtensions(cert: X509Certificate): void {
  const entries = $("extensions");
  if (cert.extensions.length === 0) {
    entries.replaceChildren(none());
    return;
  }
  entries.replaceChildren(
    ...cert.extensions.flatMap((extension) => {
      const dt = el("dt", extension.name);
      dt.dataset.oid = extension.oid;
      dt.dataset.critical = String(extension.critical);
      if (extension.name !== extension.oid) dt.title = extension.oid;
      if (extension.critical) dt.append(el("span", "critical", "badge warn"));
      if (extension.duplicate) dt.append(el("span", "duplicate", "badge bad"));
      if (extension.malformed) dt.append(el("span", "malformed", "badge bad"));
      const dd = el("dd");
      dd.append(extensionValue(extension));
      return [dt, dd];
    }),
  );
}

function showSignature(cert: X509Certificate): void {
  const { algorithm, value, algorithmMismatch } = cert.signature;
  const pss = algorithm.pss;
  const parameters = pss
    ? ` (${pss.hashAlgorithm}, ${pss.maskGenAlgorithm} with ` +
      `${pss.maskGenHashAlgorithm}, salt ${pss.saltLength})`
    : "";
  $("signature").textContent = (algorithm.name || algorithm.oid) + parameters;
  $("signature-mismatch").hidden = !algorithmMismatch;
  $("signature-value").textContent = colonHex(value);
}

function showCertificate(cert: X509Certificate): void {
  $("error").hidden = true;
  $("fields").hidden = false;
  const cn = cert.subject.findLast((a) => a.type === "CN")?.value ??
    cert.subject.findLast((a) => a.type === "OU" || a.type === "O")?.value;
  $("title").textContent = cn ?? "Certificate";
  showName("subject", cert.subject);
  showName("issuer", cert.issuer);
  $("self-issued").hidden = rfc2253(cert.subject) !== rfc2253(cert.issuer);
  showValidity(cert);
  const sans = $("sans");
  sans.replaceChildren(
    ...(cert.subjectAltNames.length
      ? cert.subjectAltNames.map(generalName)
      : [none()]),
  );
  $("key").textContent = keyText(cert);
  showSignature(cert);
  // The DER INTEGER's sign byte (a 00 before a byte >= 80) is no part of
  // the number: OpenSSL does not print it either.
  $("serial").textContent = colonHex(
    cert.serialNumber.replace(/^00(?=[89a-f])/, ""),
  );
  $("version").textContent = `v${cert.version}`;
  showExtensions(cert);
  $("fingerprint").textContent = colonHex(cert.fingerprintSha256);
  $("spki-fingerprint").textContent = colonHex(cert.spkiSha256);
  $("size").textContent = `${cert.byteLength.toLocaleString("en")} bytes DER${
    cert.truncated ? " (some fields cut at the decoder's caps)" : ""
  }`;
}

function showError(message: string): void {
  $("result").hidden = false;
  $("fields").hidden = true;
  $("title").textContent = "Could not decode";
  $("error").hidden = false;
  $("error").textContent = message;
}

// ---------------------------------------------------------------------------
// Wiring.

interface Decoded {
  job: Job;
  result: X509DecodeResult;
}

function show(decoded: Decoded): void {
  $("result").hidden = false;
  $("source").textContent = `from ${decoded.job.source}`;
  const { result } = decoded;
  if ("error" in result) {
    showError(
      `${result.error.code} at byte ${result.error.offset}: ${result.error.message}`,
    );
  } else {
    showCertificate(result);
  }
}

async function run(jobs: Job[] | string): Promise<void> {
  const mine = ++generation;
  const pick = $<HTMLSelectElement>("pick");
  pick.hidden = true;
  if (typeof jobs === "string") {
    showMeter(0, 0, 0, []);
    setState("error", "no certificate");
    $("source").textContent = "";
    showError(jobs);
    return;
  }
  // The previous certificate goes away while the next one is fed.
  $("result").hidden = true;
  const animated = $<HTMLSelectElement>("speed").value === "animated";
  const decoded: Decoded[] = [];
  for (const [i, job] of jobs.entries()) {
    setState(
      "feeding",
      jobs.length > 1 ? `feeding ${i + 1} of ${jobs.length}…` : "feeding…",
    );
    // Only the first certificate of a bundle is animated.
    const result = await feed(job.der, animated && i === 0, mine);
    if (!result || mine !== generation) return;
    decoded.push({ job, result });
    if (i === 0) show(decoded[0]);
  }
  if (decoded.length > 1) {
    pick.replaceChildren(
      ...decoded.map(({ result }, i) => {
        const name = "error" in result
          ? result.error.code
          : rfc2253(result.subject);
        const option = el("option", `${i + 1}. ${name}`) as HTMLOptionElement;
        option.value = String(i);
        return option;
      }),
    );
    pick.onchange = () => show(decoded[Number(pick.value)]);
    pick.hidden = false;
  }
  const failed = decoded.filter(({ result }) => "error" in result).length;
  setState(
    failed === decoded.length ? "error" : "done",
    failed === decoded.length
      ? "decoder reported an error"
      : `decoded ${decoded.length - failed} certificate${
        decoded.length - failed === 1 ? "" : "s"
      }${failed ? `, ${failed} failed` : ""}`,
  );
}

async function readFile(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  await run(fileJobs(bytes, file.name));
}

function init(): void {
  const bytes = (n: number) => `${n.toLocaleString("en")} bytes`;
  $("cap").textContent = `${bytes(X509_LIMITS.maxValueBytes)} for a name or ` +
    `SAN, ${bytes(X509_LIMITS.maxCapturedBytes)} for an extension, ` +
    `parameters or the signature`;
  $("memory").replaceChildren(
    "fixed",
    el(
      "small",
      `${X509_LIMITS.maxValueBytes / 1024}–${
        X509_LIMITS.maxCapturedBytes / 1024
      } KiB value buffer`,
    ),
  );

  const zone = $("dropzone");
  const file = $<HTMLInputElement>("file");
  file.addEventListener("change", () => {
    const chosen = file.files?.[0];
    if (chosen) readFile(chosen);
    file.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const dropped = (event as DragEvent).dataTransfer?.files?.[0];
    if (dropped) readFile(dropped);
  });
  // A drop that misses the zone must not navigate away from the page.
  globalThis.addEventListener("dragover", (event) => event.preventDefault());
  globalThis.addEventListener("drop", (event) => event.preventDefault());

  const paste = $<HTMLTextAreaElement>("paste");
  $("decode").addEventListener("click", () => {
    if (paste.value.trim()) run(textJobs(paste.value, "pasted text"));
  });
  paste.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      $("decode").click();
    }
  });
  $("copy").addEventListener("click", () => {
    navigator.clipboard?.writeText($("fingerprint").textContent ?? "");
  });
  document.body.dataset.ready = "1";
}

init();
