/**
 * An independent witness of what the scanner sent: tcpdump on the lab
 * router's end of the scanner link (so it shares nothing with the scanner's
 * own packet sockets), and a reader that turns the capture into the list of
 * probes — TCP SYNs, UDP datagrams and ICMP echo requests.
 *
 * @module
 */

import { PcapReader } from "../../../drivers/pcap_file.ts";
import { ParsedFrame, parseFrame } from "../../../packet/parse.ts";
import { formatIpv4, formatIpv6 } from "../../../packet/address.ts";
import type { Lab } from "./core.ts";
import { stopChild } from "./run.ts";

/** A running capture: see {@link startCapture}. */
export interface Capture {
  /** The pcap file being written. */
  path: string;
  /**
   * Stops tcpdump (after `settleMs` for frames still in flight) and
   * returns how many packets the kernel dropped from the capture (0 when
   * the capture is complete).
   */
  stop(settleMs?: number): Promise<{ dropped: number }>;
}

/**
 * Starts tcpdump on the router's end of the scanner link, capturing what the
 * scanner sends (`-Q in`), and resolves once it is listening. The file goes
 * to `path` (default: in the lab's temp dir).
 */
export async function startCapture(
  lab: Lab,
  path = `${lab.dir}/capture-${Date.now()}.pcap`,
): Promise<Capture> {
  const child = lab.spawn("tcpdump", [
    "-i",
    "up0",
    "-Q",
    "in",
    "-n",
    // Probes are short; 256 bytes holds every header and a UDP payload.
    "-s",
    "256",
    // 256 MiB kernel buffer: a max-rate scan must not overflow it.
    "-B",
    "262144",
    "--immediate-mode",
    "-w",
    path,
  ], { ns: lab.namespaces.router, stdout: "null", stderr: "piped" });
  let text = "";
  const decoder = new TextDecoder();
  const reader = child.stderr.getReader();
  while (!text.includes("listening on")) {
    const { value, done } = await reader.read();
    if (done) {
      await child.status;
      throw new Error(`tcpdump did not start: ${text.trim()}`);
    }
    text += decoder.decode(value);
  }
  // Keep draining so tcpdump never blocks on a full stderr pipe.
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value);
    }
  })().catch(() => {});
  return {
    path,
    async stop(settleMs = 300) {
      await new Promise((r) => setTimeout(r, settleMs));
      await stopChild(child, 5000, "SIGINT");
      await drained;
      const m = /(\d+) packets? dropped by kernel/.exec(text);
      return { dropped: m ? Number(m[1]) : 0 };
    },
  };
}

/** One probe seen on the wire. */
export interface Probe {
  /** Destination address (canonical text). */
  ip: string;
  /** "tcp", "udp" or "icmp". */
  proto: "tcp" | "udp" | "icmp";
  /** Destination port (0 for ICMP echo). */
  port: number;
  /** Source address (canonical text). */
  source: string;
}

/** `ip proto port` of a probe: the same key as lab_results.ts findingKey. */
export function probeKey(p: Probe): string {
  return `${p.ip} ${p.proto} ${p.port}`;
}

/**
 * Reads the probes out of a capture, in order: TCP segments with SYN and
 * without ACK, UDP datagrams, ICMP/ICMPv6 echo requests. Everything else
 * (ARP, neighbour discovery, RSTs) is counted in `others`.
 */
export async function readProbes(
  path: string,
): Promise<{ probes: Probe[]; others: number }> {
  using file = await Deno.open(path);
  const reader = new PcapReader(file);
  const parsed = new ParsedFrame();
  const probes: Probe[] = [];
  let others = 0;
  for (let record = reader.next(); record; record = reader.next()) {
    const bytes = record.data;
    const kind = parseFrame(bytes, parsed);
    let proto: Probe["proto"] | null = null;
    if (kind === "tcp" && (parsed.tcpFlags & 0x12) === 0x02) proto = "tcp";
    else if (kind === "udp") proto = "udp";
    else if (
      (kind === "icmp" && parsed.icmpType === 8) ||
      (kind === "icmpv6" && parsed.icmpType === 128)
    ) proto = "icmp";
    if (proto === null) {
      others++;
      continue;
    }
    const v6 = parsed.ipVersion === 6;
    probes.push({
      ip: v6
        ? formatIpv6(bytes, parsed.ip6DestinationOffset)
        : formatIpv4(parsed.ip4Destination),
      source: v6
        ? formatIpv6(bytes, parsed.ip6SourceOffset)
        : formatIpv4(parsed.ip4Source),
      proto,
      port: proto === "icmp" ? 0 : parsed.destinationPort,
    });
  }
  return { probes, others };
}

/** What {@link auditProbes} found wrong (or right) in a capture. */
export interface ProbeAudit {
  /** Probes captured. */
  total: number;
  /** Probes to an address or port outside the scope (must be none). */
  outside: Probe[];
  /** Probes from an address other than the adapter's (must be none). */
  wrongSource: Probe[];
  /** Probes of a target already probed (none without --retries). */
  duplicates: number;
  /** Targets never probed (meaningful only for a lossless capture). */
  missing: string[];
}

/**
 * Checks captured probes against the scan's targets: `targets` is the
 * {@link targetKeys} set of the scope, `sources` the adapter addresses.
 */
export function auditProbes(
  probes: readonly Probe[],
  targets: ReadonlySet<string>,
  sources: readonly string[],
): ProbeAudit {
  const seen = new Set<string>();
  const outside: Probe[] = [];
  const wrongSource: Probe[] = [];
  let duplicates = 0;
  for (const p of probes) {
    const key = probeKey(p);
    if (!targets.has(key)) outside.push(p);
    if (!sources.includes(p.source)) wrongSource.push(p);
    if (seen.has(key)) duplicates++;
    else seen.add(key);
  }
  const missing = [...targets].filter((k) => !seen.has(k));
  return { total: probes.length, outside, wrongSource, duplicates, missing };
}
