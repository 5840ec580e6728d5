// Decoders for DNS over TCP (version.bind), SMB2 NEGOTIATE, RDP X.224,
// VNC/RFB, Telnet and MongoDB, on real server bytes recorded from Debian's
// dnsmasq, Samba, xrdp, TigerVNC and inetutils-telnetd by
// tests/helpers/record_banners.py, with `nmap -sV` from the same recording
// as the oracle for names (tests/fixtures/banners/nmap.xml). MongoDB has no
// Debian package: its replies are built here from the wire-protocol and
// BSON specifications. Whole, byte-at-a-time and seeded random splits must
// agree; malformed input gives a typed error, never a throw.

import assert from "node:assert/strict";
import {
  DNS_VERSION_BIND_HELLO,
  DnsTcpDecoder,
} from "../decoders/dns_tcp_banner.ts";
import { MONGODB_HELLO, MongodbDecoder } from "../decoders/mongodb_banner.ts";
import {
  RDP_FOLLOW_UP,
  RDP_HELLO,
  RdpDecoder,
} from "../decoders/rdp_banner.ts";
import {
  sambaGuidName,
  SMB2_HELLO,
  Smb2Decoder,
} from "../decoders/smb2_banner.ts";
import { TelnetDecoder } from "../decoders/telnet_banner.ts";
import { VncDecoder } from "../decoders/vnc_banner.ts";
import {
  probeForPort,
  sniffServerFirst,
} from "../decoders/service_registry.ts";
import type {
  ServiceDecoder,
  ServiceResult,
} from "../decoders/service_types.ts";
import { readNmapXml } from "./helpers/banner_identify.ts";

const FIXTURES = new URL("./fixtures/banners/", import.meta.url);
const fixture = (name: string) =>
  Deno.readFileSync(new URL(`${name}.bin`, FIXTURES));
const index = JSON.parse(
  Deno.readTextFileSync(new URL("index.json", FIXTURES)),
);
const nmap = readNmapXml(Deno.readTextFileSync(new URL("nmap.xml", FIXTURES)));
const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const SEED =
  Number(Deno.env.get("ZON_TEST_SEED") ?? Date.now() % 0xffffffff) | 0 || 1;
console.log(`banner_decoders3 seed: ${SEED} (ZON_TEST_SEED=${SEED} to repeat)`);

function run<T>(
  make: () => ServiceDecoder<T>,
  pieces: Uint8Array[],
): ServiceResult<T> {
  const decoder = make();
  for (const piece of pieces) decoder.push(piece);
  return decoder.result();
}

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
  let x = seed | 0 || 1;
  for (let round = 0; round < 30; round++) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.length;) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const size = 1 + ((x >>> 0) % (round < 15 ? 7 : 120));
      pieces.push(bytes.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(
      run(make, pieces),
      whole,
      `split round ${round} (seed ${seed})`,
    );
  }
  return whole;
}

Deno.test("hellos: the recorded hellos are the decoders' constants; the registry holds them", () => {
  assert.equal(index.dns_dnsmasq.hello, hex(DNS_VERSION_BIND_HELLO));
  assert.equal(index.rdp_xrdp.hello, hex(RDP_HELLO));
  assert.equal(index.smb2_samba.hello, hex(SMB2_HELLO));
  assert.equal(probeForPort(53)?.protocol, "domain");
  assert.equal(probeForPort(445)?.protocol, "microsoft-ds");
  assert.equal(probeForPort(3389)?.protocol, "ms-wbt-server");
  assert.equal(probeForPort(27017)?.hello, MONGODB_HELLO);
  assert.equal(sniffServerFirst(fixture("vnc_tigervnc"))?.protocol, "vnc");
  assert.equal(
    sniffServerFirst(fixture("telnet_inetutils"))?.protocol,
    "telnet",
  );
});

