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
  TargetText,
} from "../blackrock/mod.ts";
import { ScannedItem, scanTargetText } from "../blackrock/target_text.ts";
import { gcCountDuring, ROOT } from "./helpers/alloc_probe.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("targets_test.ts");

const rand = (n: number): number => Math.floor(random() * n);
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

// ---- Target lists at scale (issue 13): the sorted-sweep lists against the
// obvious O(n²) construction (subtract each exclude as it comes, then sort
// and merge), seeded so a failure can be replayed.

/** mulberry32: `rand(n)` in [0, n), reproducible from the printed seed. */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const SEED = Number(Deno.env.get("ZON_TARGETS_SEED") ?? Date.now() % 1e9);
console.log(`targets_test seed ${SEED} (replay: ZON_TARGETS_SEED=${SEED})`);

/** The naive construction, generic over number and bigint bounds. */
class NaiveRanges<T extends number | bigint> {
  list: Array<[T, T]> = [];
  constructor(readonly one: T) {}
  add(b: T, e: T): void {
    this.list.push([b, e]);
  }
  remove(b: T, e: T): void {
    const next: Array<[T, T]> = [];
    for (const [rb, re] of this.list) {
      if (re < b || rb > e) next.push([rb, re]);
      else {
        if (rb < b) next.push([rb, (b as number) - (this.one as number) as T]);
        if (re > e) next.push([(e as number) + (this.one as number) as T, re]);
      }
    }
    this.list = next;
  }
  merged(): Array<[T, T]> {
    const sorted = [...this.list].sort((x, y) =>
      x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0
    );
    const out: Array<[T, T]> = [];
    for (const [b, e] of sorted) {
      const last = out[out.length - 1];
      if (last && b <= (last[1] as number) + (this.one as number)) {
        if (e > last[1]) last[1] = e;
      } else out.push([b, e]);
    }
    return out;
  }
}

Deno.test("NumberRangeList at scale: thousands of random includes/excludes equal the naive construction (32-bit and beyond)", () => {
  const rand = seeded(SEED);
  for (let t = 0; t < 60; t++) {
    const list = new NumberRangeList();
    const naive = new NaiveRanges<number>(1);
    // Small universes make overlaps, duplicates and touching ranges common;
    // large ones exercise the 32-bit boundary and the 64-bit-float columns.
    const universe = [1000, 70_000, 2 ** 32, 2 ** 40][t % 4];
    const n = 1 + rand(t < 50 ? 3000 : 30);
    // Interleaved adds after removes in some trials (the "added so far" rule).
    const interleave = t % 3 === 0;
    for (let k = 0; k < n; k++) {
      const b = rand(universe),
        e = Math.min(universe - 1, b + rand(universe / 50 + 2));
      const removing = interleave ? rand(3) === 0 : k >= n / 2;
      if (removing) list.remove(b, e), naive.remove(b, e);
      else list.add(b, e), naive.add(b, e);
    }
    list.seal();
    const want = naive.merged();
    assert.deepEqual(list.ranges(), want, `seed ${SEED} trial ${t}`);
    const total = want.reduce((s, [b, e]) => s + e - b + 1, 0);
    assert.equal(list.count, total);
    let index = 0;
    for (const [b, e] of want) {
      assert.equal(list.pick(index), b);
      index += e - b + 1;
      assert.equal(list.pick(index - 1), e);
    }
  }
});

const V6_TOP = (1n << 128n) - 1n;

