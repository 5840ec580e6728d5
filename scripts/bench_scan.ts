/**
 * The scanner side by side with masscan, in one run (issue 7, "Benchmarks"):
 *
 * (a) offline: `examples/scan.ts --offline` packets/s on its one transmit
 *     Worker (0.0.0.0/0 × port 80, run for N s then SIGINT), next to the
 *     `blackrock-1` iterations/s that `masscan --benchmark` prints in the same
 *     run (Debian's masscan 1.3.2 cannot run `--offline`: "bad packet
 *     template"), as a ratio (target ≥ 0.65: masscan's own --offline/blackrock-1
 *     ratio); plus `--offline --stats`: ns and cycles per packet by stage.
 * (b) wire: the scanner (not the raw driver) with `-e ring:IF` and
 *     `-e pcap:IF` at `--rate 100000000`, and Debian's masscan with the same
 *     rate, each for N s out of one end of a veth pair into a peer namespace
 *     (both namespaces created here and deleted in a finally, also on
 *     SIGINT/SIGTERM; 198.18.0.0/15, no route out). Targets 198.18.0.0/15 ×
 *     1-65535 (8.6 G probes: never exhausted; inside the benchmarking block,
 *     which the reserved-range rule keeps when it is named). The figure is
 *     frames/s delivered to the peer: its interface rx counter over N s, after
 *     the first frames arrived and a 1 s warm-up, the same for every sender.
 *
 * Issue 15: `--tx-workers 2` next to one Worker — offline (`--stats`, the
 * 2-Worker figure over the 1-Worker one; goal ≥ 1.8× on 2 cores) and on the
 * wire (`ring:` and `pcap:` with 2 Workers; `xdp:` with one, as the scanner
 * refuses xdp: with several: one UMEM per queue). Every wire run also
 * reports frames per CPU-second of the sender (all its threads, user +
 * system): what a frame costs, whatever share of the shared machine's CPU
 * the sender got.
 *
 * Every competitor runs back to back; with `--repeat R` the order alternates
 * per round, and the tables give best-of and every run, with the load
 * average before each measurement (the machine is shared).
 *
 *   deno run -A scripts/bench_scan.ts [--seconds 10] [--repeat 1] [--json]
 *                                     [--no-offline] [--no-wire]
 *
 * Needs root, masscan, iproute2, libpcap.
 *
 * @module
 */
import {
  DENO,
  linkCounters,
  type VethPair,
  withVethPair,
} from "../tests/helpers/drivers_netns.ts";

const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;
export const SENDER_IP = "198.18.200.1"; // ifA's address in withVethPair
// Every sender addresses its frames to this MAC, which is not the peer's
// (withVethPair gives the peer 02:00:5a:00:00:0b): the peer's kernel counts
// each frame on the interface (the figure), then drops it at the first check
// (PACKET_OTHERHOST) instead of running IP input, routing and an ICMP or RST
// reply for it. That cost would be the same for every sender, would be paid on
// the same 2 cores as the sender, and would only compress the ratios: this
// measures senders, not the peer's stack. It also means nothing ever answers.
export const ROUTER_MAC = "02:00:5a:00:00:0c";
const WIRE_TARGETS = ["198.18.0.0/15", "-p", "1-65535"];
const WIRE_RATE = "100000000";
const OFFLINE_TARGETS = [
  "0.0.0.0/0",
  "-p",
  "80",
  "--exclude",
  "255.255.255.255",
];

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/** /proc/loadavg's 1, 5 and 15 minute figures, as "1.23 2.34 3.45". */
function loadAverage(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(
    " ",
  );
}

// ------------------------------------------------------ interrupt handling

const children = new Set<Deno.ChildProcess>();
let aborted = false;
let wakeAll: Array<() => void> = [];

function killAll(): void {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch { /* already gone */ }
  }
}

function onSignal(): void {
  if (aborted) return;
  aborted = true;
  console.error("bench_scan: interrupted; stopping children, cleaning up");
  killAll();
  const wake = wakeAll;
  wakeAll = [];
  for (const w of wake) w();
}

class Interrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "Interrupted";
  }
}

