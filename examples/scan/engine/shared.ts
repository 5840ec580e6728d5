/**
 * What the scan engine's main thread and its Workers (N transmit, one
 * receive) share: the layout of the shared control block (with a SENT and
 * a NEXT slot per transmit Worker), the messages that start the Workers,
 * and the target set in a form that survives `postMessage` (a TargetSet is
 * a class and must be rebuilt on the other side, identically indexed).
 *
 * @module
 */

import {
  NumberRangeList,
  PORT_PROTOCOL_BASE,
  PortList,
  type Shard,
  TargetSet,
} from "../../../blackrock/mod.ts";
import type { AddressRange } from "../../../blackrock/mod.ts";
import type { XdpShareHandle } from "../../../drivers/mod.ts";
import { udpPayloadPorts, udpPayloads } from "../transmit/udp_payloads.ts";

/**
 * The encoded "port" of an ICMP echo probe in a target set: masscan's
 * `Templ_ICMP_echo` (3 × 65536), after TCP, UDP and SCTP.
 */
export const ICMP_ECHO_PORT: number = PORT_PROTOCOL_BASE.sctp + 65536;

/**
 * Encoded "ports" of the second and later UDP payloads of a port (161:
 * SNMPv3 discovery after v2c; 443: DTLS after QUIC): payload `k` (k ≥ 1)
 * of UDP port `n` is `UDP_EXTRA_PAYLOAD_BASE + (k - 1) × 65536 + n`, a
 * column of the target set after ICMP echo.
 *
 * Why a column of the port dimension: the scan index (blackrock, the probe
 * schedule, `--resume`'s paused.conf, the transmit stripes) enumerates
 * (target, port) pairs, so one more "port" per extra payload makes each
 * payload one more probe of that index space — sent once per round like
 * any probe, `--retries` times more, and resumed exactly where it stopped,
 * with no change to the schedule. The alternative (one round per payload)
 * would multiply every other probe too. The columns depend only on the
 * port list, so a resumed run rebuilds the same index space. The transmit
 * Worker maps a column back to UDP port `n` (same cookie, so the same
 * source port, as payload 0) and writes payload `k`.
 */
export const UDP_EXTRA_PAYLOAD_BASE: number = ICMP_ECHO_PORT + 65536;

/** Int32 flag words of the control block (Atomics). */
export const Flag = {
  /** Main → transmit: stop after the current batch. */
  TX_STOP: 0,
  /** Main → receive: drain and stop. */
  RX_STOP: 1,
  /** Transmit Workers whose driver is open (each adds 1). */
  TX_READY: 2,
  /** Set by the last transmit Worker to open its driver: all start together. */
  TX_GO: 3,
} as const;

/** Most transmit Workers a scan runs (`--tx-workers`). */
export const MAX_TX_WORKERS = 8;

/**
 * Float64 counters of the control block (one writer each; main reads).
 * Transmit Worker `w` writes its own two slots, {@link sentSlot}(w) and
 * {@link nextSlot}(w), after these.
 */
export const Counter = {
  /** Unused (was the single transmit Worker's SENT: see {@link sentSlot}). */
  SENT: 0,
  /** Unused (was the single transmit Worker's NEXT: see {@link nextSlot}). */
  NEXT: 1,
  /** Frames received. */
  RECEIVED: 2,
  /** Replies that passed the cookie check. */
  VALID: 3,
  /** Replies dropped: their cookie was wrong. */
  BAD_COOKIE: 4,
  /** Valid replies already reported. */
  DUPLICATES: 5,
  /** Results handed to the main thread. */
  FOUND: 6,
  /** Results lost because the main thread did not keep up (ring full). */
  RESULTS_DROPPED: 7,
  /** ARP replies / neighbor advertisements sent for our address. */
  NEIGHBOR_REPLIES: 8,
  /** Frames the receive driver reports lost. */
  RX_DRIVER_DROPPED: 9,
  /** RSTs sent for valid SYN-ACKs (without --banners). */
  RESETS: 10,
  /** --banners: connections opened by valid SYN-ACKs. */
  CONNECTIONS: 11,
  /** --banners: banners handed to the main thread. */
  BANNERS: 12,
  /** --banners: banners lost because the main thread did not keep up. */
  BANNERS_DROPPED: 13,
  /** Frames dropped unread: too short or inconsistent headers (parseFrame "malformed"). */
  MALFORMED: 14,
  /** Frames dropped as not ours: other protocols, other addresses, not a reply. */
  IGNORED: 15,
} as const;

