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
import { plan } from "./plan.ts";
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
        rxWorker = spawn(new URL("../receive/worker.ts", import.meta.url));
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
      txWorker = spawn(new URL("../transmit/worker.ts", import.meta.url));
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
