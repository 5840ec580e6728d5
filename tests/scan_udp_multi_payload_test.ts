// Every payload of a UDP port goes out (h16u): 161 gets SNMPv1 and the
// SNMPv3 discovery, 443 QUIC and DTLS, each as a probe of its own —
// `--retries` copies of each, and Ctrl-C + resume sends each exactly once
// over both runs. The transmit Worker writes into a pcap file (`file:`
// driver); the capture is read back and every datagram's payload compared
// with udpPayloads() (the payload bytes themselves are checked by tshark in
// tests/scan_udp_payloads_test.ts).

import assert from "node:assert/strict";
import { TargetSet } from "../blackrock/mod.ts";
import { bytesSource, PcapReader } from "../drivers/mod.ts";
import {
  formatIpv4,
  ParsedFrame,
  parseFrame,
  parseMac,
} from "../packet/mod.ts";
import {
  type EngineOptions,
  runScan,
  startScan,
} from "../examples/scan/engine/engine.ts";
import { udpPayloads } from "../examples/scan/transmit/udp_payloads.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_udp_multi_payload_test.ts");
const SOURCE = 0xc6120001;
const PORTS = "80,U:9,53,161,443,4433";

function options(
  path: string,
  extra: Partial<EngineOptions> = {},
): EngineOptions {
  return {
    targets: new TargetSet({ include: ["198.18.7.0/27"], ports: PORTS }),
    rate: Infinity,
    wait: 0,
    adapter: {
      driverName: `file:${path}`,
      ifname: "test",
      ipv4: SOURCE,
      mac: parseMac("02:00:5a:00:00:0a"),
      routerMac4: parseMac("02:00:5a:00:00:0b"),
    },
    ...extra,
  };
}

