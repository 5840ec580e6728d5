/**
 * Does the one receive Worker keep up with N transmit Workers (issue 15)?
 * In the scan lab (namespaces built here and destroyed after; 198.18.0.0/15,
 * no route out), every probe to a live host is answered (an RST for a closed
 * port, a SYN-ACK for an open one), so a scan of 1-65535 on the IPv4
 * addresses must count exactly hosts × 65535 valid replies; what the kernel
 * could not hand to the receive Worker shows as `receive-dropped`.
 *
 *   deno run -A scripts/bench_scan_receive.ts [--rates 200000,1000000] [--workers 1,2]
 *
 * Prints one line per scan with the load average. Needs root, iproute2,
 * ethtool, python3, openssl.
 *
 * @module
 */
import { scanLab, withLab } from "../examples/scan/lab/mod.ts";

function list(name: string, fallback: string): number[] {
  const i = Deno.args.indexOf(`--${name}`);
  const text = i >= 0 ? Deno.args[i + 1] ?? "" : fallback;
  const values = text.split(",").map(Number);
  if (values.some((v) => !(v > 0))) {
    throw new Error(`--${name} ${text}: expected positive numbers, commas`);
  }
  return values;
}

/** The scanner's "name=N" counter from its stderr, or 0 when absent. */
function counter(stderr: string, name: string): number {
  return Number(new RegExp(`${name}=(\\d+)`).exec(stderr)?.[1] ?? 0);
}

async function main(): Promise<void> {
  const rates = list("rates", "200000,1000000");
  const workers = list("workers", "1,2");
  await withLab({}, async (lab) => {
    const expected = lab.hosts.length * 65535;
    console.log(
      `${lab.hosts.length} live hosts of ${lab.targets4.length} addresses × 65535 ports: ${expected} replies per scan`,
    );
    for (const rate of rates) {
      for (const n of workers) {
        const load = Deno.readTextFileSync("/proc/loadavg").split(" ")
          .slice(0, 3).join(" ");
        const r = await scanLab(lab, {
          driver: "ring",
          rate,
          ports: "1-65535",
          ipv6: false,
          wait: 2,
          banners: false,
          showScannerStderr: false,
          extraArgs: ["--tx-workers", String(n)],
        });
        const e = r.scannerStderr;
        console.log(
          `ring: --tx-workers ${n} --rate ${rate} (load ${load}): sent ${
            counter(e, "sent")
          }, valid ${counter(e, "valid")} of ${expected}, receive-dropped ${
            counter(e, "receive-dropped")
          }, exit ${r.scannerExit}`,
        );
      }
    }
  });
}

if (import.meta.main) await main();
