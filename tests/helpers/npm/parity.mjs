// One probe of every pure module, run three times: by Deno on zon's source
// (the expected answer, written into the fixtures) and by Node and Chromium
// on the bundles. Equal answers mean the bundles are the source, faithfully.
// Inputs come from a seeded PRNG so all three draw the same ones.
import { bytesToHex, prng, randomBytes } from "./reference.mjs";

/**
 * @param {Record<string, any>} zon the modules: siphash, blackrock,
 *   checksum, packet, aho_corasick, decoders
 * @param {string[]} pems certificates to decode
 * @returns {Record<string, unknown>} JSON-able answers
 */
export function parityProbe(zon, pems) {
  const { siphash, blackrock, checksum, packet, aho_corasick, decoders } = zon;
  const random = prng(0x5eed);

  const key = new siphash.SipKey(randomBytes(random, 16));
  const tags = [];
  for (let length = 0; length < 40; length += 3) {
    tags.push(siphash.siphash24(key, randomBytes(random, length)).toString(16));
  }
  const cookies = [];
  for (let i = 0; i < 8; i++) {
    const ip = Math.floor(random() * 2 ** 32), port = i * 1000 + 1;
    cookies.push(siphash.synCookie4(ip, port, 0xc6120001, 40000, key));
  }

  const orders = [[1000, 0, 4], [1_000_003, 7, 14], [65536, 0xcafen, 6]].map(
    ([range, seed, rounds]) => {
      const br = new blackrock.Blackrock(range, seed, rounds);
      return Array.from({ length: 32 }, (_, i) => br.shuffle(i));
    },
  );

  const sums = [];
  for (let length = 0; length < 100; length += 7) {
    const bytes = randomBytes(random, length);
    sums.push(
      checksum.internetChecksum(bytes),
      checksum.onesComplementSum(bytes),
    );
  }

  const template = new packet.TcpSynTemplate({
    sourceMac: packet.parseMac("02:00:00:00:00:01"),
    routerMac: packet.parseMac("02:00:00:00:00:02"),
    sourceIp: packet.parseIpv4("198.18.0.1"),
    sourcePort: 40000,
  });
  const frames = [];
  const buf = new Uint8Array(128);
  for (let i = 0; i < 4; i++) {
    const length = template.write(
      buf,
      0,
      packet.parseIpv4(`198.18.${i}.${i * 7}`),
      443 + i,
      0xdeadbeef + i,
    );
    frames.push(bytesToHex(buf.subarray(0, length)));
  }

  const ac = aho_corasick.AhoCorasick.build(
    ["he", "she", "his", "hers", { pattern: "GET ", anchored: "start" }],
    { caseInsensitive: true },
  );
  const text = new TextEncoder().encode("GET /ushers HTTP/1.1 SHE said his");
  const matches = ac.findAll(text).map((m) => [m.pattern, m.end]);

  const certificates = pems.map((pem) =>
    decoders.decodeX509(decoders.pemToDer(pem)[0])
  );
  const digest = decoders.sha256Hex(randomBytes(random, 1000));

  return { tags, cookies, orders, sums, frames, matches, certificates, digest };
}
