// --banners end to end through the CLI, in the scan lab (namespaces this
// test creates; 198.18.0.0/15 and 2001:2::/48 only, no route out, torn
// down in finally), once over IPv4 and once over IPv6 (the lab's hosts
// serve the same listeners on 2001:2:0:1::11..13; the scanner's source
// 2001:2::100 is not the kernel's either):
// - with pcap: and ring:, every open TCP port of the lab's documented
//   services yields the banner its server sends: HTTP status line and
//   Server header, the TLS certificate's subject/SANs/fingerprint equal to
//   `openssl x509` on the lab's certificate, the SSH and SMTP greeting
//   lines byte for byte;
// - a tcpdump capture on the router's end of the scanner link shows no RST
//   from the scanner's kernel (the lab scans from an address the kernel
//   does not own; zon answers ARP for it), and the kernel's own RST counter
//   in the scanner namespace does not move;
// - every output format carries the banners and stays valid (-oJ parses,
//   -oD lines parse, -oX validates against nmap.dtd, -oL/-oG banner lines);
// - --http-user-agent and --http-header reach the HTTP server.
//
// Needs root, iproute2, ethtool, tcpdump, python3, openssl, xmllint.

import assert from "node:assert/strict";
import { PcapReader } from "../drivers/pcap_file.ts";
import { ParsedFrame, parseFrame } from "../packet/parse.ts";
import { TcpFlags } from "../packet/mod.ts";
import { formatIpv4, formatIpv6 } from "../packet/address.ts";
import {
  type Lab,
  labScanArgs,
  scanLab,
  withLab,
} from "../examples/scan/lab/mod.ts";
import { startCapture } from "../examples/scan/lab/capture.ts";
import { compareWithTruth } from "../examples/scan/lab/results.ts";
import { run as runCommand } from "./helpers/command.ts";

const PORTS = "20-30,80,443,6379,8080,8443";
const DEC = new TextDecoder();

interface BannerLine {
  ip: string;
  port: number;
  rec_type: string;
  data: {
    service_name: string;
    tunnel?: string;
    version?: string;
    banner: string;
    http?: { statusCode: number; server?: string; headers: string };
    tls?: {
      certificates: Array<{
        subject: string;
        subjectAltNames: string[];
        fingerprintSha256: string;
      }>;
    };
    greeting?: { text: string; lines: string[] };
  };
}

const run = (cmd: string, args: string[]) => runCommand([cmd, ...args]);

/** The kernel's TCP OutRsts counter in the scanner namespace (Linux keeps one TCP MIB for both families: IPv6 RSTs count here too; /proc/net/snmp6 has no TCP lines). */
async function kernelResets(lab: Lab): Promise<number> {
  const out = await lab.exec("cat", ["/proc/net/snmp"]);
  const lines = out.stdout.split("\n").filter((l) => l.startsWith("Tcp:"));
  const names = lines[0].split(/\s+/), values = lines[1].split(/\s+/);
  return Number(values[names.indexOf("OutRsts")]);
}

/**
 * What the scanner side sent, from the router's capture: RSTs (bare, or
 * RST+ACK as the user-mode stack closes) and the HTTP hellos' text.
 */
async function readCapture(
  path: string,
  from: string | null,
): Promise<
  { bare: number; withAck: number; hellos: string[]; synPorts: Set<number> }
> {
  using file = await Deno.open(path);
  const reader = new PcapReader(file);
  const parsed = new ParsedFrame();
  let bare = 0, withAck = 0;
  const hellos: string[] = [];
  const synPorts = new Set<number>();
  for (let r = reader.next(); r; r = reader.next()) {
    if (parseFrame(r.data, parsed) !== "tcp") continue;
    if (parsed.tcpFlags === TcpFlags.SYN) synPorts.add(parsed.sourcePort);
    if (parsed.payloadEnd > parsed.payloadOffset) {
      const text = DEC.decode(
        r.data.subarray(parsed.payloadOffset, parsed.payloadEnd),
      );
      if (text.startsWith("GET ")) hellos.push(text);
    }
    if (!(parsed.tcpFlags & 0x04)) continue;
    if (from !== null) {
      const source = parsed.ipVersion === 4
        ? formatIpv4(parsed.ip4Source)
        : formatIpv6(r.data, parsed.ip6SourceOffset);
      assert.equal(source, from, "RST from elsewhere");
    }
    if (parsed.tcpFlags & 0x10) withAck++;
    else bare++;
  }
  return { bare, withAck, hellos, synPorts };
}

