// The behaviour checks of the npm bundles, shared by the Node suite
// (node_suite.mjs) and the browser page (browser_page.mjs). Each check
// compares a bundle with an independent oracle and returns a one-line
// summary of what it covered; it throws on the first disagreement.
import {
  bytesToHex,
  deepEqual,
  equal,
  hexToBytes,
  naiveMatches,
  ok,
  prng,
  randomBytes,
  referenceChecksum,
  referenceSiphash24,
  referenceSum,
  sortMatches,
} from "./reference.mjs";
import { parityProbe } from "./parity.mjs";

/**
 * @typedef {object} Fixtures
 * @property {string[]} siphashVectors the paper's 64 tags, 8 bytes LE hex
 * @property {Array<{name: string, pem: string, facts: any}>} certificates
 *   PEMs with node:crypto's facts about each (oracle_node.mjs)
 * @property {any} parity what parityProbe answered in Deno on the source
 */

/**
 * @param {Record<string, any>} zon the six bundles' module namespaces
 * @param {Fixtures} fixtures
 * @returns {Array<{name: string, run: () => Promise<string> | string}>}
 */
export function checks(zon, fixtures) {
  return [
    {
      name: "siphash: the paper's 64 reference vectors",
      run: () => siphashVectors(zon.siphash, fixtures.siphashVectors),
    },
    {
      name: "siphash: random keys and messages vs a BigInt reference",
      run: () => siphashRandom(zon.siphash),
    },
    {
      name: "blackrock: shuffle is a bijection, unshuffle its inverse",
      run: () => blackrockBijection(zon.blackrock),
    },
    {
      name: "checksum: RFC 1071 sums and RFC 1624 updates vs a naive sum",
      run: () => checksumReference(zon.checksum),
    },
    {
      name: "packet: SYN template frames parse back with valid checksums",
      run: () => packetRoundTrip(zon.packet, zon.siphash),
    },
    {
      name: "aho_corasick: findAll vs a naive matcher",
      run: () => ahoCorasickNaive(zon.aho_corasick),
    },
    {
      name: "aho_corasick: stream matches are invariant under fragmentation",
      run: () => ahoCorasickFragments(zon.aho_corasick),
    },
    {
      name: "decoders: incremental SHA-256 vs crypto.subtle.digest",
      run: () => sha256WebCrypto(zon.decoders),
    },
    {
      name: "decoders: X.509 of system CA certificates vs node:crypto",
      run: () => x509Oracle(zon.decoders, fixtures.certificates),
    },
    {
      name: "decoders: TLS server flight fed one byte at a time",
      run: () => tlsFlight(zon.decoders, fixtures.certificates),
    },
    {
      name: "parity: every bundle answers as zon's source does in Deno",
      run: () => parity(zon, fixtures),
    },
  ];
}

function siphashVectors(siphash, vectors) {
  equal(vectors.length, 64, "fixture: SipHash vector count");
  const key = new Uint8Array(16).map((_, i) => i);
  vectors.forEach((hex, i) => {
    const message = new Uint8Array(i).map((_, j) => j);
    const tag = BigInt(`0x${bytesToHex(hexToBytes(hex).reverse())}`);
    equal(siphash.siphash24(key, message), tag, `vector ${i}`);
  });
  return "64 vectors";
}

function siphashRandom(siphash) {
  const random = prng(1);
  const out = new Uint32Array(2);
  let n = 0;
  for (; n < 300; n++) {
    const keyBytes = randomBytes(random, 16);
    const key = new siphash.SipKey(keyBytes);
    const message = randomBytes(random, n % 70);
    const expected = referenceSiphash24(keyBytes, message);
    equal(siphash.siphash24(key, message), expected, `message ${n}`);
    siphash.siphash24Into(key, message, out);
    equal(
      (BigInt(out[0]) << 32n) | BigInt(out[1]),
      expected,
      `siphash24Into ${n}`,
    );
    // The IPv4 SYN cookie is the low half of the tag of four LE words,
    // our side first.
    const ipThem = Math.floor(random() * 2 ** 32), portThem = n * 211 & 0xffff;
    const words = new DataView(new ArrayBuffer(16));
    [0xc6120001, 40000, ipThem, portThem].forEach((w, i) =>
      words.setUint32(4 * i, w, true)
    );
    const cookie = referenceSiphash24(
      keyBytes,
      new Uint8Array(words.buffer),
    ) & 0xffffffffn;
    equal(
      siphash.synCookie4(ipThem, portThem, 0xc6120001, 40000, key) >>> 0,
      Number(cookie),
      `synCookie4 ${n}`,
    );
  }
  return `${n} keys × messages of 0–69 bytes, with SYN cookies`;
}

