// xdp: (AF_XDP) over a real veth pair between two namespaces this test
// creates (198.18.0.0/15, no route out) and deletes. The driver runs in a
// subprocess under `ip netns exec` (tests/helpers/drivers_xdp_peer.ts); the
// oracles are the peer's tcpdump + tshark (what went out), the interface
// counters, `ip link` (which XDP program is attached), ping and a kernel TCP
// connection (what the program must leave to the kernel). Missing kernel
// features are simulated with a seccomp filter in the helper process.
import assert from "node:assert/strict";
import { DriverError, openDriver, parseAdapterName } from "../drivers/mod.ts";
import {
  DENO,
  linkCounters,
  type VethPair,
  withVethPair,
} from "./helpers/drivers_netns.ts";
import { fillFrame } from "./helpers/drivers_veth_peer.ts";
import type { InjectCase } from "./helpers/drivers_xdp_peer.ts";

const isRoot = Deno.uid() === 0;
// Paced so the peer's tcpdump (the oracle) keeps up on a busy machine; the
// benchmark (scripts/bench_drivers.ts) measures full speed.
const PACED_RATE = 50_000;
const PEER = new URL("./helpers/drivers_xdp_peer.ts", import.meta.url).pathname;
const MATCH = {
  ipv4: "198.18.200.9",
  ipv6: "2001:2::9",
  portLow: 40000,
  portHigh: 40009,
};

