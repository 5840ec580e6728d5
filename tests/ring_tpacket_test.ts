// The TPACKET views against a simulated kernel: plain memory where the test
// plays the kernel's part of the status protocol.
import assert from "node:assert/strict";
import {
  RingGeometryError,
  RxBlockRing,
  rxRingGeometry,
  TP_STATUS,
  TPACKET2_DATA_OFFSET,
  TxFrameRing,
  txRingGeometry,
  VNET_HDR_LENGTH,
} from "../ring/mod.ts";

Deno.test("TxFrameRing: frame/block arithmetic never straddles a block", () => {
  const g = { blockSize: 8192, blockCount: 3, frameSize: 3072, frameCount: 6 };
  const ring = new TxFrameRing(new Uint8Array(8192 * 3), g);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => ring.frameOffset(i)), [
    0,
    3072,
    8192,
    11264,
    16384,
    19456,
  ]);
  const std = txRingGeometry(1000, 2048);
  assert.equal(std.frameCount % (std.blockSize / 2048), 0);
  assert.ok(std.frameCount >= 1000);
  assert.throws(() => txRingGeometry(10, 100), RingGeometryError);
  assert.throws(() => rxRingGeometry(1 << 20, 5000), RingGeometryError);
});

Deno.test("TxFrameRing: fill, submit, kernel sends, reclaim; full ring; wrap-around at every index", () => {
  const g = txRingGeometry(32, 2048); // 32 frames of 2 KiB in one 64 KiB block
  assert.equal(g.frameCount, 32);
  const memory = new Uint8Array(g.blockSize * g.blockCount);
  const ring = new TxFrameRing(memory, g);
  const view = new DataView(memory.buffer);
  let kernelHead = 0;
  let kernelSent = 0;
  // The kernel's side of sendto(): send every SEND_REQUEST frame in order.
  const kernelSend = (limit = Infinity) => {
    let n = 0;
    while (n < limit) {
      const at = ring.frameOffset(kernelHead);
      if (view.getUint32(at, true) !== TP_STATUS.SEND_REQUEST) break;
      const len = view.getUint32(at + 4, true);
      const seq = view.getUint32(at + TPACKET2_DATA_OFFSET, true);
      assert.equal(len, 60 + (seq % 7), "tp_len");
      assert.equal(seq, kernelSent, "frames leave in submission order");
      view.setUint32(at, TP_STATUS.AVAILABLE, true);
      kernelHead = (kernelHead + 1) % g.frameCount;
      kernelSent++;
      n++;
    }
  };
  let seq = 0;
  // Batches of every size from 1 to 33 move the ring's start through every index.
  for (let batch = 1; batch <= 33; batch++) {
    let queued = 0;
    while (queued < batch) {
      const at = ring.acquire();
      if (at < 0) {
        assert.equal(ring.pending, g.frameCount, "only a full ring refuses");
        kernelSend();
        continue;
      }
      view.setUint32(at, seq, true);
      ring.submit(60 + (seq % 7));
      seq++;
      queued++;
    }
    kernelSend(batch % 5 === 0 ? 2 : Infinity); // sometimes a partial sendto
    ring.reclaim();
    assert.equal(
      ring.sent,
      kernelSent,
      "reclaim counts exactly what the kernel sent",
    );
    assert.equal(ring.pending, seq - kernelSent);
  }
  kernelSend();
  ring.reclaim();
  assert.equal(ring.sent, seq);
  assert.equal(ring.pending, 0);
});

