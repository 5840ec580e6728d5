import assert from "node:assert/strict";
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from "../packet/mod.ts";
import {
  Ipv6RangeList,
  NumberRangeList,
  parseAddressRange,
  PortList,
  ScanOrder,
  Target,
  TargetSet,
} from "../blackrock/mod.ts";

const rand = (n: number): number => Math.floor(Math.random() * n);
/** WHATWG URL's IPv6 serializer (RFC 5952 canonical form) as the oracle. */
const urlCanonical = (text: string): string =>
  new URL(`http://[${text}]/`).hostname.slice(1, -1);

function randomV6(): bigint {
  let v = 0n;
  for (let g = 0; g < 8; g++) {
    // Many zero groups, so runs of zeros of every length and position occur.
    v = (v << 16n) |
      BigInt(rand(3) === 0 ? rand(65536) : rand(4) === 0 ? 1 : 0);
  }
  return v;
}

const toBigint = (bytes: Uint8Array): bigint =>
  bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);

Deno.test("IPv6 text (packet/address.ts, used by targets): agrees with the WHATWG URL parser on 10^4 random addresses", () => {
  for (let t = 0; t < 10_000; t++) {
    const v = randomV6();
    const full = Array.from(
      { length: 8 },
      (_, g) => ((v >> BigInt(16 * (7 - g))) & 0xffffn).toString(16),
    ).join(":");
    const bytes = new Uint8Array(20);
    for (let i = 0; i < 16; i++) {
      bytes[2 + i] = Number((v >> BigInt(8 * (15 - i))) & 0xffn);
    }
    const text = formatIpv6(bytes, 2);
    assert.equal(text, urlCanonical(full), full);
    assert.equal(toBigint(parseIpv6(text)), v);
    assert.equal(toBigint(parseIpv6(full)), v);
  }
  assert.equal(toBigint(parseIpv6("::ffff:198.18.0.1")), 0xffffc6120001n);
  for (
    const bad of [
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "g::1",
      ":::",
      "1:2:3:4:5:6:7",
    ]
  ) {
    assert.throws(() => parseIpv6(bad), /not an IPv6 address/, bad);
    assert.throws(() => parseAddressRange(bad), /bad target/, bad);
  }
});

Deno.test("IPv4 text round-trips and rejects malformed octets", () => {
  for (let t = 0; t < 10_000; t++) {
    const ip = rand(2 ** 32);
    assert.equal(parseIpv4(formatIpv4(ip)), ip);
  }
  for (
    const bad of [
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "1.2.3.-4",
      "a.b.c.d",
      "1..2.3",
    ]
  ) {
    assert.throws(() => parseIpv4(bad), /not an IPv4 address/, bad);
    assert.throws(() => parseAddressRange(bad), /bad target/, bad);
  }
});

Deno.test("parseAddressRange: single, range, CIDR (host bits ignored), IPv4 and IPv6", () => {
  assert.deepEqual(parseAddressRange("198.18.0.5/30"), {
    version: 4,
    begin: 0xc6120004,
    end: 0xc6120007,
  });
  assert.deepEqual(parseAddressRange("0.0.0.0/0"), {
    version: 4,
    begin: 0,
    end: 2 ** 32 - 1,
  });
  assert.deepEqual(parseAddressRange(" 198.18.0.1 - 198.18.0.9 "), {
    version: 4,
    begin: 0xc6120001,
    end: 0xc6120009,
  });
  assert.deepEqual(parseAddressRange("2001:db8::1/126"), {
    version: 6,
    begin: 0x20010db8000000000000000000000000n,
    end: 0x20010db8000000000000000000000003n,
  });
  assert.throws(
    () => parseAddressRange("198.18.0.1-2001:db8::1"),
    /same family/,
  );
  assert.throws(() => parseAddressRange("2001:db8::/129"), /more than 128/);
  assert.throws(
    () => parseAddressRange("example.com"),
    /bad target "example\.com"/,
  );
});