Deno.test("Ipv6RangeList at scale: random includes/excludes (bigint and byte forms, near 0 and 2^128−1) equal the naive construction", () => {
  const rand = seeded(SEED + 1);
  const randBig = (bits: number): bigint => {
    let v = 0n;
    for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(rand(65536));
    return v & ((1n << BigInt(bits)) - 1n);
  };
  const bytesOf = (v: bigint): Uint8Array => {
    const out = new Uint8Array(16);
    for (let i = 15; i >= 0; i--) out[i] = Number(v & 0xffn), v >>= 8n;
    return out;
  };
  for (let t = 0; t < 40; t++) {
    const list = new Ipv6RangeList();
    const naive = new NaiveRanges<bigint>(1n);
    // Values in a window whose top bits vary per trial: shared prefixes
    // (radix passes skipped), the top of the space, random 128-bit spread.
    const window =
      [0n, V6_TOP - (1n << 20n), 0x20010db8n << 96n, randBig(128)][t % 4];
    const spread = [20, 20, 40, 127][t % 4];
    const n = 1 + rand(t < 30 ? 2000 : 20);
    for (let k = 0; k < n; k++) {
      let b = window + randBig(spread);
      if (b > V6_TOP) b = V6_TOP - randBig(8);
      let e = b + randBig(rand(2) ? 4 : spread - 2);
      if (e > V6_TOP || rand(40) === 0) e = V6_TOP;
      const removing = t % 3 === 0 ? rand(3) === 0 : k >= n / 2;
      const asBytes = rand(2) === 0;
      if (removing) {
        if (asBytes) list.removeBytes(bytesOf(b), bytesOf(e));
        else list.remove(b, e);
        naive.remove(b, e);
      } else {
        if (asBytes) list.addBytes(bytesOf(b), bytesOf(e));
        else list.add(b, e);
        naive.add(b, e);
      }
    }
    const want = naive.merged();
    const total = want.reduce((s, [b, e]) => s + e - b + 1n, 0n);
    if (total > 2n ** 53n) {
      assert.throws(
        () => list.seal(),
        /at most 2\^53/,
        `seed ${SEED} trial ${t}`,
      );
      continue;
    }
    list.seal();
    assert.deepEqual(list.ranges(), want, `seed ${SEED} trial ${t}`);
    assert.equal(list.count, Number(total));
    const out = new Uint8Array(16);
    let index = 0n;
    for (const [b, e] of want) {
      list.pick(Number(index), out, 0);
      assert.equal(toBigint(out), b);
      index += e - b + 1n;
      list.pick(Number(index - 1n), out, 0);
      assert.equal(toBigint(out), e);
    }
  }
});

