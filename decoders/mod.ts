/**
 * Streaming decoders for what a banner grabber reads off the wire: X.509
 * certificates and the server side of a TLS 1.0–1.2 handshake. Each decoder
 * is a state machine fed fragments of any size, including one byte; state is
 * kept between fragments, so nothing is reassembled and memory stays O(1)
 * in the input size (extracted fields are capped).
 *
 * @example Decode a certificate from a PEM file
 * ```ts
 * import { decodeX509, pemToDer } from "@zon/net/decoders";
 * const [der] = pemToDer(Deno.readTextFileSync("/etc/ssl/certs/ISRG_Root_X1.pem"));
 * const cert = decodeX509(der);
 * if (!("error" in cert)) console.log(cert.subject, cert.fingerprintSha256);
 * ```
 *
 * @module
 */

export * from "./x509_types.ts";
export { decodeX509, X509Decoder } from "./x509_decoder.ts";
export type { X509DecoderOptions } from "./x509_decoder.ts";
export * from "./x509_oids.ts";
export { bytesToHex } from "./x509_values.ts";
export * from "./pem.ts";
export * from "./sha256.ts";
export * from "./tls_decoder.ts";
export * from "./tls_client_hello.ts";
export * from "./tls_names.ts";
export * from "./http_banner.ts";
export * from "./greeting_banner.ts";
// Client-first service decoders, their hellos, the registry and the
// product/version table (h16d).
export * from "./service_types.ts";
export * from "./redis_banner.ts";
export * from "./memcached_banner.ts";
export * from "./mqtt_banner.ts";
export * from "./mysql_banner.ts";
export * from "./postgres_banner.ts";
export * from "./service_registry.ts";
export * from "./service_signatures.ts";
// TLS 1.3 certificate retrieval and its synchronous primitives (h16d).
export * from "./tls13_client.ts";
export * from "./tls13_aead.ts";
export * from "./tls13_hash.ts";
export * from "./tls_record.ts";
export * from "./tls12_client.ts";
export * from "./tls_tunnel.ts";
export * from "./x25519.ts";
export * from "./ecdh_nist.ts";
export * from "./starttls.ts";
export * from "./length_prefixed.ts";
export * from "./dns_tcp_banner.ts";
export * from "./mongodb_banner.ts";
export * from "./rdp_banner.ts";
export * from "./smb2_banner.ts";
export * from "./telnet_banner.ts";
export * from "./vnc_banner.ts";
