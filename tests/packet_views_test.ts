import assert from "node:assert/strict";
import {
  ArpPacket,
  emitPacket,
  EthernetFrame,
  formatIpv6,
  IcmpPacket,
  Ipv4Packet,
  Ipv6Packet,
  ParsedFrame,
  parseFrame,
  parseIpv4,
  parseIpv6,
  parseMac,
  TcpFlags,
  TcpOptions,
  TcpPacket,
  UdpPacket,
} from "../packet/mod.ts";

const mac1 = parseMac("02:00:00:00:00:01"),
  mac2 = parseMac("02:00:00:00:00:02");

Deno.test("address text helpers round-trip and reject junk", () => {
  assert.equal(parseIpv4("198.18.0.1"), 0xc6120001);
  assert.throws(() => parseIpv4("198.18.0"), /198.18.0/);
  assert.throws(() => parseIpv4("1.2.3.256"), RangeError);
  for (
    const text of [
      "2001:2::1",
      "::",
      "::1",
      "fe80::1:2:3:4",
      "1:2:3:4:5:6:7:8",
      "2001:db8::ffff:0:1",
    ]
  ) {
    assert.equal(formatIpv6(parseIpv6(text)), text);
  }
  assert.equal(formatIpv6(parseIpv6("::ffff:198.18.0.1")), "::ffff:c612:1");
  assert.throws(() => parseIpv6("1::2::3"), RangeError);
  assert.throws(() => parseIpv6("1:2:3:4:5:6:7"), RangeError);
});

Deno.test("views read what emitPacket wrote, and setters write in place", () => {
  const buf = new Uint8Array(200);
  const length = emitPacket({
    ethernet: { destination: mac2, source: mac1, vlanId: 5 },
    ip: {
      version: 4,
      source: 0xc6120001,
      destination: 0xc6120002,
      ttl: 9,
      identification: 77,
    },
    transport: {
      protocol: "tcp",
      sourcePort: 1234,
      destinationPort: 80,
      sequence: 0xfedcba98,
      acknowledgment: 5,
      flags: TcpFlags.SYN | TcpFlags.ACK,
      options: {
        mss: 1400,
        windowScale: 3,
        sackPermitted: true,
        timestamps: [10, 20],
      },
      payload: new Uint8Array([1, 2, 3]),
    },
  }, buf);
  const eth = new EthernetFrame(buf, 0, length);
  assert.equal(eth.check(), null);
  assert.equal(eth.vlanId, 5);
  assert.equal(eth.etherType, 0x0800);
  const ip = new Ipv4Packet(buf, eth.payloadOffset, length);
  assert.equal(ip.check(), null);
  assert.equal(ip.verifyChecksum(), true);
  assert.equal(ip.ttl, 9);
  assert.equal(ip.identification, 77);
  assert.equal(ip.dontFragment, true);
  const tcp = new TcpPacket(buf, ip.payloadOffset, ip.payloadEnd);
  assert.equal(tcp.check(), null);
  assert.equal(tcp.sequence, 0xfedcba98);
  assert.equal(tcp.flags, TcpFlags.SYN | TcpFlags.ACK);
  const options = new TcpOptions();
  assert.equal(tcp.readOptions(options), null);
  assert.deepEqual(
    [
      options.mss,
      options.windowScale,
      options.sackPermitted,
      options.timestampValue,
      options.timestampEcho,
    ],
    [1400, 3, true, 10, 20],
  );
  assert.deepEqual(
    buf.subarray(tcp.payloadOffset, ip.payloadEnd),
    new Uint8Array([1, 2, 3]),
  );
  ip.ttl = 200;
  ip.fillChecksum();
  assert.equal(ip.verifyChecksum(), true);
  tcp.destinationPort = 8080;
  const parsed = new ParsedFrame();
  assert.equal(parseFrame(buf, parsed, 0, length), "tcp");
  assert.equal(parsed.destinationPort, 8080);
  assert.equal(parsed.ttl, 200);
});

