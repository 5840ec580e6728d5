/**
 * zon watch side by side with its peers, one run, rounds alternating:
 *
 * 1. Throughput on one large capture (the lab's traffic, copied with a
 *    new client address per copy, so every copy is new flows): zon watch
 *    with 100 and 1,000 content rules vs `ngrep` with the same strings as
 *    one alternation, and `ndpiReader` (classification only). Wall time of
 *    each whole process (startup included), as Gbit/s and packets/s.
 * 2. Live on a veth pair: a `ring:` sender replays the lab's frames as fast
 *    as it can; zon watch (`ring:`) and `tcpdump -w /dev/null` each count
 *    what they received and the kernel's drops.
 *
 *   deno run -A scripts/bench_watch.ts [--megabytes 256] [--rounds 3] [--seconds 5]
 */
import { parseArgs } from "node:util";
import { PcapReader, PcapWriter } from "../drivers/mod.ts";
import {
  captureTraffic,
  labTraffic,
  sh,
  withWatchLab,
} from "../tests/helpers/watch_lab.ts";
import { seededRandom } from "../tests/helpers/watch_resegment.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    megabytes: { type: "string", default: "256" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "5" },
    only: { type: "string", default: "" },
    buffer: { type: "string", default: "64" },
  },
});
const MEGABYTES = Number(values.megabytes);
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const DENO = Deno.execPath();
const WATCH = new URL("../examples/watch.ts", import.meta.url).pathname;
const SENDER =
  new URL("../tests/helpers/watch_ring_sender.ts", import.meta.url).pathname;
const SIGNATURES = ["ZONSIG-ALPHA", "zonsig-beta", "watch.example"];

const loadavg = () => Deno.readTextFileSync("/proc/loadavg").trim();

/** `count` random words plus the lab's signatures, as rules and as an ngrep regex. */
function ruleSet(count: number): { rules: string; regex: string } {
  const rand = seededRandom(count);
  const words = [...SIGNATURES];
  while (words.length < count) {
    let w = "";
    for (let n = rand(8, 12); n > 0; n--) {
      w += "abcdefghijklmnopqrstuvwxyz0123456789"[rand(0, 35)];
    }
    words.push(w);
  }
  const rules = words.map((w, i) =>
    `alert tcp any any <> any any (msg:"w${i}"; content:"${w}"; sid:${i + 1};)`
  ).join("\n");
  return { rules, regex: words.map((w) => w.replace(/[.]/g, "\\.")).join("|") };
}

/** Copies the IPv4 frames of `small` until `bytes`, one client address per copy. */
function bigCapture(small: string, big: string, bytes: number): number {
  const frames: Uint8Array[] = [];
  const file = Deno.openSync(small, { read: true });
  const reader = new PcapReader(file);
  for (let r = reader.next(); r !== null; r = reader.next()) {
    const f = r.data.slice(0, r.capturedLength);
    if (f.length > 34 && f[12] === 8 && f[13] === 0) frames.push(f);
  }
  file.close();
  const out = Deno.openSync(big, { write: true, create: true, truncate: true });
  const writer = new PcapWriter(out);
  let written = 0;
  let packets = 0;
  for (let copy = 1; written < bytes; copy++) {
    for (const f of frames) {
      const at = f[26] === 198 && f[27] === 18 && f[29] === 1 ? 26 : 30;
      const g = f.slice();
      g[at] = 198;
      g[at + 1] = 19;
      g[at + 2] = (copy >>> 8) & 255;
      g[at + 3] = copy & 255;
      writer.write(g, copy * 1000);
      written += g.length;
      packets++;
    }
  }
  writer.flush();
  out.close();
  return packets;
}