Deno.test("NumberRangeList: add/remove/pick equal a naive set (random operations)", () => {
  for (let t = 0; t < 200; t++) {
    const list = new NumberRangeList();
    const naive = new Set<number>();
    const ops = 1 + rand(12);
    for (let k = 0; k < ops; k++) {
      const b = rand(500), e = b + rand(60);
      if (k > 0 && rand(3) === 0) {
        list.remove(b, e);
        for (let x = b; x <= e; x++) naive.delete(x);
      } else {
        list.add(b, e);
        for (let x = b; x <= e; x++) naive.add(x);
      }
    }
    list.seal();
    const sorted = [...naive].sort((x, y) => x - y);
    assert.equal(list.count, sorted.length);
    for (let i = 0; i < sorted.length; i++) {
      assert.equal(list.pick(i), sorted[i]);
    }
    const ranges = list.ranges();
    for (let k = 1; k < ranges.length; k++) {
      assert.ok(ranges[k][0] > ranges[k - 1][1] + 1, "merged");
    }
  }
});

Deno.test("Ipv6RangeList.pick carries across 32-bit words and matches bigint arithmetic", () => {
  const list = new Ipv6RangeList();
  const bases = [
    0xffffffffn - 5n,
    0x1ffffffffffffffffn - 100n,
    (1n << 128n) - 1000n,
    0x20010db8n << 96n,
  ];
  for (const b of bases) list.add(b, b + 199n);
  list.seal();
  const out = new Uint8Array(16);
  const all = bases.flatMap((b) =>
    Array.from({ length: 200 }, (_, i) => b + BigInt(i))
  ).sort((x, y) => (x < y ? -1 : 1));
  assert.equal(list.count, all.length);
  for (let i = 0; i < all.length; i++) {
    list.pick(i, out, 0);
    assert.equal(toBigint(out), all[i]);
  }
  const huge = new Ipv6RangeList();
  huge.add(0n, (1n << 64n) - 1n);
  assert.throws(() => huge.seal(), /at most 2\^53/);
});

Deno.test("PortList: masscan syntax, prefixes persist, sorted TCP < UDP < SCTP", () => {
  const p = PortList.parse("U:53,161,T:80,22-23,S:9");
  assert.deepEqual(
    Array.from({ length: p.count }, (_, i) => PortList.format(p.pick(i))),
    ["22", "23", "80", "U:53", "U:161", "S:9"],
  );
  assert.equal(PortList.protocol(p.pick(3)), "udp");
  assert.equal(PortList.number(p.pick(3)), 53);
  assert.throws(() => PortList.parse("80,,81"), /empty item/);
  assert.throws(() => PortList.parse("http"), /bad port "http"/);
});

Deno.test("TargetSet + ScanOrder: every (address, port) once; shards partition the scan", () => {
  const targets = new TargetSet({
    include: ["198.18.0.0/28", "198.18.1.7", "2001:db8::/125"],
    exclude: ["198.18.0.4-198.18.0.5"],
    ports: "80,443,U:53",
  });
  assert.equal(targets.ipv4Count, 15);
  assert.equal(targets.ipv6Count, 8);
  assert.equal(targets.count, 23 * 3);
  const t = new Target();
  const key = (x: Target): string =>
    `${x.version === 4 ? formatIpv4(x.ipv4) : formatIpv6(x.ipv6)} ${x.port}`;
  const whole = new Set<string>();
  const order = new ScanOrder(targets, { seed: 11 });
  for (let n = 0; n < order.length; n++) whole.add(key(order.target(n, t)));
  assert.equal(whole.size, targets.count);
  assert.ok(!whole.has("198.18.0.4 80"));
  const union: string[] = [];
  for (let one = 1; one <= 4; one++) {
    const shard = new ScanOrder(targets, { seed: 11, shard: { one, of: 4 } });
    for (let n = 0; n < shard.length; n++) union.push(key(shard.target(n, t)));
  }
  assert.equal(union.length, targets.count);
  assert.deepEqual(new Set(union), whole);
});
