/**
 * `openDriver`: picks a driver from the adapter name's prefix, like
 * masscan's `zc:` convention.
 *
 * @module
 */

import { AfPacketRingDriver } from "./af_packet.ts";
import { NullDriver } from "./null.ts";
import { PcapDriver } from "./pcap.ts";
import { DriverError, type DriverOptions, type PacketDriver } from "./types.ts";

/** The adapter-name prefixes `openDriver` understands. */
export const DRIVER_PREFIXES: readonly string[] = [
  "pcap:",
  "ring:",
  "zc:",
  "netmap:",
  "file:",
  "null",
  "xdp:",
  "xdp+zc:",
];

/**
 * Splits an adapter name into driver kind and device:
 * `"eth0"` → pcap, `"ring:eth0"` → ring, `"zc:eth0"` → PF_RING (device
 * `zc:eth0`, PF_RING's own syntax), `"netmap:eth0"` → netmap, `"file:x.pcap"`
 * → savefile, `"null"` → discard, `"xdp:eth0"`/`"xdp:eth0@Q"` → AF_XDP
 * (device `eth0`/`eth0@Q`), `"xdp+zc:eth0"` → AF_XDP zero copy only (device
 * `xdp+zc:eth0`).
 *
 * @example
 * ```ts
 * import { parseAdapterName } from "@zon/net/drivers";
 * console.log(parseAdapterName("ring:eth0")); // { kind: "ring", device: "eth0" }
 * ```
 */
export function parseAdapterName(
  name: string,
): { kind: PacketDriver["kind"]; device: string } {
  if (name === "null" || name === "null:") {
    return { kind: "null", device: "null" };
  }
  const colon = name.indexOf(":");
  const prefix = colon < 0 ? "" : name.slice(0, colon);
  const rest = name.slice(colon + 1);
  const need = (kind: PacketDriver["kind"], device: string) => {
    if (device === "" || device === "zc:" || device === "netmap:") {
      throw new DriverError(
        kind,
        `adapter "${name}" names no device (expected e.g. ${prefix}:eth0)`,
      );
    }
    return { kind, device };
  };
  switch (prefix) {
    case "":
      return need("pcap", name);
    case "pcap":
      return need("pcap", rest);
    case "ring":
      return need("ring", rest);
    case "zc":
      return need("zc", name);
    case "netmap":
      return need("netmap", name);
    case "file":
      return need("file", rest);
    case "xdp":
      return need("xdp", rest);
    case "xdp+zc":
      return need("xdp", name);
    default:
      throw new DriverError(
        "open",
        `unknown driver prefix "${prefix}:" in adapter "${name}" (expected one of ${
          DRIVER_PREFIXES.join(" ")
        }, or a bare interface name for pcap)`,
      );
  }
}

/**
 * Opens a packet driver by adapter name; the prefix picks the driver:
 * none or `pcap:` (libpcap), `ring:` (AF_PACKET mmap rings), `zc:`
 * (PF_RING), `netmap:`, `file:PATH.pcap` (a savefile), `null` (discard),
 * `xdp:IF[@Q]` / `xdp+zc:IF[@Q]` (AF_XDP).
 * Libraries are loaded only when their driver is asked for.
 *
 * @example
 * ```ts
 * import { openDriver } from "@zon/net/drivers";
 * const driver = await openDriver("null");
 * driver.send(new Uint8Array(60));
 * driver.flush();
 * console.log(driver.stats().sent); // 1
 * driver.close();
 * ```
 */
export async function openDriver(
  name: string,
  options: DriverOptions = {},
): Promise<PacketDriver> {
  const { kind, device } = parseAdapterName(name);
  switch (kind) {
    case "null":
      return new NullDriver(name);
    case "pcap":
      return PcapDriver.open(device, options, name);
    case "ring":
      return AfPacketRingDriver.open(device, options, name);
    case "zc": {
      const { PfRingDriver } = await import("./pfring.ts");
      return PfRingDriver.open(device, options, name);
    }
    case "netmap": {
      const { NetmapDriver } = await import("./netmap.ts");
      return NetmapDriver.open(device, options, name);
    }
    case "file": {
      const { FileDriver } = await import("./file.ts");
      return await FileDriver.open(device, options, name);
    }
    case "xdp": {
      const { XdpDriver } = await import("./xdp.ts");
      const zc = device.startsWith("xdp+zc:");
      return XdpDriver.open(zc ? device.slice(7) : device, options, name, zc);
    }
  }
}
