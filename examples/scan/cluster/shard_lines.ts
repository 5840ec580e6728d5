/**
 * The lines of a shard's `-oD` output, back as the records the output
 * writers take: status lines as {@linkcode ScanResult}, banner lines as
 * {@linkcode FoundBanner} (masscan's NDJSON layout, as output/ndjson.ts
 * writes it).
 *
 * @module
 */

import { parseIpv4, parseIpv6 } from "../../../packet/mod.ts";
import type { ScanResult } from "../engine/result.ts";
import type { FoundBanner } from "../banners/channel.ts";

/** A parsed line: a result, a banner, or something else (kept as its type). */
export type ShardLine =
  | { kind: "result"; result: ScanResult }
  | { kind: "banner"; banner: FoundBanner }
  | { kind: "completion" }
  | { kind: "other" };

/**
 * Parses one NDJSON line; throws SyntaxError for a line that is not JSON
 * or lacks a field its record type needs.
 *
 * @example
 * ```ts
 * import { parseShardLine } from "./shard_lines.ts";
 * const line = parseShardLine('{"ip":"198.18.0.2","timestamp":"1700000000","port":80,"proto":"tcp","rec_type":"status","data":{"status":"open","reason":"syn-ack","ttl":64}}');
 * console.log(line.kind === "result" && line.result.port); // 80
 * ```
 */
export function parseShardLine(text: string): ShardLine {
  const fast = STATUS_LINE.exec(text);
  if (fast !== null) return statusFromMatch(fast);
  let r;
  try {
    r = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`not JSON (${(e as Error).message})`, { cause: e });
  }
  if (r?.rec_type === "completion") return { kind: "completion" };
  if (r?.rec_type !== "status" && r?.rec_type !== "banner") {
    return { kind: "other" };
  }
  if (typeof r.ip !== "string" || typeof r.port !== "number" || !r.data) {
    throw new SyntaxError(`a ${r.rec_type} line without ip, port or data`);
  }
  const v6 = r.ip.includes(":");
  const timestamp = Number(r.timestamp);
  if (r.rec_type === "banner") {
    const d = r.data;
    return {
      kind: "banner",
      banner: {
        ip: v6 ? 0 : parseIpv4(r.ip),
        ...(v6 ? { ipv6: r.ip } : {}),
        port: r.port,
        ...(r.proto === "udp" ? { transport: "udp" as const } : {}),
        // -oD does not keep which decoder read it; nmap's name stands in.
        protocol: d.service_name,
        service: {
          name: d.service_name,
          ...(d.product ? { product: d.product } : {}),
          ...(d.version ? { version: d.version } : {}),
          ...(d.extrainfo ? { extra: d.extrainfo } : {}),
        },
        banner: String(d.banner ?? ""),
        ...(d.http ? { http: d.http } : {}),
        ...(d.tls ? { tls: d.tls } : {}),
        ...(d.greeting ? { greeting: d.greeting } : {}),
        bytes: 0,
        timestamp,
      },
    };
  }
  return {
    kind: "result",
    result: {
      version: v6 ? 6 : 4,
      ipv4: v6 ? 0 : parseIpv4(r.ip),
      ipv6: v6 ? parseIpv6(r.ip) : NO_IPV6,
      port: r.port,
      protocol: r.proto,
      status: r.data.status,
      reason: r.data.reason,
      ttl: r.data.ttl,
      timestamp,
    },
  };
}

const NO_IPV6 = new Uint8Array(16);

/**
 * A status line exactly as output/ndjson.ts writes it: matched without
 * JSON.parse (the merge's hot path; anything else takes JSON.parse).
 */
const STATUS_LINE =
  /^\{"ip":"([0-9a-f.:]+)","timestamp":"(\d+)","port":(\d+),"proto":"(tcp|udp|sctp|icmp)","rec_type":"status","data":\{"status":"(open|closed)","reason":"([a-z-]+)","ttl":(\d+)\}\}$/;

/**
 * A dotted quad without split or regex (the merge parses 10^7 of them);
 * anything but four decimal octets 0..255 goes to parseIpv4, which names
 * what is wrong.
 */
function quickIpv4(text: string): number {
  let value = 0, octet = 0, digits = 0, dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet, octet = 0, digits = 0, dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      octet = octet * 10 + c - 48, digits++;
      if (octet > 255) return parseIpv4(text);
    } else {
      return parseIpv4(text);
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : parseIpv4(text);
}

function statusFromMatch(m: RegExpExecArray): ShardLine {
  const v6 = m[1].includes(":");
  return {
    kind: "result",
    result: {
      version: v6 ? 6 : 4,
      ipv4: v6 ? 0 : quickIpv4(m[1]),
      ipv6: v6 ? parseIpv6(m[1]) : NO_IPV6,
      port: Number(m[3]),
      protocol: m[4] as ScanResult["protocol"],
      status: m[5] as ScanResult["status"],
      reason: m[6] as ScanResult["reason"],
      ttl: Number(m[7]),
      timestamp: Number(m[2]),
    },
  };
}
