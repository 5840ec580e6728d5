/**
 * Finding the router's MAC through the scan's own driver, as masscan does:
 * an ARP request (IPv4) or a neighbor solicitation (IPv6) sent every
 * quarter of the timeout until the answer arrives; when the driver path
 * fails, the kernel's neighbor table instead (and the notes say so). The
 * frames are packet/'s templates; this module only sends and matches.
 *
 * @module
 */

import { openDriver, type PacketDriver } from "../../../drivers/mod.ts";
import {
  ArpOperation,
  ArpPacket,
  ArpRequestTemplate,
  EthernetFrame,
  EtherType,
  formatMac,
  IcmpPacket,
  Icmpv6Type,
  IpProtocol,
  Ipv6Packet,
  NeighborSolicitationTemplate,
  parseMac,
} from "../../../packet/mod.ts";
import { kernelNeighbor } from "./system.ts";
import { AdapterError } from "./types.ts";

// A 60-byte minimum Ethernet frame: NICs pad short frames, veth and savefiles
// do not, and some stacks drop runts.
const MIN_FRAME = 60;

/** A MAC from the driver path: which answer, how long it took. */
interface Resolved {
  mac: Uint8Array;
  ms: number;
  requests: number;
}

/** One way to ask a neighbor for its MAC: the frame to send, the answer to catch. */
export interface Solicitation {
  /** "ARP" or "neighbor solicitation", for messages. */
  what: string;
  /** The BPF filter that lets only answers in. */
  filter: string;
  /** Writes the request into `buf` at 0; returns its length. */
  write(buf: Uint8Array): number;
  /** The MAC a received frame answers with, or null. */
  match(frame: Uint8Array): Uint8Array | null;
}

/**
 * Sends `ask`'s frame through `driverName` every `timeoutMs / 4` until a
 * received frame matches, or `timeoutMs` passes (null).
 */
async function solicit(
  driverName: string,
  ask: Solicitation,
  timeoutMs: number,
): Promise<Resolved | null> {
  const driver: PacketDriver = await openDriver(driverName, {
    mode: "both",
    filter: ask.filter,
    snaplen: 256,
    bufferSize: 1 << 20,
  });
  try {
    const frame = new Uint8Array(128);
    const length = Math.max(ask.write(frame), MIN_FRAME);
    const started = performance.now();
    const deadline = started + timeoutMs;
    const interval = Math.max(1, timeoutMs / 4);
    let requests = 0;
    while (performance.now() < deadline) {
      driver.send(frame.subarray(0, length));
      driver.flush();
      requests++;
      const resend = Math.min(deadline, performance.now() + interval);
      for (let now = performance.now(); now < resend; now = performance.now()) {
        for (let f = driver.recv(); f !== null; f = driver.recv()) {
          const mac = ask.match(f);
          if (mac) {
            const ms = Math.round(performance.now() - started);
            return { mac, ms, requests };
          }
        }
        driver.wait(Math.max(1, Math.ceil(resend - now)));
      }
    }
    return null;
  } finally {
    driver.close();
  }
}

/** An ARP request for `gateway` from `sourceMac`/`sourceIp`, and its reply. */
export function arpSolicitation(
  sourceMac: Uint8Array,
  sourceIp: number,
  gateway: number,
): Solicitation {
  const template = new ArpRequestTemplate({
    sourceMac,
    routerMac: new Uint8Array(6).fill(0xff),
    sourceIp,
  });
  const eth = new EthernetFrame();
  const arp = new ArpPacket();
  return {
    what: "ARP",
    filter: "arp and arp[6:2] = 2",
    write: (buf) => template.write(buf, 0, gateway, 0, 0),
    match: (frame) => {
      eth.at(frame);
      if (eth.check() !== null || eth.etherType !== EtherType.ARP) return null;
      arp.at(frame, eth.payloadOffset);
      if (arp.check() !== null || arp.operation !== ArpOperation.REPLY) {
        return null;
      }
      if (arp.senderIp !== gateway) return null;
      return frame.slice(arp.senderMacOffset, arp.senderMacOffset + 6);
    },
  };
}

