/**
 * The scan lab's lifecycle: {@link createLab} builds the namespaces (see
 * net.ts) and starts the listeners (services.ts); {@link Lab.destroy}
 * removes everything, and runs on SIGINT/SIGTERM too. Namespaces are named
 * `zonlab-<pid>-<random>-<role>`, so {@link cleanupStaleLabs} can tell a
 * crashed run's leftovers (creator pid gone) from a live lab of another
 * process or test.
 *
 * @module
 */

import {
  allNamespaces,
  buildLabNetwork,
  LAB_ADAPTER,
  LAB_ADDRESSES,
  labHostIp,
  labHostIp6,
  type LabNamespaces,
  removeNamespaceConfig,
} from "./net.ts";
import {
  LAB_DEFAULT_SERVICES,
  type LabService,
  makeCertificate,
  startHostServices,
} from "./services.ts";
import {
  type CommandOutput,
  type Daemon,
  ip,
  runCommand,
  stopChild,
} from "./run.ts";

/** How to build a lab. Every field is optional. */
export interface LabSpec {
  /**
   * Services per host, one array per host (the number of arrays is the
   * number of hosts). Default {@link LAB_DEFAULT_SERVICES}: 3 hosts.
   */
  services?: readonly (readonly LabService[])[];
  /** Extra open TCP ports (banner listeners) per host, at random. Default 0. */
  randomOpenPorts?: number;
  /** Range the random ports are drawn from. Default [1, 65535]. */
  randomPortRange?: [number, number];
  /** Seed for the random ports (printed by tests to reproduce a run). */
  seed?: number;
  /** Target addresses with no host behind them, per family. Default 1. */
  emptyHosts?: number;
  /** Tear down on SIGINT/SIGTERM and exit (130/143). Default true. */
  handleSignals?: boolean;
}

/** One open ip:port of the ground truth. */
export interface LabOpenPort {
  /** The host address (IPv4 dotted or IPv6 compressed text). */
  ip: string;
  /** Port number. */
  port: number;
  /** Transport. */
  proto: "tcp" | "udp";
  /** What listens there. */
  kind: LabService["kind"];
}

/** One target host of the lab. */
export interface LabHost {
  /** Its namespace. */
  ns: string;
  /** Its IPv4 address. */
  ipv4: string;
  /** Its IPv6 address. */
  ipv6: string;
  /** What listens on it (on both addresses). */
  services: LabService[];
}

const liveLabs = new Set<Lab>();
let signalsInstalled = false;

async function onSignal(signal: "SIGINT" | "SIGTERM"): Promise<void> {
  console.error(`\nzon lab: ${signal}: tearing the lab down`);
  await Promise.allSettled([...liveLabs].map((lab) => lab.destroy()));
  Deno.exit(signal === "SIGINT" ? 130 : 143);
}
const onSigint = () => void onSignal("SIGINT");
const onSigterm = () => void onSignal("SIGTERM");

function updateSignalHandlers(): void {
  const want = [...liveLabs].some((lab) => lab.handlesSignals);
  if (want && !signalsInstalled) {
    Deno.addSignalListener("SIGINT", onSigint);
    Deno.addSignalListener("SIGTERM", onSigterm);
  } else if (!want && signalsInstalled) {
    Deno.removeSignalListener("SIGINT", onSigint);
    Deno.removeSignalListener("SIGTERM", onSigterm);
  }
  signalsInstalled = want;
}

/** A running lab: see {@link createLab}. */
export class Lab {
  /** Unique part of the namespace names (`<pid>-<random>`). */
  readonly id: string;
  /** The namespaces. */
  readonly namespaces: LabNamespaces;
  /** The scanner's interface in the scanner namespace (`-e ring:zlab0`). */
  readonly adapter: string = LAB_ADAPTER;
  /** `--adapter-ip` for IPv4 (not owned by the scanner kernel). */
  readonly adapterIp: string = LAB_ADDRESSES.adapterIp;
  /** `--adapter-ip` for IPv6 (not owned by the scanner kernel). */
  readonly adapterIp6: string = LAB_ADDRESSES.adapterIp6;
  /** `--adapter-mac`. */
  readonly adapterMac: string = LAB_ADDRESSES.adapterMac;
  /** `--router-mac` (for IPv4 and IPv6: one router). */
  readonly routerMac: string = LAB_ADDRESSES.routerMac;
  /** `--router-ip`. */
  readonly routerIp: string = LAB_ADDRESSES.routerIp;
  /** The router's IPv6 address on the scanner link. */
  readonly routerIp6: string = LAB_ADDRESSES.routerIp6;
  /** The target hosts. */
  readonly hosts: LabHost[];
  /** Addresses in the hosts' subnets with nothing behind them (IPv4, IPv6). */
  readonly emptyAddresses: string[];
  /** Ground truth: every open ip:port, both families, sorted. */
  readonly truth: LabOpenPort[];
  /** Whether SIGINT/SIGTERM tear this lab down. */
  readonly handlesSignals: boolean;
  /** The lab's temp dir (certificate, web roots); removed by destroy(). */
  readonly dir: string;
  #daemons: Daemon[] = [];
  #destroyed: Promise<void> | null = null;

