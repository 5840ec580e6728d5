// The scanner's per-connection protocol choice (examples/scan/banners/
// banner.ts with the hello table's plans): a probe's reply, its fallback
// when the reply is another protocol, a server-first binary sniff, the
// STARTTLS dialogue switching to the ClientHello, Telnet answers, and a
// plaintext answer to a ClientHello. Every stream is fed whole, byte at a
// time and at seeded random splits: the banner and the bytes sent back
// must agree.

import assert from "node:assert/strict";
import {
  type Banner,
  BannerDecoder,
  HelloTable,
} from "../examples/scan/banners/mod.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_banner_session_test.ts");
const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
const hellos = new HelloTable();

interface Session {
  first: string;
  /** Everything sent back, in order (how it was batched depends on the splits). */
  sent: string;
  banner: Banner | null;
}

/** One connection to `port` fed `pieces`; what was sent and the banner. */
function session(port: number, pieces: Uint8Array[]): Session {
  const decoder = new BannerDecoder();
  const first = decoder.start(port, hellos.plan(port));
  let sent = "";
  for (const piece of pieces) {
    if (decoder.done) break;
    decoder.push(piece, 0, piece.length);
    for (let s = decoder.takeSend(); s; s = decoder.takeSend()) {
      // ClientHellos differ per connection (random, session id): the record type.
      sent += s[0] === 0x16 ? "<ClientHello>" : latin1(s);
    }
  }
  const banner = decoder.finish(0xc6120002, port);
  if (banner) banner.bytes = 0; // the TCP stack stops reading at `done`
  return {
    first: first ? (first[0] === 0x16 ? "<ClientHello>" : text(first)) : "",
    sent,
    banner,
  };
}

/**
 * Whole, byte-at-a-time and 30 seeded random splits must agree. A dialogue
 * is a list of server turns (each sent only after our answer to the one
 * before): splits fall inside turns, never across them.
 */
function agree(port: number, ...turns: Uint8Array[]): Session {
  const whole = session(port, turns);
  assert.deepEqual(
    session(port, turns.flatMap((t) => Array.from(t, (b) => Uint8Array.of(b)))),
    whole,
    "byte-at-a-time differs",
  );
  for (let round = 0; round < 30; round++) {
    const pieces: Uint8Array[] = [];
    for (const turn of turns) {
      for (let at = 0; at < turn.length;) {
        const size = 1 + Math.floor(random() * (round < 10 ? 6 : 100));
        pieces.push(turn.slice(at, at + size));
        at += size;
      }
    }
    assert.deepEqual(session(port, pieces), whole, `split ${round} differs`);
  }
  return whole;
}

Deno.test("banner session: a Redis probe's reply names Redis and its version", () => {
  const info = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n";
  const s = agree(6379, enc(`$${info.length}\r\n${info}\r\n`));
  assert.match(s.first, /INFO/);
  assert.deepEqual(s.banner!.service, {
    name: "redis",
    product: "Redis key-value store",
    version: "7.0.15",
  });
  assert.equal(s.banner!.protocol, "redis");
});

Deno.test("banner session: a POP3 -ERR greeting on the Redis port is POP3, a Redis error is Redis", () => {
  const pop = agree(6379, enc("-ERR zonlab\r\n"));
  assert.equal(pop.banner!.service.name, "pop3");
  assert.equal(pop.banner!.banner, "-ERR zonlab");
  const redis = agree(6379, enc("-NOAUTH Authentication required.\r\n"));
  assert.equal(redis.banner!.service.name, "redis");
});

Deno.test("banner session: a server that speaks first on a probe port is recognised from its bytes", () => {
  const s = agree(6379, enc("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n"));
  assert.equal(s.banner!.service.name, "ssh");
  assert.equal(s.banner!.service.product, "OpenSSH");
});

Deno.test("banner session: MySQL's greeting is sniffed on any port", () => {
  const version = "5.5.5-10.11.19-MariaDB-0+deb12u1";
  const body = [
    0x0a,
    ...enc(version),
    0,
    1,
    0,
    0,
    0,
    ...enc("abcdefgh"),
    0,
    0xff,
    0xf7,
    0x2d,
    0x02,
    0,
    0xff,
    0x81,
    0x15,
    ...new Array(10).fill(0),
    ...enc("ijklmnopqrst"),
    0,
    ...enc("mysql_native_password"),
    0,
  ];
  const packet = Uint8Array.of(
    body.length & 0xff,
    body.length >> 8,
    0,
    0,
    ...body,
  );
  const s = agree(7777, packet);
  assert.equal(s.first, "");
  assert.equal(s.banner!.service.name, "mysql");
  assert.equal(s.banner!.service.version, version);
});

Deno.test("banner session: SMTP STARTTLS — EHLO, STARTTLS, then the ClientHello on the same connection", () => {
  const s = agree(
    25,
    enc("220 lab.zon.test ESMTP Exim 4.96 Tue, 01 Dec 2026 22:00:00 +0000\r\n"),
    enc(
      "250-lab.zon.test Hello zon.invalid\r\n250-SIZE 52428800\r\n250 STARTTLS\r\n",
    ),
    enc("220 TLS go ahead\r\n"),
  );
  assert.equal(s.first, "");
  assert.equal(s.sent, "EHLO zon.invalid\r\nSTARTTLS\r\n<ClientHello>");
  assert.equal(s.banner!.service.name, "smtp");
  assert.equal(s.banner!.service.product, "Exim smtpd");
  assert.equal(s.banner!.service.version, "4.96");
  assert.equal(s.banner!.tls?.via, "smtp");
  assert.match(s.banner!.banner, /^220 lab\.zon\.test ESMTP Exim 4\.96/);
});

Deno.test("banner session: a refused STARTTLS keeps the plaintext banner", () => {
  const s = agree(
    110,
    enc("+OK Dovecot (Debian) ready.\r\n"),
    enc("-ERR no\r\n"),
  );
  assert.equal(s.sent, "STLS\r\n");
  assert.equal(s.banner!.service.product, "Dovecot pop3d");
  assert.equal(s.banner!.tls, undefined);
  assert.equal(s.banner!.banner, "+OK Dovecot (Debian) ready.");
});

Deno.test("banner session: PostgreSQL's SSLRequest answer names it and starts TLS", () => {
  const s = agree(5432, enc("S"));
  assert.equal(s.first.length, 8);
  assert.equal(s.sent, "<ClientHello>");
  assert.deepEqual(s.banner!.service, {
    name: "postgresql",
    product: "PostgreSQL DB",
  });
  assert.equal(s.banner!.tls?.via, "postgresql");
});

Deno.test("banner session: Telnet option negotiation is answered, then the login banner", () => {
  const s = agree(
    2323,
    Uint8Array.of(0xff, 0xfd, 0x18, 0xff, 0xfb, 0x01, ...enc("\r\nlogin: ")),
  );
  assert.equal(s.sent, latin1(Uint8Array.of(0xff, 0xfc, 0x18, 0xff, 0xfd, 1)));
  assert.equal(s.banner!.service.name, "telnet");
  assert.equal(s.banner!.banner, "\\r\\nlogin:");
});

Deno.test("banner session: a plaintext answer to the ClientHello is recognised (HTTP on a TLS port)", () => {
  const s = agree(
    8443,
    enc("HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\n\r\n"),
  );
  assert.equal(s.first, "<ClientHello>");
  assert.deepEqual(s.banner!.service, {
    name: "http",
    product: "nginx",
    version: "1.22.1",
  });
});
