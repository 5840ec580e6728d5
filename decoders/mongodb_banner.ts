/**
 * MongoDB: an OP_MSG `buildInfo` command (what nmap's `mongodb-info` asks;
 * allowed without authentication) and a decoder of the reply, OP_MSG
 * (opcode 2013) or a legacy OP_REPLY (opcode 1): the top-level fields of
 * the BSON document (`version`, `gitVersion`, `maxWireVersion`, `ok`,
 * `errmsg`) are read without building the document.
 *
 * @module
 */

import { FramedDecoder, type Parsed } from "./length_prefixed.ts";
import { latin1 } from "./service_types.ts";

const OP_REPLY = 1;
const OP_MSG = 2013;

function buildInfo(): Uint8Array {
  const enc = new TextEncoder();
  const doc = [
    0x10,
    ...enc.encode("buildinfo"),
    0,
    1,
    0,
    0,
    0, // int32 buildinfo: 1
    0x02,
    ...enc.encode("$db"),
    0,
    6,
    0,
    0,
    0,
    ...enc.encode("admin"),
    0, // string $db: "admin"
    0,
  ];
  const bson = [doc.length + 4, 0, 0, 0, ...doc];
  const body = [0, 0, 0, 0, 0, ...bson]; // flagBits, section kind 0
  const length = 16 + body.length;
  return Uint8Array.from([
    length,
    0,
    0,
    0,
    0x7a,
    0x6f,
    0,
    0,
    0,
    0,
    0,
    0,
    0xdd,
    0x07,
    0,
    0, // header: length, requestID, responseTo, OP_MSG
    ...body,
  ]);
}

/**
 * The bytes sent to a MongoDB port: OP_MSG `{ buildinfo: 1, $db: "admin" }`.
 *
 * @example
 * ```ts
 * import { MONGODB_HELLO } from "./mongodb_banner.ts";
 * MONGODB_HELLO[12]; // 0xdd: opcode 2013, OP_MSG
 * ```
 */
export const MONGODB_HELLO: Uint8Array = buildInfo();

/**
 * What {@linkcode MongodbDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { MongodbReply } from "./mongodb_banner.ts";
 * const v = (r: MongodbReply) => r.version;
 * ```
 */
export interface MongodbReply {
  /** Wire opcode of the reply (2013 OP_MSG, 1 OP_REPLY). */
  opCode?: number;
  /** `version`. */
  version?: string;
  /** `gitVersion`. */
  gitVersion?: string;
  /** `maxWireVersion`. */
  maxWireVersion?: number;
  /** `ok` (1 success, 0 failure). */
  ok?: number;
  /** `errmsg` of a failed command. */
  errmsg?: string;
}

/** Bytes of a BSON value of `type` at `at` (-1: unknown type or cut). */
function valueSize(
  type: number,
  view: DataView,
  at: number,
  end: number,
): number {
  const fixed: Record<number, number> = {
    0x01: 8,
    0x07: 12,
    0x08: 1,
    0x09: 8,
    0x0a: 0,
    0x10: 4,
    0x11: 8,
    0x12: 8,
    0x13: 16,
  };
  if (type in fixed) return fixed[type];
  if (at + 4 > end) return -1;
  const length = view.getInt32(at, true);
  switch (type) {
    case 0x02: // string: int32 length (with the NUL), bytes
      return length >= 1 ? 4 + length : -1;
    case 0x03: // document
    case 0x04: // array
      return length >= 5 ? length : -1;
    case 0x05: // binary: int32 length, subtype, bytes
      return length >= 0 ? 5 + length : -1;
    default:
      return -1;
  }
}

/** Reads the top-level fields of the BSON document at `at`; returns false when malformed. */
function readDocument(m: Uint8Array, at: number, out: MongodbReply): boolean {
  const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
  if (at + 5 > m.length) return false;
  const end = at + view.getInt32(at, true);
  if (end > m.length || end < at + 5) return false;
  at += 4;
  while (at < end - 1) {
    const type = m[at++];
    const nameEnd = m.indexOf(0, at);
    if (nameEnd < 0 || nameEnd >= end) return false;
    const name = latin1(m.subarray(at, nameEnd));
    at = nameEnd + 1;
    const size = valueSize(type, view, at, end);
    if (size < 0 || at + size > end) return false;
    if (type === 0x01 && name === "ok") out.ok = view.getFloat64(at, true);
    else if (type === 0x10 && name === "ok") out.ok = view.getInt32(at, true);
    else if (type === 0x10 && name === "maxWireVersion") {
      out.maxWireVersion = view.getInt32(at, true);
    } else if (type === 0x02) {
      const text = latin1(m.subarray(at + 4, at + size - 1));
      if (name === "version") out.version = text;
      else if (name === "gitVersion") out.gitVersion = text;
      else if (name === "errmsg") out.errmsg = text;
    }
    at += size;
  }
  return true;
}

function parseMongodb(m: Uint8Array): Parsed<MongodbReply> {
  const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const opCode = view.getInt32(12, true);
  const fields: MongodbReply = { opCode };
  let at: number;
  if (opCode === OP_MSG) {
    if (m.length < 21 || m[20] !== 0) {
      return {
        fields,
        error: {
          code: "MALFORMED",
          offset: 20,
          message: "expected an OP_MSG body section (kind 0)",
        },
      };
    }
    at = 21;
  } else if (opCode === OP_REPLY) at = 36;
  else {
    return {
      error: {
        code: "NOT_THIS_PROTOCOL",
        offset: 12,
        message: "expected opcode 2013 (OP_MSG) or 1 (OP_REPLY)",
      },
    };
  }
  if (!readDocument(m, at, fields)) {
    return {
      fields,
      error: {
        code: "MALFORMED",
        offset: at,
        message: "the reply's BSON document is malformed",
      },
    };
  }
  const service = { name: "mongodb", product: "MongoDB" } as {
    name: string;
    product: string;
    version?: string;
    extra?: string;
  };
  if (fields.version) service.version = fields.version;
  if (fields.errmsg) service.extra = fields.errmsg;
  return { fields, service };
}

/**
 * Streaming decoder of the reply to {@linkcode MONGODB_HELLO}.
 *
 * @example
 * ```ts
 * import { MongodbDecoder } from "./mongodb_banner.ts";
 * new MongodbDecoder().result().complete; // false
 * ```
 */
export class MongodbDecoder extends FramedDecoder<MongodbReply> {
  /**
   * A decoder for one reply.
   *
   * @example
   * ```ts
   * import { MongodbDecoder } from "./mongodb_banner.ts";
   * new MongodbDecoder().done; // false
   * ```
   */
  constructor() {
    super(
      {
        headerBytes: 16,
        totalLength: (h) => {
          const length = h[0] | h[1] << 8 | h[2] << 16 | h[3] << 24;
          const opCode = h[12] | h[13] << 8;
          return opCode === OP_MSG || opCode === OP_REPLY
            ? length
            : "expected a MongoDB reply header (OP_MSG or OP_REPLY)";
        },
        maxBytes: 1 << 20,
      },
      parseMongodb,
      {},
      "mongodb",
    );
  }
}
