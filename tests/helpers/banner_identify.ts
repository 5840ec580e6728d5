// Test helper: the service identity zon's decoders give a recorded reply
// (named as tests/helpers/record_banners.py names its files), and nmap's
// `<service>` attributes per port from an `nmap -oX` file.

import { GreetingDecoder } from "../../decoders/greeting_banner.ts";
import { HttpBannerDecoder } from "../../decoders/http_banner.ts";
import { MemcachedDecoder } from "../../decoders/memcached_banner.ts";
import { MqttDecoder } from "../../decoders/mqtt_banner.ts";
import { MysqlDecoder } from "../../decoders/mysql_banner.ts";
import { PostgresDecoder } from "../../decoders/postgres_banner.ts";
import { RedisDecoder } from "../../decoders/redis_banner.ts";
import { identifyService } from "../../decoders/service_signatures.ts";
import { DnsTcpDecoder } from "../../decoders/dns_tcp_banner.ts";
import { RdpDecoder } from "../../decoders/rdp_banner.ts";
import { Smb2Decoder } from "../../decoders/smb2_banner.ts";
import { TelnetDecoder } from "../../decoders/telnet_banner.ts";
import { VncDecoder } from "../../decoders/vnc_banner.ts";
import type {
  ServiceDecoder,
  ServiceInfo,
} from "../../decoders/service_types.ts";

function decode(
  decoder: ServiceDecoder<object>,
  bytes: Uint8Array,
): ServiceInfo {
  decoder.push(bytes);
  return decoder.result().service;
}

/** The identity of recording `name` (its server bytes `bytes`, from `port`). */
export function identifyRecorded(
  name: string,
  bytes: Uint8Array,
  port: number,
): ServiceInfo {
  const kind = name.split("_")[0];
  switch (kind) {
    case "redis":
      return decode(new RedisDecoder(), bytes);
    case "memcached":
      return decode(new MemcachedDecoder(), bytes);
    case "mqtt":
      return decode(new MqttDecoder(), bytes);
    case "mysql":
      return decode(new MysqlDecoder(), bytes);
    case "postgres":
      return decode(
        new PostgresDecoder({
          after: name.includes("ssl") ? "ssl-request" : "startup",
        }),
        bytes,
      );
    case "dns":
      return decode(new DnsTcpDecoder(), bytes);
    case "rdp":
      return decode(new RdpDecoder(), bytes);
    case "smb2":
      return decode(new Smb2Decoder(), bytes);
    case "telnet":
      return decode(new TelnetDecoder(), bytes);
    case "vnc":
      return decode(new VncDecoder(), bytes);
    case "http": {
      const http = new HttpBannerDecoder();
      http.push(bytes);
      return identifyService("http", http.end().headers);
    }
    default: {
      const grammar = kind === "ssh" || kind === "pop3" || kind === "imap"
        ? kind
        : "reply";
      const greeting = new GreetingDecoder(grammar, { port });
      greeting.push(bytes);
      const result = greeting.end();
      return identifyService(result.protocol, result.text);
    }
  }
}

/** nmap's `<service>` attributes by port. */
export function readNmapXml(xml: string): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (
    const port of xml.matchAll(
      /<port protocol="tcp" portid="(\d+)">(.*?)<\/port>/gs,
    )
  ) {
    const service = /<service ([^>]*?)\/?>/.exec(port[2]);
    if (!service) continue;
    const attributes: Record<string, string> = {};
    for (const a of service[1].matchAll(/(\w+)="([^"]*)"/g)) {
      attributes[a[1]] = a[2];
    }
    out.set(Number(port[1]), attributes);
  }
  return out;
}