  /** @internal use {@link createLab}. */
  constructor(
    id: string,
    namespaces: LabNamespaces,
    hosts: LabHost[],
    emptyAddresses: string[],
    dir: string,
    handlesSignals: boolean,
  ) {
    this.id = id;
    this.namespaces = namespaces;
    this.hosts = hosts;
    this.emptyAddresses = emptyAddresses;
    this.dir = dir;
    this.handlesSignals = handlesSignals;
    this.truth = hosts.flatMap((h) =>
      [h.ipv4, h.ipv6].flatMap((address) =>
        h.services.map((s) => ({
          ip: address,
          port: s.port,
          proto: s.proto,
          kind: s.kind,
        }))
      )
    ).sort((a, b) =>
      a.ip.localeCompare(b.ip) || a.proto.localeCompare(b.proto) ||
      a.port - b.port
    );
  }

  /** IPv4 target addresses: every host, then the empty addresses. */
  get targets4(): string[] {
    return [
      ...this.hosts.map((h) => h.ipv4),
      ...this.emptyAddresses.filter((a) => !a.includes(":")),
    ];
  }

  /** IPv6 target addresses: every host, then the empty addresses. */
  get targets6(): string[] {
    return [
      ...this.hosts.map((h) => h.ipv6),
      ...this.emptyAddresses.filter((a) => a.includes(":")),
    ];
  }

  /**
   * Runs `cmd args` inside the scanner namespace to completion. Never throws
   * for a non-zero exit: check `code`.
   */
  exec(cmd: string, args: string[] = []): Promise<CommandOutput> {
    return this.execIn(this.namespaces.scanner, cmd, args);
  }

  /** Like {@link Lab.exec}, in any of this lab's namespaces. */
  execIn(ns: string, cmd: string, args: string[] = []): Promise<CommandOutput> {
    this.#checkOwn(ns);
    return runCommand("ip", ["netns", "exec", ns, cmd, ...args], {
      allowFailure: true,
    });
  }

  /**
   * Starts `cmd args` inside namespace `ns` (default: the scanner's) and
   * returns the process; {@link Lab.destroy} kills it if it is still running.
   * stdin is closed unless `options.stdin` says otherwise.
   */
  spawn(
    cmd: string,
    args: string[],
    options: Omit<Deno.CommandOptions, "args"> & { ns?: string } = {},
  ): Deno.ChildProcess {
    const ns = options.ns ?? this.namespaces.scanner;
    this.#checkOwn(ns);
    const { ns: _, ...rest } = options;
    const child = new Deno.Command("ip", {
      stdin: "null",
      ...rest,
      args: ["netns", "exec", ns, cmd, ...args],
    }).spawn();
    this.#children.add(child);
    child.status.finally(() => this.#children.delete(child));
    return child;
  }
  #children = new Set<Deno.ChildProcess>();

  /** @internal adds listeners started by createLab. */
  adopt(daemons: Daemon[]): void {
    this.#daemons.push(...daemons);
  }

  #checkOwn(ns: string): void {
    if (!allNamespaces(this.namespaces).includes(ns)) {
      throw new Error(`lab ${this.id}: ${ns} is not one of its namespaces`);
    }
  }

  /**
   * Stops every process the lab started, deletes its namespaces and temp
   * dir. Safe to call more than once and concurrently. Throws only if a
   * namespace could not be deleted (after trying every step).
   */
  destroy(): Promise<void> {
    this.#destroyed ??= this.#teardown();
    return this.#destroyed;
  }

  async #teardown(): Promise<void> {
    await Promise.all([
      ...[...this.#children].map((c) => stopChild(c, 2000)),
      ...this.#daemons.map((d) => d.stop()),
    ]);
    const failures = await deleteNamespaces(allNamespaces(this.namespaces));
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
    liveLabs.delete(this);
    updateSignalHandlers();
    if (failures.length > 0) {
      throw new Error(
        `lab ${this.id}: teardown failed: ${failures.join("; ")}`,
      );
    }
  }
}

/**
 * Kills whatever still runs in each namespace, then deletes it. Returns one
 * message per namespace that is still there afterwards.
 */
async function deleteNamespaces(names: string[]): Promise<string[]> {
  const failures: string[] = [];
  for (const ns of names) {
    const pids = await runCommand("ip", ["netns", "pids", ns], {
      allowFailure: true,
    });
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
      try {
        Deno.kill(Number(pid), "SIGKILL");
      } catch { /* gone meanwhile */ }
    }
    const del = await runCommand("ip", ["netns", "del", ns], {
      allowFailure: true,
    });
    await removeNamespaceConfig(ns);
    if (!del.success && !/No such file/.test(del.stderr)) {
      failures.push(`ip netns del ${ns}: ${del.stderr.trim()}`);
    }
  }
  return failures;
}

