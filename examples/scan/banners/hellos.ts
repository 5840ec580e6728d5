/**
 * Which hello goes to which port (masscan's idea, zon's table): an HTTP
 * `GET / HTTP/1.0` with Host and a User-Agent naming zon, a TLS 1.3-capable
 * ClientHello (`Tls13Client`, one per connection), a client-first probe of
 * `decoders/service_registry.ts` (Redis, memcached, MQTT, PostgreSQL,
 * MongoDB, DNS, RDP, SMB2 on their usual ports), a STARTTLS dialogue (SMTP,
 * POP3, IMAP, FTP, PostgreSQL: `STARTTLS_PORTS`), or nothing for protocols
 * where the server speaks first; `--hello-file PORT:FILE` sends a file's
 * bytes instead. The port only chooses what is sent first: the service is
 * named from what comes back.
 *
 * The HTTP hello is written straight into the TCP stack's per-connection
 * hello buffer with the target's address as Host, without building a string.
 *
 * @module
 */

import { buildClientHello } from "../../../decoders/tls_client_hello.ts";
import {
  probeForPort,
  type ServiceProbe,
} from "../../../decoders/service_registry.ts";
import {
  STARTTLS_PORTS,
  type StarttlsProtocol,
} from "../../../decoders/starttls.ts";
import type { ConnectionPlan } from "./banner.ts";

/** The default User-Agent (`--http-user-agent` replaces it). */
export const DEFAULT_USER_AGENT =
  "zon/0.1 (banner grab; +https://jsr.io/@zon/net)";

/** Ports that get the HTTP hello unless the table says otherwise. */
export const DEFAULT_HTTP_PORTS: readonly number[] = [
  80,
  81,
  591,
  8000,
  8008,
  8080,
  8081,
  8888,
];

/** Ports that get a TLS ClientHello unless the table says otherwise. */
export const DEFAULT_TLS_PORTS: readonly number[] = [
  443,
  465,
  563,
  636,
  853,
  990,
  992,
  993,
  994,
  995,
  4433,
  5061,
  8443,
  8883,
  9443,
];

/**
 * Direct-TLS ports whose protocol inside the tunnel speaks first (SMTP,
 * NNTP, FTP, Telnet, IMAP, IRC, POP3 over TLS): nothing is sent inside.
 */
export const TUNNEL_LISTEN_PORTS: readonly number[] = [
  465,
  563,
  990,
  992,
  993,
  994,
  995,
];

/**
 * Direct-TLS ports whose inner protocol has a client-first probe: the
 * plaintext port whose probe goes inside (DNS over TLS, MQTT over TLS).
 * Every other TLS port gets the HTTP hello inside the tunnel.
 */
export const TUNNEL_PROBE_PORTS: ReadonlyMap<number, number> = new Map([
  [853, 53],
  [8883, 1883],
]);

/** What a direct-TLS connection sends once its tunnel is open. */
export interface TunnelHello {
  /** How the inner connection starts (a probe, or listen). */
  plan: ConnectionPlan;
  /** Bytes to send inside first when the plan sends none (the HTTP hello). */
  bytes: Uint8Array | null;
}

/** What a port gets. */
export type HelloKind =
  | "http"
  | "tls"
  | "none"
  | "bytes"
  | "probe"
  | "starttls";

/** Options of {@linkcode HelloTable}. */
export interface HelloOptions {
  /** `--http-user-agent` (default {@linkcode DEFAULT_USER_AGENT}). */
  userAgent?: string;
  /** `--http-header "Name: value"`, repeatable. */
  headers?: readonly string[];
  /** `--hello-file PORT:FILE`, already read. */
  helloFiles?: ReadonlyArray<{ port: number; bytes: Uint8Array }>;
  /** Ports for the HTTP hello (default {@linkcode DEFAULT_HTTP_PORTS}). */
  httpPorts?: readonly number[];
  /** Ports for the TLS hello (default {@linkcode DEFAULT_TLS_PORTS}). */
  tlsPorts?: readonly number[];
  /**
   * Client-first probes and STARTTLS dialogues on their usual ports
   * (default true; false: only HTTP, TLS and `--hello-file`, as before).
   */
  probes?: boolean;
}

