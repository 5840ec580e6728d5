/**
 * The kernel's routing tables as text: `/proc/net/route` and
 * `/proc/net/ipv6_route` parsed into plain records, and the default route
 * picked from them. Pure functions: the caller reads the files.
 *
 * @module
 */

/** One IPv4 route from `/proc/net/route`. */
export interface Ipv4Route {
  /** Interface name. */
  ifname: string;
  /** Destination network, unsigned 32-bit. */
  destination: number;
  /** Next hop, unsigned 32-bit (0 for on-link routes). */
  gateway: number;
  /** Netmask, unsigned 32-bit. */
  mask: number;
  /** RTF_* flags (1 up, 2 gateway, 4 host, 0x200 reject). */
  flags: number;
  /** Route metric. */
  metric: number;
}

/** One IPv6 route from `/proc/net/ipv6_route`. */
export interface Ipv6Route {
  /** Interface name. */
  ifname: string;
  /** Destination network, 16 bytes. */
  destination: Uint8Array;
  /** Destination prefix length. */
  prefixLength: number;
  /** Next hop, 16 bytes (all zero for on-link routes). */
  gateway: Uint8Array;
  /** Route metric. */
  metric: number;
  /** RTF_* flags. */
  flags: number;
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;
const RTF_REJECT = 0x200;

// /proc/net/route prints each address as the hex of the u32 in host byte
// order; on a little-endian host 198.18.0.2 reads "020012C6".
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function procAddress(hex: string): number {
  const raw = parseInt(hex, 16) >>> 0;
  if (!LITTLE_ENDIAN) return raw;
  return (((raw & 0xff) << 24) | ((raw & 0xff00) << 8) |
    ((raw >>> 8) & 0xff00) | (raw >>> 24)) >>> 0;
}

/**
 * Parses `/proc/net/route` (the header line and malformed lines are
 * skipped).
 *
 * @example
 * ```ts
 * import { parseProcNetRoute } from "./mod.ts";
 * const routes = parseProcNetRoute(
 *   "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n" +
 *     "veth0\t00000000\t020012C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n",
 * );
 * routes[0].gateway; // 0xc6120002 (198.18.0.2) on a little-endian host
 * ```
 */
export function parseProcNetRoute(text: string): Ipv4Route[] {
  const routes: Ipv4Route[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[0] === "Iface" || !/^[0-9A-Fa-f]{8}$/.test(f[1])) {
      continue;
    }
    routes.push({
      ifname: f[0],
      destination: procAddress(f[1]),
      gateway: procAddress(f[2]),
      flags: parseInt(f[3], 16),
      metric: parseInt(f[6], 10),
      mask: procAddress(f[7]),
    });
  }
  return routes;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

/**
 * Parses `/proc/net/ipv6_route` (every table, the local one included;
 * malformed lines are skipped).
 *
 * @example
 * ```ts
 * import { parseIpv6Route } from "./mod.ts";
 * const [route] = parseIpv6Route(
 *   "00000000000000000000000000000000 00 00000000000000000000000000000000 00 " +
 *     "fe800000000000000000000000000001 00000400 00000001 00000000 00000003 veth0\n",
 * );
 * route.prefixLength; // 0: a default route, via fe80::1
 * ```
 */
export function parseIpv6Route(text: string): Ipv6Route[] {
  const routes: Ipv6Route[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (
      f.length < 10 || !/^[0-9a-fA-F]{32}$/.test(f[0]) ||
      !/^[0-9a-fA-F]{32}$/.test(f[4])
    ) continue;
    routes.push({
      destination: hexBytes(f[0]),
      prefixLength: parseInt(f[1], 16),
      gateway: hexBytes(f[4]),
      metric: parseInt(f[5], 16) >>> 0,
      flags: parseInt(f[8], 16),
      ifname: f[9],
    });
  }
  return routes;
}

/**
 * The usable IPv4 default route with the lowest metric (on `ifname` when
 * given), or undefined.
 *
 * @example
 * ```ts
 * import { defaultRoute4, parseProcNetRoute } from "./mod.ts";
 * defaultRoute4(parseProcNetRoute("")); // undefined
 * ```
 */
export function defaultRoute4(
  routes: Ipv4Route[],
  ifname?: string,
): Ipv4Route | undefined {
  return routes
    .filter((r) =>
      r.mask === 0 && r.destination === 0 && (r.flags & RTF_UP) !== 0 &&
      (r.flags & RTF_GATEWAY) !== 0 && (r.flags & RTF_REJECT) === 0 &&
      (ifname === undefined || r.ifname === ifname)
    )
    .sort((a, b) => a.metric - b.metric)[0];
}

/**
 * The usable IPv6 default route with the lowest metric (on `ifname` when
 * given), or undefined. The kernel's `unreachable` default on `lo` is not
 * usable.
 *
 * @example
 * ```ts
 * import { defaultRoute6, parseIpv6Route } from "./mod.ts";
 * defaultRoute6(parseIpv6Route("")); // undefined
 * ```
 */
export function defaultRoute6(
  routes: Ipv6Route[],
  ifname?: string,
): Ipv6Route | undefined {
  return routes
    .filter((r) =>
      r.prefixLength === 0 && (r.flags & RTF_UP) !== 0 &&
      (r.flags & RTF_GATEWAY) !== 0 && (r.flags & RTF_REJECT) === 0 &&
      r.ifname !== "lo" && (ifname === undefined || r.ifname === ifname)
    )
    .sort((a, b) => a.metric - b.metric)[0];
}
