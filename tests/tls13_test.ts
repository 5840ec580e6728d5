// TLS 1.3 for certificate grabbing (decoders/tls13_client.ts) and the
// synchronous primitives under it: SHA-384/HMAC/HKDF (tls13_hash.ts),
// X25519 (x25519.ts), AES-GCM and ChaCha20-Poly1305 (tls13_aead.ts).
// Oracles: the RFCs' published vectors (RFC 5869, RFC 7748, RFC 8439, the
// GCM specification's test cases, the full RFC 8448 handshake trace),
// node:crypto / Web Crypto on seeded random inputs, and live
// `openssl s_server` handshakes in a network namespace this test creates
// (each TLS 1.3 cipher suite, a TLS 1.2-only server, ALPN, and a
// HelloRetryRequest server), whose certificate must be the one the test
// generated.

import assert from "node:assert/strict";
import { run, waitForTcp } from "./helpers/command.ts";
import { loopbackAddress, selfSignedCertificate } from "./helpers/tls_lab.ts";
import {
  type CipherGCM,
  createCipheriv,
  createHash,
  createHmac,
  hkdfSync,
} from "node:crypto";
import {
  type AeadName,
  chacha20,
  createAead,
  poly1305,
} from "../decoders/tls13_aead.ts";
import {
  SHARED_KEY_USES,
  Tls13Client,
  type Tls13Result,
} from "../decoders/tls13_client.ts";
import {
  hkdfExpand,
  hkdfExtract,
  hmac,
  SHA256,
  SHA384,
} from "../decoders/tls13_hash.ts";
import { x25519, X25519_BASE_POINT } from "../decoders/x25519.ts";
import {
  p256KeyPair,
  p256SharedSecret,
  p384KeyPair,
  p384SharedSecret,
} from "../decoders/ecdh_nist.ts";
import { DENO } from "./helpers/drivers_netns.ts";

const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (s: string) =>
  Uint8Array.from(
    s.replace(/\s/g, "").match(/../g) ?? [],
    (x) => parseInt(x, 16),
  );
const SEED =
  Number(Deno.env.get("ZON_TEST_SEED") ?? Date.now() % 0xffffffff) | 0 || 1;
