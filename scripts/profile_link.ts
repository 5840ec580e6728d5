/**
 * The link side of `./run profile`: the veth pair and sender command lines of
 * the wire benchmark (`tests/helpers/drivers_netns.ts`,
 * `scripts/bench_scan.ts`), plus what profiling adds: children that Ctrl-C
 * stops, waiting for a sender's first frames, and the window measurements
 * (the peer's rx counter, CPU by thread).
 *
 * @module
 */
import {
  linkCounters,
  type VethPair,
  withVethPair,
} from "../tests/helpers/drivers_netns.ts";
import { DRIVER_PREFIXES } from "../drivers/open.ts";
import { threadTicks, wireCommand } from "./bench_scan.ts";
import { ProfileError } from "./profile_perf.ts";

export { linkCounters, threadTicks, type VethPair, withVethPair };

/**
 * The senders `--drivers` can name: masscan, and each of zon's drivers that
 * sends on an interface (`DRIVER_PREFIXES` less `file:` and `null`), so a
 * driver added there can be profiled by its name.
 */
export const SENDERS: readonly string[] = [
  "masscan",
  ...DRIVER_PREFIXES.filter((p) => p.endsWith(":") && p !== "file:").map((p) =>
    p.slice(0, -1)
  ),
];

/**
 * How a sender is named in tables: `masscan`, ``zon `ring:` ``.
 *
 * @example
 * ```ts
 * import { senderLabel } from "./profile_link.ts";
 * console.log(senderLabel("ring")); // "zon `ring:`"
 * ```
 */
export function senderLabel(driver: string): string {
  return driver === "masscan" ? "masscan" : `zon \`${driver}:\``;
}

/** Thrown when Ctrl-C (SIGINT) or SIGTERM arrived. */
export class Interrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "Interrupted";
  }
}

/** Children that must not outlive the profile, and the interrupt state. */
export class Children {
  #live = new Set<Deno.ChildProcess>();
  #wakers = new Set<() => void>();
  /** Set once SIGINT/SIGTERM arrived. */
  aborted = false;

  /** Spawns `cmd` (stdout/stderr piped, collected), tracked until it exits. */
  spawn(cmd: string[], cwd: string, env: Record<string, string> = {}): Spawned {
    if (this.aborted) throw new Interrupted();
    const child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      cwd,
      env: { DENO_NO_UPDATE_CHECK: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#live.add(child);
    let exited = false;
    const output = child.output().then((o) => {
      exited = true;
      this.#live.delete(child);
      const d = new TextDecoder();
      return {
        code: o.code,
        stdout: d.decode(o.stdout),
        stderr: d.decode(o.stderr),
      };
    });
    return { child, output, exited: () => exited, command: cmd };
  }

  /** Ctrl-C: kill every child, wake every sleeper (they throw Interrupted). */
  abort(): void {
    this.aborted = true;
    this.killAll();
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }

  /** SIGKILL to every child still running. */
  killAll(): void {
    for (const c of this.#live) {
      try {
        c.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  }

  /** Sleeps `ms`; throws Interrupted at once on abort. */
  sleep(ms: number): Promise<void> {
    if (this.aborted) return Promise.reject(new Interrupted());
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(t);
        reject(new Interrupted());
      };
      const t = setTimeout(() => {
        this.#wakers.delete(wake);
        resolve();
      }, ms);
      this.#wakers.add(wake);
    });
  }
}

/** A spawned child and its collected output. */
export interface Spawned {
  /** The process. */
  child: Deno.ChildProcess;
  /** Its exit code and output, once it exits. */
  output: Promise<{ code: number; stdout: string; stderr: string }>;
  /** Whether it has exited yet. */
  exited: () => boolean;
  /** Its command line. */
  command: string[];
}

/**
 * The sender's command: the benchmark's, with `--rate`, and for zon the V8
 * flags that name JavaScript frames for perf. `ZON_PROFILE_SCANNER` replaces
 * the scanner script (tests use it to make a sender fail).
 */
export function senderCommand(
  driver: string,
  pair: VethPair,
  rate: string,
  v8Flags: string,
): string[] {
  if (driver === "masscan") return wireCommand("masscan", pair, { rate });
  // The benchmark's `ring:` command line with this driver's adapter name.
  const cmd = wireCommand("zon ring:", pair, { rate, v8Flags })
    .map((a) => a === `ring:${pair.ifA}` ? `${driver}:${pair.ifA}` : a);
  const fake = Deno.env.get("ZON_PROFILE_SCANNER");
  if (fake) {
    cmd[cmd.findIndex((a) => a.endsWith("examples/scan.ts"))] = fake;
  }
  return cmd;
}

