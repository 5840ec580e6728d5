/**
 * Command-line and configuration-file parsing for examples/scan.ts:
 * masscan's flags mapped onto a plain {@link ScanConfig}, with errors that
 * name the bad argument and say what was expected. One option table drives
 * the command line (`node:util` parseArgs), `-c FILE` / `--resume FILE`
 * (masscan's `key = value` files) and `--echo`, so the three cannot drift.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parseShard, type Shard, TargetText } from "../../../blackrock/mod.ts";
import { type ConfEntry, formatConf, parseConf } from "./conf_file.ts";
import { isInputError, isIoError, UsageError } from "./errors.ts";

export { HELP } from "./help.ts";
export { isInputError, isIoError, UsageError } from "./errors.ts";
import { checkSourcePorts } from "../engine/plan.ts";
import { MAX_TX_WORKERS } from "../engine/shared.ts";
import { ScanEngineError } from "../engine/types.ts";

/** Output formats (`-oJ` ... `-oG`). */
export type OutputFormat = "json" | "ndjson" | "list" | "xml" | "grepable";

/** One requested output: a format and a path (`-` is stdout). */
export interface OutputRequest {
  /** The format. */
  format: OutputFormat;
  /** Where to write (`-` for stdout). */
  path: string;
}

/** What the user asked for. */
export interface ScanConfig {
  /** `-sL`: print the targets in scan order and send nothing. */
  listScan: boolean;
  /**
   * Target items (positional, `--range`); an `-iL` file as one TargetText
   * (read in place by TargetSet: no string per line for huge lists).
   */
  include: Array<string | TargetText>;
  /** Excluded items (`--exclude`); an `--excludefile` as one TargetText. */
  exclude: Array<string | TargetText>;
  /** Whether the user gave any exclude (needed to scan more than a /8). */
  excludeGiven: boolean;
  /** Port specification (`-p`), masscan syntax. */
  ports: string;
  /** `--ping`: ICMP echo probes. */
  ping: boolean;
  /** Permutation seed (random when not given). */
  seed: bigint;
  /** Whether `--seed` was given. */
  seedGiven: boolean;
  /** Shard of the scan. */
  shard: Shard;
  /** Packets per second (`--rate`). */
  rate: number;
  /** Upper bound for the rate (`--max-rate`), if any. */
  maxRate?: number;
  /** `--retries N`: N+1 probes per target in all. */
  retries: number;
  /** `--tx-workers N|auto`: transmit Workers (auto resolved here). */
  txWorkers: number;
  /** `tx-worker-progress = a,b,...` of a paused.conf: each Worker's resume point. */
  txWorkerProgress?: number[];
  /** `--wait N`: seconds to wait for replies after the last probe. */
  wait: number;
  /** `--ttl`. */
  ttl: number;
  /** `--source-port N` or `N-M`. */
  sourcePort?: { first: number; count: number };
  /** `-e/--adapter`, with an optional driver prefix (`ring:eth0`). */
  adapter?: string;
  /** `--adapter-ip` (IPv4 and/or IPv6: repeat the flag or separate with commas). */
  adapterIp?: string;
  /** `--adapter-mac`. */
  adapterMac?: string;
  /** `--router-mac` (for IPv4 and, unless `--router-mac-ipv6`, IPv6). */
  routerMac?: string;
  /** `--router-mac-ipv6`. */
  routerMacIpv6?: string;
  /** `--router-ip`. */
  routerIp?: string;
  /** Scan index to start from (`resume-index` of a paused.conf). */
  resumeIndex: number;
  /**
   * `resume-total` of a paused.conf: how many probes the paused scan had.
   * A resumed scan with another count has another index space (other
   * targets, ports, shard, retries or UDP payloads), so its resume-index
   * would skip or repeat probes: the engine refuses it.
   */
  resumeTotal?: number;
  /** `--offline`: transmit into the null driver. */
  offline: boolean;
  /** `--stats`: with --offline, print the per-stage budget as JSON. */
  stats: boolean;
  /** `--pcap FILE`: write every received frame. */
  pcap?: string;
  /** `-oJ/-oD/-oL/-oX/-oG`. */
  outputs: OutputRequest[];
  /** `--show closed`: also report closed ports. */
  showClosed: boolean;
  /** `--status` / `--no-status`: force the status line on or off. */
  status?: boolean;
  /** `--allow-large-scan`: scan more than a /8 without an exclude. */
  allowLargeScan: boolean;
  /** `--banners`. */
  banners: boolean;
  /** `--connection-timeout` seconds (banners). */
  connectionTimeout: number;
  /** `--hello-file PORT:FILE` (banners). */
  helloFiles: string[];
  /** `--http-user-agent` (banners). */
  httpUserAgent?: string;
  /** `--http-header "Name: value"` (banners). */
  httpHeaders: string[];
  /** `--lab`: run the built-in lab. */
  lab: boolean;
  /** `--resume FILE` was given: outputs are continued, not overwritten. */
  resumed: boolean;
  /** `--append-output`: keep what existing output files hold. */
  appendOutput: boolean;
  /** `--debug`: stack traces for internal errors. */
  debug: boolean;
  /** `--echo`: print the configuration and exit. */
  echo: boolean;
  /** `--help`. */
  help: boolean;
  /** `--emit slurm|k8s`: print a job running the scan's shards, and exit. */
  emit?: "slurm" | "k8s";
  /** `--merge`: merge the shard outputs named by the positionals. */
  merge: boolean;
  /** With `--merge`: the shards' `-oD` files or directories (the positionals). */
  mergeInputs: string[];
  /** `--emit` options (examples/scan/cluster/). */
  cluster: ClusterJobOptions;
}

