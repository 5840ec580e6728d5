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
 * The client-first probes (Redis, memcached, MQTT, PostgreSQL).
 *
 * @example
 * ```ts
 * import { SERVICE_PROBES } from "./service_registry.ts";
 * SERVICE_PROBES.map((p) => p.protocol); // ["redis", "memcached", "mqtt", "postgresql"]
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
];

/**
 * Server-first protocols recognised by a sniff of their binary start.
 *
 * @example
 * ```ts
 * import { SERVER_FIRST_PROTOCOLS } from "./service_registry.ts";
 * SERVER_FIRST_PROTOCOLS.length; // 1
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
