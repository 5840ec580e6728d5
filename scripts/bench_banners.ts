/**
 * Banners per second, side by side in one run: zon's `--banners` and Debian's
 * `masscan --banners` against the same lab (examples/scan/lab/mod.ts: 3 hosts,
 * each with 300 extra random banner listeners on ports 1-20000), both from
 * the lab's source address the scanner's kernel does not own (so neither
 * kernel resets the connections), IPv4, `--rate 100000 --wait 3`, rounds
 * alternating zon/masscan. Root only; the lab's namespaces are removed after.
 *
 *   deno run -A scripts/bench_banners.ts [--rounds 2]
 */
import { labScanArgs, withLab } from "../examples/scan/lab/mod.ts";

const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;
const i = Deno.args.indexOf("--rounds");
const rounds = i >= 0 ? Number(Deno.args[i + 1]) : 2;
const decoder = new TextDecoder();

interface Row {
  scanner: string;
  banners: number;
  unique: number;
  expected: number;
  seconds: number;
  load: string;
}

const rows: Row[] = [];
await withLab(
  { randomOpenPorts: 300, randomPortRange: [1, 20000], seed: 7 },
  async (lab) => {
    const expected =
      lab.truth.filter((t) => t.proto === "tcp" && !t.ip.includes(":"))
        .length;
    for (let r = 0; r < rounds; r++) {
      for (const masscan of r % 2 ? [true, false] : [false, true]) {
        const { args } = labScanArgs(lab, {
          masscan,
          driver: "ring",
          ports: "1-20000",
          ipv6: false,
          rate: 100_000,
          wait: 3,
          extraArgs: ["--banners"],
        });
        const cmd = masscan
          ? ["masscan", ...args]
          : [Deno.execPath(), "run", "-A", SCAN, ...args];
        const load = (await Deno.readTextFile("/proc/loadavg")).split(" ")
          .slice(0, 3).join(" ");
        const started = performance.now();
        const child = lab.spawn(cmd[0], cmd.slice(1), {
          stdout: "piped",
          stderr: "piped",
          cwd: lab.dir,
          env: { DENO_NO_UPDATE_CHECK: "1" },
        });
        // masscan 1.3.2 can hang after its wait: SIGINT still writes output.
        const timer = setTimeout(() => child.kill("SIGINT"), 20_000);
        const out = await child.output();
        clearTimeout(timer);
        const seconds = (performance.now() - started) / 1000;
        const banners = decoder.decode(out.stdout).split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l.replace(/,\s*$/, "")))
          .filter((l) => l.rec_type === "banner");
        rows.push({
          scanner: masscan ? "masscan 1.3.2" : "zon",
          banners: banners.length,
          unique: new Set(banners.map((b) => `${b.ip}:${b.port}`)).size,
          expected,
          seconds,
          load,
        });
        console.error(JSON.stringify(rows[rows.length - 1]));
      }
    }
  },
);

console.log(
  "| scanner | banners (unique / open TCP ports) | seconds | banners/s | load |",
);
console.log("| --- | ---: | ---: | ---: | --- |");
for (const r of rows) {
  console.log(
    `| ${r.scanner} | ${r.banners} (${r.unique} / ${r.expected}) | ${
      r.seconds.toFixed(2)
    } | ${(r.unique / r.seconds).toFixed(0)} | ${r.load} |`,
  );
}
const best = (name: string): number =>
  Math.max(
    ...rows.filter((r) => r.scanner.startsWith(name)).map((r) =>
      r.unique / r.seconds
    ),
  );
console.log(
  `\nzon / masscan (best unique banners per second): ${
    (best("zon") / best("masscan")).toFixed(2)
  }×`,
);
