// One end of the xdp: driver tests, run inside a namespace by
// tests/drivers_xdp_test.ts:
//   send ADAPTER COUNT DSTMAC [PPS] send COUNT frames of drivers_veth_peer's
//                                   format (sequence + derived bytes), at most PPS
//                                   a second (0 or absent: full speed), print JSON
//   recv ADAPTER MATCH_JSON [check] open for receiving, print "ready {json}", collect
//                                   the 4-byte ids that end each received frame
//                                   until stdin closes (with "check": compare each
//                                   with the flood's frame), print JSON
//   hold ADAPTER MATCH_JSON         open, print "ready {json}", wait for stdin to close
//                                   (or to be killed), close, print "closed"
//   attach-only IF                  load and attach just the XDP program (no socket),
//                                   print "ready {json}", wait for stdin to close
//   inject ADAPTER DSTMAC CASES     send one crafted frame per case (JSON), print JSON
//   open ADAPTER MATCH_JSON         try to open; print the error's class and message
//   reopen ADAPTER MATCH_JSON N     N times: open for both directions, close, open
//                                   send-only at once, close; print JSON (or the error)
//   open-without WHAT ADAPTER MATCH first installs a seccomp filter on this thread
//                                   that makes the kernel look older: WHAT "af_xdp"
//                                   fails socket(AF_XDP) with EAFNOSUPPORT, "bpf"
//                                   fails bpf(2) with ENOSYS; then as "open"
//   shared ADAPTER MATCH COUNT DSTMAC  open for receiving with xdpShareable, print
//                                   "ready {json}", let a Worker send COUNT frames
//                                   through the same UMEM and queue, receive (checked)
//                                   until stdin closes, print JSON incl. the Worker's stats
//   flood ADAPTER DSTMAC COUNT PPS  send COUNT TCP frames to 198.18.200.9, ports
//                                   40000-40009, ids 0..COUNT-1, paced, print JSON
import { openDriver, XdpProgram } from "../../drivers/mod.ts";
import type { XdpDriver } from "../../drivers/xdp.ts";
import { interfaceIndex } from "../../drivers/_libc.ts";
import { fillFrame } from "./drivers_veth_peer.ts";

/** One crafted frame of the receive test. */
export interface InjectCase {
  id: number;
  /** Ethernet payload kind. */
  kind: "tcp4" | "udp4" | "icmp4" | "arp" | "tcp6" | "ns6" | "other";
  /** Destination (or ARP/NS target) address. */
  dst: string;
  /** Destination port (TCP/UDP). */
  port?: number;
  /** IPv4 header length in 32-bit words (default 5). */
  ihl?: number;
}

function mac(text: string): Uint8Array {
  return new Uint8Array(text.split(":").map((h) => Number.parseInt(h, 16)));
}

function ipv4(text: string): number[] {
  return text.split(".").map(Number);
}