/** The `--emit` options: the job's shape (see examples/scan/cluster/). */
export interface ClusterJobOptions {
  /** `--shards N`: array tasks / completions (0 when not given). */
  shards: number;
  /** `--job-name` (default zon-scan). */
  name: string;
  /** `--parallelism P`: tasks at once. */
  parallelism?: number;
  /** `--output-dir DIR`: where the tasks write their -oD files. */
  outputDir?: string;
  /** `--exec-prefix CMD`: what each Slurm task runs the scanner under. */
  execPrefix?: string;
  /** `--deno PATH`: the Deno binary the tasks run. */
  deno?: string;
  /** `--image IMG` (k8s). */
  image?: string;
  /** `--program PATH`: the scanner's path on the nodes. */
  program?: string;
}

/** A bad command line or config file: names the argument and the expectation. */
interface OptionSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
}

/** Every option, by long name (also its key in configuration files). */
const OPTIONS: Record<string, OptionSpec> = {
  "list-scan": { type: "boolean" },
  ports: { type: "string", short: "p", multiple: true },
  ping: { type: "boolean" },
  range: { type: "string", multiple: true },
  includefile: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  excludefile: { type: "string", multiple: true },
  seed: { type: "string" },
  shard: { type: "string" },
  rate: { type: "string" },
  "max-rate": { type: "string" },
  retries: { type: "string" },
  "tx-workers": { type: "string" },
  "tx-worker-progress": { type: "string" },
  wait: { type: "string" },
  ttl: { type: "string" },
  "source-port": { type: "string" },
  adapter: { type: "string", short: "e" },
  "adapter-ip": { type: "string", multiple: true },
  "adapter-mac": { type: "string" },
  "router-mac": { type: "string" },
  "router-mac-ipv6": { type: "string" },
  "router-ip": { type: "string" },
  resume: { type: "string" },
  "resume-index": { type: "string" },
  "resume-total": { type: "string" },
  conf: { type: "string", short: "c", multiple: true },
  echo: { type: "boolean" },
  offline: { type: "boolean" },
  stats: { type: "boolean" },
  pcap: { type: "string" },
  "output-json": { type: "string", multiple: true },
  "output-ndjson": { type: "string", multiple: true },
  "output-list": { type: "string", multiple: true },
  "output-xml": { type: "string", multiple: true },
  "output-grepable": { type: "string", multiple: true },
  show: { type: "string", multiple: true },
  status: { type: "boolean" },
  "no-status": { type: "boolean" },
  "allow-large-scan": { type: "boolean" },
  banners: { type: "boolean" },
  "connection-timeout": { type: "string" },
  "hello-file": { type: "string", multiple: true },
  "http-user-agent": { type: "string" },
  "http-header": { type: "string", multiple: true },
  lab: { type: "boolean" },
  "append-output": { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  // examples/scan/cluster/: --emit slurm|k8s and its options, --merge
  emit: { type: "string" },
  shards: { type: "string" },
  "job-name": { type: "string" },
  parallelism: { type: "string" },
  "output-dir": { type: "string" },
  "exec-prefix": { type: "string" },
  deno: { type: "string" },
  image: { type: "string" },
  program: { type: "string" },
  merge: { type: "boolean" },
};

/** Lines a `--resume` file must have: without them it would scan again from the start. */
const RESUME_REQUIRED = ["resume-index", "seed", "ports", "range"] as const;

/** masscan's two-letter short options, which parseArgs cannot express. */
const TWO_LETTER: Record<string, string> = {
  "-sL": "--list-scan",
  "-sS": "", // SYN scan is the default
  "-Pn": "", // zon never pings first
  "-n": "", // and never resolves names
  "-iL": "--includefile",
  "-oJ": "--output-json",
  "-oD": "--output-ndjson",
  "-oL": "--output-list",
  "-oX": "--output-xml",
  "-oG": "--output-grepable",
};

const FORMAT_OF: Record<string, OutputFormat> = {
  "output-json": "json",
  "output-ndjson": "ndjson",
  "output-list": "list",
  "output-xml": "xml",
  "output-grepable": "grepable",
};

/** Reserved, special-use and non-unicast ranges excluded from scans. */
export const RESERVED_RANGES: ReadonlyArray<[string, string]> = [
  ["0.0.0.0/8", "this network (RFC 1122)"],
  ["10.0.0.0/8", "private (RFC 1918)"],
  ["100.64.0.0/10", "shared address space (RFC 6598)"],
  ["127.0.0.0/8", "loopback (RFC 1122)"],
  ["169.254.0.0/16", "link local (RFC 3927)"],
  ["172.16.0.0/12", "private (RFC 1918)"],
  ["192.0.0.0/24", "IETF protocol assignments (RFC 6890)"],
  ["192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"],
  ["192.88.99.0/24", "6to4 relay anycast (RFC 7526)"],
  ["192.168.0.0/16", "private (RFC 1918)"],
  ["198.18.0.0/15", "benchmarking (RFC 2544)"],
  ["198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"],
  ["203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"],
  ["224.0.0.0/4", "multicast (RFC 5771)"],
  ["240.0.0.0/4", "reserved (RFC 1112)"],
  ["255.255.255.255/32", "limited broadcast (RFC 919)"],
  ["::/128", "unspecified (RFC 4291)"],
  ["::1/128", "loopback (RFC 4291)"],
  ["fe80::/10", "link local (RFC 4291)"],
  ["ff00::/8", "multicast (RFC 4291)"],
  ["2001:db8::/32", "documentation (RFC 3849)"],
];

/** Splits comma/space separated items, dropping `#` comments. */
export function splitItems(text: string): string[] {
  return text.split("\n")
    .map((line) => line.replace(/#.*/, ""))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((item) => item !== "");
}

function readFileFor(path: string, flag: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    // A path that is not valid UTF-8 text reads as TypeError.
    if (!isIoError(e) && !(e instanceof TypeError)) throw e;
    throw new UsageError(
      `${flag} ${path}: cannot read file (${e.message})`,
      { cause: e },
    );
  }
}

/**
 * An `-iL`/`--excludefile` list, streamed in 1 MiB chunks when read (a
 * million-line file is never held whole); checked readable now.
 */
function listFile(path: string, flag: string): TargetText {
  try {
    const file = Deno.openSync(path);
    try {
      file.readSync(new Uint8Array(1));
    } finally {
      file.close();
    }
  } catch (e) {
    if (!isIoError(e)) throw e;
    throw new UsageError(`${flag} ${path}: cannot read file (${e.message})`, {
      cause: e,
    });
  }
  function* chunks(): Generator<Uint8Array> {
    const file = Deno.openSync(path), buffer = new Uint8Array(1 << 20);
    try {
      for (
        let n = file.readSync(buffer);
        n !== null;
        n = file.readSync(buffer)
      ) {
        yield buffer.subarray(0, n);
      }
    } finally {
      file.close();
    }
  }
  return new TargetText(chunks, `${flag} ${path}`);
}

/** Turns configuration entries into `--key=value` arguments. */
function confToArgs(entries: ConfEntry[], source: string): string[] {
  const args: string[] = [];
  for (const { key, value, line } of entries) {
    const spec = OPTIONS[key];
    if (!spec || key === "conf" || key === "resume") {
      throw new UsageError(`${source}:${line}: unknown option "${key}"`);
    }
    if (spec.type === "string" && value === "") {
      throw new UsageError(`${source}:${line}: ${key} has no value`);
    }
    if (spec.type === "boolean") {
      if (/^(true|yes|1|)$/i.test(value)) args.push(`--${key}`);
      else if (!/^(false|no|0)$/i.test(value)) {
        throw new UsageError(
          `${source}:${line}: ${key} expects true or false, got "${value}"`,
        );
      }
    } else {
      args.push(`--${key}=${value}`);
    }
  }
  return args;
}

function numberOption(
  text: string | undefined,
  flag: string,
  fallback: number,
  check: (n: number) => boolean,
  expected: string,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || !check(n)) {
    throw new UsageError(`${flag} ${text}: expected ${expected}`);
  }
  return n;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function parseTokens(
  args: string[],
): { values: Values; positionals: string[] } {
  const options: Record<string, OptionSpec> = {};
  for (const [name, spec] of Object.entries(OPTIONS)) {
    options[name] = { ...spec };
  }
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options,
    });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (e) {
    // node:util parseArgs reports unknown and malformed flags as TypeError
    // with an ERR_PARSE_ARGS_* code.
    const code = (e as { code?: unknown }).code;
    if (
      !(e instanceof TypeError) || !String(code).startsWith("ERR_PARSE_ARGS")
    ) {
      throw e;
    }
    throw new UsageError(e.message, { cause: e });
  }
}

