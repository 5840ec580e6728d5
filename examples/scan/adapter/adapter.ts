/**
 * Adapter settings, like masscan's: which interface and driver to send
 * through, our MAC and IP addresses, and the MAC of the router every probe is
 * addressed to. Whatever the user leaves out is detected, as masscan does:
 *
 * - the interface: the one the default route uses (`/proc/net/route`, or
 *   `/proc/net/ipv6_route` for an IPv6-only scan);
 * - our addresses: the interface's first global IPv4 / IPv6 address
 *   (`ip -j addr`), its MAC from `/sys/class/net/IF/address`;
 * - the IPv4 router's MAC: an ARP request for the default gateway sent
 *   through the zon driver itself, reply caught with a BPF filter;
 * - the IPv6 router's MAC: a neighbor solicitation for the IPv6 default
 *   gateway, also through the driver — its own answer, never the IPv4
 *   router's MAC (masscan issue #541). Only when the driver path fails is the
 *   kernel's neighbor table (`ip -j neigh`) consulted, and `notes` says so.
 *
 * On-link targets: masscan sends every probe to one MAC, the router's. With
 * no default route there is no router to ask for, and guessing one (say, the
 * first target) would silently send every other target's probes to the wrong
 * host, so {@linkcode resolveAdapter} throws instead and asks for
 * `--router-ip` (the next hop to resolve) or `--router-mac`. A lab whose
 * targets share the scanner's link gives the peer's MAC, or a default route
 * via the peer.
 *
 * `--offline`, and the `null` and `file:` drivers, touch no interface: given
 * settings are used and the rest are fixed placeholders (noted), since the
 * frames never reach a network.
 *
 * @module
 */

import { openDriver, parseAdapterName } from "../../../drivers/mod.ts";
import type { PacketDriver } from "../../../drivers/mod.ts";
import {
  ArpPacket,
  ArpRequestTemplate,
  emitPacket,
  EthernetFrame,
  EtherType,
  formatIpv4,
  formatIpv6,
  formatMac,
  IcmpPacket,
  Icmpv6Type,
  IpProtocol,
  Ipv6Packet,
  parseIpv4,
  parseIpv6,
  parseMac,
} from "../../../packet/mod.ts";

/** The user's adapter settings (each optional) and what the scan needs. */
export interface AdapterRequest {
  /** `-e/--adapter`: an interface, optionally with a driver prefix (`pcap:`, `ring:`, `zc:`, `netmap:`, `file:`, `null`); a bare prefix such as `ring:` picks the driver and leaves the interface to detection. */
  adapter?: string;
  /** `--adapter-ip`: our IPv4 source address. */
  adapterIp?: string;
  /** `--adapter-ipv6`: our IPv6 source address. */
  adapterIpv6?: string;
  /** `--adapter-mac`: our source MAC. */
  adapterMac?: string;
  /** `--router-mac`: the next hop's MAC; also used for IPv6 unless `routerMacIpv6` is given. */
  routerMac?: string;
  /** `--router-mac-ipv6`: the IPv6 next hop's MAC. */
  routerMacIpv6?: string;
  /** `--router-ip`: the next hop to resolve instead of the default gateway (IPv4, or IPv6 text for the IPv6 next hop). */
  routerIp?: string;
  /** The scan has IPv4 targets: an IPv4 address and router MAC are required. */
  needIpv4: boolean;
  /** The scan has IPv6 targets: an IPv6 address and router MAC are required. */
  needIpv6: boolean;
  /** `--offline`: detect nothing, send nothing; the driver is `null`. */
  offline?: boolean;
  /** How long to wait for the router's ARP/NDP answer, in ms (default 1000; requests are repeated every quarter of it). */
  resolveTimeoutMs?: number;
}

