import assert from "node:assert/strict";
import {
  internetChecksum,
  pseudoHeaderSum4,
  pseudoHeaderSum6,
} from "../checksum/mod.ts";
import {
  ArpRequestTemplate,
  IcmpEchoTemplate,
  IcmpEchoTemplate6,
  ParsedFrame,
  parseFrame,
  parseIpv6,
  parseMac,
  TcpFlags,
  TcpOptions,
  TcpPacket,
  TcpSynTemplate,
  TcpSynTemplate6,
  UdpTemplate,
  UdpTemplate6,
} from "../packet/mod.ts";
import { gcCountDuring, ROOT } from "./helpers/alloc_probe.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("packet_template_test.ts");

const sourceMac = parseMac("02:00:00:00:00:01");
const routerMac = parseMac("02:00:00:00:00:02");
const source4 = 0xc6120001;
const source6 = parseIpv6("2001:2::1");
const u32 = () => (random() * 2 ** 32) >>> 0;
const u16 = () => (random() * 65536) | 0;
const random6 = (out: Uint8Array) => {
  for (let i = 0; i < out.length; i++) out[i] = random() * 256;
  return out;
};
const TRIALS = 100_000;

function get16(b: Uint8Array, at: number) {
  return (b[at] << 8) | b[at + 1];
}

/** Verify a transport checksum from scratch: a correct one sums to 0. */
function transportVerifies(buf: Uint8Array, parsed: ParsedFrame, end: number) {
  const l4Length = end - parsed.transportOffset;
  const pseudo = parsed.ipVersion === 4
    ? (parsed.protocol === 1 ? 0 : pseudoHeaderSum4(
      parsed.ip4Source,
      parsed.ip4Destination,
      parsed.protocol,
      l4Length,
    ))
    : pseudoHeaderSum6(
      buf,
      buf,
      parsed.protocol,
      l4Length,
      parsed.ip6SourceOffset,
      parsed.ip6DestinationOffset,
    );
  return internetChecksum(buf, parsed.transportOffset, end, pseudo) === 0;
}

for (const vlanId of [undefined, 42]) {
  const tag = vlanId === undefined ? "" : " (VLAN)";
  Deno.test(`TcpSynTemplate${tag}: 10^5 random targets re-parse and verify`, () => {
    const template = new TcpSynTemplate({
      sourceMac,
      routerMac,
      sourceIp: source4,
      sourcePort: { first: 40000, count: 1000 },
      vlanId,
      tcpOptions: {
        mss: 1460,
        sackPermitted: true,
        windowScale: 7,
        timestamps: [1, 0],
      },
    });
    const buf = new Uint8Array(4096);
    const parsed = new ParsedFrame();
    const options = new TcpOptions();
    const tcp = new TcpPacket();
    for (let i = 0; i < TRIALS; i++) {
      const dst = u32(), port = u16(), seq = u32();
      // Alternate write and patch over the slot the last write filled.
      const length = i & 1
        ? template.patch(buf, 0, dst, port, seq)
        : template.write(buf, 0, dst, port, seq);
      const offset = 0;
      assert.equal(parseFrame(buf, parsed, offset, offset + length), "tcp");
      assert.equal(parsed.vlanId, vlanId ?? -1);
      assert.equal(parsed.ip4Source, source4);
      assert.equal(parsed.ip4Destination, dst);
      assert.equal(parsed.destinationPort, port);
      assert.equal(parsed.sourcePort, 40000 + seq % 1000);
      assert.equal(parsed.sequence, seq);
      assert.equal(parsed.tcpFlags, TcpFlags.SYN);
      assert.equal(parsed.ipId, (dst ^ port ^ seq) & 0xffff);
      assert.equal(
        internetChecksum(buf, parsed.networkOffset, parsed.networkOffset + 20),
        0,
        "IPv4 header checksum",
      );
      assert.ok(
        transportVerifies(buf, parsed, offset + length),
        "TCP checksum",
      );
      if (i < 10) {
        tcp.at(buf, parsed.transportOffset, offset + length);
        assert.equal(tcp.readOptions(options), null);
        assert.equal(options.mss, 1460);
        assert.equal(options.windowScale, 7);
        assert.equal(options.sackPermitted, true);
        assert.equal(options.timestampValue, 1);
      }
    }
  });
}