/** The parsed tokens of the command line and the files it names. */
interface Tokens {
  values: Values;
  positionals: string[];
}

/**
 * The command line's tokens, with masscan's two-letter flags rewritten and
 * the entries of `-c`/`--resume` files put before the command line's (so
 * the command line wins for single-valued options and adds to lists).
 */
function readTokens(argv: string[]): Tokens {
  const rewritten: string[] = [];
  for (const a of argv) {
    if (a in TWO_LETTER) {
      if (TWO_LETTER[a] !== "") rewritten.push(TWO_LETTER[a]);
    } else {
      rewritten.push(a);
    }
  }
  const first = parseTokens(rewritten);
  let fromFiles: string[] = [];
  const files = [
    ...((first.values.conf as string[] | undefined) ?? []).map((
      f,
    ) => ["-c", f]),
    ...(first.values.resume
      ? [["--resume", first.values.resume as string]]
      : []),
  ];
  for (const [flag, path] of files) {
    const text = readFileFor(path, flag);
    let entries: ConfEntry[];
    try {
      entries = parseConf(text, path);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      throw new UsageError(e.message, { cause: e });
    }
    if (flag === "--resume") checkResumeFile(entries, path);
    fromFiles = fromFiles.concat(confToArgs(entries, path));
  }
  const tokens = fromFiles.length
    ? parseTokens([...fromFiles, ...rewritten])
    : first;
  rejectEmptyValues(tokens);
  return tokens;
}