/** The resolved adapter: everything the transmit and receive sides need. */
export interface AdapterInfo {
  /** The name to pass to `openDriver`, with its prefix: `"pcap:veth0"`, `"ring:veth0"`, `"null"`. */
  driverName: string;
  /** The network interface (the file path for `file:`, `"null"` for `null`). */
  ifname: string;
  /** Our IPv4 source address, unsigned 32-bit. */
  ipv4?: number;
  /** Our IPv6 source address, 16 bytes. */
  ipv6?: Uint8Array;
  /** Our source MAC, 6 bytes. */
  mac: Uint8Array;
  /** Destination MAC of IPv4 probes. */
  routerMac4?: Uint8Array;
  /** Destination MAC of IPv6 probes. */
  routerMac6?: Uint8Array;
  /** The IPv4 next hop whose MAC is `routerMac4`, when known. */
  routerIp4?: number;
  /** The IPv6 next hop whose MAC is `routerMac6`, when known. */
  routerIp6?: Uint8Array;
  /** `ipv4` is not an address the kernel owns: the receive side must answer ARP for it. */
  foreignIpv4: boolean;
  /** `ipv6` is not an address the kernel owns: the receive side must answer neighbor solicitations for it. */
  foreignIpv6: boolean;
  /** What was detected and how, one line each (for `--echo` and `-v`). */
  notes: string[];
}

/** The command-line flag behind each setting, for error messages. */
export const ADAPTER_FLAGS = {
  adapter: "-e/--adapter",
  adapterIp: "--adapter-ip",
  adapterIpv6: "--adapter-ipv6",
  adapterMac: "--adapter-mac",
  routerMac: "--router-mac",
  routerMacIpv6: "--router-mac-ipv6",
  routerIp: "--router-ip",
} as const;

/**
 * What went wrong, for callers that react to it:
 * `bad-setting` (a malformed flag value; `flag` names it),
 * `unknown-interface`, `no-route` (nothing to detect the interface or router
 * from), `no-address` (the interface lacks the address family the scan
 * needs), `no-reply` (the router did not answer ARP/NDP in time),
 * `system` (`ip` or `/proc` could not be read).
 */
export type AdapterErrorCode =
  | "bad-setting"
  | "unknown-interface"
  | "no-route"
  | "no-address"
  | "no-reply"
  | "system";

/** Adapter settings could not be resolved; the message says what to give. */
export class AdapterError extends Error {
  /** Which failure this is. */
  readonly code: AdapterErrorCode;
  /** The flag at fault or the flag that would fix it, when there is one. */
  readonly flag?: string;
  /**
   * Creates the error.
   *
   * @example
   * ```ts
   * import { AdapterError } from "./adapter.ts";
   * const err = new AdapterError("bad-setting", "--router-mac: ...", "--router-mac");
   * console.log(err.code); // "bad-setting"
   * ```
   */
  constructor(
    code: AdapterErrorCode,
    message: string,
    flag?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AdapterError";
    this.code = code;
    this.flag = flag;
  }
}

// ---------------------------------------------------------------- routes

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
 * import { parseProcNetRoute } from "./adapter.ts";
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
 * import { parseIpv6Route } from "./adapter.ts";
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
 * import { defaultRoute4, parseProcNetRoute } from "./adapter.ts";
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
 * import { defaultRoute6, parseIpv6Route } from "./adapter.ts";
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

// ---------------------------------------------------------- neighbor discovery

/**
 * The solicited-node multicast address of `target` (ff02::1:ffXX:XXXX,
 * RFC 4291), where a neighbor solicitation for it is sent.
 *
 * @example
 * ```ts
 * import { solicitedNodeAddress } from "./adapter.ts";
 * import { formatIpv6, parseIpv6 } from "../../../packet/mod.ts";
 * formatIpv6(solicitedNodeAddress(parseIpv6("2001:2::1:2:3"))); // "ff02::1:ff02:3"
 * ```
 */
export function solicitedNodeAddress(target: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[0] = 0xff;
  out[1] = 0x02;
  out[11] = 0x01;
  out[12] = 0xff;
  out.set(target.subarray(13, 16), 13);
  return out;
}

/**
 * Writes an Ethernet + IPv6 + ICMPv6 neighbor solicitation for `target`
 * (RFC 4861 §4.3: hop limit 255, sent to the target's solicited-node group,
 * with our MAC as source link-layer address option) into `buf` at `offset`;
 * returns its length (86).
 *
 * @example
 * ```ts
 * import { writeNeighborSolicitation } from "./adapter.ts";
 * import { parseIpv6, parseMac } from "../../../packet/mod.ts";
 * const buf = new Uint8Array(128);
 * writeNeighborSolicitation(buf, 0, parseMac("02:00:00:00:00:01"),
 *   parseIpv6("fe80::1"), parseIpv6("fe80::2")); // 86
 * ```
 */
