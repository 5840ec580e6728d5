// Pieces of --banners and the SYN-ACK reset, without a network: the RST
// frame the receive Worker answers a SYN-ACK with (IPv4 and IPv6, valid
// checksums, seq = the SYN-ACK's ack), the banner ring (round trip, a
// banner too large for a slot), every output format's banner record, and
// the random default source port.

import assert from "node:assert/strict";
import { internetChecksum } from "../checksum/mod.ts";
import {
  emitPacket,
  ParsedFrame,
  parseFrame,
  parseIpv6,
  TcpFlags,
} from "../packet/mod.ts";
import { SynAckReset } from "../examples/scan/receive/syn_ack_reset.ts";
import {
  BANNER_SLOT_SIZE,
  BannerSender,
  createBannerRing,
  type FoundBanner,
  receiveBanners,
} from "../examples/scan/banners/channel.ts";
import {
  DEFAULT_SOURCE_PORTS,
  randomSourcePort,
} from "../examples/scan/engine/engine.ts";
import { jsonBannerRecord } from "../examples/scan/output/json.ts";
import { ndjsonBannerRecord } from "../examples/scan/output/ndjson.ts";
import { listBannerRecord } from "../examples/scan/output/list.ts";
import { grepableBannerRecord } from "../examples/scan/output/grepable.ts";
import { xmlBannerRecord } from "../examples/scan/output/xml.ts";
import { HelloTable } from "../examples/scan/banners/hellos.ts";
import { probeForPort } from "../decoders/service_registry.ts";

const ME = new Uint8Array([2, 0, 0, 0, 0, 1]);
const ROUTER4 = new Uint8Array([2, 0, 0, 0, 0, 4]);
const ROUTER6 = new Uint8Array([2, 0, 0, 0, 0, 6]);

function synAck(version: 4 | 6): Uint8Array {
  const buf = new Uint8Array(128);
  const length = emitPacket({
    ethernet: { destination: ME, source: ROUTER4 },
    ip: version === 4
      ? { version: 4, source: 0xc6120b01, destination: 0xc6120001 }
      : {
        version: 6,
        source: parseIpv6("2001:2::b1"),
        destination: parseIpv6("2001:2::1"),
      },
    transport: {
      protocol: "tcp",
      sourcePort: 443,
      destinationPort: 45123,
      sequence: 0x11223344,
      acknowledgment: 0xcafebabe,
      flags: TcpFlags.SYN | TcpFlags.ACK,
      options: { mss: 1460 },
    },
  }, buf);
  return buf.slice(0, length);
}

for (const version of [4, 6] as const) {
  Deno.test(`SynAckReset answers an IPv${version} SYN-ACK with a valid RST (seq = its ack)`, () => {
    const frame = synAck(version);
    const parsed = new ParsedFrame();
    assert.equal(parseFrame(frame, parsed), "tcp");
    const reset = new SynAckReset(ME, ROUTER4, ROUTER6, 64);
    let out = new Uint8Array(0);
    const ok = reset.answer(frame, parsed, (write) => {
      const buf = new Uint8Array(1514);
      out = buf.slice(0, write(buf, 0, buf.length));
      return true;
    });
    assert.ok(ok);
    assert.equal(reset.sent, 1);
    const rst = new ParsedFrame();
    assert.equal(parseFrame(out, rst), "tcp");
    assert.deepEqual(out.subarray(0, 6), version === 4 ? ROUTER4 : ROUTER6);
    assert.deepEqual(out.subarray(6, 12), ME);
    assert.equal(rst.tcpFlags, TcpFlags.RST);
    assert.equal(rst.sequence >>> 0, 0xcafebabe);
    assert.equal(rst.sourcePort, 45123);
    assert.equal(rst.destinationPort, 443);
    if (version === 4) {
      assert.equal(rst.ip4Source >>> 0, 0xc6120001);
      assert.equal(rst.ip4Destination >>> 0, 0xc6120b01);
      assert.equal(internetChecksum(out, 14, 34), 0, "IPv4 header checksum");
    } else {
      assert.deepEqual(
        out.subarray(rst.ip6SourceOffset, rst.ip6SourceOffset + 16),
        parseIpv6("2001:2::1"),
      );
      assert.deepEqual(
        out.subarray(rst.ip6DestinationOffset, rst.ip6DestinationOffset + 16),
        parseIpv6("2001:2::b1"),
      );
    }
    // The transport checksum verifies (sum over pseudo-header + segment).
    const tcpAt = version === 4 ? 34 : 54;
    const pseudo = new Uint8Array(version === 4 ? 12 : 40);
    if (version === 4) {
      pseudo.set(out.subarray(26, 34), 0);
      pseudo[9] = 6;
      pseudo[11] = 20;
    } else {
      pseudo.set(out.subarray(22, 54), 0);
      pseudo[35] = 20;
      pseudo[39] = 6;
    }
    const all = new Uint8Array(pseudo.length + 20);
    all.set(pseudo);
    all.set(out.subarray(tcpAt, tcpAt + 20), pseudo.length);
    assert.equal(internetChecksum(all), 0, "TCP checksum");
  });
}

const SAMPLE: FoundBanner = {
  ip: 0xc6120b0b,
  port: 80,
  protocol: "http",
  service: { name: "http", product: 'x "<y>"' },
  banner: 'HTTP/1.0 200 OK\r\nServer: x "<y>" \\ & \u00e9',
  http: {
    version: "HTTP/1.0",
    statusCode: 200,
    reason: "OK",
    server: 'x "<y>"',
    title: "a & b",
    headers: "HTTP/1.0 200 OK\r\nServer: x",
    truncated: false,
  },
  bytes: 40,
  timestamp: 1700000000.5,
};

