// `./run profile`'s errors say what to do: bad options name the option, a
// missing perf says to install linux-perf, a non-root user under a strict
// perf_event_paranoid is told the sysctl or to run as root, and perf's own
// permission error (the real text, from perf run as `nobody`) is explained.
import assert from "node:assert/strict";
import { DENO } from "./helpers/drivers_netns.ts";
import { parseOptions } from "../scripts/profile.ts";
import {
  explainPerfFailure,
  paranoidProblem,
  ProfileError,
} from "../scripts/profile_perf.ts";

const SCRIPT = new URL("../scripts/profile.ts", import.meta.url).pathname;
const isRoot = Deno.uid() === 0;

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

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert(e instanceof ProfileError, `not a ProfileError: ${e}`);
    return e.message;
  }
  throw new Error("did not throw");
}

Deno.test("profile options: defaults, and each bad value named", () => {
  assert.deepEqual(parseOptions([]), {
    seconds: 10,
    drivers: ["masscan", "pcap", "ring"],
    out: "profile",
    rate: "100000000",
    frequency: 999,
    inline: false,
    keepScript: false,
  });
  const o = parseOptions([
    "--seconds",
    "2",
    "--drivers",
    "ring,pcap",
    "--frequency",
    "99",
  ]);
  assert.deepEqual([o.seconds, o.drivers, o.frequency], [
    2,
    ["ring", "pcap"],
    99,
  ]);
  assert.match(
    messageOf(() => parseOptions(["--seconds", "0"])),
    /^--seconds 0: expected a number of seconds/,
  );
  assert.match(
    messageOf(() => parseOptions(["--drivers", "ring,bogus"])),
    /unknown sender "bogus"; expected any of masscan, pcap, ring, /,
  );
  assert.match(
    messageOf(() => parseOptions(["--rate"])),
    /--rate: expected an option with a value/,
  );
  assert.match(
    messageOf(() => parseOptions(["--colour", "x"])),
    /unknown option --colour/,
  );
});

Deno.test("profile errors: perf_event_paranoid and perf's permission text", () => {
  assert.equal(paranoidProblem(0, 3), null); // root passes whatever it says
  assert.equal(paranoidProblem(1000, 1), null);
  assert.match(
    paranoidProblem(1000, 2)!,
    /perf_event_paranoid is 2.*sudo sysctl -w kernel\.perf_event_paranoid=1/s,
  );
  assert.match(
    explainPerfFailure(
      "perf record",
      "Error:\nNo permission to enable cpu-clock event.\n",
    ),
    /no permission to sample.*Run as root/s,
  );
});

Deno.test({
  name: "profile errors: perf not installed",
  ignore: !isRoot,
  async fn() {
    const out = await new Deno.Command(DENO, {
      args: ["run", "-A", SCRIPT, "--seconds", "1", "--drivers", "ring"],
      env: { ZON_PROFILE_PERF: "/nonexistent/perf" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, err);
    assert.match(
      err,
      /^profile: \/nonexistent\/perf is not installed: `\.\/run profile` installs it \(Debian package linux-perf\)/,
    );
    assert(!err.includes("    at "), `a stack trace: ${err}`);
  },
});

/**
 * Deno and the script as `nobody` can run them: the checkout itself when
 * nobody can reach it, else (a clone under a 0700 directory) a copy of the
 * tracked files and of Deno inside `home`.
 */
async function nobodyReadable(
  home: string,
  asNobody: (cmd: string[]) => Promise<Deno.CommandOutput>,
): Promise<{ deno: string; script: string }> {
  const probe = await asNobody(["test", "-r", SCRIPT, "-a", "-x", DENO]);
  if (probe.success) return { deno: DENO, script: SCRIPT };
  const root = new URL("..", import.meta.url).pathname;
  const files = new TextDecoder().decode(
    (await new Deno.Command("git", {
      args: ["-C", root, "ls-files", "-z"],
      stdout: "piped",
    }).output()).stdout,
  ).split("\0").filter(Boolean);
  const copy = `${home}/repo`;
  for (const file of files) {
    const to = `${copy}/${file}`;
    await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${root}${file}`, to);
  }
  await Deno.copyFile(DENO, `${home}/deno`);
  const chmod = await new Deno.Command("chmod", {
    args: ["-R", "a+rX", copy, `${home}/deno`],
  }).output();
  assert.ok(chmod.success, "chmod of the copy");
  return { deno: `${home}/deno`, script: `${copy}/scripts/profile.ts` };
}

Deno.test({
  name:
    "profile errors: not root — perf's real refusal, and the script's advice",
  ignore: !isRoot || !has("perf") || !has("setpriv"),
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "zon-h14-profile-nobody-" });
    try {
      await Deno.chown(home, 65534, 65534);
      const asNobody = (cmd: string[]) =>
        new Deno.Command("setpriv", {
          args: ["--reuid=65534", "--regid=65534", "--clear-groups", ...cmd],
          env: { HOME: home, DENO_DIR: home },
          cwd: home, // the checkout may be a directory nobody cannot enter
          stdout: "piped",
          stderr: "piped",
        }).output();
      // perf itself, sampling another user's process: its own words.
      const perf = await asNobody([
        "perf",
        "record",
        "-e",
        "cpu-clock",
        "-g",
        "-p",
        "1",
        "-o",
        `${home}/x.data`,
        "--",
        "sleep",
        "0.1",
      ]);
      const perfErr = new TextDecoder().decode(perf.stderr);
      assert.notEqual(perf.code, 0, perfErr);
      assert.match(
        explainPerfFailure("perf record -p 1", perfErr),
        /no permission to sample.*(Run as root|perf_event_paranoid)/s,
      );
      // The script: refuses before creating anything, saying what to do.
      const { deno, script } = await nobodyReadable(home, asNobody);
      const out = await asNobody([
        deno,
        "run",
        "-A",
        script,
        "--seconds",
        "1",
        "--drivers",
        "ring",
      ]);
      const err = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 1, err);
      const paranoid = Number(
        Deno.readTextFileSync("/proc/sys/kernel/perf_event_paranoid"),
      );
      assert.match(
        err,
        paranoid > 1
          ? /kernel\.perf_event_paranoid is \d+: .*Run as root \(`sudo \.\/run profile`\), or lower it: `sudo sysctl -w kernel\.perf_event_paranoid=1`/
          : /needs root: .*run `sudo \.\/run profile`/,
      );
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
