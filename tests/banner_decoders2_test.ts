// Client-first service decoders (Redis, memcached, MQTT, PostgreSQL),
// the MySQL/MariaDB greeting decoder and the product/version table, on
// real server bytes recorded from Debian's daemons by
// tests/helpers/record_banners.py (tests/fixtures/banners/). The oracle for
// service name, product and version is `nmap -sV`, run against the same
// daemons in the same recording (tests/fixtures/banners/nmap.xml); where
// nmap gives nothing, the daemon's dpkg version (index.json) is.
// Every decoder: whole, byte-at-a-time and seeded random splits agree;
// random and mutated input never throws and gives a typed error.

import assert from "node:assert/strict";
import { GreetingDecoder } from "../decoders/greeting_banner.ts";
import { HttpBannerDecoder } from "../decoders/http_banner.ts";
import { MemcachedDecoder } from "../decoders/memcached_banner.ts";
import { MQTT_HELLO, MqttDecoder } from "../decoders/mqtt_banner.ts";
import { MysqlDecoder } from "../decoders/mysql_banner.ts";
import {
  POSTGRES_HELLO,
  POSTGRES_SSL_REQUEST,
  PostgresDecoder,
} from "../decoders/postgres_banner.ts";
import { REDIS_HELLO, RedisDecoder } from "../decoders/redis_banner.ts";
import {
  classifyErrorLine,
  probeForPort,
  SERVICE_PROBES,
  sniffServerFirst,
} from "../decoders/service_registry.ts";
import { identifyService } from "../decoders/service_signatures.ts";
import type {
  ServiceDecoder,
  ServiceInfo,
  ServiceResult,
} from "../decoders/service_types.ts";

const FIXTURES = new URL("./fixtures/banners/", import.meta.url);
const fixture = (name: string): Uint8Array =>
  Deno.readFileSync(new URL(`${name}.bin`, FIXTURES));
const index: Record<
  string,
  { port: number; hello: string; packageVersion: string }
> = JSON.parse(Deno.readTextFileSync(new URL("index.json", FIXTURES)));

/** nmap's `<service>` attributes per port, from the recorded XML. */
function nmapServices(): Map<number, Record<string, string>> {
  const xml = Deno.readTextFileSync(new URL("nmap.xml", FIXTURES));
  const out = new Map<number, Record<string, string>>();
  for (
    const port of xml.matchAll(
      /<port protocol="tcp" portid="(\d+)">(.*?)<\/port>/gs,
    )
  ) {
    const service = /<service ([^>]*?)\/?>/.exec(port[2]);
    if (!service) continue;
    const attributes: Record<string, string> = {};
    for (const a of service[1].matchAll(/(\w+)="([^"]*)"/g)) {
      attributes[a[1]] = a[2];
    }
    out.set(Number(port[1]), attributes);
  }
  return out;
}
const nmap = nmapServices();

/** Asserts name/product/version/extra agree with nmap's for the fixture's port. */
function assertLikeNmap(
  name: string,
  info: ServiceInfo,
  fields = ["name", "product", "version", "extrainfo"],
): void {
  const oracle = nmap.get(index[name].port);
  assert.ok(oracle, `nmap has no answer for ${name}`);
  const ours: Record<string, string | undefined> = {
    name: info.name,
    product: info.product,
    version: info.version,
    extrainfo: info.extra,
  };
  for (const field of fields) {
    assert.equal(
      ours[field],
      oracle[field],
      `${name}: ${field} differs from nmap's`,
    );
  }
}

// Deterministic randomness (xorshift32): failures name their seed.
const SEED =
  Number(Deno.env.get("ZON_TEST_SEED") ?? Date.now() % 0xffffffff) | 0 || 1;
