/**
 * The scan engine: runs one scan with a transmit Worker and a receive
 * Worker and hands each result to the caller as it arrives.
 *
 * ```
 * transmit Worker: blackrock → pick → cookie → template → driver slot → flush (token bucket)
 * receive Worker:  driver → parseFrame → cookie check → dedup → 48-byte records ─┐
 *                  valid SYN-ACK → RST, or (--banners) TCP stack → banner ring ──┤
 * main thread:     SpscRing → decodeResult → onResult; banner ring → onBanner ←─┘
 * ```
 *
 * {@link startScan} returns a {@link ScanHandle} (interrupt it, read the
 * resume index, await `done`); {@link runScan} is the same as a promise,
 * interrupted through an `AbortSignal`.
 *
 * @module
 */

import {
  PORT_PROTOCOL_BASE,
  ScanOrder,
  type Shard,
  type TargetSet,
} from "../../../blackrock/mod.ts";
import { formatIpv4, formatIpv6 } from "../../../packet/mod.ts";
import { SpscRing } from "../../../ring/mod.ts";
import type { EngineAdapter } from "../adapter/mod.ts";
import {
  type BannerJob,
  Counter,
  createControl,
  Flag,
  ICMP_ECHO_PORT,
  type LinkConfig,
  rebuildTargets,
  type ReceiveJob,
  type StageBudget,
  targetSpec,
  type TransmitDone,
  type TransmitJob,
  type WorkerFailure,
} from "./shared.ts";
import {
  DEFAULT_RETRY_WINDOW,
  ProbeSchedule,
} from "../transmit/probe_schedule.ts";
import { HelloTable } from "../banners/hellos.ts";
import {
  createBannerRing,
  type FoundBanner,
  receiveBanners,
} from "../banners/channel.ts";
import {
  decodeResult,
  newResult,
  RESULT_RECORD_SIZE,
  type ScanResult,
  type ScanSummary,
} from "./result.ts";

export { ICMP_ECHO_PORT } from "./shared.ts";
export type { StageBudget } from "./shared.ts";

/** The network side of a scan: what `resolveAdapter` returns (adapter/). */
export type ScanAdapter = EngineAdapter;

/** Once-per-second progress, for the status line. */
export interface ScanStatus {
  /** "sending" until the last probe, then "waiting" for late replies. */
  phase: "sending" | "waiting";
  /** Probes sent by this run. */
  sent: number;
  /** Frames received. */
  received: number;
  /** Results reported. */
  found: number;
  /** Probes per second over the last interval. */
  rate: number;
  /** Percent of the whole scan done (0..100, counting a resumed start). */
  percent: number;
  /** Seconds left: the remaining probes at the current rate, plus the wait. */
  remaining: number;
  /** Seconds since start. */
  elapsed: number;
  /** The resume index right now. */
  resumeIndex: number;
}

/** Everything a scan needs. Only `targets`, `rate` and `adapter` are required. */
export interface EngineOptions {
  /** Addresses × ports. */
  targets: TargetSet;
  /** Blackrock seed (masscan's `--seed`). Default 0. */
  seed?: number | bigint;
  /** This machine's shard (`--shard x/y`). Default 1/1. */
  shard?: Shard;
  /** Resume: the first probe number to send (a previous run's `resumeIndex`). Default 0. */
  startIndex?: number;
  /** Packets per second; `Infinity` for as fast as the driver goes. */
  rate: number;
  /** Upper bound on `rate` (`--max-rate`). */
  maxRate?: number;
  /** Extra probes per target: exactly `retries + 1` are sent. Default 0. */
  retries?: number;
  /** Targets per retry window (see probe_schedule.ts); must match on resume. Default 2^18. */
  retryWindow?: number;
  /** Seconds to wait for replies after the last probe. Default 10 (0 offline). */
  wait?: number;
  /** IP TTL / hop limit of probes. Default 64. */
  ttl?: number;
  /** Source port: fixed, or `count` ports from `first` (the cookie picks one per target). Default: one random port in {@link DEFAULT_SOURCE_PORTS}, drawn per scan. */
  sourcePort?: number | { first: number; count: number };
  /** Interface, drivers, addresses. */
  adapter: ScanAdapter;
  /** True when the source IP is not the kernel's: the receive Worker answers ARP / neighbor solicitations for it. Default: `adapter.foreignIpv4 || adapter.foreignIpv6`. */
  spoofedSource?: boolean;
  /** Receive frames to other MACs too. Default: `spoofedSource`. */
  promiscuous?: boolean;
  /** Also send an ICMP echo to every address (`--ping`). */
  ping?: boolean;
  /** Report closed ports too (RST, ICMP port unreachable). */
  showClosed?: boolean;
  /** Write every received frame to this pcap file (`--pcap`). */
  pcapPath?: string;
  /** Transmit into the `null` driver and receive nothing (`--offline`). */
  offline?: boolean;
  /** Measure per-stage transmit cost (`--stats`); see {@link EngineSummary.transmit}. */
  stats?: boolean;
  /** Called about once per second while the scan runs. */
  onStatus?: (status: ScanStatus) => void;
  /** Interval of `onStatus`, ms. Default 1000. */
  statusIntervalMs?: number;
  /** Dedup table slots. Default 2^20. */
  dedupCapacity?: number;
  /** Largest burst in packets (token bucket capacity). Default 5 ms of traffic. */
  burst?: number;
  /** SipHash key (16 bytes) — for tests; default random per scan. */
  key?: Uint8Array;
  /** Grab banners (`--banners`) from IPv4 targets' open TCP ports. */
  banners?: BannerOptions;
  /** Called with each banner grabbed (a fresh object each), with `banners`. */
  onBanner?: (banner: FoundBanner) => void;
}

