// Side-by-side transmit benchmark, one run: Debian's masscan (libpcap) and
// zon's pcap:, ring: and xdp: (AF_XDP) drivers, each sending 60-byte TCP SYN frames (zon's
// with valid IPv4 and TCP checksums computed per frame) for N
// seconds out of one end of a veth pair between two namespaces this script
// creates (198.18.0.0/15, no route out) and deletes. The figure is frames/s
// delivered to the peer, read from the peer interface's rx counter over the
// measurement window (after a warm-up), so every sender is measured the same
// way. Also: the ns of FFI overhead per call, and the cost of a batch flush.
//
//   deno run -A scripts/bench_drivers.ts [--seconds 10] [--batch 256] [--rounds 1] [--json]
//
// Needs root, masscan, libpcap. Numbers are indicative on a shared machine.
import { openDriver } from "../drivers/mod.ts";
import { run } from "../tests/helpers/command.ts";

const DENO = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const SELF = new URL(import.meta.url).pathname;
const PEER_MAC = "02:00:5a:00:00:0b";
const SENDER_MAC = "02:00:5a:00:00:0a";
const SENDER_IP = "198.18.200.1";
// Every sender addresses its frames to this MAC, which is not the peer's: the
// peer's kernel counts each frame on the interface, then drops it at the first
// check (PACKET_OTHERHOST) instead of running IP routing for it. That cost
// would be the same for every sender and would only compress the ratios: the
// benchmark measures senders, not the peer's stack.
const ROUTER_MAC = "02:00:5a:00:00:0c";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

const sh = (cmd: string[], check = true) => run(cmd, { check });

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ------------------------------------------------------------------ child

/** Fills a 60-byte Ethernet/IPv4/TCP SYN to 198.18.a.b:port with valid checksums. */
function synWriter(
  srcMac: Uint8Array,
  dstMac: Uint8Array,
): (buf: Uint8Array, at: number) => number {
  const template = new Uint8Array(60);
  template.set(dstMac, 0);
  template.set(srcMac, 6);
  template.set([
    0x08,
    0x00,
    0x45,
    0,
    0,
    40,
    0,
    0,
    0,
    0,
    64,
    6,
    0,
    0,
    198,
    18,
    200,
    1,
    198,
    18,
    0,
    0,
  ], 12);
  template.set([
    0xee,
    0x48,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x50,
    0x02,
    0xfa,
    0xf0,
    0,
    0,
    0,
    0,
  ], 34);
  let n = 0;
  return (buf: Uint8Array, at: number): number => {
    buf.set(template, at);
    const target = n & 0x1ffff; // 198.18.0.0/15
    const port = 1 + ((n >>> 17) % 65535);
    n++;
    const hi = 18 + (target >>> 16);
    const lo = target & 0xffff;
    buf[at + 31] = hi; // 198.(18|19)
    buf[at + 32] = lo >>> 8;
    buf[at + 33] = lo & 0xff;
    buf[at + 36] = port >>> 8;
    buf[at + 37] = port & 0xff;
    // IPv4 header checksum.
    let s = 0;
    for (let i = at + 14; i < at + 34; i += 2) s += (buf[i] << 8) | buf[i + 1];
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    const ipc = ~s & 0xffff;
    buf[at + 24] = ipc >>> 8;
    buf[at + 25] = ipc & 0xff;
    // TCP checksum: pseudo-header (addresses, protocol 6, length 20) + header.
    s = 6 + 20;
    for (let i = at + 26; i < at + 54; i += 2) s += (buf[i] << 8) | buf[i + 1];
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    const tc = ~s & 0xffff;
    buf[at + 50] = tc >>> 8;
    buf[at + 51] = tc & 0xff;
    return 60;
  };
}

function mac(text: string): Uint8Array {
  return new Uint8Array(text.split(":").map((h) => Number.parseInt(h, 16)));
}

