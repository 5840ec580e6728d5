// Banner decoders (decoders/http_banner.ts, decoders/greeting_banner.ts) and
// the scanner's per-connection BannerDecoder (recognition + dispatch): each
// fed whole, byte-at-a-time and at random splits must give the same result.
// TLS uses a real flight captured from `openssl s_server` on loopback.

import assert from "node:assert/strict";
import { HttpBannerDecoder } from "../decoders/http_banner.ts";
import {
  GreetingDecoder,
  type GreetingKind,
} from "../decoders/greeting_banner.ts";
import { pemToDer, sha256Hex } from "../decoders/mod.ts";
import {
  type Banner,
  BannerDecoder,
  HelloTable,
  parseHelloFileFlag,
} from "../examples/scan/banners/mod.ts";
import { sh } from "./helpers/command.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("banner_decoders_test.ts");

const enc = (s: string) => new TextEncoder().encode(s);

/** Feeds `bytes` whole, byte by byte and at 25 random splits; all results must agree. */
function agree<T>(
  bytes: Uint8Array,
  run: (pieces: Uint8Array[]) => T,
): T {
  const whole = run([bytes]);
  const bytewise = run(Array.from(bytes, (b) => Uint8Array.of(b)));
  assert.deepEqual(bytewise, whole, "byte-at-a-time differs");
  for (let round = 0; round < 25; round++) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = 1 + Math.floor(random() * (round < 10 ? 8 : 200));
      pieces.push(bytes.slice(at, at + size));
      at += size;
    }
    assert.deepEqual(run(pieces), whole, `split ${round} differs`);
  }
  return whole;
}

const http = (pieces: Uint8Array[]) => {
  const decoder = new HttpBannerDecoder();
  for (const piece of pieces) decoder.push(piece);
  return { done: decoder.done, result: decoder.end() };
};

Deno.test("http banner: status, headers, title; every split agrees", () => {
  const response = "HTTP/1.0 200 OK\r\n" +
    "Server: SimpleHTTP/0.6 Python/3.11.2\r\n" +
    "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n" +
    "Content-type: text/html; charset=utf-8\r\n" +
    "LOCATION: /there\r\n" +
    "Content-Length: 999\r\n\r\n" +
    '<!DOCTYPE HTML>\n<html lang="en">\n<head><meta charset="utf-8">\n' +
    "<TiTlE lang=en>Directory listing &amp; \n more &#x263A;</title>\n</head>";
  const { done, result } = agree(enc(response), http);
  assert.equal(done, true);
  assert.equal(result.version, "HTTP/1.0");
  assert.equal(result.statusCode, 200);
  assert.equal(result.reason, "OK");
  assert.equal(result.server, "SimpleHTTP/0.6 Python/3.11.2");
  assert.equal(result.contentType, "text/html; charset=utf-8");
  assert.equal(result.location, "/there");
  assert.equal(result.title, "Directory listing & more \u263a");
  assert.equal(result.headers, response.slice(0, response.indexOf("\r\n\r\n")));
  assert.equal(result.error, undefined);
});

