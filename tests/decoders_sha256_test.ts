// The decoders' own SHA-256 against Web Crypto and `openssl dgst`.
import assert from "node:assert/strict";
import { bytesToHex, Sha256, sha256Hex } from "../decoders/mod.ts";
import { seededRandom } from "./helpers/decoders_openssl.ts";

async function webCryptoHex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return bytesToHex(new Uint8Array(digest));
}

Deno.test("FIPS 180-4 vectors", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  assert.equal(
    sha256Hex(text("")),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    sha256Hex(text("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex(
      text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    ),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  const million = new Sha256();
  const block = text("a".repeat(1000));
  for (let i = 0; i < 1000; i++) million.update(block);
  assert.equal(
    million.hexDigest(),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  );
});

Deno.test("every length 0..300 and random splits equal crypto.subtle.digest", async () => {
  const random = seededRandom(256);
  const hash = new Sha256();
  for (let length = 0; length <= 300; length++) {
    const bytes = new Uint8Array(length).map(() => random() * 256);
    const expected = await webCryptoHex(bytes);
    assert.equal(sha256Hex(bytes), expected, `length ${length}`);
    hash.reset();
    for (let i = 0; i < length;) {
      const step = 1 + Math.floor(random() * 70);
      hash.update(bytes.subarray(i, i + step));
      i += step;
    }
    assert.equal(hash.hexDigest(), expected, `length ${length} in pieces`);
  }
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
      assert.equal(ours, await webCryptoHex(bytes), `webcrypto ${length}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("misuse is reported, not silent", () => {
  const hash = new Sha256();
  hash.digest();
  assert.throws(() => hash.update(new Uint8Array(1)));
  assert.throws(() => hash.digest());
});
