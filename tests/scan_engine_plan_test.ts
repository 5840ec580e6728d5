// engine/plan.ts: the planner is pure — options in, the Workers' jobs out,
// every bad option rejected with a message before any Worker starts.
import assert from "node:assert/strict";
import { TargetSet } from "../blackrock/mod.ts";
import { plan } from "../examples/scan/engine/plan.ts";
import { createControl } from "../examples/scan/engine/shared.ts";
import {
  type EngineOptions,
  ScanEngineError,
} from "../examples/scan/engine/types.ts";

const MAC = new Uint8Array([2, 0, 0, 0, 0, 1]);
const ROUTER = new Uint8Array([2, 0, 0, 0, 0, 2]);

function options(extra: Partial<EngineOptions> = {}): EngineOptions {
  return {
    targets: new TargetSet({
      include: ["198.18.0.0/30", "2001:2::/126"],
      ports: "80,U:53",
    }),
    rate: 1000,
    sourcePort: 40000,
    adapter: {
      driverName: "ring:veth0",
      ifname: "veth0",
      ipv4: 0xc6120001,
      ipv6: new Uint8Array(16).fill(1),
      mac: MAC,
      routerMac4: ROUTER,
      routerMac6: ROUTER,
    },
    ...extra,
  };
}

function planned(extra: Partial<EngineOptions> = {}) {
  return plan(
    options(extra),
    createControl().buffer,
    new SharedArrayBuffer(64),
    null,
  );
}

Deno.test("plan: targets × ports × (retries + 1) probes, the link both Workers share", () => {
  const p = planned({ retries: 2 });
  assert.equal(p.schedule.total, 8 * 2 * 3);
  assert.equal(p.tx[0].link, p.rx!.link);
  assert.equal(p.link.txDriver, "ring:veth0");
  assert.equal(p.link.rxDriver, "ring:veth0");
  assert.equal(p.link.sourcePortFirst, 40000);
  assert.equal(p.link.sourcePortCount, 1);
  assert.equal(p.wait, 10);
  assert.match(p.rx!.filter, /dst host 198\.18\.0\.1/);
  assert.match(p.rx!.filter, /ip6 dst host 101:101:/);
});

Deno.test("plan: offline sends into null and starts no receive Worker", () => {
  const p = planned({ offline: true });
  assert.equal(p.link.txDriver, "null");
  assert.equal(p.rx, null);
  assert.equal(p.wait, 0);
});

Deno.test("plan: --max-rate caps the rate; a range of source ports is kept", () => {
  const p = planned({
    rate: 5000,
    maxRate: 300,
    sourcePort: { first: 50000, count: 16 },
  });
  assert.equal(p.rate, 300);
  assert.equal(p.link.sourcePortFirst, 50000);
  assert.equal(p.link.sourcePortCount, 16);
});

