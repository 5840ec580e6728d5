// --merge and the completion record, without a cluster: the scanner's own
// --offline shards (null driver: the whole pipeline, nothing sent), and
// synthetic shard files for dedup. Oracles: a naive Set for the dedup
// table and the merged results, ScanOrder's shard lengths for the record's
// totals, the fingerprint of the same set spelled otherwise, xmllint
// against nmap.dtd for -oX, JSON.parse for -oJ. The commands --merge
// prints are run as printed (sh -c).

import assert from "node:assert/strict";
import { ResultDedup } from "../examples/scan/cluster/dedup.ts";
import { readLines } from "../examples/scan/cluster/lines.ts";
import {
  completionRecord,
  formatCompletion,
  judgeCoverage,
  parseCompletion,
  shardProbes,
} from "../examples/scan/cluster/mod.ts";
import { targetFingerprint } from "../examples/scan/cluster/fingerprint.ts";
import { TargetSet } from "../blackrock/mod.ts";
import { formatIpv4 } from "../packet/mod.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("cluster_merge_test.ts");
const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;
const decoder = new TextDecoder();
const TARGETS = ["198.18.0.0/24", "-p", "80,443"];

async function scanner(
  args: string[],
  options: { cwd?: string; interruptAfterMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCAN, ...args],
    cwd: options.cwd,
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = options.interruptAfterMs === undefined
    ? undefined
    : setTimeout(() => child.kill("SIGTERM"), options.interruptAfterMs);
  const out = await child.output();
  clearTimeout(timer);
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

function lastLine(path: string): string {
  return Deno.readTextFileSync(path).trimEnd().split("\n").pop()!;
}

async function offlineShard(
  dir: string,
  one: number,
  of: number,
  extra: string[] = [],
  options: { interruptAfterMs?: number } = {},
) {
  const path = `${dir}/shard-${one}-of-${of}.ndjson`;
  const r = await scanner([
    "--offline",
    ...TARGETS,
    "--seed",
    "77",
    "--shard",
    `${one}/${of}`,
    "--no-status",
    "-oD",
    path,
    ...extra,
  ], { cwd: dir, ...options });
  return { ...r, path };
}

Deno.test("cluster: every shard's -oD ends with its completion record; --merge over the shards says covered", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "zon-h19-merge-" });
  try {
    for (let one = 1; one <= 3; one++) {
      const r = await offlineShard(dir, one, 3);
      assert.equal(r.code, 0, r.stderr);
      const rec = parseCompletion(lastLine(r.path));
      assert.equal(rec.seed, "77");
      assert.equal(rec.shard, `${one}/3`);
      assert.equal(rec.status, "finished");
      // 512 targets: shards 1 and 2 get 171, shard 3 gets 170 (as ScanOrder).
      assert.equal(rec.total, one < 3 ? 171 : 170);
      assert.deepEqual(rec.range, [0, rec.total]);
      assert.equal(rec.probes_sent, rec.total);
      assert.equal(rec.targets, 512);
      // The fingerprint is the default exclusions' too: 198.18.0.0/24 is
      // inside 198.18.0.0/15, so nothing is excluded and the set is as given.
      assert.equal(
        rec.fingerprint,
        await targetFingerprint(
          new TargetSet({
            include: ["198.18.0.0-198.18.0.255"],
            ports: "443,80",
          }),
        ),
      );
    }
    const m = await scanner(["--merge", dir]);
    assert.equal(m.code, 0, m.stderr);
    assert.match(
      m.stderr,
      /covered: 3\/3 shards, 512 probes, exactly the target set/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cluster: --merge refuses shards with a different seed or exclude, naming the file and the difference", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "zon-h19-merge-" });
  try {
    assert.equal((await offlineShard(dir, 1, 3)).code, 0);
    assert.equal((await offlineShard(dir, 2, 3)).code, 0);
    const seed = await scanner([
      "--offline",
      ...TARGETS,
      "--seed",
      "78",
      "--shard",
      "3/3",
      "--no-status",
      "-oD",
      `${dir}/other-seed.ndjson`,
    ]);
    assert.equal(seed.code, 0, seed.stderr);
    const out = `${dir}/merged.xml`;
    const bySeed = await scanner([
      "--merge",
      `${dir}/shard-1-of-3.ndjson`,
      `${dir}/shard-2-of-3.ndjson`,
      `${dir}/other-seed.ndjson`,
      "-oX",
      out,
    ]);
    assert.equal(bySeed.code, 2, bySeed.stderr);
    assert.match(bySeed.stderr, /refusing to merge/);
    assert.match(
      bySeed.stderr,
      /other-seed\.ndjson \(shard 3\/3\) has seed 78, .*shard-1-of-3\.ndjson \(shard 1\/3\) has 77/,
    );
    assert.throws(
      () => Deno.statSync(out),
      Deno.errors.NotFound,
      "nothing written",
    );

    const exclude = await offlineShard(dir, 3, 3, ["--exclude", "198.18.0.7"]);
    assert.equal(exclude.code, 0, exclude.stderr);
    Deno.removeSync(`${dir}/other-seed.ndjson`);
    const byExclude = await scanner(["--merge", dir]);
    assert.equal(byExclude.code, 2, byExclude.stderr);
    assert.match(
      byExclude.stderr,
      /shard-3-of-3\.ndjson \(shard 3\/3\) has target fingerprint sha256:[0-9a-f]{64}, .*has sha256:/,
    );
    assert.match(byExclude.stderr, /target count 510, .* has 512/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cluster: a missing shard and an interrupted one are listed with the command that reruns or resumes each; run, the merge is covered", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "zon-h19-merge-" });
  try {
    assert.equal((await offlineShard(dir, 1, 3)).code, 0);
    // Shard 2 at 50 probes/s (171 probes, 3.4 s), stopped by SIGTERM (a
    // scheduler's stop) after ~1 s of sending.
    const stopped = await offlineShard(dir, 2, 3, ["--rate", "50"], {
      interruptAfterMs: 1500,
    });
    assert.equal(stopped.code, 0, stopped.stderr);
    const rec = parseCompletion(lastLine(stopped.path));
    assert.equal(rec.status, "interrupted");
    assert.ok(
      rec.resume_index > 0 && rec.resume_index < rec.total,
      JSON.stringify(rec),
    );
    const first = await scanner(["--merge", dir]);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /missing: shard 3\/3/);
    assert.match(
      first.stderr,
      new RegExp(`interrupted: shard 2/3 at probe ${rec.resume_index} of 171`),
    );
    assert.match(first.stderr, /not covered: 1\/3 shards complete/);
    const commands = [
      ...first.stderr.matchAll(/^zon merge: +(?:rerun|resume): (.*)$/gm),
    ].map((m) => m[1]);
    assert.equal(commands.length, 2, first.stderr);
    for (const command of commands) {
      const r = await new Deno.Command("sh", {
        args: ["-c", command],
        stdout: "piped",
        stderr: "piped",
        env: { DENO_NO_UPDATE_CHECK: "1" },
      }).output();
      assert.equal(r.code, 0, decoder.decode(r.stderr));
    }
    // The resumed shard's file: the first run's record, then the second's.
    const records = Deno.readTextFileSync(stopped.path).trimEnd().split("\n")
      .filter((l) => l.includes('"rec_type":"completion"')).map(
        parseCompletion,
      );
    assert.deepEqual(records.map((r) => r.range), [[0, rec.resume_index], [
      rec.resume_index,
      171,
    ]]);
    const second = await scanner(["--merge", dir]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      second.stderr,
      /covered: 3\/3 shards, 512 probes, exactly the target set/,
    );
    assert.doesNotMatch(second.stderr, /more than one run/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** A shard file of `results` random IPv4 results, a `dup` share repeated. */
function syntheticShards(
  dir: string,
  n: number,
): { expected: Set<string>; files: string[] } {
  const targets = 1000, of = 2;
  const expected = new Set<string>();
  const files: string[] = [];
  for (let one = 1; one <= of; one++) {
    let text = "";
    for (let i = 0; i < n; i++) {
      const ip = 0xc6120000 + Math.floor(random() * 256);
      const port = 1 + Math.floor(random() * 40);
      const proto = random() < 0.2 ? "udp" : "tcp";
      expected.add(`${formatIpv4(ip)} ${port} ${proto}`);
      text += `{"ip":"${
        formatIpv4(ip)
      }","timestamp":"1700000000","port":${port},"proto":"${proto}","rec_type":"status","data":{"status":"open","reason":"${
        proto === "tcp" ? "syn-ack" : "udp-response"
      }","ttl":64}}\n`;
    }
    const total = shardProbes(targets, 0, one, of);
    text += formatCompletion(completionRecord({
      seed: 5n,
      shard: { one, of },
      fingerprint: "sha256:00",
      targets,
      retries: 0,
      total,
      first: 0,
      next: total,
      sent: total,
      results: n,
      startMs: 0,
      endMs: 1000,
      args: [],
      program: SCAN,
      runtime: Deno.execPath(),
      cwd: "/",
    }));
    const path = `${dir}/s${one}.ndjson`;
    Deno.writeTextFileSync(path, text);
    files.push(path);
  }
  return { expected, files };
}

Deno.test("cluster: --merge writes each result once, in every output format (-oX valid against nmap.dtd)", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "zon-h19-merge-" });
  try {
    const { expected, files } = syntheticShards(dir, 3000);
    const r = await scanner([
      "--merge",
      ...files,
      "-oD",
      `${dir}/m.ndjson`,
      "-oJ",
      `${dir}/m.json`,
      "-oX",
      `${dir}/m.xml`,
      "-oL",
      `${dir}/m.txt`,
      "-oG",
      `${dir}/m.gnmap`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const got = Deno.readTextFileSync(`${dir}/m.ndjson`).trimEnd().split("\n")
      .map((l) => JSON.parse(l)).map((o) => `${o.ip} ${o.port} ${o.proto}`);
    assert.equal(got.length, new Set(got).size, "no duplicates");
    assert.deepEqual(new Set(got), expected);
    assert.match(
      r.stderr,
      new RegExp(
        `${expected.size} results, 0 banners written; ${
          6000 - expected.size
        } duplicates dropped`,
      ),
    );
    assert.equal(
      JSON.parse(Deno.readTextFileSync(`${dir}/m.json`)).length,
      expected.size,
    );
    assert.equal(
      Deno.readTextFileSync(`${dir}/m.txt`).split("\n").filter((l) =>
        l.startsWith("open ")
      ).length,
      expected.size,
    );
    assert.equal(
      Deno.readTextFileSync(`${dir}/m.gnmap`).split("\n").filter((l) =>
        l.startsWith("Timestamp: ") && l.includes("\tHost: ")
      ).length,
      expected.size,
    );
    const dtd = await new Deno.Command("xmllint", {
      args: [
        "--noout",
        "--dtdvalid",
        "/usr/share/nmap/nmap.dtd",
        `${dir}/m.xml`,
      ],
      stderr: "piped",
    }).output();
    assert.ok(dtd.success, decoder.decode(dtd.stderr));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cluster: the dedup table equals a Set over random keys, across growth", () => {
  const seen = new ResultDedup();
  const naive = new Set<string>();
  const order: string[] = [];
  for (let i = 0; i < 300_000; i++) {
    const ip = Math.floor(random() * 2 ** 32),
      port = Math.floor(random() * 65536);
    const proto = ["tcp", "udp", "sctp", "icmp"][Math.floor(random() * 4)];
    // Every third key again: duplicates of old and recent keys.
    const key = i % 3 === 2 && naive.size > 0
      ? order[
        order.length - 1 - Math.floor(random() * Math.min(10, order.length))
      ]
      : `${ip} ${port} ${proto}`;
    const [a, b, c] = key.split(" ");
    assert.equal(seen.addIpv4(Number(a), Number(b), c), !naive.has(key));
    if (!naive.has(key)) order.push(key);
    naive.add(key);
  }
  assert.equal(seen.size, naive.size);
  assert.ok(
    seen.tableBytes <= naive.size * 8 * 4 / 3 * 2 + 8,
    `${seen.tableBytes} bytes for ${naive.size}`,
  );
});

Deno.test("cluster: readLines gives the same lines whole, byte at a time and at random chunk sizes", async () => {
  const path = Deno.makeTempFileSync({ prefix: "zon-h19-lines-" });
  try {
    const lines = Array.from(
      { length: 200 },
      (_, i) => i % 7 === 0 ? "" : `{"ip":"198.18.0.${i}","é€😀":${i}}`,
    );
    Deno.writeTextFileSync(path, lines.join("\n"));
    for (
      const size of [
        1 << 20,
        1,
        2,
        3,
        ...Array.from({ length: 8 }, () => 1 + Math.floor(random() * 97)),
      ]
    ) {
      const got: string[] = [];
      for await (const line of readLines(path, size)) got.push(line);
      assert.deepEqual(got, lines, `chunk ${size}`);
    }
  } finally {
    Deno.removeSync(path);
  }
});

Deno.test("cluster: coverage is the union of each shard's runs; an overlap is counted, a gap is where to resume", () => {
  const rec = (one: number, first: number, next: number, end = 0) => ({
    file: `s${one}-${first}`,
    record: completionRecord({
      seed: 1n,
      shard: { one, of: 2 },
      fingerprint: "sha256:00",
      targets: 20,
      retries: 1,
      total: shardProbes(20, 1, one, 2),
      first,
      next,
      sent: next - first,
      results: 0,
      startMs: 0,
      endMs: end,
      args: [],
      program: "p",
      runtime: "deno",
      cwd: "/",
    }),
  });
  const c = judgeCoverage([
    rec(1, 0, 8),
    rec(1, 6, 20, 1),
    rec(2, 0, 5),
    rec(2, 9, 20),
  ]);
  assert.deepEqual(c.conflicts, []);
  assert.equal(c.overlap, 2);
  assert.deepEqual(c.incomplete.map((s) => [s.one, s.firstGap, s.total]), [[
    2,
    5,
    20,
  ]]);
  assert.equal(c.probes, 20 + 16);
  assert.deepEqual(judgeCoverage([rec(1, 0, 20)]).missing, [2]);
  const wrong = rec(2, 0, 20);
  wrong.record.total = 19;
  assert.match(
    judgeCoverage([rec(1, 0, 20), wrong]).conflicts[0],
    /claims 19 probes, 20 expected/,
  );
});

Deno.test("cluster: a status line reads the same through the fast path as through JSON.parse", async () => {
  const { ndjsonRecord } = await import("../examples/scan/output/ndjson.ts");
  const { parseShardLine } = await import(
    "../examples/scan/cluster/shard_lines.ts"
  );
  const reasons = [
    "syn-ack",
    "rst",
    "udp-response",
    "icmp-port-unreachable",
    "echo-reply",
  ] as const;
  for (let i = 0; i < 2000; i++) {
    const v6 = random() < 0.3;
    const ipv6 = new Uint8Array(16).map(() =>
      random() < 0.5 ? 0 : Math.floor(random() * 256)
    );
    const r = {
      version: (v6 ? 6 : 4) as 4 | 6,
      ipv4: v6 ? 0 : Math.floor(random() * 2 ** 32),
      ipv6: v6 ? ipv6 : new Uint8Array(16),
      port: Math.floor(random() * 65536),
      protocol:
        (["tcp", "udp", "sctp", "icmp"] as const)[Math.floor(random() * 4)],
      status: random() < 0.5 ? "open" as const : "closed" as const,
      reason: reasons[Math.floor(random() * reasons.length)],
      ttl: Math.floor(random() * 256),
      timestamp: 1700000000 + Math.floor(random() * 1e6),
    };
    const line = ndjsonRecord(r).trimEnd();
    // A space after the first comma: the same JSON, not the fast path's text.
    const slow = parseShardLine(line.replace(",", ", "));
    const fast = parseShardLine(line);
    assert.deepEqual(fast, slow, line);
    assert.deepEqual(fast, { kind: "result", result: r }, line);
  }
});

Deno.test("cluster: a shard resumed from paused.conf and stopped again records its whole configuration; the printed command finishes it", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "zon-h19-merge-" });
  try {
    const first = await offlineShard(dir, 1, 1, ["--rate", "50"], {
      interruptAfterMs: 1200,
    });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(Deno.statSync(`${dir}/paused.conf`).isFile);
    const again = await scanner(["--resume", "paused.conf", "--no-status"], {
      cwd: dir,
      interruptAfterMs: 1500,
    });
    assert.equal(again.code, 0, again.stderr);
    const records = Deno.readTextFileSync(first.path).trimEnd().split("\n")
      .filter((l) => l.includes('"rec_type":"completion"')).map(
        parseCompletion,
      );
    assert.equal(records.length, 2);
    assert.equal(
      records[1].range[0],
      records[0].range[1],
      "resumed where it stopped",
    );
    assert.ok(
      records[1].args.includes("--range=198.18.0.0/24"),
      records[1].args.join(" "),
    );
    assert.ok(!records[1].args.some((a) => a.startsWith("--resume")));
    Deno.removeSync(`${dir}/paused.conf`);
    const m = await scanner(["--merge", first.path]);
    assert.equal(m.code, 1, m.stderr);
    const command = /^zon merge: +resume: (.*)$/m.exec(m.stderr)?.[1];
    assert.ok(command, m.stderr);
    const r = await new Deno.Command("sh", {
      args: ["-c", command],
      stderr: "piped",
      env: { DENO_NO_UPDATE_CHECK: "1" },
    }).output();
    assert.equal(r.code, 0, decoder.decode(r.stderr));
    const done = await scanner(["--merge", first.path]);
    assert.equal(done.code, 0, done.stderr);
    assert.match(
      done.stderr,
      /covered: 1\/1 shards, 512 probes, exactly the target set/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
