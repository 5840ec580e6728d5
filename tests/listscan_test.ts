/**
 * `examples/scan.ts -sL` against the oracle, Debian's masscan 1.3.2
 * (`masscan -sL` prints its scan order and sends nothing): the same targets,
 * ports, excludes, shard and seed must give the same lines in the same
 * order. Lines are compared after normalising the two printers' cosmetic
 * differences — masscan prints UDP ports as 65536+port (zon: `U:53`) and
 * does not compress IPv6 addresses the RFC 5952 way — using the WHATWG URL
 * parser, not zon's code, to canonicalise IPv6.
 */
import assert from "node:assert/strict";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("listscan_test.ts");

const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;
const MAX_LINES = 150_000;

function canonicalLine(line: string): string {
  let m = /^\[([^\]]+)\]:(.+)$/.exec(line);
  let ip: string, port: string | undefined;
  if (m) ip = m[1], port = m[2];
  else if ((m = /^(\d+\.\d+\.\d+\.\d+):(.+)$/.exec(line))) {
    ip = m[1], port = m[2];
  } else ip = line;
  if (ip.includes(":")) ip = new URL(`http://[${ip}]/`).hostname;
  if (port === undefined) return ip;
  const u = /^([TUS]):(\d+)$/.exec(port);
  const base = { T: 0, U: 65536, S: 131072 } as Record<string, number>;
  const n = u ? base[u[1]] + Number(u[2]) : Number(port);
  return `${ip} ${n}`;
}

