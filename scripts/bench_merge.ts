/**
 * `--merge` at 10^7 results: N shard files of masscan NDJSON results (a
 * share of them repeated, as a resume overlap or retries leave them), each
 * ending with its completion record, merged by zon (coverage proof, dedup,
 * writing -oD) and, side by side in the same run, by the usual recipe for
 * masscan/zmap shard outputs, `sort -u` over the files (which proves
 * nothing and only drops byte-identical lines). Rounds alternate; the
 * median is reported, with zon's peak RSS (VmHWM) and /proc/loadavg.
 *
 *   deno run -A scripts/bench_merge.ts [--results 10000000] [--shards 3]
 *     [--duplicates 0.01] [--rounds 2] [--json]
 */
import { parseArgs } from "node:util";
import {
  completionRecord,
  formatCompletion,
} from "../examples/scan/cluster/completion.ts";
import { shardProbes } from "../examples/scan/cluster/coverage.ts";
import { runMerge } from "../examples/scan/cluster/merge.ts";

const SELF = new URL(import.meta.url).pathname;
const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;

const v4 = (n: number): string =>
  `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** Writes the shard files: `results` lines in all, `duplicates` of them repeats. */
function writeShards(
  dir: string,
  results: number,
  shards: number,
  duplicates: number,
): void {
  const encoder = new TextEncoder();
  const targets = results * 4; // a scan of 4× as many targets as results
  const perShard = Math.ceil(results / shards);
  const repeatEvery = duplicates > 0 ? Math.round(1 / duplicates) : 0;
  let n = 0;
  for (let one = 1; one <= shards; one++) {
    const file = Deno.openSync(`${dir}/shard-${one}-of-${shards}.ndjson`, {
      write: true,
      create: true,
      truncate: true,
    });
    let chunk = "";
    for (let i = 0; i < perShard && n < results; i++, n++) {
      // Addresses spread over 0x0b000000.. (one port each); every
      // repeatEvery-th line repeats the previous result.
      const key = repeatEvery && n % repeatEvery === repeatEvery - 1
        ? n - 1
        : n;
      const ip = 0x0b000000 + key * 7;
      chunk += `{"ip":"${v4(ip)}","timestamp":"1700000000","port":${
        80 + (key % 3)
      },"proto":"tcp","rec_type":"status","data":{"status":"open","reason":"syn-ack","ttl":64}}\n`;
      if (chunk.length > 1 << 20) {
        file.writeSync(encoder.encode(chunk)), chunk = "";
      }
    }
    const total = shardProbes(targets, 0, one, shards);
    chunk += formatCompletion(completionRecord({
      seed: 1n,
      shard: { one, of: shards },
      fingerprint: "sha256:bench",
      targets,
      retries: 0,
      total,
      first: 0,
      next: total,
      sent: total,
      results: perShard,
      startMs: 0,
      endMs: 1,
      args: [],
      program: SCAN,
      runtime: Deno.execPath(),
      cwd: dir,
    }));
    file.writeSync(encoder.encode(chunk));
    file.close();
  }
}

/** The child: one merge in this process, then its peak RSS. */
async function child(dir: string, out: string): Promise<void> {
  const code = await runMerge(
    [dir],
    out === "" ? [] : [{ format: "ndjson", path: out }],
  );
  const hwm =
    /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))![1];
  console.log(JSON.stringify({ code, peakRssMiB: Number(hwm) / 1024 }));
}

async function timed(
  cmd: string,
  args: string[],
): Promise<{ seconds: number; stdout: string; stderr: string; code: number }> {
  const t0 = performance.now();
  const out = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { LC_ALL: "C" },
  }).output();
  const d = new TextDecoder();
  return {
    seconds: (performance.now() - t0) / 1000,
    stdout: d.decode(out.stdout),
    stderr: d.decode(out.stderr),
    code: out.code,
  };
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      results: { type: "string", default: "10000000" },
      shards: { type: "string", default: "3" },
      duplicates: { type: "string", default: "0.01" },
      rounds: { type: "string", default: "2" },
      json: { type: "boolean", default: false },
      child: { type: "string" },
      out: { type: "string", default: "" },
    },
  });
  if (values.child) return await child(values.child, values.out!);
  const results = Number(values.results), shards = Number(values.shards);
  const dir = Deno.makeTempDirSync({ prefix: "zon-bench-merge-" });
  try {
    const t0 = performance.now();
    writeShards(dir, results, shards, Number(values.duplicates));
    const bytes = [...Deno.readDirSync(dir)].reduce(
      (n, e) => n + Deno.statSync(`${dir}/${e.name}`).size,
      0,
    );
    console.error(
      `wrote ${results} results in ${shards} files (${
        (bytes / 2 ** 20).toFixed(0)
      } MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const files = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`)
      .sort();
    const zonCheck: number[] = [],
      zonWrite: number[] = [],
      sortU: number[] = [];
    let peakCheck = 0, peakWrite = 0, report = "";
    const loads: string[] = [Deno.readTextFileSync("/proc/loadavg").trim()];
    for (let round = 0; round < Number(values.rounds); round++) {
      const check = await timed(Deno.execPath(), [
        "run",
        "-A",
        SELF,
        "--child",
        dir,
      ]);
      if (check.code !== 0) throw new Error(check.stderr);
      zonCheck.push(check.seconds);
      peakCheck = JSON.parse(check.stdout).peakRssMiB;
      const write = await timed(Deno.execPath(), [
        "run",
        "-A",
        SELF,
        "--child",
        dir,
        "--out",
        `${dir}/merged.out`,
      ]);
      if (write.code !== 0) throw new Error(write.stderr);
      zonWrite.push(write.seconds);
      peakWrite = JSON.parse(write.stdout).peakRssMiB;
      report = write.stderr.trim();
      Deno.removeSync(`${dir}/merged.out`);
      const sorted = await timed("sort", [
        "-u",
        "-S",
        "25%",
        "--parallel=2",
        "-o",
        `${dir}/merged.out`,
        ...files,
      ]);
      if (sorted.code !== 0) throw new Error(sorted.stderr);
      sortU.push(sorted.seconds);
      Deno.removeSync(`${dir}/merged.out`);
      loads.push(Deno.readTextFileSync("/proc/loadavg").trim());
    }
    const row = {
      results,
      shards,
      duplicates: Number(values.duplicates),
      inputMiB: Math.round(bytes / 2 ** 20),
      zonMergeCheckSeconds: median(zonCheck),
      zonMergeWriteSeconds: median(zonWrite),
      sortUniqSeconds: median(sortU),
      ratioZonWriteToSortU: median(zonWrite) / median(sortU),
      zonResultsPerSecond: Math.round(results / median(zonWrite)),
      zonPeakRssMiBCheck: Math.round(peakCheck),
      zonPeakRssMiBWrite: Math.round(peakWrite),
      loadavg: loads,
      zonReport: report,
    };
    if (values.json) console.log(JSON.stringify(row));
    else console.log(row);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
