/**
 * The planner: a scan's options checked once and turned into the jobs of
 * the transmit and receive Workers — addresses and MACs, the source-port
 * range, the rate, the probe schedule, the BPF filter. Pure and unit-tested
 * (tests/scan_engine_plan_test.ts).
 *
 * @module
 */

import { PORT_PROTOCOL_BASE, ScanOrder } from "../../../blackrock/mod.ts";
import { formatIpv4, formatIpv6 } from "../../../packet/mod.ts";
import { HelloTable } from "../banners/hellos.ts";
import {
  DEFAULT_RETRY_WINDOW,
  ProbeSchedule,
} from "../transmit/probe_schedule.ts";
import { ownedBelow, startsFrom } from "../transmit/stripes.ts";
import {
  type BannerJob,
  ICMP_ECHO_PORT,
  type LinkConfig,
  MAX_TX_WORKERS,
  rebuildTargets,
  type ReceiveJob,
  targetSpec,
  type TransmitJob,
} from "./shared.ts";
import {
  type BannerOptions,
  type EngineOptions,
  randomSourcePort,
  ScanEngineError,
} from "./types.ts";

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
  ipv4: number | undefined,
  ipv6: Uint8Array | undefined,
  answerNeighbors: boolean,
): string {
  const parts: string[] = [];
  if (ipv4 !== undefined) {
    parts.push(`(dst host ${formatIpv4(ipv4)} and (tcp or udp or icmp))`);
    if (answerNeighbors) parts.push("arp");
  }
  if (ipv6 !== undefined) {
    parts.push(`(ip6 dst host ${formatIpv6(ipv6)} and (tcp or udp or icmp6))`);
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

/** What one scan runs: the Workers' jobs and the main thread's figures. */
export interface Plan {
  link: LinkConfig;
  schedule: ProbeSchedule;
  startIndex: number;
  rate: number;
  wait: number;
  offline: boolean;
  /** One job per transmit Worker (`--tx-workers`), Worker `w` at index `w`. */
  tx: TransmitJob[];
  rx: ReceiveJob | null;
}

/**
 * Checks `options` and turns them into the Workers' jobs. Pure: nothing is
 * opened or started, so every bad option fails here, before any Worker.
 * Throws {@linkcode ScanEngineError}.
 *
 * @example
 * ```ts
 * import { TargetSet } from "../../../blackrock/mod.ts";
 * import { createControl } from "./shared.ts";
 * import { plan } from "./plan.ts";
 * const p = plan({
 *   targets: new TargetSet({ include: ["198.18.0.2"], ports: "80" }),
 *   rate: 1000, offline: true, sourcePort: 40000,
 *   adapter: { driverName: "null", ifname: "null", ipv4: 0xc6120001, mac: new Uint8Array(6) },
 * }, createControl().buffer, new SharedArrayBuffer(64), null);
 * p.schedule.total; // 1
 * ```
 */
export function plan(
  options: EngineOptions,
  control: SharedArrayBuffer,
  results: SharedArrayBuffer,
  bannerRing: SharedArrayBuffer | null,
): Plan {
  const a = options.adapter;
  const offline = options.offline ?? false;
  const macs = checkAddresses(options.targets, a, offline);
  const sp = options.sourcePort ?? randomSourcePort();
  const ports = typeof sp === "number" ? { first: sp, count: 1 } : sp;
  checkSourcePorts(ports.first, ports.count);
  const rate = effectiveRate(options, offline);
  const ttl = options.ttl ?? 64;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) {
    throw new ScanEngineError(`ttl must be in 1..255, got ${ttl}`);
  }
  const seed = BigInt(options.seed ?? 0);
  const shard = options.shard ?? { one: 1, of: 1 };
  const spec = targetSpec(options.targets, options.ping ?? false);
  const schedule = probeSchedule(options, spec, seed, shard);
  const spoofed = options.spoofedSource ??
    ((a.foreignIpv4 ?? false) || (a.foreignIpv6 ?? false));
  const link: LinkConfig = {
    ...drivers(a, offline),
    ...macs,
    sourceIpv4: a.ipv4 === undefined ? -1 : a.ipv4 >>> 0,
    sourceIpv6: a.ipv6 ?? null,
    sourcePortFirst: ports.first,
    sourcePortCount: ports.count,
  };
  const key = options.key ?? crypto.getRandomValues(new Uint8Array(16));
  const workers = txWorkers(options, link);
  const starts = workerStarts(options, workers, schedule);
  const shares = rateShares(starts, schedule.schedule.total);
  const tx: TransmitJob[] = starts.map((startIndex, worker) => ({
    control,
    link,
    targets: spec,
    seed,
    shard,
    retries: schedule.retries,
    retryWindow: schedule.window,
    startIndex,
    worker,
    workers,
    // Each Worker its own token bucket: together they send at `rate`.
    rate: rate * shares[worker],
    burst: options.burst === undefined
      ? undefined
      : Math.max(1, Math.ceil(options.burst / workers)),
    ttl,
    key,
    stats: options.stats ?? false,
  }));
  const rx: ReceiveJob | null = link.rxDriver === "null" && !options.pcapPath
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
    schedule: schedule.schedule,
    startIndex: Math.min(...starts),
    rate,
    wait: offline ? 0 : options.wait ?? 10,
    offline,
    tx,
    rx,
  };
}