/** Random target-ish text: valid forms, near misses and junk. */
function randomItemText(rand: (n: number) => number): string {
  const octet = (): string =>
    [
      String(rand(256)),
      String(rand(300)),
      "0" + rand(100),
      "00" + rand(10),
      "",
    ][rand(5) === 0 ? 1 + rand(4) : 0];
  const v4 = (): string =>
    Array.from({ length: rand(8) === 0 ? 3 + rand(3) : 4 }, octet).join(".");
  const group = (): string =>
    rand(10) === 0
      ? ["", "g", "12345", "0000", "FfFf"][rand(5)]
      : rand(65536).toString(16);
  const v6 = (): string => {
    const groups = Array.from({ length: 1 + rand(9) }, group);
    if (rand(3) > 0) groups.splice(rand(groups.length + 1), 0, "");
    let t = groups.join(":");
    if (t.startsWith(":") && !t.startsWith("::")) t = ":" + t;
    if (t.endsWith(":") && !t.endsWith("::")) t += ":";
    if (rand(15) === 0) t += ":1.2.3.4";
    return t;
  };
  const address = (): string => (rand(2) ? v4() : v6());
  const junk = ["", " ", "-", "/", "//", "--", "x", "\t", "1e3", "+1"];
  switch (rand(6)) {
    case 0:
      return address();
    case 1:
      return `${address()}/${
        rand(10) === 0 ? junk[rand(junk.length)] : rand(140)
      }`;
    case 2:
      return `${address()}-${address()}`;
    case 3: {
      const a = rand(2 ** 32), b = Math.min(2 ** 32 - 1, a + rand(1000));
      const f = (n: number): string =>
        [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
      return rand(5) === 0 ? `${f(b)}-${f(a)}` : `${f(a)}-${f(b)}`;
    }
    case 4:
      return address() + junk[rand(junk.length)] + address();
    default:
      return junk[rand(junk.length)] + address() + junk[rand(junk.length)];
  }
}

Deno.test("item fast path: wherever it answers, it equals parseAddressRange (10^5 random items); it answers for the common forms", () => {
  const rand = seeded(SEED + 2);
  const scanned = new ScannedItem();
  let answered = 0;
  for (let t = 0; t < 100_000; t++) {
    const text = randomItemText(rand);
    let reference: ReturnType<typeof parseAddressRange> | undefined;
    try {
      reference = parseAddressRange(text);
    } catch (e) {
      assert.ok(e instanceof SyntaxError, String(e));
    }
    const bytes = new TextEncoder().encode(text);
    if (!scanTargetText(bytes, 0, bytes.length, scanned)) continue;
    answered++;
    assert.ok(
      reference,
      `fast path accepted ${JSON.stringify(text)} (seed ${SEED})`,
    );
    assert.equal(scanned.version, reference.version, text);
    if (reference.version === 4) {
      assert.deepEqual([scanned.begin4, scanned.end4], [
        reference.begin,
        reference.end,
      ], text);
    } else {
      assert.deepEqual(
        [toBigint(scanned.begin6), toBigint(scanned.end6)],
        [reference.begin, reference.end],
        text,
      );
    }
  }
  assert.ok(answered > 20_000, `fast path answered only ${answered}`);
  for (
    const common of [
      "198.18.0.1",
      "198.18.0.0/15",
      "0.0.0.0/0",
      "198.18.0.1-198.18.0.9",
      "2001:db8::1",
      "::",
      "::1",
      "2001:db8::/32",
      "2001:DB8:0:0:0:0:0:1-2001:db8::ffff",
      "1:2:3:4:5:6:7:8/128",
    ]
  ) {
    const bytes = new TextEncoder().encode(common);
    assert.ok(scanTargetText(bytes, 0, bytes.length, scanned), common);
  }
});

Deno.test("TargetText items: the same as splitting lines, dropping # comments and splitting on \\s and commas (random texts)", () => {
  const rand = seeded(SEED + 3);
  const pieces = [
    "198.18.0.1",
    "a",
    "#",
    "# c, d",
    ",",
    ",,",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "x#y",
    "2001:db8::/64",
    "é",
  ];
  const reference = (text: string): string[] =>
    // Global: a comment ends at any line terminator (\r, U+2028 too, as
    // `.` does), so a second `#` after a lone \r starts another one.
    text.split("\n").map((line) => line.replace(/#.*/g, ""))
      .flatMap((line) => line.split(/[\s,]+/)).filter((item) => item !== "");
  for (let t = 0; t < 3000; t++) {
    const text = Array.from(
      { length: rand(30) },
      () => pieces[rand(pieces.length)],
    ).join(rand(2) ? "" : " ");
    const want = reference(text);
    assert.deepEqual(
      [...new TargetText(text).items()],
      want,
      JSON.stringify(text),
    );
    // Streamed in random chunks (cut anywhere, even inside a UTF-8
    // sequence): the same items, the same line numbers.
    const bytes = new TextEncoder().encode(text);
    const cuts = [
      0,
      ...Array.from({ length: rand(5) }, () => rand(bytes.length + 1)).sort((
        x,
        y,
      ) => x - y),
      bytes.length,
    ];
    const chunks = () => cuts.slice(1).map((c, k) => bytes.slice(cuts[k], c));
    const streamed = new TargetText(chunks);
    assert.deepEqual(
      [...streamed.items()],
      want,
      `chunks ${cuts} of ${JSON.stringify(text)}`,
    );
    assert.equal(streamed.lineCount(), text.split("\n").length);
  }
});

Deno.test("bad items: messages quote at most ~100 characters, escape control characters, and name the list's source and line", () => {
  const huge = "9".repeat(10 * 1024 * 1024);
  for (const bad of [huge, `198.18.0.1-${huge}`, `${huge}/24`]) {
    const message = (() => {
      try {
        new TargetSet({ include: [bad] });
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    assert.ok(
      message.length > 0 && message.length < 400,
      `${message.length} characters`,
    );
    assert.match(message, /characters\)/);
  }
  const nasty = "198.18.0.1\u001b[2J\u0007\u009b\r";
  assert.throws(() => parseAddressRange(nasty), (e: Error) => {
    const raw = [...e.message].filter((c) =>
      c < " " || (c >= "\x7f" && c <= "\x9f")
    );
    assert.deepEqual(raw, [], "no raw control characters");
    assert.match(e.message, /\\u001b\[2J\\u0007\\u009b\\r/);
    return true;
  });
  const list = new TargetText(
    "198.18.0.0/24\n# fine\n198.18.1.1, 198.18.1.300\n",
    "--excludefile ex.txt",
  );
  assert.throws(
    () => new TargetSet({ include: ["198.18.0.0/16"], exclude: [list] }),
    /--excludefile ex\.txt:3: bad target "198\.18\.1\.300"/,
  );
  assert.throws(() => list.ranges(), /--excludefile ex\.txt:3: /);
  const set = new TargetSet({
    include: [new TargetText("198.18.0.0/30, 2001:db8::/126 # x\n")],
    exclude: ["198.18.0.1"],
  });
  assert.deepEqual([set.ipv4Count, set.ipv6Count], [3, 4]);
  assert.throws(
    () => new TargetSet({ include: [new TargetText("# nothing\n")] }),
    /no targets:/,
  );
});

Deno.test("pick allocates nothing over 10^5 merged ranges: no GC during 10^7 IPv4 and IPv6 picks", async () => {
  const setup = `
import { Ipv6RangeList, NumberRangeList } from "${ROOT}blackrock/mod.ts";
const v4 = new NumberRangeList(), v6 = new Ipv6RangeList();
v4.add(0, 2 ** 32 - 1);
v6.add(0x20010db8n << 96n, (0x20010db8n << 96n) + (1n << 52n));
for (let k = 0; k < 100000; k++) {
  const at = k * 40000 + 7;
  v4.remove(at, at + (k % 5));
  v6.remove((0x20010db8n << 96n) + BigInt(at) * 1000n, (0x20010db8n << 96n) + BigInt(at) * 1000n + 3n);
}
v4.seal(); v6.seal();
const out = new Uint8Array(16);
const n4 = v4.count, n6 = v6.count;
function step(i) {
  v6.pick((i * 7919) % n6, out, 0);
  return (v4.pick((i * 104729) % n4) + out[15]) & 0xffff;
}`;
  const { gcs } = await gcCountDuring(setup);
  assert.equal(gcs, 0, `${gcs} GCs during 10^7 picks`);
});

Deno.test("128-bit word sort (LSD byte radix, constant bytes skipped) equals a bigint sort: sizes 0..5000, shared prefixes, duplicates", async () => {
  const { sortValues, wordsToBigint, bigintToWords } = await import(
    "../blackrock/words128.ts"
  );
  const rand = seeded(SEED + 4);
  for (let t = 0; t < 60; t++) {
    const n = [0, 1, 2, 31, 33, 257, 5000][t % 7];
    const prefix = rand(2) ? 0x20010db8n << 96n : 0n;
    const bits = [8, 24, 64, 128][rand(4)];
    const values: bigint[] = [];
    for (let i = 0; i < n; i++) {
      let v = 0n;
      for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(rand(65536));
      v = prefix | (v & ((1n << BigInt(bits)) - 1n));
      values.push(rand(10) === 0 && i > 0 ? values[rand(i)] : v);
    }
    const keys = new Uint32Array(4 * n + 8); // spare room, as pending lists have
    values.forEach((v, i) => bigintToWords(v, keys, 4 * i));
    sortValues(keys, n);
    const got = Array.from({ length: n }, (_, i) => wordsToBigint(keys, 4 * i));
    assert.deepEqual(
      got,
      [...values].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
      `seed ${SEED} trial ${t}`,
    );
  }
});