/** `--banners` settings of {@link EngineOptions}. */
export interface BannerOptions {
  /** Most concurrent connections. Default 10,000. */
  capacity?: number;
  /** `--connection-timeout`, seconds. Default 30. */
  connectionTimeout?: number;
  /** `--http-user-agent`. */
  userAgent?: string;
  /** `--http-header "Name: value"`, repeatable. */
  headers?: string[];
  /** `--hello-file PORT:FILE`, already read (see `loadHelloFiles`). */
  helloFiles?: Array<{ port: number; bytes: Uint8Array }>;
}

/**
 * Where the default source port is drawn from, once per scan (masscan's
 * 40000–60000): a fixed port would meet the targets' half-open connections
 * (and their SYN-ACK retransmissions) from a previous scan minutes ago.
 * Resuming with another port is fine: the cookie key is new per run too, so
 * only the new run's replies validate either way.
 */
export const DEFAULT_SOURCE_PORTS = { first: 40000, count: 20000 } as const;

/** A random port of {@link DEFAULT_SOURCE_PORTS}. */
export function randomSourcePort(): number {
  const r = crypto.getRandomValues(new Uint32Array(1))[0];
  return DEFAULT_SOURCE_PORTS.first + r % DEFAULT_SOURCE_PORTS.count;
}

/** Transmit throughput and per-stage budget (`--offline --stats`). */
export interface TransmitStats {
  /** Probes sent. */
  packets: number;
  /** Seconds the transmit loop ran. */
  seconds: number;
  /** packets / seconds. */
  pps: number;
  /** ns per packet by stage (measured only with `stats`; else null). */
  stages: StageBudget | null;
  /** CPU clock from /proc/cpuinfo, MHz (to turn ns into cycles), or null. */
  cpuMHz: number | null;
}

/** The summary of a scan: masscan's counters plus resume and transmit figures. */
export interface EngineSummary extends ScanSummary {
  /** The next probe number not sent: `startIndex` for `--resume`; equals `totalProbes` when complete. */
  resumeIndex: number;
  /** Probes in the whole scan (targets of the shard × (retries + 1)). */
  totalProbes: number;
  /** Results lost because the main thread lagged (should be 0). */
  resultsDropped: number;
  /** ARP replies / neighbor advertisements sent for a spoofed source. */
  neighborReplies: number;
  /** Frames the receive driver reports lost. */
  receiveDropped: number;
  /** Transmit throughput (and stages with `stats`). */
  transmit: TransmitStats;
  /** RSTs sent for valid SYN-ACKs (ending the targets' half-open connections). */
  resets: number;
  /** `--banners`: connections opened. */
  connections: number;
  /** `--banners`: banners grabbed. */
  banners: number;
  /** `--banners`: banners lost because the main thread lagged (should be 0). */
  bannersDropped: number;
  /** The source port (first of the range) this scan used. */
  sourcePort: number;
}

/** Extra hooks of {@link runScan}. */
export interface ScanHooks {
  /** Aborting = {@link ScanHandle.interrupt}: stop sending, wait for replies, finish. A second abort is impossible; use startScan for a two-step interrupt. */
  signal?: AbortSignal;
}