async function child(
  adapter: string,
  seconds: number,
  batch: number,
): Promise<void> {
  const driver = await openDriver(adapter, {
    mode: "send",
    checksumOffload: false,
  });
  const write = synWriter(mac(SENDER_MAC), mac(ROUTER_MAC));
  console.log("ready");
  const end = performance.now() + seconds * 1000;
  let flushes = 0;
  let flushNs = 0;
  let full = 0;
  while (performance.now() < end) {
    for (let i = 0; i < batch; i++) {
      if (!driver.sendWith(write)) {
        full++;
        driver.flush();
        i--;
      }
    }
    const t = performance.now();
    driver.flush();
    flushNs += (performance.now() - t) * 1e6;
    flushes++;
  }
  const stats = driver.stats();
  driver.close();
  const zeroCopy = (driver as { zeroCopy?: boolean }).zeroCopy;
  console.log(
    JSON.stringify({ ...stats, flushes, flushNs, full, batch, zeroCopy }),
  );
}

// ----------------------------------------------------------------- parent

interface Measured {
  name: string;
  kpps: number;
  /** k frames delivered per CPU-second of the sender (all its threads, user + sys), robust to a busy machine. */
  kppsPerCore?: number;
  detail?: Record<string, number>;
}

/** utime + stime of a process (all threads), in seconds; NaN when unreadable. */
function cpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // fields 14, 15 in USER_HZ
  } catch {
    return NaN;
  }
}

async function peerRx(ns: string, dev: string): Promise<number> {
  const j = JSON.parse(
    await sh(["ip", "-n", ns, "-s", "-j", "link", "show", "dev", dev]),
  );
  return j[0].stats64.rx.packets;
}

async function measure(
  name: string,
  start: () => Deno.ChildProcess,
  ready: (p: Deno.ChildProcess) => Promise<void>,
  peer: { ns: string; dev: string },
  seconds: number,
): Promise<Measured> {
  const proc = start();
  await ready(proc);
  await sleep(1000); // warm-up
  // `ip netns exec` execs the sender: the pid is the sender's own.
  const cpu0 = cpuSeconds(proc.pid);
  const c0 = await peerRx(peer.ns, peer.dev);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const c1 = await peerRx(peer.ns, peer.dev);
  const t1 = performance.now();
  const cpu1 = cpuSeconds(proc.pid);
  return {
    name,
    kpps: (c1 - c0) / ((t1 - t0) / 1000) / 1000,
    kppsPerCore: (c1 - c0) / (cpu1 - cpu0) / 1000,
    detail: { process: proc.pid },
  };
}

function ffiOverheadNs(): number {
  const lib = Deno.dlopen(
    "libc.so.6",
    { abs: { parameters: ["i32"], result: "i32" } } as const,
  );
  const abs = lib.symbols.abs;
  let acc = 0;
  for (let i = 0; i < 200_000; i++) acc += abs(1000 - i); // warm up the fast path
  const n = 5_000_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) acc += abs(1000 - i);
  const ns = ((performance.now() - t) * 1e6) / n;
  // The same loop with a plain JS function: the loop's own cost.
  const jsAbs = (x: number) => (x < 0 ? -x : x);
  const t2 = performance.now();
  for (let i = 0; i < n; i++) acc += jsAbs(1000 - i);
  const base = ((performance.now() - t2) * 1e6) / n;
  lib.close();
  if (acc === 42) console.log(""); // keep acc alive
  return Math.max(0, ns - base);
}

