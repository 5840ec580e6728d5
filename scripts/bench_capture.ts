/**
 * Capture file reading speed, side by side in one run: zon's pcapng and
 * pcap readers (alone, and with parseFrame on every packet) next to
 * Wireshark's `capinfos -c` (wiretap reading every packet, no dissection)
 * and `tshark -T fields -e frame.len` (reading and dissecting), on the same
 * file from the page cache, rounds alternating. Prints MB/s, packets/s and
 * each peer's ratio, with /proc/loadavg. Rates are per CPU second (user +
 * system, from `process.cpuUsage` for zon and bash's `times` for the peers):
 * on a machine shared with other jobs, CPU time moves far less than wall
 * time, which is printed too.
 *
 * Process start-up is inside the peers' times: it is measured on a
 * one-packet file and printed too.
 *
 *   deno run -A scripts/bench_capture.ts [--packets 500000] [--rounds 3] [--json]
 */
import process from "node:process";
import { parseArgs } from "node:util";
import {
  type CaptureWriter,
  createCaptureWriter,
  openCaptureReader,
} from "../drivers/mod.ts";
import {
  ParsedFrame,
  parseFrame,
  parseMac,
  TcpSynTemplate,
  UdpTemplate,
} from "../packet/mod.ts";

const { values } = parseArgs({
  options: {
    packets: { type: "string", default: "500000" },
    rounds: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
  },
});
const PACKETS = Number(values.packets);
const ROUNDS = Number(values.rounds);

/** SYNs and UDP datagrams of 0–1400 payload bytes, like a scan's replies. */
function writeFile(writer: CaptureWriter, packets: number = PACKETS): void {
  const common = {
    sourceMac: parseMac("02:00:00:00:00:01"),
    routerMac: parseMac("02:00:00:00:00:02"),
    sourceIp: 0xc6120001,
  };
  const tcp = new TcpSynTemplate(common);
  const payloads = Array.from(
    { length: 64 },
    (_, i) => new Uint8Array((i * 1409) % 1401),
  );
  const udp = new UdpTemplate({ ...common, payload: (p) => payloads[p & 63] });
  const buf = new Uint8Array(2048);
  for (let i = 0; i < packets; i++) {
    const length = i % 3 === 0
      ? tcp.write(buf, 0, 0xc6120000 + (i & 0xffff), 80, i)
      : udp.write(buf, 0, 0xc6120000 + (i & 0xffff), i & 0xffff, i);
    writer.write(buf, 1_764_600_000_000_000 + i, 0, length);
  }
  writer.flush();
}

interface Rate {
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds (user + system): what a loaded machine disturbs least. */
  cpu: number;
  packets: number;
}

