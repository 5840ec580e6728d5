// examples/scan/adapter/adapter.ts: the pure parsers on real /proc contents, flag
// validation, and detection inside two network namespaces the test creates
// (tests/helpers/packet_netns_helpers.ts: 198.18.0.0/15 and 2001:2::/48, no route
// out) and deletes. The scanner side gets default routes via the peer, whose
// kernel answers ARP and neighbor solicitations; a tcpdump on the peer side
// captures what the resolver sent, for tshark to check.
//
// Run as a script (`deno run -A tests/scan_adapter_test.ts '<request json>'`)
// this file resolves one request and prints the result as JSON: that is how
// the test runs resolveAdapter inside a namespace.
import assert from "node:assert/strict";
import { readUntil } from "./helpers/command.ts";
import {
  type Adapter,
  AdapterError,
  type AdapterRequest,
  defaultRoute4,
  defaultRoute6,
  parseIpv6Route,
  parseProcNetRoute,
  resolveAdapter,
} from "../examples/scan/adapter/mod.ts";
import {
  formatIpv4,
  formatIpv6,
  formatMac,
  NeighborSolicitationTemplate,
  parseIpv4,
  parseIpv6,
  parseMac,
  solicitedNodeAddress,
} from "../packet/mod.ts";
import {
  inNamespace,
  type Lab,
  withLab,
} from "./helpers/packet_netns_helpers.ts";

const DENO = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const SELF = new URL(import.meta.url).pathname;
const isRoot = Deno.uid() === 0;

/** What the script prints: the Adapter in text form, or the error. */
interface Outcome {
  ok: boolean;
  driverName?: string;
  ifname?: string;
  ipv4?: string;
  ipv6?: string;
  mac?: string;
  routerMac4?: string;
  routerMac6?: string;
  routerIp4?: string;
  routerIp6?: string;
  foreignIpv4?: boolean;
  foreignIpv6?: boolean;
  notes?: string[];
  code?: string;
  flag?: string;
  message?: string;
}

function describe(info: Adapter): Outcome {
  return {
    ok: true,
    driverName: info.driverName,
    ifname: info.ifname,
    ipv4: info.ipv4 === undefined ? undefined : formatIpv4(info.ipv4),
    ipv6: info.ipv6 && formatIpv6(info.ipv6),
    mac: formatMac(info.mac),
    routerMac4: info.routerMac4 && formatMac(info.routerMac4),
    routerMac6: info.routerMac6 && formatMac(info.routerMac6),
    routerIp4: info.routerIp4 === undefined
      ? undefined
      : formatIpv4(info.routerIp4),
    routerIp6: info.routerIp6 && formatIpv6(info.routerIp6),
    foreignIpv4: info.foreignIpv4,
    foreignIpv6: info.foreignIpv6,
    notes: info.notes,
  };
}

if (import.meta.main) {
  let outcome: Outcome;
  try {
    outcome = describe(await resolveAdapter(JSON.parse(Deno.args[0])));
  } catch (e) {
    if (!(e instanceof AdapterError)) throw e;
    outcome = { ok: false, code: e.code, flag: e.flag, message: e.message };
  }
  console.log(JSON.stringify(outcome));
}

/** Runs resolveAdapter(request) inside `ns`. */
async function resolveIn(ns: string, request: AdapterRequest) {
  const out = await inNamespace(ns, [
    DENO,
    "run",
    "-A",
    SELF,
    JSON.stringify(request),
  ]);
  return JSON.parse(out.trim().split("\n").pop()!) as Outcome;
}

// Captured inside a namespace (veth zca, 198.18.7.1/24 and 2001:2:0:7::1/64,
// default routes via 198.18.7.2 and the peer's link-local address).
const PROC_NET_ROUTE =
  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n" +
  "zca\t00000000\t020712C6\t0003\t0\t0\t0\t00000000\t0\t0\t0                                                                               \n" +
  "zca\t000712C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n";
const PROC_NET_IPV6_ROUTE = `\
20010002000000070000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001      zca
fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001      zca
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000009006b8fffe86fd61 00000400 00000001 00000000 00000003      zca
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
20010002000000070000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000003 00000000 80200001      zca
fe80000000000000c81ad7fffe408d74 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001      zca
ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000003 00000000 00000001      zca
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
`;