Deno.test("banner ring: banners cross in order with their timestamps; an oversize banner is cut, not lost", async () => {
  const buffer = createBannerRing();
  const sender = new BannerSender(buffer);
  const huge = { ...SAMPLE, banner: "\u0001".repeat(BANNER_SLOT_SIZE) };
  assert.ok(sender.send(SAMPLE, 1.5));
  assert.ok(sender.send(huge, 2.5));
  sender.close();
  const got: FoundBanner[] = [];
  await receiveBanners(buffer, (b) => got.push(b));
  assert.equal(got.length, 2);
  assert.deepEqual(got[0], { ...SAMPLE, timestamp: 1.5 });
  assert.equal(got[1].timestamp, 2.5);
  assert.equal(got[1].banner.length, 4096);
  assert.equal(got[1].http, undefined);
});

Deno.test("banner records: -oJ/-oD parse, -oL/-oG escape like masscan, -oX puts the text in <script>", () => {
  const json = JSON.parse(jsonBannerRecord(SAMPLE));
  assert.equal(json.ip, "198.18.11.11");
  assert.equal(json.timestamp, "1700000000");
  assert.deepEqual(json.ports[0].port, 80);
  assert.equal(json.ports[0].service.name, "http");
  assert.equal(json.ports[0].service.banner, SAMPLE.banner);
  assert.equal(json.ports[0].service.http.server, 'x "<y>"');
  const nd = JSON.parse(ndjsonBannerRecord(SAMPLE));
  assert.equal(nd.rec_type, "banner");
  assert.equal(nd.data.service_name, "http");
  assert.equal(nd.data.banner, SAMPLE.banner);
  assert.equal(
    listBannerRecord(SAMPLE),
    'banner tcp 80 198.18.11.11 1700000000 http HTTP/1.0 200 OK\\x0d\\x0aServer: x "<y>" \\x5c & \\xe9\n',
  );
  assert.equal(
    grepableBannerRecord(SAMPLE),
    'Timestamp: 1700000000\tHost: 198.18.11.11 ()\tPort: 80\tService: http\tBanner: HTTP/1.0 200 OK\\x0d\\x0aServer: x "<y>" \\x5c & \\xe9\n',
  );
  const xml = xmlBannerRecord(SAMPLE);
  assert.ok(
    xml.includes(
      '<service name="http" product="x &quot;&lt;y&gt;&quot;" method="probed" conf="10"/>',
    ),
  );
  assert.ok(
    xml.includes(
      '<script id="banner" output="HTTP/1.0 200 OK&#13;&#10;Server: x &quot;&lt;y&gt;&quot; \\ &amp; \u00e9">',
    ),
  );
  assert.ok(xml.includes('<elem key="title">a &amp; b</elem>'));
});

Deno.test("the default source port is random per scan, in masscan's 40000-59999", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const port = randomSourcePort();
    assert.ok(
      port >= DEFAULT_SOURCE_PORTS.first &&
        port < DEFAULT_SOURCE_PORTS.first + DEFAULT_SOURCE_PORTS.count,
      String(port),
    );
    seen.add(port);
  }
  assert.ok(seen.size > 150, `only ${seen.size} distinct ports`);
});

Deno.test("hello table: what goes inside a direct-TLS port's tunnel (nothing, a probe, or the HTTP hello with the target as Host)", () => {
  const table = new HelloTable();
  for (const port of [465, 990, 993, 995]) {
    assert.deepEqual(table.tunnel(port, 0xc6120001), {
      plan: { kind: "listen" },
      bytes: null,
    }, `${port}: the server speaks first inside`);
  }
  assert.deepEqual(table.tunnel(853, 0xc6120001).plan, {
    kind: "probe",
    probe: probeForPort(53),
  });
  assert.deepEqual(table.tunnel(8883, 0xc6120001).plan, {
    kind: "probe",
    probe: probeForPort(1883),
  });
  const text = (bytes: Uint8Array | null) => new TextDecoder().decode(bytes!);
  assert.match(
    text(table.tunnel(443, 0xc6120001).bytes),
    /^GET \/ HTTP\/1\.0\r\nHost: 198\.18\.0\.1:443\r\nUser-Agent: zon\//,
  );
  const ip6 = new Uint8Array(32);
  ip6.set([0x20, 0x01, 0, 2], 16);
  ip6[31] = 1;
  assert.match(
    text(table.tunnel(8443, 0, ip6, 16).bytes),
    /^GET \/ HTTP\/1\.0\r\nHost: \[2001:2::1\]:8443\r\n/,
  );
});

Deno.test("output: a banner from inside a TLS tunnel carries tunnel ssl in JSON, NDJSON and -oX", () => {
  const banner: FoundBanner = {
    ...SAMPLE,
    port: 443,
    protocol: "http",
    service: {
      name: "http",
      product: "nginx",
      version: "1.22.1",
      tunnel: "ssl",
    },
  };
  const json = JSON.parse(jsonBannerRecord(banner));
  assert.equal(json.ports[0].service.tunnel, "ssl");
  assert.equal(json.ports[0].service.name, "http");
  assert.equal(JSON.parse(ndjsonBannerRecord(banner)).data.tunnel, "ssl");
  assert.match(
    xmlBannerRecord(banner),
    /<service name="http" product="nginx" version="1\.22\.1" tunnel="ssl" method="probed" conf="10"\/>/,
  );
});
