// An output that fills up mid-scan (a 4 KiB tmpfs): the scanner stops
// transmitting, keeps what the full file holds intact (every line whole),
// keeps writing the other outputs, writes paused.conf and exits 1 with one
// line naming the file and the OS error. A second case: the same file on a
// full disk from the start (/dev/full) sends no probe at all.
//
// Needs root (mount, the lab's namespaces), iproute2, ethtool, python3,
// openssl, tcpdump.
import assert from "node:assert/strict";
import { scanLab, withLab } from "../examples/scan/lab/mod.ts";
import { run } from "./helpers/command.ts";

Deno.test({
  name:
    "scan: an output that fills up mid-scan stops the scan, keeps its file whole, writes paused.conf",
  ignore: Deno.uid() !== 0,
  sanitizeResources: false,
  async fn() {
    await withLab({
      randomOpenPorts: 30,
      randomPortRange: [1, 3000],
      seed: 4242,
    }, async (lab) => {
      const small = `${lab.dir}/small`;
      await Deno.mkdir(small);
      await run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", small]);
      try {
        const report = await scanLab(lab, {
          driver: "pcap",
          ports: "1-3000",
          rate: 2000,
          wait: 1,
          showScannerStderr: false,
          extraArgs: ["-oX", "small/out.xml", "-oL", "all.list"],
        });
        const err = report.scannerStderr;
        assert.equal(report.scannerExit, 1, err);
        assert.match(
          err,
          /-oX small\/out\.xml: cannot write: No space left on device/,
        );
        assert.doesNotMatch(err, /^\s+at /m, "no stack trace");
        const paused = await Deno.readTextFile(`${lab.dir}/paused.conf`);
        const index = Number(/resume-index = (\d+)/.exec(paused)?.[1]);
        const total = (lab.targets4.length + lab.targets6.length) * 3000;
        assert.ok(
          index >= 0 && index < total,
          `resume-index ${index} of ${total}`,
        );
        assert.match(paused, /output-xml = small\/out\.xml/);
        // It stopped: far fewer probes than the whole scan.
        const sent = Number(/sent=(\d+)/.exec(err)?.[1]);
        assert.ok(sent < total, `sent ${sent} of ${total}`);
        // The full file: every line it holds is whole.
        const xml = await Deno.readTextFile(`${small}/out.xml`);
        const hosts = xml.split("\n").filter((l) => l.startsWith("<host "));
        assert.ok(hosts.length > 0, "some results reached the file");
        for (const h of hosts) assert.match(h, /<\/host>$/);
        // The other output kept going: at least as many results.
        const list = (await Deno.readTextFile(`${lab.dir}/all.list`))
          .split("\n").filter((l) => /^(open|closed) /.test(l));
        assert.ok(
          list.length >= hosts.length,
          `${list.length} >= ${hosts.length}`,
        );
      } finally {
        await run(["umount", small]);
      }
    });
  },
});

Deno.test({
  name:
    "scan: an output on a full disk from the start: no probe sent, one line, exit 1",
  ignore: Deno.uid() !== 0,
  sanitizeResources: false,
  async fn() {
    await withLab({ randomOpenPorts: 0, seed: 1 }, async (lab) => {
      const report = await scanLab(lab, {
        driver: "pcap",
        ports: "1-100",
        rate: 1000,
        wait: 0,
        capture: true,
        showScannerStderr: false,
        extraArgs: ["-oD", "/dev/full"],
      });
      assert.equal(report.scannerExit, 1, report.scannerStderr);
      assert.match(
        report.scannerStderr,
        /-oD \/dev\/full: cannot open for writing: No space left on device/,
      );
      assert.equal(report.probes?.length, 0, "probes sent");
    });
  },
});
