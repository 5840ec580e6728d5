// --banners against real servers, inside two network namespaces this test
// creates (198.18.77.0/24, a veth pair, no route out, deleted in a finally):
//
// target namespace: python3 -m http.server, openssl s_server with a leaf +
//   intermediate chain, dropbear (SSH), scripted FTP/SMTP/POP3/IMAP greeters
//   (tests/helpers/banners_lab_servers.py), and a relay that re-sends every server's
//   bytes in 1-7 byte segments (this kernel has no sch_netem, so the
//   scanner-side helper reorders received frames before the stack instead).
// scanner namespace: tests/helpers/banners_netns_scanner.ts drives the user-mode TCP
//   stack through a real driver (pcap: for the direct servers, ring: for the
//   shaped ones) from 198.18.77.100, an address its kernel does not own.
//
// Checks: every open port gives the right protocol and banner; the TLS chain
// equals the served files (openssl's parse); the SSH banner equals what the
// server sends a kernel socket; shaped banners equal the direct ones; and a
// capture on the target's link shows no RST from the scanner's kernel and
// exactly the RSTs the stack itself sent.

import assert from "node:assert/strict";
import { DENO } from "./helpers/drivers_netns.ts";
import { opensslFacts } from "./helpers/decoders_openssl.ts";
import { formatName } from "../examples/scan/banners/mod.ts";
import { testRandom } from "./helpers/random.ts";
import { run as runCommand } from "./helpers/command.ts";

const random = testRandom("banners_netns_test.ts");

const NET = "198.18.77";
const TARGET = `${NET}.2`;
const SCANNER_KERNEL = `${NET}.1`;
const SCANNER = `${NET}.100`; // not owned by the scanner namespace's kernel
const MAC_S = "02:00:5a:77:00:01";
const MAC_T = "02:00:5a:77:00:02";
const here = (path: string) => new URL(path, import.meta.url).pathname;

const run = (cmd: string[], check = true) => runCommand(cmd, { check });

const GREETINGS: Record<string, string> = {
  "21": "220-Zon lab FTP service\r\n220 ready\r\n",
  "25": "220 mail.zon.test ESMTP zonlab\r\n",
  "110": "+OK zon POP3 ready\r\n",
  "143": "* OK [CAPABILITY IMAP4rev1] zon IMAP ready\r\n",
};

interface ScanOutput {
  open: number[];
  closed: number[];
  arpReplies: number;
  elapsedMs: number;
  // deno-lint-ignore no-explicit-any
  banners: any[];
  stats: {
    resetsSent: number;
    bytes: number;
    outOfOrder: number;
    duplicates: number;
    segments: number;
  };
}

