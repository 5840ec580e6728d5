// Per-connection client cost of reading a TLS 1.3 server's certificate:
// X25519 (key pair + shared secret), the key schedule up to the server
// handshake keys, AES-128-GCM decryption of the server's encrypted flight
// and the Finished check, on RFC 8448's trace (tests/fixtures/tls13).
//
//   zon        decoders/tls13_client.ts, synchronous pure TypeScript, the
//              whole client (record layer, X.509 decode included)
//   webcrypto  the same computation with crypto.subtle (asynchronous):
//              awaited one connection at a time, and 64 connections in flight
//   node       the same computation with node:crypto (synchronous, native
//              OpenSSL; not usable in the library: browsers lack it)
//
// Rounds alternate between the three; each prints per-connection µs.
// Usage: deno run -A scripts/bench_tls13.ts [ROUNDS] [CONNECTIONS]

import {
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
} from "node:crypto";
import { Buffer } from "node:buffer";
import { Tls13Client } from "../decoders/tls13_client.ts";
import { x25519, x25519KeyPair } from "../decoders/x25519.ts";
import {
  p256KeyPair,
  p256SharedSecret,
  p384KeyPair,
  p384SharedSecret,
} from "../decoders/ecdh_nist.ts";

const ROUNDS = Number(Deno.args[0] ?? 5);
const CONNECTIONS = Number(Deno.args[1] ?? 200);
const hexBytes = (s: string) =>
  Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
const trace = JSON.parse(
  Deno.readTextFileSync(
    new URL("../tests/fixtures/tls13/rfc8448.json", import.meta.url),
  ),
).simple;
const clientHello = hexBytes(trace.recordClientHello);
const privateKey = hexBytes(trace.clientPrivateKey);
const serverHelloRecord = hexBytes(trace.recordServerHello);
const encryptedRecord = hexBytes(trace.recordServerHandshake);
const serverFlight = new Uint8Array([
  ...serverHelloRecord,
  ...encryptedRecord,
]);
const serverShare = serverHelloRecord.subarray(
  5 + 4 + 2 + 32 + 1 + 3 + 2 + 8,
  5 + 4 + 2 + 32 + 1 + 3 + 2 + 8 + 32,
);
const transcriptHello = new Uint8Array([
  ...clientHello.subarray(5),
  ...serverHelloRecord.subarray(5),
]);

function label(name: string, context: Uint8Array, length: number): Uint8Array {
  const full = `tls13 ${name}`;
  return Uint8Array.from([
    length >> 8,
    length & 0xff,
    full.length,
    ...new TextEncoder().encode(full),
    context.length,
    ...context,
    1, // HKDF-Expand's counter: every output here fits one block
  ]);
}

function zon(freshKeyPair: boolean): boolean {
  if (freshKeyPair) x25519KeyPair();
  const client = Tls13Client.replay(clientHello, privateKey);
  client.push(serverFlight);
  return client.result().finishedVerified === true;
}

// ----------------------------------------------------------------- node

const spki = (raw: Uint8Array) =>
  createPublicKey({
    key: Buffer.from([...hexBytes("302a300506032b656e032100"), ...raw]),
    format: "der",
    type: "spki",
  });
const nodePrivate = createPrivateKey({
  key: Buffer.from([
    ...hexBytes("302e020100300506032b656e04220420"),
    ...privateKey,
  ]),
  format: "der",
  type: "pkcs8",
});
const nodeHmac = (key: Uint8Array, data: Uint8Array) =>
  new Uint8Array(createHmac("sha256", key).update(data).digest());
const sha256 = (data: Uint8Array) =>
  new Uint8Array(createHash("sha256").update(data).digest());

function node(freshKeyPair: boolean): boolean {
  if (freshKeyPair) generateKeyPairSync("x25519");
  const shared = new Uint8Array(
    diffieHellman({ privateKey: nodePrivate, publicKey: spki(serverShare) }),
  );
  const zeros = new Uint8Array(32);
  const early = nodeHmac(zeros, zeros);
  const derived = nodeHmac(
    early,
    label("derived", sha256(new Uint8Array(0)), 32),
  );
  const handshake = nodeHmac(derived, shared);
  const secret = nodeHmac(
    handshake,
    label("s hs traffic", sha256(transcriptHello), 32),
  );
  const key = nodeHmac(secret, label("key", new Uint8Array(0), 16)).subarray(
    0,
    16,
  );
  const iv = nodeHmac(secret, label("iv", new Uint8Array(0), 12)).subarray(
    0,
    12,
  );
  const body = encryptedRecord.subarray(5);
  const decipher = createDecipheriv("aes-128-gcm", key, iv);
  decipher.setAAD(encryptedRecord.subarray(0, 5));
  decipher.setAuthTag(body.subarray(body.length - 16));
  const plain = new Uint8Array([
    ...decipher.update(body.subarray(0, body.length - 16)),
    ...decipher.final(),
  ]);
  const finishedAt = plain.length - 1 - 36;
  const finishedKey = nodeHmac(
    secret,
    label("finished", new Uint8Array(0), 32),
  );
  const expected = nodeHmac(
    finishedKey,
    sha256(
      new Uint8Array([...transcriptHello, ...plain.subarray(0, finishedAt)]),
    ),
  );
  return expected.every((b, i) => b === plain[finishedAt + 4 + i]);
}

// ------------------------------------------------------------ webcrypto

