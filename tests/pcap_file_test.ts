import assert from "node:assert/strict";
import {
  bytesSource,
  PcapFormatError,
  PcapLinkType,
  PcapReader,
  PcapWriter,
} from "../drivers/pcap_file.ts";
import { openCaptureReader } from "../drivers/capture.ts";
import {
  ArpRequestTemplate,
  formatIpv4,
  formatIpv6,
  IcmpEchoTemplate,
  IcmpEchoTemplate6,
  ParsedFrame,
  parseFrame,
  parseIpv6,
  parseMac,
  TcpSynTemplate,
  TcpSynTemplate6,
  UdpTemplate,
  UdpTemplate6,
} from "../packet/mod.ts";
import { captureLabTraffic, withLab } from "./helpers/packet_netns_helpers.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("pcap_file_test.ts");

const u32 = () => (random() * 2 ** 32) >>> 0;
const u16 = () => (random() * 65536) | 0;

async function tshark(args: string[]): Promise<string> {
  const out = await new Deno.Command("tshark", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr)
    .split("\n").filter((l) => l && !l.startsWith("Running as user")).join(
      "\n",
    );
  assert.ok(out.success, `tshark failed: ${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

/** An in-memory sink, to test the writer without files. */
function memorySink() {
  const chunks: Uint8Array[] = [];
  return {
    writeSync(p: Uint8Array): number {
      chunks.push(p.slice());
      return p.length;
    },
    bytes(): Uint8Array {
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const out = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      return out;
    },
  };
}

Deno.test("writer → reader round trip, small blocks, micro and nano", () => {
  for (const nanoseconds of [false, true]) {
    const sink = memorySink();
    const writer = new PcapWriter(sink, { nanoseconds, bufferSize: 4096 });
    const packets: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const p = crypto.getRandomValues(new Uint8Array(1 + (i * 37) % 3000));
      packets.push(p);
      writer.write(
        p,
        1_700_000_000n * (nanoseconds ? 1_000_000_000n : 1_000_000n) +
          BigInt(i),
      );
    }
    writer.flush();
    const reader = new PcapReader(bytesSource(sink.bytes()), 4096);
    assert.equal(reader.nanoseconds, nanoseconds);
    assert.equal(reader.linkType, PcapLinkType.ETHERNET);
    let i = 0;
    for (const record of reader) {
      assert.deepEqual(record.data, packets[i]);
      assert.equal(record.seconds, 1_700_000_000);
      assert.equal(record.fraction, i);
      i++;
    }
    assert.equal(i, packets.length);
  }
});

Deno.test("reader: big-endian files, and truncation/corruption errors name the byte", () => {
  const sink = memorySink();
  const writer = new PcapWriter(sink, { linkType: PcapLinkType.RAW });
  writer.write(new Uint8Array([0x45, 1, 2, 3]), 5_000_001);
  writer.write(new Uint8Array(10), 6_000_000);
  writer.flush();
  const little = sink.bytes();
  // Byte-swap every 32-bit/16-bit header field into a big-endian file.
  const big = little.slice();
  const dv = new DataView(big.buffer), lv = new DataView(little.buffer);
  dv.setUint32(0, lv.getUint32(0, true));
  dv.setUint16(4, lv.getUint16(4, true));
  dv.setUint16(6, lv.getUint16(6, true));
  for (const at of [8, 12, 16, 20]) dv.setUint32(at, lv.getUint32(at, true));
  for (let at = 24; at < big.length;) {
    const captured = lv.getUint32(at + 8, true);
    for (let k = 0; k < 16; k += 4) {
      dv.setUint32(at + k, lv.getUint32(at + k, true));
    }
    at += 16 + captured;
  }
  const reader = new PcapReader(bytesSource(big));
  assert.equal(reader.bigEndian, true);
  assert.equal(reader.linkType, PcapLinkType.RAW);
  const first = reader.next()!;
  assert.equal(first.seconds, 5);
  assert.equal(first.fraction, 1);
  assert.deepEqual(first.data, new Uint8Array([0x45, 1, 2, 3]));
  assert.equal(reader.next()!.capturedLength, 10);
  assert.equal(reader.next(), null);

  assert.throws(
    () => new PcapReader(bytesSource(little.subarray(0, 10))),
    (e) => e instanceof PcapFormatError && e.byteOffset === 10,
  );
  const badMagic = little.slice();
  badMagic[0] = 0;
  assert.throws(
    () => new PcapReader(bytesSource(badMagic)),
    /bad magic.*at byte 0/,
  );
  const cut = new PcapReader(bytesSource(little.subarray(0, 24 + 16 + 2)));
  assert.throws(
    () => cut.next(),
    (e) =>
      e instanceof PcapFormatError && e.byteOffset === 40 &&
      /ends inside a record/.test(e.message),
  );
  const cutHeader = new PcapReader(bytesSource(little.subarray(0, 24 + 5)));
  assert.throws(() => cutHeader.next(), /record header.*at byte 24/);
  const huge = little.slice();
  new DataView(huge.buffer).setUint32(24 + 8, 0x7fffffff, true);
  assert.throws(() => new PcapReader(bytesSource(huge)).next(), /at byte 32/);
});

Deno.test("pcap: cut at every byte, the records before the cut arrive, then an error naming where", () => {
  const sink = memorySink();
  const writer = new PcapWriter(sink, { nanoseconds: true });
  const starts: number[] = [];
  let at = 24;
  for (let i = 0; i < 20; i++) {
    const p = crypto.getRandomValues(new Uint8Array(1 + (i * 53) % 300));
    starts.push(at);
    at += 16 + p.length;
    writer.write(p, BigInt(i) * 1_000_000_007n);
  }
  writer.flush();
  const bytes = sink.bytes();
  const all = [...new PcapReader(bytesSource(bytes))].length;
  assert.equal(all, 20);
  for (let cut = 0; cut <= bytes.length; cut++) {
    let delivered = 0, error: unknown = null;
    try {
      for (const _ of openCaptureReader(bytesSource(bytes.subarray(0, cut)))) {
        delivered++;
      }
    } catch (e) {
      error = e;
    }
    const whole = starts.filter((_, k) =>
      (starts[k + 1] ?? bytes.length) <= cut
    )
      .length;
    assert.equal(delivered, whole, `cut at ${cut}`);
    const inside = starts.findLast((s) => s <= cut) ?? 0;
    if (cut >= 24 && (cut === bytes.length || starts.includes(cut))) {
      assert.equal(error, null, `cut at ${cut}: ${error}`);
      continue;
    }
    assert.ok(error instanceof PcapFormatError, `cut at ${cut}: ${error}`);
    const expected = cut < 4
      ? 0 // too short to tell the format
      : cut < 24
      ? cut // the global header: how much of it there is
      : cut - inside < 16
      ? inside // a record header
      : inside + 16; // a record's data
    assert.equal(error.byteOffset, expected, `cut at ${cut}: ${error.message}`);
  }
});

interface Expected {
  kind: "tcp4" | "tcp6" | "udp4" | "udp6" | "icmp4" | "icmp6" | "arp";
  dst: string;
  port: number;
  seq: number;
}

Deno.test({
  name:
    "tshark reads 100,000 template packets: none malformed, all checksums good, fields as asked",
  async fn() {
    const sourceMac = parseMac("02:00:00:00:00:01");
    const routerMac = parseMac("02:00:00:00:00:02");
    const s4 = 0xc6120001, s6 = parseIpv6("2001:2::1");
    const common4 = { sourceMac, routerMac, sourceIp: s4 };
    const common6 = { sourceMac, routerMac, sourceIp: s6 };
    const payload = (port: number) =>
      new TextEncoder().encode(`zon probe for port ${port}`);
    const tcp4 = new TcpSynTemplate({
      ...common4,
      sourcePort: { first: 40000, count: 100 },
      tcpOptions: {
        mss: 1460,
        sackPermitted: true,
        timestamps: [7, 0],
        windowScale: 7,
      },
    });
    const tcp6 = new TcpSynTemplate6(common6);
    const udp4 = new UdpTemplate({ ...common4, payload });
    const udp6 = new UdpTemplate6({ ...common6, payload });
    const icmp4 = new IcmpEchoTemplate({
      ...common4,
      payload: new Uint8Array(16).fill(0x5a),
    });
    const icmp6 = new IcmpEchoTemplate6(common6);
    const arp = new ArpRequestTemplate({
      ...common4,
      routerMac: parseMac("ff:ff:ff:ff:ff:ff"),
    });
    const dir = await Deno.makeTempDir();
    const path = `${dir}/templates.pcap`;
    const expected: Expected[] = [];
    const N = 100_000;
    try {
      {
        using file = await Deno.open(path, {
          write: true,
          create: true,
          truncate: true,
        });
        const writer = new PcapWriter(file);
        const buf = new Uint8Array(2048);
        const target6 = new Uint8Array(16);
        for (let i = 0; i < N; i++) {
          const dst4 = u32(), port = 1 + u16() % 65535, seq = u32();
          crypto.getRandomValues(target6);
          target6[0] = 0x20; // keep tshark from reading multicast/odd scopes
          let length: number;
          switch (i % 7) {
            case 0:
              length = tcp4.write(buf, 0, dst4, port, seq);
              expected.push({ kind: "tcp4", dst: formatIpv4(dst4), port, seq });
              break;
            case 1:
              length = tcp6.write(buf, 0, target6, port, seq);
              expected.push({
                kind: "tcp6",
                dst: formatIpv6(target6),
                port,
                seq,
              });
              break;
            case 2:
              length = udp4.write(buf, 0, dst4, port, seq);
              expected.push({ kind: "udp4", dst: formatIpv4(dst4), port, seq });
              break;
            case 3:
              length = udp6.write(buf, 0, target6, port, seq);
              expected.push({
                kind: "udp6",
                dst: formatIpv6(target6),
                port,
                seq,
              });
              break;
            case 4:
              length = icmp4.write(buf, 0, dst4, 0, seq);
              expected.push({
                kind: "icmp4",
                dst: formatIpv4(dst4),
                port: 0,
                seq,
              });
              break;
            case 5:
              length = icmp6.write(buf, 0, target6, 0, seq);
              expected.push({
                kind: "icmp6",
                dst: formatIpv6(target6),
                port: 0,
                seq,
              });
              break;
            default:
              length = arp.write(buf, 0, dst4, 0, 0);
              expected.push({
                kind: "arp",
                dst: formatIpv4(dst4),
                port: 0,
                seq: 0,
              });
          }
          writer.write(buf, BigInt(1_700_000_000_000_000 + i), 0, length);
        }
        writer.flush();
      }
      const fields = [
        "frame.number",
        "ip.dst",
        "ipv6.dst",
        "arp.dst.proto_ipv4",
        "tcp.dstport",
        "udp.dstport",
        "tcp.seq_raw",
        "tcp.flags",
        "icmp.ident",
        "icmp.seq",
        "icmpv6.echo.identifier",
        "icmpv6.echo.sequence_number",
        "ip.checksum.status",
        "tcp.checksum.status",
        "udp.checksum.status",
        "icmp.checksum.status",
        "icmpv6.checksum.status",
        "_ws.malformed",
        "_ws.expert.severity",
      ];
      const text = await tshark([
        "-n",
        "-r",
        path,
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
        // Our probe payloads are not real DNS/NTP/...: decode every UDP
        // payload as plain data so only zon's own layers are judged.
        "-d",
        "udp.port==1-65535,data",
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-E",
        "occurrence=f",
        ...fields.flatMap((f) => ["-e", f]),
      ]);
      const lines = text.trim().split("\n");
      assert.equal(lines.length, N, "tshark read every packet");
      const GOOD = "1"; // tshark checksum status: 0 bad, 1 good, 2 unverified
      for (let i = 0; i < N; i++) {
        const [
          number,
          ipDst,
          ip6Dst,
          arpDst,
          tcpPort,
          udpPort,
          tcpSeq,
          tcpFlags,
          icmpId,
          icmpSeq,
          icmp6Id,
          icmp6Seq,
          ipStatus,
          tcpStatus,
          udpStatus,
          icmpStatus,
          icmp6Status,
          malformed,
          severity,
        ] = lines[i].split("|");
        const e = expected[i];
        const where = `packet ${number} (${e.kind}): ${lines[i]}`;
        assert.equal(Number(number), i + 1);
        assert.equal(malformed, "", where);
        // Expert severity "error" is 8388608 in tshark's numbering.
        assert.ok(severity === "" || Number(severity) < 8388608, where);
        switch (e.kind) {
          case "tcp4":
          case "tcp6":
            assert.equal(e.kind === "tcp4" ? ipDst : ip6Dst, e.dst, where);
            assert.equal(Number(tcpPort), e.port, where);
            assert.equal(Number(tcpSeq), e.seq, where);
            assert.equal(Number(tcpFlags), 0x002, where);
            assert.equal(tcpStatus, GOOD, where);
            break;
          case "udp4":
          case "udp6":
            assert.equal(e.kind === "udp4" ? ipDst : ip6Dst, e.dst, where);
            assert.equal(Number(udpPort), e.port, where);
            assert.equal(udpStatus, GOOD, where);
            break;
          case "icmp4":
            assert.equal(ipDst, e.dst, where);
            assert.equal(Number(icmpId), e.seq >>> 16, where);
            assert.equal(Number(icmpSeq), e.seq & 0xffff, where);
            assert.equal(icmpStatus, GOOD, where);
            break;
          case "icmp6":
            assert.equal(ip6Dst, e.dst, where);
            assert.equal(Number(icmp6Id), e.seq >>> 16, where);
            assert.equal(Number(icmp6Seq), e.seq & 0xffff, where);
            assert.equal(icmp6Status, GOOD, where);
            break;
          case "arp":
            assert.equal(arpDst, e.dst, where);
            break;
        }
        if (e.kind.endsWith("4") && e.kind !== "arp") {
          assert.equal(ipStatus, GOOD, where);
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "zon's reader agrees with tshark on a tcpdump capture from a private netns",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/lab.pcap`;
      await withLab((lab) => captureLabTraffic(lab, path));
      const text = await tshark([
        "-n",
        "-r",
        path,
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-E",
        "occurrence=f",
        "-e",
        "frame.len",
        "-e",
        "frame.cap_len",
        "-e",
        "frame.time_epoch",
        "-e",
        "ip.src",
        "-e",
        "ipv6.src",
        "-e",
        "ip.dst",
        "-e",
        "ipv6.dst",
        "-e",
        "tcp.srcport",
        "-e",
        "tcp.dstport",
        "-e",
        "tcp.seq_raw",
        "-e",
        "tcp.ack_raw",
        "-e",
        "tcp.flags",
        "-e",
        "udp.srcport",
        "-e",
        "udp.dstport",
        "-e",
        "icmp.type",
        "-e",
        "icmpv6.type",
        "-e",
        "arp.dst.proto_ipv4",
      ]);
      const lines = text.trim().split("\n");
      using file = await Deno.open(path);
      const reader = new PcapReader(file);
      assert.equal(reader.linkType, PcapLinkType.ETHERNET);
      const parsed = new ParsedFrame();
      let count = 0;
      const kinds = new Set<string>();
      for (const record of reader) {
        const f = lines[count].split("|");
        const where = `frame ${count + 1}: ${lines[count]}`;
        assert.equal(record.originalLength, Number(f[0]), where);
        assert.equal(record.capturedLength, Number(f[1]), where);
        const micros = record.seconds * 1e6 + record.fraction;
        assert.ok(Math.abs(micros - Number(f[2]) * 1e6) < 2, where);
        const kind = parseFrame(record.data, parsed);
        kinds.add(kind);
        const src = parsed.ipVersion === 4
          ? formatIpv4(parsed.ip4Source)
          : parsed.ipVersion === 6
          ? formatIpv6(record.data, parsed.ip6SourceOffset)
          : "";
        const dst = parsed.ipVersion === 4
          ? formatIpv4(parsed.ip4Destination)
          : parsed.ipVersion === 6
          ? formatIpv6(record.data, parsed.ip6DestinationOffset)
          : "";
        assert.equal(src, f[3] || f[4], where);
        assert.equal(dst, f[5] || f[6], where);
        if (kind === "tcp") {
          assert.equal(String(parsed.sourcePort), f[7], where);
          assert.equal(String(parsed.destinationPort), f[8], where);
          assert.equal(String(parsed.sequence), f[9], where);
          assert.equal(String(parsed.acknowledgment), f[10], where);
          assert.equal(parsed.tcpFlags, Number(f[11]), where);
        } else if (kind === "udp") {
          assert.equal(String(parsed.sourcePort), f[12], where);
          assert.equal(String(parsed.destinationPort), f[13], where);
        } else if (kind === "icmp") {
          assert.equal(String(parsed.icmpType), f[14], where);
          if (parsed.icmpType === 3) {
            assert.equal(parsed.quotedProtocol, 17, where);
            assert.equal(parsed.quotedDestinationPort, 7002, where);
          }
        } else if (kind === "icmpv6") {
          assert.equal(String(parsed.icmpType), f[15], where);
          if (parsed.icmpType === 1) {
            assert.equal(parsed.quotedDestinationPort, 7002, where);
          }
        } else if (kind === "arp") {
          assert.equal(formatIpv4(parsed.arpTargetIp), f[16], where);
        } else {
          assert.fail(`unexpected ${kind} (${parsed.error}) at ${where}`);
        }
        count++;
      }
      assert.equal(count, lines.length);
      for (const kind of ["tcp", "udp", "icmp", "icmpv6", "arp"]) {
        assert.ok(kinds.has(kind), `no ${kind} frame in the capture`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
