// parseFrame's link types beyond Ethernet, on the edges the capture tests
// (tests/capture_files_netns_test.ts, tshark as the oracle) do not reach:
// every truncation of each link header, an offset start, unknown link types
// and families, and no allocation on the cooked and loopback paths.

import assert from "node:assert/strict";
import {
  LinkType,
  ParsedFrame,
  parseFrame,
  parseMac,
  TcpSynTemplate,
} from "../packet/mod.ts";
import { gcCountDuring, ROOT } from "./helpers/alloc_probe.ts";

const syn = new TcpSynTemplate({
  sourceMac: parseMac("02:00:00:00:00:01"),
  routerMac: parseMac("02:00:00:00:00:02"),
  sourceIp: 0xc6120001,
});
const frame = new Uint8Array(128);
const frameLength = syn.write(frame, 0, 0xc6120002, 443, 7);
const ip = frame.subarray(14, frameLength);

/** The IPv4 SYN behind each link header. */
const HEADERS: [string, number, number[]][] = [
  ["NULL little-endian", LinkType.NULL, [2, 0, 0, 0]],
  ["NULL big-endian", LinkType.NULL, [0, 0, 0, 2]],
  ["LOOP", LinkType.LOOP, [0, 0, 0, 2]],
  ["RAW", LinkType.RAW, []],
  ["IPV4", LinkType.IPV4, []],
  ["SLL", LinkType.LINUX_SLL, [0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 8, 0]],
  ["SLL with a tag", LinkType.LINUX_SLL, [
    0,
    0,
    0,
    1,
    0,
    6,
    2,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0x81,
    0,
    0,
    42,
    8,
    0,
  ]],
  ["SLL2", LinkType.LINUX_SLL2, [
    8,
    0,
    0,
    0,
    0,
    0,
    0,
    3,
    0,
    1,
    0,
    6,
    2,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
  ]],
  ["SLL2 with QinQ", LinkType.LINUX_SLL2, [
    0x88,
    0xa8,
    0,
    0,
    0,
    0,
    0,
    3,
    0,
    1,
    0,
    6,
    2,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    42,
    0x81,
    0,
    0,
    7,
    8,
    0,
  ]],
];

Deno.test("parseFrame: each link header, at an offset, and every truncation of it", () => {
  const parsed = new ParsedFrame();
  for (const [name, linkType, header] of HEADERS) {
    const bytes = new Uint8Array([0xee, 0xee, 0xee, ...header, ...ip]);
    assert.equal(
      parseFrame(bytes, parsed, 3, bytes.length, linkType),
      "tcp",
      name,
    );
    assert.equal(parsed.networkOffset, 3 + header.length, name);
    assert.equal(parsed.destinationPort, 443, name);
    assert.equal(parsed.ip4Destination, 0xc6120002, name);
    assert.equal(
      parsed.vlanId,
      name.includes("tag") || name.includes("QinQ") ? 42 : -1,
      name,
    );
    for (let end = 3; end < 3 + header.length + 20; end++) {
      assert.equal(
        parseFrame(bytes, parsed, 3, end, linkType),
        "malformed",
        `${name} cut at ${end}`,
      );
      assert.equal(parsed.error, "truncated", `${name} cut at ${end}`);
    }
  }
});

Deno.test("parseFrame: unknown link types, families and cooked protocols", () => {
  const parsed = new ParsedFrame();
  assert.equal(parseFrame(ip, parsed, 0, ip.length, 147), "malformed");
  assert.equal(parsed.error, "unsupported");
  const family = (f: number) => new Uint8Array([f, 0, 0, 0, ...ip]);
  assert.equal(
    parseFrame(family(7), parsed, 0, ip.length + 4, LinkType.NULL),
    "other",
  );
  assert.equal(parsed.payloadOffset, 4);
  // IPV6 refuses an IPv4 packet, IPV4 an IPv6 one; RAW takes both.
  assert.equal(
    parseFrame(ip, parsed, 0, ip.length, LinkType.IPV6),
    "malformed",
  );
  assert.equal(parsed.error, "bad-version");
  const sll2Novell = new Uint8Array([0, 1, ...new Array(18).fill(0), ...ip]);
  assert.equal(
    parseFrame(sll2Novell, parsed, 0, sll2Novell.length, LinkType.LINUX_SLL2),
    "other",
  );
  assert.equal(parsed.etherType, 1);
});

Deno.test("parseFrame allocates nothing on the cooked, loopback and raw paths: no GC during 10^7 calls", async () => {
  const frames = HEADERS.map(([, linkType, header]) =>
    `[${linkType}, new Uint8Array([${[...header, ...ip].join(",")}])]`
  );
  const setup = `
import { ParsedFrame, parseFrame } from "${ROOT}packet/mod.ts";
const frames = [${frames.join(",")}];
const parsed = new ParsedFrame();
function step(i) {
  const [linkType, bytes] = frames[i % ${frames.length}];
  return parseFrame(bytes, parsed, 0, bytes.length, linkType) === "tcp" && parsed.destinationPort === 443 ? 1 : 0;
}`;
  const calls = Number(Deno.env.get("ZON_ALLOC_CALLS") ?? 10_000_000);
  const { gcs, sink } = await gcCountDuring(setup, calls);
  assert.equal(gcs, 0, `${gcs} garbage collections during ${calls} calls`);
  // step is 1 for each SYN to 443 parsed, and the probe sums it mod 10^9.
  assert.equal(sink, calls % 1e9, "every frame parsed as the SYN to 443");
});
