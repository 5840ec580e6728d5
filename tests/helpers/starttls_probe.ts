// Runs inside a test's network namespace: for each PORT:PROTOCOL, one
// kernel-socket connection that runs decoders/starttls.ts's dialogue
// (PROTOCOL smtp, pop3, imap, ftp, postgresql) or none (PROTOCOL tls), then
// a decoders/tls13_client.ts handshake on the same connection. Prints one
// JSON array: per port the server's plaintext segments (hex, one per
// machine step), the steps, and what TLS showed.
// Usage: deno run --allow-net tests/helpers/starttls_probe.ts HOST PORT:PROTOCOL...

import {
  StarttlsMachine,
  type StarttlsProtocol,
  type StarttlsStep,
} from "../../decoders/starttls.ts";
import { Tls13Client } from "../../decoders/tls13_client.ts";

const [host, ...specs] = Deno.args;
const hex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** One read, or null at end of stream or after `ms` without data. */
async function readSome(
  conn: Deno.Conn,
  buffer: Uint8Array,
  ms: number,
): Promise<Uint8Array | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  const n = await Promise.race([conn.read(buffer), timeout]);
  clearTimeout(timer);
  return n === null ? null : buffer.slice(0, n);
}

async function probe(
  port: number,
  protocol: string,
): Promise<Record<string, unknown>> {
  const conn = await Deno.connect({ hostname: host, port });
  const buffer = new Uint8Array(65536);
  const segments: string[] = [];
  const steps: StarttlsStep["action"][] = [];
  const out: Record<string, unknown> = { port, protocol, segments, steps };
  try {
    if (protocol !== "tls") {
      const machine = new StarttlsMachine(protocol as StarttlsProtocol);
      let step = machine.start();
      let segment: number[] = [];
      while (true) {
        if (step.action === "send") {
          steps.push("send");
          segments.push(hex(Uint8Array.from(segment)));
          segment = [];
          await conn.write(step.bytes);
        } else if (step.action !== "wait") {
          steps.push(step.action);
          segments.push(hex(Uint8Array.from(segment)));
          if (step.action !== "tls") {
            out.reason = step.reason;
            return out;
          }
          break;
        }
        const bytes = await readSome(conn, buffer, 3000);
        if (bytes === null) {
          out.reason = "the server went silent";
          return out;
        }
        segment.push(...bytes);
        step = machine.push(bytes);
      }
      out.greeting = machine.greeting;
    }
    const client = new Tls13Client({ sni: "lab.zon.test" });
    await conn.write(client.hello);
    while (!client.done) {
      const bytes = await readSome(conn, buffer, 3000);
      if (bytes === null) break;
      client.push(bytes);
      const send = client.takeSend(); // after a HelloRetryRequest
      if (send) await conn.write(send);
    }
    const tls = client.result();
    const certificates = tls.tls12?.certificates ?? tls.certificates;
    out.tls = {
      version: tls.version,
      cipherSuiteName: tls.cipherSuiteName,
      group: tls.group,
      finishedVerified: tls.finishedVerified,
      error: tls.error ?? tls.tls12?.error,
      alerts: tls.alerts,
      helloRetryRequest: tls.helloRetryRequest,
      fingerprints: certificates.map((c) =>
        "error" in c ? c.error : c.fingerprintSha256
      ),
    };
  } finally {
    conn.close();
  }
  return out;
}

const results = [];
for (const spec of specs) {
  const [port, protocol] = spec.split(":");
  results.push(await probe(Number(port), protocol));
}
console.log(JSON.stringify(results));
