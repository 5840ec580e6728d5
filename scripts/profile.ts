/**
 * `./run profile`: the article's profiling experiment on this machine. A veth
 * pair between two namespaces (198.18.0.0/15, no route out; the wire
 * benchmark's), then for each sender in turn — Debian's masscan, zon's
 * scanner with `-e pcap:` and with `-e ring:` — start it at `--rate`, wait
 * for its first frames and a 1 s warm-up, sample the whole process with
 * `perf record -g -p PID` for N s (while counting the frames the peer gets and
 * the CPU of each thread), count its syscalls for 1 s more with `perf stat`,
 * stop it. Per sender it writes the folded stacks (all threads, each rooted at
 * its role — transmit, receive, main — and one file per role), a flame graph
 * SVG and the `perf.data` (V8's perf map is deleted with the sender, so
 * `--keep-script` keeps `perf script`'s text with the JavaScript names); then
 * `summary.md` (also printed) and, with both pcap and ring, a differential
 * SVG. Ctrl-C stops the sender and perf and deletes the namespaces.
 *
 *   deno run -A scripts/profile.ts [--seconds 10] [--drivers masscan,pcap,ring]
 *       [--out profile/] [--rate 100000000] [--frequency 999] [--inline]
 *       [--keep-script]
 *
 * zon runs with `--v8-flags=--perf-basic-prof,--no-turbo-inlining`: V8
 * writes `/tmp/perf-PID.map` so perf names the JavaScript frames, and
 * without inlining each stage (shuffleBatch, synCookie4, patch, the driver's
 * sendWith) is a frame of its own instead of part of `transmit`; `--inline`
 * keeps V8's inlining (the scanner as it ships; fewer, fatter frames).
 *
 * Needs root (namespaces; perf on another process), perf (Debian's
 * linux-perf), masscan, iproute2, ethtool, libpcap.
 *
 * @module
 */
import {
  collapse,
  formatFolded,
  parsePerfScript,
  type Sample,
  sourceMethodResolver,
} from "./profile_collapse.ts";
import {
  Children,
  cpuByThread,
  cpuMHz,
  Interrupted,
  linkCounters,
  linkFacts,
  loadAverage,
  senderCommand,
  senderLabel,
  SENDERS,
  stopChild,
  threadTicks,
  type VethPair,
  waitForFrames,
  withVethPair,
} from "./profile_link.ts";
import {
  checkPerf,
  chooseEvent,
  explainPerfFailure,
  parseStat,
  ProfileError,
  recordCommand,
  script,
  statCommand,
} from "./profile_perf.ts";
import {
  type SenderResult,
  summaryMarkdown,
  threadProfile,
  type ThreadRole,
  threadRoles,
} from "./profile_summary.ts";
import { flameGraphSvg, functionShares, MARKED } from "./profile_svg.ts";

/** Parsed command line. */
export interface ProfileOptions {
  /** Seconds of `perf record` per sender. */
  seconds: number;
  /** Senders to profile, in order. */
  drivers: string[];
  /** Output directory (absolute once `main` has made it). */
  out: string;
  /** The senders' `--rate`. */
  rate: string;
  /** Sampling frequency, Hz. */
  frequency: number;
  /** Keep V8's inlining (the scanner as it ships). */
  inline: boolean;
  /** Also write `perf script`'s text (JIT names resolved: V8's map is deleted after). */
  keepScript: boolean;
}

const USAGE =
  "usage: ./run profile [--seconds N] [--drivers masscan,pcap,ring] [--out DIR] [--rate R] [--frequency HZ] [--inline] [--keep-script]";

/**
 * Parses `args`; throws a ProfileError naming the bad argument.
 *
 * @example
 * ```ts
 * import { parseOptions } from "./profile.ts";
 * console.log(parseOptions(["--seconds", "2", "--drivers", "ring"]).drivers); // ["ring"]
 * ```
 */
export function parseOptions(args: string[]): ProfileOptions {
  const o: ProfileOptions = {
    seconds: 10,
    drivers: ["masscan", "pcap", "ring"],
    out: "profile",
    rate: "100000000",
    frequency: 999,
    inline: false,
    keepScript: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--inline" || a === "--keep-script") {
      if (a === "--inline") o.inline = true;
      else o.keepScript = true;
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || !a.startsWith("--")) {
      throw new ProfileError(`${a}: expected an option with a value\n${USAGE}`);
    }
    i++;
    const positive = (what: string) => {
      const n = Number(value);
      if (!(n > 0) || !Number.isFinite(n)) {
        throw new ProfileError(`${a} ${value}: expected ${what}`);
      }
      return n;
    };
    if (a === "--seconds") o.seconds = positive("a number of seconds > 0");
    else if (a === "--frequency") {
      o.frequency = Math.round(positive("a sampling frequency in Hz"));
    } else if (a === "--rate") {
      o.rate = String(positive("packets per second > 0"));
    } else if (a === "--out") o.out = value;
    else if (a === "--drivers") {
      o.drivers = value.split(",").map((d) => d.trim()).filter((d) => d !== "");
      for (const d of o.drivers) {
        if (!SENDERS.includes(d)) {
          throw new ProfileError(
            `--drivers: unknown sender ${JSON.stringify(d)}; expected any of ${
              SENDERS.join(", ")
            }`,
          );
        }
      }
      if (o.drivers.length === 0) {
        throw new ProfileError("--drivers: name at least one sender");
      }
    } else throw new ProfileError(`unknown option ${a}\n${USAGE}`);
  }
  return o;
}

