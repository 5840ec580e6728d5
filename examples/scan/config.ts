/**
 * Command-line parsing for examples/scan.ts: masscan's flags, mapped onto a
 * plain configuration object, with errors that name the bad argument.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { parseShard, type Shard } from "../../blackrock/mod.ts";

/** What the user asked for. */
export interface ScanConfig {
  /** `-sL`: print the targets in scan order and send nothing. */
  listScan: boolean;
  /** Target items (positional, `--range`, `-iL` file). */
  include: string[];
  /** Excluded items (`--exclude`, `--excludefile`). */
  exclude: string[];
  /** Port specification (`-p`), masscan syntax. */
  ports: string;
  /** Permutation seed. */
  seed: bigint;
  /** Shard of the scan. */
  shard: Shard;
  /** Packets per second (`--rate`; unused by -sL). */
  rate: number;
  /** `--help` was given. */
  help: boolean;
}

/** A bad command line: the message names the argument and what was expected. */
export class UsageError extends Error {
  /** @param message what is wrong, naming the argument */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const HELP =
  `zon scan — a masscan-compatible stateless scanner (examples/scan.ts)

usage: deno run -A examples/scan.ts [options] TARGET...

Targets are IPv4 or IPv6 addresses, first-last ranges, or CIDR blocks
(198.18.0.1, 198.18.0.0-198.18.0.255, 198.18.0.0/24, 2001:db8::/120).

options:
  -sL                     list scan: print each target in scan order, send nothing
  -p, --ports LIST        ports: 80,443,8000-8100; U: for UDP, T: for TCP
                          (U:53,161,T:80 is UDP 53 and 161, TCP 80). Default 80
      --range ITEMS       more targets, comma-separated (repeatable)
  -iL, --includefile F    read targets from file F (one or more per line, # comments)
      --exclude ITEMS     skip these targets, comma-separated (repeatable)
      --excludefile F     read targets to skip from file F
      --seed N            permutation seed (same seed, same order as masscan)
      --shard X/Y         scan only shard X of Y (for splitting a scan over machines)
      --rate N            packets per second (ignored by -sL)
  -h, --help              this text

examples:
  # the order masscan would scan 198.18.0.0/24 on ports 80 and 443, seed 7
  deno run -A examples/scan.ts -sL 198.18.0.0/24 -p 80,443 --seed 7
  # the second of three shards, excluding a subnet
  deno run -A examples/scan.ts -sL 198.18.0.0/16 --exclude 198.18.5.0/24 --shard 2/3
  # IPv6 and UDP
  deno run -A examples/scan.ts -sL 2001:db8::/120 -p U:53,T:22
`;

/** Splits comma/space separated items, dropping `#` comments. */
export function splitItems(text: string): string[] {
  return text.split("\n")
    .map((line) => line.replace(/#.*/, ""))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((item) => item !== "");
}

function readListFile(path: string, flag: string): string[] {
  try {
    return splitItems(Deno.readTextFileSync(path));
  } catch (e) {
    throw new UsageError(
      `${flag} ${path}: cannot read file (${(e as Error).message})`,
    );
  }
}

/**
 * Parses masscan-style arguments. `-sL` and `-iL` are masscan's two-letter
 * short options, which `node:util` parseArgs cannot express, so they are
 * rewritten to long options first.
 */
export function parseScanArgs(argv: string[]): ScanConfig {
  const args = argv.map((a) =>
    a === "-sL" ? "--list-scan" : a === "-iL" ? "--includefile" : a
  );
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        "list-scan": { type: "boolean" },
        ports: { type: "string", short: "p", multiple: true },
        range: { type: "string", multiple: true },
        includefile: { type: "string", multiple: true },
        exclude: { type: "string", multiple: true },
        excludefile: { type: "string", multiple: true },
        seed: { type: "string" },
        shard: { type: "string" },
        rate: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const include = [
    ...parsed.positionals.flatMap(splitItems),
    ...(v.range ?? []).flatMap(splitItems),
    ...(v.includefile ?? []).flatMap((f) => readListFile(f, "--includefile")),
  ];
  const exclude = [
    ...(v.exclude ?? []).flatMap(splitItems),
    ...(v.excludefile ?? []).flatMap((f) => readListFile(f, "--excludefile")),
  ];
  let seed = 0n;
  if (v.seed !== undefined) {
    if (!/^\d+$/.test(v.seed) || BigInt(v.seed) >= 1n << 64n) {
      throw new UsageError(`--seed ${v.seed}: expected an integer 0..2^64-1`);
    }
    seed = BigInt(v.seed);
  }
  let shard: Shard = { one: 1, of: 1 };
  if (v.shard !== undefined) {
    try {
      shard = parseShard(v.shard);
    } catch (e) {
      throw new UsageError(`--shard: ${(e as Error).message}`);
    }
  }
  let rate = 100;
  if (v.rate !== undefined) {
    rate = Number(v.rate);
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new UsageError(
        `--rate ${v.rate}: expected a positive number of packets per second`,
      );
    }
  }
  return {
    listScan: v["list-scan"] ?? false,
    include,
    exclude,
    ports: (v.ports ?? ["80"]).join(","),
    seed,
    shard,
    rate,
    help: v.help ?? false,
  };
}
