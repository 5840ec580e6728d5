// zon --banners against real Debian UDP daemons (h16u): the lab of
// tests/helpers/udp_daemons_lab.py — dnsmasq, tftpd-hpa, rpcbind, chrony,
// nmbd, snmpd (v1 and v3), strongSwan charon, minissdpd, openssl s_server
// -dtls, Kamailio, miniupnpd, avahi-daemon, coap-server, ngtcp2's QUIC
// server, memcached -U — each started from a generated config in a
// namespace of its own. zon scans all 15 ports once; a capture on the daemons' side goes through tshark; `nmap
// -sU -sV` scans the ports it names by a probe (on the others it falls
// back to its port table or, for TFTP, sees nothing — see NMAP_PORTS).
//
// Checks: every port has a UDP service banner, named as nmap names it
// where nmap's name comes from a reply; product/version agree with nmap's
// where nmap gives them (AGREE); the decoded fields are the ones tshark
// reads from the same replies (DNS TXT, NTP version/stratum, SNMP sysDescr
// and v3 engine ID — also the one configured —, NetBIOS workgroup, SIP
// Server, SSDP SERVER, TFTP error, IKE version, DTLS HelloVerifyRequest,
// mDNS service types, CoAP response code, QUIC supported versions, NAT-PMP
// result code);
// memcached's version is `memcached -V`'s; -oX validates against nmap.dtd.
// Needs root, the daemons' packages (udp_daemons_lab.py PACKAGES), nmap,
// tcpdump, tshark, xmllint.

import assert from "node:assert/strict";
import {
  readUdpXml,
  runNmap,
  runZon,
  startCapture,
  startUdpLab,
  tsharkFields,
  type UdpService,
} from "./helpers/udp_daemons_scan.ts";
import { run } from "./helpers/command.ts";

/** Ports nmap names from a reply, fast (the others cost it ~90 s more). */
const NMAP_PORTS = [53, 111, 123, 137, 161, 5060, 5353, 5683];

/** Port -> nmap fields zon must give the same (beyond the name). */
const AGREE: Record<number, Array<keyof UdpService>> = {
  53: ["product", "version"],
  111: ["version", "extrainfo"],
  123: ["product", "version", "extrainfo"],
  137: ["product", "extrainfo"],
  5060: ["product", "extrainfo"],
  5353: ["product"],
};

const FIELDS = [
  "dns.txt",
  "ntp.flags.vn",
  "ntp.stratum",
  "snmp.value.octets",
  "snmp.msgAuthoritativeEngineID",
  "nbns.netbios_name",
  "nbns.name_flags.group",
  "sip.Server",
  "http.server",
  "isakmp.version",
  "dtls.handshake.type",
  "dns.ptr.domain_name",
  "coap.code",
  "nat-pmp.result_code",
];

const TFTP_FIELDS = ["tftp.error.code", "tftp.error.message"];
const QUIC_FIELDS = ["quic.supported_version"];

const latin1Hex = (hex: string) =>
  hex.match(/../g)!.map((h) => String.fromCharCode(parseInt(h, 16))).join("");

