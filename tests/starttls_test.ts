// STARTTLS state machines (decoders/starttls.ts) on the dialogues recorded
// from real daemons by tests/helpers/record_banners.py --starttls (Exim,
// Dovecot POP3 and IMAP, vsftpd, PostgreSQL; tests/fixtures/banners/
// starttls.json): replayed whole, byte-at-a-time and at seeded random
// splits, each server segment must give the recorded step; the certificate
// each TLS handshake showed after the switch (and on the direct TLS ports)
// must be the one the recording generated. Refusals and garbage give
// `refused` / `error`, never a throw.

import assert from "node:assert/strict";
import {
  StarttlsMachine,
  type StarttlsProtocol,
  type StarttlsStep,
} from "../decoders/starttls.ts";

const FIXTURES = new URL("./fixtures/banners/", import.meta.url);
interface Recorded {
  port: number;
  protocol: string;
  segments: string[];
  steps: StarttlsStep["action"][];
  greeting?: string[];
  tls?: {
    version: string;
    group?: string;
    finishedVerified?: boolean;
    fingerprints: string[];
  };
}
const recorded: Recorded[] = JSON.parse(
  Deno.readTextFileSync(new URL("starttls.json", FIXTURES)),
);
const certificate: string = JSON.parse(
  Deno.readTextFileSync(new URL("index.json", FIXTURES)),
).certificateSha256;
const bytes = (hex: string) =>
  Uint8Array.from(hex.match(/../g) ?? [], (x) => parseInt(x, 16));
const enc = (s: string) => new TextEncoder().encode(s);
const SEED = Number(Deno.env.get("ZON_TEST_SEED") ?? Date.now() % 0xffffffff) |
    0 || 1;
console.log(`starttls seed: ${SEED} (ZON_TEST_SEED=${SEED} to repeat)`);

