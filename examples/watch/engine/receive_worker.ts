/**
 * The receive Worker: opens the driver for receiving, hands every frame
 * in place (the driver's own buffer, no copy) to a {@linkcode Watcher},
 * expires idle flows and posts records to the main thread in batches.
 * Counters live in shared memory the main thread reads for its status
 * line; the main thread stops the Worker through a shared control word.
 *
 * @module
 */

import { openDriver, type PacketDriver } from "../../../drivers/mod.ts";
import { LinkType } from "../../../packet/mod.ts";
import { RuleSet } from "../rules/compile.ts";
import { captureLinkType } from "./link_type.ts";
import { parseRules } from "../rules/parse.ts";
import type { WatchJob, WorkerMessage } from "./job.ts";
import { Counter, type WatchRecord } from "./records.ts";
import { Watcher } from "./watcher.ts";

const BATCH_FRAMES = 512;
const POST_RECORDS = 2048;
const HOUSEKEEPING_MS = 250;
const WAIT_MS = 50;

/** Runs `job` until the capture ends or the control word says stop. */
export async function receive(
  job: WatchJob,
  post: (message: WorkerMessage) => void,
): Promise<void> {
  const control = new Int32Array(job.control);
  // No rules file: classification only.
  const rules = RuleSet.compile(
    job.rulesSource === "" ? [] : parseRules(job.rulesText, job.rulesSource),
    job.prefilter,
  );
  let pending: WatchRecord[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    post({ type: "records", records: pending });
    pending = [];
  };
  const isFile = job.driver.startsWith("file:");
  const linkType = isFile
    ? captureLinkType(job.driver.slice("file:".length))
    : LinkType.ETHERNET;
  const watcher = new Watcher({
    rules,
    sink: job.records
      ? (record) => {
        pending.push(record);
      }
      : null,
    flows: job.flows,
    idleMs: job.idleMs,
    maxDecoders: job.maxDecoders,
    counters: new Float64Array(job.counters),
    linkType,
  });
  let driver = await open(job);
  post({ type: "ready", linkType });
  const began = performance.now();
  let now = began;
  let housekeeping = now + HOUSEKEEPING_MS;
  const onFrame = (buffer: Uint8Array, offset: number, length: number) =>
    watcher.frame(buffer, offset, offset + length, now);
  let rounds = job.repeat;
  try {
    while (Atomics.load(control, 0) === 0) {
      const n = driver.recvBatch(onFrame, BATCH_FRAMES);
      now = performance.now();
      if (n === 0) {
        if (isFile) {
          if (--rounds <= 0) break;
          driver.close();
          driver = await open(job);
          continue;
        }
        driver.wait(WAIT_MS);
      }
      if (now >= housekeeping || pending.length >= POST_RECORDS) {
        watcher.expire(now);
        watcher.counters[Counter.RING_DROPS] = driver.stats().dropped;
        flush();
        housekeeping = now + HOUSEKEEPING_MS;
      }
    }
    watcher.counters[Counter.RING_DROPS] = driver.stats().dropped;
    watcher.finish(performance.now());
    flush();
  } finally {
    driver.close();
  }
  post({ type: "done", elapsedMs: performance.now() - began });
}

function open(job: WatchJob): Promise<PacketDriver> {
  return openDriver(job.driver, {
    mode: "receive",
    filter: job.filter === "" ? undefined : job.filter,
    promiscuous: true,
    bufferSize: job.bufferBytes,
  });
}

if ("WorkerGlobalScope" in globalThis) {
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent<WatchJob>) => void) | null;
    postMessage(m: WorkerMessage): void;
  };
  scope.onmessage = (e) => {
    receive(e.data, (m) => scope.postMessage(m)).catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      scope.postMessage({
        type: "error",
        name: error.name,
        message: error.message,
      });
    });
  };
}
