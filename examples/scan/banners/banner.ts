/**
 * Per-connection banner decoding. What goes first is chosen per port by
 * the hello table: a client-first probe (Redis, memcached, MQTT,
 * PostgreSQL, MongoDB, DNS, RDP, SMB2: `decoders/service_registry.ts`), an
 * HTTP request, a TLS 1.3-capable ClientHello (`TlsTunnel`: the handshake
 * is finished and the port's hello — HTTP, a probe, or nothing for a
 * server-first protocol — goes inside; a nested decoder reads the
 * decrypted bytes and names the service, `tunnel: "ssl"`), a STARTTLS
 * dialogue (SMTP, POP3, IMAP, FTP, PostgreSQL: `StarttlsMachine`, then the
 * ClientHello on the same connection; PostgreSQL's StartupMessage goes
 * inside that tunnel too), or nothing (the server speaks first). Server bytes that are not the probe's protocol — and the bytes
 * of a server that spoke first — are recognised from their start: one
 * Aho-Corasick automaton of start-anchored text signatures (HTTP, TLS,
 * SSH/FTP/SMTP/POP3/IMAP greetings), then a sniff of binary starts
 * (MySQL/MariaDB, VNC, Telnet). The port never names the service: it only
 * picks the first thing sent.
 *
 * Product and version come from the bytes (`identifyService`,
 * a data-driven signature table); a POP3-looking `-ERR` line is told
 * apart from a Redis error (`classifyErrorLine`). Bytes to send back
 * (STARTTLS commands, the ClientHello, a second ClientHello after a
 * HelloRetryRequest, Telnet option answers) wait in `takeSend()`.
 *
 * Nothing of the stream is reassembled: the first {@link HEAD_BYTES} are
 * kept (the printable banner, and the replay when a probe's decoder says
 * `NOT_THIS_PROTOCOL`).
 *
 * @module
 */

import { AhoCorasick } from "../../../aho_corasick/mod.ts";
import { TlsDecoder } from "../../../decoders/tls_decoder.ts";
import { HttpBannerDecoder } from "../../../decoders/http_banner.ts";
import type { HttpBanner } from "../../../decoders/http_banner.ts";
import {
  type GreetingBanner,
  GreetingDecoder,
  type GreetingKind,
} from "../../../decoders/greeting_banner.ts";
import {
  classifyErrorLine,
  probeForPort,
  type ServiceProbe,
  sniffServerFirst,
} from "../../../decoders/service_registry.ts";
import type {
  ServiceDecoder,
  ServiceInfo,
} from "../../../decoders/service_types.ts";
import { identifyService } from "../../../decoders/service_signatures.ts";
import {
  StarttlsMachine,
  type StarttlsProtocol,
  type StarttlsStep,
} from "../../../decoders/starttls.ts";
import { Tls13Client } from "../../../decoders/tls13_client.ts";
import type { TunnelHello } from "./hellos.ts";
import { TunnelSession } from "./tunnel.ts";
import { PostgresDecoder } from "../../../decoders/postgres_banner.ts";
import {
  summarizeTls13,
  summarizeTlsDecoder,
  type TlsSummary,
  tlsText,
} from "./tls_summary.ts";

export * from "./tls_summary.ts";

/** The decoder that read a banner (masscan's `service.name` values and the client-first ones). */
export type ServiceName =
  | "http"
  | "tls"
  | "ssh"
  | "ftp"
  | "smtp"
  | "pop3"
  | "imap"
  | "unknown"
  | string;

export type { ServiceInfo };

/** A grabbed banner: one per connection that sent anything (or timed out). */
export interface Banner {
  /** Server IPv4 address (unsigned 32-bit); 0 for an IPv6 server. */
  ip: number;
  /** Server IPv6 address, RFC 5952 text (IPv6 servers only). */
  ipv6?: string;
  /** Server port. */
  port: number;
  /** `udp` for a UDP reply's banner (receive/udp_service_report.ts); absent: TCP. */
  transport?: "udp";
  /** The decoder that read it (`http`, `tls`, `ssh`, `redis`, ..., `unknown`). */
  protocol: ServiceName;
  /** The service as `nmap -sV` names it: name, product, version, extra. */
  service: ServiceInfo;
  /** One printable text, masscan style (`service.banner`). */
  banner: string;
  /** HTTP fields. */
  http?: HttpBanner;
  /** TLS fields (direct TLS, or after STARTTLS: `tls.via`). */
  tls?: TlsSummary;
  /** Greeting fields (SSH, FTP, SMTP, POP3, IMAP). */
  greeting?: GreetingBanner;
  /** Server bytes read. */
  bytes: number;
}