async function timed(
  cmd: string[],
): Promise<{ seconds: number; stdout: string; stderr: string }> {
  const t0 = performance.now();
  const out = await sh(cmd, false);
  return { seconds: (performance.now() - t0) / 1000, ...out };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function throughput(
  dir: string,
  big: string,
  packets: number,
  frameBytes: number,
) {
  console.log(
    `\n## Throughput: ${big} (${
      (frameBytes / 1e6).toFixed(0)
    } MB, ${packets} packets), ${ROUNDS} rounds, median wall time`,
  );
  console.log(`loadavg before: ${loadavg()}`);
  const rows: string[] = [];
  for (const count of [100, 1000]) {
    const { rules, regex } = ruleSet(count);
    await Deno.writeTextFile(`${dir}/rules-${count}.txt`, rules);
    const times: Record<string, number[]> = {
      zon: [],
      zonNoPrefilter: [],
      ngrep: [],
      zonClassify: [],
      ndpiReader: [],
    };
    let zonAlerts = 0;
    let ngrepPackets = 0;
    const zonArgs = [DENO, "run", "-A", WATCH, "-e", `file:${big}`];
    const zonRun = async (extra: string[]) => {
      const z = await timed([
        ...zonArgs,
        ...extra,
        "--quiet",
        "--summary-json",
      ]);
      const line = z.stderr.split("\n").find((l) => l.includes('"summary"'));
      if (line === undefined) throw new Error(`zon watch failed:\n${z.stderr}`);
      return { seconds: z.seconds, summary: JSON.parse(line) };
    };
    for (let round = 0; round < ROUNDS; round++) {
      const z = await zonRun(["--rules", `${dir}/rules-${count}.txt`]);
      times.zon.push(z.seconds);
      zonAlerts = z.summary.alerts;
      const off = await zonRun([
        "--rules",
        `${dir}/rules-${count}.txt`,
        "--prefilter",
        "off",
      ]);
      times.zonNoPrefilter.push(off.seconds);
      const n = await timed(["ngrep", "-q", "-I", big, "-t", regex, "tcp"]);
      times.ngrep.push(n.seconds);
      ngrepPackets = n.stdout.split("\n").filter((l) =>
        l.startsWith("T ")
      ).length;
      if (count === 100) {
        times.zonClassify.push((await zonRun([])).seconds);
        const d = await timed(["ndpiReader", "-i", big, "-q"]);
        times.ndpiReader.push(d.seconds);
      }
    }
    const row = (name: string, ts: number[], zonTs: number[]) => {
      const t = median(ts);
      rows.push(
        `| ${name} | ${t.toFixed(2)} | ${
          (frameBytes * 8 / t / 1e9).toFixed(2)
        } | ${(packets / t / 1e6).toFixed(3)} | ${
          (t / median(zonTs)).toFixed(2)
        }× |`,
      );
    };
    row(`zon watch, ${count} rules`, times.zon, times.zon);
    row(
      `zon watch, ${count} rules, --prefilter off`,
      times.zonNoPrefilter,
      times.zon,
    );
    row(`ngrep, the same ${count} strings`, times.ngrep, times.zon);
    if (count === 100) {
      row(
        "zon watch, no rules (classify)",
        times.zonClassify,
        times.zonClassify,
      );
      row("ndpiReader (classify)", times.ndpiReader, times.zonClassify);
    }
    console.log(
      `${count} rules: zon ${zonAlerts} alerts; ngrep ${ngrepPackets} matching packets`,
    );
  }
  console.log(`loadavg after: ${loadavg()}`);
  console.log(
    "\n| run | seconds (wall, median) | Gbit/s | Mpackets/s | time / zon's |",
  );
  console.log("|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}

async function live(small: string, dir: string) {
  const tag = `${Deno.pid.toString(36)}`;
  const nsA = `zon-h20-${tag}-tx`;
  const nsB = `zon-h20-${tag}-rx`;
  const ifA = `zwb${tag}a`.slice(0, 15);
  const ifB = `zwb${tag}b`.slice(0, 15);
  await Deno.writeTextFile(`${dir}/rules-live.txt`, ruleSet(100).rules);
  try {
    for (const ns of [nsA, nsB]) await sh(["ip", "netns", "add", ns]);
    await sh([
      "ip",
      "link",
      "add",
      ifA,
      "netns",
      nsA,
      "type",
      "veth",
      "peer",
      "name",
      ifB,
      "netns",
      nsB,
    ]);
    for (const [ns, dev] of [[nsA, ifA], [nsB, ifB]]) {
      await sh([
        "ip",
        "netns",
        "exec",
        ns,
        "sysctl",
        "-qw",
        "net.ipv6.conf.all.disable_ipv6=1",
      ]);
      await sh(["ip", "-n", ns, "link", "set", dev, "up"]);
    }
    console.log(
      `\n## Live: ring: sender at full speed on a veth pair, ${SECONDS} s per round, ${ROUNDS} rounds each, alternating; receive buffers ${values.buffer} MiB (zon --buffer, tcpdump -B)`,
    );
    console.log(`loadavg before: ${loadavg()}`);
    console.log(
      "\n| round | receiver | sent | received | dropped | sender Mpps |",
    );
    console.log("|---|---|---|---|---|---|");
    for (let round = 1; round <= ROUNDS; round++) {
      for (const receiver of ["zon", "tcpdump"]) {
        const rx = receiver === "zon"
          ? new Deno.Command("ip", {
            args: [
              "netns",
              "exec",
              nsB,
              DENO,
              "run",
              "-A",
              WATCH,
              "-e",
              `ring:${ifB}`,
              "--rules",
              `${dir}/rules-live.txt`,
              "--quiet",
              "--summary-json",
              "--buffer",
              values.buffer!,
            ],
            stdout: "null",
            stderr: "piped",
          }).spawn()
          : new Deno.Command("ip", {
            args: [
              "netns",
              "exec",
              nsB,
              "tcpdump",
              "-i",
              ifB,
              "-w",
              "/dev/null",
              "-s",
              "0",
              "-B",
              String(Number(values.buffer) * 1024),
            ],
            stdout: "null",
            stderr: "piped",
          }).spawn();
        const reader = rx.stderr.getReader();
        let said = "";
        const ready = receiver === "zon"
          ? "zon watch: reading"
          : "listening on";
        while (!said.includes(ready)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(said);
          said += new TextDecoder().decode(value);
        }
        const tx = await sh([
          "ip",
          "netns",
          "exec",
          nsA,
          DENO,
          "run",
          "-A",
          SENDER,
          `ring:${ifA}`,
          small,
          String(SECONDS),
        ]);
        const sent = JSON.parse(tx.stdout.trim().split("\n").pop()!);
        await new Promise((r) => setTimeout(r, 500));
        rx.kill("SIGINT");
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          said += new TextDecoder().decode(value);
        }
        await rx.status;
        let received: number, dropped: number;
        if (receiver === "zon") {
          const s = JSON.parse(
            said.split("\n").find((l) => l.includes('"summary"'))!,
          );
          received = s.packets;
          dropped = s.ringDrops;
        } else {
          received = Number(/(\d+) packets captured/.exec(said)?.[1]);
          dropped = Number(/(\d+) packets dropped by kernel/.exec(said)?.[1]);
        }
        console.log(
          `| ${round} | ${receiver} | ${sent.sent} | ${received} | ${dropped} | ${
            (sent.sent / sent.seconds / 1e6).toFixed(3)
          } |`,
        );
      }
    }
    console.log(`loadavg after: ${loadavg()}`);
  } finally {
    await sh(["ip", "netns", "del", nsA], false);
    await sh(["ip", "netns", "del", nsB], false);
  }
}

const dir = await Deno.makeTempDir({ prefix: "zon-h20-bench-" });
try {
  const small = `${dir}/lab.pcap`;
  await withWatchLab((lab) =>
    captureTraffic(lab, small, () => labTraffic(lab))
  );
  const big = `${dir}/big.pcap`;
  const packets = bigCapture(
    small,
    big,
    values.only === "live" ? 1e6 : MEGABYTES * 1e6,
  );
  const frameBytes = Deno.statSync(big).size - 24 - packets * 16;
  console.log(
    `zon watch benchmark, ${
      new Date().toISOString()
    }, ${navigator.hardwareConcurrency} cores`,
  );
  if (values.only !== "live") await throughput(dir, big, packets, frameBytes);
  if (values.only !== "throughput") await live(small, dir);
} finally {
  await Deno.remove(dir, { recursive: true });
}
