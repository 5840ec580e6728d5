// Hostile input, systematically: every malformed target, port list, rate,
// shard, seed, flag, configuration / include / exclude / paused file and
// unwritable output gets a non-zero exit and one short line naming what is
// wrong — never a stack trace, never raw control characters, never the
// whole of a huge value, never more than a few seconds — and sends nothing
// (every scan case is --offline, so a case that got as far as scanning
// would show up as exit 0).
import assert from "node:assert/strict";
import { main } from "../examples/scan.ts";

interface Case {
  name: string;
  argv: string[];
  /** What the message must mention. */
  names: RegExp;
}

const HUGE = "9".repeat(1_000_000);
const ESC = "\u001b[31m";

function scan(...args: string[]): string[] {
  return ["198.18.0.0/30", "-p", "80", "--offline", ...args];
}

function targetCases(): Case[] {
  const bad = [
    "198.18.0.0/33",
    "999.1.1.1",
    "198.18.0.9-198.18.0.1",
    "2001:2::/129",
    "1.2.3",
    "abc",
    "198.18.0.0/-1",
    "::ffff::1",
    `198.18.0.1${ESC}`,
    HUGE,
  ];
  return bad.flatMap((t) => [
    {
      name: `target ${t.slice(0, 20)}`,
      argv: [t, "-p", "80", "--offline"],
      names: /target|address|range|prefix/i,
    },
    {
      name: `-sL target ${t.slice(0, 20)}`,
      argv: ["-sL", t],
      names: /target|address|range|prefix/i,
    },
    {
      name: `--echo target ${t.slice(0, 20)}`,
      argv: ["--echo", t],
      names: /target|address|range|prefix/i,
    },
    {
      name: `--exclude ${t.slice(0, 20)}`,
      argv: scan("--exclude", t),
      names: /target|address|range|prefix|exclude/i,
    },
  ]);
}

function valueCases(): Case[] {
  const table: Array<[string, string[], RegExp]> = [
    ["-p", [
      "70000",
      "U:",
      "T:-5",
      "1-0",
      "abc",
      "S:99999",
      "U:65536",
      "0-65536",
      ESC,
      HUGE,
    ], /port/i],
    ["--rate", ["0", "-5", "abc", "NaN", "1e400x", HUGE], /--rate/],
    ["--max-rate", ["0", "x"], /--max-rate/],
    ["--shard", ["0/3", "4/3", "1/0", "a/b", "1", "1/3/4"], /--shard/],
    ["--seed", ["-1", "abc", "18446744073709551616", "1.5", HUGE], /--seed/],
    ["--ttl", ["0", "256", "abc", "1.5"], /--ttl/],
    ["--retries", ["-1", "1.5", "x"], /--retries/],
    ["--wait", ["-1", "x"], /--wait/],
    [
      "--source-port",
      ["0", "70000", "100-50", "a", "65535-65536"],
      /--source-port/,
    ],
    ["--adapter-ip", ["1.2.3.999", "x"], /--adapter-ip/],
    ["--adapter-mac", ["02:00:00:00:00", "zz:00:00:00:00:00"], /--adapter-mac/],
    ["--router-mac", ["02:00"], /--router-mac/],
    ["--connection-timeout", ["0", "x"], /--connection-timeout/],
    ["--show", ["everything"], /--show/],
  ];
  return table.flatMap(([flag, values, names]) =>
    values.map((v) => ({
      name: `${flag} ${v.slice(0, 20)}`,
      argv: scan(`${flag}=${v}`),
      names,
    }))
  );
}