console.log(`tls13 seed: ${SEED} (ZON_TEST_SEED=${SEED} to repeat)`);
function rng(seed: number): (n: number) => Uint8Array {
  let x = seed | 0 || 0x9e3779b9;
  return (n) =>
    Uint8Array.from({ length: n }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
}

Deno.test("SHA-384 and HMAC: FIPS 180-4 'abc' and node:crypto on seeded random inputs", () => {
  assert.equal(
    hex(SHA384.digest([new TextEncoder().encode("abc")])),
    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
  );
  const random = rng(SEED);
  for (const n of [0, 1, 111, 112, 127, 128, 129, 255, 256, 1000, 5000]) {
    const message = random(n);
    assert.equal(
      hex(
        SHA384.digest([message.subarray(0, n >> 1), message.subarray(n >> 1)]),
      ),
      createHash("sha384").update(message).digest("hex"),
      `sha384 n=${n}`,
    );
    for (
      const [hash, name] of [[SHA256, "sha256"], [SHA384, "sha384"]] as const
    ) {
      const key = random(n % 200);
      assert.equal(
        hex(hmac(hash, key, message)),
        createHmac(name, key).update(message).digest("hex"),
        `hmac ${name} n=${n}`,
      );
    }
  }
});

Deno.test("HKDF: RFC 5869 test cases 1 and 3, and node:crypto hkdfSync for SHA-384", () => {
  const ikm = new Uint8Array(22).fill(0x0b);
  const salt = Uint8Array.from({ length: 13 }, (_, i) => i);
  const info = Uint8Array.from({ length: 10 }, (_, i) => 0xf0 + i);
  const prk = hkdfExtract(SHA256, salt, ikm);
  assert.equal(
    hex(prk),
    "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
  );
  assert.equal(
    hex(hkdfExpand(SHA256, prk, info, 42)),
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
  );
  const prk3 = hkdfExtract(SHA256, new Uint8Array(0), ikm);
  assert.equal(
    hex(prk3),
    "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
  );
  assert.equal(
    hex(hkdfExpand(SHA256, prk3, new Uint8Array(0), 42)),
    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
  );
  const random = rng(SEED + 1);
  for (const length of [1, 48, 49, 200]) {
    const [k, s, i] = [random(40), random(17), random(9)];
    const ours = hkdfExpand(SHA384, hkdfExtract(SHA384, s, k), i, length);
    assert.equal(
      hex(ours),
      Buffer.from(hkdfSync("sha384", k, s, i, length)).toString("hex"),
    );
  }
  assert.throws(
    () => hkdfExpand(SHA256, prk, info, 255 * 32 + 1),
    /exceeds 255/,
  );
});

Deno.test("X25519: RFC 7748 §5.2 (1 and 1,000 iterations) and §6.1 vectors, and Web Crypto on random keys", async () => {
  assert.equal(
    hex(
      x25519(
        bytes(
          "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        ),
        bytes(
          "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        ),
      ),
    ),
    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
  );
  assert.equal(
    hex(
      x25519(
        bytes(
          "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        ),
        bytes(
          "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        ),
      ),
    ),
    "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
  );
  // §5.2's loop (k, u) = (X25519(k, u), k) from k = u = 9: after 1,000 iterations.
  let k: Uint8Array = X25519_BASE_POINT.slice();
  let u: Uint8Array = X25519_BASE_POINT.slice();
  for (let i = 0; i < 1000; i++) [k, u] = [x25519(k, u), k];
  assert.equal(
    hex(k),
    "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
  );
  // One iteration of §5.2's loop: k = u = 9.
  assert.equal(
    hex(x25519(X25519_BASE_POINT, X25519_BASE_POINT)),
    "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
  );
  const alice = bytes(
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
  );
  const bob = bytes(
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
  );
  assert.equal(
    hex(x25519(alice, X25519_BASE_POINT)),
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
  );
  assert.equal(
    hex(x25519(bob, X25519_BASE_POINT)),
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
  );
  const shared =
    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  assert.equal(hex(x25519(alice, x25519(bob, X25519_BASE_POINT))), shared);
  assert.equal(hex(x25519(bob, x25519(alice, X25519_BASE_POINT))), shared);
  for (let round = 0; round < 5; round++) {
    const pair = await crypto.subtle.generateKey({ name: "X25519" }, true, [
      "deriveBits",
    ]) as CryptoKeyPair;
    const peer = new Uint8Array(
      await crypto.subtle.exportKey("raw", pair.publicKey),
    );
    const mine = rng(SEED + 2 + round)(32);
    const myPublic = await crypto.subtle.importKey(
      "raw",
      new Uint8Array(x25519(mine, X25519_BASE_POINT)),
      { name: "X25519" },
      true,
      [],
    );
    const theirs = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "X25519", public: myPublic },
        pair.privateKey,
        256,
      ),
    );
    assert.equal(hex(x25519(mine, peer)), hex(theirs), `round ${round}`);
  }
  assert.throws(
    () => x25519(new Uint8Array(31), X25519_BASE_POINT),
    /32 bytes/,
  );
});

Deno.test("P-256 and P-384 ECDH: agree with Web Crypto both ways; off-curve and malformed points refused", async () => {
  for (let round = 0; round < 4; round++) {
    const web = await crypto.subtle.generateKey(
      { name: "ECDH", namedCurve: "P-256" },
      true,
      ["deriveBits"],
    ) as CryptoKeyPair;
    const webPublic = new Uint8Array(
      await crypto.subtle.exportKey("raw", web.publicKey),
    );
    const mine = p256KeyPair();
    const imported = await crypto.subtle.importKey(
      "raw",
      new Uint8Array(mine.publicKey),
      { name: "ECDH", namedCurve: "P-256" },
      false,
      [],
    );
    const theirs = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "ECDH", public: imported },
        web.privateKey,
        256,
      ),
    );
    assert.equal(
      hex(p256SharedSecret(mine.privateKey, webPublic)!),
      hex(theirs),
      `round ${round}`,
    );
  }
  for (let round = 0; round < 2; round++) {
    const web = await crypto.subtle.generateKey(
      { name: "ECDH", namedCurve: "P-384" },
      true,
      ["deriveBits"],
    ) as CryptoKeyPair;
    const webPublic = new Uint8Array(
      await crypto.subtle.exportKey("raw", web.publicKey),
    );
    const mine = p384KeyPair();
    const imported = await crypto.subtle.importKey(
      "raw",
      new Uint8Array(mine.publicKey),
      { name: "ECDH", namedCurve: "P-384" },
      false,
      [],
    );
    const theirs = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "ECDH", public: imported },
        web.privateKey,
        384,
      ),
    );
    assert.equal(
      hex(p384SharedSecret(mine.privateKey, webPublic)!),
      hex(theirs),
      `P-384 round ${round}`,
    );
  }
  const { privateKey, publicKey } = p256KeyPair();
  const offCurve = publicKey.slice();
  offCurve[64] ^= 1;
  assert.equal(p256SharedSecret(privateKey, offCurve), null);
  assert.equal(p256SharedSecret(privateKey, publicKey.subarray(0, 33)), null);
  assert.throws(() => p256KeyPair(new Uint8Array(32)), /\[1, n\)/);
});