/** A neighbor solicitation for `target` from `sourceMac`/`source`, and its advertisement. */
export function ndpSolicitation(
  sourceMac: Uint8Array,
  source: Uint8Array,
  target: Uint8Array,
): Solicitation {
  const template = new NeighborSolicitationTemplate({ sourceMac });
  const eth = new EthernetFrame();
  const ip = new Ipv6Packet();
  const icmp = new IcmpPacket();
  return {
    what: "neighbor solicitation",
    filter: "icmp6 and ip6[40] = 136",
    write: (buf) => template.write(buf, 0, source, 0, target, 0),
    match: (frame) => {
      eth.at(frame);
      if (eth.check() !== null || eth.etherType !== EtherType.IPV6) return null;
      ip.at(frame, eth.payloadOffset);
      // RFC 4861 §7.1.2: a valid advertisement arrives with hop limit 255.
      if (
        ip.check() !== null || ip.nextHeader !== IpProtocol.ICMPV6 ||
        ip.hopLimit !== 255
      ) return null;
      const at = ip.offset + 40;
      const end = ip.payloadEnd;
      if (at + 24 > end) return null;
      icmp.at(frame, at, end);
      if (icmp.type !== Icmpv6Type.NEIGHBOR_ADVERTISEMENT) return null;
      const t = icmp.targetAddressOffset;
      for (let i = 0; i < 16; i++) if (frame[t + i] !== target[i]) return null;
      return advertisedMac(frame, at, end, eth.sourceOffset);
    },
  };
}

/**
 * The target link-layer address option names the router's MAC; an
 * advertisement without it (allowed for unicast solicitations) came from
 * the router itself, so its Ethernet source is the answer.
 */
function advertisedMac(
  frame: Uint8Array,
  icmpAt: number,
  end: number,
  ethernetSource: number,
): Uint8Array {
  for (let o = icmpAt + 24; o + 8 <= end;) {
    const length = frame[o + 1] * 8;
    if (length === 0) break;
    if (frame[o] === 2 && length >= 8) return frame.slice(o + 2, o + 8);
    o += length;
  }
  return frame.slice(ethernetSource, ethernetSource + 6);
}

/** What {@linkcode resolveRouter} needs. */
export interface RouterQuery {
  /** The request and its answer. */
  ask: Solicitation;
  /** The router's address as text, for messages and the neighbor table. */
  address: string;
  /** Where the address came from ("default gateway", "--router-ip"). */
  source: string;
  /** The driver to ask through (`pcap:IF`, `ring:IF`). */
  resolver: string;
  /** The interface. */
  ifname: string;
  /** How long to wait for an answer, ms. */
  timeoutMs: number;
  /** "router-mac" or "router-mac-ipv6", for the notes. */
  label: string;
  /** The flag that fixes a failure. */
  flag: string;
}

/**
 * The router's MAC through the driver; when that fails (no answer, or the
 * driver cannot open), the kernel's neighbor table, noted in `notes`;
 * throws `no-reply` when neither knows.
 */
export async function resolveRouter(
  query: RouterQuery,
  notes: string[],
): Promise<Uint8Array> {
  const { ask, address, source, resolver, ifname, timeoutMs, label } = query;
  let failure: string;
  try {
    const got = await solicit(resolver, ask, timeoutMs);
    if (got) {
      notes.push(
        `${label} ${
          formatMac(got.mac)
        }: ${ask.what} for ${address} (${source}) through ${resolver}, answered in ${got.ms} ms after ${got.requests} request(s)`,
      );
      return got.mac;
    }
    failure = `did not answer ${ask.what} within ${timeoutMs} ms`;
  } catch (e) {
    // Any driver failure (no permission, no libpcap): the kernel may know.
    failure = `could not be asked through ${resolver} (${
      (e as Error).message
    })`;
  }
  const entry = await kernelNeighbor(ifname, address);
  if (entry) {
    notes.push(
      `${label} ${entry.mac}: kernel neighbor table (ip neigh, ${entry.state}), because the router ${address} ${failure}`,
    );
    return parseMac(entry.mac);
  }
  throw new AdapterError(
    "no-reply",
    `router ${address} (${source}) on ${ifname} ${failure}, and the kernel has no neighbor entry for it: check the link, or give ${query.flag}`,
    query.flag,
  );
}