/** Sleeps `ms`; rejects with Interrupted at once on SIGINT/SIGTERM. */
function sleep(ms: number): Promise<void> {
  if (aborted) return Promise.reject(new Interrupted());
  return new Promise((resolve, reject) => {
    const wake = () => {
      clearTimeout(t);
      reject(new Interrupted());
    };
    const t = setTimeout(() => {
      wakeAll = wakeAll.filter((w) => w !== wake);
      resolve();
    }, ms);
    wakeAll.push(wake);
  });
}

interface Spawned {
  child: Deno.ChildProcess;
  output: Promise<{ stdout: string; stderr: string; code: number }>;
}

function spawn(cmd: string[], cwd: string): Spawned {
  if (aborted) throw new Interrupted();
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  children.add(child);
  const output = child.output().then((o) => {
    children.delete(child);
    const d = new TextDecoder();
    return {
      stdout: d.decode(o.stdout),
      stderr: d.decode(o.stderr),
      code: o.code,
    };
  });
  return { child, output };
}

/** SIGINT, then SIGKILL if it has not exited after `graceMs`. */
async function stop(
  s: Spawned,
  graceMs = 8000,
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    s.child.kill("SIGINT");
  } catch { /* already gone */ }
  const t = setTimeout(() => {
    try {
      s.child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, graceMs);
  try {
    return await s.output;
  } finally {
    clearTimeout(t);
  }
}

// ------------------------------------------------------------ (a) offline

interface MasscanBenchmark {
  blackrock1: number;
  blackrock2: number;
  load: string;
}

async function masscanBenchmark(cwd: string): Promise<MasscanBenchmark> {
  const load = loadAverage();
  const out = await spawn(["masscan", "--benchmark"], cwd).output;
  const it = (name: string) => {
    const m = new RegExp(
      `-- ${name} --[\\s\\S]*?iterations/second = ([\\d.]+)-million`,
    ).exec(out.stdout);
    if (!m) {
      throw new Error(
        `no ${name} line in masscan --benchmark output:\n${out.stdout}${out.stderr}`,
      );
    }
    return Number(m[1]) * 1e6;
  };
  return { blackrock1: it("blackrock-1"), blackrock2: it("blackrock-2"), load };
}

interface Stages {
  shuffle: number;
  pick: number;
  cookie: number;
  write: number;
  driver: number;
  other: number;
}

interface ZonOffline {
  /** Transmit Workers (`--tx-workers`). */
  workers: number;
  /** Each Worker's own packets/s (--stats), else empty. */
  perWorker: number[];
  /** Cores the process used over its run (all threads, user + system). */
  cores: number;
  /** Probes/s: the transmit Worker's own clock (--stats), or sent over the run minus startup. */
  pps: number;
  packets: number;
  seconds: number;
  stages: Stages | null;
  cpuMHz: number | null;
  load: string;
  /** Seconds between launch and the transmit loop's start (--stats only). */
  startup?: number;
}

/** Parses "sent=N, ..., elapsed=S" from the scanner's summary line. */
function summaryLine(stderr: string): { sent: number; elapsed: number } {
  const m = /sent=(\d+),.*elapsed=([\d.]+)s/.exec(stderr);
  if (!m) throw new Error(`no summary line from the scanner:\n${stderr}`);
  return { sent: Number(m[1]), elapsed: Number(m[2]) };
}

/**
 * `examples/scan.ts --offline` for `seconds`, then SIGINT. With `stats` the
 * scanner prints its transmit Worker's figures as JSON; without, the figure
 * is the summary's sent / (elapsed − `startup`), `startup` being the time the
 * --stats run spent before its transmit loop (Worker spawn, module load).
 */
async function zonOffline(
  stats: boolean,
  seconds: number,
  cwd: string,
  startup = 0,
  workers = 1,
): Promise<ZonOffline> {
  const load = loadAverage();
  const s = spawn([
    DENO,
    "run",
    "-A",
    SCAN,
    ...OFFLINE_TARGETS,
    "--offline",
    ...(stats ? ["--stats"] : ["--rate", "1e12"]),
    ...(workers > 1 ? ["--tx-workers", String(workers)] : []),
  ], cwd);
  const started = performance.now();
  await sleep(seconds * 1000);
  const ticks = [...threadTicks(s.child.pid).values()].reduce(
    (sum, t) => sum + t.user + t.system,
    0,
  );
  const cores = ticks / TICKS / ((performance.now() - started) / 1000);
  const out = await stop(s);
  const summary = summaryLine(out.stderr);
  if (stats) {
    const line = out.stdout.trim().split("\n").pop() ?? "";
    const j = JSON.parse(line);
    return {
      workers,
      perWorker: (j.workers ?? []).map((w: { pps: number }) => w.pps),
      cores,
      pps: j.pps,
      packets: j.packets,
      seconds: j.seconds,
      stages: j.stages,
      cpuMHz: j.cpuMHz,
      load,
      startup: Math.max(0, summary.elapsed - j.seconds),
    };
  }
  const secs = summary.elapsed - startup;
  return {
    workers,
    perWorker: [],
    cores,
    pps: summary.sent / secs,
    packets: summary.sent,
    seconds: secs,
    stages: null,
    cpuMHz: null,
    load,
  };
}

interface OfflineRound {
  order: string[];
  masscan: MasscanBenchmark;
  zon: ZonOffline;
  zonStats: ZonOffline;
  ratio: number;
  /** `--offline --stats --tx-workers 2`. */
  zonStats2: ZonOffline;
  /** zonStats2 / zonStats: the goal is ≥ 1.8 on 2 cores. */
  ratio2: number;
}

async function offlineRound(
  round: number,
  seconds: number,
  cwd: string,
): Promise<OfflineRound> {
  // --stats first in every round: its startup time corrects the plain run.
  let masscan: MasscanBenchmark, zonStats: ZonOffline, zon: ZonOffline;
  let order: string[];
  let zonStats2: ZonOffline;
  if (round % 2 === 0) {
    order = [
      "masscan --benchmark",
      "zon --offline --stats",
      "zon --offline",
      "zon --offline --stats --tx-workers 2",
    ];
    masscan = await masscanBenchmark(cwd);
    zonStats = await zonOffline(true, seconds, cwd);
    zon = await zonOffline(false, seconds, cwd, zonStats.startup);
    zonStats2 = await zonOffline(true, seconds, cwd, 0, 2);
  } else {
    order = [
      "zon --offline --stats --tx-workers 2",
      "zon --offline --stats",
      "zon --offline",
      "masscan --benchmark",
    ];
    zonStats2 = await zonOffline(true, seconds, cwd, 0, 2);
    zonStats = await zonOffline(true, seconds, cwd);
    zon = await zonOffline(false, seconds, cwd, zonStats.startup);
    masscan = await masscanBenchmark(cwd);
  }
  return {
    order,
    masscan,
    zon,
    zonStats,
    ratio: zon.pps / masscan.blackrock1,
    zonStats2,
    ratio2: zonStats2.pps / zonStats.pps,
  };
}

// --------------------------------------------------------------- (b) wire

/** A wire sender: masscan, or the scanner on a driver with 1 or 2 Workers. */
export type WireName =
  | "masscan"
  | "zon ring:"
  | "zon pcap:"
  | "zon xdp:"
  | "zon ring: ×2"
  | "zon pcap: ×2";

/** Every wire sender, in the order of the first round. */
const WIRE_NAMES: WireName[] = [
  "masscan",
  "zon ring:",
  "zon ring: ×2",
  "zon xdp:",
  "zon pcap:",
  "zon pcap: ×2",
];

/** The driver prefix and transmit Workers of a zon sender. */
function senderOf(name: WireName): { driver: string; workers: number } {
  const m = /^zon (\w+): ?(?:×(\d+))?$/.exec(name)!;
  return { driver: m[1], workers: Number(m[2] ?? 1) };
}

interface WireRun {
  name: WireName;
  /** Frames/s delivered to the peer over the window. */
  pps: number;
  /** Frames the peer counted as dropped over the window. */
  peerDropped: number;
  windowSeconds: number;
  /** Seconds from launch to the first frames at the peer. */
  startSeconds: number;
  /** zon: probes the scanner says it sent over its whole run / its elapsed. */
  scannerSentPerSecond?: number;
  /** CPU the sender used over the window, in cores, by thread (user + system). */
  cpu: { total: number; user: number; system: number; threads: string };
  load: string;
}

const TICKS = 100; // USER_HZ

/** utime and stime ticks of every thread of `pid`, by thread id. */
export function threadTicks(
  pid: number,
): Map<string, { comm: string; user: number; system: number }> {
  const out = new Map<string, { comm: string; user: number; system: number }>();
  try {
    for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
      try {
        const stat = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/stat`);
        const close = stat.lastIndexOf(")");
        const comm = stat.slice(stat.indexOf("(") + 1, close);
        const f = stat.slice(close + 2).split(" ");
        out.set(t.name, { comm, user: Number(f[11]), system: Number(f[12]) });
      } catch { /* thread ended */ }
    }
  } catch { /* process ended */ }
  return out;
}

function cpuOver(
  a: ReturnType<typeof threadTicks>,
  b: ReturnType<typeof threadTicks>,
  seconds: number,
): WireRun["cpu"] {
  let user = 0, system = 0;
  const threads: [string, number][] = [];
  for (const [tid, t1] of b) {
    const t0 = a.get(tid) ?? { user: 0, system: 0 };
    const u = t1.user - t0.user, s = t1.system - t0.system;
    user += u;
    system += s;
    if (u + s > 0.05 * TICKS * seconds) threads.push([t1.comm, u + s]);
  }
  threads.sort((p, q) => q[1] - p[1]);
  const cores = (ticks: number) => ticks / TICKS / seconds;
  return {
    total: cores(user + system),
    user: cores(user),
    system: cores(system),
    threads: threads.map(([c, n]) => `${c} ${cores(n).toFixed(2)}`).join(
      ", ",
    ),
  };
}

/** The sender's command line; `scripts/profile.ts` adds a rate and V8 flags. */
export function wireCommand(
  name: WireName,
  pair: VethPair,
  options: { rate?: string; v8Flags?: string } = {},
): string[] {
  const rate = options.rate ?? WIRE_RATE;
  const inNs = ["ip", "netns", "exec", pair.nsA];
  if (name === "masscan") {
    return [
      ...inNs,
      "masscan",
      ...WIRE_TARGETS,
      "--rate",
      WIRE_RATE,
      "--wait",
      "0",
      "--adapter",
      pair.ifA,
      "--adapter-ip",
      SENDER_IP,
      "--adapter-mac",
      pair.macA,
      "--router-mac",
      ROUTER_MAC,
    ];
  }
  const { driver, workers } = senderOf(name);
  return [
    ...inNs,
    DENO,
    "run",
    "-A",
    ...(options.v8Flags ? [`--v8-flags=${options.v8Flags}`] : []),
    SCAN,
    ...WIRE_TARGETS,
    "-e",
    `${driver}:${pair.ifA}`,
    "--rate",
    rate,
    "--wait",
    "0",
    "--adapter-ip",
    SENDER_IP,
    "--adapter-mac",
    pair.macA,
    "--router-mac",
    ROUTER_MAC,
    ...(workers > 1 ? ["--tx-workers", String(workers)] : []),
  ];
}

async function wireRun(
  name: WireName,
  pair: VethPair,
  seconds: number,
  cwd: string,
): Promise<WireRun> {
  const load = loadAverage();
  const base = (await linkCounters(pair.nsB, pair.ifB)).rxPackets;
  const launched = performance.now();
  const s = spawn(wireCommand(name, pair), cwd);
  let exited = false;
  s.output.then(() => exited = true, () => exited = true);
  try {
    // Wait for the first frames (Deno startup, masscan's setup), then warm up.
    for (;;) {
      if ((await linkCounters(pair.nsB, pair.ifB)).rxPackets > base + 1000) {
        break;
      }
      if (exited) {
        const o = await s.output;
        throw new Error(`${name} exited before sending:\n${o.stderr}`);
      }
      if (performance.now() - launched > 60_000) {
        throw new Error(`${name}: no frames at the peer after 60 s`);
      }
      await sleep(50);
    }
    const startSeconds = (performance.now() - launched) / 1000;
    await sleep(1000);
    const c0 = await linkCounters(pair.nsB, pair.ifB);
    const p0 = threadTicks(s.child.pid);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const c1 = await linkCounters(pair.nsB, pair.ifB);
    const p1 = threadTicks(s.child.pid);
    const t1 = performance.now();
    const windowSeconds = (t1 - t0) / 1000;
    const out = await stop(s);
    const run: WireRun = {
      name,
      pps: (c1.rxPackets - c0.rxPackets) / windowSeconds,
      peerDropped: c1.rxDropped - c0.rxDropped,
      windowSeconds,
      startSeconds,
      cpu: cpuOver(p0, p1, windowSeconds),
      load,
    };
    if (name !== "masscan") {
      const sum = summaryLine(out.stderr);
      run.scannerSentPerSecond = sum.sent / sum.elapsed;
    }
    return run;
  } finally {
    try {
      s.child.kill("SIGKILL");
    } catch { /* already gone */ }
    await s.output.catch(() => {});
  }
}

// ---------------------------------------------------------------- report

const k = (pps: number) => `${(pps / 1000).toFixed(1)} k`;
const m = (pps: number) => `${(pps / 1e6).toFixed(2)} M`;
const x = (r: number) => `${r.toFixed(2)}×`;

function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const line = (cells: string[]) =>
    `| ${
      cells.map((c, i) =>
        right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])
      )
        .join(" | ")
    } |`;
  const rule = `| ${
    widths.map((w, i) => right[i] ? "-".repeat(w - 1) + ":" : "-".repeat(w))
      .join(" | ")
  } |`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

function commandLine(): string {
  return `./run deno run -A scripts/bench_scan.ts ${Deno.args.join(" ")}`
    .trim();
}

function report(
  seconds: number,
  offline: OfflineRound[],
  wire: WireRun[][],
  masscanVersion: string,
): string {
  const out: string[] = [];
  out.push(`Command: \`${commandLine()}\` (root; masscan, iproute2, libpcap)`);
  out.push(`CPU: ${cpuModel()}, ${navigator.hardwareConcurrency} cores`);
  if (offline.length > 0) {
    const best = (f: (r: OfflineRound) => number) =>
      Math.max(...offline.map(f));
    const bestZon = best((r) => r.zon.pps);
    const bestStats = best((r) => r.zonStats.pps);
    const bestMasscan = best((r) => r.masscan.blackrock1);
    out.push("");
    out.push(
      `### Offline: one transmit Worker, \`${
        OFFLINE_TARGETS.join(" ")
      } --offline\`, ${seconds} s then SIGINT, vs \`masscan --benchmark\` (masscan ${masscanVersion})`,
    );
    out.push("");
    const rows = offline.map((r, i) => [
      `${i + 1}`,
      r.zon.load,
      m(r.masscan.blackrock1),
      m(r.masscan.blackrock2),
      m(r.zon.pps),
      m(r.zonStats.pps),
      x(r.ratio),
      x(r.zonStats.pps / r.masscan.blackrock1),
    ]);
    rows.push([
      "best",
      "",
      m(bestMasscan),
      m(best((r) => r.masscan.blackrock2)),
      m(bestZon),
      m(bestStats),
      x(bestZon / bestMasscan),
      x(bestStats / bestMasscan),
    ]);
    out.push(table(
      [
        "run",
        "load avg",
        "masscan blackrock-1 /s",
        "masscan blackrock-2 /s",
        "zon --offline pps",
        "zon --offline --stats pps",
        "zon / blackrock-1",
        "--stats / blackrock-1",
      ],
      rows,
      [false, false, true, true, true, true, true, true],
    ));
    out.push("");
    out.push(
      "Target: zon --offline ≥ 0.65 × blackrock-1 (masscan's own --offline / blackrock-1 ratio).",
    );
    out.push("");
    // Per CPU-second: packets / (cores used × seconds), which the load does
    // not change; the 2 / 1 ratio needs two free cores.
    const perCpu = (z: ZonOffline) => z.cores > 0 ? z.pps / z.cores : 0;
    out.push(
      "`--offline --stats` with `--tx-workers 2` (pps: all packets / the slower Worker's seconds) vs one Worker, same round:",
    );
    out.push("");
    out.push(table(
      [
        "run",
        "load avg",
        "1 Worker pps",
        "cores",
        "2 Workers pps",
        "per Worker",
        "cores",
        "2 / 1",
        "per CPU-s, 1 / 2 Workers",
      ],
      offline.map((r, i) => [
        `${i + 1}`,
        r.zonStats2.load,
        m(r.zonStats.pps),
        r.zonStats.cores.toFixed(2),
        m(r.zonStats2.pps),
        r.zonStats2.perWorker.map(m).join(" + "),
        r.zonStats2.cores.toFixed(2),
        x(r.ratio2),
        `${m(perCpu(r.zonStats))} / ${m(perCpu(r.zonStats2))}`,
      ]),
      [false, false, true, true, true, true, true, true, true],
    ));
    out.push("");
    out.push(
      "Target: 2 Workers ≥ 1.8× one Worker (2 cores; the receive-less offline run has 2 busy threads).",
    );
    // Stage budget of the fastest --stats run.
    const r = offline.reduce((a, b) =>
      a.zonStats.pps >= b.zonStats.pps ? a : b
    );
    const st = r.zonStats.stages;
    if (st) {
      const mhz = r.zonStats.cpuMHz ?? 0;
      const total = Object.values(st).reduce((a, b) => a + b, 0);
      const stageRows = (Object.keys(st) as (keyof Stages)[]).map((name) => [
        name,
        st[name].toFixed(1),
        mhz ? (st[name] * mhz / 1000).toFixed(0) : "?",
        `${(st[name] / total * 100).toFixed(0)}%`,
      ]);
      stageRows.push([
        "total",
        total.toFixed(1),
        mhz ? (total * mhz / 1000).toFixed(0) : "?",
        "100%",
      ]);
      out.push("");
      out.push(
        `### \`--offline --stats\` budget per packet (fastest run: ${
          m(r.zonStats.pps)
        }pps, ${mhz} MHz, load ${r.zonStats.load})`,
      );
      out.push("");
      out.push(table(
        ["stage", "ns", "cycles", "share"],
        stageRows,
        [false, true, true, true],
      ));
    }
  }
  if (wire.length > 0) {
    const names = WIRE_NAMES;
    const all = wire.flat();
    const bestOf = (n: WireName) =>
      Math.max(...all.filter((w) => w.name === n).map((w) => w.pps));
    const mBest = bestOf("masscan");
    out.push("");
    out.push(
      `### Wire: veth pair, \`198.18.0.0/15 -p 1-65535 --rate ${WIRE_RATE} --wait 0\`, frames/s delivered to the peer over ${seconds} s (after the first frames + 1 s warm-up)`,
    );
    out.push("");
    // Frames per CPU-second: what a frame costs, whatever share of the
    // shared machine's cores the sender got (robust to the load).
    const perCpu = (w: WireRun) => w.cpu.total > 0 ? w.pps / w.cpu.total : 0;
    const bestPerCpu = (n: WireName) =>
      Math.max(...all.filter((w) => w.name === n).map(perCpu));
    const mPerCpu = bestPerCpu("masscan");
    const rows = names.map((n) => {
      const runs = all.filter((w) => w.name === n);
      return [
        n === "masscan"
          ? `masscan ${masscanVersion}`
          : `zon scan \`${n.slice(4)}\``,
        k(bestOf(n)),
        x(bestOf(n) / mBest),
        k(bestPerCpu(n)),
        x(bestPerCpu(n) / mPerCpu),
        runs.map((w) =>
          `${k(w.pps)} on ${w.cpu.total.toFixed(2)} cores (load ${
            w.load.split(" ")[0]
          })`
        ).join(", "),
      ];
    });
    out.push(table(
      [
        "sender",
        "best frames/s",
        "vs masscan",
        "frames per CPU-s",
        "per CPU-s vs masscan",
        "all runs",
      ],
      rows,
      [false, true, true, true, true, false],
    ));
    out.push("");
    out.push("Per round (order as run; ratios within the round):");
    wire.forEach((round, i) => {
      const mm = round.find((w) => w.name === "masscan")?.pps ?? NaN;
      out.push(
        `- round ${i + 1}: ${
          round.map((w) =>
            `${w.name} ${k(w.pps)} (${x(w.pps / mm)}, load ${w.load}${
              w.scannerSentPerSecond === undefined
                ? ""
                : `, scanner's own sent/elapsed ${k(w.scannerSentPerSecond)}`
            }, CPU ${w.cpu.total.toFixed(2)} cores (user ${
              w.cpu.user.toFixed(2)
            }, sys ${w.cpu.system.toFixed(2)}: ${w.cpu.threads})${
              w.peerDropped ? `, peer rx_dropped ${w.peerDropped}` : ""
            })`
          ).join("; ")
        }`,
      );
    });
    out.push("");
    out.push(
      "Targets: zon `ring:` with 2 Workers ≥ 2.0× masscan; `xdp:` ≥ `ring:` per Worker. `xdp:` runs one Worker: the scanner refuses `--tx-workers 2` with it (AF_XDP sockets on one queue share one UMEM and completion ring).",
    );
    const ratioIn = (round: WireRun[], a: WireName, b: WireName) => {
      const pa = round.find((w) => w.name === a),
        pb = round.find((w) => w.name === b);
      return pa && pb ? x(pa.pps / pb.pps) : "?";
    };
    out.push(
      `Within each round: ring: ×2 / masscan ${
        wire.map((r) => ratioIn(r, "zon ring: ×2", "masscan")).join(" ")
      }; ring: ×2 / ring: ${
        wire.map((r) => ratioIn(r, "zon ring: ×2", "zon ring:")).join(" ")
      }; xdp: / ring: ${
        wire.map((r) => ratioIn(r, "zon xdp:", "zon ring:")).join(" ")
      }; pcap: ×2 / pcap: ${
        wire.map((r) => ratioIn(r, "zon pcap: ×2", "zon pcap:")).join(" ")
      }.`,
    );
  }
  return out.join("\n");
}

