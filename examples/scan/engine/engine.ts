/**
 * The scan engine: runs one scan with N transmit Workers (`txWorkers`,
 * each sending its stripes of the probe range: transmit/stripes.ts) and a
 * receive Worker, and hands each result to the caller as it arrives.
 *
 * ```
 * transmit Worker: blackrock → pick → cookie → template → driver slot → flush (token bucket)
 * receive Worker:  driver → parseFrame → cookie check → dedup → 48-byte records ─┐
 *                  valid SYN-ACK → RST, or (--banners) TCP stack → banner ring ──┤
 * main thread:     SpscRing → decodeResult → onResult; banner ring → onBanner ←─┘
 * ```
 *
 * Files: `types.ts` (the public records), `plan.ts` (options → the Workers'
 * jobs, pure), `shared.ts` (the control block and the jobs' shapes),
 * `workers.ts` (Worker start-up for both Workers), `result.ts` (the result
 * record), and this file: the lifecycle. {@link startScan} returns a
 * {@link ScanHandle} (interrupt it, read the resume index, await `done`);
 * {@link runScan} is the same as a promise, interrupted through an
 * `AbortSignal`.
 *
 * @module
 */

import { SpscRing } from "../../../ring/mod.ts";
import { createBannerRing, receiveBanners } from "../banners/channel.ts";
import { type Plan, plan } from "./plan.ts";
import {
  decodeResult,
  newResult,
  RESULT_RECORD_SIZE,
  type ScanResult,
} from "./result.ts";
import {
  Counter,
  createControl,
  Flag,
  nextSlot,
  sentSlot,
  type StageBudget,
  type TransmitDone,
} from "./shared.ts";
import { probesDone } from "../transmit/stripes.ts";
import type { XdpShareHandle } from "../../../drivers/mod.ts";
import type {
  EngineOptions,
  EngineSummary,
  ScanHandle,
  ScanHooks,
  ScanStatus,
  WorkerTransmitStats,
} from "./types.ts";
import { expect, spawn } from "./workers.ts";

export { ICMP_ECHO_PORT } from "./shared.ts";
export type { StageBudget } from "./shared.ts";
export { plan, receiveFilter } from "./plan.ts";
export * from "./types.ts";

const RESULT_RING_SLOTS = 4096;

/** The CPU clock from /proc/cpuinfo, MHz (to turn ns into cycles), or null. */
function cpuMHz(): number | null {
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(
      Deno.readTextFileSync("/proc/cpuinfo"),
    );
    return m ? Number(m[1]) : null;
  } catch (e) {
    // No /proc (not Linux, or a sandbox): cycles are then not reported.
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.PermissionDenied
    ) return null;
    throw e;
  }
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
  const scan = new ScanRun(options, onResult);
  const done = scan.run();
  return {
    done,
    interrupt: () => scan.interrupt(),
    get resumeIndex() {
      return Math.min(...scan.progress());
    },
    status: () => scan.status(),
  };
}

/** One scan's lifecycle: the plan, the Workers, the result readers. */
class ScanRun {
  readonly flags: Int32Array;
  readonly counters: Float64Array;
  readonly #options: EngineOptions;
  readonly #onResult: (result: ScanResult) => void;
  readonly #plan: Plan;
  readonly #results: SpscRing;
  readonly #bannerRing: SharedArrayBuffer | null;
  readonly #started = performance.now();
  #phase: "sending" | "waiting" = "sending";
  #interrupts = 0;
  #wakeWait: (() => void) | null = null;
  #lastSent: number[];
  #lastTime = this.#started;
  #lastRates: number[];
  #rxWorker: Worker | null = null;
  #txWorkers: Worker[] = [];

