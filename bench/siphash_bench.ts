// deno bench -A bench/siphash_bench.ts
// SYN cookies per second = 1 / (time per call). Target: >= 10 M/s.
import { siphash24, SipKey, synCookie4, synCookie6 } from "../siphash/mod.ts";

const key = SipKey.random();
const them = crypto.getRandomValues(new Uint8Array(16));
const me = crypto.getRandomValues(new Uint8Array(16));
const message64 = crypto.getRandomValues(new Uint8Array(64));
let i = 0, sink = 0;

Deno.bench("synCookie4", { group: "cookie", baseline: true }, () => {
  sink ^= synCookie4(i++, 80, 0xc6120001, 40000, key);
});

Deno.bench("synCookie6", { group: "cookie" }, () => {
  sink ^= synCookie6(them, 0, i++ & 0xffff, me, 0, 40000, key);
});

Deno.bench("siphash24 (bigint result), 64-byte message", () => {
  sink ^= Number(siphash24(key, message64) & 1n);
});

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink);
});
