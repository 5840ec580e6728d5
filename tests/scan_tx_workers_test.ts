// --tx-workers N end to end through the CLI, in the scan lab (namespaces,
// 198.18.0.0/15 and 2001:2::/48, no route out), the probes checked on the
// wire with tcpdump on the router's end of the scanner link:
//
// - N = 2 (ring:) and N = 4 (pcap: — each Worker its own pcap handle) send
//   every target exactly once and find every open port; with N = 4 the
//   shards 1/2 and 2/2 of one seed together probe each target once.
// - SIGINT at a random moment with N = 4, then `--resume paused.conf`: the
//   paused.conf holds each Worker's progress (tx-worker-progress), the
//   probes of both runs cover every target once, and the union of the
//   results equals the ground truth.
// - timing (serial pass): a veth pair and tcpdump on the peer; the probes
//   arrive at --rate ±5% with N = 2 and 4; and offline (the null driver),
//   each Worker holds its share of the rate ±5%.
//
// Size: 8 lab addresses × TCP 1-3000 (24k probes) per scan.
//
// Needs root, iproute2, ethtool, tcpdump, python3, openssl.

import assert from "node:assert/strict";
import {
  auditProbes,
  type Finding,
  probeKey,
  scanLab,
  targetKeys,
  withLab,
} from "../examples/scan/lab/mod.ts";
import { compareWithTruth } from "../examples/scan/lab/results.ts";
import { probesDone } from "../examples/scan/transmit/stripes.ts";
import {
  formatScanConfig,
  parseScanArgs,
} from "../examples/scan/cli/config.ts";
import { runScan } from "../examples/scan/engine/engine.ts";
import { formatStatusLine } from "../examples/scan/cli/status.ts";
import { TargetSet } from "../blackrock/mod.ts";
import { DENO, withVethPair } from "./helpers/drivers_netns.ts";
import { run } from "./helpers/command.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_tx_workers_test.ts");
const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;

Deno.test("scan --tx-workers 2 (ring:) and 4 (pcap:, shards 1/2 + 2/2): every target probed exactly once, every open port found", async () => {
  await withLab({
    randomOpenPorts: 4,
    randomPortRange: [1, 3000],
    seed: Date.now() % 1e6,
  }, async (lab) => {
    const ports = "1-3000";
    const scope = { targets: [...lab.targets4, ...lab.targets6], ports };
    const targets = targetKeys(scope);
    const sources = [lab.adapterIp, lab.adapterIp6];
    const seed = String(Math.floor(random() * 2 ** 32));
    let sourcePort = 20000 + Math.floor(random() * 20000);
    const scan = (driver: "ring" | "pcap", workers: number, shard = "1/1") =>
      scanLab(lab, {
        driver,
        rate: 40_000,
        ports,
        wait: 1,
        capture: true,
        showScannerStderr: false,
        extraArgs: [
          "--tx-workers",
          String(workers),
          "--seed",
          seed,
          "--shard",
          shard,
          // A fresh source port per scan: see scan_e2e_found_test.ts.
          "--source-port",
          String(sourcePort += 7),
        ],
      });

    const two = await scan("ring", 2);
    const name2 = `ring: --tx-workers 2 (seed ${seed})`;
    assert.equal(two.scannerExit, 0, `${name2}: ${two.scannerStderr}`);
    assert.equal(two.captureDropped, 0, `${name2}: the capture lost frames`);
    const audit = auditProbes(two.probes!, targets, sources);
    assert.deepEqual(audit.outside.slice(0, 10), [], `${name2}: outside`);
    assert.deepEqual(audit.wrongSource.slice(0, 10), [], `${name2}: source`);
    assert.equal(audit.duplicates, 0, `${name2}: a target probed twice`);
    assert.deepEqual(audit.missing.slice(0, 10), [], `${name2}: missing`);
    assert.equal(audit.total, targets.size);
    assert.deepEqual(two.comparison.missed, [], `${name2}: missed`);
    assert.deepEqual(two.comparison.falsePositives, [], name2);

    const owner = new Map<string, string>();
    const findings: Finding[] = [];
    for (const shard of ["1/2", "2/2"]) {
      const r = await scan("pcap", 4, shard);
      const name = `pcap: --tx-workers 4 --shard ${shard} (seed ${seed})`;
      assert.equal(r.scannerExit, 0, `${name}: ${r.scannerStderr}`);
      assert.equal(r.captureDropped, 0, `${name}: the capture lost frames`);
      const a = auditProbes(r.probes!, targets, sources);
      assert.deepEqual(a.outside.slice(0, 10), [], `${name}: outside`);
      assert.equal(a.duplicates, 0, `${name}: a target probed twice`);
      assert.ok(
        Math.abs(a.total - targets.size / 2) <= 1,
        `${name}: ${a.total}`,
      );
      for (const p of r.probes!) {
        const key = probeKey(p);
        assert.equal(owner.get(key), undefined, `${key}: both shards`);
        owner.set(key, shard);
      }
      findings.push(...r.findings);
    }
    assert.equal(owner.size, targets.size, "the shards cover every target");
    const union = compareWithTruth(findings, lab.truth, scope);
    assert.deepEqual(union.missed, [], "the shards find every open port");
    assert.deepEqual(union.falsePositives, []);
  });
});