function cpuModel(): string {
  try {
    return /model name\s*:\s*(.*)/.exec(
      Deno.readTextFileSync("/proc/cpuinfo"),
    )?.[1] ?? "?";
  } catch {
    return "?";
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<number> {
  const seconds = Number(flag("seconds", "10"));
  const repeat = Number(flag("repeat", "1"));
  const json = Deno.args.includes("--json");
  const doOffline = !Deno.args.includes("--no-offline");
  const doWire = !Deno.args.includes("--no-wire");
  if (!(seconds > 0) || !(repeat >= 1)) {
    console.error("usage: bench_scan.ts [--seconds N] [--repeat R] [--json]");
    return 2;
  }
  const masscanVersion = (await new Deno.Command("masscan", {
    args: ["--version"],
    stdout: "piped",
    stderr: "piped",
  }).output().then((o) => new TextDecoder().decode(o.stdout)))
    .match(/version ([\d.]+)/)?.[1] ?? "?";
  // The scanners write paused.conf into their cwd on SIGINT: keep it out of the repo.
  const cwd = await Deno.makeTempDir({ prefix: "zon-bench-scan-" });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, onSignal);
  }
  const offline: OfflineRound[] = [];
  const wire: WireRun[][] = [];
  const created: string[] = [];
  try {
    if (doOffline) {
      for (let i = 0; i < repeat; i++) {
        const r = await offlineRound(i, seconds, cwd);
        console.error(
          `offline ${i + 1}: masscan blackrock-1 ${
            m(r.masscan.blackrock1)
          }/s, zon ${m(r.zon.pps)}pps (--stats ${
            m(r.zonStats.pps)
          }pps), ratio ${x(r.ratio)}; --tx-workers 2 --stats ${
            m(r.zonStats2.pps)
          }pps (${x(r.ratio2)} one Worker), load ${r.zon.load}`,
        );
        offline.push(r);
      }
    }
    if (doWire) {
      await withVethPair(async (pair) => {
        created.push(pair.nsA, pair.nsB);
        if (aborted) throw new Interrupted();
        for (let i = 0; i < repeat; i++) {
          const order: WireName[] = [...WIRE_NAMES];
          if (i % 2 === 1) order.reverse();
          const round: WireRun[] = [];
          for (const name of order) {
            const w = await wireRun(name, pair, seconds, cwd);
            console.error(
              `wire ${i + 1}: ${name} ${k(w.pps)} frames/s, load ${w.load}`,
            );
            round.push(w);
            await sleep(500);
          }
          wire.push(round);
        }
      });
    }
  } catch (e) {
    if (e instanceof Interrupted || aborted) return 130;
    throw e;
  } finally {
    killAll();
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      Deno.removeSignalListener(sig, onSignal);
    }
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
  if (json) {
    console.log(JSON.stringify({
      seconds,
      masscanVersion,
      namespaces: created,
      offline,
      wire,
    }));
  } else {
    console.log(report(seconds, offline, wire, masscanVersion));
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