function inNs(
  ns: string,
  args: string[],
  prefix: string[] = [],
): Deno.ChildProcess {
  return new Deno.Command("ip", {
    args: ["netns", "exec", ns, ...prefix, DENO, "run", "-A", PEER, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function sh(cmd: string[], check = true): Promise<string> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (check && !out.success) {
    throw new Error(
      `${cmd.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

/** Runs a helper to completion; its last stdout line as JSON. */
async function runPeer(
  ns: string,
  args: string[],
  prefix: string[] = [],
): Promise<Record<string, unknown>> {
  const child = inNs(ns, args, prefix);
  await child.stdin.close();
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(
      `peer ${args[0]} failed: ${text} ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return JSON.parse(text.split("\n").pop()!);
}

/** A long-running helper: waits for its "ready {json}" line. */
async function startPeer(ns: string, args: string[]) {
  const child = inNs(ns, args);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const r = await reader.read();
    if (r.done) {
      const err = await new Response(child.stderr).text();
      throw new Error(
        `peer ${args[0]} exited before it was ready: ${out} ${err}`,
      );
    }
    out += r.value;
  }
  assert.match(out, /^ready /);
  const ready = JSON.parse(out.slice(6, out.indexOf("\n")));
  let rest = out.slice(out.indexOf("\n") + 1);
  return {
    child,
    ready,
    /** Closes its stdin (asks it to finish) and returns the rest of its output. */
    async finish(): Promise<string> {
      await child.stdin.close();
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        rest += r.value;
      }
      const status = await child.status;
      assert.ok(status.success, `peer ${args[0]} failed: ${rest}`);
      await child.stderr.cancel();
      return rest.trim();
    },
  };
}

/** The id of the XDP program attached to `dev`, per `ip link`, or 0. */
async function attachedProgram(ns: string, dev: string): Promise<number> {
  const [link] = JSON.parse(
    await sh(["ip", "-j", "-n", ns, "link", "show", "dev", dev]),
  );
  return link.xdp?.prog?.id ?? link.xdp?.attached?.[0]?.prog?.id ?? 0;
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  ms = 3000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("drivers: xdp: adapter names", () => {
  assert.deepEqual(parseAdapterName("xdp:eth0"), {
    kind: "xdp",
    device: "eth0",
  });
  assert.deepEqual(parseAdapterName("xdp:eth0@3"), {
    kind: "xdp",
    device: "eth0@3",
  });
  assert.deepEqual(parseAdapterName("xdp+zc:eth0"), {
    kind: "xdp",
    device: "xdp+zc:eth0",
  });
  assert.throws(() => parseAdapterName("xdp:"), /names no device/);
});

Deno.test({
  name:
    "drivers: xdp: a missing interface, a bad queue and a missing xdpMatch are clear errors",
  ignore: !isRoot,
  fn: async () => {
    await assert.rejects(
      openDriver("xdp:zonnosuch0", { mode: "send" }),
      /no such network interface: zonnosuch0/,
    );
    await assert.rejects(
      openDriver("xdp:lo@x", { mode: "send" }),
      /queue after @ must be a number/,
    );
    await assert.rejects(
      openDriver("xdp:lo"),
      (e: Error) => e instanceof DriverError && /xdpMatch/.test(e.message),
    );
  },
});

async function captureSend(pair: VethPair, count: number) {
  const pcap = await Deno.makeTempFile({ suffix: ".pcap" });
  try {
    const tcpdump = new Deno.Command("ip", {
      args: [
        "netns",
        "exec",
        pair.nsB,
        "tcpdump",
        "-i",
        pair.ifB,
        "-B",
        "131072",
        "-w",
        pcap,
        "-U",
        "ether",
        "proto",
        "0x88b5",
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const err = tcpdump.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let log = "";
    while (!log.includes("listening on")) {
      const r = await err.read();
      if (r.done) throw new Error(`tcpdump: ${log}`);
      log += r.value;
    }
    const before = await linkCounters(pair.nsB, pair.ifB);
    const sent = await runPeer(pair.nsA, [
      "send",
      `xdp:${pair.ifA}`,
      String(count),
      pair.macB,
      String(PACED_RATE),
    ]);
    await until(
      "the peer counted every frame",
      async () =>
        (await linkCounters(pair.nsB, pair.ifB)).rxPackets - before.rxPackets >=
          count,
    );
    // tcpdump exits by itself after `count` frames (-c); a short capture is killed.
    const timer = setTimeout(() => tcpdump.kill("SIGINT"), 10_000);
    await tcpdump.status;
    clearTimeout(timer);
    await err.cancel();
    const after = await linkCounters(pair.nsB, pair.ifB);
    const fields = await sh([
      "tshark",
      "-r",
      pcap,
      "-T",
      "fields",
      "-e",
      "frame.len",
      "-e",
      "data.data",
    ]);
    return {
      sent,
      delivered: after.rxPackets - before.rxPackets,
      lines: fields.trim().split("\n"),
    };
  } finally {
    await Deno.remove(pcap);
  }
}

Deno.test({
  name:
    "drivers: xdp: every frame sent arrives at the peer, byte for byte (tcpdump + tshark on the peer)",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const count = 20_000;
      const { sent, delivered, lines } = await captureSend(pair, count);
      console.log("xdp send:", sent);
      assert.equal(sent.sent, count, "completions reclaimed");
      assert.equal(sent.zeroCopy, false, "veth has no zero copy: copy mode");
      assert.equal(delivered, count, "the peer's rx_packets");
      assert.equal(lines.length, count, "frames in the peer's capture");
      const expected = new Uint8Array(2048);
      const hex = (b: Uint8Array) =>
        Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
      const macA = new Uint8Array([2, 0, 0x5a, 0, 0, 0x0a]);
      const macB = new Uint8Array([2, 0, 0x5a, 0, 0, 0x0b]);
      for (let seq = 0; seq < count; seq++) {
        const length = fillFrame(expected, 0, seq, macB, macA);
        const [len, data] = lines[seq].split("\t");
        assert.equal(Number(len), length, `frame ${seq}: length`);
        assert.equal(
          data,
          hex(expected.subarray(14, length)),
          `frame ${seq}: bytes, in order`,
        );
      }
    }),
});

// What the peer injects, and whether the program must redirect it to the socket.
const CASES: (InjectCase & { ours: boolean })[] = [
  { id: 1, kind: "tcp4", dst: "198.18.200.9", port: 40000, ours: true },
  { id: 2, kind: "tcp4", dst: "198.18.200.9", port: 40009, ours: true },
  { id: 3, kind: "tcp4", dst: "198.18.200.9", port: 39999, ours: false },
  { id: 4, kind: "tcp4", dst: "198.18.200.9", port: 40010, ours: false },
  { id: 5, kind: "udp4", dst: "198.18.200.9", port: 40005, ours: true },
  { id: 6, kind: "tcp4", dst: "198.18.200.9", port: 40003, ihl: 7, ours: true },
  { id: 7, kind: "tcp4", dst: "198.18.200.9", port: 9, ihl: 7, ours: false }, // 40003 would sit in the options
  { id: 8, kind: "tcp4", dst: "198.18.200.1", port: 40001, ours: false }, // the kernel's address
  { id: 9, kind: "icmp4", dst: "198.18.200.9", ours: false }, // ICMP only when asked for
  { id: 10, kind: "arp", dst: "198.18.200.9", ours: true },
  { id: 11, kind: "arp", dst: "198.18.200.1", ours: false },
  { id: 12, kind: "tcp6", dst: "2001:2::9", port: 40001, ours: true },
  { id: 13, kind: "tcp6", dst: "2001:2::8", port: 40001, ours: false },
  { id: 14, kind: "tcp6", dst: "2001:2::9", port: 80, ours: false },
  { id: 15, kind: "ns6", dst: "2001:2::9", ours: true },
  { id: 16, kind: "ns6", dst: "2001:2::1", ours: false },
  { id: 17, kind: "other", dst: "", ours: false },
];

/** A TCP connection the kernel of nsA owns: python echo server in A, client in B. */
async function kernelTcp(pair: VethPair) {
  const server = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      pair.nsA,
      "python3",
      "-c",
      `
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.200.1", 7007)); s.listen(1); print("listening", flush=True)
c, _ = s.accept()
while True:
    d = c.recv(4096)
    if not d: break
    c.sendall(d)
`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const sr = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  await sr.read();
  const client = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      pair.nsB,
      "python3",
      "-u",
      "-c",
      `
import socket, sys
c = socket.create_connection(("198.18.200.1", 7007), timeout=5)
while True:
    line = sys.stdin.readline()
    if not line: break
    c.sendall(line.encode()); print("echo", c.recv(4096).decode().strip(), flush=True)
`,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = client.stdin.getWriter();
  const cr = client.stdout.pipeThrough(new TextDecoderStream()).getReader();
  return {
    async echo(word: string): Promise<string> {
      await writer.write(new TextEncoder().encode(`${word}\n`));
      let line = "";
      while (!line.includes("\n")) {
        const r = await cr.read();
        if (r.done) break;
        line += r.value;
      }
      return line.trim().replace(/^echo /, "");
    },
    async close(): Promise<void> {
      await writer.close();
      await client.status;
      await server.status;
      await sr.cancel();
      await cr.cancel();
    },
  };
}

Deno.test({
  name:
    "drivers: xdp: the program redirects exactly the scan's frames to the RX ring; the kernel still answers ping and keeps its TCP connection",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const tcp = await kernelTcp(pair);
      try {
        assert.equal(await tcp.echo("before"), "before");
        const rx = await startPeer(pair.nsA, [
          "recv",
          `xdp:${pair.ifA}`,
          JSON.stringify(MATCH),
        ]);
        console.log("xdp recv:", rx.ready);
        assert.equal(rx.ready.attachMode, "native", "veth has native XDP");
        assert.equal(
          await attachedProgram(pair.nsA, pair.ifA),
          rx.ready.programId,
          "ip link shows our program",
        );
        await runPeer(pair.nsB, [
          "inject",
          `ring:${pair.ifB}`,
          pair.macA,
          JSON.stringify(CASES),
        ]).catch(async (e) => {
          await rx.finish();
          throw e;
        });
        // The kernel's own traffic on the same interface, with the program attached.
        const ping = await sh([
          "ip",
          "netns",
          "exec",
          pair.nsB,
          "ping",
          "-c",
          "3",
          "-i",
          "0.2",
          "-W",
          "2",
          "198.18.200.1",
        ], false);
        const during = await tcp.echo("during");
        await new Promise((r) => setTimeout(r, 300));
        const result = JSON.parse((await rx.finish()).split("\n").pop()!);
        console.log("received ids", result.ids, result.stats);
        assert.match(
          ping,
          /3 received/,
          "the kernel answers ping while the program runs",
        );
        assert.equal(
          during,
          "during",
          "the kernel's TCP connection works while the program runs",
        );
        assert.deepEqual(
          [...result.ids].sort((a: number, b: number) => a - b),
          CASES.filter((c) => c.ours).map((c) => c.id),
          "exactly the scan's frames, each once",
        );
        assert.equal(
          await attachedProgram(pair.nsA, pair.ifA),
          0,
          "the program is gone after close",
        );
        assert.equal(await tcp.echo("after"), "after");
      } finally {
        await tcp.close();
      }
    }),
});

Deno.test({
  name:
    "drivers: xdp: the program is detached on close and when the process is killed with SIGKILL",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const held = await startPeer(pair.nsA, [
        "hold",
        `xdp:${pair.ifA}`,
        JSON.stringify(MATCH),
      ]);
      assert.ok(held.ready.programId > 0);
      assert.equal(
        await attachedProgram(pair.nsA, pair.ifA),
        held.ready.programId,
      );
      held.child.kill("SIGKILL");
      await held.child.status;
      await held.child.stdout.cancel().catch(() => {});
      await held.child.stderr.cancel();
      await until("the link to die with the process", async () =>
        (await attachedProgram(pair.nsA, pair.ifA)) === 0);
      // And it can be attached again afterwards: nothing was left behind.
      const again = await startPeer(pair.nsA, [
        "hold",
        `xdp:${pair.ifA}`,
        JSON.stringify(MATCH),
      ]);
      assert.equal(
        await attachedProgram(pair.nsA, pair.ifA),
        again.ready.programId,
      );
      assert.equal(await again.finish(), "closed");
      assert.equal(await attachedProgram(pair.nsA, pair.ifA), 0);
    }),
});

Deno.test({
  name:
    "drivers: xdp: a queue just released by a closed socket can be bound at once; a queue held by a live socket is a clear error",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      // The kernel frees a closed socket's queue after an RCU grace period
      // and a workqueue run: binding again at once can meet EBUSY, which
      // the driver waits out.
      const match = JSON.stringify(MATCH);
      const reopen = await runPeer(pair.nsA, [
        "reopen",
        `xdp:${pair.ifA}`,
        match,
        "40",
      ]);
      assert.deepEqual(reopen, { reopened: 40 });
      const held = await startPeer(pair.nsA, [
        "hold",
        `xdp:${pair.ifA}`,
        match,
      ]);
      try {
        const started = performance.now();
        const busy = await runPeer(pair.nsA, [
          "open",
          `xdp:${pair.ifA}`,
          "send",
        ]);
        assert.equal(busy.name, "DriverSyscallError");
        assert.match(
          String(busy.message),
          /queue 0 of \S+ is already bound by another AF_XDP socket \(still busy after 2 s\)/,
        );
        assert.ok(performance.now() - started >= 2000, "it waited first");
      } finally {
        assert.equal(await held.finish(), "closed");
      }
    }),
});