const FLAG_WORDS = 16;
const SHARED_SLOTS = 16;
const COUNTER_SLOTS = SHARED_SLOTS + 2 * MAX_TX_WORKERS;

/** Counter slot of transmit Worker `w`'s probes handed to its driver. */
export function sentSlot(w: number): number {
  return SHARED_SLOTS + 2 * w;
}

/**
 * Counter slot of transmit Worker `w`'s progress: every probe of its
 * stripe below this index was sent (see `transmit/stripes.ts`).
 */
export function nextSlot(w: number): number {
  return SHARED_SLOTS + 2 * w + 1;
}

/** Typed views of the shared control block. */
export interface ControlBlock {
  buffer: SharedArrayBuffer;
  flags: Int32Array;
  counters: Float64Array;
}

/** Allocates a control block (main thread). */
export function createControl(): ControlBlock {
  return attachControl(
    new SharedArrayBuffer(FLAG_WORDS * 4 + COUNTER_SLOTS * 8),
  );
}

/** Views over a control block's buffer (any thread). */
export function attachControl(buffer: SharedArrayBuffer): ControlBlock {
  return {
    buffer,
    flags: new Int32Array(buffer, 0, FLAG_WORDS),
    counters: new Float64Array(buffer, FLAG_WORDS * 4, COUNTER_SLOTS),
  };
}

/** A TargetSet as plain data (ranges and encoded port ranges). */
export interface TargetSpec {
  include: AddressRange[];
  ports: Array<[number, number]>;
}

/**
 * The plain-data form of `targets`, optionally with the ICMP echo "port"
 * added (for `--ping`), and a column per extra UDP payload (see
 * {@link UDP_EXTRA_PAYLOAD_BASE}). Rebuilt by {@link rebuildTargets} with the same
 * indexing.
 */
export function targetSpec(targets: TargetSet, addPing = false): TargetSpec {
  const include: AddressRange[] = [];
  for (const [begin, end] of targets.ipv4.ranges()) {
    include.push({ version: 4, begin, end });
  }
  for (const [begin, end] of targets.ipv6.ranges()) {
    include.push({ version: 6, begin, end });
  }
  const ports = targets.ports.list.ranges();
  if (
    addPing &&
    !ports.some(([b, e]) => b <= ICMP_ECHO_PORT && ICMP_ECHO_PORT <= e)
  ) {
    ports.push([ICMP_ECHO_PORT, ICMP_ECHO_PORT]);
  }
  return { include, ports: [...ports, ...extraPayloadPorts(ports)] };
}

/**
 * The {@link UDP_EXTRA_PAYLOAD_BASE} columns for the UDP ports of `ports`
 * (encoded port ranges) that have more than one payload.
 */
function extraPayloadPorts(
  ports: Array<[number, number]>,
): Array<[number, number]> {
  const udp = PORT_PROTOCOL_BASE.udp;
  const extra: Array<[number, number]> = [];
  for (const n of udpPayloadPorts()) {
    if (!ports.some(([b, e]) => b <= udp + n && udp + n <= e)) continue;
    for (let k = 1; k < udpPayloads(n).length; k++) {
      const column = UDP_EXTRA_PAYLOAD_BASE + (k - 1) * 65536 + n;
      extra.push([column, column]);
    }
  }
  return extra;
}

/**
 * How many targets the scan index enumerates for `targets`: address ×
 * port pairs plus the `--ping` column and the extra UDP payload columns
 * ({@link UDP_EXTRA_PAYLOAD_BASE}) — what the probe count is made of
 * (× (retries + 1)), for the completion record and the status line.
 */
export function indexedTargetCount(
  targets: TargetSet,
  addPing = false,
): number {
  return rebuildTargets(targetSpec(targets, addPing)).count;
}

