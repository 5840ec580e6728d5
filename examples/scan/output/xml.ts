/**
 * `-oX`: nmap's XML format, valid against Debian nmap's
 * `/usr/share/nmap/nmap.dtd` (checked by `xmllint --dtdvalid` in the tests)
 * and laid out as masscan lays it out — one `<host>` line per result,
 * written as the result arrives:
 *
 * ```text
 * <host endtime="1700000000"><status state="up" reason="syn-ack" reason_ttl="64"/><address addr="198.18.0.2" addrtype="ipv4"/><ports><port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="64"/></port></ports></host>
 * ```
 *
 * masscan 1.3.2's XML does not validate; to make ours validate, it differs:
 * `scanner="nmap"` (the DTD allows no other value; `version` says zon),
 * `<scaninfo>` carries `numservices`/`services` (one per protocol scanned,
 * none for `--ping` alone), `<verbose>`/`<debugging>` follow it, and every
 * `<host>` starts with `<status>`. Reasons use nmap's names (`reset`,
 * `port-unreach`; `syn-ack`, `udp-response` and `echo-reply` as is).
 * `<hosts up>` counts `<host>` elements (each is a host that answered);
 * masscan counts closed-port results as `down`. An ICMP echo reply is a
 * `<host>` without `<ports>`. Lines end in `\n` (masscan: `\r\n`).
 *
 * A scan killed without `end()` leaves a file without its `<runstats>` and
 * `</nmaprun>` trailer — not well-formed, as with nmap; every `<host>` line
 * in it is whole. SIGINT paths call `end()`, which writes the trailer with
 * `exit="error"`.
 *
 * @module
 */

import type {
  ResultReason,
  ScanResult,
  ScanSummary,
} from "../engine/result.ts";
import {
  bannerAddress,
  bannerFields,
  ctimeUtc,
  portsByProtocol,
  resultAddress,
  wholeSeconds,
} from "./common.ts";
import type { Sink } from "./sink.ts";
import type { FoundBanner, OutputWriter, ScanMeta } from "./types.ts";

const encoder = new TextEncoder();

const NMAP_REASONS: Readonly<Record<ResultReason, string>> = {
  "syn-ack": "syn-ack",
  "rst": "reset",
  "udp-response": "udp-response",
  "icmp-port-unreachable": "port-unreach",
  "echo-reply": "echo-reply",
};

// nmap.dtd's %scan_types for each port protocol.
const SCAN_TYPES = { tcp: "syn", udp: "udp", sctp: "sctpinit" } as const;

/**
 * Escapes text for an XML attribute. Characters XML 1.0 cannot carry at all
 * (C0 controls other than tab/newline/CR) become U+FFFD.
 */
export function xmlAttribute(text: string): string {
  // deno-lint-ignore no-control-regex -- matching controls is the point
  return text.replace(/[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f]/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case '"':
        return "&quot;";
      case "\t":
        return "&#9;";
      case "\n":
        return "&#10;";
      case "\r":
        return "&#13;";
      default:
        return "\ufffd";
    }
  });
}

/** Joins a command line for display, quoting arguments that need it. */
function shellJoin(args: readonly string[]): string {
  return args.map((a) =>
    /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`
  ).join(" ");
}

/** The prologue, `<nmaprun>`, `<scaninfo>`s, `<verbose>` and `<debugging>`. */
export function xmlHeader(meta: ScanMeta): string {
  const start = wholeSeconds(meta.startTime);
  // A comment may not contain "--".
  const version = meta.version.replaceAll("--", "-");
  let text = `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n` +
    `<!-- zon ${version} scan, rate ${meta.rate} pps -->\n` +
    `<nmaprun scanner="nmap" args="${
      xmlAttribute(shellJoin(meta.commandLine))
    }" start="${start}" startstr="${ctimeUtc(start)}" version="${
      xmlAttribute(`zon ${meta.version}`)
    }" xmloutputversion="1.05">\n`;
  const ports = portsByProtocol(meta.ports);
  for (const protocol of ["tcp", "udp", "sctp"] as const) {
    const p = ports[protocol];
    if (p.count === 0) continue;
    const services = p.ranges.map(([a, b]) => a === b ? `${a}` : `${a}-${b}`)
      .join(",");
    text += `<scaninfo type="${
      SCAN_TYPES[protocol]
    }" protocol="${protocol}" numservices="${p.count}" services="${services}"/>\n`;
  }
  return text + `<verbose level="0"/>\n<debugging level="0"/>\n`;
}

/** One result as a `<host>` line (with its newline). */
export function xmlRecord(r: ScanResult): string {
  const reason = NMAP_REASONS[r.reason];
  const address = resultAddress(r);
  let text = `<host endtime="${
    wholeSeconds(r.timestamp)
  }"><status state="up" reason="${reason}" reason_ttl="${r.ttl}"/><address addr="${address}" addrtype="ipv${r.version}"/>`;
  // nmap.dtd's port protocols are ip/tcp/udp/sctp: an echo reply has no port.
  if (r.protocol !== "icmp") {
    text +=
      `<ports><port protocol="${r.protocol}" portid="${r.port}"><state state="${r.status}" reason="${reason}" reason_ttl="${r.ttl}"/></port></ports>`;
  }
  return text + "</host>\n";
}