Deno.test("scan --tx-workers 4: SIGINT then --resume paused.conf: each Worker resumes, no target lost or probed twice", async () => {
  await withLab({
    randomOpenPorts: 6,
    randomPortRange: [1, 3000],
    seed: Date.now() % 1e6,
  }, async (lab) => {
    const ports = "1-3000";
    const scope = { targets: [...lab.targets4, ...lab.targets6], ports };
    const targets = targetKeys(scope);
    const interruptAfterMs = 1500 + Math.floor(random() * 1200);
    const base = {
      driver: "ring" as const,
      rate: 8_000,
      ports,
      wait: 1,
      capture: true,
      showScannerStderr: false,
    };
    const first = await scanLab(lab, {
      ...base,
      extraArgs: [
        "--tx-workers",
        "4",
        "--source-port",
        String(20000 + Math.floor(random() * 20000)),
      ],
      interruptAfterMs,
    });
    const why =
      `interrupted after ${interruptAfterMs} ms: ${first.scannerStderr}`;
    assert.equal(first.scannerExit, 0, why);
    assert.equal(first.captureDropped, 0, "the capture lost frames");
    const paused = await Deno.readTextFile(`${lab.dir}/paused.conf`);
    assert.match(paused, /^tx-workers = 4$/m, paused);
    const line = /^tx-worker-progress = ([\d,]+)$/m.exec(paused);
    assert.ok(line, `no tx-worker-progress line: ${paused}`);
    const progress = line[1].split(",").map(Number);
    assert.equal(progress.length, 4);
    const index = Number(/^resume-index = (\d+)$/m.exec(paused)?.[1]);
    assert.equal(index, Math.min(...progress), "resume-index is the minimum");
    assert.ok(probesDone(progress) < targets.size, `${progress}: ${why}`);
    assert.equal(
      first.probes!.length,
      probesDone(progress),
      "the probes on the wire are those the progress says were sent",
    );

    const second = await scanLab(lab, {
      ...base,
      args: ["--resume", "paused.conf"],
      scope,
    });
    assert.equal(second.scannerExit, 0, second.scannerStderr);
    assert.equal(second.captureDropped, 0, "the capture lost frames");
    const probes = [...first.probes!, ...second.probes!];
    const audit = auditProbes(probes, targets, [lab.adapterIp, lab.adapterIp6]);
    assert.deepEqual(audit.outside.slice(0, 10), [], "probes outside");
    assert.equal(audit.duplicates, 0, "targets probed twice");
    assert.deepEqual(audit.missing.slice(0, 10), [], "targets never probed");
    const union = compareWithTruth(
      [...first.findings, ...second.findings],
      lab.truth,
      scope,
    );
    assert.deepEqual(union.missed, [], "the two runs find every open port");
    assert.deepEqual(union.falsePositives, []);
  });
});