/** Cuts `segment` per `mode`: whole, bytes, or seeded random pieces. */
function cut(segment: Uint8Array, mode: number): Uint8Array[] {
  if (mode === 0) return [segment];
  if (mode === 1) return Array.from(segment, (b) => Uint8Array.of(b));
  let x = (SEED + mode) | 0 || 1;
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < segment.length;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const size = 1 + ((x >>> 0) % (mode < 12 ? 7 : 60));
    pieces.push(segment.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** Replays one recorded dialogue; returns the steps and the bytes sent. */
function replay(
  entry: Recorded,
  mode: number,
): { steps: string[]; sent: string[] } {
  const machine = new StarttlsMachine(entry.protocol as StarttlsProtocol);
  const steps: string[] = [];
  const sent: string[] = [];
  let step = machine.start();
  entry.segments.forEach((hex, index) => {
    if (index > 0 || step.action === "wait") {
      const pieces = cut(bytes(hex), mode);
      pieces.forEach((piece, i) => {
        step = machine.push(piece);
        if (i < pieces.length - 1) {
          assert.equal(step.action, "wait", `${entry.protocol}: early step`);
        }
      });
    }
    steps.push(step.action);
    if (step.action === "send") sent.push(new TextDecoder().decode(step.bytes));
  });
  return { steps, sent };
}

const dialogues = recorded.filter((r) => r.protocol !== "tls");

Deno.test("starttls: every recorded daemon dialogue replays to the recorded steps, at any split", () => {
  assert.deepEqual(dialogues.map((d) => d.protocol).sort(), [
    "ftp",
    "imap",
    "pop3",
    "postgresql",
    "smtp",
  ]);
  for (const entry of dialogues) {
    const whole = replay(entry, 0);
    assert.deepEqual(whole.steps, entry.steps, entry.protocol);
    assert.equal(
      whole.steps.at(-1),
      "tls",
      `${entry.protocol} switched to TLS`,
    );
    for (let mode = 1; mode < 24; mode++) {
      assert.deepEqual(
        replay(entry, mode),
        whole,
        `${entry.protocol} split mode ${mode} (seed ${SEED})`,
      );
    }
  }
  const smtp = replay(dialogues.find((d) => d.protocol === "smtp")!, 0);
  assert.deepEqual(smtp.sent, ["EHLO zon.invalid\r\n", "STARTTLS\r\n"]);
  assert.deepEqual(
    replay(dialogues.find((d) => d.protocol === "imap")!, 0).sent,
    ["a STARTTLS\r\n"],
  );
  assert.deepEqual(
    replay(dialogues.find((d) => d.protocol === "pop3")!, 0).sent,
    ["STLS\r\n"],
  );
  assert.deepEqual(
    replay(dialogues.find((d) => d.protocol === "ftp")!, 0).sent,
    ["AUTH TLS\r\n"],
  );
});

Deno.test("starttls: the certificate behind each STARTTLS and direct TLS port is the generated one", () => {
  assert.equal(recorded.length, 9);
  for (const entry of recorded) {
    assert.ok(entry.tls, `${entry.port}: a TLS result`);
    assert.deepEqual(
      entry.tls.fingerprints,
      [certificate],
      `${entry.port} ${entry.protocol}`,
    );
    if (entry.tls.version === "TLS 1.3") {
      assert.equal(entry.tls.finishedVerified, true, `${entry.port}`);
    }
  }
  // vsftpd and PostgreSQL take only P-256: the second key share, no HelloRetryRequest.
  for (const port of [21, 5432]) {
    assert.equal(
      recorded.find((r) => r.port === port)!.tls!.group,
      "secp256r1",
    );
  }
  assert.equal(recorded.find((r) => r.port === 4433)!.tls!.version, "TLS 1.3");
});

function run(protocol: StarttlsProtocol, server: string[]): StarttlsStep[] {
  const machine = new StarttlsMachine(protocol);
  const steps = [machine.start()];
  for (const text of server) steps.push(machine.push(enc(text)));
  return steps;
}

Deno.test("starttls: refusals and foreign bytes end in refused/error, never a throw", () => {
  const last = (protocol: StarttlsProtocol, server: string[]) =>
    run(protocol, server).at(-1)!;
  assert.equal(
    last("smtp", ["220 mx ESMTP\r\n", "250-mx\r\n250 SIZE 1000\r\n"]).action,
    "refused",
  );
  assert.equal(last("smtp", ["554 go away\r\n"]).action, "refused");
  assert.equal(
    last("smtp", [
      "220 mx\r\n",
      "250 STARTTLS\r\n",
      "454 TLS not available\r\n",
    ]).action,
    "refused",
  );
  assert.equal(last("smtp", ["SSH-2.0-OpenSSH_9.2\r\n"]).action, "error");
  assert.equal(last("pop3", ["+OK\r\n", "-ERR no STLS\r\n"]).action, "refused");
  assert.equal(
    last("imap", ["* OK ready\r\n", "* BYE going\r\n", "a NO no TLS\r\n"])
      .action,
    "refused",
  );
  assert.equal(
    last("imap", [
      "* OK ready\r\n",
      "* CAPABILITY IMAP4rev1\r\n",
      "a OK go\r\n",
    ]).action,
    "tls",
  );
  assert.equal(last("imap", ["HTTP/1.1 400\r\n"]).action, "error");
  assert.equal(
    last("ftp", ["220-a\r\n220 b\r\n", "530 TLS refused\r\n"]).action,
    "refused",
  );
  assert.equal(last("postgresql", ["N"]).action, "refused");
  assert.equal(last("postgresql", ["E"]).action, "error");
  // A server that never ends a line stays waiting; the caller's timeout ends it.
  assert.equal(last("smtp", ["220 " + "x".repeat(5000)]).action, "wait");
  let x = SEED | 0 || 1;
  for (let round = 0; round < 200; round++) {
    const garbage = Uint8Array.from({ length: 1 + (round % 90) }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
    for (
      const protocol of ["smtp", "pop3", "imap", "ftp", "postgresql"] as const
    ) {
      const machine = new StarttlsMachine(protocol);
      machine.start();
      const step = machine.push(garbage);
      assert.ok(
        ["wait", "error", "refused", "send", "tls"].includes(step.action),
      );
    }
  }
});