/**
 * `txWorkers`, checked: 1..{@linkcode MAX_TX_WORKERS}, and 1 for `xdp:` and
 * `file:`.
 * Throws {@linkcode ScanEngineError}.
 */
function txWorkers(options: EngineOptions, link: LinkConfig): number {
  const n = options.txWorkers ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TX_WORKERS) {
    throw new ScanEngineError(
      `--tx-workers must be 1..${MAX_TX_WORKERS} (or auto), got ${n}`,
    );
  }
  if (n > 1 && /^xdp(\+zc)?:/.test(link.txDriver)) {
    // The kernel binds one UMEM per queue: all sockets on it share one fill
    // and one completion ring, whose consumer would then be N threads.
    throw new ScanEngineError(
      `--tx-workers ${n} with ${link.txDriver}: xdp: sends from one transmit Worker (AF_XDP sockets on one queue share a single UMEM and completion ring, which the receive Worker lends to that one Worker); use --tx-workers 1, or ring: for several Workers`,
    );
  }
  if (n > 1 && link.txDriver.startsWith("file:")) {
    throw new ScanEngineError(
      `--tx-workers ${n} with ${link.txDriver}: a savefile has one writer; use --tx-workers 1`,
    );
  }
  return n;
}

/**
 * Each Worker's share of the rate: its probes left over all probes left,
 * so all finish together — 1/N for a large scan, but a scan of fewer than N
 * stripes (or a resume with uneven progress) still runs at the full rate.
 * A Worker with nothing left gets 1/N (it sends nothing).
 *
 * @example
 * ```ts
 * import { rateShares } from "./plan.ts";
 * rateShares([0, 0], 768); // [2/3, 1/3]: stripes 0 and 2 vs stripe 1
 * ```
 */
export function rateShares(starts: readonly number[], total: number): number[] {
  const n = starts.length;
  const left = starts.map((start, w) =>
    ownedBelow(total, w, n) - ownedBelow(start, w, n)
  );
  const all = left.reduce((a, b) => a + b, 0);
  return left.map((l) => l === 0 || all === 0 ? 1 / n : l / all);
}

/**
 * Where each transmit Worker starts: a paused.conf's per-Worker progress
 * (`workerProgress`, for the same number of Workers), or every Worker from
 * `startIndex` (all probes below it sent; see transmit/stripes.ts).
 */
