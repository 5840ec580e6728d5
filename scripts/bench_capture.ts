/**
 * Capture file reading speed, side by side in one run: zon's pcapng and
 * pcap readers (alone, and with parseFrame on every packet) next to
 * Wireshark's `capinfos -c` (wiretap reading every packet, no dissection)
 * and `tshark -T fields -e frame.len` (reading and dissecting), on the same
 * file from the page cache, rounds alternating. Prints MB/s, packets/s and
 * each peer's ratio, with /proc/loadavg.
 *
 * Process start-up is inside the peers' times: it is measured on a
 * one-packet file and printed too.
 *
 *   deno run -A scripts/bench_capture.ts [--packets 500000] [--rounds 3] [--json]
 */
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
  seconds: number;
  packets: number;
}

function zonRead(path: string, parse: boolean): Rate {
  const parsed = new ParsedFrame();
  using file = Deno.openSync(path);
  const t0 = performance.now();
  let packets = 0, sink = 0;
  for (const r of openCaptureReader(file)) {
    packets++;
    if (parse) {
      parseFrame(r.data, parsed, 0, r.capturedLength, r.linkType);
      sink += parsed.payloadEnd;
    } else sink += r.data[r.capturedLength - 1];
  }
  const seconds = (performance.now() - t0) / 1000;
  if (sink === -1) console.log(sink);
  return { seconds, packets };
}

async function peer(command: string, args: string[]): Promise<Rate> {
  const t0 = performance.now();
  const out = await new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${command} failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  const count = /Number of packets:\s+(\d+)/.exec(text);
  const packets = count ? Number(count[1]) : text.split("\n").length - 1;
  return { seconds, packets };
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "zon-bench-capture-" });
  const results: Record<string, unknown>[] = [];
  try {
    for (const format of ["pcapng", "pcap"] as const) {
      const path = `${dir}/bench.${format}`;
      {
        using file = Deno.openSync(path, { write: true, create: true });
        writeFile(createCaptureWriter(file, { format }));
      }
      const size = Deno.statSync(path).size;
      const tiny = `${dir}/tiny.${format}`;
      {
        using file = Deno.openSync(tiny, { write: true, create: true });
        writeFile(createCaptureWriter(file, { format }), 1);
      }
      const startup: number[] = [];
      const runs: Record<string, number[]> = {
        "zon read": [],
        "zon read + parseFrame": [],
        "capinfos -c -M": [],
        "tshark -T fields -e frame.len": [],
      };
      await peer("capinfos", ["-c", "-M", path]); // warm the page cache
      for (let round = 0; round < ROUNDS; round++) {
        startup.push((await peer("capinfos", ["-c", "-M", tiny])).seconds);
        const all: [string, Rate][] = [
          ["zon read", zonRead(path, false)],
          ["capinfos -c -M", await peer("capinfos", ["-c", "-M", path])],
          ["zon read + parseFrame", zonRead(path, true)],
          [
            "tshark -T fields -e frame.len",
            await peer("tshark", [
              "-n",
              "-r",
              path,
              "-T",
              "fields",
              "-e",
              "frame.len",
            ]),
          ],
        ];
        for (const [name, rate] of all) {
          if (rate.packets !== PACKETS) {
            throw new Error(
              `${name} saw ${rate.packets} of ${PACKETS} packets`,
            );
          }
          runs[name].push(rate.seconds);
        }
      }
      const zon = median(runs["zon read"]);
      for (const [name, seconds] of Object.entries(runs)) {
        const s = median(seconds);
        results.push({
          format,
          reader: name,
          megabytesPerSecond: size / s / 1e6,
          packetsPerSecond: PACKETS / s,
          zonReadSpeedup: s / zon,
        });
      }
      results.push({
        format,
        fileBytes: size,
        packets: PACKETS,
        capinfosOnePacketSeconds: median(startup),
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const load = Deno.readTextFileSync("/proc/loadavg").trim();
  if (values.json) {
    console.log(JSON.stringify({ load, rounds: ROUNDS, results }));
  } else {
    console.log(
      `load ${load}; ${PACKETS} packets, median of ${ROUNDS} alternating rounds`,
    );
    for (const r of results) {
      if (r.reader !== undefined) continue;
      console.log(
        `${r.format}: ${
          ((r.fileBytes as number) / 1e6).toFixed(1)
        } MB; capinfos on a one-packet file: ${
          ((r.capinfosOnePacketSeconds as number) * 1000).toFixed(0)
        } ms`,
      );
    }
    console.log("| file | reader | MB/s | packets/s | time ÷ zon read's |");
    console.log("| --- | --- | ---: | ---: | ---: |");
    for (const r of results) {
      if (r.reader === undefined) continue;
      console.log(
        `| ${r.format} | ${r.reader} | ${
          (r.megabytesPerSecond as number).toFixed(0)
        } | ${((r.packetsPerSecond as number) / 1e6).toFixed(2)} M | ${
          (r.zonReadSpeedup as number).toFixed(2)
        } |`,
      );
    }
  }
}
