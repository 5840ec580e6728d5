/**
 * Streaming decoder of the greetings of protocols where the server speaks
 * first: SSH's version line, FTP and SMTP's (multi-line) `220` replies,
 * POP3's `+OK` and IMAP's `* OK`. A byte-level line state machine: fed
 * whole, byte-at-a-time or at random splits it gives the same result; it
 * never throws and keeps at most `maxBytes` per connection.
 *
 * @module
 */

/**
 * Which greeting grammar to expect: `ssh`, `reply` (a three-digit reply,
 * FTP or SMTP; which one is decided from the text, then the port), `pop3`
 * or `imap`.
 *
 * @example
 * ```ts
 * import type { GreetingKind } from "./greeting_banner.ts";
 * const kind: GreetingKind = "reply";
 * ```
 */
export type GreetingKind = "ssh" | "reply" | "pop3" | "imap";

/**
 * What {@linkcode GreetingDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { GreetingBanner } from "./greeting_banner.ts";
 * const first = (g: GreetingBanner) => g.lines[0];
 * ```
 */
export interface GreetingBanner {
  /** `ssh`, `ftp`, `smtp`, `pop3` or `imap`. */
  protocol: "ssh" | "ftp" | "smtp" | "pop3" | "imap";
  /** The greeting's lines without line ends (capped). */
  lines: string[];
  /** The lines joined with `\n`. */
  text: string;
  /** The reply code of FTP/SMTP greetings (220, 421, ...). */
  code?: number;
  /** SSH: the parts of `SSH-protoversion-softwareversion SP comments`. */
  ssh?: { protocolVersion: string; software: string; comments: string };
  /** True when the greeting ended as its grammar says (not cut by a cap or the stream's end). */
  complete: boolean;
  /** True when a cap cut the greeting. */
  truncated: boolean;
}

/**
 * Options of {@linkcode GreetingDecoder}.
 *
 * @example
 * ```ts
 * import type { GreetingOptions } from "./greeting_banner.ts";
 * const options: GreetingOptions = { port: 25 };
 * ```
 */
export interface GreetingOptions {
  /** The server's port: breaks FTP/SMTP ties when the text names neither. */
  port?: number;
  /** Bytes kept (default 2,048). */
  maxBytes?: number;
  /** Lines kept (default 32). */
  maxLines?: number;
}

/** Line state: collecting a line, or finished. */
const GreetingState = { LINE: 0, DONE: 1 } as const;
type GreetingState = typeof GreetingState[keyof typeof GreetingState];

const LF = 0x0a;
const CR = 0x0d;
const MAX_LINE = 1024;
const SMTP_PORTS = new Set([25, 465, 587, 2525]);
const FTP_PORTS = new Set([21, 990, 2121]);

/**
 * Streaming greeting decoder, one per connection (reusable with `reset`).
 *
 * @example
 * ```ts
 * import { GreetingDecoder } from "./greeting_banner.ts";
 * const decoder = new GreetingDecoder("reply", { port: 25 });
 * decoder.push(new TextEncoder().encode("220-mail.example ESMTP\r\n220 ready\r\n"));
 * decoder.done; // true
 * decoder.result().protocol; // "smtp"
 * ```
 */
export class GreetingDecoder {
  #kind: GreetingKind;
  #port: number;
  readonly #maxBytes: number;
  readonly #maxLines: number;
  #state: GreetingState = GreetingState.LINE;
  readonly #line = new Uint8Array(MAX_LINE);
  #lineFill = 0;
  #bytes = 0;
  #lines: string[] = [];
  #complete = false;
  #truncated = false;

  /**
   * Creates a decoder for one grammar.
   *
   * @example
   * ```ts
   * import { GreetingDecoder } from "./greeting_banner.ts";
   * const ssh = new GreetingDecoder("ssh");
   * ```
   */
  constructor(kind: GreetingKind, options: GreetingOptions = {}) {
    this.#kind = kind;
    this.#port = options.port ?? 0;
    this.#maxBytes = options.maxBytes ?? 2048;
    this.#maxLines = options.maxLines ?? 32;
  }

  /**
   * Starts over for a new stream, possibly of another kind.
   *
   * @example
   * ```ts
   * import { GreetingDecoder } from "./greeting_banner.ts";
   * const decoder = new GreetingDecoder("ssh");
   * decoder.reset("pop3", 110);
   * ```
   */
  reset(kind: GreetingKind = this.#kind, port: number = this.#port): void {
    this.#kind = kind;
    this.#port = port;
    this.#state = GreetingState.LINE;
    this.#lineFill = 0;
    this.#bytes = 0;
    this.#lines = [];
    this.#complete = false;
    this.#truncated = false;
  }

