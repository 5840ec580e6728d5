// Test helper for zon watch: TCP and UDP frames built with packet/'s
// emitPacket, for in-process tests that need no capture.

import { emitPacket, parseIpv6, TcpFlags } from "../../packet/mod.ts";

const MAC_A = new Uint8Array([2, 0, 0x5a, 0, 0, 1]);
const MAC_B = new Uint8Array([2, 0, 0x5a, 0, 0, 2]);

/** One endpoint: an IPv4 number or an IPv6 text, and a port. */
export interface End {
  ip: number | string;
  port: number;
}

/** A TCP frame from `from` to `to`. */
export function tcpFrame(
  from: End,
  to: End,
  sequence: number,
  flags: number,
  payload: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const buf = new Uint8Array(128 + payload.length);
  const ip = typeof from.ip === "number"
    ? { version: 4 as const, source: from.ip, destination: to.ip as number }
    : {
      version: 6 as const,
      source: parseIpv6(from.ip),
      destination: parseIpv6(to.ip as string),
    };
  const n = emitPacket({
    ethernet: { source: MAC_A, destination: MAC_B },
    ip,
    transport: {
      protocol: "tcp",
      sourcePort: from.port,
      destinationPort: to.port,
      sequence: sequence >>> 0,
      acknowledgment: 0,
      flags,
      payload,
    },
  }, buf);
  return buf.subarray(0, n);
}

/** A UDP frame. */
export function udpFrame(from: End, to: End, payload: Uint8Array): Uint8Array {
  const buf = new Uint8Array(128 + payload.length);
  const n = emitPacket({
    ethernet: { source: MAC_A, destination: MAC_B },
    ip: { version: 4, source: from.ip as number, destination: to.ip as number },
    transport: {
      protocol: "udp",
      sourcePort: from.port,
      destinationPort: to.port,
      payload,
    },
  }, buf);
  return buf.subarray(0, n);
}

/**
 * A whole TCP connection: handshake, `toServer` then `toClient` cut at the
 * given piece lengths, FINs. `cuts(n)` returns the piece lengths for n bytes.
 */
export function connection(
  client: End,
  server: End,
  toServer: Uint8Array,
  toClient: Uint8Array,
  cuts: (n: number) => number[],
  handshake = true,
): Uint8Array[] {
  const c0 = 1000;
  const s0 = 0xfffffff0; // the server's sequence numbers wrap around 2^32
  const frames: Uint8Array[] = [];
  if (handshake) {
    frames.push(tcpFrame(client, server, c0, TcpFlags.SYN));
    frames.push(tcpFrame(server, client, s0, TcpFlags.SYN | TcpFlags.ACK));
  }
  const send = (from: End, to: End, base: number, data: Uint8Array) => {
    let at = 0;
    for (const n of cuts(data.length)) {
      frames.push(
        tcpFrame(
          from,
          to,
          base + 1 + at,
          TcpFlags.ACK,
          data.subarray(at, at + n),
        ),
      );
      at += n;
    }
    return base + 1 + at;
  };
  const cEnd = send(client, server, c0, toServer);
  const sEnd = send(server, client, s0, toClient);
  frames.push(tcpFrame(client, server, cEnd, TcpFlags.FIN | TcpFlags.ACK));
  frames.push(tcpFrame(server, client, sEnd, TcpFlags.FIN | TcpFlags.ACK));
  return frames;
}
