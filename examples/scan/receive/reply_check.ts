/**
 * Is this received frame an answer to one of our probes, and what does it
 * say? The receive Worker's verdict on every frame, kept apart from the
 * Worker so tests can feed it forged frames directly.
 *
 * The probes carry a cookie — SipHash of (target address, encoded port, our
 * address, first source port) under the scan's random key — so a reply is
 * checked without any per-target state:
 * - TCP: the sequence number of the SYN was the cookie, so a SYN-ACK or
 *   RST-ACK must acknowledge cookie + 1, and arrive at the source port the
 *   cookie selected (`first + cookie mod count`).
 * - UDP: no sequence number, so the reply must come from a probed address
 *   and port, to the source port the cookie selected. TFTP is the one
 *   exception: a server answers a read request from a new port of its own
 *   (RFC 1350 §4, the server's TID), so a TFTP DATA or ERROR from any
 *   port is taken as the answer to our probe of port 69 (see
 *   {@link isTftpAnswer} for why that still rejects junk).
 * - ICMP port unreachable: the quoted datagram must be one of our UDP
 *   probes (our address, a probed target, the cookie's source port).
 * - ICMP echo reply: identifier and sequence are the cookie, as the echo
 *   template wrote them.
 * Replies that fail are counted as bad cookies and dropped.
 *
 * @module
 */

import { PORT_PROTOCOL_BASE } from "../../../blackrock/mod.ts";
import { SipKey, synCookie4, synCookie6 } from "../../../siphash/mod.ts";
import type { ParsedFrame } from "../../../packet/mod.ts";
import {
  ICMP_ECHO_PORT,
  type LinkConfig,
  type TargetSpec,
} from "../engine/shared.ts";

/** The frame is not for us (or not a reply we report). */
export const IGNORE = 0;
/** A reply to our probe: read the result fields. */
export const RESULT = 1;
/** Looked like a reply to us, but the cookie was wrong. */
export const BAD_COOKIE = 2;

// The result record's code tables (engine/result.ts owns them).
export {
  ProtocolCode as Proto,
  ReasonCode as Reason,
} from "../engine/result.ts";
import {
  ProtocolCode as Proto,
  ReasonCode as Reason,
  type ResultFields,
} from "../engine/result.ts";

const UDP_BASE = PORT_PROTOCOL_BASE.udp;
const TFTP_PORT = 69;
const SYN = 0x02, RST = 0x04, ACK = 0x10;

/**
 * Checks replies against one scan's cookies and targets. After
 * {@link ReplyChecker.check} returns {@link RESULT}, the public fields
 * describe the result. No allocation per frame.
 */
export class ReplyChecker implements ResultFields {
  /** Result: 4 or 6. */
  version = 4;
  /** Result: the target's IPv4 address (unsigned) when version is 4. */
  ipv4 = 0;
  /** Result: offset of the target's IPv6 address in the frame (version 6). */
  ipv6Offset = 0;
  /** Result: port number (0 for ICMP echo). */
  port = 0;
  /** Result: the encoded port (UDP + 65536, echo = ICMP_ECHO_PORT), for dedup. */
  encodedPort = 0;
  /** Result: a {@link Proto} code. */
  protocol = 0;
  /** Result: a {@link Reason} code. */
  reason = 0;
  /** Result: true for open. */
  open = true;
  /** Result: TTL / hop limit of the reply. */
  ttl = 0;

  readonly #key: SipKey;
  readonly #ourIpv4: number;
  readonly #ourIpv6: Uint8Array | null;
  readonly #first: number;
  readonly #count: number;
  readonly #probedPort: Uint8Array;
  readonly #v4Begins: Float64Array;
  readonly #v4Ends: Float64Array;

  /** Prepares the checks for a scan's link, key and targets. */
  constructor(link: LinkConfig, key: Uint8Array, targets: TargetSpec) {
    this.#key = new SipKey(key);
    this.#ourIpv4 = link.sourceIpv4 | 0;
    this.#ourIpv6 = link.sourceIpv6;
    this.#first = link.sourcePortFirst;
    this.#count = link.sourcePortCount;
    this.#probedPort = new Uint8Array(ICMP_ECHO_PORT + 1);
    for (const [b, e] of targets.ports) {
      for (let p = b; p <= e && p <= ICMP_ECHO_PORT; p++) {
        this.#probedPort[p] = 1;
      }
    }
    const v4 = targets.include.filter((r) => r.version === 4);
    this.#v4Begins = new Float64Array(v4.map((r) => r.begin as number));
    this.#v4Ends = new Float64Array(v4.map((r) => r.end as number));
  }