Deno.test("plan: bad options fail with a message naming them", () => {
  const cases: [Partial<EngineOptions>, RegExp][] = [
    [{ rate: 0 }, /rate must be > 0/],
    [{ ttl: 0 }, /ttl must be in 1\.\.255/],
    [
      { sourcePort: { first: 65535, count: 2 } },
      /source port .* must lie in 1\.\.65535/,
    ],
    [{ startIndex: 10_000 }, /start index 10000 is outside/],
    [
      { targets: new TargetSet({ include: ["198.18.0.1"], ports: "S:80" }) },
      /SCTP/,
    ],
    [{
      adapter: {
        driverName: "ring:veth0",
        ifname: "veth0",
        mac: MAC,
        routerMac4: ROUTER,
      },
    }, /IPv4 targets need an IPv4 source/],
    [{
      adapter: {
        driverName: "ring:veth0",
        ifname: "veth0",
        ipv4: 1,
        ipv6: new Uint8Array(16),
        mac: new Uint8Array(5),
        routerMac4: ROUTER,
        routerMac6: ROUTER,
      },
    }, /adapter\.mac must be 6 bytes/],
  ];
  for (const [extra, message] of cases) {
    assert.throws(() => planned(extra), (e: unknown) => {
      assert.ok(e instanceof ScanEngineError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

// --tx-workers: the stripes of transmit/stripes.ts against a naive oracle
// (probe p belongs to Worker floor(p / 256) mod N), walked the way the
// transmit loop walks them — batches cut short at random (the token bucket),
// interrupted at random and resumed from each Worker's progress.

import {
  firstOwned,
  nextAfter,
  ownedBelow,
  probesDone,
  startsFrom,
  STRIPE,
} from "../examples/scan/transmit/stripes.ts";
import { rateShares } from "../examples/scan/engine/plan.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_engine_plan_test.ts");

/** One Worker's loop: from `start`, batches of at most `max` within a stripe; stops after `budget` probes. */
function walk(
  start: number,
  w: number,
  n: number,
  total: number,
  budget: number,
  sent: number[],
): number {
  let p = Math.min(total, firstOwned(start, w, n));
  while (p < total && budget > 0) {
    const left = STRIPE - (p % STRIPE);
    const count = Math.min(
      left,
      total - p,
      budget,
      1 + Math.floor(random() * 300),
    );
    for (let i = 0; i < count; i++) sent.push(p + i);
    budget -= count;
    p = Math.min(total, nextAfter(p + count, n));
  }
  return p;
}

Deno.test("plan: --tx-workers stripes: disjoint, complete, exactly once across interrupt + resume", () => {
  for (let round = 0; round < 40; round++) {
    const n = 1 + Math.floor(random() * 8);
    const total = Math.floor(random() * 20 * STRIPE * n) + 1;
    const seen = new Uint8Array(total);
    let progress = startsFrom(0, n, total);
    // Up to three interruptions, then run to the end.
    for (let run = 0; run < 4; run++) {
      const budget = run === 3 ? Infinity : Math.floor(random() * total / n);
      progress = progress.map((start, w) => {
        const sent: number[] = [];
        const next = walk(start, w, n, total, budget, sent);
        for (const p of sent) {
          assert.equal(
            Math.floor(p / STRIPE) % n,
            w,
            `probe ${p} not Worker ${w}'s`,
          );
          assert.equal(
            seen[p],
            0,
            `probe ${p} sent twice (N=${n}, total ${total})`,
          );
          seen[p] = 1;
        }
        return next;
      });
      // Every probe below each Worker's progress, of its stripes, was sent.
      const done = seen.reduce((a, b) => a + b, 0);
      assert.equal(probesDone(progress), done, `progress ${progress}`);
      // And the masscan-style resume-index (the minimum) is a safe restart.
      const min = Math.min(...progress);
      for (let p = 0; p < min; p++) {
        assert.equal(seen[p], 1, `probe ${p} below ${min}`);
      }
    }
    assert.equal(
      seen.indexOf(0),
      -1,
      `N=${n}, total ${total}: a probe never sent`,
    );
  }
});

Deno.test("plan: ownedBelow and firstOwned agree with counting", () => {
  for (let n = 1; n <= 8; n++) {
    const total = 11 * STRIPE + 17;
    for (let w = 0; w < n; w++) {
      let owned = 0;
      for (let p = 0; p <= total; p++) {
        assert.equal(
          ownedBelow(p, w, n),
          owned,
          `ownedBelow(${p}, ${w}, ${n})`,
        );
        if (p % 37 === 0) {
          let q = p;
          while (Math.floor(q / STRIPE) % n !== w) q++;
          assert.equal(firstOwned(p, w, n), q, `firstOwned(${p}, ${w}, ${n})`);
        }
        if (Math.floor(p / STRIPE) % n === w) owned++;
      }
    }
  }
});

Deno.test("plan: --tx-workers N: N jobs, rate split by probes left, the same seed, shard and key", () => {
  const big = {
    targets: new TargetSet({ include: ["198.18.0.0/20"], ports: "1-100" }),
  };
  const p = planned({
    ...big,
    txWorkers: 4,
    rate: 100_000,
    shard: { one: 2, of: 3 },
    seed: 9,
  });
  assert.equal(p.tx.length, 4);
  assert.deepEqual(p.tx.map((j) => j.worker), [0, 1, 2, 3]);
  assert.deepEqual(p.tx.map((j) => j.startIndex), [0, 256, 512, 768]);
  const sum = p.tx.reduce((a, j) => a + j.rate, 0);
  assert.ok(Math.abs(sum - 100_000) < 1e-6, `rates sum to ${sum}`);
  for (const j of p.tx) {
    assert.ok(Math.abs(j.rate - 25_000) < 250, `Worker ${j.worker}: ${j.rate}`);
    assert.equal(j.workers, 4);
    assert.equal(j.seed, 9n);
    assert.deepEqual(j.shard, { one: 2, of: 3 });
    assert.equal(j.key, p.tx[0].key);
  }
  // A tiny scan (one stripe): all the rate to the Worker that has it.
  assert.deepEqual(rateShares([0, 0, 0], 100), [1, 1 / 3, 1 / 3]);
  assert.deepEqual(rateShares([0, 0], 3 * STRIPE), [2 / 3, 1 / 3]);
  // Resume from a per-Worker progress.
  const r = planned({ ...big, txWorkers: 2, workerProgress: [1000, 300] });
  assert.deepEqual(r.tx.map((j) => j.startIndex), [1000, 300]);
  assert.equal(r.startIndex, 300);
  // From a single resume-index (a masscan-style or N = 1 paused.conf).
  const s = planned({ ...big, txWorkers: 2, startIndex: 300 });
  assert.deepEqual(s.tx.map((j) => j.startIndex), [512, 300]);
});

Deno.test("plan: bad --tx-workers and progress fail with a message; xdp: refuses N > 1", () => {
  const cases: Array<[Partial<EngineOptions>, RegExp]> = [
    [{ txWorkers: 0 }, /--tx-workers must be 1\.\.8/],
    [{ txWorkers: 9 }, /--tx-workers must be 1\.\.8/],
    [{ txWorkers: 1.5 }, /--tx-workers must be 1\.\.8/],
    [
      { txWorkers: 2, workerProgress: [1, 2, 3] },
      /3 entries for --tx-workers 2/,
    ],
    [
      { txWorkers: 2, workerProgress: [1, 99] },
      /tx-worker-progress 99 is outside/,
    ],
  ];
  for (const [extra, message] of cases) {
    assert.throws(() => planned(extra), (e: unknown) => {
      assert.ok(e instanceof ScanEngineError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  const xdp = options({ txWorkers: 2 });
  xdp.adapter = { ...xdp.adapter, driverName: "xdp:veth0@1" };
  assert.throws(
    () => plan(xdp, createControl().buffer, new SharedArrayBuffer(64), null),
    /--tx-workers 2 with xdp:veth0@1: xdp: sends from one transmit Worker .*single UMEM and completion ring/,
  );
  const file = options({ txWorkers: 3 });
  file.adapter = { ...file.adapter, driverName: "file:/tmp/x.pcap" };
  assert.throws(
    () => plan(file, createControl().buffer, new SharedArrayBuffer(64), null),
    /--tx-workers 3 with file:\/tmp\/x\.pcap: a savefile has one writer/,
  );
  xdp.txWorkers = 1;
  assert.equal(
    plan(xdp, createControl().buffer, new SharedArrayBuffer(64), null).tx
      .length,
    1,
  );
});
