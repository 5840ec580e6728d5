// deno bench -A bench/packet_bench.ts
// ns per packet for template writes and parseFrame (targets: >= 20 M/s, i.e.
// <= 50 ns), and pcap write throughput.
import { PcapWriter } from "../drivers/pcap_file.ts";
import {
  IcmpEchoTemplate,
  ParsedFrame,
  parseFrame,
  parseIpv6,
  parseMac,
  TcpSynTemplate,
  TcpSynTemplate6,
  UdpTemplate,
} from "../packet/mod.ts";

const BATCH = 1000; // packets per bench iteration: time/iter ÷ 1000 = ns/packet
const sourceMac = parseMac("02:00:00:00:00:01");
const routerMac = parseMac("02:00:00:00:00:02");
const tcp4 = new TcpSynTemplate({ sourceMac, routerMac, sourceIp: 0xc6120001 });
const tcp4Offload = new TcpSynTemplate({
  sourceMac,
  routerMac,
  sourceIp: 0xc6120001,
  offload: true,
});
const tcp6 = new TcpSynTemplate6({
  sourceMac,
  routerMac,
  sourceIp: parseIpv6("2001:2::1"),
});
const udp4 = new UdpTemplate({
  sourceMac,
  routerMac,
  sourceIp: 0xc6120001,
  payload: (p) => new Uint8Array(p & 31),
});
const icmp4 = new IcmpEchoTemplate({
  sourceMac,
  routerMac,
  sourceIp: 0xc6120001,
});
const buf = new Uint8Array(2048 * 8);
const target6 = parseIpv6("2001:2::2");
let sink = 0;

Deno.bench(
  `TcpSynTemplate.write ×${BATCH}`,
  { group: "write", baseline: true },
  () => {
    for (let i = 0; i < BATCH; i++) {
      sink += tcp4.write(
        buf,
        (i & 7) << 11,
        0xc6120000 + i,
        80 + (i & 1023),
        i * 0x9e3779b9,
      );
    }
  },
);
Deno.bench(
  `TcpSynTemplate.patch (reused slot) ×${BATCH}`,
  { group: "write" },
  () => {
    for (let i = 0; i < BATCH; i++) {
      sink += tcp4.patch(
        buf,
        (i & 7) << 11,
        0xc6120000 + i,
        80 + (i & 1023),
        i * 0x9e3779b9,
      );
    }
  },
);
Deno.bench(`TcpSynTemplate.write offload ×${BATCH}`, { group: "write" }, () => {
  for (let i = 0; i < BATCH; i++) {
    sink += tcp4Offload.write(
      buf,
      (i & 7) << 11,
      0xc6120000 + i,
      80 + (i & 1023),
      i * 0x9e3779b9,
    );
  }
});
Deno.bench(`TcpSynTemplate6.write ×${BATCH}`, { group: "write" }, () => {
  for (let i = 0; i < BATCH; i++) {
    target6[15] = i;
    sink += tcp6.write(buf, (i & 7) << 11, target6, 80 + (i & 1023), i);
  }
});
Deno.bench(`UdpTemplate.write ×${BATCH}`, { group: "write" }, () => {
  for (let i = 0; i < BATCH; i++) {
    sink += udp4.write(buf, (i & 7) << 11, 0xc6120000 + i, 1 + (i & 1023), i);
  }
});
Deno.bench(`IcmpEchoTemplate.write ×${BATCH}`, { group: "write" }, () => {
  for (let i = 0; i < BATCH; i++) {
    sink += icmp4.write(buf, (i & 7) << 11, 0xc6120000 + i, 0, i);
  }
});

// A mixed capture: TCP, UDP, ICMP over IPv4 and TCP over IPv6.
const frames: Uint8Array[] = [];
for (let i = 0; i < 64; i++) {
  const frame = new Uint8Array(256);
  const length = [
    () => tcp4.write(frame, 0, 0xc6120000 + i, 80, i),
    () => udp4.write(frame, 0, 0xc6120000 + i, 53, i),
    () => icmp4.write(frame, 0, 0xc6120000 + i, 0, i),
    () => tcp6.write(frame, 0, target6, 443, i),
  ][i & 3]();
  frames.push(frame.subarray(0, length));
}
const parsed = new ParsedFrame();
Deno.bench(`parseFrame mixed ×${BATCH}`, { group: "parse" }, () => {
  for (let i = 0; i < BATCH; i++) {
    if (parseFrame(frames[i & 63], parsed) !== "malformed") {
      sink += parsed.payloadEnd;
    }
  }
});

// pcap write: 1000 SYN frames (58 bytes + 16-byte record header) per iteration
// into a discarding sink: MB/s = 74 kB / time per iteration.
const discard = { writeSync: (p: Uint8Array) => p.length };
const writer = new PcapWriter(discard);
const frame = frames[0];
Deno.bench(`PcapWriter.write 1000 × ${frame.length}-byte frames`, {
  group: "pcap",
}, () => {
  for (let i = 0; i < BATCH; i++) writer.write(frame, i);
});

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
