/**
 * Target lists at Internet scale, side by side with masscan in one run: how
 * long `-sL` takes to print its first line, and its peak RSS at that moment,
 * with 10^5 and 10^6 random `--excludefile` (or `-iL`) lines, IPv4 and IPv6.
 * Each case runs zon and masscan alternately (`--rounds` times each, median
 * reported), plus a baseline without the file for each tool, so "extra" is
 * what the list costs. The first line printed must be the same for both.
 *
 *   deno run -A scripts/bench_targets.ts [--rounds 3] [--sizes 100000,1000000]
 *     [--families 4,6] [--masscan-timeout 60] [--seed 13] [--json]
 */
import { parseArgs } from "node:util";

const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;

/** xorshift32: the files are the same for the same `--seed`. */
function seededRandom(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number): number => {
    x ^= x << 13, x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5, x >>>= 0;
    return Math.floor((x / 4294967296) * n);
  };
}

const v4 = (n: number): string =>
  `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** IPv6 in 2001:db8::/80 (2^48 addresses: masscan can count them). */
const V6_SCOPE = "2001:db8::/80";
const v6 = (hi16: number, lo32: number): string =>
  `2001:db8::${hi16.toString(16)}:${(lo32 >>> 16).toString(16)}:${
    (lo32 & 0xffff).toString(16)
  }`;

/**
 * `count` random lines: half single addresses, a quarter short
 * `first-last` ranges, a quarter CIDR blocks (/24../32 or /116../128).
 */
function randomLines(count: number, family: 4 | 6, seed: number): string {
  const rand = seededRandom(seed);
  const lines: string[] = [];
  for (let k = 0; k < count; k++) {
    const kind = rand(4);
    if (family === 4) {
      const a = rand(2 ** 32);
      if (kind <= 1) lines.push(v4(a));
      else if (kind === 2) {
        lines.push(`${v4(a)}-${v4(Math.min(a + rand(300), 2 ** 32 - 1))}`);
      } else lines.push(`${v4(a)}/${24 + rand(9)}`);
    } else {
      const hi = rand(2 ** 16), lo = rand(2 ** 32);
      if (kind <= 1) lines.push(v6(hi, lo));
      else if (kind === 2) {
        lines.push(
          `${v6(hi, lo)}-${v6(hi, Math.min(lo + rand(300), 2 ** 32 - 1))}`,
        );
      } else lines.push(`${v6(hi, lo)}/${116 + rand(13)}`);
    }
  }
  return lines.join("\n") + "\n";
}

interface Sample {
  /** Milliseconds from spawn to the first complete stdout line. */
  ms: number;
  /** Peak resident set (VmHWM) when that line arrived, in MiB. */
  peakMiB: number;
  /** The first line. */
  line: string;
}

function peakRssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  // No VmHWM: it exited already (only the warm-up run does).
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * Runs `cmd args` until its first stdout line, then kills it. After
 * `timeoutMs` without one it is killed too: `ms` is then Infinity and the
 * RSS is what it had reached.
 */
async function firstLine(
  cmd: string,
  args: string[],
  timeoutMs = Infinity,
): Promise<Sample> {
  const t0 = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut: Sample | undefined;
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
      timedOut = { ms: Infinity, peakMiB: peakRssMiB(child.pid), line: "" };
      child.kill("SIGKILL");
    }, timeoutMs)
    : undefined;
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "", sample: Sample | undefined;
  while (!sample) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const nl = text.indexOf("\n");
    if (nl >= 0) {
      const ms = performance.now() - t0;
      sample = { ms, peakMiB: peakRssMiB(child.pid), line: text.slice(0, nl) };
    }
  }
  clearTimeout(timer);
  try {
    child.kill("SIGKILL");
  } catch { /* it exited already */ }
  await reader.cancel().catch(() => {});
  await child.status;
  const err = new TextDecoder().decode(
    (await new Response(child.stderr).arrayBuffer()) as ArrayBuffer,
  );
  if (timedOut) return timedOut;
  if (!sample) {
    throw new Error(`${cmd} ${args.join(" ")} printed nothing: ${err}`);
  }
  return sample;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row {
  what: string;
  zonMs: number;
  masscanMs: number;
  zonExtraMiB: number;
  masscanExtraMiB: number;
  zonPeakMiB: number;
  masscanPeakMiB: number;
}

/** Both tools on the same arguments, alternating; medians. */
async function measure(
  args: string[],
  rounds: number,
): Promise<{ zon: Sample; masscan: Sample }> {
  const zon: Sample[] = [], masscan: Sample[] = [];
  for (let r = 0; r < rounds; r++) {
    zon.push(await firstLine(Deno.execPath(), ["run", "-A", SCAN, ...args]));
    const m = await firstLine("masscan", args, masscanTimeoutMs);
    masscan.push(m);
    // masscan 1.3.2 subtracts IPv6 excludes one by one (O(n²)): once it
    // times out, do not wait for it again.
    if (m.ms === Infinity) break;
  }
  const pick = (s: Sample[]): Sample => ({
    ms: median(s.map((x) => x.ms)),
    peakMiB: median(s.map((x) => x.peakMiB)),
    line: s[0].line,
  });
  return { zon: pick(zon), masscan: pick(masscan) };
}

let masscanTimeoutMs = 60_000;

const canonical = (line: string): string =>
  line.includes(":") ? new URL(`http://[${line}]/`).hostname : line;

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "3" },
      sizes: { type: "string", default: "100000,1000000" },
      seed: { type: "string", default: "13" },
      "masscan-timeout": { type: "string", default: "60" },
      families: { type: "string", default: "4,6" },
      json: { type: "boolean", default: false },
    },
  });
  const rounds = Number(values.rounds);
  const sizes = values.sizes.split(",").map(Number);
  const seed = Number(values.seed);
  masscanTimeoutMs = 1000 * Number(values["masscan-timeout"]);
  console.log(`load average: ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
  const dir = Deno.makeTempDirSync({ prefix: "zon-bench-targets-" });
  const rows: Row[] = [];
  try {
    // Warm deno's compile cache so no round pays for it.
    await firstLine(Deno.execPath(), ["run", "-A", SCAN, "-sL", "198.18.0.1"]);
    const base = {
      4: await measure(["-sL", "0.0.0.0/0", "-p80", "--seed", "1"], rounds),
      6: await measure(
        ["-sL", "--range", V6_SCOPE, "-p80", "--seed", "1"],
        rounds,
      ),
    };
    const families = values.families.split(",").map(Number) as Array<4 | 6>;
    for (const family of families) {
      for (const size of sizes) {
        for (const mode of ["exclude", "include"] as const) {
          const file = `${dir}/${mode}${family}-${size}`;
          Deno.writeTextFileSync(
            file,
            randomLines(size, family, seed + size + family),
          );
          const args = mode === "exclude"
            ? [
              "-sL",
              family === 4 ? "0.0.0.0/0" : `--range=${V6_SCOPE}`,
              "-p80",
              "--excludefile",
              file,
              "--seed",
              "1",
            ]
            : ["-sL", "-iL", file, "-p80", "--seed", "1"];
          const { zon, masscan } = await measure(args, rounds);
          Deno.removeSync(file);
          if (
            masscan.ms !== Infinity &&
            canonical(zon.line) !== canonical(masscan.line)
          ) {
            throw new Error(
              `first lines differ for ${mode} ${family} ${size}: zon ${zon.line}, masscan ${masscan.line}`,
            );
          }
          const what = `IPv${family}, ${size.toLocaleString("en")} ${
            mode === "exclude" ? "--excludefile" : "-iL"
          } lines`;
          rows.push({
            what,
            zonMs: zon.ms,
            masscanMs: masscan.ms,
            zonPeakMiB: zon.peakMiB,
            masscanPeakMiB: masscan.peakMiB,
            zonExtraMiB: zon.peakMiB - base[family].zon.peakMiB,
            masscanExtraMiB: masscan.peakMiB - base[family].masscan.peakMiB,
          });
          console.error(
            `${what}: zon ${zon.ms.toFixed(0)} ms, masscan ${
              masscan.ms.toFixed(0)
            } ms`,
          );
        }
      }
    }
    console.log(
      `baseline (no file), IPv4: zon ${base[4].zon.ms.toFixed(0)} ms ${
        base[4].zon.peakMiB.toFixed(1)
      } MiB, masscan ${base[4].masscan.ms.toFixed(0)} ms ${
        base[4].masscan.peakMiB.toFixed(1)
      } MiB`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  console.log(`load average: ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
  if (values.json) console.log(JSON.stringify(rows));
  else {
    console.log(
      "| list | zon first line | masscan first line | zon peak RSS (extra) | masscan peak RSS (extra) |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: |");
    const f = (ms: number): string =>
      ms === Infinity
        ? `> ${masscanTimeoutMs / 1000} s (killed)`
        : `${(ms / 1000).toFixed(3)} s`;
    const m = (peak: number, extra: number): string =>
      `${peak.toFixed(1)} MiB (+${extra.toFixed(1)})`;
    for (const r of rows) {
      console.log(
        `| ${r.what} | ${f(r.zonMs)} | ${f(r.masscanMs)} | ${
          m(r.zonPeakMiB, r.zonExtraMiB)
        } | ${m(r.masscanPeakMiB, r.masscanExtraMiB)} |`,
      );
    }
  }
}