function zonRead(path: string, parse: boolean): Rate {
  const parsed = new ParsedFrame();
  using file = Deno.openSync(path);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let packets = 0, sink = 0;
  for (const r of openCaptureReader(file)) {
    packets++;
    if (parse) {
      parseFrame(r.data, parsed, 0, r.capturedLength, r.linkType);
      sink += parsed.payloadEnd;
    } else sink += r.data[r.capturedLength - 1];
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (sink === -1) console.log(sink);
  return { seconds, cpu: (cpu.user + cpu.system) / 1e6, packets };
}

/** Run a peer under bash, whose `times` gives the child's CPU seconds. */
async function peer(command: string, args: string[]): Promise<Rate> {
  const t0 = performance.now();
  const out = await new Deno.Command("bash", {
    args: [
      "-c",
      '"$@"; status=$?; times >&2; exit $status',
      "_",
      command,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const text = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${command} failed: ${stderr}`);
  // The last line of `times`: the children's user and system time.
  const times = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr);
  if (times === null) throw new Error(`no CPU times in: ${stderr}`);
  const cpu = Number(times[1]) * 60 + Number(times[2]) +
    Number(times[3]) * 60 + Number(times[4]);
  const count = /Number of packets:\s+(\d+)/.exec(text);
  const packets = count ? Number(count[1]) : text.split("\n").length - 1;
  return { seconds, cpu, packets };
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const TSHARK = ["-n", "-T", "fields", "-e", "frame.len", "-r"];

/** Every reader on one file, rounds alternating: wall and CPU seconds. */
async function measure(
  path: string,
  tiny: string,
): Promise<{ runs: Record<string, Rate[]>; startup: number[] }> {
  const runs: Record<string, Rate[]> = {
    "zon read": [],
    "zon read + parseFrame": [],
    "capinfos -c -M": [],
    "tshark -T fields -e frame.len": [],
  };
  const startup: number[] = [];
  await peer("capinfos", ["-c", "-M", path]); // warm the page cache
  for (let round = 0; round < ROUNDS; round++) {
    startup.push((await peer("capinfos", ["-c", "-M", tiny])).cpu);
    const all: [string, Rate][] = [
      ["zon read", zonRead(path, false)],
      ["capinfos -c -M", await peer("capinfos", ["-c", "-M", path])],
      ["zon read + parseFrame", zonRead(path, true)],
      [
        "tshark -T fields -e frame.len",
        await peer("tshark", [...TSHARK, path]),
      ],
    ];
    for (const [name, rate] of all) {
      if (rate.packets !== PACKETS) {
        throw new Error(`${name} saw ${rate.packets} of ${PACKETS} packets`);
      }
      runs[name].push(rate);
    }
  }
  return { runs, startup };
}

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "zon-bench-capture-" });
  const loadBefore = Deno.readTextFileSync("/proc/loadavg").trim();
  const results: Record<string, unknown>[] = [];
  try {
    for (const format of ["pcapng", "pcap"] as const) {
      const path = `${dir}/bench.${format}`;
      const tiny = `${dir}/tiny.${format}`;
      for (const [file, packets] of [[path, PACKETS], [tiny, 1]] as const) {
        using out = Deno.openSync(file, { write: true, create: true });
        writeFile(createCaptureWriter(out, { format }), packets);
      }
      const size = Deno.statSync(path).size;
      const { runs, startup } = await measure(path, tiny);
      const zonCpu = Math.min(...runs["zon read"].map((r) => r.cpu));
      for (const [name, rates] of Object.entries(runs)) {
        const cpu = Math.min(...rates.map((r) => r.cpu));
        results.push({
          format,
          reader: name,
          fileBytes: size,
          megabytesPerCpuSecond: size / cpu / 1e6,
          packetsPerCpuSecond: PACKETS / cpu,
          cpuOverZonRead: cpu / zonCpu,
          wallSecondsMedian: median(rates.map((r) => r.seconds)),
          startupCpuSeconds: name.startsWith("zon") ? 0 : median(startup),
        });
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const loadAfter = Deno.readTextFileSync("/proc/loadavg").trim();
  if (values.json) {
    console.log(
      JSON.stringify({ loadBefore, loadAfter, rounds: ROUNDS, results }),
    );
  } else {
    console.log(`load before: ${loadBefore}; after: ${loadAfter}`);
    console.log(
      `${PACKETS} packets per file; best CPU time (user + system) of ${ROUNDS} alternating rounds; ` +
        `capinfos on a one-packet file: ${
          ((results[2].startupCpuSeconds as number) * 1000).toFixed(0)
        } ms CPU`,
    );
    console.log(
      "| file | reader | MB per CPU s | packets per CPU s | CPU ÷ zon read's | wall s (median) |",
    );
    console.log("| --- | --- | ---: | ---: | ---: | ---: |");
    for (const r of results) {
      const mb = ((r.fileBytes as number) / 1e6).toFixed(1);
      console.log(
        `| ${r.format} (${mb} MB) | ${r.reader} | ${
          (r.megabytesPerCpuSecond as number).toFixed(0)
        } | ${((r.packetsPerCpuSecond as number) / 1e6).toFixed(2)} M | ${
          (r.cpuOverZonRead as number).toFixed(2)
        } | ${(r.wallSecondsMedian as number).toFixed(3)} |`,
      );
    }
  }
}
