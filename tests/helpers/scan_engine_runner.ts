// Test helper: runs one engine scan from a JSON job (argv[0]) and prints
// one JSON line per result, then {"summary": ...}. Tests start it inside a
// network namespace with `ip netns exec NS deno run -A ...`, so the Workers
// and drivers live in that namespace.

import { TargetSet } from "../../blackrock/mod.ts";
import { parseIpv4, parseIpv6, parseMac } from "../../packet/mod.ts";
import { startScan } from "../../examples/scan/engine/engine.ts";

/** What a test asks the runner to scan. */
export interface RunnerJob {
  include: string[];
  ports: string;
  driver: string;
  ifname: string;
  ip4?: string;
  ip6?: string;
  mac: string;
  routerMac?: string;
  rate: number;
  retries?: number;
  wait?: number;
  seed?: number;
  startIndex?: number;
  spoofed?: boolean;
  showClosed?: boolean;
  ping?: boolean;
  pcapPath?: string;
  sourcePort?: number | { first: number; count: number };
  /** Interrupt after this many ms (first interrupt only). */
  interruptAfterMs?: number;
}

if (import.meta.main) {
  const job = JSON.parse(Deno.args[0]) as RunnerJob;
  const router = job.routerMac ? parseMac(job.routerMac) : undefined;
  const scan = startScan({
    targets: new TargetSet({ include: job.include, ports: job.ports }),
    seed: job.seed ?? 0,
    rate: job.rate,
    retries: job.retries ?? 0,
    wait: job.wait ?? 1,
    startIndex: job.startIndex ?? 0,
    spoofedSource: job.spoofed ?? false,
    showClosed: job.showClosed ?? false,
    ping: job.ping ?? false,
    pcapPath: job.pcapPath,
    sourcePort: job.sourcePort,
    adapter: {
      driverName: job.driver,
      ifname: job.ifname,
      ipv4: job.ip4 ? parseIpv4(job.ip4) : undefined,
      ipv6: job.ip6 ? parseIpv6(job.ip6) : undefined,
      mac: parseMac(job.mac),
      routerMac4: router,
      routerMac6: router,
    },
  }, (r) => {
    console.log(JSON.stringify({
      result: {
        ip: r.version === 4 ? r.ipv4 : Array.from(r.ipv6).join("."),
        port: r.port,
        protocol: r.protocol,
        status: r.status,
        reason: r.reason,
      },
    }));
  });
  // Tell the test when probes are on the wire (it times injections by it).
  const sendingTimer = setInterval(() => {
    if (scan.resumeIndex > (job.startIndex ?? 0)) {
      console.log(JSON.stringify({ sending: true }));
      clearInterval(sendingTimer);
    }
  }, 5);
  scan.done.finally(() => clearInterval(sendingTimer));
  if (job.interruptAfterMs !== undefined) {
    setTimeout(() => scan.interrupt(), job.interruptAfterMs);
  }
  const summary = await scan.done;
  console.log(JSON.stringify({ summary }));
}
