// Worker for tests/ring_spsc_test.ts: one side of an SpscRing stream.
// Records: u32 sequence number, u32 mix(seq), then (seq & 7) * 4 filler bytes
// each holding a value derived from seq, so loss, duplication, reordering and
// torn slots are all detectable.
import { SpscRing } from "../../ring/mod.ts";

/** Message that starts one side. */
export interface SpscJob {
  role: "producer" | "consumer";
  buffer: SharedArrayBuffer;
  count: number;
  strategy: "sync" | "async";
  batch: number;
}

/** What the consumer reports. */
export interface SpscResult {
  received: number;
  errors: number;
  firstError: string;
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

async function produce(ring: SpscRing, job: SpscJob): Promise<void> {
  const words = new Uint32Array(
    ring.buffer,
    ring.bytes.byteOffset,
    ring.bytes.byteLength >>> 2,
  );
  let seq = 0;
  while (seq < job.count) {
    let n = ring.reserve(Math.min(job.batch, job.count - seq));
    if (n === 0) {
      const ok = job.strategy === "sync"
        ? ring.waitForSpace(1)
        : await ring.waitForSpaceAsync(1);
      if (!ok) throw new Error("ring closed under the producer");
      continue;
    }
    for (let i = 0; i < n; i++, seq++) {
      const w = ring.writeOffset(i) >>> 2;
      words[w] = seq;
      words[w + 1] = mix(seq);
      const extra = seq & 7;
      for (let k = 0; k < extra; k++) words[w + 2 + k] = (seq + k) >>> 0;
      ring.setWriteLength(i, 8 + 4 * extra);
    }
    ring.commit(n);
    n = 0;
  }
  ring.close();
}

async function consume(ring: SpscRing, job: SpscJob): Promise<SpscResult> {
  const words = new Uint32Array(
    ring.buffer,
    ring.bytes.byteOffset,
    ring.bytes.byteLength >>> 2,
  );
  let expect = 0;
  let received = 0;
  let errors = 0;
  let firstError = "";
  const fail = (msg: string) => {
    if (errors++ === 0) firstError = msg;
  };
  for (;;) {
    const n = ring.peek(job.batch);
    if (n === 0) {
      if (ring.drained) break;
      if (job.strategy === "sync") ring.waitForData(1);
      else await ring.waitForDataAsync(1);
      continue;
    }
    for (let i = 0; i < n; i++) {
      const w = ring.readOffset(i) >>> 2;
      const seq = words[w];
      if (seq !== expect) fail(`record ${expect}: got sequence ${seq}`);
      if (words[w + 1] !== mix(seq)) fail(`record ${expect}: bad mix word`);
      const extra = seq & 7;
      if (ring.readLength(i) !== 8 + 4 * extra) {
        fail(`record ${expect}: length ${ring.readLength(i)}`);
      }
      for (let k = 0; k < extra; k++) {
        if (words[w + 2 + k] !== ((seq + k) >>> 0)) {
          fail(`record ${expect}: filler word ${k}`);
        }
      }
      expect = (seq + 1) >>> 0;
      received++;
    }
    ring.release(n);
  }
  return { received, errors, firstError };
}

// Typed view of the Worker global (this file is type-checked with the window lib).
const worker = self as unknown as {
  onmessage: (e: MessageEvent<SpscJob>) => void;
  postMessage(message: unknown): void;
};

worker.onmessage = async (e: MessageEvent<SpscJob>) => {
  const job = e.data;
  const ring = new SpscRing(job.buffer);
  if (job.role === "producer") {
    await produce(ring, job);
    worker.postMessage({ done: true });
  } else {
    worker.postMessage(await consume(ring, job));
  }
};
