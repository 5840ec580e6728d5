/**
 * The transmit Worker: targets → blackrock → cookie → template written
 * straight into the driver's transmit slot → flush, paced by a token
 * bucket. Started by engine.ts with a {@link TransmitJob}; reports progress
 * through the shared control block and ends with a {@link TransmitDone}.
 *
 * The loop works in batches of up to 256 probes, one stage at a time over
 * the batch (shuffle all, pick all, cookie all, write all, flush), which is
 * also how `--stats` measures each stage: two clock reads per stage per
 * batch, nothing per packet. Nothing is allocated per packet.
 *
 * @module
 */

import {
  PORT_PROTOCOL_BASE,
  ScanOrder,
  Target,
  type TargetSet,
} from "../../../blackrock/mod.ts";

const UDP_BASE = PORT_PROTOCOL_BASE.udp;
const SCTP_BASE = PORT_PROTOCOL_BASE.sctp;
import {
  type FrameWriter,
  openDriver,
  type PacketDriver,
} from "../../../drivers/mod.ts";
import {
  IcmpEchoTemplate,
  IcmpEchoTemplate6,
  TcpSynTemplate,
  TcpSynTemplate6,
  UdpTemplate,
  UdpTemplate6,
} from "../../../packet/mod.ts";
import { SipKey, synCookie4, synCookie6 } from "../../../siphash/mod.ts";
import {
  attachControl,
  Flag,
  nextSlot,
  rebuildTargets,
  sentSlot,
  type StageBudget,
  type TransmitDone,
  type TransmitJob,
  UDP_EXTRA_PAYLOAD_BASE,
} from "../engine/shared.ts";
import { serveWorker } from "../engine/workers.ts";
import { ProbeSchedule } from "./probe_schedule.ts";
import { firstOwned, nextAfter, STRIPE } from "./stripes.ts";
import { TokenBucket } from "./token_bucket.ts";
import { udpPayloadPorts, udpPayloads } from "./udp_payloads.ts";

// A batch is one stripe (stripes.ts): it never straddles two Workers' stripes.
const BATCH = STRIPE;
const SLOT_MEMO = 1 << 16;

// Probe kinds: which template writes the frame.
const TCP4 = 0, UDP4 = 1, ICMP4 = 2, TCP6 = 3, UDP6 = 4, ICMP6 = 5;

/** Most payloads any UDP port has: one UDP template per payload index. */
const UDP_PAYLOAD_SLOTS = Math.max(
  1,
  ...udpPayloadPorts().map((n) => udpPayloads(n).length),
);
const EMPTY = new Uint8Array(0);

/**
 * The probe templates of a scan, built once from its link: TCP, ICMP, and
 * one UDP template per payload index (`udp4[k]` writes each port's
 * payload `k`, see `UDP_EXTRA_PAYLOAD_BASE`).
 */
function probeTemplates(job: TransmitJob) {
  const link = job.link;
  const first = link.sourcePortFirst;
  const sourcePort = link.sourcePortCount === 1
    ? first
    : { first, count: link.sourcePortCount };
  const common4 = {
    sourceMac: link.sourceMac,
    routerMac: link.routerMac4,
    sourceIp: link.sourceIpv4 >>> 0,
    sourcePort,
    ttl: job.ttl,
  };
  const common6 = {
    sourceMac: link.sourceMac,
    routerMac: link.routerMac6,
    sourceIp: link.sourceIpv6 ?? new Uint8Array(16),
    sourcePort,
    ttl: job.ttl,
  };
  const payloads = Array.from(
    { length: UDP_PAYLOAD_SLOTS },
    (_, k) => (port: number) => udpPayloads(port)[k] ?? EMPTY,
  );
  return {
    tcp4: new TcpSynTemplate(common4),
    udp4: payloads.map((payload) => new UdpTemplate({ ...common4, payload })),
    icmp4: new IcmpEchoTemplate(common4),
    tcp6: new TcpSynTemplate6(common6),
    udp6: payloads.map((payload) => new UdpTemplate6({ ...common6, payload })),
    icmp6: new IcmpEchoTemplate6(common6),
  };
}

/**
 * One batch of probes, stage by stage (shuffle → pick → cookie → send),
 * in typed arrays allocated once: the transmit loop's working set. Each
 * stage is a method so `--stats` can time it; nothing is allocated per
 * probe.
 */
class ProbeBatch {
  readonly indices = new Float64Array(BATCH);
  readonly kinds = new Uint8Array(BATCH);
  readonly ipv4s = new Int32Array(BATCH);
  readonly ipv6s: Uint8Array[] = [];
  readonly ports = new Int32Array(BATCH);
  /** UDP probes: which of the port's payloads (0 = the first). */
  readonly payloadIndices = new Uint8Array(BATCH);
  readonly cookies = new Int32Array(BATCH);
  readonly #target = new Target();
  readonly #templates: ReturnType<typeof probeTemplates>;
  readonly #key: SipKey;
  readonly #ourIpv4: number;
  readonly #ourIpv6: Uint8Array;
  readonly #firstPort: number;
  // Transmit slots that already hold a TCP/IPv4 SYN from `tcp4`: there
  // `patch` rewrites only the per-probe fields and skips copying the frame
  // (the largest cost of a write). Keyed by slot offset, verified on lookup.
  readonly #memoOffset = new Int32Array(SLOT_MEMO).fill(-1);
  #memoBuffer: Uint8Array | null = null;
  // The writer reads the probe to write from `#slot` (no closure per frame).
  #slot = 0;

