// UDP probe payloads: each one, in the frame the UDP template sends, is
// decoded by tshark (the independent oracle) as the protocol it claims, with
// the fields we set, and with no malformed-packet or warning expert info.
import assert from "node:assert/strict";
import { requireTool } from "./helpers/command.ts";
import { parseIpv4, parseMac, UdpTemplate } from "../packet/mod.ts";
import { PcapWriter } from "../drivers/mod.ts";
import {
  udpPayload,
  udpPayloads,
} from "../examples/scan/transmit/udp_payloads.ts";

/** One probe: its destination port, and what tshark must say about it. */
interface Expectation {
  port: number;
  /** Which payload of {@link udpPayloads} (0 = the one sent first). */
  index: number;
  /** The protocol tshark names last in frame.protocols. */
  protocol: RegExp;
  /** Fields of the -T fields line, after the protocols and expert columns. */
  fields: Record<string, RegExp>;
  /** Extra `-d` decode-as rule, for a port tshark does not map by default. */
  decodeAs?: string;
  /** The one expert warning the probe earns by design, if any. */
  allowedWarning?: RegExp;
  /** Bytes before the part tshark decodes (see the memcached entry). */
  skip?: number;
}

const EXPECTATIONS: Expectation[] = [
  {
    port: 1900,
    index: 0,
    protocol: /:ssdp$/,
    fields: { "http.request.method": /^M-SEARCH$/ },
  },
  {
    port: 137,
    index: 0,
    protocol: /:nbns$/,
    fields: { "nbns.name": /^\*<00><00>/, "nbns.type": /^33$/ },
  },
  {
    port: 5353,
    index: 0,
    protocol: /:mdns$/,
    fields: {
      "dns.qry.name": /^_services\._dns-sd\._udp\.local$/,
      "dns.qry.type": /^12$/,
    },
  },
  {
    port: 11211,
    index: 0,
    protocol: /:memcache$/,
    fields: { "memcache.command": /^version$/ },
    // Wireshark's UDP memcache dissector reads the command from offset 0:
    // it does not know the 8-byte frame header (checked by hand below).
    skip: 8,
  },
  {
    port: 69,
    index: 0,
    protocol: /:tftp$/,
    fields: {
      "tftp.opcode": /^1$/,
      "tftp.source_file": /^zon\.probe$/,
      "tftp.type": /^octet$/,
    },
  },
  {
    port: 111,
    index: 0,
    protocol: /:rpc$/,
    fields: { "rpc.program": /^100000$/, "rpc.procedure": /^4$/ },
  },
  {
    port: 5351,
    index: 0,
    protocol: /:portcontrol$/,
    fields: { "nat-pmp.version": /^0$/, "nat-pmp.opcode": /^0$/ },
  },
  {
    port: 5683,
    index: 0,
    protocol: /:coap$/,
    fields: {
      "coap.code": /^1$/,
      "coap.opt.uri_path_recon": /well-known\/core/,
    },
  },
  {
    port: 5060,
    index: 0,
    protocol: /:sip$/,
    fields: { "sip.Method": /^OPTIONS$/, "sip.CSeq.seq": /^42$/ },
  },
  {
    port: 161,
    index: 0,
    protocol: /:snmp$/,
    fields: { "snmp.version": /^0$/, "snmp.community": /^public$/ },
  },
  {
    port: 161,
    index: 1,
    protocol: /:snmp$/,
    fields: { "snmp.msgVersion": /^3$/, "snmp.msgFlags": /^04$/ },
  },
  {
    port: 500,
    index: 0,
    protocol: /:isakmp$/,
    fields: { "isakmp.exchangetype": /^2$/, "isakmp.length": /^84$/ },
  },
  {
    port: 443,
    index: 0,
    protocol: /:quic$/,
    fields: { "quic.version": /^0x1a2a3a4a$/, "quic.length": /^1182$/ },
    // Not a real Initial: the payload cannot decrypt, which tshark warns of.
    allowedWarning: /^Decryption failed/,
  },
  {
    port: 443,
    index: 1,
    protocol: /:dtls$/,
    fields: { "dtls.handshake.type": /^1$/ },
    decodeAs: "udp.port==443,dtls",
  },
  {
    port: 4433,
    index: 0,
    protocol: /:dtls$/,
    fields: {
      "dtls.handshake.type": /^1$/,
      "dtls.handshake.ciphersuite": /^0xc02b\|0xc02f\|0x009c$/,
    },
    decodeAs: "udp.port==4433,dtls",
  },
  {
    port: 47808,
    index: 0,
    protocol: /:bacapp$/,
    fields: { "bacapp.unconfirmed_service": /^8$/ },
  },
];

