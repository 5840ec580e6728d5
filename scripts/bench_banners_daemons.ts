/**
 * zon `--banners` vs `nmap -sV --script ssl-cert` vs masscan `--banners`
 * on the real-daemon lab (tests/helpers/record_banners.py --serve: 21
 * Debian daemons, a certificate generated for the run), in one run: per
 * port the service each names, whether it got the certificate, and each
 * scanner's wall time. zon runs `ROUNDS` times, then masscan, then nmap
 * once (it takes minutes); not alternated, because the lab keeps state
 * between runs: `openssl s_server` serves one connection at a time, and a
 * connection masscan leaves open keeps the next scanner's waiting. The
 * table shows each scanner's last run. Root only.
 *
 * Usage: ./run deno run -A scripts/bench_banners_daemons.ts [ROUNDS=2]
 *
 * @module
 */

import {
  type PortFacts,
  runMasscan,
  runNmap,
  runZon,
  sameName,
  type ScanRun,
  startDaemonLab,
} from "../tests/helpers/daemons_scan_lab.ts";

const rounds = Number(Deno.args[0] ?? 2);
const load = async () =>
  (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");

const dir = await Deno.makeTempDir({ prefix: "h16s-bench-" });
const lab = await startDaemonLab();
const times: Record<string, number[]> = { zon: [], masscan: [] };
let zon: ScanRun | undefined, masscan: ScanRun | undefined;
let nmap: ScanRun;
const loads: string[] = [];
try {
  for (const which of ["zon", "masscan"]) {
    for (let r = 0; r < rounds; r++) {
      loads.push(`${which} ${await load()}`);
      if (which === "zon") {
        zon = await runZon(lab);
        times.zon.push(zon.seconds);
      } else {
        masscan = await runMasscan(lab);
        times.masscan.push(masscan.seconds);
      }
      const last = which === "zon" ? zon! : masscan!;
      console.error(
        `${which}: ${
          times[which].at(-1)!.toFixed(2)
        } s, ${last.ports.size} ports`,
      );
    }
  }
  loads.push(`nmap ${await load()}`);
  nmap = await runNmap(lab, `${dir}/nmap.xml`, { sslCert: true });
  console.error(`nmap: ${nmap.seconds.toFixed(1)} s`);
} finally {
  await lab.stop();
  await Deno.remove(dir, { recursive: true });
}

const cell = (f: PortFacts | undefined, cert: string): string => {
  if (!f) return "—";
  const parts = [f.name, f.product, f.version].filter((x) => x).join(" ");
  const tls = f.tunnel === "ssl" && f.name !== "ssl" ? "ssl/" : "";
  return `${tls}${parts}${f.certificates.includes(cert) ? " 🔒" : ""}`;
};
const cert = lab.certificateSha256;
console.log(
  "| port | zon --banners | nmap -sV --script ssl-cert | masscan --banners |",
);
console.log("| ---: | --- | --- | --- |");
for (const port of lab.ports) {
  console.log(
    `| ${port} | ${cell(zon!.ports.get(port), cert)} | ${
      cell(nmap.ports.get(port), cert)
    } | ${cell(masscan!.ports.get(port), cert)} |`,
  );
}
const count = (run: ScanRun) => ({
  banners: [...run.ports.keys()].length,
  certificates:
    [...run.ports.values()].filter((f) => f.certificates.includes(cert)).length,
});
// Same name and tunnel as nmap's (imaps/pop3s = imap/pop3 inside TLS).
const named = [...zon!.ports].filter(([port, f]) => {
  const theirs = nmap.ports.get(port);
  return theirs !== undefined && sameName(f, theirs);
});
const differ = lab.ports.filter((p) => !named.some(([port]) => port === p));
const best = (xs: number[]) => Math.min(...xs);
console.log(
  `\n| scanner | ports with a banner / ${lab.ports.length} | certificates | seconds (best of ${rounds}) | kernel RSTs |`,
);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (
  const [name, run, seconds] of [
    ["zon --banners", zon!, best(times.zon)],
    ["nmap -sV --script ssl-cert", nmap, nmap.seconds],
    ["masscan --banners", masscan!, best(times.masscan)],
  ] as const
) {
  const c = count(run);
  console.log(
    `| ${name} | ${c.banners} | ${c.certificates} | ${
      seconds.toFixed(2)
    } | ${run.kernelResets} |`,
  );
}
console.log(
  `\nzon names ${named.length} of ${lab.ports.length} ports as nmap does (name and tunnel; not: ${
    differ.join(", ")
  }); zon's time / nmap's: ${
    (best(times.zon) / nmap.seconds).toFixed(3)
  }; zon rounds ${times.zon.map((t) => t.toFixed(2)).join(", ")}, masscan ${
    times.masscan.map((t) => t.toFixed(2)).join(", ")
  }\nload: ${loads.join("; ")}`,
);
