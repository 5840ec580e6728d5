// Test and benchmark helper (h16s): the real-daemon lab of
// tests/helpers/record_banners.py (`--serve`) with a scanner namespace, and
// the three scanners run in it — zon `--banners`, `nmap -sV` (the oracle),
// masscan `--banners` — each giving per-port service facts.

import { readNmapXml } from "./banner_identify.ts";
import {
  type NamespaceRun,
  runInNamespace,
  startStdinLab,
} from "./stdin_lab.ts";

const SERVE = new URL("./record_banners.py", import.meta.url).pathname;
const SCAN = new URL("../../examples/scan.ts", import.meta.url).pathname;

/** What `record_banners.py --serve` printed. */
export interface DaemonLabInfo {
  daemonNs: string;
  scanNs: string;
  server: string;
  adapter: string;
  adapterMac: string;
  routerMac: string;
  scannerIp: string;
  adapterIp: string;
  routerIp: string;
  ports: number[];
  certificateSha256: string;
  packages: Record<string, { package: string; version: string }>;
}

/** A running lab: its facts, and `stop()` to remove it all. */
export interface DaemonLab extends DaemonLabInfo {
  stop(): Promise<void>;
}

/** One port as a scanner saw it. */
export interface PortFacts {
  name?: string;
  product?: string;
  version?: string;
  extrainfo?: string;
  tunnel?: string;
  /** zon's banner text. */
  banner?: string;
  /** SHA-256 fingerprints of leaf certificates seen. */
  certificates: string[];
  /** How zon got to TLS (`direct`, `smtp`, ...). */
  via?: string;
  tlsVersion?: string;
}

/**
 * nmap's name and tunnel as zon's: equal, or nmap's `imaps`/`pop3s` (its
 * names for IMAP/POP3 over TLS when it names the port, not the inner
 * protocol) against zon's `imap`/`pop3` with tunnel ssl. Nothing looser.
 */
export function sameName(ours: PortFacts, theirs: PortFacts): boolean {
  if (ours.name === theirs.name && ours.tunnel === theirs.tunnel) return true;
  return ours.tunnel === "ssl" && theirs.tunnel === undefined &&
    ["imap", "pop3"].includes(ours.name ?? "") &&
    theirs.name === `${ours.name}s`;
}

/** One scanner's run. */
export interface ScanRun {
  seconds: number;
  ports: Map<number, PortFacts>;
  /** The scanner kernel's TCP OutRsts during the run. */
  kernelResets: number;
  stdout: string;
  stderr: string;
}

/** Starts the daemons and the scanner namespace (root only). */
export function startDaemonLab(): Promise<DaemonLab> {
  return startStdinLab<DaemonLabInfo>([SERVE, "--serve"]);
}

function inScanNs(
  lab: DaemonLabInfo,
  args: string[],
  timeoutMs = 300_000,
): Promise<NamespaceRun> {
  return runInNamespace(lab.scanNs, args, timeoutMs);
}

/** The scanner kernel's TCP OutRsts counter. */
export async function kernelResets(lab: DaemonLabInfo): Promise<number> {
  const { stdout } = await inScanNs(lab, ["cat", "/proc/net/snmp"]);
  const lines = stdout.split("\n").filter((l) => l.startsWith("Tcp:"));
  const names = lines[0].split(/\s+/), values = lines[1].split(/\s+/);
  return Number(values[names.indexOf("OutRsts")]);
}

function scanArgs(lab: DaemonLabInfo, masscan: boolean): string[] {
  return [
    lab.server,
    "-p",
    lab.ports.join(","),
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
  ];
}

async function timed<T>(
  lab: DaemonLabInfo,
  run: () => Promise<T>,
): Promise<{ value: T; seconds: number; kernelResets: number }> {
  const before = await kernelResets(lab);
  const started = performance.now();
  const value = await run();
  const seconds = (performance.now() - started) / 1000;
  return { value, seconds, kernelResets: (await kernelResets(lab)) - before };
}

interface BannerRecord {
  port: number;
  rec_type: string;
  data: {
    service_name: string;
    tunnel?: string;
    product?: string;
    version?: string;
    extrainfo?: string;
    banner: string;
    tls?: {
      via?: string;
      version?: string;
      certificates: Array<{ fingerprintSha256: string }>;
    };
  };
}

function ndjsonBanners(stdout: string): BannerRecord[] {
  return stdout.split("\n").filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l.replace(/,\s*$/, "")) as BannerRecord)
    .filter((l) => l.rec_type === "banner");
}

