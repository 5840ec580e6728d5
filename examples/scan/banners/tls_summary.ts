/**
 * How a TLS handshake shows in a banner: the negotiated version, cipher
 * suite, group and ALPN, and the chain (leaf first) as plain data, from
 * either the TLS 1.0–1.2 decoder (a server that answered in the clear) or
 * the TLS 1.3 client (certificates decrypted from the handshake records).
 *
 * @module
 */

import type { TlsDecoder, TlsResult } from "../../../decoders/tls_decoder.ts";
import type { Tls13Result } from "../../../decoders/tls13_client.ts";
import type {
  X509DecodeResult,
  X509NameAttribute,
} from "../../../decoders/x509_types.ts";

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

/** What the TLS handshake showed. */
export interface TlsSummary {
  /** Negotiated version name (`TLS 1.2`, `TLS 1.3`). */
  version?: string;
  /** Chosen cipher suite name. */
  cipher?: string;
  /** Key-exchange group of a TLS 1.3 handshake (`x25519`). */
  group?: string;
  /** ALPN protocol chosen. */
  alpn?: string;
  /** The server asked for another key share (HelloRetryRequest). */
  helloRetryRequest?: string;
  /** How the connection got to TLS: `direct`, or the STARTTLS protocol. */
  via?: string;
  /** The chain, leaf first. */
  certificates: CertificateSummary[];
  /** Alerts, by name. */
  alerts: string[];
  /** Decoder error code, if the stream was not clean TLS. */
  error?: string;
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

function summarizeCertificate(cert: X509DecodeResult): CertificateSummary {
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
}

/** The summary of a TLS 1.0–1.2 server flight. */
export function summarizeTls12(result: TlsResult): TlsSummary {
  const summary: TlsSummary = {
    certificates: result.certificates.map(summarizeCertificate),
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

/** The summary of a passive TLS decoder's stream (a server that spoke TLS first). */
export function summarizeTlsDecoder(decoder: TlsDecoder): TlsSummary {
  return summarizeTls12(decoder.end());
}

/** The summary of a {@linkcode Tls13Result} (a 1.2 server: its `tls12`). */
export function summarizeTls13(result: Tls13Result): TlsSummary {
  if (result.tls12) {
    const summary = summarizeTls12(result.tls12);
    if (result.alerts.length > summary.alerts.length) {
      summary.alerts = result.alerts.map((alert) => alert.descriptionName);
    }
    return summary;
  }
  const summary: TlsSummary = {
    certificates: result.certificates.map(summarizeCertificate),
    alerts: result.alerts.map((alert) => alert.descriptionName),
  };
  if (result.version) summary.version = result.version;
  if (result.cipherSuiteName) summary.cipher = result.cipherSuiteName;
  if (result.group) summary.group = result.group;
  if (result.alpn) summary.alpn = result.alpn;
  if (result.helloRetryRequest) {
    summary.helloRetryRequest = result.helloRetryRequest.selectedGroupName;
  }
  if (result.error) summary.error = result.error.code;
  return summary;
}

/** One line of text for a TLS banner. */
export function tlsText(tls: TlsSummary): string {
  const parts: string[] = [];
  if (tls.version) {
    parts.push(
      [tls.version, tls.cipher, tls.group].filter((p) => p).join(" "),
    );
  }
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