Deno.test({
  name:
    "drivers: xdp: clear errors: interface down, queue out of range, another program attached, no zero copy, privileges, RLIMIT_MEMLOCK",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const match = JSON.stringify(MATCH);
      const open = (adapter: string, prefix: string[] = [], arg = match) =>
        runPeer(pair.nsA, ["open", adapter, arg], prefix);
      const q = await open(`xdp:${pair.ifA}@3`);
      assert.match(
        String(q.message),
        /queue 3 is out of range: \S+ has 1 receive queue \(0\.\.0\)/,
      );
      const zc = await open(`xdp+zc:${pair.ifA}`, [], "send");
      assert.equal(zc.name, "DriverUnavailableError");
      assert.match(String(zc.message), /no AF_XDP zero-copy support.*use xdp:/);
      const nocaps = await open(`xdp:${pair.ifA}`, [
        "setpriv",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
      ]);
      assert.match(
        String(nocaps.message),
        /missing privileges: AF_XDP needs root or CAP_NET_RAW/,
      );
      // CAP_NET_RAW kept (the socket opens), CAP_BPF/CAP_NET_ADMIN/CAP_SYS_ADMIN dropped: the maps fail.
      const nobpf = await open(`xdp:${pair.ifA}`, [
        "setpriv",
        "--inh-caps=-all",
        "--bounding-set=-bpf,-net_admin,-sys_admin,-perfmon",
        "--",
      ]);
      assert.match(
        String(nobpf.message),
        /bpf\(BPF_MAP_CREATE zon_xsks\) failed: missing privileges: loading XDP programs needs root, or CAP_BPF and CAP_NET_ADMIN/,
      );
      assert.equal(await attachedProgram(pair.nsA, pair.ifA), 0);
      const memlock = await open(`xdp:${pair.ifA}`, [
        "prlimit",
        "--memlock=1048576",
        "setpriv",
        "--inh-caps=-ipc_lock",
        "--bounding-set=-ipc_lock",
        "--",
      ], "send");
      assert.match(
        String(memlock.message),
        /UMEM of 8388608 bytes .*RLIMIT_MEMLOCK allows \(1048576 bytes/,
      );

      const other = await startPeer(pair.nsA, ["attach-only", pair.ifA]);
      try {
        const busy = await open(`xdp:${pair.ifA}`);
        assert.match(
          String(busy.message),
          /already has an XDP program attached.*never replaces/,
        );
        assert.equal(
          await attachedProgram(pair.nsA, pair.ifA),
          other.ready.programId,
          "the other program stays",
        );
      } finally {
        await other.finish();
      }
      await sh(["ip", "-n", pair.nsA, "link", "set", pair.ifA, "down"]);
      const down = await open(`xdp:${pair.ifA}`, [], "send");
      assert.match(String(down.message), /is down \(bring it up/);
    }),
});

