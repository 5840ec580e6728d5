/**
 * The scan lab: `deno task lab` / `examples/scan.ts --lab` builds a private
 * network of namespaces with real listeners (see core.ts and
 * services.ts for the documented ports), scans it with the real
 * scanner and drivers, prints what was found next to the ground truth, and
 * tears everything down — on success, failure and Ctrl-C.
 *
 * ```sh
 * deno run -A examples/scan.ts --lab                 # ring: at 100 kpps
 * deno run -A examples/scan.ts --lab -e pcap --rate 10000 -p 1-1024
 * deno run -A examples/scan.ts --lab --masscan       # same lab, masscan
 * ```
 *
 * @module
 */

import { createLab, type Lab, type LabSpec } from "./core.ts";
import {
  compareWithTruth,
  type Finding,
  formatComparison,
  type LabComparison,
  parseScanOutput,
  type ScanScope,
} from "./results.ts";
import { stopChild } from "./run.ts";
import { type Probe, readProbes, startCapture } from "./capture.ts";
import { TargetSet } from "../../../blackrock/mod.ts";

export {
  cleanupStaleLabs,
  createLab,
  Lab,
  type LabHost,
  type LabOpenPort,
  type LabSpec,
  withLab,
} from "./core.ts";
export {
  LAB_DEFAULT_SERVICES,
  type LabService,
  type LabServiceKind,
} from "./services.ts";
export { type LabNamespaces } from "./net.ts";
export { type CommandOutput } from "./run.ts";
export {
  auditProbes,
  type Probe,
  type ProbeAudit,
  probeKey,
} from "./capture.ts";
export {
  type Finding,
  findingKey,
  type LabComparison,
  type ScanScope,
  scopeTest,
  targetKeys,
} from "./results.ts";

/** The scanner script, next to this directory. */
export const SCAN_SCRIPT: string =
  new URL("../../scan.ts", import.meta.url).pathname;

/** How {@link runLab} scans. Every field is optional. */
export interface RunLabOptions {
  /** Driver prefix for `-e`: "ring" (default), "pcap" or "xdp" (AF_XDP, queue 0). */
  driver?: "ring" | "pcap" | "xdp";
  /** `--rate` in packets per second. Default 100000. */
  rate?: number;
  /** `-p` list. Default "1-65535,U:53". */
  ports?: string;
  /** Scan the hosts' IPv6 addresses too. Default true. */
  ipv6?: boolean;
  /** `--wait` seconds after the last probe. Default 2. */
  wait?: number;
  /** `--retries`. Default 0. */
  retries?: number;
  /** `--banners`: grab banners with the user-mode TCP stack. Default false. */
  banners?: boolean;
  /** More scanner flags, appended last (`--seed 7`, `--shard 1/3`, ...). */
  extraArgs?: string[];
  /** Build the lab like this. */
  spec?: LabSpec;
  /** Use this lab instead of building (and destroying) one. */
  lab?: Lab;
  /** Run masscan instead of zon's scanner, as a reference. */
  masscan?: boolean;
  /** Where report lines go. Default console.log; `() => {}` for silence. */
  print?: (line: string) => void;
  /** Pass the scanner's stderr (status line, summary) through. Default true. */
  showScannerStderr?: boolean;
}

/** What {@link runLab} did and found. */
export interface LabRunReport {
  /** The scanner's command line (inside the scanner namespace). */
  command: string[];
  /** The scanner's exit code. */
  scannerExit: number;
  /** Its stderr when not passed through. */
  scannerStderr: string;
  /** Everything it reported. */
  findings: Finding[];
  /** The banner records it printed (`-oD` lines with `rec_type: "banner"`). */
  banners: Array<Record<string, unknown>>;
  /** The grade against the ground truth. */
  comparison: LabComparison;
  /** Scanner exited 0 and the grade is a pass. */
  ok: boolean;
  /** Wall-clock seconds of the scan alone. */
  scanSeconds: number;
}

/**
 * Scanner flags for `lab`: targets, ports, and the adapter settings that
 * would otherwise be auto-detected (masscan's names, so the same list
 * drives masscan and zon).
 */
export function labScanArgs(
  lab: Lab,
  options: RunLabOptions = {},
): { args: string[]; scope: ScanScope } {
  const ipv6 = options.ipv6 ?? true;
  const targets = [...lab.targets4, ...(ipv6 ? lab.targets6 : [])];
  const ports = options.ports ?? "1-65535,U:53";
  const driver = options.driver ?? "ring";
  const args = [
    ...targets,
    "-p",
    ports,
    "-e",
    options.masscan ? lab.adapter : `${driver}:${lab.adapter}`,
    // zon takes both families in one comma-separated --adapter-ip (a
    // second --adapter-ip would replace the first); masscan takes two.
    ...(!ipv6
      ? ["--adapter-ip", lab.adapterIp]
      : options.masscan
      ? ["--adapter-ip", lab.adapterIp, "--adapter-ip", lab.adapterIp6]
      : ["--adapter-ip", `${lab.adapterIp},${lab.adapterIp6}`]),
    "--adapter-mac",
    lab.adapterMac,
    "--router-mac",
    lab.routerMac,
    ...(ipv6 ? ["--router-mac-ipv6", lab.routerMac] : []),
    "--rate",
    String(options.rate ?? 100_000),
    "--wait",
    String(options.wait ?? 2),
    ...(options.retries ? ["--retries", String(options.retries)] : []),
    ...(options.banners ? ["--banners"] : []),
    "-oD",
    "-",
    ...(options.extraArgs ?? []),
  ];
  return { args, scope: { targets, ports } };
}

