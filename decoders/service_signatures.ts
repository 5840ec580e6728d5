/**
 * Product and version from the bytes a banner decoder already holds (SSH
 * version line, HTTP `Server` header, FTP/SMTP/POP3/IMAP greetings), named
 * the way `nmap -sV` names them (its `nmap-service-probes` `p/` and `v/`
 * values). The table {@linkcode SERVICE_SIGNATURES} is plain data: a
 * literal to find and, optionally, where the version starts (right after
 * the literal) and which bytes end it. All literals go into one
 * case-insensitive Aho-Corasick automaton; a banner is scanned once, in
 * linear time, with no regular expression on the path.
 *
 * @example
 * ```ts
 * import { identifyService } from "./service_signatures.ts";
 * identifyService("ftp", "220 (vsFTPd 3.0.3)");
 * // { name: "ftp", product: "vsftpd", version: "3.0.3" }
 * ```
 *
 * @module
 */

import { AhoCorasick } from "../aho_corasick/mod.ts";
import type { ServiceInfo } from "./service_types.ts";

/**
 * One row of the table: when `literal` occurs in a banner of `service`,
 * the product is `product`; with `version`, the version is the run of
 * bytes after the literal up to (not including) the first byte of
 * `version.stop` or a control byte.
 *
 * @example
 * ```ts
 * import type { ServiceSignature } from "./service_signatures.ts";
 * const exim: ServiceSignature = {
 *   service: "smtp", literal: " ESMTP Exim ", product: "Exim smtpd", version: { stop: " " },
 * };
 * ```
 */
export interface ServiceSignature {
  /** nmap's service name the banner was recognised as (`ftp`, `smtp`, ...). */
  service: string;
  /** Text to find (ASCII case-insensitive). */
  literal: string;
  /** nmap's product name. */
  product: string;
  /** Where the version is: right after `literal`, up to a byte of `stop`. */
  version?: { stop: string };
  /** nmap's extrainfo for this row. */
  extra?: string;
}

/**
 * The signatures, most specific first (the first row that matches wins).
 * Product names are nmap 7.93's.
 *
 * @example
 * ```ts
 * import { SERVICE_SIGNATURES } from "./service_signatures.ts";
 * SERVICE_SIGNATURES.filter((s) => s.service === "ssh").length > 0; // true
 * ```
 */
export const SERVICE_SIGNATURES: readonly ServiceSignature[] = [
  // SSH (the OpenSSH version text is finished by sshVersion below).
  {
    service: "ssh",
    literal: "-OpenSSH_",
    product: "OpenSSH",
    version: { stop: " " },
  },
  {
    service: "ssh",
    literal: "-dropbear_",
    product: "Dropbear sshd",
    version: { stop: " " },
  },
  { service: "ssh", literal: "-dropbear", product: "Dropbear sshd" },
  // HTTP Server headers (the decoder's header block keeps CRLFs).
  {
    service: "http",
    literal: "\nServer: nginx/",
    product: "nginx",
    version: { stop: " " },
  },
  { service: "http", literal: "\nServer: nginx\r", product: "nginx" },
  {
    service: "http",
    literal: "\nServer: Apache/",
    product: "Apache httpd",
    version: { stop: " " },
  },
  { service: "http", literal: "\nServer: Apache\r", product: "Apache httpd" },
  {
    service: "http",
    literal: "\nServer: lighttpd/",
    product: "lighttpd",
    version: { stop: " " },
  },
  {
    service: "http",
    literal: "\nServer: Microsoft-IIS/",
    product: "Microsoft IIS httpd",
    version: { stop: " " },
  },
  {
    service: "http",
    literal: "\nServer: SimpleHTTP/",
    product: "SimpleHTTPServer",
    version: { stop: " " },
  },
  { service: "http", literal: "\nServer: Caddy\r", product: "Caddy httpd" },
  // FTP greetings.
  {
    service: "ftp",
    literal: "(vsFTPd ",
    product: "vsftpd",
    version: { stop: ")" },
  },
  { service: "ftp", literal: "500 OOPS: vsftpd", product: "vsftpd" },
  {
    service: "ftp",
    literal: "220 ProFTPD ",
    product: "ProFTPD",
    version: { stop: " " },
  },
  { service: "ftp", literal: "(ProFTPD)", product: "ProFTPD" },
  { service: "ftp", literal: "Pure-FTPd", product: "Pure-FTPd" },
  // SMTP greetings.
  {
    service: "smtp",
    literal: " ESMTP Exim ",
    product: "Exim smtpd",
    version: { stop: " " },
  },
  { service: "smtp", literal: " ESMTP Postfix", product: "Postfix smtpd" },
  { service: "smtp", literal: " ESMTP OpenSMTPD", product: "OpenSMTPD" },
  {
    service: "smtp",
    literal: " ESMTP Sendmail ",
    product: "Sendmail",
    version: { stop: "/; " },
  },
  // POP3 and IMAP greetings.
  { service: "pop3", literal: "Dovecot", product: "Dovecot pop3d" },
  { service: "pop3", literal: "+OK Hello there.", product: "Courier pop3d" },
  { service: "imap", literal: "Dovecot", product: "Dovecot imapd" },
  { service: "imap", literal: "Courier-IMAP", product: "Courier Imapd" },
  { service: "imap", literal: "Cyrus IMAP", product: "Cyrus imapd" },
];

