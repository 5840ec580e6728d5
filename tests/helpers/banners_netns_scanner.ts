// The scanner side of tests/banners_netns_test.ts, run inside the scanner
// namespace: SYNs with SYN cookies from a source address the kernel does not
// own (answering ARP for it), then the --banners stack (BannerScanner over
// tcp/) through a real zon driver. Prints one JSON object on stdout.
//
//   deno run -A tests/helpers/banners_netns_scanner.ts ADAPTER IP MAC ROUTER_MAC TARGET PORTS [DEADLINE_MS] [reorder]
//
// With `reorder`, received TCP frames pass through a shaper before the stack:
// each loop releases them in random order and holds about a third back for
// a later round (the kernel here has no sch_netem to do it on the wire).

import { openDriver } from "../../drivers/mod.ts";
import {
  emitArp,
  formatIpv4,
  ParsedFrame,
  parseFrame,
  parseIpv4,
  parseMac,
  TcpFlags,
  TcpSynTemplate,
} from "../../packet/mod.ts";
import { SipKey, synCookie4 } from "../../siphash/mod.ts";
import {
  type Banner,
  BannerScanner,
  HelloTable,
  TcpInput,
} from "../../examples/scan/banners/mod.ts";
import { testRandom } from "./random.ts";

const random = testRandom("banners_netns_scanner.ts");

const [
  adapter,
  ipText,
  macText,
  routerText,
  targetText,
  portsText,
  deadline,
  reorderFlag,
] = Deno.args;
const reorder = reorderFlag === "reorder";
let held: Uint8Array[] = [];
const ip = parseIpv4(ipText);
const mac = parseMac(macText);
const routerMac = parseMac(routerText);
const target = parseIpv4(targetText);
const ports = portsText.split(",").map(Number);
const deadlineMs = Number(deadline ?? 15_000);
const SOURCE_PORT = 41_000;

const key = SipKey.random();
const driver = await openDriver(adapter, {
  mode: "both",
  filter: `arp or (tcp and dst host ${ipText})`,
});
const template = new TcpSynTemplate({
  sourceMac: mac,
  routerMac,
  sourceIp: ip,
  sourcePort: SOURCE_PORT,
});
const banners: Banner[] = [];
const scanner = new BannerScanner({
  capacity: 1024,
  connectionTimeoutMs: 8_000,
  sourceMac: mac,
  routerMac,
  synCookie: (rip, rport, lip, lport) =>
    synCookie4(rip, rport, lip, lport, key),
  send: (write) => driver.sendWith(write),
  hellos: new HelloTable({ userAgent: "zon-lab-test" }),
  onBanner: (banner) => banners.push(banner),
  now: performance.now(),
});

// Per port: 0 pending, 1 open (connection opened), 2 closed (RST).
const status = new Map<number, number>(ports.map((p) => [p, 0]));
let synPort = 0;
const writeSyn = (buf: Uint8Array, at: number): number =>
  template.write(
    buf,
    at,
    target,
    synPort,
    synCookie4(target, synPort, ip, SOURCE_PORT, key),
  );
function sendSyns(): void {
  for (const [port, state] of status) {
    if (state !== 0) continue;
    synPort = port;
    while (!driver.sendWith(writeSyn)) driver.flush();
  }
  driver.flush();
}

let arpReplies = 0;
let arpRequester = 0;
let arpRequesterMac = new Uint8Array(6);
const writeArp = (buf: Uint8Array, at: number): number => {
  buf.set(arpRequesterMac, at);
  buf.set(mac, at + 6);
  buf[at + 12] = 0x08;
  buf[at + 13] = 0x06;
  return 14 + emitArp(
    {
      operation: 2,
      senderMac: mac,
      senderIp: ip,
      targetMac: arpRequesterMac,
      targetIp: arpRequester,
    },
    buf,
    at + 14,
  );
};

let releasing = false;
/** The shaper: frames out in random order, about a third held back. */
function release(): void {
  const keep: Uint8Array[] = [];
  const out: Uint8Array[] = [];
  for (const frame of held) (random() < 0.35 ? keep : out).push(frame);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  held = keep;
  releasing = true;
  for (const frame of out) read(frame, 0, frame.length);
  releasing = false;
}

const parsed = new ParsedFrame();
const start = performance.now();
let lastSyn = start;
sendSyns();
const read = (buf: Uint8Array, offset: number, length: number): void => {
  const kind = parseFrame(buf, parsed, offset, offset + length);
  if (kind === "arp") {
    if (parsed.arpOperation === 1 && parsed.arpTargetIp === ip) {
      // Answer for the address the kernel does not own.
      arpRequester = parsed.arpSenderIp;
      arpRequesterMac = buf.slice(
        parsed.arpSenderMacOffset,
        parsed.arpSenderMacOffset + 6,
      );
      if (driver.sendWith(writeArp)) arpReplies++;
      driver.flush();
    }
    return;
  }
  if (kind !== "tcp" || parsed.ip4Source !== target) return;
  if (reorder && !releasing) {
    held.push(buf.slice(offset, offset + length));
    return;
  }
  const result = scanner.receive(buf, parsed, performance.now());
  if (result === TcpInput.OPENED) status.set(parsed.sourcePort, 1);
  else if (
    result === TcpInput.IGNORED && (parsed.tcpFlags & TcpFlags.RST) &&
    status.get(parsed.sourcePort) === 0
  ) status.set(parsed.sourcePort, 2);
};
for (;;) {
  const now = performance.now();
  driver.recvBatch(read, 64);
  if (reorder) release();
  scanner.poll(performance.now());
  driver.flush();
  const pending = [...status.values()].some((s) => s === 0);
  if (!pending && scanner.active === 0) break;
  if (now - start > deadlineMs) break;
  if (pending && now - lastSyn > 1_000) {
    lastSyn = now;
    sendSyns();
  }
  driver.wait(5);
}
scanner.closeAll(performance.now());
driver.flush();
// ring: sends asynchronously; give the kernel time to take the last frames
// (the final RSTs) out of the TX ring before it is unmapped.
for (let i = 0; i < 20; i++) {
  await new Promise((r) => setTimeout(r, 10));
  driver.flush();
}
const stats = scanner.stats();
const driverStats = driver.stats();
driver.close();
console.log(JSON.stringify({
  elapsedMs: Math.round(performance.now() - start),
  open: [...status].filter(([, s]) => s === 1).map(([p]) => p),
  closed: [...status].filter(([, s]) => s === 2).map(([p]) => p),
  arpReplies,
  banners: banners.map((b) => ({ ...b, ip: formatIpv4(b.ip) })),
  stats,
  driverStats,
}));
