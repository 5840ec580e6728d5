/**
 * The registry a banner grabber wires in: for each client-first protocol
 * the hello to send, the ports it is tried on and a factory for the
 * decoder of the reply; for server-first binary protocols a sniff test of
 * the first bytes. Plus the rule that tells a Redis error line from a
 * POP3 `-ERR` greeting.
 *
 * Wiring, per connection: send `probeForPort(port)?.hello` after the
 * handshake (nothing if undefined); feed the server's bytes to that
 * probe's decoder; if its result has `error.code === "NOT_THIS_PROTOCOL"`,
 * fall back to recognising the bytes (the server spoke first, or is
 * something else): `sniffServerFirst(prefix)`, then the text signatures.
 * Name the product and version of text greetings with `identifyService`
 * (service_signatures.ts); a POP3-looking `-ERR` line goes through
 * `classifyErrorLine` first. TLS ports: `Tls13Client` (send `hello`, feed
 * bytes, send `takeSend()` when it returns bytes). STARTTLS ports
 * (`STARTTLS_PORTS`): a `StarttlsMachine` until it says `tls`, then a
 * `Tls13Client` on the same connection.
 *
 * @example One connection to a client-first port
 * ```ts
 * import { probeForPort } from "./service_registry.ts";
 * const probe = probeForPort(6379)!;
 * // send probe.hello once connected, then for each segment from the server:
 * const decoder = probe.create();
 * decoder.push(new TextEncoder().encode("-NOAUTH Authentication required.\r\n"));
 * decoder.done; // true
 * decoder.result().service; // { name: "redis", product: "Redis key-value store" }
 * ```
 *
 * @module
 */

import { MEMCACHED_HELLO, MemcachedDecoder } from "./memcached_banner.ts";
import { MQTT_HELLO, MqttDecoder } from "./mqtt_banner.ts";
import { looksLikeMysql, MysqlDecoder } from "./mysql_banner.ts";
import { POSTGRES_HELLO, PostgresDecoder } from "./postgres_banner.ts";
import { REDIS_HELLO, RedisDecoder } from "./redis_banner.ts";
import type { ServiceDecoder } from "./service_types.ts";
import { AhoCorasick } from "../aho_corasick/mod.ts";
import { DNS_VERSION_BIND_HELLO, DnsTcpDecoder } from "./dns_tcp_banner.ts";
import { MONGODB_HELLO, MongodbDecoder } from "./mongodb_banner.ts";
import { RDP_HELLO, RdpDecoder } from "./rdp_banner.ts";
import { SMB2_HELLO, Smb2Decoder } from "./smb2_banner.ts";
import { TelnetDecoder } from "./telnet_banner.ts";
import { VncDecoder } from "./vnc_banner.ts";

/**
 * A client-first protocol: what to send, where, and how to read the reply.
 *
 * @example
 * ```ts
 * import { SERVICE_PROBES } from "./service_registry.ts";
 * const redis = SERVICE_PROBES.find((p) => p.protocol === "redis")!;
 * const decoder = redis.create();
 * ```
 */
export interface ServiceProbe {
  /** nmap's service name. */
  readonly protocol: string;
  /** Bytes to send once connected. */
  readonly hello: Uint8Array;
  /** Ports where this hello is sent by default. */
  readonly ports: readonly number[];
  /** A fresh decoder for the reply. */
  create(): ServiceDecoder<object>;
}

/**
 * A server-first protocol whose first bytes are binary (no text signature):
 * `sniff` looks at the stream's first bytes.
 *
 * @example
 * ```ts
 * import { SERVER_FIRST_PROTOCOLS } from "./service_registry.ts";
 * SERVER_FIRST_PROTOCOLS[0].protocol; // "mysql"
 * ```
 */
export interface ServerFirstProtocol {
  /** nmap's service name. */
  readonly protocol: string;
  /** Bytes `sniff` needs at least. */
  readonly sniffLength: number;
  /** True when `prefix` starts like this protocol. */
  sniff(prefix: Uint8Array): boolean;
  /** A fresh decoder, to be fed the stream from its first byte. */
  create(): ServiceDecoder<object>;
  /** Ports where it is usually found (hints only: never label by port). */
  readonly ports: readonly number[];
}

/**
 * The client-first probes: Redis, memcached, MQTT, PostgreSQL, MongoDB,
 * DNS over TCP, RDP, SMB2.
 *
 * @example
 * ```ts
 * import { SERVICE_PROBES } from "./service_registry.ts";
 * SERVICE_PROBES.map((p) => p.protocol).includes("redis"); // true
 * ```
 */