const subtle = crypto.subtle;
const webPrivate = await subtle.importKey(
  "pkcs8",
  new Uint8Array([
    ...hexBytes("302e020100300506032b656e04220420"),
    ...privateKey,
  ]),
  { name: "X25519" },
  false,
  ["deriveBits"],
);

async function webHmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await subtle.importKey(
    "raw",
    new Uint8Array(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await subtle.sign("HMAC", k, new Uint8Array(data)));
}

async function webSha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest("SHA-256", new Uint8Array(data)));
}

async function webcrypto(freshKeyPair: boolean): Promise<boolean> {
  if (freshKeyPair) {
    await subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
  }
  const peer = await subtle.importKey(
    "raw",
    new Uint8Array(serverShare),
    { name: "X25519" },
    false,
    [],
  );
  const shared = new Uint8Array(
    await subtle.deriveBits({ name: "X25519", public: peer }, webPrivate, 256),
  );
  const zeros = new Uint8Array(32);
  const early = await webHmac(zeros, zeros);
  const derived = await webHmac(
    early,
    label("derived", await webSha256(new Uint8Array(0)), 32),
  );
  const handshake = await webHmac(derived, shared);
  const secret = await webHmac(
    handshake,
    label("s hs traffic", await webSha256(transcriptHello), 32),
  );
  const key = (await webHmac(secret, label("key", new Uint8Array(0), 16)))
    .slice(0, 16);
  const iv = (await webHmac(secret, label("iv", new Uint8Array(0), 12))).slice(
    0,
    12,
  );
  const aesKey = await subtle.importKey("raw", key, "AES-GCM", false, [
    "decrypt",
  ]);
  const plain = new Uint8Array(
    await subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: encryptedRecord.slice(0, 5) },
      aesKey,
      encryptedRecord.slice(5),
    ),
  );
  const finishedAt = plain.length - 1 - 36;
  const finishedKey = await webHmac(
    secret,
    label("finished", new Uint8Array(0), 32),
  );
  const expected = await webHmac(
    finishedKey,
    await webSha256(
      new Uint8Array([...transcriptHello, ...plain.subarray(0, finishedAt)]),
    ),
  );
  return expected.every((b, i) => b === plain[finishedAt + 4 + i]);
}

// ---------------------------------------------------------------- runs

async function time(run: () => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < CONNECTIONS; i++) await run();
  return ((performance.now() - start) / CONNECTIONS) * 1000;
}

async function timeParallel(run: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  for (let done = 0; done < CONNECTIONS; done += 64) {
    await Promise.all(
      Array.from({ length: Math.min(64, CONNECTIONS - done) }, run),
    );
  }
  return ((performance.now() - start) / CONNECTIONS) * 1000;
}

for (const check of [zon(true), node(true), await webcrypto(true)]) {
  if (!check) throw new Error("a peer did not verify the trace's Finished");
}
console.log(
  `loadavg ${
    Deno.loadavg().join(" ")
  }; ${CONNECTIONS} connections per measurement`,
);
const rows: Record<string, number[]> = {};
const add = (name: string, us: number) => (rows[name] ??= []).push(us);
for (let round = 0; round < ROUNDS; round++) {
  add("zon, fresh key pair", await time(() => zon(true)));
  add("node:crypto, fresh key pair", await time(() => node(true)));
  add("webcrypto awaited, fresh key pair", await time(() => webcrypto(true)));
  add(
    "webcrypto 64 in flight, fresh key pair",
    await timeParallel(() => webcrypto(true)),
  );
  add("zon, reused key pair", await time(() => zon(false)));
  add("node:crypto, reused key pair", await time(() => node(false)));
  add("webcrypto awaited, reused key pair", await time(() => webcrypto(false)));
}
// The key-exchange primitives alone: one shared secret per connection (the
// default reuses the key pair), and P-384's fresh pair + secret after an HRR.
const p256Peer = p256KeyPair().publicKey;
const p384Peer = p384KeyPair().publicKey;
const p256Mine = p256KeyPair();
const nodeP256 = createECDH("prime256v1");
nodeP256.generateKeys();
const nodeP384Peer = createECDH("secp384r1");
nodeP384Peer.generateKeys();
for (let round = 0; round < ROUNDS; round++) {
  add(
    "primitive: zon X25519 shared secret",
    await time(() => x25519(privateKey, serverShare)),
  );
  add(
    "primitive: node X25519 shared secret",
    await time(() =>
      diffieHellman({ privateKey: nodePrivate, publicKey: spki(serverShare) })
    ),
  );
  add(
    "primitive: zon P-256 shared secret",
    await time(() => p256SharedSecret(p256Mine.privateKey, p256Peer)),
  );
  add(
    "primitive: node P-256 shared secret",
    await time(() => nodeP256.computeSecret(Buffer.from(p256Peer))),
  );
  add(
    "primitive: zon P-384 key pair + secret",
    await time(() => p384SharedSecret(p384KeyPair().privateKey, p384Peer)),
  );
  add(
    "primitive: node P-384 key pair + secret",
    await time(() => {
      const e = createECDH("secp384r1");
      e.generateKeys();
      return e.computeSecret(nodeP384Peer.getPublicKey());
    }),
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const zonFresh = median(rows["zon, fresh key pair"]);
for (const [name, values] of Object.entries(rows)) {
  const m = median(values);
  console.log(
    `${name.padEnd(40)} ${
      m.toFixed(0).padStart(7)
    } µs/connection  (zon fresh / this = ${(zonFresh / m).toFixed(2)})`,
  );
}
console.log(`loadavg ${Deno.loadavg().join(" ")}`);