Deno.test("parseProcNetRoute: a captured /proc/net/route", () => {
  const routes = parseProcNetRoute(PROC_NET_ROUTE);
  assert.equal(routes.length, 2);
  assert.deepEqual(routes[1], {
    ifname: "zca",
    destination: parseIpv4("198.18.7.0"),
    gateway: 0,
    flags: 1,
    metric: 0,
    mask: parseIpv4("255.255.255.0"),
  });
  const route = defaultRoute4(routes)!;
  assert.equal(formatIpv4(route.gateway), "198.18.7.2");
  assert.equal(route.ifname, "zca");
  assert.equal(defaultRoute4(routes, "eth9"), undefined);
  assert.deepEqual(parseProcNetRoute("garbage\n\n"), []);
});

Deno.test("parseIpv6Route: a captured /proc/net/ipv6_route", () => {
  const routes = parseIpv6Route(PROC_NET_IPV6_ROUTE);
  assert.equal(routes.length, 8);
  assert.equal(formatIpv6(routes[0].destination), "2001:2:0:7::");
  assert.equal(routes[0].prefixLength, 64);
  assert.equal(routes[0].metric, 256);
  const route = defaultRoute6(routes)!;
  // Not the kernel's unreachable default on lo (flags 0x00200200).
  assert.equal(route.ifname, "zca");
  assert.equal(formatIpv6(route.gateway), "fe80::9006:b8ff:fe86:fd61");
  assert.equal(route.metric, 1024);
  assert.equal(defaultRoute6(routes, "lo"), undefined);
});

Deno.test("solicitedNodeAddress and the NS frame layout", () => {
  const target = parseIpv6("fe80::9006:b8ff:fe86:fd61");
  assert.equal(
    formatIpv6(solicitedNodeAddress(target)),
    "ff02::1:ff86:fd61",
  );
  const buf = new Uint8Array(100);
  const mac = parseMac("02:00:5a:00:00:0a");
  const n = new NeighborSolicitationTemplate({ sourceMac: mac }).write(
    buf,
    0,
    parseIpv6("fe80::1"),
    0,
    target,
    0,
  );
  assert.equal(n, 86);
  assert.equal(formatMac(buf), "33:33:ff:86:fd:61");
  assert.equal(buf[14 + 7], 255); // hop limit
  assert.equal(buf[54], 135); // ICMPv6 type
  assert.equal(formatIpv6(buf, 62), formatIpv6(target));
  assert.deepEqual([...buf.subarray(78, 80)], [1, 1]); // SLLA option
  assert.equal(formatMac(buf, 80), "02:00:5a:00:00:0a");
});

Deno.test("malformed settings name their flag", async () => {
  const cases: [Partial<AdapterRequest>, string, RegExp][] = [
    [{ adapterMac: "02:00:00:00:00" }, "--adapter-mac", /not a MAC address/],
    [{ routerMac: "zz:00:00:00:00:01" }, "--router-mac", /not a MAC address/],
    [{ routerMacIpv6: "1:2:3" }, "--router-mac-ipv6", /MAC/],
    [{ adapterIp: "198.18.0.256" }, "--adapter-ip", /not an IPv4 address/],
    [{ adapterIpv6: "2001:2::1::2" }, "--adapter-ipv6", /not an IPv6/],
    [{ routerIp: "198.18.1" }, "--router-ip", /not an IPv4 address/],
    [{ routerIp: "2001:2:::1" }, "--router-ip", /not an IPv6 address/],
    [{ adapter: "bogus:eth0" }, "-e/--adapter", /unknown driver prefix/],
  ];
  for (const [settings, flag, pattern] of cases) {
    await assert.rejects(
      resolveAdapter({ needIpv4: true, needIpv6: true, ...settings }),
      (e: unknown) => {
        assert.ok(e instanceof AdapterError, String(e));
        assert.equal(e.code, "bad-setting");
        assert.equal(e.flag, flag);
        assert.ok(e.message.startsWith(`${flag}: `), e.message);
        assert.match(e.message, pattern);
        return true;
      },
    );
  }
});

