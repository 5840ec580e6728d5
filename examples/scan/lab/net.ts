/**
 * The scan lab's network: one scanner namespace, one router namespace and a
 * few host namespaces, joined by veth pairs and a bridge, addressed from the
 * benchmarking ranges 198.18.0.0/15 and 2001:2::/48.
 *
 * ```text
 *  scanner ns               router ns                       host ns i
 *  zlab0 ─────── veth ───── up0  (ip_forward)               eth0
 *  198.18.0.2               198.18.0.1   br0 ── hi ── veth ─ 198.18.1.(11+i)
 *  2001:2::2                2001:2::1    198.18.1.1          2001:2:0:1::(11+i)
 *  (scans from .100/::100)               2001:2:0:1::1
 * ```
 *
 * No namespace has a link to anything outside the lab, so there is no route
 * out: a probe to any other address dies at the lab router. The scanner sends
 * from an adapter address its kernel does not own (198.18.0.100, 2001:2::100),
 * as masscan recommends, so the scanner kernel never answers SYN-ACKs with
 * RSTs; the router has a permanent neighbour entry for it, so replies reach
 * the scanner's link whether or not the scanner answers ARP/ND itself.
 *
 * @module
 */

import { inNs, ip, runCommand, sleep } from "./run.ts";

/** Fixed addressing of every lab (labs differ only in namespace names). */
export const LAB_ADDRESSES = {
  /** The scanner kernel's own IPv4 address (for `lab.exec` clients). */
  scannerIp: "198.18.0.2",
  /** The scanner kernel's own IPv6 address. */
  scannerIp6: "2001:2::2",
  /** `--adapter-ip` for IPv4 scans: not owned by the scanner kernel. */
  adapterIp: "198.18.0.100",
  /** `--adapter-ip` for IPv6 scans: not owned by the scanner kernel. */
  adapterIp6: "2001:2::100",
  /** MAC of the scanner's adapter (`--adapter-mac`). */
  adapterMac: "02:00:5a:1a:00:02",
  /** The router's address on the scanner link (`--router-ip`). */
  routerIp: "198.18.0.1",
  /** The router's IPv6 address on the scanner link. */
  routerIp6: "2001:2::1",
  /** MAC of the router on the scanner link (`--router-mac`). */
  routerMac: "02:00:5a:1a:00:01",
  /** The router's address on the hosts' bridge. */
  hostGateway: "198.18.1.1",
  /** The router's IPv6 address on the hosts' bridge. */
  hostGateway6: "2001:2:0:1::1",
} as const;

/** The adapter's interface name inside the scanner namespace. */
export const LAB_ADAPTER = "zlab0";

/** IPv4 address of host `i` (0-based): 198.18.1.11, .12, ... */
export function labHostIp(i: number): string {
  return `198.18.1.${11 + i}`;
}

/** IPv6 address of host `i` (0-based): 2001:2:0:1::11, ::12, ... */
export function labHostIp6(i: number): string {
  return `2001:2:0:1::${11 + i}`;
}

function hostMac(i: number): string {
  return `02:00:5a:1a:01:${(11 + i).toString(16).padStart(2, "0")}`;
}

/** Namespace names of one lab. */
export interface LabNamespaces {
  /** Where the scanner runs. */
  scanner: string;
  /** The lab router between the scanner and the hosts. */
  router: string;
  /** One per target host. */
  hosts: string[];
}

/** Every namespace of a lab, router last (the order they are deleted in). */
export function allNamespaces(ns: LabNamespaces): string[] {
  return [ns.scanner, ...ns.hosts, ns.router];
}

async function sysctl(ns: string, ...settings: string[]): Promise<void> {
  await inNs(ns, "sysctl", "-q", "-w", ...settings);
}

/**
 * `ip netns exec NAME` bind-mounts /etc/netns/NAME/resolv.conf over
 * /etc/resolv.conf. One without a nameserver makes any name lookup inside
 * the lab (Deno's update check, a library's reverse lookup) go to loopback,
 * instead of out of the lab towards the host's resolver.
 */
async function isolateResolver(name: string): Promise<void> {
  await Deno.mkdir(`/etc/netns/${name}`, { recursive: true });
  await Deno.writeTextFile(
    `/etc/netns/${name}/resolv.conf`,
    "# zon scan lab: no resolver inside the lab (lookups stay on loopback)\n",
  );
}

/** Removes what {@link isolateResolver} wrote (missing is fine). */
export async function removeNamespaceConfig(name: string): Promise<void> {
  await Deno.remove(`/etc/netns/${name}`, { recursive: true }).catch(() => {});
}

/**
 * `ip` with arguments written as in a shell: each part is split on spaces
 * (names and addresses never contain one), so a lab step reads as the
 * command it runs.
 */
function ipSh(...parts: string[]): Promise<string> {
  return ip(...parts.flatMap((p) => p.split(" ")));
}

/**
 * Creates the namespaces, links, addresses and routes of a lab. On failure
 * the caller deletes whatever namespaces exist ({@link allNamespaces}).
 */
export async function buildLabNetwork(ns: LabNamespaces): Promise<void> {
  await createNamespaces(ns);
  const vethEnds = [
    ...await linkScanner(ns),
    ...await linkHosts(ns),
  ];
  for (const [name, dev] of vethEnds) {
    // veth leaves TCP/UDP checksums to "hardware" by default: frames would
    // cross the link with unfinished checksums, which neither a real NIC nor
    // a capture shows. Software checksums make every frame final.
    await inNs(name, "ethtool", "-K", dev, "tx", "off");
    await ip("-n", name, "link", "set", dev, "up");
  }
  await ip("-n", ns.router, "link", "set", "br0", "up");
  await addRoutes(ns);
  await waitForCarrier(vethEnds);
}

