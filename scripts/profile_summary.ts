/**
 * The numbers of `./run profile`: which thread is which, the transmit
 * thread's kernel/user split and top functions by self time, and cycles per
 * packet; written as `summary.md`.
 *
 * @module
 */
import type { Frame, Sample } from "./profile_collapse.ts";
import type { ThreadCpu } from "./profile_link.ts";

/** What a thread does. */
export type ThreadRole = "transmit" | "receive" | "main" | "other";

const TRANSMIT =
  /transmit_worker\.ts|^packet_sendmsg$|^__sys_sendto$|^tpacket_snd$/;
const RECEIVE =
  /receive_worker\.ts|^packet_recvmsg$|^__sys_recvfrom$|^packet_poll$|^do_sys_poll$|^tpacket_rcv$/;

/**
 * Names each sampled thread: the transmit thread is the one with the most
 * samples in the scanner's transmit Worker or in the kernel's send path
 * (masscan's binary is stripped, so its own frames have no names), the
 * receive thread likewise for the receive path, the main thread is the one
 * whose id is the process id.
 *
 * @example
 * ```ts
 * import { threadRoles } from "./profile_summary.ts";
 * const roles = threadRoles([{
 *   comm: "worker-2", pid: 1, tid: 3, period: 1,
 *   frames: [{ name: "packet_sendmsg", kind: "kernel" }],
 * }]);
 * console.log(roles.get(3)); // "transmit"
 * ```
 */
export function threadRoles(samples: Sample[]): Map<number, ThreadRole> {
  const score = (re: RegExp) => {
    const by = new Map<number, number>();
    for (const s of samples) {
      if (s.frames.some((f) => re.test(f.name))) {
        by.set(s.tid, (by.get(s.tid) ?? 0) + 1);
      }
    }
    return [...by.entries()].sort((a, b) => b[1] - a[1]);
  };
  const roles = new Map<number, ThreadRole>();
  for (const s of samples) {
    if (!roles.has(s.tid)) roles.set(s.tid, s.tid === s.pid ? "main" : "other");
  }
  const tx = score(TRANSMIT).find(([tid]) => roles.get(tid) !== "main");
  if (tx) roles.set(tx[0], "transmit");
  const rx = score(RECEIVE).find(([tid]) => roles.get(tid) === "other");
  if (rx) roles.set(rx[0], "receive");
  return roles;
}

/** One function's self time in a thread. */
export interface SelfTime {
  /** Function name as the collapser names it. */
  name: string;
  /** Samples. */
  samples: number;
  /** % of the thread's samples. */
  share: number;
}

/** One thread's split and top functions. */
export interface ThreadProfile {
  /** Thread id. */
  tid: number;
  /** Samples. */
  samples: number;
  /** % of the thread's sample periods with a kernel leaf frame. */
  kernelShare: number;
  /** Kernel functions by self samples, most first. */
  topKernel: SelfTime[];
  /** User-space functions (JIT, native, unnamed) by self samples. */
  topUser: SelfTime[];
  /** % of the thread's samples with each of {@link PATHS} anywhere in the stack. */
  inclusive: number[];
}

/**
 * Where the transmit thread's time goes, inclusive (a sample counts for
 * every row whose function is anywhere in its stack, so rows overlap): the
 * article's marked kernel functions and what a veth adds.
 */
export const PATHS: [string, (f: Frame) => boolean][] = [
  [
    "in a syscall (`entry_SYSCALL_64*`)",
    (f) => /^entry_SYSCALL_64/.test(f.name),
  ],
  ["`packet_sendmsg` (AF_PACKET send)", (f) => f.name === "packet_sendmsg"],
  [
    "`sock_alloc_send_pskb` (sk_buff allocation)",
    (f) => f.name === "sock_alloc_send_pskb",
  ],
  [
    "`dev_queue_xmit_nit` (a copy to each packet tap)",
    (f) => f.name === "dev_queue_xmit_nit",
  ],
  [
    "`veth_xmit` (the veth hands the frame over)",
    (f) => f.name === "veth_xmit",
  ],
  [
    "`net_rx_action` (the peer's receive, in softirq on this CPU)",
    (f) => f.name === "net_rx_action",
  ],
  [
    "`consume_skb`, `kfree_skb*`, `skb_release_*` (freeing sk_buffs)",
    (f) =>
      /^(consume_skb|kfree_skb\w*|__kfree_skb|skb_release_\w+|napi_consume_skb|skb_defer_free_flush)$/
        .test(f.name),
  ],
  ["JavaScript (any JIT frame)", (f) => f.kind === "jit"],
];

