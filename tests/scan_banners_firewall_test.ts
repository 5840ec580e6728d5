// README section (the same text is in the lead's README):
//
// ### Banners without a spare address
//
// With `--banners` zon completes each handshake in its own user-mode TCP
// stack, so the host kernel sees SYN-ACKs and data for connections it never
// opened and answers each with a RST, killing them before a banner arrives.
// The lab avoids that with a source address the kernel does not own
// (`--adapter-ip`, zon answers ARP for it). When there is no spare address,
// scan from the kernel's own address with a fixed source port range and drop
// the kernel's RSTs from that range (zon's own packets go out through its
// packet socket and are not filtered):
//
// ```sh
// nft add table inet zon
// nft add chain inet zon out '{ type filter hook output priority 0; }'
// nft add rule inet zon out tcp sport 61000-61099 tcp flags '&' rst == rst drop
// # or: iptables -A OUTPUT -p tcp --sport 61000:61099 --tcp-flags RST RST -j DROP
// ./run scan 198.18.1.0/24 -p 22,25,80,443 --banners --source-port 61000-61099
// nft delete table inet zon   # afterwards
// ```
//
// Keep the range out of the kernel's own ephemeral ports
// (`sysctl net.ipv4.ip_local_port_range`, 32768-60999 by default), so the
// rule never touches the host's own connections.
//
// ---------------------------------------------------------------------------
//
// The test: --banners from the scanner namespace's OWN kernel address
// (198.18.0.2 on zlab0, not the lab's foreign 198.18.0.100), with
// --source-port 61000-61099, in a lab this test creates (198.18.0.0/15
// only, no route out, torn down in finally):
// - control, no firewall rule: the scanner kernel answers the SYN-ACKs with
//   bare RSTs from 198.18.0.2 (captured on the router's end of the link);
// - with the nftables rule above in the scanner namespace: zero bare RSTs on
//   the wire, and the SSH and SMTP greeting lines, the HTTP Server header
//   and the TLS certificate's subject (equal to `openssl x509`'s) arrive.
// The user-mode stack closes with RST+ACK through its packet socket; those
// are not the kernel's and are not counted.
//
// Needs root, iproute2, ethtool, tcpdump, python3, openssl; installs Debian's
// nftables with apt-get if `nft` is missing.

import assert from "node:assert/strict";
import { PcapReader } from "../drivers/pcap_file.ts";
import { ParsedFrame, parseFrame } from "../packet/parse.ts";
import { formatIpv4 } from "../packet/address.ts";
import { type Lab, scanLab, withLab } from "../examples/scan/lab/mod.ts";
import { startCapture } from "../examples/scan/lab/capture.ts";
import { LAB_ADDRESSES } from "../examples/scan/lab/net.ts";
import { run as runCommand } from "./helpers/command.ts";

const PORTS = "20-30,80,443,6379,8080,8443";
const FIRST_PORT = 61000, LAST_PORT = 61099;
const SOURCE_PORTS = `${FIRST_PORT}-${LAST_PORT}`;
const DEC = new TextDecoder();

/** The fields of a `-oD` banner record this test reads. */
interface BannerData {
  service_name?: string;
  tunnel?: string;
  banner?: string;
  http?: { server?: string };
  tls?: { certificates?: Array<{ subject?: string }> };
}

const run = (cmd: string, args: string[]) => runCommand([cmd, ...args]);

async function ensureNft(): Promise<void> {
  const found = await Deno.stat("/usr/sbin/nft").then(() => true, () => false);
  if (found) return;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    new Deno.Command("apt-get", {
      args: ["install", "-y", "-qq", "--no-install-recommends", "nftables"],
      env,
      stdout: "null",
      stderr: "piped",
    }).output();
  let out = await install();
  if (!out.success) {
    await new Deno.Command("apt-get", {
      args: ["update", "-qq"],
      env,
      stdout: "null",
    }).output();
    out = await install();
  }
  assert.ok(out.success, `apt-get install nftables: ${DEC.decode(out.stderr)}`);
}

/** Runs `nft ARGS` in the scanner namespace; throws on failure. */
async function nft(lab: Lab, ...args: string[]): Promise<void> {
  const out = await lab.exec("nft", args);
  assert.equal(out.code, 0, `nft ${args.join(" ")}: ${out.stderr}`);
}

/** The README's rule, in the scanner namespace only. */
async function addRstRule(lab: Lab): Promise<void> {
  await nft(lab, "add", "table", "inet", "zon");
  await nft(
    lab,
    "add",
    "chain",
    "inet",
    "zon",
    "out",
    "{ type filter hook output priority 0; }",
  );
  await nft(
    lab,
    "add",
    "rule",
    "inet",
    "zon",
    "out",
    ..."tcp sport 61000-61099 tcp flags & rst == rst drop".split(" "),
  );
}

/**
 * Bare RSTs (the kernel's: the user-mode stack resets with RST+ACK) and
 * RST+ACKs the scanner side sent, from the router's capture. Every TCP
 * segment must come from the kernel's address and the source port range.
 */
