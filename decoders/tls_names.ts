/**
 * Names for TLS code points (IANA registry names), for readable results.
 *
 * @module
 */

/**
 * Protocol version names by wire value.
 *
 * @example
 * ```ts
 * import { TLS_VERSIONS } from "@zon/net/decoders";
 * console.log(TLS_VERSIONS.get(0x0303)); // "TLS 1.2"
 * ```
 */
export const TLS_VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x0300, "SSL 3.0"],
  [0x0301, "TLS 1.0"],
  [0x0302, "TLS 1.1"],
  [0x0303, "TLS 1.2"],
  [0x0304, "TLS 1.3"],
]);

/**
 * Cipher suite names for the suites {@linkcode buildClientHello} offers and
 * other common ones.
 *
 * @example
 * ```ts
 * import { TLS_CIPHER_SUITES } from "@zon/net/decoders";
 * console.log(TLS_CIPHER_SUITES.get(0xc02f)); // "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
 * ```
 */
export const TLS_CIPHER_SUITES: ReadonlyMap<number, string> = new Map([
  [0x0005, "TLS_RSA_WITH_RC4_128_SHA"],
  [0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"],
  [0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"],
  [0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"],
  [0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"],
  [0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"],
  [0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"],
  [0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"],
  [0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"],
  [0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"],
  [0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"],
  [0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"],
  [0x1301, "TLS_AES_128_GCM_SHA256"],
  [0x1302, "TLS_AES_256_GCM_SHA384"],
  [0x1303, "TLS_CHACHA20_POLY1305_SHA256"],
  [0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"],
  [0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"],
  [0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"],
  [0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"],
  [0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"],
  [0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"],
  [0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"],
  [0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"],
  [0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
  [0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
  [0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
  [0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
  [0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
  [0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"],
  [0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
]);

/**
 * Extension names by type number.
 *
 * @example
 * ```ts
 * import { TLS_EXTENSIONS } from "@zon/net/decoders";
 * console.log(TLS_EXTENSIONS.get(0)); // "server_name"
 * ```
 */
export const TLS_EXTENSIONS: ReadonlyMap<number, string> = new Map([
  [0, "server_name"],
  [5, "status_request"],
  [10, "supported_groups"],
  [11, "ec_point_formats"],
  [13, "signature_algorithms"],
  [16, "application_layer_protocol_negotiation"],
  [18, "signed_certificate_timestamp"],
  [22, "encrypt_then_mac"],
  [23, "extended_master_secret"],
  [35, "session_ticket"],
  [43, "supported_versions"],
  [51, "key_share"],
  [0xff01, "renegotiation_info"],
]);

/**
 * Alert description names (RFC 5246 §7.2, RFC 8446 §6).
 *
 * @example
 * ```ts
 * import { TLS_ALERTS } from "@zon/net/decoders";
 * console.log(TLS_ALERTS.get(40)); // "handshake_failure"
 * ```
 */
export const TLS_ALERTS: ReadonlyMap<number, string> = new Map([
  [0, "close_notify"],
  [10, "unexpected_message"],
  [20, "bad_record_mac"],
  [22, "record_overflow"],
  [40, "handshake_failure"],
  [42, "bad_certificate"],
  [43, "unsupported_certificate"],
  [44, "certificate_revoked"],
  [45, "certificate_expired"],
  [46, "certificate_unknown"],
  [47, "illegal_parameter"],
  [48, "unknown_ca"],
  [49, "access_denied"],
  [50, "decode_error"],
  [51, "decrypt_error"],
  [70, "protocol_version"],
  [71, "insufficient_security"],
  [80, "internal_error"],
  [86, "inappropriate_fallback"],
  [90, "user_canceled"],
  [100, "no_renegotiation"],
  [109, "missing_extension"],
  [110, "unsupported_extension"],
  [112, "unrecognized_name"],
  [116, "certificate_required"],
  [120, "no_application_protocol"],
]);
