// The UDP receive path (h16u): the reply checker's TFTP exception (an
// answer from the server's new port, RFC 1350 TID) accepts DATA/ERROR to
// the cookie's source port from a probed target and rejects everything
// else — checked against a naive reading of RFC 1350 on seeded random
// datagrams; the UDP service reporter deduplicates per (target, port,
// answered payload); and the banner formatting of every output writes a
// UDP service as UDP (nmap's <service> in -oX, valid against nmap.dtd).

import assert from "node:assert/strict";
import { TargetSet } from "../blackrock/mod.ts";
import { SipKey, synCookie4 } from "../siphash/mod.ts";
import {
  emitPacket,
  ParsedFrame,
  parseFrame,
  parseIpv4,
  parseMac,
} from "../packet/mod.ts";
import {
  BAD_COOKIE,
  isTftpAnswer,
  ReplyChecker,
  RESULT,
} from "../examples/scan/receive/reply_check.ts";
import { type LinkConfig, targetSpec } from "../examples/scan/engine/shared.ts";
import { DedupTable } from "../examples/scan/receive/dedup.ts";
import {
  udpBanner,
  UdpServiceReporter,
} from "../examples/scan/receive/udp_service_report.ts";
import type { Banner } from "../examples/scan/banners/banner.ts";
import { xmlBannerRecord } from "../examples/scan/output/xml.ts";
import { openOutput } from "../examples/scan/output/mod.ts";
import { listBannerRecord } from "../examples/scan/output/list.ts";
import { jsonBannerRecord } from "../examples/scan/output/json.ts";
import { ndjsonBannerRecord } from "../examples/scan/output/ndjson.ts";
import { grepableBannerRecord } from "../examples/scan/output/grepable.ts";
import { parseShardLine } from "../examples/scan/cluster/shard_lines.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_udp_receive_test.ts");
const OUR_MAC = parseMac("02:00:5a:00:00:01");
const THEIR_MAC = parseMac("02:00:5a:00:00:02");
const OUR_IP = parseIpv4("198.18.9.1");
const SERVER = parseIpv4("198.18.9.2");
const KEY = new Uint8Array(16).map((_, i) => i * 7 + 1);
const FIRST = 40000, COUNT = 64;

const link: LinkConfig = {
  txDriver: "null",
  rxDriver: "null",
  sourceMac: OUR_MAC,
  routerMac4: THEIR_MAC,
  routerMac6: THEIR_MAC,
  sourceIpv4: OUR_IP,
  sourceIpv6: null,
  sourcePortFirst: FIRST,
  sourcePortCount: COUNT,
};

/** The source port our probe of (SERVER, U:port) came from. */
function probeSourcePort(port: number): number {
  const cookie = synCookie4(
    SERVER,
    65536 + port,
    OUR_IP,
    FIRST,
    new SipKey(KEY),
  );
  return FIRST + (cookie >>> 0) % COUNT;
}

function datagram(
  from: number,
  sourcePort: number,
  toPort: number,
  payload: Uint8Array,
): Uint8Array {
  const buf = new Uint8Array(1600);
  const n = emitPacket({
    ethernet: { destination: OUR_MAC, source: THEIR_MAC },
    ip: { version: 4, source: from, destination: OUR_IP },
    transport: {
      protocol: "udp",
      sourcePort,
      destinationPort: toPort,
      payload,
    },
    checksums: "compute",
  }, buf);
  return buf.slice(0, n);
}

const bytes = (...parts: Array<number[] | string>) =>
  new Uint8Array(
    parts.flatMap((p) =>
      typeof p === "string" ? [...new TextEncoder().encode(p)] : p
    ),
  );

