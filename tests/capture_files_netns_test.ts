// Real capture files, written by the tools users have, from real traffic in
// a private lab: tcpdump -i any (Linux cooked v1 and v2, nanoseconds),
// dumpcap on two interfaces (pcapng, two IDBs), dumpcap -i any, tshark -F
// pcapng, editcap (nanosecond pcapng), mergecap (several interfaces and link
// types). zon's readers and parseFrame must agree with tshark on every packet.
// Then the same packets re-wrapped in the other link types (loopback, raw
// IP, cooked headers with VLAN tags) by zon's pcapng writer.

import assert from "node:assert/strict";
import { bytesSource, PcapngReader, PcapngWriter } from "../drivers/mod.ts";
import { LinkType } from "../packet/mod.ts";
import { captureAll, withCaptureLab } from "./helpers/capture_netns.ts";
import {
  assertParsesLikeTshark,
  assertReadsLikeTshark,
  type ReadPacket,
} from "./helpers/capture_oracle.ts";

async function run(command: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(command, {
    args,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(
    out.success,
    `${command} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
  );
}

/** Each file, its expected link types, and what tshark and zon must share. */
async function checkFile(
  path: string,
  linkTypes: number[],
  kinds: string[],
): Promise<ReadPacket[]> {
  const { packets, expected } = await assertReadsLikeTshark(path);
  assert.ok(packets.length >= 10, `${path}: only ${packets.length} packets`);
  assert.deepEqual(
    [...new Set(packets.map((p) => p.linkType))].sort((a, b) => a - b),
    linkTypes,
    path,
  );
  const seen = assertParsesLikeTshark(packets, expected, path);
  for (const kind of kinds) {
    assert.ok(seen.has(kind), `${path}: no ${kind} among ${[...seen]}`);
  }
  return packets;
}

const ALL_KINDS = ["tcp", "udp", "icmp", "icmpv6"];

/** Packets re-wrapped from Ethernet frames into another link type. */
function rewrap(
  frames: ReadPacket[],
  linkType: number,
  header: (ipVersion: number, i: number) => number[],
  keep: (ipVersion: number) => boolean = () => true,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new PcapngWriter(
    { writeSync: (p) => (chunks.push(p.slice()), p.length) },
    { linkType, nanoseconds: true },
  );
  let i = 0;
  for (const f of frames) {
    const type = (f.data[12] << 8) | f.data[13];
    const version = type === 0x0800 ? 4 : type === 0x86dd ? 6 : 0;
    if (version === 0 || !keep(version)) continue;
    const ip = f.data.subarray(14);
    const wrapped = new Uint8Array([...header(version, i++), ...ip]);
    writer.write(wrapped, BigInt(f.epoch.replace(".", "")));
  }
  writer.flush();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
}

const be16 = (v: number) => [v >> 8, v & 0xff];
const be32 = (v: number) => [...be16(v >>> 16), ...be16(v & 0xffff)];
const le32 = (v: number) => be32(v).reverse();
const ethType = (version: number) => version === 4 ? 0x0800 : 0x86dd;
const MAC = [2, 0, 0, 0, 0, 9, 0, 0];

/** Tag stacks to put before the IP type: none, 802.1Q, QinQ (88a8 + 8100). */
function tags(i: number): number[] {
  switch (i % 3) {
    case 0:
      return [];
    case 1:
      return [...be16(0x8100), ...be16(0x2000 | (i % 4000) + 1)];
    default:
      return [
        ...be16(0x88a8),
        ...be16((i % 4000) + 1),
        ...be16(0x8100),
        ...be16(7),
      ];
  }
}

Deno.test({
  name:
    "capture files from tcpdump, dumpcap, tshark, editcap and mergecap agree with tshark packet for packet, and parseFrame with its fields",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "zon-h18p-" });
    try {
      const file = (name: string) => `${dir}/${name}`;
      await withCaptureLab((lab) =>
        captureAll(lab, [
          {
            args: [
              "tcpdump",
              "-i",
              "any",
              "-y",
              "LINUX_SLL2",
              "--time-stamp-precision",
              "nano",
              "-n",
              "-U",
              "--immediate-mode",
              "-w",
              file("sll2.pcap"),
            ],
            ready: "listening on",
          },
          {
            args: [
              "tcpdump",
              "-i",
              "any",
              "-y",
              "LINUX_SLL",
              "-n",
              "-U",
              "--immediate-mode",
              "-w",
              file("sll.pcap"),
            ],
            ready: "listening on",
          },
          {
            args: [
              "dumpcap",
              "-i",
              lab.ifA,
              "-i",
              "lo",
              "-w",
              file("two.pcapng"),
            ],
            ready: "Capturing on",
          },
          {
            args: ["dumpcap", "-i", "any", "-w", file("any.pcapng")],
            ready: "Capturing on",
          },
        ])
      );
      const sll2 = await checkFile(
        file("sll2.pcap"),
        [LinkType.LINUX_SLL2],
        ALL_KINDS,
      );
      await checkFile(file("sll.pcap"), [LinkType.LINUX_SLL], ALL_KINDS);
      const two = await checkFile(
        file("two.pcapng"),
        [LinkType.ETHERNET],
        ALL_KINDS,
      );
      assert.deepEqual(new Set(two.map((p) => p.interfaceId)), new Set([0, 1]));
      await checkFile(file("any.pcapng"), [LinkType.LINUX_SLL], ALL_KINDS);

      await run("tshark", [
        "-r",
        file("sll2.pcap"),
        "-F",
        "pcapng",
        "-w",
        file("tshark.pcapng"),
      ]);
      await checkFile(file("tshark.pcapng"), [LinkType.LINUX_SLL2], ALL_KINDS);
      await run("editcap", [
        "-F",
        "pcapng",
        file("sll2.pcap"),
        file("editcap.pcapng"),
      ]);
      const edited = await checkFile(file("editcap.pcapng"), [
        LinkType.LINUX_SLL2,
      ], ALL_KINDS);
      assert.deepEqual(edited.map((p) => p.epoch), sll2.map((p) => p.epoch));
      const reader = new PcapngReader(
        bytesSource(await Deno.readFile(file("editcap.pcapng"))),
      );
      reader.next();
      assert.equal(
        reader.interfaces[0].timestampResolution,
        9,
        "editcap kept nanoseconds",
      );
      await run("mergecap", [
        "-F",
        "pcapng",
        "-w",
        file("merged.pcapng"),
        file("two.pcapng"),
        file("sll2.pcap"),
      ]);
      const merged = await checkFile(
        file("merged.pcapng"),
        [LinkType.ETHERNET, LinkType.LINUX_SLL2],
        ALL_KINDS,
      );
      assert.ok(new Set(merged.map((p) => p.interfaceId)).size >= 3);

      // The Ethernet frames of dumpcap's veth interface, in other link types.
      const frames = two.filter((p) => p.interfaceId === 0);
      const wraps: [
        string,
        number,
        (v: number, i: number) => number[],
        ((v: number) => boolean)?,
      ][] = [
        [
          "null",
          LinkType.NULL,
          (v, i) => (i & 1 ? le32 : be32)(v === 4 ? 2 : [24, 28, 30][i % 3]),
        ],
        [
          "loop",
          LinkType.LOOP,
          (v, i) => be32(v === 4 ? 2 : [24, 28, 30][i % 3]),
        ],
        ["raw", LinkType.RAW, () => []],
        ["ipv4", LinkType.IPV4, () => [], (v) => v === 4],
        ["ipv6", LinkType.IPV6, () => [], (v) => v === 6],
        ["sll-vlan", LinkType.LINUX_SLL, (v, i) => {
          const t = tags(i);
          return [
            ...be16(i % 5),
            ...be16(1),
            ...be16(6),
            ...MAC,
            ...(t.length ? t : []),
            ...be16(ethType(v)),
          ];
        }],
        ["sll2-vlan", LinkType.LINUX_SLL2, (v, i) => {
          const t = tags(i);
          const protocol = t.length ? t.slice(0, 2) : be16(ethType(v));
          return [
            ...protocol,
            0,
            0,
            ...be32(3),
            ...be16(1),
            i % 5,
            6,
            ...MAC,
            ...t.slice(2),
            ...(t.length ? be16(ethType(v)) : []),
          ];
        }],
        [
          "ethernet-qinq",
          LinkType.ETHERNET,
          (
            v,
            i,
          ) => [
            ...MAC.slice(0, 6),
            ...MAC.slice(0, 6).reverse(),
            ...tags(i),
            ...be16(ethType(v)),
          ],
        ],
      ];
      for (const [name, linkType, header, keep] of wraps) {
        const path = file(`${name}.pcapng`);
        await Deno.writeFile(path, rewrap(frames, linkType, header, keep));
        await checkFile(
          path,
          [linkType],
          name === "ipv4"
            ? ["tcp", "udp", "icmp"]
            : name === "ipv6"
            ? ["tcp", "udp", "icmpv6"]
            : ALL_KINDS,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