Deno.test("TcpSynTemplate6: 10^5 random targets re-parse and verify", () => {
  const template = new TcpSynTemplate6({
    sourceMac,
    routerMac,
    sourceIp: source6,
  });
  const buf = new Uint8Array(2048);
  const parsed = new ParsedFrame();
  const target = new Uint8Array(16);
  for (let i = 0; i < TRIALS; i++) {
    random6(target);
    const port = u16(), seq = u32();
    const length = template.write(buf, 3, target, port, seq);
    assert.equal(parseFrame(buf, parsed, 3, 3 + length), "tcp");
    assert.deepEqual(
      buf.subarray(
        parsed.ip6DestinationOffset,
        parsed.ip6DestinationOffset + 16,
      ),
      target,
    );
    assert.deepEqual(
      buf.subarray(parsed.ip6SourceOffset, parsed.ip6SourceOffset + 16),
      source6,
    );
    assert.equal(parsed.destinationPort, port);
    assert.equal(parsed.sourcePort, 40000);
    assert.equal(parsed.sequence, seq);
    assert.ok(transportVerifies(buf, parsed, 3 + length));
  }
});

Deno.test("UdpTemplate (v4 and v6): per-port payloads, lengths, checksums", () => {
  const payloadFor = (port: number) =>
    new Uint8Array(port % 37).map((_, i) => (port * 31 + i * 7) & 0xff);
  const t4 = new UdpTemplate({
    sourceMac,
    routerMac,
    sourceIp: source4,
    sourcePort: { first: 50000, count: 7 },
    payload: payloadFor,
  });
  const t6 = new UdpTemplate6({
    sourceMac,
    routerMac,
    sourceIp: source6,
    payload: payloadFor,
  });
  const buf = new Uint8Array(2048);
  const parsed = new ParsedFrame();
  const target = new Uint8Array(16);
  for (let i = 0; i < TRIALS; i++) {
    const port = u16(), seq = u32();
    const expected = payloadFor(port);
    if (i & 1) {
      const dst = u32();
      const length = t4.write(buf, 1, dst, port, seq);
      assert.equal(length, t4.lengthFor(port));
      assert.equal(parseFrame(buf, parsed, 1, 1 + length), "udp");
      assert.equal(parsed.ip4Destination, dst);
      assert.equal(parsed.sourcePort, 50000 + seq % 7);
      assert.equal(
        internetChecksum(buf, parsed.networkOffset, parsed.networkOffset + 20),
        0,
      );
      assert.ok(
        transportVerifies(buf, parsed, 1 + length),
        "UDP/IPv4 checksum",
      );
      assert.notEqual(get16(buf, parsed.transportOffset + 6), 0);
    } else {
      random6(target);
      const length = t6.write(buf, 0, target, port, seq);
      assert.equal(parseFrame(buf, parsed, 0, length), "udp");
      assert.deepEqual(
        buf.subarray(
          parsed.ip6DestinationOffset,
          parsed.ip6DestinationOffset + 16,
        ),
        target,
      );
      assert.ok(transportVerifies(buf, parsed, length), "UDP/IPv6 checksum");
    }
    assert.equal(parsed.destinationPort, port);
    assert.deepEqual(
      buf.subarray(parsed.payloadOffset, parsed.payloadEnd),
      expected,
    );
  }
});

Deno.test("IcmpEchoTemplate (v4 and v6): identifier/sequence carry seq", () => {
  const payload = new TextEncoder().encode("zon echo!");
  const t4 = new IcmpEchoTemplate({
    sourceMac,
    routerMac,
    sourceIp: source4,
    payload,
  });
  const t6 = new IcmpEchoTemplate6({
    sourceMac,
    routerMac,
    sourceIp: source6,
    payload,
  });
  const buf = new Uint8Array(256);
  const parsed = new ParsedFrame();
  const target = new Uint8Array(16);
  for (let i = 0; i < TRIALS; i++) {
    const seq = u32();
    if (i & 1) {
      const dst = u32();
      const length = t4.write(buf, 0, dst, 0, seq);
      assert.equal(parseFrame(buf, parsed, 0, length), "icmp");
      assert.equal(parsed.ip4Destination, dst);
      assert.equal(parsed.icmpType, 8);
      assert.equal(
        internetChecksum(buf, parsed.networkOffset, parsed.networkOffset + 20),
        0,
      );
      assert.ok(transportVerifies(buf, parsed, length), "ICMPv4 checksum");
    } else {
      random6(target);
      const length = t6.write(buf, 0, target, 0, seq);
      assert.equal(parseFrame(buf, parsed, 0, length), "icmpv6");
      assert.equal(parsed.icmpType, 128);
      assert.ok(transportVerifies(buf, parsed, length), "ICMPv6 checksum");
    }
    assert.equal(parsed.icmpRest >>> 0, seq);
    assert.deepEqual(
      buf.subarray(parsed.payloadOffset, parsed.payloadEnd),
      payload,
    );
  }
});

