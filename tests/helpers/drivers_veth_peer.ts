// One end of the veth driver tests, run inside a namespace by
// tests/drivers_veth_test.ts:
//   send ADAPTER COUNT RATE DSTMAC      (RATE 0 = as fast as possible)
//   recv ADAPTER COUNT IDLE_MS [BUF]    (prints "ready", then a JSON result)
// Frames: ethertype 0x88b5, sequence number at byte 14, a length that varies
// with the sequence from 60 to 1514 bytes, and bytes derived from both, so
// the receiver checks every byte without storing anything. After every batch
// of 64 the sender also sends NOISE_PER_BATCH frames of another ethertype,
// which the receiver's BPF filter must keep out.
import { openDriver } from "../../drivers/mod.ts";

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
    // The first half one frame at a time through recv()'s views, the rest
    // in place through recvBatch(): both receive paths are checked.
    let n = 0;
    if (received < count / 2) {
      for (let f = driver.recv(); f !== null; f = driver.recv()) {
        read(f, 0, f.length);
        if (++n === 256) break;
      }
    } else {
      n = driver.recvBatch(read, 256);
    }
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

// ---- checksum offload: UDP/IPv4 frames whose checksum field holds only the
// pseudo-header seed, sent with csumStart/csumOffset; the kernel must finish
// them (the test turns TX checksumming off on the veth, so it does so in
// software before the frame leaves).

const UDP_PORT = 9;

function writeUdp(
  buf: Uint8Array,
  at: number,
  seq: number,
  dst: Uint8Array,
  src: Uint8Array,
): number {
  const payload = 18 + (seq % 200);
  const length = 42 + payload;
  buf.set(dst, at);
  buf.set(src, at + 6);
  buf[at + 12] = 0x08;
  buf[at + 13] = 0x00;
  const ip = at + 14;
  buf.set([
    0x45,
    0,
    (28 + payload) >>> 8,
    (28 + payload) & 0xff,
    0,
    0,
    0,
    0,
    64,
    17,
    0,
    0,
    198,
    18,
    200,
    1,
    198,
    18,
    200,
    2,
  ], ip);
  let s = 0;
  for (let i = ip; i < ip + 20; i += 2) s += (buf[i] << 8) | buf[i + 1];
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  buf[ip + 10] = (~s >>> 8) & 0xff;
  buf[ip + 11] = ~s & 0xff;
  const udp = ip + 20;
  const udpLength = 8 + payload;
  buf[udp] = 0x9c;
  buf[udp + 1] = 0x40;
  buf[udp + 2] = 0;
  buf[udp + 3] = UDP_PORT;
  buf[udp + 4] = udpLength >>> 8;
  buf[udp + 5] = udpLength & 0xff;
  for (let i = 0; i < payload; i++) buf[udp + 8 + i] = (seq * 13 + i) & 0xff;
  // The seed: folded pseudo-header sum, not complemented.
  let p = 0xc612 + 0xc801 + 0xc612 + 0xc802 + 17 + udpLength;
  p = (p & 0xffff) + (p >>> 16);
  buf[udp + 6] = p >>> 8;
  buf[udp + 7] = p & 0xff;
  return length;
}

async function sendUdp(
  adapter: string,
  count: number,
  dst: Uint8Array,
): Promise<void> {
  const driver = await openDriver(adapter, { mode: "send" });
  const src = mac("02:00:5a:00:00:01");
  let seq = 0;
  const write = (buf: Uint8Array, at: number): number =>
    writeUdp(buf, at, seq, dst, src);
  while (seq < count) {
    if (driver.sendWith(write, 34, 6)) seq++;
    else driver.flush();
  }
  driver.flush();
  const stats = driver.stats();
  driver.close();
  console.log(
    JSON.stringify({ ...stats, checksumOffload: driver.checksumOffload }),
  );
}

async function recvUdp(
  adapter: string,
  count: number,
  idleMs: number,
): Promise<void> {
  const driver = await openDriver(adapter, {
    mode: "receive",
    filter: `udp dst port ${UDP_PORT}`,
  });
  let received = 0;
  let valid = 0;
  const read = (buf: Uint8Array, at: number, length: number): void => {
    received++;
    // Pseudo-header + UDP header + payload sums to 0xffff when the checksum is right.
    const udp = at + 34;
    let s = 0xc612 + 0xc801 + 0xc612 + 0xc802 + 17 + (length - 34);
    for (let i = udp; i + 1 < at + length; i += 2) {
      s += (buf[i] << 8) | buf[i + 1];
    }
    if ((length - 34) % 2 === 1) s += buf[at + length - 1] << 8;
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    if (s === 0xffff && (buf[udp + 6] | buf[udp + 7]) !== 0) valid++;
  };
  console.log("ready");
  let last = performance.now();
  while (received < count && performance.now() - last < idleMs) {
    if (driver.recvBatch(read, 256) > 0) last = performance.now();
    else driver.wait(20);
  }
  driver.close();
  console.log(JSON.stringify({ received, valid }));
}

if (import.meta.main) {
  const [role, adapter, count, a, b] = Deno.args;
  if (role === "send") await send(adapter, Number(count), Number(a), mac(b));
  else if (role === "send-udp") await sendUdp(adapter, Number(count), mac(a));
  else if (role === "recv-udp") {
    await recvUdp(adapter, Number(count), Number(a));
  } else if (role === "recv") {
    await recv(adapter, Number(count), Number(a), Number(b ?? 32 << 20));
  } else {throw new Error(
      "usage: send ADAPTER COUNT RATE DSTMAC | recv ADAPTER COUNT IDLE_MS [BUFFER_BYTES]",
    );}
}