function flagCases(): Case[] {
  const unknown = ["--bogus", "--ratee=5", "-Z", "--banner", `--${ESC}`];
  const empty = [
    "--ports=",
    "--rate=",
    "--seed=",
    "--shard=",
    "--exclude=",
    "--adapter=",
    "--wait=",
    "--ttl=",
    "--output-json=",
    "--source-port=",
  ];
  return [
    ...unknown.map((f) => ({
      name: `unknown ${f}`,
      argv: scan(f),
      names: /option|unknown/i,
    })),
    ...empty.map((f) => ({
      name: `empty ${f}`,
      argv: scan(f),
      names: /empty value/,
    })),
    {
      name: "empty target",
      argv: ["", "-p", "80", "--offline"],
      names: /empty target/,
    },
  ];
}

/** Files with bad contents, written into `dir`; each used as -c, -iL, --excludefile and --resume. */
function fileCases(dir: string): Case[] {
  const contents: Record<string, string | Uint8Array> = {
    "garbage.conf": "this is not a config\n",
    "crlf-bom-garbage.conf": "\ufeffrate = 10\r\nnot a line\r\n",
    "nul.conf": "rate = 1\u0000\n",
    "huge-line.conf": `range = ${HUGE}\n`,
    "unknown-key.conf": "speed = 10\n",
    "bool.conf": "offline = maybe\n",
    "empty-value.conf": "ports =\n",
    "escape.conf": `${ESC}junk\n`,
    "binary.conf": Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0x0a]),
  };
  const cases: Case[] = [];
  for (const [name, body] of Object.entries(contents)) {
    const path = `${dir}/${name}`;
    if (typeof body === "string") Deno.writeTextFileSync(path, body);
    else Deno.writeFileSync(path, body);
    cases.push(
      {
        // A bad value from the file is named by its option (the key).
        name: `-c ${name}`,
        argv: ["-c", path, "--offline"],
        names: new RegExp(`${name.replace(".", "\\.")}|--rate|target`),
      },
      {
        name: `--resume ${name}`,
        argv: ["--resume", path],
        names: new RegExp(`${name.replace(".", "\\.")}|resume`),
      },
      {
        name: `-iL ${name}`,
        argv: ["-iL", path, "-p", "80", "--offline"],
        names: /target|address|range|includefile/i,
      },
      {
        name: `--excludefile ${name}`,
        argv: scan("--excludefile", path),
        names: /target|address|range|excludefile/i,
      },
    );
  }
  for (
    const [label, path] of [["missing", `${dir}/none.conf`], ["directory", dir]]
  ) {
    cases.push(
      {
        name: `-c ${label}`,
        argv: ["-c", path, "--offline"],
        names: /-c .*cannot read/,
      },
      {
        name: `--resume ${label}`,
        argv: ["--resume", path],
        names: /--resume .*cannot read/,
      },
      {
        name: `-iL ${label}`,
        argv: ["-iL", path, "-p", "80"],
        names: /--includefile .*cannot read/,
      },
      {
        name: `--excludefile ${label}`,
        argv: scan("--excludefile", path),
        names: /--excludefile .*cannot read/,
      },
    );
  }
  return cases;
}

/** paused.conf files that lack a required line or have a damaged one. */
function pausedCases(dir: string): Case[] {
  const good =
    "seed = 7\nrate = 100\nports = 80\nrange = 198.18.0.0/30\noffline = true\nresume-index = 2\n";
  const variants: Record<string, [string, RegExp]> = {
    "no-index": [good.replace(/resume-index.*\n/, ""), /resume-index/],
    "bad-index": [
      good.replace("resume-index = 2", "resume-index = two"),
      /resume-index/,
    ],
    "escape-index": [
      good.replace("resume-index = 2", `resume-index = ${ESC}`),
      /resume-index/,
    ],
    "no-seed": [good.replace(/seed.*\n/, ""), /seed/],
    "no-range": [good.replace(/range.*\n/, ""), /range/],
    "no-ports": [good.replace(/ports.*\n/, ""), /ports/],
    // 4 addresses × 1 port = 4 probes: a file written for another index
    // space (5 probes) would resume at the wrong place.
    "total-mismatch": [
      good + "resume-total = 5\n",
      /had 5 probes \(resume-total\) and this one has 4/,
    ],
    "bad-total": [good + "resume-total = five\n", /resume-total five/],
    "index-too-big": [
      good.replace("resume-index = 2", "resume-index = 99"),
      /start index 99|outside/,
    ],
  };
  return Object.entries(variants).map(([name, [text, names]]) => {
    const path = `${dir}/paused-${name}.conf`;
    Deno.writeTextFileSync(path, text);
    return { name: `paused.conf ${name}`, argv: ["--resume", path], names };
  });
}

