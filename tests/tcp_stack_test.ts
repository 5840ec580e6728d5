// The user-mode TCP client (tcp/) against synthetic server segments built
// with packet/emitPacket: handshake, hello, in-order/out-of-order/duplicate
// delivery, FIN/RST, timeouts, byte cap, table capacity, and the table and
// timer wheel against simple models; the same over IPv6 (frames checked
// field by field, TCP checksums recomputed from scratch and by tshark).

import assert from "node:assert/strict";
import {
  emitPacket,
  formatIpv6,
  ParsedFrame,
  parseFrame,
  parseIpv6,
  TcpFlags,
} from "../packet/mod.ts";
import { SipKey, synCookie6 } from "../siphash/mod.ts";
import { PcapWriter } from "../drivers/pcap_file.ts";
import { HelloTable, ipv6Text } from "../examples/scan/banners/hellos.ts";
import { internetChecksum, pseudoHeaderSum4 } from "../checksum/mod.ts";
import {
  CloseReason,
  ConnectionTable,
  TcpInput,
  TcpStack,
  type TcpStackOptions,
  TcpState,
  TimerWheel,
} from "../tcp/mod.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("tcp_stack_test.ts");

const SERVER = 0xc6120002;
const SCANNER = 0xc6120064;
const SCANNER_PORT = 40000;
const ISS = 0x7fff_fff0; // our SYN's seq (cookie); wraps soon after
const SERVER_ISS = 0xffff_fff0; // the server's; wraps inside the data
const MAC_A = new Uint8Array([2, 0, 0, 0, 0, 1]);
const MAC_B = new Uint8Array([2, 0, 0, 0, 0, 2]);
const { SYN, ACK, FIN, RST, PSH } = TcpFlags;

interface Sent {
  flags: number;
  seq: number;
  ack: number;
  payload: Uint8Array;
  remotePort: number;
}

class Harness {
  readonly sent: Sent[] = [];
  readonly data = new Map<number, number[]>();
  readonly closed: Array<{ slot: number; reason: CloseReason }> = [];
  readonly stack: TcpStack;
  readonly parsed = new ParsedFrame();
  hello = new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n");
  doneAfter = Infinity;
  readonly #frame = new Uint8Array(2048);

  constructor(options: Partial<TcpStackOptions> = {}) {
    const parsed = new ParsedFrame();
    this.stack = new TcpStack({
      capacity: 16,
      sourceMac: MAC_A,
      routerMac: MAC_B,
      synCookie: (remoteIp, remotePort, localIp, localPort) =>
        (remoteIp ^ remotePort ^ localIp ^ localPort ^ ISS) | 0,
      send: (write) => {
        const buf = new Uint8Array(1514);
        const length = write(buf, 0, buf.length);
        assert.equal(parseFrame(buf, parsed, 0, length), "tcp");
        // Checksums are right: IP header and TCP with pseudo-header.
        assert.equal(internetChecksum(buf, 14, 34), 0);
        const pseudo = pseudoHeaderSum4(
          parsed.ip4Source,
          parsed.ip4Destination,
          6,
          length - 34,
        );
        assert.equal(internetChecksum(buf, 34, length, pseudo), 0);
        assert.equal(parsed.ip4Source, SCANNER);
        this.sent.push({
          flags: parsed.tcpFlags,
          seq: parsed.sequence,
          ack: parsed.acknowledgment,
          payload: buf.slice(parsed.payloadOffset, parsed.payloadEnd),
          remotePort: parsed.destinationPort,
        });
        return true;
      },
      app: {
        open: (_slot, _rip, _rport, _lip, _lport, out, offset, capacity) => {
          assert.ok(this.hello.length <= capacity);
          out.set(this.hello, offset);
          return this.hello.length;
        },
        receive: (slot, bytes, start, end) => {
          const list = this.data.get(slot) ?? [];
          for (let i = start; i < end; i++) list.push(bytes[i]);
          this.data.set(slot, list);
          return list.length >= this.doneAfter;
        },
        close: (slot, reason) => this.closed.push({ slot, reason }),
      },
      ...options,
    });
  }

  cookie(port = 80): number {
    return (SERVER ^ port ^ SCANNER ^ SCANNER_PORT ^ ISS) >>> 0;
  }

