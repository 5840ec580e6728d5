/**
 * `./run bench`: every side-by-side benchmark of BENCHMARKS.md, one after
 * the other (never in parallel: they would measure each other), then the
 * `deno bench` files. Run as root on an otherwise idle machine.
 *
 *   deno run -A scripts/bench_all.ts [--quick]
 */
const quick = Deno.args.includes("--quick");
const deno = Deno.execPath();
const here = new URL(".", import.meta.url).pathname;

const steps: Array<[string, string[]]> = [
  ["blackrock + SYN cookies vs masscan --benchmark", [
    `${here}bench_blackrock.ts`,
  ]],
  ["aho_corasick vs masscan smack-1 and npm packages", [
    `${here}bench_aho_corasick.ts`,
    ...(quick ? ["--quick"] : []),
  ]],
  ["X.509 decoder vs node:crypto and @peculiar/x509", [
    `${here}bench_decoders.ts`,
  ]],
  ["drivers on a veth pair vs masscan", [
    `${here}bench_drivers.ts`,
    "--seconds",
    quick ? "3" : "10",
  ]],
  ["the scanner: --offline and on the wire vs masscan", [
    `${here}bench_scan.ts`,
    "--seconds",
    quick ? "3" : "10",
  ]],
  ["target lists at scale: -sL with 10^5/10^6 list lines vs masscan", [
    `${here}bench_targets.ts`,
    "--rounds",
    quick ? "1" : "3",
    "--masscan-timeout",
    quick ? "20" : "60",
  ]],
  ["banners vs masscan --banners", [
    `${here}bench_banners.ts`,
    "--rounds",
    quick ? "1" : "2",
  ]],
  ["zon watch vs ngrep, ndpiReader and tcpdump", [
    `${here}bench_watch.ts`,
    "--megabytes",
    quick ? "64" : "256",
    "--rounds",
    quick ? "1" : "3",
    "--seconds",
    quick ? "3" : "5",
    "--buffer",
    "256",
  ]],
];

let failed = 0;
for (const [title, args] of steps) {
  console.log(
    `\n=== ${title}: deno run -A ${
      args.join(" ").replaceAll(here, "scripts/")
    }`,
  );
  const status = await new Deno.Command(deno, { args: ["run", "-A", ...args] })
    .spawn().status;
  if (!status.success) {
    console.log(`!!! ${title} failed (exit ${status.code})`);
    failed++;
  }
}
console.log("\n=== deno bench -A bench/");
const bench = await new Deno.Command(deno, {
  args: ["bench", "-A", `${here}../bench/`],
}).spawn().status;
if (!bench.success) failed++;
Deno.exit(failed ? 1 : 0);