const Kind = {
  HTTP: 0,
  TLS: 1,
  SSH: 2,
  REPLY: 3,
  POP3: 4,
  IMAP: 5,
} as const;
type Kind = typeof Kind[keyof typeof Kind];

/** Where a connection's plaintext bytes go. */
const DecodeState = {
  /** Matching the first bytes against signatures. */
  RECOGNIZING: 0,
  HTTP: 1,
  /** A server that spoke TLS first (nothing sent): the passive decoder. */
  TLS: 2,
  GREETING: 3,
  /** No signature matched: keep printable raw bytes. */
  RAW: 4,
  /** A client-first probe's (or a sniffed server-first protocol's) decoder. */
  SERVICE: 5,
  /** Our ClientHello went out: the TLS 1.3 client reads the handshake. */
  TLS_CLIENT: 6,
} as const;
type DecodeState = typeof DecodeState[keyof typeof DecodeState];

const SIGNATURES = AhoCorasick.build<Kind>([
  { pattern: "HTTP/", anchored: "start", value: Kind.HTTP },
  { pattern: "SSH-", anchored: "start", value: Kind.SSH },
  // TLS record headers: handshake or alert, version major 3.
  { pattern: Uint8Array.of(0x16, 0x03), anchored: "start", value: Kind.TLS },
  { pattern: Uint8Array.of(0x15, 0x03), anchored: "start", value: Kind.TLS },
  { pattern: "220", anchored: "start", value: Kind.REPLY },
  { pattern: "120", anchored: "start", value: Kind.REPLY },
  { pattern: "421", anchored: "start", value: Kind.REPLY },
  { pattern: "554", anchored: "start", value: Kind.REPLY },
  { pattern: "+OK", anchored: "start", value: Kind.POP3 },
  { pattern: "-ERR", anchored: "start", value: Kind.POP3 },
  { pattern: "* OK", anchored: "start", value: Kind.IMAP },
  { pattern: "* PREAUTH", anchored: "start", value: Kind.IMAP },
  { pattern: "* BYE", anchored: "start", value: Kind.IMAP },
]);
let longest = 0;
for (let p = 0; p < SIGNATURES.patternCount; p++) {
  longest = Math.max(longest, SIGNATURES.patternLength(p)!);
}
/** Bytes after which, with no signature matched, the stream is unknown. */
const SIGNATURE_LENGTH = longest;
const enc = new TextEncoder();
/** Bytes of the stream's start kept for the banner text and replays. */
export const HEAD_BYTES = 512;

/**
 * How a connection starts (from the hello table; see {@linkcode
 * BannerDecoder.start}).
 */
export type ConnectionPlan =
  | { kind: "listen" }
  | { kind: "probe"; probe: ServiceProbe }
  | { kind: "tls"; tunnel?: TunnelHello }
  | { kind: "starttls"; protocol: StarttlsProtocol };

const LISTEN: ConnectionPlan = { kind: "listen" };
/**
 * PostgreSQL after its SSLRequest: the StartupMessage goes inside the
 * tunnel, and the ErrorResponse (or login) that comes back carries what
 * the SSL answer alone does not (the V field: nmap's "9.6.0 or later").
 */
const POSTGRES_INSIDE: TunnelHello = {
  plan: { kind: "probe", probe: probeForPort(5432)! },
  bytes: null,
};

/**
 * Decodes one server stream; reusable for the next connection with
 * `begin` / `start`.
 */