function blackrockBijection(blackrock) {
  // masscan: blackrock_init(&br, 1000, 0, 4); blackrock_shuffle(&br, 0) == 788
  equal(new blackrock.Blackrock(1000, 0, 4).shuffle(0), 788, "masscan vector");
  const cases = [
    [1, 0],
    [2, 1],
    [3, 2],
    [7, 3],
    [10, 42],
    [1000, 0],
    [65543, 0xdeadbeefn],
    [250_000, 2n ** 64n - 1n],
  ];
  let visited = 0;
  for (const [range, seed] of cases) {
    const br = new blackrock.Blackrock(range, seed);
    const seen = new Uint8Array(range);
    for (let i = 0; i < range; i++) {
      const j = br.shuffle(i);
      ok(
        Number.isInteger(j) && j >= 0 && j < range,
        `range ${range}: shuffle(${i}) = ${j} is out of range`,
      );
      ok(seen[j] === 0, `range ${range}: ${j} visited twice`);
      seen[j] = 1;
      equal(br.unshuffle(j), i, `range ${range}: unshuffle(shuffle(${i}))`);
    }
    visited += range;
  }
  return `${cases.length} ranges, ${visited} indices`;
}

function checksumReference(checksum) {
  const random = prng(2);
  let n = 0;
  for (; n < 400; n++) {
    const bytes = randomBytes(random, n < 300 ? n : 1500 + n);
    const start = n % 5, end = bytes.length - (n % 3);
    if (end < start) continue;
    const slice = bytes.subarray(start, end);
    const initial = n % 4 === 0 ? Math.floor(random() * 0x1ffff) : 0;
    equal(
      checksum.internetChecksum(bytes, start, end, initial),
      referenceChecksum(slice, initial),
      `internetChecksum of ${slice.length} bytes from ${start}`,
    );
    equal(
      checksum.foldSum(checksum.onesComplementSum(bytes, start, end)) % 0xffff,
      referenceSum(slice) % 0xffff,
      `onesComplementSum of ${slice.length} bytes`,
    );
  }
  // An incrementally patched checksum still verifies (sums to zero).
  const header = randomBytes(random, 20);
  header[10] = header[11] = 0;
  let sum = referenceChecksum(header);
  header[10] = sum >> 8, header[11] = sum & 0xff;
  for (let i = 0; i < 200; i++) {
    const at = 12 + 4 * Math.floor(random() * 2); // source or destination
    const view = new DataView(header.buffer);
    const old = view.getUint32(at), next = Math.floor(random() * 2 ** 32);
    view.setUint32(at, next);
    sum = checksum.checksumUpdate32(sum, old, next);
    header[10] = sum >> 8, header[11] = sum & 0xff;
    equal(referenceSum(header) % 0xffff, 0, `patch ${i} verifies`);
  }
  return `${n} buffers of 0–1900 bytes, 200 incremental patches`;
}

function packetRoundTrip(packet, siphash) {
  const random = prng(3);
  const key = new siphash.SipKey(randomBytes(random, 16));
  const template = new packet.TcpSynTemplate({
    sourceMac: packet.parseMac("02:00:00:00:00:01"),
    routerMac: packet.parseMac("02:00:00:00:00:02"),
    sourceIp: packet.parseIpv4("198.18.0.1"),
    sourcePort: 40000,
  });
  const buf = new Uint8Array(2048);
  const parsed = new packet.ParsedFrame();
  let n = 0;
  for (; n < 500; n++) {
    const dstIp = Math.floor(random() * 2 ** 32);
    const dstPort = 1 + Math.floor(random() * 65535);
    const seq = siphash.synCookie4(dstIp, dstPort, 0xc6120001, 40000, key);
    const offset = n % 64;
    const length = template.write(buf, offset, dstIp, dstPort, seq);
    const kind = packet.parseFrame(buf, parsed, offset, offset + length);
    equal(kind, "tcp", `frame ${n} kind`);
    equal(parsed.ip4Destination >>> 0, dstIp, `frame ${n} destination`);
    equal(parsed.destinationPort, dstPort, `frame ${n} port`);
    equal(parsed.sequence | 0, seq, `frame ${n} sequence`);
    const ip = buf.subarray(parsed.networkOffset, parsed.transportOffset);
    equal(referenceSum(ip) % 0xffff, 0, `frame ${n} IPv4 header checksum`);
    // TCP checksum over the pseudo-header (addresses, protocol, length).
    const segment = buf.subarray(parsed.transportOffset, offset + length);
    const pseudo = new Uint8Array(12);
    pseudo.set(ip.subarray(12, 20));
    pseudo[9] = 6;
    pseudo[10] = segment.length >> 8, pseudo[11] = segment.length & 0xff;
    equal(
      referenceSum(segment, referenceSum(pseudo)) % 0xffff,
      0,
      `frame ${n} TCP checksum`,
    );
  }
  return `${n} SYN frames`;
}

