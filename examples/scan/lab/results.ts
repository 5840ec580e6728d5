/**
 * Reading a scanner's output back and grading it against the lab's ground
 * truth: found, missed, false positives.
 *
 * @module
 */

import {
  PORT_PROTOCOL_BASE,
  type PortProtocol,
  Target,
  TargetSet,
} from "../../../blackrock/mod.ts";
import {
  formatIpv4,
  formatIpv6,
  parseIpv4,
  parseIpv6,
} from "../../../packet/address.ts";
import type { LabOpenPort } from "./core.ts";

/** One reported port, from any of the output formats. */
export interface Finding {
  /** Address in canonical text (IPv6 compressed, lower case). */
  ip: string;
  /** Port number (0 for ICMP). */
  port: number;
  /** Transport, as the scanner names it ("tcp", "udp", "icmp", ...). */
  proto: string;
  /** "open" or "closed". */
  status: string;
}

/** Canonical text of an IPv4 or IPv6 address, so spellings compare equal. */
export function canonicalIp(text: string): string {
  if (text.includes(":")) {
    const bytes = new Uint8Array(16);
    parseIpv6(text, bytes, 0);
    return formatIpv6(bytes, 0);
  }
  return formatIpv4(parseIpv4(text));
}

/** `ip proto port`: the key findings and truth are matched on. */
export function findingKey(
  f: { ip: string; proto: string; port: number },
): string {
  return `${canonicalIp(f.ip)} ${f.proto} ${f.port}`;
}

function fromJson(obj: Record<string, unknown>): Finding[] {
  const ip = String(obj.ip ?? obj.addr ?? obj.address ?? "");
  if (!ip) return [];
  const one = (p: Record<string, unknown>, fallback: Record<string, unknown>) =>
    ({
      ip: canonicalIp(ip),
      port: Number(p.port ?? 0),
      proto: String(p.proto ?? p.protocol ?? "tcp"),
      status: String(
        p.status ?? (p.data as Record<string, unknown> | undefined)?.status ??
          fallback.status ?? "open",
      ),
    }) satisfies Finding;
  if (Array.isArray(obj.ports)) {
    return obj.ports.map((p) => one(p as Record<string, unknown>, obj));
  }
  return [one(obj, obj)];
}

/**
 * Parses scanner output in any of the line-oriented formats: `-oD` (one
 * JSON object per line, masscan's or flat `{ip, port, proto, status}`),
 * `-oJ` (masscan's JSON array, one object per line), or `-oL`
 * (`open tcp 80 198.18.1.11 1700000000`). Comments and other lines
 * (banners, `-oL` headers) are returned in `ignored`.
 */
export function parseScanOutput(
  text: string,
): { findings: Finding[]; ignored: string[] } {
  const findings: Finding[] = [];
  const ignored: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line === "[" || line === "]" || line.startsWith("#")) {
      continue;
    }
    if (line.startsWith("{")) {
      try {
        const obj = JSON.parse(line.replace(/,\s*$/, ""));
        // Banner records are not port findings: leave them to the caller.
        if (obj.rec_type === "banner") {
          ignored.push(line);
          continue;
        }
        findings.push(...fromJson(obj));
        continue;
      } catch { /* fall through: not one whole object */ }
    }
    const list = /^(open|closed)\s+(\w+)\s+(\d+)\s+(\S+)/.exec(line);
    if (list) {
      findings.push({
        status: list[1],
        proto: list[2],
        port: Number(list[3]),
        ip: canonicalIp(list[4]),
      });
      continue;
    }
    ignored.push(line);
  }
  return { findings, ignored };
}

/** What was scanned: the scanner's targets, excludes and `-p` list. */
export interface ScanScope {
  /** Target items (addresses, ranges, CIDR blocks). */
  targets: string[];
  /** Excluded items. */
  exclude?: string[];
  /** masscan port list (`1-65535,U:53`). */
  ports: string;
}