/**
 * A `--resume` file must say where to resume and what the scan was: a
 * damaged or cut-off paused.conf is refused, naming the line it lacks,
 * rather than probing every target again from index 0.
 */
function checkResumeFile(entries: ConfEntry[], path: string): void {
  for (const key of RESUME_REQUIRED) {
    if (!entries.some((e) => e.key === key)) {
      throw new UsageError(
        `--resume ${path}: no "${key} = ..." line (a paused.conf written by zon or masscan has one; is the file damaged?)`,
      );
    }
  }
  const index = entries.filter((e) => e.key === "resume-index").pop()!;
  if (!/^\d+$/.test(index.value)) {
    throw new UsageError(
      `--resume ${path}:${index.line}: resume-index "${index.value}" is not a whole number`,
    );
  }
}

/** An option given with an empty value (`--ports=`) is an error, never a default. */
function rejectEmptyValues(tokens: Tokens): void {
  for (const [key, value] of Object.entries(tokens.values)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => v === "")) {
      const short = Object.entries(TWO_LETTER).find(([, long]) =>
        long === `--${key}`
      )?.[0];
      throw new UsageError(
        `${
          short ? `${short}/` : ""
        }--${key}: empty value (give a value, or leave the option out)`,
      );
    }
  }
  if (tokens.positionals.some((p) => p.trim() === "")) {
    throw new UsageError('an empty target ("") on the command line');
  }
}