export function writeNeighborSolicitation(
  buf: Uint8Array,
  offset: number,
  mac: Uint8Array,
  source: Uint8Array,
  target: Uint8Array,
): number {
  const group = solicitedNodeAddress(target);
  const body = new Uint8Array(24);
  body.set(target.subarray(0, 16), 0);
  body[16] = 1; // option: source link-layer address
  body[17] = 1; // length in units of 8 bytes
  body.set(mac.subarray(0, 6), 18);
  return emitPacket(
    {
      ethernet: {
        destination: new Uint8Array([0x33, 0x33, ...group.subarray(12, 16)]),
        source: mac,
      },
      ip: { version: 6, source, destination: group, hopLimit: 255 },
      transport: {
        protocol: "icmp",
        type: Icmpv6Type.NEIGHBOR_SOLICITATION,
        code: 0,
        rest: 0,
        payload: body,
      },
    },
    buf,
    offset,
  );
}

// A 60-byte minimum Ethernet frame: NICs pad short frames, veth and savefiles
// do not, and some stacks drop runts.
const MIN_FRAME = 60;

/** A MAC from the driver path: which answer, how long it took. */
interface Resolved {
  mac: Uint8Array;
  ms: number;
  requests: number;
}

/**
 * Sends `write`'s frame through `driverName` every `timeoutMs / 4` until
 * `match` returns a MAC for a received frame, or `timeoutMs` passes (null).
 */
async function solicit(
  driverName: string,
  filter: string,
  write: (buf: Uint8Array) => number,
  match: (frame: Uint8Array) => Uint8Array | null,
  timeoutMs: number,
): Promise<Resolved | null> {
  const driver: PacketDriver = await openDriver(driverName, {
    mode: "both",
    filter,
    snaplen: 256,
    bufferSize: 1 << 20,
  });
  try {
    const frame = new Uint8Array(128);
    const length = Math.max(write(frame), MIN_FRAME);
    const started = performance.now();
    const deadline = started + timeoutMs;
    const interval = Math.max(1, timeoutMs / 4);
    let requests = 0;
    while (performance.now() < deadline) {
      driver.send(frame.subarray(0, length));
      driver.flush();
      requests++;
      const resend = Math.min(deadline, performance.now() + interval);
      for (let now = performance.now(); now < resend; now = performance.now()) {
        for (let f = driver.recv(); f !== null; f = driver.recv()) {
          const mac = match(f);
          if (mac) {
            return {
              mac,
              ms: Math.round(performance.now() - started),
              requests,
            };
          }
        }
        driver.wait(Math.max(1, Math.ceil(resend - now)));
      }
    }
    return null;
  } finally {
    driver.close();
  }
}

function arpMatcher(gateway: number): (frame: Uint8Array) => Uint8Array | null {
  const eth = new EthernetFrame();
  const arp = new ArpPacket();
  return (frame) => {
    eth.at(frame);
    if (eth.check() !== null || eth.etherType !== EtherType.ARP) return null;
    arp.at(frame, eth.payloadOffset);
    if (arp.check() !== null || arp.operation !== 2) return null;
    if (arp.senderIp !== gateway) return null;
    return frame.slice(arp.senderMacOffset, arp.senderMacOffset + 6);
  };
}

function naMatcher(
  target: Uint8Array,
): (frame: Uint8Array) => Uint8Array | null {
  const eth = new EthernetFrame();
  const ip = new Ipv6Packet();
  const icmp = new IcmpPacket();
  return (frame) => {
    eth.at(frame);
    if (eth.check() !== null || eth.etherType !== EtherType.IPV6) return null;
    ip.at(frame, eth.payloadOffset);
    // RFC 4861 §7.1.2: a valid advertisement arrives with hop limit 255.
    if (
      ip.check() !== null || ip.nextHeader !== IpProtocol.ICMPV6 ||
      ip.hopLimit !== 255
    ) return null;
    const at = ip.offset + 40;
    const end = ip.payloadEnd;
    if (at + 24 > end) return null;
    icmp.at(frame, at, end);
    if (icmp.type !== Icmpv6Type.NEIGHBOR_ADVERTISEMENT) return null;
    const t = icmp.targetAddressOffset;
    for (let i = 0; i < 16; i++) if (frame[t + i] !== target[i]) return null;
    // The target link-layer address option names the router's MAC; an
    // advertisement without it (allowed for unicast solicitations) came from
    // the router itself, so its Ethernet source is the answer.
    for (let o = at + 24; o + 8 <= end;) {
      const length = frame[o + 1] * 8;
      if (length === 0) break;
      if (frame[o] === 2 && length >= 8) return frame.slice(o + 2, o + 8);
      o += length;
    }
    return frame.slice(eth.sourceOffset, eth.sourceOffset + 6);
  };
}

