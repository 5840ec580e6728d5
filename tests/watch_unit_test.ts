// zon watch in process: the rules parser, the flow table against a Map
// model, the watcher over synthetic connections cut whole, byte-at-a-time
// and at random (against a naive search), 10^6 abandoned flows, the GCs of
// the hot path, and the command line's errors.

import assert from "node:assert/strict";
import { parseRules, RuleSyntaxError } from "../examples/watch/rules/parse.ts";
import { RuleSet } from "../examples/watch/rules/compile.ts";
import { FlowTable } from "../examples/watch/flows/table.ts";
import { Watcher } from "../examples/watch/engine/watcher.ts";
import type {
  AlertRecord,
  WatchRecord,
} from "../examples/watch/engine/records.ts";
import { Counter } from "../examples/watch/engine/records.ts";
import { ParsedFrame, parseFrame, TcpFlags } from "../packet/mod.ts";
import {
  connection,
  type End,
  tcpFrame,
  udpFrame,
} from "./helpers/watch_frames.ts";
import { seededRandom } from "./helpers/watch_resegment.ts";
import { naiveFind } from "./helpers/watch_oracle.ts";
import { gcCountDuring, ROOT } from "./helpers/alloc_probe.ts";
import { buildClientHello } from "../decoders/mod.ts";
import { PcapWriter } from "../drivers/mod.ts";
import { ClientHelloDecoder } from "../examples/watch/protocols/client_hello.ts";
import { HttpRequestDecoder } from "../examples/watch/protocols/http_request.ts";

const SEED = Number(Deno.env.get("ZON_SEED") ?? Date.now() % 1e9);
console.log(`watch unit tests: seed ${SEED} (ZON_SEED=${SEED} repeats it)`);

Deno.test("watch rules: fields, hex, ports, flow, app protocol", () => {
  const [a, b] = parseRules(`
# comment
alert tcp any any -> any [80,8000:8080] (msg:"a \\"quoted\\" msg"; content:"GET |2f 41|x"; nocase; flow:established,to_server; sid:7; rev:2;)
alert tls any 443 <> any any (content:"|16 03|"; sid:8;)
`);
  assert.equal(a.id, 7);
  assert.equal(a.message, 'a "quoted" msg');
  assert.deepEqual([...a.content], [...new TextEncoder().encode("GET /Ax")]);
  assert.equal(a.nocase, true);
  assert.equal(a.direction, 0);
  assert.deepEqual(a.destinationPorts, [[80, 80], [8000, 8080]]);
  assert.equal(a.line, 3);
  assert.equal(b.protocol, "tls");
  assert.equal(b.bidirectional, true);
  assert.deepEqual(b.sourcePorts, [[443, 443]]);
  assert.deepEqual([...b.content], [0x16, 3]);
});

