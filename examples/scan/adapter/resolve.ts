/**
 * Resolving the adapter: every flag validated first, then the interface,
 * our MAC, and for each address family the scan needs our address and the
 * router's MAC (see the folder's mod.ts for what is detected and how).
 *
 * @module
 */

import { parseAdapterName } from "../../../drivers/mod.ts";
import {
  formatIpv4,
  formatIpv6,
  formatMac,
  parseIpv4,
  parseIpv6,
  parseMac,
} from "../../../packet/mod.ts";
import { arpSolicitation, ndpSolicitation, resolveRouter } from "./neighbor.ts";
import {
  defaultRoute4,
  defaultRoute6,
  type Ipv4Route,
  type Ipv6Route,
  parseIpv6Route,
  parseProcNetRoute,
} from "./routes.ts";
import {
  type InterfaceAddress,
  interfaceAddresses,
  interfaceNames,
  readText,
} from "./system.ts";
import {
  type Adapter,
  ADAPTER_FLAGS,
  AdapterError,
  type AdapterRequest,
} from "./types.ts";

const MAC_FORM = "a MAC address (expected 6 hex bytes, e.g. 02:00:5e:10:00:01)";
const IPV4_FORM = "an IPv4 address (expected e.g. 198.18.0.1)";
const IPV6_FORM = "an IPv6 address (expected e.g. 2001:2::1)";

const PLACEHOLDER = {
  mac: "02:00:00:00:00:01",
  router: "02:00:00:00:00:02",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
};

/** The request's flags, parsed: each undefined when not given. */
interface GivenSettings {
  mac?: Uint8Array;
  routerMac?: Uint8Array;
  routerMacIpv6?: Uint8Array;
  ipv4?: number;
  ipv6?: Uint8Array;
  routerIp4?: number;
  routerIp6?: Uint8Array;
}

function parseSetting<T>(
  key: keyof typeof ADAPTER_FLAGS,
  value: string | undefined,
  parse: (text: string) => T,
  expected: string,
): T | undefined {
  if (value === undefined) return undefined;
  try {
    return parse(value.trim());
  } catch (e) {
    // The address parsers throw SyntaxError or RangeError for bad text.
    if (!(e instanceof SyntaxError || e instanceof RangeError)) throw e;
    const flag = ADAPTER_FLAGS[key];
    throw new AdapterError(
      "bad-setting",
      `${flag}: "${value}" is not ${expected}`,
      flag,
      { cause: e },
    );
  }
}

/** Every flag of `request` checked, before anything is read or sent. */
function parseSettings(request: AdapterRequest): GivenSettings {
  const routerIp = request.routerIp?.trim();
  const routerIsIpv6 = routerIp?.includes(":") ?? false;
  return {
    mac: parseSetting("adapterMac", request.adapterMac, parseMac, MAC_FORM),
    routerMac: parseSetting("routerMac", request.routerMac, parseMac, MAC_FORM),
    routerMacIpv6: parseSetting(
      "routerMacIpv6",
      request.routerMacIpv6,
      parseMac,
      MAC_FORM,
    ),
    ipv4: parseSetting("adapterIp", request.adapterIp, parseIpv4, IPV4_FORM),
    ipv6: parseSetting(
      "adapterIpv6",
      request.adapterIpv6,
      (t) => parseIpv6(t),
      IPV6_FORM,
    ),
    routerIp4: routerIsIpv6 ? undefined : parseSetting(
      "routerIp",
      request.routerIp,
      parseIpv4,
      `${IPV4_FORM} or an IPv6 address`,
    ),
    routerIp6: routerIsIpv6
      ? parseSetting(
        "routerIp",
        request.routerIp,
        (t) => parseIpv6(t),
        IPV6_FORM,
      )
      : undefined,
  };
}

/** `-e`: which driver kind, on which device ("" = detect the interface). */
function parseDriverChoice(text: string | undefined): {
  kind: string;
  device: string;
} {
  const adapter = text?.trim() ?? "";
  // A bare prefix: that driver on the detected interface.
  if (/^(pcap|ring|zc|netmap|xdp):$/.test(adapter)) {
    return { kind: adapter.slice(0, -1), device: "" };
  }
  if (adapter === "") return { kind: "pcap", device: "" };
  try {
    return parseAdapterName(adapter);
  } catch (e) {
    throw new AdapterError(
      "bad-setting",
      `${ADAPTER_FLAGS.adapter}: ${(e as Error).message}`,
      ADAPTER_FLAGS.adapter,
      { cause: e },
    );
  }
}

