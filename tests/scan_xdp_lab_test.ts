// The scanner on the xdp: driver (AF_XDP, drivers/xdp.ts), end to end in
// the scan lab (namespaces, 198.18.0.0/15 and 2001:2::/48, no route out):
//
// - `-e xdp:IF` with --banners: every target probed exactly once (tcpdump
//   on the router's end of the link), every open port found and nothing
//   else, banners grabbed through the receive Worker's replies (ring:), and
//   no XDP program left on the interface after the scan;
// - `examples/scan.ts --lab -e xdp` (what `./run scan --lab -e xdp` runs)
//   passes;
// - `--tx-workers 2` with xdp: is refused, saying why; `xdp:IF@Q` reaches
//   the driver with its queue (out of range: the driver's error).
//
// Needs root, iproute2, ethtool, tcpdump, python3, openssl; a kernel with
// AF_XDP and BPF (Debian's has both).

import assert from "node:assert/strict";
import {
  auditProbes,
  scanLab,
  targetKeys,
  withLab,
} from "../examples/scan/lab/mod.ts";
import { DENO } from "./helpers/drivers_netns.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_xdp_lab_test.ts");
const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;

Deno.test("scan -e xdp:IF: every target probed once, every open port and banner found, the program detached after", async () => {
  await withLab({
    randomOpenPorts: 4,
    randomPortRange: [1, 3000],
    seed: Date.now() % 1e6,
  }, async (lab) => {
    const ports = "1-3000,U:53";
    const scope = { targets: [...lab.targets4, ...lab.targets6], ports };
    const targets = targetKeys(scope);
    const source = String(20000 + Math.floor(random() * 20000));
    const r = await scanLab(lab, {
      driver: "xdp",
      rate: 40_000,
      ports,
      wait: 2,
      banners: true,
      capture: true,
      showScannerStderr: false,
      extraArgs: ["--source-port", source],
    });
    assert.equal(r.scannerExit, 0, r.scannerStderr);
    assert.match(r.command.join(" "), new RegExp(`-e xdp:${lab.adapter} `));
    assert.equal(r.captureDropped, 0, "the capture lost frames");
    const audit = auditProbes(r.probes!, targets, [
      lab.adapterIp,
      lab.adapterIp6,
    ]);
    assert.deepEqual(audit.outside.slice(0, 10), [], "probes outside");
    assert.deepEqual(audit.wrongSource.slice(0, 10), [], "wrong source");
    assert.equal(audit.duplicates, 0, "a target probed twice");
    assert.deepEqual(audit.missing.slice(0, 10), [], "targets never probed");
    assert.deepEqual(r.comparison.missed, [], "open ports missed");
    assert.deepEqual(r.comparison.falsePositives, []);
    // Every TCP service of the lab in range answers with a banner: the
    // receive Worker's segments (ACKs, hellos) left through ring:.
    const expected = lab.hosts.flatMap((h) =>
      h.services.filter((s) => s.proto === "tcp" && s.port <= 3000)
        .flatMap((s) => [`${h.ipv4} ${s.port}`, `${h.ipv6} ${s.port}`])
    );
    const got = new Set(r.banners.map((b) => `${b.ip} ${b.port}`));
    assert.ok(expected.length > 0);
    assert.deepEqual(
      expected.filter((k) => !got.has(k)),
      [],
      `banners missing (got ${[...got].join(", ")})`,
    );
    const link = await lab.exec("ip", ["-j", "link", "show", lab.adapter]);
    assert.equal(link.code, 0, link.stderr);
    assert.equal(
      JSON.parse(link.stdout)[0].xdp,
      undefined,
      `an XDP program is left on ${lab.adapter}: ${link.stdout}`,
    );

    const two = await scanLab(lab, {
      driver: "xdp",
      ports: "80",
      wait: 0,
      showScannerStderr: false,
      extraArgs: ["--tx-workers", "2"],
    });
    assert.equal(two.scannerExit, 1);
    assert.match(
      two.scannerStderr,
      /--tx-workers 2 with xdp:\S+: xdp: sends from one transmit Worker \(AF_XDP sockets on one queue share a single UMEM and completion ring/,
    );

    // -e xdp:IF@Q reaches the driver with its queue: out of range here.
    const queue = await scanLab(lab, {
      driver: "xdp",
      ports: "80",
      wait: 0,
      showScannerStderr: false,
      extraArgs: ["-e", `xdp:${lab.adapter}@7`],
    });
    assert.equal(queue.scannerExit, 1, queue.scannerStderr);
    assert.match(
      queue.scannerStderr,
      new RegExp(
        `xdp: queue 7 is out of range: ${lab.adapter} has 1 receive queue`,
      ),
    );
  });
});

Deno.test("scan --lab -e xdp passes (./run scan --lab -e xdp)", async () => {
  const out = await new Deno.Command(DENO, {
    args: [
      "run",
      "-A",
      SCAN,
      "--lab",
      "-e",
      "xdp",
      "-p",
      "1-1000,U:53",
      "--rate",
      "50000",
      "--wait",
      "1",
    ],
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const why = `${text}\n${new TextDecoder().decode(out.stderr)}`;
  assert.equal(out.code, 0, why);
  assert.match(text, / -e xdp:\S+ /, why);
  assert.match(text, /^PASS: \d+\/\d+ open ports found, 0 missed/m, why);
});

Deno.test("adapter: -e xdp:IF@Q keeps the queue for the driver and resolves IF; xdp+zc: kept", async () => {
  const { resolveAdapter } = await import("../examples/scan/adapter/mod.ts");
  const request = {
    needIpv4: true,
    needIpv6: false,
    adapterIp: "198.18.0.9",
    adapterMac: "02:00:5a:00:00:0a",
    routerMac: "02:00:5a:00:00:0b",
  };
  const q = await resolveAdapter({ ...request, adapter: "xdp:lo@3" });
  assert.equal(q.driverName, "xdp:lo@3");
  assert.equal(q.ifname, "lo");
  const zc = await resolveAdapter({ ...request, adapter: "xdp+zc:lo@1" });
  assert.equal(zc.driverName, "xdp+zc:lo@1");
  assert.equal(zc.ifname, "lo");
  const plain = await resolveAdapter({ ...request, adapter: "xdp:lo" });
  assert.equal(plain.driverName, "xdp:lo");
  await assert.rejects(
    () => resolveAdapter({ ...request, adapter: "xdp:nosuch0@0" }),
    /no network interface "nosuch0"/,
  );
});
