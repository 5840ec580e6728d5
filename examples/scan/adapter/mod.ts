/**
 * Adapter settings, like masscan's: which interface and driver to send
 * through, our MAC and IP addresses, and the MAC of the router every probe is
 * addressed to. Whatever the user leaves out is detected, as masscan does:
 *
 * - the interface: the one the default route uses (`/proc/net/route`, or
 *   `/proc/net/ipv6_route` for an IPv6-only scan);
 * - our addresses: the interface's first global IPv4 / IPv6 address
 *   (`Deno.networkInterfaces()`; `ip` only for IPv6 address flags), its MAC from `/sys/class/net/IF/address`;
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
 * host, so `resolveAdapter` throws instead and asks for
 * `--router-ip` (the next hop to resolve) or `--router-mac`. A lab whose
 * targets share the scanner's link gives the peer's MAC, or a default route
 * via the peer.
 *
 * `--offline`, and the `null` and `file:` drivers, touch no interface: given
 * settings are used and the rest are fixed placeholders (noted), since the
 * frames never reach a network.
 *
 * Files: `types.ts` (the request, the resolved {@linkcode Adapter}, the
 * error), `routes.ts` (pure /proc route parsing), `system.ts` (what is read
 * from the system), `neighbor.ts` (ARP/NDP through the driver, the kernel's
 * neighbor table as fallback), `resolve.ts` (the resolution, one
 * `resolveFamily` for IPv4 and IPv6).
 *
 * @module
 */

export {
  type Adapter,
  ADAPTER_FLAGS,
  AdapterError,
  type AdapterErrorCode,
  type AdapterRequest,
  type EngineAdapter,
} from "./types.ts";
export {
  defaultRoute4,
  defaultRoute6,
  type Ipv4Route,
  type Ipv6Route,
  parseIpv6Route,
  parseProcNetRoute,
} from "./routes.ts";
export { resolveAdapter } from "./resolve.ts";