// ------------------------------------------------------------ system reads

interface IpAddrInfo {
  family: string;
  local: string;
  scope?: string;
  tentative?: boolean;
  dadfailed?: boolean;
  deprecated?: boolean;
}
interface IpLink {
  ifname: string;
  addr_info?: IpAddrInfo[];
}

async function ip(args: string[]): Promise<unknown> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("ip", {
      args: ["-j", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new AdapterError(
      "system",
      `cannot run "ip" (iproute2) to read interface addresses: ${
        (e as Error).message
      }`,
      undefined,
      { cause: e },
    );
  }
  if (!out.success) {
    throw new AdapterError(
      "system",
      `ip -j ${args.join(" ")} failed: ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
  const text = new TextDecoder().decode(out.stdout).trim();
  return text === "" ? [] : JSON.parse(text);
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    throw new AdapterError(
      "system",
      `cannot read ${path}: ${(e as Error).message}`,
      undefined,
      { cause: e },
    );
  }
}

async function interfaceNames(): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir("/sys/class/net")) {
      names.push(entry.name);
    }
  } catch { /* no sysfs: the caller's message just lists nothing */ }
  return names.sort();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// ------------------------------------------------------------------ resolve

function parseSetting<T>(
  key: keyof typeof ADAPTER_FLAGS,
  value: string | undefined,
  parse: (text: string) => T,
  expected: string,
): T | undefined {
  if (value === undefined) return undefined;
  try {
    return parse(value.trim());
  } catch {
    const flag = ADAPTER_FLAGS[key];
    throw new AdapterError(
      "bad-setting",
      `${flag}: "${value}" is not ${expected}`,
      flag,
    );
  }
}

const MAC_FORM = "a MAC address (expected 6 hex bytes, e.g. 02:00:5e:10:00:01)";
const IPV4_FORM = "an IPv4 address (expected e.g. 198.18.0.1)";
const IPV6_FORM = "an IPv6 address (expected e.g. 2001:2::1)";

const PLACEHOLDER = {
  mac: "02:00:00:00:00:01",
  router: "02:00:00:00:00:02",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
};

/**
 * Resolves the adapter settings, detecting what the request leaves out (see
 * the module docs). Throws {@linkcode AdapterError} naming the flag that
 * fixes the problem. Needs root (or CAP_NET_RAW) when it has to resolve a
 * router's MAC.
 *
 * @example
 * ```ts
 * import { resolveAdapter } from "./adapter.ts";
 * const info = await resolveAdapter({ needIpv4: true, needIpv6: false, offline: true });
 * console.log(info.driverName); // "null"
 * ```
 */
export async function resolveAdapter(
  request: AdapterRequest,
): Promise<AdapterInfo> {
  // Every flag is checked before anything is read or sent.
  const mac = parseSetting(
    "adapterMac",
    request.adapterMac,
    parseMac,
    MAC_FORM,
  );
  const routerMac = parseSetting(
    "routerMac",
    request.routerMac,
    parseMac,
    MAC_FORM,
  );
  const routerMacIpv6 = parseSetting(
    "routerMacIpv6",
    request.routerMacIpv6,
    parseMac,
    MAC_FORM,
  );
  const adapterIp = parseSetting(
    "adapterIp",
    request.adapterIp,
    parseIpv4,
    IPV4_FORM,
  );
  const adapterIpv6 = parseSetting(
    "adapterIpv6",
    request.adapterIpv6,
    (t) => parseIpv6(t),
    IPV6_FORM,
  );
  const routerIpText = request.routerIp?.trim();
  const routerIp = routerIpText?.includes(":") ? undefined : parseSetting(
    "routerIp",
    request.routerIp,
    parseIpv4,
    `${IPV4_FORM} or an IPv6 address`,
  );
  const routerIp6 = routerIpText?.includes(":")
    ? parseSetting("routerIp", request.routerIp, (t) => parseIpv6(t), IPV6_FORM)
    : undefined;
  const timeoutMs = request.resolveTimeoutMs ?? 1000;

  let kind: string;
  let device: string;
  const adapter = request.adapter?.trim() ?? "";
  if (/^(pcap|ring|zc|netmap):$/.test(adapter)) {
    // A bare prefix: that driver on the detected interface.
    kind = adapter.slice(0, -1);
    device = "";
  } else if (adapter === "") {
    kind = "pcap";
    device = "";
  } else {
    try {
      ({ kind, device } = parseAdapterName(adapter));
    } catch (e) {
      throw new AdapterError(
        "bad-setting",
        `${ADAPTER_FLAGS.adapter}: ${(e as Error).message}`,
        ADAPTER_FLAGS.adapter,
        { cause: e },
      );
    }
  }

  const notes: string[] = [];
  if (request.offline || kind === "null" || kind === "file") {
    return placeholders(request, kind, device, {
      mac,
      routerMac,
      routerMacIpv6,
      adapterIp,
      adapterIpv6,
      routerIp,
      routerIp6,
    }, notes);
  }

  // zc: and netmap: keep their prefix in the device name (their libraries'
  // syntax); netmap may add a ring suffix (eth0^, eth0-1, eth0@...).
  let ifname = device.replace(/^(zc|netmap):/, "");
  if (kind === "netmap") ifname = ifname.replace(/[\^*{}@/].*$/, "");
  const routes4 = parseProcNetRoute(await readText("/proc/net/route"));
  const routes6 = parseIpv6Route(await readText("/proc/net/ipv6_route"));
  if (ifname === "") {
    const route = (request.needIpv4 || !request.needIpv6
      ? defaultRoute4(routes4)
      : undefined) ?? defaultRoute6(routes6);
    if (!route) {
      throw new AdapterError(
        "no-route",
        `no default route to detect the adapter from: give ${ADAPTER_FLAGS.adapter} and ${ADAPTER_FLAGS.routerMac}`,
        ADAPTER_FLAGS.adapter,
      );
    }
    ifname = route.ifname;
    notes.push(
      `adapter ${ifname}: the default route's interface (${
        "mask" in route ? "/proc/net/route" : "/proc/net/ipv6_route"
      })`,
    );
  }
  const names = await interfaceNames();
  if (ifname.includes("/") || !names.includes(ifname)) {
    throw new AdapterError(
      "unknown-interface",
      `${ADAPTER_FLAGS.adapter}: no network interface "${ifname}" here (interfaces: ${
        names.join(", ") || "none"
      })`,
      ADAPTER_FLAGS.adapter,
    );
  }
  const driverName = kind === "zc" || kind === "netmap"
    ? (device || `${kind}:${ifname}`)
    : `${kind}:${ifname}`;
  // ARP and NDP go through pcap: or ring: on the same interface; netmap is
  // transmit-only and PF_RING may be absent, so those resolve with pcap.
  const resolver = kind === "ring" ? `ring:${ifname}` : `pcap:${ifname}`;

  let ourMac = mac;
  if (!ourMac) {
    const text = (await readText(`/sys/class/net/${ifname}/address`)).trim();
    try {
      ourMac = parseMac(text);
    } catch {
      throw new AdapterError(
        "no-address",
        `${ifname} has no Ethernet MAC ("${text}"): give ${ADAPTER_FLAGS.adapterMac}`,
        ADAPTER_FLAGS.adapterMac,
      );
    }
    notes.push(
      `adapter-mac ${formatMac(ourMac)}: /sys/class/net/${ifname}/address`,
    );
  }

  const links = await ip(["addr", "show"]) as IpLink[];
  const all = links.flatMap((l) =>
    (l.addr_info ?? []).map((a) => ({ ...a, ifname: l.ifname }))
  );
  const mine = all.filter((a) => a.ifname === ifname);
  const owned4 = new Set(
    all.filter((a) => a.family === "inet").map((a) => parseIpv4(a.local)),
  );
  const owned6 = all.filter((a) => a.family === "inet6").map((a) =>
    parseIpv6(a.local)
  );

  const info: AdapterInfo = {
    driverName,
    ifname,
    mac: ourMac,
    foreignIpv4: false,
    foreignIpv6: false,
    notes,
  };

  // ---- IPv4
  info.ipv4 = adapterIp;
  if (info.ipv4 === undefined && request.needIpv4) {
    const a = mine.find((a) => a.family === "inet" && a.scope !== "host");
    if (!a) {
      throw new AdapterError(
        "no-address",
        `${ifname} has no IPv4 address: give ${ADAPTER_FLAGS.adapterIp}`,
        ADAPTER_FLAGS.adapterIp,
      );
    }
    info.ipv4 = parseIpv4(a.local);
    notes.push(`adapter-ip ${a.local}: first IPv4 address of ${ifname}`);
  }
  if (info.ipv4 !== undefined && !owned4.has(info.ipv4)) {
    info.foreignIpv4 = true;
    notes.push(
      `adapter-ip ${
        formatIpv4(info.ipv4)
      } is not a local address: the receive side answers ARP for it`,
    );
  }
  if (request.needIpv4) {
    const route = defaultRoute4(routes4, ifname);
    info.routerIp4 = routerIp ?? (route?.gateway || undefined);
    if (routerMac) {
      info.routerMac4 = routerMac;
    } else {
      if (info.routerIp4 === undefined) {
        throw new AdapterError(
          "no-route",
          `no IPv4 default route on ${ifname} to find the router from: give ${ADAPTER_FLAGS.routerMac} (or ${ADAPTER_FLAGS.routerIp} to resolve)`,
          ADAPTER_FLAGS.routerMac,
        );
      }
      const gateway = info.routerIp4;
      const template = new ArpRequestTemplate({
        sourceMac: ourMac,
        routerMac: new Uint8Array(6).fill(0xff),
        sourceIp: info.ipv4!,
      });
      info.routerMac4 = await resolveRouter(
        "ARP",
        formatIpv4(gateway),
        routerIp === undefined ? "default gateway" : ADAPTER_FLAGS.routerIp,
        resolver,
        "arp and arp[6:2] = 2",
        (buf) => template.write(buf, 0, gateway, 0, 0),
        arpMatcher(gateway),
        timeoutMs,
        ifname,
        notes,
        ADAPTER_FLAGS.routerMac,
      );
    }
  }

  // ---- IPv6
  info.ipv6 = adapterIpv6;
  if (info.ipv6 === undefined && request.needIpv6) {
    const usable = mine.filter((a) =>
      a.family === "inet6" && a.scope === "global" && !a.tentative &&
      !a.dadfailed
    );
    const a = usable.find((a) => !a.deprecated) ?? usable[0];
    if (!a) {
      throw new AdapterError(
        "no-address",
        `${ifname} has no global IPv6 address: give ${ADAPTER_FLAGS.adapterIpv6}`,
        ADAPTER_FLAGS.adapterIpv6,
      );
    }
    info.ipv6 = parseIpv6(a.local);
    notes.push(
      `adapter-ipv6 ${a.local}: first global IPv6 address of ${ifname}`,
    );
  }
  if (
    info.ipv6 !== undefined && !owned6.some((o) => sameBytes(o, info.ipv6!))
  ) {
    info.foreignIpv6 = true;
    notes.push(
      `adapter-ipv6 ${
        formatIpv6(info.ipv6)
      } is not a local address: the receive side answers neighbor solicitations for it`,
    );
  }
  if (request.needIpv6) {
    const route = defaultRoute6(routes6, ifname);
    info.routerIp6 = routerIp6 ?? route?.gateway;
    if (routerMacIpv6 ?? routerMac) {
      info.routerMac6 = routerMacIpv6 ?? routerMac;
      if (!routerMacIpv6) {
        notes.push(
          `router-mac-ipv6: ${ADAPTER_FLAGS.routerMac} used for IPv6 too`,
        );
      }
    } else {
      if (info.routerIp6 === undefined) {
        throw new AdapterError(
          "no-route",
          `no IPv6 default route on ${ifname} to find the router from: give ${ADAPTER_FLAGS.routerMacIpv6} (or ${ADAPTER_FLAGS.routerMac})`,
          ADAPTER_FLAGS.routerMacIpv6,
        );
      }
      const gateway = info.routerIp6;
      // Solicit from our link-local address when we have one: routers answer
      // it without a route back, and it works with a foreign adapter-ipv6.
      const linkLocal = mine.find((a) =>
        a.family === "inet6" && a.scope === "link" && !a.tentative
      );
      const source = linkLocal ? parseIpv6(linkLocal.local) : info.ipv6!;
      info.routerMac6 = await resolveRouter(
        "neighbor solicitation",
        formatIpv6(gateway),
        routerIp6 === undefined
          ? "IPv6 default gateway"
          : ADAPTER_FLAGS.routerIp,
        resolver,
        "icmp6 and ip6[40] = 136",
        (buf) => writeNeighborSolicitation(buf, 0, ourMac, source, gateway),
        naMatcher(gateway),
        timeoutMs,
        ifname,
        notes,
        ADAPTER_FLAGS.routerMacIpv6,
      );
    }
  }
  return info;
}

/**
 * Resolves a router's MAC through the driver; when that fails (no answer,
 * or the driver cannot open), reads the kernel's neighbor table instead and
 * notes it; throws `no-reply` when neither knows.
 */
async function resolveRouter(
  what: string,
  address: string,
  source: string,
  resolver: string,
  filter: string,
  write: (buf: Uint8Array) => number,
  match: (frame: Uint8Array) => Uint8Array | null,
  timeoutMs: number,
  ifname: string,
  notes: string[],
  flag: string,
): Promise<Uint8Array> {
  const label = what === "ARP" ? "router-mac" : "router-mac-ipv6";
  let failure: string;
  try {
    const got = await solicit(resolver, filter, write, match, timeoutMs);
    if (got) {
      notes.push(
        `${label} ${
          formatMac(got.mac)
        }: ${what} for ${address} (${source}) through ${resolver}, answered in ${got.ms} ms after ${got.requests} request(s)`,
      );
      return got.mac;
    }
    failure = `did not answer ${what} within ${timeoutMs} ms`;
  } catch (e) {
    failure = `could not be asked through ${resolver} (${
      (e as Error).message
    })`;
  }
  const neighbors = await ip([
    "neigh",
    "show",
    "dev",
    ifname,
    "to",
    address,
  ]) as {
    dst: string;
    lladdr?: string;
    state?: string[];
  }[];
  const entry = neighbors.find((n) =>
    n.lladdr &&
    !(n.state ?? []).some((s) => s === "FAILED" || s === "INCOMPLETE")
  );
  if (entry) {
    notes.push(
      `${label} ${entry.lladdr}: kernel neighbor table (ip neigh, ${
        (entry.state ?? []).join(",") || "no state"
      }), because the router ${address} ${failure}`,
    );
    return parseMac(entry.lladdr!);
  }
  throw new AdapterError(
    "no-reply",
    `router ${address} (${source}) on ${ifname} ${failure}, and the kernel has no neighbor entry for it: check the link, or give ${flag}`,
    flag,
  );
}

/** `--offline`, `null` and `file:`: given settings, placeholders for the rest. */
function placeholders(
  request: AdapterRequest,
  kind: string,
  device: string,
  given: {
    mac?: Uint8Array;
    routerMac?: Uint8Array;
    routerMacIpv6?: Uint8Array;
    adapterIp?: number;
    adapterIpv6?: Uint8Array;
    routerIp?: number;
    routerIp6?: Uint8Array;
  },
  notes: string[],
): AdapterInfo {
  const why = request.offline ? "--offline" : `the ${kind} driver`;
  const fill = <T>(
    value: T | undefined,
    text: string,
    name: string,
    parse: (t: string) => T,
  ): T => {
    if (value !== undefined) return value;
    notes.push(`${name} ${text}: placeholder (${why} detects nothing)`);
    return parse(text);
  };
  const info: AdapterInfo = {
    driverName: request.offline || kind === "null" ? "null" : `file:${device}`,
    ifname: request.offline || kind === "null" ? "null" : device,
    mac: fill(given.mac, PLACEHOLDER.mac, "adapter-mac", parseMac),
    foreignIpv4: false,
    foreignIpv6: false,
    notes,
  };
  if (request.needIpv4 || given.adapterIp !== undefined) {
    info.ipv4 = fill(
      given.adapterIp,
      PLACEHOLDER.ipv4,
      "adapter-ip",
      parseIpv4,
    );
  }
  if (request.needIpv6 || given.adapterIpv6 !== undefined) {
    info.ipv6 = fill(
      given.adapterIpv6,
      PLACEHOLDER.ipv6,
      "adapter-ipv6",
      (t) => parseIpv6(t),
    );
  }
  if (request.needIpv4) {
    info.routerMac4 = fill(
      given.routerMac,
      PLACEHOLDER.router,
      "router-mac",
      parseMac,
    );
    info.routerIp4 = given.routerIp;
  }
  if (request.needIpv6) {
    info.routerMac6 = fill(
      given.routerMacIpv6 ?? given.routerMac,
      PLACEHOLDER.router,
      "router-mac-ipv6",
      parseMac,
    );
    info.routerIp6 = given.routerIp6;
  }
  return info;
}
