// UDP reply decoders: crafted replies (built here from the RFC layouts), every
// prefix of each (must not throw), and real answers from dnsmasq and
// memcached started in a network namespace of this test.
import assert from "node:assert/strict";
import { requireTool } from "./helpers/command.ts";
import { testRandom } from "./helpers/random.ts";
import { loopbackAddress, selfSignedCertificate } from "./helpers/tls_lab.ts";
import {
  dnsReplyService,
  mdnsReplyService,
  memcachedReplyService,
  natPmpReplyService,
  ntpReplyService,
  quicReplyService,
  sipReplyService,
  ssdpReplyService,
  tftpReplyService,
  udpReplyService,
} from "../examples/scan/receive/udp_services.ts";
import {
  DNS_VERSION_BIND_QUERY,
  DTLS_CLIENT_HELLO,
  MEMCACHED_VERSION,
} from "../examples/scan/transmit/udp_payloads.ts";

const ascii = (text: string): number[] => [...new TextEncoder().encode(text)];

/** The DNS answer to version.bind: our question echoed, one TXT record. */
function dnsTxtReply(text: string): Uint8Array {
  const question = [...DNS_VERSION_BIND_QUERY.subarray(12)];
  return new Uint8Array([
    0x12,
    0x34,
    0x85,
    0x80,
    0,
    1,
    0,
    1,
    0,
    0,
    0,
    0, // ID, QR AA RD RA, counts
    ...question,
    0xc0,
    0x0c,
    0,
    16,
    0,
    3,
    0,
    0,
    0,
    0, // name -> question, TXT, CH, TTL 0
    0,
    text.length + 1,
    text.length,
    ...ascii(text), // RDLENGTH, one string
  ]);
}

const CRAFTED: [string, number, Uint8Array, Record<string, string>][] = [
  ["dnsmasq", 53, dnsTxtReply("dnsmasq-2.89"), {
    name: "domain",
    product: "dnsmasq",
    version: "2.89",
  }],
  ["bind", 53, dnsTxtReply("9.18.24-1-Debian"), {
    name: "domain",
    version: "9.18.24-1-Debian",
  }],
  [
    "ntp",
    123,
    (() => {
      const b = new Uint8Array(48);
      b[0] = 0x24, b[1] = 3; // LI 0, VN 4, mode 4 (server); stratum 3
      return b;
    })(),
    { name: "ntp", product: "NTP", version: "v4", extra: "secondary server" },
  ],
  [
    "ntp primary unsynchronized",
    123,
    (() => {
      const b = new Uint8Array(48);
      b[0] = 0xe4, b[1] = 1; // LI 3 (alarm), VN 4, mode 4; stratum 1
      return b;
    })(),
    {
      name: "ntp",
      product: "NTP",
      version: "v4",
      extra: "primary server; unsynchronized",
    },
  ],
  [
    "memcached",
    11211,
    new Uint8Array([
      0x5a,
      0x4f,
      0,
      0,
      0,
      1,
      0,
      0,
      ...ascii("VERSION 1.6.18\r\n"),
    ]),
    { name: "memcached", product: "Memcached", version: "1.6.18" },
  ],
  [
    "ssdp",
    1900,
    new Uint8Array(ascii(
      "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\n" +
        "SERVER: Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.3\r\n\r\n",
    )),
    { name: "upnp", product: "Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.3" },
  ],
  [
    "sip",
    5060,
    new Uint8Array(ascii(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP nm;branch=z9hG4bK-zon1\r\n" +
        "User-Agent: FPBX-16.0.40(18.20.0)\r\nContent-Length: 0\r\n\r\n",
    )),
    {
      name: "sip",
      product: "FPBX-16.0.40(18.20.0)",
      extra: "Status: 200 OK",
    },
  ],
  [
    "nat-pmp",
    5351,
    new Uint8Array([
      0,
      128,
      0,
      0,
      0,
      0,
      0x0e,
      0x10,
      203,
      0,
      113,
      9, // v0, op 128, OK, epoch, IP
    ]),
    { name: "nat-pmp", extra: "external 203.0.113.9" },
  ],
  [
    "tftp",
    69,
    new Uint8Array([
      0,
      5,
      0,
      1,
      ...ascii("File not found"),
      0, // ERROR, code 1, message
    ]),
    { name: "tftp", extra: "error 1: File not found" },
  ],
  [
    "quic",
    443,
    new Uint8Array([
      0xc5,
      0,
      0,
      0,
      0, // long header, version 0: Version Negotiation
      0, // DCID length 0 (our SCID was empty)
      8,
      ...ascii("ZON-QUIC"), // SCID: our DCID echoed
      0,
      0,
      0,
      1,
      0x6b,
      0x33,
      0x43,
      0xcf, // QUIC v1, QUIC v2
    ]),
    { name: "quic", extra: "versions 0x00000001,0x6b3343cf" },
  ],
];