Deno.test({
  name:
    "drivers: xdp: sendWith + flush allocate nothing per frame (GCs counted over 10^6 frames on the veth)",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const root = new URL("..", import.meta.url).href;
      const code = `
import { openDriver } from "${root}drivers/mod.ts";
const d = await openDriver("xdp:${pair.ifA}", { mode: "send" });
const frame = new Uint8Array(60).fill(0xff, 0, 6);
frame[12] = 0x88; frame[13] = 0xb5;
let seq = 0;
const write = (buf, at) => { buf.set(frame, at); buf[at + 14] = seq & 0xff; return 60; };
function run(n) {
  for (let i = 0; i < n; i++) {
    seq = i;
    while (!d.sendWith(write)) d.flush();
    if ((i & 63) === 63) d.flush();
  }
  d.flush();
}
run(200000);
console.log("@@start");
run(1000000);
console.log("@@end");
d.close();
`;
      const out = await new Deno.Command("ip", {
        args: [
          "netns",
          "exec",
          pair.nsA,
          DENO,
          "eval",
          "--v8-flags=--trace-gc",
          code,
        ],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assert.ok(out.success, text);
      const during = text.slice(text.indexOf("@@start"), text.indexOf("@@end"));
      assert.ok(during.startsWith("@@start"), text);
      const gcs =
        (during.match(/Scavenge|Mark-Compact|Minor Mark/g) ?? []).length;
      assert.equal(
        gcs,
        0,
        `garbage collections while sending 10^6 frames:\n${
          during.slice(0, 500)
        }`,
      );
    }),
});

