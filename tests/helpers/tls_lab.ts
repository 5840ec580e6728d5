/**
 * The two steps every live `openssl s_server` test takes: an address on a
 * test namespace's loopback (the server and the client share it) and a
 * throwaway self-signed certificate. One copy instead of one per test.
 *
 * @module
 */

import { run } from "./command.ts";

/** `openssl req -newkey` arguments for an EC P-256 key. */
export const EC_P256: readonly string[] = [
  "ec",
  "-pkeyopt",
  "ec_paramgen_curve:P-256",
];

/** `openssl req -newkey` arguments for an RSA 2048 key. */
export const RSA_2048: readonly string[] = ["rsa:2048"];

/** Brings up `ns`'s loopback (the namespace exists) with `address`/32 on it. */
export async function loopbackAddress(
  ns: string,
  address: string,
): Promise<void> {
  await run(["ip", "-n", ns, "link", "set", "lo", "up"]);
  await run(["ip", "-n", ns, "addr", "add", `${address}/32`, "dev", "lo"]);
}

/** Where {@linkcode selfSignedCertificate} writes, and what it asks for. */
export interface SelfSignedOptions {
  /** The private key's path (PEM). */
  key: string;
  /** The certificate's path (PEM). */
  cert: string;
  /** `-subj`, such as `/CN=tls13.zon.test`. */
  subject: string;
  /** `-newkey` arguments (default {@linkcode EC_P256}). */
  newKey?: readonly string[];
  /** Validity in days (default 2). */
  days?: number;
}

/** A new key and a self-signed certificate for it (`openssl req -x509`). */
export async function selfSignedCertificate(
  options: SelfSignedOptions,
): Promise<void> {
  await run([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    ...(options.newKey ?? EC_P256),
    "-nodes",
    "-days",
    String(options.days ?? 2),
    "-subj",
    options.subject,
    "-keyout",
    options.key,
    "-out",
    options.cert,
  ]);
}