/** The interface and routes a live scan uses. */
interface Link {
  ifname: string;
  driverName: string;
  /** The driver ARP and NDP go through. */
  resolver: string;
  mac: Uint8Array;
  routes4: Ipv4Route[];
  routes6: Ipv6Route[];
  addresses: InterfaceAddress[];
}

/** Picks the interface (given, or the default route's) and reads its MAC and addresses. */
async function resolveLink(
  kind: string,
  device: string,
  request: AdapterRequest,
  given: GivenSettings,
  notes: string[],
): Promise<Link> {
  // zc: and netmap: keep their prefix in the device name (their libraries'
  // syntax); netmap may add a ring suffix (eth0^, eth0-1, eth0@...).
  let ifname = device.replace(/^(zc|netmap|xdp\+zc):/, "");
  if (kind === "netmap") ifname = ifname.replace(/[\^*{}@/].*$/, "");
  // xdp:IF@Q: queue Q of IF (the driver parses and checks the queue).
  if (kind === "xdp") ifname = ifname.replace(/@[^@]*$/, "");
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
    : kind === "xdp"
    ? xdpDriverName(device, ifname)
    : `${kind}:${ifname}`;
  // ARP and NDP go through pcap: or ring: on the same interface; netmap is
  // transmit-only and PF_RING may be absent, so those resolve with pcap;
  // xdp: (which sees only what its program redirects) with ring:.
  const resolver = kind === "ring" || kind === "xdp"
    ? `ring:${ifname}`
    : `pcap:${ifname}`;
  const mac = given.mac ?? await interfaceMac(ifname, notes);
  // IPv6 flags (tentative, ...) are needed only to pick our own address.
  const flagsFor = request.needIpv6 && given.ipv6 === undefined
    ? ifname
    : undefined;
  const addresses = await interfaceAddresses(flagsFor);
  return { ifname, driverName, resolver, mac, routes4, routes6, addresses };
}

/** `xdp:IF[@Q]` or `xdp+zc:IF[@Q]`, keeping the queue and the zero-copy prefix. */
function xdpDriverName(device: string, ifname: string): string {
  if (device === "") return `xdp:${ifname}`;
  return device.startsWith("xdp+zc:") ? device : `xdp:${device}`;
}

async function interfaceMac(
  ifname: string,
  notes: string[],
): Promise<Uint8Array> {
  const path = `/sys/class/net/${ifname}/address`;
  const text = (await readText(path)).trim();
  let mac: Uint8Array;
  try {
    mac = parseMac(text);
  } catch (e) {
    throw new AdapterError(
      "no-address",
      `${ifname} has no Ethernet MAC ("${text}"): give ${ADAPTER_FLAGS.adapterMac}`,
      ADAPTER_FLAGS.adapterMac,
      { cause: e },
    );
  }
  notes.push(`adapter-mac ${formatMac(mac)}: ${path}`);
  return mac;
}

/** How one address family's source address and router are found. */
interface FamilyRules<A> {
  version: 4 | 6;
  /** Our address, if given. */
  given: A | undefined;
  /** The next hop to resolve, if given with --router-ip. */
  givenRouterIp: A | undefined;
  /** The router MAC, if given (IPv6 falls back to --router-mac, noted). */
  givenRouterMac: Uint8Array | undefined;
  parse(text: string): A;
  format(address: A): string;
  same(a: A, b: A): boolean;
  /** Our usable addresses on the interface, best first. */
  candidates(link: Link): InterfaceAddress[];
  /** The default route's next hop on the interface. */
  gateway(link: Link): A | undefined;
  /** The request that asks `gateway` for its MAC, from `source`. */
  solicitation(
    link: Link,
    source: A,
    gateway: A,
  ): ReturnType<typeof arpSolicitation>;
  flags: { address: string; routerMac: string };
  names: {
    family: string;
    route: string;
    address: string;
    routerMac: string;
    gateway: string;
  };
  /** What the receive side does for a foreign address. */
  answers: string;
}

/** Our address, the router's address and MAC for one family. */
interface FamilyResult<A> {
  address: A | undefined;
  foreign: boolean;
  routerIp?: A;
  routerMac?: Uint8Array;
}

