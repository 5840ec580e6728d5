// Runs inside a test's network namespace: one TlsTunnel connection over a
// kernel socket: handshake, then MESSAGE sent inside the tunnel, and the
// server's decrypted answer read until it contains EXPECT (or the server
// closes), printed as JSON. The server's bytes reach the tunnel in 1–97
// byte pieces (seeded by the port) so fragment boundaries are exercised.
// Usage: deno run --allow-net tls_tunnel_probe.ts HOST PORT MESSAGE EXPECT

import { TlsTunnel } from "../../decoders/tls_tunnel.ts";

const [host, port, message, expect] = Deno.args;
const tunnel = new TlsTunnel();
const connection = await Deno.connect({ hostname: host, port: Number(port) });
await connection.write(tunnel.hello);
const buffer = new Uint8Array(65536);
let x = Number(port) || 1;
let sent = false;
let answer = "";
const decoder = new TextDecoder();
const timer = setTimeout(() => connection.close(), 5000);
try {
  while (
    tunnel.state === "handshake" || tunnel.state === "open" ||
    !tunnel.client.done
  ) {
    if (tunnel.state === "open" && !sent) {
      tunnel.write(
        new TextEncoder().encode(
          message.replaceAll("\\n", "\n").replaceAll("\\r", "\r"),
        ),
      );
      sent = true;
    }
    for (let s = tunnel.takeSend(); s; s = tunnel.takeSend()) {
      await connection.write(s);
    }
    if (answer.includes(expect)) break;
    const n = await connection.read(buffer);
    if (n === null) break;
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
const result = tunnel.result();
const tls12 = result.handshake.tls12?.serverHello;
console.log(JSON.stringify({
  state: result.state,
  error: result.error,
  version: tls12?.versionName ?? result.handshake.version,
  cipher: tls12?.cipherSuiteName ?? result.handshake.cipherSuiteName,
  answer,
  bytesSent: result.bytesSent,
  certificates: (result.handshake.tls12?.certificates ??
    result.handshake.certificates).length,
}));
