/**
 * Real listeners for the scan lab's hosts: HTTP (`python3 -m http.server`),
 * TLS (`openssl s_server` with a throwaway self-signed certificate), plain
 * TCP services that send a one-line banner, a Redis-like service that
 * answers a client's first command with an `INFO server` reply, and a
 * DNS-ish UDP responder.
 *
 * @module
 */

import { Daemon, runCommand, sleep } from "./run.ts";
import { listeningSockets } from "./net.ts";

/** What listens on a port. */
export type LabServiceKind = "http" | "tls" | "banner" | "redis" | "dns";

/** One listening service of a lab host (on each of the host's addresses). */
export interface LabService {
  /** Transport: `dns` is UDP, the others TCP. */
  proto: "tcp" | "udp";
  /** Port number 1..65535. */
  port: number;
  /** What answers there. */
  kind: LabServiceKind;
  /** For `banner`: the line sent to each client. */
  banner?: string;
}

/**
 * The documented default services, one array per host (198.18.1.11,
 * .12, .13 and their 2001:2:0:1::11.. twins):
 *
 * | host        | services                                               |
 * | ----------- | ------------------------------------------------------ |
 * | 198.18.1.11 | tcp/22 SSH banner, tcp/80 HTTP, tcp/443 TLS            |
 * | 198.18.1.12 | tcp/25 SMTP banner, tcp/8080 HTTP, udp/53 DNS          |
 * | 198.18.1.13 | tcp/6379 Redis INFO reply, tcp/8443 TLS                |
 */
export const LAB_DEFAULT_SERVICES: readonly (readonly LabService[])[] = [
  [
    { proto: "tcp", port: 22, kind: "banner", banner: "SSH-2.0-zonlab" },
    { proto: "tcp", port: 80, kind: "http" },
    { proto: "tcp", port: 443, kind: "tls" },
  ],
  [
    { proto: "tcp", port: 25, kind: "banner", banner: "220 zonlab ESMTP" },
    { proto: "tcp", port: 8080, kind: "http" },
    { proto: "udp", port: 53, kind: "dns" },
  ],
  [
    { proto: "tcp", port: 6379, kind: "redis" },
    { proto: "tcp", port: 8443, kind: "tls" },
  ],
];

/**
 * What the lab's Redis port answers to any first command: a RESP bulk
 * string shaped like a real server's `INFO server` (Redis, like every
 * client-speaks-first service, sends nothing until asked).
 */
const REDIS_INFO =
  "# Server\r\nredis_version:7.0.15-zonlab\r\nredis_mode:standalone\r\nos:Linux zonlab x86_64\r\n";

/** A service's argument to the listener: `proto:port:reply`. */
function listenerSpec(service: LabService): string {
  const { proto, port } = service;
  if (service.kind === "redis") {
    // "tcp-reply": the reply waits for the client's first bytes. The
    // listener adds the final CRLF.
    return `tcp-reply:${port}:$${REDIS_INFO.length}\r\n${REDIS_INFO}`;
  }
  return `${proto}:${port}:${service.banner ?? `zonlab ${proto}/${port}`}`;
}

// One process serves every banner, Redis and DNS port of a host: cheaper
// than a process per port when a test opens dozens of random ports. The
// kernel completes handshakes for a listening socket on its own; accepting
// only lets real clients see the banner.
const LISTENER_PY = `
import selectors, socket, sys
sel = selectors.DefaultSelector()
addrs = sys.argv[1].split(",")
for spec in sys.argv[2:]:
    proto, port, banner = spec.split(":", 2)
    for a in addrs:
        fam = socket.AF_INET6 if ":" in a else socket.AF_INET
        kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
        s = socket.socket(fam, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a, int(port)))
        if proto != "udp":
            s.listen(1024)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, (proto, banner.encode() + b"\\r\\n"))

def dns_reply(q):
    # The query echoed with QR/RD/RA set: enough for any scanner to call
    # the port open, and a well-formed DNS answer header.
    if len(q) < 12:
        return b"zonlab udp\\n"
    return q[:2] + b"\\x81\\x80" + q[4:6] + b"\\x00\\x00\\x00\\x00\\x00\\x00" + q[12:]

while True:
    for key, _ in sel.select():
        proto, banner = key.data
        try:
            if proto == "tcp":
                c, _ = key.fileobj.accept()
                c.settimeout(1)
                try:
                    c.sendall(banner)
                finally:
                    c.close()
            elif proto == "tcp-reply":
                # Wait for the client's first bytes without blocking the
                # other ports: the connection joins the selector.
                c, _ = key.fileobj.accept()
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, ("client", banner))
            elif proto == "client":
                sel.unregister(key.fileobj)
                c = key.fileobj
                try:
                    if c.recv(4096):
                        c.settimeout(1)
                        c.sendall(banner)
                finally:
                    c.close()
            else:
                data, peer = key.fileobj.recvfrom(4096)
                key.fileobj.sendto(dns_reply(data), peer)
        except OSError:
            pass
`;