/** A BER TLV (X.690 §8.1): short length below 128, else 0x81/0x82 form. */
function tlv(tag: number, ...content: (number[] | Uint8Array)[]): number[] {
  const value = content.flatMap((c) => [...c]);
  const n = value.length;
  const length = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 255];
  return [tag, ...length, ...value];
}

const SYS_DESCR =
  "Linux zon-lab 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian " +
  "6.1.76-1 (2024-02-01) x86_64 with a long tail to need a 0x81 length";
const ENGINE_ID = [0x80, 0x00, 0x1f, 0x88, 0x80, 0x5a, 0x4f, 0x4e, 0x31];

const BINARY: typeof CRAFTED = [
  [
    "snmp v1 sysDescr",
    161,
    new Uint8Array(tlv(
      0x30,
      tlv(0x02, [0]), // version 0: v1
      tlv(0x04, ascii("public")),
      tlv(
        0xa2, // GetResponse-PDU
        tlv(0x02, [0x5a, 0x4f, 0x4e, 0x31]),
        tlv(0x02, [0]),
        tlv(0x02, [0]),
        tlv(
          0x30,
          tlv(
            0x30,
            tlv(0x06, [0x2b, 6, 1, 2, 1, 1, 1, 0]),
            tlv(0x04, ascii(SYS_DESCR)),
          ),
        ),
      ),
    )),
    {
      name: "snmp",
      product: "SNMPv1 server",
      version: "v1",
      extra: SYS_DESCR,
    },
  ],
  [
    "snmp v3 report",
    161,
    new Uint8Array(tlv(
      0x30,
      tlv(0x02, [3]),
      tlv(
        0x30,
        tlv(0x02, [0x5a, 0x4f, 0x4e, 0x31]),
        tlv(0x02, [0, 0xff, 0xe3]),
        tlv(0x04, [0]),
        tlv(0x02, [3]),
      ),
      tlv(
        0x04,
        tlv(
          0x30,
          tlv(0x04, ENGINE_ID),
          tlv(0x02, [1]),
          tlv(0x02, [5]),
          tlv(0x04),
          tlv(0x04),
          tlv(0x04),
        ),
      ),
      tlv(
        0x30,
        tlv(0x04, ENGINE_ID),
        tlv(0x04),
        tlv(
          0xa8,
          tlv(0x02, [0x5a, 0x4f, 0x4e, 0x32]),
          tlv(0x02, [0]),
          tlv(0x02, [0]),
          tlv(0x30),
        ),
      ),
    )),
    {
      name: "snmp",
      product: "net-snmp SNMPv3 server", // enterprise 8072 (0x1f88)
      version: "v3",
      extra: "engineID 80001f88805a4f4e31",
    },
  ],
  [
    "netbios node status",
    137,
    new Uint8Array([
      0x5a,
      0x4f,
      0x84,
      0x00,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0, // response, AA, one answer
      0x20,
      0x43,
      0x4b,
      ...new Array(30).fill(0x41),
      0, // "*" echoed
      0,
      0x21,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      1 + 2 * 18 + 46, // NBSTAT IN, TTL 0, RDLENGTH (46: the STATISTICS field)
      2, // two names
      ...ascii("WORKSTATION1   "),
      0x00,
      0x04,
      0x00, // unique, active
      ...ascii("WORKGROUP      "),
      0x00,
      0x84,
      0x00, // group, active
      0x02,
      0x00,
      0x5a,
      0x00,
      0x00,
      0x01, // unit ID (MAC): the first 6 bytes of STATISTICS
      ...new Array(40).fill(0), // the other 40 bytes of STATISTICS (counters)
    ]),
    { name: "netbios-ns", extra: "workgroup: WORKGROUP" },
  ],
  [
    "portmap dump",
    111,
    new Uint8Array([
      0x5a,
      0x4f,
      0x4e,
      0x31,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0, // xid, REPLY, MSG_ACCEPTED
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0, // verifier AUTH_NONE, empty; SUCCESS
      ...[
        1,
        100000,
        2,
        17,
        111,
        1,
        100000,
        2,
        6,
        111,
        1,
        100003,
        3,
        17,
        2049,
        0,
      ]
        .flatMap((w) => [w >>> 24, (w >> 16) & 255, (w >> 8) & 255, w & 255]),
    ]),
    { name: "rpcbind", version: "2", extra: "RPC #100000" },
  ],
  [
    "coap links",
    5683,
    new Uint8Array([
      0x62,
      0x45,
      0x5a,
      0x4f, // Ver 1, ACK, TKL 2; 2.05 Content; message ID
      0xab,
      0xcd, // token
      0xc1,
      0x28, // option 12 Content-Format, length 1: 40 (link-format)
      0xd1,
      0x02,
      0xff, // option 12+13+2=27, length 1, value 0xff (not a marker)
      0xff,
      ...ascii('</sensors/temp>;rt="temperature"'),
    ]),
    { name: "coap", extra: '2.05 </sensors/temp>;rt="temperature"' },
  ],
  [
    "ike main mode",
    500,
    new Uint8Array([
      ...ascii("ZON-IKE1"),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // cookies
      1,
      0x10,
      2,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      28, // SA next, v1.0, main mode
    ]),
    { name: "isakmp", version: "1.0", extra: "exchange 2" },
  ],
  [
    "dtls hello verify",
    4433,
    new Uint8Array([
      0x16,
      0xfe,
      0xff,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0x23, // handshake, DTLS 1.0, record length 35
      3,
      0,
      0,
      0x17,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0x17, // HelloVerifyRequest header
      0xfe,
      0xfd,
      20,
      ...new Array(20).fill(7), // server_version, cookie
    ]),
    { name: "dtls", extra: "hello-verify-request" },
  ],
  [
    "bacnet i-am",
    47808,
    new Uint8Array([
      0x81,
      0x0b,
      0x00,
      0x19, // BVLC: Original-Broadcast-NPDU, 25 bytes
      0x01,
      0x20,
      0xff,
      0xff,
      0x00,
      0xff, // NPDU: DNET 65535, DLEN 0, hops
      0x10,
      0x00, // unconfirmed I-Am
      0xc4,
      0x02,
      0x00,
      0x00,
      0x7b, // object identifier: device 123
      0x22,
      0x05,
      0xc4, // max APDU 1476
      0x91,
      0x00, // segmentation: both
      0x22,
      0x01,
      0x04, // vendor ID 260
    ]),
    { name: "bacnet", extra: "device 123 vendor 260" },
  ],
];
CRAFTED.push(...BINARY);