function certificateFacts(pem: string) {
  return Promise.all([
    run("openssl", [
      "x509",
      "-in",
      pem,
      "-noout",
      "-subject",
      "-nameopt",
      "RFC2253",
    ]),
    run("openssl", ["x509", "-in", pem, "-noout", "-fingerprint", "-sha256"]),
    run("openssl", ["x509", "-in", pem, "-noout", "-ext", "subjectAltName"])
      .catch(() => ""),
  ]).then(([subject, fingerprint, san]) => ({
    subject: subject.replace(/^subject=\s*/, "").trim(),
    fingerprint: fingerprint.replace(/^.*=/, "").trim().replaceAll(":", "")
      .toLowerCase(),
    sans: san.split("\n").slice(1).join(",").split(",").map((s) => s.trim())
      .filter(Boolean),
  }));
}

async function bannerScan(lab: Lab, driver: "pcap" | "ring", family: 4 | 6) {
  const { args: both } = labScanArgs(lab, {
    driver,
    ports: PORTS,
    ipv6: family === 6,
    rate: 10_000,
    wait: 3,
  });
  // IPv6: the lab's IPv6 targets only (labScanArgs lists the IPv4 ones first).
  const args = family === 4 ? both : both.slice(lab.targets4.length);
  if (family === 6) {
    assert.ok(args[0].includes(":"), args.join(" "));
    assert.ok(!args.some((a) => lab.targets4.includes(a)), args.join(" "));
  }
  const tag = `${driver}${family}`;
  const files = {
    json: `${lab.dir}/b-${tag}.json`,
    xml: `${lab.dir}/b-${tag}.xml`,
    list: `${lab.dir}/b-${tag}.txt`,
    grep: `${lab.dir}/b-${tag}.grep`,
  };
  const ua = `zon-test-${driver}`;
  const fullArgs = [
    ...args,
    "--banners",
    "--connection-timeout",
    "5",
    "--http-user-agent",
    ua,
    "--http-header",
    "X-Zon-Test: yes",
    "-oJ",
    files.json,
    "-oX",
    files.xml,
    "-oL",
    files.list,
    "-oG",
    files.grep,
  ];
  const resetsBefore = await kernelResets(lab);
  const capture = await startCapture(lab);
  const child = lab.spawn(
    Deno.execPath(),
    [
      "run",
      "-A",
      new URL("../examples/scan.ts", import.meta.url).pathname,
      ...fullArgs,
    ],
    {
      stdout: "piped",
      stderr: "piped",
      cwd: lab.dir,
      env: { DENO_NO_UPDATE_CHECK: "1" },
    },
  );
  const started = performance.now();
  const out = await child.output();
  const seconds = (performance.now() - started) / 1000;
  const { dropped } = await capture.stop();
  const stderr = DEC.decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const resets = await readCapture(
    capture.path,
    family === 4 ? lab.adapterIp : lab.adapterIp6,
  );
  return {
    stdout: DEC.decode(out.stdout),
    stderr,
    files,
    ua,
    seconds,
    dropped,
    resets,
    kernelResets: (await kernelResets(lab)) - resetsBefore,
  };
}

for (const family of [4, 6] as const) {
  Deno.test({
    name:
      `scan --banners in the lab over IPv${family}: HTTP, TLS, SSH, SMTP banners via pcap: and ring:, no kernel RSTs, outputs valid`,
    sanitizeResources: false,
    sanitizeOps: false,
  }, () => bannerLabTest(family));
}

