// Unit tests of the scan engine's pieces that need no network: token bucket
// (fake clock), dedup table (against a Set), probe schedule (exactly N+1
// probes per target, resume split), UDP payloads, ARP/NDP responder, and the
// reply checker on forged frames.

import assert from "node:assert/strict";
import { requireTool } from "./helpers/command.ts";
import { SipKey, synCookie4, synCookie6 } from "../siphash/mod.ts";
import { TargetSet } from "../blackrock/mod.ts";
import {
  emitArp,
  emitPacket,
  type PacketRepr,
  ParsedFrame,
  parseFrame,
  parseIpv4,
  parseIpv6,
  parseMac,
  TcpFlags,
  UdpTemplate,
} from "../packet/mod.ts";
import { TokenBucket } from "../examples/scan/transmit/token_bucket.ts";
import { DedupTable } from "../examples/scan/receive/dedup.ts";
import { ProbeSchedule } from "../examples/scan/transmit/probe_schedule.ts";
import {
  DNS_VERSION_BIND_QUERY,
  NTP_CLIENT_REQUEST,
  SNMP_GET_SYSDESCR,
  udpPayload,
} from "../examples/scan/transmit/udp_payloads.ts";
import {
  ARP_REPLY_LENGTH,
  NEIGHBOR_ADVERT_LENGTH,
  NeighborResponder,
  type ResponderIdentity,
} from "../examples/scan/receive/neighbor_responder.ts";
import {
  BAD_COOKIE,
  IGNORE,
  Reason,
  ReplyChecker,
  RESULT,
} from "../examples/scan/receive/reply_check.ts";
import {
  ICMP_ECHO_PORT,
  type LinkConfig,
  rebuildTargets,
  targetSpec,
} from "../examples/scan/engine/shared.ts";
import { receiveFilter } from "../examples/scan/engine/engine.ts";

// ------------------------------------------------------------ token bucket

/** Simulates the transmit loop's use of the bucket on a fake clock. */
function simulate(rate: number, seconds: number, seed: number) {
  let now = 0;
  const bucket = new TokenBucket(rate, { now: () => now });
  let rnd = seed;
  const jitter = () => {
    rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
    const u = rnd / 2 ** 32;
    // Wake-ups up to 0.3 ms late, and one in a hundred 4 ms late (a busy
    // scheduler): the capacity of 5 ms must absorb both.
    return u < 0.01 ? 4 : u * 0.3;
  };
  const minGrant = Math.max(1, Math.min(256, Math.floor(rate * 0.0005)));
  let sent = 0, maxGrant = 0;
  const perMs = new Map<number, number>();
  while (now < seconds * 1000) {
    const n = bucket.take(256);
    if (n === 0) {
      now += bucket.delayFor(minGrant) + jitter();
      continue;
    }
    sent += n;
    maxGrant = Math.max(maxGrant, n);
    const ms = Math.floor(now / 10);
    perMs.set(ms, (perMs.get(ms) ?? 0) + n);
    now += n * 0.00002; // 20 ns per packet of work
  }
  const worst10ms = Math.max(...perMs.values());
  return { sent, maxGrant, worst10ms, capacity: bucket.capacity };
}

Deno.test("token bucket: rate within ±5% from 100 pps to 10 Mpps, bursts bounded", () => {
  for (const rate of [100, 1000, 10_000, 100_000, 1_000_000, 10_000_000]) {
    const seconds = rate <= 1000 ? 20 : 2;
    const r = simulate(rate, seconds, rate);
    const achieved = r.sent / seconds;
    assert.ok(
      Math.abs(achieved - rate) / rate < 0.05,
      `rate ${rate}: achieved ${achieved}`,
    );
    assert.ok(r.maxGrant <= r.capacity, `rate ${rate}: burst ${r.maxGrant}`);
    // No 10 ms window carries more than its share plus one burst.
    assert.ok(
      r.worst10ms <= rate * 0.01 + r.capacity + 1,
      `rate ${rate}: ${r.worst10ms} in 10 ms`,
    );
  }
});

Deno.test("token bucket: idle time does not bank more than the capacity", () => {
  let now = 0;
  const bucket = new TokenBucket(1000, { now: () => now });
  now = 60_000; // a minute idle
  assert.equal(bucket.take(1_000_000), bucket.capacity);
  assert.equal(bucket.take(1_000_000), 0);
  assert.ok(Math.abs(bucket.delayFor(1) - 1) < 1e-9);
  assert.throws(() => new TokenBucket(0), /rate must be > 0/);
  assert.equal(new TokenBucket(Infinity).take(77), 77);
});

