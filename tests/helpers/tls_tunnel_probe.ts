// Runs inside a test's network namespace: one TlsTunnel connection over a
// kernel socket: handshake, then MESSAGE sent inside the tunnel, and the
// server's decrypted answer read until it contains EXPECT (or the server
// closes), printed as JSON. The server's bytes reach the tunnel in 1–97
// byte pieces (seeded by the port) so fragment boundaries are exercised.
// Then the recorded server stream is replayed offline into fresh tunnels
// with the same ClientHello and (shared) key shares — whole, byte at a
// time and at random splits: they must send the same bytes and decrypt the
// same answer (`replays`). Not for a TLS 1.3 server that chose P-256
// (the replay takes an X25519 key): `replays` is then null.
// With AFTER, that text is sent inside once EXPECT came (the test then
// looks for it on the server's side).
// Usage: deno run --allow-net tls_tunnel_probe.ts HOST PORT MESSAGE EXPECT [AFTER]

import { TlsTunnel } from "../../decoders/tls_tunnel.ts";
import { sharedKeyPair, Tls13Client } from "../../decoders/tls13_client.ts";

const [host, port, message, expect, after] = Deno.args;
const tunnel = new TlsTunnel();
const connection = await Deno.connect({ hostname: host, port: Number(port) });
await connection.write(tunnel.hello);
const buffer = new Uint8Array(65536);
let x = Number(port) || 1;
let sent = false;
let answer = "";
const decoder = new TextDecoder();
const received: number[] = [];
const clientSent: number[] = [];
const request = new TextEncoder().encode(
  message.replaceAll("\\n", "\n").replaceAll("\\r", "\r"),
);
const timer = setTimeout(() => connection.close(), 5000);
try {
  while (
    tunnel.state === "handshake" || tunnel.state === "open" ||
    !tunnel.client.done
  ) {
    for (let s = tunnel.takeSend(); s; s = tunnel.takeSend()) {
      clientSent.push(...s); // the client's handshake flight
      await connection.write(s);
    }
    if (tunnel.state === "open" && !sent) {
      tunnel.write(request);
      sent = true;
      for (let s = tunnel.takeSend(); s; s = tunnel.takeSend()) {
        await connection.write(s);
      }
    }
    if (answer.includes(expect)) {
      if (after) {
        tunnel.write(new TextEncoder().encode(after.replaceAll("\\n", "\n")));
        for (let s = tunnel.takeSend(); s; s = tunnel.takeSend()) {
          await connection.write(s);
        }
        await new Promise((r) => setTimeout(r, 300));
      }
      break;
    }
    const n = await connection.read(buffer);
    if (n === null) break;
    received.push(...buffer.subarray(0, n));
    for (let at = 0; at < n;) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const size = 1 + ((x >>> 0) % 97);
      tunnel.push(buffer, at, Math.min(n, at + size));
      at += size;
    }
    const data = tunnel.takeData();
    if (data) answer += decoder.decode(data);
  }
} catch (error) {
  if (!(error instanceof Deno.errors.BadResource)) throw error;
}
clearTimeout(timer);
try {
  connection.close();
} catch { /* closed by the timer */ }
/** The recorded server bytes into a fresh tunnel, in pieces of `sizes`. */
function replay(
  sizes: (left: number) => number,
  stream: Uint8Array = Uint8Array.from(received),
  hello: Uint8Array = tunnel.hello,
) {
  const again = new TlsTunnel({
    client: Tls13Client.replay(hello, sharedKeyPair(0x001d).privateKey),
  });
  const out: number[] = [];
  let data = "";
  let wrote = false;
  for (let at = 0; at < stream.length;) {
    const size = Math.min(sizes(stream.length - at), stream.length - at);
    again.push(stream, at, at + size);
    at += size;
    for (let s = again.takeSend(); s; s = again.takeSend()) {
      if (!wrote) out.push(...s); // the handshake flight, as recorded live
    }
    // (Pushed whole, the stream may open and close the tunnel at once.)
    if (again.state === "open" && !wrote) {
      again.write(request);
      wrote = true;
    }
    const piece = again.takeData();
    if (piece) data += decoder.decode(piece);
  }
  return {
    state: again.state,
    error: again.result().error?.code,
    data,
    sent: out.length,
    same: out.join(),
  };
}

