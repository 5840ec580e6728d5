// X509Decoder's whole-chunk path (a certificate that arrives whole in its
// first push is walked recursively) and its fragment path (the state
// machine, decoding in place every value that lies wholly inside a chunk)
// against the state machine alone (the same certificate one byte per push,
// where no value is ever whole), on the system CA store and on variants
// made to reach each edge of the fast paths: trailing bytes in the same
// chunk, lengths in long form with leading zeros, empty values, high tag
// numbers (valid in a name value, too long anywhere), lengths the state
// machine rejects, a TBS that overruns, a reused decoder. Every variant must
// give the same result (value or error, with its offset) whole, in 64- and
// 200-byte fragments and at seeded random cuts.
import assert from "node:assert/strict";
import {
  pemToDer,
  X509Decoder,
  type X509DecodeResult,
} from "../decoders/mod.ts";
import { testRandom } from "./helpers/random.ts";
import { decodeInPieces } from "./helpers/x509_pieces.ts";

const random = testRandom("x509_whole_test");

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

function every(size: number, length: number): number[] {
  return Array.from({ length: Math.ceil(length / size) }, (_, k) => k * size);
}

function randomCuts(length: number): number[] {
  const cuts: number[] = [];
  for (let at = 0; at < length;) {
    at += 1 + Math.floor(random() * 300);
    if (at < length) cuts.push(at);
  }
  return cuts;
}

