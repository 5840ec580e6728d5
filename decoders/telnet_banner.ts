/**
 * Telnet (RFC 854/855): the server opens with IAC option negotiation, then
 * (once answered) the login banner. This decoder strips the IAC commands
 * (recording which options the server asked for), collects the printable
 * banner, and builds the answers a polite client owes: `WONT` to every
 * `DO`, `DONT` to every `WILL` except ECHO and SUPPRESS-GO-AHEAD, which it
 * accepts (a line-mode-less login prompt needs them). Take them with
 * {@linkcode TelnetDecoder.takeReply} and send them, or the server may
 * wait forever before printing `login:`.
 *
 * @module
 */

import type { ServiceDecoder, ServiceResult } from "./service_types.ts";

const IAC = 0xff;
const DONT = 0xfe;
const DO = 0xfd;
const WONT = 0xfc;
const WILL = 0xfb;
const SB = 0xfa;
const SE = 0xf0;
const ECHO = 1;
const SUPPRESS_GO_AHEAD = 3;

/**
 * What {@linkcode TelnetDecoder} extracted.
 *
 * @example
 * ```ts
 * import type { TelnetBanner } from "./telnet_banner.ts";
 * const b = (r: TelnetBanner) => r.text;
 * ```
 */
export interface TelnetBanner {
  /** The printable text after the negotiation (capped). */
  text: string;
  /** Options the server sent DO for. */
  doOptions: number[];
  /** Options the server sent WILL for. */
  willOptions: number[];
  /** Count of IAC commands seen. */
  commands: number;
}

const TelnetState = {
  DATA: "data",
  IAC: "iac",
  OPTION: "option",
  SUBNEGOTIATION: "subnegotiation",
  SUBNEGOTIATION_IAC: "subnegotiation-iac",
  DONE: "done",
} as const;
type TelnetState = typeof TelnetState[keyof typeof TelnetState];

const MAX_TEXT = 2048;

/**
 * Streaming Telnet banner decoder, one per connection.
 *
 * @example
 * ```ts
 * import { TelnetDecoder } from "./telnet_banner.ts";
 * const d = new TelnetDecoder();
 * d.push(Uint8Array.of(0xff, 0xfd, 0x18, 0x6c, 0x6f, 0x67, 0x69, 0x6e, 0x3a, 0x20));
 * d.takeReply(); // Uint8Array [0xff, 0xfc, 0x18]: WONT TERMINAL-TYPE
 * d.result().text; // "login: "
 * ```
 */
export class TelnetDecoder implements ServiceDecoder<TelnetBanner> {
  #state: TelnetState = TelnetState.DATA;
  #verb = 0;
  #text = "";
  #do: number[] = [];
  #will: number[] = [];
  #commands = 0;
  #reply: number[] = [];

  /**
   * True once the banner reached its cap.
   *
   * @example
   * ```ts
   * import { TelnetDecoder } from "./telnet_banner.ts";
   * new TelnetDecoder().done; // false
   * ```
   */
  get done(): boolean {
    return this.#state === TelnetState.DONE;
  }

  /**
   * Starts over.
   *
   * @example
   * ```ts
   * import { TelnetDecoder } from "./telnet_banner.ts";
   * new TelnetDecoder().reset();
   * ```
   */
  reset(): void {
    this.#state = TelnetState.DATA;
    this.#text = "";
    this.#do = [];
    this.#will = [];
    this.#commands = 0;
    this.#reply = [];
  }

  /**
   * Feeds `chunk[start, end)`.
   *
   * @example
   * ```ts
   * import { TelnetDecoder } from "./telnet_banner.ts";
   * new TelnetDecoder().push(Uint8Array.of(0xff));
   * ```
   */
  push(chunk: Uint8Array, start: number = 0, end: number = chunk.length): void {
    for (let i = start; i < end && this.#state !== TelnetState.DONE; i++) {
      this.#step(chunk[i]);
    }
  }

  #step(byte: number): void {
    switch (this.#state) {
      case TelnetState.DATA:
        if (byte === IAC) this.#state = TelnetState.IAC;
        else this.#char(byte);
        return;
      case TelnetState.IAC:
        this.#commands++;
        if (byte === IAC) {
          this.#char(byte);
          this.#state = TelnetState.DATA;
        } else if (byte >= WILL && byte <= DONT) {
          this.#verb = byte;
          this.#state = TelnetState.OPTION;
        } else if (byte === SB) this.#state = TelnetState.SUBNEGOTIATION;
        else this.#state = TelnetState.DATA; // NOP, GA, ... carry no option
        return;
      case TelnetState.OPTION:
        this.#option(this.#verb, byte);
        this.#state = TelnetState.DATA;
        return;
      case TelnetState.SUBNEGOTIATION:
        if (byte === IAC) this.#state = TelnetState.SUBNEGOTIATION_IAC;
        return;
      case TelnetState.SUBNEGOTIATION_IAC:
        this.#state = byte === SE
          ? TelnetState.DATA
          : TelnetState.SUBNEGOTIATION;
        return;
    }
  }

  #option(verb: number, option: number): void {
    if (verb === DO) {
      this.#do.push(option);
      this.#reply.push(IAC, WONT, option);
    } else if (verb === WILL) {
      this.#will.push(option);
      const accept = option === ECHO || option === SUPPRESS_GO_AHEAD;
      this.#reply.push(IAC, accept ? DO : DONT, option);
    }
  }

  #char(byte: number): void {
    if (byte === 0) return;
    this.#text += String.fromCharCode(byte);
    if (this.#text.length >= MAX_TEXT) this.#state = TelnetState.DONE;
  }

  /**
   * The negotiation answers owed so far (empties the queue), or null.
   *
   * @example
   * ```ts
   * import { TelnetDecoder } from "./telnet_banner.ts";
   * new TelnetDecoder().takeReply(); // null
   * ```
   */
  takeReply(): Uint8Array | null {
    if (this.#reply.length === 0) return null;
    const out = Uint8Array.from(this.#reply);
    this.#reply = [];
    return out;
  }

  /**
   * The banner so far. Identity: `telnet`; a first byte other than IAC
   * or printable text is not Telnet.
   *
   * @example
   * ```ts
   * import { TelnetDecoder } from "./telnet_banner.ts";
   * new TelnetDecoder().result().service.name; // "telnet"
   * ```
   */
  result(): ServiceResult<TelnetBanner> {
    return {
      text: this.#text,
      doOptions: this.#do.slice(),
      willOptions: this.#will.slice(),
      commands: this.#commands,
      service: { name: "telnet" },
      complete: this.#commands > 0 && this.#text.length > 0,
    };
  }
}
