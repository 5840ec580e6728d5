/**
 * The scanner's target safety rules, on top of `@zon/net/blackrock`'s
 * TargetSet: reserved and special-use ranges are excluded unless a target
 * lies inside one (then the user clearly meant it), and more than a /8's
 * worth of IPv4 addresses needs an explicit exclude or --allow-large-scan.
 * `-sL` sends nothing and skips these rules (so it stays masscan's order).
 *
 * @module
 */

import {
  type AddressRange,
  parseAddressRange,
  TargetSet,
  type TargetText,
} from "../../../blackrock/mod.ts";
import {
  isInputError,
  RESERVED_RANGES,
  type ScanConfig,
  UsageError,
} from "./config.ts";

/** The scan's targets after the safety rules, and what they removed. */
export interface SafeTargets {
  /** The targets to scan. */
  targets: TargetSet;
  /** Human-readable notes: which reserved ranges were excluded. */
  notes: string[];
}

function within(inner: AddressRange, outer: AddressRange): boolean {
  return inner.version === outer.version && inner.begin >= outer.begin &&
    inner.end <= outer.end;
}

function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.version === b.version && a.begin <= b.end && b.begin <= a.end;
}

/** Largest IPv4 scan allowed without an explicit exclude: a /8. */
export const LARGE_SCAN_ADDRESSES = 2 ** 24;

/**
 * Builds the TargetSet for a real scan. Throws UsageError (naming the flag)
 * for bad items and for a large scan without confirmation.
 */
export function buildSafeTargets(config: ScanConfig): SafeTargets {
  let include: AddressRange[];
  // Excludes go to TargetSet as given (an --excludefile is read in place).
  const exclude: Array<string | AddressRange | TargetText> = [
    ...config.exclude,
  ];
  try {
    include = config.include.flatMap((x) =>
      typeof x === "string" ? [parseAddressRange(x)] : x.ranges()
    );
  } catch (e) {
    if (!isInputError(e)) throw e;
    throw new UsageError(e.message, { cause: e });
  }
  const notes: string[] = [];
  for (const [cidr, why] of RESERVED_RANGES) {
    const reserved = parseAddressRange(cidr);
    const touched = include.filter((t) => overlaps(t, reserved));
    if (touched.length === 0) continue;
    // A target inside the reserved block names it explicitly: keep it.
    if (touched.every((t) => within(t, reserved))) continue;
    exclude.push(reserved);
    notes.push(`excluding ${cidr} (${why}); name it as a target to scan it`);
  }
  let targets: TargetSet;
  try {
    targets = new TargetSet({
      include,
      exclude,
      ports: config.ping ? "0" : config.ports,
    });
  } catch (e) {
    if (!isInputError(e)) throw e;
    throw new UsageError(e.message, { cause: e });
  }
  if (
    targets.ipv4Count > LARGE_SCAN_ADDRESSES && !config.excludeGiven &&
    !config.allowLargeScan
  ) {
    throw new UsageError(
      `${targets.ipv4Count} IPv4 addresses is more than a /8: give --exclude/--excludefile ` +
        `(e.g. --exclude 255.255.255.255) or --allow-large-scan to confirm`,
    );
  }
  return { targets, notes };
}