Deno.test({
  name:
    "drivers: xdp: xdp:IF@Q binds queue Q of a two-queue veth and sends from it; queue 2 is out of range",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      // A second pair with two queues per side, in the same namespaces.
      const ifA = `${pair.ifA.slice(0, 13)}qa`,
        ifB = `${pair.ifB.slice(0, 13)}qb`;
      await sh([
        "ip",
        "link",
        "add",
        ifA,
        "netns",
        pair.nsA,
        "numtxqueues",
        "2",
        "numrxqueues",
        "2",
        "type",
        "veth",
        "peer",
        "name",
        ifB,
        "netns",
        pair.nsB,
        "numtxqueues",
        "2",
        "numrxqueues",
        "2",
      ]);
      await sh(["ip", "-n", pair.nsA, "link", "set", ifA, "up"]);
      await sh(["ip", "-n", pair.nsB, "link", "set", ifB, "up"]);
      const out = await runPeer(pair.nsA, ["open", `xdp:${ifA}@2`, "send"]);
      assert.match(
        String(out.message),
        /queue 2 is out of range: \S+ has 2 receive queues \(0\.\.1\)/,
      );
      const before = await linkCounters(pair.nsB, ifB);
      const sent = await runPeer(pair.nsA, [
        "send",
        `xdp:${ifA}@1`,
        "5000",
        pair.macB,
      ]);
      assert.equal(sent.sent, 5000);
      await until("the peer counted every frame", async () =>
        (await linkCounters(pair.nsB, ifB)).rxPackets - before.rxPackets ===
          5000);
      const [tx1] = JSON.parse(
        await sh([
          "ip",
          "-j",
          "-n",
          pair.nsA,
          "-s",
          "link",
          "show",
          "dev",
          ifA,
        ]),
      );
      assert.ok(tx1.stats64.tx.packets >= 5000);
    }),
});

