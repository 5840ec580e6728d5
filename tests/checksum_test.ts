import assert from "node:assert/strict";
import {
  checksumUpdate16,
  checksumUpdate32,
  completePartialChecksum,
  foldSum,
  internetChecksum,
  offloadChecksumField,
  onesComplementSum,
  pseudoHeaderSum4,
  pseudoHeaderSum6,
  sumUpdate16,
  sumUpdate32,
} from "../checksum/mod.ts";
import { captureLabTraffic, withLab } from "./helpers/packet_netns_helpers.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("checksum_test.ts");

/** From-scratch reference: RFC 1071 written as plainly as possible. */
function referenceSum(bytes: Uint8Array, start = 0, end = bytes.length) {
  let sum = 0;
  for (let i = start; i < end; i += 2) {
    const high = bytes[i];
    const low = i + 1 < end ? bytes[i + 1] : 0;
    sum += high * 256 + low;
    while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  return sum;
}

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = random() * 256;
  return bytes;
}

Deno.test("RFC 1071 §3 example: sum ddf2, checksum 220d", () => {
  const bytes = new Uint8Array([
    0x00,
    0x01,
    0xf2,
    0x03,
    0xf4,
    0xf5,
    0xf6,
    0xf7,
  ]);
  assert.equal(onesComplementSum(bytes), 0xddf2);
  assert.equal(internetChecksum(bytes), 0x220d);
  assert.equal(foldSum(0x2ddf0), 0xddf2);
});

Deno.test("a known IPv4 header verifies to 0 and computes its checksum", () => {
  // 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7 (Wikipedia)
  const header = new Uint8Array([
    0x45,
    0x00,
    0x00,
    0x73,
    0x00,
    0x00,
    0x40,
    0x00,
    0x40,
    0x11,
    0xb8,
    0x61,
    0xc0,
    0xa8,
    0x00,
    0x01,
    0xc0,
    0xa8,
    0x00,
    0xc7,
  ]);
  assert.equal(internetChecksum(header), 0);
  header[10] = header[11] = 0;
  assert.equal(internetChecksum(header), 0xb861);
});

Deno.test("all zeros and all ones", () => {
  assert.equal(internetChecksum(new Uint8Array(0)), 0xffff);
  assert.equal(internetChecksum(new Uint8Array(1000)), 0xffff);
  assert.equal(internetChecksum(new Uint8Array(1000).fill(0xff)), 0);
  assert.equal(onesComplementSum(new Uint8Array(1 << 20).fill(0xff)), 0xffff);
});

Deno.test("every length, start and alignment matches the reference", () => {
  const backing = randomBytes(4096 + 16);
  for (let length = 0; length <= 700; length++) {
    for (let offset = 0; offset < 8; offset++) {
      const view = backing.subarray(offset, offset + length + 5);
      const start = (length * 7 + offset) % 3;
      const end = Math.min(view.length, start + length);
      assert.equal(
        onesComplementSum(view, start, end),
        referenceSum(view, start, end),
        `length ${length} offset ${offset} start ${start}`,
      );
    }
  }
});

Deno.test("large buffers match the reference (1 MiB and odd 3 MiB + 3)", () => {
  for (const n of [1 << 20, 3 * (1 << 20) + 3]) {
    const bytes = randomBytes(n);
    assert.equal(onesComplementSum(bytes), referenceSum(bytes));
    assert.equal(
      onesComplementSum(bytes, 1, n - 1),
      referenceSum(bytes, 1, n - 1),
    );
  }
});

Deno.test("odd lengths pad with a zero byte", () => {
  assert.equal(onesComplementSum(new Uint8Array([0xab])), 0xab00);
  assert.equal(onesComplementSum(new Uint8Array([0x12, 0x34, 0x56])), 0x6834);
});

Deno.test("initial chaining: even pieces then any last piece", () => {
  for (let trial = 0; trial < 2000; trial++) {
    const n = 1 + Math.floor(random() * 600);
    const bytes = randomBytes(n);
    const cut = Math.floor(random() * (n + 1)) & ~1;
    const first = onesComplementSum(bytes, 0, cut);
    assert.equal(
      internetChecksum(bytes, cut, n, first),
      internetChecksum(bytes),
    );
    // An unfolded raw initial works as well as a folded one.
    assert.equal(
      internetChecksum(bytes, cut, n, first + 0xffff * 1000),
      internetChecksum(bytes),
    );
  }
});

Deno.test("rejects a region outside the buffer", () => {
  assert.throws(() => internetChecksum(new Uint8Array(4), 0, 5), RangeError);
  assert.throws(() => internetChecksum(new Uint8Array(4), 3, 2), RangeError);
});

Deno.test("pseudo-header sums equal summing the pseudo-header bytes", () => {
  for (let trial = 0; trial < 1000; trial++) {
    const p = randomBytes(40);
    const dv = new DataView(p.buffer);
    const src = dv.getUint32(0), dst = dv.getUint32(4);
    const length = dv.getUint16(8);
    const v4 = new Uint8Array(12);
    v4.set(p.subarray(0, 8));
    v4[9] = 6;
    v4[10] = length >>> 8;
    v4[11] = length & 0xff;
    assert.equal(pseudoHeaderSum4(src, dst, 6, length), referenceSum(v4));
    const v6 = new Uint8Array(40);
    v6.set(p.subarray(0, 32));
    const length6 = dv.getUint32(32);
    new DataView(v6.buffer).setUint32(32, length6);
    v6[39] = 58;
    const addresses = new Uint8Array(40);
    addresses.set(p.subarray(0, 32), 8);
    assert.equal(
      pseudoHeaderSum6(addresses, addresses, 58, length6, 8, 24),
      referenceSum(v6),
    );
  }
});

