/**
 * CPU per TLS 1.3 connection, certificate only vs the whole tunnel: RFC
 * 8448 §3's handshake replayed (decoders/tls13_client.ts `replay`), then
 * for the tunnel also the client Finished, the application keys, one
 * record each way and the NewSessionTicket (decoders/tls_tunnel.ts).
 * Rounds alternate; prints ms per connection and the ratio.
 *
 * Usage: deno run -A scripts/bench_tls_tunnel.ts [CONNECTIONS=300]
 *
 * @module
 */

import { Tls13Client } from "../decoders/tls13_client.ts";
import { TlsTunnel } from "../decoders/tls_tunnel.ts";

const trace = JSON.parse(
  Deno.readTextFileSync(
    new URL("../tests/fixtures/tls13/rfc8448.json", import.meta.url),
  ),
).simple;
const bytes = (s: string) =>
  Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
const hello = bytes(trace.recordClientHello);
const key = bytes(trace.clientPrivateKey);
const flight = new Uint8Array([
  ...bytes(trace.recordServerHello),
  ...bytes(trace.recordServerHandshake),
]);
const after = new Uint8Array([
  ...bytes(trace.recordServerTicket),
  ...bytes(trace.recordServerApplicationData),
]);
const request = new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n");
const connections = Number(Deno.args[0] ?? 300);

function perConnection(tunnel: boolean): number {
  const started = performance.now();
  for (let i = 0; i < connections; i++) {
    const client = Tls13Client.replay(hello, key);
    if (!tunnel) {
      client.push(flight);
      continue;
    }
    const t = new TlsTunnel({ client });
    t.push(flight);
    t.write(request);
    t.push(after);
    if (!t.takeData()) throw new Error("the tunnel decrypted nothing");
  }
  return (performance.now() - started) / connections;
}

perConnection(false);
perConnection(true);
for (let round = 0; round < 3; round++) {
  const certificate = perConnection(false);
  const tunnel = perConnection(true);
  console.log(
    `certificate only ${certificate.toFixed(3)} ms, tunnel ${
      tunnel.toFixed(3)
    } ms, ratio ${(tunnel / certificate).toFixed(2)}; load ${
      Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ")
    }`,
  );
}