/** Resolves one address family: see {@linkcode FamilyRules}. */
async function resolveFamily<A>(
  rules: FamilyRules<A>,
  link: Link,
  needed: boolean,
  timeoutMs: number,
  notes: string[],
): Promise<FamilyResult<A>> {
  const { ifname } = link;
  let address = rules.given;
  if (address === undefined && needed) {
    const a = rules.candidates(link)[0];
    if (!a) {
      throw new AdapterError(
        "no-address",
        `${ifname} has no ${rules.names.family} address: give ${rules.flags.address}`,
        rules.flags.address,
      );
    }
    address = rules.parse(a.address);
    notes.push(
      `${rules.names.address} ${a.address}: first ${rules.names.family} address of ${ifname}`,
    );
  }
  const result: FamilyResult<A> = { address, foreign: false };
  if (address !== undefined) {
    const owned = link.addresses.some((o) =>
      o.family === rules.version && rules.same(rules.parse(o.address), address!)
    );
    if (!owned) {
      result.foreign = true;
      notes.push(
        `${rules.names.address} ${
          rules.format(address)
        } is not a local address: the receive side ${rules.answers} for it`,
      );
    }
  }
  if (!needed) return result;
  result.routerIp = rules.givenRouterIp ?? rules.gateway(link);
  if (rules.givenRouterMac) {
    result.routerMac = rules.givenRouterMac;
    return result;
  }
  const gateway = result.routerIp;
  if (gateway === undefined) {
    throw new AdapterError(
      "no-route",
      `no ${rules.names.route} default route on ${ifname} to find the router from: give ${rules.flags.routerMac} (or ${
        rules.version === 4 ? ADAPTER_FLAGS.routerIp : ADAPTER_FLAGS.routerMac
      }${rules.version === 4 ? " to resolve" : ""})`,
      rules.flags.routerMac,
    );
  }
  result.routerMac = await resolveRouter({
    ask: rules.solicitation(link, address!, gateway),
    address: rules.format(gateway),
    source: rules.givenRouterIp === undefined
      ? rules.names.gateway
      : ADAPTER_FLAGS.routerIp,
    resolver: link.resolver,
    ifname,
    timeoutMs,
    label: rules.names.routerMac,
    flag: rules.flags.routerMac,
  }, notes);
  return result;
}

function ipv4Rules(given: GivenSettings): FamilyRules<number> {
  return {
    version: 4,
    given: given.ipv4,
    givenRouterIp: given.routerIp4,
    givenRouterMac: given.routerMac,
    parse: parseIpv4,
    format: formatIpv4,
    same: (a, b) => a === b,
    candidates: (link) =>
      link.addresses.filter((a) =>
        a.ifname === link.ifname && a.family === 4 && a.scope !== "host"
      ),
    gateway: (link) =>
      defaultRoute4(link.routes4, link.ifname)?.gateway || undefined,
    solicitation: (link, source, gateway) =>
      arpSolicitation(link.mac, source, gateway),
    flags: {
      address: ADAPTER_FLAGS.adapterIp,
      routerMac: ADAPTER_FLAGS.routerMac,
    },
    names: {
      family: "IPv4",
      route: "IPv4",
      address: "adapter-ip",
      routerMac: "router-mac",
      gateway: "default gateway",
    },
    answers: "answers ARP",
  };
}