/** A running scan. */
export interface ScanHandle {
  /** Resolves with the summary when the scan ends (completed or interrupted). */
  readonly done: Promise<EngineSummary>;
  /**
   * First call: stop transmitting, wait `wait` seconds for replies, then end.
   * Second call: stop waiting now.
   */
  interrupt(): void;
  /** The next probe number not yet sent (live). */
  readonly resumeIndex: number;
  /** Progress right now. */
  status(): ScanStatus;
}

/** A scan that cannot start: bad options, or a Worker failed (message says which). */
export class ScanEngineError extends Error {
  /**
   * @param message what is wrong
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ScanEngineError";
  }
}

const RESULT_RING_SLOTS = 4096;

function cpuMHz(): number | null {
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(
      Deno.readTextFileSync("/proc/cpuinfo"),
    );
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The BPF filter the receive Worker uses: replies to our addresses, plus
 * ARP / neighbor solicitations when we answer for a spoofed address.
 *
 * @example
 * ```ts
 * import { receiveFilter } from "./engine.ts";
 * console.log(receiveFilter(0xc6120001, undefined, false));
 * // "(dst host 198.18.0.1 and (tcp or udp or icmp))"
 * ```
 */
export function receiveFilter(
  ip4: number | undefined,
  ip6: Uint8Array | undefined,
  answerNeighbors: boolean,
): string {
  const parts: string[] = [];
  if (ip4 !== undefined) {
    parts.push(`(dst host ${formatIpv4(ip4)} and (tcp or udp or icmp))`);
    if (answerNeighbors) parts.push("arp");
  }
  if (ip6 !== undefined) {
    parts.push(`(ip6 dst host ${formatIpv6(ip6)} and (tcp or udp or icmp6))`);
    if (answerNeighbors) parts.push("(icmp6 and ip6[40] == 135)");
  }
  return parts.join(" or ");
}

function checkMac(name: string, mac: Uint8Array | undefined): Uint8Array {
  if (!(mac instanceof Uint8Array) || mac.length !== 6) {
    throw new ScanEngineError(
      `adapter.${name} must be 6 bytes (a MAC address), got ${
        mac === undefined ? "nothing" : `${mac.length} bytes`
      }`,
    );
  }
  return mac;
}

interface Plan {
  link: LinkConfig;
  schedule: ProbeSchedule;
  startIndex: number;
  rate: number;
  wait: number;
  offline: boolean;
  tx: TransmitJob;
  rx: ReceiveJob | null;
}

function plan(
  options: EngineOptions,
  control: SharedArrayBuffer,
  results: SharedArrayBuffer,
  bannerRing: SharedArrayBuffer | null,
): Plan {
  const t = options.targets;
  const a = options.adapter;
  const offline = options.offline ?? false;
  const portRanges = t.ports.list.ranges();
  if (
    portRanges.some(([b, e]) =>
      e >= PORT_PROTOCOL_BASE.sctp && b < ICMP_ECHO_PORT
    )
  ) {
    throw new ScanEngineError(
      "SCTP ports (S:) are not implemented by the scan engine; remove them from -p",
    );
  }
  if (t.ipv4Count > 0 && a.ipv4 === undefined) {
    throw new ScanEngineError(
      "IPv4 targets need an IPv4 source address (adapter.ipv4, --adapter-ip)",
    );
  }
  if (t.ipv6Count > 0 && a.ipv6 === undefined) {
    throw new ScanEngineError(
      "IPv6 targets need an IPv6 source address (adapter.ipv6, --adapter-ip)",
    );
  }
  if (a.ipv6 !== undefined && a.ipv6.length !== 16) {
    throw new ScanEngineError("adapter.ipv6 must be 16 bytes");
  }
  const sourceMac = checkMac("mac", a.mac);
  const zeroMac = new Uint8Array(6);
  const routerMac4 = t.ipv4Count > 0 && !offline
    ? checkMac("routerMac4", a.routerMac4)
    : a.routerMac4 ?? zeroMac;
  const routerMac6 = t.ipv6Count > 0 && !offline
    ? checkMac("routerMac6", a.routerMac6)
    : a.routerMac6 ?? zeroMac;
  const sp = options.sourcePort ?? randomSourcePort();
  const [first, count] = typeof sp === "number"
    ? [sp, 1]
    : [sp.first, sp.count];
  if (
    !Number.isInteger(first) || !Number.isInteger(count) || count < 1 ||
    first < 1 || first + count > 65536
  ) {
    throw new ScanEngineError(
      `source port ${first}${
        count > 1 ? `+${count}` : ""
      } must lie in 1..65535`,
    );
  }
  let rate = Math.min(options.rate, options.maxRate ?? Infinity);
  if (offline && options.stats) rate = Infinity;
  if (!(rate > 0)) {
    throw new ScanEngineError(`rate must be > 0 packets/s, got ${rate}`);
  }
  const ttl = options.ttl ?? 64;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) {
    throw new ScanEngineError(`ttl must be in 1..255, got ${ttl}`);
  }
  const seed = BigInt(options.seed ?? 0);
  const shard = options.shard ?? { one: 1, of: 1 };
  const ping = options.ping ?? false;
  const spec = targetSpec(t, ping);
  // The workers rebuild the target set from `spec` (with the ping "port"
  // as one more column, as masscan does); count the same way here.
  const length = new ScanOrder(rebuildTargets(spec), { seed, shard }).length;
  let schedule: ProbeSchedule;
  try {
    schedule = new ProbeSchedule(
      length,
      options.retries ?? 0,
      options.retryWindow ?? DEFAULT_RETRY_WINDOW,
    );
  } catch (e) {
    throw new ScanEngineError((e as Error).message);
  }
  const startIndex = options.startIndex ?? 0;
  if (
    !Number.isSafeInteger(startIndex) || startIndex < 0 ||
    startIndex > schedule.total
  ) {
    throw new ScanEngineError(
      `start index ${startIndex} is outside this scan's 0..${schedule.total} probes (same targets, ports, shard and retries as the paused scan?)`,
    );
  }
  const spoofed = options.spoofedSource ??
    ((a.foreignIpv4 ?? false) || (a.foreignIpv6 ?? false));
  const txDriver = offline ? "null" : a.driverName;
  const rxDriver = offline ? "null" : a.receiveDriver ??
    (a.driverName === "null" || a.driverName.startsWith("file:")
      ? "null"
      : a.driverName);
  const link: LinkConfig = {
    txDriver,
    rxDriver,
    sourceMac,
    routerMac4,
    routerMac6,
    sourceIp4: a.ipv4 === undefined ? -1 : a.ipv4 >>> 0,
    sourceIp6: a.ipv6 ?? null,
    sourcePortFirst: first,
    sourcePortCount: count,
  };
  const key = options.key ?? crypto.getRandomValues(new Uint8Array(16));
  const tx: TransmitJob = {
    control,
    link,
    targets: spec,
    seed,
    shard,
    retries: schedule.retries,
    retryWindow: schedule.window,
    startIndex,
    rate,
    burst: options.burst,
    ttl,
    key,
    stats: options.stats ?? false,
  };
  const rx: ReceiveJob | null = rxDriver === "null" && !options.pcapPath
    ? null
    : {
      control,
      results,
      link,
      targets: spec,
      key,
      filter: receiveFilter(a.ipv4, a.ipv6, spoofed),
      promiscuous: options.promiscuous ?? spoofed,
      answerNeighbors: spoofed,
      showClosed: options.showClosed ?? false,
      pcapPath: options.pcapPath ?? null,
      dedupCapacity: options.dedupCapacity ?? 1 << 20,
      ttl,
      banners: bannerJob(options.banners, bannerRing),
    };
  return {
    link,
    schedule,
    startIndex,
    rate,
    wait: offline ? 0 : options.wait ?? 10,
    offline,
    tx,
    rx,
  };
}