/** Random patterns over a small alphabet, so matches overlap a lot. */
function randomPatternSet(random, count, caseInsensitive) {
  const alphabet = [0x61, 0x62, 0x41, 0x42, 0x00, 0xff];
  const specs = [];
  const seen = new Set();
  while (specs.length < count) {
    const bytes = randomBytes(random, 1 + Math.floor(random() * 6), alphabet);
    const anchored = random() < 0.15;
    const id = `${bytesToHex(bytes)}:${anchored}`;
    if (seen.has(id) || (caseInsensitive && seen.has(id.toLowerCase()))) {
      continue;
    }
    seen.add(caseInsensitive ? id.toLowerCase() : id);
    specs.push({ bytes, anchored });
  }
  return { specs, alphabet };
}

function buildAc(aho_corasick, specs, caseInsensitive) {
  return aho_corasick.AhoCorasick.build(
    specs.map(({ bytes, anchored }) =>
      anchored ? { pattern: bytes, anchored: "start" } : bytes
    ),
    { caseInsensitive },
  );
}

function ahoCorasickNaive(aho_corasick) {
  const random = prng(4);
  let matches = 0, rounds = 0;
  for (; rounds < 60; rounds++) {
    const caseInsensitive = rounds % 2 === 1;
    const { specs, alphabet } = randomPatternSet(
      random,
      1 + (rounds % 20),
      caseInsensitive,
    );
    const ac = buildAc(aho_corasick, specs, caseInsensitive);
    const text = randomBytes(random, 50 + rounds * 40, alphabet);
    const expected = naiveMatches(specs, text, caseInsensitive);
    const got = ac.findAll(text).map(({ pattern, end }) => ({ pattern, end }));
    deepEqual(sortMatches(got), expected, `round ${rounds} findAll`);
    matches += expected.length;
  }
  return `${rounds} pattern sets, ${matches} matches`;
}

function ahoCorasickFragments(aho_corasick) {
  const random = prng(5);
  let splits = 0;
  for (let round = 0; round < 12; round++) {
    const caseInsensitive = round % 3 === 0;
    const { specs, alphabet } = randomPatternSet(random, 12, caseInsensitive);
    const ac = buildAc(aho_corasick, specs, caseInsensitive);
    // Long enough for the matcher's multi-lane path on big chunks.
    const text = randomBytes(random, round < 2 ? 20_000 : 3000, alphabet);
    const whole = ac.findAll(text).map(({ pattern, end }) => ({
      pattern,
      end,
    }));
    const cuts = [1, 2, 3, 7, 64, 1000, 4096, "random"];
    for (const cut of cuts) {
      const stream = ac.stream();
      const got = [];
      for (let at = 0; at < text.length;) {
        const size = cut === "random" ? 1 + Math.floor(random() * 300) : cut;
        stream.write(
          text.subarray(at, at + size),
          (pattern, end) => got.push({ pattern, end }),
        );
        at += size;
      }
      equal(stream.offset, text.length, `round ${round} stream offset`);
      for (let i = 1; i < got.length; i++) {
        ok(got[i - 1].end <= got[i].end, `round ${round}: ends out of order`);
      }
      deepEqual(
        sortMatches(got),
        sortMatches(whole),
        `round ${round}, chunks of ${cut}`,
      );
      splits++;
    }
  }
  return `${splits} fragmentations (1 byte to 4 KiB, random) of 12 streams`;
}

async function sha256WebCrypto(decoders) {
  const random = prng(6);
  let n = 0;
  for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_000]) {
    const bytes = randomBytes(random, length);
    const expected = bytesToHex(
      new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
    );
    equal(decoders.sha256Hex(bytes), expected, `${length} bytes`);
    const hash = new decoders.Sha256();
    for (let at = 0; at < length;) {
      const size = 1 + Math.floor(random() * 97);
      hash.update(bytes.subarray(at, at + size));
      at += size;
    }
    equal(bytesToHex(hash.digest()), expected, `${length} bytes in pieces`);
    n++;
  }
  return `${n} lengths, whole and in pieces`;
}

