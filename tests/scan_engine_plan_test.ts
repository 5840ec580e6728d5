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
  assert.equal(p.tx.link, p.rx!.link);
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