Deno.test({
  name:
    "drivers: xdp: 50000 frames from the peer: each received once and in order, or counted as dropped (the 4096 RX frames go round the fill ring a dozen times)",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const count = 50_000;
      const rx = await startPeer(pair.nsA, [
        "recv",
        `xdp:${pair.ifA}`,
        JSON.stringify(MATCH),
        "check",
      ]);
      let result: {
        ids: number[];
        bad: number;
        stats: { received: number; dropped: number };
      };
      try {
        await runPeer(pair.nsB, [
          "flood",
          `ring:${pair.ifB}`,
          pair.macA,
          String(count),
          "25000",
        ]);
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        result = JSON.parse((await rx.finish()).split("\n").pop()!);
      }
      const { ids, stats, bad } = result;
      console.log(`received ${ids.length}, dropped ${stats.dropped}`);
      assert.equal(bad, 0, "frames that differ from what the peer sent");
      let ordered = true;
      for (let i = 1; i < ids.length; i++) {
        if (ids[i] <= ids[i - 1]) ordered = false;
      }
      assert.ok(ordered, "each frame once, in the order sent");
      assert.ok(ids.every((id) => id >= 0 && id < count));
      assert.equal(
        ids.length + stats.dropped,
        count,
        "received + dropped = sent",
      );
      assert.ok(
        ids.length > 2 * 4096,
        `more than 2 turns of the 4096 RX frames (${ids.length})`,
      );
    }),
});