/** A pcap of one frame: the UDP template's probe to `port` with `payload`. */
async function writeProbe(
  path: string,
  port: number,
  payload: Uint8Array,
): Promise<void> {
  const file = await Deno.open(path, { write: true, truncate: true });
  const writer = new PcapWriter(file);
  const template = new UdpTemplate({
    sourceMac: parseMac("02:00:00:00:00:01"),
    routerMac: parseMac("02:00:00:00:00:02"),
    sourceIp: parseIpv4("198.18.0.1"),
    sourcePort: 61000,
    payload: () => payload,
  });
  const buf = new Uint8Array(2048);
  const n = template.write(buf, 0, parseIpv4("198.18.0.2"), port, 7);
  writer.write(buf, undefined, 0, n);
  writer.flush();
  file.close();
}

/** tshark's -T fields columns for the one frame in `path` (repeats joined by |). */
async function tsharkFields(
  path: string,
  fields: string[],
  decodeAs?: string,
): Promise<string[]> {
  const args = ["-r", path, "-T", "fields", "-E", "aggregator=|"];
  if (decodeAs) args.push("-d", decodeAs);
  for (const f of fields) args.push("-e", f);
  const out = await new Deno.Command("tshark", {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).replace(/\n$/, "").split("\t");
}

/** Expert severity of a warning (chat 2097152, note 4194304, error 8388608). */
const PI_WARN = 6291456;

/** Fails on any expert info at warning level or above but `allowed`. */
function assertNoWarnings(
  severities: string,
  messages: string,
  allowed: RegExp | undefined,
): void {
  if (severities === "") return;
  const texts = messages.split("|");
  severities.split("|").map(Number).forEach((level, i) => {
    if (level < PI_WARN) return;
    assert.ok(allowed?.test(texts[i] ?? ""), `expert info: ${texts[i]}`);
  });
}

Deno.test("udp payloads: every documented port has its payload", () => {
  for (const { port, index } of EXPECTATIONS) {
    assert.ok(udpPayloads(port)[index].length > 0, `port ${port}`);
  }
  assert.equal(udpPayload(161), udpPayloads(161)[0]);
  assert.equal(udpPayload(9).length, 0);
  assert.deepEqual(udpPayloads(9), []);
});

Deno.test("udp payloads: memcached frame header (protocol.txt)", () => {
  const header = udpPayloads(11211)[0].subarray(0, 8);
  // request ID, sequence 0, one datagram in the message, reserved 0
  assert.deepEqual([...header], [0x5a, 0x4f, 0, 0, 0, 1, 0, 0]);
});

for (const e of EXPECTATIONS) {
  const name = e.protocol.source.replace(/[:$\\]/g, "");
  Deno.test(
    `udp payloads: tshark decodes port ${e.port} #${e.index} as ${name}`,
    async () => {
      await requireTool("tshark");
      const path = await Deno.makeTempFile({
        prefix: "h16u-udp-",
        suffix: ".pcap",
      });
      try {
        const payload = udpPayloads(e.port)[e.index];
        await writeProbe(path, e.port, payload.subarray(e.skip ?? 0));
        const names = Object.keys(e.fields);
        const [protocols, malformed, severities, messages, ...values] =
          await tsharkFields(
            path,
            [
              "frame.protocols",
              "_ws.malformed",
              "_ws.expert.severity",
              "_ws.expert.message",
              ...names,
            ],
            e.decodeAs,
          );
        assert.match(protocols, e.protocol);
        assert.equal(malformed, "", "malformed packet");
        assertNoWarnings(severities, messages, e.allowedWarning);
        names.forEach((f, i) => assert.match(values[i] ?? "", e.fields[f], f));
      } finally {
        await Deno.remove(path);
      }
    },
  );
}