/**
 * The recorded stream with one bit flipped: TLS 1.2, in the tag of the
 * server's Finished record (the record after its ChangeCipherSpec); TLS
 * 1.3, in the tag of the first encrypted handshake record (the forged
 * verify_data case is the RFC 8448 unit test's).
 */
function forgedFinished(tls12: boolean): Uint8Array {
  const stream = Uint8Array.from(received);
  let at = 0, firstEncrypted = -1, afterCcs = -1;
  while (at + 5 <= stream.length) {
    const type = stream[at];
    const length = stream[at + 3] << 8 | stream[at + 4];
    if (type === 20) afterCcs = at + 5 + length;
    else if (type === 23 && firstEncrypted < 0) firstEncrypted = at;
    if (tls12 && afterCcs === at) {
      stream[at + 5 + length - 1] ^= 1;
      return stream;
    }
    at += 5 + length;
  }
  const record = firstEncrypted;
  const length = stream[record + 3] << 8 | stream[record + 4];
  stream[record + 5 + length - 1] ^= 1;
  return stream;
}
/**
 * Hostile servers: `count` mutants of the recorded stream (bytes flipped,
 * a record length rewritten, cut short), each replayed at seeded random
 * splits. A mutant may fail or even open the tunnel; it must never throw.
 */
function mutants(seed: number, count: number) {
  let z = seed >>> 0 || 1;
  const next = (): number => {
    z ^= z << 13;
    z ^= z >>> 17;
    z ^= z << 5;
    return z >>> 0;
  };
  const threw: string[] = [];
  const states = new Set<string>();
  for (let i = 0; i < count; i++) {
    const stream = Uint8Array.from(received);
    const at = next() % stream.length;
    switch (i % 3) {
      case 0: // a few random bytes
        for (let k = 0; k <= next() % 4; k++) {
          stream[(at + k * 7) % stream.length] = next() & 0xff;
        }
        break;
      case 1: // a length field (records, handshake messages, vectors)
        stream[at] = 0xff;
        stream[(at + 1) % stream.length] = next() & 0xff;
        break;
      case 2: // cut short
        break;
    }
    const cut = i % 3 === 2 ? stream.subarray(0, at) : stream;
    try {
      states.add(replay(() => 1 + (next() % 300), cut).state);
    } catch (error) {
      threw.push(`mutant ${i}: ${(error as Error).stack ?? error}`);
    }
  }
  return { seed, count, threw, states: [...states].sort() };
}

const handshake = tunnel.result().handshake;
let replays: Record<string, unknown> | null = null;
if (handshake.tls12 || handshake.group === "x25519") {
  const whole = replay((left) => left);
  const bytewise = replay(() => 1);
  let y = 0x9e3779b9 ^ Number(port);
  const split = replay(() => {
    y ^= y << 13;
    y ^= y >>> 17;
    y ^= y << 5;
    return 1 + ((y >>> 0) % 300);
  });
  const live = clientSent.join();
  replays = {
    agree: [bytewise, split].every((r) =>
      r.state === whole.state && r.data === whole.data && r.same === whole.same
    ),
    // Offline, the same client flight as the live connection sent.
    sameAsLive: whole.same === live,
    answer: whole.data,
    forged: replay((left) => left, forgedFinished(!!handshake.tls12)).error,
    // Our ClientHello with one session-id byte changed: a transcript the
    // server never saw. TLS 1.2 without extended master secret keeps the
    // keys, so the server's Finished decrypts and its verify_data is wrong.
    otherTranscript: replay(
      (left) => left,
      undefined,
      tunnel.hello.map((b, i) => i === 5 + 4 + 2 + 32 + 1 ? b ^ 1 : b),
    ).error,
    mutants: mutants(0x5eed ^ Number(port), 300),
    shapes: [whole, bytewise, split].map((r) =>
      `${r.state} ${r.data.length} ${r.sent}`
    ),
  };
}
const result = tunnel.result();
const tls12 = result.handshake.tls12?.serverHello;
console.log(JSON.stringify({
  state: result.state,
  error: result.error,
  version: tls12?.versionName ?? result.handshake.version,
  cipher: tls12?.cipherSuiteName ?? result.handshake.cipherSuiteName,
  answer,
  bytesSent: result.bytesSent,
  replays,
  tls12: result.tls12,
  group: result.handshake.group,
  helloRetryRequest: result.handshake.helloRetryRequest,
  certificates: (result.handshake.tls12?.certificates ??
    result.handshake.certificates).length,
}));