console.log(`banner_decoders2 seed: ${SEED} (ZON_TEST_SEED=${SEED} to repeat)`);
function rng(seed: number): () => number {
  let x = seed | 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** Runs a fresh decoder over `pieces`. */
function run<T>(
  make: () => ServiceDecoder<T>,
  pieces: Uint8Array[],
): ServiceResult<T> {
  const decoder = make();
  for (const piece of pieces) decoder.push(piece);
  return decoder.result();
}

/** Whole, byte-at-a-time and 40 seeded random splits must agree; returns the result. */
function agree<T>(
  make: () => ServiceDecoder<T>,
  bytes: Uint8Array,
  seed = SEED,
): ServiceResult<T> {
  const whole = run(make, [bytes]);
  assert.deepEqual(
    run(make, Array.from(bytes, (b) => Uint8Array.of(b))),
    whole,
    "byte-at-a-time differs",
  );
  const random = rng(seed);
  for (let round = 0; round < 40; round++) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = 1 + Math.floor(random() * (round < 20 ? 8 : 300));
      pieces.push(bytes.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(
      run(make, pieces),
      whole,
      `split round ${round} differs (seed ${seed})`,
    );
  }
  // push(chunk, start, end) over one buffer with an offset gives the same.
  const padded = new Uint8Array(bytes.length + 6);
  padded.set(bytes, 3);
  const decoder = make();
  decoder.push(padded, 3, 3 + bytes.length);
  assert.deepEqual(decoder.result(), whole, "push with start/end differs");
  return whole;
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

Deno.test("registry: the recorded hellos are the decoders' hello constants", () => {
  assert.equal(index.redis_info.hello, hex(REDIS_HELLO));
  assert.equal(index.mqtt_connack.hello, hex(MQTT_HELLO));
  assert.equal(index.postgres_startup_no_hba.hello, hex(POSTGRES_HELLO));
  assert.equal(index.postgres_ssl_request.hello, hex(POSTGRES_SSL_REQUEST));
  assert.equal(index.memcached_stats.hello, hex(probeForPort(11211)!.hello));
  assert.deepEqual(SERVICE_PROBES.map((p) => p.protocol).slice(0, 4), [
    "redis",
    "memcached",
    "mqtt",
    "postgresql",
  ]);
  assert.equal(probeForPort(22), undefined);
});

Deno.test("redis: INFO server reply names Redis and its version as nmap does", () => {
  const result = agree(() => new RedisDecoder(), fixture("redis_info"));
  assert.equal(result.complete, true);
  assert.equal(result.error, undefined);
  assert.equal(result.redisMode, "standalone");
  assert.match(result.os ?? "", /^Linux /);
  assertLikeNmap("redis_info", result.service);
  assert.ok(
    index.redis_info.packageVersion.includes(result.redisVersion!),
    "dpkg version has redis_version",
  );
});

Deno.test("redis: -NOAUTH on a password-protected server", () => {
  const result = agree(() => new RedisDecoder(), fixture("redis_noauth"));
  assert.equal(result.replyType, "-");
  assert.equal(result.errorLine, "NOAUTH Authentication required.");
  assert.equal(result.complete, true);
  assertLikeNmap("redis_noauth", result.service);
});

Deno.test("redis -ERR vs pop3 -ERR: real Redis error lines are redis, pop3 greetings stay pop3", () => {
  for (const name of ["redis_unknown_command", "redis_noauth"]) {
    const line = new TextDecoder().decode(fixture(name)).split("\r\n")[0];
    assert.equal(classifyErrorLine(line), "redis", line);
    const result = agree(() => new RedisDecoder(), fixture(name));
    assert.equal(result.service.name, "redis");
  }
  // POP3 -ERR greetings, from nmap-service-probes' pop3 match lines.
  for (
    const line of [
      "-ERR [SYS/TEMP] Too many connections",
      "-ERR disk full",
      "-ERR Access denied",
    ]
  ) {
    assert.equal(classifyErrorLine(line), "pop3", line);
  }
});

Deno.test("memcached: stats reply gives nmap's product, version and uptime", () => {
  const result = agree(
    () => new MemcachedDecoder(),
    fixture("memcached_stats"),
  );
  assert.equal(result.complete, true);
  assert.ok(result.statCount > 50, `${result.statCount} STAT lines`);
  assertLikeNmap("memcached_stats", result.service, [
    "name",
    "product",
    "version",
  ]);
  assert.match(result.service.extra ?? "", /^uptime \d+ seconds$/);
  assert.match(nmap.get(11211)!.extrainfo, /^uptime \d+ seconds$/);
});

Deno.test("mqtt: CONNACK accepted, then the $SYS version nmap names the service by", () => {
  const result = agree(() => new MqttDecoder(), fixture("mqtt_connack"));
  assert.equal(result.returnCode, 0);
  assert.equal(result.protocolLevel, 4);
  assert.deepEqual(result.packets, [2, 9, 3]);
  // nmap 7.93's mqtt-subscribe puts the broker string into the service name.
  assert.equal(
    `${result.service.product} version ${result.service.version}`,
    nmap.get(1883)!.name,
  );
  assert.ok(
    index.mqtt_connack.packageVersion.startsWith(result.service.version!),
  );
});

Deno.test("mqtt: CONNACK refusing an anonymous client", () => {
  const result = agree(
    () => new MqttDecoder(),
    fixture("mqtt_connack_refused"),
  );
  assert.equal(result.returnCode, 5);
  assert.equal(result.returnCodeName, "not authorized");
  assert.equal(result.service.name, "mqtt");
  assert.equal(result.complete, true);
});

Deno.test("mysql: MariaDB handshake v10 as nmap names it", () => {
  const bytes = fixture("mysql_greeting");
  assert.equal(sniffServerFirst(bytes.subarray(0, 5))?.protocol, "mysql");
  const result = agree(() => new MysqlDecoder(), bytes);
  assert.equal(result.complete, true);
  assert.equal(result.protocolVersion, 10);
  assert.equal(result.authPlugin, "mysql_native_password");
  assert.ok((result.capabilities! & 0x200) !== 0, "CLIENT_PROTOCOL_41");
  assertLikeNmap("mysql_greeting", result.service);
  assert.ok(
    result.serverVersion!.endsWith(
      index.mysql_greeting.packageVersion.replace(/^1:/, "").replace(
        /^[\d.]+/,
        "",
      ),
    ),
  );
});

Deno.test("mysql: the 'host not allowed' ERR packet", () => {
  const bytes = fixture("mysql_host_not_allowed");
  assert.equal(sniffServerFirst(bytes)?.protocol, "mysql");
  const result = agree(() => new MysqlDecoder(), bytes);
  assert.equal(result.errorCode, 1130);
  assert.equal(
    result.errorMessage,
    "Host '198.18.0.2' is not allowed to connect to this MariaDB server",
  );
  // nmap-service-probes: `match mysql m|^.\0\0\0\xff..Host .* is not allowed
  // to connect to this MariaDB server$|s p/MariaDB/ i/unauthorized/`.
  assert.deepEqual(result.service, {
    name: "mysql",
    product: "MariaDB",
    extra: "unauthorized",
  });
});

Deno.test("postgresql: ErrorResponse fields, a login's ParameterStatus, the SSLRequest answer", () => {
  const refused = agree(
    () => new PostgresDecoder(),
    fixture("postgres_startup_no_hba"),
  );
  assert.equal(refused.errorResponse?.code, "28000");
  assert.equal(refused.errorResponse?.severity, "FATAL");
  assert.match(
    refused.errorResponse?.message ?? "",
    /^no pg_hba\.conf entry for host "198\.18\.0\.1"/,
  );
  assert.equal(refused.complete, true);
  // The non-localized severity (V, PostgreSQL 9.6+) is nmap's "9.6.0 or later".
  assert.equal(refused.errorResponse?.severityNonLocalized, "FATAL");
  assertLikeNmap("postgres_startup_no_hba", refused.service, [
    "name",
    "product",
    "version",
  ]);
  // An ErrorResponse without V (a server before 9.6): no version claimed.
  const fields = new TextEncoder().encode("SFATAL\0C28000\0Mno\0\0");
  const old = new Uint8Array(5 + fields.length);
  old.set([0x45, 0, 0, 0, 4 + fields.length]);
  old.set(fields, 5);
  const before96 = agree(() => new PostgresDecoder(), old);
  assert.equal(before96.errorResponse?.code, "28000");
  assert.equal(before96.service.version, undefined);

  const noRole = agree(
    () => new PostgresDecoder(),
    fixture("postgres_startup_trust"),
  );
  assert.equal(noRole.messages, "RE");
  assert.equal(noRole.authentication, 0);
  assert.equal(noRole.errorResponse?.message, 'role "zon" does not exist');

  const login = agree(
    () => new PostgresDecoder(),
    fixture("postgres_startup_login"),
  );
  assert.equal(login.complete, true);
  assert.ok(
    login.messages.startsWith("RS") && login.messages.endsWith("KZ"),
    login.messages,
  );
  const dpkg = index.postgres_startup_login.packageVersion; // 15.18-0+deb12u1
  assert.equal(
    login.parameters.server_version,
    `${dpkg.split("-")[0]} (Debian ${dpkg})`,
  );
  assert.equal(login.service.version, dpkg.split("-")[0]);

  const ssl = agree(
    () => new PostgresDecoder({ after: "ssl-request" }),
    fixture("postgres_ssl_request"),
  );
  assert.equal(ssl.sslResponse, "S"); // the lab server has ssl = on
});

/** Greeting or HTTP decode, then the product/version table. */
function identify(name: string): ServiceInfo {
  const bytes = fixture(name);
  if (name.startsWith("http")) {
    const http = new HttpBannerDecoder();
    http.push(bytes);
    return identifyService("http", http.end().headers);
  }
  const kind = name.startsWith("ssh")
    ? "ssh"
    : name.startsWith("pop3")
    ? "pop3"
    : name.startsWith("imap")
    ? "imap"
    : "reply";
  const greeting = new GreetingDecoder(kind, { port: index[name].port });
  greeting.push(bytes);
  const result = greeting.end();
  return identifyService(result.protocol, result.text);
}

Deno.test("product/version table: SSH, nginx, vsftpd, Exim, Dovecot as nmap names them", () => {
  assertLikeNmap("ssh_greeting", identify("ssh_greeting"));
  assertLikeNmap("http_nginx", identify("http_nginx"));
  assertLikeNmap("ftp_vsftpd", identify("ftp_vsftpd"), [
    "name",
    "product",
    "version",
  ]);
  assertLikeNmap("smtp_exim", identify("smtp_exim"));
  assertLikeNmap("pop3_dovecot", identify("pop3_dovecot"));
  assertLikeNmap("imap_dovecot", identify("imap_dovecot"));
});

Deno.test("product/version table: greetings of other daemons (texts from nmap-service-probes)", () => {
  const cases: [string, string, ServiceInfo][] = [
    ["smtp", "220 mx.example.org ESMTP Postfix (Debian/GNU)", {
      name: "smtp",
      product: "Postfix smtpd",
    }],
    ["smtp", "220 mx.example.org ESMTP OpenSMTPD", {
      name: "smtp",
      product: "OpenSMTPD",
    }],
    ["smtp", "220 mx ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2; Tue", {
      name: "smtp",
      product: "Sendmail",
      version: "8.17.1.9",
    }],
    ["ftp", "220 ProFTPD 1.3.8 Server (Debian) [::ffff:198.18.0.1]", {
      name: "ftp",
      product: "ProFTPD",
      version: "1.3.8",
    }],
    ["pop3", "+OK Hello there.", { name: "pop3", product: "Courier pop3d" }],
    ["imap", "* OK [CAPABILITY IMAP4rev1] Courier-IMAP ready.", {
      name: "imap",
      product: "Courier Imapd",
    }],
    ["ssh", "SSH-2.0-dropbear_2022.83", {
      name: "ssh",
      product: "Dropbear sshd",
      version: "2022.83",
      extra: "protocol 2.0",
    }],
    ["ssh", "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5", {
      name: "ssh",
      product: "OpenSSH",
      version: "9.6p1 Ubuntu 3ubuntu13.5",
      extra: "protocol 2.0",
    }],
    ["http", "HTTP/1.1 200 OK\r\nServer: Apache/2.4.62 (Debian)\r\n", {
      name: "http",
      product: "Apache httpd",
      version: "2.4.62",
    }],
    ["http", "HTTP/1.1 200 OK\r\nserver: NGINX\r\n", {
      name: "http",
      product: "nginx",
    }],
    ["smtp", "220 mail ESMTP", { name: "smtp" }],
  ];
  for (const [name, text, expected] of cases) {
    assert.deepEqual(identifyService(name, text), expected, text);
  }
});

/** Decoders and the valid fixture each is meant for. */
const DECODERS: [string, () => ServiceDecoder<object>, string][] = [
  ["redis", () => new RedisDecoder(), "redis_info"],
  ["memcached", () => new MemcachedDecoder(), "memcached_stats"],
  ["mqtt", () => new MqttDecoder(), "mqtt_connack"],
  ["mysql", () => new MysqlDecoder(), "mysql_greeting"],
  ["postgres", () => new PostgresDecoder(), "postgres_startup_login"],
];
const ERROR_CODES = new Set(["NOT_THIS_PROTOCOL", "MALFORMED", "TRUNCATED"]);

Deno.test("malformed input: other protocols' bytes are NOT_THIS_PROTOCOL, never a throw", () => {
  const others = ["ssh_greeting", "http_nginx", "smtp_exim"].map(fixture);
  for (const [name, make] of DECODERS) {
    for (const bytes of others) {
      const result = agree(make, bytes);
      assert.equal(result.error?.code, "NOT_THIS_PROTOCOL", name);
      assert.equal(result.service.name, "unknown", name);
      assert.equal(result.complete, false, name);
    }
  }
});

Deno.test("malformed input: random, truncated and mutated bytes give typed errors, never a throw", () => {
  const random = rng(SEED ^ 0x5a5a);
  for (const [name, make, valid] of DECODERS) {
    const good = fixture(valid);
    for (let round = 0; round < 300; round++) {
      let bytes: Uint8Array;
      if (round < 100) {
        bytes = Uint8Array.from(
          { length: 1 + Math.floor(random() * 200) },
          () => Math.floor(random() * 256),
        );
      } else if (round < 200) {
        bytes = good.slice(0, Math.floor(random() * good.length));
      } else {
        bytes = good.slice();
        for (let k = 0; k < 3; k++) {
          bytes[Math.floor(random() * bytes.length)] = Math.floor(
            random() * 256,
          );
        }
      }
      const result = agree(make, bytes, SEED + round);
      if (result.error) {
        assert.ok(
          ERROR_CODES.has(result.error.code),
          `${name}: ${result.error.code}`,
        );
        assert.equal(typeof result.error.message, "string");
        assert.ok(
          result.error.offset >= 0 && result.error.offset <= bytes.length,
          `${name} offset`,
        );
      }
      if (
        // Redis is complete at the bulk body's end, before its trailing CRLF.
        round >= 100 && round < 200 &&
        bytes.length < good.length - (name === "redis" ? 2 : 0) &&
        name !== "memcached"
      ) {
        assert.ok(
          !result.complete || name === "mqtt" || name === "postgres",
          `${name}: truncated reply complete`,
        );
      }
    }
  }
});

Deno.test("decoders are reusable: reset then the same stream gives the same result", () => {
  for (const [name, make, valid] of DECODERS) {
    const decoder = make();
    decoder.push(fixture("ssh_greeting"));
    decoder.reset();
    decoder.push(fixture(valid));
    assert.deepEqual(decoder.result(), run(make, [fixture(valid)]), name);
  }
});