/** A membership test for ip × proto × port against a scan's scope. */
export function scopeTest(
  scope: ScanScope,
): (ip: string, proto: string, port: number) => boolean {
  const set = new TargetSet({
    include: scope.targets,
    exclude: scope.exclude ?? [],
    ports: scope.ports,
  });
  const v4 = set.ipv4.ranges(), v6 = set.ipv6.ranges();
  const ports = set.ports.list.ranges();
  const bytes = new Uint8Array(16);
  return (ip, proto, port) => {
    const base = PORT_PROTOCOL_BASE[proto as PortProtocol];
    if (base === undefined) return false;
    const encoded = base + port;
    if (!ports.some(([b, e]) => encoded >= b && encoded <= e)) return false;
    if (ip.includes(":")) {
      parseIpv6(ip, bytes, 0);
      let value = 0n;
      for (const byte of bytes) value = (value << 8n) | BigInt(byte);
      return v6.some(([b, e]) => value >= b && value <= e);
    }
    const value = parseIpv4(ip);
    return v4.some(([b, e]) => value >= b && value <= e);
  };
}

/** The grade of one scan. */
export interface LabComparison {
  /** Truth entries inside the scan's scope. */
  expected: LabOpenPort[];
  /** Expected entries the scanner reported open. */
  found: LabOpenPort[];
  /** Expected entries it did not report. */
  missed: LabOpenPort[];
  /** Reported open but not in the truth (or outside the scope). */
  falsePositives: Finding[];
  /** Open reports of an already reported ip:port. */
  duplicates: number;
  /** No misses, no false positives. */
  ok: boolean;
}

/**
 * Grades `findings` (open reports; closed ones are ignored) against the
 * part of `truth` inside `scope`.
 */
export function compareWithTruth(
  findings: Finding[],
  truth: readonly LabOpenPort[],
  scope: ScanScope,
): LabComparison {
  const inScope = scopeTest(scope);
  const expected = truth.filter((t) => inScope(t.ip, t.proto, t.port));
  const expectedKeys = new Map(expected.map((t) => [findingKey(t), t]));
  const seen = new Set<string>();
  const falsePositives: Finding[] = [];
  let duplicates = 0;
  for (const f of findings) {
    if (f.status !== "open") continue;
    const key = findingKey(f);
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    if (!expectedKeys.has(key)) falsePositives.push(f);
  }
  const found = expected.filter((t) => seen.has(findingKey(t)));
  const missed = expected.filter((t) => !seen.has(findingKey(t)));
  return {
    expected,
    found,
    missed,
    falsePositives,
    duplicates,
    ok: missed.length === 0 && falsePositives.length === 0,
  };
}

/** A human-readable report: one line per expected port, then the verdict. */
export function formatComparison(c: LabComparison): string {
  const lines: string[] = [];
  const foundKeys = new Set(c.found.map(findingKey));
  for (const t of c.expected) {
    const mark = foundKeys.has(findingKey(t)) ? "found " : "MISSED";
    const where = t.ip.includes(":")
      ? `[${t.ip}]:${t.port}`
      : `${t.ip}:${t.port}`;
    lines.push(`  ${mark} ${t.proto}/${t.port} ${where} (${t.kind})`);
  }
  for (const f of c.falsePositives) {
    lines.push(`  FALSE POSITIVE ${f.proto}/${f.port} ${f.ip}`);
  }
  lines.push(
    `${
      c.ok ? "PASS" : "FAIL"
    }: ${c.found.length}/${c.expected.length} open ports found, ` +
      `${c.missed.length} missed, ${c.falsePositives.length} false positives` +
      (c.duplicates ? `, ${c.duplicates} duplicate reports` : ""),
  );
  return lines.join("\n");
}

/**
 * Every target of a scope as `ip proto port` keys (the {@link findingKey}
 * form): what a complete scan probes, each exactly once without retries.
 */
export function targetKeys(scope: ScanScope): Set<string> {
  const set = new TargetSet({
    include: scope.targets,
    exclude: scope.exclude ?? [],
    ports: scope.ports,
  });
  const keys = new Set<string>();
  const t = new Target();
  for (let i = 0; i < set.count; i++) {
    set.pick(i, t);
    const ip = t.version === 4 ? formatIpv4(t.ipv4) : formatIpv6(t.ipv6, 0);
    const proto = t.port >= PORT_PROTOCOL_BASE.sctp
      ? "sctp"
      : t.port >= PORT_PROTOCOL_BASE.udp
      ? "udp"
      : "tcp";
    keys.add(`${ip} ${proto} ${t.port - PORT_PROTOCOL_BASE[proto]}`);
  }
  return keys;
}