function threadLabel(role: ThreadRole, comm: string): string {
  return role === "other" ? `other thread: ${comm}` : `${role} thread`;
}

interface Recorded {
  samples: Sample[];
  result: SenderResult;
}

/** V8 flags for zon: name JIT frames for perf; without `--inline`, one frame per stage. */
function zonV8Flags(o: ProfileOptions): string {
  return o.inline
    ? "--perf-basic-prof"
    : "--perf-basic-prof,--no-turbo-inlining";
}

async function profileSender(
  kids: Children,
  driver: string,
  pair: VethPair,
  o: ProfileOptions,
  event: string,
  cwd: string,
): Promise<Recorded> {
  const v8Flags = zonV8Flags(o);
  const base = (await linkCounters(pair.nsB, pair.ifB)).rxPackets;
  const sender = kids.spawn(senderCommand(driver, pair, o.rate, v8Flags), cwd);
  const pid = sender.child.pid;
  const map = `/tmp/perf-${pid}.map`;
  const data = `${o.out}/${driver}.perf.data`;
  try {
    await waitForFrames(kids, sender, driver, pair, base);
    await kids.sleep(1000);
    const load = loadAverage();
    const c0 = await linkCounters(pair.nsB, pair.ifB);
    const p0 = threadTicks(pid);
    const t0 = performance.now();
    const perf = kids.spawn(
      recordCommand({
        pid,
        seconds: o.seconds,
        frequency: o.frequency,
        event,
        output: data,
      }),
      cwd,
    );
    const rec = await perf.output;
    const c1 = await linkCounters(pair.nsB, pair.ifB);
    const p1 = threadTicks(pid);
    const windowSeconds = (performance.now() - t0) / 1000;
    if (kids.aborted) throw new Interrupted();
    if (rec.code !== 0) {
      throw new ProfileError(
        explainPerfFailure(`perf record -p ${pid} (${driver})`, rec.stderr),
      );
    }
    const syscalls = await syscallsPerFrame(kids, pid, pair, cwd);
    await stopChild(sender);
    const text = await script(data);
    if (o.keepScript) {
      await Deno.writeTextFile(`${o.out}/${driver}.script.txt`, text);
    }
    const samples = parsePerfScript(text, sourceMethodResolver());
    if (samples.length === 0) {
      throw new ProfileError(
        `perf recorded no samples of ${driver} (pid ${pid}): ${rec.stderr.trim()}`,
      );
    }
    const roles = threadRoles(samples);
    const txTid = [...roles].find(([, r]) => r === "transmit")?.[0];
    const packets = c1.rxPackets - c0.rxPackets;
    const result: SenderResult = {
      driver,
      label: senderLabel(driver),
      pid,
      framesPerSecond: packets / windowSeconds,
      packets,
      windowSeconds,
      load,
      cpu: cpuByThread(p0, p1, windowSeconds),
      roles,
      transmit: txTid === undefined ? null : threadProfile(samples, txTid),
      mhz: cpuMHz(),
      syscalls,
      files: {
        svg: `${driver}.svg`,
        folded: `${driver}.folded`,
        data: `${driver}.perf.data`,
      },
    };
    return { samples, result };
  } finally {
    kids.killAll();
    await sender.output.catch(() => {});
    await Deno.remove(map).catch(() => {}); // V8's perf map: ours, never leave it
  }
}

/**
 * A second, shorter window after the sampled one (so tracepoints do not
 * perturb the profile): sendto calls and all syscalls per frame the peer got.
 */
async function syscallsPerFrame(
  kids: Children,
  pid: number,
  pair: VethPair,
  cwd: string,
): Promise<SenderResult["syscalls"]> {
  const c0 = await linkCounters(pair.nsB, pair.ifB);
  const t0 = performance.now();
  const stat = await kids.spawn(statCommand(pid, 1), cwd).output;
  const c1 = await linkCounters(pair.nsB, pair.ifB);
  const seconds = (performance.now() - t0) / 1000;
  if (kids.aborted) throw new Interrupted();
  const counts = parseStat(stat.stderr);
  // perf counts for its `sleep 1` only, not its own start: frames over that
  // second at the rate of the whole window around it.
  const frames = (c1.rxPackets - c0.rxPackets) / seconds;
  if (counts === null || frames <= 0) return null;
  return {
    sendto: counts.get("syscalls:sys_enter_sendto")! / frames,
    all: counts.get("raw_syscalls:sys_enter")! / frames,
  };
}

