/**
 * The scanning modes of examples/scan.ts (everything but -sL/--echo/--help):
 * safety rules → adapter → engine → outputs and status, with Ctrl-C handled
 * like masscan (stop sending, wait for replies, write `paused.conf`).
 *
 * @module
 */

import { formatIpv4, formatIpv6 } from "../../../packet/mod.ts";
import type { TargetSet } from "../../../blackrock/mod.ts";
import { type Adapter, AdapterError, resolveAdapter } from "../adapter/mod.ts";
import {
  formatScanConfig,
  isInputError,
  isIoError,
  type ScanConfig,
  UsageError,
} from "./config.ts";
import {
  type EngineOptions,
  type EngineSummary,
  ScanEngineError,
  type ScanHandle,
  type ScanStatus,
  startScan,
} from "../engine/engine.ts";
import type { ScanMeta } from "../output/mod.ts";
import { openOutputs, OutputError, type ScanOutputs } from "./outputs.ts";
import { say } from "./messages.ts";
import type { ScanResult } from "../engine/result.ts";
import { indexedTargetCount } from "../engine/shared.ts";
import type { FoundBanner } from "../banners/channel.ts";
import { loadHelloFiles } from "../banners/hellos.ts";
import { bannerAddress, bannerLine } from "../output/common.ts";
import { StatusPrinter } from "./status.ts";
import { buildSafeTargets } from "./targets.ts";
import { shardCompletionLine } from "../cluster/shard_record.ts";

/** zon's version, for output headers. */
export const ZON_VERSION = "0.1.0";

/** Where Ctrl-C leaves the resume file (masscan's name, in the cwd). */
export const PAUSED_CONF = "paused.conf";

function splitAdapterIp(
  text: string | undefined,
): { v4?: string; v6?: string } {
  const out: { v4?: string; v6?: string } = {};
  for (
    const item of (text ?? "").split(",").map((s) => s.trim()).filter(Boolean)
  ) {
    if (item.includes(":")) out.v6 = item;
    else out.v4 = item;
  }
  return out;
}

/** masscan's default console line for a result. */
function describe(r: ScanResult): string {
  const ip = r.version === 4 ? formatIpv4(r.ipv4) : formatIpv6(r.ipv6);
  if (r.protocol === "icmp") return `Discovered ${r.status} host ${ip} (ping)`;
  return `Discovered ${r.status} port ${r.port}/${r.protocol} on ${ip}`;
}

/** masscan's console line for a banner. */
function describeBanner(b: FoundBanner): string {
  return `Banner on port ${b.port}/${b.transport ?? "tcp"} on ${
    bannerAddress(b)
  }: [${b.service.name}] ${bannerLine(b.banner)}`;
}

function shardLength(count: number, one: number, of: number): number {
  return one - 1 >= count ? 0 : Math.floor((count - one) / of) + 1;
}

/** Runs a scan as configured; resolves to the exit code. */
export async function runScanCommand(
  config: ScanConfig,
  argv: readonly string[] = [],
): Promise<number> {
  try {
    if (config.stats && !config.offline) {
      throw new UsageError(
        "--stats measures the transmit pipeline: use it with --offline",
      );
    }
    const { targets, notes } = buildSafeTargets(config);
    for (const note of notes) say(note);
    const adapter = await resolveAdapterFor(config, targets);
    const helloFiles = config.banners
      ? await prepareBanners(config, targets, adapter)
      : [];
    // Before the first probe: a scan whose results cannot be stored sends nothing.
    const outputs = openOutputs(config.outputs, outputMeta(config, argv), {
      keep: config.resumed || config.appendOutput,
      warn: say,
    });
    const status = new StatusPrinter({ enabled: config.status });
    const sink = resultSink(outputs, outputs.count === 0 && !config.offline);
    const startMs = Date.now();
    const handle = startScan({
      ...engineOptions(config, targets, adapter, helloFiles),
      onBanner: sink.onBanner,
      onStatus: statusUpdater(config, targets, status),
    }, sink.onResult);
    let failedAt = -1;
    outputs.onFailure = (error) => {
      // Stop transmitting; replies still reach the other outputs.
      failedAt = handle.resumeIndex;
      say(`${error.message}: stopping the scan`);
      handle.interrupt();
    };
    const summary = await untilDone(handle, config);
    const resumeAt = outputs.failure !== null
      ? failedResumeIndex(config, summary, failedAt)
      : summary.resumeIndex;
    outputs.writeCompletion(
      await shardCompletionLine({
        config,
        argv,
        targets,
        summary,
        resumeAt,
        startMs,
      }),
    );
    outputs.end(summary);
    status.finish(summary);
    if (outputs.failure !== null) {
      return outputFailed(
        config,
        summary,
        failedAt,
        outputs.failure,
        pausedTotal(targets, summary),
      );
    }
    finish(config, summary, pausedTotal(targets, summary));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof AdapterError) {
      say(e.message);
      console.error("(run with --help for usage)");
      return 2;
    }
    if (e instanceof ScanEngineError || e instanceof OutputError) {
      say(e.message);
      return 1;
    }
    throw e;
  }
}

