/**
 * A user-mode TCP client for stateless scanners: it never sends a SYN (the
 * scanner's transmit path did, with a SYN cookie as sequence number), it
 * picks connections up at a cookie-validated SYN-ACK, completes the
 * handshake with an ACK that carries the application's hello, reads the
 * server's bytes in order, and closes. Frames in are parsed frames; frames
 * out are written straight into the driver's transmit slot.
 *
 * Per-connection state lives in typed arrays indexed by the connection
 * table's slot, so the receive path allocates nothing.
 *
 * @module
 */

import type { ParsedFrame } from "../packet/parse.ts";
import { TcpSegmentWriter } from "../packet/tcp_segment.ts";
import { ConnectionTable } from "./table.ts";
import { TimerWheel } from "./timer_wheel.ts";
import { CloseReason, TcpInput, TcpState } from "./state.ts";

/**
 * Writes one frame into `buffer` at `offset` (at most `capacity` bytes) and
 * returns its length. The same shape as `FrameWriter` of `@zon/net/drivers`
 * (`PacketDriver.sendWith`), declared here so this module stays free of FFI
 * code and runs in browsers and Node too.
 */
export type FrameWriter = (
  buffer: Uint8Array,
  offset: number,
  capacity: number,
) => number;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;

/**
 * What the stack asks of the protocol on top (a banner grabber). Every call
 * names the connection by its slot, so the application keeps its own
 * per-connection state in arrays or pools indexed by slot.
 *
 * @example
 * ```ts
 * import type { TcpApplication } from "./mod.ts";
 * const echo: TcpApplication = {
 *   open: () => 0, // the server speaks first: no hello
 *   receive: (_slot, bytes, start, end) => bytes.subarray(start, end).includes(10),
 *   close: (slot, reason) => console.log(slot, reason),
 * };
 * ```
 */
export interface TcpApplication {
  /**
   * A connection opened: write the hello into `hello[offset, offset +
   * capacity)` and return its length (0: send nothing, the server speaks
   * first). The bytes must stay there until `close` (retransmissions).
   * For an IPv6 connection (`stack.table.ip6[slot] === 1`) `remoteIp` and
   * `localIp` are 32-bit folds of the addresses; the addresses themselves
   * are `stack.table.remoteIp6` / `localIp6` at `16 * slot`.
   */
  open(
    slot: number,
    remoteIp: number,
    remotePort: number,
    localIp: number,
    localPort: number,
    hello: Uint8Array,
    offset: number,
    capacity: number,
  ): number;
  /**
   * The next in-order server bytes `bytes[start, end)`, valid during the
   * call only. Return true when nothing more is wanted (the stack closes).
   */
  receive(slot: number, bytes: Uint8Array, start: number, end: number): boolean;
  /** The connection ended; the slot is free once this returns. */
  close(slot: number, reason: CloseReason): void;
}

/**
 * Options of {@linkcode TcpStack}.
 *
 * @example
 * ```ts
 * import type { TcpStackOptions } from "./mod.ts";
 * const partial: Partial<TcpStackOptions> = { capacity: 10_000, connectionTimeoutMs: 10_000 };
 * ```
 */
