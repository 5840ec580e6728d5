// zon watch against independent oracles on real traffic: a lab (curl vs
// python3 http.server over IPv4 and IPv6, openssl s_client vs s_server,
// SSH/SMTP greetings, DNS) captured by tcpdump and watched live through
// `ring:` on a mirror port at the same time. Oracle: tshark's reassembly
// plus a naive search. Then the capture re-segmented six ways, ngrep on the
// same captures, and ndpiReader's protocol labels.

import assert from "node:assert/strict";
import { parseRules } from "../examples/watch/rules/parse.ts";
import type {
  AlertRecord,
  FlowRecord,
  GapRecord,
  WatchRecord,
} from "../examples/watch/engine/records.ts";
import {
  captureTraffic,
  HTTP_PORT,
  labTraffic,
  sh,
  SMTP_PORT,
  SSH_PORT,
  TLS_PORT,
  type WatchLab,
  withWatchLab,
} from "./helpers/watch_lab.ts";
import {
  alertKey,
  expectedAlerts,
  type FollowedFlow,
  followFlows,
} from "./helpers/watch_oracle.ts";
import { resegment, type ResegmentMode } from "./helpers/watch_resegment.ts";

const DENO = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const WATCH = new URL("../examples/watch.ts", import.meta.url).pathname;

const RULES = `# zon watch lab rules
alert tcp any any -> any any (msg:"alpha"; content:"ZONSIG-ALPHA"; flow:to_client; sid:1;)
alert tcp any any <> any any (msg:"beta any case"; content:"zonsig-beta"; nocase; sid:2;)
alert tcp any any <> any any (msg:"binary"; content:"|de ad be ef|"; sid:3;)
alert tcp any any -> any any (msg:"curl"; content:"User-Agent|3a| curl"; flow:to_server; sid:4;)
alert tcp any any <> any any (msg:"sni or cn"; content:"watch.example"; sid:5;)
alert tcp any any <> any any (msg:"ssh"; content:"SSH-2.0-"; sid:6;)
alert tcp any any -> any ${SMTP_PORT} (msg:"helo"; content:"HELO"; sid:7;)
alert tcp any 9999 -> any any (msg:"never: port"; content:"ZONSIG-ALPHA"; sid:8;)
alert http any any <> any any (msg:"http only"; content:"content-length"; nocase; sid:9;)
alert tls any any <> any any (msg:"never: tls"; content:"ZONSIG-ALPHA"; sid:10;)
alert udp any any <> any 53 (msg:"dns"; content:"|05|watch|07|example"; sid:11;)
`;

const LABELS: Record<number, string> = {
  [HTTP_PORT]: "http",
  [TLS_PORT]: "tls",
  [SSH_PORT]: "ssh",
  [SMTP_PORT]: "smtp",
  53: "dns",
};

interface WatchRun {
  records: WatchRecord[];
  alerts: AlertRecord[];
  summary: Record<string, number>;
}