Deno.test("dns over tcp: dnsmasq's version.bind answer, named as nmap names it", () => {
  const result = agree(() => new DnsTcpDecoder(), fixture("dns_dnsmasq"));
  assert.equal(result.complete, true);
  assert.equal(result.id, 0x5a6f);
  assert.equal(result.rcodeName, "NOERROR");
  const oracle = nmap.get(53)!;
  assert.deepEqual(result.service, {
    name: oracle.name,
    product: oracle.product,
    version: oracle.version,
  });
  assert.deepEqual(result.txt, [`dnsmasq-${oracle.version}`]);
});

Deno.test("vnc: TigerVNC's ProtocolVersion, named as nmap names it", () => {
  const result = agree(() => new VncDecoder(), fixture("vnc_tigervnc"));
  const oracle = nmap.get(5901)!;
  assert.deepEqual(result.service, {
    name: oracle.name,
    product: oracle.product,
    extra: oracle.extrainfo,
  });
  assert.equal(result.text, "RFB 003.008");
});

Deno.test("rdp: xrdp's Connection Confirm with the negotiated protocol", () => {
  const result = agree(() => new RdpDecoder(), fixture("rdp_xrdp"));
  assert.equal(result.tpdu, 0xd0);
  assert.equal(result.selectedProtocolName, "TLS");
  assert.equal(result.service.name, nmap.get(3389)!.name);
  // The out-of-turn second request was answered with the Disconnect
  // Provider Ultimatum: nmap's product (its p/xrdp/ line, same bytes).
  assert.equal(result.disconnectUltimatum, true);
  assert.equal(result.service.product, nmap.get(3389)!.product);
  const decoder = new RdpDecoder();
  const recorded = fixture("rdp_xrdp");
  decoder.push(recorded, 0, 19);
  assert.deepEqual(decoder.takeReply(), RDP_FOLLOW_UP);
  assert.equal(decoder.takeReply(), null, "sent once");
  assert.equal(decoder.done, false, "waits for the answer");
  // A server that answers otherwise (or closes: no bytes) is not xrdp.
  const windows = new RdpDecoder();
  windows.push(recorded, 0, 19);
  windows.push(
    Uint8Array.of(0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0, 0, 0x12, 0x34, 0),
  );
  assert.equal(windows.done, true);
  assert.equal(windows.result().service.product, undefined);
  assert.equal(windows.result().service.name, "ms-wbt-server");
});

Deno.test("smb2: Samba's NEGOTIATE response: dialect, GUID, signing, clock", () => {
  const result = agree(() => new Smb2Decoder(), fixture("smb2_samba"));
  assert.equal(result.status, 0);
  assert.equal(result.dialect, "3.0.2");
  assert.equal(result.signingEnabled, true);
  assert.equal(result.signingRequired, false);
  assert.match(result.serverGuid!, /^[0-9a-f]{32}$/);
  // The server's clock: within ten minutes of nmap's scan of the same recording.
  const nmapStart = Number(
    /<nmaprun [^>]*start="(\d+)"/.exec(
      Deno.readTextFileSync(new URL("nmap.xml", FIXTURES)),
    )![1],
  );
  assert.ok(
    Math.abs(Date.parse(result.systemTime!) / 1000 - nmapStart) < 600,
    result.systemTime,
  );
  // Samba's ServerGuid is its NetBIOS name (the recording host's, lower
  // case): nmap's name and product. nmap's version 4.6.2 is a fixed guess
  // from an SMB1 probe's answer; the SMB2 bytes carry no version.
  // (The recording's smbd ran on a host named `vm`, its default NetBIOS name.)
  assert.equal(result.sambaName, "vm");
  assert.equal(result.service.name, nmap.get(445)!.name);
  assert.equal(result.service.product, nmap.get(445)!.product);
  assert.equal(result.service.version, undefined);
  // The same response with a random GUID (a Windows server's) stays microsoft-ds.
  const windows = fixture("smb2_samba").slice();
  windows.set(crypto.getRandomValues(new Uint8Array(16)), 4 + 64 + 8);
  windows[4 + 64 + 8] |= 0x80; // not a printable first byte
  const other = agree(() => new Smb2Decoder(), windows);
  assert.equal(other.service.name, "microsoft-ds");
  assert.equal(other.service.product, undefined);
  assert.equal(other.sambaName, undefined);
});