export interface TcpStackOptions {
  /** Most concurrent connections (the table's capacity). */
  capacity: number;
  /** The scanner's MAC: source of every frame sent. */
  sourceMac: Uint8Array;
  /** The next hop's MAC: destination of every frame sent. */
  routerMac: Uint8Array;
  /**
   * The SYN cookie the transmit path used as the SYN's sequence number for
   * this flow (int32 bits, e.g. `synCookie4(...)` from `siphash/`). A SYN-ACK
   * opens a connection only when its ack − 1 equals it.
   */
  synCookie: (
    remoteIp: number,
    remotePort: number,
    localIp: number,
    localPort: number,
  ) => number;
  /**
   * The SYN cookie of an IPv6 flow (int32 bits, e.g. `synCookie6(...)` from
   * `siphash/`), addresses read in place (16 bytes, network order). Without
   * it IPv6 SYN-ACKs are ignored.
   */
  synCookie6?: (
    remote: Uint8Array,
    remoteOffset: number,
    remotePort: number,
    local: Uint8Array,
    localOffset: number,
    localPort: number,
  ) => number;
  /** The IPv6 next hop's MAC (default `routerMac`). */
  routerMac6?: Uint8Array;
  /** Sends one frame through `write`; false when the driver's ring is full (e.g. `(w) => driver.sendWith(w)`). */
  send: (write: FrameWriter) => boolean;
  /** The protocol on top. */
  app: TcpApplication;
  /** Close (RST) connections this long after the SYN-ACK (default 30,000 ms, masscan's `--connection-timeout` 30 s). */
  connectionTimeoutMs?: number;
  /** First retransmission of an unacknowledged hello (default 1,000 ms; doubles each time). */
  retransmitMs?: number;
  /** Hello retransmissions before waiting silently for the timeout (default 3). */
  maxRetransmits?: number;
  /** Cap on server bytes read per connection (default 16,384). */
  maxBytes?: number;
  /** Receive window advertised (default 65,535). */
  window?: number;
  /** Bytes of out-of-order data held per connection (default 2,048; 0 drops them and re-requests by duplicate ACK). */
  reorderBytes?: number;
  /** Room for each connection's hello (default 1,024). */
  helloBytes?: number;
  /** IPv4 TTL and IPv6 hop limit of frames sent (default 64). */
  ttl?: number;
  /** Timer wheel resolution (default 10 ms). */
  tickMs?: number;
  /** Start time in ms, the clock of `receive`/`poll` (default 0). */
  now?: number;
}

/**
 * Counters of a {@linkcode TcpStack} since it was created.
 *
 * @example
 * ```ts
 * import type { TcpStackStats } from "./mod.ts";
 * const opened = (s: TcpStackStats) => s.opened;
 * ```
 */
export interface TcpStackStats {
  /** Connections opened by valid SYN-ACKs. */
  opened: number;
  /** Connections closed, by {@linkcode CloseReason} value. */
  closed: number[];
  /** SYN-ACKs dropped for a bad cookie. */
  badCookie: number;
  /** Valid SYN-ACKs refused because the table was full. */
  tableFull: number;
  /** Segments of open connections processed. */
  segments: number;
  /** Server bytes handed to the application. */
  bytes: number;
  /** Segments that arrived ahead of a gap. */
  outOfOrder: number;
  /** Out-of-order segments that could not be held (re-requested by duplicate ACK). */
  outOfOrderDropped: number;
  /** Segments wholly already received (server retransmissions). */
  duplicates: number;
  /** Duplicate SYN-ACKs (our ACK was lost) answered again. */
  synAckRetransmits: number;
  /** Hello retransmissions sent. */
  helloRetransmits: number;
  /** Frames written to the driver. */
  framesSent: number;
  /** Frames the driver refused (ring full). */
  sendFailures: number;
  /** RST segments sent. */
  resetsSent: number;
  /** Segments without ACK, unacceptable RSTs and the like, ignored. */
  ignored: number;
}

/**
 * The user-mode TCP client: a {@linkcode ConnectionTable}, one small state
 * machine per connection ({@linkcode TcpState}), a {@linkcode TimerWheel}
 * for hello retransmissions and connection timeouts, and a frame writer.
 *
 * Call `receive` for every TCP frame (IPv4, or IPv6 with `synCookie6`)
 * addressed to the scanner, `poll`
 * regularly (timers), and `closeAll` at the end.
 *
 * @example
 * ```ts
 * import { ParsedFrame } from "../packet/mod.ts";
 * import { TcpStack } from "./mod.ts";
 * const frames: Uint8Array[] = [];
 * const stack = new TcpStack({
 *   capacity: 1024,
 *   sourceMac: new Uint8Array(6), routerMac: new Uint8Array(6),
 *   synCookie: () => 0x1234,
 *   send: (write) => {
 *     const buf = new Uint8Array(1514);
 *     frames.push(buf.subarray(0, write(buf, 0, buf.length)));
 *     return true;
 *   },
 *   app: { open: () => 0, receive: () => false, close: () => {} },
 * });
 * const parsed = new ParsedFrame();
 * // for each received frame: if (parseFrame(frame, parsed) === "tcp") stack.receive(frame, parsed, now);
 * stack.poll(performance.now());
 * ```
 */
export class TcpStack {
  /** The connection table (slots and 4-tuples). */
  readonly table: ConnectionTable;
  /** Per-connection timers. */
  readonly timers: TimerWheel;
  /** Per-slot state, a {@linkcode TcpState}. */
  readonly state: Uint8Array;

