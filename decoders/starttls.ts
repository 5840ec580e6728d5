/**
 * STARTTLS as state machines: the plaintext dialogue that turns an SMTP
 * (`EHLO` → `STARTTLS`), POP3 (`STLS`), IMAP (`a STARTTLS`), FTP
 * (`AUTH TLS`) or PostgreSQL (SSLRequest) connection into one where the
 * next bytes are a TLS ClientHello. The machine reads the server's bytes
 * (any fragmentation), says what to send, and says when to switch: after
 * {@linkcode StarttlsStep} `tls`, send the TLS hello on the same
 * connection and feed the following server bytes to the TLS decoder.
 *
 * @example SMTP
 * ```ts
 * import { StarttlsMachine } from "./starttls.ts";
 * const enc = new TextEncoder();
 * const smtp = new StarttlsMachine("smtp");
 * smtp.start(); // { action: "wait" }
 * smtp.push(enc.encode("220 mx ESMTP\r\n")); // { action: "send", bytes: "EHLO zon.invalid\r\n" }
 * smtp.push(enc.encode("250-mx\r\n250 STARTTLS\r\n")); // { action: "send", bytes: "STARTTLS\r\n" }
 * smtp.push(enc.encode("220 go ahead\r\n")); // { action: "tls" }
 * ```
 *
 * @module
 */

import { POSTGRES_SSL_REQUEST } from "./postgres_banner.ts";

/**
 * Protocols with a STARTTLS dialogue here.
 *
 * @example
 * ```ts
 * import type { StarttlsProtocol } from "./starttls.ts";
 * const p: StarttlsProtocol = "imap";
 * ```
 */
export type StarttlsProtocol = "smtp" | "pop3" | "imap" | "ftp" | "postgresql";

/**
 * What the caller does next: `send` bytes, `wait` for more server bytes,
 * switch to `tls` (send the ClientHello now), or give up: `refused`
 * (the server said no, or does not offer it) or `error` (not the protocol).
 *
 * @example
 * ```ts
 * import type { StarttlsStep } from "./starttls.ts";
 * const next = (s: StarttlsStep) => s.action === "send" ? s.bytes : null;
 * ```
 */
export type StarttlsStep =
  | { action: "send"; bytes: Uint8Array }
  | { action: "wait" }
  | { action: "tls" }
  | { action: "refused"; reason: string }
  | { action: "error"; reason: string };

/**
 * Options of {@linkcode StarttlsMachine}.
 *
 * @example
 * ```ts
 * import type { StarttlsOptions } from "./starttls.ts";
 * const options: StarttlsOptions = { ehloName: "scanner.example" };
 * ```
 */
export interface StarttlsOptions {
  /** Name in SMTP's EHLO (default `zon.invalid`). */
  ehloName?: string;
}

/**
 * The machine's named states.
 *
 * @example
 * ```ts
 * import { StarttlsState } from "./starttls.ts";
 * StarttlsState.GREETING; // "greeting"
 * ```
 */
export const StarttlsState = {
  /** Reading the server's greeting (PostgreSQL: none). */
  GREETING: "greeting",
  /** SMTP: reading the EHLO reply, looking for the STARTTLS keyword. */
  CAPABILITIES: "capabilities",
  /** Reading the answer to the STARTTLS command. */
  ANSWER: "answer",
  /** The server agreed: the next bytes on the wire are TLS. */
  TLS: "tls",
  /** The server declined or does not offer STARTTLS. */
  REFUSED: "refused",
  /** The server's bytes are not the protocol's. */
  ERROR: "error",
} as const;
/**
 * One of {@linkcode StarttlsState}'s values.
 *
 * @example
 * ```ts
 * import type { StarttlsState } from "./starttls.ts";
 * const s: StarttlsState = "answer";
 * ```
 */
export type StarttlsState = typeof StarttlsState[keyof typeof StarttlsState];

/**
 * The ports where a STARTTLS dialogue is the usual way to TLS (hints for
 * a scanner; the greeting still has to say the protocol).
 *
 * @example
 * ```ts
 * import { STARTTLS_PORTS } from "./starttls.ts";
 * STARTTLS_PORTS.get(587); // "smtp"
 * ```
 */
export const STARTTLS_PORTS: ReadonlyMap<number, StarttlsProtocol> = new Map([
  [21, "ftp"],
  [25, "smtp"],
  [110, "pop3"],
  [143, "imap"],
  [587, "smtp"],
  [2525, "smtp"],
  [5432, "postgresql"],
]);