function bannerJob(
  b: BannerOptions | undefined,
  ring: SharedArrayBuffer | null,
): BannerJob | null {
  if (b === undefined || ring === null) return null;
  const capacity = b.capacity ?? 10_000;
  const timeout = b.connectionTimeout ?? 30;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 22) {
    throw new ScanEngineError(
      `banner connections must be 1..${1 << 22}, got ${capacity}`,
    );
  }
  if (!(timeout > 0)) {
    throw new ScanEngineError(
      `--connection-timeout must be > 0 seconds, got ${timeout}`,
    );
  }
  try {
    // The Worker builds the same table: bad values fail here, by flag name.
    new HelloTable({
      userAgent: b.userAgent,
      headers: b.headers,
      helloFiles: b.helloFiles,
    });
  } catch (e) {
    throw new ScanEngineError((e as Error).message);
  }
  return {
    ring,
    capacity,
    connectionTimeoutMs: timeout * 1000,
    userAgent: b.userAgent,
    headers: b.headers ?? [],
    helloFiles: b.helloFiles ?? [],
  };
}

function spawn(file: string): Worker {
  return new Worker(new URL(file, import.meta.url).href, { type: "module" });
}

/** Resolves with the Worker's first message of `type`, rejects on its failure. */
function expect<T>(worker: Worker, type: string, role: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (e: MessageEvent) => {
      const m = e.data as { type: string } & Partial<WorkerFailure>;
      if (m.type === type) {
        cleanup();
        resolve(m as T);
      } else if (m.type === "error") {
        cleanup();
        reject(
          new ScanEngineError(`${role} Worker failed: ${m.name}: ${m.message}`),
        );
      }
    };
    const onError = (e: ErrorEvent) => {
      e.preventDefault();
      cleanup();
      reject(new ScanEngineError(`${role} Worker failed: ${e.message}`));
    };
    const cleanup = () => {
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
  });
}

