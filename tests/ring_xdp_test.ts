// The AF_XDP ring views against a simulated kernel: plain memory where the
// test plays the kernel's side of each ring (it consumes what user space
// produces and produces what user space consumes), with the free-running
// u32 indices started near 2^32 so they wrap during the test.
import assert from "node:assert/strict";
import {
  simulatedXdpOffsets,
  XDP_ADDR_SIZE,
  XDP_DESC_SIZE,
  XDP_RING_NEED_WAKEUP,
  XdpConsumerRing,
  XdpProducerRing,
  xdpRingBytes,
  XdpRingError,
} from "../ring/mod.ts";

const o = simulatedXdpOffsets();

/** Ring memory with both indices preset to `start` (as if 2^32 - k frames had passed). */
function ringMemory(size: number, entry: number, start: number) {
  const memory = new Uint8Array(xdpRingBytes(o, size, entry));
  const words = new Uint32Array(memory.buffer);
  words[o.producer >> 2] = start;
  words[o.consumer >> 2] = start;
  return { memory, words };
}

/** A seeded generator (mulberry32), printed so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("XdpRing: sizes and offsets are checked", () => {
  const m = new Uint8Array(xdpRingBytes(o, 8, 16));
  assert.throws(() => new XdpProducerRing(m, o, 6, 16), XdpRingError);
  assert.throws(() => new XdpProducerRing(m, o, 8, 12), XdpRingError);
  assert.throws(() => new XdpProducerRing(m, o, 16, 16), /smaller than/);
  assert.throws(
    () => new XdpConsumerRing(m, { ...o, desc: 196 }, 4, 16),
    /aligned/,
  );
});

Deno.test("XdpProducerRing (TX): batches larger than the ring, wrap of slots and of the u32 indices, kernel consumes in order", () => {
  const seed = 0x15d7;
  console.log(`seed ${seed}`);
  const random = rng(seed);
  const size = 16;
  const { memory, words } = ringMemory(size, XDP_DESC_SIZE, 2 ** 32 - 37);
  const tx = new XdpProducerRing(memory, o, size, XDP_DESC_SIZE);
  const view = new DataView(memory.buffer);
  let kernelConsumer = words[o.consumer >> 2];
  let kernelSeen = 0;
  // The kernel's side: read published descriptors in order, then release.
  const kernelTake = (limit: number) => {
    const producer = Atomics.load(words, o.producer >> 2);
    let n = 0;
    while (n < limit && kernelConsumer !== producer) {
      const at = o.desc + (kernelConsumer & (size - 1)) * XDP_DESC_SIZE;
      const addr = Number(view.getBigUint64(at, true));
      assert.equal(addr, kernelSeen * 2048 + 2 ** 33, "address (above 4 GiB)");
      assert.equal(view.getUint32(at + 8, true), 60 + (kernelSeen % 9), "len");
      assert.equal(view.getUint32(at + 12, true), 0, "options");
      kernelConsumer = (kernelConsumer + 1) >>> 0;
      kernelSeen++;
      n++;
    }
    Atomics.store(words, o.consumer >> 2, kernelConsumer);
  };
  let produced = 0;
  for (let round = 0; round < 200; round++) {
    // Batches up to 3x the ring: reserve grants what is free, the rest waits.
    let want = 1 + Math.floor(random() * size * 3);
    while (want > 0) {
      const n = tx.reserve(want);
      assert.ok(n <= size && n <= want);
      assert.equal(n, Math.min(want, size - tx.outstanding()));
      if (n === 0) {
        kernelTake(1 + Math.floor(random() * size));
        continue;
      }
      for (let i = 0; i < n; i++) {
        const k = produced + i;
        tx.setDescriptor(i, k * 2048 + 2 ** 33, 60 + (k % 9));
      }
      tx.submit(n);
      produced += n;
      want -= n;
    }
    kernelTake(Math.floor(random() * size));
  }
  kernelTake(Infinity);
  assert.equal(kernelSeen, produced);
  assert.ok(produced > 2 * 37, "the u32 indices wrapped through 2^32");
  assert.ok(words[o.producer >> 2] < 2 ** 31, "producer index wrapped");
  assert.equal(tx.outstanding(), 0);
  assert.equal(tx.free(), size);
});

Deno.test("XdpConsumerRing (RX): kernel produces at random, user reads every descriptor once in order across the wrap", () => {
  const seed = 0x2a17;
  console.log(`seed ${seed}`);
  const random = rng(seed);
  const size = 8;
  const { memory, words } = ringMemory(size, XDP_DESC_SIZE, 2 ** 32 - 5);
  const rx = new XdpConsumerRing(memory, o, size, XDP_DESC_SIZE);
  const view = new DataView(memory.buffer);
  let kernelProducer = words[o.producer >> 2];
  let made = 0;
  // The kernel's side: fill only slots the consumer released, then publish.
  const kernelPut = (limit: number) => {
    const consumer = Atomics.load(words, o.consumer >> 2);
    let n = 0;
    while (n < limit && ((kernelProducer - consumer) >>> 0) < size) {
      const at = o.desc + (kernelProducer & (size - 1)) * XDP_DESC_SIZE;
      view.setBigUint64(at, BigInt(made * 4096 + 256), true);
      view.setUint32(at + 8, 42 + (made % 1400), true);
      view.setUint32(at + 12, made % 3 === 0 ? 1 : 0, true);
      kernelProducer = (kernelProducer + 1) >>> 0;
      made++;
      n++;
    }
    Atomics.store(words, o.producer >> 2, kernelProducer);
  };
  let read = 0;
  for (let round = 0; round < 500; round++) {
    kernelPut(Math.floor(random() * size * 2));
    const max = 1 + Math.floor(random() * size * 2); // sometimes more than the ring
    const n = rx.peek(max);
    assert.ok(n <= size && n <= max);
    for (let i = 0; i < n; i++) {
      assert.equal(rx.address(i), read * 4096 + 256);
      assert.equal(rx.length(i), 42 + (read % 1400));
      assert.equal(rx.options(i), read % 3 === 0 ? 1 : 0);
      read++;
    }
    // Release in two parts sometimes: the second part is re-read from peek.
    const first = random() < 0.3 ? n >> 1 : n;
    rx.release(first);
    if (first < n) {
      read -= n - first;
      assert.equal(rx.peek(n - first), n - first);
    }
  }
  for (let n = rx.peek(size); n > 0; n = rx.peek(size)) {
    for (let i = 0; i < n; i++) {
      assert.equal(rx.address(i), read++ * 4096 + 256);
    }
    rx.release(n);
  }
  assert.equal(read, made);
  assert.ok(made > 5);
});

Deno.test("XdpRing: fill and completion rings carry 8-byte addresses; the flags word says when the kernel needs a wakeup", () => {
  const size = 4;
  const fillMem = ringMemory(size, XDP_ADDR_SIZE, 0);
  const fill = new XdpProducerRing(fillMem.memory, o, size, XDP_ADDR_SIZE);
  assert.equal(fill.reserve(10), 4);
  for (let i = 0; i < 4; i++) fill.setAddress(i, i * 2048);
  fill.submit(4);
  const v = new DataView(fillMem.memory.buffer);
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => Number(v.getBigUint64(o.desc + i * 8, true))),
    [0, 2048, 4096, 6144],
  );
  assert.equal(fill.reserve(1), 0, "full");
  assert.equal(fill.needsWakeup, false);
  fillMem.words[o.flags >> 2] = XDP_RING_NEED_WAKEUP;
  assert.equal(fill.needsWakeup, true);

  const compMem = ringMemory(size, XDP_ADDR_SIZE, 2 ** 32 - 1);
  const comp = new XdpConsumerRing(compMem.memory, o, size, XDP_ADDR_SIZE);
  const cv = new DataView(compMem.memory.buffer);
  // Kernel completes two frames across the index wrap (slots 3 and 0).
  cv.setBigUint64(o.desc + 3 * 8, 6144n, true);
  cv.setBigUint64(o.desc + 0 * 8, 0n, true);
  Atomics.store(compMem.words, o.producer >> 2, 1);
  assert.equal(comp.peek(8), 2);
  assert.deepEqual([comp.address(0), comp.address(1)], [6144, 0]);
  comp.release(2);
  assert.equal(compMem.words[o.consumer >> 2], 1);
  assert.equal(comp.peek(8), 0);
});

Deno.test("XdpRing: the per-frame path (reserve, write, submit, kernel side, completion) allocates nothing", async () => {
  const { gcCountDuring, ROOT } = await import("./helpers/alloc_probe.ts");
  const { gcs } = await gcCountDuring(
    `
import { simulatedXdpOffsets, XdpConsumerRing, XdpProducerRing, xdpRingBytes } from "${ROOT}ring/mod.ts";
const o = simulatedXdpOffsets();
const txMem = new Uint8Array(xdpRingBytes(o, 64, 16));
const cqMem = new Uint8Array(xdpRingBytes(o, 64, 8));
const tx = new XdpProducerRing(txMem, o, 64, 16);
const cq = new XdpConsumerRing(cqMem, o, 64, 8);
const txw = new Uint32Array(txMem.buffer), cqw = new Uint32Array(cqMem.buffer);
function step(i) {
  if (tx.reserve(1) === 0) return -1;
  tx.setDescriptor(0, (i & 63) * 2048, 60);
  tx.submit(1);
  // The kernel: take the descriptor, complete its address.
  const k = txw[o.consumer >> 2];
  const slot = o.desc / 4 + (k & 63) * 4;
  const p = cqw[o.producer >> 2];
  cqw[o.desc / 4 + (p & 63) * 2] = txw[slot];
  Atomics.store(cqw, o.producer >> 2, (p + 1) >>> 0);
  Atomics.store(txw, o.consumer >> 2, (k + 1) >>> 0);
  const n = cq.peek(64);
  const a = n > 0 ? cq.address(0) : 0;
  cq.release(n);
  return a;
}`,
    2_000_000,
  );
  assert.equal(gcs, 0, "garbage collections during 2e6 frames");
});