function ipv6Rules(
  given: GivenSettings,
  notes: string[],
): FamilyRules<Uint8Array> {
  const routerMac = given.routerMacIpv6 ?? given.routerMac;
  if (routerMac && !given.routerMacIpv6) {
    notes.push(`router-mac-ipv6: ${ADAPTER_FLAGS.routerMac} used for IPv6 too`);
  }
  return {
    version: 6,
    given: given.ipv6,
    givenRouterIp: given.routerIp6,
    givenRouterMac: routerMac,
    parse: (t) => parseIpv6(t),
    format: (a) => formatIpv6(a),
    same: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]),
    candidates: (link) => {
      const usable = link.addresses.filter((a) =>
        a.ifname === link.ifname && a.family === 6 && a.scope === "global" &&
        !a.tentative && !a.dadfailed
      );
      return [
        ...usable.filter((a) => !a.deprecated),
        ...usable.filter((a) => a.deprecated),
      ];
    },
    gateway: (link) => defaultRoute6(link.routes6, link.ifname)?.gateway,
    solicitation: (link, ours, gateway) => {
      // Solicit from our link-local address when we have one: routers answer
      // it without a route back, and it works with a foreign adapter-ipv6.
      const linkLocal = link.addresses.find((a) =>
        a.ifname === link.ifname && a.family === 6 && a.scope === "link" &&
        !a.tentative
      );
      const source = linkLocal ? parseIpv6(linkLocal.address) : ours;
      return ndpSolicitation(link.mac, source, gateway);
    },
    flags: {
      address: ADAPTER_FLAGS.adapterIpv6,
      routerMac: ADAPTER_FLAGS.routerMacIpv6,
    },
    names: {
      family: "global IPv6",
      route: "IPv6",
      address: "adapter-ipv6",
      routerMac: "router-mac-ipv6",
      gateway: "IPv6 default gateway",
    },
    answers: "answers neighbor solicitations",
  };
}

/**
 * Resolves the adapter settings, detecting what the request leaves out (see
 * mod.ts). Throws {@linkcode AdapterError} naming the flag that fixes the
 * problem. Needs root (or CAP_NET_RAW) when it has to resolve a router's
 * MAC.
 *
 * @example
 * ```ts
 * import { resolveAdapter } from "./mod.ts";
 * const adapter = await resolveAdapter({ needIpv4: true, needIpv6: false, offline: true });
 * console.log(adapter.driverName); // "null"
 * ```
 */
export async function resolveAdapter(
  request: AdapterRequest,
): Promise<Adapter> {
  const given = parseSettings(request);
  const { kind, device } = parseDriverChoice(request.adapter);
  const notes: string[] = [];
  if (request.offline || kind === "null" || kind === "file") {
    return placeholders(request, kind, device, given, notes);
  }
  const timeoutMs = request.resolveTimeoutMs ?? 1000;
  const link = await resolveLink(kind, device, request, given, notes);
  const v4 = await resolveFamily(
    ipv4Rules(given),
    link,
    request.needIpv4,
    timeoutMs,
    notes,
  );
  const v6 = await resolveFamily(
    ipv6Rules(given, request.needIpv6 ? notes : []),
    link,
    request.needIpv6,
    timeoutMs,
    notes,
  );
  return {
    driverName: link.driverName,
    ifname: link.ifname,
    mac: link.mac,
    ipv4: v4.address,
    ipv6: v6.address,
    routerMac4: v4.routerMac,
    routerMac6: v6.routerMac,
    routerIp4: v4.routerIp,
    routerIp6: v6.routerIp,
    foreignIpv4: v4.foreign,
    foreignIpv6: v6.foreign,
    notes,
  };
}

/** `--offline`, `null` and `file:`: given settings, placeholders for the rest. */
function placeholders(
  request: AdapterRequest,
  kind: string,
  device: string,
  given: GivenSettings,
  notes: string[],
): Adapter {
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
  const nothing = request.offline || kind === "null";
  const adapter: Adapter = {
    driverName: nothing ? "null" : `file:${device}`,
    ifname: nothing ? "null" : device,
    mac: fill(given.mac, PLACEHOLDER.mac, "adapter-mac", parseMac),
    foreignIpv4: false,
    foreignIpv6: false,
    notes,
  };
  if (request.needIpv4 || given.ipv4 !== undefined) {
    adapter.ipv4 = fill(given.ipv4, PLACEHOLDER.ipv4, "adapter-ip", parseIpv4);
  }
  if (request.needIpv6 || given.ipv6 !== undefined) {
    adapter.ipv6 = fill(
      given.ipv6,
      PLACEHOLDER.ipv6,
      "adapter-ipv6",
      (t) => parseIpv6(t),
    );
  }
  if (request.needIpv4) {
    adapter.routerMac4 = fill(
      given.routerMac,
      PLACEHOLDER.router,
      "router-mac",
      parseMac,
    );
    adapter.routerIp4 = given.routerIp4;
  }
  if (request.needIpv6) {
    adapter.routerMac6 = fill(
      given.routerMacIpv6 ?? given.routerMac,
      PLACEHOLDER.router,
      "router-mac-ipv6",
      parseMac,
    );
    adapter.routerIp6 = given.routerIp6;
  }
  return adapter;
}
