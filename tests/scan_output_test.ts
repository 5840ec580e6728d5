/**
 * examples/scan/output/: the five formats.
 *
 * - Exact records for -oL/-oJ/-oD/-oG; -oJ parses after every write, after
 *   an early end() (SIGINT path) and after a kill -9 mid-scan; -oD lines
 *   parse one by one; "-" writes to stdout.
 * - -oX validates with `xmllint --dtdvalid /usr/share/nmap/nmap.dtd` for 0,
 *   1 and many results, IPv4 and IPv6 (Debian's nmap and libxml2-utils are
 *   installed if missing).
 * - The oracle: Debian's masscan 1.3.2 scans real listeners in a network
 *   namespace pair this test creates (198.18.0.0/15, no route out), once per
 *   format, in parallel; the results it found (parsed from its -oL) go
 *   through zon's writers and the files are compared line by line, field by
 *   field, timestamps aside, with the documented differences spelt out.
 */
import assert from "node:assert/strict";
import {
  createOutput,
  openOutput,
  type OutputFormatName,
  type ScanMeta,
  type Sink,
} from "../examples/scan/output/mod.ts";
import type {
  ScanResult,
  ScanSummary,
} from "../examples/scan/engine/result.ts";
import { parseIpv4, parseIpv6 } from "../packet/mod.ts";
import { inNamespace, withLab } from "./helpers/packet_netns_helpers.ts";

const DTD = "/usr/share/nmap/nmap.dtd";
const IS_ROOT = Deno.uid() === 0;