/** Whole, 64- and 200-byte fragments and random cuts: as byte by byte. */
function assertSame(bytes: Uint8Array, label: string): X509DecodeResult {
  const expected = bytewise(bytes);
  assert.deepEqual(whole(bytes), expected, `${label}, whole`);
  for (const size of [64, 200]) {
    assert.deepEqual(
      decodeInPieces(bytes, every(size, bytes.length)),
      expected,
      `${label}, ${size}-byte fragments`,
    );
  }
  assert.deepEqual(
    decodeInPieces(bytes, randomCuts(bytes.length)),
    expected,
    `${label}, random cuts`,
  );
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

/** Offsets of the children of the constructed element at `offset`. */
function childrenOf(bytes: Uint8Array, offset: number): number[] {
  const [size, length] = header(bytes, offset);
  const offsets: number[] = [];
  for (let at = offset + size; at < offset + size + length;) {
    offsets.push(at);
    const [childSize, childLength] = header(bytes, at);
    at += childSize + childLength;
  }
  return offsets;
}

/** Offsets of the issuer's attribute values. */
function issuerValues(der: Uint8Array): number[] {
  const tbs = childrenOf(der, 0)[0];
  const fields = childrenOf(der, tbs);
  const issuer = fields[der[fields[0]] === 0xa0 ? 3 : 2];
  return childrenOf(der, issuer).flatMap((set) =>
    childrenOf(der, set).map((attribute) => childrenOf(der, attribute)[1])
  );
}

Deno.test("fast path: high tag numbers, valid in a name value and too long", () => {
  let names = 0;
  for (const der of ders.slice(0, 40)) {
    const at = issuerValues(der).find((value) =>
      der[value + 1] >= 6 && der[value + 1] < 0x80
    );
    if (at === undefined) continue;
    const length = der[at + 1];
    // tag L c1 c2 .. cL  becomes  1f 21 (L-1) c2 .. cL: universal tag
    // number 33 in the high form, the same size, so no length changes.
    const high = der.slice();
    high[at] = 0x1f;
    high[at + 1] = 0x21;
    high[at + 2] = length - 1;
    const decoded = assertSame(high, "high tag number in a name");
    assert.ok(!("error" in decoded), "a high tag number is a valid value");
    assert.ok(
      decoded.issuer.some(({ value }) => value.startsWith("#")),
      "kept as hex",
    );
    names++;
    // Two continuation bytes: tag number 0x81 0x01 (129).
    const twoBytes = der.slice();
    twoBytes.set([0x1f, 0x81, 0x01, length - 2], at);
    assert.ok(!("error" in assertSame(twoBytes, "two tag number bytes")));
    // Five continuation bytes are more than the decoder reads.
    const overflow = der.slice();
    overflow.set([0x1f, 0x81, 0x81, 0x81, 0x81, 0x01, length - 5], at);
    const rejected = assertSame(overflow, "tag number too long");
    assert.ok("error" in rejected && rejected.error.code === "TAG_OVERFLOW");
  }
  assert.ok(names >= 20, `names with a high tag: ${names}`);
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

/** A DER element: tag, definite length (short or long form), content. */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const lengthBytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
    lengthBytes.unshift(rest & 0xff);
  }
  const head = length < 0x80
    ? [tag, length]
    : [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  const out = new Uint8Array(head.length + length);
  out.set(head);
  let at = head.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The whole element (header and content) at `offset`. */
function elementAt(bytes: Uint8Array, offset: number): Uint8Array {
  const [size, length] = header(bytes, offset);
  return bytes.subarray(offset, offset + size + length);
}

/** `der` with its issuer's content replaced, every length around it fixed. */
function withIssuerContent(der: Uint8Array, content: Uint8Array): Uint8Array {
  const certificate = childrenOf(der, 0);
  const tbs = certificate[0];
  const fields = childrenOf(der, tbs);
  const issuerIndex = der[fields[0]] === 0xa0 ? 3 : 2;
  const newFields = fields.map((at, k) =>
    k === issuerIndex ? tlv(0x30, content) : elementAt(der, at)
  );
  return tlv(
    0x30,
    tlv(der[tbs], ...newFields),
    ...certificate.slice(1).map((at) => elementAt(der, at)),
  );
}

Deno.test("name fast path: every RDN and attribute shape agrees with the state machine", () => {
  const text = (value: string) => new TextEncoder().encode(value);
  const cnType = tlv(0x06, new Uint8Array([0x55, 0x04, 0x03]));
  const oType = tlv(0x06, new Uint8Array([0x55, 0x04, 0x0a]));
  const cn = tlv(0x30, cnType, tlv(0x0c, text("zon")));
  const o = tlv(0x30, oType, tlv(0x13, text("Example")));
  const long = tlv(0x30, cnType, tlv(0x0c, text("x".repeat(200))));
  const shapes: Array<[string, Uint8Array, boolean]> = [
    ["an empty name", new Uint8Array(0), true],
    ["one RDN", tlv(0x31, cn), true],
    ["a multi-valued RDN", tlv(0x31, cn, o), true],
    ["a value in long form", tlv(0x31, long), true],
    [
      "a constructed value",
      tlv(0x31, tlv(0x30, cnType, tlv(0x30, tlv(0x0c, text("in"))))),
      true,
    ],
    ["an empty value", tlv(0x31, tlv(0x30, cnType, tlv(0x0c))), true],
    ["an empty RDN", new Uint8Array([...tlv(0x31, cn), 0x31, 0x00]), false],
    ["an RDN that is a SEQUENCE", tlv(0x30, cn), false],
    ["an attribute that is a SET", tlv(0x31, tlv(0x31, cnType, cn)), false],
    ["an attribute without a value", tlv(0x31, tlv(0x30, cnType)), false],
    ["an empty attribute", tlv(0x31, tlv(0x30)), false],
    [
      "an attribute with a third child",
      tlv(0x31, tlv(0x30, cnType, tlv(0x0c, text("a")), tlv(0x0c))),
      false,
    ],
    [
      "a type that is not an OID",
      tlv(0x31, tlv(0x30, tlv(0x04, text("x")), tlv(0x0c, text("a")))),
      false,
    ],
    [
      "a malformed type OID",
      tlv(0x31, tlv(0x30, tlv(0x06, new Uint8Array([0x55, 0x84])), cn)),
      false,
    ],
    ["a primitive in place of an RDN", tlv(0x0c, text("zon")), false],
  ];
  for (const der of ders.slice(0, 10)) {
    for (const [label, content, valid] of shapes) {
      const variant = withIssuerContent(der, content);
      const result = assertSame(variant, label);
      assert.equal(
        !("error" in result),
        valid,
        `${label}: ${
          JSON.stringify("error" in result ? result.error : result.issuer)
        }`,
      );
    }
  }
  // The values themselves, once.
  const decoded = whole(withIssuerContent(ders[0], tlv(0x31, cn, o)));
  assert.ok(!("error" in decoded));
  assert.deepEqual(decoded.issuer, [
    { type: "CN", value: "zon" },
    { type: "O", value: "Example" },
  ]);
});