async function writeOutputs(
  rec: Recorded,
  o: ProfileOptions,
  event: string,
): Promise<Map<string, number>> {
  const { samples, result } = rec;
  const label = (s: Sample) =>
    threadLabel(result.roles.get(s.tid) ?? "other", s.comm);
  const all = collapse(samples, label);
  await Deno.writeTextFile(
    `${o.out}/${result.driver}.folded`,
    formatFolded(all),
  );
  for (const role of ["transmit", "receive", "main"] as const) {
    const mine = samples.filter((s) => result.roles.get(s.tid) === role);
    if (mine.length === 0) continue;
    await Deno.writeTextFile(
      `${o.out}/${result.driver}.${role}.folded`,
      formatFolded(collapse(mine)),
    );
  }
  const svg = flameGraphSvg(all, {
    title: `${
      result.label.replace(/`/g, "")
    } — ${samples.length} samples, every thread`,
    subtitle:
      `perf record -e ${event} -F ${o.frequency} -g -p PID, ${o.seconds} s at --rate ${o.rate}; ` +
      `${(result.framesPerSecond / 1000).toFixed(1)} k frames/s at the peer`,
    marked: MARKED,
  });
  await Deno.writeTextFile(`${o.out}/${result.driver}.svg`, svg);
  return all;
}

function cpuModel(): string {
  try {
    return /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))
      ?.[1] ?? "?";
  } catch {
    return "?";
  }
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`${USAGE}

Profiles each sender in turn on a two-namespace veth link (198.18.0.0/15, no
route out): perf record -g of its process for --seconds after a warm-up,
then folded stacks, a flame graph SVG per sender, pcap-vs-ring.svg and
summary.md (cycles per packet, kernel vs user) in --out (default profile/).

examples:
  ./run profile                                  # masscan, pcap:, ring:, 10 s each
  ./run profile --seconds 2 --drivers ring --out /tmp/p`);
    return 0;
  }
  const o = parseOptions(args);
  await checkPerf();
  if (Deno.uid() !== 0) {
    throw new ProfileError(
      "needs root: it creates network namespaces and samples another process; run `sudo ./run profile`",
    );
  }
  const { event, why } = await chooseEvent();
  console.error(`profile: sampling with ${event} (${why})`);
  await Deno.mkdir(o.out, { recursive: true });
  o.out = Deno.realPathSync(o.out); // perf runs in a temporary cwd
  const cwd = await Deno.makeTempDir({ prefix: `zon-profile-${Deno.pid}-` }); // paused.conf goes here
  const kids = new Children();
  const onSignal = () => {
    console.error(
      "profile: interrupted; stopping the sender and perf, deleting the namespaces",
    );
    kids.abort();
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, onSignal);
  }
  const folded = new Map<string, Map<string, number>>();
  const results: SenderResult[] = [];
  let link = "";
  try {
    await withVethPair(async (pair) => {
      link = await linkFacts(pair);
      for (const driver of o.drivers) {
        console.error(
          `profile: ${driver}: starting, then ${o.seconds} s of perf record`,
        );
        const rec = await profileSender(kids, driver, pair, o, event, cwd);
        folded.set(driver, await writeOutputs(rec, o, event));
        results.push(rec.result);
        console.error(
          `profile: ${driver}: ${
            (rec.result.framesPerSecond / 1000).toFixed(1)
          } k frames/s, ` +
            `${rec.samples.length} samples`,
        );
        await kids.sleep(500);
      }
    }, "profile");
  } catch (e) {
    if (e instanceof Interrupted || kids.aborted) return 130;
    throw e;
  } finally {
    kids.killAll();
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      Deno.removeSignalListener(sig, onSignal);
    }
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
  const pcap = folded.get("pcap"), ring = folded.get("ring");
  if (pcap && ring) {
    await Deno.writeTextFile(
      `${o.out}/pcap-vs-ring.svg`,
      flameGraphSvg(pcap, {
        title:
          "zon pcap: against ring: (widths: pcap:; colour: the function's share of stacks, pcap: minus ring:)",
        subtitle:
          "red: on more of pcap:'s stacks than of ring:'s; blue: on fewer (same run, same veth)",
        marked: MARKED,
        diff: {
          mine: functionShares(pcap),
          other: functionShares(ring),
          otherName: "ring:",
        },
      }),
    );
  }
  const md = summaryMarkdown(results, {
    command: `./run profile ${args.join(" ")}`.trim(),
    event,
    frequency: o.frequency,
    seconds: o.seconds,
    link,
    v8Flags: zonV8Flags(o),
    cpu:
      `${cpuModel()}, ${navigator.hardwareConcurrency} cores, ${cpuMHz()} MHz`,
  });
  await Deno.writeTextFile(`${o.out}/summary.md`, md);
  console.log(md);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    console.error(`profile: ${e.message}`);
    Deno.exit(1);
  }
}