  /** True when `ip` (unsigned) is in the IPv4 targets (binary search). */
  #isTarget4(ip: number): boolean {
    const begins = this.#v4Begins;
    let lo = 0, hi = begins.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (begins[mid] > ip) hi = mid - 1;
      else lo = mid + 1;
    }
    return hi >= 0 && ip <= this.#v4Ends[hi];
  }

  #expectedPort(cookie: number): number {
    return this.#count === 1
      ? this.#first
      : this.#first + (cookie >>> 0) % this.#count;
  }

  #cookie(frame: Uint8Array, parsed: ParsedFrame, port: number): number {
    return parsed.ipVersion === 4
      ? synCookie4(
        parsed.ip4Source,
        port,
        this.#ourIpv4,
        this.#first,
        this.#key,
      )
      : synCookie6(
        frame,
        parsed.ip6SourceOffset,
        port,
        this.#ourIpv6!,
        0,
        this.#first,
        this.#key,
      );
  }

  #toUs(frame: Uint8Array, parsed: ParsedFrame): boolean {
    if (parsed.ipVersion === 4) {
      return this.#ourIpv4 !== -1 &&
        (parsed.ip4Destination | 0) === this.#ourIpv4;
    }
    const me = this.#ourIpv6;
    if (me === null) return false;
    const at = parsed.ip6DestinationOffset;
    for (let i = 0; i < 16; i++) if (frame[at + i] !== me[i]) return false;
    return true;
  }

  #setTarget(parsed: ParsedFrame, port: number, encoded: number): void {
    this.version = parsed.ipVersion;
    this.ipv4 = parsed.ip4Source;
    this.ipv6Offset = parsed.ip6SourceOffset;
    this.port = port;
    this.encodedPort = encoded;
    this.ttl = parsed.ttl;
  }

  /**
   * The verdict on `frame` (already parsed into `parsed`): {@link IGNORE},
   * {@link RESULT} or {@link BAD_COOKIE}.
   */
  check(frame: Uint8Array, parsed: ParsedFrame): number {
    const kind = parsed.kind;
    if (parsed.ipVersion === 0 || !this.#toUs(frame, parsed)) return IGNORE;
    if (kind === "tcp") return this.#tcp(frame, parsed);
    if (kind === "udp") return this.#udp(frame, parsed);
    if (kind === "icmp" || kind === "icmpv6") return this.#icmp(frame, parsed);
    return IGNORE;
  }

  #tcp(frame: Uint8Array, parsed: ParsedFrame): number {
    const flags = parsed.tcpFlags;
    let open: boolean;
    if ((flags & (SYN | ACK | RST)) === (SYN | ACK)) open = true;
    else if ((flags & (RST | ACK)) === (RST | ACK)) open = false;
    else return IGNORE;
    const dst = parsed.destinationPort;
    if (dst < this.#first || dst >= this.#first + this.#count) return IGNORE;
    const port = parsed.sourcePort;
    const cookie = this.#cookie(frame, parsed, port);
    if (
      ((parsed.acknowledgment - 1) | 0) !== cookie ||
      dst !== this.#expectedPort(cookie)
    ) return BAD_COOKIE;
    this.#setTarget(parsed, port, port);
    this.protocol = Proto.TCP;
    this.open = open;
    this.reason = open ? Reason.SYN_ACK : Reason.RST;
    return RESULT;
  }

  #udp(frame: Uint8Array, parsed: ParsedFrame): number {
    const dst = parsed.destinationPort;
    if (dst < this.#first || dst >= this.#first + this.#count) return IGNORE;
    if (parsed.ipVersion === 4 && !this.#isTarget4(parsed.ip4Source)) {
      return BAD_COOKIE;
    }
    let port = parsed.sourcePort;
    if (!this.#udpCookieOk(frame, parsed, port)) {
      // Not from a probed port with our cookie: TFTP's new-TID answer?
      if (
        !this.#udpCookieOk(frame, parsed, TFTP_PORT) ||
        !isTftpAnswer(frame, parsed.payloadOffset, parsed.payloadEnd)
      ) return BAD_COOKIE;
      port = TFTP_PORT;
    }
    this.#setTarget(parsed, port, UDP_BASE + port);
    this.protocol = Proto.UDP;
    this.open = true;
    this.reason = Reason.UDP_RESPONSE;
    return RESULT;
  }

  /** Was UDP `port` probed, and does the reply reach its cookie's source port? */
  #udpCookieOk(frame: Uint8Array, parsed: ParsedFrame, port: number): boolean {
    if (this.#probedPort[UDP_BASE + port] === 0) return false;
    const cookie = this.#cookie(frame, parsed, UDP_BASE + port);
    return parsed.destinationPort === this.#expectedPort(cookie);
  }

  #icmp(frame: Uint8Array, parsed: ParsedFrame): number {
    const v4 = parsed.ipVersion === 4;
    const type = parsed.icmpType, code = parsed.icmpCode;
    if ((v4 && type === 0) || (!v4 && type === 129)) {
      if (this.#probedPort[ICMP_ECHO_PORT] === 0) return IGNORE;
      const cookie = this.#cookie(frame, parsed, ICMP_ECHO_PORT);
      if ((parsed.icmpRest | 0) !== cookie) return BAD_COOKIE;
      this.#setTarget(parsed, 0, ICMP_ECHO_PORT);
      this.protocol = Proto.ICMP;
      this.open = true;
      this.reason = Reason.ECHO_REPLY;
      return RESULT;
    }
    const unreachable = v4
      ? type === 3 && code === 3
      : type === 1 && code === 4;
    if (!unreachable || parsed.quotedProtocol !== 17) return IGNORE;
    return this.#portUnreachable(frame, parsed, v4);
  }

  /** ICMP port unreachable quoting one of our UDP probes: closed. */
  #portUnreachable(
    frame: Uint8Array,
    parsed: ParsedFrame,
    v4: boolean,
  ): number {
    const quoted = parsed.quotedOffset;
    const srcPort = parsed.quotedSourcePort;
    const port = parsed.quotedDestinationPort;
    if (srcPort < this.#first || srcPort >= this.#first + this.#count) {
      return IGNORE;
    }
    let cookie: number;
    if (v4) {
      const quotedSource = (frame[quoted + 12] << 24) |
        (frame[quoted + 13] << 16) | (frame[quoted + 14] << 8) |
        frame[quoted + 15];
      if (quotedSource !== this.#ourIpv4) return IGNORE;
      const target = parsed.quotedIp4Destination;
      if (this.#probedPort[UDP_BASE + port] === 0 || !this.#isTarget4(target)) {
        return BAD_COOKIE;
      }
      cookie = synCookie4(
        target,
        UDP_BASE + port,
        this.#ourIpv4,
        this.#first,
        this.#key,
      );
      this.ipv4 = target;
    } else {
      const me = this.#ourIpv6!;
      for (let i = 0; i < 16; i++) {
        if (frame[quoted + 8 + i] !== me[i]) return IGNORE;
      }
      if (this.#probedPort[UDP_BASE + port] === 0) return BAD_COOKIE;
      cookie = synCookie6(
        frame,
        quoted + 24,
        UDP_BASE + port,
        me,
        0,
        this.#first,
        this.#key,
      );
      this.ipv6Offset = quoted + 24;
    }
    if (srcPort !== this.#expectedPort(cookie)) return BAD_COOKIE;
    this.version = parsed.ipVersion;
    this.port = port;
    this.encodedPort = UDP_BASE + port;
    this.ttl = parsed.ttl;
    this.protocol = Proto.UDP;
    this.open = false;
    this.reason = Reason.ICMP_PORT_UNREACHABLE;
    return RESULT;
  }
}

/**
 * Is `frame[at, end)` the first answer a TFTP server sends to a read
 * request (RFC 1350 §5): DATA of block 1 (at most 512 data bytes), or an
 * ERROR with a code of 0..8 (RFC 1350, RFC 2347) and a NUL-terminated
 * message that ends the datagram?
 *
 * Why this suffices for a reply from an unprobed port: the checker has
 * already required a probed target address and (`#udpCookieOk` with port
 * 69) the destination port the cookie of (that address, U:69) selects —
 * the same proof a reply from port 69 itself gives, as strong as the
 * source port range is wide. The grammar adds what a port cannot: random
 * or spoofed datagrams to our port are not a block-1 DATA or a
 * well-formed ERROR (and a DATA block other than 1, which only a
 * transfer we never ACKed could produce, is refused too).
 *
 * @example
 * ```ts
 * import { isTftpAnswer } from "./reply_check.ts";
 * const error = new Uint8Array([0, 5, 0, 1, 0x78, 0]); // ERROR 1 "x"
 * console.log(isTftpAnswer(error, 0, error.length)); // true
 * ```
 */
export function isTftpAnswer(
  frame: Uint8Array,
  at: number,
  end: number,
): boolean {
  if (end - at < 4 || frame[at] !== 0) return false;
  const opcode = frame[at + 1];
  const field = (frame[at + 2] << 8) | frame[at + 3];
  if (opcode === 3) return field === 1 && end - at <= 4 + 512;
  if (opcode !== 5 || field > 8 || end - at < 5) return false;
  for (let i = at + 4; i < end - 1; i++) {
    if (frame[i] === 0) return false; // the message ends at the last byte
  }
  return frame[end - 1] === 0;
}
