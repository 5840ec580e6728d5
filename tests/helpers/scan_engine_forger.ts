// Test helper, run inside the target's namespace: injects COUNT forged
// SYN-ACKs at the scanner — right addresses and ports, random wrong
// acknowledgement numbers — at about RATE frames/s.
//   deno run -A scan_engine_forger.ts ADAPTER COUNT RATE SRC_MAC DST_MAC SRC_IP DST_IP DST_PORT

import { openDriver } from "../../drivers/mod.ts";
import {
  emitPacket,
  parseIpv4,
  parseMac,
  TcpFlags,
  type TcpRepr,
} from "../../packet/mod.ts";

const [adapter, countText, rateText, srcMac, dstMac, srcIp, dstIp, dstPort] =
  Deno.args;
const count = Number(countText), rate = Number(rateText);
const driver = await openDriver(adapter, { mode: "send" });
const tcp: TcpRepr = {
  protocol: "tcp",
  sourcePort: 80,
  destinationPort: Number(dstPort),
  sequence: 1,
  acknowledgment: 0,
  flags: TcpFlags.SYN | TcpFlags.ACK,
};
const repr = {
  ethernet: { destination: parseMac(dstMac), source: parseMac(srcMac) },
  ip: {
    version: 4 as const,
    source: parseIpv4(srcIp),
    destination: parseIpv4(dstIp),
  },
  transport: tcp,
  checksums: "compute" as const,
};
const frame = new Uint8Array(128);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const started = performance.now();
for (let i = 0; i < count; i++) {
  tcp.sourcePort = 1 + (i % 3000);
  tcp.acknowledgment = crypto.getRandomValues(new Uint32Array(1))[0];
  const n = emitPacket(repr, frame);
  while (!driver.send(frame.subarray(0, n))) driver.flush();
  if (i % 64 === 63) {
    driver.flush();
    const ahead = (i + 1) / rate * 1000 - (performance.now() - started);
    if (ahead > 0) Atomics.wait(sleeper, 0, 0, ahead);
  }
}
driver.flush();
console.log(JSON.stringify({ sent: driver.stats().sent }));
driver.close();