function decodeInChunks(decoders, der, size) {
  const decoder = new decoders.X509Decoder();
  for (let at = 0; at < der.length; at += size) {
    decoder.push(der.subarray(at, at + size));
  }
  return decoder.end();
}

function x509Oracle(decoders, certificates) {
  ok(certificates.length >= 3, "fixture: too few certificates");
  for (const { name, pem, facts } of certificates) {
    const der = decoders.pemToDer(pem)[0];
    equal(bytesToHex(der), facts.derHex, `${name}: pemToDer`);
    const cert = decoders.decodeX509(der);
    ok(!("error" in cert), `${name}: ${JSON.stringify(cert.error)}`);
    deepEqual(decodeInChunks(decoders, der, 1), cert, `${name}: 1-byte chunks`);
    deepEqual(
      decodeInChunks(decoders, der, 37),
      cert,
      `${name}: 37-byte chunks`,
    );
    equal(cert.fingerprintSha256, facts.fingerprintSha256, `${name}: SHA-256`);
    if (!/^[89a-f]/.test(cert.serialNumber)) { // negative: Node shows it raw
      equal(
        cert.serialNumber.replace(/^0+(?=.)/, ""),
        facts.serialNumber,
        `${name}: serial`,
      );
    }
    const lines = (attrs) => attrs.map(({ type, value }) => `${type}=${value}`);
    deepEqual(lines(cert.subject), facts.subject, `${name}: subject`);
    deepEqual(lines(cert.issuer), facts.issuer, `${name}: issuer`);
    equal(cert.notBefore, facts.notBefore.replace(".000", ""), `${name}: from`);
    equal(cert.notAfter, facts.notAfter.replace(".000", ""), `${name}: to`);
    equal(cert.publicKey.algorithm, facts.keyType, `${name}: key type`);
    if (facts.bits !== undefined) {
      equal(cert.publicKey.bits, facts.bits, `${name}: key bits`);
    }
    if (facts.curve !== undefined) {
      equal(cert.publicKey.curve, facts.curve, `${name}: curve`);
    }
    equal(cert.basicConstraints?.ca ?? false, facts.ca, `${name}: CA`);
  }
  return `${certificates.length} certificates, whole and in 1- and 37-byte chunks`;
}

/** A TLS 1.2 ServerHello, Certificate and ServerHelloDone flight. */
function serverFlight(ders) {
  const u24 = (n) => [n >> 16 & 0xff, n >> 8 & 0xff, n & 0xff];
  const handshake = (type, body) => [type, ...u24(body.length), ...body];
  const hello = [0x03, 0x03, ...new Array(32).fill(7), 0, 0xc0, 0x2f, 0];
  const list = ders.flatMap((der) => [...u24(der.length), ...der]);
  const messages = [
    ...handshake(2, hello),
    ...handshake(11, [...u24(list.length), ...list]),
    ...handshake(14, []),
  ];
  const records = [];
  for (let at = 0; at < messages.length; at += 4000) { // several records
    const fragment = messages.slice(at, at + 4000);
    records.push(22, 3, 3, fragment.length >> 8, fragment.length & 0xff);
    records.push(...fragment);
  }
  return Uint8Array.from(records);
}

function tlsFlight(decoders, certificates) {
  const pems = certificates.slice(0, 3).map(({ pem }) => pem);
  const ders = pems.map((pem) => decoders.pemToDer(pem)[0]);
  const flight = serverFlight(ders);
  const decoder = new decoders.TlsDecoder();
  for (let i = 0; i < flight.length; i++) {
    decoder.push(flight.subarray(i, i + 1));
  }
  const result = decoder.end();
  ok(!result.error, `TLS error: ${JSON.stringify(result.error)}`);
  equal(result.serverHello?.cipherSuite, 0xc02f, "cipher suite");
  equal(result.serverHelloDone, true, "ServerHelloDone seen");
  deepEqual(
    result.certificates,
    ders.map((der) => decoders.decodeX509(der)),
    "certificates in the flight",
  );
  return `${flight.length} bytes, ${ders.length} certificates`;
}

function parity(zon, fixtures) {
  const pems = fixtures.certificates.map(({ pem }) => pem);
  const answers = parityProbe(zon, pems);
  for (const [module, expected] of Object.entries(fixtures.parity)) {
    deepEqual(answers[module], expected, `parity of ${module}`);
  }
  return `${Object.keys(fixtures.parity).length} probes`;
}
