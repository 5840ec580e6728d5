// Test helper for zon watch: rewrites a capture with every TCP payload cut
// into other segments, as a new pcap: 1-byte pieces, random sizes,
// neighbours swapped (out of order), every piece twice (duplicates), pieces
// reaching back over their predecessor's last bytes (overlaps, same bytes)
// or with those bytes changed (conflicting overlaps, the evasion trick).
// Segments with SYN, FIN or RST, and packets without payload, are kept
// whole and in place. TCP checksums are left stale (nothing here checks
// them); IP lengths and the IPv4 header checksum are fixed.

import { PcapReader, PcapWriter } from "../../drivers/mod.ts";
import { ParsedFrame, parseFrame, TcpFlags } from "../../packet/mod.ts";

export type ResegmentMode =
  | "bytes1"
  | "random"
  | "reorder"
  | "duplicate"
  | "overlap"
  | "conflict";

/** A seeded xorshift32 generator: integers in [low, high]. */
export function seededRandom(
  seed: number,
): (low: number, high: number) => number {
  let x = seed >>> 0 || 1;
  return (low, high) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return low + (x % (high - low + 1));
  };
}

interface Piece {
  /** Offset in the original payload. */
  from: number;
  to: number;
  /** Bytes to flip in the first `flip` bytes (conflict mode). */
  flip: number;
}

function cut(
  length: number,
  mode: ResegmentMode,
  rand: (a: number, b: number) => number,
): Piece[] {
  const pieces: Piece[] = [];
  for (let at = 0; at < length;) {
    const size = mode === "bytes1" ? 1 : Math.min(length - at, rand(1, 200));
    pieces.push({ from: at, to: at + size, flip: 0 });
    at += size;
  }
  if (mode === "reorder") {
    for (let i = 0; i + 1 < pieces.length; i += 2) {
      if (rand(0, 1) === 1) {
        [pieces[i], pieces[i + 1]] = [pieces[i + 1], pieces[i]];
      }
    }
  } else if (mode === "duplicate") {
    return pieces.flatMap((p) => [p, { ...p }]);
  } else if (mode === "overlap" || mode === "conflict") {
    for (let i = 1; i < pieces.length; i++) {
      const previous = pieces[i - 1].to - pieces[i - 1].from;
      const back = rand(1, Math.min(8, previous));
      pieces[i].from -= back;
      if (mode === "conflict") pieces[i].flip = back;
    }
  }
  return pieces;
}

/** Rewrites `input` into `output`; returns how many segments were written. */
export function resegment(
  input: string,
  output: string,
  mode: ResegmentMode,
  seed: number,
): number {
  const rand = seededRandom(seed);
  const source = Deno.openSync(input, { read: true });
  const sink = Deno.openSync(output, {
    write: true,
    create: true,
    truncate: true,
  });
  try {
    const reader = new PcapReader(source);
    const writer = new PcapWriter(sink, { linkType: reader.linkType });
    const parsed = new ParsedFrame();
    const frame = new Uint8Array(70000);
    let written = 0;
    for (let r = reader.next(); r !== null; r = reader.next()) {
      const bytes = r.data;
      const time = r.seconds * 1e6 +
        Math.floor(r.fraction / (reader.nanoseconds ? 1000 : 1));
      const kind = parseFrame(
        bytes,
        parsed,
        0,
        r.capturedLength,
        reader.linkType,
      );
      const length = parsed.payloadEnd - parsed.payloadOffset;
      const whole = kind !== "tcp" || length === 0 ||
        (parsed.tcpFlags & (TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST)) !== 0;
      if (whole) {
        writer.write(bytes, time, 0, r.capturedLength);
        written++;
        continue;
      }
      const head = parsed.payloadOffset;
      for (const piece of cut(length, mode, rand)) {
        frame.set(bytes.subarray(0, head));
        const size = piece.to - piece.from;
        frame.set(bytes.subarray(head + piece.from, head + piece.to), head);
        for (let i = 0; i < piece.flip; i++) frame[head + i] ^= 0x20;
        fixHeaders(frame, parsed, head, size, piece.from);
        writer.write(frame, time, 0, head + size);
        written++;
      }
    }
    writer.flush();
    return written;
  } finally {
    source.close();
    sink.close();
  }
}

function fixHeaders(
  frame: Uint8Array,
  parsed: ParsedFrame,
  head: number,
  size: number,
  from: number,
): void {
  const ip = parsed.networkOffset;
  const view = new DataView(frame.buffer, frame.byteOffset);
  if (parsed.ipVersion === 4) {
    view.setUint16(ip + 2, head - ip + size);
    view.setUint16(ip + 10, 0);
    const headerLength = (frame[ip] & 15) * 4;
    let sum = 0;
    for (let i = 0; i < headerLength; i += 2) sum += view.getUint16(ip + i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    view.setUint16(ip + 10, ~sum & 0xffff);
  } else {
    view.setUint16(ip + 4, head - ip - 40 + size);
  }
  const tcp = parsed.transportOffset;
  view.setUint32(tcp + 4, (parsed.sequence + from) >>> 0);
}
