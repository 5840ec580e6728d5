// End to end through the CLI: shards 1/3, 2/3 and 3/3 of one scan (same
// seed) together probe exactly the full target set, each target once, as a
// tcpdump capture on the scanner link shows; and together they find every
// open port.
//
// Size: the 8 lab addresses (IPv4 and IPv6) × TCP 1-3000 and UDP 53 (24k
// probes) at 50 kpps through ring:, so the capture is lossless.
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
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_e2e_shard_test.ts");

Deno.test("scan e2e: shards 1/3, 2/3, 3/3 probe the full target set exactly once", async () => {
  await withLab({
    randomOpenPorts: 4,
    randomPortRange: [1, 3000],
    seed: Date.now() % 1e6,
  }, async (lab) => {
    const ports = "1-3000,U:53";
    const scope = { targets: [...lab.targets4, ...lab.targets6], ports };
    const targets = targetKeys(scope);
    const seed = String(Math.floor(random() * 2 ** 32));
    const owner = new Map<string, number>();
    const findings: Finding[] = [];
    let sourcePort = 20000 + Math.floor(random() * 20000);
    for (let shard = 1; shard <= 3; shard++) {
      const report = await scanLab(lab, {
        driver: "ring",
        rate: 50_000,
        ports,
        wait: 1,
        extraArgs: [
          "--shard",
          `${shard}/3`,
          "--seed",
          seed,
          // A fresh source port per shard: see scan_e2e_found_test.ts.
          "--source-port",
          String(sourcePort += 7),
        ],
        capture: true,
        showScannerStderr: false,
      });
      const name = `shard ${shard}/3 (seed ${seed})`;
      assert.equal(report.scannerExit, 0, `${name}: ${report.scannerStderr}`);
      assert.equal(
        report.captureDropped,
        0,
        `${name}: the capture lost frames`,
      );
      const audit = auditProbes(report.probes!, targets, [
        lab.adapterIp,
        lab.adapterIp6,
      ]);
      assert.deepEqual(audit.outside.slice(0, 10), [], `${name}: outside`);
      assert.deepEqual(audit.wrongSource.slice(0, 10), [], `${name}: source`);
      assert.equal(audit.duplicates, 0, `${name}: a target probed twice`);
      // About a third each.
      assert.ok(
        Math.abs(audit.total - targets.size / 3) <= 1,
        `${name}: ${audit.total} probes of ${targets.size}`,
      );
      for (const p of report.probes!) {
        const key = probeKey(p);
        const other = owner.get(key);
        assert.equal(
          other,
          undefined,
          `${key} probed by shards ${other} and ${shard}`,
        );
        owner.set(key, shard);
      }
      findings.push(...report.findings);
    }
    const never = [...targets].filter((k) => !owner.has(k));
    assert.deepEqual(
      never.slice(0, 10),
      [],
      `${never.length} targets in no shard`,
    );
    assert.equal(owner.size, targets.size);

    const union = compareWithTruth(findings, lab.truth, scope);
    assert.deepEqual(
      union.missed,
      [],
      "the shards together find every open port",
    );
    assert.deepEqual(union.falsePositives, []);
  });
});