/** `--seed`: given, or drawn at random (64 bits, as masscan). */
function parseSeed(text: string | undefined): { seed: bigint; given: boolean } {
  if (text === undefined) {
    const w = crypto.getRandomValues(new Uint32Array(2));
    return { seed: (BigInt(w[0]) << 32n) | BigInt(w[1]), given: false };
  }
  if (!/^\d+$/.test(text) || BigInt(text) >= 1n << 64n) {
    throw new UsageError(`--seed ${text}: expected an integer 0..2^64-1`);
  }
  return { seed: BigInt(text), given: true };
}

function parseShardOption(text: string | undefined): Shard {
  if (text === undefined) return { one: 1, of: 1 };
  try {
    return parseShard(text);
  } catch (e) {
    if (!isInputError(e)) throw e;
    throw new UsageError(`--shard: ${e.message}`, { cause: e });
  }
}

/** `--source-port N` or `--source-port A-B`. */
function parseSourcePort(sp: string | undefined): ScanConfig["sourcePort"] {
  if (sp === undefined) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(sp.trim());
  const a = m ? Number(m[1]) : NaN, b = m && m[2] ? Number(m[2]) : a;
  const expected = "expected a port 1..65535 or a range like 40000-40255";
  if (!m || b < a) throw new UsageError(`--source-port ${sp}: ${expected}`);
  try {
    checkSourcePorts(a, b - a + 1); // the engine's own rule, checked here
  } catch (e) {
    if (!(e instanceof ScanEngineError)) throw e;
    throw new UsageError(`--source-port ${sp}: ${expected} (${e.message})`, {
      cause: e,
    });
  }
  return { first: a, count: b - a + 1 };
}

/**
 * Parses masscan-style arguments (and any `-c`/`--resume` files they name;
 * command-line values come after the file's, so they win for single-valued
 * options and add to lists). One pass from the flag table to the
 * {@linkcode ScanConfig} record: it reads as that record, field by field.
 */