const LF = 0x0a;
const CR = 0x0d;
const MAX_LINE = 1024;
const MAX_LINES = 64;
const encoder = new TextEncoder();
const WAIT: StarttlsStep = { action: "wait" };

/**
 * One connection's STARTTLS dialogue.
 *
 * @example
 * ```ts
 * import { StarttlsMachine } from "./starttls.ts";
 * const pg = new StarttlsMachine("postgresql");
 * pg.start().action; // "send" (the SSLRequest)
 * pg.push(new TextEncoder().encode("S")).action; // "tls"
 * ```
 */
export class StarttlsMachine {
  /** The protocol whose dialogue this machine runs. */
  readonly protocol: StarttlsProtocol;
  readonly #ehlo: Uint8Array;
  #state: StarttlsState = StarttlsState.GREETING;
  readonly #line = new Uint8Array(MAX_LINE);
  #lineFill = 0;
  #lines = 0;
  #starttlsOffered = false;
  #step: StarttlsStep = WAIT;
  /** The greeting's lines (for the banner and product/version). */
  readonly greeting: string[] = [];

  /**
   * A machine for `protocol`.
   *
   * @example
   * ```ts
   * import { StarttlsMachine } from "./starttls.ts";
   * new StarttlsMachine("ftp").state; // "greeting"
   * ```
   */
  constructor(protocol: StarttlsProtocol, options: StarttlsOptions = {}) {
    this.protocol = protocol;
    this.#ehlo = encoder.encode(
      `EHLO ${options.ehloName ?? "zon.invalid"}\r\n`,
    );
    if (protocol === "postgresql") this.#state = StarttlsState.ANSWER;
  }

  /**
   * The current state.
   *
   * @example
   * ```ts
   * import { StarttlsMachine } from "./starttls.ts";
   * new StarttlsMachine("postgresql").state; // "answer"
   * ```
   */
  get state(): StarttlsState {
    return this.#state;
  }

  /**
   * The first step once connected: PostgreSQL sends its SSLRequest at
   * once, the others wait for the greeting.
   *
   * @example
   * ```ts
   * import { StarttlsMachine } from "./starttls.ts";
   * new StarttlsMachine("pop3").start().action; // "wait"
   * ```
   */
  start(): StarttlsStep {
    return this.protocol === "postgresql"
      ? { action: "send", bytes: POSTGRES_SSL_REQUEST }
      : WAIT;
  }

  /**
   * Feeds server bytes `chunk[start, end)`; returns what to do next. Bytes
   * after the server's `tls` answer belong to TLS and are not read (there
   * should be none: the server waits for the ClientHello).
   *
   * @example
   * ```ts
   * import { StarttlsMachine } from "./starttls.ts";
   * const pop3 = new StarttlsMachine("pop3");
   * pop3.push(new TextEncoder().encode("+OK ready\r\n")).action; // "send"
   * ```
   */
  push(
    chunk: Uint8Array,
    start: number = 0,
    end: number = chunk.length,
  ): StarttlsStep {
    this.#step = WAIT;
    for (let i = start; i < end && this.#step === WAIT && !this.#final(); i++) {
      const byte = chunk[i];
      if (this.protocol === "postgresql") this.#sslAnswer(byte);
      else if (byte === LF) this.#endLine();
      else if (this.#lineFill < MAX_LINE) this.#line[this.#lineFill++] = byte;
    }
    return this.#step;
  }

  #final(): boolean {
    return this.#state === StarttlsState.TLS ||
      this.#state === StarttlsState.REFUSED ||
      this.#state === StarttlsState.ERROR;
  }

  #sslAnswer(byte: number): void {
    if (byte === 0x53) this.#go(StarttlsState.TLS, { action: "tls" });
    else if (byte === 0x4e) this.#refuse("the server answered N: no TLS");
    else this.#error("expected S or N in answer to the SSLRequest");
  }

  #endLine(): void {
    let length = this.#lineFill;
    if (length > 0 && this.#line[length - 1] === CR) length--;
    let line = "";
    for (let i = 0; i < length; i++) line += String.fromCharCode(this.#line[i]);
    this.#lineFill = 0;
    if (++this.#lines > MAX_LINES) {
      return this.#error("too many lines without a final reply");
    }
    if (this.#state === StarttlsState.GREETING) this.greeting.push(line);
    switch (this.protocol) {
      case "smtp":
        return this.#smtp(line);
      case "ftp":
        return this.#ftp(line);
      case "pop3":
        return this.#pop3(line);
      case "imap":
        return this.#imap(line);
    }
  }

  #smtp(line: string): void {
    const reply = replyLine(line);
    if (!reply) return this.#error("expected a three-digit SMTP reply");
    if (
      this.#state === StarttlsState.CAPABILITIES &&
      /^STARTTLS\b/i.test(line.slice(4))
    ) {
      this.#starttlsOffered = true;
    }
    if (!reply.last) return;
    switch (this.#state) {
      case StarttlsState.GREETING:
        if (reply.code !== 220) return this.#refuse(`greeting ${reply.code}`);
        return this.#go(StarttlsState.CAPABILITIES, {
          action: "send",
          bytes: this.#ehlo,
        });
      case StarttlsState.CAPABILITIES:
        if (reply.code !== 250) {
          return this.#refuse(`EHLO answered ${reply.code}`);
        }
        if (!this.#starttlsOffered) {
          return this.#refuse("EHLO does not list STARTTLS");
        }
        return this.#go(StarttlsState.ANSWER, {
          action: "send",
          bytes: encoder.encode("STARTTLS\r\n"),
        });
      case StarttlsState.ANSWER:
        if (reply.code === 220) {
          return this.#go(StarttlsState.TLS, { action: "tls" });
        }
        return this.#refuse(`STARTTLS answered ${reply.code}`);
    }
  }

  #ftp(line: string): void {
    const reply = replyLine(line);
    if (!reply) return this.#error("expected a three-digit FTP reply");
    if (!reply.last) return;
    if (this.#state === StarttlsState.GREETING) {
      if (reply.code !== 220) return this.#refuse(`greeting ${reply.code}`);
      return this.#go(StarttlsState.ANSWER, {
        action: "send",
        bytes: encoder.encode("AUTH TLS\r\n"),
      });
    }
    if (reply.code === 234) {
      return this.#go(StarttlsState.TLS, { action: "tls" });
    }
    this.#refuse(`AUTH TLS answered ${reply.code}`);
  }

  #pop3(line: string): void {
    const ok = line.startsWith("+OK");
    if (!ok && !line.startsWith("-ERR")) {
      return this.#error("expected +OK or -ERR");
    }
    if (this.#state === StarttlsState.GREETING) {
      if (!ok) return this.#refuse("greeting -ERR");
      return this.#go(StarttlsState.ANSWER, {
        action: "send",
        bytes: encoder.encode("STLS\r\n"),
      });
    }
    if (ok) return this.#go(StarttlsState.TLS, { action: "tls" });
    this.#refuse(`STLS answered ${line}`);
  }

  #imap(line: string): void {
    if (this.#state === StarttlsState.GREETING) {
      if (line.startsWith("* OK")) {
        return this.#go(StarttlsState.ANSWER, {
          action: "send",
          bytes: encoder.encode("a STARTTLS\r\n"),
        });
      }
      if (line.startsWith("* PREAUTH") || line.startsWith("* BYE")) {
        return this.#refuse(line);
      }
      return this.#error("expected an untagged * OK greeting");
    }
    if (line.startsWith("* ")) return; // untagged data before the tagged answer
    if (line.startsWith("a OK")) {
      return this.#go(StarttlsState.TLS, { action: "tls" });
    }
    if (line.startsWith("a NO") || line.startsWith("a BAD")) {
      return this.#refuse(line);
    }
    this.#error("expected the tagged answer to a STARTTLS");
  }

  #go(state: StarttlsState, step: StarttlsStep): void {
    this.#state = state;
    this.#step = step;
  }

  #refuse(reason: string): void {
    this.#go(StarttlsState.REFUSED, { action: "refused", reason });
  }

  #error(reason: string): void {
    this.#go(StarttlsState.ERROR, { action: "error", reason });
  }
}

/** `220-text` / `220 text` / `220`: the code and whether the reply ends here. */
function replyLine(line: string): { code: number; last: boolean } | null {
  if (line.length < 3) return null;
  let code = 0;
  for (let i = 0; i < 3; i++) {
    const digit = line.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return null;
    code = code * 10 + digit;
  }
  const next = line[3];
  if (next !== undefined && next !== " " && next !== "-") return null;
  return { code, last: next !== "-" };
}
