// `./run profile` end to end (root; namespaces it creates and deletes):
// a 2 s profile of `ring:` writes a flame graph and folded stacks that parse,
// the transmit thread's stacks name the scanner's JavaScript stages, its
// kernel/user split agrees with `perf report --sort sym` within a point, and
// its kernel frames with perf's own `stackcollapse` script. Then the error
// and interrupt paths: a sender that fails to start, and Ctrl-C mid-record —
// both leave no namespace, process or perf map behind.
import assert from "node:assert/strict";
import { parseFolded } from "../scripts/profile_collapse.ts";
import { reportKernelShare } from "../scripts/profile_perf.ts";
import { parseSvgFrames } from "./helpers/profile_svg_reader.ts";

const RUN = new URL("../run", import.meta.url).pathname;

function has(cmd: string): boolean {
  try {
    new Deno.Command(cmd, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync();
    return true;
  } catch {
    return false;
  }
}

const ready = Deno.uid() === 0 && has("perf") && has("ip");

async function namespacesOf(pid: number): Promise<string[]> {
  const out = await new Deno.Command("ip", {
    args: ["netns", "list"],
    stdout: "piped",
  }).output();
  const tag = `zon-profile-${pid.toString(36)}`;
  return new TextDecoder().decode(out.stdout).split("\n").map((l) =>
    l.split(" ")[0]
  )
    .filter((n) => n.startsWith(tag));
}

/** Processes whose command line contains `needle`. */
function processesWith(needle: string): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).replace(
        /\0/g,
        " ",
      );
      if (cmd.includes(needle)) found.push(Number(e.name));
    } catch { /* exited */ }
  }
  return found;
}