/**
 * Waits until the peer has counted 1000 frames more than `base`; fails
 * saying what the sender printed if it exits first, or after `timeoutMs`.
 */
export async function waitForFrames(
  kids: Children,
  sender: Spawned,
  name: string,
  pair: VethPair,
  base: number,
  timeoutMs = 60_000,
): Promise<void> {
  const start = performance.now();
  for (;;) {
    if ((await linkCounters(pair.nsB, pair.ifB)).rxPackets > base + 1000) {
      return;
    }
    if (sender.exited()) {
      const o = await sender.output;
      throw new ProfileError(
        `sender ${name} failed to start (exit code ${o.code}); it printed:\n${
          (o.stderr + o.stdout).trim().split("\n").slice(-8).join("\n")
        }`,
      );
    }
    if (performance.now() - start > timeoutMs) {
      throw new ProfileError(
        `sender ${name}: no frames at the peer after ${timeoutMs / 1000} s; ` +
          `run it by hand to see why: ${sender.command.join(" ")}`,
      );
    }
    await kids.sleep(50);
  }
}

/** SIGINT, then SIGKILL if the child has not exited after `graceMs`. */
export async function stopChild(
  s: Spawned,
  graceMs = 8000,
): Promise<{ code: number; stdout: string; stderr: string }> {
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

/** CPU of one thread over the window, in cores (user + system). */
export interface ThreadCpu {
  /** Thread id. */
  tid: number;
  /** The thread's name. */
  comm: string;
  /** User-space CPU, cores. */
  user: number;
  /** Kernel CPU, cores. */
  system: number;
}

/** Per-thread CPU between two {@link threadTicks} snapshots, in cores. */
export function cpuByThread(
  before: ReturnType<typeof threadTicks>,
  after: ReturnType<typeof threadTicks>,
  seconds: number,
): ThreadCpu[] {
  const ticksPerSecond = 100; // USER_HZ
  const out: ThreadCpu[] = [];
  for (const [tid, t1] of after) {
    const t0 = before.get(tid) ?? { user: 0, system: 0 };
    out.push({
      tid: Number(tid),
      comm: t1.comm,
      user: (t1.user - t0.user) / ticksPerSecond / seconds,
      system: (t1.system - t0.system) / ticksPerSecond / seconds,
    });
  }
  return out.sort((a, b) => b.user + b.system - a.user - a.system);
}

/** The CPU's clock in MHz (the first `cpu MHz` of /proc/cpuinfo). */
export function cpuMHz(): number {
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(
      Deno.readTextFileSync("/proc/cpuinfo"),
    );
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** /proc/loadavg's 1, 5 and 15 minute figures. */
export function loadAverage(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(
    " ",
  );
}

/**
 * The sender interface's driver and the offloads that decide what the
 * kernel does per frame (`ethtool -i`, `ethtool -k` inside the namespace).
 */
export async function linkFacts(pair: VethPair): Promise<string> {
  const ethtool = async (flag: string) => {
    const o = await new Deno.Command("ip", {
      args: ["netns", "exec", pair.nsA, "ethtool", flag, pair.ifA],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!o.success) {
      throw new ProfileError(
        `ethtool ${flag} ${pair.ifA} failed (${
          new TextDecoder().decode(o.stderr).trim()
        }): install Debian's ethtool (\`./run profile\` does)`,
      );
    }
    return new TextDecoder().decode(o.stdout);
  };
  const driver = /^driver: (.*)$/m.exec(await ethtool("-i"))?.[1] ?? "?";
  const features = await ethtool("-k");
  const wanted = [
    "tx-checksumming",
    "scatter-gather",
    "generic-segmentation-offload",
    "generic-receive-offload",
  ];
  const on = wanted.map((f) =>
    `${f} ${new RegExp(`^${f}: (\\w+)`, "m").exec(features)?.[1] ?? "?"}`
  );
  return `driver ${driver} (\`ethtool -i\`); ${on.join(", ")} (\`ethtool -k\`)`;
}