  constructor(job: TransmitJob) {
    const ip6Bytes = new Uint8Array(16 * BATCH);
    for (let k = 0; k < BATCH; k++) {
      this.ipv6s.push(ip6Bytes.subarray(16 * k, 16 * k + 16));
    }
    this.#templates = probeTemplates(job);
    this.#key = new SipKey(job.key);
    this.#ourIpv4 = job.link.sourceIpv4 | 0;
    this.#ourIpv6 = job.link.sourceIpv6 ?? new Uint8Array(16);
    this.#firstPort = job.link.sourcePortFirst;
  }

  /** Index → address and port, and which template writes each probe. */
  pick(targets: TargetSet, count: number): void {
    const { indices, ports, ipv4s, ipv6s, kinds, payloadIndices } = this;
    const target = this.#target;
    for (let k = 0; k < count; k++) {
      targets.pick(indices[k], target);
      let port = target.port, payload = 0;
      if (port >= UDP_EXTRA_PAYLOAD_BASE) {
        // An extra payload's column: UDP port n, payload 1 + column / 65536.
        const column = port - UDP_EXTRA_PAYLOAD_BASE;
        port = UDP_BASE + (column & 0xffff);
        payload = 1 + (column >>> 16);
      }
      ports[k] = port;
      payloadIndices[k] = payload;
      const proto = port < UDP_BASE ? 0 : port < SCTP_BASE ? 1 : 2;
      if (target.version === 4) {
        ipv4s[k] = target.ipv4 | 0;
        kinds[k] = proto === 0 ? TCP4 : proto === 1 ? UDP4 : ICMP4;
      } else {
        ipv6s[k].set(target.ipv6);
        kinds[k] = proto === 0 ? TCP6 : proto === 1 ? UDP6 : ICMP6;
      }
    }
  }

  /** The SYN cookie of each probe (the TCP sequence number, UDP's source port pick). */
  cookie(count: number): void {
    const { kinds, ipv4s, ipv6s, ports, cookies } = this;
    const key = this.#key, first = this.#firstPort;
    const me4 = this.#ourIpv4, me6 = this.#ourIpv6;
    for (let k = 0; k < count; k++) {
      cookies[k] = kinds[k] < TCP6
        ? synCookie4(ipv4s[k], ports[k], me4, first, key)
        : synCookie6(ipv6s[k], 0, ports[k], me6, 0, first, key);
    }
  }