const hex = (b: Uint8Array) =>
  [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

/** "ip proto port payload-hex" → count, over the captures. */
async function probesIn(...paths: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const parsed = new ParsedFrame();
  for (const path of paths) {
    const reader = new PcapReader(bytesSource(await Deno.readFile(path)));
    for (let r = reader.next(); r; r = reader.next()) {
      const kind = parseFrame(r.data, parsed);
      const payload = r.data.subarray(parsed.payloadOffset, parsed.payloadEnd);
      const key = `${
        formatIpv4(parsed.ip4Destination)
      } ${kind} ${parsed.destinationPort} ${
        kind === "udp" ? hex(payload) : ""
      }`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** What a full scan must send: each (target, port, payload) once per round. */
function expected(): Set<string> {
  const keys = new Set<string>();
  for (let i = 0; i < 32; i++) {
    const ip = `198.18.7.${i}`;
    keys.add(`${ip} tcp 80 `);
    for (const port of [9, 53, 161, 443, 4433]) {
      const payloads = udpPayloads(port);
      if (payloads.length === 0) keys.add(`${ip} udp ${port} `);
      for (const p of payloads) keys.add(`${ip} udp ${port} ${hex(p)}`);
    }
  }
  return keys;
}

Deno.test("udp payloads: every payload of a port is sent, --retries copies of each", async () => {
  assert.equal(udpPayloads(161).length, 2);
  assert.equal(udpPayloads(443).length, 2);
  const dir = await Deno.makeTempDir({ prefix: "h16u-multi-" });
  try {
    const summary = await runScan(
      options(`${dir}/a.pcap`, { retries: 2, retryWindow: 20 }),
      () => {},
    );
    const counts = await probesIn(`${dir}/a.pcap`);
    const want = expected();
    assert.deepEqual(new Set(counts.keys()), want);
    for (const [key, n] of counts) assert.equal(n, 3, key);
    // 32 targets × (80, 9, 53, 161 ×2, 443 ×2, 4433) × 3 rounds.
    assert.equal(want.size, 32 * 8);
    assert.equal(summary.sent, 32 * 8 * 3);
    assert.equal(summary.totalProbes, 32 * 8 * 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("udp payloads: interrupt at a random moment, resume: each payload's probe sent exactly retries+1 times", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16u-multi-" });
  try {
    const make = (path: string, startIndex: number) =>
      options(path, {
        retries: 1,
        retryWindow: 50,
        rate: 800,
        startIndex,
        seed: 7,
        sourcePort: { first: 40000, count: 16 },
      });
    const first = startScan(make(`${dir}/a.pcap`, 0), () => {});
    while (first.resumeIndex === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50 + random() * 400));
    first.interrupt();
    const a = await first.done;
    assert.equal(a.interrupted, true);
    assert.ok(a.resumeIndex > 0 && a.resumeIndex < a.totalProbes);
    const b = await runScan(make(`${dir}/b.pcap`, a.resumeIndex), () => {});
    assert.equal(a.sent + b.sent, a.totalProbes);
    const union = await probesIn(`${dir}/a.pcap`, `${dir}/b.pcap`);
    assert.deepEqual(new Set(union.keys()), expected());
    for (const [key, n] of union) assert.equal(n, 2, key);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Runs the CLI; exit code and stderr. */
async function zon(args: string[]): Promise<{ code: number; stderr: string }> {
  const scan = new URL("../examples/scan.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", scan, ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** Two offline shards of `args`, then --merge: the completion records. */
async function shardsThenMerge(
  dir: string,
  args: string[],
): Promise<{ records: Array<Record<string, number>>; merge: string }> {
  for (const n of [1, 2]) {
    const out = await zon([
      ...args,
      "--offline",
      "--shard",
      `${n}/2`,
      "--seed",
      "11",
      "-oD",
      `${dir}/shard${n}.ndjson`,
    ]);
    assert.equal(out.code, 0, out.stderr);
  }
  const records = [1, 2].map((n) =>
    JSON.parse(
      Deno.readTextFileSync(`${dir}/shard${n}.ndjson`).trim().split("\n")
        .at(-1)!,
    )
  );
  const merged = await zon(["--merge", dir, "-oD", `${dir}/all.out`]);
  assert.equal(merged.code, 0, merged.stderr);
  return { records, merge: merged.stderr };
}

Deno.test("udp payloads: shards of a scan with two-payload ports merge (completion records count the extra probes; --ping's too)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16u-multi-merge-" });
  try {
    await Deno.mkdir(`${dir}/udp`);
    const udp = await shardsThenMerge(`${dir}/udp`, [
      "198.18.7.0/28",
      "-p",
      "80,U:53,161,443",
    ]);
    // 16 addresses × (80, U:53, U:161 ×2, U:443 ×2).
    assert.equal(udp.records[0].targets, 16 * 6);
    assert.equal(udp.records[0].total + udp.records[1].total, 16 * 6);
    assert.match(udp.merge, /covered: 2\/2 shards, 96 probes, exactly/);
    // --ping scans port 0 and the ICMP echo column: 16 × 2.
    await Deno.mkdir(`${dir}/ping`);
    const ping = await shardsThenMerge(`${dir}/ping`, [
      "198.18.7.0/28",
      "--ping",
    ]);
    assert.equal(ping.records[0].targets, 16 * 2);
    assert.match(ping.merge, /covered: 2\/2 shards, 32 probes, exactly/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("udp payloads: the CLI's Ctrl-C, paused.conf and --resume send each payload's probe exactly once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16u-multi-resume-" });
  const scan = new URL("../examples/scan.ts", import.meta.url).pathname;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        scan,
        "198.18.7.0/27",
        "-p",
        "80,U:9,53,161,443,4433",
        "-e",
        `file:${dir}/a.pcap`,
        "--adapter-ip",
        "198.18.1.1",
        "--adapter-mac",
        "02:00:5a:00:00:0a",
        "--router-mac",
        "02:00:5a:00:00:0b",
        "--rate",
        "100",
        "--wait",
        "0",
        "--seed",
        "7",
      ],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    // 256 probes at 100/s: once the capture grows (the Workers started,
    // whatever the machine's load), interrupt somewhere in the sending.
    const size = () => Deno.stat(`${dir}/a.pcap`).then((i) => i.size, () => 0);
    const deadline = Date.now() + 60_000;
    while (await size() < 2000) {
      if (Date.now() > deadline) throw new Error(`no probes: ${await stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, random() * 1000));
    child.kill("SIGINT");
    await child.status;
    const conf = await Deno.readTextFile(`${dir}/paused.conf`).catch(
      async (e) => {
        throw new Error(`no paused.conf: ${await stderr}`, { cause: e });
      },
    );
    const index = Number(/^resume-index = (\d+)$/m.exec(conf)?.[1]);
    assert.ok(index > 0 && index < 256, `resume-index ${index}`);
    // The index space's size goes with it (every payload counted), so a
    // resume into another index space is refused rather than misplaced.
    assert.match(conf, /^resume-total = 256$/m);
    await Deno.writeTextFile(
      `${dir}/paused.conf`,
      conf.replace(/^adapter = .*$/m, `adapter = file:${dir}/b.pcap`),
    );
    const resumed = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", scan, "--resume", `${dir}/paused.conf`],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
    const union = await probesIn(`${dir}/a.pcap`, `${dir}/b.pcap`);
    assert.deepEqual(new Set(union.keys()), expected());
    for (const [key, n] of union) assert.equal(n, 1, key);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
