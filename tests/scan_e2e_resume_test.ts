// End to end through the CLI: a scan interrupted by SIGINT at a random
// moment writes paused.conf; `--resume paused.conf` (no other option) then
// finishes it. The union of both runs' results equals an uninterrupted scan
// (and the ground truth), and the probes captured over both runs cover every
// target exactly once — none probed twice.
//
// Size: the 8 lab addresses (IPv4 and IPv6) × TCP 1-5000 (40k probes) at
// 10 kpps through pcap:, interrupted 1.5-3 s after start (the scanner
// itself needs ~0.5 s to start), so the split point varies run to run.
//
// Every output format goes to a file in both runs: after --resume each file
// is one valid document (-oJ parses, -oX validates against nmap.dtd) whose
// results equal, as a set, those of the same file from an uninterrupted
// scan — the first run's results are kept, not truncated.
//
// Needs root, iproute2, ethtool, tcpdump, python3, openssl (xmllint and
// nmap.dtd for the -oX check).

import assert from "node:assert/strict";
import {
  auditProbes,
  findingKey,
  scanLab,
  targetKeys,
  withLab,
} from "../examples/scan/lab/mod.ts";
import { compareWithTruth } from "../examples/scan/lab/results.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_e2e_resume_test.ts");

const FORMATS = [
  ["-oJ", "json"],
  ["-oD", "ndjson"],
  ["-oL", "list"],
  ["-oX", "xml"],
  ["-oG", "grepable"],
] as const;

function outputArgs(prefix: string): string[] {
  return FORMATS.flatMap(([flag, ext]) => [flag, `${prefix}.${ext}`]);
}

/** "ip proto port status" of every result record in a file of `ext`'s format. */
function resultSet(ext: string, text: string): string[] {
  const out: string[] = [];
  if (ext === "json") {
    for (const r of JSON.parse(text)) {
      for (const p of r.ports) {
        out.push(`${r.ip} ${p.proto} ${p.port} ${p.status}`);
      }
    }
  } else if (ext === "ndjson") {
    for (const line of text.split("\n").filter(Boolean)) {
      const r = JSON.parse(line);
      if (r.rec_type === "status") {
        out.push(`${r.ip} ${r.proto} ${r.port} ${r.data.status}`);
      }
    }
  } else if (ext === "list") {
    for (const line of text.split("\n")) {
      const m = /^(open|closed) (\w+) (\d+) (\S+) /.exec(line);
      if (m) out.push(`${m[4]} ${m[2]} ${m[3]} ${m[1]}`);
    }
  } else if (ext === "xml") {
    for (const line of text.split("\n")) {
      const ip = /<address addr="([^"]+)"/.exec(line)?.[1];
      const m = /<port protocol="(\w+)" portid="(\d+)"><state state="(\w+)"/
        .exec(line);
      if (ip && m) out.push(`${ip} ${m[1]} ${m[2]} ${m[3]}`);
    }
  } else {
    for (const line of text.split("\n")) {
      const ip = /Host: (\S+) /.exec(line)?.[1];
      const m = /Ports: (\d+)\/(\w+)\/(\w+)\//.exec(line);
      if (ip && m) out.push(`${ip} ${m[3]} ${m[1]} ${m[2]}`);
    }
  }
  return [...new Set(out)].sort();
}

async function xmlValid(path: string): Promise<string | null> {
  const dtd = "/usr/share/nmap/nmap.dtd";
  try {
    await Deno.stat(dtd);
  } catch {
    return null; // no oracle here: CI installs nmap and libxml2-utils
  }
  const out = await new Deno.Command("xmllint", {
    args: ["--noout", "--dtdvalid", dtd, path],
    stderr: "piped",
  }).output();
  return out.success ? "valid" : new TextDecoder().decode(out.stderr);
}