export function parseScanArgs(argv: string[]): ScanConfig {
  const { values: v, positionals } = readTokens(argv);
  const str = (k: string): string | undefined => {
    const x = v[k];
    return Array.isArray(x) ? x[x.length - 1] : x as string | undefined;
  };
  const list = (k: string): string[] => (v[k] as string[] | undefined) ?? [];

  const include = [
    ...positionals.flatMap(splitItems),
    ...list("range").flatMap(splitItems),
    ...list("includefile").map((f) => listFile(f, "--includefile")),
  ];
  const exclude = [
    ...list("exclude").flatMap(splitItems),
    ...list("excludefile").map((f) => listFile(f, "--excludefile")),
  ];

  const { seed, given: seedGiven } = parseSeed(str("seed"));
  const shard = parseShardOption(str("shard"));

  const positive = (n: number): boolean => n > 0;
  const count = (n: number): boolean => Number.isInteger(n) && n >= 0;
  let rate = numberOption(
    str("rate"),
    "--rate",
    100,
    positive,
    "a positive number of packets per second",
  );
  const maxRateText = str("max-rate");
  const maxRate = maxRateText === undefined ? undefined : numberOption(
    maxRateText,
    "--max-rate",
    0,
    positive,
    "a positive number of packets per second",
  );
  if (maxRate !== undefined && rate > maxRate) rate = maxRate;

  const sourcePort = parseSourcePort(str("source-port"));

  const outputs: OutputRequest[] = [];
  for (const [key, format] of Object.entries(FORMAT_OF)) {
    for (const path of list(key)) outputs.push({ format, path });
  }
  const show = list("show").flatMap(splitItems);
  for (const s of show) {
    if (s !== "closed" && s !== "open") {
      throw new UsageError(`--show ${s}: expected "closed" or "open"`);
    }
  }

  return {
    listScan: v["list-scan"] === true,
    include,
    exclude,
    excludeGiven: list("exclude").length + list("excludefile").length > 0,
    ports: list("ports").join(",") || "80",
    ping: v.ping === true,
    seed,
    seedGiven,
    shard,
    rate,
    maxRate,
    retries: numberOption(
      str("retries"),
      "--retries",
      0,
      count,
      "a whole number ≥ 0",
    ),
    txWorkers: parseTxWorkers(str("tx-workers"), str("adapter")),
    txWorkerProgress: parseWorkerProgress(str("tx-worker-progress")),
    wait: numberOption(
      str("wait"),
      "--wait",
      10,
      (n) => n >= 0,
      "a number of seconds ≥ 0",
    ),
    ttl: numberOption(
      str("ttl"),
      "--ttl",
      64,
      (n) => Number.isInteger(n) && n >= 1 && n <= 255,
      "an integer 1..255",
    ),
    sourcePort,
    adapter: str("adapter"),
    // Repeatable (an IPv4 and an IPv6 source, as masscan): kept comma-joined.
    adapterIp: list("adapter-ip").join(",") || undefined,
    adapterMac: str("adapter-mac"),
    routerMac: str("router-mac"),
    routerMacIpv6: str("router-mac-ipv6"),
    routerIp: str("router-ip"),
    resumeIndex: numberOption(
      str("resume-index"),
      "resume-index",
      0,
      count,
      "a whole number ≥ 0",
    ),
    resumeTotal: str("resume-total") === undefined ? undefined : numberOption(
      str("resume-total"),
      "resume-total",
      0,
      count,
      "a whole number ≥ 0",
    ),
    offline: v.offline === true,
    stats: v.stats === true,
    pcap: str("pcap"),
    outputs,
    showClosed: show.includes("closed"),
    status: v["no-status"] === true
      ? false
      : v.status === true
      ? true
      : undefined,
    allowLargeScan: v["allow-large-scan"] === true,
    banners: v.banners === true,
    connectionTimeout: numberOption(
      str("connection-timeout"),
      "--connection-timeout",
      30,
      positive,
      "a positive number of seconds",
    ),
    helloFiles: list("hello-file"),
    httpUserAgent: str("http-user-agent"),
    httpHeaders: list("http-header"),
    lab: v.lab === true,
    appendOutput: v["append-output"] === true,
    resumed: v.resume !== undefined,
    debug: v.debug === true,
    echo: v.echo === true,
    help: v.help === true,
    ...clusterOptions(str, v.merge === true, positionals),
  };
}

/** `--emit`, `--merge` and their options (examples/scan/cluster/). */
function clusterOptions(
  str: (k: string) => string | undefined,
  merge: boolean,
  positionals: string[],
): Pick<ScanConfig, "emit" | "merge" | "mergeInputs" | "cluster"> {
  const emit = str("emit");
  if (emit !== undefined && emit !== "slurm" && emit !== "k8s") {
    throw new UsageError(`--emit ${emit}: expected "slurm" or "k8s"`);
  }
  const whole = (n: number): boolean => Number.isInteger(n) && n >= 1;
  const parallelism = str("parallelism");
  const name = str("job-name") ?? "zon-scan";
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    throw new UsageError(
      `--job-name ${name}: expected a DNS label (a-z, 0-9, -; at most 63)`,
    );
  }
  return {
    emit,
    merge,
    mergeInputs: merge ? positionals : [],
    cluster: {
      shards: numberOption(
        str("shards"),
        "--shards",
        0,
        whole,
        "a whole number ≥ 1",
      ),
      name,
      parallelism: parallelism === undefined ? undefined : numberOption(
        parallelism,
        "--parallelism",
        1,
        whole,
        "a whole number ≥ 1",
      ),
      outputDir: str("output-dir"),
      execPrefix: str("exec-prefix"),
      deno: str("deno"),
      image: str("image"),
      program: str("program"),
    },
  };
}