  /** A server segment; `seq` relative to the server's ISS + 1. */
  segment(
    flags: number,
    rel: number,
    payload: Uint8Array = new Uint8Array(0),
    options: { port?: number; ack?: number; now?: number } = {},
  ): TcpInput {
    const port = options.port ?? 80;
    const length = emitPacket({
      ethernet: { destination: MAC_A, source: MAC_B },
      ip: { version: 4, source: SERVER, destination: SCANNER },
      transport: {
        protocol: "tcp",
        sourcePort: port,
        destinationPort: SCANNER_PORT,
        sequence: (SERVER_ISS + 1 + rel) >>> 0,
        acknowledgment: options.ack ?? ((this.cookie(port) + 1) >>> 0),
        flags,
        payload,
      },
    }, this.#frame);
    parseFrame(this.#frame, this.parsed, 0, length);
    return this.stack.receive(this.#frame, this.parsed, options.now ?? 0);
  }

  synAck(port = 80, now = 0): TcpInput {
    return this.segment(SYN | ACK, -1, undefined, { port, now });
  }

  text(slot = 0): string {
    return new TextDecoder().decode(Uint8Array.from(this.data.get(slot) ?? []));
  }
}

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("tcp: SYN-ACK with a valid cookie is ACKed with the hello", () => {
  const h = new Harness();
  assert.equal(h.synAck(), TcpInput.OPENED);
  assert.equal(h.sent.length, 1);
  const ack = h.sent[0];
  assert.equal(ack.flags, ACK | PSH);
  assert.equal(ack.seq, (h.cookie() + 1) >>> 0);
  assert.equal(ack.ack, (SERVER_ISS + 1) >>> 0);
  assert.deepEqual(ack.payload, h.hello);
  assert.equal(h.stack.state[0], TcpState.HELLO_SENT);
  // The server acknowledges the hello.
  h.segment(ACK, 0, undefined, {
    ack: (h.cookie() + 1 + h.hello.length) >>> 0,
  });
  assert.equal(h.stack.state[0], TcpState.RECEIVING);
  assert.equal(h.sent.length, 1, "a pure ACK is not answered");
});

Deno.test("tcp: bad cookies and stray segments open nothing", () => {
  const h = new Harness();
  assert.equal(
    h.segment(SYN | ACK, -1, undefined, { ack: 12345 }),
    TcpInput.BAD_COOKIE,
  );
  assert.equal(h.segment(ACK, 0, enc("x")), TcpInput.IGNORED);
  assert.equal(h.sent.length, 0);
  assert.equal(h.stack.active, 0);
  assert.equal(h.stack.stats().badCookie, 1);
});

Deno.test("tcp: in-order, out-of-order, duplicate segments, then FIN", () => {
  const h = new Harness();
  h.synAck();
  h.segment(ACK, 0, enc("HTTP/1.0 "));
  h.segment(ACK, 13, enc("OK\r\n")); // ahead of a gap: held
  assert.equal(h.sent.at(-1)!.ack, (SERVER_ISS + 1 + 9) >>> 0, "dup ACK");
  h.segment(ACK, 0, enc("HTTP/1.0 ")); // retransmission
  h.segment(ACK, 9, enc("200 ")); // fills the gap, releases the hold
  assert.equal(h.text(), "HTTP/1.0 200 OK\r\n");
  assert.equal(h.sent.at(-1)!.ack, (SERVER_ISS + 1 + 17) >>> 0);
  h.segment(ACK | FIN, 17);
  const last = h.sent.at(-1)!;
  assert.equal(last.flags, FIN | ACK);
  assert.equal(last.ack, (SERVER_ISS + 1 + 18) >>> 0);
  assert.deepEqual(h.closed, [{ slot: 0, reason: CloseReason.REMOTE_FIN }]);
  const stats = h.stack.stats();
  assert.equal(stats.duplicates, 1);
  assert.equal(stats.outOfOrder, 1);
  assert.equal(h.stack.active, 0);
});

Deno.test("tcp: random splits, reordering, duplicates and losses deliver the exact stream", () => {
  for (const reorderBytes of [0, 64, 2048]) {
    for (let round = 0; round < 30; round++) {
      const h = new Harness({ reorderBytes });
      h.synAck();
      const body = new Uint8Array(300 + Math.floor(random() * 700));
      for (let i = 0; i < body.length; i++) body[i] = (i * 7 + round) & 0xff;
      // Server: send everything from the last ACK in random pieces, shuffled,
      // some lost, some duplicated, until the stack has ACKed it all.
      let acked = 0;
      for (let flight = 0; acked < body.length && flight < 200; flight++) {
        const pieces: Array<[number, number]> = [];
        for (let at = acked; at < body.length;) {
          const size = 1 + Math.floor(random() * 40);
          pieces.push([at, Math.min(at + size, body.length)]);
          at += size;
        }
        for (let i = pieces.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          if (random() < 0.3) {
            [pieces[i], pieces[j]] = [pieces[j], pieces[i]];
          }
        }
        for (const [from, to] of pieces) {
          if (random() < 0.1) continue; // lost
          const copies = random() < 0.1 ? 2 : 1;
          for (let c = 0; c < copies; c++) {
            h.segment(ACK, from, body.subarray(from, to));
          }
        }
        const lastAck = h.sent.at(-1)!.ack;
        acked = (lastAck - (SERVER_ISS + 1)) >>> 0;
      }
      h.segment(ACK | FIN, body.length);
      assert.deepEqual(Uint8Array.from(h.data.get(0)!), body);
      assert.equal(h.closed[0].reason, CloseReason.REMOTE_FIN);
    }
  }
});

Deno.test("tcp: hello retransmission, then timeout with RST", () => {
  const h = new Harness({ connectionTimeoutMs: 10_000, retransmitMs: 1000 });
  h.synAck(80, 0);
  h.stack.poll(999);
  assert.equal(h.sent.length, 1);
  h.stack.poll(1000);
  assert.equal(h.sent.length, 2, "hello sent again at 1 s");
  assert.deepEqual(h.sent[1].payload, h.hello);
  h.stack.poll(2500);
  assert.equal(h.sent.length, 2, "next one at 1 + 2 s");
  h.stack.poll(3000);
  assert.equal(h.sent.length, 3);
  h.stack.poll(9999);
  assert.equal(h.stack.active, 1);
  h.stack.poll(10_000);
  assert.equal(h.sent.at(-1)!.flags, RST | ACK);
  assert.equal(h.sent.at(-1)!.seq, (h.cookie() + 1) >>> 0, "RST at snd.una");
  assert.deepEqual(h.closed, [{ slot: 0, reason: CloseReason.TIMEOUT }]);
  assert.equal(h.stack.stats().helloRetransmits, 3);
});

Deno.test("tcp: duplicate SYN-ACK (our ACK lost) is answered again", () => {
  const h = new Harness();
  h.synAck();
  assert.equal(h.synAck(), TcpInput.SEGMENT);
  assert.equal(h.sent.length, 2);
  assert.deepEqual(h.sent[1].payload, h.hello);
});

Deno.test("tcp: application done and byte cap close with RST", () => {
  const done = new Harness();
  done.doneAfter = 5;
  done.synAck();
  done.segment(ACK, 0, enc("SSH-2.0-x\r\n"), {
    ack: (done.cookie() + 1 + done.hello.length) >>> 0,
  });
  assert.equal(done.closed[0].reason, CloseReason.COMPLETE);
  const rst = done.sent.at(-1)!;
  assert.equal(rst.flags, RST | ACK);
  assert.equal(rst.seq, (done.cookie() + 1 + done.hello.length) >>> 0);

  const capped = new Harness({ maxBytes: 8 });
  capped.synAck();
  capped.segment(ACK, 0, enc("0123456789"));
  assert.equal(capped.text(), "01234567");
  assert.equal(capped.closed[0].reason, CloseReason.BYTE_CAP);
});

Deno.test("tcp: in-window RST closes, out-of-window RST is ignored", () => {
  const h = new Harness();
  h.synAck();
  h.segment(RST, 100_000);
  assert.equal(h.stack.active, 1);
  h.segment(RST, 0);
  assert.equal(h.stack.active, 0);
  assert.equal(h.closed[0].reason, CloseReason.REMOTE_RESET);
});

Deno.test("tcp: 10,000 concurrent silent connections: table holds, all time out, memory flat", () => {
  const capacity = 10_000;
  let frames = 0;
  let closed = 0;
  const stack = new TcpStack({
    capacity,
    sourceMac: MAC_A,
    routerMac: MAC_B,
    synCookie: () => 41,
    send: (write) => {
      write(scratch, 0, scratch.length);
      frames++;
      return true;
    },
    app: { open: () => 0, receive: () => false, close: () => void closed++ },
    connectionTimeoutMs: 5_000,
  });
  const scratch = new Uint8Array(2048);
  const frame = new Uint8Array(64);
  const parsed = new ParsedFrame();
  const wave = (t0: number): void => {
    for (let i = 0; i <= capacity; i++) {
      const length = emitPacket({
        ethernet: { destination: MAC_A, source: MAC_B },
        ip: { version: 4, source: SERVER + (i >>> 8), destination: SCANNER },
        transport: {
          protocol: "tcp",
          sourcePort: 1000 + (i & 0xff),
          destinationPort: SCANNER_PORT,
          sequence: i,
          acknowledgment: 42,
          flags: SYN | ACK,
        },
      }, frame);
      parseFrame(frame, parsed, 0, length);
      const result = stack.receive(frame, parsed, t0 + i / 10);
      assert.equal(
        result,
        i < capacity ? TcpInput.OPENED : TcpInput.TABLE_FULL,
      );
    }
    assert.equal(stack.active, capacity);
    for (let t = t0; t <= t0 + 7_000; t += 50) stack.poll(t);
    assert.equal(stack.active, 0);
  };
  wave(0);
  const before = Deno.memoryUsage().heapUsed;
  for (let w = 1; w <= 3; w++) wave(w * 10_000);
  const grown = Deno.memoryUsage().heapUsed - before;
  assert.equal(closed, 4 * capacity);
  assert.equal(stack.stats().closed[CloseReason.TIMEOUT], 4 * capacity);
  assert.equal(stack.stats().tableFull, 4);
  // ACK + RST per connection, RST per refused SYN-ACK.
  assert.equal(frames, 4 * (2 * capacity + 1));
  assert.ok(grown < 8 << 20, `heap grew ${grown} bytes over 3 waves`);
});

Deno.test("tcp: ConnectionTable matches a Map under random inserts and removes", () => {
  const table = new ConnectionTable(500, 7);
  const model = new Map<string, number>();
  const key = (a: number, b: number, c: number, d: number) =>
    `${a}:${b}:${c}:${d}`;
  for (let step = 0; step < 50_000; step++) {
    const a = 0xc6120000 + Math.floor(random() * 64);
    const b = Math.floor(random() * 16);
    const c = SCANNER;
    const d = 40000 + Math.floor(random() * 2);
    const k = key(a, b, c, d);
    const found = table.find(a, b, c, d);
    assert.equal(found, model.get(k) ?? -1);
    if (found >= 0 && random() < 0.5) {
      table.remove(found);
      model.delete(k);
    } else if (found < 0) {
      const slot = table.insert(a, b, c, d);
      if (model.size === 500) assert.equal(slot, -1);
      else {
        assert.ok(slot >= 0 && !([...model.values()].includes(slot)));
        model.set(k, slot);
      }
    }
    assert.equal(table.size, model.size);
  }
});

Deno.test("tcp: TimerWheel fires each timer once, at or after its time, at most a tick late", () => {
  const wheel = new TimerWheel(200, { tickMs: 10, buckets: 16 });
  const due = new Map<number, number>();
  let now = 0;
  for (let step = 0; step < 5_000; step++) {
    const slot = Math.floor(random() * 200);
    const r = random();
    if (r < 0.5) {
      const at = now + random() * 1_000; // up to 6 wheel turns ahead
      wheel.schedule(slot, at);
      due.set(slot, at);
    } else if (r < 0.6) {
      wheel.cancel(slot);
      due.delete(slot);
    } else {
      now += random() * 30;
      wheel.advance(now, (s) => {
        const at = due.get(s);
        assert.ok(at !== undefined && at <= now, `slot ${s} fired early`);
        due.delete(s);
      });
      for (const [s, at] of due) {
        assert.ok(at > now - 10, `slot ${s} due ${at} missed at ${now}`);
      }
    }
    assert.equal(wheel.pending, due.size);
  }
});

// --- IPv6 ------------------------------------------------------------------

const SERVER6 = parseIpv6("2001:2:0:1::11");
const SCANNER6 = parseIpv6("2001:2::100");

/** Ones-complement sum of 16-bit big-endian words, from scratch. */
function onesSum(words: number[]): number {
  let sum = 0;
  for (const w of words) {
    sum += w;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return sum;
}

function wordsOf(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) {
    out.push((bytes[i] << 8) | (i + 1 < bytes.length ? bytes[i + 1] : 0));
  }
  return out;
}

/**
 * Checks an IPv6 TCP frame the stack wrote, field by field and with its
 * TCP checksum recomputed from scratch over the RFC 8200 §8.1
 * pseudo-header (source, destination, upper-layer length, next header).
 */
function checkFrame6(frame: Uint8Array): void {
  assert.deepEqual([...frame.subarray(0, 6)], [...MAC_B]);
  assert.deepEqual([...frame.subarray(6, 12)], [...MAC_A]);
  assert.deepEqual([frame[12], frame[13]], [0x86, 0xdd]);
  assert.equal(frame[14] >> 4, 6, "IP version");
  assert.deepEqual([...frame.subarray(14, 18)], [0x60, 0, 0, 0]);
  const payloadLength = (frame[18] << 8) | frame[19];
  assert.equal(payloadLength, frame.length - 54, "payload length");
  assert.equal(frame[20], 6, "next header TCP");
  assert.equal(frame[21], 64, "hop limit");
  assert.deepEqual([...frame.subarray(22, 38)], [...SCANNER6]);
  assert.deepEqual([...frame.subarray(38, 54)], [...SERVER6]);
  const tcp = frame.slice(54);
  assert.equal(tcp[12] >> 4, 5, "data offset");
  const stored = (tcp[16] << 8) | tcp[17];
  tcp[16] = tcp[17] = 0;
  const pseudo = [
    ...wordsOf(frame.subarray(22, 38)),
    ...wordsOf(frame.subarray(38, 54)),
    tcp.length >>> 16,
    tcp.length & 0xffff,
    0,
    6,
  ];
  const expected = ~onesSum([...pseudo, ...wordsOf(tcp)]) & 0xffff;
  assert.equal(stored, expected === 0 ? 0xffff : expected, "TCP checksum");
}

class Harness6 {
  readonly frames: Uint8Array[] = [];
  readonly sent: Sent[] = [];
  readonly data = new Map<number, number[]>();
  readonly closed: Array<{ slot: number; reason: CloseReason }> = [];
  readonly opened: Array<{ slot: number; remote: string; local: string }> = [];
  readonly stack: TcpStack;
  readonly parsed = new ParsedFrame();
  readonly key = new SipKey(new Uint8Array(16).map((_, i) => i * 7 + 1));
  hello = enc("GET / HTTP/1.0\r\n\r\n");
  doneAfter = Infinity;
  readonly #frame = new Uint8Array(2048);

  constructor(options: Partial<TcpStackOptions> = {}) {
    const parsed = new ParsedFrame();
    this.stack = new TcpStack({
      capacity: 16,
      sourceMac: MAC_A,
      routerMac: new Uint8Array([9, 9, 9, 9, 9, 9]), // IPv4 only
      routerMac6: MAC_B,
      synCookie: () => 0,
      synCookie6: (remote, ra, rport, local, la, lport) =>
        synCookie6(remote, ra, rport, local, la, lport, this.key),
      send: (write) => {
        const buf = new Uint8Array(1514);
        const length = write(buf, 0, buf.length);
        const frame = buf.slice(0, length);
        checkFrame6(frame);
        assert.equal(parseFrame(frame, parsed), "tcp");
        assert.equal(parsed.ipVersion, 6);
        this.frames.push(frame);
        this.sent.push({
          flags: parsed.tcpFlags,
          seq: parsed.sequence,
          ack: parsed.acknowledgment,
          payload: frame.slice(parsed.payloadOffset, parsed.payloadEnd),
          remotePort: parsed.destinationPort,
        });
        return true;
      },
      app: {
        open: (slot, _rip, _rport, _lip, _lport, out, offset, capacity) => {
          const t = this.stack.table;
          assert.equal(t.ip6[slot], 1);
          this.opened.push({
            slot,
            remote: formatIpv6(t.remoteIp6, slot * 16),
            local: formatIpv6(t.localIp6, slot * 16),
          });
          assert.ok(this.hello.length <= capacity);
          out.set(this.hello, offset);
          return this.hello.length;
        },
        receive: (slot, bytes, start, end) => {
          const list = this.data.get(slot) ?? [];
          for (let i = start; i < end; i++) list.push(bytes[i]);
          this.data.set(slot, list);
          return list.length >= this.doneAfter;
        },
        close: (slot, reason) => this.closed.push({ slot, reason }),
      },
      ...options,
    });
  }

  cookie(port = 80): number {
    return synCookie6(SERVER6, 0, port, SCANNER6, 0, SCANNER_PORT, this.key) >>>
      0;
  }

  segment(
    flags: number,
    rel: number,
    payload: Uint8Array = new Uint8Array(0),
    options: { port?: number; ack?: number; now?: number } = {},
  ): TcpInput {
    const port = options.port ?? 80;
    const length = emitPacket({
      ethernet: { destination: MAC_A, source: MAC_B },
      ip: { version: 6, source: SERVER6, destination: SCANNER6 },
      transport: {
        protocol: "tcp",
        sourcePort: port,
        destinationPort: SCANNER_PORT,
        sequence: (SERVER_ISS + 1 + rel) >>> 0,
        acknowledgment: options.ack ?? ((this.cookie(port) + 1) >>> 0),
        flags,
        payload,
      },
    }, this.#frame);
    assert.equal(parseFrame(this.#frame, this.parsed, 0, length), "tcp");
    return this.stack.receive(this.#frame, this.parsed, options.now ?? 0);
  }

  synAck(port = 80, now = 0): TcpInput {
    return this.segment(SYN | ACK, -1, undefined, { port, now });
  }

  text(slot = 0): string {
    return new TextDecoder().decode(Uint8Array.from(this.data.get(slot) ?? []));
  }
}

Deno.test("tcp IPv6: SYN-ACK with a valid synCookie6 is ACKed with the hello in an IPv6 frame", () => {
  const h = new Harness6();
  assert.equal(h.synAck(), TcpInput.OPENED);
  assert.deepEqual(h.opened, [{
    slot: 0,
    remote: "2001:2:0:1::11",
    local: "2001:2::100",
  }]);
  assert.equal(h.sent.length, 1);
  const [first] = h.sent;
  assert.equal(first.flags, ACK | PSH);
  assert.equal(first.seq >>> 0, (h.cookie() + 1) >>> 0);
  assert.equal(first.ack >>> 0, (SERVER_ISS + 1) >>> 0);
  assert.deepEqual([...first.payload], [...h.hello]);
  assert.equal(h.stack.state[0], TcpState.HELLO_SENT);
  // The 4-tuple is in the table as an IPv6 key.
  assert.equal(
    h.stack.table.find6(SERVER6, 0, 80, SCANNER6, 0, SCANNER_PORT),
    0,
  );
  assert.equal(
    h.stack.table.find6(SERVER6, 0, 81, SCANNER6, 0, SCANNER_PORT),
    -1,
  );
});

Deno.test("tcp IPv6: bad cookie, stray segments and a stack without synCookie6 open nothing", () => {
  const h = new Harness6();
  assert.equal(
    h.segment(SYN | ACK, -1, undefined, { ack: (h.cookie() + 2) >>> 0 }),
    TcpInput.BAD_COOKIE,
  );
  assert.equal(h.segment(ACK, 0, enc("x")), TcpInput.IGNORED);
  assert.equal(h.sent.length, 0);
  assert.equal(h.stack.stats().badCookie, 1);
  const v4only = new Harness6({ synCookie6: undefined });
  assert.equal(v4only.synAck(), TcpInput.IGNORED);
  assert.equal(v4only.stack.active, 0);
});

Deno.test("tcp IPv6: hello ACKed, in-order + out-of-order + duplicate data, FIN answered with FIN+ACK", () => {
  const h = new Harness6();
  h.synAck();
  const iss1 = (h.cookie() + 1) >>> 0;
  const helloEnd = (iss1 + h.hello.length) >>> 0;
  assert.equal(
    h.segment(ACK, 0, enc("HTTP/1.0 "), { ack: helloEnd }),
    TcpInput.SEGMENT,
  );
  assert.equal(h.stack.state[0], TcpState.RECEIVING);
  h.segment(ACK, 13, enc("OK\r\n"), { ack: helloEnd }); // ahead of a gap
  assert.equal(h.sent.at(-1)!.ack >>> 0, (SERVER_ISS + 1 + 9) >>> 0); // dup ACK
  h.segment(ACK, 9, enc("200 "), { ack: helloEnd }); // fills it
  h.segment(ACK, 0, enc("HTTP/1.0 "), { ack: helloEnd }); // retransmission
  h.segment(FIN | ACK, 17, undefined, { ack: helloEnd });
  assert.equal(h.text(), "HTTP/1.0 200 OK\r\n");
  const last = h.sent.at(-1)!;
  assert.equal(last.flags, FIN | ACK);
  assert.equal(last.seq >>> 0, helloEnd);
  assert.equal(last.ack >>> 0, (SERVER_ISS + 1 + 17 + 1) >>> 0);
  assert.deepEqual(h.closed, [{ slot: 0, reason: CloseReason.REMOTE_FIN }]);
  assert.equal(h.stack.active, 0);
  assert.equal(h.stack.stats().outOfOrder, 1);
  assert.ok(h.stack.stats().duplicates >= 1);
});

Deno.test("tcp IPv6: timeout resets with RST+ACK, a full table resets the SYN-ACK (seq = its ack)", () => {
  const h = new Harness6({ capacity: 1, connectionTimeoutMs: 1000 });
  h.synAck(80);
  assert.equal(h.synAck(81), TcpInput.TABLE_FULL);
  const full = h.sent.at(-1)!;
  assert.equal(full.flags, RST);
  assert.equal(full.seq >>> 0, (h.cookie(81) + 1) >>> 0);
  assert.equal(full.remotePort, 81);
  h.stack.poll(5000);
  const rst = h.sent.at(-1)!;
  assert.equal(rst.flags, RST | ACK);
  assert.equal(rst.remotePort, 80);
  assert.deepEqual(h.closed, [{ slot: 0, reason: CloseReason.TIMEOUT }]);
  assert.equal(h.stack.active, 0);
});

Deno.test("tcp IPv6: frames pass tshark's own TCP checksum validation", async () => {
  const h = new Harness6();
  h.synAck(80);
  h.synAck(443);
  const iss1 = (h.cookie(80) + 1) >>> 0;
  h.segment(ACK, 0, enc("SSH-2.0-x\r\n"), {
    ack: (iss1 + h.hello.length) >>> 0,
  });
  h.stack.closeAll(10);
  assert.ok(h.frames.length >= 4);
  const path = await Deno.makeTempFile({ suffix: ".pcap" });
  try {
    const chunks: Uint8Array[] = [];
    const writer = new PcapWriter({
      writeSync: (p) => (chunks.push(p.slice()), p.length),
    });
    for (const f of h.frames) writer.write(f);
    // A control: the first frame with one payload-free header byte flipped
    // (the window), which tshark must call bad.
    const broken = h.frames[0].slice();
    broken[54 + 14] ^= 0x01;
    writer.write(broken);
    writer.flush();
    await Deno.writeFile(path, new Uint8Array(chunks.flatMap((c) => [...c])));
    const out = await new Deno.Command("tshark", {
      args: [
        "-r",
        path,
        "-o",
        "tcp.check_checksum:TRUE",
        "-T",
        "fields",
        "-e",
        "ipv6.src",
        "-e",
        "ipv6.dst",
        "-e",
        "tcp.checksum.status",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const rows = text.split("\n").map((l) => l.split("\t"));
    assert.equal(rows.length, h.frames.length + 1, text);
    // Wireshark's checksum status: 0 bad, 1 good, 2 unverified.
    for (const [src, dst, status] of rows.slice(0, -1)) {
      assert.equal(src, "2001:2::100");
      assert.equal(dst, "2001:2:0:1::11");
      assert.equal(status, "1", text);
    }
    assert.equal(rows.at(-1)![2], "0", `the control frame: ${text}`);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("tcp IPv6: IPv4 and IPv6 connections share the table without mixing", () => {
  const table = new ConnectionTable(64, 12345);
  const rnd = (n: number) => Math.floor(random() * n);
  const model = new Map<string, number>();
  const live: Array<{ key: string; slot: number }> = [];
  const addr = () => new Uint8Array(16).map(() => rnd(4)); // many collisions
  for (let i = 0; i < 5000; i++) {
    if (live.length > 0 && (live.length >= 64 || rnd(2) === 0)) {
      const [e] = live.splice(rnd(live.length), 1);
      table.remove(e.slot);
      model.delete(e.key);
    } else if (rnd(2) === 0) {
      const r = addr(), l = addr(), rp = rnd(3), lp = rnd(3);
      const key = `6 ${r} ${rp} ${l} ${lp}`;
      if (model.has(key)) continue;
      assert.equal(table.find6(r, 0, rp, l, 0, lp), -1);
      const slot = table.insert6(r, 0, rp, l, 0, lp);
      model.set(key, slot);
      live.push({ key, slot });
    } else {
      const r = rnd(4), l = rnd(4), rp = rnd(3), lp = rnd(3);
      const key = `4 ${r} ${rp} ${l} ${lp}`;
      if (model.has(key)) continue;
      assert.equal(table.find(r, rp, l, lp), -1);
      const slot = table.insert(r, rp, l, lp);
      model.set(key, slot);
      live.push({ key, slot });
    }
    for (const { key, slot } of live) {
      const [family, a, b, c, d] = key.split(" ");
      const found = family === "4" ? table.find(+a, +b, +c, +d) : table.find6(
        Uint8Array.from(a.split(",").map(Number)),
        0,
        +b,
        Uint8Array.from(c.split(",").map(Number)),
        0,
        +d,
      );
      assert.equal(found, slot, key);
    }
  }
  // An IPv4 key equal to an IPv6 slot's stored fold does not find it.
  const t = new ConnectionTable(4, 1);
  const s6 = t.insert6(SERVER6, 0, 80, SCANNER6, 0, 40000);
  assert.equal(t.find(t.remoteIp[s6], 80, t.localIp[s6], 40000), -1);
});

Deno.test("tcp IPv6: the HTTP hello's Host is the RFC 5952 address in brackets", () => {
  const hellos = new HelloTable({ userAgent: "ua" });
  const out = new Uint8Array(hellos.maxLength + 8);
  for (let i = 0; i < 2000; i++) {
    const ip = new Uint8Array(16).map(() =>
      random() < 0.6 ? 0 : Math.floor(random() * 256)
    );
    const n = ipv6Text(ip, 0, out, 0);
    assert.equal(new TextDecoder().decode(out.subarray(0, n)), formatIpv6(ip));
  }
  for (
    const [port, host] of [[80, "[2001:2:0:1::11]"], [
      8080,
      "[2001:2:0:1::11]:8080",
    ]] as const
  ) {
    const n = hellos.write6(port, SERVER6, 0, out, 4, out.length - 4);
    const text = new TextDecoder().decode(out.subarray(4, 4 + n));
    assert.match(
      text,
      new RegExp(
        `^GET / HTTP/1\\.0\r\nHost: ${
          host.replace(/[[\]]/g, "\\$&")
        }\r\nUser-Agent: ua\r\n`,
      ),
    );
  }
  // Non-HTTP ports get the same hello as over IPv4.
  assert.equal(hellos.write6(22, SERVER6, 0, out, 0, out.length), 0);
});

Deno.test("tcp: write sends more bytes on an open connection (STARTTLS), retransmits them, and keeps what is unacknowledged", () => {
  const h = new Harness({ retransmitMs: 100, helloBytes: 64 });
  h.hello = new Uint8Array(0); // the server speaks first
  h.synAck();
  assert.equal(h.stack.state[0], TcpState.RECEIVING);
  const iss1 = (h.cookie() + 1) >>> 0;
  h.segment(ACK, 0, enc("220 ready\r\n"));
  // The application answers the greeting: EHLO, at our next sequence number.
  assert.equal(h.stack.write(0, enc("EHLO x\r\n"), 0, 8), true);
  let last = h.sent.at(-1)!;
  assert.equal(last.flags, ACK | PSH);
  assert.equal(last.seq, iss1);
  assert.equal(last.ack, (SERVER_ISS + 1 + 11) >>> 0);
  assert.equal(new TextDecoder().decode(last.payload), "EHLO x\r\n");
  assert.equal(h.stack.state[0], TcpState.HELLO_SENT);
  // Not acknowledged yet: a second write joins it; a timeout resends both.
  assert.equal(h.stack.write(0, enc("STARTTLS\r\n"), 0, 10), true);
  last = h.sent.at(-1)!;
  assert.equal(last.seq, (iss1 + 8) >>> 0);
  assert.equal(new TextDecoder().decode(last.payload), "STARTTLS\r\n");
  h.stack.poll(150);
  last = h.sent.at(-1)!;
  assert.equal(last.seq, iss1);
  assert.equal(
    new TextDecoder().decode(last.payload),
    "EHLO x\r\nSTARTTLS\r\n",
  );
  // The server acknowledges the EHLO only: the rest stays, and fits again.
  h.segment(ACK, 11, enc("250 ok\r\n"), { ack: (iss1 + 8) >>> 0, now: 160 });
  assert.equal(h.stack.state[0], TcpState.HELLO_SENT);
  assert.equal(h.stack.write(0, new Uint8Array(60), 0, 60), false, "too big");
  assert.equal(h.stack.write(0, new Uint8Array(50), 0, 50), true);
  assert.equal(h.sent.at(-1)!.seq, (iss1 + 18) >>> 0);
  h.segment(ACK, 19, undefined, { ack: (iss1 + 68) >>> 0, now: 170 });
  assert.equal(h.stack.state[0], TcpState.RECEIVING);
  // Pure ACKs carry the sequence number after everything written.
  h.segment(ACK, 19, enc("x"), { now: 180, ack: (iss1 + 68) >>> 0 });
  assert.equal(h.sent.at(-1)!.seq, (iss1 + 68) >>> 0);
  assert.equal(h.stack.write(5, enc("x"), 0, 1), false, "a free slot");
});
