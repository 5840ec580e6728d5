// Each ./run subcommand installs what it executes: the subcommand runs with
// PATH reduced to the executables of its own Debian package list (`./run
// debs NAME`), Debian's essential packages, node and the pinned Deno (see
// tests/helpers/reduced_path.ts). A program the subcommand calls outside
// that set fails to start, and the failure names it — as `./run scan`
// failed on a fresh machine when ethtool was missing from SCAN_DEBS.
//
// Needs root (the lab's namespaces) and every package of the lists.

import assert from "node:assert/strict";
import { reducedPath } from "./helpers/reduced_path.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function runWithPath(
  path: string,
  args: string[],
): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command("bash", {
    args: ["./run", ...args],
    cwd: ROOT,
    env: { PATH: path },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

/** The lines of `text` that say a program could not be started. */
function missingPrograms(text: string): string[] {
  return text.split("\n").filter((l) =>
    /exec of "[^"]+" failed|command not found|No such file or directory \(os error 2\)/
      .test(l)
  );
}

Deno.test({
  name: "./run scan (the lab) runs with PATH reduced to SCAN_DEBS + essentials",
  ignore: Deno.uid() !== 0,
  sanitizeResources: false,
  async fn() {
    const path = await reducedPath("scan");
    try {
      const { code, text } = await runWithPath(path.dir, ["scan"]);
      const missing = missingPrograms(text);
      assert.deepEqual(
        missing,
        [],
        `./run scan called programs outside SCAN_DEBS (${path.packages.length} packages):\n${
          missing.join("\n")
        }`,
      );
      assert.equal(code, 0, text.slice(-3000));
      assert.match(
        text,
        /PASS: \d+\/\d+ open ports found, 0 missed, 0 false positives/,
      );
    } finally {
      await path.remove();
    }
  },
});

Deno.test({
  name:
    "./run bench's scripts (bench_scan, 1 s) run with PATH reduced to BENCH_DEBS + essentials",
  ignore: Deno.uid() !== 0,
  sanitizeResources: false,
  async fn() {
    const path = await reducedPath("bench");
    try {
      const { code, text } = await runWithPath(path.dir, [
        "deno",
        "run",
        "-A",
        "scripts/bench_scan.ts",
        "--seconds",
        "1",
        "--json",
      ]);
      const missing = missingPrograms(text);
      assert.deepEqual(
        missing,
        [],
        `outside BENCH_DEBS:\n${missing.join("\n")}`,
      );
      assert.equal(code, 0, text.slice(-3000));
      assert.ok(text.includes('"wire"'), text.slice(-2000));
    } finally {
      await path.remove();
    }
  },
});

Deno.test("the reduced PATH really is reduced: a program outside it is not found", async () => {
  const path = await reducedPath("scan");
  try {
    const names = [...Deno.readDirSync(path.dir)].map((e) => e.name);
    for (
      const name of [
        "ip",
        "ethtool",
        "masscan",
        "tcpdump",
        "python3",
        "deno",
        "node",
        "ls",
      ]
    ) {
      if (name === "masscan" || name === "tcpdump" || name === "ethtool") {
        // Present only where the packages are installed (CI installs them).
        continue;
      }
      assert.ok(names.includes(name), `${name} in the reduced PATH`);
    }
    // tshark is in the test suite's list, not the scan's.
    assert.ok(
      !names.includes("tshark"),
      "tshark must not be in the scan's PATH",
    );
    const { code, text } = await runWithPath(path.dir, [
      "deno",
      "eval",
      'new Deno.Command("tshark").outputSync()',
    ]);
    assert.notEqual(code, 0);
    assert.match(text, /tshark/);
  } finally {
    await path.remove();
  }
});

Deno.test({
  name:
    "./run profile (ring:, 1 s) runs with PATH reduced to PROFILE_DEBS + essentials",
  ignore: Deno.uid() !== 0,
  sanitizeResources: false,
  async fn() {
    const path = await reducedPath("profile");
    const out = await Deno.makeTempDir({ prefix: "zon-path-profile-" });
    try {
      const { code, text } = await runWithPath(path.dir, [
        "profile",
        "--seconds",
        "1",
        "--drivers",
        "ring",
        "--out",
        out,
      ]);
      const missing = missingPrograms(text);
      assert.deepEqual(
        missing,
        [],
        `outside PROFILE_DEBS:\n${missing.join("\n")}`,
      );
      assert.equal(code, 0, text.slice(-3000));
      await Deno.stat(`${out}/summary.md`);
    } finally {
      await path.remove();
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "./run watch (a capture file, one rule) runs with PATH reduced to WATCH_DEBS + essentials",
  sanitizeResources: false,
  async fn() {
    const { emitPacket, parseIpv4, parseMac, TcpFlags } = await import(
      "../packet/mod.ts"
    );
    const { PcapWriter } = await import("../drivers/mod.ts");
    const path = await reducedPath("watch");
    const dir = await Deno.makeTempDir({ prefix: "zon-path-watch-" });
    try {
      // One TCP segment carrying "GET / HTTP/1.1" to port 80.
      const frame = new Uint8Array(256);
      const n = emitPacket({
        ethernet: {
          destination: parseMac("02:00:00:00:00:02"),
          source: parseMac("02:00:00:00:00:01"),
        },
        ip: {
          version: 4,
          source: parseIpv4("198.18.0.1"),
          destination: parseIpv4("198.18.0.2"),
        },
        transport: {
          protocol: "tcp",
          sourcePort: 40000,
          destinationPort: 80,
          sequence: 1,
          acknowledgment: 1,
          flags: TcpFlags.ACK | TcpFlags.PSH,
          payload: new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"),
        },
        checksums: "compute",
      }, frame);
      {
        using file = await Deno.open(`${dir}/c.pcap`, {
          write: true,
          create: true,
        });
        const writer = new PcapWriter(file);
        writer.write(frame.subarray(0, n), 1_700_000_000_000_000n);
        writer.flush();
      }
      await Deno.writeTextFile(
        `${dir}/rules.txt`,
        'alert tcp any any -> any 80 (msg:"get"; content:"GET /"; sid:1;)\n',
      );
      const { code, text } = await runWithPath(path.dir, [
        "watch",
        "-e",
        `file:${dir}/c.pcap`,
        "--rules",
        `${dir}/rules.txt`,
        "-oD",
        "-",
      ]);
      const missing = missingPrograms(text);
      assert.deepEqual(
        missing,
        [],
        `outside WATCH_DEBS:\n${missing.join("\n")}`,
      );
      assert.equal(code, 0, text.slice(-3000));
      assert.match(
        text,
        /"type":"alert".*"rule":1,"message":"get"/,
        text.slice(-2000),
      );
    } finally {
      await path.remove();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
