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
} from "../../../blackrock/mod.ts";

const UDP_BASE = PORT_PROTOCOL_BASE.udp;
const SCTP_BASE = PORT_PROTOCOL_BASE.sctp;
import { type FrameWriter, openDriver } from "../../../drivers/mod.ts";
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
  Counter,
  Flag,
  rebuildTargets,
  type StageBudget,
  type TransmitDone,
  type TransmitJob,
} from "../engine/shared.ts";
import { serveWorker } from "../engine/workers.ts";
import { ProbeSchedule } from "./probe_schedule.ts";
import { TokenBucket } from "./token_bucket.ts";
import { udpPayload } from "./udp_payloads.ts";

const BATCH = 256;

// Probe kinds: which template writes the frame.
const TCP4 = 0, UDP4 = 1, ICMP4 = 2, TCP6 = 3, UDP6 = 4, ICMP6 = 5;

/** Runs one transmit job to its end (or to TX_STOP). */
export async function transmit(job: TransmitJob): Promise<TransmitDone> {
  const control = attachControl(job.control);
  const { flags, counters } = control;
  const link = job.link;
  const targets = rebuildTargets(job.targets);
  const order = new ScanOrder(targets, { seed: job.seed, shard: job.shard });
  const schedule = new ProbeSchedule(
    order.length,
    job.retries,
    job.retryWindow,
  );
  const key = new SipKey(job.key);
  const ourIpv4 = link.sourceIpv4 | 0;
  const me6 = link.sourceIpv6 ?? new Uint8Array(16);
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
    sourceIp: me6,
    sourcePort,
    ttl: job.ttl,
  };
  const payload = (port: number) => udpPayload(port);
  const tcp4 = new TcpSynTemplate(common4);
  const udp4 = new UdpTemplate({ ...common4, payload });
  const icmp4 = new IcmpEchoTemplate(common4);
  const tcp6 = new TcpSynTemplate6(common6);
  const udp6 = new UdpTemplate6({ ...common6, payload });
  const icmp6 = new IcmpEchoTemplate6(common6);

  const driver = await openDriver(link.txDriver, { mode: "send" });
  const waitForSpace = "waitForSpace" in driver &&
      typeof driver.waitForSpace === "function"
    ? (ms: number) => (driver.waitForSpace as (ms: number) => boolean)(ms)
    : (ms: number) => Atomics.wait(flags, Flag.TX_STOP, 0, ms) && false;

  // Batch arrays: one slot per probe of the batch.
  const indices = new Float64Array(BATCH);
  const kinds = new Uint8Array(BATCH);
  const ipv4s = new Int32Array(BATCH);
  const ip6Bytes = new Uint8Array(16 * BATCH);
  const ipv6s: Uint8Array[] = [];
  for (let k = 0; k < BATCH; k++) {
    ipv6s.push(ip6Bytes.subarray(16 * k, 16 * k + 16));
  }
  const ports = new Int32Array(BATCH);
  const cookies = new Int32Array(BATCH);
  const target = new Target();

  // Transmit slots that already hold a TCP/IPv4 SYN from `tcp4`: there
  // `patch` rewrites only the per-probe fields and skips copying the frame
  // (the largest cost of a write). Keyed by slot offset, verified on lookup.
  const SLOT_MEMO = 1 << 16;
  const memoOffset = new Int32Array(SLOT_MEMO).fill(-1);
  let memoBuffer: Uint8Array | null = null;

  // The writer reads the probe to write from `slot` (no closure per frame).
  let slot = 0;
  const writer: FrameWriter = (buf, at) => {
    const k = slot;
    const memo = (at >>> 4) & (SLOT_MEMO - 1);
    if (buf !== memoBuffer) memoOffset.fill(-1), memoBuffer = buf;
    if (kinds[k] === TCP4) {
      if (memoOffset[memo] === at) {
        return tcp4.patch(buf, at, ipv4s[k], ports[k], cookies[k]);
      }
      memoOffset[memo] = at;
      return tcp4.write(buf, at, ipv4s[k], ports[k], cookies[k]);
    }
    memoOffset[memo] = -1;
    switch (kinds[k]) {
      case UDP4:
        return udp4.write(buf, at, ipv4s[k], ports[k] & 0xffff, cookies[k]);
      case ICMP4:
        return icmp4.write(buf, at, ipv4s[k], 0, cookies[k]);
      case TCP6:
        return tcp6.write(buf, at, ipv6s[k], ports[k], cookies[k]);
      case UDP6:
        return udp6.write(buf, at, ipv6s[k], ports[k] & 0xffff, cookies[k]);
      default:
        return icmp6.write(buf, at, ipv6s[k], 0, cookies[k]);
    }
  };

  const rate = job.rate;
  const bucket = new TokenBucket(rate, { capacity: job.burst });
  // Wait for enough tokens to make a batch worth a wake-up: ~0.5 ms of traffic.
  const minGrant = Math.max(1, Math.min(BATCH, Math.floor(rate * 0.0005)));
  const timing = job.stats;
  let tShuffle = 0, tPick = 0, tCookie = 0, tWrite = 0, tDriver = 0;

  let p = Math.min(job.startIndex, schedule.total);
  let sent = 0;
  counters[Counter.NEXT] = p;
  const started = performance.now();
  let seconds = 0;
  try {
    while (p < schedule.total && Atomics.load(flags, Flag.TX_STOP) === 0) {
      schedule.locate(p);
      const count = bucket.take(schedule.run < BATCH ? schedule.run : BATCH);
      if (count === 0) {
        const ms = bucket.delayFor(minGrant);
        if (ms > 0) Atomics.wait(flags, Flag.TX_STOP, 0, ms);
        continue;
      }

      let t0 = timing ? performance.now() : 0, t1 = 0;
      order.blackrock.shuffleBatch(
        order.index(schedule.n),
        order.shard.of,
        count,
        indices,
      );
      if (timing) t1 = performance.now(), tShuffle += t1 - t0, t0 = t1;

      for (let k = 0; k < count; k++) {
        targets.pick(indices[k], target);
        const port = target.port;
        ports[k] = port;
        const proto = port < UDP_BASE ? 0 : port < SCTP_BASE ? 1 : 2;
        if (target.version === 4) {
          ipv4s[k] = target.ipv4 | 0;
          kinds[k] = proto === 0 ? TCP4 : proto === 1 ? UDP4 : ICMP4;
        } else {
          ipv6s[k].set(target.ipv6);
          kinds[k] = proto === 0 ? TCP6 : proto === 1 ? UDP6 : ICMP6;
        }
      }
      if (timing) t1 = performance.now(), tPick += t1 - t0, t0 = t1;

      for (let k = 0; k < count; k++) {
        cookies[k] = kinds[k] < TCP6
          ? synCookie4(ipv4s[k], ports[k], ourIpv4, first, key)
          : synCookie6(ipv6s[k], 0, ports[k], me6, 0, first, key);
      }
      if (timing) t1 = performance.now(), tCookie += t1 - t0, t0 = t1;

      for (let k = 0; k < count; k++) {
        slot = k;
        if (!driver.sendWith(writer)) {
          do {
            driver.flush();
            waitForSpace(10);
          } while (!driver.sendWith(writer));
        }
      }
      if (timing) t1 = performance.now(), tWrite += t1 - t0, t0 = t1;
      driver.flush();
      if (timing) tDriver += performance.now() - t0;

      p += count;
      sent += count;
      counters[Counter.SENT] = sent;
      counters[Counter.NEXT] = p;
    }
    driver.flush();
  } finally {
    seconds = (performance.now() - started) / 1000;
    driver.close();
  }
  let stages: StageBudget | null = null;
  if (timing && sent > 0) {
    const ns = (ms: number) => (ms * 1e6) / sent;
    const total = ns(seconds * 1000);
    stages = {
      shuffle: ns(tShuffle),
      pick: ns(tPick),
      cookie: ns(tCookie),
      write: ns(tWrite),
      driver: ns(tDriver),
      other: 0,
    };
    stages.other = Math.max(
      0,
      total - stages.shuffle - stages.pick - stages.cookie - stages.write -
        stages.driver,
    );
  }
  return { type: "done", sent, next: p, seconds, stages };
}

// Worker entry: one job per Worker.
serveWorker<TransmitJob, TransmitDone>((job) => transmit(job));
