/**
 * Per-connection banner decoding: the first bytes of the server's stream go
 * through one Aho-Corasick automaton of start-anchored protocol signatures;
 * the matching streaming decoder (HTTP, TLS, SSH/FTP/SMTP/POP3/IMAP
 * greetings) then takes over. Nothing of the stream is reassembled: only
 * the signature-length prefix (at most 16 bytes) is kept, to replay into
 * the chosen decoder.
 *
 * @module
 */

import { AhoCorasick } from "../../../aho_corasick/mod.ts";
import { TlsDecoder } from "../../../decoders/tls_decoder.ts";
import type { X509NameAttribute } from "../../../decoders/x509_types.ts";
import { HttpBannerDecoder } from "../../../decoders/http_banner.ts";
import type { HttpBanner } from "../../../decoders/http_banner.ts";
import {
  type GreetingBanner,
  GreetingDecoder,
  type GreetingKind,
} from "../../../decoders/greeting_banner.ts";

/** The service names banners report (masscan's `service.name` values). */
export type ServiceName =
  | "http"
  | "tls"
  | "ssh"
  | "ftp"
  | "smtp"
  | "pop3"
  | "imap"
  | "unknown";

/** One certificate of a TLS chain, as output formats show it. */
export interface CertificateSummary {
  /** Subject as `CN=a, O=b` in certificate order. */
  subject: string;
  /** Issuer, same form. */
  issuer: string;
  /** subjectAltName values (`DNS:x`, `IP Address:1.2.3.4`, ...). */
  subjectAltNames: string[];
  /** Validity start, ISO 8601. */
  notBefore: string;
  /** Validity end, ISO 8601. */
  notAfter: string;
  /** Serial number, hex. */
  serialNumber: string;
  /** SHA-256 of the DER certificate, lowercase hex. */
  fingerprintSha256: string;
  /** Set when the certificate could not be decoded. */
  error?: string;
}

/** What the TLS decoder found. */
export interface TlsSummary {
  /** Negotiated version name (`TLS 1.2`). */
  version?: string;
  /** Chosen cipher suite name. */
  cipher?: string;
  /** ALPN protocol chosen. */
  alpn?: string;
  /** The chain, leaf first. */
  certificates: CertificateSummary[];
  /** Alerts, by name. */
  alerts: string[];
  /** Decoder error code, if the stream was not clean TLS. */
  error?: string;
}