Deno.test("smb2: sambaGuidName takes 1-15 lower-case printable bytes then zeros, nothing else", () => {
  const guid = (text: string, fill = 0) => {
    const g = new Uint8Array(16).fill(fill);
    g.set(new TextEncoder().encode(text));
    return g;
  };
  assert.equal(sambaGuidName(guid("vm")), "vm");
  assert.equal(sambaGuidName(guid("file-server01")), "file-server01");
  assert.equal(sambaGuidName(guid("fifteen-chars15")), "fifteen-chars15");
  assert.equal(sambaGuidName(guid("sixteen-chars-16")), null);
  assert.equal(sambaGuidName(guid("VM")), null, "Samba writes it lower case");
  assert.equal(sambaGuidName(guid("")), null);
  assert.equal(sambaGuidName(guid("vm", 1).fill(0, 2, 15)), null);
  assert.equal(sambaGuidName(guid("a b")), null);
});

Deno.test("telnet: inetutils-telnetd's negotiation is answered and the login banner read", () => {
  const result = agree(() => new TelnetDecoder(), fixture("telnet_inetutils"));
  assert.equal(result.service.name, nmap.get(23)!.name);
  assert.ok(result.doOptions.includes(0x18), "DO TERMINAL-TYPE");
  assert.ok(result.willOptions.includes(1), "WILL ECHO");
  assert.match(result.text, /login: $/);
  assert.ok(!result.text.includes("\xff"), "no IAC left in the text");
  const decoder = new TelnetDecoder();
  decoder.push(
    Uint8Array.of(
      0xff,
      0xfd,
      0x18,
      0xff,
      0xfb,
      0x01,
      0xff,
      0xfb,
      0x05,
      0xff,
      0xfa,
      0x18,
      1,
      0xff,
      0xf0,
      0x41,
    ),
  );
  assert.deepEqual(Array.from(decoder.takeReply()!), [
    0xff,
    0xfc,
    0x18,
    0xff,
    0xfd,
    0x01,
    0xff,
    0xfe,
    0x05,
  ]);
  assert.equal(decoder.takeReply(), null);
  assert.equal(decoder.result().text, "A");
});

// ------------------------------------------------------------ MongoDB

/** A minimal BSON writer (bsonspec.org): enough types for a buildInfo reply. */
function bson(fields: [string, number, Uint8Array][]): Uint8Array {
  const enc = new TextEncoder();
  const parts: number[] = [];
  for (const [name, type, value] of fields) {
    parts.push(type, ...enc.encode(name), 0, ...value);
  }
  parts.push(0);
  const length = parts.length + 4;
  return Uint8Array.from([length & 0xff, length >> 8, 0, 0, ...parts]);
}
const i32 = (n: number) =>
  Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
const str = (s: string) =>
  Uint8Array.from([...i32(s.length + 1), ...new TextEncoder().encode(s), 0]);
const f64 = (n: number) => new Uint8Array(new Float64Array([n]).buffer);

function opMsg(document: Uint8Array): Uint8Array {
  const length = 16 + 4 + 1 + document.length;
  return Uint8Array.from([
    ...i32(length),
    ...i32(7),
    ...i32(0x6f7a),
    ...i32(2013),
    0,
    0,
    0,
    0,
    0,
    ...document,
  ]);
}

const buildInfo = bson([
  ["version", 0x02, str("7.0.14")],
  ["gitVersion", 0x02, str("ce59cfc6a3c5e5c067dca0d30697edd68d4f5188")],
  ["modules", 0x04, bson([])],
  [
    "versionArray",
    0x04,
    bson([["0", 0x10, i32(7)], ["1", 0x10, i32(0)], ["2", 0x10, i32(14)]]),
  ],
  ["openssl", 0x03, bson([["running", 0x02, str("OpenSSL 3.0.2")]])],
  ["bits", 0x10, i32(64)],
  ["debug", 0x08, Uint8Array.of(0)],
  ["maxBsonObjectSize", 0x10, i32(16777216)],
  ["storageEngines", 0x04, bson([["0", 0x02, str("wiredTiger")]])],
  ["maxWireVersion", 0x10, i32(21)],
  ["ok", 0x01, f64(1)],
]);

