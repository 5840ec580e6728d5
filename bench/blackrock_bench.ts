// deno bench -A bench/blackrock_bench.ts
// masscan's benchmark workload: range 0x012356789123, seed 1, 14 rounds.
// scripts/bench_blackrock.ts runs it next to `masscan --benchmark`.
import { Blackrock, ScanOrder, Target, TargetSet } from "../blackrock/mod.ts";

const br = new Blackrock(0x012356789123, 1, 14);
const batch = new Float64Array(1024);
let next = 0, sink = 0;

Deno.bench("Blackrock.shuffleBatch, 1024 indices", {
  group: "shuffle",
  baseline: true,
}, () => {
  br.shuffleBatch(next, 1, 1024, batch);
  next += 1024;
  sink += batch[0];
});

Deno.bench("Blackrock.shuffle, one index", { group: "shuffle" }, () => {
  sink += br.shuffle(next++);
});

const order = new ScanOrder(
  new TargetSet({
    include: ["0.0.0.0/0"],
    exclude: ["255.255.255.255"],
    ports: "0-65535",
  }),
  { seed: 42 },
);
const target = new Target();
let n = 0;
Deno.bench("ScanOrder.target (shuffle + pick), 2^48 targets", () => {
  order.target(n++, target);
  sink += target.port;
});

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink);
});