Deno.test({
  name:
    "banners: real HTTP/TLS/SSH/FTP/SMTP/POP3/IMAP servers in a namespace lab, direct (pcap:) and shaped (ring:)",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const tag = `${Deno.pid.toString(36)}${
    Math.floor(random() * 1296).toString(36)
  }`;
  const nsS = `zon-bn-${tag}-s`;
  const nsT = `zon-bn-${tag}-t`;
  const ifS = `zb${tag}s`.slice(0, 15);
  const ifT = `zb${tag}t`.slice(0, 15);
  const dir = await Deno.makeTempDir({ prefix: "zon-banners-" });
  const children: Deno.ChildProcess[] = [];
  const inT = (args: string[], options: Deno.CommandOptions = {}) => {
    const child = new Deno.Command("ip", {
      args: ["netns", "exec", nsT, ...args],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      ...options,
    }).spawn();
    children.push(child);
    return child;
  };
  try {
    // --- the lab -----------------------------------------------------------
    for (const ns of [nsS, nsT]) {
      await run(["ip", "netns", "add", ns]);
      await run([
        "ip",
        "netns",
        "exec",
        ns,
        "sysctl",
        "-qw",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1",
      ]);
      await run(["ip", "-n", ns, "link", "set", "lo", "up"]);
    }
    await run([
      "ip",
      "link",
      "add",
      ifS,
      "netns",
      nsS,
      "address",
      MAC_S,
      "type",
      "veth",
      "peer",
      "name",
      ifT,
      "netns",
      nsT,
      "address",
      MAC_T,
    ]);
    await run([
      "ip",
      "-n",
      nsS,
      "addr",
      "add",
      `${SCANNER_KERNEL}/24`,
      "dev",
      ifS,
    ]);
    await run(["ip", "-n", nsT, "addr", "add", `${TARGET}/24`, "dev", ifT]);
    await run(["ip", "-n", nsS, "link", "set", ifS, "up"]);
    // Every small relay write its own segment (no autocorking).
    await run([
      "ip",
      "netns",
      "exec",
      nsT,
      "sysctl",
      "-qw",
      "net.ipv4.tcp_autocorking=0",
    ]);
    await run(["ip", "-n", nsT, "link", "set", ifT, "up"]);

    // --- servers -----------------------------------------------------------
    await run([
      "bash",
      "-euo",
      "pipefail",
      "-c",
      `cd ${dir}
openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout root.key \
  -subj "/O=Zon Lab/CN=Zon Lab Root" -days 3 -addext "basicConstraints=critical,CA:TRUE" -out root.pem
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout int.key -subj "/O=Zon Lab/CN=Zon Lab Intermediate" -out int.csr
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\\nkeyUsage=critical,keyCertSign\\n' > int.ext
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -days 3 -extfile int.ext -out int.pem
openssl req -new -nodes -newkey rsa:2048 -keyout leaf.key -subj "/C=ZZ/O=Zon Lab/CN=tls.zon.test" -out leaf.csr
printf 'subjectAltName=DNS:tls.zon.test,DNS:*.zon.test,IP:${TARGET}\\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -CAcreateserial -days 3 -extfile leaf.ext -out leaf.pem
dropbearkey -t ed25519 -f dropbear_ed25519 >/dev/null 2>&1
mkdir www && printf '<html><head><title>Zon lab &amp; banners</title></head></html>' > www/index.html
`,
    ]);
    inT([
      "python3",
      "-m",
      "http.server",
      "80",
      "--bind",
      TARGET,
      "--directory",
      `${dir}/www`,
    ]);
    inT([
      "openssl",
      "s_server",
      "-accept",
      `${TARGET}:443`,
      "-cert",
      `${dir}/leaf.pem`,
      "-key",
      `${dir}/leaf.key`,
      "-cert_chain",
      `${dir}/int.pem`,
      "-quiet",
    ], { stdin: "piped" });
    inT([
      "dropbear",
      "-F",
      "-E",
      "-s",
      "-r",
      `${dir}/dropbear_ed25519`,
      "-p",
      `${TARGET}:22`,
    ]);
    inT([
      "python3",
      here("./helpers/banners_lab_servers.py"),
      "greet",
      TARGET,
      JSON.stringify(GREETINGS),
    ]);
    inT([
      "python3",
      here("./helpers/banners_lab_servers.py"),
      "relay",
      TARGET,
      "8080:80",
      "8443:443",
      "2222:22",
      "2121:21",
    ]);
    const listening = [80, 443, 22, 21, 25, 110, 143, 8080, 8443, 2222, 2121];
    for (let attempt = 0;; attempt++) {
      const ss = await run(["ip", "netns", "exec", nsT, "ss", "-Hltn"]);
      if (listening.every((p) => ss.includes(`${TARGET}:${p} `))) break;
      if (attempt > 200) throw new Error(`servers not listening:\n${ss}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // Ground truth over the target's own kernel sockets.
    const truth = JSON.parse(
      await run([
        "ip",
        "netns",
        "exec",
        nsT,
        "python3",
        "-c",
        `
import json, socket, urllib.request
s = socket.create_connection(("${TARGET}", 22)); ssh = b""
while not ssh.endswith(b"\\n"): ssh += s.recv(1)
s.close()
r = urllib.request.urlopen("http://${TARGET}/")
print(json.dumps({"ssh": ssh.decode().rstrip("\\r\\n"), "server": r.headers["Server"]}))
`,
      ]),
    );
    const leafFacts = await opensslFacts(
      await Deno.readTextFile(`${dir}/leaf.pem`),
    );
    const intFacts = await opensslFacts(
      await Deno.readTextFile(`${dir}/int.pem`),
    );

    // Capture on the target's side: every frame the scanner host emitted.
    const capture = `${dir}/scan.pcap`;
    const tcpdump = inT([
      "tcpdump",
      "-i",
      ifT,
      "-U",
      "-n",
      "-w",
      capture,
      "tcp or arp",
    ], { stderr: "piped" });
    {
      const reader = tcpdump.stderr!.getReader();
      let seen = "";
      while (!seen.includes("listening on")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      reader.releaseLock();
      tcpdump.stderr!.cancel().catch(() => {});
    }

    const scan = async (
      adapter: string,
      ports: number[],
      shaper = "",
    ): Promise<ScanOutput> => {
      const out = await new Deno.Command("ip", {
        args: [
          "netns",
          "exec",
          nsS,
          DENO,
          "run",
          "-A",
          here("./helpers/banners_netns_scanner.ts"),
          adapter,
          SCANNER,
          MAC_S,
          MAC_T,
          TARGET,
          ports.join(","),
          "20000",
          shaper,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      if (!out.success) {
        throw new Error(
          `scanner failed: ${new TextDecoder().decode(out.stderr)}`,
        );
      }
      return JSON.parse(text);
    };

    // --- scan 1: the servers directly, through pcap: --------------------------
    const direct = await scan(`pcap:${ifS}`, [
      80,
      443,
      22,
      21,
      25,
      110,
      143,
      9,
    ]);
    console.log(
      `direct: ${direct.banners.length} banners in ${direct.elapsedMs} ms`,
      direct.stats,
    );
    assert.deepEqual(direct.open.toSorted((a, b) => a - b), [
      21,
      22,
      25,
      80,
      110,
      143,
      443,
    ]);
    assert.deepEqual(direct.closed, [9]);
    assert.ok(
      direct.arpReplies >= 1,
      "the scanner answered ARP for its address",
    );
    const byPort = (out: ScanOutput) =>
      new Map(out.banners.map((b) => [b.port, b]));
    const d = byPort(direct);
    assert.equal(d.size, 7, JSON.stringify(direct.banners.map((b) => b.port)));

    const httpBanner = d.get(80)!;
    assert.equal(httpBanner.protocol, "http");
    assert.equal(httpBanner.ip, TARGET);
    assert.equal(httpBanner.http.statusCode, 200);
    assert.equal(httpBanner.http.server, truth.server);
    assert.equal(httpBanner.http.title, "Zon lab & banners");
    assert.match(httpBanner.banner, /^HTTP\/1\.0 200 OK\r\nServer: /);

    const tls = d.get(443)!;
    assert.equal(tls.protocol, "tls");
    // The ClientHello offers TLS 1.3: Python's server takes it.
    assert.equal(tls.tls.version, "TLS 1.3");
    assert.equal(tls.tls.certificates.length, 2);
    for (
      const [cert, facts] of [[tls.tls.certificates[0], leafFacts], [
        tls.tls.certificates[1],
        intFacts,
      ]] as const
    ) {
      assert.equal(cert.subject, formatName(facts.subject));
      assert.equal(cert.issuer, formatName(facts.issuer));
      assert.equal(cert.fingerprintSha256, facts.fingerprint);
      assert.equal(cert.notAfter, facts.notAfter);
    }
    assert.deepEqual(tls.tls.certificates[0].subjectAltNames, [
      "DNS:tls.zon.test",
      "DNS:*.zon.test",
      `IP Address:${TARGET}`,
    ]);
    assert.deepEqual(
      leafFacts.subjectAltNames.map((s) => s.value),
      ["tls.zon.test", "*.zon.test", TARGET],
    );

    assert.equal(d.get(22)!.protocol, "ssh");
    assert.equal(d.get(22)!.banner, truth.ssh);
    assert.match(truth.ssh, /^SSH-2\.0-dropbear/);
    const expected: Record<number, [string, string]> = {
      21: ["ftp", "220-Zon lab FTP service\n220 ready"],
      25: ["smtp", "220 mail.zon.test ESMTP zonlab"],
      110: ["pop3", "+OK zon POP3 ready"],
      143: ["imap", "* OK [CAPABILITY IMAP4rev1] zon IMAP ready"],
    };
    for (const [port, [service, text]] of Object.entries(expected)) {
      assert.equal(d.get(Number(port))!.protocol, service);
      assert.equal(d.get(Number(port))!.banner, text);
    }

    // --- scan 2: 1-7 byte segments, reordered, through ring: ------------------
    const shaped = await scan(
      `ring:${ifS}`,
      [8080, 8443, 2222, 2121],
      "reorder",
    );
    console.log(
      `shaped: ${shaped.banners.length} banners in ${shaped.elapsedMs} ms`,
      shaped.stats,
      (shaped as unknown as { driverStats: unknown }).driverStats,
    );
    const s = byPort(shaped);
    assert.equal(s.size, 4);
    assert.ok(
      shaped.stats.segments > 100 &&
        shaped.stats.bytes / shaped.stats.segments < 20,
      "the relay sent tiny segments",
    );
    assert.ok(shaped.stats.outOfOrder > 0, "the shaper reordered some");
    assert.equal(s.get(8080)!.http.server, truth.server);
    assert.equal(s.get(8080)!.http.title, "Zon lab & banners");
    assert.deepEqual(s.get(8443)!.tls.certificates, tls.tls.certificates);
    assert.equal(s.get(8443)!.banner, tls.banner);
    assert.equal(s.get(2222)!.banner, truth.ssh);
    assert.equal(s.get(2121)!.banner, d.get(21)!.banner);
    assert.equal(s.get(2121)!.protocol, "ftp");

    // --- no kernel RSTs from the scanner host ---------------------------------
    // tcpdump drops what it has not read yet when stopped: wait until the
    // capture file stops growing (a loaded machine makes it lag).
    for (let size = -1, i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const now = (await Deno.stat(capture)).size;
      if (now === size) break;
      size = now;
    }
    tcpdump.kill("SIGINT");
    await tcpdump.status;
    const rsts = (filter: string) =>
      run(["tcpdump", "-nn", "-r", capture, filter]).then((t) =>
        t.split("\n").filter(Boolean).length
      );
    assert.equal(
      await rsts(`tcp[tcpflags] & tcp-rst != 0 and src host ${SCANNER_KERNEL}`),
      0,
    );
    // A kernel answering a SYN-ACK it does not know sends a bare RST (no
    // ACK flag); the stack's own closing RSTs are RST+ACK.
    assert.equal(
      await rsts(
        `tcp[tcpflags] & (tcp-rst|tcp-ack) == tcp-rst and not src host ${TARGET}`,
      ),
      0,
      "no bare RST from the scanner host",
    );
    const directPorts =
      "port 80 or port 443 or port 22 or port 21 or port 25 or port 110 or port 143";
    assert.equal(
      await rsts(
        `tcp[tcpflags] & tcp-rst != 0 and src host ${SCANNER} and (${directPorts})`,
      ),
      direct.stats.resetsSent,
      "pcap: exactly the stack's own RSTs",
    );
    // ring: frames occasionally miss the peer's capture (reported to the
    // drivers owner), so here only: nothing beyond what the stack sent.
    const shapedSeen = await rsts(
      `tcp[tcpflags] & tcp-rst != 0 and src host ${SCANNER} and not (${directPorts})`,
    );
    assert.ok(shapedSeen <= shaped.stats.resetsSent, `${shapedSeen} RSTs`);
    const ours = direct.stats.resetsSent + shaped.stats.resetsSent;
    assert.equal(
      await rsts(`ip and not src host ${SCANNER} and not src host ${TARGET}`),
      0,
      "nothing else from the scanner host",
    );
    console.log(
      `capture: 0 kernel RSTs; ${ours} RSTs from the stack (close after banner)`,
    );
  } finally {
    for (const child of children) {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }
    await Promise.allSettled(children.map((c) => c.status));
    await run(["ip", "netns", "del", nsS], false);
    await run(["ip", "netns", "del", nsT], false);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