/**
 * An output stopped taking writes mid-scan. Its file keeps what it had; the
 * paused.conf resumes a little before the failure (`rate` × 2 s of probes
 * earlier: replies to those may have been on their way to the failed file),
 * so a resumed scan, elsewhere, loses nothing — at worst it finds a few
 * results again.
 */
function outputFailed(
  config: ScanConfig,
  summary: EngineSummary,
  failedAt: number,
  failure: OutputError,
  recordTotal: number | undefined,
): number {
  const index = failedResumeIndex(config, summary, failedAt);
  writePausedConf(config, index, summary.totalProbes, undefined, recordTotal);
  say(`${failure.message} (the file keeps the results written before)`);
  return 1;
}

/** Where a scan whose output failed at probe `failedAt` resumes (see outputFailed). */
function failedResumeIndex(
  config: ScanConfig,
  summary: EngineSummary,
  failedAt: number,
): number {
  const margin = Math.ceil(Math.min(config.rate, 1e9) * 2);
  return Math.max(
    config.resumeIndex,
    Math.min(summary.resumeIndex, failedAt) - margin,
  );
}

/**
 * The `resume-total` for paused.conf, only when the scan index has columns
 * masscan's does not (the extra UDP payloads): then a resume into another
 * index space (the same file read by a zon that indexes them differently)
 * is refused. Otherwise the file stays masscan's own format, which has no
 * such line (masscan refuses a line it does not know).
 */
function pausedTotal(
  targets: TargetSet,
  summary: EngineSummary,
): number | undefined {
  return indexedTargetCount(targets) > targets.count
    ? summary.totalProbes
    : undefined;
}

/** Writes paused.conf for `--resume`; an unwritable cwd is reported, not thrown. */
function writePausedConf(
  config: ScanConfig,
  index: number,
  total: number,
  workerProgress?: readonly number[],
  recordTotal?: number,
): boolean {
  try {
    Deno.writeTextFileSync(
      PAUSED_CONF,
      `# zon scan resume file: deno run -A examples/scan.ts --resume ${PAUSED_CONF}\n` +
        formatScanConfig(
          config,
          index,
          workerProgress ?? [index],
          recordTotal,
        ),
    );
  } catch (e) {
    if (!isIoError(e) && !(e instanceof Error && /os error/.test(e.message))) {
      throw e;
    }
    say(`cannot write ${PAUSED_CONF} in ${Deno.cwd()}: ${e.message}`);
    return false;
  }
  say(`wrote ${PAUSED_CONF} (resume-index ${index} of ${total})`);
  return true;
}

function resolveAdapterFor(
  config: ScanConfig,
  targets: TargetSet,
): Promise<Adapter> {
  const ip = splitAdapterIp(config.adapterIp);
  return resolveAdapter({
    adapter: config.adapter,
    adapterIp: ip.v4,
    adapterIpv6: ip.v6,
    adapterMac: config.adapterMac,
    routerMac: config.routerMac,
    routerMacIpv6: config.routerMacIpv6,
    routerIp: config.routerIp,
    needIpv4: targets.ipv4Count > 0,
    needIpv6: targets.ipv6Count > 0,
    offline: config.offline,
  });
}

/** Reads the --hello-file files; warns when the kernel owns the source address. */
async function prepareBanners(
  config: ScanConfig,
  targets: TargetSet,
  adapter: Adapter,
): Promise<Array<{ port: number; bytes: Uint8Array }>> {
  let helloFiles: Array<{ port: number; bytes: Uint8Array }>;
  try {
    helloFiles = await loadHelloFiles(config.helloFiles);
  } catch (e) {
    if (!isInputError(e)) throw e;
    throw new UsageError(e.message, { cause: e });
  }
  const kernelOwned = [
    ...(targets.ipv4Count > 0 && !adapter.foreignIpv4 ? ["IPv4"] : []),
    ...(targets.ipv6Count > 0 && !adapter.foreignIpv6 ? ["IPv6"] : []),
  ];
  if (kernelOwned.length > 0 && !config.offline) {
    // The kernel owns the source address: it will RST every connection
    // the user-mode stack opens (it never saw the SYN).
    console.error(
      `zon scan: --banners from ${
        kernelOwned.join(" and ")
      } addresses this host's kernel owns: its RSTs will cut connections short. ` +
        "Use an unused --adapter-ip on the same subnet (zon answers ARP/NDP for it), or drop the kernel's " +
        'RSTs for a --source-port range (README: "Banners without a spare address").',
    );
  }
  return helloFiles;
}

/** What the output formats put in their headers. */
function outputMeta(config: ScanConfig, argv: readonly string[]): ScanMeta {
  return {
    startTime: Date.now() / 1000,
    commandLine: argv,
    version: ZON_VERSION,
    scanType: config.ping
      ? "ping" as const
      : /^U:/i.test(config.ports) && !/T:/i.test(config.ports)
      ? "udp" as const
      : "syn" as const,
    ports: config.ping ? "" : config.ports,
    rate: config.rate,
  };
}

