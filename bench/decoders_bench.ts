// deno bench -A bench/decoders_bench.ts
// One iteration decodes the whole system CA store (~150 certificates).
// node:crypto is the baseline; the side-by-side script with @peculiar/x509
// is scripts/bench_decoders.ts. Target: >= 5x node:crypto.
import { X509Certificate as NodeX509 } from "node:crypto";
import { pemToDer, TlsDecoder, X509Decoder } from "../decoders/mod.ts";

const ders: Uint8Array[] = [];
for (const entry of Deno.readDirSync("/etc/ssl/certs")) {
  if (entry.name.endsWith(".pem")) {
    ders.push(
      pemToDer(Deno.readTextFileSync(`/etc/ssl/certs/${entry.name}`))[0],
    );
  }
}
let sink = 0;
const decoder = new X509Decoder();
const decoderNoHash = new X509Decoder({ fingerprint: false });

Deno.bench("node:crypto X509Certificate, CA store", {
  group: "x509",
  baseline: true,
}, () => {
  for (const der of ders) {
    const cert = new NodeX509(der);
    sink += cert.serialNumber.length + cert.validTo.length +
      cert.fingerprint256.length + (cert.subjectAltName?.length ?? 0);
    try {
      sink += cert.subject.length + cert.issuer.length;
    } catch { /* a few names Deno cannot print */ }
  }
});

Deno.bench("zon X509Decoder whole, CA store", { group: "x509" }, () => {
  for (const der of ders) {
    decoder.reset();
    decoder.push(der);
    sink += decoder.end() ? 1 : 0;
  }
});

Deno.bench("zon X509Decoder 64-byte fragments, CA store", {
  group: "x509",
}, () => {
  for (const der of ders) {
    decoder.reset();
    for (let i = 0; i < der.length; i += 64) {
      decoder.push(der.subarray(i, i + 64));
    }
    sink += decoder.end() ? 1 : 0;
  }
});

Deno.bench("zon X509Decoder whole, fingerprint off", { group: "x509" }, () => {
  for (const der of ders) {
    decoderNoHash.reset();
    decoderNoHash.push(der);
    sink += decoderNoHash.end() ? 1 : 0;
  }
});

// A synthetic server flight: ServerHello, then a Certificate message with
// the first three CA certificates, in 1,400-byte segments.
const chain = ders.slice(0, 3);
const certificateBody = chain.flatMap((der) => [
  der.length >> 16,
  (der.length >> 8) & 0xff,
  der.length & 0xff,
  ...der,
]);
const listLength = certificateBody.length;
const certificateMessage = [
  11,
  (listLength + 3) >> 16,
  ((listLength + 3) >> 8) & 0xff,
  (listLength + 3) & 0xff,
  listLength >> 16,
  (listLength >> 8) & 0xff,
  listLength & 0xff,
  ...certificateBody,
];
const hello = [2, 0, 0, 38, 3, 3, ...new Array(32).fill(1), 0, 0xc0, 0x2f, 0];
const handshake = [...hello, ...certificateMessage, 14, 0, 0, 0];
const records: number[] = [];
for (let i = 0; i < handshake.length; i += 16384) {
  const body = handshake.slice(i, i + 16384);
  records.push(22, 3, 3, body.length >> 8, body.length & 0xff, ...body);
}
const flight = Uint8Array.from(records);

Deno.bench("zon TlsDecoder, 3-certificate flight in 1400-byte segments", () => {
  const tls = new TlsDecoder();
  for (let i = 0; i < flight.length; i += 1400) {
    tls.push(flight.subarray(i, i + 1400));
  }
  sink += tls.end().certificates.length;
});

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink);
});