function describeLab(lab: Lab, print: (line: string) => void): void {
  print(`zon lab ${lab.id}: scanner namespace ${lab.namespaces.scanner}`);
  print(
    `  adapter ${lab.adapter} ${lab.adapterMac}, scanning from ${lab.adapterIp} / ${lab.adapterIp6}, ` +
      `router ${lab.routerIp} ${lab.routerMac}`,
  );
  for (const h of lab.hosts) {
    const services = h.services.map((s) => `${s.proto}/${s.port} ${s.kind}`);
    print(`  host ${h.ipv4} ${h.ipv6}: ${services.join(", ")}`);
  }
  print(`  no host behind: ${lab.emptyAddresses.join(", ")}`);
}

/** Seconds the scan should take: probes / rate + wait. */
function expectedSeconds(options: RunLabOptions, scope: ScanScope): number {
  const probes = new TargetSet({ include: scope.targets, ports: scope.ports })
    .count * (1 + (options.retries ?? 0));
  return probes / (options.rate ?? 100_000) + (options.wait ?? 2);
}

/** How {@link scanLab} runs one scan, on top of {@link RunLabOptions}. */
export interface ScanLabOptions extends RunLabOptions {
  /** Scanner arguments instead of {@link labScanArgs}' (e.g. `--resume F`). */
  args?: string[];
  /** The scope to grade against when `args` is given. */
  scope?: ScanScope;
  /** Record the probes with tcpdump on the router's end of the link. */
  capture?: boolean;
  /** Send the scanner SIGINT this many ms after it starts (resume tests). */
  interruptAfterMs?: number;
}

/** What one {@link scanLab} run did and found. */
export interface ScanLabReport extends LabRunReport {
  /** The probes on the wire, in order, when `capture` was asked. */
  probes?: Probe[];
  /** Frames the capture lost (0: `probes` is complete). */
  captureDropped?: number;
  /** Whether the watchdog had to interrupt the scanner. */
  timedOut: boolean;
}

/**
 * Runs the scanner once in an existing lab, inside its scanner namespace
 * with the lab's temp dir as cwd (where `paused.conf` lands), and grades
 * what it reports. A watchdog interrupts a scanner that runs a minute past
 * its expected time.
 */
export async function scanLab(
  lab: Lab,
  options: ScanLabOptions = {},
): Promise<ScanLabReport> {
  const generated = labScanArgs(lab, options);
  const args = options.args ?? generated.args;
  const scope = options.scope ?? generated.scope;
  const command = options.masscan
    ? ["masscan", ...args]
    : [Deno.execPath(), "run", "-A", SCAN_SCRIPT, ...args];
  const capture = options.capture ? await startCapture(lab) : null;
  const passStderr = options.showScannerStderr ?? true;
  const started = performance.now();
  const child = lab.spawn(command[0], command.slice(1), {
    stdout: "piped",
    stderr: passStderr ? "inherit" : "piped",
    cwd: lab.dir,
    // Deno checks for a newer version over the network at start; in the
    // lab that would be a packet to outside the targets.
    env: { DENO_NO_UPDATE_CHECK: "1" },
  });
  // Watchdog: masscan 1.3.2 can hang after its wait ("waiting -N secs");
  // SIGINT makes it (and zon) stop and still write their output.
  const deadline = expectedSeconds(options, scope) +
    (options.masscan ? 3 : 60);
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    stopChild(child, 10_000, "SIGINT");
  }, deadline * 1000);
  const interrupt = options.interruptAfterMs === undefined
    ? undefined
    : setTimeout(() => child.kill("SIGINT"), options.interruptAfterMs);
  let status, stdout, stderr;
  try {
    [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      passStderr ? Promise.resolve("") : new Response(child.stderr).text(),
    ]);
  } finally {
    clearTimeout(watchdog);
    clearTimeout(interrupt);
  }
  const scanSeconds = (performance.now() - started) / 1000;
  const captured = capture ? await capture.stop() : null;
  const probes = capture ? (await readProbes(capture.path)).probes : undefined;
  if (capture) await Deno.remove(capture.path).catch(() => {});
  const { findings, ignored } = parseScanOutput(stdout);
  const banners = ignored.filter((l) => l.includes('"rec_type":"banner"'))
    .map((l) => JSON.parse(l.replace(/,\s*$/, "")) as Record<string, unknown>);
  const comparison = compareWithTruth(findings, lab.truth, scope);
  return {
    command,
    scannerExit: status.code,
    scannerStderr: stderr,
    findings,
    banners,
    comparison,
    ok: status.success && comparison.ok,
    scanSeconds,
    probes,
    captureDropped: captured?.dropped,
    timedOut,
  };
}

