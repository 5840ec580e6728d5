// Test and benchmark helper (h16u): the real-daemon UDP lab of
// tests/helpers/udp_daemons_lab.py, and the scanners run against it —
// zon `--banners` (UDP services), `nmap -sU -sV` (the oracle for names),
// masscan (its own UDP payloads) — and tshark on a capture taken on the
// daemons' side of the link (the oracle for the decoded fields).

import { runInNamespace, startStdinLab } from "./stdin_lab.ts";

const LAB = new URL("./udp_daemons_lab.py", import.meta.url).pathname;
const SCAN = new URL("../../examples/scan.ts", import.meta.url).pathname;
const DEC = new TextDecoder();

/** What udp_daemons_lab.py printed. */
export interface UdpLabInfo {
  daemonNs: string;
  scanNs: string;
  server: string;
  scannerIp: string;
  adapter: string;
  adapterIp: string;
  adapterMac: string;
  routerMac: string;
  ports: number[];
  snmpEngineId: string;
  packages: Record<string, { package: string; version: string }>;
}

/** A running lab: its facts, and `stop()` to remove it all. */
export interface UdpLab extends UdpLabInfo {
  stop(): Promise<void>;
}

/** One service as a scanner reported it. */
export interface UdpService {
  name: string;
  product?: string;
  version?: string;
  extrainfo?: string;
  /** nmap's `method`: `probed` (a reply matched) or `table` (port number). */
  method?: string;
  /** nmap's port state (`open`, `open|filtered`, ...). */
  state?: string;
}

/** One scanner's run: services per port (zon: one per answered payload). */
export interface UdpScanRun {
  seconds: number;
  services: Map<number, UdpService[]>;
  stdout: string;
  stderr: string;
}

/** Starts the daemons and both namespaces (root only). */
export function startUdpLab(): Promise<UdpLab> {
  return startStdinLab<UdpLabInfo>([LAB]);
}

/** The command line zon and masscan share: target, UDP ports, adapter, `-oD -`. */
function scanArgs(
  lab: UdpLabInfo,
  masscan: boolean,
  ports: number[],
): string[] {
  return [
    lab.server,
    "-p",
    "U:" + ports.join(","),
    "-e",
    masscan ? lab.adapter : `ring:${lab.adapter}`,
    "--adapter-ip",
    lab.adapterIp,
    "--adapter-mac",
    lab.adapterMac,
    "--router-mac",
    lab.routerMac,
    "--rate",
    "1000",
    "--banners",
    "--wait",
    "2",
    "-oD",
    "-",
  ];
}

async function timed<T>(
  run: () => Promise<T>,
): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await run();
  return { value, seconds: (performance.now() - started) / 1000 };
}

function add(map: Map<number, UdpService[]>, port: number, s: UdpService) {
  const list = map.get(port) ?? [];
  list.push(s);
  map.set(port, list);
}

/** zon `--banners` over the lab's UDP ports (`-oD -`, and `-oX` when given). */
export async function runZon(
  lab: UdpLabInfo,
  options: { xmlPath?: string; ports?: number[] } = {},
): Promise<UdpScanRun> {
  const { value, seconds } = await timed(() =>
    runInNamespace(lab.scanNs, [
      Deno.execPath(),
      "run",
      "-A",
      SCAN,
      ...scanArgs(lab, false, options.ports ?? lab.ports),
      ...(options.xmlPath ? ["-oX", options.xmlPath] : []),
    ])
  );
  if (value.code !== 0) throw new Error(`zon failed: ${value.stderr}`);
  const services = new Map<number, UdpService[]>();
  for (const line of value.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const r = JSON.parse(line);
    if (r.rec_type !== "banner" || r.proto !== "udp") continue;
    add(services, r.port, {
      name: r.data.service_name,
      product: r.data.product,
      version: r.data.version,
      extrainfo: r.data.extrainfo,
    });
  }
  return { seconds, services, ...value };
}