/** A grabbed banner: one per connection that sent anything (or timed out). */
export interface Banner {
  /** Server IPv4 address (unsigned 32-bit); 0 for an IPv6 server. */
  ip: number;
  /** Server IPv6 address, RFC 5952 text (IPv6 servers only). */
  ipv6?: string;
  /** Server port. */
  port: number;
  /** Recognised protocol. */
  service: ServiceName;
  /** One printable text, masscan style (`service.banner`). */
  banner: string;
  /** HTTP fields. */
  http?: HttpBanner;
  /** TLS fields. */
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

/** Where a connection's bytes go. */
const DecodeState = {
  /** Matching the first bytes against signatures. */
  RECOGNIZING: 0,
  HTTP: 1,
  TLS: 2,
  GREETING: 3,
  /** No signature matched: keep printable raw bytes. */
  RAW: 4,
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
const PREFIX = 16;
let longest = 0;
for (let p = 0; p < SIGNATURES.patternCount; p++) {
  longest = Math.max(longest, SIGNATURES.patternLength(p)!);
}
/** Bytes after which, with no signature matched, the stream is unknown. */
const SIGNATURE_LENGTH = longest;
const MAX_RAW = 512;

/**
 * Decodes one server stream; reusable for the next connection with `begin`.
 */
export class BannerDecoder {
  #state: DecodeState = DecodeState.RECOGNIZING;
  #port = 0;
  #acState = SIGNATURES.startState;
  #matched = -1;
  readonly #prefix = new Uint8Array(PREFIX);
  #prefixFill = 0;
  #bytes = 0;
  readonly #http = new HttpBannerDecoder();
  readonly #greeting = new GreetingDecoder("ssh");
  #tls: TlsDecoder | null = null;
  readonly #raw = new Uint8Array(MAX_RAW);
  #rawFill = 0;

  /** Starts a new connection to `port`. */
  begin(port: number): void {
    this.#state = DecodeState.RECOGNIZING;
    this.#port = port;
    this.#acState = SIGNATURES.startState;
    this.#prefixFill = 0;
    this.#bytes = 0;
    this.#rawFill = 0;
    this.#tls = null;
  }

  /** True when the chosen decoder wants nothing more. */
  get done(): boolean {
    switch (this.#state) {
      case DecodeState.HTTP:
        return this.#http.done;
      case DecodeState.TLS:
        return this.#tls!.done;
      case DecodeState.GREETING:
        return this.#greeting.done;
      case DecodeState.RAW:
        return this.#rawFill >= MAX_RAW;
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
    if (this.#state === DecodeState.RECOGNIZING) {
      // Only the signature-length prefix goes through the automaton.
      const take = Math.min(end - start, SIGNATURE_LENGTH - this.#prefixFill);
      this.#matched = -1;
      this.#acState = SIGNATURES.scan(
        bytes.subarray(start, start + take),
        this.#acState,
        this.#onSignature,
        this.#prefixFill,
      );
      this.#prefix.set(bytes.subarray(start, start + take), this.#prefixFill);
      this.#prefixFill += take;
      start += take;
      if (this.#matched >= 0) {
        this.#choose(SIGNATURES.value(this.#matched)!);
      } else if (this.#prefixFill >= SIGNATURE_LENGTH) {
        this.#state = DecodeState.RAW;
      } else return;
      // Replay the prefix into the chosen decoder, then go on.
      this.#feed(this.#prefix, 0, this.#prefixFill);
    }
    if (start < end) this.#feed(bytes, start, end);
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
    switch (this.#state) {
      case DecodeState.HTTP:
        this.#http.push(bytes, start, end);
        return;
      case DecodeState.TLS:
        this.#tls!.push(bytes.subarray(start, end));
        return;
      case DecodeState.GREETING:
        this.#greeting.push(bytes, start, end);
        return;
      case DecodeState.RAW: {
        const take = Math.min(end - start, MAX_RAW - this.#rawFill);
        this.#raw.set(bytes.subarray(start, start + take), this.#rawFill);
        this.#rawFill += take;
        return;
      }
    }
  }

  /**
   * The banner for this connection, or null when the server sent nothing.
   * Call once, when the connection closed.
   */
  finish(ip: number, port: number): Banner | null {
    if (this.#bytes === 0) return null;
    if (this.#state === DecodeState.RECOGNIZING) {
      // Ended before a signature could be told apart: whatever came is raw.
      this.#state = DecodeState.RAW;
      this.#feed(this.#prefix, 0, this.#prefixFill);
    }
    const banner: Banner = {
      ip,
      port,
      service: "unknown",
      banner: "",
      bytes: this.#bytes,
    };
    switch (this.#state) {
      case DecodeState.HTTP: {
        const http = this.#http.end();
        banner.service = "http";
        banner.http = http;
        banner.banner = http.headers;
        break;
      }
      case DecodeState.TLS: {
        const tls = summarizeTls(this.#tls!);
        banner.service = "tls";
        banner.tls = tls;
        banner.banner = tlsText(tls);
        break;
      }
      case DecodeState.GREETING: {
        const greeting = this.#greeting.end();
        banner.service = greeting.protocol;
        banner.greeting = greeting;
        banner.banner = greeting.text;
        break;
      }
      default:
        banner.banner = printable(this.#raw, this.#rawFill);
    }
    return banner;
  }
}

/** `CN=a, O=b`, in certificate order. */
export function formatName(attributes: readonly X509NameAttribute[]): string {
  return attributes.map((a) => `${a.type}=${a.value}`).join(", ");
}

const SAN_LABELS: Record<string, string> = {
  dns: "DNS",
  ip: "IP Address",
  email: "email",
  uri: "URI",
  other: "othername",
};

function summarizeTls(decoder: TlsDecoder): TlsSummary {
  const result = decoder.end();
  const summary: TlsSummary = {
    certificates: result.certificates.map((cert): CertificateSummary => {
      if ("error" in cert) {
        return {
          subject: "",
          issuer: "",
          subjectAltNames: [],
          notBefore: "",
          notAfter: "",
          serialNumber: "",
          fingerprintSha256: "",
          error: cert.error.code,
        };
      }
      return {
        subject: formatName(cert.subject),
        issuer: formatName(cert.issuer),
        subjectAltNames: cert.subjectAltNames.map((san) =>
          `${SAN_LABELS[san.type] ?? san.type}:${san.value}`
        ),
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
        serialNumber: cert.serialNumber,
        fingerprintSha256: cert.fingerprintSha256,
      };
    }),
    alerts: result.alerts.map((alert) => alert.descriptionName),
  };
  if (result.serverHello) {
    summary.version = result.serverHello.versionName;
    summary.cipher = result.serverHello.cipherSuiteName;
    if (result.serverHello.alpn) summary.alpn = result.serverHello.alpn;
  }
  // TRUNCATED only means we stopped reading (byte cap or close).
  if (result.error && result.error.code !== "TRUNCATED") {
    summary.error = result.error.code;
  }
  return summary;
}

function tlsText(tls: TlsSummary): string {
  const parts: string[] = [];
  if (tls.version) parts.push(`${tls.version} ${tls.cipher}`);
  const leaf = tls.certificates[0];
  if (leaf && !leaf.error) {
    parts.push(`subject: ${leaf.subject}`, `issuer: ${leaf.issuer}`);
    if (leaf.subjectAltNames.length > 0) {
      parts.push(`SANs: ${leaf.subjectAltNames.join(" ")}`);
    }
    parts.push(`sha256: ${leaf.fingerprintSha256}`);
  }
  if (tls.alerts.length > 0) parts.push(`alert: ${tls.alerts.join(" ")}`);
  if (tls.error) parts.push(`error: ${tls.error}`);
  return parts.join(", ");
}

/** Printable ASCII as is, CR/LF/TAB as escapes, anything else as \xNN. */
function printable(bytes: Uint8Array, length: number): string {
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