Deno.test({
  name:
    "drivers: xdp: generic mode (forced) redirects the same frames; ICMP too and ARP/NDP not, when the match says so",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const rx = await startPeer(pair.nsA, [
        "recv",
        `xdp:${pair.ifA}`,
        JSON.stringify({
          ...MATCH,
          icmp: true,
          neighbors: false,
          attach: "generic",
        }),
      ]);
      let result: { ids: number[] };
      try {
        assert.equal(rx.ready.attachMode, "generic");
        const [link] = JSON.parse(
          await sh([
            "ip",
            "-j",
            "-n",
            pair.nsA,
            "link",
            "show",
            "dev",
            pair.ifA,
          ]),
        );
        assert.equal(
          link.xdp?.mode,
          2,
          "ip link: XDP_ATTACHED_SKB (xdpgeneric)",
        );
        await runPeer(pair.nsB, [
          "inject",
          `ring:${pair.ifB}`,
          pair.macA,
          JSON.stringify(CASES),
        ]);
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        result = JSON.parse((await rx.finish()).split("\n").pop()!);
      }
      assert.deepEqual(
        [...result.ids].sort((a, b) => a - b),
        CASES.filter((c) =>
          (c.ours && c.kind !== "arp" && c.kind !== "ns6") || c.kind === "icmp4"
        ).map((c) => c.id),
      );
    }),
});

Deno.test({
  name:
    "drivers: xdp: a kernel without AF_XDP or without bpf(2) (simulated with seccomp) is a DriverUnavailableError saying what is missing",
  ignore: !isRoot || Deno.build.arch !== "x86_64",
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const match = JSON.stringify(MATCH);
      const noXdp = await runPeer(pair.nsA, [
        "open-without",
        "af_xdp",
        `xdp:${pair.ifA}`,
        "send",
      ]);
      assert.equal(noXdp.name, "DriverUnavailableError");
      assert.match(
        String(noXdp.message),
        /this kernel has no AF_XDP sockets \(CONFIG_XDP_SOCKETS/,
      );
      const noBpf = await runPeer(pair.nsA, [
        "open-without",
        "bpf",
        `xdp:${pair.ifA}`,
        match,
      ]);
      assert.equal(noBpf.name, "DriverUnavailableError");
      assert.match(
        String(noBpf.message),
        /this kernel has no bpf\(2\) \(CONFIG_BPF_SYSCALL\)/,
      );
      // Sending needs no program, so it still works without bpf(2).
      const sendOnly = await runPeer(pair.nsA, [
        "open-without",
        "bpf",
        `xdp:${pair.ifA}`,
        "send",
      ]);
      assert.deepEqual(sendOnly, { opened: true });
      assert.equal(await attachedProgram(pair.nsA, pair.ifA), 0);
    }),
});

Deno.test({
  name:
    "drivers: xdp: a send-only driver in a Worker shares the receiving driver's UMEM and queue (XDP_SHARED_UMEM): both directions at once",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      const sendCount = 30_000, floodCount = 20_000;
      const before = await linkCounters(pair.nsB, pair.ifB);
      const owner = await startPeer(pair.nsA, [
        "shared",
        `xdp:${pair.ifA}`,
        JSON.stringify(MATCH),
        String(sendCount),
        pair.macB,
      ]);
      let result: {
        ids: number[];
        bad: number;
        stats: { dropped: number };
        sender: { sent: number };
      };
      try {
        await runPeer(pair.nsB, [
          "flood",
          `ring:${pair.ifB}`,
          pair.macA,
          String(floodCount),
          "50000",
        ]);
        await until("the Worker's frames at the peer", async () =>
          (await linkCounters(pair.nsB, pair.ifB)).rxPackets -
              before.rxPackets >= sendCount);
      } finally {
        result = JSON.parse((await owner.finish()).split("\n").pop()!);
      }
      const after = await linkCounters(pair.nsB, pair.ifB);
      console.log(
        `shared: worker sent ${result.sender.sent}, owner received ${result.ids.length}, dropped ${result.stats.dropped}`,
      );
      assert.equal(result.sender.sent, sendCount, "the Worker's completions");
      assert.equal(
        after.rxPackets - before.rxPackets,
        sendCount,
        "the peer's rx_packets",
      );
      assert.equal(result.bad, 0);
      assert.ok(
        result.ids.every((id, i) =>
          i === 0 || id > result.ids[i - 1]
        ),
        "once each, in order",
      );
      assert.equal(
        result.ids.length + result.stats.dropped,
        floodCount,
        "received + dropped = sent",
      );
    }),
});
