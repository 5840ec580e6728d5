import assert from "node:assert/strict";
import {
  formatScanConfig,
  parseScanArgs,
  type ScanConfig,
  UsageError,
} from "../examples/scan/cli/config.ts";
import { buildSafeTargets } from "../examples/scan/cli/targets.ts";

const ALL_FLAGS = [
  "198.18.0.0/24",
  "-p",
  "80,443,U:53",
  "--range",
  "198.18.1.0/28,2001:2::/124",
  "--exclude",
  "198.18.0.128/25",
  "--seed",
  "42",
  "--shard",
  "2/3",
  "--rate",
  "5000",
  "--max-rate",
  "20000",
  "--retries",
  "2",
  "--wait",
  "3",
  "--ttl",
  "40",
  "--source-port",
  "40000-40255",
  "-e",
  "ring:veth0",
  "--adapter-ip",
  "198.18.0.250",
  "--adapter-mac",
  "02:00:00:00:00:01",
  "--router-mac",
  "02:00:00:00:00:02",
  "--router-mac-ipv6",
  "02:00:00:00:00:03",
  "--router-ip",
  "198.18.0.1",
  "--pcap",
  "rx.pcap",
  "-oJ",
  "out.json",
  "-oD",
  "-",
  "-oL",
  "out.list",
  "-oX",
  "out.xml",
  "-oG",
  "out.gnmap",
  "--show",
  "closed",
  "--allow-large-scan",
  "--offline",
  "--ping",
];

Deno.test("every documented flag parses into the configuration", () => {
  const c = parseScanArgs(ALL_FLAGS);
  assert.deepEqual(c.include, [
    "198.18.0.0/24",
    "198.18.1.0/28",
    "2001:2::/124",
  ]);
  assert.deepEqual(c.exclude, ["198.18.0.128/25"]);
  assert.equal(c.ports, "80,443,U:53");
  assert.equal(c.seed, 42n);
  assert.deepEqual(c.shard, { one: 2, of: 3 });
  assert.equal(c.rate, 5000);
  assert.equal(c.maxRate, 20000);
  assert.equal(c.retries, 2);
  assert.equal(c.wait, 3);
  assert.equal(c.ttl, 40);
  assert.deepEqual(c.sourcePort, { first: 40000, count: 256 });
  assert.equal(c.adapter, "ring:veth0");
  assert.equal(c.adapterIp, "198.18.0.250");
  assert.equal(c.routerMacIpv6, "02:00:00:00:00:03");
  assert.equal(c.pcap, "rx.pcap");
  assert.deepEqual(c.outputs.map((o) => `${o.format}:${o.path}`), [
    "json:out.json",
    "ndjson:-",
    "list:out.list",
    "xml:out.xml",
    "grepable:out.gnmap",
  ]);
  assert.equal(c.showClosed, true);
  assert.equal(c.allowLargeScan, true);
  assert.equal(c.offline, true);
  assert.equal(c.ping, true);
  const banners = parseScanArgs([
    "198.18.0.1",
    "--banners",
    "--connection-timeout",
    "5",
    "--hello-file",
    "8080:hello.txt",
    "--http-user-agent",
    "zon-test",
    "--http-header",
    "X-A: 1",
  ]);
  assert.equal(banners.banners, true);
  assert.equal(banners.connectionTimeout, 5);
  assert.deepEqual(banners.helloFiles, ["8080:hello.txt"]);
  assert.equal(banners.httpUserAgent, "zon-test");
  assert.deepEqual(banners.httpHeaders, ["X-A: 1"]);
  assert.equal(parseScanArgs(["-sL", "198.18.0.1"]).listScan, true);
  assert.equal(parseScanArgs(["--no-status", "198.18.0.1"]).status, false);
  // masscan takes one --adapter-ip per family; neither may be lost.
  assert.equal(
    parseScanArgs([
      "198.18.0.1",
      "--adapter-ip",
      "198.18.0.100",
      "--adapter-ip",
      "2001:2::100",
    ]).adapterIp,
    "198.18.0.100,2001:2::100",
  );
});