Deno.test("--offline: given settings, placeholders for the rest", async () => {
  const info = await resolveAdapter({
    needIpv4: true,
    needIpv6: true,
    offline: true,
    adapter: "ring:eth0",
    adapterIp: "198.18.0.9",
    routerMac: "02:00:5a:00:00:0b",
  });
  assert.equal(info.driverName, "null");
  assert.equal(formatIpv4(info.ipv4!), "198.18.0.9");
  assert.equal(formatMac(info.routerMac4!), "02:00:5a:00:00:0b");
  assert.equal(formatMac(info.routerMac6!), "02:00:5a:00:00:0b");
  assert.equal(formatIpv6(info.ipv6!), "2001:db8::1");
  assert.ok(info.notes.some((n) => n.includes("placeholder")));
  const file = await resolveAdapter({
    needIpv4: true,
    needIpv6: false,
    adapter: "file:/tmp/x.pcap",
  });
  assert.equal(file.driverName, "file:/tmp/x.pcap");
  assert.equal(file.ipv6, undefined);
});

/** The lab plus default routes from A via B, and B's addresses. */
async function routedLab(lab: Lab) {
  const linkB = JSON.parse(
    await inNamespace(lab.nsB, ["ip", "-j", "addr", "show", "dev", lab.ifB]),
  )[0];
  const linkA = JSON.parse(
    await inNamespace(lab.nsA, ["ip", "-j", "addr", "show", "dev", lab.ifA]),
  )[0];
  const llB = linkB.addr_info.find((a: { scope: string }) => a.scope === "link")
    .local as string;
  await inNamespace(lab.nsA, [
    "ip",
    "route",
    "add",
    "default",
    "via",
    lab.ip4B,
    "dev",
    lab.ifA,
  ]);
  // Like a real router: the IPv6 next hop is the peer's link-local address.
  await inNamespace(lab.nsA, [
    "ip",
    "-6",
    "route",
    "add",
    "default",
    "via",
    llB,
    "dev",
    lab.ifA,
  ]);
  // Nothing learned yet: the MACs must come from the resolver's own packets.
  await inNamespace(lab.nsA, ["ip", "neigh", "flush", "dev", lab.ifA]);
  return {
    macA: linkA.address as string,
    macB: linkB.address as string,
    llB,
    prefix4: lab.ip4A.replace(/\.\d+$/, ""),
    prefix6: lab.ip6A.replace(/::1$/, ""),
  };
}