/** RFC 1350 read naively: is this a server's first answer to an RRQ? */
function naiveTftpAnswer(p: Uint8Array): boolean {
  if (p.length < 4) return false;
  const opcode = p[0] * 256 + p[1];
  const field = p[2] * 256 + p[3];
  if (opcode === 3) return field === 1 && p.length - 4 <= 512;
  if (opcode !== 5 || field > 8) return false;
  const message = [...p.subarray(4)];
  return message.length >= 1 && message.indexOf(0) === message.length - 1;
}

Deno.test("reply checker: a TFTP answer from the server's new port counts as U:69; junk does not", () => {
  const spec = targetSpec(
    new TargetSet({ include: ["198.18.9.0/28"], ports: "U:53,69" }),
  );
  const checker = new ReplyChecker(link, KEY, spec);
  const parsed = new ParsedFrame();
  const check = (
    f: Uint8Array,
  ) => (parseFrame(f, parsed), checker.check(f, parsed));
  const to69 = probeSourcePort(69);
  const error = bytes([0, 5, 0, 1], "File not found", [0]);
  const data = bytes([0, 3, 0, 1], "hello\n");
  for (const answer of [error, data]) {
    assert.equal(check(datagram(SERVER, 47123, to69, answer)), RESULT);
    assert.equal(checker.port, 69);
    assert.equal(checker.encodedPort, 65536 + 69);
  }
  // Not to the cookie's port, not from a target, not TFTP's first answer.
  const wrongPort = to69 === FIRST ? FIRST + 1 : FIRST;
  assert.equal(check(datagram(SERVER, 47123, wrongPort, error)), BAD_COOKIE);
  const stranger = parseIpv4("198.18.10.2");
  assert.equal(check(datagram(stranger, 47123, to69, error)), BAD_COOKIE);
  for (
    const junk of [
      bytes([0, 3, 0, 2], "x"), // DATA block 2
      bytes([0, 4, 0, 1]), // ACK
      bytes([0, 5, 0, 9], "x", [0]), // unknown error code
      bytes([0, 5, 0, 1], "no end"), // message not NUL-terminated
      bytes([0, 5, 0, 1], "a", [0], "b", [0]), // bytes after the message
      bytes([0, 3, 0, 1], new Array(513).fill(0x41)), // DATA over 512
    ]
  ) assert.equal(check(datagram(SERVER, 47123, to69, junk)), BAD_COOKIE);
  // A normal reply from a probed port still passes; TFTP needs 69 probed.
  assert.equal(
    check(datagram(SERVER, 53, probeSourcePort(53), bytes([1, 2, 3]))),
    RESULT,
  );
  assert.equal(checker.port, 53);
  const no69 = new ReplyChecker(
    link,
    KEY,
    targetSpec(new TargetSet({ include: ["198.18.9.0/28"], ports: "U:53" })),
  );
  const f = datagram(SERVER, 47123, to69, error);
  parseFrame(f, parsed);
  assert.equal(no69.check(f, parsed), BAD_COOKIE);
});

Deno.test("reply checker: isTftpAnswer agrees with a naive RFC 1350 reading on random datagrams", () => {
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const length = Math.floor(random() * 24);
    const p = new Uint8Array(length);
    for (let j = 0; j < length; j++) {
      // Mostly TFTP-shaped: small opcodes/fields, some NULs.
      const r = random();
      p[j] = j < 4
        ? (r < 0.8 ? Math.floor(random() * 9) : r * 256)
        : r < 0.1
        ? 0
        : r * 256;
    }
    if (random() < 0.7 && length >= 4) {
      p[0] = 0, p[1] = random() < 0.5 ? 3 : 5, p[2] = 0;
      if (random() < 0.5) p[length - 1] = 0;
    }
    const at = Math.floor(random() * 3);
    const framed = new Uint8Array(at + length + 2);
    framed.set(p, at);
    const ours = isTftpAnswer(framed, at, at + length);
    assert.equal(ours, naiveTftpAnswer(p), `datagram ${[...p]}`);
    if (ours) accepted++;
  }
  assert.ok(accepted > 100, `only ${accepted} accepted: the generator is off`);
});

