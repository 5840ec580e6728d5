/**
 * The fingerprint of a scan's target spec: SHA-256 of the effective target
 * set — includes minus excludes minus the default (reserved) exclusions, and
 * the ports — in one canonical text. Two shards scan parts of the same scan
 * exactly when their fingerprints (and seeds) agree: `198.18.0.0/24` and
 * `198.18.0.0-198.18.0.255` hash alike, an extra `--exclude` does not.
 *
 * @module
 */

import type { TargetSet } from "../../../blackrock/mod.ts";

/**
 * The canonical text hashed by {@linkcode targetFingerprint}: a version
 * line, then the merged IPv4 ranges, the IPv6 ranges and the encoded port
 * ranges, ascending, one `first-last` per line.
 *
 * @example
 * ```ts
 * import { TargetSet } from "../../../blackrock/mod.ts";
 * import { canonicalTargets } from "./fingerprint.ts";
 * const text = canonicalTargets(new TargetSet({ include: ["198.18.0.0/31"], ports: "80" }));
 * console.log(text.split("\n")[1]); // "ipv4 3323068416-3323068417"
 * ```
 */
export function canonicalTargets(targets: TargetSet): string {
  const lines = ["zon-target-set-v1"];
  for (const [a, b] of targets.ipv4.ranges()) lines.push(`ipv4 ${a}-${b}`);
  for (const [a, b] of targets.ipv6.ranges()) lines.push(`ipv6 ${a}-${b}`);
  for (const [a, b] of targets.ports.list.ranges()) {
    lines.push(`port ${a}-${b}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * `sha256:` and the hex SHA-256 of {@linkcode canonicalTargets}.
 *
 * @example
 * ```ts
 * import { TargetSet } from "../../../blackrock/mod.ts";
 * import { targetFingerprint } from "./fingerprint.ts";
 * const a = await targetFingerprint(new TargetSet({ include: ["198.18.0.0/24"] }));
 * const b = await targetFingerprint(new TargetSet({ include: ["198.18.0.0-198.18.0.255"] }));
 * console.log(a === b, a.length); // true 71
 * ```
 */
export async function targetFingerprint(targets: TargetSet): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalTargets(targets));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return `sha256:${hex}`;
}