async function bannerLabTest(family: 4 | 6): Promise<void> {
  await withLab({ emptyHosts: 1 }, async (lab) => {
    const cert = await certificateFacts(`${lab.dir}/cert.pem`);
    const [h1, h2, h3] = lab.hosts.map((h) => family === 4 ? h.ipv4 : h.ipv6);
    for (const driver of ["pcap", "ring"] as const) {
      const r = await bannerScan(lab, driver, family);
      // No "IPv4 only" note any more.
      assert.doesNotMatch(r.stderr, /IPv4 targets only/);
      const lines = r.stdout.split("\n").filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l));
      const banners = new Map<string, BannerLine>();
      for (const l of lines) {
        if (l.rec_type === "banner") banners.set(`${l.ip}:${l.port}`, l);
      }
      const ctx = `${driver}: ${[...banners.keys()].join(" ")}\n${r.stderr}`;
      // One banner per open TCP port in scope, nothing from elsewhere.
      const expected = [
        `${h1}:22`,
        `${h1}:80`,
        `${h1}:443`,
        `${h2}:25`,
        `${h2}:8080`,
        `${h3}:6379`,
        `${h3}:8443`,
      ];
      assert.deepEqual([...banners.keys()].sort(), expected.sort(), ctx);

      const ssh = banners.get(`${h1}:22`)!;
      assert.equal(ssh.data.service_name, "ssh", ctx);
      assert.equal(ssh.data.banner, "SSH-2.0-zonlab", ctx);
      const smtp = banners.get(`${h2}:25`)!;
      assert.equal(smtp.data.service_name, "smtp", ctx);
      assert.equal(smtp.data.banner, "220 zonlab ESMTP", ctx);
      // The lab's Redis answers only when asked (INFO server), like Redis.
      const redis = banners.get(`${h3}:6379`)!;
      assert.equal(redis.data.service_name, "redis", ctx);
      assert.equal(redis.data.version, "7.0.15-zonlab", ctx);
      // The banner escapes CR and LF as masscan does.
      assert.match(
        redis.data.banner,
        /^\$\d+\\r\\n# Server\\r\\nredis_version:/,
      );

      for (const key of [`${h1}:80`, `${h2}:8080`]) {
        const http = banners.get(key)!;
        assert.equal(http.data.service_name, "http", ctx);
        assert.equal(http.data.http?.statusCode, 200, ctx);
        assert.match(
          http.data.http?.server ?? "",
          /^SimpleHTTP\/[\d.]+ Python\//,
        );
        assert.match(
          http.data.banner,
          /^HTTP\/1\.0 200 OK\r\nServer: SimpleHTTP/,
        );
      }
      for (const key of [`${h1}:443`, `${h3}:8443`]) {
        const tls = banners.get(key)!;
        // `openssl s_server -www` answers the HTTP hello sent inside the
        // tunnel: nmap's ssl/http.
        assert.equal(tls.data.service_name, "http", ctx);
        assert.equal(tls.data.tunnel, "ssl", ctx);
        const leaf = tls.data.tls!.certificates[0];
        assert.equal(leaf.fingerprintSha256, cert.fingerprint, ctx);
        assert.equal(leaf.subject, cert.subject, ctx);
        assert.deepEqual(leaf.subjectAltNames, cert.sans, ctx);
        assert.match(
          tls.data.banner,
          new RegExp(`sha256: ${cert.fingerprint}`),
        );
      }

      // No RST from the scanner's kernel: the user-mode stack closes with
      // RST+ACK; a bare RST would be the kernel's answer to a segment it
      // does not know (or zon's to a retransmitted SYN-ACK, not expected
      // on this quiet link).
      assert.equal(r.dropped, 0, "capture lost frames");
      assert.equal(r.kernelResets, 0, "scanner kernel sent RSTs");
      assert.equal(r.resets.bare, 0, `bare RSTs on the wire: ${ctx}`);
      // --http-user-agent and --http-header in the hellos on the wire.
      assert.equal(r.resets.hellos.length, 2, ctx);
      for (const hello of r.resets.hellos) {
        assert.match(
          hello,
          new RegExp(
            `^GET / HTTP/1\\.0\r\nHost: ${
              family === 4 ? "[\\d.:]+" : "\\[2001:2:0:1::1[123]\\](:8080)?"
            }\r\nUser-Agent: ${r.ua}\r\n.*X-Zon-Test: yes\r\n\r\n$`,
            "s",
          ),
        );
      }

      // Outputs.
      const json = JSON.parse(await Deno.readTextFile(r.files.json));
      const jsonBanners = json.flatMap((
        o: {
          ip: string;
          ports: Array<
            { port: number; service?: { name: string; banner: string } }
          >;
        },
      ) => o.ports.filter((p) => p.service).map((p) => `${o.ip}:${p.port}`));
      assert.deepEqual(jsonBanners.sort(), expected.sort());
      const xmllint = await new Deno.Command("xmllint", {
        args: [
          "--noout",
          "--dtdvalid",
          "/usr/share/nmap/nmap.dtd",
          r.files.xml,
        ],
        stderr: "piped",
      }).output();
      assert.ok(xmllint.success, DEC.decode(xmllint.stderr));
      const xml = await Deno.readTextFile(r.files.xml);
      assert.match(
        xml,
        /<service name="ssh" product="zonlab" extrainfo="protocol 2.0" method="probed" conf="10"\/><script id="banner" output="SSH-2.0-zonlab">/,
      );
      assert.ok(xml.includes(`<elem key="sha256">${cert.fingerprint}</elem>`));
      const list = await Deno.readTextFile(r.files.list);
      assert.match(
        list,
        new RegExp(
          `^banner tcp 22 ${
            h1.replaceAll(".", "\\.")
          } \\d+ ssh SSH-2\\.0-zonlab$`,
          "m",
        ),
      );
      assert.match(
        list,
        /^banner tcp 80 \S+ \d+ http HTTP\/1\.0 200 OK\\x0d\\x0aServer: /m,
      );
      const grep = await Deno.readTextFile(r.files.grep);
      assert.match(
        grep,
        new RegExp(
          `Host: ${
            h2.replaceAll(".", "\\.")
          } \\(\\)\\tPort: 25\\tService: smtp\\tBanner: 220 zonlab ESMTP\\n`,
        ),
      );
      // The stack closed every connection itself (RST+ACK from the
      // scanner's address, checked by readCapture).
      assert.ok(r.resets.withAck >= 1, ctx);
      console.log(
        `IPv${family} ${driver}: ${banners.size} banners in ${
          r.seconds.toFixed(1)
        } s; ` +
          `RST+ACK from the stack ${r.resets.withAck}, bare RSTs ${r.resets.bare}, kernel OutRsts +${r.kernelResets}`,
      );
    }
  });
}

