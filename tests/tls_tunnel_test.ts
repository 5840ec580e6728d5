// TlsTunnel (decoders/tls_tunnel.ts, h16t): the client's side of the
// handshake to the end and application data both ways. Oracles: RFC 8448
// §3 (the client Finished record, the application traffic keys proven by
// the trace's application-data and close_notify records, byte for byte),
// and live `openssl s_server -tls1_3` / `-tls1_2 -rev` in a namespace for
// every suite (tests/helpers/tls_tunnel_probe.ts drives one connection,
// then replays the server's recorded bytes whole, byte at a time and at
// random splits).

import assert from "node:assert/strict";
import { run, waitForTcp } from "./helpers/command.ts";
import {
  EC_P256,
  loopbackAddress,
  RSA_2048,
  selfSignedCertificate,
} from "./helpers/tls_lab.ts";
import { Tls13Client } from "../decoders/tls13_client.ts";
import { TlsTunnel } from "../decoders/tls_tunnel.ts";
import { Tls13Protection } from "../decoders/tls_record.ts";
import { testRandom } from "./helpers/random.ts";

const bytes = (s: string) =>
  Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const trace = JSON.parse(
  Deno.readTextFileSync(
    new URL("./fixtures/tls13/rfc8448.json", import.meta.url),
  ),
).simple;
const random = testRandom("tls_tunnel_test");

/** The server's side of RFC 8448 §3 after the ClientHello, in order. */
const SERVER_FLIGHT = new Uint8Array([
  ...bytes(trace.recordServerHello),
  ...bytes(trace.recordServerHandshake),
]);
const SERVER_AFTER = new Uint8Array([
  ...bytes(trace.recordServerTicket),
  ...bytes(trace.recordServerApplicationData),
  ...bytes(trace.recordServerAlert),
]);

function traceTunnel(): TlsTunnel {
  return new TlsTunnel({
    client: Tls13Client.replay(
      bytes(trace.recordClientHello),
      bytes(trace.clientPrivateKey),
    ),
  });
}

function sends(tunnel: TlsTunnel): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let s = tunnel.takeSend(); s; s = tunnel.takeSend()) out.push(s);
  return out;
}

/** Feeds `stream` in the given piece sizes; returns what the tunnel did. */
function runTrace(pieces: (length: number) => number[]) {
  const tunnel = traceTunnel();
  const stream = new Uint8Array([...SERVER_FLIGHT, ...SERVER_AFTER]);
  const flight: Uint8Array[] = [];
  let at = 0;
  for (const size of pieces(stream.length)) {
    tunnel.push(stream, at, at + size);
    at += size;
    if (tunnel.state !== "handshake" && flight.length === 0) {
      flight.push(...sends(tunnel));
    }
  }
  return {
    flight: flight.map(hex),
    data: hex(tunnel.takeData() ?? new Uint8Array(0)),
    state: tunnel.state,
    error: tunnel.result().error,
  };
}