const LAB_NAME = /^zonlab-(\d+)-[a-z0-9]+-/;

/** Names of every lab namespace on this machine (any creator). */
export async function listLabNamespaces(): Promise<string[]> {
  const out = await ip("netns", "list");
  return out.split("\n").map((l) => l.split(" ")[0])
    .filter((name) => LAB_NAME.test(name));
}

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes `zonlab-*` namespaces left by a crashed run: those whose creator
 * process is gone (or every one with `all: true`, which also breaks labs of
 * running processes). Kills the processes still inside them. Returns the
 * names removed.
 */
export async function cleanupStaleLabs(
  options: { all?: boolean } = {},
): Promise<string[]> {
  const stale = (await listLabNamespaces()).filter((name) => {
    const pid = Number(LAB_NAME.exec(name)![1]);
    return options.all || !processAlive(pid);
  });
  const failures = await deleteNamespaces(stale);
  if (failures.length > 0) {
    throw new Error(`cleanupStaleLabs: ${failures.join("; ")}`);
  }
  return stale;
}

/** mulberry32: a small seeded PRNG, so a test's random ports can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function withRandomPorts(spec: LabSpec): LabService[][] {
  const base = (spec.services ?? LAB_DEFAULT_SERVICES).map((s) => [...s]);
  const count = spec.randomOpenPorts ?? 0;
  const [lo, hi] = spec.randomPortRange ?? [1, 65535];
  if (count > hi - lo + 1) {
    throw new RangeError(
      `randomOpenPorts ${count} does not fit in ports ${lo}-${hi}`,
    );
  }
  const next = random(spec.seed ?? 1);
  for (const services of base) {
    const used = new Set(
      services.filter((s) => s.proto === "tcp").map((s) => s.port),
    );
    for (let added = 0; added < count;) {
      const port = lo + Math.floor(next() * (hi - lo + 1));
      if (used.has(port)) continue;
      used.add(port);
      services.push({ proto: "tcp", port, kind: "banner" });
      added++;
    }
  }
  return base;
}

/**
 * Builds a lab: namespaces, links, addresses, routes, and listeners on
 * every host; resolves once every listener accepts. Removes stale labs of
 * dead processes first. On any failure, tears down what it built and
 * throws. Needs root, iproute2, ethtool, python3 and openssl.
 *
 * @example
 * ```ts ignore
 * const lab = await createLab();
 * try {
 *   console.log(lab.truth); // [{ ip: "198.18.1.11", port: 22, ... }, ...]
 *   const out = await lab.exec("curl", ["-s", "http://198.18.1.11/"]);
 * } finally {
 *   await lab.destroy();
 * }
 * ```
 */
export async function createLab(spec: LabSpec = {}): Promise<Lab> {
  if (Deno.uid() !== 0) {
    throw new Error(
      "the scan lab needs root (network namespaces, raw sockets)",
    );
  }
  await cleanupStaleLabs();
  const services = withRandomPorts(spec);
  const id = `${Deno.pid}-${
    Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, "0")
  }`;
  const namespaces: LabNamespaces = {
    scanner: `zonlab-${id}-scan`,
    router: `zonlab-${id}-gw`,
    hosts: services.map((_, i) => `zonlab-${id}-h${i + 1}`),
  };
  const hosts: LabHost[] = services.map((s, i) => ({
    ns: namespaces.hosts[i],
    ipv4: labHostIp(i),
    ipv6: labHostIp6(i),
    services: s,
  }));
  const empty: string[] = [];
  for (let i = 0; i < (spec.emptyHosts ?? 1); i++) {
    empty.push(labHostIp(hosts.length + i), labHostIp6(hosts.length + i));
  }
  const dir = await Deno.makeTempDir({ prefix: `zonlab-${id}-` });
  const lab = new Lab(
    id,
    namespaces,
    hosts,
    empty,
    dir,
    spec.handleSignals ?? true,
  );
  liveLabs.add(lab);
  updateSignalHandlers();
  try {
    await buildLabNetwork(namespaces);
    const tls = await makeCertificate(dir);
    // All hosts at once; each adopts its daemons even if another fails,
    // so destroy() stops everything that started.
    const started = await Promise.allSettled(hosts.map(async (host) => {
      lab.adopt(
        await startHostServices(
          { ns: host.ns, addresses: [host.ipv4, host.ipv6], dir, tls },
          host.services,
        ),
      );
    }));
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return lab;
  } catch (e) {
    await lab.destroy().catch(() => {});
    throw e;
  }
}

/**
 * Builds a lab, runs `body` with it, and destroys it whatever happens — the
 * shape tests want.
 *
 * @example
 * ```ts ignore
 * await withLab({ randomOpenPorts: 10 }, async (lab) => {
 *   console.log(lab.truth.length);
 * });
 * ```
 */
export async function withLab<T>(
  spec: LabSpec,
  body: (lab: Lab) => Promise<T>,
): Promise<T> {
  const lab = await createLab(spec);
  try {
    return await body(lab);
  } finally {
    await lab.destroy();
  }
}