Deno.test({
  name:
    "scan without --banners resets each SYN-ACK: two back-to-back lab scans from the same source port both find every open port (IPv4 and IPv6)",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withLab({ emptyHosts: 1 }, async (lab) => {
    // One fixed source port for both scans: the case the targets' old
    // half-open connections used to break (their retransmitted SYN-ACKs
    // carry the first scan's cookies).
    const options = {
      ports: "1-1024,6379,8080,8443",
      rate: 20_000,
      wait: 1,
      extraArgs: ["--source-port", "45000"],
      showScannerStderr: false,
    };
    for (const round of [1, 2]) {
      const capture = await startCapture(lab);
      const report = await scanLab(lab, options);
      await capture.stop();
      const resets = await readCapture(capture.path, null);
      const c = report.comparison;
      assert.ok(
        report.ok,
        `round ${round}: ${
          JSON.stringify({ missed: c.missed, extra: c.falsePositives })
        }\n${report.scannerStderr}`,
      );
      const open = lab.truth.filter((t) => t.proto === "tcp").length;
      assert.ok(
        resets.bare >= open,
        `round ${round}: ${resets.bare} RSTs for ${open} open TCP ports`,
      );
      // The targets hold no half-open connection from the scan.
      for (const host of lab.hosts) {
        const ss = await lab.execIn(host.ns, "ss", [
          "-Htan",
          "state",
          "syn-recv",
        ]);
        assert.equal(ss.stdout.trim(), "", `${host.ns}: ${ss.stdout}`);
      }
    }
  });
});

Deno.test({
  name:
    "scan with the random default source port: SIGINT, then --resume from another random port finds the rest",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withLab({ emptyHosts: 1 }, async (lab) => {
    const ports = "1-10000";
    const scope = { targets: lab.targets4, ports };
    const base = {
      driver: "pcap" as const,
      rate: 10_000,
      ports,
      ipv6: false,
      wait: 1,
      showScannerStderr: false,
    };
    const runs = [];
    for (
      const options of [{ interruptAfterMs: 2500 }, {
        args: ["--resume", "paused.conf"],
        scope,
      }]
    ) {
      const capture = await startCapture(lab);
      const report = await scanLab(lab, { ...base, ...options });
      await capture.stop();
      assert.equal(report.scannerExit, 0, report.scannerStderr);
      const { synPorts } = await readCapture(capture.path, null);
      // One source port per run, drawn from 40000-59999.
      assert.equal(synPorts.size, 1, [...synPorts].join(","));
      const [port] = synPorts;
      assert.ok(port >= 40000 && port < 60000, String(port));
      runs.push({ report, port });
      if (runs.length === 1) {
        const paused = await Deno.readTextFile(`${lab.dir}/paused.conf`);
        // Not recorded: the resumed run draws its own (and a new cookie key).
        assert.doesNotMatch(paused, /source-port/);
        assert.match(paused, /resume-index = [1-9]/);
      }
    }
    const union = compareWithTruth(
      runs.flatMap((r) => r.report.findings),
      lab.truth,
      scope,
    );
    assert.deepEqual(
      { missed: union.missed, extra: union.falsePositives },
      { missed: [], extra: [] },
      `source ports ${runs.map((r) => r.port).join(" then ")}`,
    );
  });
});