export class BannerDecoder {
  #state: DecodeState = DecodeState.RECOGNIZING;
  #port = 0;
  #acState = SIGNATURES.startState;
  #matched = -1;
  readonly #head = new Uint8Array(HEAD_BYTES);
  #headFill = 0;
  #bytes = 0;
  readonly #http = new HttpBannerDecoder();
  readonly #greeting = new GreetingDecoder("ssh");
  #tls: TlsDecoder | null = null;
  #service: ServiceDecoder<object> | null = null;
  #serviceName = "";
  #probe: ServiceProbe | null = null;
  #starttls: StarttlsMachine | null = null;
  #client: Tls13Client | null = null;
  /** Direct TLS (and PostgreSQL's STARTTLS): the tunnel and what runs inside. */
  #tunnel: TunnelSession | null = null;
  /** The plaintext decoder inside the tunnel (made once, reused). */
  #inner: BannerDecoder | null = null;
  readonly #makeInner = (): BannerDecoder =>
    this.#inner ??= new BannerDecoder();
  #sends: Uint8Array[] = [];
  /** The plaintext decoder's state when TLS took over (STARTTLS). */
  #plainState: DecodeState = DecodeState.RECOGNIZING;

  /** Starts a new connection to `port` where the server speaks first. */
  begin(port: number): void {
    this.#state = DecodeState.RECOGNIZING;
    this.#port = port;
    this.#acState = SIGNATURES.startState;
    this.#headFill = 0;
    this.#bytes = 0;
    this.#tls = null;
    this.#service = null;
    this.#serviceName = "";
    this.#probe = null;
    this.#starttls = null;
    this.#client = null;
    this.#tunnel = null;
    this.#sends = [];
  }