export const SERVICE_PROBES: readonly ServiceProbe[] = [
  {
    protocol: "redis",
    hello: REDIS_HELLO,
    ports: [6379, 6380],
    create: () => new RedisDecoder(),
  },
  {
    protocol: "memcached",
    hello: MEMCACHED_HELLO,
    ports: [11211],
    create: () => new MemcachedDecoder(),
  },
  {
    protocol: "mqtt",
    hello: MQTT_HELLO,
    ports: [1883],
    create: () => new MqttDecoder(),
  },
  {
    protocol: "postgresql",
    hello: POSTGRES_HELLO,
    ports: [5432],
    create: () => new PostgresDecoder(),
  },
  {
    protocol: "mongodb",
    hello: MONGODB_HELLO,
    ports: [27017, 27018],
    create: () => new MongodbDecoder(),
  },
  {
    protocol: "domain",
    hello: DNS_VERSION_BIND_HELLO,
    ports: [53],
    create: () => new DnsTcpDecoder(),
  },
  {
    protocol: "ms-wbt-server",
    hello: RDP_HELLO,
    ports: [3389],
    create: () => new RdpDecoder(),
  },
  {
    protocol: "microsoft-ds",
    hello: SMB2_HELLO,
    ports: [445],
    create: () => new Smb2Decoder(),
  },
];

/**
 * Server-first protocols recognised by a sniff of their binary start:
 * MySQL/MariaDB, VNC (`RFB `), Telnet (IAC WILL/WONT/DO/DONT). Telnet's
 * decoder queues negotiation answers: send `takeReply()` after each push.
 *
 * @example
 * ```ts
 * import { SERVER_FIRST_PROTOCOLS } from "./service_registry.ts";
 * SERVER_FIRST_PROTOCOLS.map((p) => p.protocol); // ["mysql", "vnc", "telnet"]
 * ```
 */
export const SERVER_FIRST_PROTOCOLS: readonly ServerFirstProtocol[] = [
  {
    protocol: "mysql",
    sniffLength: 5,
    sniff: looksLikeMysql,
    create: () => new MysqlDecoder(),
    ports: [3306],
  },
  {
    protocol: "vnc",
    sniffLength: 4,
    sniff: (p) =>
      p[0] === 0x52 && p[1] === 0x46 && p[2] === 0x42 && p[3] === 0x20,
    create: () => new VncDecoder(),
    ports: [5900, 5901],
  },
  {
    protocol: "telnet",
    sniffLength: 2,
    sniff: (p) => p[0] === 0xff && p[1] >= 0xfb && p[1] <= 0xfe,
    create: () => new TelnetDecoder(),
    ports: [23],
  },
];

const byPort = new Map<number, ServiceProbe>();
for (const probe of SERVICE_PROBES) {
  for (const port of probe.ports) byPort.set(port, probe);
}

/**
 * The probe whose hello goes to `port`, if any.
 *
 * @example
 * ```ts
 * import { probeForPort } from "./service_registry.ts";
 * probeForPort(6379)?.protocol; // "redis"
 * probeForPort(22); // undefined
 * ```
 */
export function probeForPort(port: number): ServiceProbe | undefined {
  return byPort.get(port);
}

/**
 * The server-first binary protocol `prefix` starts like, if any.
 *
 * @example
 * ```ts
 * import { sniffServerFirst } from "./service_registry.ts";
 * sniffServerFirst(Uint8Array.of(0x4a, 0, 0, 0, 0x0a))?.protocol; // "mysql"
 * ```
 */
export function sniffServerFirst(
  prefix: Uint8Array,
): ServerFirstProtocol | undefined {
  return SERVER_FIRST_PROTOCOLS.find((p) =>
    prefix.length >= p.sniffLength && p.sniff(prefix)
  );
}

/**
 * Starts of error lines only Redis sends: its error prefixes and the
 * `-ERR` texts it answers to unknown input. A POP3 `-ERR` greeting has
 * none of them.
 *
 * @example
 * ```ts
 * import { REDIS_ERROR_PREFIXES } from "./service_registry.ts";
 * REDIS_ERROR_PREFIXES.includes("-NOAUTH"); // true
 * ```
 */
export const REDIS_ERROR_PREFIXES: readonly string[] = [
  "-ERR unknown command",
  "-ERR unknown subcommand",
  "-ERR wrong number of arguments",
  "-ERR Protocol error",
  "-ERR operation not permitted",
  "-ERR syntax error",
  "-NOAUTH",
  "-DENIED",
  "-WRONGPASS",
  "-NOPERM",
  "-LOADING",
  "-MISCONF",
  "-READONLY",
  "-MASTERDOWN",
  "-BUSY",
];

const redisErrors = AhoCorasick.build(
  REDIS_ERROR_PREFIXES.map((pattern) => ({ pattern, anchored: "start" })),
);

/**
 * Tells a line starting with `-` apart: `redis` when it starts like a
 * Redis error, else `pop3` (a `-ERR` greeting).
 *
 * @example
 * ```ts
 * import { classifyErrorLine } from "./service_registry.ts";
 * classifyErrorLine("-ERR unknown command 'GET', with args beginning with: '/'"); // "redis"
 * classifyErrorLine("-ERR [SYS/TEMP] Too many connections"); // "pop3"
 * ```
 */
export function classifyErrorLine(line: string | Uint8Array): "redis" | "pop3" {
  const bytes = typeof line === "string"
    ? new TextEncoder().encode(line)
    : line;
  let redis = false;
  redisErrors.scan(bytes, redisErrors.startState, () => {
    redis = true;
  });
  return redis ? "redis" : "pop3";
}