// -------------------------------------------------------------------- dedup

Deno.test("dedup table: same answers as a Set when large enough", () => {
  const table = new DedupTable(1 << 16);
  const set = new Set<string>();
  let x = 12345;
  for (let i = 0; i < 40_000; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const ip = 0xc6120000 + (x % 300);
    const port = (x >>> 9) % 50;
    const kind = (x >>> 20) & 1;
    const key = `${ip}:${port}:${kind}`;
    assert.equal(table.seen4(ip, port, kind), set.has(key), key);
    set.add(key);
  }
  // IPv6 keys differ from IPv4 ones with the same words.
  const v6 = new Uint8Array(16);
  v6[0] = 0x20, v6[15] = 1;
  assert.equal(table.seen6(v6, 0, 80, 0), false);
  assert.equal(table.seen6(v6, 0, 80, 0), true);
  assert.equal(table.seen6(v6, 0, 81, 0), false);
  assert.equal(table.evictions, 0);
});

Deno.test("dedup table: when full it forgets, never invents a duplicate", () => {
  const table = new DedupTable(64);
  const set = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    const key = (i * 7919) % 3000;
    const dup = table.seen4(key, 1, 0);
    if (dup) assert.ok(set.has(key), `false duplicate ${key}`);
    set.add(key);
  }
  assert.ok(table.evictions > 0);
  assert.equal(table.capacity, 64);
});

// ----------------------------------------------------------- probe schedule

Deno.test("probe schedule: every target exactly retries+1 times, rounds spaced", () => {
  for (
    const [length, retries, window] of [
      [10, 2, 4],
      [1000, 0, 64],
      [7, 3, 100],
      [1, 5, 1],
    ]
  ) {
    const s = new ProbeSchedule(length, retries, window);
    assert.equal(s.total, length * (retries + 1));
    const counts = new Array(length).fill(0);
    const lastRound = new Array(length).fill(-1);
    for (let p = 0; p < s.total; p++) {
      s.locate(p);
      counts[s.n]++;
      assert.equal(s.round, lastRound[s.n] + 1, "rounds in order");
      lastRound[s.n] = s.round;
      assert.ok(s.run >= 1);
    }
    assert.ok(counts.every((c) => c === retries + 1));
  }
  assert.throws(() => new ProbeSchedule(10, -1), /retries/);
});

Deno.test("probe schedule: runs never cross a round; resume continues the same sequence", () => {
  const s = new ProbeSchedule(1000, 2, 96);
  const seq: string[] = [];
  for (let p = 0; p < s.total;) {
    s.locate(p);
    const take = Math.min(s.run, 37);
    for (let k = 0; k < take; k++) seq.push(`${s.n + k}/${s.round}`);
    p += take;
  }
  const direct: string[] = [];
  for (let p = 0; p < s.total; p++) {
    s.locate(p);
    direct.push(`${s.n}/${s.round}`);
  }
  assert.deepEqual(seq, direct);
  assert.equal(new Set(direct).size, s.total);
});

// ------------------------------------------------------------- UDP payloads

Deno.test("udp payloads: DNS, NTP, SNMP byte layouts; empty elsewhere", () => {
  assert.equal(udpPayload(53), DNS_VERSION_BIND_QUERY);
  assert.equal(udpPayload(123), NTP_CLIENT_REQUEST);
  assert.equal(udpPayload(161), SNMP_GET_SYSDESCR);
  assert.equal(udpPayload(80).length, 0);
  // DNS: one question, name "version.bind", TXT CH.
  const dns = DNS_VERSION_BIND_QUERY;
  assert.equal((dns[4] << 8) | dns[5], 1);
  assert.equal(new TextDecoder().decode(dns.subarray(13, 20)), "version");
  assert.deepEqual([...dns.subarray(dns.length - 4)], [0, 16, 0, 3]);
  // NTP: 48 bytes, version 4, mode 3.
  assert.equal(NTP_CLIENT_REQUEST.length, 48);
  assert.equal((NTP_CLIENT_REQUEST[0] >> 3) & 7, 4);
  assert.equal(NTP_CLIENT_REQUEST[0] & 7, 3);
  // SNMP: every BER length matches what follows it.
  const snmp = SNMP_GET_SYSDESCR;
  assert.equal(snmp[1], snmp.length - 2);
  assert.equal(snmp[14], snmp.length - 15); // PDU
  assert.equal(snmp[28], snmp.length - 29); // varbind list
  assert.equal(snmp[30], snmp.length - 31); // varbind
  assert.equal(new TextDecoder().decode(snmp.subarray(7, 13)), "public");
});