Deno.test("RFC 8448 §3: the client Finished record, application keys (data both ways, close_notify); whole, byte-at-a-time, random splits", () => {
  const tunnel = traceTunnel();
  tunnel.push(SERVER_FLIGHT);
  assert.equal(tunnel.state, "open");
  const [ccs, finished, ...rest] = sends(tunnel);
  assert.equal(rest.length, 0);
  assert.equal(hex(ccs), "140303000101", "middlebox-compatibility CCS");
  assert.equal(
    hex(finished),
    trace.recordClientFinished,
    "the client Finished record of the trace, sealed with our client handshake key",
  );
  // The client's application record: our client application key and IV.
  assert.ok(tunnel.write(bytes(trace.applicationData)));
  assert.equal(hex(tunnel.takeSend()!), trace.recordClientApplicationData);
  // The server's NewSessionTicket (skipped) and data: the server's key.
  tunnel.push(SERVER_AFTER);
  assert.equal(hex(tunnel.takeData()!), trace.applicationData);
  assert.equal(tunnel.state, "closed", "the server's close_notify");
  // A fresh tunnel's close_notify is the trace's client alert record.
  const closer = traceTunnel();
  closer.push(SERVER_FLIGHT);
  sends(closer);
  closer.write(bytes(trace.applicationData));
  closer.takeSend();
  assert.ok(closer.close());
  assert.equal(hex(closer.takeSend()!), trace.recordClientAlert);

  const whole = runTrace((n) => [n]);
  assert.equal(whole.state, "closed");
  assert.equal(whole.data, trace.applicationData);
  assert.deepEqual(whole.flight, ["140303000101", trace.recordClientFinished]);
  assert.deepEqual(runTrace((n) => Array(n).fill(1)), whole, "byte-at-a-time");
  for (let round = 0; round < 20; round++) {
    const split = runTrace((n) => {
      const sizes: number[] = [];
      for (let left = n; left > 0;) {
        const size = Math.min(left, 1 + Math.floor(random() * 300));
        sizes.push(size);
        left -= size;
      }
      return sizes;
    });
    assert.deepEqual(split, whole, `random split, round ${round}`);
  }
});