const enc = new TextEncoder();
const KIND_NONE = 0;
const KIND_HTTP = 1;
const KIND_TLS = 2;
const KIND_BYTES = 3;
const KIND_PROBE = 4;
const KIND_STARTTLS = 5;
const KIND_NAMES: readonly HelloKind[] = [
  "none",
  "http",
  "tls",
  "bytes",
  "probe",
  "starttls",
];
const PLAN_LISTEN: ConnectionPlan = { kind: "listen" };
const PLAN_TLS: ConnectionPlan = { kind: "tls" };

/** The per-port hello table. */
export class HelloTable {
  readonly #kind = new Uint8Array(65536);
  readonly #bytes = new Map<number, Uint8Array>();
  readonly #httpHead: Uint8Array;
  readonly #httpTail: Uint8Array;
  readonly #tls: Uint8Array;
  readonly #plans = new Map<number, ConnectionPlan>();

  /** Builds the table; throws a RangeError naming the flag on bad input. */
  constructor(options: HelloOptions = {}) {
    const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    if (/[\r\n]/.test(userAgent)) {
      throw new RangeError("--http-user-agent: must not contain CR or LF");
    }
    let tail = `\r\nUser-Agent: ${userAgent}\r\nAccept: */*\r\n`;
    for (const header of options.headers ?? []) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*$/.test(header)) {
        throw new RangeError(
          `--http-header: expected "Name: value" on one line, got ${
            JSON.stringify(header)
          }`,
        );
      }
      tail += `${header}\r\n`;
    }
    tail += "\r\n";
    this.#httpHead = enc.encode("GET / HTTP/1.0\r\nHost: ");
    this.#httpTail = enc.encode(tail);
    // No SNI: targets are addresses (RFC 6066 forbids IP literals there).
    this.#tls = buildClientHello();
    // Every other port: the server speaks first (SSH, FTP, SMTP, ...).
    this.#kind.fill(KIND_NONE);
    if (options.probes ?? true) {
      for (const [port, protocol] of STARTTLS_PORTS) {
        this.#setPlan(port, KIND_STARTTLS, { kind: "starttls", protocol });
      }
      for (let port = 1; port < 65536; port++) {
        const probe = probeForPort(port);
        // PostgreSQL: the SSLRequest (STARTTLS) names it and gets the certificate.
        if (probe && this.#kind[port] === KIND_NONE) {
          this.#setPlan(port, KIND_PROBE, { kind: "probe", probe });
        }
      }
    }
    for (const port of options.httpPorts ?? DEFAULT_HTTP_PORTS) {
      this.#kind[port] = KIND_HTTP;
    }
    for (const port of options.tlsPorts ?? DEFAULT_TLS_PORTS) {
      this.#kind[port] = KIND_TLS;
    }
    for (const { port, bytes } of options.helloFiles ?? []) {
      this.#kind[port] = KIND_BYTES;
      this.#bytes.set(port, bytes);
    }
  }

  #setPlan(port: number, kind: number, plan: ConnectionPlan): void {
    this.#kind[port] = kind;
    this.#plans.set(port, plan);
  }

  /** What `port` gets. */
  kind(port: number): HelloKind {
    return KIND_NAMES[this.#kind[port]];
  }

  /**
   * How a connection to `port` starts, for {@linkcode BannerDecoder.start}:
   * a probe, TLS, a STARTTLS dialogue, or listen (the HTTP hello and
   * `--hello-file` bytes are written by {@linkcode write}).
   */
  plan(port: number): ConnectionPlan {
    switch (this.#kind[port]) {
      case KIND_TLS:
        return PLAN_TLS;
      case KIND_PROBE:
      case KIND_STARTTLS:
        return this.#plans.get(port)!;
      default:
        return PLAN_LISTEN;
    }
  }

  /**
   * What goes inside the tunnel of direct-TLS `port` once it is open
   * (`TUNNEL_LISTEN_PORTS`: nothing; `TUNNEL_PROBE_PORTS`: the inner
   * protocol's probe; else the HTTP hello with `remoteIp` as Host, or the
   * IPv6 address at `ip6[ip6Offset]` when `ip6` is given).
   */
  tunnel(
    port: number,
    remoteIp: number,
    ip6?: Uint8Array,
    ip6Offset: number = 0,
  ): TunnelHello {
    if (TUNNEL_LISTEN_PORTS.includes(port)) {
      return { plan: PLAN_LISTEN, bytes: null };
    }
    const inner = TUNNEL_PROBE_PORTS.get(port);
    const probe = inner === undefined ? undefined : probeForPort(inner);
    if (probe) return { plan: { kind: "probe", probe }, bytes: null };
    const out = new Uint8Array(
      this.#httpHead.length + 47 + this.#httpTail.length,
    );
    const length = ip6
      ? this.#writeHttp6(port, ip6, ip6Offset, out, 0, out.length)
      : this.#writeHttp(port, remoteIp, out, 0, out.length);
    return { plan: PLAN_LISTEN, bytes: out.subarray(0, length) };
  }

  /** The client-first probe sent to `port`, if any. */
  probe(port: number): ServiceProbe | undefined {
    const plan = this.#plans.get(port);
    return this.#kind[port] === KIND_PROBE && plan?.kind === "probe"
      ? plan.probe
      : undefined;
  }

  /** The STARTTLS dialogue run on `port`, if any. */
  starttls(port: number): StarttlsProtocol | undefined {
    const plan = this.#plans.get(port);
    return this.#kind[port] === KIND_STARTTLS && plan?.kind === "starttls"
      ? plan.protocol
      : undefined;
  }

  /** Longest hello this table writes (for the TCP stack's `helloBytes`). */
  get maxLength(): number {
    let max = Math.max(
      // A TLS 1.3 ClientHello and the second one after a HelloRetryRequest.
      1024,
      this.#tls.length,
      // `[` + RFC 5952 text (at most 39) + `]:65535`.
      this.#httpHead.length + 47 + this.#httpTail.length,
    );
    for (const bytes of this.#bytes.values()) max = Math.max(max, bytes.length);
    return max;
  }

  /**
   * Writes the hello for `remoteIp:port` into `out[offset, offset +
   * capacity)`; returns its length (0: none, or it does not fit).
   */
  write(
    port: number,
    remoteIp: number,
    out: Uint8Array,
    offset: number,
    capacity: number,
  ): number {
    switch (this.#kind[port]) {
      case KIND_HTTP:
        return this.#writeHttp(port, remoteIp, out, offset, capacity);
      case KIND_TLS:
        return put(this.#tls, out, offset, capacity);
      case KIND_BYTES:
        return put(this.#bytes.get(port)!, out, offset, capacity);
      case KIND_PROBE:
        return put(this.probe(port)!.hello, out, offset, capacity);
      default:
        return 0;
    }
  }

  /**
   * {@linkcode write} for an IPv6 target whose address is
   * `ip6[ip6Offset, ip6Offset + 16)`: the HTTP hello's Host is
   * `[address]` (RFC 5952 text), written without allocating.
   */
  write6(
    port: number,
    ip6: Uint8Array,
    ip6Offset: number,
    out: Uint8Array,
    offset: number,
    capacity: number,
  ): number {
    if (this.#kind[port] !== KIND_HTTP) {
      return this.write(port, 0, out, offset, capacity);
    }
    return this.#writeHttp6(port, ip6, ip6Offset, out, offset, capacity);
  }

  #writeHttp6(
    port: number,
    ip6: Uint8Array,
    ip6Offset: number,
    out: Uint8Array,
    offset: number,
    capacity: number,
  ): number {
    const head = this.#httpHead;
    const tail = this.#httpTail;
    if (head.length + 47 + tail.length > capacity) return 0;
    let at = offset;
    out.set(head, at);
    at += head.length;
    out[at++] = 0x5b; // [
    at = ipv6Text(ip6, ip6Offset, out, at);
    out[at++] = 0x5d; // ]
    if (port !== 80) {
      out[at++] = 0x3a; // :
      at = decimal(port, out, at);
    }
    out.set(tail, at);
    return at + tail.length - offset;
  }

  #writeHttp(
    port: number,
    ip: number,
    out: Uint8Array,
    offset: number,
    capacity: number,
  ): number {
    const head = this.#httpHead;
    const tail = this.#httpTail;
    if (head.length + 21 + tail.length > capacity) return 0;
    let at = offset;
    out.set(head, at);
    at += head.length;
    for (let shift = 24; shift >= 0; shift -= 8) {
      at = decimal((ip >>> shift) & 0xff, out, at);
      if (shift > 0) out[at++] = 0x2e; // .
    }
    if (port !== 80) {
      out[at++] = 0x3a; // :
      at = decimal(port, out, at);
    }
    out.set(tail, at);
    return at + tail.length - offset;
  }
}

function put(
  bytes: Uint8Array,
  out: Uint8Array,
  offset: number,
  capacity: number,
): number {
  if (bytes.length > capacity) return 0;
  out.set(bytes, offset);
  return bytes.length;
}

/** Writes `value` (0..65535) in decimal at `at`; returns the end. */
function decimal(value: number, out: Uint8Array, at: number): number {
  let divisor = 1;
  while (divisor * 10 <= value) divisor *= 10;
  for (; divisor >= 1; divisor = Math.floor(divisor / 10)) {
    out[at++] = 0x30 + Math.floor(value / divisor) % 10;
  }
  return at;
}

/**
 * Parses one `--hello-file PORT:FILE` value; throws a RangeError naming the
 * flag and the expected form.
 */
export function parseHelloFileFlag(value: string): {
  port: number;
  path: string;
} {
  const match = /^(\d{1,5}):(.+)$/.exec(value);
  const port = match ? Number(match[1]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new RangeError(
      `--hello-file: expected PORT:FILE with PORT in 1-65535, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return { port, path: match[2] };
}

/** Reads every `--hello-file PORT:FILE` into the form {@linkcode HelloOptions} takes. */
export async function loadHelloFiles(
  values: readonly string[],
): Promise<Array<{ port: number; bytes: Uint8Array }>> {
  const out: Array<{ port: number; bytes: Uint8Array }> = [];
  for (const value of values) {
    const { port, path } = parseHelloFileFlag(value);
    try {
      out.push({ port, bytes: await Deno.readFile(path) });
    } catch (error) {
      if (!Object.values(Deno.errors).some((kind) => error instanceof kind)) {
        throw error;
      }
      throw new RangeError(
        `--hello-file: cannot read ${path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return out;
}

/**
 * Writes the RFC 5952 text of `ip[from, from + 16)` at `at` (lowercase
 * hex, no leading zeros, the longest run of two or more zero groups — the
 * first of equal runs — as `::`); returns the end.
 */
export function ipv6Text(
  ip: Uint8Array,
  from: number,
  out: Uint8Array,
  at: number,
): number {
  let bestStart = -1, bestLength = 1, runStart = -1;
  for (let g = 0; g <= 8; g++) {
    const zero = g < 8 && ip[from + 2 * g] === 0 && ip[from + 2 * g + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
    } else if (runStart >= 0) {
      if (g - runStart > bestLength) {
        bestStart = runStart;
        bestLength = g - runStart;
      }
      runStart = -1;
    }
  }
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      out[at++] = 0x3a;
      if (g === 0) out[at++] = 0x3a;
      g += bestLength - 1;
      continue;
    }
    const value = (ip[from + 2 * g] << 8) | ip[from + 2 * g + 1];
    let started = false;
    for (let shift = 12; shift >= 0; shift -= 4) {
      const digit = (value >>> shift) & 0xf;
      if (digit !== 0 || started || shift === 0) {
        out[at++] = digit < 10 ? 0x30 + digit : 0x57 + digit;
        started = true;
      }
    }
    if (g < 7) out[at++] = 0x3a;
  }
  return at;
}