Deno.test("--echo output parses back to the same configuration (-c and --resume)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const original = parseScanArgs([
      ...ALL_FLAGS,
      "--banners",
      "--http-header",
      "X-A: 1",
    ]);
    const text = formatScanConfig(original, 12345);
    assert.match(text, /^seed = 42$/m);
    assert.match(text, /^resume-index = 12345$/m);
    await Deno.writeTextFile(`${dir}/paused.conf`, `# written by zon\n${text}`);
    const resumed = parseScanArgs(["--resume", `${dir}/paused.conf`]);
    // Where it resumes, and that it was resumed, are all that differ.
    const strip = (
      c: ScanConfig,
    ): Omit<ScanConfig, "resumeIndex" | "resumed"> => {
      const { resumeIndex: _, resumed: __, ...rest } = c;
      return rest;
    };
    assert.deepEqual(strip(resumed), strip(original));
    assert.equal(resumed.resumeIndex, 12345);
    // -c: file first, command line after it (single values: command line wins).
    const c = parseScanArgs(["-c", `${dir}/paused.conf`, "--rate", "7"]);
    assert.equal(c.rate, 7);
    assert.equal(c.seed, 42n);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad values name the flag and the expected form", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/bad.conf`,
      "rate = 10\nthis line is wrong\n",
    );
    await Deno.writeTextFile(
      `${dir}/unknown.conf`,
      "rate = 10\nfrobnicate = 3\n",
    );
    const cases: Array<[string[], RegExp]> = [
      [["--rate", "0"], /--rate 0: expected a positive number/],
      [["--retries", "1.5"], /--retries 1\.5: expected a whole number/],
      [["--ttl", "300"], /--ttl 300: expected an integer 1\.\.255/],
      [["--wait", "soon"], /--wait soon: expected a number of seconds/],
      [["--source-port", "70000"], /--source-port 70000: expected a port/],
      [["--show", "filtered"], /--show filtered: expected "closed" or "open"/],
      [["-c", `${dir}/bad.conf`], /bad\.conf:2: expected "key = value"/],
      [
        ["-c", `${dir}/unknown.conf`],
        /unknown\.conf:2: unknown option "frobnicate"/,
      ],
      [["-c", `${dir}/missing.conf`], /-c .*missing\.conf: cannot read file/],
      [["--frobnicate"], /Unknown option '--frobnicate'/],
    ];
    for (const [args, pattern] of cases) {
      assert.throws(
        () => parseScanArgs(["198.18.0.1", ...args]),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, String(e));
          assert.match(e.message, pattern);
          return true;
        },
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("safety: reserved ranges excluded unless named; more than a /8 needs confirmation", () => {
  // 198.18.0.0/24 lies inside the benchmarking block: it was named, so kept.
  const lab = buildSafeTargets(parseScanArgs(["198.18.0.0/24"]));
  assert.equal(lab.targets.ipv4Count, 256);
  assert.deepEqual(lab.notes, []);
  // A range that straddles 127/8 loses the loopback block and says so.
  const straddle = buildSafeTargets(
    parseScanArgs(["126.255.255.0-128.0.0.255"]),
  );
  assert.equal(straddle.targets.ipv4Count, 512);
  assert.ok(straddle.notes.some((n) => n.includes("127.0.0.0/8")));
  assert.throws(
    () => buildSafeTargets(parseScanArgs(["0.0.0.0/0"])),
    /more than a \/8: give --exclude/,
  );
  const everything = buildSafeTargets(
    parseScanArgs(["0.0.0.0/0", "--exclude", "255.255.255.255"]),
  );
  for (
    const reserved of [
      "10.0.0.0/8",
      "224.0.0.0/4",
      "198.18.0.0/15",
      "127.0.0.0/8",
    ]
  ) {
    assert.ok(everything.notes.some((n) => n.includes(reserved)), reserved);
  }
  assert.ok(everything.targets.ipv4Count < 2 ** 32 - 500_000_000);
  assert.throws(
    () => buildSafeTargets(parseScanArgs(["198.18.0.0/33"])),
    /prefix length 33/,
  );
});
