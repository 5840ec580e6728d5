// The scan engine on a real link: two namespaces joined by a veth pair
// (tests/helpers/drivers_netns.ts: 198.18.200.1 scanner side A, 198.18.200.2 target
// side B, no route out, deleted afterwards). The engine runs inside A via
// `ip netns exec A deno run -A tests/helpers/scan_engine_runner.ts JOB`; kernel
// listeners run inside B. Needs root.

import assert from "node:assert/strict";
import { DENO, linkCounters, withVethPair } from "./helpers/drivers_netns.ts";
import { inNamespace, withLab } from "./helpers/packet_netns_helpers.ts";
import {
  FORGER,
  ip,
  listen,
  openSet,
  scan,
  SCANNER_IP,
  SPOOFED_IP,
  TARGET_IP,
} from "./helpers/engine_netns.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_engine_netns_test.ts");

const isRoot = Deno.uid() === 0;
function randomPorts(n: number, max: number): number[] {
  const set = new Set<number>();
  while (set.size < n) set.add(1 + Math.floor(random() * max));
  return [...set].sort((a, b) => a - b);
}

Deno.test({
  name:
    "engine netns: pcap: (own address) and ring: (spoofed, ARP answered) find exactly the open ports",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      await ip([
        "-n",
        pair.nsB,
        "route",
        "add",
        `${SPOOFED_IP}/32`,
        "dev",
        pair.ifB,
      ]);
      const tcp = randomPorts(6, 3000);
      const listeners = await listen(pair, tcp, [53]);
      try {
        const expected = [...tcp.map((p) => `tcp/${p}/open`), "udp/53/open"]
          .sort();
        for (
          const [driver, source, spoofed] of [
            ["pcap", SCANNER_IP, false],
            ["ring", SPOOFED_IP, true],
          ] as const
        ) {
          const out = await scan(pair, {
            driver: `${driver}:${pair.ifA}`,
            ip4: source,
            spoofed,
            ports: "1-3000,U:53,U:54",
            rate: 20_000,
            retries: 1,
            wait: 1,
          });
          assert.deepEqual(openSet(out), expected, driver);
          assert.equal(out.summary.sent, 3002 * 2);
          assert.equal(out.summary.badCookie, 0);
          if (spoofed) {
            assert.ok(out.summary.neighborReplies >= 1, "ARP answered");
          }
        }
      } finally {
        await listeners.stop();
      }
    }),
});

Deno.test({
  name:
    "engine netns: 10^5 forged SYN-ACKs with wrong acks: zero reported, all counted as bad cookies",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const tcp = randomPorts(4, 3000);
      const listeners = await listen(pair, tcp, []);
      const forged = 100_000;
      let injected = 0;
      try {
        const out = await scan(pair, {
          driver: `ring:${pair.ifA}`,
          ports: "1-3000",
          rate: 3000, // ~1 s of probes while the forgeries arrive
          // The forger's own start-up (a Deno process) can take seconds on a
          // busy machine: wait long enough that every forgery arrives while
          // the receive Worker still runs.
          wait: 5,
          // The forger aims at this port (the default is random per scan).
          sourcePort: 61000,
        }, async () => {
          const r = await new Deno.Command("ip", {
            args: [
              "netns",
              "exec",
              pair.nsB,
              DENO,
              "run",
              "-A",
              FORGER,
              `ring:${pair.ifB}`,
              String(forged),
              "150000",
              pair.macB,
              pair.macA,
              TARGET_IP,
              SCANNER_IP,
              "61000",
            ],
            stdout: "piped",
            stderr: "inherit",
          }).output();
          assert.ok(r.success, "forger failed");
          injected = JSON.parse(new TextDecoder().decode(r.stdout)).sent;
        });
        assert.equal(injected, forged);
        assert.deepEqual(openSet(out), tcp.map((p) => `tcp/${p}/open`).sort());
        const { badCookie, receiveDropped } = out.summary;
        assert.ok(
          badCookie + receiveDropped >= forged && badCookie <= forged,
          `badCookie ${badCookie}, dropped ${receiveDropped}`,
        );
      } finally {
        await listeners.stop();
      }
    }),
});

Deno.test({
  // A timing test: ./run test runs it in a second, serial pass
  // (ZON_TIMING=1), where no other test competes for the two cores.
  name:
    "timing: engine netns: 1 kpps and 50 kpps within 5%, measured by the target's interface counters",
  ignore: !isRoot || Deno.env.get("ZON_TIMING") !== "1",
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      // Each counter read spawns a process (tens of ms on a busy machine),
      // so the windows are long enough (1.2 s, 2.1 s) for that not to count,
      // and a sample is stamped halfway through its read.
      const runs = [
        { rate: 1000, ports: "1-1500", retries: 0, probes: 1500 },
        { rate: 50_000, ports: "1-65535", retries: 1, probes: 131_070 },
      ];
      for (const { rate, ports, retries, probes } of runs) {
        const samples: { t: number; n: number }[] = [];
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const t0 = performance.now();
            const c = await linkCounters(pair.nsB, pair.ifB);
            samples.push({ t: (t0 + performance.now()) / 2, n: c.rxPackets });
            await new Promise((r) => setTimeout(r, 20));
          }
        })();
        const before = (await linkCounters(pair.nsB, pair.ifB)).rxPackets;
        const out = await scan(pair, {
          driver: `ring:${pair.ifA}`,
          ports,
          retries,
          rate,
          wait: 0.2,
        });
        sampling = false;
        await sampler;
        assert.equal(out.summary.sent, probes);
        // Steady state: between 10% and 90% of the probes at the peer.
        const lo = samples.find((s) => s.n - before >= probes * 0.1)!;
        const hi = [...samples].reverse().find((s) =>
          s.n - before <= probes * 0.9
        )!;
        const measured = (hi.n - lo.n) / ((hi.t - lo.t) / 1000);
        assert.ok(
          Math.abs(measured - rate) / rate < 0.05,
          `rate ${rate}: the peer saw ${measured.toFixed(0)} pps`,
        );
      }
    }),
});

Deno.test({
  name:
    "engine netns: IPv6 from an address the kernel lacks: neighbor solicitation answered, open ports found",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withLab(async (lab) => {
      const mac = async (ns: string, dev: string) =>
        (await inNamespace(ns, ["cat", `/sys/class/net/${dev}/address`]))
          .trim();
      const pair = {
        nsA: lab.nsA,
        nsB: lab.nsB,
        ifA: lab.ifA,
        macA: await mac(lab.nsA, lab.ifA),
        macB: await mac(lab.nsB, lab.ifB),
      };
      const tcp = randomPorts(3, 2000);
      const listeners = await listen(pair, tcp, [], "AF_INET6");
      try {
        const spoofed = lab.ip6A.replace(/::1$/, "::99");
        const out = await scan(pair, {
          driver: `ring:${lab.ifA}`,
          include: [lab.ip6B],
          ip4: undefined,
          ip6: spoofed,
          spoofed: true,
          ports: "1-2000",
          rate: 20_000,
          wait: 1,
        });
        assert.deepEqual(openSet(out), tcp.map((p) => `tcp/${p}/open`).sort());
        assert.ok(out.summary.neighborReplies >= 1, "solicitation answered");
        assert.equal(out.summary.badCookie, 0);
      } finally {
        await listeners.stop();
      }
    }),
});