function startCapture(lab: Lab, path: string) {
  return new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      lab.nsB,
      "tcpdump",
      "-i",
      lab.ifB,
      "-n",
      "-U",
      "--immediate-mode",
      "-w",
      path,
      "arp or icmp6",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

async function tshark(path: string, args: string[]): Promise<string[]> {
  const out = await new Deno.Command("tshark", {
    args: ["-r", path, ...args],
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.ok(out.success, "tshark failed");
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l);
}

Deno.test({
  name: "detection in namespaces: ARP and NDP through the driver, errors",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withLab(async (lab) => {
      const { macA, macB, llB, prefix4, prefix6 } = await routedLab(lab);
      const dir = await Deno.makeTempDir({ prefix: "zon-adapter-" });
      const capture = `${dir}/peer.pcap`;
      const tcpdump = startCapture(lab, capture);
      try {
        await readUntil(tcpdump.stderr, "listening on", "tcpdump");

        // The live tables parse to the routes just added.
        const route4 = defaultRoute4(
          parseProcNetRoute(
            await inNamespace(lab.nsA, ["cat", "/proc/net/route"]),
          ),
        )!;
        assert.equal(formatIpv4(route4.gateway), lab.ip4B);
        const route6 = defaultRoute6(
          parseIpv6Route(
            await inNamespace(lab.nsA, ["cat", "/proc/net/ipv6_route"]),
          ),
        )!;
        assert.equal(formatIpv6(route6.gateway), llB);

        // Everything detected, both families.
        const auto = await resolveIn(lab.nsA, {
          needIpv4: true,
          needIpv6: true,
        });
        assert.ok(auto.ok, auto.message);
        assert.equal(auto.driverName, `pcap:${lab.ifA}`);
        assert.equal(auto.ifname, lab.ifA);
        assert.equal(auto.mac, macA);
        assert.equal(auto.ipv4, lab.ip4A);
        assert.equal(auto.ipv6, lab.ip6A);
        assert.equal(auto.routerIp4, lab.ip4B);
        assert.equal(auto.routerIp6, llB);
        assert.equal(auto.routerMac4, macB);
        assert.equal(auto.routerMac6, macB);
        assert.equal(auto.foreignIpv4, false);
        assert.equal(auto.foreignIpv6, false);
        const notes = auto.notes!.join("\n");
        assert.match(notes, /router-mac .*: ARP for .* through pcap:/);
        assert.match(
          notes,
          /router-mac-ipv6 .*: neighbor solicitation for .* through pcap:/,
        );
        assert.doesNotMatch(notes, /neighbor table/);

        // A bare driver prefix keeps detection; ring: resolves through ring:.
        const ring = await resolveIn(lab.nsA, {
          adapter: "ring:",
          needIpv4: true,
          needIpv6: true,
        });
        assert.ok(ring.ok, ring.message);
        assert.equal(ring.driverName, `ring:${lab.ifA}`);
        assert.equal(ring.routerMac4, macB);
        assert.equal(ring.routerMac6, macB);
        assert.match(ring.notes!.join("\n"), /through ring:/);

        // Addresses the kernel does not own are flagged; the router still
        // answers (ARP from the foreign address, NS from our link-local).
        const foreign = await resolveIn(lab.nsA, {
          adapter: lab.ifA,
          adapterIp: `${prefix4}.77`,
          adapterIpv6: `${prefix6}::77`,
          needIpv4: true,
          needIpv6: true,
        });
        assert.ok(foreign.ok, foreign.message);
        assert.equal(foreign.driverName, `pcap:${lab.ifA}`);
        assert.equal(foreign.foreignIpv4, true);
        assert.equal(foreign.foreignIpv6, true);
        assert.equal(foreign.routerMac4, macB);
        assert.equal(foreign.routerMac6, macB);
        assert.match(foreign.notes!.join("\n"), /answers ARP/);

        // Explicit router MAC: nothing sent; it serves IPv6 as well.
        const given = await resolveIn(lab.nsA, {
          routerMac: "02:00:5a:00:00:0b",
          needIpv4: true,
          needIpv6: true,
        });
        assert.equal(given.routerMac4, "02:00:5a:00:00:0b");
        assert.equal(given.routerMac6, "02:00:5a:00:00:0b");

        // Errors.
        const unknown = await resolveIn(lab.nsA, {
          adapter: "nosuch0",
          needIpv4: true,
          needIpv6: false,
        });
        assert.equal(unknown.code, "unknown-interface");
        assert.match(unknown.message!, /no network interface "nosuch0"/);
        assert.ok(unknown.message!.includes(lab.ifA));

        const noRoute = await resolveIn(lab.nsB, {
          needIpv4: true,
          needIpv6: false,
        });
        assert.equal(noRoute.code, "no-route");
        assert.match(noRoute.message!, /give -e\/--adapter and --router-mac/);
        const noRouter = await resolveIn(lab.nsB, {
          adapter: lab.ifB,
          needIpv4: true,
          needIpv6: false,
        });
        assert.equal(noRouter.code, "no-route");
        assert.match(noRouter.message!, /give --router-mac/);
        const noRouter6 = await resolveIn(lab.nsB, {
          adapter: lab.ifB,
          needIpv4: false,
          needIpv6: true,
        });
        assert.equal(noRouter6.code, "no-route");
        assert.match(noRouter6.message!, /give --router-mac-ipv6/);

        // An interface without addresses: a veth pair inside A, unlinked.
        await inNamespace(lab.nsA, [
          "ip",
          "link",
          "add",
          "zbare0",
          "type",
          "veth",
          "peer",
          "name",
          "zbare1",
        ]);
        await inNamespace(lab.nsA, ["ip", "link", "set", "zbare0", "up"]);
        const noAddress = await resolveIn(lab.nsA, {
          adapter: "zbare0",
          routerMac: "02:00:5a:00:00:0b",
          needIpv4: true,
          needIpv6: false,
        });
        assert.equal(noAddress.code, "no-address");
        assert.match(
          noAddress.message!,
          /zbare0 has no IPv4 address: give --adapter-ip/,
        );

        const silent = await resolveIn(lab.nsA, {
          routerIp: `${prefix4}.200`,
          resolveTimeoutMs: 300,
          needIpv4: true,
          needIpv6: false,
        });
        assert.equal(silent.code, "no-reply");
        assert.match(
          silent.message!,
          new RegExp(
            `router ${prefix4}\\.200 .* did not answer ARP within 300 ms`,
          ),
        );
        const silent6 = await resolveIn(lab.nsA, {
          routerIp: `${prefix6}::200`,
          resolveTimeoutMs: 300,
          needIpv4: false,
          needIpv6: true,
        });
        assert.equal(silent6.code, "no-reply");
        assert.match(
          silent6.message!,
          /did not answer neighbor solicitation within 300 ms/,
        );

        // The driver path fails, the kernel knows: neighbor table, noted.
        await inNamespace(lab.nsA, [
          "ip",
          "neigh",
          "replace",
          `${prefix4}.201`,
          "lladdr",
          "02:00:5a:00:00:99",
          "nud",
          "permanent",
          "dev",
          lab.ifA,
        ]);
        const kernel = await resolveIn(lab.nsA, {
          routerIp: `${prefix4}.201`,
          resolveTimeoutMs: 200,
          needIpv4: true,
          needIpv6: false,
        });
        assert.ok(kernel.ok, kernel.message);
        assert.equal(kernel.routerMac4, "02:00:5a:00:00:99");
        assert.match(
          kernel.notes!.join("\n"),
          /kernel neighbor table .* did not answer ARP/,
        );
      } finally {
        await new Promise((r) => setTimeout(r, 200));
        tcpdump.kill("SIGINT");
        await tcpdump.status;
        await tcpdump.stderr.cancel().catch(() => {});
      }

      // What the resolver sent, as the peer saw it.
      const solicitations = await tshark(capture, [
        "-Y",
        `icmpv6.type == 135 && eth.src == ${macA}`,
        "-T",
        "fields",
        "-E",
        "separator=,",
        "-e",
        "icmpv6.checksum.status",
        "-e",
        "ipv6.hlim",
        "-e",
        "ipv6.dst",
        "-e",
        "icmpv6.nd.ns.target_address",
        "-e",
        "icmpv6.opt.linkaddr",
        "-e",
        "eth.dst",
      ]);
      assert.ok(solicitations.length >= 3, solicitations.join("\n"));
      const toRouter = solicitations.filter((l) => l.includes(`,${llB},`));
      assert.ok(toRouter.length >= 3, solicitations.join("\n"));
      const groupTail = formatIpv6(solicitedNodeAddress(parseIpv6(llB)));
      for (const line of toRouter) {
        const [status, hlim, dst, , linkaddr, ethDst] = line.split(",");
        assert.equal(status, "1", `bad checksum: ${line}`); // 1 = good
        assert.equal(hlim, "255");
        assert.equal(dst, groupTail);
        assert.equal(linkaddr, macA);
        assert.ok(ethDst.startsWith("33:33:ff:"), line);
      }
      const arps = await tshark(capture, [
        "-Y",
        `arp.opcode == 1 && eth.src == ${macA}`,
        "-T",
        "fields",
        "-e",
        "arp.src.proto_ipv4",
        "-e",
        "arp.dst.proto_ipv4",
      ]);
      assert.ok(arps.includes(`${lab.ip4A}\t${lab.ip4B}`), arps.join("\n"));
      assert.ok(arps.includes(`${prefix4}.77\t${lab.ip4B}`), arps.join("\n"));
      const bad = await tshark(capture, [
        "-Y",
        // tshark 4.0 files a bad checksum as a warning.
        `eth.src == ${macA} && (_ws.malformed || _ws.expert.severity >= warning)`,
      ]);
      assert.deepEqual(bad, []);
      await Deno.remove(dir, { recursive: true });
    }),
});