function ipv6(text: string): number[] {
  const [head, tail = ""] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.flatMap((g) => {
    const v = Number.parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

/** Builds one case's frame: Ethernet + payload, padded, ending with the id. */
export function buildCase(
  c: InjectCase,
  dst: Uint8Array,
  src: Uint8Array,
): Uint8Array {
  const b: number[] = [...dst, ...src];
  const port = c.port ?? 0;
  const ports = [0, 80, port >> 8, port & 0xff];
  switch (c.kind) {
    case "tcp4":
    case "udp4":
    case "icmp4": {
      const ihl = c.ihl ?? 5;
      const proto = c.kind === "tcp4" ? 6 : c.kind === "udp4" ? 17 : 1;
      b.push(0x08, 0x00, 0x40 | ihl, 0, 0, 60, 0, 0, 0, 0, 64, proto, 0, 0);
      b.push(...ipv4("198.18.200.2"), ...ipv4(c.dst));
      for (let i = 5; i < ihl; i++) b.push(1, 1, 1, 1); // NOP options
      if (c.kind === "icmp4") b.push(0, 0, 0, 0);
      else b.push(...ports, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x12, 0, 0);
      break;
    }
    case "arp":
      b.push(
        0x08,
        0x06,
        0,
        1,
        8,
        0,
        6,
        4,
        0,
        1,
        ...src,
        ...ipv4("198.18.200.2"),
      );
      b.push(0, 0, 0, 0, 0, 0, ...ipv4(c.dst));
      break;
    case "tcp6":
    case "ns6": {
      const nh = c.kind === "tcp6" ? 6 : 58;
      const to = c.kind === "tcp6" ? ipv6(c.dst) : ipv6("ff02::1:ff00:9");
      b.push(
        0x86,
        0xdd,
        0x60,
        0,
        0,
        0,
        0,
        32,
        nh,
        255,
        ...ipv6("2001:2::2"),
        ...to,
      );
      if (c.kind === "tcp6") {
        b.push(...ports, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x12, 0, 0);
      } else b.push(135, 0, 0, 0, 0, 0, 0, 0, ...ipv6(c.dst));
      break;
    }
    case "other":
      b.push(0x88, 0xb6);
      break;
  }
  while (b.length < 60) b.push(0);
  b.push(c.id >>> 24, (c.id >>> 16) & 0xff, (c.id >>> 8) & 0xff, c.id & 0xff);
  return new Uint8Array(b);
}

/**
 * A seccomp filter (classic BPF over struct seccomp_data) for this thread:
 * one syscall fails with `errno`, everything else is allowed. x86-64 only.
 */
function pretendMissing(what: "af_xdp" | "bpf"): void {
  const SECCOMP_RET_ALLOW = 0x7fff0000, SECCOMP_RET_ERRNO = 0x00050000;
  const LD_ABS_W = 0x20, JEQ_K = 0x15, RET_K = 0x06;
  const AUDIT_ARCH_X86_64 = 0xc000003e;
  const insns: [number, number, number, number][] = what === "bpf"
    ? [
      [LD_ABS_W, 0, 0, 4], // A = arch
      [JEQ_K, 0, 3, AUDIT_ARCH_X86_64], // other arch: allow
      [LD_ABS_W, 0, 0, 0], // A = syscall number
      [JEQ_K, 0, 1, 321], // bpf(2)?
      [RET_K, 0, 0, SECCOMP_RET_ERRNO | 38], // ENOSYS
      [RET_K, 0, 0, SECCOMP_RET_ALLOW],
    ]
    : [
      [LD_ABS_W, 0, 0, 4], // A = arch
      [JEQ_K, 0, 5, AUDIT_ARCH_X86_64], // other arch: allow
      [LD_ABS_W, 0, 0, 0], // A = syscall number
      [JEQ_K, 0, 3, 41], // socket(2)?
      [LD_ABS_W, 0, 0, 16], // A = its first argument (the family)
      [JEQ_K, 0, 1, 44], // AF_XDP?
      [RET_K, 0, 0, SECCOMP_RET_ERRNO | 97], // EAFNOSUPPORT
      [RET_K, 0, 0, SECCOMP_RET_ALLOW],
    ];
  const filter = new Uint8Array(insns.length * 8);
  const fv = new DataView(filter.buffer);
  insns.forEach(([code, jt, jf, k], i) => {
    fv.setUint16(i * 8, code, true);
    fv.setUint8(i * 8 + 2, jt);
    fv.setUint8(i * 8 + 3, jf);
    fv.setUint32(i * 8 + 4, k, true);
  });
  const fprog = new Uint8Array(16); // struct sock_fprog { u16 len; struct sock_filter *filter; }
  const pv = new DataView(fprog.buffer);
  pv.setUint16(0, insns.length, true);
  pv.setBigUint64(
    8,
    BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(filter))),
    true,
  );
  const libc = Deno.dlopen(
    "libc.so.6",
    {
      prctl: {
        parameters: ["i32", "u64", "buffer", "u64", "u64"],
        result: "i32",
      },
    } as const,
  );
  const PR_SET_NO_NEW_PRIVS = 38, PR_SET_SECCOMP = 22, SECCOMP_MODE_FILTER = 2;
  if (libc.symbols.prctl(PR_SET_NO_NEW_PRIVS, 1n, null, 0n, 0n) !== 0) {
    throw new Error("prctl(PR_SET_NO_NEW_PRIVS) failed");
  }
  if (
    libc.symbols.prctl(
      PR_SET_SECCOMP,
      BigInt(SECCOMP_MODE_FILTER),
      fprog,
      0n,
      0n,
    ) !== 0
  ) {
    throw new Error("prctl(PR_SET_SECCOMP) failed");
  }
}

async function stdinClosed(): Promise<void> {
  for await (const _ of Deno.stdin.readable) { /* until EOF */ }
}

function report(d: XdpDriver): string {
  return JSON.stringify({
    programId: d.programId,
    attachMode: d.attachMode,
    zeroCopy: d.zeroCopy,
  });
}

async function main(): Promise<void> {
  const [cmd, adapter, arg, arg2, arg3] = Deno.args;
  const src = mac("02:00:5a:00:00:0b");
  if (cmd === "send") {
    const count = Number(arg);
    const dst = mac(arg2);
    const d = await openDriver(adapter, { mode: "send" }) as XdpDriver;
    let seq = 0;
    const write = (buf: Uint8Array, at: number): number =>
      fillFrame(buf, at, seq, dst, mac("02:00:5a:00:00:0a"));
    const pps = Number(arg3 ?? 0);
    const started = performance.now();
    for (; seq < count; seq++) {
      while (!d.sendWith(write)) d.flush();
      if ((seq & 63) === 63) {
        d.flush();
        // Paced: wait until this batch is due.
        while (pps > 0 && performance.now() - started < (seq / pps) * 1000) {
          await new Promise((r) => setTimeout(r, 1));
        }
      }
    }
    d.flush();
    while (d.pending > 0 && performance.now() - started < 10_000) d.flush();
    const stats = d.stats();
    console.log(JSON.stringify({
      ...stats,
      zeroCopy: d.zeroCopy,
      seconds: (performance.now() - started) / 1000,
    }));
    d.close();
  } else if (cmd === "recv" || cmd === "hold") {
    // The match JSON may carry "attach": "native" | "generic" for the driver.
    const { attach, ...xdpMatch } = JSON.parse(arg);
    const d = await openDriver(adapter, {
      mode: "both",
      xdpMatch,
      xdpAttach: attach,
    }) as XdpDriver;
    console.log(`ready ${report(d)}`);
    let stop = false;
    stdinClosed().then(() => stop = true);
    const ids: number[] = [];
    // "check": every frame must be the flood's frame for its id, byte for byte.
    const check = arg2 === "check";
    const flood: InjectCase = { id: 0, kind: "tcp4", dst: "198.18.200.9" };
    const peerMac = mac("02:00:5a:00:00:0b");
    const ourMac = mac("02:00:5a:00:00:0a");
    let bad = 0;
    const read = (buf: Uint8Array, at: number, len: number) => {
      const e = at + len;
      const id = ((buf[e - 4] << 24) | (buf[e - 3] << 16) |
        (buf[e - 2] << 8) | buf[e - 1]) >>> 0;
      ids.push(id);
      if (check) {
        flood.id = id;
        flood.port = 40000 + (id % 10);
        const want = buildCase(flood, ourMac, peerMac);
        const got = buf.subarray(at, e);
        if (got.length !== want.length || got.some((b, i) => b !== want[i])) {
          bad++;
        }
      }
    };
    while (!stop) {
      if (cmd === "recv") {
        d.recvBatch(read);
        d.wait(10);
      }
      await new Promise((r) => setTimeout(r, cmd === "recv" ? 0 : 20));
    }
    d.recvBatch(read);
    const stats = d.stats();
    d.close();
    console.log(
      cmd === "recv" ? JSON.stringify({ ids, stats, bad }) : "closed",
    );
  } else if (cmd === "shared") {
    const d = await openDriver(adapter, {
      mode: "receive",
      xdpMatch: JSON.parse(arg),
      xdpShareable: true,
    }) as XdpDriver;
    console.log(`ready ${report(d)}`);
    const worker = new Worker(
      new URL("./drivers_xdp_share_worker.ts", import.meta.url),
      { type: "module" },
    );
    const workerStats = new Promise((resolve) =>
      worker.onmessage = (e) => resolve(e.data)
    );
    worker.postMessage({
      adapter,
      share: d.shareHandle(),
      count: Number(arg2),
      dst: Array.from(mac(arg3)),
    });
    let stop = false;
    stdinClosed().then(() => stop = true);
    const ids: number[] = [];
    let bad = 0;
    const flood: InjectCase = { id: 0, kind: "tcp4", dst: "198.18.200.9" };
    const read = (buf: Uint8Array, at: number, len: number) => {
      const e = at + len;
      const id = ((buf[e - 4] << 24) | (buf[e - 3] << 16) |
        (buf[e - 2] << 8) | buf[e - 1]) >>> 0;
      ids.push(id);
      flood.id = id;
      flood.port = 40000 + (id % 10);
      const want = buildCase(flood, mac("02:00:5a:00:00:0a"), src);
      if (want.some((b, i) => buf[at + i] !== b) || len !== want.length) bad++;
    };
    while (!stop) {
      d.recvBatch(read);
      d.wait(10);
      await new Promise((r) => setTimeout(r, 0));
    }
    d.recvBatch(read);
    const sender = await workerStats;
    const stats = d.stats();
    d.close();
    console.log(JSON.stringify({ ids, bad, stats, sender }));
  } else if (cmd === "attach-only") {
    const program = XdpProgram.load({ ipv4: "198.18.200.99" }, 1);
    const mode = program.attach(interfaceIndex("xdp", adapter), adapter);
    console.log(
      `ready ${JSON.stringify({ programId: program.id, attachMode: mode })}`,
    );
    await stdinClosed();
    program.close();
  } else if (cmd === "inject") {
    const cases = JSON.parse(arg2) as InjectCase[];
    const d = await openDriver(adapter, { mode: "send" });
    for (const c of cases) {
      while (!d.send(buildCase(c, mac(arg), src))) d.flush();
    }
    d.flush();
    console.log(JSON.stringify({ sent: cases.length }));
    d.close();
  } else if (cmd === "flood") {
    const count = Number(arg2);
    const pps = Number(arg3);
    const d = await openDriver(adapter, { mode: "send" });
    const c: InjectCase = { id: 0, kind: "tcp4", dst: "198.18.200.9", port: 0 };
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      c.id = i;
      c.port = 40000 + (i % 10);
      while (!d.send(buildCase(c, mac(arg), src))) d.flush();
      if ((i & 63) === 63) {
        d.flush();
        const ahead = (i / pps) * 1000 - (performance.now() - started);
        if (ahead > 1) Atomics.wait(sleeper, 0, 0, ahead);
      }
    }
    d.flush();
    console.log(JSON.stringify({ sent: count }));
    d.close();
  } else if (cmd === "reopen") {
    const count = Number(arg2);
    let reopened = 0;
    try {
      for (; reopened < count; reopened++) {
        const both = await openDriver(adapter, {
          mode: "both",
          xdpMatch: JSON.parse(arg),
        });
        both.close();
        (await openDriver(adapter, { mode: "send" })).close();
      }
      console.log(JSON.stringify({ reopened }));
    } catch (e) {
      console.log(
        JSON.stringify({ reopened, message: (e as Error).message }),
      );
    }
  } else if (cmd === "open" || cmd === "open-without") {
    const without = cmd === "open-without";
    const [name, match] = without ? [arg, arg2] : [adapter, arg];
    if (without) pretendMissing(adapter as "af_xdp" | "bpf");
    try {
      const d = await openDriver(name, {
        mode: match === "send" ? "send" : "both",
        xdpMatch: match === "send" ? undefined : JSON.parse(match),
      });
      console.log(JSON.stringify({ opened: true }));
      d.close();
    } catch (e) {
      console.log(
        JSON.stringify({
          name: (e as Error).name,
          message: (e as Error).message,
        }),
      );
    }
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
}

if (import.meta.main) await main();