function workerStarts(
  options: EngineOptions,
  workers: number,
  schedule: { schedule: ProbeSchedule; startIndex: number },
): number[] {
  const total = schedule.schedule.total;
  const progress = options.workerProgress;
  if (progress === undefined) {
    return startsFrom(schedule.startIndex, workers, total);
  }
  if (progress.length !== workers) {
    throw new ScanEngineError(
      `tx-worker-progress has ${progress.length} entries for --tx-workers ${workers}: resume with --tx-workers ${progress.length}`,
    );
  }
  for (const p of progress) {
    if (!Number.isSafeInteger(p) || p < 0 || p > total) {
      throw new ScanEngineError(
        `tx-worker-progress ${p} is outside this scan's 0..${total} probes (same targets, ports, shard and retries as the paused scan?)`,
      );
    }
  }
  return [...progress];
}

/**
 * The one check of a source-port range (`--source-port`, the engine's
 * `sourcePort`): `count` ports from `first`, all within 1..65535. Throws
 * {@linkcode ScanEngineError}.
 *
 * @example
 * ```ts
 * import { checkSourcePorts } from "./plan.ts";
 * checkSourcePorts(40000, 256); // fine
 * ```
 */
export function checkSourcePorts(first: number, count: number): void {
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
}

/** Targets the engine can probe from the adapter's addresses; the MACs to use. */
function checkAddresses(
  t: EngineOptions["targets"],
  a: EngineOptions["adapter"],
  offline: boolean,
): Pick<LinkConfig, "sourceMac" | "routerMac4" | "routerMac6"> {
  const sctp = t.ports.list.ranges().some(([b, e]) =>
    e >= PORT_PROTOCOL_BASE.sctp && b < ICMP_ECHO_PORT
  );
  if (sctp) {
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
  const zeroMac = new Uint8Array(6);
  return {
    sourceMac: checkMac("mac", a.mac),
    routerMac4: t.ipv4Count > 0 && !offline
      ? checkMac("routerMac4", a.routerMac4)
      : a.routerMac4 ?? zeroMac,
    routerMac6: t.ipv6Count > 0 && !offline
      ? checkMac("routerMac6", a.routerMac6)
      : a.routerMac6 ?? zeroMac,
  };
}

/** `rate` capped by `maxRate`; `--offline --stats` runs unpaced. */
function effectiveRate(options: EngineOptions, offline: boolean): number {
  let rate = Math.min(options.rate, options.maxRate ?? Infinity);
  if (offline && options.stats) rate = Infinity;
  if (!(rate > 0)) {
    throw new ScanEngineError(`rate must be > 0 packets/s, got ${rate}`);
  }
  return rate;
}

/** The probe schedule and the checked start index (`--resume`). */
function probeSchedule(
  options: EngineOptions,
  spec: ReturnType<typeof targetSpec>,
  seed: bigint,
  shard: NonNullable<EngineOptions["shard"]>,
): {
  schedule: ProbeSchedule;
  retries: number;
  window: number;
  startIndex: number;
} {
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
    // ProbeSchedule rejects bad retry counts and windows with RangeError.
    if (!(e instanceof RangeError)) throw e;
    throw new ScanEngineError(e.message, { cause: e });
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
  const expected = options.expectedTotal;
  if (expected !== undefined && expected !== schedule.total) {
    throw new ScanEngineError(
      `the paused scan had ${expected} probes (resume-total) and this one has ${schedule.total}: other targets, ports, shard, retries or UDP payloads, or a zon that indexes them differently; resuming at ${startIndex} would skip or repeat probes, so run the scan again instead`,
    );
  }
  return {
    schedule,
    retries: schedule.retries,
    window: schedule.window,
    startIndex,
  };
}

/** The transmit and receive drivers: `null` offline; no receive for `file:`. */
function drivers(
  a: EngineOptions["adapter"],
  offline: boolean,
): Pick<LinkConfig, "txDriver" | "rxDriver"> {
  if (offline) return { txDriver: "null", rxDriver: "null" };
  const nothingToReceive = a.driverName === "null" ||
    a.driverName.startsWith("file:");
  return {
    txDriver: a.driverName,
    rxDriver: a.receiveDriver ?? (nothingToReceive ? "null" : a.driverName),
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
    // HelloTable rejects bad --http-header / --hello-file values so.
    if (!(e instanceof RangeError || e instanceof SyntaxError)) throw e;
    throw new ScanEngineError(e.message, { cause: e });
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
