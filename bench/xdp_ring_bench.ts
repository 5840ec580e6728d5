// deno bench -A bench/xdp_ring_bench.ts
// The user-space side of the AF_XDP rings (what the xdp: driver spends per
// frame before the kernel is involved), beside the TPACKET_V2 TX ring doing
// the same job, both against a simulated kernel.
import {
  simulatedXdpOffsets,
  TxFrameRing,
  txRingGeometry,
  XdpConsumerRing,
  XdpProducerRing,
  xdpRingBytes,
} from "../ring/mod.ts";

const BATCH = 256;
const SIZE = 4096;
const template = new Uint8Array(60).fill(0xab);
const o = simulatedXdpOffsets();

// AF_XDP: UMEM frames, a TX ring and a completion ring.
const umem = new Uint8Array(SIZE * 2048);
const txMem = new Uint8Array(xdpRingBytes(o, SIZE, 16));
const cqMem = new Uint8Array(xdpRingBytes(o, SIZE, 8));
const tx = new XdpProducerRing(txMem, o, SIZE, 16);
const cq = new XdpConsumerRing(cqMem, o, SIZE, 8);
const txWords = new Uint32Array(txMem.buffer);
const cqWords = new Uint32Array(cqMem.buffer);
const free = new Uint32Array(SIZE);
for (let i = 0; i < SIZE; i++) free[i] = i * 2048;
let top = SIZE;

Deno.bench(
  "XdpProducerRing: 256 × (free frame + write 60 bytes + descriptor), one submit; completions reclaimed (simulated kernel)",
  { n: 20_000, group: "tx", baseline: true },
  () => {
    const n = tx.reserve(BATCH);
    for (let i = 0; i < n; i++) {
      const at = free[--top];
      umem.set(template, at);
      tx.setDescriptor(i, at, 60);
    }
    tx.submit(n);
    // The kernel: consume the descriptors, complete their addresses.
    const k = Atomics.load(txWords, o.producer >> 2);
    const p = cqWords[o.producer >> 2];
    for (let i = 0; i < n; i++) {
      cqWords[(o.desc >> 2) + (((p + i) & (SIZE - 1)) << 1)] =
        txWords[(o.desc >> 2) + (((k - n + i) & (SIZE - 1)) << 2)];
    }
    Atomics.store(txWords, o.consumer >> 2, k);
    Atomics.store(cqWords, o.producer >> 2, (p + n) >>> 0);
    const c = cq.peek(SIZE);
    for (let i = 0; i < c; i++) free[top++] = cq.address(i);
    cq.release(c);
  },
);

const g = txRingGeometry(SIZE, 2048);
const tpMemory = new Uint8Array(g.blockSize * g.blockCount);
const tp = new TxFrameRing(tpMemory, g, true);
const tpStatus = new Int32Array(tpMemory.buffer);
Deno.bench(
  "TxFrameRing: 256 × (acquire + write 60 bytes + submit); reclaim (simulated kernel)",
  { n: 20_000, group: "tx" },
  () => {
    const first = tp.nextIndex;
    for (let i = 0; i < BATCH; i++) {
      const at = tp.acquire();
      tpMemory.set(template, at);
      tp.submit(60);
    }
    for (let i = 0; i < BATCH; i++) {
      tpStatus[tp.frameOffset((first + i) % g.frameCount) >>> 2] = 0;
    }
    tp.reclaim();
  },
);
