/**
 * parseFrame of another checkout (`BASE`, e.g. an older commit unpacked with
 * `git archive`) against this one's, on the mixed Ethernet frames of
 * bench/packet_bench.ts, in one process, rounds alternating, timed by CPU
 * (user + system) so other jobs on the machine disturb it less. Prints the
 * best and median ns per frame of each and their ratio.
 *
 *   git archive afb7a0d packet | tar -x -C /tmp/base
 *   deno run -A scripts/bench_parse_ab.ts /tmp/base [--rounds 25]
 */
import process from "node:process";
import { parseArgs } from "node:util";
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

type Parse = typeof parseFrame;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: "string", default: "25" } },
});
if (positionals.length !== 1) {
  console.error("usage: bench_parse_ab.ts BASE_DIR [--rounds N]");
  Deno.exit(2);
}
const base = await import(
  new URL(`${positionals[0].replace(/\/$/, "")}/packet/parse.ts`, "file:///")
    .href
);

/** TCP, UDP, ICMP over IPv4 and TCP over IPv6, as bench/packet_bench.ts. */
function mixedFrames(): Uint8Array[] {
  const sourceMac = parseMac("02:00:00:00:00:01");
  const routerMac = parseMac("02:00:00:00:00:02");
  const common = { sourceMac, routerMac, sourceIp: 0xc6120001 };
  const tcp4 = new TcpSynTemplate(common);
  const tcp6 = new TcpSynTemplate6({
    sourceMac,
    routerMac,
    sourceIp: parseIpv6("2001:2::1"),
  });
  const udp4 = new UdpTemplate({
    ...common,
    payload: (p) => new Uint8Array(p & 31),
  });
  const icmp4 = new IcmpEchoTemplate(common);
  const target6 = parseIpv6("2001:2::2");
  return Array.from({ length: 64 }, (_, i) => {
    const frame = new Uint8Array(256);
    const length = [
      () => tcp4.write(frame, 0, 0xc6120000 + i, 80, i),
      () => udp4.write(frame, 0, 0xc6120000 + i, 53, i),
      () => icmp4.write(frame, 0, 0xc6120000 + i, 0, i),
      () => tcp6.write(frame, 0, target6, 443, i),
    ][i & 3]();
    return frame.subarray(0, length);
  });
}

const frames = mixedFrames();
const N = 2_000_000;
let sink = 0;

/** CPU ns per frame of `parse` over N frames. */
function time(parse: Parse, out: ParsedFrame): number {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    if (parse(frames[i & 63], out) !== "malformed") sink += out.payloadEnd;
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) * 1000 / N;
}

const before: number[] = [], after: number[] = [];
const baseOut = new base.ParsedFrame(), out = new ParsedFrame();
for (let round = 0; round < Number(values.rounds); round++) {
  if (round & 1) {
    after.push(time(parseFrame, out));
    before.push(time(base.parseFrame, baseOut));
  } else {
    before.push(time(base.parseFrame, baseOut));
    after.push(time(parseFrame, out));
  }
}
const best = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`load ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
console.log(
  `parseFrame, mixed Ethernet frames, CPU ns/frame over ${before.length} alternating rounds of ${N}:`,
);
console.log(
  `  base  best ${best(before).toFixed(1)}  median ${
    median(before).toFixed(1)
  }`,
);
console.log(
  `  this  best ${best(after).toFixed(1)}  median ${median(after).toFixed(1)}`,
);
console.log(
  `  this ÷ base: best ${(best(after) / best(before)).toFixed(3)}, median ${
    (median(after) / median(before)).toFixed(3)
  }`,
);
if (sink === -1) console.log(sink);