function profile(
  args: string[],
  env: Record<string, string> = {},
): Deno.ChildProcess {
  return new Deno.Command(RUN, {
    args: ["profile", ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function collect(
  child: Deno.ChildProcess,
): Promise<{ code: number; out: string; err: string }> {
  const o = await child.output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

/** Kernel tail (leaf end, `_[k]` frames) of each stack → samples. */
function kernelTails(lines: Iterable<[string, number]>): Map<string, number> {
  const tails = new Map<string, number>();
  for (const [stack, n] of lines) {
    const frames = stack.split(";");
    let i = frames.length;
    while (i > 0 && frames[i - 1].endsWith("_[k]")) i--;
    const key = frames.slice(i).join(";");
    tails.set(key, (tails.get(key) ?? 0) + n);
  }
  return tails;
}

Deno.test({
  name:
    "profile: --seconds 2 --drivers ring — SVG, folded stacks, stage names, split vs perf report",
  ignore: !ready,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "zon-h14-profile-" });
    try {
      // 4 kHz: enough samples of the small stages even on a busy machine.
      const child = profile([
        "--seconds",
        "2",
        "--drivers",
        "ring",
        "--frequency",
        "3999",
        "--out",
        dir,
      ]);
      const r = await collect(child);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(await namespacesOf(child.pid), []);
      for (
        const f of [
          "ring.svg",
          "ring.folded",
          "ring.transmit.folded",
          "ring.perf.data",
          "summary.md",
        ]
      ) {
        assert((await Deno.stat(`${dir}/${f}`)).size > 0, f);
      }
      const svg = await Deno.readTextFile(`${dir}/ring.svg`);
      assert(svg.length < 1_000_000, `${svg.length} bytes`);
      const all = parseFolded(await Deno.readTextFile(`${dir}/ring.folded`));
      const tx = parseFolded(
        await Deno.readTextFile(`${dir}/ring.transmit.folded`),
      );
      const total = (m: Map<string, number>) =>
        [...m.values()].reduce((a, b) => a + b, 0);
      assert.equal(parseSvgFrames(svg).samples, total(all));
      // The transmit thread's stacks name the stages and the driver's send.
      const frames = new Set([...tx.keys()].flatMap((s) => s.split(";")));
      for (
        const stage of [
          /^Blackrock\.shuffleBatch /,
          /^synCookie4 /,
          /^TcpSynTemplate\.patch /,
          /^AfPacketRingDriver\.(sendWith|flush) /,
          /^packet_sendmsg_\[k\]$/,
        ]
      ) {
        assert(
          [...frames].some((f) => stage.test(f)),
          `no ${stage} in the transmit thread`,
        );
      }
      // The split in summary.md against perf report on the same perf.data.
      const summary = await Deno.readTextFile(`${dir}/summary.md`);
      const row = /\| zon `ring:` \|.*?\| ([\d.]+)% \/ ([\d.]+)% \|/.exec(
        summary,
      );
      const tid = /transmit thread (\d+),/.exec(summary);
      assert(row && tid, summary);
      const oracle = await reportKernelShare(
        `${dir}/ring.perf.data`,
        Number(tid[1]),
      );
      assert(
        Math.abs(Number(row[1]) - oracle) <= 1,
        `summary says kernel ${row[1]}%, perf report --sort sym ${
          oracle.toFixed(2)
        }%`,
      );
      // Kernel frames against perf's own stackcollapse of the same data.
      const execPath = new TextDecoder().decode(
        (await new Deno.Command("perf", {
          args: ["--exec-path"],
          stdout: "piped",
        }).output()).stdout,
      ).trim();
      const perfFolded = await new Deno.Command("perf", {
        args: [
          "script",
          "-i",
          `${dir}/ring.perf.data`,
          "-s",
          `${execPath}/scripts/python/stackcollapse.py`,
          "--",
          "--kernel",
          "--include-tid",
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const theirs: [string, number][] = [];
      for (
        const line of new TextDecoder().decode(perfFolded.stdout).split("\n")
      ) {
        const m = /^[^;]*-(\d+);(.*) (\d+)$/.exec(line);
        if (m && m[1] === tid[1]) theirs.push([m[2], Number(m[3])]);
      }
      assert(
        theirs.length > 0,
        `perf's stackcollapse printed nothing for the transmit thread: ${
          new TextDecoder().decode(perfFolded.stderr)
        }`,
      );
      assert.deepEqual(kernelTails(tx), kernelTails(theirs));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "profile: a sender that fails to start is named, with what it printed",
  ignore: !ready,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "zon-h14-profile-" });
    try {
      const fake = `${dir}/fails.ts`;
      await Deno.writeTextFile(
        fake,
        'console.error("zon scan: ring:eth9: no such device"); Deno.exit(3);\n',
      );
      const child = profile([
        "--seconds",
        "2",
        "--drivers",
        "ring",
        "--out",
        `${dir}/out`,
      ], {
        ZON_PROFILE_SCANNER: fake,
      });
      const r = await collect(child);
      assert.equal(r.code, 1, r.err);
      assert.match(
        r.err,
        /profile: sender ring failed to start \(exit code 3\); it printed:\nzon scan: ring:eth9: no such device/,
      );
      assert.deepEqual(await namespacesOf(child.pid), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "profile: Ctrl-C while perf records stops everything and deletes the namespaces",
  ignore: !ready,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "zon-h14-profile-" });
    try {
      const child = profile([
        "--seconds",
        "30",
        "--drivers",
        "ring",
        "--out",
        dir,
      ]);
      const done = collect(child);
      // Wait for perf record attached to the sender.
      let perf: number[] = [], sender: number[] = [];
      for (let i = 0; i < 600 && perf.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        sender = processesWith(`ring:zd${child.pid.toString(36)}`);
        perf = sender.length ? processesWith(`-g -p ${sender[0]} -o `) : [];
      }
      assert(perf.length > 0 && sender.length > 0, "perf record never started");
      const start = performance.now();
      child.kill("SIGINT");
      const r = await done;
      assert.equal(r.code, 130, r.err);
      assert(performance.now() - start < 15_000, "took more than 15 s to stop");
      assert.match(
        r.err,
        /interrupted; stopping the sender and perf, deleting the namespaces/,
      );
      assert.deepEqual(await namespacesOf(child.pid), []);
      for (const p of [...sender, ...perf]) {
        let alive = true;
        try {
          Deno.statSync(`/proc/${p}`);
        } catch {
          alive = false;
        }
        assert(!alive, `process ${p} left running`);
        assert.throws(
          () => Deno.statSync(`/tmp/perf-${p}.map`),
          `/tmp/perf-${p}.map left behind`,
        );
      }
      const temps = [...Deno.readDirSync("/tmp")].filter((e) =>
        e.name.startsWith(`zon-profile-${child.pid}-`)
      );
      assert.deepEqual(temps, []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
