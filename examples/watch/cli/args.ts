/**
 * Command line of `zon watch`: options to a {@linkcode WatchConfig}, with
 * usage errors that name the argument and what was expected.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** A bad command line; the message says which argument and why. */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** What to watch and how. */
export interface WatchConfig {
  /** Driver name (`-e`). */
  driver: string;
  /** Rules file path (`--rules`), "" for none (classification only). */
  rulesPath: string;
  /** NDJSON output path (`-oD`), "-" for stdout, or null. */
  ndjsonPath: string | null;
  /** BPF filter for live drivers (`--filter`). */
  filter: string;
  /** Flow table capacity (`--flows`). */
  flows: number;
  /** Idle timeout in seconds (`--idle`). */
  idleSeconds: number;
  /** Live drivers' kernel receive buffer in MiB (`--buffer`). */
  bufferMiB: number;
  /** Decoders at once (`--decoders`). */
  maxDecoders: number;
  /** Replay a `file:` capture this many times (`--repeat`, benchmarks). */
  repeat: number;
  /** Seconds to run live before stopping, 0 = until Ctrl-C (`--seconds`). */
  seconds: number;
  /** Status line every second on stderr (`--status`/`--no-status`). */
  status: boolean | null;
  /** Print alerts on stdout (not with `--quiet`). */
  quiet: boolean;
  /** Print the final summary as one JSON line (`--summary-json`). */
  summaryJson: boolean;
  /** The matcher's skip prefilter (`--prefilter auto|on|off`). */
  prefilter: "auto" | boolean;
  /** `--help`. */
  help: boolean;
}

/** The usage text. */
export const HELP =
  `zon watch: a passive monitor. Matches content signatures across TCP
segments without reassembly, names each flow's protocol, and reports flows.

usage: zon watch -e DRIVER [--rules FILE] [options]
       ./run watch -e DRIVER [--rules FILE] [options]

  -e, --adapter DRIVER   where frames come from: file:CAPTURE.pcap (replay),
                         ring:IF (AF_PACKET ring), pcap:IF (libpcap)
  --rules FILE           rules (without: classify flows only), one per line,
                         Snort-like content rules:
      alert tcp any any -> any 80 (msg:"curl"; content:"curl/"; nocase; sid:1;)
      alert tls any any <> any any (msg:"hex"; content:"|16 03 03|"; flow:to_client; sid:2;)
  -oD FILE               alerts, gaps, overlaps and flows as NDJSON ("-": stdout)
  --filter BPF           kernel filter for live drivers (tcpdump syntax)
  --flows N              flow table capacity (default 65536); the oldest flow
                         is evicted when full, and evictions are counted
  --idle SECONDS         a flow silent this long ends (default 60)
  --decoders N           protocol decoders running at once (default 4096)
  --buffer MIB           live drivers: kernel receive ring/buffer (default 64)
  --prefilter MODE       the matcher's skip prefilter: auto (default), on, off
  --seconds N            live drivers: stop after N seconds (default: Ctrl-C)
  --repeat N             file: replay the capture N times (benchmarks)
  --status, --no-status  status line every second on stderr (default: when
                         stderr is a terminal)
  --quiet                do not print alerts on stdout
  --summary-json         print the final summary as one JSON line on stderr
  -h, --help             this text

examples:
  ./run watch -e file:capture.pcap --rules rules.txt
  ./run watch -e file:capture.pcap --rules rules.txt -oD out.ndjson --quiet
  ./run watch -e ring:eth0 --rules rules.txt --filter "tcp port 80" --status

Sequence policy: retransmitted bytes are skipped (new parts only); a segment
ahead of a hole is a gap: the hole is reported, matches across it are not
claimed. Overlaps that rewrite one of the last 16 bytes seen are reported.`;

function positiveInteger(
  name: string,
  text: string | undefined,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${name} "${text}": expected a positive integer`);
  }
  return value;
}

function parsePrefilter(text: string | undefined): "auto" | boolean {
  if (text === undefined || text === "auto") return "auto";
  if (text === "on") return true;
  if (text === "off") return false;
  throw new UsageError(`--prefilter "${text}": expected auto, on or off`);
}

/**
 * Parses `argv` (without the program name).
 *
 * @example
 * ```ts
 * import { parseWatchArgs } from "./args.ts";
 * parseWatchArgs(["-e", "file:x.pcap", "--rules", "r.txt", "-oD", "-"]).ndjsonPath; // "-"
 * ```
 */
export function parseWatchArgs(argv: readonly string[]): WatchConfig {
  // node:util parseArgs has no two-letter short options: -oD becomes --oD.
  const args = argv.map((a) => a === "-oD" ? "--oD" : a);
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        adapter: { type: "string", short: "e" },
        rules: { type: "string" },
        oD: { type: "string" },
        filter: { type: "string" },
        flows: { type: "string" },
        idle: { type: "string" },
        decoders: { type: "string" },
        buffer: { type: "string" },
        prefilter: { type: "string" },
        seconds: { type: "string" },
        repeat: { type: "string" },
        status: { type: "boolean" },
        "no-status": { type: "boolean" },
        quiet: { type: "boolean" },
        "summary-json": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.replace("--oD", "-oD"), {
      cause: e,
    });
  }
  const help = values.help === true;
  const config: WatchConfig = {
    driver: values.adapter ?? "",
    rulesPath: values.rules ?? "",
    ndjsonPath: values.oD ?? null,
    filter: values.filter ?? "",
    flows: positiveInteger("--flows", values.flows, 65536),
    idleSeconds: positiveInteger("--idle", values.idle, 60),
    maxDecoders: positiveInteger("--decoders", values.decoders, 4096),
    bufferMiB: positiveInteger("--buffer", values.buffer, 64),
    seconds: values.seconds === undefined
      ? 0
      : positiveInteger("--seconds", values.seconds, 0),
    repeat: positiveInteger("--repeat", values.repeat, 1),
    prefilter: parsePrefilter(values.prefilter),
    status: values.status ? true : values["no-status"] ? false : null,
    quiet: values.quiet === true,
    summaryJson: values["summary-json"] === true,
    help,
  };
  if (help) return config;
  if (config.driver === "") {
    throw new UsageError(
      "-e DRIVER is required (file:CAPTURE, ring:IF or pcap:IF)",
    );
  }
  if (config.flows > 1 << 26) {
    throw new UsageError(`--flows ${config.flows}: at most ${1 << 26}`);
  }
  if (config.repeat > 1 && !config.driver.startsWith("file:")) {
    throw new UsageError("--repeat applies to file: captures only");
  }
  return config;
}