/** The SNMP replies of snmpd to the v1 and v3 probes (shape only). */
const SNMP_V1_REPLY = bytes(
  [0x30, 0x2c, 0x02, 0x01, 0x00, 0x04, 0x06],
  "public",
  [0xa2, 0x1f, 0x02, 0x04, 0x5a, 0x4f, 0x4e, 0x31, 0x02, 0x01, 0x00],
  [0x02, 0x01, 0x00, 0x30, 0x11, 0x30, 0x0f],
  [0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00],
  [0x04, 0x03],
  "lab",
);
const SNMP_V3_REPLY = bytes(
  [0x30, 0x10, 0x02, 0x01, 0x03, 0x30, 0x00, 0x04, 0x09, 0x30, 0x07],
  [0x04, 0x05, 0x80, 0x00, 0x1f, 0x88, 0x04],
);

Deno.test("udp service reporter: one banner per (target, port, answered payload)", () => {
  const sent: Banner[] = [];
  const dedup = new DedupTable(1024);
  const reporter = new UdpServiceReporter(
    { send: (b) => (sent.push(b), true) },
    dedup,
  );
  const parsed = new ParsedFrame();
  const feed = (port: number, payload: Uint8Array, from = SERVER) => {
    const f = datagram(from, port, FIRST, payload);
    parseFrame(f, parsed);
    reporter.report(f, parsed, port);
  };
  feed(161, SNMP_V1_REPLY);
  feed(161, SNMP_V1_REPLY); // a retry's answer
  feed(161, SNMP_V3_REPLY); // the discovery probe's answer
  feed(161, SNMP_V3_REPLY);
  feed(161, SNMP_V1_REPLY, parseIpv4("198.18.9.3")); // another host
  assert.equal(sent.length, 3);
  assert.equal(reporter.duplicates, 2);
  assert.deepEqual(sent.map((b) => [b.port, b.transport, b.service.version]), [
    [161, "udp", "v1"],
    [161, "udp", "v3"],
    [161, "udp", "v1"],
  ]);
  assert.equal(sent[1].service.extra, "engineID 80001f8804");
  // The result dedup (reason codes 0..4) does not hide the service.
  assert.equal(dedup.seen4(SERVER, 65536 + 53, 2), false);
  feed(53, bytes([0x12, 0x34, 0x81, 0x85], new Array(8).fill(0)));
  assert.equal(sent.at(-1)!.service.name, "domain");
});

