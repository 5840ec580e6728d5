// Scan engine runs that touch no network: the transmit Worker writes its
// probes into a pcap file (`file:` driver) or discards them (`null`), and the
// tests read the capture back. Exactly retries+1 probes per target, resume
// after an interrupt (union = full scan, no probe twice), shards, offline
// stats, and no allocation in the transmit loop.

import assert from "node:assert/strict";
import { ScanOrder, Target, TargetSet } from "../blackrock/mod.ts";
import { bytesSource, PcapReader, PcapWriter } from "../drivers/mod.ts";
import {
  formatIpv4,
  ParsedFrame,
  parseFrame,
  parseMac,
} from "../packet/mod.ts";
import {
  type EngineOptions,
  type EngineSummary,
  runScan,
  ScanEngineError,
  type ScanStatus,
  startScan,
} from "../examples/scan/engine/engine.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_engine_offline_test.ts");

const MAC = parseMac("02:00:5a:00:00:0a");
const ROUTER = parseMac("02:00:5a:00:00:0b");
const SOURCE = 0xc6120001;

function options(
  driverName: string,
  include: string[],
  ports: string,
  extra: Partial<EngineOptions> = {},
): EngineOptions {
  return {
    targets: new TargetSet({ include, ports }),
    rate: Infinity,
    wait: 0,
    adapter: {
      driverName,
      ifname: "test",
      ipv4: SOURCE,
      ipv6: new Uint8Array(16).fill(0x20, 0, 1).fill(1, 15),
      mac: MAC,
      routerMac4: ROUTER,
      routerMac6: ROUTER,
    },
    ...extra,
  };
}

/** Probes in a capture: "ip:port" (TCP, "U:"+port for UDP, "icmp") → count. */
async function probesIn(path: string): Promise<Map<string, number>> {
  const reader = new PcapReader(bytesSource(await Deno.readFile(path)));
  const parsed = new ParsedFrame();
  const counts = new Map<string, number>();
  for (let r = reader.next(); r; r = reader.next()) {
    const kind = parseFrame(r.data, parsed);
    assert.equal(parsed.ip4Source, SOURCE);
    const key = kind === "tcp"
      ? `${formatIpv4(parsed.ip4Destination)}:${parsed.destinationPort}`
      : kind === "udp"
      ? `${formatIpv4(parsed.ip4Destination)}:U:${parsed.destinationPort}`
      : `${formatIpv4(parsed.ip4Destination)}:icmp`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function allTargets(targets: TargetSet): Set<string> {
  const t = new Target();
  const keys = new Set<string>();
  for (let i = 0; i < targets.count; i++) {
    targets.pick(i, t);
    const port = t.port < 65536 ? `${t.port}` : `U:${t.port & 0xffff}`;
    keys.add(`${formatIpv4(t.ipv4)}:${port}`);
  }
  return keys;
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "zon-scan-engine-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("engine: --retries 2 sends exactly 3 probes per target (file: capture)", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/probes.pcap`;
    const o = options(`file:${path}`, ["198.18.0.0/26"], "22,80,443,U:53", {
      retries: 2,
      retryWindow: 50, // several windows
    });
    const summary = await runScan(o, () => {});
    const counts = await probesIn(path);
    assert.equal(summary.sent, 64 * 4 * 3);
    assert.equal(summary.resumeIndex, summary.totalProbes);
    assert.equal(summary.interrupted, false);
    assert.deepEqual(new Set(counts.keys()), allTargets(o.targets));
    for (const [key, n] of counts) assert.equal(n, 3, key);
  });
});