Deno.test("udp payloads: tshark decodes DNS, NTP and SNMP probes", async () => {
  await requireTool("tshark");
  const { PcapWriter } = await import("../drivers/mod.ts");
  const path = await Deno.makeTempFile({ suffix: ".pcap" });
  try {
    const file = await Deno.open(path, { write: true, truncate: true });
    const writer = new PcapWriter(file);
    const t = new UdpTemplate({
      sourceMac: parseMac("02:00:00:00:00:01"),
      routerMac: parseMac("02:00:00:00:00:02"),
      sourceIp: parseIpv4("198.18.0.1"),
      sourcePort: 61000,
      payload: udpPayload,
    });
    const buf = new Uint8Array(2048);
    for (const port of [53, 123, 161]) {
      const n = t.write(buf, 0, parseIpv4("198.18.0.2"), port, 7);
      writer.write(buf, undefined, 0, n);
    }
    writer.flush();
    file.close();
    const out = await new Deno.Command("tshark", {
      args: [
        "-r",
        path,
        "-T",
        "fields",
        "-e",
        "dns.qry.name",
        "-e",
        "ntp.flags.mode",
        "-e",
        "snmp.name",
        "-e",
        "snmp.community",
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    assert.match(lines[0], /version\.bind/);
    assert.match(lines[1], /^\t3/);
    assert.match(lines[2], /1\.3\.6\.1\.2\.1\.1\.1\.0\tpublic/);
  } finally {
    await Deno.remove(path);
  }
});

// ------------------------------------------------------------ ARP responder

const OUR_MAC = parseMac("02:00:5a:00:00:0a");
const THEIR_MAC = parseMac("02:00:5a:00:00:0b");
const OUR_IP = parseIpv4("198.18.5.9");
const THEIR_IP = parseIpv4("198.18.5.2");
const OUR_IP6 = parseIpv6("2001:2::9");
const THEIR_IP6 = parseIpv6("2001:2::2");

function arpRequest(targetIp: number): Uint8Array {
  const frame = new Uint8Array(60);
  frame.fill(0xff, 0, 6);
  frame.set(THEIR_MAC, 6);
  frame[12] = 0x08, frame[13] = 0x06;
  emitArp(
    {
      operation: 1,
      senderMac: THEIR_MAC,
      senderIp: THEIR_IP,
      targetMac: new Uint8Array(6),
      targetIp,
    },
    frame,
    14,
  );
  return frame;
}

/** The responder's answers, called the way the receive Worker calls them. */
function arpReply(
  frame: Uint8Array,
  parsed: ParsedFrame,
  me: ResponderIdentity,
  out: Uint8Array,
): number {
  return new NeighborResponder(me).arpReply(frame, parsed, out);
}

function neighborAdvert(
  frame: Uint8Array,
  parsed: ParsedFrame,
  me: ResponderIdentity,
  out: Uint8Array,
): number {
  return new NeighborResponder(me).neighborAdvert(frame, parsed, out);
}

Deno.test("arp responder: answers a request for our IPv4 only", () => {
  const parsed = new ParsedFrame();
  const out = new Uint8Array(128);
  const me = { mac: OUR_MAC, ipv4: OUR_IP };
  const request = arpRequest(OUR_IP);
  parseFrame(request, parsed);
  assert.equal(arpReply(request, parsed, me, out), ARP_REPLY_LENGTH);
  const reply = new ParsedFrame();
  assert.equal(parseFrame(out.subarray(0, ARP_REPLY_LENGTH), reply), "arp");
  assert.equal(reply.arpOperation, 2);
  assert.equal(reply.arpSenderIp, OUR_IP);
  assert.equal(reply.arpTargetIp, THEIR_IP);
  assert.deepEqual(out.subarray(0, 6), THEIR_MAC);
  assert.deepEqual(out.subarray(22, 28), OUR_MAC);
  const other = arpRequest(THEIR_IP + 1);
  parseFrame(other, parsed);
  assert.equal(arpReply(other, parsed, me, out), 0);
  parseFrame(request, parsed);
  assert.equal(arpReply(request, parsed, { mac: OUR_MAC }, out), 0);
});

function neighborSolicitation(target: Uint8Array, hopLimit = 255): Uint8Array {
  const body = new Uint8Array(24);
  body.set(target, 0);
  body[16] = 1, body[17] = 1; // source link-layer address option
  body.set(THEIR_MAC, 18);
  const buf = new Uint8Array(200);
  const n = emitPacket({
    ethernet: { destination: parseMac("33:33:ff:00:00:09"), source: THEIR_MAC },
    ip: {
      version: 6,
      source: THEIR_IP6,
      destination: parseIpv6("ff02::1:ff00:9"),
      hopLimit,
    },
    transport: { protocol: "icmp", type: 135, code: 0, rest: 0, payload: body },
    checksums: "compute",
  } as PacketRepr, buf);
  return buf.slice(0, n);
}

Deno.test("arp responder: neighbor advertisement for our IPv6, valid checksum", () => {
  const parsed = new ParsedFrame();
  const out = new Uint8Array(128);
  const me = { mac: OUR_MAC, ipv6: OUR_IP6 };
  const ns = neighborSolicitation(OUR_IP6);
  assert.equal(parseFrame(ns, parsed), "icmpv6");
  assert.equal(neighborAdvert(ns, parsed, me, out), NEIGHBOR_ADVERT_LENGTH);
  const na = out.subarray(0, NEIGHBOR_ADVERT_LENGTH);
  const p = new ParsedFrame();
  assert.equal(parseFrame(na, p), "icmpv6");
  assert.equal(p.icmpType, 136);
  assert.equal(p.ttl, 255);
  assert.deepEqual(na.subarray(0, 6), THEIR_MAC);
  assert.deepEqual(na.subarray(38, 54), THEIR_IP6); // to the asker
  assert.deepEqual(na.subarray(62, 78), OUR_IP6); // target
  assert.deepEqual(na.subarray(80, 86), OUR_MAC); // its link-layer address
  assert.equal(na[58], 0x60); // Solicited + Override
  // Independent checksum: pseudo-header + message sums to 0xffff.
  let sum = 0;
  for (let i = 22; i < 54; i += 2) sum += (na[i] << 8) | na[i + 1];
  sum += 32 + 58;
  for (let i = 54; i < 86; i += 2) sum += (na[i] << 8) | na[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  assert.equal(sum, 0xffff);
  // Not for us, or an off-link solicitation (hop limit < 255): no answer.
  const other = neighborSolicitation(THEIR_IP6);
  parseFrame(other, parsed);
  assert.equal(neighborAdvert(other, parsed, me, out), 0);
  const forwarded = neighborSolicitation(OUR_IP6, 64);
  parseFrame(forwarded, parsed);
  assert.equal(neighborAdvert(forwarded, parsed, me, out), 0);
});

// ------------------------------------------------------------ reply checker

const KEY = new Uint8Array(16).map((_, i) => i * 3);
const SIP = new SipKey(KEY);
const FIRST_PORT = 61000;

function link(count = 1): LinkConfig {
  return {
    txDriver: "null",
    rxDriver: "null",
    sourceMac: OUR_MAC,
    routerMac4: THEIR_MAC,
    routerMac6: THEIR_MAC,
    sourceIpv4: OUR_IP,
    sourceIpv6: OUR_IP6,
    sourcePortFirst: FIRST_PORT,
    sourcePortCount: count,
  };
}

const spec = targetSpec(
  new TargetSet({
    include: ["198.18.5.0/24", "2001:2::/120"],
    ports: "80,U:53",
  }),
  true,
);

function tcpReply(
  from: number,
  port: number,
  toPort: number,
  ack: number,
  flags: number,
): Uint8Array {
  const buf = new Uint8Array(200);
  const n = emitPacket({
    ethernet: { destination: OUR_MAC, source: THEIR_MAC },
    ip: { version: 4, source: from, destination: OUR_IP, ttl: 61 },
    transport: {
      protocol: "tcp",
      sourcePort: port,
      destinationPort: toPort,
      sequence: 1,
      acknowledgment: ack >>> 0,
      flags,
    },
    checksums: "compute",
  }, buf);
  return buf.slice(0, n);
}

Deno.test("reply checker: SYN-ACK with the cookie is open; a wrong ack is a bad cookie", () => {
  const checker = new ReplyChecker(link(), KEY, spec);
  const parsed = new ParsedFrame();
  const cookie = synCookie4(THEIR_IP, 80, OUR_IP, FIRST_PORT, SIP);
  const good = tcpReply(
    THEIR_IP,
    80,
    FIRST_PORT,
    cookie + 1,
    TcpFlags.SYN | TcpFlags.ACK,
  );
  parseFrame(good, parsed);
  assert.equal(checker.check(good, parsed), RESULT);
  assert.equal(checker.open, true);
  assert.equal(checker.reason, Reason.SYN_ACK);
  assert.equal(checker.ipv4, THEIR_IP);
  assert.equal(checker.port, 80);
  assert.equal(checker.ttl, 61);
  const rst = tcpReply(
    THEIR_IP,
    80,
    FIRST_PORT,
    cookie + 1,
    TcpFlags.RST | TcpFlags.ACK,
  );
  parseFrame(rst, parsed);
  assert.equal(checker.check(rst, parsed), RESULT);
  assert.equal(checker.open, false);
  for (let i = 0; i < 1000; i++) {
    const forged = tcpReply(
      THEIR_IP,
      80,
      FIRST_PORT,
      cookie + 2 + i,
      TcpFlags.SYN | TcpFlags.ACK,
    );
    parseFrame(forged, parsed);
    assert.equal(checker.check(forged, parsed), BAD_COOKIE);
  }
  // Not to our port, or not SYN-ACK/RST: not ours to judge.
  const elsewhere = tcpReply(
    THEIR_IP,
    80,
    22,
    cookie + 1,
    TcpFlags.SYN | TcpFlags.ACK,
  );
  parseFrame(elsewhere, parsed);
  assert.equal(checker.check(elsewhere, parsed), IGNORE);
  const data = tcpReply(THEIR_IP, 80, FIRST_PORT, cookie + 1, TcpFlags.ACK);
  parseFrame(data, parsed);
  assert.equal(checker.check(data, parsed), IGNORE);
});

Deno.test("reply checker: with a source port range the reply must hit the cookie's port", () => {
  const checker = new ReplyChecker(link(256), KEY, spec);
  const parsed = new ParsedFrame();
  const cookie = synCookie4(THEIR_IP, 80, OUR_IP, FIRST_PORT, SIP);
  const port = FIRST_PORT + (cookie >>> 0) % 256;
  const good = tcpReply(
    THEIR_IP,
    80,
    port,
    cookie + 1,
    TcpFlags.SYN | TcpFlags.ACK,
  );
  parseFrame(good, parsed);
  assert.equal(checker.check(good, parsed), RESULT);
  const wrongPort = FIRST_PORT + ((cookie >>> 0) + 1) % 256;
  const bad = tcpReply(
    THEIR_IP,
    80,
    wrongPort,
    cookie + 1,
    TcpFlags.SYN | TcpFlags.ACK,
  );
  parseFrame(bad, parsed);
  assert.equal(checker.check(bad, parsed), BAD_COOKIE);
});

Deno.test("reply checker: UDP replies, ICMP port unreachable, echo replies, IPv6 SYN-ACK", () => {
  const checker = new ReplyChecker(link(), KEY, spec);
  const parsed = new ParsedFrame();
  const buf = new Uint8Array(400);
  const udp = (from: number, port: number, to: number) => {
    const n = emitPacket({
      ethernet: { destination: OUR_MAC, source: THEIR_MAC },
      ip: { version: 4, source: from, destination: OUR_IP },
      transport: {
        protocol: "udp",
        sourcePort: port,
        destinationPort: to,
        payload: new Uint8Array(4),
      },
      checksums: "compute",
    }, buf);
    return buf.slice(0, n);
  };
  let f = udp(THEIR_IP, 53, FIRST_PORT);
  parseFrame(f, parsed);
  assert.equal(checker.check(f, parsed), RESULT);
  assert.equal(checker.reason, Reason.UDP_RESPONSE);
  assert.equal(checker.port, 53);
  f = udp(THEIR_IP, 54, FIRST_PORT); // port not probed
  parseFrame(f, parsed);
  assert.equal(checker.check(f, parsed), BAD_COOKIE);
  f = udp(parseIpv4("198.18.6.1"), 53, FIRST_PORT); // address not a target
  parseFrame(f, parsed);
  assert.equal(checker.check(f, parsed), BAD_COOKIE);

  // ICMP port unreachable quoting our own UDP probe.
  const probe = new Uint8Array(200);
  const t = new UdpTemplate({
    sourceMac: OUR_MAC,
    routerMac: THEIR_MAC,
    sourceIp: OUR_IP,
    sourcePort: FIRST_PORT,
    payload: udpPayload,
  });
  const cookie53 = synCookie4(THEIR_IP, 65536 + 53, OUR_IP, FIRST_PORT, SIP);
  const probeLength = t.write(probe, 0, THEIR_IP, 53, cookie53);
  const icmp = (quoted: Uint8Array) => {
    const n = emitPacket({
      ethernet: { destination: OUR_MAC, source: THEIR_MAC },
      ip: { version: 4, source: THEIR_IP, destination: OUR_IP, ttl: 50 },
      transport: {
        protocol: "icmp",
        type: 3,
        code: 3,
        rest: 0,
        payload: quoted,
      },
      checksums: "compute",
    }, buf);
    return buf.slice(0, n);
  };
  f = icmp(probe.slice(14, probeLength));
  parseFrame(f, parsed);
  assert.equal(checker.check(f, parsed), RESULT);
  assert.equal(checker.reason, Reason.ICMP_PORT_UNREACHABLE);
  assert.equal(checker.open, false);
  assert.equal(checker.ipv4, THEIR_IP);
  assert.equal(checker.port, 53);

  // Echo reply: identifier/sequence are the cookie.
  const echoCookie = synCookie4(
    THEIR_IP,
    ICMP_ECHO_PORT,
    OUR_IP,
    FIRST_PORT,
    SIP,
  );
  const echo = (rest: number) => {
    const n = emitPacket({
      ethernet: { destination: OUR_MAC, source: THEIR_MAC },
      ip: { version: 4, source: THEIR_IP, destination: OUR_IP },
      transport: { protocol: "icmp", type: 0, code: 0, rest: rest >>> 0 },
      checksums: "compute",
    }, buf);
    return buf.slice(0, n);
  };
  f = echo(echoCookie);
  parseFrame(f, parsed);
  assert.equal(checker.check(f, parsed), RESULT);
  assert.equal(checker.reason, Reason.ECHO_REPLY);
  f = echo(echoCookie + 1);
  parseFrame(f, parsed);
  assert.equal(checker.check(f, parsed), BAD_COOKIE);

  // IPv6 SYN-ACK.
  const cookie6 = synCookie6(THEIR_IP6, 0, 80, OUR_IP6, 0, FIRST_PORT, SIP);
  const n6 = emitPacket({
    ethernet: { destination: OUR_MAC, source: THEIR_MAC },
    ip: { version: 6, source: THEIR_IP6, destination: OUR_IP6 },
    transport: {
      protocol: "tcp",
      sourcePort: 80,
      destinationPort: FIRST_PORT,
      sequence: 9,
      acknowledgment: (cookie6 + 1) >>> 0,
      flags: TcpFlags.SYN | TcpFlags.ACK,
    },
    checksums: "compute",
  }, buf);
  f = buf.slice(0, n6);
  parseFrame(f, parsed);
  assert.equal(checker.check(f, parsed), RESULT);
  assert.equal(checker.version, 6);
  assert.deepEqual(
    f.subarray(checker.ipv6Offset, checker.ipv6Offset + 16),
    THEIR_IP6,
  );
});

Deno.test("target spec round-trips with identical indexing; receive filter text", () => {
  const t = new TargetSet({
    include: ["198.18.0.0/28", "198.18.3.7", "2001:2::/126"],
    exclude: ["198.18.0.4"],
    ports: "22,80-81,U:53",
  });
  const back = rebuildTargets(targetSpec(t));
  assert.equal(back.count, t.count);
  const a = t.pick(0, {
    version: 4,
    ipv4: 0,
    ipv6: new Uint8Array(16),
    port: 0,
  });
  for (let i = 0; i < t.count; i++) {
    const x = t.pick(i, { ...a, ipv6: new Uint8Array(16) });
    const y = back.pick(i, { ...a, ipv6: new Uint8Array(16) });
    assert.deepEqual(x, y);
  }
  assert.equal(rebuildTargets(targetSpec(t, true)).portCount, t.portCount + 1);
  assert.equal(
    receiveFilter(OUR_IP, OUR_IP6, true),
    "(dst host 198.18.5.9 and (tcp or udp or icmp)) or arp or (ip6 dst host 2001:2::9 and (tcp or udp or icmp6)) or (icmp6 and ip6[40] == 135)",
  );
});
