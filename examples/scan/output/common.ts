/**
 * Helpers shared by the output formats: addresses, times, port lists and
 * service names, each rendered the way masscan renders it.
 *
 * @module
 */

import { PORT_PROTOCOL_BASE, PortList } from "../../../blackrock/mod.ts";
import { formatIpv4, formatIpv6 } from "../../../packet/mod.ts";
import type { ScanResult } from "../result.ts";

/** The result's address as text (dotted quad, or RFC 5952 IPv6). */
export function resultAddress(r: ScanResult): string {
  return r.version === 6 ? formatIpv6(r.ipv6) : formatIpv4(r.ipv4);
}

/** Whole seconds, as masscan prints every timestamp. */
export function wholeSeconds(t: number): number {
  return Math.floor(t);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

/**
 * `strftime("%c")` in the C locale, UTC — `Wed Nov  5 13:53:23 2026`, with
 * the day of the month space-padded (`%e`) — as masscan's `-oG` prints it.
 */
export function ctimeUtc(unixSeconds: number): string {
  const d = new Date(wholeSeconds(unixSeconds) * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${
    String(d.getUTCDate()).padStart(2, " ")
  } ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${
    two(d.getUTCSeconds())
  } ${d.getUTCFullYear()}`;
}

/** Port ranges of one protocol, as plain port numbers (0..65535). */
export interface ProtocolPorts {
  /** Number of ports. */
  count: number;
  /** Merged, sorted `[first, last]` ranges. */
  ranges: Array<[number, number]>;
}

/**
 * Splits a masscan `-p` spec into TCP, UDP and SCTP port ranges (decoded:
 * `U:53` gives udp `[53, 53]`, not masscan's internal 65589). An empty spec
 * (a `--ping` scan) has no ports.
 */
export function portsByProtocol(
  spec: string,
): Record<"tcp" | "udp" | "sctp", ProtocolPorts> {
  const out = {
    tcp: { count: 0, ranges: [] as Array<[number, number]> },
    udp: { count: 0, ranges: [] as Array<[number, number]> },
    sctp: { count: 0, ranges: [] as Array<[number, number]> },
  };
  if (spec.trim() === "") return out;
  for (const [first, last] of PortList.parse(spec).list.ranges()) {
    // A merged range never crosses a protocol boundary except when the spec
    // names adjacent ports across it (T:65535 + U:0); split it there.
    let begin = first;
    while (begin <= last) {
      const protocol = PortList.protocol(begin);
      const base = PORT_PROTOCOL_BASE[protocol];
      const end = Math.min(last, base + 65535);
      out[protocol].ranges.push([begin - base, end - base]);
      out[protocol].count += end - begin + 1;
      begin = end + 1;
    }
  }
  return out;
}

let services: Map<string, string> | undefined;

/**
 * The service name of `port/protocol` from `/etc/services` — what masscan's
 * `-oG` prints via getservbyport(3) — or `unknown` when there is none (or
 * the file cannot be read).
 */
export function serviceName(port: number, protocol: string): string {
  if (!services) {
    services = new Map();
    let text = "";
    try {
      text = Deno.readTextFileSync("/etc/services");
    } catch {
      // No file or no permission: every port is "unknown", as in masscan.
    }
    for (const line of text.split("\n")) {
      const m = /^([^\s#]+)\s+(\d+)\/(\w+)/.exec(line);
      // The first entry wins, as getservbyport returns the first match.
      if (m && !services.has(`${m[2]}/${m[3]}`)) {
        services.set(`${m[2]}/${m[3]}`, m[1]);
      }
    }
  }
  return services.get(`${port}/${protocol}`) ?? "unknown";
}
