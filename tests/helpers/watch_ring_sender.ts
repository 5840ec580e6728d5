// Benchmark helper for zon watch: replays a capture's frames through a
// `ring:` driver as fast as it can for SECONDS, each pass with the client
// address changed (198.19.x.y), so every pass is new flows.
//   deno run -A watch_ring_sender.ts ring:IF CAPTURE SECONDS
// Prints one JSON line: { sent, seconds, passes }.
import { openDriver, PcapReader } from "../../drivers/mod.ts";

const [adapter, capture, secondsText] = Deno.args;
const frames: Uint8Array[] = [];
const file = Deno.openSync(capture, { read: true });
const reader = new PcapReader(file);
for (let r = reader.next(); r !== null; r = reader.next()) {
  const f = r.data.slice(0, r.capturedLength);
  // IPv4 over Ethernet only: addresses at 26 (source) and 30 (destination).
  if (f.length > 34 && f[12] === 8 && f[13] === 0) frames.push(f);
}
file.close();
const CLIENT = [198, 18, 210, 1];
const clientAt = frames.map((f) =>
  f[26] === CLIENT[0] && f[27] === CLIENT[1] && f[28] === CLIENT[2] &&
    f[29] === CLIENT[3]
    ? 26
    : 30
);
const driver = await openDriver(adapter, { mode: "send", txFrames: 4096 });
const until = performance.now() + Number(secondsText) * 1000;
let sent = 0;
let passes = 0;
const started = performance.now();
while (performance.now() < until) {
  passes++;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    const at = clientAt[i];
    f[at] = 198;
    f[at + 1] = 19;
    f[at + 2] = (passes >>> 8) & 255;
    f[at + 3] = passes & 255;
    while (!driver.send(f)) driver.flush();
    sent++;
  }
  driver.flush();
}
driver.close();
console.log(
  JSON.stringify({
    sent,
    seconds: (performance.now() - started) / 1000,
    passes,
  }),
);
