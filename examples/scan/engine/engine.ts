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
import { Counter, createControl, Flag, type TransmitDone } from "./shared.ts";
import type {
  EngineOptions,
  EngineSummary,
  ScanHandle,
  ScanHooks,
  ScanStatus,
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
      return scan.counters[Counter.NEXT];
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
  #lastSent = 0;
  #lastTime = this.#started;
  #lastRate = 0;
  #rxWorker: Worker | null = null;
  #txWorker: Worker | null = null;

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
    this.counters[Counter.NEXT] = this.#plan.startIndex;
  }

  /** Progress right now (the rate over the last ≥ 250 ms). */
  status(): ScanStatus {
    const counters = this.counters;
    const now = performance.now();
    const sent = counters[Counter.SENT];
    if (now - this.#lastTime >= 250) {
      this.#lastRate = ((sent - this.#lastSent) * 1000) /
        (now - this.#lastTime);
      this.#lastSent = sent;
      this.#lastTime = now;
    }
    const next = counters[Counter.NEXT];
    const total = this.#plan.schedule.total;
    const sending = this.#phase === "sending";
    const rate = this.#lastRate;
    return {
      phase: this.#phase,
      sent,
      received: counters[Counter.RECEIVED],
      found: counters[Counter.FOUND],
      rate,
      percent: total === 0 ? 100 : Math.min(100, (next / total) * 100),
      remaining: (sending && rate > 0 ? (total - next) / rate : 0) +
        (sending ? this.#plan.wait : 0),
      elapsed: (now - this.#started) / 1000,
      resumeIndex: next,
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
      this.#txWorker = spawn(new URL("../transmit/worker.ts", import.meta.url));
      const txDone = expect<TransmitDone>(this.#txWorker, "done", "transmit");
      this.#txWorker.postMessage(this.#plan.tx);
      // A receive failure must not go unnoticed while transmitting.
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
      this.#txWorker?.terminate();
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
  }> {
    const rx = this.#plan.rx;
    if (rx === null) {
      return { done: Promise.resolve(), readers: Promise.resolve() };
    }
    const worker = spawn(new URL("../receive/worker.ts", import.meta.url));
    this.#rxWorker = worker;
    const ready = expect(worker, "ready", "receive");
    const done = expect(worker, "done", "receive");
    done.catch(() => {}); // observed by run()
    worker.postMessage(rx);
    await ready;
    const banners = this.#bannerRing === null
      ? Promise.resolve()
      : receiveBanners(this.#bannerRing, this.#options.onBanner ?? (() => {}));
    return { done, readers: Promise.all([this.#readResults(), banners]) };
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

  #summary(tx: TransmitDone): EngineSummary {
    const c = this.counters;
    const total = this.#plan.schedule.total;
    return {
      sent: tx.sent,
      received: c[Counter.RECEIVED],
      valid: c[Counter.VALID],
      badCookie: c[Counter.BAD_COOKIE],
      duplicates: c[Counter.DUPLICATES],
      found: c[Counter.FOUND],
      elapsed: (performance.now() - this.#started) / 1000,
      interrupted: tx.next < total,
      resumeIndex: tx.next,
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
        packets: tx.sent,
        seconds: tx.seconds,
        pps: tx.seconds > 0 ? tx.sent / tx.seconds : 0,
        stages: tx.stages,
        cpuMHz: this.#options.stats ? cpuMHz() : null,
      },
    };
  }
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
