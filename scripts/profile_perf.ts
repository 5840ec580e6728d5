/**
 * The `perf` side of `./run profile`: checks that say what to do when perf
 * cannot run, the event choice, `perf record -g -p PID`, `perf script`, and
 * `perf report --sort sym` (the oracle for the kernel/user split).
 *
 * @module
 */

/** An error whose message tells the user what to do; printed without a stack. */
export class ProfileError extends Error {
  /** An error with `message` (what to do) and an optional cause. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProfileError";
  }
}

/** The perf binary: `ZON_PROFILE_PERF` (tests point it elsewhere) or `perf`. */
export function perfBinary(): string {
  return Deno.env.get("ZON_PROFILE_PERF") ?? "perf";
}

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(cmd: string[]): Promise<Output> {
  try {
    const o = await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const d = new TextDecoder();
    return {
      code: o.code,
      stdout: d.decode(o.stdout),
      stderr: d.decode(o.stderr),
    };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ProfileError(
        `${
          cmd[0]
        } is not installed: \`./run profile\` installs it (Debian package linux-perf), ` +
          `or run \`apt-get install linux-perf\``,
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * What stops perf from sampling another process's kernel and user stacks:
 * null when nothing does. Root (or CAP_PERFMON) passes whatever
 * `kernel.perf_event_paranoid` says; anyone else needs it ≤ 1 (and ≤ -1 for
 * kernel samples of every context, which `-p` does not need).
 *
 * @example
 * ```ts
 * import { paranoidProblem } from "./profile_perf.ts";
 * console.log(paranoidProblem(1000, 2)?.includes("perf_event_paranoid")); // true
 * ```
 */
export function paranoidProblem(uid: number, paranoid: number): string | null {
  if (uid === 0 || paranoid <= 1) return null;
  return `kernel.perf_event_paranoid is ${paranoid}: perf may not sample the kernel side of another ` +
    `process. Run as root (\`sudo ./run profile\`), or lower it: \`sudo sysctl -w kernel.perf_event_paranoid=1\``;
}

/** Reads `/proc/sys/kernel/perf_event_paranoid` (`ZON_PROFILE_PARANOID` overrides, for tests). */
export function readParanoid(): number {
  const forced = Deno.env.get("ZON_PROFILE_PARANOID");
  if (forced !== undefined) return Number(forced);
  try {
    return Number(
      Deno.readTextFileSync("/proc/sys/kernel/perf_event_paranoid"),
    );
  } catch {
    return 2; // no such file: perf_events off or not Linux; treat as restricted
  }
}

/**
 * Turns a failed perf's stderr into what to do about it.
 *
 * @example
 * ```ts
 * import { explainPerfFailure } from "./profile_perf.ts";
 * console.log(explainPerfFailure("perf record", "No permission to enable cpu-clock event."));
 * ```
 */
export function explainPerfFailure(what: string, stderr: string): string {
  if (
    /perf_event_paranoid|No permission|Permission denied|Access to performance monitoring|EACCES|Operation not permitted|EPERM/i
      .test(stderr)
  ) {
    return `${what}: no permission to sample (${
      firstLine(stderr)
    }). Run as root ` +
      `(\`sudo ./run profile\`), or \`sudo sysctl -w kernel.perf_event_paranoid=1\``;
  }
  if (/No such process|ESRCH/i.test(stderr)) {
    return `${what}: the sender exited before perf could attach (${
      firstLine(stderr)
    })`;
  }
  return `${what} failed: ${stderr.trim().split("\n").slice(-4).join(" / ")}`;
}

function firstLine(s: string): string {
  return s.trim().split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
}

/**
 * The sampling event: `cycles` when `perf stat -e cycles` counts them here,
 * else `cpu-clock` (a timer; virtual machines often have no hardware PMU).
 */
export async function chooseEvent(): Promise<{ event: string; why: string }> {
  const o = await exec([
    perfBinary(),
    "stat",
    "-x,",
    "-e",
    "cycles",
    "--",
    "true",
  ]);
  const counted = o.code === 0 && /^\d+,/m.test(o.stderr);
  return counted
    ? { event: "cycles", why: "`perf stat -e cycles` counts cycles here" }
    : {
      event: "cpu-clock",
      why:
        "`perf stat -e cycles`: not supported here (no hardware counters), so the cpu-clock timer",
    };
}

/** Fails with what to do when perf is missing, not permitted, or unable to sample. */
export async function checkPerf(): Promise<void> {
  const v = await exec([perfBinary(), "--version"]);
  if (v.code !== 0) {
    throw new ProfileError(
      `\`${perfBinary()} --version\` failed (${
        firstLine(v.stderr)
      }): install Debian's linux-perf ` +
        `(\`apt-get install linux-perf\`) for the running kernel`,
    );
  }
  const problem = paranoidProblem(Deno.uid() ?? 0, readParanoid());
  if (problem) throw new ProfileError(problem);
}

/** Options of {@link record}. */
export interface RecordOptions {
  /** Process to sample, all its threads. */
  pid: number;
  /** How long. */
  seconds: number;
  /** Samples per second. */
  frequency: number;
  /** `cpu-clock` or `cycles`. */
  event: string;
  /** The `perf.data` file to write. */
  output: string;
}

/**
 * The `perf record` command line for one sender.
 *
 * @example
 * ```ts
 * import { recordCommand } from "./profile_perf.ts";
 * const cmd = recordCommand({ pid: 42, seconds: 10, frequency: 999, event: "cpu-clock", output: "x.data" });
 * console.log(cmd.slice(1, 3)); // ["record", "-e"]
 * ```
 */
export function recordCommand(o: RecordOptions): string[] {
  return [
    perfBinary(),
    "record",
    "-e",
    o.event,
    "-F",
    String(o.frequency),
    "-g",
    "-p",
    String(o.pid),
    "-o",
    o.output,
    "--",
    "sleep",
    String(o.seconds),
  ];
}

/** The `perf script` fields the collapser parses. */
export const SCRIPT_FIELDS = "comm,pid,tid,time,period,event,ip,sym,dso";

/** `perf script` of a recording, as text. */
export async function script(data: string): Promise<string> {
  const o = await exec([
    perfBinary(),
    "script",
    "-i",
    data,
    "-F",
    SCRIPT_FIELDS,
  ]);
  if (o.code !== 0) {
    throw new ProfileError(explainPerfFailure("perf script", o.stderr));
  }
  return o.stdout;
}

/**
 * Kernel share (%) of one thread's samples by `perf report --sort sym`: the
 * periods of its `[k]` lines over those of all its lines.
 */
export async function reportKernelShare(
  data: string,
  tid: number,
): Promise<number> {
  const o = await exec([
    perfBinary(),
    "report",
    "-i",
    data,
    "--stdio",
    "--no-children",
    "--sort",
    "sym",
    "--tid",
    String(tid),
    "--percentage",
    "relative",
    "-g",
    "none",
    // Each line's exact period: summing the printed 2-decimal percentages
    // of hundreds of one-sample lines (unnamed JIT addresses once the perf
    // map is gone) drifts by a point and more.
    "--show-total-period",
  ]);
  if (o.code !== 0) {
    throw new ProfileError(explainPerfFailure("perf report", o.stderr));
  }
  let kernel = 0, all = 0;
  for (const line of o.stdout.split("\n")) {
    const m = /^\s+[\d.]+%\s+(\d+)\s+\[([k.])\]/.exec(line);
    if (!m) continue;
    all += Number(m[1]);
    if (m[2] === "k") kernel += Number(m[1]);
  }
  if (all === 0) {
    throw new ProfileError(
      `perf report: no samples of thread ${tid} in ${data}`,
    );
  }
  return kernel / all * 100;
}

/** The syscall counters {@link countSyscalls} reads. */
export const SYSCALL_EVENTS = [
  "syscalls:sys_enter_sendto",
  "raw_syscalls:sys_enter",
];

/**
 * `perf stat -x, -e EVENTS -p PID -- sleep S`: counts syscalls over a window.
 *
 * @example
 * ```ts
 * import { statCommand } from "./profile_perf.ts";
 * console.log(statCommand(42, 1).includes("-p")); // true
 * ```
 */
export function statCommand(pid: number, seconds: number): string[] {
  return [
    perfBinary(),
    "stat",
    "-x,",
    "-e",
    SYSCALL_EVENTS.join(","),
    "-p",
    String(pid),
    "--",
    "sleep",
    String(seconds),
  ];
}

/**
 * The count of each of {@link SYSCALL_EVENTS} from `perf stat -x,`'s stderr,
 * or null when perf could not count them all (no tracefs here).
 *
 * @example
 * ```ts
 * import { parseStat } from "./profile_perf.ts";
 * const text = "12,,syscalls:sys_enter_sendto,1000,100.00,,\n" +
 *   "40,,raw_syscalls:sys_enter,1000,100.00,,\n";
 * console.log(parseStat(text)?.get("syscalls:sys_enter_sendto")); // 12
 * ```
 */
export function parseStat(stderr: string): Map<string, number> | null {
  const counts = new Map<string, number>();
  for (const line of stderr.split("\n")) {
    const f = line.split(",");
    if (f.length > 3 && SYSCALL_EVENTS.includes(f[2]) && /^\d+$/.test(f[0])) {
      counts.set(f[2], Number(f[0]));
    }
  }
  return counts.size === SYSCALL_EVENTS.length ? counts : null;
}
