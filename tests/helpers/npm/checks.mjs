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
 * @param {Record<string, any>} zon the bundles' module namespaces
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
      name:
        "tcp: TcpStack handshake, out-of-order server data, ACKs and stream",
      run: () => tcpStack(zon.tcp, zon.packet, zon.checksum, zon.siphash),
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

// --- tcp: the user-mode stack against hand-built server segments ------------

const TCP_SERVER = 0xc612010b; // 198.18.1.11
const TCP_SCANNER = 0xc6120064; // 198.18.0.100
const TCP_SCANNER_PORT = 61000;
const TCP_SERVER_ISS = 0xfffffff0; // the server's stream wraps 2^32

/**
 * One Ethernet/IPv4/TCP frame from the server, built byte by byte with the
 * reference checksums (no zon code involved).
 */
function serverFrame(port, seq, ack, flags, payload = new Uint8Array(0)) {
  const frame = new Uint8Array(54 + payload.length);
  const view = new DataView(frame.buffer);
  frame.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00]);
  const ipLength = 40 + payload.length;
  frame.set(
    [0x45, 0, ipLength >> 8, ipLength & 0xff, 0, 1, 0x40, 0, 64, 6],
    14,
  );
  view.setUint32(26, TCP_SERVER);
  view.setUint32(30, TCP_SCANNER);
  view.setUint16(24, referenceChecksum(frame.subarray(14, 34)));
  view.setUint16(34, port);
  view.setUint16(36, TCP_SCANNER_PORT);
  view.setUint32(38, seq >>> 0);
  view.setUint32(42, ack >>> 0);
  frame[46] = 5 << 4;
  frame[47] = flags;
  view.setUint16(48, 65535);
  frame.set(payload, 54);
  const pseudo = new Uint8Array(12);
  pseudo.set(frame.subarray(26, 34));
  pseudo[9] = 6;
  pseudo[10] = (20 + payload.length) >> 8;
  pseudo[11] = (20 + payload.length) & 0xff;
  view.setUint16(
    50,
    referenceChecksum(frame.subarray(34), referenceSum(pseudo)),
  );
  return frame;
}

