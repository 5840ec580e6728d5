// X509Decoder's whole-chunk path (a certificate that arrives whole in its
// first push is walked recursively) against its state machine (the same
// certificate one byte per push), on the system CA store and on variants
// made to reach each edge of the fast path: trailing bytes in the same chunk,
// lengths in long form with leading zeros, empty values, tags and lengths the
// fast path leaves to the state machine, a TBS that overruns, a reused
// decoder. Every variant must give the same result (value or error, with its
// offset) both ways.
import assert from "node:assert/strict";
import {
  pemToDer,
  X509Decoder,
  type X509DecodeResult,
} from "../decoders/mod.ts";

const ders: Uint8Array[] = [];
for (const entry of Deno.readDirSync("/etc/ssl/certs")) {
  if (!entry.name.endsWith(".pem")) continue;
  const text = Deno.readTextFileSync(`/etc/ssl/certs/${entry.name}`);
  const first = pemToDer(text)[0];
  if (first) ders.push(first);
}

function whole(bytes: Uint8Array, decoder = new X509Decoder()) {
  decoder.push(bytes);
  return decoder.end();
}

function bytewise(bytes: Uint8Array): X509DecodeResult {
  const decoder = new X509Decoder();
  for (let i = 0; i < bytes.length; i++) {
    decoder.push(bytes.subarray(i, i + 1));
  }
  return decoder.end();
}

function assertSame(bytes: Uint8Array, label: string): X509DecodeResult {
  const expected = bytewise(bytes);
  assert.deepEqual(whole(bytes), expected, label);
  return expected;
}

/** Header length and content length of the element at `offset`. */
function header(bytes: Uint8Array, offset: number): [number, number] {
  const first = bytes[offset + 1];
  if (first < 0x80) return [2, first];
  let length = 0;
  for (let k = 0; k < (first & 0x7f); k++) {
    length = length * 256 + bytes[offset + 2 + k];
  }
  return [2 + (first & 0x7f), length];
}

/** `bytes` with the outer length re-encoded in `count` bytes (leading zeros). */
function longOuterLength(bytes: Uint8Array, count: number): Uint8Array {
  const [size, length] = header(bytes, 0);
  const out = new Uint8Array(2 + count + length);
  out[0] = bytes[0];
  out[1] = 0x80 | count;
  for (let k = 0; k < count; k++) {
    out[2 + k] = Math.floor(length / 256 ** (count - 1 - k)) & 0xff;
  }
  out.set(bytes.subarray(size), 2 + count);
  return out;
}

Deno.test("whole chunk: the CA store decodes as it does byte by byte", () => {
  assert.ok(ders.length >= 100, `CA store: ${ders.length}`);
  for (const der of ders) {
    const result = assertSame(der, "whole");
    assert.ok(!("error" in result), "a CA certificate decodes");
  }
});

Deno.test("whole chunk: trailing bytes, long-form lengths, a reused decoder", () => {
  const decoder = new X509Decoder();
  for (const der of ders.slice(0, 40)) {
    const trailing = new Uint8Array(der.length + 3);
    trailing.set(der);
    const result = assertSame(trailing, "trailing bytes");
    assert.ok("error" in result && result.error.code === "TRAILING_DATA");
    assert.equal(result.error.offset, der.length);
    for (const count of [3, 4]) {
      const long = longOuterLength(der, count);
      const decoded = assertSame(long, `outer length in ${count} bytes`);
      assert.ok(!("error" in decoded), "leading zeros are accepted both ways");
    }
    // A decoder that failed, then reset, takes the fast path again.
    decoder.reset();
    decoder.push(trailing);
    decoder.end();
    decoder.reset();
    assert.deepEqual(whole(der, decoder), bytewise(der), "reused");
  }
});

Deno.test("whole chunk: what the fast path leaves to the state machine gives the same errors", () => {
  for (const der of ders.slice(0, 40)) {
    const [outer] = header(der, 0);
    const [tbsHeader] = header(der, outer);
    const firstTbsChild = outer + tbsHeader;
    // A high tag number (0x1f form) where the TBS's first child starts.
    const highTag = der.slice();
    highTag[firstTbsChild] = 0xbf;
    assertSame(highTag, "high tag number");
    // An indefinite length and a five-byte length on the TBS.
    const indefinite = der.slice();
    indefinite[outer + 1] = 0x80;
    assertSame(indefinite, "indefinite length");
    const fiveBytes = der.slice();
    fiveBytes[outer + 1] = 0x85;
    assertSame(fiveBytes, "five length bytes");
    // The TBS claiming one byte more than the certificate holds.
    const overrun = der.slice();
    overrun[outer + tbsHeader - 1]++;
    assertSame(overrun, "TBS overruns");
    // Truncated by one byte (not whole: the state machine alone).
    assertSame(der.subarray(0, der.length - 1), "truncated");
  }
});

Deno.test("whole chunk: every single-byte change of one certificate agrees both ways", () => {
  const der = ders.find((candidate) => candidate.length < 1000) ?? ders[0];
  for (let i = 0; i < der.length; i++) {
    for (const value of [0x00, 0x80, 0xff, der[i] ^ 0x01]) {
      if (value === der[i]) continue;
      const changed = der.slice();
      changed[i] = value;
      assertSame(changed, `byte ${i} = 0x${value.toString(16)}`);
    }
  }
});