/**
 * The kernel share (by period, as `perf report` weighs samples) and the top
 * `n` kernel and user functions by self time of the samples of `tid`.

 *
 * @example
 * ```ts
 * import { threadProfile } from "./profile_summary.ts";
 * const p = threadProfile([{
 *   comm: "t", pid: 1, tid: 2, period: 1000,
 *   frames: [{ name: "veth_xmit", kind: "kernel" }],
 * }], 2);
 * console.log(p.kernelShare); // 100
 * ```
 */
export function threadProfile(
  samples: Sample[],
  tid: number,
  n = 10,
): ThreadProfile {
  let all = 0, kernel = 0, count = 0;
  const selfK = new Map<string, number>(), selfU = new Map<string, number>();
  for (const s of samples) {
    if (s.tid !== tid) continue;
    count++;
    all += s.period;
    const leaf = s.frames[0];
    const isKernel = leaf?.kind === "kernel";
    if (isKernel) kernel += s.period;
    const name = leaf?.name ?? "[no stack]";
    const into = isKernel ? selfK : selfU;
    into.set(name, (into.get(name) ?? 0) + 1);
  }
  const top = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, n)
      .map(([name, k]) => ({
        name,
        samples: k,
        share: count ? k / count * 100 : 0,
      }));
  return {
    tid,
    samples: count,
    kernelShare: all ? kernel / all * 100 : 0,
    topKernel: top(selfK),
    topUser: top(selfU),
    inclusive: PATHS.map(([, match]) => {
      let n = 0;
      for (const s of samples) if (s.tid === tid && s.frames.some(match)) n++;
      return count ? n / count * 100 : 0;
    }),
  };
}

/** Everything measured about one sender. */
export interface SenderResult {
  /** The `--drivers` name. */
  driver: string;
  /** Name in tables. */
  label: string;
  /** The sender's process id. */
  pid: number;
  /** Frames the peer's interface counted over the window, per second. */
  framesPerSecond: number;
  /** Frames the peer counted over the window. */
  packets: number;
  /** Length of the sampled window. */
  windowSeconds: number;
  /** /proc/loadavg before the window. */
  load: string;
  /** CPU by thread over the window. */
  cpu: ThreadCpu[];
  /** What each sampled thread does. */
  roles: Map<number, ThreadRole>;
  /** The transmit thread's profile (null if none was found). */
  transmit: ThreadProfile | null;
  /** CPU clock, MHz. */
  mhz: number;
  /** Syscalls per frame delivered, from `perf stat` over 1 s after the sampled window. */
  syscalls: { sendto: number; all: number } | null;
  /** Output files, relative to `--out`. */
  files: { svg: string; folded: string; data: string };
}

/** Cycles per packet of the transmit thread, and of the whole process. */
export function cyclesPerPacket(r: SenderResult): {
  kernel: number;
  user: number;
  total: number;
  process: number;
} {
  const tx = r.cpu.find((t) => t.tid === r.transmit?.tid);
  const busy = tx ? (tx.user + tx.system) * r.windowSeconds : NaN;
  const perPacket = (seconds: number) => r.mhz * 1e6 * seconds / r.packets;
  const total = perPacket(busy);
  const k = (r.transmit?.kernelShare ?? NaN) / 100;
  const processBusy = r.cpu.reduce((a, t) => a + t.user + t.system, 0) *
    r.windowSeconds;
  return {
    kernel: total * k,
    user: total * (1 - k),
    total,
    process: perPacket(processBusy),
  };
}

function roleOf(r: SenderResult, tid: number): string {
  if (tid === r.pid) return "main";
  const role = r.roles.get(tid);
  return role && role !== "other" ? role : "";
}

