/**
 * What the adapter reads from the system: files under /proc and /sys, the
 * interfaces' addresses (`Deno.networkInterfaces()`), and — through
 * iproute2, only where nothing else knows — IPv6 address flags (tentative,
 * failed duplicate address detection, deprecated) and the kernel's
 * neighbor table.
 *
 * @module
 */

import { AdapterError } from "./types.ts";

/** One address of an interface. */
export interface InterfaceAddress {
  /** The interface. */
  ifname: string;
  /** 4 or 6. */
  family: 4 | 6;
  /** The address as text (no prefix length). */
  address: string;
  /** "host" (loopback), "link" (IPv6 fe80::/10) or "global". */
  scope: "host" | "link" | "global";
  /** IPv6: duplicate address detection has not finished. */
  tentative: boolean;
  /** IPv6: duplicate address detection failed. */
  dadfailed: boolean;
  /** IPv6: preferred lifetime over; usable, but a last choice. */
  deprecated: boolean;
}

/** The contents of `path`, "" when it does not exist. */
export async function readText(path: string): Promise<string> {
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

/** The network interfaces of this namespace, sorted. */
export async function interfaceNames(): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir("/sys/class/net")) {
      names.push(entry.name);
    }
  } catch (e) {
    // No sysfs: the caller's message then lists no interfaces.
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

function scopeOf(family: 4 | 6, address: string): InterfaceAddress["scope"] {
  if (family === 4) return address.startsWith("127.") ? "host" : "global";
  if (address === "::1") return "host";
  return /^fe[89ab]/i.test(address) ? "link" : "global";
}

/**
 * Every address of every interface here, with the IPv6 flags of
 * `flagsFor`'s addresses (read with `ip`, the only source of them).
 */
export async function interfaceAddresses(
  flagsFor?: string,
): Promise<InterfaceAddress[]> {
  const flags = flagsFor === undefined ? new Map() : await ipv6Flags(flagsFor);
  return Deno.networkInterfaces().map((i) => {
    const family = i.family === "IPv4" ? 4 : 6;
    const f = i.name === flagsFor ? flags.get(i.address) : undefined;
    return {
      ifname: i.name,
      family,
      address: i.address,
      scope: scopeOf(family, i.address),
      tentative: f?.tentative ?? false,
      dadfailed: f?.dadfailed ?? false,
      deprecated: f?.deprecated ?? false,
    };
  });
}

interface IpAddrInfo {
  family: string;
  local: string;
  tentative?: boolean;
  dadfailed?: boolean;
  deprecated?: boolean;
}

type Ipv6Flags = Pick<
  InterfaceAddress,
  "tentative" | "dadfailed" | "deprecated"
>;

/** The IPv6 address flags of `ifname` by address (`ip -j -6 addr`). */
async function ipv6Flags(ifname: string): Promise<Map<string, Ipv6Flags>> {
  const links = await ip(["-6", "addr", "show", "dev", ifname]) as {
    addr_info?: IpAddrInfo[];
  }[];
  const out = new Map<string, Ipv6Flags>();
  for (const a of links.flatMap((l) => l.addr_info ?? [])) {
    out.set(a.local, {
      tentative: a.tentative ?? false,
      dadfailed: a.dadfailed ?? false,
      deprecated: a.deprecated ?? false,
    });
  }
  return out;
}

/** A usable entry of the kernel's neighbor table for `address` on `ifname`. */
export async function kernelNeighbor(
  ifname: string,
  address: string,
): Promise<{ mac: string; state: string } | undefined> {
  const neighbors = await ip([
    "neigh",
    "show",
    "dev",
    ifname,
    "to",
    address,
  ]) as {
    lladdr?: string;
    state?: string[];
  }[];
  const entry = neighbors.find((n) =>
    n.lladdr &&
    !(n.state ?? []).some((s) => s === "FAILED" || s === "INCOMPLETE")
  );
  if (!entry) return undefined;
  return {
    mac: entry.lladdr!,
    state: (entry.state ?? []).join(",") || "no state",
  };
}

async function ip(args: string[]): Promise<unknown[]> {
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
      `cannot run "ip" (iproute2) to read ${
        args[0] === "neigh" ? "the neighbor table" : "address flags"
      }: ${(e as Error).message}`,
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