/** The first `max` stdout lines of a command (then it is killed). */
async function firstLines(
  cmd: string,
  args: string[],
  max: number,
): Promise<string[]> {
  const child = new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let rest = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  while (lines.length < max) {
    const { value, done } = await reader.read();
    if (done) break;
    const parts = (rest + value).split("\n");
    rest = parts.pop()!;
    for (const p of parts) if (p !== "" && lines.length < max) lines.push(p);
  }
  await reader.cancel().catch(() => {});
  try {
    child.kill("SIGKILL");
  } catch { /* already exited */ }
  const status = await child.status;
  const err = new TextDecoder().decode(
    (await new Response(child.stderr).arrayBuffer()) as ArrayBuffer,
  );
  if (lines.length < max && !status.success && status.signal === null) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${err}`);
  }
  return lines;
}

const rand = (n: number): number => Math.floor(random() * n);
const v4 = (n: number): string =>
  [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

interface Case {
  targets: string[];
  excludes: string[];
  ports: string;
  seed: string;
  shard: string;
}

function randomCase(k: number): Case {
  const targets: string[] = [], excludes: string[] = [];
  const nRanges = 1 + rand(4);
  for (let r = 0; r < nRanges; r++) {
    const size = [1, 2, 7, 256, 1000, 4096, 65536][rand(7)];
    const base = rand(2 ** 32 - size);
    const style = rand(3);
    if (style === 0 && size === 65536) {
      targets.push(`${v4(base - (base % 65536))}/16`);
    } else if (style === 1 && size === 256) {
      targets.push(`${v4(base - (base % 256))}/24`);
    } else if (size === 1) targets.push(v4(base));
    else targets.push(`${v4(base)}-${v4(base + size - 1)}`);
    if (rand(2) && size > 2) {
      // Never the whole range: an empty target list is an error for zon
      // and makes masscan spin forever.
      const length = 1 + rand(Math.min(50, size - 1));
      const from = base + rand(size - length + 1);
      excludes.push(`${v4(from)}-${v4(from + length - 1)}`);
    }
  }
  if (k % 4 === 0) {
    const hi = rand(65536).toString(16);
    targets.push(`2001:db8:${hi}::/${[128, 124, 120, 116][rand(4)]}`);
    if (rand(2)) {
      targets.push(
        `2001:db8:ffff::1:0-2001:db8:ffff::1:${rand(4000).toString(16)}`,
      );
    }
  }
  const nPorts = [1, 1, 2, 3, 10, 100, 1000][rand(7)];
  const portItems: string[] = [];
  let left = nPorts;
  while (left > 0) {
    const run = Math.min(left, 1 + rand(50));
    const first = rand(65536 - run);
    const prefix = rand(5) === 0 ? "U:" : "T:";
    portItems.push(
      run === 1 ? `${prefix}${first}` : `${prefix}${first}-${first + run - 1}`,
    );
    left -= run;
  }
  const of = 1 + rand(7);
  const seed = k % 5 === 0
    ? String(BigInt.asUintN(64, BigInt(rand(2 ** 31)) * 8589934583n))
    : String(rand(2 ** 31));
  return {
    targets,
    excludes,
    ports: portItems.join(","),
    seed,
    shard: `${1 + rand(of)}/${of}`,
  };
}

function argsOf(c: Case): string[] {
  const args = ["-sL", "-p", c.ports, "--seed", c.seed, "--shard", c.shard];
  // masscan takes positional IPv6 only when it starts with a digit; --range always works.
  for (const t of c.targets) args.push("--range", t);
  for (const e of c.excludes) args.push("--exclude", e);
  return args;
}

async function compare(c: Case): Promise<number> {
  return await compareArgs(argsOf(c));
}

async function compareArgs(args: string[], max = MAX_LINES): Promise<number> {
  const [ours, theirs] = await Promise.all([
    firstLines(Deno.execPath(), ["run", "-A", SCAN, ...args], max),
    firstLines("masscan", args, max),
  ]);
  assert.equal(ours.length, theirs.length, `line count for ${args.join(" ")}`);
  for (let i = 0; i < ours.length; i++) {
    if (canonicalLine(ours[i]) !== canonicalLine(theirs[i])) {
      assert.fail(
        `line ${i + 1} differs for: ${args.join(" ")}\n zon: ${
          ours[i]
        }\n masscan: ${theirs[i]}`,
      );
    }
  }
  return ours.length;
}

Deno.test("-sL prints masscan's order: 40 random cases (ranges, excludes, ports, shards, seeds, IPv6)", async () => {
  let lines = 0;
  for (let k = 0; k < 40; k++) lines += await compare(randomCase(k));
  console.log(`${lines} lines compared`);
  assert.ok(lines > 100_000);
});

Deno.test("-sL prints masscan's order: edge cases", async () => {
  const cases: Case[] = [
    {
      targets: ["198.18.0.1"],
      excludes: [],
      ports: "80",
      seed: "0",
      shard: "1/1",
    },
    {
      targets: ["198.18.0.0/31"],
      excludes: [],
      ports: "0-65535",
      seed: "3",
      shard: "1/1",
    },
    {
      targets: ["198.18.0.0/16"],
      excludes: ["198.18.0.0/17"],
      ports: "U:53,161,T:22",
      seed: "18446744073709551615",
      shard: "7/7",
    },
    {
      targets: ["198.18.0.0-198.18.0.9", "198.18.0.5-198.18.0.20"],
      excludes: ["198.18.0.7"],
      ports: "443",
      seed: "1",
      shard: "2/2",
    },
    {
      targets: ["2001:db8::/112"],
      excludes: ["2001:db8::100-2001:db8::1ff"],
      ports: "80,443",
      seed: "9",
      shard: "1/3",
    },
    // 2^48 targets: only the first lines are compared.
    {
      targets: ["0.0.0.0/0"],
      excludes: [],
      ports: "0-65535",
      seed: "42",
      shard: "1/1",
    },
  ];
  for (const c of cases) await compare(c);
});

async function runScan(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCAN, ...args],
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

Deno.test("bad input: a clear message naming the argument, exit code 2", async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ["-sL", "198.18.0.0/33"],
      /bad target "198\.18\.0\.0\/33": IPv4 prefix length 33/,
    ],
    [["-sL", "198.18.0.300"], /bad target "198\.18\.0\.300"/],
    [["-sL", "198.18.0.9-198.18.0.1"], /first address is after the last/],
    [
      ["-sL", "198.18.0.1", "-p", "70000"],
      /bad port "70000": 70000 is not in 0\.\.65535/,
    ],
    [["-sL", "198.18.0.1", "-p", "X:80"], /unknown protocol prefix "X:"/],
    [["-sL", "198.18.0.1", "-p", "90-80"], /90 is greater than 80/],
    [["-sL", "198.18.0.1", "--shard", "3/2"], /--shard: bad shard "3\/2"/],
    [["-sL", "198.18.0.1", "--seed=-5"], /--seed -5: expected an integer/],
    [
      ["-sL", "198.18.0.1", "--rate", "fast"],
      /--rate fast: expected a positive number/,
    ],
    [["-sL", "198.18.0.1", "--exclude", "198.18.0.0/24"], /no targets left/],
    [["-sL"], /no targets: give addresses/],
    [["-sL", "198.18.0.1", "--bogus"], /Unknown option '--bogus'/],
    [
      ["-sL", "--excludefile", "/nonexistent/zon"],
      /--excludefile \/nonexistent\/zon: cannot read file/,
    ],
  ];
  for (const [args, pattern] of cases) {
    const r = await runScan(args);
    assert.equal(
      r.code,
      2,
      `${args.join(" ")}: exit ${r.code}, stderr ${r.stderr}`,
    );
    assert.match(r.stderr, pattern, args.join(" "));
    assert.equal(r.stdout, "");
  }
});

Deno.test("--excludefile and -iL read lists with comments; --help has examples", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/in`,
      "# lab\n198.18.0.0/29 198.18.1.0-198.18.1.3\n",
    );
    await Deno.writeTextFile(
      `${dir}/ex`,
      "198.18.0.0/30 # first half\n198.18.1.3\n",
    );
    const r = await runScan([
      "-sL",
      "-iL",
      `${dir}/in`,
      "--excludefile",
      `${dir}/ex`,
      "--seed",
      "5",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const got = r.stdout.trim().split("\n").sort();
    assert.deepEqual(got, [
      "198.18.0.4",
      "198.18.0.5",
      "198.18.0.6",
      "198.18.0.7",
      "198.18.1.0",
      "198.18.1.1",
      "198.18.1.2",
    ]);
    const help = await runScan(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /examples:/);
    assert.match(help.stdout, /-sL 198\.18\.0\.0\/24 -p 80,443 --seed 7/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- Lists at scale (issue 13): thousands of random --excludefile / -iL
// lines, seeded (the seed is printed; replay with ZON_LISTSCAN_SEED).

/** mulberry32: `rand(n)` in [0, n). */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const LIST_SEED = Number(
  Deno.env.get("ZON_LISTSCAN_SEED") ?? Date.now() % 1e9,
);

/** A random item inside [base, base + size): single, range or CIDR. */
function itemIn(
  rand: (n: number) => number,
  base: number,
  size: number,
  format: (n: number) => string,
): string {
  const at = base + rand(size);
  switch (rand(4)) {
    case 0:
    case 1:
      return format(at);
    case 2:
      return `${format(at)}-${
        format(Math.min(base + size - 1, at + rand(40)))
      }`;
    default: {
      const bits = rand(5);
      const width = format === v6In ? 128 : 32;
      return `${format(at - (at % 2 ** bits))}/${width - bits}`;
    }
  }
}

const v6In = (n: number): string =>
  `2001:db8::${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

/** `count` lines of items, with comments and blank lines mixed in. */
function listText(count: number, item: () => string): string {
  const rand = seeded(count);
  const lines: string[] = ["# generated list"];
  for (let k = 0; k < count; k++) {
    lines.push(item());
    if (rand(50) === 0) lines.push("");
    if (rand(50) === 0) lines.push("# a comment line");
  }
  return lines.join("\n") + "\n";
}

Deno.test("-sL with thousands of random --excludefile and -iL lines prints masscan's order (IPv4 and IPv6)", async () => {
  console.log(
    `listscan seed ${LIST_SEED} (replay: ZON_LISTSCAN_SEED=${LIST_SEED})`,
  );
  const rand = seeded(LIST_SEED);
  const dir = await Deno.makeTempDir({ prefix: "zon-h13r-listscan-" });
  try {
    const ex = `${dir}/ex`, inc = `${dir}/in`;
    const seed = () => String(rand(2 ** 31));
    const shard = () => {
      const of = 1 + rand(3);
      return `${1 + rand(of)}/${of}`;
    };
    let lines = 0;
    for (let round = 0; round < 3; round++) {
      // 1. The whole IPv4 space minus 5,000 random items: the first lines.
      await Deno.writeTextFile(
        ex,
        listText(5000, () => itemIn(rand, 0, 2 ** 32 - 64, v4)),
      );
      lines += await compareArgs([
        "-sL",
        "0.0.0.0/0",
        "-p",
        "80",
        "--excludefile",
        ex,
        "--seed",
        seed(),
        "--shard",
        shard(),
      ], 20_000);
      // 2. Two /16s minus 3,000 items mostly inside them: every line.
      const a = rand(2 ** 16) * 65536, b = rand(2 ** 16) * 65536;
      await Deno.writeTextFile(
        ex,
        listText(
          3000,
          () =>
            itemIn(
              rand,
              rand(10) ? (rand(2) ? a : b) : 0,
              rand(10) ? 65536 : 2 ** 32 - 64,
              v4,
            ),
        ),
      );
      lines += await compareArgs([
        "-sL",
        `${v4(a)}/16`,
        `${v4(b)}/16`,
        "-p",
        "80",
        "--excludefile",
        ex,
        "--seed",
        seed(),
      ]);
      // 3. An IPv6 /100 minus 3,000 IPv6 items: the first lines, two ports.
      await Deno.writeTextFile(
        ex,
        listText(3000, () => itemIn(rand, 0, 2 ** 28, v6In)),
      );
      lines += await compareArgs([
        "-sL",
        "--range",
        "2001:db8::/100",
        "-p",
        "80,U:53",
        "--excludefile",
        ex,
        "--seed",
        seed(),
        "--shard",
        shard(),
      ], 20_000);
      // 4. -iL with 4,000 random IPv4 and IPv6 items, 500 excludes: every line.
      await Deno.writeTextFile(
        inc,
        listText(
          4000,
          () =>
            rand(3)
              ? itemIn(rand, 0, 2 ** 32 - 64, v4)
              : itemIn(rand, 0, 2 ** 28, v6In),
        ),
      );
      await Deno.writeTextFile(
        ex,
        listText(
          500,
          () =>
            rand(3)
              ? itemIn(rand, 0, 2 ** 32 - 64, v4)
              : itemIn(rand, 0, 2 ** 28, v6In),
        ),
      );
      lines += await compareArgs([
        "-sL",
        "-iL",
        inc,
        "--excludefile",
        ex,
        "-p",
        "22,443",
        "--seed",
        seed(),
        "--shard",
        shard(),
      ]);
      // 5. -iL with 20,000 single addresses in a /12: every line.
      const c = rand(2 ** 12) * 2 ** 20;
      await Deno.writeTextFile(
        inc,
        listText(20_000, () => v4(c + rand(2 ** 20))),
      );
      lines += await compareArgs([
        "-sL",
        "-iL",
        inc,
        "-p",
        "80",
        "--seed",
        seed(),
      ]);
    }
    console.log(`${lines} lines compared`);
    assert.ok(lines > 300_000, `${lines} lines`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad lines in --excludefile / -iL: exit 2, one short line naming file and line, control characters escaped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zon-h13r-badlist-" });
  try {
    const cases: Array<[string, string, RegExp]> = [
      [
        "huge",
        `198.18.0.0/24\n${"7".repeat(10 << 20)}\n`,
        /huge:2: bad target "7{100}…" \(10485760 characters\)/,
      ],
      [
        "escape",
        "# ok\n198.18.0.1\u001b[31m\n",
        /escape:2: bad target "198\.18\.0\.1\\u001b\[31m"/,
      ],
      [
        "crlf",
        "198.18.0.1\r\n198.18.0.400\r\n",
        /crlf:2: bad target "198\.18\.0\.400"/,
      ],
    ];
    for (const [name, text, pattern] of cases) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      for (const flag of ["--excludefile", "-iL"]) {
        const args = flag === "-iL"
          ? ["-sL", "-iL", `${dir}/${name}`]
          : ["-sL", "198.18.0.0/16", "--excludefile", `${dir}/${name}`];
        const r = await runScan(args);
        assert.equal(r.code, 2, `${flag} ${name}: ${r.stderr.slice(0, 300)}`);
        assert.match(r.stderr, pattern, `${flag} ${name}`);
        assert.ok(r.stderr.length < 400, `${r.stderr.length} characters`);
        assert.ok(!r.stderr.includes("\u001b"), "raw escape in stderr");
        assert.equal(r.stdout, "");
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