Deno.test("AEADs: GCM spec test cases, RFC 8439 §2.4.2/§2.5.2/§2.8.2, node:crypto on random inputs, forgeries rejected", () => {
  const zeros = (n: number) => new Uint8Array(n);
  const gcm128 = createAead("AES-128-GCM", zeros(16));
  assert.equal(
    hex(gcm128.seal(zeros(12), zeros(0), zeros(0))),
    "58e2fccefa7e3061367f1d57a4e7455a",
  );
  assert.equal(
    hex(gcm128.seal(zeros(12), zeros(0), zeros(16))),
    "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf",
  );
  const gcm256 = createAead("AES-256-GCM", zeros(32));
  assert.equal(
    hex(gcm256.seal(zeros(12), zeros(0), zeros(0))),
    "530f8afbc74536b9a963b4f1c4cb738b",
  );
  assert.equal(
    hex(gcm256.seal(zeros(12), zeros(0), zeros(16))),
    "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919",
  );

  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  const sunscreen = new TextEncoder().encode(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  );
  assert.equal(
    hex(chacha20(key, bytes("000000000000004a00000000"), 1, sunscreen)).slice(
      0,
      32,
    ),
    "6e2e359a2568f98041ba0728dd0d6981",
  );
  assert.equal(
    hex(
      poly1305(
        bytes(
          "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
        ),
        new TextEncoder().encode("Cryptographic Forum Research Group"),
      ),
    ),
    "a8061dc1305136c6c22b8baf0c0127a9",
  );
  const aeadKey = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
  const sealed = createAead("ChaCha20-Poly1305", aeadKey).seal(
    bytes("070000004041424344454647"),
    bytes("50515253c0c1c2c3c4c5c6c7"),
    sunscreen,
  );
  assert.equal(hex(sealed).slice(0, 32), "d31a8d34648e60db7b86afbc53ef7ec2");
  assert.equal(hex(sealed.subarray(-16)), "1ae10b594f09e26a7e902ecbd0600691");

  const random = rng(SEED + 3);
  const node: Record<AeadName, string> = {
    "AES-128-GCM": "aes-128-gcm",
    "AES-256-GCM": "aes-256-gcm",
    "ChaCha20-Poly1305": "chacha20-poly1305",
  };
  for (const name of Object.keys(node) as AeadName[]) {
    for (const n of [0, 1, 15, 16, 17, 63, 64, 65, 1000, 4099]) {
      const k = random(name === "AES-128-GCM" ? 16 : 32),
        iv = random(12),
        aad = random(n % 29),
        plain = random(n);
      const cipher = createCipheriv(
        node[name],
        k,
        iv,
        { authTagLength: 16 } as never,
      ) as unknown as CipherGCM;
      cipher.setAAD(aad);
      const expected = hex(
        new Uint8Array([
          ...cipher.update(plain),
          ...cipher.final(),
          ...cipher.getAuthTag(),
        ]),
      );
      const aead = createAead(name, k);
      const ours = aead.seal(iv, aad, plain);
      assert.equal(hex(ours), expected, `${name} n=${n}`);
      assert.equal(hex(aead.open(iv, aad, ours)!), hex(plain));
      const forged = ours.slice();
      forged[Math.floor(n / 2)] ^= 1;
      assert.equal(aead.open(iv, aad, forged), null, `${name} n=${n} forged`);
      assert.equal(aead.open(iv, aad, ours.subarray(0, 15)), null);
    }
  }
  assert.throws(() => createAead("AES-128-GCM", zeros(32)), /16-byte key/);
});