function has(cmd: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`] })
      .outputSync().success;
  } catch {
    return false;
  }
}

function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function result(over: Partial<ScanResult> & { ip?: string }): ScanResult {
  const { ip = "198.18.0.2", ...rest } = over;
  const v6 = ip.includes(":");
  return {
    version: v6 ? 6 : 4,
    ipv4: v6 ? 0 : parseIpv4(ip),
    ipv6: v6 ? parseIpv6(ip) : new Uint8Array(16),
    port: 80,
    protocol: "tcp",
    status: "open",
    reason: "syn-ack",
    ttl: 64,
    timestamp: 1700000000.75,
    ...rest,
  };
}

const META: ScanMeta = {
  startTime: 1700000000.2,
  commandLine: [
    "198.18.0.0/24",
    "2001:2::/120",
    "-p",
    "80,443,U:53",
    "--rate",
    "1000",
    "--banner-note",
    `a "quoted" & <odd> arg`,
  ],
  version: "0.1.0",
  scanType: "syn",
  ports: "80,443,U:53",
  rate: 1000,
};

const SUMMARY: ScanSummary = {
  sent: 1536,
  received: 5,
  valid: 4,
  badCookie: 1,
  duplicates: 0,
  found: 4,
  elapsed: 2.5,
  interrupted: false,
};

/** A variety: IPv4/IPv6, TCP open/closed, UDP, ICMP echo. */
const SAMPLES: ScanResult[] = [
  result({}),
  result({ ip: "2001:2::1", port: 443, ttl: 63 }),
  result({ port: 81, status: "closed", reason: "rst" }),
  result({ protocol: "udp", port: 53, reason: "udp-response" }),
  result({
    ip: "2001:2:0:ff::2",
    protocol: "udp",
    port: 161,
    status: "closed",
    reason: "icmp-port-unreachable",
  }),
  result({ ip: "198.18.0.9", protocol: "icmp", port: 0, reason: "echo-reply" }),
];

/**
 * An in-memory sink; `seekable` picks the -oJ strategy; `existing` is what
 * an earlier run left (for `resume`).
 */
function memorySink(seekable: boolean, existing = "") {
  let bytes = new TextEncoder().encode(existing);
  let closed = false;
  let position = bytes.length;
  const put = (offset: number, data: Uint8Array) => {
    const next = new Uint8Array(Math.max(bytes.length, offset + data.length));
    next.set(bytes);
    next.set(data, offset);
    bytes = next;
  };
  const sink: Sink = {
    seekable,
    existing,
    write: (data) => {
      put(position, data);
      position += data.length;
    },
    writeAt: (offset, data) => {
      assert.ok(seekable);
      put(offset, data);
    },
    truncate: (length) => {
      assert.ok(seekable);
      bytes = bytes.slice(0, length);
      position = length;
    },
    probe: () => {},
    close: () => closed = true,
  };
  return {
    sink,
    text: () => new TextDecoder().decode(bytes),
    closed: () => closed,
  };
}

function render(format: OutputFormatName, results: ScanResult[]): string {
  const m = memorySink(false);
  const out = createOutput(format, m.sink);
  out.begin(META);
  for (const r of results) out.write(r);
  out.end(SUMMARY);
  assert.ok(m.closed());
  return m.text();
}

Deno.test("-oL: masscan's list format", () => {
  assert.equal(
    render("list", SAMPLES),
    [
      "#masscan",
      "open tcp 80 198.18.0.2 1700000000",
      "open tcp 443 2001:2::1 1700000000",
      "closed tcp 81 198.18.0.2 1700000000",
      "open udp 53 198.18.0.2 1700000000",
      "closed udp 161 2001:2:0:ff::2 1700000000",
      "open icmp 0 198.18.0.9 1700000000",
      "# end",
      "",
    ].join("\n"),
  );
  assert.equal(render("list", []), "#masscan\n# end\n");
});

Deno.test("-oJ: masscan's layout; parses after every write and early end", () => {
  const text = render("json", SAMPLES.slice(0, 2));
  assert.equal(
    text,
    "[\n" +
      '{   "ip": "198.18.0.2",   "timestamp": "1700000000", "ports": [ {"port": 80, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64} ] }\n' +
      ",\n" +
      '{   "ip": "2001:2::1",   "timestamp": "1700000000", "ports": [ {"port": 443, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 63} ] }\n' +
      "]\n",
  );
  assert.deepEqual(JSON.parse(render("json", [])), []);
  for (const seekable of [true, false]) {
    const m = memorySink(seekable);
    const out = createOutput("json", m.sink);
    out.begin(META);
    if (seekable) assert.deepEqual(JSON.parse(m.text()), []);
    SAMPLES.forEach((r, i) => {
      out.write(r);
      // To a file the array is closed after every result.
      if (seekable) assert.equal(JSON.parse(m.text()).length, i + 1);
    });
    // The SIGINT path: end() in the middle of the scan, then stray writes.
    out.end({ ...SUMMARY, interrupted: true });
    out.write(SAMPLES[0]);
    out.end(SUMMARY);
    const parsed = JSON.parse(m.text());
    assert.equal(parsed.length, SAMPLES.length);
    assert.deepEqual(parsed[1], {
      ip: "2001:2::1",
      timestamp: "1700000000",
      ports: [{
        port: 443,
        proto: "tcp",
        status: "open",
        reason: "syn-ack",
        ttl: 63,
      }],
    });
    // Both strategies leave the same bytes.
    assert.equal(m.text(), render("json", SAMPLES));
  }
});

Deno.test("-oD: masscan's NDJSON, every line parses alone", () => {
  const lines = render("ndjson", SAMPLES).split("\n");
  assert.equal(lines.pop(), "");
  assert.equal(lines.length, SAMPLES.length);
  assert.equal(
    lines[0],
    '{"ip":"198.18.0.2","timestamp":"1700000000","port":80,"proto":"tcp","rec_type":"status","data":{"status":"open","reason":"syn-ack","ttl":64}}',
  );
  for (const [i, line] of lines.entries()) {
    const o = JSON.parse(line);
    assert.equal(o.port, SAMPLES[i].port);
    assert.equal(o.data.status, SAMPLES[i].status);
  }
  assert.equal(JSON.parse(lines[4]).ip, "2001:2:0:ff::2");
  assert.equal(render("ndjson", []), "");
});

Deno.test("-oG: grepable lines", () => {
  const lines = render("grepable", SAMPLES).split("\n");
  assert.deepEqual(lines.slice(0, 2), [
    "# zon 0.1.0 scan initiated Tue Nov 14 22:13:20 2023",
    "# Ports scanned: TCP(2;80-80,443-443) UDP(1;53-53) SCTP(0;) PROTOCOLS(0;)",
  ]);
  const services = Deno.readTextFileSync("/etc/services");
  const http = /^http\s+80\/tcp/m.test(services) ? "http" : "unknown";
  assert.equal(
    lines[2],
    `Timestamp: 1700000000\tHost: 198.18.0.2 ()\tPorts: 80/open/tcp//${http}//`,
  );
  assert.match(
    lines[4],
    /^Timestamp: 1700000000\tHost: 198\.18\.0\.2 \(\)\tPorts: 81\/closed\/tcp\/\/\S+\/\/$/,
  );
  assert.match(lines[3], /\tHost: 2001:2::1 \(\)\t/);
  assert.equal(
    lines[7],
    "Timestamp: 1700000000\tHost: 198.18.0.9 ()\tStatus: Up",
  );
  assert.deepEqual(lines.slice(8), [
    "# zon done at Tue Nov 14 22:13:22 2023",
    "",
  ]);
});