// mDNS legacy unicast answer: the question echoed, two PTR records, the
// second name compressed against the first (RFC 1035 §4.1.4).
const MDNS_QUESTION = [
  9,
  ...ascii("_services"),
  7,
  ...ascii("_dns-sd"),
  4,
  ...ascii("_udp"),
  5,
  ...ascii("local"),
  0,
];
CRAFTED.push([
  "mdns services",
  5353,
  new Uint8Array([
    0x5a,
    0x4f,
    0x84,
    0x00,
    0,
    1,
    0,
    2,
    0,
    0,
    0,
    0, // response AA, 1 Q, 2 A
    ...MDNS_QUESTION,
    0,
    12,
    0,
    1, // offset 12: the name; PTR IN
    0xc0,
    12,
    0,
    12,
    0,
    1,
    0,
    0,
    0,
    10,
    0,
    13, // -> question, PTR, TTL, RDLENGTH 13
    5,
    ...ascii("_http"),
    4,
    ...ascii("_tcp"),
    0xc0,
    12 + 23, // _http._tcp + pointer to "local" (offset 35)
    0xc0,
    12,
    0,
    12,
    0,
    1,
    0,
    0,
    0,
    10,
    0,
    12, // second PTR, RDLENGTH 12
    4,
    ...ascii("_ssh"),
    4,
    ...ascii("_tcp"),
    0xc0,
    12 + 23, // _ssh._tcp + pointer to "local"
  ]),
  {
    name: "mdns",
    product: "DNS-based service discovery",
    extra: "services _http._tcp.local,_ssh._tcp.local",
  },
]);

