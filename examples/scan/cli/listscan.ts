/**
 * `-sL`: the list scan. Prints every target in scan order, sends nothing —
 * the same order masscan prints for the same targets, ports and seed.
 *
 * @module
 */

import { PortList, type ScanOrder, Target } from "../../../blackrock/mod.ts";
import { formatIpv4, formatIpv6 } from "../../../packet/mod.ts";

/** Where output goes: anything with a synchronous, possibly partial write. */
export interface SyncWriter {
  /** Writes some of `bytes`, returns how many were written. */
  writeSync(bytes: Uint8Array): number;
}

function writeAll(out: SyncWriter, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) {
    done += out.writeSync(bytes.subarray(done));
  }
}

/**
 * Prints `order`'s targets, one per line: the address alone when there is
 * one port (as masscan does), else `address:port` (`[v6]:port`, UDP ports as
 * `U:53`). Output is batched into 64 KiB writes. Returns the line count.
 */
export function listScan(order: ScanOrder, out: SyncWriter): number {
  const encoder = new TextEncoder();
  const withPort = order.targets.portCount > 1;
  const t = new Target();
  let chunk = "";
  for (let n = 0; n < order.length; n++) {
    order.target(n, t);
    const ip = t.version === 4 ? formatIpv4(t.ipv4) : formatIpv6(t.ipv6);
    if (!withPort) chunk += ip + "\n";
    else if (t.version === 4) chunk += `${ip}:${PortList.format(t.port)}\n`;
    else chunk += `[${ip}]:${PortList.format(t.port)}\n`;
    if (chunk.length >= 65536) {
      writeAll(out, encoder.encode(chunk));
      chunk = "";
    }
  }
  writeAll(out, encoder.encode(chunk));
  return order.length;
}