/** Summary as Markdown: the table across senders, then each sender's top functions. */
export function summaryMarkdown(
  results: SenderResult[],
  header: {
    command: string;
    event: string;
    frequency: number;
    seconds: number;
    cpu: string;
    link: string;
    /** The V8 flags zon ran with. */
    v8Flags: string;
  },
): string {
  const out: string[] = [];
  out.push(`# Where the cycles go`, "");
  out.push(
    `Command: \`${header.command}\`; event ${header.event}, ${header.frequency} Hz, ` +
      `${header.seconds} s per sender after its first frames and a 1 s warm-up; CPU ${header.cpu}.`,
    "",
    `Link: a veth pair between two namespaces; sender side: ${header.link}.`,
    "",
    `zon ran with \`--v8-flags=${header.v8Flags}\`${
      header.v8Flags.includes("no-turbo-inlining")
        ? " (every stage its own frame; without inlining zon's user-space code costs more than as shipped: compare `--inline`)"
        : " (V8's inlining on, as shipped: stages called from `transmit` are part of its frame)"
    }.`,
    "",
  );
  out.push(
    "| sender | frames/s at the peer | CPU by thread (cores) | transmit thread: kernel / user | cycles per packet, transmit thread (kernel + user) | whole process | load |",
    "| --- | ---: | --- | ---: | ---: | ---: | --- |",
  );
  for (const r of results) {
    const c = cyclesPerPacket(r);
    // Every thread perf named, the main thread, and any other busy one.
    const threads = r.cpu.filter((t) =>
      roleOf(r, t.tid) !== "" || t.user + t.system >= 0.01
    ).map((t) => {
      const role = roleOf(r, t.tid);
      return `${role || t.comm} ${(t.user + t.system).toFixed(2)}`;
    }).join(", ");
    const k = r.transmit?.kernelShare ?? NaN;
    out.push(
      `| ${r.label} | ${
        (r.framesPerSecond / 1000).toFixed(1)
      } k | ${threads} | ` +
        `${k.toFixed(1)}% / ${(100 - k).toFixed(1)}% | ${c.total.toFixed(0)} ` +
        `(${c.kernel.toFixed(0)} + ${c.user.toFixed(0)}) | ${
          c.process.toFixed(0)
        } | ${r.load} |`,
    );
  }
  out.push(
    "",
    "Cycles per packet: CPU MHz × busy CPU seconds (/proc, user + system) ÷ frames the peer counted; " +
      "split by the share of the transmit thread's perf samples whose leaf frame is in the kernel.",
  );
  out.push(...inclusiveTable(results));
  for (const r of results) {
    if (!r.transmit) continue;
    out.push(
      "",
      `## ${r.label}: transmit thread ${r.transmit.tid}, ${r.transmit.samples} samples`,
      "",
      "| # | kernel function (self) | share | user function (self) | share |",
      "| ---: | --- | ---: | --- | ---: |",
    );
    for (let i = 0; i < 10; i++) {
      const k = r.transmit.topKernel[i], u = r.transmit.topUser[i];
      out.push(
        `| ${i + 1} | ${k ? `\`${cell(k.name)}\`` : ""} | ${
          k ? `${k.share.toFixed(1)}%` : ""
        } | ` +
          `${u ? `\`${cell(u.name)}\`` : ""} | ${
            u ? `${u.share.toFixed(1)}%` : ""
          } |`,
      );
    }
    out.push("", `Files: ${r.files.svg}, ${r.files.folded}, ${r.files.data}`);
  }
  return out.join("\n") + "\n";
}

/** A Markdown table cell: `|` would end it. */
function cell(s: string): string {
  return s.replace(/\|/g, "\\|");
}

/** The transmit threads side by side: inclusive shares and syscalls per frame. */
function inclusiveTable(results: SenderResult[]): string[] {
  const withTx = results.filter((r) => r.transmit);
  if (withTx.length === 0) return [];
  const out = [
    "",
    "Transmit thread, % of its samples with the function anywhere in the stack (rows overlap):",
    "",
    `| | ${withTx.map((r) => r.label).join(" | ")} |`,
    `| --- | ${withTx.map(() => "---:").join(" | ")} |`,
  ];
  PATHS.forEach(([label], i) => {
    out.push(
      `| ${label} | ${
        withTx.map((r) => `${r.transmit!.inclusive[i].toFixed(1)}%`).join(" | ")
      } |`,
    );
  });
  const per = (f: (s: { sendto: number; all: number }) => number) =>
    withTx.map((r) => r.syscalls ? f(r.syscalls).toFixed(3) : "n/a").join(
      " | ",
    );
  out.push(
    `| \`sendto\` calls per frame (\`perf stat\`, 1 s after) | ${
      per((s) => s.sendto)
    } |`,
    `| syscalls per frame (\`raw_syscalls:sys_enter\`) | ${
      per((s) => s.all)
    } |`,
  );
  return out;
}