/**
 * Starts a scan. Results reach `onResult` as they arrive (a fresh object
 * each). Throws {@link ScanEngineError} at once for bad options; Worker
 * failures (a driver that cannot open, ...) reject `done`.
 *
 * @example
 * ```ts ignore
 * import { TargetSet } from "../../../blackrock/mod.ts";
 * import { startScan } from "./engine.ts";
 * const scan = startScan({
 *   targets: new TargetSet({ include: ["198.18.0.2"], ports: "1-1024" }),
 *   rate: 10_000,
 *   adapter: { driverName: "ring:veth0", ifname: "veth0", ipv4: 0xc6120001,
 *     mac, routerMac4: peerMac },
 * }, (r) => console.log(r.port, r.status));
 * Deno.addSignalListener("SIGINT", () => scan.interrupt());
 * const summary = await scan.done; // summary.resumeIndex for paused.conf
 * ```
 */
export function startScan(
  options: EngineOptions,
  onResult: (result: ScanResult) => void,
): ScanHandle {
  const control = createControl();
  const ringBuffer = SpscRing.create({
    capacity: RESULT_RING_SLOTS,
    slotSize: RESULT_RECORD_SIZE,
  });
  const bannerRing = options.banners ? createBannerRing() : null;
  const p = plan(
    options,
    control.buffer,
    ringBuffer.buffer as SharedArrayBuffer,
    bannerRing,
  );
  const { flags, counters } = control;
  counters[Counter.NEXT] = p.startIndex;
  const started = performance.now();
  let phase: "sending" | "waiting" = "sending";
  let interrupts = 0;
  let wakeWait: (() => void) | null = null;
  let lastSent = 0, lastTime = started, lastRate = 0;

  const status = (): ScanStatus => {
    const now = performance.now();
    const sent = counters[Counter.SENT];
    if (now - lastTime >= 250) {
      lastRate = ((sent - lastSent) * 1000) / (now - lastTime);
      lastSent = sent;
      lastTime = now;
    }
    const next = counters[Counter.NEXT];
    const total = p.schedule.total;
    const left = total - next;
    return {
      phase,
      sent,
      received: counters[Counter.RECEIVED],
      found: counters[Counter.FOUND],
      rate: lastRate,
      percent: total === 0 ? 100 : Math.min(100, (next / total) * 100),
      remaining: (phase === "sending" && lastRate > 0 ? left / lastRate : 0) +
        (phase === "sending" ? p.wait : 0),
      elapsed: (now - started) / 1000,
      resumeIndex: next,
    };
  };

  const interrupt = (): void => {
    interrupts++;
    Atomics.store(flags, Flag.TX_STOP, 1);
    Atomics.notify(flags, Flag.TX_STOP);
    if (interrupts >= 2 && wakeWait) wakeWait();
  };

  const run = async (): Promise<EngineSummary> => {
    let rxWorker: Worker | null = null, txWorker: Worker | null = null;
    const ring = new SpscRing(ringBuffer.buffer);
    const view = new DataView(
      ring.bytes.buffer,
      ring.bytes.byteOffset,
      ring.bytes.byteLength,
    );
    let reading: Promise<void> = Promise.resolve();
    let readingBanners: Promise<void> = Promise.resolve();
    const timer = options.onStatus
      ? setInterval(
        () => options.onStatus!(status()),
        options.statusIntervalMs ?? 1000,
      )
      : undefined;
    try {
      let rxDone: Promise<unknown> = Promise.resolve();
      if (p.rx !== null) {
        rxWorker = spawn("../receive/worker.ts");
        const ready = expect(rxWorker, "ready", "receive");
        rxDone = expect(rxWorker, "done", "receive");
        rxDone.catch(() => {}); // observed below
        rxWorker.postMessage(p.rx);
        await ready;
        if (bannerRing !== null) {
          const onBanner = options.onBanner ?? (() => {});
          readingBanners = receiveBanners(bannerRing, onBanner);
        }
        reading = (async () => {
          while (!ring.drained) {
            const n = ring.peek(256);
            if (n === 0) {
              await ring.waitForDataAsync(1, 100);
              continue;
            }
            for (let i = 0; i < n; i++) {
              onResult(decodeResult(view, ring.readOffset(i), newResult()));
            }
            ring.release(n);
          }
        })();
      }
      txWorker = spawn("../transmit/worker.ts");
      const txDone = expect<TransmitDone>(txWorker, "done", "transmit");
      txWorker.postMessage(p.tx);
      // A receive failure must not go unnoticed while transmitting.
      const tx = await Promise.race([
        txDone,
        rxDone.then(() => new Promise<never>(() => {})),
      ]);
      phase = "waiting";
      if (p.rx !== null && p.wait > 0 && interrupts < 2) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, p.wait * 1000);
          wakeWait = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      Atomics.store(flags, Flag.RX_STOP, 1);
      Atomics.notify(flags, Flag.RX_STOP);
      await rxDone;
      await reading;
      await readingBanners;
      const total = p.schedule.total;
      return {
        sent: tx.sent,
        received: counters[Counter.RECEIVED],
        valid: counters[Counter.VALID],
        badCookie: counters[Counter.BAD_COOKIE],
        duplicates: counters[Counter.DUPLICATES],
        found: counters[Counter.FOUND],
        elapsed: (performance.now() - started) / 1000,
        interrupted: tx.next < total,
        resumeIndex: tx.next,
        totalProbes: total,
        resultsDropped: counters[Counter.RESULTS_DROPPED],
        neighborReplies: counters[Counter.NEIGHBOR_REPLIES],
        receiveDropped: counters[Counter.RX_DRIVER_DROPPED],
        resets: counters[Counter.RESETS],
        connections: counters[Counter.CONNECTIONS],
        banners: counters[Counter.BANNERS],
        bannersDropped: counters[Counter.BANNERS_DROPPED],
        sourcePort: p.link.sourcePortFirst,
        transmit: {
          packets: tx.sent,
          seconds: tx.seconds,
          pps: tx.seconds > 0 ? tx.sent / tx.seconds : 0,
          stages: tx.stages,
          cpuMHz: options.stats ? cpuMHz() : null,
        },
      };
    } finally {
      if (timer !== undefined) clearInterval(timer);
      // Stop both loops before terminating, in case of an error.
      Atomics.store(flags, Flag.TX_STOP, 1);
      Atomics.notify(flags, Flag.TX_STOP);
      Atomics.store(flags, Flag.RX_STOP, 1);
      Atomics.notify(flags, Flag.RX_STOP);
      txWorker?.terminate();
      rxWorker?.terminate();
    }
  };

  const done = run();
  return {
    done,
    interrupt,
    get resumeIndex() {
      return counters[Counter.NEXT];
    },
    status,
  };
}

/**
 * Runs a scan to its end: {@link startScan} as a promise. Aborting
 * `hooks.signal` interrupts it (stop sending, wait, finish); the summary's
 * `resumeIndex` then says where to resume.
 *
 * @example
 * ```ts ignore
 * import { runScan } from "./engine.ts";
 * const summary = await runScan(options, (r) => results.push(r));
 * console.log(summary.found, summary.resumeIndex === summary.totalProbes);
 * ```
 */
export function runScan(
  options: EngineOptions,
  onResult: (result: ScanResult) => void,
  hooks: ScanHooks = {},
): Promise<EngineSummary> {
  const handle = startScan(options, onResult);
  const signal = hooks.signal;
  if (signal) {
    if (signal.aborted) handle.interrupt();
    else {signal.addEventListener("abort", () => handle.interrupt(), {
        once: true,
      });}
  }
  return handle.done;
}