Deno.test("check() returns typed errors instead of throwing", () => {
  assert.equal(new Ipv4Packet(new Uint8Array(10)).check(), "truncated");
  const ip = new Uint8Array(40);
  ip[0] = 0x65;
  assert.equal(new Ipv4Packet(ip).check(), "bad-version");
  ip[0] = 0x44;
  assert.equal(new Ipv4Packet(ip).check(), "header-too-short");
  ip[0] = 0x4f;
  assert.equal(new Ipv4Packet(ip).check(), "header-beyond-buffer");
  ip[0] = 0x45;
  ip[3] = 10;
  assert.equal(new Ipv4Packet(ip).check(), "length-too-short");
  ip[3] = 41;
  assert.equal(new Ipv4Packet(ip).check(), "length-beyond-buffer");
  ip[3] = 40;
  assert.equal(new Ipv4Packet(ip).check(), null);
  const v6 = new Uint8Array(40);
  v6[0] = 0x60;
  v6[5] = 1;
  assert.equal(new Ipv6Packet(v6).check(), "length-beyond-buffer");
  const tcp = new Uint8Array(20);
  tcp[12] = 0x40;
  assert.equal(new TcpPacket(tcp).check(), "header-too-short");
  tcp[12] = 0x60;
  assert.equal(new TcpPacket(tcp).check(), "header-beyond-buffer");
  const udp = new Uint8Array(8);
  udp[5] = 9;
  assert.equal(new UdpPacket(udp).check(), "length-beyond-buffer");
  assert.equal(new IcmpPacket(new Uint8Array(4)).check(), "truncated");
  assert.equal(new ArpPacket(new Uint8Array(28)).check(), "unsupported");
  assert.equal(new EthernetFrame(new Uint8Array(13)).check(), "truncated");
  // TCP option whose length runs past the header.
  const withOptions = new Uint8Array(24);
  withOptions[12] = 0x60;
  withOptions[20] = 2;
  withOptions[21] = 8;
  assert.equal(
    new TcpPacket(withOptions).readOptions(new TcpOptions()),
    "bad-option",
  );
});

Deno.test("IPv6 extension-header walk reaches the upper layer", () => {
  const src = parseIpv6("2001:2::1"), dst = parseIpv6("2001:2::2");
  const buf = new Uint8Array(14 + 40 + 8 + 8 + 8);
  const eth = new EthernetFrame(buf);
  eth.setDestination(mac2);
  eth.setSource(mac1);
  eth.etherType = 0x86dd;
  const ip = new Ipv6Packet(buf, 14);
  ip.version = 6;
  ip.payloadLength = 24;
  ip.nextHeader = 0; // hop-by-hop
  ip.hopLimit = 1;
  ip.setSource(src);
  ip.setDestination(dst);
  buf[54] = 44; // hop-by-hop → fragment
  buf[55] = 0;
  buf[62] = 17; // fragment → UDP, offset 0
  const udp = new UdpPacket(buf, 70);
  udp.sourcePort = 1;
  udp.destinationPort = 2;
  udp.length = 8;
  assert.equal(ip.check(), null);
  assert.equal(ip.upperLayerOffset(), 70);
  assert.equal(ip.upperLayerProtocol, 17);
  const parsed = new ParsedFrame();
  assert.equal(parseFrame(buf, parsed), "udp");
  assert.equal(parsed.destinationPort, 2);
  assert.equal(formatIpv6(buf, parsed.ip6SourceOffset), "2001:2::1");
  buf[55] = 5; // hop-by-hop claims 48 bytes: runs past the payload
  assert.equal(parseFrame(buf, parsed), "malformed");
  assert.equal(parsed.error, "bad-option");
});

Deno.test("parseFrame: raw IP link type, ICMP errors quote the original", () => {
  const inner = new Uint8Array(28);
  emitPacket({
    ip: { version: 4, source: 0xc6120001, destination: 0xc6120002 },
    transport: { protocol: "udp", sourcePort: 5555, destinationPort: 53 },
  }, inner);
  const buf = new Uint8Array(20 + 8 + 28);
  emitPacket({
    ip: { version: 4, source: 0xc6120002, destination: 0xc6120001 },
    transport: { protocol: "icmp", type: 3, code: 3, rest: 0, payload: inner },
  }, buf);
  const parsed = new ParsedFrame();
  assert.equal(parseFrame(buf, parsed, 0, buf.length, 101), "icmp");
  assert.equal(parsed.icmpType, 3);
  assert.equal(parsed.quotedProtocol, 17);
  assert.equal(parsed.quotedIp4Destination, 0xc6120002);
  assert.equal(parsed.quotedSourcePort, 5555);
  assert.equal(parsed.quotedDestinationPort, 53);
});

Deno.test("parseFrame never throws or reads out of bounds on truncated or random frames", () => {
  const good = new Uint8Array(100);
  const length = emitPacket({
    ethernet: { destination: mac2, source: mac1 },
    ip: { version: 4, source: 1, destination: 2 },
    transport: {
      protocol: "tcp",
      sourcePort: 1,
      destinationPort: 2,
      sequence: 3,
      flags: 2,
      options: { mss: 1 },
    },
  }, good);
  const parsed = new ParsedFrame();
  for (let cut = 0; cut < length; cut++) {
    assert.equal(
      parseFrame(good, parsed, 0, cut),
      "malformed",
      `cut at ${cut}`,
    );
  }
  const random = new Uint8Array(128);
  for (let i = 0; i < 20000; i++) {
    crypto.getRandomValues(random);
    if (i & 1) random[12] = 0x08, random[13] = 0, random[14] = 0x45;
    const end = i % 129;
    const kind = parseFrame(random, parsed, 0, end);
    if (kind !== "malformed" && kind !== "other") {
      assert.ok(
        parsed.payloadEnd <= end && parsed.payloadOffset <= parsed.payloadEnd,
      );
    }
  }
});
