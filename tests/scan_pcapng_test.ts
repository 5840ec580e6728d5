// `--pcap F.pcapng`: the scanner writes every received frame as pcapng
// (chosen by the extension), tshark reads the file packet for packet like
// zon does, and every open TCP port the scan reports is a SYN-ACK in it.

import assert from "node:assert/strict";
import { scanLab, withLab } from "../examples/scan/lab/mod.ts";
import {
  formatIpv4,
  formatIpv6,
  ParsedFrame,
  parseFrame,
  TcpFlags,
} from "../packet/mod.ts";
import { assertReadsLikeTshark } from "./helpers/capture_oracle.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("scan_pcapng_test.ts");

Deno.test({
  name:
    "scan --pcap F.pcapng writes pcapng that tshark reads, with a SYN-ACK for every open port found",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await withLab({}, async (lab) => {
      const path = `${lab.dir}/received.pcapng`;
      const report = await scanLab(lab, {
        driver: "pcap",
        rate: 10_000,
        ports: "1-1000",
        wait: 1,
        extraArgs: [
          "--pcap",
          path,
          "--source-port",
          String(30000 + Math.floor(random() * 20000)),
        ],
        showScannerStderr: false,
      });
      assert.equal(report.scannerExit, 0, report.scannerStderr.slice(-2000));
      const head = (await Deno.readFile(path)).subarray(0, 4);
      assert.deepEqual(
        [...head],
        [0x0a, 0x0d, 0x0d, 0x0a],
        "a pcapng section header",
      );
      const { packets } = await assertReadsLikeTshark(path);
      const synAcks = new Set<string>();
      const parsed = new ParsedFrame();
      for (const p of packets) {
        if (
          parseFrame(p.data, parsed, 0, p.data.length, p.linkType) !== "tcp"
        ) continue;
        if (
          (parsed.tcpFlags & (TcpFlags.SYN | TcpFlags.ACK)) !==
            (TcpFlags.SYN | TcpFlags.ACK)
        ) continue;
        const ip = parsed.ipVersion === 4
          ? formatIpv4(parsed.ip4Source)
          : formatIpv6(p.data, parsed.ip6SourceOffset);
        synAcks.add(`${ip} ${parsed.sourcePort}`);
      }
      const open = report.findings.filter((f) =>
        f.proto === "tcp" && f.status === "open"
      );
      assert.ok(open.length >= 3, `only ${open.length} open ports found`);
      for (const f of open) {
        assert.ok(
          synAcks.has(`${f.ip} ${f.port}`),
          `no SYN-ACK from ${f.ip} ${f.port} in ${path}`,
        );
      }
    });
  },
});