Deno.test("TlsTunnel: a forged server Finished, a tampered application record, alerts and junk give typed errors, never a throw", () => {
  // Flip a bit inside the encrypted Finished: the AEAD tag fails first.
  const tampered = SERVER_FLIGHT.slice();
  tampered[tampered.length - 20] ^= 1;
  const t1 = traceTunnel();
  t1.push(tampered);
  assert.equal(t1.state, "failed");
  assert.equal(t1.result().error?.code, "HANDSHAKE_FAILED");
  assert.equal(t1.takeSend(), null, "nothing sent after a failed handshake");
  // A forged Finished that decrypts: the trace's handshake record opened
  // with the server handshake key of RFC 8448 §3, one verify_data bit
  // flipped, sealed again.
  const key = bytes("3fce516009c21727d0f2e4e86ee403bc");
  const iv = bytes("5d313eb2671276ee13000b30");
  const record = bytes(trace.recordServerHandshake);
  const opened = new Tls13Protection("AES-128-GCM", key, iv).open(
    record.subarray(0, 5),
    record.subarray(5),
  )!;
  const content = opened.content.slice();
  content[content.length - 1] ^= 1;
  const forged = new Tls13Protection("AES-128-GCM", key, iv).seal(
    opened.type,
    content,
  );
  const t0 = traceTunnel();
  t0.push(new Uint8Array([...bytes(trace.recordServerHello), ...forged]));
  assert.equal(t0.state, "failed");
  assert.equal(t0.result().error?.code, "BAD_FINISHED");
  assert.equal(
    t0.result().handshake.certificates.length,
    1,
    "certificate kept",
  );
  assert.equal(t0.takeSend(), null, "no client Finished after a forged one");
  // Under another client key share the handshake keys differ: no tunnel.
  const stranger = new TlsTunnel({
    client: Tls13Client.replay(
      bytes(trace.recordClientHello),
      new Uint8Array(32).fill(9),
    ),
  });
  stranger.push(SERVER_FLIGHT);
  assert.equal(stranger.state, "failed");
  assert.equal(stranger.write(new Uint8Array(1)), false);
  // A tampered application record after the handshake.
  const t2 = traceTunnel();
  t2.push(SERVER_FLIGHT);
  const after = SERVER_AFTER.slice();
  after[10] ^= 0x40;
  t2.push(after);
  assert.equal(t2.result().error?.code, "DECRYPT_FAILED");
  // A plaintext fatal alert instead of a ServerHello.
  const t3 = new TlsTunnel();
  t3.push(Uint8Array.of(21, 3, 3, 0, 2, 2, 40));
  assert.equal(t3.state, "failed");
  assert.equal(t3.result().error?.code, "ALERT");
  // Not TLS at all.
  const t4 = new TlsTunnel();
  t4.push(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n"));
  assert.equal(t4.state, "failed");
  // Random junk after the handshake: typed failure, never a throw.
  for (let round = 0; round < 50; round++) {
    const t = traceTunnel();
    t.push(SERVER_FLIGHT);
    const junk = Uint8Array.from(
      { length: 1 + Math.floor(random() * 200) },
      () => Math.floor(random() * 256),
    );
    if (round % 2 === 0 && junk.length > 5) {
      junk.set([23, 3, 3, (junk.length - 5) >> 8, (junk.length - 5) & 0xff]);
    }
    t.push(junk);
    assert.ok(t.state === "failed" || t.state === "open", t.state);
    assert.equal(t.takeData(), null);
  }
});

const NS = `h16t-tun-${Deno.pid}`;
const HOST = "198.18.61.1";
const PROBE = new URL("./helpers/tls_tunnel_probe.ts", import.meta.url)
  .pathname;

Deno.test("live openssl s_server -tls1_3 / -tls1_2: every suite, X25519 and P-256, a certificate request; data round trips both ways (-rev, -www)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16t-tunnel-" });
  const servers: Deno.ChildProcess[] = [];
  await run(["ip", "netns", "add", NS]);
  try {
    await loopbackAddress(NS, HOST);
    const keys: Array<[string, readonly string[]]> = [
      ["rsa", RSA_2048],
      ["ec", EC_P256],
    ];
    for (const [name, newKey] of keys) {
      await selfSignedCertificate({
        key: `${dir}/${name}.key`,
        cert: `${dir}/${name}.pem`,
        subject: `/CN=${name}.tunnel.zon.test`,
        newKey,
      });
    }
    const REV = ["-rev"];
    // port, certificate, s_server options, what to send, what must come back.
    const plans: [number, string, string[], string, string][] = [
      [
        4441,
        "ec",
        ["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256", ...REV],
        "hello zon\\n",
        "noz olleh",
      ],
      [
        4442,
        "ec",
        ["-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384", ...REV],
        "hello zon\\n",
        "noz olleh",
      ],
      [
        4443,
        "rsa",
        [
          "-tls1_3",
          "-ciphersuites",
          "TLS_CHACHA20_POLY1305_SHA256",
          "-verify",
          "1",
          ...REV,
        ],
        "hello zon\\n",
        "noz olleh",
      ],
      [
        4444,
        "rsa",
        ["-tls1_3", "-groups", "P-256", "-www"],
        "GET / HTTP/1.0\\r\\n\\r\\n",
        "HTTP/1.0 200 ok",
      ],
      [
        4445,
        "rsa",
        ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", ...REV],
        "hello zon\\n",
        "noz olleh",
      ],
      [
        4446,
        "rsa",
        [
          "-tls1_2",
          "-cipher",
          "ECDHE-RSA-AES256-GCM-SHA384",
          "-groups",
          "P-256",
          ...REV,
        ],
        "hello zon\\n",
        "noz olleh",
      ],
      [
        4447,
        "rsa",
        [
          "-tls1_2",
          "-cipher",
          "ECDHE-RSA-CHACHA20-POLY1305",
          "-verify",
          "1",
          ...REV,
        ],
        "hello zon\\n",
        "noz olleh",
      ],
      [
        4448,
        "ec",
        ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-www"],
        "GET / HTTP/1.0\\r\\n\\r\\n",
        "HTTP/1.0 200 ok",
      ],
      [
        4449,
        "ec",
        [
          "-tls1_2",
          "-cipher",
          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305",
          "-serverpref",
          ...REV,
        ],
        "hello zon\\n",
        "noz olleh",
      ],
      [
        4450,
        "rsa",
        ["-tls1_2", "-cipher", "AES128-GCM-SHA256", ...REV],
        "hello zon\\n",
        "noz olleh",
      ],
      // P-384 only: a HelloRetryRequest, then the tunnel.
      [
        4452,
        "ec",
        ["-tls1_3", "-groups", "P-384", ...REV],
        "hello zon\\n",
        "noz olleh",
      ],
      // Without extended master secret (OPENSSL_CONF below): RFC 5246's
      // master secret from the randoms.
      [
        4451,
        "rsa",
        ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", ...REV],
        "hello zon\\n",
        "noz olleh",
      ],
    ];
    await Deno.writeTextFile(
      `${dir}/no_ems.cnf`,
      "openssl_conf = conf\n[conf]\nssl_conf = ssl\n[ssl]\nsystem_default = tls\n[tls]\nOptions = -ExtendedMasterSecret\n",
    );
    for (const [port, cert, args] of plans) {
      servers.push(
        new Deno.Command("ip", {
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
            `${dir}/${cert}.pem`,
            "-key",
            `${dir}/${cert}.key`,
            ...args,
          ],
          stdin: "null",
          stdout: "null",
          stderr: "null",
          env: port === 4451 ? { OPENSSL_CONF: `${dir}/no_ems.cnf` } : {},
        }).spawn(),
      );
    }
    const results = new Map<number, Record<string, unknown>>();
    for (const [port, , , message, expect] of plans) {
      await waitForTcp(NS, HOST, port);
      const out = await run([
        "ip",
        "netns",
        "exec",
        NS,
        Deno.execPath(),
        "run",
        "--allow-net",
        PROBE,
        HOST,
        String(port),
        message,
        expect,
      ]);
      results.set(port, JSON.parse(out));
    }
    // deno-lint-ignore no-explicit-any
    const r = (port: number) => results.get(port) as any;
    const expected: [number, string, string][] = [
      [4441, "TLS 1.3", "TLS_AES_128_GCM_SHA256"],
      [4442, "TLS 1.3", "TLS_AES_256_GCM_SHA384"],
      [4443, "TLS 1.3", "TLS_CHACHA20_POLY1305_SHA256"],
      [4444, "TLS 1.3", "TLS_AES_128_GCM_SHA256"],
      [4452, "TLS 1.3", "TLS_AES_128_GCM_SHA256"],
      [4445, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
      [4446, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
      [4447, "TLS 1.2", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
      [4448, "TLS 1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
      [4449, "TLS 1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
      [4451, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
    ];
    for (const [port, version, cipher] of expected) {
      const plan = plans.find((p) => p[0] === port)!;
      assert.equal(
        r(port).error,
        undefined,
        `${port}: ${JSON.stringify(r(port))}`,
      );
      assert.equal(r(port).version, version, `${port}`);
      assert.equal(r(port).cipher, cipher, `${port}`);
      assert.ok(
        r(port).answer.includes(plan[4]),
        `${port}: the answer inside the tunnel: ${JSON.stringify(r(port))}`,
      );
    }
    assert.equal(r(4452).helloRetryRequest?.retried, true, "4452: HRR");
    assert.equal(r(4452).group, "secp384r1");
    assert.equal(r(4444).group, "secp256r1");
    for (const [port] of expected) {
      assert.equal(r(port).certificates, 1, `${port}: the certificate`);
      if (port === 4444 || port === 4452) {
        assert.equal(
          r(port).replays,
          null,
          "a P-256 or P-384 TLS 1.3 share is not replayed",
        );
        continue;
      }
      // The recorded server stream, replayed whole, byte at a time and at
      // random splits into tunnels with the same ClientHello and shares.
      const replays = r(port).replays;
      assert.equal(
        replays.agree,
        true,
        `${port}: splits agree ${replays.shapes}`,
      );
      assert.equal(
        replays.sameAsLive,
        true,
        `${port}: same client bytes as live`,
      );
      const plan = plans.find((p) => p[0] === port)!;
      assert.ok(replays.answer.includes(plan[4]), `${port}: replayed answer`);
      // 300 hostile variants of this server's stream: never a throw.
      const m = replays.mutants;
      console.error(`${port}: ${m.count} mutants, seed ${m.seed}: ${m.states}`);
      assert.deepEqual(m.threw, [], `${port}: seed ${m.seed}`);
      assert.ok(m.states.includes("failed"), `${port}: mutants rejected`);
      // A flipped bit in the server's Finished record: a typed error.
      const tls12 = port >= 4445;
      assert.equal(
        replays.forged,
        tls12 ? "DECRYPT_FAILED" : "HANDSHAKE_FAILED",
        `${port}: forged Finished`,
      );
      // A transcript the server never saw: with the same keys (no extended
      // master secret), the server's Finished verifies no more.
      assert.equal(
        replays.otherTranscript,
        port === 4451
          ? "BAD_FINISHED"
          : tls12
          ? "DECRYPT_FAILED"
          : "HANDSHAKE_FAILED",
        `${port}: other transcript`,
      );
      if (tls12) {
        assert.equal(
          r(port).tls12.extendedMasterSecret,
          port !== 4451,
          `${port}: extended master secret`,
        );
        assert.equal(
          r(port).tls12.group,
          port === 4446 ? "secp256r1" : "x25519",
          `${port}: ECDHE group`,
        );
      }
    }
    // Plain-RSA key exchange is not completed: a typed error, no throw,
    // and the certificate is still read.
    assert.equal(r(4450).state, "failed");
    assert.equal(r(4450).error.code, "UNSUPPORTED_PARAMETERS");
    assert.equal(r(4450).certificates, 1, "4450: the certificate");
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

Deno.test("live openssl s_server -tls1_3: a KeyUpdate that asks for ours (s_server's K command): new keys both ways", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16t-keyupdate-" });
  const ns = `${NS}-ku`;
  const host = "198.18.61.2";
  await run(["ip", "netns", "add", ns]);
  let server: Deno.ChildProcess | undefined;
  try {
    await loopbackAddress(ns, host);
    await selfSignedCertificate({
      key: `${dir}/key.pem`,
      cert: `${dir}/cert.pem`,
      subject: "/CN=keyupdate.zon.test",
    });
    // Not -quiet: s_server takes commands (K: KeyUpdate, update_requested)
    // and text to send from stdin, and prints what the client sent.
    server = new Deno.Command("ip", {
      args: [
        "netns",
        "exec",
        ns,
        "openssl",
        "s_server",
        "-tls1_3",
        "-accept",
        `${host}:4460`,
        "-cert",
        `${dir}/cert.pem`,
        "-key",
        `${dir}/key.pem`,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    let printed = "";
    const reading = (async () => {
      for await (const chunk of server.stdout) {
        printed += new TextDecoder().decode(chunk);
      }
    })();
    const waitFor = async (text: string) => {
      for (let i = 0; i < 100 && !printed.includes(text); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(printed.includes(text), `s_server never printed ${text}`);
    };
    await waitFor("ACCEPT");
    const probe = new Deno.Command("ip", {
      args: [
        "netns",
        "exec",
        ns,
        Deno.execPath(),
        "run",
        "--allow-net",
        PROBE,
        host,
        "4460",
        "before update\\n",
        "after update",
        "client after update\\n",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    // The tunnel is open and our first record arrived: now the KeyUpdate.
    await waitFor("before update");
    const stdin = server.stdin.getWriter();
    await stdin.write(new TextEncoder().encode("K\n"));
    await new Promise((r) => setTimeout(r, 200));
    await stdin.write(new TextEncoder().encode("after update\n"));
    const out = await probe;
    const result = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(result.error, undefined, JSON.stringify(result));
    assert.ok(
      result.answer.includes("after update"),
      "read under the server's new key",
    );
    // Our KeyUpdate went out, then this record under our new key: the
    // server decrypted it.
    await waitFor("client after update");
    await stdin.close();
    server.kill("SIGTERM");
    await server.status;
    await reading;
    server = undefined;
  } finally {
    if (server) {
      try {
        server.kill("SIGKILL");
      } catch { /* gone */ }
      await server.status;
    }
    await run(["ip", "netns", "del", ns], { check: false });
    await Deno.remove(dir, { recursive: true });
  }
});