/** Results and banners to every output, and to the console when there is none. */
function resultSink(outputs: ScanOutputs, toConsole: boolean): {
  onResult: (r: ScanResult) => void;
  onBanner: (b: FoundBanner) => void;
} {
  const encoder = new TextEncoder();
  return {
    onResult: (r) => {
      outputs.write(r);
      if (toConsole) Deno.stdout.writeSync(encoder.encode(describe(r) + "\n"));
    },
    onBanner: (b) => {
      outputs.writeBanner(b);
      if (toConsole) {
        Deno.stdout.writeSync(encoder.encode(describeBanner(b) + "\n"));
      }
    },
  };
}

/** The engine's options for `config` (everything but the callbacks). */
function engineOptions(
  config: ScanConfig,
  targets: TargetSet,
  adapter: Adapter,
  helloFiles: Array<{ port: number; bytes: Uint8Array }>,
): EngineOptions {
  return {
    targets,
    seed: config.seed,
    shard: config.shard,
    startIndex: config.resumeIndex,
    txWorkers: config.txWorkers,
    workerProgress: config.txWorkerProgress,
    expectedTotal: config.resumeTotal,
    rate: config.rate,
    maxRate: config.maxRate,
    retries: config.retries,
    wait: config.offline ? 0 : config.wait,
    ttl: config.ttl,
    sourcePort: config.sourcePort,
    adapter,
    ping: config.ping,
    showClosed: config.showClosed,
    pcapPath: config.pcap,
    offline: config.offline,
    stats: config.stats,
    banners: config.banners
      ? {
        connectionTimeout: config.connectionTimeout,
        userAgent: config.httpUserAgent,
        headers: config.httpHeaders,
        helloFiles,
      }
      : undefined,
  };
}

/** The engine's once-a-second status, as masscan's status line. */
function statusUpdater(
  config: ScanConfig,
  targets: TargetSet,
  status: StatusPrinter,
): (s: ScanStatus) => void {
  const shardTargets = shardLength(
    indexedTargetCount(targets, config.ping),
    config.shard.one,
    config.shard.of,
  );
  return (s) =>
    status.update({
      sent: s.done,
      workerRates: s.workerRates,
      targets: shardTargets,
      retries: config.retries,
      found: s.found,
      waitRemaining: s.phase === "waiting" ? s.remaining : undefined,
    });
}

/** Waits for the scan's end; Ctrl-C interrupts it as masscan's does. */
async function untilDone(
  handle: ScanHandle,
  config: ScanConfig,
): Promise<EngineSummary> {
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    handle.interrupt();
    if (interrupts === 1 && !config.offline) {
      console.error(
        `\nzon scan: stopping; waiting ${config.wait}s for replies (Ctrl-C again to stop now)`,
      );
    }
  };
  Deno.addSignalListener("SIGINT", onSigint);
  // A scheduler (scancel, a pod's deletion) stops a task with SIGTERM:
  // the same orderly stop, so the shard's completion record says where.
  Deno.addSignalListener("SIGTERM", onSigint);
  try {
    return await handle.done;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
    Deno.removeSignalListener("SIGTERM", onSigint);
  }
}

/** After the summary: the engine's own counters, paused.conf, --stats. */
function finish(
  config: ScanConfig,
  summary: EngineSummary,
  recordTotal: number | undefined,
): void {
  if (!config.offline) {
    console.error(`      ${engineCounters(config, summary).join(", ")}`);
  }
  if (summary.resumeIndex < summary.totalProbes) {
    writePausedConf(
      config,
      summary.resumeIndex,
      summary.totalProbes,
      summary.workerProgress,
      recordTotal,
    );
  }
  if (config.stats) {
    const t = summary.transmit;
    console.log(JSON.stringify({
      packets: t.packets,
      seconds: t.seconds,
      pps: t.pps,
      stages: t.stages,
      cpuMHz: t.cpuMHz,
      workers: t.workers,
    }));
  }
}

/** The engine's own counters, beyond masscan's summary line. */
function engineCounters(config: ScanConfig, summary: EngineSummary): string[] {
  return [
    `source-port=${summary.sourcePort}`,
    `resets=${summary.resets}`,
    ...(config.banners
      ? [
        `connections=${summary.connections}`,
        `banners=${summary.banners}`,
        `banners-dropped=${summary.bannersDropped}`,
      ]
      : []),
    ...(summary.resultsDropped
      ? [`results-dropped=${summary.resultsDropped}`]
      : []),
    ...(summary.receiveDropped
      ? [`receive-dropped=${summary.receiveDropped}`]
      : []),
    ...(summary.neighborReplies
      ? [`arp/nd-replies=${summary.neighborReplies}`]
      : []),
    // Frames dropped, and why (bad cookies and duplicates: masscan's line).
    ...(summary.malformed ? [`malformed=${summary.malformed}`] : []),
    ...(summary.ignored ? [`not-ours=${summary.ignored}`] : []),
  ];
}