Deno.test("ArpRequestTemplate: who-has the asked address", () => {
  const broadcast = parseMac("ff:ff:ff:ff:ff:ff");
  const template = new ArpRequestTemplate({
    sourceMac,
    routerMac: broadcast,
    sourceIp: source4,
  });
  const buf = new Uint8Array(64);
  const parsed = new ParsedFrame();
  for (let i = 0; i < 10_000; i++) {
    const dst = u32();
    const length = template.write(buf, 0, dst, 0, 0);
    assert.equal(parseFrame(buf, parsed, 0, length), "arp");
    assert.equal(parsed.arpOperation, 1);
    assert.equal(parsed.arpSenderIp, source4);
    assert.equal(parsed.arpTargetIp, dst);
    assert.deepEqual(buf.subarray(0, 6), broadcast);
  }
});

Deno.test("offload templates write the CHECKSUM_PARTIAL seed", () => {
  const t4 = new TcpSynTemplate({
    sourceMac,
    routerMac,
    sourceIp: source4,
    offload: true,
  });
  const u4 = new UdpTemplate({
    sourceMac,
    routerMac,
    sourceIp: source4,
    offload: true,
    payload: (port) => new Uint8Array(port & 15),
  });
  const t6 = new TcpSynTemplate6({
    sourceMac,
    routerMac,
    sourceIp: source6,
    offload: true,
  });
  const buf = new Uint8Array(256);
  const parsed = new ParsedFrame();
  const target = new Uint8Array(16);
  for (let i = 0; i < 10_000; i++) {
    const dst = u32(), port = u16(), seq = u32();
    let length = t4.write(buf, 0, dst, port, seq);
    parseFrame(buf, parsed, 0, length);
    assert.equal(
      internetChecksum(buf, parsed.networkOffset, parsed.networkOffset + 20),
      0,
    );
    assert.equal(
      get16(buf, parsed.transportOffset + 16),
      pseudoHeaderSum4(source4, dst, 6, length - parsed.transportOffset),
    );
    length = u4.write(buf, 0, dst, port, seq);
    parseFrame(buf, parsed, 0, length);
    assert.equal(
      get16(buf, parsed.transportOffset + 6),
      pseudoHeaderSum4(source4, dst, 17, length - parsed.transportOffset),
    );
    random6(target);
    length = t6.write(buf, 0, target, port, seq);
    parseFrame(buf, parsed, 0, length);
    assert.equal(
      get16(buf, parsed.transportOffset + 16),
      pseudoHeaderSum6(source6, target, 6, length - parsed.transportOffset),
    );
  }
});

Deno.test("write rejects a buffer without room", () => {
  const template = new TcpSynTemplate({
    sourceMac,
    routerMac,
    sourceIp: source4,
  });
  assert.throws(
    () => template.write(new Uint8Array(40), 0, 1, 2, 3),
    RangeError,
  );
});

Deno.test("parseFrame and template write allocate nothing: no GC during 10^7 calls", async () => {
  // Counting garbage collections (not heap size: scavenges would hide
  // short-lived garbage) while a child process runs the loop. Addresses and
  // sequence numbers go in signed form, as packet/template.ts documents.
  const setup = `
import { ParsedFrame, parseFrame, parseMac, TcpSynTemplate } from "${ROOT}packet/mod.ts";
const template = new TcpSynTemplate({ sourceMac: parseMac("02:00:00:00:00:01"),
  routerMac: parseMac("02:00:00:00:00:02"), sourceIp: 0xc6120001 });
const buf = new Uint8Array(2048);
const parsed = new ParsedFrame();
function step(i) {
  const length = template.write(buf, 0, (i * 2654435761) | 0, i & 0xffff, (i * 0x9e3779b9) | 0);
  return parseFrame(buf, parsed, 0, length) === "tcp" ? parsed.sourcePort & 1 : 0;
}`;
  const calls = Number(Deno.env.get("ZON_ALLOC_CALLS") ?? 10_000_000);
  const { gcs } = await gcCountDuring(setup, calls);
  assert.equal(gcs, 0, `${gcs} garbage collections during ${calls} calls`);
});

Deno.test("IPv4 templates write the same frame for an address and sequence in unsigned or signed form", () => {
  const templates = [
    new TcpSynTemplate({ sourceMac, routerMac, sourceIp: source4 }),
    new UdpTemplate({ sourceMac, routerMac, sourceIp: source4 }),
    new IcmpEchoTemplate({ sourceMac, routerMac, sourceIp: source4 }),
  ];
  const a = new Uint8Array(2048), b = new Uint8Array(2048);
  for (const template of templates) {
    for (let t = 0; t < 2000; t++) {
      const ip = u32() | 0x80000000, seq = u32(), port = u16();
      const n = template.write(a, 0, ip, port, seq);
      const m = template.write(b, 0, ip | 0, port, seq | 0);
      assert.equal(m, n);
      assert.deepEqual(b.subarray(0, m), a.subarray(0, n));
    }
  }
});