async function readRecords(path: string): Promise<WatchRecord[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

function parseSummary(stderr: string): Record<string, number> {
  const line = stderr.split("\n").find((l) => l.includes('"summary"'));
  assert.ok(line, `no summary in:\n${stderr}`);
  return JSON.parse(line);
}

async function watchFile(
  lab: WatchLab,
  pcap: string,
  rules = true,
  extra: string[] = [],
): Promise<WatchRun> {
  const out = `${pcap}.${rules ? "" : "norules."}ndjson`;
  const run = await sh([
    DENO,
    "run",
    "-A",
    WATCH,
    "-e",
    `file:${pcap}`,
    ...(rules ? ["--rules", `${lab.dir}/rules.txt`] : []),
    "-oD",
    out,
    "--quiet",
    "--summary-json",
    ...extra,
  ]);
  const records = await readRecords(out);
  return {
    records,
    alerts: records.filter((r): r is AlertRecord => r.type === "alert"),
    summary: parseSummary(run.stderr),
  };
}

function keys(alerts: AlertRecord[]): string[] {
  return alerts.map(alertKey).sort();
}

/** zon watch on a live driver inside the server namespace, until `stop`. */
function startLive(
  lab: WatchLab,
  driver: string,
  out: string,
  extra: string[],
): { ready: Promise<void>; stop: () => Promise<string> } {
  const child = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      lab.nsServer,
      DENO,
      "run",
      "-A",
      WATCH,
      "-e",
      driver,
      "--rules",
      `${lab.dir}/rules.txt`,
      "-oD",
      out,
      "--quiet",
      "--summary-json",
      "--status",
      ...extra,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.getReader();
  let said = "";
  const ready = (async () => {
    while (!said.includes("zon watch: reading")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${driver}: watch ended early:\n${said}`);
      said += new TextDecoder().decode(value);
    }
  })();
  const stop = async () => {
    child.kill("SIGINT"); // the clean Ctrl-C path
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      said += new TextDecoder().decode(value);
    }
    assert.equal((await child.status).code, 0, said);
    return said;
  };
  return { ready, stop };
}

Deno.test("watch: lab traffic, file: and ring: vs tshark reassembly, re-segmented, ngrep, ndpiReader", async (t) => {
  await withWatchLab(async (lab) => {
    const rules = parseRules(RULES, "lab rules");
    await Deno.writeTextFile(`${lab.dir}/rules.txt`, RULES);
    const pcap = `${lab.dir}/lab.pcap`;
    const liveOut = (driver: string) => `${lab.dir}/live-${driver}.ndjson`;
    const live = ["ring", "pcap"].map((driver) =>
      // pcap: also runs a BPF filter: TCP only, so no DNS alerts.
      startLive(
        lab,
        `${driver}:${lab.ifMonitor}`,
        liveOut(driver),
        driver === "pcap" ? ["--filter", "tcp"] : [],
      )
    );
    const said: Record<string, string> = {};
    try {
      for (const l of live) await l.ready;
      await captureTraffic(lab, pcap, () => labTraffic(lab));
      // At least one status line (once a second) before Ctrl-C.
      await new Promise((r) => setTimeout(r, 1100));
    } finally {
      for (const [i, l] of live.entries()) {
        said[["ring", "pcap"][i]] = await l.stop();
      }
    }

    const flows = await followFlows(pcap);
    const labelOf = (f: FollowedFlow) => LABELS[f.serverPort] ?? "";
    const expected = expectedAlerts(flows, rules, labelOf);
    const expectedKeys = expected.map((e) => e.key).sort();
    const original = await watchFile(lab, pcap);
    const unfiltered = await watchFile(lab, pcap, true, ["--prefilter", "off"]);

    await t.step(
      "file: every occurrence tshark's streams hold, once, at its offset, nothing else",
      () => {
        assert.ok(flows.length >= 8, `tshark followed ${flows.length} flows`);
        for (const sid of [1, 2, 3, 4, 5, 6, 7, 9, 11]) {
          assert.ok(
            expected.some((e) => e.rule.id === sid),
            `lab has no sid ${sid}`,
          );
        }
        assert.ok(expected.length > 100, `${expected.length} expected alerts`);
        assert.deepEqual(keys(original.alerts), expectedKeys);
        assert.deepEqual(keys(unfiltered.alerts), expectedKeys); // --prefilter off
        assert.equal(original.summary.alerts, expected.length);
        assert.equal(original.summary.gaps, 0);
        assert.equal(original.summary.conflicts, 0);
      },
    );

    for (const driver of ["ring", "pcap"]) {
      await t.step(
        `${driver}: on a mirror port, live, the same alerts (pcap: with --filter tcp); status line; Ctrl-C ends cleanly`,
        async () => {
          const summary = parseSummary(said[driver]);
          const liveAlerts = (await readRecords(liveOut(driver))).filter((
            r,
          ): r is AlertRecord => r.type === "alert");
          console.log(driver, JSON.stringify(summary));
          assert.equal(summary.ringDrops, 0);
          assert.deepEqual(
            keys(liveAlerts),
            driver === "pcap"
              ? expected.filter((e) => e.flow.transport === "tcp").map((e) =>
                e.key
              ).sort()
              : expectedKeys,
          );
          if (driver === "pcap") assert.equal(summary.udp, 0);
          assert.match(
            said[driver],
            /pkt\/s .*bit\/s, flows \d+ live, alerts \d+, drops: ring 0, evicted 0/,
          );
        },
      );
    }

    await t.step("flow records: protocols and decoder fields", () => {
      const ended = original.records.filter((r): r is FlowRecord =>
        r.type === "flow"
      );
      const byPort = (port: number) =>
        ended.filter((f) => f.serverPort === port);
      const http = byPort(HTTP_PORT);
      assert.equal(http.length, 3);
      for (const f of http) {
        assert.equal(f.protocol, "http");
        assert.equal(f.info?.http?.status, 200);
        assert.match(f.info?.http?.userAgent ?? "", /^curl\//);
        assert.equal(f.reason, "fin");
      }
      assert.deepEqual(http.map((f) => f.info?.http?.path).sort(), [
        "/big.bin",
        "/small.txt",
        "/small.txt",
      ]);
      assert.ok(http.some((f) => f.client.includes(":")), "an IPv6 flow");
      const tls = byPort(TLS_PORT);
      assert.deepEqual(tls.map((f) => f.info?.tls?.sni).sort(), [
        "other.watch.example",
        "watch.example",
      ]);
      for (const f of tls) {
        assert.equal(f.protocol, "tls");
        assert.equal(f.info?.tls?.version, "TLS 1.2");
        assert.equal(f.info?.tls?.subject, "CN=watch.example, O=zon lab");
      }
      assert.equal(
        byPort(SSH_PORT)[0].info?.greeting?.software,
        "OpenSSH_9.2p1",
      );
      assert.equal(byPort(SMTP_PORT)[0].protocol, "smtp");
      assert.equal(byPort(53)[0].info?.dns?.query, "watch.example");
    });

    const seed = Number(Deno.env.get("ZON_SEED") ?? Date.now() % 1e9);
    console.log(`re-segmentation seed ${seed} (ZON_SEED=${seed} repeats it)`);
    const modes: ResegmentMode[] = [
      "bytes1",
      "random",
      "duplicate",
      "overlap",
      "conflict",
      "reorder",
    ];
    const runs = new Map<ResegmentMode, WatchRun>();
    for (const mode of modes) {
      await t.step(
        `re-segmented (${mode}): alerts as the policy says`,
        async () => {
          const path = `${lab.dir}/${mode}.pcap`;
          resegment(pcap, path, mode, seed);
          const run = await watchFile(lab, path);
          runs.set(mode, run);
          const s = run.summary;
          console.log(
            `| ${mode} | ${s.packets} | ${s.alerts} | ${s.gaps} | ${s.gapBytes} | ${s.retransmissions} | ${s.conflicts} |`,
          );
          if (mode !== "reorder") {
            assert.deepEqual(keys(run.alerts), expectedKeys);
            assert.equal(s.gaps, 0);
          }
          if (mode === "duplicate") assert.ok(s.retransmissions > 1000);
          if (mode === "conflict") {
            assert.ok(s.conflicts > 100, `${s.conflicts} conflicts`);
            const reported = run.records.filter((r) => r.type === "overlap");
            assert.equal(reported.length, s.conflicts);
          } else assert.equal(s.conflicts, 0);
          if (mode !== "reorder") return;
          // Gap policy: a match is claimed only when no gap range touches
          // it; app-protocol rules may also lose their label to a gap.
          assert.ok(s.gaps > 10, `${s.gaps} gaps`);
          const gaps = run.records.filter((r): r is GapRecord =>
            r.type === "gap"
          );
          assert.equal(gaps.length, s.gaps);
          const flowIds = new Map<string, number>();
          for (const r of run.records) {
            if (r.type === "flow") {
              flowIds.set(
                `${r.client}:${r.clientPort}>${r.server}:${r.serverPort}`,
                r.flow,
              );
            }
          }
          const survives = (e: typeof expected[number]) => {
            const id = flowIds.get(
              `${e.flow.client}:${e.flow.clientPort}>${e.flow.server}:${e.flow.serverPort}`,
            );
            const direction = e.dir === 0 ? "to_server" : "to_client";
            return !gaps.some((g) =>
              g.flow === id && g.direction === direction && e.start < g.to &&
              e.end > g.from
            );
          };
          const plain = expected.filter((e) =>
            !["http", "tls"].includes(e.rule.protocol)
          );
          const got = new Set(keys(run.alerts));
          assert.deepEqual(
            keys(run.alerts).filter((k) => plain.some((e) => e.key === k)),
            plain.filter(survives).map((e) => e.key).sort(),
          );
          for (const k of got) {
            assert.ok(expectedKeys.includes(k), `unexpected ${k}`);
          }
          const lost = plain.length - plain.filter(survives).length;
          console.log(
            `reorder: ${s.gaps} gaps (${s.gapBytes} bytes), ${lost} of ${plain.length} matches touch a gap`,
          );
        },
      );
    }

    await t.step(
      "ngrep (per packet) misses the signatures split across segments; zon does not",
      async () => {
        const count = async (path: string) => {
          const out = await sh([
            "ngrep",
            "-I",
            path,
            "-q",
            "-t",
            "ZONSIG-ALPHA",
            "tcp",
          ], false);
          return out.stdout.split("\n").filter((l) => l.startsWith("T "))
            .length;
        };
        const alphaOf = (run: WatchRun) =>
          run.alerts.filter((a) => a.rule === 1).length;
        const whole = await count(pcap);
        const oneByte = await count(`${lab.dir}/bytes1.pcap`);
        const randomCut = await count(`${lab.dir}/random.pcap`);
        const zon = alphaOf(original);
        console.log(
          `ZONSIG-ALPHA: zon ${zon} in every capture; ngrep ${whole} packets (original), ${randomCut} (random cuts), ${oneByte} (1-byte)`,
        );
        assert.equal(oneByte, 0);
        assert.ok(randomCut < zon);
        assert.equal(alphaOf(runs.get("bytes1")!), zon);
        assert.equal(alphaOf(runs.get("random")!), zon);
      },
    );

    await t.step("protocol labels agree with ndpiReader", async () => {
      const out = await sh(["ndpiReader", "-i", pcap, "-v", "2", "-q"], false);
      const ndpi = new Map<string, string>();
      const line =
        /^\s*\d+\s+(TCP|UDP) \S+:(\d+) <-> \S+:(\d+) \[proto: [\d.]+\/([A-Za-z0-9_.]+)\]/;
      for (const l of out.stdout.split("\n")) {
        const m = line.exec(l);
        if (m) ndpi.set(`${m[2]}-${m[3]}`, m[4].split(".")[0].toLowerCase());
      }
      // Classification only (no --rules) names flows the same way.
      const classified = await watchFile(lab, pcap, false);
      assert.equal(classified.alerts.length, 0);
      const ended = classified.records.filter((r): r is FlowRecord =>
        r.type === "flow"
      );
      let compared = 0;
      for (const f of ended) {
        const theirs = ndpi.get(`${f.clientPort}-${f.serverPort}`) ??
          ndpi.get(`${f.serverPort}-${f.clientPort}`);
        assert.ok(
          theirs,
          `ndpiReader lacks flow ${f.clientPort}-${f.serverPort}:\n${out.stdout}`,
        );
        assert.equal(f.protocol, theirs, `flow to port ${f.serverPort}`);
        compared++;
      }
      assert.equal(compared, 8);
    });
  });
});
