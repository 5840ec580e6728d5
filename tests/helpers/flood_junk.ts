// Test helper, run inside the target's namespace: floods the scanner with
// junk for SECONDS, as fast as the driver goes (up to RATE frames/s), from
// a pool of frames built once — random bytes, truncated headers, SYN-ACKs
// and RSTs to the scanner's address and ports with wrong cookies, ICMP port
// unreachables quoting probes the scanner never sent, IPv4 headers claiming
// more bytes than the frame has, ARP for other hosts. Prints
// {"sent": N, "toScanner": M}: M of the N are frames the scanner's receive
// filter lets through (TCP/UDP/ICMP to its address), the rest the kernel's
// BPF filter drops.
//   deno run -A flood_junk.ts ADAPTER SECONDS RATE SRC_MAC DST_MAC SRC_IP DST_IP DST_PORT SEED

import { openDriver } from "../../drivers/mod.ts";
import {
  emitArp,
  emitPacket,
  type PacketRepr,
  parseIpv4,
  parseMac,
  TcpFlags,
} from "../../packet/mod.ts";
import { seededRandom } from "./random.ts";

const [
  adapter,
  secondsText,
  rateText,
  srcMac,
  dstMac,
  srcIp,
  dstIp,
  dstPort,
  seedText,
] = Deno.args;
const random = seededRandom(Number(seedText));
const ethernet = { destination: parseMac(dstMac), source: parseMac(srcMac) };
const ip = {
  version: 4 as const,
  source: parseIpv4(srcIp),
  destination: parseIpv4(dstIp),
};
const u32 = () => (random() * 2 ** 32) >>> 0;

function emit(repr: PacketRepr): Uint8Array {
  const buf = new Uint8Array(1600);
  return buf.slice(0, emitPacket(repr, buf));
}

function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = random() * 256;
  return b;
}

/** A frame, and whether the scanner's BPF filter passes it. */
const pool: Array<{ frame: Uint8Array; toScanner: boolean }> = [];
for (let i = 0; i < 16; i++) {
  // A SYN-ACK or RST-ACK to our port with a wrong acknowledgment.
  pool.push({
    frame: emit({
      ethernet,
      ip,
      transport: {
        protocol: "tcp",
        sourcePort: 1 + (u32() % 65535),
        destinationPort: Number(dstPort),
        sequence: u32(),
        acknowledgment: u32(),
        flags: i % 2 === 0
          ? TcpFlags.SYN | TcpFlags.ACK
          : TcpFlags.RST | TcpFlags.ACK,
      },
      checksums: "compute",
    }),
    toScanner: true,
  });
  // An ICMP port unreachable quoting a UDP datagram we never sent.
  const quoted = emit({
    ethernet,
    ip: { ...ip, source: ip.destination, destination: ip.source },
    transport: {
      protocol: "udp",
      sourcePort: 1 + (u32() % 65535),
      destinationPort: 1 + (u32() % 65535),
      payload: randomBytes(8),
    },
    checksums: "compute",
  }).subarray(14, 14 + 28 + 8);
  pool.push({
    frame: emit({
      ethernet,
      ip,
      transport: {
        protocol: "icmp",
        type: 3,
        code: 3,
        rest: 0,
        payload: quoted,
      },
      checksums: "compute",
    }),
    toScanner: true,
  });
  // Random bytes of any size up to a full frame.
  pool.push({
    frame: randomBytes(14 + Math.floor(random() * 1500)),
    toScanner: false,
  });
}
// Truncated: an IPv4/TCP header cut after the IP header, and an IPv4
// header claiming 9000 bytes in a 1514-byte frame. Both pass the filter.
const syn = emit({
  ethernet,
  ip,
  transport: {
    protocol: "tcp",
    sourcePort: 80,
    destinationPort: Number(dstPort),
    sequence: 1,
    acknowledgment: 2,
    flags: TcpFlags.SYN | TcpFlags.ACK,
  },
  checksums: "compute",
});
pool.push({ frame: syn.slice(0, 14 + 20 + 6), toScanner: true });
const oversized = new Uint8Array(1514);
oversized.set(syn);
oversized[16] = 9000 >> 8, oversized[17] = 9000 & 0xff; // IPv4 total length
pool.push({ frame: oversized, toScanner: true });
// ARP requests for somebody else.
for (let i = 0; i < 4; i++) {
  const arp = new Uint8Array(60);
  arp.set(parseMac("ff:ff:ff:ff:ff:ff"), 0);
  arp.set(ethernet.source, 6);
  arp[12] = 0x08, arp[13] = 0x06;
  emitArp(
    {
      operation: 1,
      senderMac: ethernet.source,
      senderIp: ip.source,
      targetMac: new Uint8Array(6),
      targetIp: u32(),
    },
    arp,
    14,
  );
  pool.push({ frame: arp, toScanner: false });
}

const driver = await openDriver(adapter, { mode: "send", txFrames: 4096 });
const rate = Number(rateText);
const until = performance.now() + Number(secondsText) * 1000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const started = performance.now();
let sent = 0, toScanner = 0;
while (performance.now() < until) {
  for (let k = 0; k < 256; k++) {
    const junk = pool[(sent + k) % pool.length];
    while (!driver.send(junk.frame)) driver.flush();
    if (junk.toScanner) toScanner++;
  }
  sent += 256;
  driver.flush();
  const ahead = sent / rate * 1000 - (performance.now() - started);
  if (ahead > 0) Atomics.wait(sleeper, 0, 0, ahead);
}
driver.flush();
console.log(JSON.stringify({ sent, toScanner }));
driver.close();
