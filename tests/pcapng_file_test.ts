// pcapng reader and writer against tshark, on files built block by block
// (tests/helpers/pcapng_builder.ts) and on zon's own writer's output:
// byte orders, sections, interfaces, timestamp resolutions, skipped blocks,
// truncation at every byte, corruption, chunked reads, bounded memory.

import assert from "node:assert/strict";
import {
  bytesSource,
  captureFormatFor,
  createCaptureWriter,
  type FileDriver,
  openCaptureReader,
  openDriver,
  PcapFormatError,
  PcapngBlockType,
  PcapngReader,
  PcapngWriter,
  type PcapSource,
} from "../drivers/mod.ts";
import {
  byteOption,
  PcapngBuilder,
  textOption,
  u64Option,
} from "./helpers/pcapng_builder.ts";
import {
  assertReadsLikeTshark,
  chunkedSource,
  copy,
  readAll,
  type ReadPacket,
  seeded,
} from "./helpers/capture_oracle.ts";

const SEED = Number(Deno.env.get("ZON_SEED") ?? Date.now() % 1_000_000);
console.log(`pcapng tests: seed ${SEED} (ZON_SEED=${SEED} to repeat)`);
const random = seeded(SEED);

const IF_NAME = 2, IF_TSRESOL = 9, IF_TSOFFSET = 14, SHB_USERAPPL = 4;