  /**
   * Starts a connection to `port` by `plan`; returns the bytes to send
   * first (null: nothing, listen).
   */
  start(port: number, plan: ConnectionPlan = LISTEN): Uint8Array | null {
    this.begin(port);
    switch (plan.kind) {
      case "probe":
        this.#probe = plan.probe;
        this.#useService(plan.probe.create(), plan.probe.protocol);
        return plan.probe.hello;
      case "tls":
        return this.#startTunnel(plan.tunnel ?? null);
      case "starttls": {
        this.#starttls = new StarttlsMachine(plan.protocol);
        const step = this.#starttls.start();
        if (plan.protocol === "postgresql") {
          // The SSLRequest's one-byte answer names PostgreSQL too.
          this.#useService(
            new PostgresDecoder({ after: "ssl-request" }),
            "postgresql",
          );
        }
        return step.action === "send" ? step.bytes : null;
      }
      default:
        return null;
    }
  }

  /** Bytes to send now (null: nothing); call after each `push`. */
  takeSend(): Uint8Array | null {
    return this.#sends.shift() ?? null;
  }

  /** True when nothing more is wanted. */
  get done(): boolean {
    const starttls = this.#starttls;
    if (starttls && this.#state !== DecodeState.TLS_CLIENT) {
      // Still talking: done only when the dialogue ended without TLS.
      if (starttls.state !== "refused" && starttls.state !== "error") {
        return false;
      }
    }
    switch (this.#state) {
      case DecodeState.HTTP:
        return this.#http.done;
      case DecodeState.TLS:
        return this.#tls!.done;
      case DecodeState.TLS_CLIENT:
        return this.#tunnel ? this.#tunnel.done : this.#client!.done;
      case DecodeState.GREETING:
        return this.#greeting.done;
      case DecodeState.SERVICE:
        return this.#service!.done;
      case DecodeState.RAW:
        return this.#headFill >= HEAD_BYTES;
      default:
        return false;
    }
  }

  readonly #onSignature = (pattern: number): void => {
    if (this.#matched < 0) this.#matched = pattern;
  };

  /** Feeds the next in-order server bytes `bytes[start, end)`. */
  push(bytes: Uint8Array, start: number, end: number): void {
    this.#bytes += end - start;
    if (this.#state === DecodeState.TLS_CLIENT) {
      this.#pushClient(bytes, start, end);
      return;
    }
    const keep = Math.min(end - start, HEAD_BYTES - this.#headFill);
    this.#head.set(bytes.subarray(start, start + keep), this.#headFill);
    this.#headFill += keep;
    // The dialogue's own lines after the greeting are not the banner.
    if (this.#starttls && !this.#pushStarttls(bytes, start, end, keep)) return;
    this.#route(bytes, start, end, keep);
  }

  /**
   * Plaintext bytes to the current decoder; the first `kept` of them are
   * already at #head's end (recognition reads #head, then replays it).
   */
  #route(bytes: Uint8Array, start: number, end: number, kept: number): void {
    if (this.#state === DecodeState.RECOGNIZING) {
      if (!this.#recognize()) return;
      this.#feed(this.#head, 0, this.#headFill);
      this.#feed(bytes, start + kept, end);
    } else this.#feed(bytes, start, end);
    if (this.#state === DecodeState.SERVICE) this.#afterService();
  }

  /** Recognises #head again from its start (a probe or TLS fallback). */
  #recognizeHead(): void {
    this.#state = DecodeState.RECOGNIZING;
    if (!this.#recognize()) return;
    this.#feed(this.#head, 0, this.#headFill);
    // #recognize chose the state (TypeScript does not see it change).
    if ((this.#state as DecodeState) === DecodeState.SERVICE) {
      this.#afterService();
    }
  }

  /** Tries the signatures on #head; true once a decoder was chosen. */
  #recognize(): boolean {
    const available = this.#headFill;
    this.#matched = -1;
    SIGNATURES.scan(
      this.#head.subarray(0, Math.min(available, SIGNATURE_LENGTH)),
      SIGNATURES.startState,
      this.#onSignature,
    );
    if (this.#matched >= 0) {
      this.#choose(SIGNATURES.value(this.#matched)!);
      return true;
    }
    const sniffed = sniffServerFirst(this.#head.subarray(0, available));
    if (sniffed) {
      this.#useService(sniffed.create(), sniffed.protocol);
      return true;
    }
    if (available >= SIGNATURE_LENGTH) {
      this.#state = DecodeState.RAW;
      return true;
    }
    return false;
  }

  #useService(decoder: ServiceDecoder<object>, name: string): void {
    this.#service = decoder;
    this.#serviceName = name;
    this.#state = DecodeState.SERVICE;
  }

  /** After a service decoder's push: answers to send, or a fallback. */
  #afterService(): void {
    const service = this.#service!;
    // Telnet's option answers, RDP's out-of-turn request: same connection.
    const reply = (service as { takeReply?: () => Uint8Array | null })
      .takeReply?.();
    if (reply) this.#sends.push(reply);
    if (service.done && this.#probe && this.#notTheProbes(service)) {
      // Not the probe's protocol: recognise the bytes from their start.
      this.#probe = null;
      this.#service = null;
      this.#recognizeHead();
    }
  }

  /**
   * True when a probe's reply is not its protocol: the decoder says so,
   * or a Redis probe got an error line no Redis sends (a POP3 `-ERR`
   * greeting, which came before our command).
   */
  #notTheProbes(service: ServiceDecoder<object>): boolean {
    const result = service.result() as { error?: { code: string } } & {
      replyType?: string;
    };
    if (result.error?.code === "NOT_THIS_PROTOCOL") return true;
    return this.#serviceName === "redis" && result.replyType === "-" &&
      classifyErrorLine(this.#head.subarray(0, this.#headFill)) === "pop3";
  }

  #choose(kind: Kind): void {
    switch (kind) {
      case Kind.HTTP:
        this.#http.reset();
        this.#state = DecodeState.HTTP;
        return;
      case Kind.TLS:
        this.#tls = new TlsDecoder();
        this.#state = DecodeState.TLS;
        return;
      default: {
        const grammar: GreetingKind = kind === Kind.SSH
          ? "ssh"
          : kind === Kind.POP3
          ? "pop3"
          : kind === Kind.IMAP
          ? "imap"
          : "reply";
        this.#greeting.reset(grammar, this.#port);
        this.#state = DecodeState.GREETING;
      }
    }
  }

  #feed(bytes: Uint8Array, start: number, end: number): void {
    if (start >= end) return;
    switch (this.#state) {
      case DecodeState.HTTP:
        this.#http.push(bytes, start, end);
        return;
      case DecodeState.TLS:
        this.#tls!.push(bytes.subarray(start, end));
        return;
      case DecodeState.GREETING:
        if (!this.#greeting.done) this.#greeting.push(bytes, start, end);
        return;
      case DecodeState.SERVICE:
        if (!this.#service!.done) this.#service!.push(bytes, start, end);
        return;
    }
  }

  /**
   * Feeds the STARTTLS machine; false when the plaintext decoders should
   * not see these bytes (the greeting was already read, or TLS started).
   */
  #pushStarttls(
    bytes: Uint8Array,
    start: number,
    end: number,
    kept: number,
  ): boolean {
    const machine = this.#starttls!;
    const greetingRead = this.#state === DecodeState.GREETING &&
      this.#greeting.done;
    if (machine.state !== "refused" && machine.state !== "error") {
      const step: StarttlsStep = machine.push(bytes, start, end);
      if (step.action === "send") this.#sends.push(step.bytes);
      else if (step.action === "tls") {
        // Decode what came before, then switch the connection to TLS.
        if (!greetingRead) this.#route(bytes, start, end, kept);
        this.#sends.push(
          machine.protocol === "postgresql"
            ? this.#startTunnel(POSTGRES_INSIDE)
            : this.#startTls(),
        );
        return false;
      }
    }
    return !greetingRead;
  }

  #startTls(): Uint8Array {
    this.#client = new Tls13Client();
    this.#plainState = this.#state;
    this.#state = DecodeState.TLS_CLIENT;
    return this.#client.hello;
  }

  #startTunnel(hello: TunnelHello | null): Uint8Array {
    this.#tunnel = new TunnelSession(this.#port, hello, this.#makeInner);
    this.#client = this.#tunnel.tunnel.client;
    this.#plainState = this.#state;
    this.#state = DecodeState.TLS_CLIENT;
    return this.#tunnel.tunnel.hello;
  }

  #pushClient(bytes: Uint8Array, start: number, end: number): void {
    const client = this.#client!;
    if (!this.#starttls) {
      const keep = Math.min(end - start, HEAD_BYTES - this.#headFill);
      this.#head.set(bytes.subarray(start, start + keep), this.#headFill);
      this.#headFill += keep;
    }
    if (this.#tunnel) {
      const send = this.#tunnel.push(bytes, start, end);
      if (send) this.#sends.push(send);
    } else {
      client.push(bytes, start, end);
      const again = client.takeSend();
      if (again) this.#sends.push(again);
    }
    if (
      client.done && !this.#starttls &&
      client.result().error?.code === "NOT_TLS"
    ) {
      // A plaintext answer to our ClientHello (HTTP on 8443, say).
      this.#client = null;
      this.#tunnel = null;
      this.#recognizeHead();
    }
  }

  /**
   * The banner for this connection, or null when the server sent nothing.
   * Call once, when the connection closed.
   */
  finish(ip: number, port: number): Banner | null {
    if (this.#bytes === 0) return null;
    let tls: TlsSummary | undefined;
    if (this.#state === DecodeState.TLS_CLIENT) {
      tls = summarizeTls13(this.#client!.result());
      tls.via = this.#starttls ? this.#starttls.protocol : "direct";
      this.#state = this.#plainState;
      if (!this.#starttls) return this.#tunnelBanner(ip, port, tls);
    }
    if (this.#state === DecodeState.RECOGNIZING) {
      // Ended before a signature could be told apart: whatever came is raw.
      this.#state = DecodeState.RAW;
    }
    const banner = this.#plaintextBanner(ip, port);
    if (tls) {
      banner.tls = tls;
      banner.banner += ` [STARTTLS: ${tlsText(tls)}]`;
      // PostgreSQL: the same service answered inside, with more to say.
      const inner = this.#tunnel?.innerBanner(ip, port) ?? null;
      if (inner && inner.service.name === banner.service.name) {
        banner.service = inner.service;
        banner.banner += ` [inside: ${inner.banner}]`;
      }
    }
    return banner;
  }

  /**
   * A direct-TLS banner: the service inside the tunnel when the inner
   * decoder named one (nmap's `ssl/http`), else `ssl`; `tunnel: "ssl"`
   * either way, the TLS summary and certificates as always.
   */
  #tunnelBanner(ip: number, port: number, tls: TlsSummary): Banner {
    const inner = this.#tunnel?.innerBanner(ip, port) ?? null;
    if (!inner || inner.service.name === "unknown") {
      const banner = this.#banner(ip, port, "tls", {
        name: "ssl",
        tunnel: "ssl",
      });
      banner.tls = tls;
      banner.banner = tlsText(tls);
      if (inner) banner.banner += ` [inside: ${inner.banner}]`;
      return banner;
    }
    inner.service.tunnel = "ssl";
    inner.tls = tls;
    inner.bytes = this.#bytes;
    inner.banner = `${tlsText(tls)} [inside: ${inner.banner}]`;
    return inner;
  }

  #banner(
    ip: number,
    port: number,
    protocol: string,
    service: ServiceInfo,
  ): Banner {
    return {
      ip,
      port,
      protocol,
      service,
      banner: "",
      bytes: this.#bytes,
    };
  }

  #plaintextBanner(ip: number, port: number): Banner {
    switch (this.#state) {
      case DecodeState.HTTP: {
        const http = this.#http.end();
        const service = identifyService("http", http.headers);
        // No signature: the Server header as it stands (zon's fallback).
        if (!service.product && http.server) service.product = http.server;
        const banner = this.#banner(ip, port, "http", service);
        banner.http = http;
        banner.banner = http.headers;
        return banner;
      }
      case DecodeState.TLS: {
        const tls = summarizeTlsDecoder(this.#tls!);
        const banner = this.#banner(ip, port, "tls", { name: "ssl" });
        banner.tls = tls;
        banner.banner = tlsText(tls);
        return banner;
      }
      case DecodeState.GREETING:
        return this.#greetingBanner(ip, port);
      case DecodeState.SERVICE: {
        const result = this.#service!.result();
        const banner = this.#banner(
          ip,
          port,
          this.#serviceName,
          result.service,
        );
        // A decoder's own text (Telnet: the data without negotiation).
        const own = (result as { text?: unknown }).text;
        const bytes = typeof own === "string" ? enc.encode(own) : null;
        banner.banner = bytes
          ? printable(bytes, bytes.length)
          : printable(this.#head, this.#headFill);
        return banner;
      }
      default: {
        const banner = this.#banner(ip, port, "unknown", { name: "unknown" });
        banner.banner = printable(this.#head, this.#headFill);
        return banner;
      }
    }
  }

  #greetingBanner(ip: number, port: number): Banner {
    const greeting = this.#greeting.end();
    let name: string = greeting.protocol;
    if (
      name === "pop3" && greeting.text.startsWith("-") &&
      classifyErrorLine(greeting.text) === "redis"
    ) name = "redis";
    const service: ServiceInfo = name === "redis"
      ? { name: "redis", product: "Redis key-value store" }
      : identifyService(name, greeting.text);
    // No signature: the SSH software version as it stands (zon's fallback).
    if (!service.product && greeting.ssh?.software) {
      service.product = greeting.ssh.software;
    }
    const banner = this.#banner(ip, port, name, service);
    banner.greeting = greeting;
    banner.banner = greeting.text;
    return banner;
  }
}

/**
 * Printable ASCII as is, CR/LF/TAB as escapes, anything else as \xNN;
 * line ends and spaces at the end are left out (what follows the last
 * reply depends on where segments were cut).
 */
export function printable(bytes: Uint8Array, length: number): string {
  while (
    length > 0 && (bytes[length - 1] === 0x0a || bytes[length - 1] === 0x0d ||
      bytes[length - 1] === 0x20)
  ) length--;
  let text = "";
  for (let i = 0; i < length; i++) {
    const b = bytes[i];
    if (b >= 0x20 && b < 0x7f && b !== 0x5c) text += String.fromCharCode(b);
    else if (b === 0x0d) text += "\\r";
    else if (b === 0x0a) text += "\\n";
    else if (b === 0x09) text += "\\t";
    else text += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return text;
}