Deno.test({
  name:
    "scan --banners against real UDP daemons: every port named as nmap -sU -sV names it, fields as tshark decodes them, -oX valid",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16u-udp-daemons-" });
  const lab = await startUdpLab();
  try {
    const stopCapture = await startCapture(lab, `${dir}/lab.pcap`);
    const zon = await runZon(lab, { xmlPath: `${dir}/zon.xml` });
    await stopCapture();
    const nmap = await runNmap(lab, `${dir}/nmap.xml`, NMAP_PORTS);
    // nmap's RPC grinder, on a loaded machine, has once named rpcbind's
    // port by another program number (rusersd, RPC #100002): a port where
    // nmap's name differs from ours is asked once more, alone, and that
    // second answer is the oracle's (printed, so the table shows both).
    for (const port of NMAP_PORTS) {
      const first = nmap.services.get(port)?.[0]?.name;
      if (first === zon.services.get(port)?.[0]?.name) continue;
      const again = await runNmap(lab, `${dir}/nmap-${port}.xml`, [port]);
      console.log(
        `nmap asked again for ${port}: ${first} then ${
          again.services.get(port)?.[0]?.name
        }`,
      );
      nmap.services.set(port, again.services.get(port) ?? []);
    }
    const show = (list?: UdpService[]) =>
      (list ?? []).map((s) =>
        [s.name, s.product, s.version, s.extrainfo].filter((x) => x)
          .join(" | ")
      ).join(" ; ") || "-";
    const table = lab.ports.map((p) =>
      `${String(p).padStart(5)} zon: ${show(zon.services.get(p))}   nmap: ${
        show(nmap.services.get(p))
      }`
    ).join("\n");
    console.log(
      `zon ${
        zon.seconds.toFixed(1)
      } s (${lab.ports.length} ports), nmap -sU -sV ${
        nmap.seconds.toFixed(1)
      } s (${NMAP_PORTS.length} ports)\n${table}`,
    );
    for (const port of lab.ports) {
      const ours = zon.services.get(port);
      assert.ok(ours, `port ${port}: no UDP banner\n${table}\n${zon.stderr}`);
      for (const s of ours) assert.notEqual(s.name, "unknown", `${port}`);
    }
    // 161: the v1 GetResponse and the v3 Report, one banner each; nmap
    // (with its snmp-info script) joins their products with "; ".
    const snmp = [...zon.services.get(161)!].sort((a, b) =>
      a.version! < b.version! ? -1 : 1
    );
    assert.deepEqual(snmp.map((s) => s.version), ["v1", "v3"]);
    assert.equal(
      snmp.map((s) => s.product).join("; "),
      nmap.services.get(161)?.[0].product,
      `161: product\n${table}`,
    );
    for (const port of NMAP_PORTS) {
      const theirs = nmap.services.get(port)?.[0];
      assert.equal(theirs?.method, "probed", `nmap ${port}\n${table}`);
      const ours = zon.services.get(port)![0];
      assert.equal(ours.name, theirs!.name, `${port}: name\n${table}`);
      for (const field of AGREE[port] ?? []) {
        assert.equal(
          ours[field],
          theirs![field],
          `${port}: ${field}\n${table}`,
        );
      }
    }
    const pcap = `${dir}/lab.pcap`;
    // tshark follows TFTP's and QUIC's first packets as conversations of
    // our source port, which all of zon's probes share: later replies
    // would decode as TFTP or QUIC. One pass each, the rest without them.
    const shark = await tsharkFields(pcap, lab.server, lab.adapterIp, FIELDS, [
      "--disable-protocol",
      "tftp",
      "--disable-protocol",
      "quic",
    ]);
    const quic = await tsharkFields(
      pcap,
      lab.server,
      lab.adapterIp,
      QUIC_FIELDS,
      [
        "--disable-protocol",
        "tftp",
      ],
    );
    shark.set(443, quic.get(443) ?? new Map());
    const tftp = await tsharkFields(
      pcap,
      lab.server,
      lab.adapterIp,
      TFTP_FIELDS,
      [
        "--disable-protocol",
        "quic",
      ],
    );
    checkAgainstTshark(zon.services, shark, lab.snmpEngineId, table);
    checkTftp(zon.services, tftp);
    const memcached = await run(["memcached", "-V"]);
    assert.equal(
      `memcached ${zon.services.get(11211)![0].version}`,
      memcached.trim(),
    );
    await run([
      "xmllint",
      "--noout",
      "--dtdvalid",
      "/usr/share/nmap/nmap.dtd",
      `${dir}/zon.xml`,
    ]);
    const xml = readUdpXml(await Deno.readTextFile(`${dir}/zon.xml`));
    assert.equal(xml.get(53)?.[0].product, "dnsmasq");
    assert.equal(xml.get(69)?.[0].name, "tftp");
  } finally {
    await lab.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

function checkAgainstTshark(
  zon: Map<number, UdpService[]>,
  shark: Map<number, Map<string, string>>,
  engineId: string,
  table: string,
): void {
  const one = (port: number) => zon.get(port)![0];
  const field = (port: number, name: string) => {
    const value = shark.get(port)?.get(name);
    assert.ok(value !== undefined, `tshark: no ${name} from ${port}`);
    return value;
  };
  const context = `\n${table}`;
  assert.equal(
    `${one(53).product}-${one(53).version}`,
    field(53, "dns.txt"),
    context,
  );
  assert.equal(one(123).version, `v${field(123, "ntp.flags.vn")}`);
  const stratum = Number(field(123, "ntp.stratum"));
  assert.ok(stratum >= 2 && stratum <= 15, `chrony's local stratum 8`);
  assert.equal(one(123).extrainfo, "secondary server");
  const snmp = zon.get(161)!;
  const v1 = snmp.find((s) => s.version === "v1")!;
  const v3 = snmp.find((s) => s.version === "v3")!;
  assert.equal(v1.extrainfo, latin1Hex(field(161, "snmp.value.octets")));
  const engine = field(161, "snmp.msgAuthoritativeEngineID").replace(/:/g, "");
  assert.equal(v3.extrainfo, `engineID ${engine}`);
  assert.equal(engine, engineId, "the engine ID snmpd.conf configured");
  // NetBIOS: the group names (flag 1) of the node status; zon names the first.
  const names = field(137, "nbns.netbios_name").split(",");
  const groups = field(137, "nbns.name_flags.group").split(",");
  const group = names.find((n, i) => groups[i] === "1" && !/^\W/.test(n));
  assert.equal(one(137).extrainfo, `workgroup: ${group}`);
  assert.equal(one(5060).product, field(5060, "sip.Server"));
  assert.equal(one(1900).product, field(1900, "http.server"));
  const ike = Number(field(500, "isakmp.version")); // 0x10: major 1, minor 0
  assert.equal(one(500).version, `${ike >> 4}.${ike & 15}`);
  assert.equal(field(4433, "dtls.handshake.type"), "3"); // HelloVerifyRequest
  assert.equal(
    one(5353).extrainfo,
    `services ${field(5353, "dns.ptr.domain_name")}`,
  );
  const versions = field(443, "quic.supported_version").split(",")
    .map((v) => `0x${Number(v).toString(16).padStart(8, "0")}`);
  assert.equal(one(443).extrainfo, `versions ${versions.join(",")}`);
  assert.equal(
    one(5351).extrainfo,
    `result ${field(5351, "nat-pmp.result_code")}`,
  );
  const code = Number(field(5683, "coap.code")); // class × 32 + detail
  assert.match(
    one(5683).extrainfo!,
    new RegExp(`^${code >> 5}\\.${String(code & 31).padStart(2, "0")} `),
  );
  assert.equal(one(4433).extrainfo, "hello-verify-request");
}

/** TFTP answers from the server's new port: the row tshark decoded. */
function checkTftp(
  zon: Map<number, UdpService[]>,
  shark: Map<number, Map<string, string>>,
): void {
  const rows = [...shark.entries()].filter(([, m]) =>
    m.has("tftp.error.message")
  );
  assert.equal(rows.length, 1, "tshark: one TFTP error");
  const [port, fields] = rows[0];
  assert.notEqual(port, 69, "tftpd-hpa answers from a new port (its TID)");
  assert.equal(
    zon.get(69)![0].extrainfo,
    `error ${fields.get("tftp.error.code")}: ${
      fields.get("tftp.error.message")
    }`,
  );
}