// http.server's CLI, but without the reverse DNS lookup HTTPServer does
// at bind time (socket.getfqdn): a lab host has no resolver, so the lookup
// would send DNS queries into the lab and stall startup for seconds.
const HTTP_PY = `
import runpy, socket, sys
socket.getfqdn = lambda name="": name
sys.argv[0] = "http.server"
runpy.run_module("http.server", run_name="__main__")
`;

/**
 * The python3 to run: Debian's when present (a pyenv shim on PATH costs a
 * third of a second per start), else whatever PATH has.
 */
export const PYTHON: string = (() => {
  try {
    Deno.statSync("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
})();

/** Makes a self-signed P-256 certificate in `dir`; returns the file paths. */
export async function makeCertificate(
  dir: string,
): Promise<{ cert: string; key: string }> {
  const cert = `${dir}/cert.pem`, key = `${dir}/key.pem`;
  await runCommand("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "1",
    "-subj",
    "/CN=zonlab",
  ]);
  return { cert, key };
}

/** Where a host's services run and what they need. */
export interface HostServiceContext {
  /** The host's namespace. */
  ns: string;
  /** The host's addresses (each service listens on all of them). */
  addresses: string[];
  /** The lab's temp dir (certificate, web roots). */
  dir: string;
  /** The certificate for TLS services. */
  tls: { cert: string; key: string };
}

function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Starts `services` in a host namespace and waits until every socket is
 * listening. Returns the daemons (the caller stops them). Throws, after
 * stopping what it started, when a listener does not come up in 10 s.
 */
export async function startHostServices(
  ctx: HostServiceContext,
  services: readonly LabService[],
): Promise<Daemon[]> {
  const daemons: Daemon[] = [];
  const exec = (name: string, cmd: string, args: string[]) =>
    daemons.push(
      new Daemon(name, "ip", ["netns", "exec", ctx.ns, cmd, ...args]),
    );
  try {
    const simple = services.filter((s) =>
      s.kind === "banner" || s.kind === "redis" || s.kind === "dns"
    );
    if (simple.length > 0) {
      exec(`listeners in ${ctx.ns}`, PYTHON, [
        "-c",
        LISTENER_PY,
        ctx.addresses.join(","),
        ...simple.map(listenerSpec),
      ]);
    }
    for (const s of services) {
      if (s.kind !== "http" && s.kind !== "tls") continue;
      for (const address of ctx.addresses) {
        const where = hostPort(address, s.port);
        if (s.kind === "http") {
          const root = `${ctx.dir}/www-${ctx.ns}`;
          await Deno.mkdir(root, { recursive: true });
          await Deno.writeTextFile(
            `${root}/index.html`,
            `zonlab ${ctx.ns}\n`,
          );
          exec(`http.server ${where}`, PYTHON, [
            "-c",
            HTTP_PY,
            String(s.port),
            "--bind",
            address,
            "--directory",
            root,
          ]);
        } else {
          exec(`openssl s_server ${where}`, "openssl", [
            "s_server",
            "-accept",
            where,
            "-cert",
            ctx.tls.cert,
            "-key",
            ctx.tls.key,
            "-www",
            "-quiet",
          ]);
        }
      }
    }
    await waitListening(ctx, services, daemons);
    return daemons;
  } catch (e) {
    await Promise.all(daemons.map((d) => d.stop()));
    throw e;
  }
}

async function waitListening(
  ctx: HostServiceContext,
  services: readonly LabService[],
  daemons: Daemon[],
): Promise<void> {
  const wanted = services.flatMap((s) =>
    ctx.addresses.map((a) =>
      `${s.proto === "udp" ? "udp" : "tcp"} ${a} ${s.port}`
    )
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const dead = daemons.find((d) => d.exited);
    if (dead) {
      throw new Error(
        `lab: ${dead.name} exited at start: ${dead.stderrTail.trim()}`,
      );
    }
    const up = await listeningSockets(ctx.ns);
    const missing = wanted.filter((w) => !up.has(w));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `lab: not listening after 10 s in ${ctx.ns}: ${missing.join(", ")}`,
      );
    }
    await sleep(50);
  }
}
