// tshark as the oracle for capture files: every packet's timestamp,
// lengths, interface, bytes and decoded addresses/ports, to compare with
// zon's readers and parseFrame.

import assert from "node:assert/strict";
import {
  bytesSource,
  type CaptureRecord,
  openCaptureReader,
  type PcapSource,
} from "../../drivers/mod.ts";
import {
  formatIpv4,
  formatIpv6,
  ParsedFrame,
  parseFrame,
} from "../../packet/mod.ts";

/** What tshark says about one packet. */
export interface TsharkPacket {
  /** frame.time_epoch as printed ("" when the block has no timestamp). */
  epoch: string;
  length: number;
  capturedLength: number;
  interfaceId: number;
  /** Captured bytes in hex (from `-T ek -x`). */
  hex: string;
  /** Decoded fields: src, dst, sport, dport, vlan, icmp type. */
  src: string;
  dst: string;
  sport: string;
  dport: string;
  vlan: string;
  icmpType: string;
}

const FIELDS = [
  "frame.time_epoch",
  "frame.len",
  "frame.cap_len",
  "frame.interface_id",
  "ip.src",
  "ipv6.src",
  "ip.dst",
  "ipv6.dst",
  "tcp.srcport",
  "udp.srcport",
  "tcp.dstport",
  "udp.dstport",
  "vlan.id",
  "ieee8021ad.id",
  "icmp.type",
  "icmpv6.type",
  "frame.encap_type",
];