Deno.test("engine: interrupt at a random moment, resume: union = full scan, no probe twice", async () => {
  await withTempDir(async (dir) => {
    const make = (path: string, startIndex: number) =>
      options(`file:${path}`, ["198.18.0.0/24"], "1-40", {
        retries: 1,
        retryWindow: 1000,
        rate: 20_000,
        startIndex,
        sourcePort: { first: 40000, count: 64 },
        seed: 99,
      });
    const first = startScan(make(`${dir}/a.pcap`, 0), () => {});
    // Worker start-up (type-checking under `deno test`) varies: count from
    // the first probe, then interrupt anywhere in the ~1 s scan.
    while (first.resumeIndex === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, random() * 700));
    first.interrupt();
    const a: EngineSummary = await first.done;
    assert.equal(a.interrupted, true);
    assert.ok(a.resumeIndex > 0 && a.resumeIndex < a.totalProbes);
    const b = await runScan(make(`${dir}/b.pcap`, a.resumeIndex), () => {});
    assert.equal(b.interrupted, false);
    assert.equal(a.sent + b.sent, a.totalProbes);
    const countsA = await probesIn(`${dir}/a.pcap`);
    const countsB = await probesIn(`${dir}/b.pcap`);
    const union = new Map(countsA);
    for (const [k, n] of countsB) union.set(k, (union.get(k) ?? 0) + n);
    const all = allTargets(make("x", 0).targets);
    assert.deepEqual(new Set(union.keys()), all);
    // retries=1: every target exactly twice over both runs, never more.
    for (const [key, n] of union) assert.equal(n, 2, key);
  });
});

Deno.test("engine: shards 1/3, 2/3, 3/3 together probe every target once", async () => {
  await withTempDir(async (dir) => {
    const union = new Map<string, number>();
    let targets: TargetSet | null = null;
    for (let one = 1; one <= 3; one++) {
      const path = `${dir}/shard${one}.pcap`;
      // U:53 has one payload (U:161 two: tests/scan_udp_multi_payload_test.ts).
      const o = options(`file:${path}`, ["198.18.1.0/25"], "80,81,U:53", {
        shard: { one, of: 3 },
        seed: 5,
      });
      targets = o.targets;
      const s = await runScan(o, () => {});
      assert.equal(
        s.sent,
        new ScanOrder(o.targets, { shard: { one, of: 3 } }).length,
      );
      for (const [k, n] of await probesIn(path)) {
        union.set(k, (union.get(k) ?? 0) + n);
      }
    }
    assert.deepEqual(new Set(union.keys()), allTargets(targets!));
    for (const [key, n] of union) assert.equal(n, 1, key);
  });
});

Deno.test("engine: --ping adds one ICMP echo per address", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/ping.pcap`;
    const s = await runScan(
      options(`file:${path}`, ["198.18.2.0/28"], "80", { ping: true }),
      () => {},
    );
    const counts = await probesIn(path);
    assert.equal(s.sent, 32);
    assert.equal(
      [...counts.keys()].filter((k) => k.endsWith(":icmp")).length,
      16,
    );
  });
});

Deno.test("engine: --offline --stats measures pps and per-stage ns", async () => {
  const s = await runScan(
    options("pcap:unused", ["198.18.0.0/16"], "80,443", {
      offline: true,
      stats: true,
    }),
    () => {},
  );
  assert.equal(s.sent, 2 * 65536);
  assert.equal(s.transmit.packets, s.sent);
  assert.ok(s.transmit.pps > 10_000, `pps ${s.transmit.pps}`);
  const stages = s.transmit.stages!;
  for (
    const stage of [
      "shuffle",
      "pick",
      "cookie",
      "write",
      "driver",
      "other",
    ] as const
  ) {
    assert.ok(Number.isFinite(stages[stage]) && stages[stage] >= 0, stage);
  }
  const sum = Object.values(stages).reduce((a, b) => a + b, 0);
  const perPacket = 1e9 / s.transmit.pps;
  assert.ok(
    Math.abs(sum - perPacket) / perPacket < 0.05,
    `${sum} vs ${perPacket}`,
  );
});

Deno.test("engine: bad options fail at once with a clear message", () => {
  assert.throws(
    () => startScan(options("null", ["198.18.0.1"], "S:9"), () => {}),
    (e: unknown) => e instanceof ScanEngineError && /SCTP/.test(e.message),
  );
  const noIp = options("null", ["198.18.0.1"], "80");
  noIp.adapter = { ...noIp.adapter, ipv4: undefined };
  assert.throws(() => startScan(noIp, () => {}), /IPv4 source address/);
  assert.throws(
    () =>
      startScan(
        options("null", ["198.18.0.1"], "80", { startIndex: 5 }),
        () => {},
      ),
    /start index 5 is outside/,
  );
  const noRouter = options("pcap:x", ["198.18.0.1"], "80");
  noRouter.adapter = { ...noRouter.adapter, routerMac4: undefined };
  assert.throws(
    () => startScan(noRouter, () => {}),
    /routerMac4 must be 6 bytes/,
  );
});

Deno.test("engine: a driver that cannot open rejects done with the Worker's error", async () => {
  await assert.rejects(
    runScan(
      options("file:/nonexistent-dir/x.pcap", ["198.18.0.1"], "80"),
      () => {},
    ),
    (e: unknown) =>
      e instanceof ScanEngineError && /transmit Worker failed/.test(e.message),
  );
});

Deno.test("engine: the transmit loop allocates nothing per packet (--trace-gc)", async () => {
  // 4M probes into the null driver; a loop that allocated even one heap
  // number per packet would need dozens of scavenges.
  const script = `
import { TargetSet } from "${
    new URL("../blackrock/mod.ts", import.meta.url).href
  }";