for (const [label, port, reply, expected] of CRAFTED) {
  Deno.test(`udp services: ${label} reply on port ${port}`, () => {
    assert.deepEqual(udpReplyService(port, reply), expected);
    // Every prefix decodes to something or nothing, never throws, and
    // never to the whole reply's answer (a cut datagram is not mistaken).
    for (let n = 0; n < reply.length; n++) {
      const partial = udpReplyService(port, reply.subarray(0, n));
      assert.notDeepEqual(partial, expected, `prefix of ${n} bytes`);
    }
  });
}

Deno.test("udp services: hostile replies (seeded mutants of every crafted one) never throw, never grow past a bound", () => {
  const random = testRandom("scan_udp_services_test mutants");
  const byte = (): number => Math.floor(random() * 256);
  // Bytes a decoder treats specially: DNS compression pointers (0xc0 xx,
  // loops included), length fields at their maximum, BER long lengths.
  const special = [0xc0, 0xff, 0x00, 0x80, 0x81, 0x82, 0x84, 0x0c];
  for (const [label, port, reply] of CRAFTED) {
    for (let i = 0; i < 2000; i++) {
      const mutant = Uint8Array.from(reply);
      for (let k = Math.floor(random() * 4); k >= 0; k--) {
        const at = Math.floor(random() * mutant.length);
        mutant[at] = random() < 0.5
          ? special[Math.floor(random() * special.length)]
          : byte();
        if (mutant[at] === 0xc0 && at + 1 < mutant.length) {
          mutant[at + 1] = Math.floor(random() * mutant.length); // a pointer
        }
      }
      const extra = Math.floor(random() * 3) === 0
        ? Uint8Array.from({ length: Math.floor(random() * 64) }, byte)
        : new Uint8Array(0);
      const datagram = new Uint8Array([...mutant, ...extra]);
      const found = udpReplyService(port, datagram);
      if (found === undefined) continue;
      const where = `${label} mutant ${i}`;
      assert.equal(typeof found.name, "string", where);
      for (const field of [found.product, found.version, found.extra]) {
        if (field === undefined) continue;
        assert.equal(typeof field, "string", where);
        // A value is read from the datagram: it cannot outgrow it by much
        // (a pointer loop followed forever would).
        assert.ok(field.length <= 4 * datagram.length + 64, where);
      }
    }
  }
});

Deno.test("udp services: each decoder rejects another protocol's reply", () => {
  const decoders = [
    dnsReplyService,
    mdnsReplyService,
    memcachedReplyService,
    natPmpReplyService,
    ntpReplyService,
    quicReplyService,
    sipReplyService,
    ssdpReplyService,
    tftpReplyService,
  ];
  const sip = CRAFTED.find(([l]) => l === "sip")![2];
  const memcached = CRAFTED.find(([l]) => l === "memcached")![2];
  for (const decode of decoders) {
    if (decode !== sipReplyService) {
      assert.equal(decode(sip), undefined, decode.name);
    }
  }
  assert.equal(sipReplyService(memcached), undefined);
  assert.equal(udpReplyService(9, sip), undefined);
});

// ------------------------------------------------------- real daemons

const ADDRESS = "198.18.16.1";

async function ip(...args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stderr: "piped" }).output();
  assert.ok(
    out.success,
    `ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
  );
}

/** Sends `payload` to ADDRESS:port from inside `ns` until a reply comes. */
async function ask(
  ns: string,
  port: number,
  payload: Uint8Array,
): Promise<Uint8Array> {
  const script = `
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("${ADDRESS}", 0))
s.settimeout(0.2)
for _ in range(50):
    s.sendto(bytes.fromhex(sys.argv[1]), ("${ADDRESS}", ${port}))
    try:
        print(s.recv(65535).hex()); sys.exit(0)
    except (socket.timeout, ConnectionRefusedError):
        time.sleep(0.1)