  /**
   * True once the greeting is complete or a cap was reached.
   *
   * @example
   * ```ts
   * import { GreetingDecoder } from "./greeting_banner.ts";
   * new GreetingDecoder("pop3").done; // false
   * ```
   */
  get done(): boolean {
    return this.#state === GreetingState.DONE;
  }

  /**
   * Feeds `chunk[start, end)`, any size.
   *
   * @example
   * ```ts
   * import { GreetingDecoder } from "./greeting_banner.ts";
   * new GreetingDecoder("ssh").push(new TextEncoder().encode("SSH-2.0-"));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    for (let i = start; i < end && this.#state === GreetingState.LINE; i++) {
      const byte = chunk[i];
      if (++this.#bytes > this.#maxBytes) {
        this.#truncated = true;
        this.#endLine();
        this.#state = GreetingState.DONE;
        return;
      }
      if (byte === LF) {
        if (this.#endLine()) this.#state = GreetingState.DONE;
      } else if (this.#lineFill < MAX_LINE) {
        this.#line[this.#lineFill++] = byte;
      } else this.#truncated = true;
    }
  }

  /**
   * Everything decoded so far.
   *
   * @example
   * ```ts
   * import { GreetingDecoder } from "./greeting_banner.ts";
   * new GreetingDecoder("imap").result().lines; // []
   * ```
   */
  result(): GreetingBanner {
    const lines = this.#lines.slice();
    if (this.#state === GreetingState.LINE && this.#lineFill > 0) {
      lines.push(this.#text());
    }
    const text = lines.join("\n");
    const result: GreetingBanner = {
      protocol: this.#protocol(text),
      lines,
      text,
      complete: this.#complete,
      truncated: this.#truncated,
    };
    if (this.#kind === "reply") {
      const code = /^(\d{3})/.exec(lines[0] ?? "");
      if (code) result.code = Number(code[1]);
    } else if (this.#kind === "ssh") {
      const ssh = /^SSH-([^-\s]*)-(\S*)(?: (.*))?$/.exec(
        lines.find((line) => line.startsWith("SSH-")) ?? "",
      );
      if (ssh) {
        result.ssh = {
          protocolVersion: ssh[1],
          software: ssh[2],
          comments: ssh[3] ?? "",
        };
      }
    }
    return result;
  }

  /**
   * Declares the stream over and returns the result.
   *
   * @example
   * ```ts
   * import { GreetingDecoder } from "./greeting_banner.ts";
   * const decoder = new GreetingDecoder("pop3");
   * decoder.push(new TextEncoder().encode("+OK no newline"));
   * decoder.end().text; // "+OK no newline"
   * ```
   */
  end(): GreetingBanner {
    return this.result();
  }

  #text(): string {
    let end = this.#lineFill;
    if (end > 0 && this.#line[end - 1] === CR) end--;
    let text = "";
    for (let i = 0; i < end; i++) text += String.fromCharCode(this.#line[i]);
    return text;
  }

  /** Ends the current line; true when the greeting is complete (or capped). */
  #endLine(): boolean {
    const line = this.#text();
    this.#lineFill = 0;
    if (this.#lines.length >= this.#maxLines) {
      this.#truncated = true;
      return true;
    }
    this.#lines.push(line);
    let complete: boolean;
    switch (this.#kind) {
      case "ssh":
        // RFC 4253 §4.2: other lines may precede the version line.
        complete = line.startsWith("SSH-");
        break;
      case "reply":
        // RFC 959/5321 multi-line replies: "220-..." lines continue until
        // "220 ..." (or a bare "220").
        complete = /^\d{3}(?: |$)/.test(line) ||
          !/^\d{3}-/.test(this.#lines[0]);
        break;
      default:
        complete = true;
    }
    if (complete) this.#complete = true;
    return complete;
  }

  #protocol(text: string): GreetingBanner["protocol"] {
    switch (this.#kind) {
      case "ssh":
        return "ssh";
      case "pop3":
        return "pop3";
      case "imap":
        return "imap";
      case "reply": {
        if (/smtp|\bmail\b|postfix|exim|sendmail/i.test(text)) return "smtp";
        if (/ftp/i.test(text)) return "ftp";
        if (SMTP_PORTS.has(this.#port)) return "smtp";
        if (FTP_PORTS.has(this.#port)) return "ftp";
        return "ftp";
      }
    }
  }
}
