import assert from "node:assert/strict";
import { siphash24, SipKey, synCookie4, synCookie6 } from "../siphash/mod.ts";
import { SIPHASH24_VECTORS } from "./helpers/siphash_vectors.ts";
import { gcCountDuring, ROOT } from "./helpers/alloc_probe.ts";
import { testRandom } from "./helpers/random.ts";

const random = testRandom("siphash_test.ts");

/** The tag as the paper prints it: its 8 bytes, little-endian, in hex. */
function tagHexLe(tag: bigint): string {
  let out = "";
  for (let i = 0n; i < 8n; i++) {
    out += ((tag >> (8n * i)) & 0xffn).toString(16).padStart(2, "0");
  }
  return out;
}

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = random() * 256;
  return bytes;
}

const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("siphash24 matches all 64 reference vectors of the paper", () => {
  const key = new Uint8Array(16).map((_, i) => i);
  assert.equal(SIPHASH24_VECTORS.length, 64);
  for (let i = 0; i < 64; i++) {
    const msg = new Uint8Array(i).map((_, j) => j);
    assert.equal(
      tagHexLe(siphash24(key, msg)),
      SIPHASH24_VECTORS[i],
      `vector ${i}`,
    );
  }
});

Deno.test("siphash24 agrees with openssl's SIPHASH MAC on random keys and messages", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (let t = 0; t < 40; t++) {
      const key = randomBytes(16);
      const msg = randomBytes(Math.floor(random() * 300));
      const file = `${dir}/m${t}`;
      await Deno.writeFile(file, msg);
      const out = await new Deno.Command("openssl", {
        args: [
          "mac",
          "-macopt",
          `hexkey:${hex(key)}`,
          "-macopt",
          "size:8",
          "-in",
          file,
          "SIPHASH",
        ],
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      const expected = new TextDecoder().decode(out.stdout).trim()
        .toLowerCase();
      assert.equal(
        tagHexLe(siphash24(key, msg)),
        expected,
        `len ${msg.length}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function cookie4Message(
  ipThem: number,
  portThem: number,
  ipMe: number,
  portMe: number,
): Uint8Array {
  // The documented layout: our side first, then theirs.
  const msg = new Uint8Array(16);
  const view = new DataView(msg.buffer);
  view.setUint32(0, ipMe >>> 0, true);
  view.setUint32(4, portMe, true);
  view.setUint32(8, ipThem >>> 0, true);
  view.setUint32(12, portThem, true);
  return msg;
}

const rand32 = (): number => (random() * 2 ** 32) >>> 0;
const randPort = (): number => rand32() & 0xffff;

Deno.test("synCookie4 equals the low 32 bits of siphash24 over its documented layout (10^5 random)", () => {
  for (let t = 0; t < 100_000; t++) {
    const key = t % 100 === 0 ? SipKey.random() : new SipKey(randomBytes(16));
    const a = rand32(), pa = randPort(), b = rand32(), pb = randPort();
    const expected = Number(
      siphash24(key, cookie4Message(a, pa, b, pb)) & 0xffffffffn,
    );
    assert.equal(synCookie4(a, pa, b, pb, key) >>> 0, expected);
  }
});

Deno.test("synCookie4's cached first word follows key, address and port changes", () => {
  const keys = [SipKey.random(), SipKey.random()];
  for (let t = 0; t < 20_000; t++) {
    // Few distinct (key, ipMe, portMe) so the cache is hit and invalidated.
    const key = keys[t & 1];
    const ipMe = [0xc6120001, 0xc6120002][(t >> 1) & 1];
    const portMe = [40000, 40001][(t >> 2) & 1];
    const a = rand32(), pa = randPort();
    const expected = Number(
      siphash24(key, cookie4Message(a, pa, ipMe, portMe)) & 0xffffffffn,
    );
    assert.equal(synCookie4(a, pa, ipMe, portMe, key) >>> 0, expected);
    // Signed and unsigned forms of the same 32 bits give the same cookie.
    assert.equal(synCookie4(a | 0, pa, ipMe | 0, portMe, key) >>> 0, expected);
  }
});

Deno.test("synCookie6 equals the low 32 bits of siphash24 over its documented layout (10^5 random)", () => {
  const buf = new Uint8Array(64);
  for (let t = 0; t < 100_000; t++) {
    const key = new SipKey(randomBytes(16));
    for (let i = 0; i < buf.length; i++) buf[i] = random() * 256;
    const offThem = t % 7, offMe = 24 + (t % 5);
    const pa = randPort(), pb = randPort();
    const msg = new Uint8Array(40);
    msg.set(buf.subarray(offThem, offThem + 16), 0);
    msg.set(buf.subarray(offMe, offMe + 16), 16);
    new DataView(msg.buffer).setUint32(32, pa, true);
    new DataView(msg.buffer).setUint32(36, pb, true);
    const expected = Number(siphash24(key, msg) & 0xffffffffn);
    assert.equal(
      synCookie6(buf, offThem, pa, buf, offMe, pb, key) >>> 0,
      expected,
    );
  }
});

Deno.test("a wrong key or any one-bit change in any field changes the cookie", () => {
  for (let t = 0; t < 200; t++) {
    const key = SipKey.random();
    const f = [rand32(), randPort(), rand32(), randPort()];
    const c = synCookie4(f[0], f[1], f[2], f[3], key);
    assert.notEqual(synCookie4(f[0], f[1], f[2], f[3], SipKey.random()), c);
    const widths = [32, 16, 32, 16];
    for (let field = 0; field < 4; field++) {
      for (let bit = 0; bit < widths[field]; bit++) {
        const g = f.slice();
        g[field] = (g[field] ^ (1 << bit)) >>> 0;
        assert.notEqual(
          synCookie4(g[0], g[1], g[2], g[3], key),
          c,
          `field ${field} bit ${bit}`,
        );
      }
    }
    const them = randomBytes(16), me = randomBytes(16);
    const c6 = synCookie6(them, 0, f[1], me, 0, f[3], key);
    for (let bit = 0; bit < 128; bit++) {
      them[bit >> 3] ^= 1 << (bit & 7);
      assert.notEqual(synCookie6(them, 0, f[1], me, 0, f[3], key), c6);
      them[bit >> 3] ^= 1 << (bit & 7);
      me[bit >> 3] ^= 1 << (bit & 7);
      assert.notEqual(synCookie6(them, 0, f[1], me, 0, f[3], key), c6);
      me[bit >> 3] ^= 1 << (bit & 7);
    }
  }
});

Deno.test("SipKey rejects keys that are not 16 bytes, naming what it got", () => {
  assert.throws(() => new SipKey(new Uint8Array(15)), /16 bytes, got 15 bytes/);
  // @ts-expect-error: a string is not a key
  assert.throws(() => new SipKey("0123456789abcdef"), /got string/);
  const bytes = randomBytes(16);
  assert.deepEqual(new SipKey(bytes).toBytes(), bytes);
});

Deno.test("synCookie4 and synCookie6 allocate nothing: no GC during 10^7 calls", async () => {
  const setup = `
import { SipKey, synCookie4, synCookie6 } from "${ROOT}siphash/mod.ts";
const key = SipKey.random();
const them = new Uint8Array(16).fill(7), me = new Uint8Array(16).fill(9);
function step(i) {
  return (synCookie4((i * 2654435761) | 0, i & 0xffff, 7, 40000, key) ^
    synCookie6(them, 0, i & 0xffff, me, 0, 40000, key)) & 0xffff;
}`;
  const { gcs, sink } = await gcCountDuring(setup);
  assert.ok(sink > 0);
  assert.equal(gcs, 0, `${gcs} garbage collections during the loop`);
});

Deno.test("the allocation probe does see a loop that allocates", async () => {
  const { gcs } = await gcCountDuring(
    `let kept; function step(i) { kept = { i }; return kept.i & 1; }`,
    2_000_000,
  );
  assert.ok(gcs > 5, `only ${gcs} GCs for 2·10^6 escaping object allocations`);
});
