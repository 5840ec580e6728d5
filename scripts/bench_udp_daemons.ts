/**
 * UDP services against real Debian daemons (h16u): one run each of zon
 * `--banners`, `nmap -sU -sV` and masscan `--banners` (its own UDP
 * payloads) over the 11 ports of tests/helpers/udp_daemons_lab.py, in the
 * same lab; prints the per-port table (the service each named from a
 * reply: nmap's `method="table"` guesses from the port number do not
 * count), the seconds of each, and /proc/loadavg. Root only; the daemons'
 * packages come from `run`'s DEBS.
 *
 *   deno run -A scripts/bench_udp_daemons.ts
 *
 * @module
 */

import {
  runMasscan,
  runNmap,
  runZon,
  startUdpLab,
  type UdpScanRun,
  type UdpService,
} from "../tests/helpers/udp_daemons_scan.ts";

/** The services a scanner named from replies, per port. */
function named(run: UdpScanRun): Map<number, string> {
  const out = new Map<number, string>();
  for (const [port, list] of run.services) {
    const from = list.filter((s: UdpService) =>
      s.method !== "table" && s.name !== "" && s.name !== "unknown"
    );
    if (from.length === 0) continue;
    // zon reports one banner per answered payload (161: v1 and v3).
    const text = (s: UdpService) =>
      [s.name, s.product, s.version].filter((x) => x).join(" ");
    out.set(port, [...new Set(from.map(text))].sort().join(" + "));
  }
  return out;
}

const loadBefore = (await Deno.readTextFile("/proc/loadavg")).trim();
const dir = await Deno.makeTempDir({ prefix: "h16u-bench-udp-" });
const lab = await startUdpLab();
try {
  const zon = await runZon(lab);
  const masscan = await runMasscan(lab);
  const nmap = await runNmap(lab, `${dir}/nmap.xml`, lab.ports);
  const runs = { zon, nmap, masscan };
  const names = Object.fromEntries(
    Object.entries(runs).map(([k, r]) => [k, named(r)]),
  ) as Record<keyof typeof runs, Map<number, string>>;
  console.log("port   zon | nmap -sU -sV | masscan");
  for (const port of lab.ports) {
    const cell = (k: keyof typeof runs) => names[k].get(port) ?? "-";
    console.log(
      `${String(port).padStart(5)}  ${cell("zon")} | ${cell("nmap")} | ${
        cell("masscan")
      }`,
    );
  }
  for (const [k, r] of Object.entries(runs)) {
    const n = names[k as keyof typeof runs].size;
    console.log(
      `${k}: ${n}/${lab.ports.length} named from replies, ${
        r.seconds.toFixed(1)
      } s`,
    );
  }
  console.log(
    `nmap/zon time ratio: ${(nmap.seconds / zon.seconds).toFixed(1)}x`,
  );
  console.log(
    `loadavg before: ${loadBefore}; after: ${
      (await Deno.readTextFile("/proc/loadavg")).trim()
    }`,
  );
} finally {
  await lab.stop();
  await Deno.remove(dir, { recursive: true });
}