const MAX_VERSION = 64;

const automaton = AhoCorasick.build<number>(
  SERVICE_SIGNATURES.map((s, row) => ({ pattern: s.literal, value: row })),
  { caseInsensitive: true },
);

function asBytes(banner: string | Uint8Array): Uint8Array {
  if (typeof banner !== "string") return banner;
  const bytes = new Uint8Array(banner.length);
  for (let i = 0; i < banner.length; i++) bytes[i] = banner.charCodeAt(i);
  return bytes;
}

/** The version run from `at`: stops at a byte of `stop`, a control byte or the cap. */
function versionAt(bytes: Uint8Array, at: number, stop: string): string {
  let text = "";
  for (let i = at; i < bytes.length && text.length < MAX_VERSION; i++) {
    const byte = bytes[i];
    if (byte < 0x21 && !(byte === 0x20 && !stop.includes(" "))) break;
    const char = String.fromCharCode(byte);
    if (stop.includes(char)) break;
    text += char;
  }
  return text;
}

/**
 * Names the product and version in a banner of service `name` (the
 * greeting text, the HTTP header block, or the raw bytes), from
 * {@linkcode SERVICE_SIGNATURES}. Returns `{ name }` alone when no row
 * matches.
 *
 * @example
 * ```ts
 * import { identifyService } from "./service_signatures.ts";
 * identifyService("ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
 * // { name: "ssh", product: "OpenSSH", version: "9.2p1 Debian 2+deb12u10", extra: "protocol 2.0" }
 * ```
 */
export function identifyService(
  name: string,
  banner: string | Uint8Array,
): ServiceInfo {
  const bytes = asBytes(banner);
  let best = -1;
  let bestEnd = 0;
  automaton.scan(bytes, automaton.startState, (pattern, end) => {
    const row = automaton.value(pattern)!;
    if (SERVICE_SIGNATURES[row].service !== name) return;
    if (best < 0 || row < best) {
      best = row;
      bestEnd = end;
    }
  });
  const info: ServiceInfo = { name };
  if (name === "ssh") Object.assign(info, sshExtra(bytes));
  if (best < 0) return info;
  const row = SERVICE_SIGNATURES[best];
  info.product = row.product;
  if (row.version) {
    const version = versionAt(bytes, bestEnd, row.version.stop);
    if (version) info.version = version;
  }
  if (row.extra) info.extra = row.extra;
  if (name === "ssh" && info.version) {
    info.version = sshVersion(info.version, bytes, bestEnd);
  }
  return info;
}

/** `protocol 2.0` from `SSH-2.0-...`, as nmap's extrainfo. */
function sshExtra(bytes: Uint8Array): { extra?: string } {
  if (bytes.length < 5 || asText(bytes, 0, 4) !== "SSH-") return {};
  const dash = bytes.indexOf(0x2d, 4);
  return dash < 0 ? {} : { extra: `protocol ${asText(bytes, 4, dash)}` };
}

/**
 * nmap's OpenSSH version: the software version, then a distribution
 * comment with its separator turned into a space
 * (`9.2p1 Debian-2+deb12u10` → `9.2p1 Debian 2+deb12u10`).
 */
function sshVersion(version: string, bytes: Uint8Array, end: number): string {
  let at = end + version.length;
  if (bytes[at] !== 0x20) return version;
  at++;
  let comment = "";
  while (at < bytes.length && bytes[at] >= 0x20) {
    comment += String.fromCharCode(bytes[at++]);
  }
  for (const distro of ["Debian", "Ubuntu", "Raspbian"]) {
    if (comment.startsWith(distro) && comment.length > distro.length + 1) {
      return `${version} ${distro} ${comment.slice(distro.length + 1)}`;
    }
  }
  return version;
}

function asText(bytes: Uint8Array, from: number, to: number): string {
  let text = "";
  for (let i = from; i < to; i++) text += String.fromCharCode(bytes[i]);
  return text;
}