async function main(): Promise<void> {
  const seconds = Number(flag("seconds", "10"));
  const batch = Number(flag("batch", "256"));
  const rounds = Number(flag("rounds", "1"));
  const json = Deno.args.includes("--json");
  const tag = `${Deno.pid.toString(36)}`;
  const nsA = `zon-bench-${tag}-a`;
  const nsB = `zon-bench-${tag}-b`;
  const ifA = `zb${tag}a`.slice(0, 15);
  const ifB = `zb${tag}b`.slice(0, 15);
  const results: Measured[] = [];
  const children: Deno.ChildProcess[] = [];
  const workDir = await Deno.makeTempDir({ prefix: "zon-bench-" });
  const stopAll = () => {
    for (const c of children) {
      try {
        c.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  };
  const onSignal = () => {
    stopAll();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    for (const ns of [nsA, nsB]) {
      await sh(["ip", "netns", "add", ns]);
      await sh([
        "ip",
        "netns",
        "exec",
        ns,
        "sysctl",
        "-qw",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1",
      ]);
    }
    await sh([
      "ip",
      "link",
      "add",
      ifA,
      "netns",
      nsA,
      "address",
      SENDER_MAC,
      "type",
      "veth",
      "peer",
      "name",
      ifB,
      "netns",
      nsB,
      "address",
      PEER_MAC,
    ]);
    await sh(["ip", "-n", nsA, "addr", "add", `${SENDER_IP}/30`, "dev", ifA]);
    await sh(["ip", "-n", nsB, "addr", "add", "198.18.200.2/30", "dev", ifB]);
    await sh(["ip", "-n", nsA, "link", "set", ifA, "up"]);
    await sh(["ip", "-n", nsB, "link", "set", ifB, "up"]);
    const peer = { ns: nsB, dev: ifB };

    // Rounds alternate the senders, so a change in the machine's load hits all of them.
    for (let round = 0; round < rounds; round++) {
      // masscan: a scan of 198.18.0.0/15 x all ports (longer than the window), as fast as it goes.
      const masscanVersion =
        (await sh(["masscan", "--version"], false)).match(/version ([\d.]+)/)
          ?.[1] ?? "?";
      results.push(
        await measure(
          "masscan " + masscanVersion,
          () => {
            const p = new Deno.Command("ip", {
              args: [
                "netns",
                "exec",
                nsA,
                "masscan",
                "198.18.0.0/15",
                "-p1-65535",
                "--rate",
                "100000000",
                "--wait",
                "0",
                "--adapter",
                ifA,
                "--adapter-ip",
                SENDER_IP,
                "--adapter-mac",
                SENDER_MAC,
                "--router-mac",
                ROUTER_MAC,
              ],
              cwd: workDir,
              stdout: "null",
              stderr: "null",
            }).spawn();
            children.push(p);
            return p;
          },
          async () => await sleep(1000),
          peer,
          seconds,
        ),
      );
      stopAll();
      await sleep(500);

      for (const driver of ["pcap", "ring", "xdp"]) {
        let stdout: ReadableStreamDefaultReader<string> | null = null;
        const m = await measure(
          `zon ${driver}:`,
          () => {
            const p = new Deno.Command("ip", {
              args: [
                "netns",
                "exec",
                nsA,
                DENO,
                "run",
                "-A",
                SELF,
                "--child",
                `${driver}:${ifA}`,
                String(seconds + 2),
                String(batch),
              ],
              stdout: "piped",
              stderr: "inherit",
            }).spawn();
            children.push(p);
            stdout = p.stdout.pipeThrough(new TextDecoderStream()).getReader();
            return p;
          },
          async () => {
            let text = "";
            while (!text.includes("ready")) {
              const r = await stdout!.read();
              if (r.done) {
                throw new Error(`zon ${driver}: child exited: ${text}`);
              }
              text += r.value;
            }
          },
          peer,
          seconds,
        );
        let text = "";
        for (;;) {
          const r = await stdout!.read();
          if (r.done) break;
          text += r.value;
        }
        const report = JSON.parse(text.trim().split("\n").pop()!);
        m.detail = {
          sent: report.sent,
          flushes: report.flushes,
          nsPerFlush: Math.round(report.flushNs / report.flushes),
          nsPerFrameInFlush: Math.round(
            report.flushNs / report.flushes / report.batch,
          ),
          ringFull: report.full,
          ...(driver === "xdp" ? { zeroCopy: report.zeroCopy ? 1 : 0 } : {}),
        };
        results.push(m);
      }
    }
  } finally {
    stopAll();
    Deno.removeSignalListener("SIGINT", onSignal);
    await sh(["ip", "netns", "del", nsA], false);
    await sh(["ip", "netns", "del", nsB], false);
    await Deno.remove(workDir, { recursive: true });
  }

  const ffi = ffiOverheadNs();
  // Per sender, the round with the median rate; and xdp:/ring: per round.
  const perRound = results.length / rounds;
  const median = (k: number): Measured => {
    const all = results.filter((_, i) => i % perRound === k);
    return all.sort((a, b) => a.kpps - b.kpps)[Math.floor(all.length / 2)];
  };
  const medians = Array.from({ length: perRound }, (_, k) => median(k));
  const xdpVsRingPerRound = Array.from(
    { length: rounds },
    (_, r) =>
      +(results[r * perRound + 3].kpps / results[r * perRound + 2].kpps)
        .toFixed(2),
  );
  const [masscan, pcap, ring, xdp] = medians;
  // Frames per CPU-second: what each sender costs, whatever CPU it was given.
  const perCore = Array.from({ length: perRound }, (_, k) => {
    const all = results.filter((_, i) => i % perRound === k)
      .map((m) => m.kppsPerCore ?? NaN).sort((a, b) => a - b);
    return +all[Math.floor(all.length / 2)].toFixed(1);
  });
  const xdpVsRingPerCorePerRound = Array.from(
    { length: rounds },
    (_, r) =>
      +((results[r * perRound + 3].kppsPerCore ?? NaN) /
        (results[r * perRound + 2].kppsPerCore ?? NaN)).toFixed(2),
  );
  const summary = {
    seconds,
    batch,
    masscanKpps: +masscan.kpps.toFixed(1),
    pcapKpps: +pcap.kpps.toFixed(1),
    ringKpps: +ring.kpps.toFixed(1),
    pcapVsMasscan: +(pcap.kpps / masscan.kpps).toFixed(2),
    ringVsMasscan: +(ring.kpps / masscan.kpps).toFixed(2),
    ringVsPcap: +(ring.kpps / pcap.kpps).toFixed(2),
    ffiNsPerCall: +ffi.toFixed(1),
    ringFlush: ring.detail,
    pcapFlush: pcap.detail,
    // xdp: (AF_XDP), copy mode on veth
    xdpKpps: +xdp.kpps.toFixed(1),
    xdpVsMasscan: +(xdp.kpps / masscan.kpps).toFixed(2),
    xdpVsRing: +(xdp.kpps / ring.kpps).toFixed(2),
    xdpFlush: xdp.detail,
    rounds,
    xdpVsRingPerRound,
    kppsPerCore: {
      masscan: perCore[0],
      pcap: perCore[1],
      ring: perCore[2],
      xdp: perCore[3],
    },
    xdpVsRingPerCorePerRound,
    loadavg: Deno.readTextFileSync("/proc/loadavg").trim(),
  };
  if (json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(
    `veth pair, 60-byte TCP SYN frames, ${seconds} s each, peer rx counter after 1 s warm-up, median of ${rounds} alternating round(s)`,
  );
  console.log(
    `  ${"sender".padEnd(16)} ${"kpps".padStart(8)}  vs masscan  ${
      "k/CPU-s".padStart(8)
    }  vs masscan`,
  );
  medians.forEach((r, k) => {
    console.log(
      `  ${r.name.padEnd(16)} ${r.kpps.toFixed(1).padStart(8)}  ${
        (r.kpps / masscan.kpps).toFixed(2).padStart(8)
      }x  ${perCore[k].toFixed(1).padStart(8)}  ${
        (perCore[k] / perCore[0]).toFixed(2).padStart(8)
      }x`,
    );
  });
  console.log(`  ring: vs pcap: ${summary.ringVsPcap}x`);
  console.log(
    `  xdp: vs ring: ${summary.xdpVsRing}x (${
      xdp.detail?.zeroCopy ? "zero copy" : "copy mode"
    }), per round ${xdpVsRingPerRound.join(" ")}; per CPU-second ${
      (perCore[3] / perCore[2]).toFixed(2)
    }x, per round ${
      xdpVsRingPerCorePerRound.join(" ")
    }; loadavg ${summary.loadavg}`,
  );
  console.log(
    `  FFI overhead per call (libc abs, minus the JS loop): ${summary.ffiNsPerCall} ns`,
  );
  console.log(
    `  ring: flush of ${batch} frames (one sendto): ${ring.detail?.nsPerFlush} ns, ${ring.detail?.nsPerFrameInFlush} ns/frame`,
  );
}

if (Deno.args[0] === "--child") {
  await child(Deno.args[1], Number(Deno.args[2]), Number(Deno.args[3]));
} else if (import.meta.main) {
  await main();
}