function outputCases(dir: string): Case[] {
  const paths = [
    `${dir}/no/such/dir/out`,
    dir,
    "/proc/version",
    "/dev/full",
  ];
  const flags = ["-oJ", "-oD", "-oL", "-oX", "-oG"];
  return flags.flatMap((flag) =>
    paths.map((path) => ({
      name: `${flag} ${path.replace(dir, "TMP")}`,
      argv: scan(flag, path),
      names: new RegExp(`${flag} ${path.replace(/[/.]/g, "\\$&")}: cannot`),
    }))
  );
}

/** Runs main(argv) with console.error captured; stdout must stay empty. */
async function runCaptured(
  argv: string[],
): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const error = console.error, log = console.log;
  console.error = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  console.log = (...a: unknown[]) =>
    lines.push(`STDOUT: ${a.map(String).join(" ")}`);
  try {
    const code = await main(argv);
    return { code, err: lines.join("\n") };
  } finally {
    console.error = error;
    console.log = log;
  }
}

Deno.test({
  name:
    "hostile input: every bad argument and file is one short line, a non-zero exit, no stack trace",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "zon-bad-input-" });
    const cwd = Deno.cwd();
    Deno.chdir(dir); // a paused.conf written by mistake lands here
    try {
      const cases = [
        ...targetCases(),
        ...valueCases(),
        ...flagCases(),
        ...fileCases(dir),
        ...pausedCases(dir),
        ...outputCases(dir),
      ];
      assert.ok(cases.length >= 100, `${cases.length} cases`);
      const failures: string[] = [];
      for (const c of cases) {
        const started = performance.now();
        const { code, err } = await runCaptured(c.argv);
        const ms = performance.now() - started;
        const problems = [
          code === 0 && "exit 0",
          code === 70 && "internal error",
          !err.startsWith("zon scan: ") && "no 'zon scan:' line",
          /^\s+at /m.test(err) && "stack trace",
          // deno-lint-ignore no-control-regex
          /[\u0000-\u0008\u000b-\u001f\u007f]/.test(err) &&
          "raw control character",
          err.split("\n").length > 3 && "more than 3 lines",
          err.split("\n").some((l) => l.length > 500) &&
          "a line over 500 characters",
          !c.names.test(err) && `does not name ${c.names}`,
          ms > 5000 && `took ${Math.round(ms)} ms`,
          /STDOUT/.test(err) && "printed to stdout",
        ].filter(Boolean);
        if (problems.length > 0) {
          failures.push(
            `${c.name}: ${problems.join(", ")}\n    ${err.slice(0, 300)}`,
          );
        }
      }
      assert.deepEqual(
        failures,
        [],
        `${failures.length} of ${cases.length} cases:\n${failures.join("\n")}`,
      );
      // Nothing scanned, nothing paused.
      assert.equal(
        [...Deno.readDirSync(dir)].some((e) => e.name === "paused.conf"),
        false,
      );
    } finally {
      Deno.chdir(cwd);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("an internal error is one line with where to report it; the trace only with --debug", async () => {
  const { reportFailure } = await import("../examples/scan/cli/messages.ts");
  const lines: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  try {
    assert.equal(reportFailure(new TypeError("boom"), false), 70);
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      /internal error: TypeError: boom.*report it.*--debug/,
    );
    lines.length = 0;
    reportFailure(new TypeError("boom"), true);
    assert.equal(lines.length, 2);
    assert.match(lines[1], /at /);
  } finally {
    console.error = error;
  }
});
