// deno bench -A bench/ring_bench.ts
// The user-space side of the rings: what zon spends per record/frame before
// the kernel is involved.
import {
  RxBlockRing,
  SpscRing,
  TxFrameRing,
  txRingGeometry,
} from "../ring/mod.ts";

const BATCH = 256;

const spsc = SpscRing.create({ capacity: 4096, slotSize: 64 });
Deno.bench(
  "SpscRing: reserve/commit + peek/release, 256 records of 16 bytes, one thread",
  { n: 20_000 },
  () => {
    const n = spsc.reserve(BATCH);
    const bytes = spsc.bytes;
    for (let i = 0; i < n; i++) {
      const at = spsc.writeOffset(i);
      bytes[at] = i;
      spsc.setWriteLength(i, 16);
    }
    spsc.commit(n);
    const m = spsc.peek(BATCH);
    let sum = 0;
    for (let i = 0; i < m; i++) {
      sum += bytes[spsc.readOffset(i)] +
        spsc.readLength(i);
    }
    spsc.release(m);
    if (sum < 0) throw new Error("unreachable");
  },
);

const g = txRingGeometry(4096, 2048);
const txMemory = new Uint8Array(g.blockSize * g.blockCount);
const tx = new TxFrameRing(txMemory, g, true);
const txStatus = new Int32Array(txMemory.buffer);
const template = new Uint8Array(60).fill(0xab);
Deno.bench(
  "TxFrameRing: acquire + write 60 bytes + submit, 256 frames (simulated kernel)",
  { n: 20_000 },
  () => {
    const first = tx.nextIndex;
    for (let i = 0; i < BATCH; i++) {
      const at = tx.acquire();
      txMemory.set(template, at);
      tx.submit(60);
    }
    // The kernel's part: mark the batch sent.
    for (
      let i = 0;
      i < BATCH;
      i++
    ) txStatus[tx.frameOffset((first + i) % g.frameCount) >>> 2] = 0;
    tx.reclaim();
  },
);

// An RX ring with two blocks of 256 frames that the "kernel" refills.
const rg = {
  blockSize: 1 << 17,
  blockCount: 2,
  frameSize: 2048,
  frameCount: 128,
};
const rxMemory = new Uint8Array(rg.blockSize * rg.blockCount);
const rxView = new DataView(rxMemory.buffer);
const rx = new RxBlockRing(rxMemory, rg);
function fillBlock(b: number): void {
  const base = b * rg.blockSize;
  rxView.setUint32(base + 12, BATCH, true);
  rxView.setUint32(base + 16, 48, true);
  for (let i = 0, pkt = base + 48; i < BATCH; i++, pkt += 128) {
    rxView.setUint32(pkt, i === BATCH - 1 ? 0 : 128, true);
    rxView.setUint32(pkt + 12, 60, true);
    rxView.setUint32(pkt + 16, 60, true);
    rxView.setUint16(pkt + 24, 66, true);
  }
  rxView.setUint32(base + 8, 1, true);
}
Deno.bench("RxBlockRing: next() over 256 frames + retire (simulated kernel)", {
  n: 20_000,
}, () => {
  fillBlock(rx.blockIndex);
  let sum = 0;
  for (let at = rx.next(); at >= 0; at = rx.next()) {
    sum += rxMemory[at] + rx.frameLength;
  }
  if (sum < 0) throw new Error("unreachable");
});
