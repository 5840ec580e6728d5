// Test helper for zon watch: the independent side of the comparison.
// tshark reassembles each TCP stream (`-z follow,tcp,raw`) and lists each
// UDP flow's datagrams (`-z follow,udp,raw`); a naive byte-by-byte search
// of those streams for each rule's content, with the rule's direction,
// port and protocol constraints, gives every alert zon must raise.

import type { Rule } from "../../examples/watch/rules/parse.ts";
import { sh } from "./watch_lab.ts";

/** One flow as tshark saw it: node 0 sent the first packet. */
export interface FollowedFlow {
  transport: "tcp" | "udp";
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
  /** [to server, to client]: each a list of (offset, bytes) chunks. */
  chunks: [Uint8Array[], Uint8Array[]];
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

function endpoint(text: string): [string, number] {
  const at = text.lastIndexOf(":");
  return [
    text.slice(0, at).replace(/^\[|\]$/g, ""),
    Number(text.slice(at + 1)),
  ];
}

/** Every TCP and UDP flow of `pcap`, reassembled by tshark. */
export async function followFlows(pcap: string): Promise<FollowedFlow[]> {
  const flows: FollowedFlow[] = [];
  for (const transport of ["tcp", "udp"] as const) {
    const ids = (await sh([
      "tshark",
      "-r",
      pcap,
      "-T",
      "fields",
      "-e",
      `${transport}.stream`,
      "-Y",
      transport,
    ])).stdout.split("\n").filter((l) => l !== "");
    const streams = [...new Set(ids)];
    if (streams.length === 0) continue;
    const args = streams.flatMap((n) => ["-z", `follow,${transport},raw,${n}`]);
    const out = (await sh(["tshark", "-r", pcap, "-q", ...args])).stdout;
    for (const block of out.split(/^=+$/m)) {
      const node0 = /^Node 0: (\S+)$/m.exec(block);
      const node1 = /^Node 1: (\S+)$/m.exec(block);
      if (node0 === null || node1 === null) continue;
      const [client, clientPort] = endpoint(node0[1]);
      const [server, serverPort] = endpoint(node1[1]);
      const flow: FollowedFlow = {
        transport,
        client,
        clientPort,
        server,
        serverPort,
        chunks: [[], []],
      };
      for (const line of block.split("\n")) {
        const hex = line.trim();
        if (!/^[0-9a-f]+$/.test(hex) || line.startsWith("Node")) continue;
        flow.chunks[line.startsWith("\t") ? 1 : 0].push(hexBytes(hex));
      }
      flows.push(flow);
    }
  }
  return flows;
}

/** The label the lab's ports stand for. */
export type LabelOf = (flow: FollowedFlow) => string;

function inPorts(set: Rule["sourcePorts"], port: number): boolean {
  return set.length === 0 || set.some(([a, b]) => port >= a && port <= b);
}

function applies(
  rule: Rule,
  flow: FollowedFlow,
  dir: number,
  label: string,
): boolean {
  if (rule.direction !== 2 && rule.direction !== dir) return false;
  if (
    rule.protocol !== "ip" && rule.protocol !== flow.transport &&
    rule.protocol !== label
  ) {
    return false;
  }
  const from = dir === 0 ? flow.clientPort : flow.serverPort;
  const to = dir === 0 ? flow.serverPort : flow.clientPort;
  if (inPorts(rule.sourcePorts, from) && inPorts(rule.destinationPorts, to)) {
    return true;
  }
  return rule.bidirectional && inPorts(rule.sourcePorts, to) &&
    inPorts(rule.destinationPorts, from);
}

function fold(byte: number, nocase: boolean): number {
  return nocase && byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

/** Naive search: every start offset of `needle` in `hay`. */
export function naiveFind(
  hay: Uint8Array,
  needle: Uint8Array,
  nocase: boolean,
): number[] {
  const found: number[] = [];
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (fold(hay[i + j], nocase) !== fold(needle[j], nocase)) continue outer;
    }
    found.push(i);
  }
  return found;
}

/** An alert as a comparable string. */
export function alertKey(
  a: {
    client: string;
    clientPort: number;
    server: string;
    serverPort: number;
    direction: string;
    offset: number;
    rule: number;
  },
): string {
  return `${a.client}:${a.clientPort}>${a.server}:${a.serverPort} ${a.direction} @${a.offset} sid ${a.rule}`;
}

/** Every alert the rules call for in the followed flows, with its span. */
export function expectedAlerts(
  flows: FollowedFlow[],
  rules: Rule[],
  labelOf: LabelOf,
): {
  key: string;
  start: number;
  end: number;
  flow: FollowedFlow;
  dir: number;
  rule: Rule;
}[] {
  const out = [];
  for (const flow of flows) {
    const label = labelOf(flow);
    for (const dir of [0, 1]) {
      const chunks = flow.chunks[dir];
      // TCP: one stream; UDP: each datagram searched alone.
      const pieces = flow.transport === "tcp" ? [concat(chunks)] : chunks;
      let base = 0;
      for (const piece of pieces) {
        for (const rule of rules) {
          if (!applies(rule, flow, dir, label)) continue;
          for (const start of naiveFind(piece, rule.content, rule.nocase)) {
            const offset = base + start;
            out.push({
              key: alertKey({
                ...flow,
                direction: dir === 0 ? "to_server" : "to_client",
                offset,
                rule: rule.id,
              }),
              start: offset,
              end: offset + rule.content.length,
              flow,
              dir,
              rule,
            });
          }
        }
        base += piece.length;
      }
    }
  }
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
