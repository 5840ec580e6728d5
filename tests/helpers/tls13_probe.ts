// Runs inside a test's network namespace: one TLS handshake with
// decoders/tls13_client.ts over a plain kernel socket, printed as JSON.
// Usage: deno run --allow-net tests/helpers/tls13_probe.ts HOST PORT [SNI]
// The server's bytes are fed to the client in 1–97 byte pieces (seeded by
// the port), so the live handshake also exercises fragment boundaries.

import { Tls13Client } from "../../decoders/tls13_client.ts";

const [host, port, sni] = Deno.args;
const client = new Tls13Client({ sni, alpn: ["h2", "http/1.1"] });
const connection = await Deno.connect({ hostname: host, port: Number(port) });
await connection.write(client.hello);
const buffer = new Uint8Array(65536);
let x = Number(port) || 1;
const started = performance.now();
while (!client.done) {
  const n = await connection.read(buffer);
  if (n === null) break;
  for (let at = 0; at < n;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const size = 1 + ((x >>> 0) % 97);
    client.push(buffer, at, Math.min(n, at + size));
    at += size;
  }
  const send = client.takeSend(); // the second ClientHello after a HelloRetryRequest
  if (send) await connection.write(send);
}
const elapsedMs = performance.now() - started;
connection.close();
const result = client.result();
console.log(JSON.stringify({
  ...result,
  elapsedMs,
  certificates: result.certificates.map((c) =>
    "error" in c
      ? { error: c.error }
      : { subject: c.subject, fingerprintSha256: c.fingerprintSha256 }
  ),
  tls12: result.tls12 && {
    version: result.tls12.serverHello?.versionName,
    cipher: result.tls12.serverHello?.cipherSuiteName,
    certificates: result.tls12.certificates.map((c) =>
      "error" in c
        ? { error: c.error }
        : { fingerprintSha256: c.fingerprintSha256 }
    ),
  },
}));