function tcpStack(tcp, packet, checksum, siphash) {
  const random = prng(8);
  const { SYN, ACK, FIN, PSH, RST } = packet.TcpFlags;
  const key = new siphash.SipKey(randomBytes(random, 16));
  const hello = new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n");
  const sent = [];
  const delivered = [];
  const closed = [];
  const out = new packet.ParsedFrame();
  const stack = new tcp.TcpStack({
    capacity: 8,
    sourceMac: packet.parseMac("02:00:00:00:00:01"),
    routerMac: packet.parseMac("02:00:00:00:00:02"),
    synCookie: (remoteIp, remotePort, localIp, localPort) =>
      siphash.synCookie4(remoteIp, remotePort, localIp, localPort, key),
    send: (write) => {
      const buf = new Uint8Array(1514);
      const length = write(buf, 0, buf.length);
      equal(packet.parseFrame(buf, out, 0, length), "tcp", "frame out kind");
      // Checksums: the bundle's and the reference agree that both verify.
      const ip = buf.subarray(out.networkOffset, out.transportOffset);
      equal(checksum.internetChecksum(ip), 0, "IPv4 header checksum");
      equal(referenceSum(ip) % 0xffff, 0, "IPv4 header checksum (ref)");
      const segment = buf.subarray(out.transportOffset, length);
      const pseudo = checksum.pseudoHeaderSum4(
        out.ip4Source,
        out.ip4Destination,
        6,
        segment.length,
      );
      equal(
        checksum.internetChecksum(segment, 0, segment.length, pseudo),
        0,
        "TCP checksum",
      );
      equal(out.ip4Source >>> 0, TCP_SCANNER, "source address");
      equal(out.ip4Destination >>> 0, TCP_SERVER, "destination address");
      equal(out.sourcePort, TCP_SCANNER_PORT, "source port");
      sent.push({
        flags: out.tcpFlags,
        seq: out.sequence >>> 0,
        ack: out.acknowledgment >>> 0,
        port: out.destinationPort,
        payload: buf.slice(out.payloadOffset, out.payloadEnd),
      });
      return true;
    },
    app: {
      open: (_slot, _rip, _rport, _lip, _lport, buffer, offset, capacity) => {
        ok(hello.length <= capacity, "hello fits");
        buffer.set(hello, offset);
        return hello.length;
      },
      receive: (_slot, bytes, start, end) => {
        for (let i = start; i < end; i++) delivered.push(bytes[i]);
        return false;
      },
      close: (slot, reason) => closed.push({ slot, reason }),
    },
  });
  const parsed = new packet.ParsedFrame();
  const feed = (frame) => {
    equal(packet.parseFrame(frame, parsed), "tcp", "frame in kind");
    return stack.receive(frame, parsed, 0);
  };
  const cookie = siphash.synCookie4(
    TCP_SERVER,
    80,
    TCP_SCANNER,
    TCP_SCANNER_PORT,
    key,
  ) >>> 0;

  // A SYN-ACK whose ack − 1 is not the cookie opens nothing.
  equal(
    feed(serverFrame(80, TCP_SERVER_ISS, cookie + 2, SYN | ACK)),
    tcp.TcpInput.BAD_COOKIE,
    "bad cookie",
  );
  equal(sent.length, 0, "nothing sent for a bad cookie");
  // ack − 1 == cookie: opened, answered with ACK + hello.
  equal(
    feed(serverFrame(80, TCP_SERVER_ISS, cookie + 1, SYN | ACK)),
    tcp.TcpInput.OPENED,
    "SYN-ACK with the cookie",
  );
  equal(sent.length, 1, "one frame for the SYN-ACK");
  equal(sent[0].flags, ACK | PSH, "hello flags");
  equal(sent[0].seq, (cookie + 1) >>> 0, "hello seq");
  equal(sent[0].ack, (TCP_SERVER_ISS + 1) >>> 0, "hello acknowledges the SYN");
  equal(bytesToHex(sent[0].payload), bytesToHex(hello), "hello bytes");
  equal(stack.active, 1, "one connection");

  // The server's stream, sent like a server with a lost-and-reordered path
  // would: each flight carries everything from the last ACK in pieces of
  // 1–60 bytes, some swapped, some twice, the last one first, every piece
  // ACKing the hello. Whatever the stack holds or drops, each segment must
  // get exactly one bare ACK for exactly the bytes delivered so far, and
  // the delivered bytes must be a prefix of the stream.
  const body = randomBytes(random, 1200);
  const ourSeq = (cookie + 1 + hello.length) >>> 0;
  let acked = 0, segments = 0, flights = 0, dupAcks = 0;
  for (; acked < body.length; flights++) {
    ok(flights < 100, `no progress after ${flights} flights`);
    const pieces = [];
    for (let at = acked; at < body.length;) {
      const to = Math.min(body.length, at + 1 + Math.floor(random() * 60));
      pieces.push([at, to]);
      at = to;
    }
    for (let i = 1; i < pieces.length; i += 2) {
      if (random() < 0.5) {
        [pieces[i - 1], pieces[i]] = [pieces[i], pieces[i - 1]];
      }
    }
    pieces.unshift(pieces.pop());
    const order = pieces.flatMap((p) => (random() < 0.15 ? [p, p] : [p]));
    for (const [from, to] of order) {
      const before = sent.length, had = delivered.length;
      feed(serverFrame(
        80,
        TCP_SERVER_ISS + 1 + from,
        ourSeq,
        ACK,
        body.subarray(from, to),
      ));
      segments++;
      const what = `flight ${flights}, [${from}, ${to})`;
      equal(sent.length, before + 1, `one ACK for ${what}`);
      const a = sent.at(-1);
      equal(a.flags, ACK, `ACK flags for ${what}`);
      equal(a.seq, ourSeq, `ACK seq after the hello, ${what}`);
      equal(a.payload.length, 0, `bare ACK for ${what}`);
      equal(
        a.ack,
        (TCP_SERVER_ISS + 1 + delivered.length) >>> 0,
        `ack = bytes delivered after ${what}`,
      );
      ok(delivered.length >= had, "delivery never goes back");
      if (delivered.length === had) dupAcks++;
      for (let i = had; i < delivered.length; i++) {
        equal(delivered[i], body[i], `stream byte ${i}`);
      }
    }
    acked = delivered.length;
  }
  equal(bytesToHex(Uint8Array.from(delivered)), bytesToHex(body), "stream");
  // FIN: answered with FIN+ACK, the connection closes.
  feed(serverFrame(80, TCP_SERVER_ISS + 1 + body.length, ourSeq, FIN | ACK));
  const fin = sent.at(-1);
  equal(fin.flags, FIN | ACK, "FIN answered");
  equal(fin.ack, (TCP_SERVER_ISS + 2 + body.length) >>> 0, "FIN acknowledged");
  equal(stack.active, 0, "connection closed");
  deepEqual(closed, [{ slot: 0, reason: tcp.CloseReason.REMOTE_FIN }], "close");
  ok(sent.every((s) => !(s.flags & RST)), "no RST");
  const stats = stack.stats();
  ok(stats.outOfOrder > 0, "some segments arrived ahead of a gap");
  ok(stats.duplicates > 0, "some segments arrived twice");
  return `${segments} segments in ${flights} flights (${stats.outOfOrder} ` +
    `out of order, ${stats.duplicates} duplicates, ${dupAcks} duplicate ` +
    `ACKs), ${body.length} bytes across the 2^32 wrap`;
}
