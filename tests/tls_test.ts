// TlsDecoder against a real `openssl s_server` on loopback: the decoded chain
// must equal the files served, fed as received, byte-at-a-time and
// re-framed into tiny records; plus alerts and malformed streams.
import assert from "node:assert/strict";
import {
  buildClientHello,
  type ClientHelloOptions,
  pemToDer,
  sha256Hex,
  TlsDecoder,
  type TlsResult,
} from "../decoders/mod.ts";
import { opensslFacts, seededRandom } from "./helpers/decoders_openssl.ts";
import { sh } from "./helpers/command.ts";

// The chain s_server serves: generated per test in a temp directory that
// the test removes (withChain), so no pass of the suite leaves it behind.
let dir = "";
let servedPems: string[] = [];
let servedDers: Uint8Array[] = [];
let servedFacts: Awaited<ReturnType<typeof opensslFacts>>[] = [];

async function withChain(fn: () => Promise<void>): Promise<void> {
  dir = await Deno.makeTempDir({ prefix: "zon-tls-" });
  try {
    await generateChain();
    await fn();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// Root (EC P-256) → intermediate (RSA 2048) → leaf (RSA 2048).
async function generateChain(): Promise<void> {
  await sh(
    `
openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout root.key \
  -subj "/O=Zon Lab/CN=Zon Lab Root" -days 30 -addext "basicConstraints=critical,CA:TRUE" -out root.pem
openssl req -new -nodes -newkey rsa:2048 -keyout intermediate.key -subj "/O=Zon Lab/CN=Zon Lab Intermediate" -out intermediate.csr
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\\nkeyUsage=critical,keyCertSign,cRLSign\\n' > intermediate.ext
openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 -extfile intermediate.ext -out intermediate.pem
openssl req -new -nodes -newkey rsa:2048 -keyout leaf.key -subj "/CN=leaf.zon.test" -out leaf.csr
printf 'subjectAltName=DNS:leaf.zon.test,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA intermediate.pem -CAkey intermediate.key -CAcreateserial -days 30 -extfile leaf.ext -out leaf.pem
`,
    dir,
  );
  servedPems = [
    await Deno.readTextFile(`${dir}/leaf.pem`),
    await Deno.readTextFile(`${dir}/intermediate.pem`),
  ];
  servedDers = servedPems.map((pem) => pemToDer(pem)[0]);
  servedFacts = await Promise.all(servedPems.map(opensslFacts));
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts s_server for one connection; resolves once it accepts. */
async function startServer(
  extraArgs: string[],
): Promise<
  { port: number; server: Deno.ChildProcess; drained: Promise<void> }
> {
  const port = freePort();
  const server = new Deno.Command("openssl", {
    args: [
      "s_server",
      "-accept",
      `127.0.0.1:${port}`,
      "-cert",
      `${dir}/leaf.pem`,
      "-key",
      `${dir}/leaf.key`,
      "-cert_chain",
      `${dir}/intermediate.pem`,
      "-naccept",
      "1",
      ...extraArgs,
    ],
    // An open stdin: s_server shuts down when its stdin reaches EOF.
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // s_server prints ACCEPT once it listens.
  const reader = server.stdout.getReader();
  let seen = "";
  const deadline = Date.now() + 10_000;
  while (!seen.includes("ACCEPT") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
  }
  // Keep draining: s_server logs the session to stdout, and a closed pipe
  // would kill it with SIGPIPE mid-handshake.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  return { port, server, drained };
}

/** Sends a ClientHello and returns the reply chunks exactly as received. */
async function grab(
  extraArgs: string[],
  hello?: ClientHelloOptions,
): Promise<{ chunks: Uint8Array[]; live: TlsResult }> {
  const { port, server, drained } = await startServer(extraArgs);
  const chunks: Uint8Array[] = [];
  const decoder = new TlsDecoder();
  try {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await connection.write(buildClientHello("leaf.zon.test", hello));
      const buffer = new Uint8Array(16384);
      const timer = setTimeout(() => connection.close(), 10_000);
      try {
        while (!decoder.done) {
          const n = await connection.read(buffer);
          if (n === null) break;
          chunks.push(buffer.slice(0, n));
          decoder.push(buffer.subarray(0, n));
        }
      } finally {
        clearTimeout(timer);
      }
    } finally {
      try {
        connection.close();
      } catch { /* closed by the timer */ }
    }
  } finally {
    await server.stdin.close().catch(() => {});
    try {
      server.kill("SIGTERM");
    } catch { /* already gone */ }
    await server.status;
    await drained;
  }
  return { chunks, live: decoder.end() };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function decodeStream(bytes: Uint8Array, chunkSize: number): TlsResult {
  const decoder = new TlsDecoder();
  for (let i = 0; i < bytes.length; i += chunkSize) {
    decoder.push(bytes.subarray(i, i + chunkSize));
  }
  return decoder.end();
}

function assertChainServed(result: TlsResult): void {
  assert.equal(result.error, undefined);
  assert.equal(result.certificates.length, 2);
  result.certificates.forEach((certificate, index) => {
    assert.ok(!("error" in certificate), JSON.stringify(certificate));
    const facts = servedFacts[index];
    assert.equal(certificate.fingerprintSha256, sha256Hex(servedDers[index]));
    assert.equal(certificate.fingerprintSha256, facts.fingerprint);
    assert.deepEqual(certificate.subject, facts.subject);
    assert.deepEqual(certificate.issuer, facts.issuer);
    assert.equal(certificate.notAfter, facts.notAfter);
    assert.equal(certificate.byteLength, servedDers[index].length);
  });
}

/** Rewrites a server flight into records carrying at most `max` bytes each. */
function reframe(bytes: Uint8Array, random: () => number): Uint8Array {
  const records: number[] = [];
  let i = 0;
  while (i + 5 <= bytes.length) {
    const type = bytes[i];
    const length = (bytes[i + 3] << 8) | bytes[i + 4];
    const body = bytes.subarray(i + 5, i + 5 + length);
    i += 5 + length;
    if (type !== 22) {
      records.push(...bytes.subarray(i - 5 - length, i));
      continue;
    }
    for (let k = 0; k < body.length;) {
      const take = Math.min(body.length - k, 1 + Math.floor(random() * 40));
      records.push(
        type,
        3,
        3,
        take >> 8,
        take & 0xff,
        ...body.subarray(k, k + take),
      );
      k += take;
    }
  }
  return Uint8Array.from(records);
}

Deno.test("TLS 1.2 against openssl s_server: chain decoded as served, any fragmentation", () =>
  withChain(async () => {
    const { chunks, live } = await grab(["-tls1_2"]);
    assertChainServed(live);
    assert.equal(live.serverHello?.versionName, "TLS 1.2");
    assert.equal(live.serverHelloDone, true);
    assert.equal(live.encrypted, false);
    assert.match(live.serverHello!.cipherSuiteName, /^TLS_/);
    const stream = concat(chunks);
    assert.deepEqual(decodeStream(stream, stream.length), live);
    assert.deepEqual(decodeStream(stream, 1), live, "byte-at-a-time");
    const random = seededRandom(1312);
    for (let round = 0; round < 5; round++) {
      const reframed = reframe(stream, random);
      const result = decodeStream(reframed, 1 + Math.floor(random() * 300));
      assert.deepEqual(
        result.certificates,
        live.certificates,
        `round ${round}`,
      );
      assert.deepEqual(result.serverHello, live.serverHello);
      assert.equal(result.serverHelloDone, true);
    }
  }));

Deno.test("TLS 1.0 with a plain-RSA suite decodes the same chain", () =>
  withChain(async () => {
    const { chunks, live } = await grab(
      ["-tls1", "-cipher", "AES128-SHA:@SECLEVEL=0"],
      { maxVersion: 0x0301, cipherSuites: [0x002f] },
    );
    assertChainServed(live);
    assert.equal(live.serverHello?.versionName, "TLS 1.0");
    assert.equal(
      live.serverHello?.cipherSuiteName,
      "TLS_RSA_WITH_AES_128_CBC_SHA",
    );
    assert.deepEqual(decodeStream(concat(chunks), 1), live);
  }));

Deno.test("a suite the server refuses brings a handshake_failure alert", () =>
  withChain(async () => {
    const { live } = await grab(["-tls1_2"], { cipherSuites: [0x0005] });
    assert.deepEqual(live.alerts, [{
      level: 2,
      description: 40,
      descriptionName: "handshake_failure",
    }]);
    assert.equal(live.certificates.length, 0);
  }));

Deno.test("buildClientHello: well-formed, SNI only for names, TLS <= 1.2", () => {
  const random = new Uint8Array(32).fill(7);
  const hello = buildClientHello("example.com.", { random });
  assert.equal(hello[0], 22);
  assert.equal((hello[3] << 8) | hello[4], hello.length - 5);
  assert.equal(hello[5], 1); // ClientHello
  assert.equal((hello[6] << 16) | (hello[7] << 8) | hello[8], hello.length - 9);
  assert.deepEqual([...hello.subarray(9, 11)], [3, 3]);
  assert.deepEqual([...hello.subarray(11, 43)], [...random]);
  const text = new TextDecoder("latin1").decode(hello);
  assert.ok(text.includes("example.com") && !text.includes("example.com."));
  assert.ok(
    !new TextDecoder("latin1").decode(buildClientHello("192.0.2.1")).includes(
      "192.0.2.1",
    ),
  );
  // No supported_versions (43): servers cannot pick TLS 1.3.
  const withoutSni = buildClientHello(undefined, { random });
  const extensionsStart = 9 + 2 + 32 + 1 + 2 +
    (withoutSni[44] << 8 | withoutSni[45]) + 2;
  const types: number[] = [];
  for (let i = extensionsStart + 2; i < withoutSni.length;) {
    types.push((withoutSni[i] << 8) | withoutSni[i + 1]);
    i += 4 + ((withoutSni[i + 2] << 8) | withoutSni[i + 3]);
  }
  assert.deepEqual(types, [10, 11, 13, 23, 0xff01]);
});

Deno.test("malformed streams: typed errors, no throw, any fragmentation", () =>
  withChain(async () => {
    assert.equal(
      decodeStream(new TextEncoder().encode("HTTP/1.1 400"), 3).error?.code,
      "NOT_TLS",
    );
    assert.equal(
      decodeStream(Uint8Array.of(22, 3, 3, 0xff, 0xff), 1).error?.code,
      "RECORD_TOO_LONG",
    );
    assert.equal(
      decodeStream(Uint8Array.of(22, 3, 3, 0, 2, 2), 1).error?.code,
      "TRUNCATED",
    );
    // A ServerHello claiming more body than its message holds.
    assert.equal(
      decodeStream(Uint8Array.of(22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3), 1).error
        ?.code,
      "MALFORMED_HANDSHAKE",
    );
    const { chunks } = await grab(["-tls1_2"]);
    const stream = concat(chunks);
    const random = seededRandom(404);
    for (let n = 0; n < 3000; n++) {
      const mutant = stream.slice(0, 1 + Math.floor(random() * stream.length));
      for (let flips = Math.floor(random() * 4); flips > 0; flips--) {
        mutant[Math.floor(random() * mutant.length)] ^= 1 <<
          Math.floor(random() * 8);
      }
      const whole = decodeStream(mutant, mutant.length);
      assert.deepEqual(
        decodeStream(mutant, 1 + Math.floor(random() * 64)),
        whole,
      );
    }
  }));
