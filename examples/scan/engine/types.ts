/**
 * The scan engine's public records: what a scan is given
 * ({@linkcode EngineOptions}), what it reports while running
 * ({@linkcode ScanStatus}) and at the end ({@linkcode EngineSummary}), and
 * the handle to a running scan.
 *
 * @module
 */

import type { Shard, TargetSet } from "../../../blackrock/mod.ts";
import type { EngineAdapter } from "../adapter/mod.ts";
import type { FoundBanner } from "../banners/channel.ts";
import type { ScanSummary } from "./result.ts";
import type { StageBudget } from "./shared.ts";

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
  /** Probes of the whole scan sent so far (counting a resumed start). */
  done: number;
  /** Each transmit Worker's probes per second over the last interval. */
  workerRates: number[];
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
  /** Transmit Workers, 1..8 (`--tx-workers`); each sends its stripes of the probe range at rate / N (see transmit/stripes.ts). Default 1. */
  txWorkers?: number;
  /**
   * The paused scan's probe count (`resume-total` of paused.conf). When
   * given, a scan whose own count differs is refused: its index space is
   * another one, and resuming at `startIndex` would skip or repeat probes.
   */
  expectedTotal?: number;
  /** Resume with several Workers: each Worker's progress (a previous run's `workerProgress`); overrides `startIndex`. */
  workerProgress?: number[];
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
  /** Each transmit Worker's own figures (stages: ns per packet of its own packets). */
  workers: WorkerTransmitStats[];
}

/** One transmit Worker's share of {@link TransmitStats}. */
export interface WorkerTransmitStats {
  /** Probes this Worker sent. */
  packets: number;
  /** Seconds its loop ran. */
  seconds: number;
  /** packets / seconds. */
  pps: number;
  /** ns per packet by stage, with `stats`. */
  stages: StageBudget | null;
}

/** The summary of a scan: masscan's counters plus resume and transmit figures. */
export interface EngineSummary extends ScanSummary {
  /** The next probe number not sent: `startIndex` for `--resume`; equals `totalProbes` when complete. With several Workers the smallest of `workerProgress`. */
  resumeIndex: number;
  /** Each transmit Worker's progress (its stripes below it were sent): `workerProgress` for `--resume`. */
  workerProgress: number[];
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
  /** Frames dropped as malformed (truncated or inconsistent headers). */
  malformed: number;
  /** Frames dropped as not ours (other protocols or addresses, not a reply). */
  ignored: number;
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