/**
 * `--tx-workers N|auto`; auto: one per core left after the receive Worker
 * (one for `xdp:`, which sends from a single Worker).
 */
function parseTxWorkers(
  text: string | undefined,
  adapter: string | undefined,
): number {
  if (text === undefined) return 1;
  if (text === "auto") {
    if (adapter !== undefined && /^xdp(\+zc)?:/.test(adapter.trim())) return 1;
    const cores = navigator.hardwareConcurrency ?? 1;
    return Math.max(1, Math.min(MAX_TX_WORKERS, cores - 1));
  }
  return numberOption(
    text,
    "--tx-workers",
    1,
    (n) => Number.isInteger(n) && n >= 1 && n <= MAX_TX_WORKERS,
    `a whole number 1..${MAX_TX_WORKERS}, or auto`,
  );
}

/** `tx-worker-progress = a,b,...` (paused.conf): whole numbers. */
function parseWorkerProgress(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(",").map((x) => x.trim());
  if (!parts.every((x) => /^\d+$/.test(x))) {
    throw new UsageError(
      `tx-worker-progress "${text}": expected whole numbers separated by commas (one per transmit Worker)`,
    );
  }
  return parts.map(Number);
}

/**
 * The configuration as masscan-format text (`--echo`, and `paused.conf`
 * with `resumeIndex`): parsing it back gives the same configuration.
 */
export function formatScanConfig(
  c: ScanConfig,
  resumeIndex?: number,
  workerProgress?: readonly number[],
  resumeTotal?: number,
): string {
  const e: Array<[string, string]> = [];
  const push = (k: string, value: string | number | undefined): void => {
    if (value !== undefined) e.push([k, String(value)]);
  };
  push("seed", c.seed.toString());
  push("rate", c.rate);
  push("max-rate", c.maxRate);
  push("retries", c.retries);
  // masscan reads neither line: written only for several Workers.
  if (c.txWorkers !== 1) push("tx-workers", c.txWorkers);
  push("wait", c.wait);
  push("ttl", c.ttl);
  push("shard", `${c.shard.one}/${c.shard.of}`);
  push("ports", c.ports);
  if (c.ping) push("ping", "true");
  const items = (x: string | TargetText) =>
    typeof x === "string" ? [x] : x.items();
  for (const r of c.include) for (const i of items(r)) push("range", i);
  for (const x of c.exclude) for (const i of items(x)) push("exclude", i);
  if (c.sourcePort) {
    const { first, count } = c.sourcePort;
    push(
      "source-port",
      count === 1 ? `${first}` : `${first}-${first + count - 1}`,
    );
  }
  push("adapter", c.adapter);
  push("adapter-ip", c.adapterIp);
  push("adapter-mac", c.adapterMac);
  push("router-mac", c.routerMac);
  push("router-mac-ipv6", c.routerMacIpv6);
  push("router-ip", c.routerIp);
  if (c.offline) push("offline", "true");
  push("pcap", c.pcap);
  for (const o of c.outputs) {
    const key = Object.entries(FORMAT_OF).find(([, f]) => f === o.format)![0];
    push(key, o.path);
  }
  if (c.showClosed) push("show", "closed");
  if (c.allowLargeScan) push("allow-large-scan", "true");
  if (c.banners) {
    push("banners", "true");
    push("connection-timeout", c.connectionTimeout);
    for (const h of c.helloFiles) push("hello-file", h);
    push("http-user-agent", c.httpUserAgent);
    for (const h of c.httpHeaders) push("http-header", h);
  }
  const index = resumeIndex ?? (c.resumeIndex > 0 ? c.resumeIndex : undefined);
  push("resume-index", index);
  push("resume-total", resumeTotal ?? c.resumeTotal);
  const progress = workerProgress ?? c.txWorkerProgress;
  if (progress !== undefined && progress.length > 1) {
    push("tx-worker-progress", progress.join(","));
  }
  return formatConf(e);
}
