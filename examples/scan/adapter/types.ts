/**
 * The adapter's records: what the user asks for ({@linkcode AdapterRequest},
 * one optional field per flag), what the scan gets ({@linkcode Adapter}),
 * and the error that names the flag to fix.
 *
 * @module
 */
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

/**
 * The resolved adapter: everything the transmit and receive sides need —
 * what {@linkcode resolveAdapter} returns and the scan engine takes.
 */
export interface Adapter {
  /** The name to pass to `openDriver`, with its prefix: `"pcap:veth0"`, `"ring:veth0"`, `"null"`. */
  driverName: string;
  /** Receive driver; default: the transmit driver, or `"null"` for `file:`/`null`. */
  receiveDriver?: string;
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
   * import { AdapterError } from "./mod.ts";
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

/**
 * What the scan engine needs of an {@linkcode Adapter}: the same record,
 * with the detection notes, next hops and foreign-address flags optional
 * (a test or a tool that knows its link gives just the addresses).
 */
export type EngineAdapter =
  & Omit<
    Adapter,
    "notes" | "foreignIpv4" | "foreignIpv6" | "routerIp4" | "routerIp6"
  >
  & Partial<
    Pick<
      Adapter,
      "notes" | "foreignIpv4" | "foreignIpv6" | "routerIp4" | "routerIp6"
    >
  >;