/**
 * One banner as a `<host>` line whose port has a `<service>` and a
 * `<script id="banner">`: nmap.dtd has no `banner` attribute on
 * `<service>` (masscan's XML puts one there and does not validate), so the
 * text goes in the script's `output` and the decoded fields (server,
 * title, certificate subject, SANs, fingerprint, ...) in its `<elem>`s.
 * The banner record does not carry the SYN-ACK's TTL: `reason_ttl` is 0.
 * A UDP reply's banner (`transport: "udp"`) is a `udp` port, reason
 * `udp-response`.
 */
export function xmlBannerRecord(b: FoundBanner): string {
  // nmap's attribute order: name product version extrainfo tunnel method conf.
  const s = b.service;
  let attributes = "";
  if (s.product) attributes += ` product="${xmlAttribute(s.product)}"`;
  if (s.version) attributes += ` version="${xmlAttribute(s.version)}"`;
  if (s.extra) attributes += ` extrainfo="${xmlAttribute(s.extra)}"`;
  if (s.tunnel ?? (b.tls?.via === "direct")) attributes += ` tunnel="ssl"`;
  let elems = "";
  for (const [key, value] of bannerFields(b)) {
    elems += `<elem key="${xmlAttribute(key)}">${xmlAttribute(value)}</elem>`;
  }
  const protocol = b.transport ?? "tcp";
  const reason = protocol === "udp" ? "udp-response" : "syn-ack";
  return `<host endtime="${
    wholeSeconds(b.timestamp)
  }"><status state="up" reason="${reason}" reason_ttl="0"/><address addr="${
    bannerAddress(b)
  }" addrtype="${
    b.ipv6 === undefined ? "ipv4" : "ipv6"
  }"/><ports><port protocol="${protocol}" portid="${b.port}"><state state="open" reason="${reason}" reason_ttl="0"/><service name="${
    xmlAttribute(s.name)
  }"${attributes} method="probed" conf="10"/><script id="banner" output="${
    xmlAttribute(b.banner)
  }">${elems}</script></port></ports></host>\n`;
}

/** `<runstats>` and the closing `</nmaprun>`. */
export function xmlTrailer(
  start: number,
  hosts: number,
  summary: ScanSummary,
): string {
  const end = wholeSeconds(start + summary.elapsed);
  const elapsed = summary.elapsed.toFixed(2);
  const status = summary.interrupted
    ? `exit="error" errormsg="scan interrupted before the end"`
    : `exit="success"`;
  return `<runstats>\n<finished time="${end}" timestr="${
    ctimeUtc(end)
  }" elapsed="${elapsed}" summary="zon done at ${
    ctimeUtc(end)
  }; ${summary.found} results; ${summary.sent} probes sent in ${elapsed} seconds" ${status}/>\n` +
    `<hosts up="${hosts}" down="0" total="${hosts}"/>\n</runstats>\n</nmaprun>\n`;
}

/** The `-oX` writer. */
export class XmlWriter implements OutputWriter {
  #sink: Sink;
  #start = 0;
  #hosts = 0;
  #ended = false;

  /** Writes to `sink`. */
  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /** Writes the prologue through `<debugging>`. */
  begin(meta: ScanMeta): void {
    this.#start = meta.startTime;
    this.#sink.write(encoder.encode(xmlHeader(meta)));
  }

  /**
   * Goes on with an earlier run's document: its `<host>` lines stay, its
   * trailer (or a killed run's cut-off last line) is removed, new hosts
   * follow, and `end` writes one `<runstats>` counting both runs' hosts.
   */
  resume(meta: ScanMeta, existing: string): void {
    if (existing === "") return this.begin(meta);
    const open = existing.indexOf("<nmaprun ");
    if (open < 0) {
      throw new RangeError(
        "-oX: the file holds no nmap XML document to continue",
      );
    }
    const stats = existing.indexOf("<runstats>");
    const cut = stats >= 0 ? stats : existing.lastIndexOf("\n") + 1;
    const kept = existing.slice(0, cut);
    this.#hosts = kept.split("<host ").length - 1;
    const start = /<nmaprun [^>]*\bstart="(\d+)"/.exec(kept);
    this.#start = start ? Number(start[1]) : meta.startTime;
    this.#sink.truncate(new TextEncoder().encode(kept).length);
  }

  /** Writes one `<host>` line. */
  write(r: ScanResult): void {
    if (this.#ended) return;
    this.#hosts++;
    this.#sink.write(encoder.encode(xmlRecord(r)));
  }

  /** Writes one banner as a `<host>` line. */
  writeBanner(b: FoundBanner): void {
    if (this.#ended) return;
    this.#hosts++;
    this.#sink.write(encoder.encode(xmlBannerRecord(b)));
  }

  /** Writes `<runstats>` and `</nmaprun>`, and closes the file. */
  end(summary: ScanSummary): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#sink.write(
      encoder.encode(xmlTrailer(this.#start, this.#hosts, summary)),
    );
    this.#sink.close();
  }
}