const trace = JSON.parse(
  Deno.readTextFileSync(
    new URL("./fixtures/tls13/rfc8448.json", import.meta.url),
  ),
);

function replay(pieces: Uint8Array[]): Tls13Result {
  const client = Tls13Client.replay(
    bytes(trace.simple.recordClientHello),
    bytes(trace.simple.clientPrivateKey),
  );
  for (const piece of pieces) client.push(piece);
  return client.result();
}

Deno.test("RFC 8448 §3 trace: key schedule, decryption, Certificate and Finished; every split agrees", () => {
  const server = new Uint8Array([
    ...bytes(trace.simple.recordServerHello),
    ...bytes(trace.simple.recordServerHandshake),
  ]);
  const whole = replay([server]);
  assert.equal(whole.error, undefined);
  assert.equal(whole.version, "TLS 1.3");
  assert.equal(whole.cipherSuiteName, "TLS_AES_128_GCM_SHA256");
  assert.equal(whole.group, "x25519");
  assert.equal(whole.handshakeComplete, true);
  assert.equal(
    whole.finishedVerified,
    true,
    "verify_data from our key schedule matches the trace's Finished",
  );
  assert.equal(whole.certificates.length, 1);
  // The Certificate message of the trace: context 0, list length, entry length, DER.
  const der = bytes(trace.simple.certificate).subarray(
    4 + 1 + 3 + 3,
    4 + 1 + 3 + 3 + 0x1b0,
  );
  const leaf = whole.certificates[0];
  assert.ok(!("error" in leaf));
  assert.equal(
    leaf.fingerprintSha256,
    createHash("sha256").update(der).digest("hex"),
  );
  assert.deepEqual(leaf.subject, [{ type: "CN", value: "rsa" }]);
  assert.deepEqual(
    replay(Array.from(server, (b) => Uint8Array.of(b))),
    whole,
    "byte-at-a-time differs",
  );
  const random = rng(SEED + 4);
  for (let round = 0; round < 30; round++) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < server.length;) {
      const size = 1 + (random(1)[0] % (round < 15 ? 9 : 250));
      pieces.push(server.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(
      replay(pieces),
      whole,
      `split round ${round} differs (seed ${SEED})`,
    );
  }
  // The same bytes under another private key cannot be decrypted.
  const stranger = Tls13Client.replay(
    bytes(trace.simple.recordClientHello),
    new Uint8Array(32).fill(7),
  );
  stranger.push(server);
  assert.equal(stranger.result().error?.code, "DECRYPT_FAILED");
  // A flipped ciphertext bit is a DECRYPT_FAILED, not a throw.
  const tampered = server.slice();
  tampered[tampered.length - 40] ^= 0x80;
  assert.equal(replay([tampered]).error?.code, "DECRYPT_FAILED");
});