sys.exit(1)
`;
  const hex = [...payload].map((b) => b.toString(16).padStart(2, "0")).join("");
  const out = await new Deno.Command("ip", {
    args: ["netns", "exec", ns, "python3", "-c", script, hex],
    stdout: "piped",
  }).output();
  assert.ok(out.success, `no reply from port ${port}`);
  const text = new TextDecoder().decode(out.stdout).trim();
  return new Uint8Array(text.match(/../g)!.map((h) => parseInt(h, 16)));
}

/** Ends a daemon this test started (it may have exited already). */
async function stop(daemon: Deno.ChildProcess): Promise<void> {
  try {
    daemon.kill("SIGTERM");
  } catch (e) {
    if (!(e instanceof TypeError)) throw e; // TypeError: already exited
  }
  await daemon.status;
}

Deno.test("udp services: real dnsmasq, memcached and openssl DTLS answers name themselves", async () => {
  for (const tool of ["dnsmasq", "memcached"]) await requireTool(tool);
  const ns = `h16u-udp-${Deno.pid}`;
  const dir = await Deno.makeTempDir({ prefix: "h16u-udp-" });
  const daemons: Deno.ChildProcess[] = [];
  await ip("netns", "add", ns);
  try {
    await selfSignedCertificate({
      key: `${dir}/key.pem`,
      cert: `${dir}/cert.pem`,
      subject: "/CN=zon-lab",
      days: 1,
    });
    // The daemons and the client share the namespace's loopback.
    await loopbackAddress(ns, ADDRESS);
    const run = (args: string[]) =>
      daemons.push(new Deno.Command("ip", {
        args: ["netns", "exec", ns, ...args],
        stdout: "null",
        stderr: "null",
      }).spawn());
    run([
      "dnsmasq",
      "-k",
      "--conf-file=/dev/null",
      "--no-resolv",
      "--no-hosts",
      `--listen-address=${ADDRESS}`,
      "--bind-interfaces",
      "--pid-file=",
      "--user=root",
      "--port=53",
    ]);
    run(["memcached", "-U", "11211", "-p", "0", "-l", ADDRESS, "-u", "root"]);
    run([
      "openssl",
      "s_server",
      "-dtls1_2",
      "-quiet",
      "-accept",
      `${ADDRESS}:4433`,
      "-cert",
      `${dir}/cert.pem`,
      "-key",
      `${dir}/key.pem`,
    ]);
    const dns = udpReplyService(53, await ask(ns, 53, DNS_VERSION_BIND_QUERY));
    assert.equal(dns?.product, "dnsmasq");
    assert.match(dns?.version ?? "", /^\d+\.\d+/);
    const mc = udpReplyService(11211, await ask(ns, 11211, MEMCACHED_VERSION));
    assert.equal(mc?.product, "Memcached");
    assert.match(mc?.version ?? "", /^\d+\.\d+\.\d+/);
    const dtls = udpReplyService(4433, await ask(ns, 4433, DTLS_CLIENT_HELLO));
    assert.deepEqual(dtls, { name: "dtls", extra: "hello-verify-request" });
  } finally {
    for (const d of daemons) await stop(d);
    await ip("netns", "del", ns);
    await Deno.remove(dir, { recursive: true });
  }
});

// The crafted replies are themselves checked by an independent decoder:
// tshark must decode each, from the service port, with no malformed packet.
Deno.test("udp services: tshark decodes every crafted reply cleanly", async () => {
  await requireTool("tshark");
  const { PcapWriter } = await import("../drivers/mod.ts");
  const { parseIpv4, parseMac, UdpTemplate } = await import("../packet/mod.ts");
  const path = await Deno.makeTempFile({
    prefix: "h16u-udp-",
    suffix: ".pcap",
  });
  try {
    const file = await Deno.open(path, { write: true, truncate: true });
    const writer = new PcapWriter(file);
    const buf = new Uint8Array(2048);
    for (const [, port, reply] of CRAFTED) {
      const template = new UdpTemplate({
        sourceMac: parseMac("02:00:00:00:00:02"),
        routerMac: parseMac("02:00:00:00:00:01"),
        sourceIp: parseIpv4("198.18.0.2"),
        sourcePort: port,
        payload: () => reply,
      });
      const n = template.write(buf, 0, parseIpv4("198.18.0.1"), 61000, 7);
      writer.write(buf, undefined, 0, n);
    }
    writer.flush();
    file.close();
    const out = await new Deno.Command("tshark", {
      args: [
        "-r",
        path,
        "-d",
        "udp.port==4433,dtls",
        "-d",
        "udp.port==443,quic", // a Version Negotiation alone is not matched by port
        "-T",
        "fields",
        "-e",
        "frame.protocols",
        "-e",
        "_ws.malformed",
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    assert.equal(lines.length, CRAFTED.length);
    lines.forEach((line, i) => {
      const [protocols, malformed] = line.split("\t");
      const label = CRAFTED[i][0];
      assert.doesNotMatch(protocols, /:data$/, `${label}: ${protocols}`);
      assert.equal(malformed ?? "", "", `${label}: ${protocols} malformed`);
    });
  } finally {
    await Deno.remove(path);
  }
});