Deno.test("watch rules: errors name the line and what was expected", () => {
  const bad: [string, RegExp][] = [
    [
      'drop tcp any any -> any any (content:"x"; sid:1;)',
      /:1: expected `alert/,
    ],
    [
      'alert icmp any any -> any any (content:"x"; sid:1;)',
      /unknown protocol "icmp"/,
    ],
    ['alert tcp 10.0.0.1 any -> any any (content:"x"; sid:1;)', /only "any"/],
    [
      'alert tcp any 70000 -> any any (content:"x"; sid:1;)',
      /port range "70000"/,
    ],
    ['alert tcp any any -> any any (content:"|0g|"; sid:1;)', /hex digits/],
    ['alert tcp any any -> any any (content:"a|00"; sid:1;)', /unbalanced/],
    [
      'alert tcp any any -> any any (content:"a"; content:"b"; sid:1;)',
      /one content/,
    ],
    ["alert tcp any any -> any any (sid:1;)", /no content/],
    ['alert tcp any any -> any any (content:"a";)', /no sid/],
    [
      'alert tcp any any -> any any (content:"a"; pcre:"/x/"; sid:1;)',
      /"pcre" is not supported/,
    ],
    [
      'alert tcp any any -> any any (content:"a"; flow:sideways; sid:1;)',
      /flow "sideways"/,
    ],
    ['alert tcp any any -> any any (content:"a"; sid:1)', /lacks its ";"/],
    ["# nothing", /no rules/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseRules(text, "r.rules"), (e: Error) => {
      assert.ok(e instanceof RuleSyntaxError, text);
      assert.match(e.message, /^r\.rules:\d+: /);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.throws(
    () =>
      parseRules(
        'alert tcp any any -> any any (content:"a"; sid:1;)\nalert tcp any any -> any any (content:"b"; sid:1;)',
      ),
    /:2: sid 1 already used on line 1/,
  );
});

Deno.test("watch flow table: lookups both ways, insert, remove, oldest order vs a Map model", () => {
  const rand = seededRandom(SEED);
  const capacity = 512;
  const table = new FlowTable(capacity);
  const parsed = new ParsedFrame();
  const model = new Map<string, number>(); // canonical key -> flow
  const order: string[] = []; // oldest first
  const ends: End[] = [];
  for (let i = 0; i < 300; i++) {
    ends.push(
      i % 3 === 0
        ? {
          ip: `2001:2:0:${i.toString(16)}::${rand(1, 0xffff).toString(16)}`,
          port: rand(1, 65535),
        }
        : { ip: 0xc6120000 + rand(0, 0x1ffff), port: rand(1, 65535) },
    );
  }
  const key = (a: End, b: End) => `${a.ip}/${a.port}|${b.ip}/${b.port}`;
  for (let step = 0; step < 20000; step++) {
    const i = rand(0, ends.length - 1);
    let j = rand(0, ends.length - 1);
    if (typeof ends[i].ip !== typeof ends[j].ip || i === j) {
      j = i % 3 === 0 ? (i + 3) % 300 : (i % 3 === 1 ? i + 1 : i - 1);
    }
    const [a, b] = rand(0, 1) ? [ends[i], ends[j]] : [ends[j], ends[i]];
    parseFrame(tcpFrame(a, b, 1, TcpFlags.ACK), parsed);
    const flow = table.lookup(tcpFrame(a, b, 1, TcpFlags.ACK), parsed);
    const forward = key(a, b);
    const backward = key(b, a);
    const known = model.has(forward)
      ? forward
      : model.has(backward)
      ? backward
      : null;
    if (known === null) {
      assert.equal(flow, -1);
      if (table.size === capacity) {
        const victim = order.shift()!;
        assert.equal(table.oldest, model.get(victim));
        table.remove(model.get(victim)!);
        model.delete(victim);
      }
      const made = table.insert(true, step);
      assert.ok(made >= 0);
      model.set(forward, made);
      order.push(forward);
      assert.equal(table.direction, 0);
    } else {
      assert.equal(flow, model.get(known));
      assert.equal(table.direction, known === forward ? 0 : 1);
      if (rand(0, 9) === 0) {
        table.remove(flow);
        model.delete(known);
        order.splice(order.indexOf(known), 1);
      } else {
        table.touch(flow, step);
        order.splice(order.indexOf(known), 1);
        order.push(known);
      }
    }
    assert.equal(table.size, model.size);
  }
  assert.equal(table.oldest, order.length ? model.get(order[0]) : -1);
});

const RULES = parseRules(`
alert tcp any any <> any any (msg:"needle"; content:"needle"; sid:1;)
alert tcp any any <> any any (msg:"overlapping"; content:"needleneedle"; sid:2;)
alert tcp any any -> any any (msg:"folded"; content:"HeLLo"; nocase; flow:to_client; sid:3;)
alert tcp any any -> any 80 (msg:"port 80 only"; content:"GET "; sid:4;)
alert udp any any <> any any (msg:"udp"; content:"|00 ff 00|"; sid:5;)
`);

function watch(
  frames: Uint8Array[],
  flows = 64,
): { records: WatchRecord[]; counters: Float64Array } {
  const records: WatchRecord[] = [];
  const w = new Watcher({
    rules: RuleSet.compile(RULES),
    sink: (r) => records.push(r),
    flows,
  });
  for (const f of frames) w.frame(f, 0, f.length, 0);
  w.finish(0);
  return { records, counters: w.counters };
}

function alertsOf(records: WatchRecord[]): string[] {
  return records.filter((r): r is AlertRecord => r.type === "alert")
    .map((a) => `${a.flow} ${a.direction} ${a.offset} ${a.rule}`).sort();
}

function randomText(
  rand: (a: number, b: number) => number,
  n: number,
): Uint8Array {
  const alphabet = [
    "needle",
    "need",
    "le",
    "x",
    "hello",
    "HELLO",
    "hElLo",
    "GET ",
    " ",
  ];
  const parts: string[] = [];
  for (let len = 0; len < n;) {
    const p = alphabet[rand(0, alphabet.length - 1)];
    parts.push(p);
    len += p.length;
  }
  return new TextEncoder().encode(parts.join("").slice(0, n));
}

Deno.test("watch: whole, byte-at-a-time and random segments give the naive search's alerts (IPv4, IPv6, mid-stream)", () => {
  const rand = seededRandom(SEED + 1);
  const cutters: Record<string, (n: number) => number[]> = {
    whole: (n) => [n],
    bytes: (n) => Array(n).fill(1),
    random: (n) => {
      const out: number[] = [];
      for (let left = n; left > 0;) {
        const k = Math.min(left, rand(1, 40));
        out.push(k);
        left -= k;
      }
      return out;
    },
  };
  for (
    const [client, server] of [
      [{ ip: 0xc6120001, port: 40000 }, { ip: 0xc6120002, port: 80 }],
      [{ ip: "2001:2::1", port: 40001 }, { ip: "2001:2::2", port: 8080 }],
    ] as [End, End][]
  ) {
    const up = randomText(rand, 3000);
    const down = randomText(rand, 3000);
    const expected: string[] = [];
    for (const rule of RULES.filter((r) => r.protocol === "tcp")) {
      for (const [dir, data] of [[0, up], [1, down]] as const) {
        if (rule.direction !== 2 && rule.direction !== dir) continue;
        if (rule.id === 4 && (dir !== 0 || server.port !== 80)) continue;
        for (const at of naiveFind(data, rule.content, rule.nocase)) {
          expected.push(
            `1 ${dir === 0 ? "to_server" : "to_client"} ${at} ${rule.id}`,
          );
        }
      }
    }
    expected.sort();
    assert.ok(expected.length > 100);
    for (const [name, cuts] of Object.entries(cutters)) {
      for (const handshake of [true, false]) {
        const { records, counters } = watch(
          connection(client, server, up, down, cuts, handshake),
        );
        assert.deepEqual(
          alertsOf(records),
          expected,
          `${name}, handshake ${handshake}`,
        );
        assert.equal(counters[Counter.GAPS], 0);
        const flow = records.find((r) => r.type === "flow")!;
        assert.equal(flow.type === "flow" && flow.reason, "fin");
      }
    }
  }
});

Deno.test("watch: a gap restarts the automata, offsets stay stream offsets, late bytes are skipped", () => {
  const client = { ip: 0xc6120001, port: 40000 };
  const server = { ip: 0xc6120002, port: 9 };
  const data = new TextEncoder().encode("needle-nee|dle-needle");
  const frames = [
    tcpFrame(client, server, 99, TcpFlags.SYN),
    tcpFrame(client, server, 100, TcpFlags.ACK, data.subarray(0, 10)),
    tcpFrame(client, server, 111, TcpFlags.ACK, data.subarray(11)), // byte 10 missing
    tcpFrame(client, server, 110, TcpFlags.ACK, data.subarray(10, 11)), // late
  ];
  const { records, counters } = watch(frames);
  assert.deepEqual(alertsOf(records), ["1 to_server 0 1", "1 to_server 15 1"]);
  assert.deepEqual(records.find((r) => r.type === "gap"), {
    type: "gap",
    flow: 1,
    direction: "to_server",
    from: 10,
    to: 11,
  });
  assert.equal(counters[Counter.GAPS], 1);
  assert.equal(counters[Counter.RETRANSMISSIONS], 1);
});

Deno.test("watch: UDP datagrams are matched one by one", () => {
  const a = { ip: 0xc6120001, port: 5000 };
  const b = { ip: 0xc6120002, port: 5001 };
  const { records } = watch([
    udpFrame(a, b, new Uint8Array([1, 0, 0xff, 0])),
    udpFrame(a, b, new Uint8Array([0xff])), // "00 ff" split over datagrams: not a match
    udpFrame(b, a, new Uint8Array([0, 0, 0xff, 0, 0xff, 0])),
  ]);
  assert.deepEqual(alertsOf(records), [
    "1 to_client 1 5",
    "1 to_client 3 5",
    "1 to_server 1 5",
  ]);
});

Deno.test("watch: 10^6 flows opened and abandoned: capacity held, evictions counted, memory flat", () => {
  const capacity = 4096;
  let ended = 0;
  const w = new Watcher({
    rules: RuleSet.compile(RULES),
    sink: (r) => {
      if (r.type === "flow") ended++;
    },
    flows: capacity,
  });
  const frame = tcpFrame(
    { ip: 0xc6120001, port: 1 },
    { ip: 0xc6130001, port: 80 },
    1,
    TcpFlags.SYN,
  );
  const view = new DataView(frame.buffer, frame.byteOffset);
  // Ethernet 14 + IPv4 source at 12, TCP source port at 34.
  const heap: number[] = [];
  const total = 1_000_000;
  for (let i = 0; i < total; i++) {
    view.setUint32(14 + 12, 0xc6120000 + (i >>> 16));
    view.setUint16(34, i & 0xffff);
    w.frame(frame, 0, frame.length, i);
    if (i % 100_000 === 99_999) heap.push(Deno.memoryUsage().heapUsed);
    assert.ok(w.table.size <= capacity);
  }
  const c = w.counters;
  assert.equal(c[Counter.FLOWS_CREATED], total);
  assert.equal(c[Counter.EVICTIONS], total - capacity);
  assert.equal(c[Counter.FLOWS_LIVE], capacity);
  assert.equal(ended, total - capacity);
  const growth = Math.max(...heap.slice(5)) - Math.max(...heap.slice(0, 5));
  console.log(
    `heapUsed samples (MB): ${heap.map((h) => (h / 1e6).toFixed(1)).join(" ")}`,
  );
  assert.ok(growth < 16e6, `heap grew ${growth} bytes`);
});

Deno.test("watch: the hot path allocates only the matcher's view per segment (GC count vs that alone)", async () => {
  const setup = `
import { Watcher } from "${ROOT}examples/watch/engine/watcher.ts";
import { RuleSet } from "${ROOT}examples/watch/rules/compile.ts";
import { parseRules } from "${ROOT}examples/watch/rules/parse.ts";
import { tcpFrame } from "${ROOT}tests/helpers/watch_frames.ts";
const rules = RuleSet.compile(parseRules('alert tcp any any <> any any (content:"zzzzneedle"; sid:1;)'));
const w = new Watcher({ rules, sink: () => {}, flows: 64 });
const c = { ip: 0xc6120001, port: 40000 }, s = { ip: 0xc6120002, port: 80 };
const payload = new Uint8Array(512).fill(0x61);
w.frame(tcpFrame(c, s, 0, 2), 0, 54, 0);
const frames = [];
for (let k = 0; k < 64; k++) frames.push(tcpFrame(c, s, 1 + k * 512, 16, payload));
let seq = 0;
`;
  const step = `
function step(i) {
  const f = frames[i & 63];
  // Rewrite the sequence number so every segment is new data.
  const v = 1 + i * 512;
  f[38] = v >>> 24; f[39] = (v >>> 16) & 255; f[40] = (v >>> 8) & 255; f[41] = v & 255;
  w.frame(f, 0, f.length, 0);
  return f[0];
}`;
  const viewOnly = `
function step(i) {
  const f = frames[i & 63];
  return f.subarray(54, f.length)[0];
}`;
  const calls = 500_000;
  const watcher = await gcCountDuring(setup + step, calls, 100_000);
  const views = await gcCountDuring(setup + viewOnly, calls, 100_000);
  console.log(
    `GCs over ${calls} segments: watcher ${watcher.gcs}, one subarray per call ${views.gcs}`,
  );
  assert.ok(
    watcher.gcs <= views.gcs * 2 + 2,
    `watcher ${watcher.gcs} vs views ${views.gcs}`,
  );
});

const DENO = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const WATCH = new URL("../examples/watch.ts", import.meta.url).pathname;

async function cli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(DENO, {
    args: ["run", "-A", WATCH, ...args],
    stdin: "null",
  }).output();
  const d = new TextDecoder();
  return {
    code: out.code,
    stdout: d.decode(out.stdout),
    stderr: d.decode(out.stderr),
  };
}

Deno.test("watch CLI: --help with examples; clear errors, no stack traces", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /examples:\n {2}\.\/run watch -e file:/);
  const dir = await Deno.makeTempDir({ prefix: "zon-h20-cli-" });
  try {
    await Deno.writeTextFile(
      `${dir}/bad.rules`,
      'alert tcp any any -> any any (content:"x"; sid:1;)\nalert tcp any any -> any any (content:"|zz|"; sid:2;)\n',
    );
    await Deno.writeTextFile(
      `${dir}/good.rules`,
      'alert tcp any any -> any any (content:"x"; sid:1;)\n',
    );
    const cases: [string[], RegExp][] = [
      [["--rules", `${dir}/good.rules`], /-e DRIVER is required/],
      [
        ["-e", "file:x", "--idle", "1.5"],
        /--idle "1.5": expected a positive integer/,
      ],
      [
        ["-e", "file:x", "--prefilter", "maybe"],
        /--prefilter "maybe": expected auto, on or off/,
      ],
      [
        ["-e", "file:x", "--rules", `${dir}/missing`],
        /--rules .*missing: cannot read it/,
      ],
      [
        ["-e", "file:x", "--rules", `${dir}/bad.rules`],
        /bad\.rules:2: content "\|zz\|": expected pairs of hex digits/,
      ],
      [
        ["-e", "file:x", "--rules", `${dir}/good.rules`, "--flows", "0"],
        /--flows "0": expected a positive integer/,
      ],
      [
        ["-e", "ring:lo", "--rules", `${dir}/good.rules`, "--repeat", "2"],
        /--repeat applies to file:/,
      ],
      [
        ["-e", "file:x", "--rules", `${dir}/good.rules`, "--bogus"],
        /Unknown option '--bogus'/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    const missing = await cli([
      "-e",
      `file:${dir}/none.pcap`,
      "--rules",
      `${dir}/good.rules`,
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /zon watch: file: cannot open savefile/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watch decoders: ClientHello (SNI) and HTTP request heads, whole, byte-at-a-time and at random splits", () => {
  const rand = seededRandom(SEED + 2);
  const splits = (n: number): number[][] => {
    const random: number[] = [0];
    while (random[random.length - 1] < n) {
      random.push(Math.min(n, random[random.length - 1] + rand(1, 50)));
    }
    return [[0, n], Array.from({ length: n + 1 }, (_, i) => i), random];
  };
  for (const name of ["watch.example", "a.b.c.example.org"]) {
    const hello = buildClientHello(name);
    for (const cuts of splits(hello.length)) {
      const d = new ClientHelloDecoder();
      for (let i = 1; i < cuts.length; i++) d.push(hello, cuts[i - 1], cuts[i]);
      assert.equal(d.done, true);
      assert.equal(d.result()?.sni, name);
      assert.equal(d.result()?.version, 0x0303);
    }
  }
  const notTls = new ClientHelloDecoder();
  notTls.push(new TextEncoder().encode("GET / HTTP/1.1\r\n"));
  assert.equal(notTls.done, true);
  assert.equal(notTls.result(), null);
  const request = new TextEncoder().encode(
    "POST /a/b?c=d HTTP/1.1\r\nhost: h.example:8080\r\nUser-Agent: zon/1\r\nX: y\r\n\r\nbody",
  );
  for (const cuts of splits(request.length)) {
    const d = new HttpRequestDecoder();
    for (let i = 1; i < cuts.length; i++) d.push(request, cuts[i - 1], cuts[i]);
    assert.equal(d.done, true);
    assert.deepEqual(d.result(), {
      method: "POST",
      path: "/a/b?c=d",
      version: "HTTP/1.1",
      host: "h.example:8080",
      userAgent: "zon/1",
    });
  }
});

Deno.test("watch: a new SYN on a known tuple ends the old flow (reused) and starts a new one", () => {
  const client = { ip: 0xc6120001, port: 40000 };
  const server = { ip: 0xc6120002, port: 80 };
  const data = new TextEncoder().encode("needle");
  const { records } = watch([
    tcpFrame(client, server, 100, TcpFlags.SYN),
    tcpFrame(client, server, 101, TcpFlags.ACK, data),
    tcpFrame(client, server, 100, TcpFlags.SYN), // a retransmitted SYN: same flow
    tcpFrame(client, server, 5000, TcpFlags.SYN),
    tcpFrame(client, server, 5001, TcpFlags.ACK, data),
  ]);
  const flows = records.filter((r) => r.type === "flow");
  assert.deepEqual(flows.map((f) => f.type === "flow" && f.reason), [
    "reused",
    "end",
  ]);
  assert.deepEqual(alertsOf(records), ["1 to_server 0 1", "2 to_server 0 1"]);
});

Deno.test("watch CLI: raw-IP captures are read, Linux cooked ones refused with advice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zon-h20-link-" });
  try {
    await Deno.writeTextFile(
      `${dir}/r.rules`,
      'alert tcp any any <> any any (msg:"n"; content:"needle"; sid:1;)\n',
    );
    const data = new TextEncoder().encode("a needle, a nee");
    const frames = connection(
      { ip: 0xc6120001, port: 40000 },
      { ip: 0xc6120002, port: 80 },
      data,
      data,
      (n) => [5, n - 5],
    );
    for (const [linkType, name] of [[101, "raw"], [113, "cooked"]] as const) {
      const file = await Deno.open(`${dir}/${name}.pcap`, {
        write: true,
        create: true,
      });
      const writer = new PcapWriter(file, { linkType });
      for (const f of frames) writer.write(f.subarray(14), 0);
      writer.flush();
      file.close();
    }
    const raw = await cli([
      "-e",
      `file:${dir}/raw.pcap`,
      "--rules",
      `${dir}/r.rules`,
      "-oD",
      "-",
    ]);
    assert.equal(raw.code, 0, raw.stderr);
    const offsets = raw.stdout.split("\n").filter((l) => l.includes('"alert"'))
      .map((l) => JSON.parse(l).offset);
    assert.deepEqual(offsets, [2, 2]);
    const cooked = await cli([
      "-e",
      `file:${dir}/cooked.pcap`,
      "--rules",
      `${dir}/r.rules`,
    ]);
    assert.equal(cooked.code, 1);
    assert.match(
      cooked.stderr,
      /link type 113 \(Linux cooked, from tcpdump -i any\) is not supported; capture Ethernet frames/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watch: idle flows end after the idle time, busy ones stay; the oldest is evicted first", () => {
  const records: WatchRecord[] = [];
  const w = new Watcher({
    rules: RuleSet.compile(RULES),
    sink: (r) => records.push(r),
    flows: 2,
    idleMs: 1000,
  });
  const server = { ip: 0xc6120002, port: 80 };
  const syn = (port: number) =>
    tcpFrame({ ip: 0xc6120001, port }, server, 1, TcpFlags.SYN);
  const feed = (f: Uint8Array, now: number) => w.frame(f, 0, f.length, now);
  feed(syn(1001), 0);
  feed(syn(1002), 100);
  feed(syn(1001), 900); // a retransmitted SYN: flow 1 is busy again
  w.expire(1050); // flow 2 idle since 100 (950 ms): not yet
  assert.equal(w.table.size, 2);
  w.expire(1200); // flow 2: 1,100 ms idle
  assert.equal(w.table.size, 1);
  feed(syn(1003), 1300);
  feed(syn(1004), 1400); // full: the oldest (flow 1, seen at 900) goes
  const ends = records.filter((r) => r.type === "flow").map((r) =>
    r.type === "flow" && `${r.clientPort} ${r.reason}`
  );
  assert.deepEqual(ends, ["1002 idle", "1001 evicted"]);
  assert.equal(w.counters[Counter.EVICTIONS], 1);
  assert.equal(w.counters[Counter.IDLE_ENDS], 1);
});