Deno.test("RFC 8448 §5 HelloRetryRequest: a second ClientHello with the asked group and the cookie", () => {
  const client = new Tls13Client({ groups: ["x25519"] });
  client.push(bytes(trace.helloRetryRequest.recordHelloRetryRequest));
  assert.equal(client.done, false);
  assert.deepEqual(client.result().helloRetryRequest, {
    selectedGroup: 0x17,
    selectedGroupName: "secp256r1",
    retried: true,
  });
  const second = client.takeSend()!;
  assert.equal(client.takeSend(), null);
  assert.deepEqual(Array.from(second.subarray(0, 3)), [22, 3, 1]);
  // Same client random; the HRR's cookie (extension 44) echoed; one P-256 share.
  assert.deepEqual(second.subarray(11, 43), client.hello.subarray(11, 43));
  const cookie = trace.helloRetryRequest.cookie;
  assert.ok(
    hex(second).includes(
      `002c${(cookie.length / 2 + 2).toString(16).padStart(4, "0")}${
        (cookie.length / 2).toString(16).padStart(4, "0")
      }${cookie}`,
    ),
  );
  assert.ok(
    hex(second).includes("003300470045001700410 4".replace(" ", "")),
    "a 65-byte secp256r1 key share",
  );
  // A second HelloRetryRequest ends the handshake (RFC 8446 §4.1.4).
  client.push(bytes(trace.helloRetryRequest.recordHelloRetryRequest));
  assert.equal(client.done, true);
  assert.equal(client.result().helloRetryRequest?.retried, false);
});

Deno.test("Tls13Client: default key shares are shared, then renewed after SHARED_KEY_USES", () => {
  // key_share is the ClientHello's last extension: type, length, list length,
  // x25519 (4 + 32 bytes) and secp256r1 (4 + 65 bytes).
  const share = (client: Tls13Client) =>
    hex(client.hello.subarray(-(6 + 36 + 69)));
  const first = share(new Tls13Client());
  assert.ok(first.startsWith("0033006b0069001d0020"), first.slice(0, 20));
  assert.equal(share(new Tls13Client()), first);
  assert.notEqual(
    hex(new Tls13Client().hello).slice(22, 86),
    hex(new Tls13Client().hello).slice(22, 86),
    "fresh randoms",
  );
  let renewed = false;
  for (let i = 0; i < SHARED_KEY_USES && !renewed; i++) {
    renewed = share(new Tls13Client()) !== first;
  }
  assert.ok(renewed, "a new key pair within SHARED_KEY_USES handshakes");
});