Deno.test("scan e2e: SIGINT then --resume paused.conf: union equals the full scan, no target probed twice", async () => {
  await withLab({
    randomOpenPorts: 6,
    randomPortRange: [1, 5000],
    seed: Date.now() % 1e6,
  }, async (lab) => {
    const ports = "1-5000";
    const scope = { targets: [...lab.targets4, ...lab.targets6], ports };
    const targets = targetKeys(scope);
    const interruptAfterMs = 1500 + Math.floor(random() * 1500);
    let sourcePort = 20000 + Math.floor(random() * 20000);
    const base = {
      driver: "pcap" as const,
      rate: 10_000,
      ports,
      wait: 1,
      capture: true,
      showScannerStderr: false,
    };

    const first = await scanLab(lab, {
      ...base,
      extraArgs: ["--source-port", String(sourcePort), ...outputArgs("run")],
      interruptAfterMs,
    });
    const why =
      `interrupted after ${interruptAfterMs} ms: ${first.scannerStderr}`;
    assert.equal(first.scannerExit, 0, why);
    assert.equal(first.captureDropped, 0, "the capture lost frames");
    const paused = await Deno.readTextFile(`${lab.dir}/paused.conf`);
    const index = Number(/resume-index\s*=\s*(\d+)/.exec(paused)?.[1]);
    // A TCP scan's index is masscan's: no resume-total line, which masscan
    // would refuse as an unknown option.
    assert.doesNotMatch(paused, /resume-total/);
    assert.ok(
      index > 0 && index < targets.size,
      `resume-index ${index}: ${why}`,
    );

    const second = await scanLab(lab, {
      ...base,
      args: ["--resume", "paused.conf"],
      scope,
    });
    assert.equal(second.scannerExit, 0, second.scannerStderr);
    assert.equal(second.captureDropped, 0, "the capture lost frames");

    // Probes: first run + resumed run = every target, once.
    const probes = [...first.probes!, ...second.probes!];
    assert.equal(first.probes!.length, index, "probes sent before the pause");
    const audit = auditProbes(probes, targets, [lab.adapterIp, lab.adapterIp6]);
    assert.deepEqual(audit.outside.slice(0, 10), [], "probes outside");
    assert.equal(audit.duplicates, 0, "targets probed twice");
    assert.deepEqual(audit.missing.slice(0, 10), [], "targets never probed");

    // Results: the union equals the truth and an uninterrupted scan.
    const union = compareWithTruth(
      [...first.findings, ...second.findings],
      lab.truth,
      scope,
    );
    assert.deepEqual(union.missed, [], why);
    assert.deepEqual(union.falsePositives, []);
    const full = await scanLab(lab, {
      ...base,
      rate: 100_000,
      capture: false,
      extraArgs: [
        "--source-port",
        String(sourcePort += 7),
        ...outputArgs("full"),
      ],
    });
    assert.equal(full.scannerExit, 0, full.scannerStderr);
    const open = (fs: typeof full.findings) =>
      [...new Set(fs.filter((f) => f.status === "open").map(findingKey))]
        .sort();
    assert.deepEqual(
      open([...first.findings, ...second.findings]),
      open(full.findings),
    );

    // Every output file: the resumed one holds both runs' results, as one
    // valid document, equal as a set to the uninterrupted scan's file.
    for (const [flag, ext] of FORMATS) {
      const resumed = await Deno.readTextFile(`${lab.dir}/run.${ext}`);
      const whole = await Deno.readTextFile(`${lab.dir}/full.${ext}`);
      const got = resultSet(ext, resumed), want = resultSet(ext, whole);
      assert.ok(want.length > 0, `${flag}: the full scan's file has results`);
      assert.deepEqual(got, want, `${flag} run.${ext} after --resume (${why})`);
      if (ext === "xml") {
        const valid = await xmlValid(`${lab.dir}/run.${ext}`);
        assert.ok(valid === null || valid === "valid", `-oX: ${valid}`);
        assert.equal(resumed.split("<runstats>").length, 2, "one <runstats>");
      }
    }
  });
});