/** Every namespace, quiet (no DAD, no router solicitations); the router forwards. */
async function createNamespaces(ns: LabNamespaces): Promise<void> {
  for (const name of allNamespaces(ns)) {
    await ip("netns", "add", name);
    await isolateResolver(name);
    // No duplicate address detection (addresses usable at once) and no
    // router solicitations (less noise on the links).
    await sysctl(
      name,
      "net.ipv6.conf.all.accept_dad=0",
      "net.ipv6.conf.default.accept_dad=0",
      "net.ipv6.conf.all.router_solicitations=0",
      "net.ipv6.conf.default.router_solicitations=0",
    );
    await inNs(name, "ip", "link", "set", "lo", "up");
  }
  await sysctl(
    ns.router,
    "net.ipv4.ip_forward=1",
    "net.ipv6.conf.all.forwarding=1",
  );
}

/** The scanner's veth to the router; returns its two ends. */
async function linkScanner(ns: LabNamespaces): Promise<[string, string][]> {
  const a = LAB_ADDRESSES;
  await ipSh(
    `link add ${LAB_ADAPTER} netns ${ns.scanner} address ${a.adapterMac}`,
    `type veth peer name up0 netns ${ns.router} address ${a.routerMac}`,
  );
  await ipSh(`-n ${ns.scanner} addr add 198.18.0.2/24 dev ${LAB_ADAPTER}`);
  await ipSh(`-n ${ns.scanner} addr add 2001:2::2/64 dev ${LAB_ADAPTER} nodad`);
  await ipSh(`-n ${ns.router} addr add 198.18.0.1/24 dev up0`);
  await ipSh(`-n ${ns.router} addr add 2001:2::1/64 dev up0 nodad`);
  return [[ns.scanner, LAB_ADAPTER], [ns.router, "up0"]];
}

/** The router's bridge and one veth per host on it; returns the veth ends. */
async function linkHosts(ns: LabNamespaces): Promise<[string, string][]> {
  const r = ns.router;
  await ipSh(`-n ${r} link add br0 address 02:00:5a:1a:01:01 type bridge`);
  await ipSh(`-n ${r} addr add 198.18.1.1/24 dev br0`);
  await ipSh(`-n ${r} addr add 2001:2:0:1::1/64 dev br0 nodad`);
  const ends: [string, string][] = [];
  for (let i = 0; i < ns.hosts.length; i++) {
    const host = ns.hosts[i], port = `h${i + 1}`;
    await ipSh(
      `link add eth0 netns ${host} address ${hostMac(i)}`,
      `type veth peer name ${port} netns ${r}`,
    );
    await ipSh(`-n ${r} link set ${port} master br0`);
    await ipSh(`-n ${host} addr add ${labHostIp(i)}/24 dev eth0`);
    await ipSh(`-n ${host} addr add ${labHostIp6(i)}/64 dev eth0 nodad`);
    ends.push([host, "eth0"], [r, port]);
  }
  return ends;
}

/**
 * Routes: everything via the lab router, which has nowhere else to send;
 * the router knows the scanner's (foreign) source addresses statically.
 */
async function addRoutes(ns: LabNamespaces): Promise<void> {
  const a = LAB_ADDRESSES;
  await ipSh(`-n ${ns.scanner} route add default via ${a.routerIp}`);
  await ipSh(`-n ${ns.scanner} -6 route add default via ${a.routerIp6}`);
  for (const host of ns.hosts) {
    await ipSh(`-n ${host} route add default via ${a.hostGateway}`);
    await ipSh(`-n ${host} -6 route add default via ${a.hostGateway6}`);
  }
  for (const adapterIp of [a.adapterIp, a.adapterIp6]) {
    await ipSh(
      `-n ${ns.router} neigh replace ${adapterIp} lladdr ${a.adapterMac}`,
      "dev up0 nud permanent",
    );
  }
}

/** veth carrier comes up asynchronously; frames sent before then are lost. */
async function waitForCarrier(ends: [string, string][]): Promise<void> {
  for (const [name, dev] of ends) {
    for (let attempt = 0;; attempt++) {
      const text = await ip("-n", name, "link", "show", "dev", dev);
      if (/state UP/.test(text)) break;
      if (attempt > 100) {
        throw new Error(`lab link ${dev} in ${name} did not come up: ${text}`);
      }
      await sleep(20);
    }
  }
}

/**
 * Every listening TCP and bound UDP socket in namespace `ns`, as
 * `proto address port` strings (`tcp 198.18.1.11 80`).
 */
export async function listeningSockets(ns: string): Promise<Set<string>> {
  const out = await runCommand("ip", [
    "netns",
    "exec",
    ns,
    "ss",
    "-H",
    "-n",
    "-l",
    "-t",
    "-u",
  ]);
  const found = new Set<string>();
  for (const line of out.stdout.split("\n")) {
    // Netid State Recv-Q Send-Q Local:Port Peer:Port ...
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const local = fields[4];
    const colon = local.lastIndexOf(":");
    const address = local.slice(0, colon).replace(/^\[|\]$/g, "")
      .replace(/%.*$/, "");
    found.add(`${fields[0]} ${address} ${local.slice(colon + 1)}`);
  }
  return found;
}