/** The TargetSet a {@link TargetSpec} describes. */
export function rebuildTargets(spec: TargetSpec): TargetSet {
  const list = new NumberRangeList();
  for (const [begin, end] of spec.ports) list.add(begin, end);
  return new TargetSet({
    include: spec.include,
    ports: new PortList(list.seal()),
  });
}

/** Source addresses and link details both Workers need. */
export interface LinkConfig {
  /** Transmit driver adapter name (`null` when offline). */
  txDriver: string;
  /** Receive driver adapter name (`null` for nothing). */
  rxDriver: string;
  /** Our MAC. */
  sourceMac: Uint8Array;
  /** Next hop MAC for IPv4 probes. */
  routerMac4: Uint8Array;
  /** Next hop MAC for IPv6 probes. */
  routerMac6: Uint8Array;
  /** Our IPv4 address (unsigned), or -1 when none. */
  sourceIpv4: number;
  /** Our IPv6 address, or null. */
  sourceIpv6: Uint8Array | null;
  /** First source port. */
  sourcePortFirst: number;
  /** Number of source ports (1 for a fixed port). */
  sourcePortCount: number;
}

/** The message that starts the transmit Worker. */
export interface TransmitJob {
  control: SharedArrayBuffer;
  link: LinkConfig;
  targets: TargetSpec;
  seed: bigint;
  shard: Shard;
  retries: number;
  retryWindow: number;
  /** Resume: this Worker's first probe index (its stripe's probes below it were sent). */
  startIndex: number;
  /** This Worker's number, 0..workers-1: which stripe of the probe index range it sends. */
  worker: number;
  /** Transmit Workers in the scan (`--tx-workers`). */
  workers: number;
  /** This Worker's share of `--rate` (rate / workers). */
  rate: number;
  burst?: number;
  ttl: number;
  key: Uint8Array;
  stats: boolean;
  /** `xdp:`: the receive Worker's UMEM, shared (set by the engine after its "ready"). */
  xdpShare?: XdpShareHandle;
}

/** Per-stage transmit cost, ns per packet. */
export interface StageBudget {
  /** Blackrock permutation of the scan index. */
  shuffle: number;
  /** Index → address and port (TargetSet.pick). */
  pick: number;
  /** SYN cookie (SipHash-2-4). */
  cookie: number;
  /** Template write into the driver's slot, incremental checksums included (`sendWith`). */
  write: number;
  /** Driver hand-off (`flush`). */
  driver: number;
  /** Pacing and loop bookkeeping: the rest of the measured time. */
  other: number;
}

/** What the transmit Worker reports at the end. */
export interface TransmitDone {
  type: "done";
  /** The Worker's number. */
  worker: number;
  sent: number;
  next: number;
  seconds: number;
  stages: StageBudget | null;
}

/** The message that starts the receive Worker. */
export interface ReceiveJob {
  control: SharedArrayBuffer;
  results: SharedArrayBuffer;
  link: LinkConfig;
  targets: TargetSpec;
  key: Uint8Array;
  filter: string;
  promiscuous: boolean;
  answerNeighbors: boolean;
  showClosed: boolean;
  pcapPath: string | null;
  dedupCapacity: number;
  /** IP TTL of the frames the receive Worker sends (RSTs, ACKs, hellos). */
  ttl: number;
  /** Grab banners; null: answer each valid SYN-ACK with an RST. */
  banners: BannerJob | null;
}

/** What the receive Worker needs to grab banners (`--banners`). */
export interface BannerJob {
  /** Ring the banners go through (see banners/channel.ts). */
  ring: SharedArrayBuffer;
  /** Most concurrent connections. */
  capacity: number;
  /** `--connection-timeout`, ms. */
  connectionTimeoutMs: number;
  /** `--http-user-agent`. */
  userAgent?: string;
  /** `--http-header`, repeatable. */
  headers: string[];
  /** `--hello-file PORT:FILE`, already read. */
  helloFiles: Array<{ port: number; bytes: Uint8Array }>;
}

/** A Worker's failure, as a message (errors do not cross threads intact). */
export interface WorkerFailure {
  type: "error";
  name: string;
  message: string;
}