  readonly #app: TcpApplication;
  readonly #send: (write: FrameWriter) => boolean;
  readonly #synCookie: TcpStackOptions["synCookie"];
  readonly #synCookie6: TcpStackOptions["synCookie6"];
  readonly #sourceMac: Uint8Array;
  readonly #routerMac: Uint8Array;
  readonly #routerMac6: Uint8Array;
  readonly #timeoutMs: number;
  readonly #retransmitMs: number;
  readonly #maxRetransmits: number;
  readonly #maxBytes: number;
  readonly #window: number;
  readonly #reorderBytes: number;
  readonly #helloBytes: number;
  readonly #ttl: number;

  // Sequence space, per slot (unsigned 32-bit).
  /** Sequence number of our hello's first byte (our ISN + 1). */
  readonly #helloSeq: Uint32Array;
  readonly #helloLength: Uint16Array;
  /** Oldest unacknowledged byte of ours. */
  readonly #sndUna: Uint32Array;
  /** Next server byte expected. */
  readonly #rcvNext: Uint32Array;
  /** Server bytes delivered. */
  readonly #received: Uint32Array;
  readonly #deadline: Float64Array;
  readonly #retransmitAt: Float64Array;
  readonly #retries: Uint8Array;
  readonly #hello: Uint8Array;
  // One held out-of-order range per slot: [holdSeq, holdSeq + holdLength).
  readonly #hold: Uint8Array;
  readonly #holdSeq: Uint32Array;
  readonly #holdLength: Uint16Array;
  readonly #holdFin: Uint8Array;