  /** Plans the scan (throws {@linkcode ScanEngineError} for bad options). */
  constructor(options: EngineOptions, onResult: (result: ScanResult) => void) {
    const control = createControl();
    const ringBuffer = SpscRing.create({
      capacity: RESULT_RING_SLOTS,
      slotSize: RESULT_RECORD_SIZE,
    });
    this.#bannerRing = options.banners ? createBannerRing() : null;
    this.#plan = plan(
      options,
      control.buffer,
      ringBuffer.buffer as SharedArrayBuffer,
      this.#bannerRing,
    );
    this.#results = new SpscRing(ringBuffer.buffer);
    this.#options = options;
    this.#onResult = onResult;
    this.flags = control.flags;
    this.counters = control.counters;
    for (const job of this.#plan.tx) {
      this.counters[nextSlot(job.worker)] = job.startIndex;
    }
    this.#lastSent = this.#plan.tx.map(() => 0);
    this.#lastRates = this.#plan.tx.map(() => 0);
  }

  /** Each transmit Worker's progress (its stripes below it were sent). */
  progress(): number[] {
    return this.#plan.tx.map((job) => this.counters[nextSlot(job.worker)]);
  }

  /** Progress right now (the rate over the last ≥ 250 ms). */
  status(): ScanStatus {
    const counters = this.counters;
    const now = performance.now();
    const sentNow = this.#plan.tx.map((j) => counters[sentSlot(j.worker)]);
    if (now - this.#lastTime >= 250) {
      this.#lastRates = sentNow.map((sent, w) =>
        ((sent - this.#lastSent[w]) * 1000) / (now - this.#lastTime)
      );
      this.#lastSent = sentNow;
      this.#lastTime = now;
    }
    const progress = this.progress();
    const done = probesDone(progress);
    const total = this.#plan.schedule.total;
    const sending = this.#phase === "sending";
    const rate = this.#lastRates.reduce((a, b) => a + b, 0);
    return {
      phase: this.#phase,
      sent: sentNow.reduce((a, b) => a + b, 0),
      received: counters[Counter.RECEIVED],
      found: counters[Counter.FOUND],
      rate,
      percent: total === 0 ? 100 : Math.min(100, (done / total) * 100),
      remaining: (sending && rate > 0 ? (total - done) / rate : 0) +
        (sending ? this.#plan.wait : 0),
      elapsed: (now - this.#started) / 1000,
      resumeIndex: Math.min(...progress),
      done,
      workerRates: this.#lastRates,
    };
  }

  /** First call: stop transmitting; second: stop waiting for replies too. */
  interrupt(): void {
    this.#interrupts++;
    this.#raise(Flag.TX_STOP);
    if (this.#interrupts >= 2 && this.#wakeWait) this.#wakeWait();
  }

  #raise(flag: number): void {
    Atomics.store(this.flags, flag, 1);
    Atomics.notify(this.flags, flag);
  }

  /** Runs the scan to its end; the Workers are terminated whatever happens. */
  async run(): Promise<EngineSummary> {
    const options = this.#options;
    const timer = options.onStatus
      ? setInterval(
        () => options.onStatus!(this.status()),
        options.statusIntervalMs ?? 1000,
      )
      : undefined;
    try {
      const receiving = await this.#startReceiving();
      const txDone = Promise.all(this.#plan.tx.map((job, w) => {
        const worker = spawn(new URL("../transmit/worker.ts", import.meta.url));
        this.#txWorkers.push(worker);
        const role = this.#plan.tx.length > 1 ? `transmit ${w}` : "transmit";
        const done = expect<TransmitDone>(worker, "done", role);
        worker.postMessage({ ...job, xdpShare: receiving.share });
        return done;
      }));
      // A failure of any Worker must not go unnoticed while transmitting:
      // the first one stops the others (finally below) and rejects.
      const tx = await Promise.race([
        txDone,
        receiving.done.then(() => new Promise<never>(() => {})),
      ]);
      this.#phase = "waiting";
      await this.#waitForReplies();
      this.#raise(Flag.RX_STOP);
      await receiving.done;
      await receiving.readers;
      return this.#summary(tx);
    } finally {
      if (timer !== undefined) clearInterval(timer);
      // Stop both loops before terminating, in case of an error.
      this.#raise(Flag.TX_STOP);
      this.#raise(Flag.RX_STOP);
      for (const w of this.#txWorkers) w.terminate();
      this.#rxWorker?.terminate();
    }
  }

  /**
   * Starts the receive Worker (when the scan receives) and waits until its
   * driver is open, so no reply to the first probe is missed; starts the
   * readers of its result and banner rings.
   */
  async #startReceiving(): Promise<{
    done: Promise<unknown>;
    readers: Promise<unknown>;
    share?: XdpShareHandle;
  }> {
    const rx = this.#plan.rx;
    if (rx === null) {
      return { done: Promise.resolve(), readers: Promise.resolve() };
    }
    const worker = spawn(new URL("../receive/worker.ts", import.meta.url));
    this.#rxWorker = worker;
    const ready = expect<{ share?: XdpShareHandle }>(
      worker,
      "ready",
      "receive",
    );
    const done = expect(worker, "done", "receive");
    done.catch(() => {}); // observed by run()
    worker.postMessage(rx);
    // xdp: the transmit Worker sends through the receive Worker's UMEM.
    const { share } = await ready;
    const banners = this.#bannerRing === null
      ? Promise.resolve()
      : receiveBanners(this.#bannerRing, this.#options.onBanner ?? (() => {}));
    return {
      done,
      readers: Promise.all([this.#readResults(), banners]),
      share,
    };
  }

  /** Hands each result record to `onResult` until the ring is closed and drained. */
  async #readResults(): Promise<void> {
    const ring = this.#results;
    const bytes = ring.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (!ring.drained) {
      const n = ring.peek(256);
      if (n === 0) {
        await ring.waitForDataAsync(1, 100);
        continue;
      }
      for (let i = 0; i < n; i++) {
        this.#onResult(decodeResult(view, ring.readOffset(i), newResult()));
      }
      ring.release(n);
    }
  }

  /** `--wait` seconds for late replies; a second interrupt ends it early. */
  async #waitForReplies(): Promise<void> {
    const p = this.#plan;
    if (p.rx === null || p.wait <= 0 || this.#interrupts >= 2) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, p.wait * 1000);
      this.#wakeWait = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  #summary(tx: TransmitDone[]): EngineSummary {
    const c = this.counters;
    const total = this.#plan.schedule.total;
    const sent = tx.reduce((sum, t) => sum + t.sent, 0);
    const seconds = Math.max(...tx.map((t) => t.seconds));
    const progress = tx.map((t) => t.next);
    const resumeIndex = Math.min(...progress);
    return {
      sent,
      received: c[Counter.RECEIVED],
      valid: c[Counter.VALID],
      badCookie: c[Counter.BAD_COOKIE],
      duplicates: c[Counter.DUPLICATES],
      found: c[Counter.FOUND],
      elapsed: (performance.now() - this.#started) / 1000,
      interrupted: resumeIndex < total,
      resumeIndex,
      workerProgress: progress,
      totalProbes: total,
      resultsDropped: c[Counter.RESULTS_DROPPED],
      neighborReplies: c[Counter.NEIGHBOR_REPLIES],
      receiveDropped: c[Counter.RX_DRIVER_DROPPED],
      resets: c[Counter.RESETS],
      connections: c[Counter.CONNECTIONS],
      banners: c[Counter.BANNERS],
      bannersDropped: c[Counter.BANNERS_DROPPED],
      malformed: c[Counter.MALFORMED],
      ignored: c[Counter.IGNORED],
      sourcePort: this.#plan.link.sourcePortFirst,
      transmit: {
        packets: sent,
        seconds,
        pps: seconds > 0 ? sent / seconds : 0,
        stages: perPacket(tx),
        cpuMHz: this.#options.stats ? cpuMHz() : null,
        workers: tx.map((t): WorkerTransmitStats => ({
          packets: t.sent,
          seconds: t.seconds,
          pps: t.seconds > 0 ? t.sent / t.seconds : 0,
          stages: t.stages,
        })),
      },
    };
  }
}

/**
 * The Workers' stage budgets as one: ns per packet, each Worker weighted by
 * its packets (the budget stays per packet, whatever the number of Workers).
 */
function perPacket(tx: TransmitDone[]): StageBudget | null {
  const measured = tx.filter((t) => t.stages !== null && t.sent > 0);
  if (measured.length === 0) return null;
  const packets = measured.reduce((sum, t) => sum + t.sent, 0);
  const mean = (stage: keyof StageBudget): number =>
    measured.reduce((sum, t) => sum + t.stages![stage] * t.sent, 0) / packets;
  return {
    shuffle: mean("shuffle"),
    pick: mean("pick"),
    cookie: mean("cookie"),
    write: mean("write"),
    driver: mean("driver"),
    other: mean("other"),
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