async function tshark(args: string[]): Promise<string> {
  const out = await new Deno.Command("tshark", {
    args: ["-n", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).split("\n")
    .filter((l) => l && !l.startsWith("Running as user")).join("\n");
  assert.ok(out.success, `tshark ${args.join(" ")} failed: ${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

/**
 * Every packet of `path` as tshark reads it. pcapng custom blocks, which
 * tshark lists as records without an encapsulation, are left out.
 */
export async function tsharkPackets(path: string): Promise<TsharkPacket[]> {
  const text = await tshark([
    "-r",
    path,
    "-T",
    "fields",
    "-E",
    "separator=|",
    "-E",
    "occurrence=f",
    ...FIELDS.flatMap((f) => ["-e", f]),
  ]);
  const ek = await tshark(["-r", path, "-T", "ek", "-x"]);
  const docs = ek.split("\n").filter((l) => l.startsWith('{"timestamp"'))
    .map((l) => JSON.parse(l).layers);
  const lines = text.split("\n").filter((l) => l.length > 0);
  assert.equal(docs.length, lines.length, "tshark's two outputs differ");
  const packets: TsharkPacket[] = [];
  lines.forEach((line, i) => {
    const f = line.split("|");
    if (f[16] === "") return; // a custom block, not a packet
    packets.push({
      epoch: f[0],
      length: Number(f[1]),
      capturedLength: Number(f[2]),
      interfaceId: Number(f[3] || 0), // none in a classic pcap file
      hex: docs[i].frame_raw ?? "",
      src: f[4] || f[5],
      dst: f[6] || f[7],
      sport: f[8] || f[9],
      dport: f[10] || f[11],
      vlan: f[13] || f[12], // an 802.1ad outer tag, else the 802.1Q one
      icmpType: f[14] || f[15],
    });
  });
  return packets;
}

/** One record copied out of a reader. */
export interface ReadPacket {
  epoch: string;
  length: number;
  capturedLength: number;
  interfaceId: number;
  linkType: number;
  data: Uint8Array;
  fileOffset: number;
}

/** Copy every record of a capture of either format. */
export function readAll(
  source: PcapSource,
  bufferSize?: number,
): ReadPacket[] {
  const out: ReadPacket[] = [];
  for (const r of openCaptureReader(source, bufferSize)) out.push(copy(r));
  return out;
}

/** A plain copy of a reused record. */
export function copy(r: CaptureRecord): ReadPacket {
  return {
    epoch: `${r.seconds}.${String(r.nanoseconds).padStart(9, "0")}`,
    length: r.originalLength,
    capturedLength: r.capturedLength,
    interfaceId: r.interfaceId,
    linkType: r.linkType,
    data: r.data.slice(),
    fileOffset: r.fileOffset,
  };
}

/** Deterministic PRNG (mulberry32) for random splits; print the seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A source over `bytes` that hands out chunks of `size()` bytes. */
export function chunkedSource(
  bytes: Uint8Array,
  size: () => number,
): PcapSource {
  let at = 0;
  return {
    readSync(p: Uint8Array): number | null {
      if (at >= bytes.length) return null;
      const n = Math.min(p.length, bytes.length - at, Math.max(1, size()));
      p.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
  };
}

const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/**
 * Read `path` whole, byte at a time and at random splits (seeded), assert
 * the three agree and that every packet's timestamp, lengths, interface and
 * bytes equal tshark's; returns the packets and tshark's view of them.
 */
export async function assertReadsLikeTshark(
  path: string,
  seed: number = Date.now() % 1_000_000,
): Promise<{ packets: ReadPacket[]; expected: TsharkPacket[] }> {
  const bytes = await Deno.readFile(path);
  const whole = readAll(bytesSource(bytes));
  const random = seeded(seed);
  const split = readAll(
    chunkedSource(bytes, () => 1 + Math.floor(random() * 3000)),
    4096,
  );
  const byteAtATime = readAll(chunkedSource(bytes, () => 1), 4096);
  assert.deepEqual(split, whole, `random splits differ (seed ${seed})`);
  assert.deepEqual(byteAtATime, whole, "byte-at-a-time reads differ");
  const expected = await tsharkPackets(path);
  assert.equal(whole.length, expected.length, `${path}: packet count`);
  whole.forEach((p, i) => {
    const e = expected[i];
    const where = `${path} packet ${i + 1}`;
    // A simple packet block has no timestamp: tshark prints none, zon 0.
    assert.equal(p.epoch, e.epoch || "0.000000000", where);
    assert.equal(p.length, e.length, where);
    assert.equal(p.capturedLength, e.capturedLength, where);
    assert.equal(p.interfaceId, e.interfaceId, where);
    assert.equal(hex(p.data), e.hex, where);
  });
  return { packets: whole, expected };
}

/**
 * parseFrame on every packet, with its link type, against tshark's
 * addresses, ports, VLAN and ICMP type; returns the kinds seen.
 */
export function assertParsesLikeTshark(
  packets: ReadPacket[],
  expected: TsharkPacket[],
  where: string,
): Set<string> {
  const parsed = new ParsedFrame();
  const kinds = new Set<string>();
  packets.forEach((p, i) => {
    const e = expected[i];
    const at = `${where} packet ${i + 1} (link type ${p.linkType})`;
    const kind = parseFrame(p.data, parsed, 0, p.data.length, p.linkType);
    kinds.add(kind);
    if (e.src === "") {
      assert.ok(kind !== "tcp" && kind !== "udp", at);
      return;
    }
    assert.notEqual(kind, "malformed", `${at}: ${parsed.error}`);
    const v4 = parsed.ipVersion === 4;
    assert.equal(
      v4
        ? formatIpv4(parsed.ip4Source)
        : formatIpv6(p.data, parsed.ip6SourceOffset),
      e.src,
      at,
    );
    assert.equal(
      v4
        ? formatIpv4(parsed.ip4Destination)
        : formatIpv6(p.data, parsed.ip6DestinationOffset),
      e.dst,
      at,
    );
    assert.equal(parsed.vlanId, e.vlan === "" ? -1 : Number(e.vlan), at);
    if (kind === "tcp" || kind === "udp") {
      assert.equal(String(parsed.sourcePort), e.sport, at);
      assert.equal(String(parsed.destinationPort), e.dport, at);
    } else if (kind === "icmp" || kind === "icmpv6") {
      assert.equal(String(parsed.icmpType), e.icmpType, at);
    }
  });
  return kinds;
}