Deno.test("incremental update equals full recompute for 10^5 random edits", () => {
  const header = randomBytes(60);
  header[0] |= 1; // never all-zero, see incremental.ts
  const dv = new DataView(header.buffer);
  let checksum = internetChecksum(header);
  for (let edit = 0; edit < 100_000; edit++) {
    if (edit & 1) {
      const at = (random() * 29 | 0) * 2;
      const old = dv.getUint16(at);
      const value = random() * 0x10000 | 0;
      dv.setUint16(at, value);
      if (at === 0 && (value & 0x100) === 0) header[0] |= 1;
      checksum = checksumUpdate16(checksum, old, dv.getUint16(at));
    } else {
      const at = 4 + (random() * 27 | 0) * 2;
      const old = dv.getUint32(at);
      const value = random() * 0x100000000 >>> 0;
      dv.setUint32(at, value);
      checksum = checksumUpdate32(checksum, old, value);
    }
    assert.equal(checksum, internetChecksum(header), `edit ${edit}`);
  }
});

Deno.test("partial-sum updates track pseudo-header sums", () => {
  for (let trial = 0; trial < 10000; trial++) {
    const src = random() * 2 ** 32 >>> 0;
    const dst = random() * 2 ** 32 >>> 0;
    const dst2 = random() * 2 ** 32 >>> 0;
    const len = random() * 65536 | 0;
    const len2 = random() * 65536 | 0;
    const seed = pseudoHeaderSum4(src, dst, 6, len);
    assert.equal(
      sumUpdate32(seed, dst, dst2),
      pseudoHeaderSum4(src, dst2, 6, len),
    );
    assert.equal(
      sumUpdate16(seed, len, len2),
      pseudoHeaderSum4(src, dst, 6, len2),
    );
  }
});

Deno.test("offload: seed plus software completion equals a full checksum", () => {
  for (let trial = 0; trial < 1000; trial++) {
    const tcp = randomBytes(20 + (random() * 100 | 0));
    const seed = pseudoHeaderSum4(0xc6120001, 0xc6120002, 6, tcp.length);
    tcp[16] = tcp[17] = 0;
    const expected = internetChecksum(tcp, 0, tcp.length, seed);
    const field = offloadChecksumField(seed);
    tcp[16] = field >>> 8;
    tcp[17] = field & 0xff;
    completePartialChecksum(tcp, 0, 16);
    assert.equal((tcp[16] << 8) | tcp[17], expected);
  }
});

/** Minimal independent pcap walk (Ethernet, microsecond, little-endian). */
function* pcapFrames(file: Uint8Array): Generator<Uint8Array> {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  assert.equal(dv.getUint32(0, true), 0xa1b2c3d4);
  assert.equal(dv.getUint32(20, true), 1);
  for (let at = 24; at < file.length;) {
    const captured = dv.getUint32(at + 8, true);
    yield file.subarray(at + 16, at + 16 + captured);
    at += 16 + captured;
  }
}

Deno.test({
  name: "real IPv4/IPv6 TCP/UDP/ICMP packets captured by tcpdump verify to 0",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/lab.pcap`;
      await withLab((lab) => captureLabTraffic(lab, path));
      const counts = {
        ip4: 0,
        tcp4: 0,
        udp4: 0,
        icmp4: 0,
        tcp6: 0,
        udp6: 0,
        icmp6: 0,
      };
      for (const frame of pcapFrames(await Deno.readFile(path))) {
        const type = (frame[12] << 8) | frame[13];
        if (type === 0x0800) {
          const ihl = (frame[14] & 15) * 4;
          assert.equal(internetChecksum(frame, 14, 14 + ihl), 0, "IPv4 header");
          counts.ip4++;
          const total = (frame[16] << 8) | frame[17];
          const protocol = frame[23];
          const dv = new DataView(frame.buffer, frame.byteOffset);
          const seed = pseudoHeaderSum4(
            dv.getUint32(26),
            dv.getUint32(30),
            protocol,
            total - ihl,
          );
          const l4 = 14 + ihl, end = 14 + total;
          if (protocol === 6) {
            assert.equal(internetChecksum(frame, l4, end, seed), 0, "TCP/IPv4");
            counts.tcp4++;
          } else if (protocol === 17) {
            assert.equal(internetChecksum(frame, l4, end, seed), 0, "UDP/IPv4");
            counts.udp4++;
          } else if (protocol === 1) {
            assert.equal(internetChecksum(frame, l4, end), 0, "ICMPv4");
            counts.icmp4++;
          }
        } else if (type === 0x86dd) {
          const next = frame[20];
          const length = (frame[18] << 8) | frame[19];
          const seed = pseudoHeaderSum6(frame, frame, next, length, 22, 38);
          const sum = internetChecksum(frame, 54, 54 + length, seed);
          if (next === 6) counts.tcp6++;
          else if (next === 17) counts.udp6++;
          else if (next === 58) counts.icmp6++;
          else continue;
          assert.equal(sum, 0, `IPv6 next header ${next}`);
        }
      }
      for (const [kind, count] of Object.entries(counts)) {
        assert.ok(
          count > 0,
          `captured no ${kind} packets: ${JSON.stringify(counts)}`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