/** zon `--banners` (`-oD -`, and `-oX xmlPath` when given). */
export async function runZon(
  lab: DaemonLabInfo,
  xmlPath?: string,
): Promise<ScanRun> {
  const { value, seconds, kernelResets } = await timed(
    lab,
    () =>
      inScanNs(lab, [
        Deno.execPath(),
        "run",
        "-A",
        SCAN,
        ...scanArgs(lab, false),
        "--wait",
        "6",
        "--connection-timeout",
        "6",
        "-oD",
        "-",
        ...(xmlPath ? ["-oX", xmlPath] : []),
      ]),
  );
  if (value.code !== 0) throw new Error(`zon failed: ${value.stderr}`);
  const ports = new Map<number, PortFacts>();
  for (const b of ndjsonBanners(value.stdout)) {
    const facts: PortFacts = ports.get(b.port) ?? { certificates: [] };
    facts.name = b.data.service_name;
    facts.product = b.data.product;
    facts.version = b.data.version;
    facts.extrainfo = b.data.extrainfo;
    facts.tunnel = b.data.tunnel;
    facts.banner = b.data.banner;
    if (b.data.tls) {
      facts.via = b.data.tls.via;
      facts.tlsVersion = b.data.tls.version;
      const leaf = b.data.tls.certificates[0]?.fingerprintSha256;
      if (leaf) facts.certificates.push(leaf);
    }
    ports.set(b.port, facts);
  }
  return { seconds, ports, kernelResets, ...value };
}

/** `nmap -sV` from the scanner kernel (with `--script ssl-cert`: certificates too). */
export async function runNmap(
  lab: DaemonLabInfo,
  xmlPath: string,
  options: { sslCert?: boolean; ports?: number[] } = {},
): Promise<ScanRun> {
  const sslCert = options.sslCert ?? false;
  const { value, seconds, kernelResets } = await timed(
    lab,
    () =>
      inScanNs(lab, [
        "nmap",
        "-n",
        "-Pn",
        "-sV",
        ...(sslCert ? ["--script", "ssl-cert"] : []),
        "-p",
        (options.ports ?? lab.ports).join(","),
        "-oX",
        xmlPath,
        lab.server,
      ]),
  );
  if (value.code !== 0) throw new Error(`nmap failed: ${value.stderr}`);
  const xml = await Deno.readTextFile(xmlPath);
  const ports = new Map<number, PortFacts>();
  for (const [port, a] of readNmapXml(xml)) {
    ports.set(port, {
      name: a.name,
      product: a.product,
      version: a.version,
      extrainfo: a.extrainfo,
      tunnel: a.tunnel,
      certificates: [],
    });
  }
  // ssl-cert gives SHA-1 and MD5 only: the SHA-256 is the PEM's.
  for (
    const m of xml.matchAll(
      /<port protocol="tcp" portid="(\d+)">(.*?)<\/port>/gs,
    )
  ) {
    // nmap writes the PEM's dashes and line ends as character references.
    const text = m[2].replace(
      /&#(x?)([0-9a-f]+);/gi,
      (_, hex, n) => String.fromCharCode(parseInt(n, hex ? 16 : 10)),
    );
    const pem = /-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----/s
      .exec(text);
    if (!pem) continue;
    const base64 = pem[1].replace(/\s+/g, "");
    ports.get(Number(m[1]))?.certificates.push(await sha256Hex(base64));
  }
  return { seconds, ports, kernelResets, ...value };
}

async function sha256Hex(base64: string): Promise<string> {
  const der = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** masscan `--banners` (`-oD -`). */
export async function runMasscan(lab: DaemonLabInfo): Promise<ScanRun> {
  const { value, seconds, kernelResets } = await timed(lab, () =>
    inScanNs(
      lab,
      ["masscan", ...scanArgs(lab, true), "--wait", "6", "-oD", "-"],
      40_000,
    ));
  const ports = new Map<number, PortFacts>();
  for (const b of ndjsonBanners(value.stdout)) {
    const facts: PortFacts = ports.get(b.port) ?? { certificates: [] };
    // masscan sends one record per layer: X509 carries a certificate
    // (base64 DER); keep the first other name.
    if (b.data.service_name === "X509") {
      facts.certificates.push(await sha256Hex(b.data.banner));
    } else facts.name ??= b.data.service_name;
    ports.set(b.port, facts);
  }
  return { seconds, ports, kernelResets, ...value };
}