Deno.test("mongodb: OP_MSG and OP_REPLY buildInfo replies built from the specs", () => {
  assert.equal(MONGODB_HELLO.length, MONGODB_HELLO[0]);
  const result = agree(() => new MongodbDecoder(), opMsg(buildInfo));
  assert.equal(result.opCode, 2013);
  assert.equal(result.version, "7.0.14");
  assert.equal(result.maxWireVersion, 21);
  assert.equal(result.ok, 1);
  assert.deepEqual(result.service, {
    name: "mongodb",
    product: "MongoDB",
    version: "7.0.14",
  });
  const legacy = Uint8Array.from([
    ...i32(16 + 20 + buildInfo.length),
    ...i32(8),
    ...i32(1),
    ...i32(1), // OP_REPLY
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0, // flags, cursor, from, count
    ...buildInfo,
  ]);
  assert.equal(agree(() => new MongodbDecoder(), legacy).version, "7.0.14");
  const denied = opMsg(
    bson([["ok", 0x01, f64(0)], [
      "errmsg",
      0x02,
      str("command buildInfo requires authentication"),
    ]]),
  );
  assert.equal(
    agree(() => new MongodbDecoder(), denied).service.extra,
    "command buildInfo requires authentication",
  );
  const bad = opMsg(buildInfo).slice();
  bad[21 + 4] = 0x42; // an unknown BSON type
  assert.equal(agree(() => new MongodbDecoder(), bad).error?.code, "MALFORMED");
});

const DECODERS: [string, () => ServiceDecoder<object>, Uint8Array][] = [
  ["dns", () => new DnsTcpDecoder(), fixture("dns_dnsmasq")],
  ["rdp", () => new RdpDecoder(), fixture("rdp_xrdp")],
  ["smb2", () => new Smb2Decoder(), fixture("smb2_samba")],
  ["vnc", () => new VncDecoder(), fixture("vnc_tigervnc")],
  ["mongodb", () => new MongodbDecoder(), opMsg(buildInfo)],
];

Deno.test("malformed input: foreign, random, truncated and mutated bytes give typed errors, never a throw", () => {
  for (const [name, make] of DECODERS) {
    for (const other of ["http_nginx", "ssh_greeting"]) {
      const result = agree(make, fixture(other));
      assert.equal(result.complete, false, `${name} on ${other}`);
      assert.ok(result.error, `${name} on ${other}: an error`);
    }
  }
  const codes = new Set(["NOT_THIS_PROTOCOL", "MALFORMED", "TRUNCATED"]);
  let x = SEED | 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (const [name, make, good] of DECODERS) {
    for (let round = 0; round < 200; round++) {
      let bytes: Uint8Array;
      if (round < 70) {
        bytes = Uint8Array.from(
          { length: 1 + (next() % 300) },
          () => next() & 0xff,
        );
      } else if (round < 140) bytes = good.slice(0, next() % good.length);
      else {
        bytes = good.slice();
        for (let k = 0; k < 3; k++) {
          bytes[next() % bytes.length] = next() & 0xff;
        }
      }
      const result = agree(make, bytes, SEED + round);
      if (result.error) {
        assert.ok(
          codes.has(result.error.code),
          `${name}: ${result.error.code}`,
        );
      }
      if (round >= 70 && round < 140) {
        assert.equal(
          result.complete,
          false,
          `${name}: truncated reply complete`,
        );
      }
    }
  }
  const telnet = new TelnetDecoder();
  for (let i = 0; i < 5000; i++) telnet.push(Uint8Array.of(next() & 0xff));
  assert.ok(telnet.result().text.length <= 2048);
});
