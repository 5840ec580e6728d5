// End to end through the CLI: examples/scan.ts scans the lab (3 hosts with
// the documented services plus random open ports, and one address with no
// host) and must report every open port and nothing else, with pcap: and
// ring:, at 10 kpps and at the maximum rate (--rate 100000000). A tcpdump
// capture on the router's end of the scanner link must show zero probes to
// any address or port outside the targets, all from the adapter address.
//
// Sizes (the suite runs on a 2-core machine): at 10 kpps, the 4 IPv4
// addresses × ports 1-10000 (40k probes, ~4 s per driver); at the maximum
// rate, all 8 addresses (IPv4 and IPv6) × TCP 1-65535 and UDP 53 (524k
// probes). Each host has 6 random open ports below 10001 and 6 above, drawn
// from a seed printed on failure.
//
// Needs root, iproute2, ethtool, tcpdump, python3, openssl.

import assert from "node:assert/strict";
import {
  auditProbes,
  LAB_DEFAULT_SERVICES,
  type LabService,
  scanLab,
  type ScanLabReport,
  targetKeys,
  withLab,
} from "../examples/scan/lab/mod.ts";
import { seededRandom, testRandom } from "./helpers/random.ts";

const random = testRandom("scan_e2e_found_test.ts");

const SEED = Number(Deno.env.get("ZON_LAB_SEED") ?? Date.now() % 1_000_000);

function services(): LabService[][] {
  // Replay a failing draw with ZON_LAB_SEED.
  const next = seededRandom(SEED);
  return LAB_DEFAULT_SERVICES.map((base) => {
    const out = [...base];
    const used = new Set(out.map((s) => s.port));
    for (const [lo, hi] of [[1, 10000], [10001, 65535]]) {
      for (let added = 0; added < 6;) {
        const port = lo + Math.floor(next() * (hi - lo + 1));
        if (used.has(port)) continue;
        used.add(port);
        out.push({ proto: "tcp", port, kind: "banner" });
        added++;
      }
    }
    return out;
  });
}

let sourcePort = 20000 + Math.floor(random() * 20000);
function nextSourcePort(): number {
  return sourcePort += 7;
}

function explain(name: string, r: ScanLabReport): string {
  const c = r.comparison;
  return `${name} (ZON_LAB_SEED=${SEED}): exit ${r.scannerExit}, ` +
    `missed ${JSON.stringify(c.missed)}, false positives ${
      JSON.stringify(c.falsePositives)
    }\nscanner stderr:\n${r.scannerStderr.slice(-3000)}`;
}

for (const driver of ["pcap", "ring"] as const) {
  Deno.test(`scan e2e: ${driver}: every open port found, nothing else, zero probes outside the targets`, async (t) => {
    await withLab({ services: services() }, async (lab) => {
      const cases = [
        { rate: 10_000, ipv6: false, ports: "1-10000", complete: true },
        {
          rate: 100_000_000,
          ipv6: true,
          ports: "1-65535,U:53",
          complete: false,
        },
      ];
      for (const c of cases) {
        await t.step(
          `${c.rate} pps, ${c.ports}${c.ipv6 ? ", IPv4+IPv6" : ""}`,
          async () => {
            const report = await scanLab(lab, {
              driver,
              rate: c.rate,
              ports: c.ports,
              ipv6: c.ipv6,
              wait: 1,
              // A fresh source port per scan: the hosts still hold the
              // previous scan's half-open connections (SYN_RECV, SYN-ACKs
              // retransmitted for ~60 s) for the old 4-tuples.
              extraArgs: ["--source-port", String(nextSourcePort())],
              capture: true,
              showScannerStderr: false,
            });
            const name = `${driver} at ${c.rate} pps`;
            assert.equal(report.timedOut, false, explain(name, report));
            assert.equal(report.scannerExit, 0, explain(name, report));
            assert.ok(report.comparison.expected.length >= (c.ipv6 ? 40 : 20));
            assert.deepEqual(
              report.comparison.missed,
              [],
              explain(name, report),
            );
            assert.deepEqual(
              report.comparison.falsePositives,
              [],
              explain(name, report),
            );

            const scope = {
              targets: [...lab.targets4, ...(c.ipv6 ? lab.targets6 : [])],
              ports: c.ports,
            };
            const targets = targetKeys(scope);
            const audit = auditProbes(report.probes!, targets, [
              lab.adapterIp,
              lab.adapterIp6,
            ]);
            assert.deepEqual(
              audit.outside.slice(0, 10),
              [],
              `${name}: probes outside the targets (${audit.outside.length})`,
            );
            assert.deepEqual(
              audit.wrongSource.slice(0, 10),
              [],
              `${name}: probes not from the adapter address`,
            );
            // A lossless capture also proves each target was probed once.
            if (c.complete || report.captureDropped === 0) {
              assert.equal(
                report.captureDropped,
                0,
                `${name}: capture dropped`,
              );
              assert.equal(
                audit.duplicates,
                0,
                `${name}: targets probed twice`,
              );
              assert.deepEqual(
                audit.missing.slice(0, 10),
                [],
                `${name}: ${audit.missing.length} targets never probed`,
              );
            }
            console.log(
              `  ${name}: ${audit.total} probes captured (${report.captureDropped} dropped by the capture), ` +
                `${report.comparison.found.length} open ports found in ${
                  report.scanSeconds.toFixed(1)
                } s`,
            );
          },
        );
      }
    });
  });
}