Deno.test("TxFrameRing: virtio_net_hdr for checksum offload, and rejected frames", () => {
  const g = txRingGeometry(16, 2048);
  const memory = new Uint8Array(g.blockSize * g.blockCount);
  const ring = new TxFrameRing(memory, g, true);
  const view = new DataView(memory.buffer);
  assert.equal(ring.dataOffset, TPACKET2_DATA_OFFSET + VNET_HDR_LENGTH);
  ring.acquire();
  ring.submit(74, 34, 16); // TCP over IPv4: checksum at 34 + 16
  const h = TPACKET2_DATA_OFFSET;
  assert.equal(memory[h], 1, "VIRTIO_NET_HDR_F_NEEDS_CSUM");
  assert.equal(view.getUint16(h + 6, true), 34);
  assert.equal(view.getUint16(h + 8, true), 16);
  assert.equal(
    view.getUint32(4, true),
    74 + VNET_HDR_LENGTH,
    "tp_len includes the vnet header",
  );
  const second = ring.frameOffset(1);
  memory.fill(0xee, second + h, second + h + VNET_HDR_LENGTH); // stale bytes from a previous use
  ring.acquire();
  ring.submit(60);
  assert.deepEqual(
    [...memory.subarray(second + h, second + h + VNET_HDR_LENGTH)],
    [0, 0, 60, 0, 0, 0, 0, 0, 0, 0],
    "no checksum request; hdr_len = the frame (copied linear)",
  );
  assert.equal(view.getUint16(h + 2, true), 74, "hdr_len of the first frame");
  // The kernel rejects frame 0 and sends frame 1.
  view.setUint32(0, TP_STATUS.WRONG_FORMAT, true);
  view.setUint32(second, TP_STATUS.AVAILABLE, true);
  assert.equal(ring.reclaim(), 1);
  assert.equal(ring.wrongFormat, 1);
  assert.equal(
    ring.statusOf(0),
    TP_STATUS.AVAILABLE,
    "a rejected frame is reusable",
  );
});

Deno.test("RxBlockRing: reads frames in place, retires blocks, wraps, waits for the kernel", () => {
  const g = { blockSize: 4096, blockCount: 3, frameSize: 2048, frameCount: 6 };
  const memory = new Uint8Array(g.blockSize * g.blockCount);
  const view = new DataView(memory.buffer);
  const ring = new RxBlockRing(memory, g);
  let produced = 0;
  // The kernel's side: fill block b with `count` frames and hand it over.
  const kernelFill = (b: number, count: number) => {
    const base = b * g.blockSize;
    assert.equal(
      view.getUint32(base + 8, true),
      TP_STATUS.KERNEL,
      "kernel only fills blocks it owns",
    );
    let pkt = base + 48;
    view.setUint32(base + 12, count, true);
    view.setUint32(base + 16, 48, true);
    for (let i = 0; i < count; i++) {
      const len = 60 + (produced % 50);
      const mac = 66; // tpacket3_hdr (48) + sockaddr_ll (20), minus 2 to align the IP header
      const next = i === count - 1 ? 0 : ((mac + len + 15) & ~15);
      view.setUint32(pkt + 0, next, true);
      view.setUint32(pkt + 12, len, true);
      view.setUint32(pkt + 16, len + 100, true);
      view.setUint16(pkt + 24, mac, true);
      view.setUint32(pkt + mac, produced, true);
      produced++;
      pkt += next;
    }
    view.setUint32(base + 8, TP_STATUS.USER, true);
  };
  assert.equal(ring.next(), -1);
  assert.equal(ring.ready, false);
  let consumed = 0;
  for (let round = 0; round < 10; round++) {
    const b = ring.blockIndex;
    kernelFill(b, 1 + (round % 4));
    kernelFill((b + 1) % 3, 2);
    assert.equal(ring.ready, true);
    for (let at = ring.next(); at >= 0; at = ring.next()) {
      assert.equal(
        view.getUint32(at, true),
        consumed,
        "frames in order, read in place",
      );
      assert.equal(ring.frameLength, 60 + (consumed % 50));
      assert.equal(ring.wireLength, ring.frameLength + 100);
      consumed++;
    }
    assert.equal(consumed, produced);
    // Both blocks were handed back: the kernel may fill them again.
    assert.equal(view.getUint32(b * g.blockSize + 8, true), TP_STATUS.KERNEL);
  }
  assert.equal(ring.blocksRetired, 20);
});
