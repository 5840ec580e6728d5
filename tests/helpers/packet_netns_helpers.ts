// Test helpers: build a private two-namespace lab, capture real traffic with
// tcpdump, and tear everything down. Used by the checksum and packet tests as
// an independent source of real, kernel-built packets.
//
// Safety: everything happens inside two network namespaces this helper
// creates (unique names), joined by one veth pair, with addresses from
// 198.18.0.0/15 and 2001:2::/48 (benchmarking ranges) and no route out.
import { readUntil, run as runCommand } from "./command.ts";

const DENO: string = Deno.execPath();

/** Addresses of the lab: side A (where tcpdump runs) and side B. */
export interface Lab {
  nsA: string;
  nsB: string;
  ifA: string;
  ifB: string;
  ip4A: string;
  ip4B: string;
  ip6A: string;
  ip6B: string;
}

const run = (args: string[], allowFailure = false) =>
  runCommand(args, { check: !allowFailure });

/** Run `ip netns exec ns ...`. */
export function inNamespace(ns: string, args: string[]): Promise<string> {
  return run(["ip", "netns", "exec", ns, ...args]);
}

/** Create the lab, run `body`, always delete the namespaces afterwards. */
export async function withLab<T>(body: (lab: Lab) => Promise<T>): Promise<T> {
  const tag = `${Deno.pid % 100000}${Math.floor(Math.random() * 1000)}`;
  const third = Deno.pid % 250;
  const lab: Lab = {
    nsA: `zonpA${tag}`,
    nsB: `zonpB${tag}`,
    ifA: `zpa${tag}`.slice(0, 15),
    ifB: `zpb${tag}`.slice(0, 15),
    ip4A: `198.18.${third}.1`,
    ip4B: `198.18.${third}.2`,
    ip6A: `2001:2:0:${third.toString(16)}::1`,
    ip6B: `2001:2:0:${third.toString(16)}::2`,
  };
  try {
    await run(["ip", "netns", "add", lab.nsA]);
    await run(["ip", "netns", "add", lab.nsB]);
    for (const ns of [lab.nsA, lab.nsB]) {
      // No duplicate address detection: addresses are usable at once.
      await inNamespace(ns, [
        "sysctl",
        "-q",
        "-w",
        "net.ipv6.conf.default.accept_dad=0",
        "net.ipv6.conf.all.accept_dad=0",
      ]);
    }
    await run([
      "ip",
      "link",
      "add",
      lab.ifA,
      "netns",
      lab.nsA,
      "type",
      "veth",
      "peer",
      "name",
      lab.ifB,
      "netns",
      lab.nsB,
    ]);
    for (
      const [ns, ifname, ip4, ip6] of [
        [lab.nsA, lab.ifA, lab.ip4A, lab.ip6A],
        [lab.nsB, lab.ifB, lab.ip4B, lab.ip6B],
      ]
    ) {
      await inNamespace(ns, ["ip", "addr", "add", `${ip4}/24`, "dev", ifname]);
      await inNamespace(ns, [
        "ip",
        "addr",
        "add",
        `${ip6}/64`,
        "dev",
        ifname,
        "nodad",
      ]);
      await inNamespace(ns, ["ip", "link", "set", ifname, "up"]);
      await inNamespace(ns, ["ip", "link", "set", "lo", "up"]);
      // Without this the kernel leaves TCP/UDP checksums to "hardware" and
      // tcpdump would see unfinished (pseudo-header-only) checksums.
      await inNamespace(ns, ["ethtool", "-K", ifname, "tx", "off"]);
    }
    // Veth carrier comes up asynchronously; traffic sent before then is lost.
    for (let attempt = 0;; attempt++) {
      const a = await inNamespace(lab.nsA, ["ip", "link", "show", lab.ifA]);
      const b = await inNamespace(lab.nsB, ["ip", "link", "show", lab.ifB]);
      if (a.includes("state UP") && b.includes("state UP")) break;
      if (attempt > 100) throw new Error(`lab links not up:\n${a}\n${b}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return await body(lab);
  } finally {
    await run(["ip", "netns", "del", lab.nsA], true);
    await run(["ip", "netns", "del", lab.nsB], true);
  }
}

// Traffic generator run inside namespace A: TCP with data to a listener in B,
// a TCP connect to a closed port (RST), UDP to a closed port (ICMP
// unreachable), over IPv4 and IPv6.
const CLIENT_SCRIPT = `
const [ip4, ip6] = Deno.args;
for (const host of [ip4, ip6]) {
  const conn = await Deno.connect({ hostname: host, port: 7000 });
  await conn.write(new TextEncoder().encode("hello from zon " + host + "!"));
  const buf = new Uint8Array(100);
  await conn.read(buf);
  conn.close();
  try { (await Deno.connect({ hostname: host, port: 7001 })).close(); } catch { /* RST expected */ }
  const udp = Deno.listenDatagram({ transport: "udp", hostname: host === ip4 ? "0.0.0.0" : "::", port: 0 });
  await udp.send(new TextEncoder().encode("odd"), { transport: "udp", hostname: host, port: 7002 });
  await udp.send(new Uint8Array(33).fill(0xa5), { transport: "udp", hostname: host, port: 7002 });
  await new Promise((r) => setTimeout(r, 100));
  udp.close();
}
`;

const SERVER_SCRIPT = `
const listener = Deno.listen({ hostname: "::", port: 7000 });
console.log("ready");
for (let i = 0; i < 2; i++) {
  const conn = await listener.accept();
  const buf = new Uint8Array(100);
  const n = await conn.read(buf);
  await conn.write(buf.subarray(0, n ?? 0));
  conn.close();
}
listener.close();
`;

/**
 * Capture the lab traffic (see CLIENT_SCRIPT) with tcpdump on side A and
 * return the path of the pcap file (in a fresh temp dir the caller removes).
 */
export async function captureLabTraffic(lab: Lab, path: string): Promise<void> {
  const tcpdump = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      lab.nsA,
      "tcpdump",
      "-i",
      lab.ifA,
      "-n",
      "-U",
      // Without it TPACKET_V3 holds packets in a block for up to a second and
      // a SIGINT before then loses them.
      "--immediate-mode",
      "-s",
      "0",
      "-w",
      path,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const server = new Deno.Command("ip", {
    args: ["netns", "exec", lab.nsB, DENO, "eval", SERVER_SCRIPT],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    // Wait for tcpdump's "listening on" line before generating traffic.
    await readUntil(tcpdump.stderr, "listening on", "tcpdump");
    const serverReader = server.stdout.getReader();
    await serverReader.read(); // "ready"
    serverReader.releaseLock();
    await inNamespace(lab.nsA, [
      DENO,
      "eval",
      "--unstable-net",
      CLIENT_SCRIPT,
      lab.ip4B,
      lab.ip6B,
    ]);
    await server.status;
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    try {
      tcpdump.kill("SIGINT");
    } catch { /* already gone */ }
    try {
      server.kill("SIGKILL");
    } catch { /* already gone */ }
    await tcpdump.status;
    await tcpdump.stderr.cancel().catch(() => {});
    await server.stdout.cancel().catch(() => {});
    await server.status;
  }
}