Deno.test("scan --tx-workers: flag, auto, -c file, --echo; N = 1 keeps masscan's paused.conf", async () => {
  assert.equal(parseScanArgs(["198.18.0.1"]).txWorkers, 1);
  const auto = parseScanArgs(["198.18.0.1", "--tx-workers", "auto"]).txWorkers;
  const cores = navigator.hardwareConcurrency;
  assert.equal(auto, Math.max(1, Math.min(8, cores - 1)));
  const xdp = ["198.18.0.1", "-e", "xdp:eth0", "--tx-workers", "auto"];
  assert.equal(parseScanArgs(xdp).txWorkers, 1, "auto with xdp: is 1");
  // The status line shows each Worker's rate when there are several.
  const line = formatStatusLine(
    {
      sent: 500,
      targets: 1000,
      retries: 0,
      found: 2,
      workerRates: [47_600, 47_700],
    },
    95_300,
  );
  assert.match(line, /^rate: 95\.30-kpps \(47\.6\+47\.7\), 50\.00% done,/);
  assert.doesNotMatch(
    formatStatusLine({
      sent: 1,
      targets: 2,
      retries: 0,
      found: 0,
      workerRates: [9],
    }, 9),
    /\(/,
  );
  for (const bad of ["0", "9", "1.5", "two"]) {
    assert.throws(
      () => parseScanArgs(["198.18.0.1", "--tx-workers", bad]),
      new RegExp(
        `--tx-workers ${bad}: expected a whole number 1\\.\\.8, or auto`,
      ),
    );
  }
  const c = parseScanArgs(["198.18.0.1", "--tx-workers", "3", "--seed", "5"]);
  const text = formatScanConfig(c, 1000, [1000, 1300, 1100]);
  assert.match(text, /^tx-workers = 3$/m);
  assert.match(text, /^tx-worker-progress = 1000,1300,1100$/m);
  const dir = await Deno.makeTempDir({ prefix: "zon-h15t-" });
  try {
    await Deno.writeTextFile(`${dir}/paused.conf`, text);
    const back = parseScanArgs(["--resume", `${dir}/paused.conf`]);
    assert.equal(back.txWorkers, 3);
    assert.deepEqual(back.txWorkerProgress, [1000, 1300, 1100]);
    assert.equal(back.resumeIndex, 1000);
    await Deno.writeTextFile(`${dir}/w.conf`, "tx-workers = 2\n");
    assert.equal(
      parseScanArgs(["198.18.0.1", "-c", `${dir}/w.conf`]).txWorkers,
      2,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const echo = await new Deno.Command(DENO, {
    args: ["run", "-A", SCAN, "198.18.0.1", "--tx-workers", "2", "--echo"],
    stdout: "piped",
  }).output();
  assert.match(new TextDecoder().decode(echo.stdout), /^tx-workers = 2$/m);
  // One Worker: the paused.conf masscan writes and reads (resume-index only).
  const one = formatScanConfig(parseScanArgs(["198.18.0.1"]), 77, [77]);
  assert.doesNotMatch(one, /tx-/);
  assert.match(one, /^resume-index = 77$/m);
});

/**
 * The SYNs in a capture: how many, their mean rate from first to last, and
 * the median rate of its 250 ms bins (the steady rate: on this shared
 * machine a Worker loses the CPU now and then, and its token bucket, like
 * masscan's, does not make up more than a burst afterwards).
 */
async function synRates(
  ns: string,
  file: string,
): Promise<{ n: number; mean: number; median: number }> {
  const out = await run([
    "ip",
    "netns",
    "exec",
    ns,
    "tcpdump",
    "-r",
    file,
    "-n",
    "-tt",
    "-q",
  ]);
  const times = out.split("\n").filter((l) => l.includes(" > ")).map((l) =>
    Number(l.split(" ")[0])
  );
  const n = times.length;
  const bins: number[] = [];
  for (const t of times) {
    const b = Math.floor((t - times[0]) / 0.25);
    bins[b] = (bins[b] ?? 0) + 1;
  }
  // Whole bins only: not the last, partial one.
  const whole = bins.slice(0, -1).map((c) => (c ?? 0) * 4).sort((a, b) =>
    a - b
  );
  return {
    n,
    mean: (n - 1) / (times[n - 1] - times[0]),
    median: whole[Math.floor(whole.length / 2)],
  };
}

Deno.test({
  name:
    "timing: scan --tx-workers 2 and 4: probes reach the peer at --rate ±5% (summed over Workers); each Worker at its share offline",
  ignore: Deno.env.get("ZON_TIMING") !== "1",
}, async () => {
  await withVethPair(async (pair) => {
    const rate = 20_000;
    const probes = 60_000; // 3 s
    for (const workers of [2, 4]) {
      const file = `/tmp/zon-h15t-${Deno.pid}-${workers}.pcap`;
      let scanErr = "", dumpErr = "";
      const dump = new Deno.Command("ip", {
        args: [
          "netns",
          "exec",
          pair.nsB,
          "tcpdump",
          "-i",
          pair.ifB,
          "-w",
          file,
          "-U",
          "--immediate-mode",
          "-B",
          "65536",
          "tcp[tcpflags] & tcp-syn != 0 and src host 198.18.200.1",
        ],
        stderr: "piped",
      }).spawn();
      try {
        await new Promise((r) => setTimeout(r, 1000)); // tcpdump listening
        const scan = await new Deno.Command("ip", {
          args: [
            "netns",
            "exec",
            pair.nsA,
            DENO,
            "run",
            "-A",
            SCAN,
            "198.18.200.2",
            "-p",
            `1-${probes}`,
            "-e",
            `ring:${pair.ifA}`,
            "--adapter-ip",
            "198.18.200.1",
            "--router-mac",
            pair.macB,
            "--rate",
            String(rate),
            "--wait",
            "0",
            "--tx-workers",
            String(workers),
            "--source-port",
            "61000",
          ],
          stdout: "null",
          stderr: "piped",
        }).output();
        scanErr = new TextDecoder().decode(scan.stderr);
        assert.ok(scan.success, scanErr);
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        dump.kill("SIGINT");
        dumpErr = new TextDecoder().decode((await dump.output()).stderr);
      }
      try {
        const { n, mean, median } = await synRates(pair.nsB, file);
        assert.equal(
          n,
          probes,
          `--tx-workers ${workers}: SYNs at the peer (${scanErr}; ${dumpErr})`,
        );
        const what = `--tx-workers ${workers}, --rate ${rate}: ${
          median.toFixed(0)
        } probes/s at the peer (median of 250 ms), ${mean.toFixed(0)} overall`;
        console.log(what);
        assert.ok(Math.abs(median / rate - 1) <= 0.05, what);
        // Never faster than --rate; slower only by what the load steals.
        assert.ok(mean <= rate * 1.05 && mean >= rate * 0.85, what);
      } finally {
        await Deno.remove(file).catch(() => {});
      }
    }
  }, "h15t");
  // Offline: each Worker's own token bucket holds its share.
  for (const workers of [2, 4]) {
    const s = await runScan({
      targets: new TargetSet({ include: ["198.18.0.0/22"], ports: "1-40" }),
      rate: 40_000,
      txWorkers: workers,
      offline: true,
      sourcePort: 40000,
      adapter: {
        driverName: "null",
        ifname: "null",
        ipv4: 0xc6120001,
        mac: new Uint8Array(6),
      },
    }, () => {});
    assert.equal(s.sent, 1024 * 40);
    for (const [w, t] of s.transmit.workers.entries()) {
      const share = 40_000 / workers;
      assert.ok(
        Math.abs(t.pps / share - 1) <= 0.05,
        `Worker ${w} of ${workers}: ${t.pps.toFixed(0)} pps for ${share}`,
      );
    }
  }
});