async function ensureXmllint(): Promise<void> {
  if (fileExists(DTD) && has("xmllint")) return;
  const out = await new Deno.Command("apt-get", {
    args: ["install", "-y", "nmap", "libxml2-utils"],
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `apt-get install nmap libxml2-utils: ${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
}

async function xmllint(path: string): Promise<void> {
  const out = await new Deno.Command("xmllint", {
    args: ["--noout", "--dtdvalid", DTD, path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(
    out.success,
    `${path} does not validate:\n${new TextDecoder().decode(out.stderr)}\n${
      Deno.readTextFileSync(path)
    }`,
  );
}

Deno.test({
  name: "-oX: valid against nmap.dtd with 0, 1 and many results, IPv4 and IPv6",
  // Root installs xmllint and nmap.dtd when missing; others need both.
  ignore: !IS_ROOT && !(has("xmllint") && fileExists(DTD)),
  async fn() {
    await ensureXmllint();
    const dir = Deno.makeTempDirSync({ prefix: "zon-xml-" });
    try {
      const many: ScanResult[] = [];
      for (let i = 0; i < 300; i++) {
        many.push(
          result({
            ip: i % 2 ? `2001:2::${i.toString(16)}` : `198.18.1.${i % 250}`,
            port: 1 + i * 97 % 65535,
            protocol: i % 5 === 0 ? "udp" : "tcp",
          }),
        );
      }
      const cases: Array<[string, ScanResult[], Partial<ScanMeta>, boolean]> = [
        ["zero", [], {}, false],
        ["one-v4", [SAMPLES[0]], {}, false],
        ["one-v6", [SAMPLES[1]], { ports: "443" }, false],
        ["samples", SAMPLES, {}, true],
        ["many", many, { ports: "1-65535,U:1-65535" }, false],
        ["ping", [SAMPLES[5]], { scanType: "ping", ports: "" }, false],
        ["sctp", [], { ports: "S:9,T:65535,U:0" }, false],
      ];
      for (const [name, results, meta, interrupted] of cases) {
        const path = `${dir}/${name}.xml`;
        const out = openOutput("xml", path);
        out.begin({ ...META, ...meta });
        for (const r of results) out.write(r);
        out.end({ ...SUMMARY, interrupted });
        await xmllint(path);
      }
      const text = Deno.readTextFileSync(`${dir}/samples.xml`);
      assert.match(text, /<address addr="2001:2::1" addrtype="ipv6"\/>/);
      assert.match(text, /<hosts up="6" down="0" total="6"\/>/);
      assert.match(text, /exit="error"/);
      assert.match(text, /args="[^"]*&quot;quoted&quot; &amp; &lt;odd&gt;/);
      assert.match(
        text,
        /<scaninfo type="syn" protocol="tcp" numservices="2" services="80,443"\/>\n<scaninfo type="udp" protocol="udp" numservices="1" services="53"\/>/,
      );
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

/** Runs `code` in a child Deno; returns its stdout. */
async function child(code: string): Promise<{ stdout: string; ok: boolean }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { stdout: new TextDecoder().decode(out.stdout), ok: out.success };
}

const MOD = new URL("../examples/scan/output/mod.ts", import.meta.url).href;
const PRELUDE = `
  import { openOutput } from "${MOD}";
  const meta = { startTime: 1700000000, commandLine: [], version: "0.1.0",
    scanType: "syn", ports: "80", rate: 100 };
  const r = (port) => ({ version: 4, ipv4: 0xc6120002, ipv6: new Uint8Array(16),
    port, protocol: "tcp", status: "open", reason: "syn-ack", ttl: 64,
    timestamp: 1700000000 });
  const summary = { sent: 3, received: 2, valid: 2, badCookie: 0,
    duplicates: 0, found: 2, elapsed: 1, interrupted: false };
`;

Deno.test("'-' writes to stdout", async () => {
  for (const format of ["list", "json", "ndjson"] as const) {
    const { stdout, ok } = await child(
      PRELUDE + `
      const out = openOutput("${format}", "-");
      out.begin(meta); out.write(r(80)); out.write(r(443)); out.end(summary);
      console.log("still open");
    `,
    );
    assert.ok(ok);
    const expected = render(
      format,
      [80, 443].map((port) => result({ port, timestamp: 1700000000 })),
    );
    assert.equal(stdout, expected + "still open\n");
  }
});

Deno.test("kill -9 mid-scan: -oJ file still parses, -oD/-oL lines whole", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "zon-kill-" });
  try {
    const { ok } = await child(
      PRELUDE + `
      const outs = ["json", "ndjson", "list"].map((f) => openOutput(f, "${dir}/" + f));
      for (const o of outs) o.begin(meta);
      for (let p = 1; p <= 50; p++) for (const o of outs) o.write(r(p));
      Deno.kill(Deno.pid, "SIGKILL");
    `,
    );
    assert.equal(ok, false);
    const json = JSON.parse(Deno.readTextFileSync(`${dir}/json`));
    assert.equal(json.length, 50);
    const nd = Deno.readTextFileSync(`${dir}/ndjson`).split("\n");
    assert.equal(nd.pop(), "");
    assert.deepEqual(
      nd.map((l) => JSON.parse(l).port),
      json.map((o: { ports: { port: number }[] }) => o.ports[0].port),
    );
    const list = Deno.readTextFileSync(`${dir}/list`).split("\n");
    assert.equal(list.length, 52); // header + 50 + "" (no "# end")
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------
// The oracle: real masscan output.

const ORACLE_PORTS = "8079-8082,8443,U:53";
const OPEN_PORTS = [8080, 8081, 8443];
const FLAGS: Record<string, OutputFormatName> = {
  L: "list",
  J: "json",
  D: "ndjson",
  G: "grepable",
  X: "xml",
};

/** Frame lines in order, record lines sorted, both normalised. */
function shape(
  text: string,
  isRecord: (line: string) => boolean,
  normalize: (line: string) => string,
): { frame: string[]; records: string[] } {
  // masscan ends -oX lines with \r\n; zon with \n (documented).
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  return {
    frame: lines.filter((l) => !isRecord(l)),
    records: lines.filter(isRecord).map(normalize).sort(),
  };
}

const SHAPES: Record<
  OutputFormatName,
  [(line: string) => boolean, (line: string) => string]
> = {
  list: [
    (l) => /^(open|closed) /.test(l),
    (l) => l.replace(/ \d+$/, " T"),
  ],
  json: [
    (l) => l.startsWith("{"),
    (l) => l.replace(/"timestamp": "\d+"/, '"timestamp": "T"'),
  ],
  ndjson: [
    (l) => l.startsWith("{"),
    (l) => l.replace(/"timestamp":"\d+"/, '"timestamp":"T"'),
  ],
  grepable: [
    (l) => l.startsWith("Timestamp: "),
    (l) => l.replace(/^Timestamp: \d+/, "Timestamp: T"),
  ],
  xml: [
    (l) => l.startsWith("<host "),
    // zon adds the <status> nmap.dtd requires; masscan has none.
    (l) =>
      l.replace(/endtime="\d+"/, 'endtime="T"').replace(/<status [^>]*\/>/, ""),
  ],
};

/** masscan's -oG port line with its two bugs undone (see grepable.ts). */
function fixMasscanPortsLine(line: string): string {
  const base: Record<string, number> = { TCP: 0, UDP: 65536, SCTP: 131072 };
  return line.replace(
    /(TCP|UDP|SCTP)\((\d+);([^)]*)\)/g,
    (_, proto: string, count: string, list: string) => {
      const ranges = list.split(",").filter((x) => x !== "").map((r) =>
        r.split("-").map((n) => Number(n) - base[proto]).join("-")
      );
      return `${proto}(${count};${ranges.join(",")})`;
    },
  );
}

const LISTENER = `
import socket, sys, time
socks = []
for port in sys.argv[2:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], int(port)))
    s.listen(64)
    socks.append(s)
print("ready", flush=True)
time.sleep(120)
`;

Deno.test({
  name: "oracle: masscan 1.3.2's -oL/-oJ/-oD/-oG/-oX against zon's writers",
  ignore: !IS_ROOT || !has("masscan") || !has("python3"),
  async fn() {
    await ensureXmllint();
    const dir = Deno.makeTempDirSync({ prefix: "zon-oracle-" });
    try {
      await withLab(async (lab) => {
        const listener = new Deno.Command("ip", {
          args: [
            "netns",
            "exec",
            lab.nsB,
            "python3",
            "-c",
            LISTENER,
            lab.ip4B,
            ...OPEN_PORTS.map(String),
          ],
          stdout: "piped",
          stderr: "inherit",
        }).spawn();
        try {
          const reader = listener.stdout.getReader();
          const { value } = await reader.read();
          assert.match(new TextDecoder().decode(value), /ready/);
          reader.releaseLock();
          const peerMac = JSON.parse(
            await inNamespace(lab.nsB, ["ip", "-j", "link", "show", lab.ifB]),
          )[0].address;
          const subnet = lab.ip4A.replace(/\.1$/, "");
          // One masscan per format, at once (each ~5 s): distinct adapter
          // IPs on the lab subnet, so each sees only its own replies. The
          // only target is the peer, lab.ip4B.
          await Promise.all(
            Object.keys(FLAGS).map((flag, i) =>
              inNamespace(lab.nsA, [
                "masscan",
                lab.ip4B,
                "-p",
                ORACLE_PORTS,
                "-e",
                lab.ifA,
                "--adapter-ip",
                `${subnet}.${20 + i}`,
                "--router-mac",
                peerMac,
                "--wait",
                "1",
                `-o${flag}`,
                `${dir}/masscan.${flag}`,
              ])
            ),
          );
        } finally {
          listener.kill("SIGKILL");
          await listener.stdout.cancel().catch(() => {});
          await listener.status;
        }
      });

      // The results masscan found, from its -oL.
      const found: ScanResult[] = [];
      for (
        const line of Deno.readTextFileSync(`${dir}/masscan.L`).split("\n")
      ) {
        const m = /^(open|closed) (tcp|udp) (\d+) (\S+) (\d+)$/.exec(line);
        if (!m) continue;
        found.push(result({
          status: m[1] as "open",
          protocol: m[2] as "tcp",
          port: Number(m[3]),
          ip: m[4],
          timestamp: Number(m[5]),
        }));
      }
      assert.deepEqual(found.map((r) => r.port).sort(), OPEN_PORTS);

      const start = Date.now() / 1000;
      const meta: ScanMeta = { ...META, startTime: start, ports: ORACLE_PORTS };
      for (const [flag, format] of Object.entries(FLAGS)) {
        const ours = `${dir}/zon.${flag}`;
        const out = openOutput(format, ours);
        out.begin(meta);
        for (const r of found) out.write(r);
        out.end({ ...SUMMARY, found: found.length, elapsed: 3 });
        const [isRecord, normalize] = SHAPES[format];
        const a = shape(
          Deno.readTextFileSync(`${dir}/masscan.${flag}`),
          isRecord,
          normalize,
        );
        const b = shape(Deno.readTextFileSync(ours), isRecord, normalize);
        const context = `-o${flag}\nmasscan: ${JSON.stringify(a)}\nzon: ${
          JSON.stringify(b)
        }`;
        // Every record the same, field by field (timestamps aside).
        assert.equal(a.records.length, OPEN_PORTS.length, context);
        assert.deepEqual(b.records, a.records, context);
        switch (format) {
          case "list":
          case "json":
          case "ndjson":
            // Header, separators and trailer identical.
            assert.deepEqual(b.frame, a.frame, context);
            break;
          case "grepable": {
            const date = /\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/;
            assert.match(a.frame[0], /^# Masscan 1\.3\.2 scan initiated /);
            assert.match(b.frame[0], /^# zon 0\.1\.0 scan initiated /);
            assert.match(a.frame[0], date);
            assert.match(b.frame[0], date);
            assert.equal(b.frame[1], fixMasscanPortsLine(a.frame[1]), context);
            assert.equal(
              b.frame[1],
              "# Ports scanned: TCP(5;8079-8082,8443-8443) UDP(1;53-53) SCTP(0;) PROTOCOLS(0;)",
            );
            assert.match(a.frame[2], /^# Masscan done at /);
            assert.match(b.frame[2], /^# zon done at /);
            assert.match(a.frame[2], date);
            assert.match(b.frame[2], date);
            assert.deepEqual(a.frame.slice(3), [""]);
            assert.deepEqual(b.frame.slice(3), [""]);
            break;
          }
          case "xml": {
            const hosts = (frame: string[]) =>
              frame.find((l) => l.startsWith("<hosts "))!
                .match(/\d+/g)!.map(Number);
            assert.deepEqual(hosts(b.frame), hosts(a.frame), context);
            assert.ok(
              a.frame.includes('<scaninfo type="syn" protocol="tcp" />'),
            );
            assert.ok(
              b.frame.includes(
                '<scaninfo type="syn" protocol="tcp" numservices="5" services="8079-8082,8443"/>',
              ),
              context,
            );
            assert.equal(a.frame.at(-2), "</nmaprun>");
            assert.equal(b.frame.at(-2), "</nmaprun>");
            await xmllint(ours);
            break;
          }
        }
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

/** The result records of a document, one string each, for set comparison. */
function resultRecords(format: OutputFormatName, text: string): string[] {
  if (format === "json") {
    return (JSON.parse(text) as unknown[]).map((r) => JSON.stringify(r))
      .sort();
  }
  const lines = text.split("\n").filter((l) => l !== "");
  if (format === "xml") {
    return lines.filter((l) => l.startsWith("<host ")).sort();
  }
  return lines.filter((l) => !l.startsWith("#")).sort();
}

const FORMATS: OutputFormatName[] = [
  "json",
  "ndjson",
  "list",
  "xml",
  "grepable",
];

Deno.test({
  name:
    "resume: every format goes on with the first run's document; results = one uninterrupted run's, one valid document",
  sanitizeResources: false,
  async fn() {
    const whole = SAMPLES;
    const cut = Math.floor(whole.length / 2);
    const dir = await Deno.makeTempDir({ prefix: "zon-resume-out-" });
    try {
      for (const format of FORMATS) {
        for (const killed of [false, true]) {
          const first = memorySink(true);
          const out1 = createOutput(format, first.sink);
          out1.begin(META);
          for (const r of whole.slice(0, cut)) out1.write(r);
          if (!killed) out1.end({ ...SUMMARY, interrupted: true });
          let text1 = first.text();
          // A kill -9 during a write leaves a cut-off last line in -oX.
          if (killed && format === "xml") text1 += "<host endtime=";
          const second = memorySink(true, text1);
          const out2 = createOutput(format, second.sink);
          out2.resume(META, text1);
          for (const r of whole.slice(cut)) out2.write(r);
          out2.end(SUMMARY);
          const text2 = second.text();
          const label = `${format}${killed ? " after a kill" : ""}`;
          assert.deepEqual(
            resultRecords(format, text2),
            resultRecords(format, render(format, whole)),
            label,
          );
          if (format === "xml") {
            assert.equal(text2.split("<runstats>").length, 2, label);
            assert.match(text2, /<hosts up="\d+"/);
            if (has("xmllint") && fileExists(DTD)) {
              const path = `${dir}/${killed ? "k" : "e"}.xml`;
              await Deno.writeTextFile(path, text2);
              await xmllint(path);
            }
          }
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("resume: a file that is not this format's document is refused", () => {
  for (const format of ["json", "xml"] as const) {
    const m = memorySink(true, "garbage\n");
    assert.throws(
      () => createOutput(format, m.sink).resume(META, "garbage\n"),
      RangeError,
    );
  }
});
