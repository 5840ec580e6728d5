import assert from "node:assert/strict";
import { SpscRing, SpscRingLayoutError } from "../ring/mod.ts";
import type { SpscJob, SpscResult } from "./helpers/ring_spsc_worker.ts";

const RECORDS = 10_000_000;

function runWorker(job: SpscJob): Promise<unknown> {
  const worker = new Worker(
    new URL("./helpers/ring_spsc_worker.ts", import.meta.url),
    {
      type: "module",
    },
  );
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      worker.terminate();
      resolve(e.data);
    };
    worker.onerror = (e) => {
      worker.terminate();
      e.preventDefault();
      reject(new Error(e.message));
    };
    worker.postMessage(job);
  });
}

for (const strategy of ["sync", "async"] as const) {
  Deno.test(`SpscRing: two Workers pass 10^7 records in order (${strategy} waits)`, async () => {
    // A small ring forces both sides to wait often, so the wait paths are exercised.
    const ring = SpscRing.create({ capacity: 16384, slotSize: 40 });
    const base = { buffer: ring.buffer, count: RECORDS, strategy, batch: 256 };
    const started = performance.now();
    const [consumed] = await Promise.all([
      runWorker({ ...base, role: "consumer" }),
      runWorker({ ...base, role: "producer" }),
    ]);
    const result = consumed as SpscResult;
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${strategy}: ${(RECORDS / seconds / 1e6).toFixed(1)} M records/s`,
    );
    assert.equal(result.firstError, "");
    assert.equal(result.errors, 0);
    assert.equal(result.received, RECORDS);
    assert.ok(ring.drained);
  });
}

Deno.test("SpscRing: wrap-around at every slot index, record lengths and contents", () => {
  const capacity = 8;
  for (let start = 0; start < capacity; start++) {
    const ring = SpscRing.create({ capacity, slotSize: 4 });
    // Move both counters to `start`.
    ring.commit(ring.reserve(start));
    ring.release(ring.peek(start));
    for (let batch = 1; batch <= capacity; batch++) {
      const n = ring.reserve(batch);
      assert.equal(n, batch);
      for (let i = 0; i < n; i++) {
        const at = ring.writeOffset(i);
        assert.equal(at, ((start + i) % capacity) * 4);
        ring.bytes[at] = start * 16 + i;
        ring.setWriteLength(i, 1 + (i % 4));
      }
      ring.commit(n);
      assert.equal(ring.size, n);
      const m = ring.peek(capacity);
      assert.equal(m, n);
      for (let i = 0; i < m; i++) {
        assert.equal(
          ring.bytes[ring.readOffset(i)],
          start * 16 + i,
          `start ${start} batch ${batch} record ${i}`,
        );
        assert.equal(ring.readLength(i), 1 + (i % 4));
      }
      ring.release(m);
      // Keep the counters where they were so every batch size starts at `start`
      // modulo the capacity: move on by capacity - n.
      ring.commit(ring.reserve(capacity - n));
      ring.release(ring.peek(capacity));
    }
  }
});

Deno.test("SpscRing: full and empty edge cases", () => {
  const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
  const out = new Uint8Array(8);
  assert.equal(ring.peek(1), 0);
  assert.equal(ring.tryPop(out), -1);
  assert.equal(ring.waitForData(1, 0), false);
  for (let i = 0; i < 4; i++) assert.ok(ring.tryPush(new Uint8Array([i])));
  assert.equal(ring.free, 0);
  assert.equal(ring.reserve(1), 0);
  assert.equal(ring.tryPush(new Uint8Array([9])), false);
  assert.equal(ring.waitForSpace(1, 0), false);
  assert.throws(() => ring.tryPush(new Uint8Array(9)), RangeError);
  assert.equal(ring.tryPop(out), 1);
  assert.equal(out[0], 0);
  assert.equal(ring.reserve(4), 1);
  assert.ok(ring.tryPush(new Uint8Array([4, 5])));
  const seen: number[] = [];
  while (ring.tryPop(out) >= 0) seen.push(out[0]);
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(ring.size, 0);
  assert.equal(ring.drained, false);
  ring.close();
  assert.equal(ring.drained, true);
  assert.equal(
    ring.waitForData(1, 1000),
    false,
    "a closed empty ring does not wait",
  );
});

Deno.test("SpscRing: 32-bit counters wrap without losing records", () => {
  const ring = SpscRing.create({ capacity: 16, slotSize: 4 });
  // Put both counters just below 2^31 (the int32 wrap point) before attaching.
  const ctl = new Int32Array(ring.buffer, 0, 64);
  ctl[0] = 0x7ffffff8;
  ctl[16] = 0x7ffffff8;
  const attached = new SpscRing(ring.buffer);
  const out = new Uint8Array(4);
  for (let i = 0; i < 1000; i++) {
    assert.ok(attached.tryPush(new Uint8Array([i & 0xff, 1, 2])));
    if (i % 3 === 0) assert.ok(attached.tryPush(new Uint8Array([0xee])));
    assert.equal(attached.tryPop(out), 3);
    assert.equal(out[0], i & 0xff);
    if (i % 3 === 0) assert.equal(attached.tryPop(out), 1);
  }
  assert.equal(attached.size, 0);
  assert.ok(ctl[0] < 0, "the head counter wrapped past 2^31");
});

Deno.test("SpscRing: wait returns when the producer commits or closes", async () => {
  const ring = SpscRing.create({ capacity: 4, slotSize: 8 });
  setTimeout(() => ring.tryPush(new Uint8Array(1)), 20);
  assert.equal(await ring.waitForDataAsync(1, 5000), true);
  ring.release(1);
  setTimeout(() => ring.close(), 20);
  const t = performance.now();
  assert.equal(await ring.waitForDataAsync(1, 5000), false);
  assert.ok(performance.now() - t < 4000);
});

Deno.test("SpscRing: layout errors are typed and clear", () => {
  assert.throws(
    () => SpscRing.create({ capacity: 3, slotSize: 8 }),
    SpscRingLayoutError,
  );
  assert.throws(
    () => SpscRing.create({ capacity: 4, slotSize: 0 }),
    SpscRingLayoutError,
  );
  assert.throws(() => new SpscRing(new SharedArrayBuffer(1024)), /bad magic/);
});
