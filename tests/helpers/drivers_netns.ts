// Test helper: a veth pair between two network namespaces that the test
// creates and always deletes. Addresses from 198.18.0.0/15, no routes, IPv6
// off (no neighbour-discovery noise), so the only traffic is the test's own.
import { run as runCommand } from "./command.ts";

export const DENO =
  new URL("../../node_modules/.bin/deno", import.meta.url).pathname;

/** Two namespaces joined by a veth pair. */
export interface VethPair {
  nsA: string;
  nsB: string;
  ifA: string;
  ifB: string;
  macA: string;
  macB: string;
}

const run = (cmd: string[], check = true) => runCommand(cmd, { check });

/**
 * Creates the pair, runs `fn`, and deletes both namespaces whatever happens.
 * The namespaces are `zon-NAME-<pid><random>-a` and `-b`.
 */
export async function withVethPair<T>(
  fn: (pair: VethPair) => Promise<T>,
  name = "drv",
): Promise<T> {
  const tag = `${Deno.pid.toString(36)}${
    Math.floor(Math.random() * 36 ** 4).toString(36)
  }`;
  const pair: VethPair = {
    nsA: `zon-${name}-${tag}-a`,
    nsB: `zon-${name}-${tag}-b`,
    ifA: `zd${tag}a`.slice(0, 15),
    ifB: `zd${tag}b`.slice(0, 15),
    macA: "02:00:5a:00:00:0a",
    macB: "02:00:5a:00:00:0b",
  };
  try {
    for (const ns of [pair.nsA, pair.nsB]) {
      await run(["ip", "netns", "add", ns]);
      await run([
        "ip",
        "netns",
        "exec",
        ns,
        "sysctl",
        "-qw",
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1",
      ]);
    }
    await run([
      "ip",
      "link",
      "add",
      pair.ifA,
      "netns",
      pair.nsA,
      "address",
      pair.macA,
      "type",
      "veth",
      "peer",
      "name",
      pair.ifB,
      "netns",
      pair.nsB,
      "address",
      pair.macB,
    ]);
    await run([
      "ip",
      "-n",
      pair.nsA,
      "addr",
      "add",
      "198.18.200.1/30",
      "dev",
      pair.ifA,
    ]);
    await run([
      "ip",
      "-n",
      pair.nsB,
      "addr",
      "add",
      "198.18.200.2/30",
      "dev",
      pair.ifB,
    ]);
    await run(["ip", "-n", pair.nsA, "link", "set", pair.ifA, "up"]);
    await run(["ip", "-n", pair.nsB, "link", "set", pair.ifB, "up"]);
    return await fn(pair);
  } finally {
    await run(["ip", "netns", "del", pair.nsA], false);
    await run(["ip", "netns", "del", pair.nsB], false);
  }
}

/** Interface counters (rx/tx packets and drops) inside a namespace. */
export async function linkCounters(
  ns: string,
  dev: string,
): Promise<
  { rxPackets: number; rxDropped: number; txPackets: number; txDropped: number }
> {
  const json = JSON.parse(
    await run(["ip", "-n", ns, "-s", "-j", "link", "show", "dev", dev]),
  );
  const s = json[0].stats64;
  return {
    rxPackets: s.rx.packets,
    rxDropped: s.rx.dropped,
    txPackets: s.tx.packets,
    txDropped: s.tx.dropped,
  };
}

/** Starts `deno run -A tests/helpers/drivers_veth_peer.ts ...args` inside `ns`. */
export function spawnPeer(ns: string, args: string[]): Deno.ChildProcess {
  const script = new URL("./drivers_veth_peer.ts", import.meta.url).pathname;
  return new Deno.Command("ip", {
    args: ["netns", "exec", ns, DENO, "run", "-A", script, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}
