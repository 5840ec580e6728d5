// One end of the veth driver tests, run inside a namespace by
// tests/drivers_veth_test.ts:
//   send ADAPTER COUNT RATE DSTMAC      (RATE 0 = as fast as possible)
//   recv ADAPTER COUNT IDLE_MS [BUF]    (prints "ready", then a JSON result)
// Frames: ethertype 0x88b5, sequence number at byte 14, a length that varies
// with the sequence from 60 to 1514 bytes, and bytes derived from both, so
// the receiver checks every byte without storing anything. After every batch
// of 64 the sender also sends NOISE_PER_BATCH frames of another ethertype,
// which the receiver's BPF filter must keep out.
import { openDriver } from "../drivers/mod.ts";

export const ETHERTYPE = 0x88b5;
export const NOISE_ETHERTYPE = 0x88b6;
export const NOISE_PER_BATCH = 2;

export function frameLength(seq: number): number {
  return 60 + (Math.imul(seq, 0x9e3779b1) >>> 0) % 1455;
}

export function fillFrame(
  buf: Uint8Array,
  at: number,
  seq: number,
  dst: Uint8Array,
  src: Uint8Array,
): number {
  const length = frameLength(seq);
  buf.set(dst, at);
  buf.set(src, at + 6);
  buf[at + 12] = ETHERTYPE >>> 8;
  buf[at + 13] = ETHERTYPE & 0xff;
  buf[at + 14] = seq >>> 24;
  buf[at + 15] = (seq >>> 16) & 0xff;
  buf[at + 16] = (seq >>> 8) & 0xff;
  buf[at + 17] = seq & 0xff;
  const base = at + 18;
  const end = at + length;
  for (let i = base, k = seq * 7; i < end; i++, k++) buf[i] = k;
  return length;
}

function mac(text: string): Uint8Array {
  return new Uint8Array(text.split(":").map((h) => Number.parseInt(h, 16)));
}

async function send(
  adapter: string,
  count: number,
  rate: number,
  dst: Uint8Array,
): Promise<void> {
  const driver = await openDriver(adapter, { mode: "send" });
  const src = mac("02:00:5a:00:00:01");
  let seq = 0;
  const write = (buf: Uint8Array, at: number): number =>
    fillFrame(buf, at, seq, dst, src);
  const started = performance.now();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let fullRetries = 0;
  let noise = 0;
  const writeNoise = (buf: Uint8Array, at: number): number => {
    buf.set(dst, at);
    buf.set(src, at + 6);
    buf[at + 12] = NOISE_ETHERTYPE >>> 8;
    buf[at + 13] = NOISE_ETHERTYPE & 0xff;
    buf.fill(0xa5, at + 14, at + 60);
    return 60;
  };
  while (seq < count) {
    // Batches of 64, paced against the clock when a rate is given.
    const batchEnd = Math.min(count, seq + 64);
    while (seq < batchEnd) {
      if (driver.sendWith(write)) {
        seq++;
      } else {
        driver.flush();
        fullRetries++;
      }
    }
    // Frames the receiver's BPF filter must keep out: another ethertype.
    for (let k = 0; k < NOISE_PER_BATCH; k++) {
      while (!driver.sendWith(writeNoise)) driver.flush();
      noise++;
    }
    driver.flush();
    if (rate > 0) {
      const due = started + (seq / rate) * 1000;
      const ahead = due - performance.now();
      if (ahead > 1) Atomics.wait(sleeper, 0, 0, ahead);
    }
  }
  driver.flush();
  const seconds = (performance.now() - started) / 1000;
  const stats = driver.stats();
  driver.close();
  console.log(JSON.stringify({ ...stats, seconds, fullRetries, noise }));
}

async function recv(
  adapter: string,
  count: number,
  idleMs: number,
  bufferSize: number,
): Promise<void> {
  const driver = await openDriver(adapter, {
    mode: "receive",
    filter: `ether proto ${ETHERTYPE}`,
    bufferSize,
  });
  let expect = 0;
  let received = 0;
  let bad = 0;
  let missing = 0;
  let firstBad = "";
  const note = (msg: string) => {
    if (bad++ === 0) firstBad = msg;
  };
  const read = (buf: Uint8Array, at: number, length: number): void => {
    received++;
    if (
      buf[at + 12] !== ETHERTYPE >>> 8 || buf[at + 13] !== (ETHERTYPE & 0xff)
    ) {
      note(`frame ${received}: ethertype`);
      return;
    }
    const seq =
      ((buf[at + 14] << 24) | (buf[at + 15] << 16) | (buf[at + 16] << 8) |
        buf[at + 17]) >>> 0;
    if (seq !== expect) {
      if (seq > expect) missing += seq - expect;
      else note(`frame ${received}: sequence ${seq} after ${expect - 1}`);
    }
    expect = seq + 1;
    if (length !== frameLength(seq)) {
      note(`seq ${seq}: length ${length}, expected ${frameLength(seq)}`);
      return;
    }
    for (let i = at + 18, k = seq * 7, end = at + length; i < end; i++, k++) {
      if (buf[i] !== (k & 0xff)) {
        note(`seq ${seq}: byte ${i - at}`);
        return;
      }
    }
  };
  console.log("ready");
  let last = performance.now();
  const hardStop = last + 120_000;
  while (received < count) {
    const n = driver.recvBatch(read, 256);
    const now = performance.now();
    if (n > 0) {
      last = now;
      continue;
    }
    if (now - last > idleMs || now > hardStop) break;
    driver.wait(20);
  }
  const stats = driver.stats();
  driver.close();
  console.log(
    JSON.stringify({
      ...stats,
      received,
      bad,
      firstBad,
      missing,
      lastSeq: expect - 1,
    }),
  );
}

if (import.meta.main) {
  const [role, adapter, count, a, b] = Deno.args;
  if (role === "send") await send(adapter, Number(count), Number(a), mac(b));
  else if (role === "recv") {
    await recv(adapter, Number(count), Number(a), Number(b ?? 32 << 20));
  } else {throw new Error(
      "usage: send ADAPTER COUNT RATE DSTMAC | recv ADAPTER COUNT IDLE_MS [BUFFER_BYTES]",
    );}
}
