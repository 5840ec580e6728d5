// The decoders' own SHA-256 against Web Crypto and `openssl dgst`, for every
// implementation (the runtime's native one, TypeScript, the WebAssembly one
// from decoders/sha256.wat, and libcrypto's through FFI as an engine), and
// the embedded wasm bytes against the .wat.
import assert from "node:assert/strict";
import {
  bytesToHex,
  Sha256,
  sha256Hex,
  type Sha256Options,
} from "../decoders/mod.ts";
import { libcryptoSha256 } from "../decoders/sha256_openssl.ts";
import { SHA256_WASM_BASE64 } from "../decoders/sha256_wasm_bytes.ts";
import { assembleWat, bytesModule } from "../scripts/assemble_sha256_wasm.ts";
import { seededRandom } from "./helpers/decoders_openssl.ts";

const IMPLEMENTATIONS = ["libcrypto", "native", "typescript", "wasm"] as const;
type Name = typeof IMPLEMENTATIONS[number];

/** The libcrypto engine factory; the suite runs with --allow-ffi. */
const LIBCRYPTO = libcryptoSha256();

/** Sha256's option for a name: libcrypto is an engine factory. */
function option(name: Name): Sha256Options["implementation"] {
  if (name !== "libcrypto") return name;
  assert.ok(LIBCRYPTO, "libcrypto loads here (the suite has --allow-ffi)");
  return LIBCRYPTO;
}
/** 0..300, and around the 1 KiB input buffer's edges (one and two fills). */
const LENGTHS = [
  ...Array.from({ length: 301 }, (_, i) => i),
  ...Array.from({ length: 120 }, (_, i) => 960 + i),
  ...Array.from({ length: 80 }, (_, i) => 2010 + i),
];

function hexOf(
  implementation: Name,
  bytes: Uint8Array,
): string {
  return new Sha256({ implementation: option(implementation) }).update(bytes)
    .hexDigest();
}

async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return bytesToHex(new Uint8Array(digest));
}

/** FIPS 180-4's examples (one block, two blocks, a million "a"s) and two more. */
const FIPS_VECTORS: Array<[string, string]> = [
  ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  ],
  [
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno" +
    "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
  ],
];

for (const implementation of IMPLEMENTATIONS) {
  Deno.test(`${implementation}: FIPS 180-4 vectors`, () => {
    const text = (s: string) => new TextEncoder().encode(s);
    for (const [message, expected] of FIPS_VECTORS) {
      assert.equal(hexOf(implementation, text(message)), expected, message);
    }
    const million = new Sha256({ implementation: option(implementation) });
    const block = text("a".repeat(1000));
    for (let i = 0; i < 1000; i++) million.update(block);
    assert.equal(
      million.hexDigest(),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    );
  });
}

Deno.test("sha256Hex uses the default implementation", () => {
  assert.equal(
    sha256Hex(new TextEncoder().encode("abc")),
    FIPS_VECTORS[1][1],
  );
});

for (const implementation of IMPLEMENTATIONS) {
  Deno.test(`${implementation}: lengths 0..300 and at the buffer's edges, random splits and ranges equal crypto.subtle.digest`, async () => {
    const seed = 256;
    const random = seededRandom(seed);
    const hash = new Sha256({ implementation: option(implementation) });
    assert.equal(
      hash.implementation,
      implementation === "libcrypto" ? "engine" : implementation,
    );
    for (const length of LENGTHS) {
      const bytes = new Uint8Array(length).map(() => random() * 256);
      const expected = await webCryptoHex(bytes);
      assert.equal(hexOf(implementation, bytes), expected, `length ${length}`);
      hash.reset();
      for (let i = 0; i < length;) {
        const step = 1 + Math.floor(random() * 70);
        hash.update(bytes.subarray(i, i + step));
        i += step;
      }
      assert.equal(
        hash.hexDigest(),
        expected,
        `length ${length} in pieces (seed ${seed})`,
      );
      // The same pieces as ranges of one buffer with bytes around them.
      const padded = new Uint8Array(length + 10).map(() => random() * 256);
      padded.set(bytes, 5);
      hash.reset();
      for (let i = 0; i < length;) {
        const step = 1 + Math.floor(random() * 70);
        hash.update(padded, 5 + i, 5 + Math.min(i + step, length));
        i += step;
      }
      assert.equal(
        hash.hexDigest(),
        expected,
        `length ${length} as ranges (seed ${seed})`,
      );
    }
  });
}

Deno.test("the implementations agree on 2,000 random messages and splits", () => {
  const seed = Date.now() % 1e9;
  console.log(`seed ${seed}`);
  const random = seededRandom(seed);
  const hashes = IMPLEMENTATIONS.map((implementation) =>
    new Sha256({ implementation: option(implementation) })
  );
  for (let round = 0; round < 2000; round++) {
    const bytes = new Uint8Array(Math.floor(random() * 5000)).map(() =>
      random() * 256
    );
    const digests = hashes.map((hash) => {
      hash.reset();
      for (let i = 0; i < bytes.length;) {
        const step = 1 + Math.floor(random() * 300);
        hash.update(bytes, i, Math.min(i + step, bytes.length));
        i += step;
      }
      return hash.hexDigest();
    });
    for (let k = 1; k < digests.length; k++) {
      assert.equal(
        digests[k],
        digests[0],
        `${IMPLEMENTATIONS[k]} vs ${
          IMPLEMENTATIONS[0]
        }, round ${round}, seed ${seed}`,
      );
    }
  }
});