Deno.test("outputs: a UDP banner is written as UDP in -oL, -oJ, -oD, -oG and -oX (nmap.dtd)", async () => {
  const b = {
    ...udpBanner(SERVER, undefined, 161, SNMP_V3_REPLY),
    timestamp: 1_700_000_000,
  };
  assert.match(
    listBannerRecord(b),
    /^banner udp 161 198\.18\.9\.2 1700000000 snmp /,
  );
  assert.equal(JSON.parse(jsonBannerRecord(b)).ports[0].proto, "udp");
  const nd = JSON.parse(ndjsonBannerRecord(b));
  assert.equal(nd.proto, "udp");
  assert.equal(nd.data.service_name, "snmp");
  assert.equal(nd.data.extrainfo, "engineID 80001f8804");
  assert.match(grepableBannerRecord(b), /\tPort: 161\tService: snmp\t/);
  // --merge reads -oD shards back: still UDP.
  const line = parseShardLine(ndjsonBannerRecord(b).trim());
  assert.equal(line.kind === "banner" && line.banner.transport, "udp");
  const host = xmlBannerRecord(b);
  assert.match(
    host,
    /<port protocol="udp" portid="161"><state state="open" reason="udp-response" reason_ttl="0"\/><service name="snmp" product="net-snmp SNMPv3 server" version="v3" extrainfo="engineID 80001f8804" method="probed" conf="10"\/>/,
  );
  const dir = await Deno.makeTempDir({ prefix: "h16u-xml-" });
  try {
    const path = `${dir}/scan.xml`;
    const xml = openOutput("xml", path);
    xml.begin({
      startTime: 1_700_000_000,
      commandLine: ["198.18.9.2", "-p", "U:161", "--banners"],
      version: "0.1.0",
      scanType: "syn",
      ports: "U:161",
      rate: 1000,
    });
    xml.writeBanner(b);
    xml.end({
      sent: 2,
      received: 2,
      valid: 2,
      badCookie: 0,
      duplicates: 0,
      found: 1,
      elapsed: 1,
      interrupted: false,
    });
    const out = await new Deno.Command("xmllint", {
      args: ["--noout", "--dtdvalid", "/usr/share/nmap/nmap.dtd", path],
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("udp service reporter: a duplicate reply allocates nothing (GC count)", async () => {
  const { gcCountDuring, ROOT } = await import("./helpers/alloc_probe.ts");
  const { gcs } = await gcCountDuring(
    `
import { DedupTable } from "${ROOT}examples/scan/receive/dedup.ts";
import { UdpServiceReporter } from "${ROOT}examples/scan/receive/udp_service_report.ts";
import { ParsedFrame, parseFrame, emitPacket } from "${ROOT}packet/mod.ts";
const frame = new Uint8Array(200);
const n = emitPacket({
  ethernet: { destination: new Uint8Array(6), source: new Uint8Array(6) },
  ip: { version: 4, source: 0xc6120902, destination: 0xc6120901 },
  transport: { protocol: "udp", sourcePort: 161, destinationPort: 40000,
    payload: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x03) },
  checksums: "compute",
}, frame);
const parsed = new ParsedFrame();
parseFrame(frame, parsed, 0, n);
const reporter = new UdpServiceReporter({ send: () => true }, new DedupTable(1024));
reporter.report(frame, parsed, 161); // the first: a banner
function step(i) { reporter.report(frame, parsed, 161); return reporter.duplicates & 1; }
`,
    3_000_000,
    200_000,
  );
  assert.equal(gcs, 0, `${gcs} GCs while reporting duplicates`);
});

Deno.test("udp service reporter: IPv6 replies; 443's QUIC and DTLS answers are two payloads", () => {
  const sent: Banner[] = [];
  const reporter = new UdpServiceReporter(
    { send: (b) => (sent.push(b), true) },
    new DedupTable(1024),
  );
  const parsed = new ParsedFrame();
  const v6 = (payload: Uint8Array) => {
    const buf = new Uint8Array(400);
    const n = emitPacket({
      ethernet: { destination: OUR_MAC, source: THEIR_MAC },
      ip: {
        version: 6,
        source: new Uint8Array([0x20, 1, 0, 2, ...new Array(11).fill(0), 7]),
        destination: new Uint8Array([
          0x20,
          1,
          0,
          2,
          ...new Array(11).fill(0),
          1,
        ]),
      },
      transport: {
        protocol: "udp",
        sourcePort: 443,
        destinationPort: FIRST,
        payload,
      },
      checksums: "compute",
    }, buf);
    const f = buf.slice(0, n);
    parseFrame(f, parsed);
    reporter.report(f, parsed, 443);
  };
  const quic = bytes([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  const dtlsAlert = bytes([
    21,
    0xfe,
    0xfd,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    2,
    2,
    40,
  ]);
  v6(quic);
  v6(dtlsAlert);
  v6(quic);
  v6(dtlsAlert);
  assert.deepEqual(sent.map((b) => [b.ipv6, b.ip, b.service.name]), [
    ["2001:2::7", 0, "quic"],
    ["2001:2::7", 0, "dtls"],
  ]);
  assert.equal(reporter.duplicates, 2);
  const xml = xmlBannerRecord({ ...sent[0], timestamp: 1 });
  assert.match(xml, /<address addr="2001:2::7" addrtype="ipv6"\/>/);
});