function packet(length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/**
 * Two sections (little- then big-endian), interfaces of several link types
 * and resolutions tshark converts exactly, every packet block kind, and the
 * blocks a reader must skip.
 */
function mixedFile(): PcapngBuilder {
  const b = new PcapngBuilder();
  b.section(true, [textOption(SHB_USERAPPL, "zon test")]);
  b.iface(1, 0, [textOption(IF_NAME, "eth-us")]); // 10^-6 by default
  b.iface(101, 65535, [byteOption(IF_TSRESOL, 9), textOption(IF_NAME, "ns")]);
  b.iface(113, 96, [byteOption(IF_TSRESOL, 0x80 | 20)]); // 2^-20, snaplen 96
  b.iface(276, 0, [byteOption(IF_TSRESOL, 3)]); // milliseconds
  b.iface(0, 0, [byteOption(IF_TSRESOL, 0x80 | 33)]);
  b.iface(1, 0, [u64Option(IF_TSOFFSET, 3600n, true)]);
  // An IPv4 record "198.18.0.1 a", then the end record.
  b.block("nrb", PcapngBlockType.NAME_RESOLUTION, [
    ...[1, 0, 6, 0, 198, 18, 0, 1, 97, 0, 0, 0],
    ...[0, 0, 0, 0],
  ]);
  const now = 1_764_600_000n;
  const perSecond = [
    10n ** 6n,
    10n ** 9n,
    1n << 20n,
    1000n,
    1n << 33n,
    10n ** 6n,
  ];
  for (let i = 0; i < 60; i++) {
    const iface = i % perSecond.length;
    const ticks = now * perSecond[iface] +
      BigInt(Math.floor(random() * Number(perSecond[iface])));
    const data = packet(14 + Math.floor(random() * 200));
    const original = iface === 2 ? data.length + 50 : data.length;
    b.epb(iface, ticks, iface === 2 ? data.subarray(0, 96) : data, original);
    if (i % 17 === 3) b.spb(packet(40));
    if (i % 23 === 5) b.pb(1, now * 10n ** 9n + BigInt(i), packet(33));
  }
  b.block("isb", PcapngBlockType.INTERFACE_STATISTICS, new Array(12).fill(0));
  b.block("custom", PcapngBlockType.CUSTOM, [0, 0, 0x7f, 0xff, 9, 9, 9]);
  b.block("dsb", PcapngBlockType.DECRYPTION_SECRETS, [1, 2, 3, 4, 0, 0, 0, 0]);
  b.section(false);
  b.iface(1, 1500, [byteOption(IF_TSRESOL, 9)]);
  b.iface(229, 0);
  for (let i = 0; i < 20; i++) {
    b.epb(
      i & 1,
      (now + BigInt(i)) * (i & 1 ? 10n ** 6n : 10n ** 9n) + 7n,
      packet(20 + i * 3),
    );
  }
  b.block("custom", PcapngBlockType.CUSTOM_NO_COPY, [0, 0, 0, 1]);
  return b;
}

async function withTempFile<T>(
  suffix: string,
  bytes: Uint8Array | null,
  body: (path: string) => Promise<T>,
): Promise<T> {
  const path = await Deno.makeTempFile({ prefix: "zon-h18p-", suffix });
  try {
    if (bytes !== null) await Deno.writeFile(path, bytes);
    return await body(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("pcapng: both byte orders, two sections, six interfaces, EPB/SPB/PB, skipped blocks: tshark agrees on every packet", async () => {
  const b = mixedFile();
  await withTempFile(".pcapng", b.bytes(), async (path) => {
    const { packets } = await assertReadsLikeTshark(path, SEED);
    assert.ok(packets.length > 80);
  });
  const reader = new PcapngReader(bytesSource(b.bytes()));
  assert.equal(reader.interfaces.length, 0, "interfaces are read as met");
  assert.equal(reader.next()?.interfaceId, 0);
  assert.equal(reader.interfaces[0].name, "eth-us");
  assert.equal(reader.interfaces[1].name, "ns");
  assert.equal(reader.interfaces[2].unitsPerSecond, 2 ** 20);
  assert.equal(reader.interfaces[5].timestampOffset, 3600);
  for (const _ of reader);
  assert.equal(reader.sections, 2);
  assert.equal(reader.bigEndian, true);
  assert.deepEqual(reader.interfaces.map((i) => i.linkType), [1, 229]);
});

Deno.test("pcapng: resolutions finer than 1 ns match exact BigInt arithmetic", () => {
  // tshark 4.0 computes (ticks % units) * 10^9 in 64 bits, which overflows
  // for units above ~1.8e10, so the oracle here is BigInt math.
  const b = new PcapngBuilder().section(true);
  const resolutions = [12, 0x80 | 40, 15, 0x80 | 63, 19];
  for (const r of resolutions) b.iface(1, 0, [byteOption(IF_TSRESOL, r)]);
  const expected: string[] = [];
  for (let i = 0; i < 500; i++) {
    const r = resolutions[i % resolutions.length];
    const units = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
    const ticks = BigInt(Math.floor(random() * 2 ** 32)) << 32n |
      BigInt(Math.floor(random() * 2 ** 32));
    b.epb(i % resolutions.length, ticks, packet(14));
    const ns = (ticks % units) * 10n ** 9n / units;
    expected.push(`${ticks / units}.${String(ns).padStart(9, "0")}`);
  }
  const got = readAll(bytesSource(b.bytes())).map((p) => p.epoch);
  assert.deepEqual(got, expected);
});

/** Read what a source holds until the end or an error. */
function readPrefix(
  source: PcapSource,
): { packets: ReadPacket[]; error: unknown } {
  const packets: ReadPacket[] = [];
  try {
    const reader = openCaptureReader(source, 4096);
    for (let r = reader.next(); r !== null; r = reader.next()) {
      packets.push(copy(r));
    }
    return { packets, error: null };
  } catch (error) {
    return { packets, error };
  }
}

Deno.test("pcapng: cut at every byte, the packets before the cut arrive, then an error naming the cut block's offset", () => {
  const b = mixedFile();
  const bytes = b.bytes();
  const all = readAll(bytesSource(bytes));
  const ends = b.blockOffsets.slice(1).concat(bytes.length);
  const packetKinds = new Set(["epb", "spb", "pb"]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const { packets, error } = readPrefix(bytesSource(bytes.subarray(0, cut)));
    // Packets whose block ends at or before the cut are delivered.
    let whole = 0, blockAtCut = -1;
    b.blockKinds.forEach((kind, k) => {
      if (ends[k] <= cut) whole += packetKinds.has(kind) ? 1 : 0;
      else if (blockAtCut < 0) blockAtCut = k;
    });
    assert.deepEqual(packets, all.slice(0, whole), `cut at ${cut}`);
    const boundary = cut > 0 &&
      (cut === bytes.length || b.blockOffsets.includes(cut));
    if (boundary) {
      assert.equal(error, null, `cut at block boundary ${cut}: ${error}`);
    } else {
      assert.ok(error instanceof PcapFormatError, `cut at ${cut}: ${error}`);
      assert.equal(
        error.byteOffset,
        b.blockOffsets[blockAtCut],
        `cut at ${cut}: ${error.message}`,
      );
      assert.match(error.message, /^(pcapng|capture): file ends inside/);
    }
  }
});

Deno.test("pcapng: corrupt lengths, trailers, magic, version and interface ids are typed errors after the good prefix", () => {
  const b = mixedFile();
  const bytes = b.bytes();
  const all = readAll(bytesSource(bytes));
  const offsets = b.blockOffsets;
  let packetsBefore = 0;
  const packetKinds = new Set(["epb", "spb", "pb"]);
  for (let k = 0; k < offsets.length; k++) {
    const at = offsets[k];
    const little = at < offsets[b.blockKinds.lastIndexOf("shb")];
    const view = (copyOf: Uint8Array) => new DataView(copyOf.buffer);
    const length = view(bytes).getUint32(at + 4, little);
    const cases: [string, (m: DataView) => void, number][] = [
      ["length 8", (m) => m.setUint32(at + 4, 8, little), at + 4],
      [
        "length 2 past a multiple of 4",
        (m) => m.setUint32(at + 4, length + 2, little),
        at + 4,
      ],
      [
        "trailer",
        (m) => m.setUint32(at + length - 4, length + 4, little),
        at + length - 4,
      ],
    ];
    if (b.blockKinds[k] === "shb") {
      cases.push([
        "byte-order magic",
        (m) => m.setUint32(at + 8, 0x11223344, little),
        at + 8,
      ]);
      cases.push(["version", (m) => m.setUint16(at + 12, 2, little), at + 12]);
    }
    if (b.blockKinds[k] === "epb") {
      cases.push([
        "interface id",
        (m) => m.setUint32(at + 8, 99, little),
        at + 8,
      ]);
      cases.push([
        "captured length",
        (m) => m.setUint32(at + 20, length, little),
        at + 20,
      ]);
    }
    for (const [what, mutate, offset] of cases) {
      const mutant = bytes.slice();
      mutate(view(mutant));
      const { packets, error } = readPrefix(bytesSource(mutant));
      const where = `${what} of block ${k} (${b.blockKinds[k]} at ${at})`;
      assert.ok(error instanceof PcapFormatError, `${where}: ${error}`);
      assert.equal(error.byteOffset, offset, `${where}: ${error.message}`);
      assert.deepEqual(packets, all.slice(0, packetsBefore), where);
    }
    if (packetKinds.has(b.blockKinds[k])) packetsBefore++;
  }
});

Deno.test("pcapng: 3000 random mutants never throw anything but PcapFormatError, whole and chunked alike", () => {
  const bytes = mixedFile().bytes();
  for (let m = 0; m < 3000; m++) {
    const mutant = bytes.slice();
    for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
      mutant[Math.floor(random() * mutant.length)] = Math.floor(random() * 256);
    }
    const whole = readPrefix(bytesSource(mutant));
    const chunked = readPrefix(
      chunkedSource(mutant, () => 1 + Math.floor(random() * 64)),
    );
    for (const { error } of [whole, chunked]) {
      assert.ok(
        error === null || error instanceof PcapFormatError,
        `mutant ${m} (seed ${SEED}): ${error}`,
      );
    }
    assert.deepEqual(
      chunked.packets,
      whole.packets,
      `mutant ${m} (seed ${SEED})`,
    );
    assert.equal(String(chunked.error), String(whole.error));
  }
});

Deno.test("pcapng: an error repeats on later calls; neither format nor too short is a typed error", () => {
  const bytes = mixedFile().bytes();
  const reader = openCaptureReader(bytesSource(bytes.subarray(0, 300)));
  assert.throws(() => {
    for (const _ of reader);
  }, PcapFormatError);
  assert.throws(() => reader.next(), PcapFormatError);
  assert.throws(
    () => openCaptureReader(bytesSource(new Uint8Array([1, 2, 3]))),
    /capture: file ends inside the magic number \(3 of 4 bytes\) at byte 0/,
  );
  assert.throws(
    () => openCaptureReader(bytesSource(new Uint8Array(64))),
    /neither pcap nor pcapng at byte 0/,
  );
  assert.throws(
    () => new PcapngReader(bytesSource(new Uint8Array(64))),
    /pcapng: first block type 0x00000000 is not a section header/,
  );
});

Deno.test("pcapng writer: tshark reads back the same packets, timestamps and snaplen cuts, micro and nano", async () => {
  for (const nanoseconds of [false, true]) {
    const chunks: Uint8Array[] = [];
    const sink = {
      writeSync: (p: Uint8Array) => (chunks.push(p.slice()), p.length),
    };
    const writer = new PcapngWriter(sink, {
      nanoseconds,
      snapLength: 1000,
      bufferSize: 4096,
      interfaceName: "zon0",
    });
    const written: { data: Uint8Array; ticks: bigint }[] = [];
    const perSecond = nanoseconds ? 1_000_000_000n : 1_000_000n;
    for (let i = 0; i < 1500; i++) {
      // Sizes around the buffer's: some packets go out on their own.
      const data = packet(i % 500 === 7 ? 5000 : Math.floor(random() * 1600));
      const ticks = 1_764_600_000n * perSecond +
        BigInt(Math.floor(random() * 1e9)) % perSecond + BigInt(i) * perSecond;
      written.push({ data, ticks });
      writer.write(
        data,
        nanoseconds || i % 2 ? ticks : Number(ticks),
        0,
        data.length,
      );
    }
    writer.flush();
    assert.equal(writer.records, written.length);
    const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (file.set(c, at), at + c.length), 0);
    await withTempFile(".pcapng", file, async (path) => {
      const { packets } = await assertReadsLikeTshark(path, SEED);
      packets.forEach((p, i) => {
        const { data, ticks } = written[i];
        assert.equal(p.length, data.length);
        assert.deepEqual(p.data, data.subarray(0, 1000));
        const ns = (ticks % perSecond) * (nanoseconds ? 1n : 1000n);
        assert.equal(
          p.epoch,
          `${ticks / perSecond}.${String(ns).padStart(9, "0")}`,
        );
      });
    });
  }
});

Deno.test("file: driver reads pcapng and pcap by magic, writes pcapng for a .pcapng path", async () => {
  assert.equal(captureFormatFor("x/scan.PCAPNG"), "pcapng");
  assert.equal(captureFormatFor("scan.pcap"), "pcap");
  for (const suffix of [".pcapng", ".pcap"]) {
    await withTempFile(suffix, null, async (path) => {
      const out = await openDriver(`file:${path}`);
      const frames = Array.from({ length: 50 }, (_, i) => packet(60 + i));
      for (const f of frames) out.send(f);
      out.close();
      const info = new TextDecoder().decode(
        (await new Deno.Command("capinfos", {
          args: ["-t", "-c", path],
          stdout: "piped",
        }).output()).stdout,
      );
      assert.match(
        info,
        suffix === ".pcapng"
          ? /File type:\s+Wireshark\/\.\.\. - pcapng/
          : /File type:\s+Wireshark\/tcpdump\/\.\.\. - pcap\n/,
      );
      assert.match(info, /Number of packets:\s+50\n/);
      const back = await openDriver(`file:${path}`, { mode: "receive" });
      for (const f of frames) assert.deepEqual(back.recv(), f);
      assert.equal(back.recv(), null);
      back.close();
    });
  }
  const chunks: Uint8Array[] = [];
  const writer = createCaptureWriter({
    writeSync: (p) => (chunks.push(p.slice()), p.length),
  }, { format: "pcapng", linkType: 276 });
  writer.write(packet(40));
  writer.flush();
  const r = openCaptureReader(bytesSource(chunks[0]));
  assert.equal(r.format, "pcapng");
  assert.equal(r.next()?.linkType, 276);
  // The driver reports each frame's link type: here a two-interface file.
  const mixed = new PcapngBuilder().section(true).iface(1, 0).iface(276, 0)
    .epb(0, 1n, packet(60)).epb(1, 2n, packet(40)).bytes();
  await withTempFile(".pcapng", mixed, async (path) => {
    const driver = await openDriver(`file:${path}`, { mode: "receive" });
    assert.equal(driver.recv()?.length, 60);
    assert.equal((driver as FileDriver).linkType, 1);
    assert.equal(driver.recv()?.length, 40);
    assert.equal((driver as FileDriver).linkType, 276);
    driver.close();
  });
});

Deno.test("pcapng: a 1 GiB stream is read in bounded memory", () => {
  // A generated source: one section, one interface, then 1 GiB of 64 KiB
  // enhanced packet blocks, never all in memory.
  const header = new PcapngBuilder().section(true).iface(1, 0).bytes();
  const block = new PcapngBuilder().epb(
    0,
    1_764_600_000_000_000n,
    packet(65536 - 32),
  ).bytes().subarray(0);
  const total = header.length + (1 << 30);
  let at = 0;
  const source: PcapSource = {
    readSync(p: Uint8Array): number | null {
      if (at >= total) return null;
      let n = 0;
      while (n < p.length && at < total) {
        const inHeader = at < header.length;
        const from = inHeader ? header : block;
        const offset = inHeader ? at : (at - header.length) % block.length;
        const step = Math.min(p.length - n, from.length - offset, total - at);
        p.set(from.subarray(offset, offset + step), n);
        n += step;
        at += step;
      }
      return n;
    },
  };
  const before = Deno.memoryUsage().rss;
  let packets = 0, bytes = 0;
  for (const r of new PcapngReader(source)) {
    packets++;
    bytes += r.capturedLength;
  }
  const grown = Deno.memoryUsage().rss - before;
  assert.equal(packets, (1 << 30) / block.length);
  assert.equal(bytes, packets * (65536 - 32));
  assert.ok(grown < 64 << 20, `RSS grew ${grown >> 20} MiB reading 1 GiB`);
});

Deno.test("pcapng: a 512 MiB custom block is streamed past, not buffered", () => {
  const head = new PcapngBuilder().section(true).iface(1, 0).bytes();
  const tail = new PcapngBuilder().epb(0, 1n, packet(60)).bytes();
  const skipped = 512 << 20;
  const frame = (v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, PcapngBlockType.CUSTOM, true);
    new DataView(b.buffer).setUint32(4, v, true);
    return b;
  };
  const customHead = frame(skipped);
  const customTrailer = frame(skipped).subarray(4);
  // head, custom block header, zeros, trailer, one packet.
  const parts: [Uint8Array | null, number][] = [
    [head, head.length],
    [customHead, 8],
    [null, skipped - 12],
    [customTrailer, 4],
    [tail, tail.length],
  ];
  let part = 0, offset = 0;
  const source: PcapSource = {
    readSync(p: Uint8Array): number | null {
      while (part < parts.length && offset === parts[part][1]) {
        part++;
        offset = 0;
      }
      if (part === parts.length) return null;
      const [bytes, length] = parts[part];
      const n = Math.min(p.length, length - offset);
      if (bytes === null) p.fill(0, 0, n);
      else p.set(bytes.subarray(offset, offset + n));
      offset += n;
      return n;
    },
  };
  const before = Deno.memoryUsage().rss;
  const packets = [...new PcapngReader(source)].length;
  const grown = Deno.memoryUsage().rss - before;
  assert.equal(packets, 1);
  assert.ok(grown < 64 << 20, `RSS grew ${grown >> 20} MiB`);
});