async function countResets(
  path: string,
): Promise<{ bare: number; withAck: number; segments: number }> {
  using file = await Deno.open(path);
  const reader = new PcapReader(file);
  const parsed = new ParsedFrame();
  let bare = 0, withAck = 0, segments = 0;
  for (let r = reader.next(); r; r = reader.next()) {
    if (parseFrame(r.data, parsed) !== "tcp") continue;
    segments++;
    assert.equal(formatIpv4(parsed.ip4Source), LAB_ADDRESSES.scannerIp);
    assert.ok(
      parsed.sourcePort >= FIRST_PORT && parsed.sourcePort <= LAST_PORT,
      `source port ${parsed.sourcePort} outside ${SOURCE_PORTS}`,
    );
    if (!(parsed.tcpFlags & 0x04)) continue;
    if (parsed.tcpFlags & 0x10) withAck++;
    else bare++;
  }
  return { bare, withAck, segments };
}

/** One --banners scan from the kernel's own address, captured. */
async function scanFromKernelAddress(lab: Lab) {
  const args = [
    ...lab.hosts.map((h) => h.ipv4),
    "-p",
    PORTS,
    "-e",
    `ring:${lab.adapter}`,
    // The address the scanner namespace's kernel owns on zlab0 (zon sees
    // that and leaves ARP to the kernel); the veth's MAC is lab.adapterMac.
    "--adapter-ip",
    LAB_ADDRESSES.scannerIp,
    "--adapter-mac",
    lab.adapterMac,
    "--router-mac",
    lab.routerMac,
    "--source-port",
    SOURCE_PORTS,
    "--rate",
    "10000",
    "--wait",
    "3",
    "--banners",
    "--connection-timeout",
    "5",
    "-oD",
    "-",
  ];
  const scope = { targets: lab.hosts.map((h) => h.ipv4), ports: PORTS };
  const capture = await startCapture(lab);
  const report = await scanLab(lab, {
    args,
    scope,
    rate: 10_000,
    wait: 3,
    showScannerStderr: false,
  });
  const { dropped } = await capture.stop();
  assert.equal(dropped, 0, "capture lost frames");
  const resets = await countResets(capture.path);
  const banners = new Map<string, BannerData>();
  for (const b of report.banners) {
    banners.set(`${b.ip}:${b.port}`, b.data as BannerData);
  }
  return { report, resets, banners };
}

async function certificateSubject(pem: string): Promise<string> {
  const out = await run("openssl", [
    "x509",
    "-in",
    pem,
    "-noout",
    "-subject",
    "-nameopt",
    "RFC2253",
  ]);
  return out.replace(/^subject=\s*/, "").trim();
}

Deno.test({
  name:
    "scan --banners from the kernel's own address: kernel RSTs without the firewall rule, banners and zero kernel RSTs with it",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await ensureNft();
  await withLab({ emptyHosts: 0 }, async (lab) => {
    const subject = await certificateSubject(`${lab.dir}/cert.pem`);
    const [h1, h2, h3] = lab.hosts.map((h) => h.ipv4);
    const openTcp = lab.truth.filter((t) =>
      t.proto === "tcp" && !t.ip.includes(":") &&
      PORTS.split(",").some((p) => {
        const [a, b] = p.split("-").map(Number);
        return t.port >= a && t.port <= (b ?? a);
      })
    ).length;

    // Control first: the kernel's RSTs abort the targets' connections, so
    // the second scan meets no leftover state from the same source ports.
    const control = await scanFromKernelAddress(lab);
    assert.equal(control.report.scannerExit, 0, control.report.scannerStderr);
    assert.ok(
      control.resets.bare >= openTcp,
      `without the rule the kernel should RST each of ${openTcp} SYN-ACKs: ` +
        `${control.resets.bare} bare RSTs`,
    );

    try {
      await addRstRule(lab);
      const r = await scanFromKernelAddress(lab);
      const ctx = `${
        [...r.banners.keys()].join(" ")
      }\n${r.report.scannerStderr}`;
      assert.equal(r.report.scannerExit, 0, ctx);
      assert.ok(r.report.ok, `findings vs truth: ${ctx}`);
      assert.equal(r.resets.bare, 0, `kernel RSTs on the wire: ${ctx}`);

      assert.equal(r.banners.get(`${h1}:22`)?.banner, "SSH-2.0-zonlab", ctx);
      assert.equal(r.banners.get(`${h1}:22`)?.service_name, "ssh", ctx);
      assert.equal(r.banners.get(`${h2}:25`)?.banner, "220 zonlab ESMTP", ctx);
      assert.equal(r.banners.get(`${h2}:25`)?.service_name, "smtp", ctx);
      for (const key of [`${h1}:80`, `${h2}:8080`]) {
        const http = r.banners.get(key);
        assert.equal(http?.service_name, "http", `${key}: ${ctx}`);
        assert.match(http?.http?.server ?? "", /^SimpleHTTP\/[\d.]+ Python\//);
      }
      for (const key of [`${h1}:443`, `${h3}:8443`]) {
        const tls = r.banners.get(key);
        // s_server -www answers the HTTP hello inside the tunnel (ssl/http).
        assert.equal(tls?.service_name, "http", `${key}: ${ctx}`);
        assert.equal(tls?.tunnel, "ssl", `${key}: ${ctx}`);
        assert.equal(tls?.tls?.certificates?.[0]?.subject, subject, key);
      }
      console.log(
        `control (no rule): ${control.resets.bare} kernel RSTs, ` +
          `${control.banners.size} banners; with the rule: ` +
          `${r.banners.size} banners, 0 kernel RSTs, ` +
          `${r.resets.withAck} RST+ACK from the user-mode stack`,
      );
    } finally {
      await lab.exec("nft", ["delete", "table", "inet", "zon"]);
    }
  });
});