  /** Writes each probe into a driver slot; waits while the ring is full. */
  send(
    driver: PacketDriver,
    count: number,
    waitForSpace: (ms: number) => boolean,
  ): void {
    for (let k = 0; k < count; k++) {
      this.#slot = k;
      if (!driver.sendWith(this.#writer)) {
        do {
          driver.flush();
          waitForSpace(10);
        } while (!driver.sendWith(this.#writer));
      }
    }
  }

  readonly #writer: FrameWriter = (buf, at) => {
    const k = this.#slot;
    const t = this.#templates;
    const memo = (at >>> 4) & (SLOT_MEMO - 1);
    if (buf !== this.#memoBuffer) {
      this.#memoOffset.fill(-1);
      this.#memoBuffer = buf;
    }
    const { kinds, ipv4s, ipv6s, ports, cookies } = this;
    if (kinds[k] === TCP4) {
      if (this.#memoOffset[memo] === at) {
        return t.tcp4.patch(buf, at, ipv4s[k], ports[k], cookies[k]);
      }
      this.#memoOffset[memo] = at;
      return t.tcp4.write(buf, at, ipv4s[k], ports[k], cookies[k]);
    }
    this.#memoOffset[memo] = -1;
    switch (kinds[k]) {
      case UDP4:
        return t.udp4[this.payloadIndices[k]].write(
          buf,
          at,
          ipv4s[k],
          ports[k] & 0xffff,
          cookies[k],
        );
      case ICMP4:
        return t.icmp4.write(buf, at, ipv4s[k], 0, cookies[k]);
      case TCP6:
        return t.tcp6.write(buf, at, ipv6s[k], ports[k], cookies[k]);
      case UDP6:
        return t.udp6[this.payloadIndices[k]].write(
          buf,
          at,
          ipv6s[k],
          ports[k] & 0xffff,
          cookies[k],
        );
      default:
        return t.icmp6.write(buf, at, ipv6s[k], 0, cookies[k]);
    }
  };
}

/** Milliseconds spent in each stage (`--stats`). */
interface StageTimes {
  shuffle: number;
  pick: number;
  cookie: number;
  write: number;
  driver: number;
}

/** The stage times as ns per packet; `other` is the rest of the run. */
function stageBudget(
  ms: StageTimes,
  sent: number,
  seconds: number,
): StageBudget | null {
  if (sent === 0) return null;
  const ns = (t: number) => (t * 1e6) / sent;
  const stages: StageBudget = {
    shuffle: ns(ms.shuffle),
    pick: ns(ms.pick),
    cookie: ns(ms.cookie),
    write: ns(ms.write),
    driver: ns(ms.driver),
    other: 0,
  };
  stages.other = Math.max(
    0,
    ns(seconds * 1000) - stages.shuffle - stages.pick - stages.cookie -
      stages.write - stages.driver,
  );
  return stages;
}

/**
 * Waits until every transmit Worker has its driver open (or TX_STOP), so
 * that all start sending at once: Workers start up one after another
 * (~0.1 s each), and a staggered start would make the scan as a whole
 * slower than `--rate` by the skew.
 */
function startTogether(flags: Int32Array, workers: number): void {
  if (Atomics.add(flags, Flag.TX_READY, 1) + 1 >= workers) {
    Atomics.store(flags, Flag.TX_GO, 1);
    Atomics.notify(flags, Flag.TX_GO);
    return;
  }
  while (
    Atomics.load(flags, Flag.TX_GO) === 0 &&
    Atomics.load(flags, Flag.TX_STOP) === 0
  ) Atomics.wait(flags, Flag.TX_GO, 0, 50);
}

/**
 * Runs one transmit job to its end (or to TX_STOP): the probes of stripes
 * `job.worker` (mod `job.workers`) from `job.startIndex` on, at `job.rate`.
 */
export async function transmit(job: TransmitJob): Promise<TransmitDone> {
  const { flags, counters } = attachControl(job.control);
  const targets = rebuildTargets(job.targets);
  const order = new ScanOrder(targets, { seed: job.seed, shard: job.shard });
  const schedule = new ProbeSchedule(
    order.length,
    job.retries,
    job.retryWindow,
  );
  const batch = new ProbeBatch(job);
  const driver = await openDriver(job.link.txDriver, {
    mode: "send",
    xdpShare: job.xdpShare,
  });
  const waitForSpace = "waitForSpace" in driver &&
      typeof driver.waitForSpace === "function"
    ? (ms: number) => (driver.waitForSpace as (ms: number) => boolean)(ms)
    : (ms: number) => Atomics.wait(flags, Flag.TX_STOP, 0, ms) && false;
  startTogether(flags, job.workers);
  const bucket = new TokenBucket(job.rate, { capacity: job.burst });
  // Wait for enough tokens to make a batch worth a wake-up: ~0.5 ms of traffic.
  const minGrant = Math.max(1, Math.min(BATCH, Math.floor(job.rate * 0.0005)));
  const timing = job.stats;
  const ms: StageTimes = {
    shuffle: 0,
    pick: 0,
    cookie: 0,
    write: 0,
    driver: 0,
  };

  const { worker, workers } = job;
  const total = schedule.total;
  const SENT = sentSlot(worker), NEXT = nextSlot(worker);
  let p = Math.min(total, firstOwned(job.startIndex, worker, workers));
  let sent = 0;
  counters[NEXT] = p;
  const started = performance.now();
  let seconds = 0;
  try {
    while (p < total && Atomics.load(flags, Flag.TX_STOP) === 0) {
      schedule.locate(p);
      const stripeLeft = STRIPE - (p % STRIPE);
      const want = schedule.run < stripeLeft ? schedule.run : stripeLeft;
      const count = bucket.take(want);
      if (count === 0) {
        const wait = bucket.delayFor(minGrant);
        if (wait > 0) Atomics.wait(flags, Flag.TX_STOP, 0, wait);
        continue;
      }
      let t0 = timing ? performance.now() : 0, t1 = 0;
      order.blackrock.shuffleBatch(
        order.index(schedule.n),
        order.shard.of,
        count,
        batch.indices,
      );
      if (timing) t1 = performance.now(), ms.shuffle += t1 - t0, t0 = t1;
      batch.pick(targets, count);
      if (timing) t1 = performance.now(), ms.pick += t1 - t0, t0 = t1;
      batch.cookie(count);
      if (timing) t1 = performance.now(), ms.cookie += t1 - t0, t0 = t1;
      batch.send(driver, count, waitForSpace);
      if (timing) t1 = performance.now(), ms.write += t1 - t0, t0 = t1;
      driver.flush();
      if (timing) ms.driver += performance.now() - t0;
      p = nextAfter(p + count, workers);
      if (p > total) p = total;
      sent += count;
      counters[SENT] = sent;
      counters[NEXT] = p;
    }
    driver.flush();
  } finally {
    seconds = (performance.now() - started) / 1000;
    driver.close();
  }
  const stages = timing ? stageBudget(ms, sent, seconds) : null;
  return { type: "done", worker, sent, next: p, seconds, stages };
}

// Worker entry: one job per Worker.
serveWorker<TransmitJob, TransmitDone>((job) => transmit(job));