/** The value of attribute `name` in an XML start tag's text, unescaped. */
function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m?.[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">").replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** The UDP ports of an nmap (or zon) `-oX` file: state and service. */
export function readUdpXml(xml: string): Map<number, UdpService[]> {
  const services = new Map<number, UdpService[]>();
  const ports = xml.matchAll(
    /<port protocol="udp" portid="(\d+)">(.*?)<\/port>/gs,
  );
  for (const [, port, body] of ports) {
    const state = /<state [^>]*>/.exec(body)?.[0] ?? "";
    const service = /<service [^>]*>/.exec(body)?.[0];
    if (!service) continue;
    add(services, Number(port), {
      name: attribute(service, "name") ?? "",
      product: attribute(service, "product"),
      version: attribute(service, "version"),
      extrainfo: attribute(service, "extrainfo"),
      method: attribute(service, "method"),
      state: attribute(state, "state"),
    });
  }
  return services;
}

/** `nmap -sU -sV` from the scanner kernel's address. */
export async function runNmap(
  lab: UdpLabInfo,
  xmlPath: string,
  ports: number[],
): Promise<UdpScanRun> {
  const { value, seconds } = await timed(() =>
    runInNamespace(lab.scanNs, [
      "nmap",
      "-n",
      "-Pn",
      "-sU",
      "-sV",
      "-p",
      ports.join(","),
      "-oX",
      xmlPath,
      lab.server,
    ], 300_000)
  );
  if (value.code !== 0) throw new Error(`nmap failed: ${value.stderr}`);
  const services = readUdpXml(await Deno.readTextFile(xmlPath));
  return { seconds, services, ...value };
}

/** masscan over the lab's UDP ports (its payloads; `--banners`, `-oD -`). */
export async function runMasscan(lab: UdpLabInfo): Promise<UdpScanRun> {
  const { value, seconds } = await timed(() =>
    runInNamespace(lab.scanNs, [
      "masscan",
      ...scanArgs(lab, true, lab.ports),
    ], 30_000)
  );
  const services = new Map<number, UdpService[]>();
  for (const line of value.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const r = JSON.parse(line.replace(/,\s*$/, ""));
    if (r.rec_type === "banner") {
      add(services, r.port, { name: r.data.service_name });
    } else if (r.rec_type === "status" && r.proto === "udp") {
      services.has(r.port) || services.set(r.port, []);
    }
  }
  return { seconds, services, ...value };
}

/** A capture on the daemons' side of the link (both directions). */
export async function startCapture(
  lab: UdpLabInfo,
  path: string,
): Promise<() => Promise<void>> {
  const child = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      lab.daemonNs,
      "tcpdump",
      "-i",
      "vd",
      "-U",
      "-w",
      path,
      "udp",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.getReader();
  let text = "";
  while (!text.includes("listening on")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`tcpdump exited: ${text}`);
    text += DEC.decode(value);
  }
  reader.releaseLock();
  return async () => {
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    await child.stderr.cancel().catch(() => {});
    await child.status;
  };
}

/**
 * tshark's decoding of the server's datagrams to `to` (the scanner's
 * address): port -> field -> first value. `extra` are more tshark arguments
 * (`--disable-protocol`, ...).
 */
export async function tsharkFields(
  path: string,
  server: string,
  to: string,
  fields: string[],
  extra: string[] = [],
): Promise<Map<number, Map<string, string>>> {
  const out = await new Deno.Command("tshark", {
    args: [
      ...extra,
      "-r",
      path,
      "-Y",
      // Replies to the scanner only: avahi's multicast announcements come
      // from the same port and would be taken for the reply.
      `ip.src==${server} && ip.dst==${to}`,
      "-T",
      "fields",
      "-E",
      "separator=\t",
      "-e",
      "udp.srcport",
      ...fields.flatMap((f) => ["-e", f]),
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const byPort = new Map<number, Map<string, string>>();
  for (const line of DEC.decode(out.stdout).split("\n")) {
    if (line === "") continue;
    const [port, ...values] = line.split("\t");
    const m = byPort.get(Number(port)) ?? new Map<string, string>();
    fields.forEach((f, i) => values[i] && !m.has(f) && m.set(f, values[i]));
    byPort.set(Number(port), m);
  }
  return byPort;
}