import { runScan } from "${
    new URL("../examples/scan/engine/engine.ts", import.meta.url).href
  }";
const s = await runScan({ targets: new TargetSet({ include: ["10.0.0.0/11", "2001:2::/112"], ports: "80,U:53" }),
  rate: Infinity, offline: true, wait: 0,
  adapter: { driverName: "null", ifname: "null", ipv4: 0xc6120001, ipv6: new Uint8Array(16).fill(1),
    mac: new Uint8Array(6) } }, () => {});
console.log("@@sent " + s.sent);
`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--trace-gc", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, text.slice(-2000));
  assert.match(text, /@@sent 4325376/);
  const gcs = (text.match(/Scavenge|Mark-Compact|Minor Mark/g) ?? []).length;
  assert.ok(gcs < 12, `${gcs} GCs for 4.3M probes:\n${text.slice(0, 3000)}`);
});

// A timing test: ./run test runs it in a second, serial pass (ZON_TIMING=1).
Deno.test({
  name:
    "timing: engine: status about every interval; percent never passes 100 with retries and shards",
  ignore: Deno.env.get("ZON_TIMING") !== "1",
}, async () => {
  const statuses: ScanStatus[] = [];
  // ~2 s of sending, so a busy machine still yields several rate samples.
  const o = options("null", ["198.18.0.0/20"], "80,443", {
    retries: 2,
    shard: { one: 2, of: 3 },
    rate: 4000,
    statusIntervalMs: 100,
    onStatus: (st) => statuses.push(st),
  });
  const s = await runScan(o, () => {});
  // Shard 2/3 of 4096 × 2 targets: indices 1, 4, 7, ... → 2731, × 3 probes.
  assert.equal(s.totalProbes, 2731 * 3);
  assert.equal(s.resumeIndex, s.totalProbes);
  assert.ok(statuses.length >= 3, `${statuses.length} statuses`);
  for (let i = 0; i < statuses.length; i++) {
    const st = statuses[i];
    assert.ok(st.percent >= 0 && st.percent <= 100, `${st.percent}%`);
    assert.ok(st.sent <= s.totalProbes);
    if (i > 0) assert.ok(st.percent >= statuses[i - 1].percent);
  }
  const busy = statuses.filter((st) => st.phase === "sending" && st.rate > 0);
  assert.ok(busy.some((st) => Math.abs(st.rate - 4000) < 800), "rate shown");
});

Deno.test("engine: first interrupt waits for replies, the second ends the wait", async () => {
  await withTempDir(async (dir) => {
    // A receive side that never delivers anything: an empty savefile.
    const empty = `${dir}/empty.pcap`;
    const file = await Deno.open(empty, { write: true, create: true });
    new PcapWriter(file).flush();
    file.close();
    const o = options(`file:${dir}/out.pcap`, ["198.18.0.0/24"], "1-100", {
      rate: 2000,
      wait: 30,
    });
    o.adapter = { ...o.adapter, receiveDriver: `file:${empty}` };
    const scan = startScan(o, () => {});
    while (scan.resumeIndex === 0) await new Promise((r) => setTimeout(r, 5));
    scan.interrupt();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(scan.status().phase, "waiting");
    const started = performance.now();
    scan.interrupt();
    const s = await scan.done;
    assert.ok(
      performance.now() - started < 3000,
      "second interrupt ends the wait",
    );
    assert.equal(s.interrupted, true);
    assert.equal(s.resumeIndex, s.sent);
  });
});