Deno.test("the embedded wasm bytes are decoders/sha256.wat assembled", async () => {
  const wat = await Deno.readTextFile(
    new URL("../decoders/sha256.wat", import.meta.url),
  );
  const bytes = assembleWat(wat);
  assert.ok(WebAssembly.validate(bytes), "the assembly validates");
  assert.equal(
    SHA256_WASM_BASE64,
    btoa(String.fromCharCode(...bytes)),
    "stale: run scripts/assemble_sha256_wasm.ts",
  );
  assert.match(bytesModule(bytes), /SHA256_WASM_BASE64/);
});

Deno.test("a bad implementation name is a TypeError naming it", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new Sha256({ implementation: "asm" as any }),
    {
      name: "TypeError",
      message: /"native", "typescript", "wasm" or an engine factory, got "asm"/,
    },
  );
});

/** What a fresh process reports: its default, "abc", libcrypto, native. */
async function defaultsIn(
  permissions: string[],
  prelude: string,
): Promise<Record<string, string | boolean>> {
  const url = (path: string) =>
    JSON.stringify(new URL(path, import.meta.url).href);
  const script = `${prelude}
    const { Sha256 } = await import(${url("../decoders/mod.ts")});
    const { libcryptoSha256 } = await import(${
    url("../decoders/sha256_openssl.ts")
  });
    let native = "";
    try { new Sha256({ implementation: "native" }); } catch (error) { native = error.message; }
    const hash = new Sha256();
    const factory = libcryptoSha256();
    const engine = factory && new Sha256({ implementation: factory });
    console.log(JSON.stringify({
      implementation: hash.implementation,
      abc: hash.update(new TextEncoder().encode("abc")).hexDigest(),
      libcrypto: factory !== undefined,
      libcryptoAbc: engine ? engine.update(new TextEncoder().encode("abc")).hexDigest() : "",
      native,
    }));`;
  const dir = await Deno.makeTempDir({ prefix: "zon-sha256-default-" });
  try {
    await Deno.writeTextFile(`${dir}/main.js`, script);
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-lock",
        "--no-prompt",
        ...permissions,
        `${dir}/main.js`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.ok(output.success, stderr);
    return JSON.parse(new TextDecoder().decode(output.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("native is the default; libcrypto loads only with --allow-ffi; without process (a browser) TypeScript", async () => {
  assert.equal(new Sha256().implementation, "native");
  const abc = FIPS_VECTORS[1][1];
  const read = "--allow-read";
  assert.deepEqual(await defaultsIn([read, "--allow-ffi"], ""), {
    implementation: "native",
    abc,
    libcrypto: true,
    libcryptoAbc: abc,
    native: "",
  });
  // Without the permission: no prompt, no error, simply not there.
  assert.deepEqual(await defaultsIn([read], ""), {
    implementation: "native",
    abc,
    libcrypto: false,
    libcryptoAbc: "",
    native: "",
  });
  const browser = await defaultsIn(
    [read, "--allow-ffi"],
    "delete globalThis.process; delete globalThis.Deno;",
  );
  assert.equal(browser.implementation, "typescript");
  assert.equal(browser.abc, abc);
  assert.equal(browser.libcrypto, false);
  assert.match(
    String(browser.native),
    /"native" requested, but this runtime has no/,
  );
});

Deno.test("large inputs equal crypto.subtle.digest and openssl dgst", async () => {
  const random = seededRandom(9);
  const dir = await Deno.makeTempDir({ prefix: "zon-sha256-" });
  try {
    for (const length of [55, 56, 64, 65_537, 1_000_003]) {
      const bytes = new Uint8Array(length).map(() => random() * 256);
      const path = `${dir}/input-${length}`;
      await Deno.writeFile(path, bytes);
      const output = await new Deno.Command("openssl", {
        args: ["dgst", "-sha256", "-r", path],
        stdout: "piped",
      }).output();
      const openssl = new TextDecoder().decode(output.stdout).split(" ")[0];
      const ours = sha256Hex(bytes);
      assert.equal(ours, openssl, `openssl, length ${length}`);
      for (const implementation of IMPLEMENTATIONS) {
        assert.equal(
          hexOf(implementation, bytes),
          openssl,
          `${implementation}, length ${length}`,
        );
      }
      assert.equal(ours, await webCryptoHex(bytes), `webcrypto ${length}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("misuse is reported, not silent", () => {
  for (const implementation of IMPLEMENTATIONS) {
    const hash = new Sha256({ implementation: option(implementation) });
    hash.digest();
    assert.throws(() => hash.update(new Uint8Array(1)), implementation);
    assert.throws(() => hash.digest(), implementation);
    assert.throws(() => hash.hexDigest(), implementation);
    hash.reset();
    assert.equal(
      hash.update(new Uint8Array(0)).hexDigest(),
      FIPS_VECTORS[0][1],
    );
  }
});

Deno.test("views of shared and resizable buffers hash like plain ones (FFI takes their pointers)", async () => {
  const random = seededRandom(11);
  const plain = new Uint8Array(3000).map(() => random() * 256);
  const shared = new Uint8Array(new SharedArrayBuffer(plain.length));
  shared.set(plain);
  const resizable = new Uint8Array(
    new ArrayBuffer(plain.length, { maxByteLength: 2 * plain.length }),
  );
  resizable.set(plain);
  const expected = await webCryptoHex(plain);
  for (const implementation of IMPLEMENTATIONS) {
    for (const [name, view] of [["shared", shared], ["resizable", resizable]]) {
      const whole = new Sha256({ implementation: option(implementation) })
        .update(view as Uint8Array);
      assert.equal(whole.hexDigest(), expected, `${implementation} ${name}`);
      const pieces = new Sha256({ implementation: option(implementation) });
      for (let i = 0; i < plain.length; i += 700) {
        pieces.update(view as Uint8Array, i, Math.min(i + 700, plain.length));
      }
      assert.equal(
        pieces.hexDigest(),
        expected,
        `${implementation} ${name} ranges`,
      );
    }
  }
});
