// Real capture files from a private lab: two network namespaces joined by
// one veth pair, addresses from 198.18.0.0/15 and 2001:2::/48, no route out,
// names carrying this branch's tag and the pid, deleted afterwards. Several
// capture programs run at once in namespace A while traffic crosses the veth
// and A's loopback, so each writes the same packets in its own format.

import { readUntil } from "./command.ts";

/** The lab: namespace A (where the captures run) and B (the echo server). */
export interface CaptureLab {
  nsA: string;
  nsB: string;
  ifA: string;
  ifB: string;
  ip4B: string;
  ip6B: string;
}

async function sh(args: string[], allowFailure = false): Promise<string> {
  const out = await new Deno.Command(args[0], {
    args: args.slice(1),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success && !allowFailure) {
    throw new Error(
      `${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

function inNamespace(ns: string, args: string[]): Promise<string> {
  return sh(["ip", "netns", "exec", ns, ...args]);
}

/** Build the lab, run `body`, always delete both namespaces. */
export async function withCaptureLab<T>(
  body: (lab: CaptureLab) => Promise<T>,
): Promise<T> {
  const tag = `${Deno.pid % 100000}${Math.floor(Math.random() * 100)}`;
  const third = 100 + Deno.pid % 150;
  const net6 = `2001:2:0:${(0x1800 + third).toString(16)}`; // inside 2001:2::/48
  const lab: CaptureLab = {
    nsA: `h18pA${tag}`,
    nsB: `h18pB${tag}`,
    ifA: `h18pa${tag}`.slice(0, 15),
    ifB: `h18pb${tag}`.slice(0, 15),
    ip4B: `198.19.${third}.2`,
    ip6B: `${net6}::2`,
  };
  const sides = [
    [
      lab.nsA,
      lab.ifA,
      `198.19.${third}.1`,
      `${net6}::1`,
    ],
    [lab.nsB, lab.ifB, lab.ip4B, lab.ip6B],
  ];
  try {
    for (const [ns] of sides) await sh(["ip", "netns", "add", ns]);
    await sh([
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
    for (const [ns, ifname, ip4, ip6] of sides) {
      await inNamespace(ns, [
        "sysctl",
        "-q",
        "-w",
        "net.ipv6.conf.all.accept_dad=0",
        "net.ipv6.conf.default.accept_dad=0",
      ]);
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
    }
    for (let attempt = 0;; attempt++) {
      const a = await inNamespace(lab.nsA, ["ip", "link", "show", lab.ifA]);
      const b = await inNamespace(lab.nsB, ["ip", "link", "show", lab.ifB]);
      if (a.includes("state UP") && b.includes("state UP")) break;
      if (attempt > 100) throw new Error(`lab links not up:\n${a}\n${b}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return await body(lab);
  } finally {
    for (const [ns] of sides) await sh(["ip", "netns", "del", ns], true);
  }
}

const DENO: string = Deno.execPath();

// Namespace B: echo TCP on port 7100 (v4 and v6); UDP 7102 stays closed.
const ECHO_SERVER = `
const listener = Deno.listen({ hostname: "::", port: 7100 });
console.log("ready");
for (let i = 0; i < 2; i++) {
  const conn = await listener.accept();
  const buf = new Uint8Array(2000);
  const n = await conn.read(buf);
  await conn.write(buf.subarray(0, n ?? 0));
  conn.close();
}
listener.close();
`;

// Namespace A: a TCP exchange with B and with A's own loopback, and UDP to
// B's closed port (ICMP unreachable back), over IPv4 and IPv6.
const TRAFFIC = `
const [ip4, ip6] = Deno.args;
const local = Deno.listen({ hostname: "::1", port: 7101 });
const accepting = (async () => {
  const c = await local.accept();
  const b = new Uint8Array(100);
  await c.read(b);
  c.close();
})();
for (const host of [ip4, ip6]) {
  const conn = await Deno.connect({ hostname: host, port: 7100 });
  await conn.write(new Uint8Array(1200).fill(host.length));
  await conn.read(new Uint8Array(2000));
  conn.close();
  const udp = Deno.listenDatagram({ transport: "udp", hostname: host === ip4 ? "0.0.0.0" : "::", port: 0 });
  for (const text of ["zon h18p", "again"]) {
    await udp.send(new TextEncoder().encode(text), { transport: "udp", hostname: host, port: 7102 });
    await new Promise((r) => setTimeout(r, 100));
  }
  udp.close();
}
const loop = await Deno.connect({ hostname: "::1", port: 7101 });
await loop.write(new TextEncoder().encode("over lo"));
await accepting;
loop.close();
local.close();
`;

/** A capture program to run in namespace A and the stderr text it prints when ready. */
export interface Capturer {
  args: string[];
  ready: string;
}

/** Run every capturer at once in A, send the lab traffic, stop them all. */
export async function captureAll(
  lab: CaptureLab,
  capturers: Capturer[],
): Promise<void> {
  const children = capturers.map((c) =>
    new Deno.Command("ip", {
      args: ["netns", "exec", lab.nsA, ...c.args],
      stdout: "null",
      stderr: "piped",
    }).spawn()
  );
  const server = new Deno.Command("ip", {
    args: ["netns", "exec", lab.nsB, DENO, "eval", ECHO_SERVER],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    await Promise.all(
      children.map((child, i) =>
        readUntil(child.stderr, capturers[i].ready, capturers[i].args[0])
      ),
    );
    // Ready lines come as the capture opens; give the rings a moment.
    await new Promise((r) => setTimeout(r, 300));
    const serverReader = server.stdout.getReader();
    await serverReader.read(); // "ready"
    serverReader.releaseLock();
    await inNamespace(lab.nsA, [
      DENO,
      "eval",
      "--unstable-net",
      TRAFFIC,
      lab.ip4B,
      lab.ip6B,
    ]);
    await server.status;
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    for (const child of children) {
      try {
        child.kill("SIGINT");
      } catch { /* already gone */ }
    }
    try {
      server.kill("SIGKILL");
    } catch { /* already gone */ }
    for (const child of children) {
      await child.status;
      await child.stderr.cancel().catch(() => {});
    }
    await server.stdout.cancel().catch(() => {});
    await server.status;
  }
}