/**
 * Builds a lab (or uses `options.lab`), scans it with examples/scan.ts (or
 * masscan) inside the scanner namespace, prints the findings and the grade,
 * and destroys the lab it built — whatever happens.
 */
export async function runLab(
  options: RunLabOptions = {},
): Promise<LabRunReport> {
  const print = options.print ?? ((line: string) => console.log(line));
  const lab = options.lab ?? await createLab(options.spec);
  try {
    if (!options.lab) describeLab(lab, print);
    const { args } = labScanArgs(lab, options);
    const name = options.masscan ? "masscan" : "deno run -A examples/scan.ts";
    print(
      `$ ip netns exec ${lab.namespaces.scanner} ${name} ${args.join(" ")}`,
    );
    const report = await scanLab(lab, options);
    if (report.timedOut) print("scanner did not finish in time: interrupted");
    print(formatComparison(report.comparison));
    if (options.banners) {
      print(`banners: ${report.banners.length}`);
      for (const b of report.banners) {
        const data = (b.data ?? {}) as Record<string, unknown>;
        const text = String(data.banner ?? "").replace(/\s+/g, " ").slice(
          0,
          100,
        );
        print(
          `  banner ${
            b.proto ?? "tcp"
          }/${b.port} ${b.ip} [${data.service_name}] ${text}`,
        );
      }
    }
    print(
      `scan took ${
        report.scanSeconds.toFixed(1)
      } s; scanner exit code ${report.scannerExit}`,
    );
    return report;
  } finally {
    if (!options.lab) await lab.destroy();
  }
}

const LAB_USAGE = `usage: examples/scan.ts --lab [options]

Builds a private lab of network namespaces (198.18.0.0/15, 2001:2::/48, no
route out) with HTTP, TLS, banner and DNS listeners, scans it, and compares
the results with the ground truth. Needs root. Exit code 0 when every open
port was found and nothing else reported, 1 otherwise.

  -e, --adapter ring|pcap|xdp  driver (default ring)
  -p, --ports LIST          ports (default 1-65535,U:53)
      --rate N              packets per second (default 100000)
      --wait N              seconds to wait for replies (default 2)
      --retries N           extra probes per target (default 0)
      --no-banners          do not grab banners (default: --banners)
      --random-ports N      N extra random open TCP ports per host
      --seed N              seed for the random ports
      --ipv4-only           leave the IPv6 addresses out of the scan
      --masscan             scan with masscan instead (reference)
      --cleanup             only remove labs left by crashed runs
`;

/**
 * `examples/scan.ts --lab` and `deno task lab`: parses the lab's flags from
 * `argv` (a leading `--lab` is ignored), runs {@link runLab}, and returns
 * the process exit code (0 pass, 1 mismatch or scanner failure, 2 usage).
 */
export async function runLabCli(argv: string[]): Promise<number> {
  const options: RunLabOptions = { banners: true };
  const spec: LabSpec = {};
  const args = argv.filter((a) => a !== "--lab");
  const value = (i: number, flag: string): string => {
    if (i >= args.length) throw new Error(`${flag} needs a value`);
    return args[i];
  };
  const count = (text: string, flag: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`${flag} ${text}: expected a whole number`);
    }
    return n;
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === "-h" || a === "--help") {
        console.log(LAB_USAGE);
        return 0;
      } else if (a === "-e" || a === "--adapter") {
        const d = value(++i, a);
        if (d !== "ring" && d !== "pcap" && d !== "xdp") {
          throw new Error(`${a} ${d}: expected ring, pcap or xdp`);
        }
        options.driver = d;
      } else if (a === "-p" || a === "--ports") options.ports = value(++i, a);
      else if (a === "--rate") options.rate = count(value(++i, a), a);
      else if (a === "--wait") options.wait = count(value(++i, a), a);
      else if (a === "--retries") options.retries = count(value(++i, a), a);
      else if (a === "--random-ports") {
        spec.randomOpenPorts = count(value(++i, a), a);
      } else if (a === "--seed") spec.seed = count(value(++i, a), a);
      else if (a === "--ipv4-only") options.ipv6 = false;
      else if (a === "--no-banners") options.banners = false;
      else if (a === "--masscan") options.masscan = true;
      else if (a === "--cleanup") {
        const { cleanupStaleLabs } = await import("./core.ts");
        const removed = await cleanupStaleLabs();
        console.log(`removed ${removed.length} stale lab namespaces`);
        return 0;
      } else throw new Error(`unknown lab option ${a}`);
    }
  } catch (e) {
    console.error(`zon lab: ${(e as Error).message}\n\n${LAB_USAGE}`);
    return 2;
  }
  options.spec = spec;
  try {
    const report = await runLab(options);
    return report.ok ? 0 : 1;
  } catch (e) {
    console.error(`zon lab: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await runLabCli(Deno.args));
}