Deno.test("http banner: LF-only lines, no body, not HTTP, body without title", () => {
  const bare = agree(enc("HTTP/1.1 301 Moved\nLocation: https://x/\n\n"), http);
  assert.equal(bare.result.statusCode, 301);
  assert.equal(bare.result.location, "https://x/");
  assert.equal(bare.result.title, undefined);
  assert.equal(bare.done, false, "waits for a body until the server closes");

  const wrong = agree(enc("SSH-2.0-OpenSSH\r\n"), http);
  assert.equal(wrong.result.error, "NOT_HTTP");
  assert.equal(wrong.done, true);

  const long = agree(
    enc("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(9000) + "<title>late</title>"),
    http,
  );
  assert.equal(long.done, true, "stops after the body scan limit");
  assert.equal(long.result.title, undefined);
});

const greeting = (kind: GreetingKind, port = 0) => (pieces: Uint8Array[]) => {
  const decoder = new GreetingDecoder(kind, { port });
  for (const piece of pieces) decoder.push(piece);
  return { done: decoder.done, result: decoder.end() };
};

Deno.test("greetings: SSH, FTP and SMTP multi-line, POP3, IMAP; every split agrees", () => {
  const ssh = agree(
    enc("SSH-2.0-dropbear_2022.83 extra words\r\nbinary..."),
    greeting("ssh"),
  );
  assert.equal(ssh.done, true);
  assert.equal(ssh.result.text, "SSH-2.0-dropbear_2022.83 extra words");
  assert.deepEqual(ssh.result.ssh, {
    protocolVersion: "2.0",
    software: "dropbear_2022.83",
    comments: "extra words",
  });

  const ftp = agree(
    enc(
      "220-Welcome\r\n220-to the lab\r\nplain line\r\n220 (vsFTPd 3.0.3)\r\n",
    ),
    greeting("reply", 2121),
  );
  assert.equal(ftp.done, true);
  assert.equal(ftp.result.protocol, "ftp");
  assert.equal(ftp.result.code, 220);
  assert.equal(ftp.result.lines.length, 4);

  const smtp = agree(
    enc("220 mail.zon.test ESMTP Postfix (Debian)\r\n"),
    greeting("reply", 2525),
  );
  assert.equal(smtp.result.protocol, "smtp");
  assert.equal(smtp.result.complete, true);

  const byPort = agree(enc("220 ready\r\n"), greeting("reply", 25));
  assert.equal(byPort.result.protocol, "smtp");

  const pop3 = agree(enc("+OK Dovecot ready.\r\n"), greeting("pop3"));
  assert.equal(pop3.result.text, "+OK Dovecot ready.");
  const imap = agree(
    enc("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n"),
    greeting("imap"),
  );
  assert.equal(imap.result.protocol, "imap");
  assert.equal(imap.done, true);

  const cut = agree(enc("+OK no line end"), greeting("pop3"));
  assert.equal(cut.done, false);
  assert.equal(cut.result.text, "+OK no line end");
  assert.equal(cut.result.complete, false);
});

const grab = (port: number) => (pieces: Uint8Array[]): Banner | null => {
  const decoder = new BannerDecoder();
  decoder.begin(port);
  // Everything is fed, also after `done`, so `bytes` does not depend on
  // where the split fell (the TCP stack stops reading at `done`).
  for (const piece of pieces) decoder.push(piece, 0, piece.length);
  return decoder.finish(0xc6120002, port);
};

Deno.test("banner decoder: recognises each protocol from its first bytes", () => {
  const cases: Array<[number, string, string, string]> = [
    [
      8080,
      "HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\n<title>404</title>",
      "http",
      "HTTP/1.0 404 Not Found\r\nServer: x",
    ],
    [
      2222,
      "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
      "ssh",
      "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
    ],
    [21, "220 ProFTPD Server\r\n", "ftp", "220 ProFTPD Server"],
    [25, "220 mx ESMTP\r\n", "smtp", "220 mx ESMTP"],
    [110, "+OK POP3 ready\r\n", "pop3", "+OK POP3 ready"],
    [143, "* OK IMAP4rev1 ready\r\n", "imap", "* OK IMAP4rev1 ready"],
    [
      7,
      "hello\r\nworld \x01\xff and more bytes",
      "unknown",
      "hello\\r\\nworld \\x01\\xc3\\xbf and more bytes",
    ],
    [9, "hi", "unknown", "hi"],
  ];
  for (const [port, text, service, banner] of cases) {
    const result = agree(enc(text), grab(port))!;
    assert.equal(result.protocol, service, text);
    assert.equal(result.banner, banner);
    assert.equal(result.port, port);
  }
  assert.equal(grab(80)([]), null, "no bytes, no banner");
});

Deno.test("banner decoder: a real TLS flight from openssl s_server, any split", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zon-banner-tls-" });
  try {
    await sh(
      `openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout k.pem \
        -subj "/O=Zon Lab/CN=tls.zon.test" -days 3 \
        -addext "subjectAltName=DNS:tls.zon.test,IP:198.18.0.2" -out c.pem 2>/dev/null`,
      dir,
    );
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const server = new Deno.Command("openssl", {
      args: [
        "s_server",
        "-accept",
        `127.0.0.1:${port}`,
        "-cert",
        `${dir}/c.pem`,
        "-key",
        `${dir}/k.pem`,
        "-naccept",
        "1",
        "-quiet",
      ],
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let connection: Deno.TcpConn | undefined;
    for (let i = 0; i < 100 && !connection; i++) {
      connection = await Deno.connect({ hostname: "127.0.0.1", port }).catch(
        () => undefined,
      );
      if (!connection) await new Promise((r) => setTimeout(r, 50));
    }
    const hello = new Uint8Array(1024);
    const length = new HelloTable().write(443, 0x7f000001, hello, 0, 1024);
    await connection!.write(hello.subarray(0, length));
    const chunks: Uint8Array[] = [];
    const live = new BannerDecoder();
    live.begin(443);
    const buffer = new Uint8Array(65536);
    while (!live.done) {
      const n = await connection!.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
      live.push(buffer, 0, n);
    }
    connection!.close();
    await server.stdin.close().catch(() => {});
    server.kill();
    await server.status;
    const flight = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      flight.set(chunk, (at += chunk.length) - chunk.length);
    }
    const result = agree(flight, grab(443))!;
    assert.equal(result.protocol, "tls");
    const leaf = result.tls!.certificates[0];
    assert.equal(leaf.subject, "O=Zon Lab, CN=tls.zon.test");
    assert.deepEqual(leaf.subjectAltNames, [
      "DNS:tls.zon.test",
      "IP Address:198.18.0.2",
    ]);
    const der = pemToDer(await Deno.readTextFile(`${dir}/c.pem`))[0];
    assert.equal(leaf.fingerprintSha256, sha256Hex(der));
    assert.match(result.banner, /^TLS 1\.2 TLS_ECDHE_ECDSA_/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hellos: HTTP hello with Host, zon User-Agent and extra headers; TLS; none; files", () => {
  const table = new HelloTable({
    userAgent: "zon-test/1",
    headers: ["X-Lab: 1"],
    helloFiles: [{ port: 7777, bytes: enc("PING\r\n") }],
  });
  const out = new Uint8Array(1024);
  const text = (port: number, ip: number) =>
    new TextDecoder().decode(
      out.subarray(0, table.write(port, ip, out, 0, 1024)),
    );
  assert.equal(
    text(80, 0xc6120002),
    "GET / HTTP/1.0\r\nHost: 198.18.0.2\r\nUser-Agent: zon-test/1\r\nAccept: */*\r\nX-Lab: 1\r\n\r\n",
  );
  assert.match(
    text(8080, 0x0a000109),
    /^GET \/ HTTP\/1\.0\r\nHost: 10\.0\.1\.9:8080\r\n/,
  );
  assert.equal(table.kind(443), "tls");
  assert.ok(table.write(443, 1, out, 0, 1024) > 100);
  assert.equal(out[0], 0x16, "TLS handshake record");
  assert.equal(
    table.write(22, 1, out, 0, 1024),
    0,
    "SSH: the server speaks first",
  );
  assert.equal(text(7777, 1), "PING\r\n");
  assert.ok(table.maxLength <= 1024);
  assert.match(text(80, 0), /Host: 0\.0\.0\.0\r\n/);
  assert.deepEqual(parseHelloFileFlag("8080:/tmp/x"), {
    port: 8080,
    path: "/tmp/x",
  });
  assert.throws(
    () => parseHelloFileFlag("70000:/x"),
    /--hello-file: expected PORT:FILE/,
  );
  assert.throws(() => parseHelloFileFlag("x"), /--hello-file/);
  assert.throws(
    () => new HelloTable({ headers: ["bad\r\nX: y"] }),
    /--http-header/,
  );
  assert.throws(
    () => new HelloTable({ userAgent: "a\nb" }),
    /--http-user-agent/,
  );
});
