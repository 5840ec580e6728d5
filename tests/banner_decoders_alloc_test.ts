// The service decoders' per-byte paths allocate nothing: counted as V8
// garbage collections during 10^7 pushes (tests/helpers/alloc_probe.ts).
// Each probe keeps a decoder inside one long message (a Redis bulk body,
// an MQTT/PostgreSQL message body, a memcached line past its cap, a framed
// DNS/MongoDB message, a STARTTLS line), so no message completes and only
// the byte loop runs.

import assert from "node:assert/strict";
import { gcCountDuring, ROOT } from "./helpers/alloc_probe.ts";

const PROBES: Record<string, string> = {
  redis: `import { RedisDecoder } from "${ROOT}decoders/redis_banner.ts";
const d = new RedisDecoder();
const header = new TextEncoder().encode("$1000000\\r\\n");
d.push(header);
const byte = Uint8Array.of(0x61);
// A bulk body of 10^6 bytes; at its end the decoder starts over (10 times).
function step(i) { if (d.done) { d.reset(); d.push(header); } d.push(byte, 0, 1); return 0; }`,
  memcached:
    `import { MemcachedDecoder } from "${ROOT}decoders/memcached_banner.ts";
const d = new MemcachedDecoder();
const byte = Uint8Array.of(0x61);
function step(i) { d.push(byte, 0, 1); return d.done ? 1 : 0; }`,
  mqtt: `import { MqttDecoder } from "${ROOT}decoders/mqtt_banner.ts";
const d = new MqttDecoder();
d.push(Uint8Array.of(0x20, 2, 0, 0, 0x30, 0xff, 0xff, 0xff, 0x7f));
const byte = Uint8Array.of(0x61);
function step(i) { d.push(byte, 0, 1); return d.done ? 1 : 0; }`,
  postgres:
    `import { PostgresDecoder } from "${ROOT}decoders/postgres_banner.ts";
const d = new PostgresDecoder();
d.push(Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x4e, 0, 1, 0, 0));
const byte = Uint8Array.of(0x61);
function step(i) { if (d.done) { d.reset(); d.push(Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 0, 0x4e, 0, 1, 0, 0)); } d.push(byte, 0, 1); return 0; }`,
  frame: `import { FrameCollector } from "${ROOT}decoders/length_prefixed.ts";
const f = new FrameCollector({ headerBytes: 4, totalLength: () => 20_000_000, maxBytes: 20_000_000 });
const chunk = new Uint8Array(1);
function step(i) { f.push(chunk, 0, 1); return f.done ? 1 : 0; }`,
  starttls: `import { StarttlsMachine } from "${ROOT}decoders/starttls.ts";
const m = new StarttlsMachine("smtp");
const byte = Uint8Array.of(0x61);
function step(i) { return m.push(byte, 0, 1).action === "wait" ? 0 : 1; }`,
};

for (const [name, setup] of Object.entries(PROBES)) {
  Deno.test(`no allocation per byte: ${name}`, async () => {
    const { gcs, sink } = await gcCountDuring(setup, 10_000_000, 200_000);
    assert.equal(sink, 0, `${name}: the decoder left the state under test`);
    assert.ok(gcs <= 1, `${name}: ${gcs} garbage collections in 10^7 pushes`);
  });
}