Deno.test("Tls13Client: malformed server bytes give typed errors, never a throw", () => {
  const codes = new Set([
    "NOT_TLS",
    "RECORD_TOO_LONG",
    "MALFORMED_HANDSHAKE",
    "UNSUPPORTED_PARAMETERS",
    "DECRYPT_FAILED",
  ]);
  const random = rng(SEED + 5);
  const good = new Uint8Array([
    ...bytes(trace.simple.recordServerHello),
    ...bytes(trace.simple.recordServerHandshake),
  ]);
  const client = new Tls13Client();
  client.push(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n"));
  assert.equal(client.result().error?.code, "NOT_TLS");
  for (let round = 0; round < 300; round++) {
    const input = round < 100
      ? random(1 + (random(1)[0] % 200))
      : good.slice(0, 5 + (round * 7) % good.length);
    if (round >= 200) {
      for (let k = 0; k < 2; k++) {
        input[random(1)[0] % input.length] ^= random(1)[0] | 1;
      }
    }
    const replayed = Tls13Client.replay(
      bytes(trace.simple.recordClientHello),
      bytes(trace.simple.clientPrivateKey),
    );
    replayed.push(input);
    const result = replayed.result();
    if (result.error) {
      assert.ok(codes.has(result.error.code), result.error.code);
    }
  }
});

// ------------------------------------------------------------ live servers

const NS = `h16d-t13-${Deno.pid}`;
const HOST = "198.18.13.1";
const PROBE = new URL("./helpers/tls13_probe.ts", import.meta.url).pathname;

Deno.test("live openssl s_server: TLS 1.3 with each suite, TLS 1.2 fallback, ALPN, P-256 share, HelloRetryRequest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16d-tls13-" });
  const servers: Deno.ChildProcess[] = [];
  await run(["ip", "netns", "add", NS]);
  try {
    await loopbackAddress(NS, HOST);
    await selfSignedCertificate({
      key: `${dir}/key.pem`,
      cert: `${dir}/cert.pem`,
      subject: "/CN=tls13.zon.test",
    });
    const fingerprint = (await run([
      "openssl",
      "x509",
      "-in",
      `${dir}/cert.pem`,
      "-noout",
      "-fingerprint",
      "-sha256",
    ]))
      .trim().split("=")[1].replaceAll(":", "").toLowerCase();
    const plans: [number, string[]][] = [
      [4431, ["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"]],
      [4432, ["-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"]],
      [4433, [
        "-tls1_3",
        "-ciphersuites",
        "TLS_CHACHA20_POLY1305_SHA256",
        "-alpn",
        "http/1.1",
      ]],
      [4434, ["-tls1_2"]],
      [4435, ["-tls1_3", "-groups", "P-384"]],
      [4437, ["-tls1_3", "-groups", "P-521"]],
      [4436, ["-tls1_3", "-groups", "P-256"]],
    ];
    for (const [port, args] of plans) {
      servers.push(new Deno.Command("ip", {
        args: [
          "netns",
          "exec",
          NS,
          "openssl",
          "s_server",
          "-quiet",
          "-accept",
          `${HOST}:${port}`,
          "-cert",
          `${dir}/cert.pem`,
          "-key",
          `${dir}/key.pem`,
          ...args,
        ],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn());
    }
    const results = new Map<number, Record<string, unknown>>();
    for (const [port] of plans) {
      await waitForTcp(NS, HOST, port);
      const out = await run([
        "ip",
        "netns",
        "exec",
        NS,
        DENO,
        "run",
        "--allow-net",
        PROBE,
        HOST,
        String(port),
        "tls13.zon.test",
      ]);
      results.set(port, JSON.parse(out));
    }
    // deno-lint-ignore no-explicit-any
    const r = (port: number) => results.get(port) as any;
    for (
      const [port, suite] of [[4431, "TLS_AES_128_GCM_SHA256"], [
        4432,
        "TLS_AES_256_GCM_SHA384",
      ], [4433, "TLS_CHACHA20_POLY1305_SHA256"]] as const
    ) {
      assert.equal(r(port).error, undefined, JSON.stringify(r(port).error));
      assert.equal(r(port).version, "TLS 1.3");
      assert.equal(r(port).cipherSuiteName, suite);
      assert.equal(r(port).group, "x25519");
      assert.equal(
        r(port).finishedVerified,
        true,
        `${port}: Finished verified`,
      );
      assert.equal(
        r(port).certificates[0].fingerprintSha256,
        fingerprint,
        `${port}: the generated certificate`,
      );
    }
    assert.equal(r(4433).alpn, "http/1.1");
    assert.equal(r(4434).version, "TLS 1.2");
    assert.equal(r(4434).tls12.certificates[0].fingerprintSha256, fingerprint);
    // P-384 only: a HelloRetryRequest, answered with a P-384 ClientHello.
    assert.deepEqual(r(4435).helloRetryRequest, {
      selectedGroup: 0x18,
      selectedGroupName: "secp384r1",
      retried: true,
    });
    assert.equal(r(4435).group, "secp384r1");
    assert.equal(r(4435).finishedVerified, true);
    assert.equal(r(4435).certificates[0].fingerprintSha256, fingerprint);
    // P-521 only: offered in supported_groups but not implemented, so the
    // HelloRetryRequest is reported and the handshake stops.
    assert.deepEqual(r(4437).helloRetryRequest, {
      selectedGroup: 0x19,
      selectedGroupName: "secp521r1",
      retried: false,
    });
    assert.equal(r(4437).certificates.length, 0);
    // A P-256-only server takes the second key share: no HelloRetryRequest.
    assert.equal(r(4436).group, "secp256r1");
    assert.equal(r(4436).finishedVerified, true);
    assert.equal(r(4436).certificates[0].fingerprintSha256, fingerprint);
    console.log(
      `TLS 1.3 handshake wall times (ms, one connection each, incl. server): ${
        [4431, 4432, 4433].map((p) => r(p).elapsedMs.toFixed(1)).join(", ")
      }`,
    );
  } finally {
    for (const server of servers) {
      try {
        server.kill("SIGTERM");
      } catch { /* already gone */ }
      await server.status;
    }
    await run(["ip", "netns", "del", NS], { check: false });
    await Deno.remove(dir, { recursive: true });
  }
});
