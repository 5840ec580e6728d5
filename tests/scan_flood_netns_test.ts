// Under a flood: while the engine scans from namespace A, the target side
// floods it with junk as fast as a sender goes (up to 10^6 frames/s):
// random bytes, truncated and oversized headers, SYN-ACKs and RSTs with
// wrong cookies, ICMP errors quoting probes never sent, ARP for others
// (tests/helpers/flood_junk.ts). The scan still sends every probe at its
// rate, finds every open port, reports nothing else, counts every junk
// frame that reached it by why it was dropped, and its memory stays flat.
//
// Needs root, iproute2, python3.

import assert from "node:assert/strict";
import { DENO, withVethPair } from "./helpers/drivers_netns.ts";
import {
  listen,
  openSet,
  scan,
  SCANNER_IP,
  TARGET_IP,
} from "./helpers/engine_netns.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_flood_netns_test.ts");
const FLOODER = new URL("./helpers/flood_junk.ts", import.meta.url).pathname;

/** VmRSS of `pid` in bytes, or 0 when it is gone. */
function rss(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
}

/** The pid of the engine runner (a deno process with the job's marker). */
function runnerPid(marker: string): number {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      if (cmd.includes(marker) && cmd.includes("scan_engine_runner")) {
        return Number(entry.name);
      }
    } catch { /* gone meanwhile */ }
  }
  return 0;
}

Deno.test({
  name:
    "engine under a junk flood: every probe sent, every open port found, nothing false, drops counted by reason, memory flat",
  ignore: Deno.uid() !== 0,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const ports = new Set<number>();
      while (ports.size < 4) ports.add(1 + Math.floor(random() * 20000));
      const tcp = [...ports].sort((a, b) => a - b);
      const listeners = await listen(pair, tcp, []);
      const seconds = 5, rate = 4000, probes = 20000;
      let flood = { sent: 0, toScanner: 0 };
      const memory: number[] = [];
      const marker = `flood-${Deno.pid}-${Math.floor(random() * 1e9)}`;
      try {
        const out = await scan(pair, {
          driver: `ring:${pair.ifA}`,
          ports: `1-${probes}`,
          rate,
          wait: 1,
          sourcePort: 61000,
          seed: marker.length, // any; the marker below finds the process
          tag: marker,
        }, async () => {
          const pid = runnerPid(marker);
          const sampler = setInterval(() => memory.push(rss(pid)), 250);
          try {
            const r = await new Deno.Command("ip", {
              args: [
                "netns",
                "exec",
                pair.nsB,
                DENO,
                "run",
                "-A",
                FLOODER,
                `ring:${pair.ifB}`,
                String(seconds - 1),
                "1000000",
                pair.macB,
                pair.macA,
                TARGET_IP,
                SCANNER_IP,
                "61000",
                String(Math.floor(random() * 1e9)),
              ],
              stdout: "piped",
              stderr: "inherit",
            }).output();
            assert.ok(r.success, "flooder failed");
            flood = JSON.parse(new TextDecoder().decode(r.stdout));
          } finally {
            clearInterval(sampler);
          }
        });
        const s = out.summary as typeof out.summary & {
          malformed: number;
          ignored: number;
          duplicates: number;
        };
        const why = `flood ${JSON.stringify(flood)}, summary ${
          JSON.stringify(s)
        }`;
        // Every probe sent, at about its rate (a busy 2-core machine: 1.5×).
        assert.equal(s.sent, probes, why);
        assert.ok(s.transmit.seconds < (probes / rate) * 1.5 + 1, why);
        // Exactly the open ports, nothing the flood could fake.
        assert.deepEqual(
          openSet(out),
          tcp.map((p) => `tcp/${p}/open`).sort(),
          why,
        );
        // Every junk frame the filter let through is counted, by reason.
        assert.ok(flood.sent > 100_000, `the flood was too small: ${why}`);
        const counted = s.badCookie + s.malformed + s.ignored + s.duplicates +
          s.receiveDropped;
        assert.ok(counted >= flood.toScanner, why);
        assert.ok(s.badCookie > 0 && s.malformed > 0, why);
        // Memory flat while flooded (after the first second's warm-up).
        const warm = memory.slice(4).filter((m) => m > 0);
        assert.ok(warm.length >= 6, `RSS samples: ${memory}`);
        const growth = Math.max(...warm) - warm[0];
        assert.ok(growth < 64 * 2 ** 20, `RSS grew ${growth} bytes: ${memory}`);
      } finally {
        await listeners.stop();
      }
    }),
});
