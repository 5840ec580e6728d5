/**
 * `-oG`: masscan's grepable format (nmap's `-oG` layout) —
 *
 * ```text
 * # zon 0.1.0 scan initiated Wed Nov 25 13:53:23 2026
 * # Ports scanned: TCP(4;8079-8082) UDP(1;53-53) SCTP(0;) PROTOCOLS(0;)
 * Timestamp: 1700000000	Host: 198.18.0.2 ()	Ports: 8080/open/tcp//http-alt//
 * # zon done at Wed Nov 25 13:53:40 2026
 * ```
 *
 * Differences from masscan 1.3.2: the scanner name and version in the first
 * and last lines; the port list in `# Ports scanned` is printed correctly
 * (masscan's loop over its ranges is buggy — it prints a stray comma after
 * the first range, e.g. `TCP(4;8079-8082,)`, and UDP/SCTP ports in its
 * internal encoding, `UDP(1;65589-65589)` for `U:53`); IPv6 hosts print
 * their address (masscan's writer formats every address as IPv4); and an
 * ICMP echo reply (`--ping`) is `Host: a ()	Status: Up` as in nmap rather
 * than a port entry.
 *
 * @module
 */

import type { ScanResult, ScanSummary } from "../engine/result.ts";
import {
  bannerAddress,
  bannerLine,
  ctimeUtc,
  portsByProtocol,
  type ProtocolPorts,
  resultAddress,
  serviceName,
  wholeSeconds,
} from "./common.ts";
import type { Sink } from "./sink.ts";
import type { FoundBanner, OutputWriter, ScanMeta } from "./types.ts";

const encoder = new TextEncoder();

function portField(label: string, p: ProtocolPorts): string {
  return `${label}(${p.count};${
    p.ranges.map(([a, b]) => `${a}-${b}`).join(",")
  })`;
}

/** The two header lines for `meta`. */
export function grepableHeader(meta: ScanMeta): string {
  const p = portsByProtocol(meta.ports);
  return `# zon ${meta.version} scan initiated ${ctimeUtc(meta.startTime)}\n` +
    `# Ports scanned: ${portField("TCP", p.tcp)} ${portField("UDP", p.udp)} ${
      portField("SCTP", p.sctp)
    } PROTOCOLS(0;)\n`;
}

/** One result as an `-oG` line (with its newline). */
export function grepableRecord(r: ScanResult): string {
  const head = `Timestamp: ${wholeSeconds(r.timestamp)}\tHost: ${
    resultAddress(r)
  } ()`;
  if (r.protocol === "icmp") return `${head}\tStatus: Up\n`;
  // port/state/protocol/owner/service/rpc-info/version, as nmap lays it out.
  return `${head}\tPorts: ${r.port}/${r.status}/${r.protocol}//${
    serviceName(r.port, r.protocol)
  }//\n`;
}

/**
 * One banner as masscan's `-oG` banner line (`Host: a ()	Port: 80	Service:
 * http	Banner: ...`), with the `Timestamp:` field its port lines have.
 */
export function grepableBannerRecord(b: FoundBanner): string {
  return `Timestamp: ${wholeSeconds(b.timestamp)}\tHost: ${
    bannerAddress(b)
  } ()\tPort: ${b.port}\tService: ${b.service.name}\tBanner: ${
    bannerLine(b.banner)
  }\n`;
}

/** The `-oG` writer. */
export class GrepableWriter implements OutputWriter {
  #sink: Sink;
  #start = 0;
  #ended = false;

  /** Writes to `sink`. */
  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /** Writes the two `#` header lines. */
  begin(meta: ScanMeta): void {
    this.#start = meta.startTime;
    this.#sink.write(encoder.encode(grepableHeader(meta)));
  }

  /** -oG: the earlier lines stay; new ones follow them. */
  resume(meta: ScanMeta, existing: string): void {
    if (existing === "") this.begin(meta);
  }

  /** Writes one line. */
  write(r: ScanResult): void {
    if (this.#ended) return;
    this.#sink.write(encoder.encode(grepableRecord(r)));
  }

  /** Writes one banner line. */
  writeBanner(b: FoundBanner): void {
    if (this.#ended) return;
    this.#sink.write(encoder.encode(grepableBannerRecord(b)));
  }

  /** Writes `# zon done at ...` (start + elapsed) and closes the file. */
  end(summary: ScanSummary): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#sink.write(
      encoder.encode(
        `# zon done at ${ctimeUtc(this.#start + summary.elapsed)}\n`,
      ),
    );
    this.#sink.close();
  }
}
