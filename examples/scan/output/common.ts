/**
 * Helpers shared by the output formats: addresses, times, port lists and
 * service names, each rendered the way masscan renders it.
 *
 * @module
 */

import { PORT_PROTOCOL_BASE, PortList } from "../../../blackrock/mod.ts";
import { formatIpv4, formatIpv6 } from "../../../packet/mod.ts";
import type { ScanResult } from "../engine/result.ts";
import type { FoundBanner } from "../banners/channel.ts";

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

/** A banner's address as text (dotted quad, or RFC 5952 IPv6). */
export function bannerAddress(b: FoundBanner): string {
  return b.ipv6 ?? formatIpv4(b.ip);
}

/**
 * Banner text as masscan's `normalize_string` renders it for `-oL`, `-oG`
 * and the console: printable ASCII as is, everything else (CR, LF, `\`
 * itself, bytes ≥ 0x7f) as `\xNN`, so a banner stays on one line.
 */
export function bannerLine(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) out += text[i];
    else if (c < 0x100) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return out;
}

/**
 * The decoded fields of a banner as flat `[key, value]` pairs (HTTP
 * server/title/..., TLS version/cipher/leaf certificate, SSH software):
 * what `-oX` lists as `<elem>`s.
 */
export function bannerFields(b: FoundBanner): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== "") out.push([key, String(value)]);
  };
  if (b.http) {
    add("status", b.http.statusCode);
    add("server", b.http.server);
    add("title", b.http.title);
    add("location", b.http.location);
    add("content-type", b.http.contentType);
  }
  if (b.tls) {
    add("version", b.tls.version);
    add("cipher", b.tls.cipher);
    add("group", b.tls.group);
    add("via", b.tls.via);
    add("alpn", b.tls.alpn);
    const leaf = b.tls.certificates[0];
    if (leaf && !leaf.error) {
      add("subject", leaf.subject);
      add("issuer", leaf.issuer);
      for (const san of leaf.subjectAltNames) add("san", san);
      add("not-before", leaf.notBefore);
      add("not-after", leaf.notAfter);
      add("serial", leaf.serialNumber);
      add("sha256", leaf.fingerprintSha256);
    }
    add("error", b.tls.error);
  }
  if (b.greeting?.ssh) {
    add("protocol-version", b.greeting.ssh.protocolVersion);
    add("software", b.greeting.ssh.software);
    add("comments", b.greeting.ssh.comments);
  } else if (b.greeting) add("code", b.greeting.code);
  return out;
}

/**
 * nmap's `product`, `version`, `extrainfo` and `tunnel` of a banner's
 * service as JSON members (`,"product":"OpenSSH",...`), only those known.
 */
export function serviceFields(b: FoundBanner): string {
  let text = "";
  const s = b.service;
  if (s.product) text += `,"product":${JSON.stringify(s.product)}`;
  if (s.version) text += `,"version":${JSON.stringify(s.version)}`;
  if (s.extra) text += `,"extrainfo":${JSON.stringify(s.extra)}`;
  if (s.tunnel) text += `,"tunnel":${JSON.stringify(s.tunnel)}`;
  return text;
}

/**
 * The decoded fields as one JSON object (`-oJ`/`-oD`): `http`, `tls` (with
 * the certificate chain) and `greeting`, as the decoders produced them.
 */
export function bannerDetails(b: FoundBanner): string {
  let text = "";
  if (b.http) text += `,"http":${JSON.stringify(b.http)}`;
  if (b.tls) text += `,"tls":${JSON.stringify(b.tls)}`;
  if (b.greeting) text += `,"greeting":${JSON.stringify(b.greeting)}`;
  return text;
}