  #now: number;
  readonly #stats: TcpStackStats = {
    opened: 0,
    closed: [0, 0, 0, 0, 0, 0],
    badCookie: 0,
    tableFull: 0,
    segments: 0,
    bytes: 0,
    outOfOrder: 0,
    outOfOrderDropped: 0,
    duplicates: 0,
    synAckRetransmits: 0,
    helloRetransmits: 0,
    framesSent: 0,
    sendFailures: 0,
    resetsSent: 0,
    ignored: 0,
  };

  // The segment being written: its fields are set by #emit, and #write
  // hands it to the driver. One writer and one closure for the stack's
  // life, so sending allocates nothing. IPv6 addresses are read in place
  // (a slot's in the table, or the received frame's for a table-full RST).
  readonly #out: TcpSegmentWriter;

  /**
   * Allocates every table, timer and buffer for `options.capacity`
   * connections.
   *
   * @example
   * ```ts
   * import { TcpStack } from "./mod.ts";
   * const stack = new TcpStack({
   *   capacity: 16, sourceMac: new Uint8Array(6), routerMac: new Uint8Array(6),
   *   synCookie: () => 0, send: () => true,
   *   app: { open: () => 0, receive: () => true, close: () => {} },
   * });
   * stack.active; // 0
   * ```
   */
  constructor(options: TcpStackOptions) {
    const capacity = options.capacity;
    this.table = new ConnectionTable(capacity);
    this.#now = options.now ?? 0;
    this.timers = new TimerWheel(capacity, {
      tickMs: options.tickMs ?? 10,
      now: this.#now,
    });
    this.#app = options.app;
    this.#send = options.send;
    this.#synCookie = options.synCookie;
    this.#synCookie6 = options.synCookie6;
    this.#sourceMac = options.sourceMac;
    this.#routerMac = options.routerMac;
    this.#routerMac6 = options.routerMac6 ?? options.routerMac;
    this.#timeoutMs = options.connectionTimeoutMs ?? 30_000;
    this.#retransmitMs = options.retransmitMs ?? 1_000;
    this.#maxRetransmits = options.maxRetransmits ?? 3;
    this.#maxBytes = options.maxBytes ?? 16_384;
    this.#window = Math.min(options.window ?? 65_535, 65_535);
    this.#reorderBytes = Math.min(options.reorderBytes ?? 2_048, 65_535);
    this.#helloBytes = options.helloBytes ?? 1_024;
    this.#ttl = options.ttl ?? 64;
    this.#out = new TcpSegmentWriter({
      sourceMac: this.#sourceMac,
      destinationMac: this.#routerMac,
    });
    this.#out.window = this.#window;
    this.#out.ttl = this.#ttl;
    this.state = new Uint8Array(capacity);
    this.#helloSeq = new Uint32Array(capacity);
    this.#helloLength = new Uint16Array(capacity);
    this.#sndUna = new Uint32Array(capacity);
    this.#rcvNext = new Uint32Array(capacity);
    this.#received = new Uint32Array(capacity);
    this.#deadline = new Float64Array(capacity);
    this.#retransmitAt = new Float64Array(capacity);
    this.#retries = new Uint8Array(capacity);
    this.#hello = new Uint8Array(capacity * this.#helloBytes);
    this.#hold = new Uint8Array(capacity * this.#reorderBytes);
    this.#holdSeq = new Uint32Array(capacity);
    this.#holdLength = new Uint16Array(capacity);
    this.#holdFin = new Uint8Array(capacity);
  }

  /**
   * Connections open now.
   *
   * @example
   * ```ts
   * import { TcpStack } from "./mod.ts";
   * const stack = new TcpStack({
   *   capacity: 4, sourceMac: new Uint8Array(6), routerMac: new Uint8Array(6),
   *   synCookie: () => 0, send: () => true,
   *   app: { open: () => 0, receive: () => true, close: () => {} },
   * });
   * stack.active; // 0
   * ```
   */
  get active(): number {
    return this.table.size;
  }

  /**
   * The counters (the same object, updated live).
   *
   * @example
   * ```ts
   * import { TcpStack } from "./mod.ts";
   * const stack = new TcpStack({
   *   capacity: 4, sourceMac: new Uint8Array(6), routerMac: new Uint8Array(6),
   *   synCookie: () => 0, send: () => true,
   *   app: { open: () => 0, receive: () => true, close: () => {} },
   * });
   * stack.stats().opened; // 0
   * ```
   */
  stats(): TcpStackStats {
    return this.#stats;
  }

  /**
   * Server bytes delivered so far on `slot`.
   *
   * @example
   * ```ts
   * import { TcpStack } from "./mod.ts";
   * const stack = new TcpStack({
   *   capacity: 4, sourceMac: new Uint8Array(6), routerMac: new Uint8Array(6),
   *   synCookie: () => 0, send: () => true,
   *   app: { open: () => 0, receive: () => true, close: () => {} },
   * });
   * stack.bytesReceived(0); // 0
   * ```
   */
  bytesReceived(slot: number): number {
    return this.#received[slot];
  }

  /**
   * Sends more bytes on an open connection (a STARTTLS command, a second
   * ClientHello, a Telnet answer): they join the slot's unacknowledged
   * bytes in its hello buffer and are retransmitted like the hello.
   * Returns false when the slot is not open or the bytes do not fit
   * (`helloBytes` minus what is still unacknowledged). Callable from
   * `app.receive`.
   *
   * @example
   * ```ts ignore
   * receive: (slot, bytes, start, end) => { stack.write(slot, command, 0, command.length); return false; }
   * ```
   */
  write(slot: number, bytes: Uint8Array, start: number, end: number): boolean {
    const state = this.state[slot];
    if (state === TcpState.FREE) return false;
    const base = slot * this.#helloBytes;
    // Drop what the server acknowledged: the buffer keeps [sndUna, end).
    const acked = (this.#sndUna[slot] - this.#helloSeq[slot]) >>> 0;
    const kept = this.#helloLength[slot] - acked;
    if (kept + end - start > this.#helloBytes) return false;
    if (acked > 0) {
      this.#hello.copyWithin(base, base + acked, base + acked + kept);
    }
    this.#helloSeq[slot] = this.#sndUna[slot];
    copy(bytes, start, end, this.#hello, base + kept);
    this.#helloLength[slot] = kept + end - start;
    this.state[slot] = TcpState.HELLO_SENT;
    this.#retries[slot] = 0;
    this.#retransmitAt[slot] = this.#now + this.#retransmitMs;
    this.#emit(
      slot,
      ACK | PSH,
      (this.#helloSeq[slot] + kept) >>> 0,
      this.#hello,
      base + kept,
      base + kept + end - start,
    );
    this.#arm(slot);
    return true;
  }

  /**
   * Handles one parsed frame (see `parseFrame` in `packet/`): a SYN-ACK with
   * a valid cookie opens a connection, segments of open connections are
   * processed, anything else is ignored. `nowMs` is the stack's clock.
   *
   * @example
   * ```ts ignore
   * if (parseFrame(frame, parsed) === "tcp") stack.receive(frame, parsed, performance.now());
   * ```
   */
  receive(frame: Uint8Array, parsed: ParsedFrame, nowMs: number): TcpInput {
    if (parsed.kind !== "tcp") return TcpInput.IGNORED;
    if (parsed.ipVersion !== 4) {
      return parsed.ipVersion === 6
        ? this.#receive6(frame, parsed, nowMs)
        : TcpInput.IGNORED;
    }
    this.#now = nowMs;
    const remoteIp = parsed.ip4Source;
    const remotePort = parsed.sourcePort;
    const localIp = parsed.ip4Destination;
    const localPort = parsed.destinationPort;
    const slot = this.table.find(remoteIp, remotePort, localIp, localPort);
    if (slot >= 0) {
      this.#segment(slot, frame, parsed);
      return TcpInput.SEGMENT;
    }
    if ((parsed.tcpFlags & (SYN | ACK | RST)) !== (SYN | ACK)) {
      return TcpInput.IGNORED;
    }
    const cookie = this.#synCookie(remoteIp, remotePort, localIp, localPort);
    if (((parsed.acknowledgment - 1) | 0) !== (cookie | 0)) {
      this.#stats.badCookie++;
      return TcpInput.BAD_COOKIE;
    }
    const fresh = this.table.insert(remoteIp, remotePort, localIp, localPort);
    if (fresh < 0) {
      // No room: reset the server's half-open connection rather than let it
      // retransmit SYN-ACKs at us (RFC 793: RST with seq = SEG.ACK).
      this.#stats.tableFull++;
      this.#setAddresses(localIp, remoteIp, localPort, remotePort);
      this.#emitRaw(RST, parsed.acknowledgment, 0);
      return TcpInput.TABLE_FULL;
    }
    this.#open(fresh, parsed);
    return TcpInput.OPENED;
  }

  /** `receive` for IPv6: the same steps, addresses read in place. */
  #receive6(frame: Uint8Array, parsed: ParsedFrame, nowMs: number): TcpInput {
    const synCookie6 = this.#synCookie6;
    if (synCookie6 === undefined) return TcpInput.IGNORED;
    this.#now = nowMs;
    const remoteAt = parsed.ip6SourceOffset;
    const remotePort = parsed.sourcePort;
    const localAt = parsed.ip6DestinationOffset;
    const localPort = parsed.destinationPort;
    const table = this.table;
    const slot = table.find6(
      frame,
      remoteAt,
      remotePort,
      frame,
      localAt,
      localPort,
    );
    if (slot >= 0) {
      this.#segment(slot, frame, parsed);
      return TcpInput.SEGMENT;
    }
    if ((parsed.tcpFlags & (SYN | ACK | RST)) !== (SYN | ACK)) {
      return TcpInput.IGNORED;
    }
    const cookie = synCookie6(
      frame,
      remoteAt,
      remotePort,
      frame,
      localAt,
      localPort,
    );
    if (((parsed.acknowledgment - 1) | 0) !== (cookie | 0)) {
      this.#stats.badCookie++;
      return TcpInput.BAD_COOKIE;
    }
    const fresh = table.insert6(
      frame,
      remoteAt,
      remotePort,
      frame,
      localAt,
      localPort,
    );
    if (fresh < 0) {
      this.#stats.tableFull++;
      this.#setAddresses(0, 0, localPort, remotePort);
      this.#setAddresses6(frame, localAt, frame, remoteAt);
      this.#emitRaw(RST, parsed.acknowledgment, 0);
      return TcpInput.TABLE_FULL;
    }
    this.#open(fresh, parsed);
    return TcpInput.OPENED;
  }

  /**
   * Runs due timers (hello retransmissions, connection timeouts) up to
   * `nowMs`; returns how many fired. Call it from the receive loop, e.g.
   * after each batch.
   *
   * @example
   * ```ts ignore
   * stack.poll(performance.now());
   * ```
   */
  poll(nowMs: number): number {
    this.#now = nowMs;
    return this.timers.advance(nowMs, this.#onTimer);
  }

  /**
   * Closes every open connection with RST and `CloseReason.ABORTED` (end
   * of a scan), so the application reports what it has.
   *
   * @example
   * ```ts ignore
   * stack.closeAll(performance.now());
   * ```
   */
  closeAll(nowMs: number): void {
    this.#now = nowMs;
    for (let slot = 0; slot < this.table.capacity; slot++) {
      if (this.state[slot] !== TcpState.FREE) {
        this.#reset(slot, CloseReason.ABORTED);
      }
    }
  }

  // --- transitions -------------------------------------------------------

  /** FREE → HELLO_SENT or RECEIVING: ACK the SYN-ACK, with the hello. */
  #open(slot: number, parsed: ParsedFrame): void {
    const table = this.table;
    const iss1 = parsed.acknowledgment >>> 0;
    this.#helloSeq[slot] = iss1;
    this.#sndUna[slot] = iss1;
    this.#rcvNext[slot] = (parsed.sequence + 1) >>> 0;
    this.#received[slot] = 0;
    this.#holdLength[slot] = 0;
    this.#holdFin[slot] = 0;
    this.#retries[slot] = 0;
    const base = slot * this.#helloBytes;
    const length = Math.min(
      this.#app.open(
        slot,
        table.remoteIp[slot],
        table.remotePort[slot],
        table.localIp[slot],
        table.localPort[slot],
        this.#hello,
        base,
        this.#helloBytes,
      ),
      this.#helloBytes,
    );
    this.#helloLength[slot] = length;
    this.#stats.opened++;
    this.#deadline[slot] = this.#now + this.#timeoutMs;
    if (length > 0) {
      this.state[slot] = TcpState.HELLO_SENT;
      this.#retransmitAt[slot] = this.#now + this.#retransmitMs;
    } else {
      this.state[slot] = TcpState.RECEIVING;
      this.#retransmitAt[slot] = Infinity;
    }
    this.#sendHello(slot);
    this.#arm(slot);
  }

  /** Sends our unacknowledged hello bytes (or a bare ACK) from sndUna. */
  #sendHello(slot: number): void {
    const sent = (this.#sndUna[slot] - this.#helloSeq[slot]) >>> 0;
    const length = this.#helloLength[slot];
    const base = slot * this.#helloBytes;
    if (sent >= length) {
      this.#emit(slot, ACK, this.#sndUna[slot], null, 0, 0);
    } else {
      this.#emit(
        slot,
        ACK | PSH,
        this.#sndUna[slot],
        this.#hello,
        base + sent,
        base + length,
      );
    }
  }

  #arm(slot: number): void {
    const at = Math.min(this.#deadline[slot], this.#retransmitAt[slot]);
    this.timers.schedule(slot, at);
  }

  /** One segment of an open connection. */
  #segment(slot: number, frame: Uint8Array, parsed: ParsedFrame): void {
    const stats = this.#stats;
    stats.segments++;
    const flags = parsed.tcpFlags;
    const seq = parsed.sequence >>> 0;
    const offset = (seq - this.#rcvNext[slot]) | 0;
    if (flags & RST) {
      // Blind-reset protection (RFC 5961, simplified): only in-window RSTs.
      if (offset >= 0 && offset < this.#window) {
        this.#close(slot, CloseReason.REMOTE_RESET);
      } else stats.ignored++;
      return;
    }
    if (flags & SYN) {
      // The server still waits for our ACK: it was lost. Send it again.
      if (
        ((seq + 1) >>> 0) === this.#rcvNext[slot] &&
        this.#received[slot] === 0
      ) {
        stats.synAckRetransmits++;
        this.#sendHello(slot);
      } else stats.ignored++;
      return;
    }
    if (!(flags & ACK)) {
      stats.ignored++;
      return;
    }
    if (this.state[slot] === TcpState.HELLO_SENT) this.#onAck(slot, parsed);
    const start = parsed.payloadOffset;
    const end = parsed.payloadEnd;
    const length = end - start;
    const fin = (flags & FIN) !== 0;
    if (offset > 0) {
      // Ahead of a gap: hold it if we can, and duplicate-ACK the gap.
      if (length > 0 || fin) {
        stats.outOfOrder++;
        this.#holdSegment(slot, frame, start, end, seq, fin);
        this.#emit(slot, ACK, this.#sendSeq(slot), null, 0, 0);
      }
      return;
    }
    if (length > 0 && offset + length <= 0) {
      // Wholly old: a retransmission. Re-ACK so the server stops.
      stats.duplicates++;
      if (!(fin && offset + length === 0)) {
        this.#emit(slot, ACK, this.#sendSeq(slot), null, 0, 0);
        return;
      }
    }
    if (length + offset > 0) {
      if (this.#deliver(slot, frame, start - offset, end)) return;
      if (this.#drainHold(slot)) return;
    }
    if (fin && ((seq + length - this.#rcvNext[slot]) | 0) === 0) {
      this.#finish(slot);
      return;
    }
    if (length > 0) this.#emit(slot, ACK, this.#sendSeq(slot), null, 0, 0);
  }

  /** HELLO_SENT → RECEIVING once the ACK covers the whole hello. */
  #onAck(slot: number, parsed: ParsedFrame): void {
    const ack = parsed.acknowledgment >>> 0;
    const end = (this.#helloSeq[slot] + this.#helloLength[slot]) >>> 0;
    const advance = (ack - this.#sndUna[slot]) | 0;
    const left = (end - this.#sndUna[slot]) | 0;
    if (advance <= 0 || advance > left) return;
    this.#sndUna[slot] = ack;
    this.#retries[slot] = 0;
    if (advance === left) {
      this.state[slot] = TcpState.RECEIVING;
      this.#retransmitAt[slot] = Infinity;
      this.#arm(slot);
    }
  }

  /** Our sequence number for pure ACKs: everything of ours sent. */
  #sendSeq(slot: number): number {
    return (this.#helloSeq[slot] + this.#helloLength[slot]) >>> 0;
  }

  /**
   * Hands in-order bytes to the application (cut at the byte cap) and
   * advances rcvNext. True when the connection was closed.
   */
  #deliver(slot: number, bytes: Uint8Array, from: number, to: number): boolean {
    this.#rcvNext[slot] = (this.#rcvNext[slot] + (to - from)) >>> 0;
    const room = this.#maxBytes - this.#received[slot];
    const take = Math.min(to - from, room);
    this.#received[slot] += take;
    this.#stats.bytes += take;
    if (this.#app.receive(slot, bytes, from, from + take)) {
      this.#reset(slot, CloseReason.COMPLETE);
      return true;
    }
    if (this.#received[slot] >= this.#maxBytes) {
      this.#reset(slot, CloseReason.BYTE_CAP);
      return true;
    }
    return false;
  }

  /** Keeps an out-of-order segment when it fits the held range. */
  #holdSegment(
    slot: number,
    bytes: Uint8Array,
    from: number,
    to: number,
    seq: number,
    fin: boolean,
  ): void {
    const size = this.#reorderBytes;
    const length = to - from;
    const held = this.#holdLength[slot];
    const base = slot * size;
    const hold = this.#hold;
    const holdSeq = this.#holdSeq[slot];
    if (held === 0 && length <= size) {
      copy(bytes, from, to, hold, base);
      this.#holdSeq[slot] = seq;
      this.#holdLength[slot] = length;
      this.#holdFin[slot] = fin ? 1 : 0;
    } else if (
      seq === ((holdSeq + held) >>> 0) && held + length <= size &&
      !this.#holdFin[slot]
    ) {
      copy(bytes, from, to, hold, base + held);
      this.#holdLength[slot] = held + length;
      this.#holdFin[slot] = fin ? 1 : 0;
    } else if (
      ((seq + length) >>> 0) === holdSeq && held + length <= size && !fin
    ) {
      hold.copyWithin(base + length, base, base + held);
      copy(bytes, from, to, hold, base);
      this.#holdSeq[slot] = seq;
      this.#holdLength[slot] = held + length;
    } else if (
      ((seq - holdSeq) | 0) >= 0 && ((seq + length - holdSeq) | 0) <= held
    ) {
      this.#stats.duplicates++;
    } else {
      this.#stats.outOfOrderDropped++;
    }
  }

  /** Delivers the held range once the gap before it is filled. */
  #drainHold(slot: number): boolean {
    const held = this.#holdLength[slot];
    if (held === 0) return false;
    const covered = (this.#rcvNext[slot] - this.#holdSeq[slot]) | 0;
    if (covered < 0) return false;
    this.#holdLength[slot] = 0;
    const base = slot * this.#reorderBytes;
    if (covered < held) {
      if (this.#deliver(slot, this.#hold, base + covered, base + held)) {
        return true;
      }
    }
    if (this.#holdFin[slot] && covered <= held) {
      this.#holdFin[slot] = 0;
      this.#finish(slot);
      return true;
    }
    return false;
  }

  /** The server's FIN arrived in order: ACK it with our own FIN, free the slot. */
  #finish(slot: number): void {
    this.#rcvNext[slot] = (this.#rcvNext[slot] + 1) >>> 0;
    this.#emit(slot, FIN | ACK, this.#sendSeq(slot), null, 0, 0);
    this.#close(slot, CloseReason.REMOTE_FIN);
  }

  /** Any state → FREE, telling the server with an RST. */
  #reset(slot: number, reason: CloseReason): void {
    // Exactly the server's rcv_nxt, or Linux answers a challenge ACK
    // instead of resetting (RFC 5961 §3.2).
    const seq = this.state[slot] === TcpState.RECEIVING
      ? this.#sendSeq(slot)
      : this.#sndUna[slot];
    this.#emit(slot, RST | ACK, seq, null, 0, 0);
    this.#stats.resetsSent++;
    this.#close(slot, reason);
  }

  /** Any state → FREE. */
  #close(slot: number, reason: CloseReason): void {
    this.#stats.closed[reason]++;
    this.state[slot] = TcpState.FREE;
    this.timers.cancel(slot);
    this.#app.close(slot, reason);
    this.table.remove(slot);
  }

  readonly #onTimer = (slot: number): void => {
    const now = this.#now;
    if (now >= this.#deadline[slot]) {
      this.#reset(slot, CloseReason.TIMEOUT);
      return;
    }
    if (
      this.state[slot] === TcpState.HELLO_SENT &&
      now >= this.#retransmitAt[slot]
    ) {
      if (this.#retries[slot] < this.#maxRetransmits) {
        this.#retries[slot]++;
        this.#stats.helloRetransmits++;
        this.#sendHello(slot);
        this.#retransmitAt[slot] = now +
          this.#retransmitMs * (1 << this.#retries[slot]);
      } else {
        this.#retransmitAt[slot] = Infinity;
      }
    }
    this.#arm(slot);
  };

  // --- frames out ------------------------------------------------------------

  #setAddresses(
    localIp: number,
    remoteIp: number,
    localPort: number,
    remotePort: number,
  ): void {
    const s = this.#out;
    s.version = 4;
    s.destinationMac = this.#routerMac;
    s.source4 = localIp;
    s.destination4 = remoteIp;
    s.sourcePort = localPort;
    s.destinationPort = remotePort;
  }

  /** Makes the next segment IPv6, between the addresses at the offsets given. */
  #setAddresses6(
    local: Uint8Array,
    localAt: number,
    remote: Uint8Array,
    remoteAt: number,
  ): void {
    const s = this.#out;
    s.version = 6;
    s.destinationMac = this.#routerMac6;
    s.source6 = local;
    s.source6At = localAt;
    s.destination6 = remote;
    s.destination6At = remoteAt;
  }

  #emit(
    slot: number,
    flags: number,
    seq: number,
    data: Uint8Array | null,
    from: number,
    to: number,
  ): void {
    const table = this.table;
    this.#setAddresses(
      table.localIp[slot],
      table.remoteIp[slot],
      table.localPort[slot],
      table.remotePort[slot],
    );
    if (table.ip6[slot] === 1) {
      this.#setAddresses6(
        table.localIp6,
        slot * 16,
        table.remoteIp6,
        slot * 16,
      );
    }
    const s = this.#out;
    if (data !== null) {
      s.payload = data;
      s.payloadFrom = from;
      s.payloadTo = to;
    } else {
      s.payloadFrom = s.payloadTo = 0;
    }
    this.#emitRaw(flags, seq, this.#rcvNext[slot]);
  }

  #emitRaw(flags: number, seq: number, ack: number): void {
    const s = this.#out;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    if (this.#send(this.#write)) this.#stats.framesSent++;
    else this.#stats.sendFailures++;
    s.payloadFrom = s.payloadTo = 0;
  }

  readonly #write: FrameWriter = (buf, at, capacity) =>
    this.#out.write(buf, at, capacity);
}

/** Byte copy without the view `subarray` would allocate. */
function copy(
  from: Uint8Array,
  start: number,
  end: number,
  to: Uint8Array,
  at: number,
): void {
  for (let i = start; i < end; i++) to[at++] = from[i];
}
