/**
 * The watcher: frame in, records out. parseFrame reads each frame in
 * place; the flow table finds its flow; a TCP segment's new bytes (never a
 * copy) go through the half-stream's automata, resumed from the state
 * saved at the end of the previous segment, and through the protocol
 * decoder. Per half-stream it keeps the next expected sequence number, the
 * stream offset, two automaton states, the last 16 bytes (to spot
 * overlaps that rewrite what was seen) and counters; no payload is
 * buffered.
 *
 * Sequence policy: bytes behind the next expected one are skipped
 * (retransmissions: only a segment's new part is scanned; where a
 * retransmitted byte is still among the last 16 bytes it is compared, and
 * a difference is counted as a conflict, the first version winning). A
 * segment ahead of the next expected byte is a gap: the skipped range is
 * reported and counted, the automata restart at the segment (a match
 * across the gap is not claimed), offsets stay true stream offsets, and
 * the late bytes, when they come, are skipped like a retransmission.
 *
 * @module
 */

import type { AhoCorasick } from "../../../aho_corasick/mod.ts";
import { ParsedFrame, parseFrame, TcpFlags } from "../../../packet/mod.ts";
import { FlowTable } from "../flows/table.ts";
import { type FlowInfo, Identifier } from "../protocols/identify.ts";
import type { RuleSet } from "../rules/compile.ts";
import {
  type AlertRecord,
  Counter,
  COUNTER_COUNT,
  DIRECTION_NAMES,
  type EndReason,
  type FlowKey,
  type RecordSink,
} from "./records.ts";

/** Options of {@linkcode Watcher}. */
export interface WatcherOptions {
  /** Compiled rules. */
  rules: RuleSet;
  /** Where records go; null: only count (no record is built). */
  sink: RecordSink | null;
  /** Flow table capacity (default 65,536). */
  flows?: number;
  /** Idle time after which a flow ends, ms (default 60,000). */
  idleMs?: number;
  /** Protocol decoders running at once (default 4,096). */
  maxDecoders?: number;
  /** Shared counters to fill (default: a private array). */
  counters?: Float64Array;
  /** Link type of the frames (1 Ethernet, 101 raw IP). */
  linkType?: number;
}

/** Bytes of recent stream kept per half-stream for overlap checks. */
const TAIL = 16;
const TAIL_MASK = TAIL - 1;
/** A jump ahead larger than this is not a gap but garbage: ignored. */
const MAX_GAP = 1 << 30;

/** Per-flow state bits. */
const FlowBit = {
  FIN_TO_SERVER: 1,
  FIN_TO_CLIENT: 2,
} as const;

/**
 * Composes table, automata and decoders over a stream of frames.
 *
 * @example
 * ```ts
 * import { Watcher } from "./watcher.ts";
 * import { RuleSet } from "../rules/compile.ts";
 * import { parseRules } from "../rules/parse.ts";
 * const rules = RuleSet.compile(parseRules('alert tcp any any <> any any (content:"needle"; sid:1;)'));
 * const watcher = new Watcher({ rules, sink: (record) => console.log(record), flows: 4096 });
 * const onFrame = (frame: Uint8Array) => watcher.frame(frame, 0, frame.length, performance.now());
 * // ... feed frames, call watcher.expire(now) now and then, watcher.finish(now) at the end
 * ```
 */
export class Watcher {
  /** The counters (see {@linkcode Counter}). */
  readonly counters: Float64Array;
  /** The flow table. */
  readonly table: FlowTable;
  readonly #rules: RuleSet;
  readonly #sink: RecordSink;
  readonly #wantRecords: boolean;
  readonly #idleMs: number;
  readonly #linkType: number;
  readonly #parsed = new ParsedFrame();
  readonly #identifier: Identifier;
  readonly #exact: (AhoCorasick<number> | null)[];
  readonly #folded: (AhoCorasick<number> | null)[];
  // Per flow.
  readonly #flowId: Float64Array;
  readonly #flowBits: Uint8Array;
  readonly #started: Float64Array;
  readonly #gaps: Int32Array;
  readonly #gapBytes: Float64Array;
  readonly #retransmissions: Int32Array;
  readonly #conflicts: Int32Array;
  // Per half-stream (flow * 2 + direction).
  readonly #seqKnown: Uint8Array;
  readonly #nextSeq: Int32Array;
  readonly #firstSeq: Int32Array;
  readonly #offset: Float64Array;
  readonly #resumedAt: Float64Array;
  readonly #exactState: Int32Array;
  readonly #foldedState: Int32Array;
  readonly #tail: Uint8Array;
  readonly #packets: Float64Array;
  readonly #bytes: Float64Array;
  readonly #keys: (FlowKey | null)[];
  #nextFlowId = 1;
  // The half-stream being scanned, for the match handlers.
  #curFlow = 0;
  #curDir = 0;
  #curTransport = "tcp";
  readonly #onExact: (pattern: number, end: number) => void;
  readonly #onFolded: (pattern: number, end: number) => void;

  /** Creates a watcher. */
  constructor(options: WatcherOptions) {
    const capacity = options.flows ?? 65536;
    this.table = new FlowTable(capacity);
    this.#rules = options.rules;
    this.#sink = options.sink ?? (() => {});
    this.#wantRecords = options.sink !== null;
    this.#idleMs = options.idleMs ?? 60_000;
    this.#linkType = options.linkType ?? 1;
    this.counters = options.counters ?? new Float64Array(COUNTER_COUNT);
    this.#identifier = new Identifier(capacity, options.maxDecoders ?? 4096);
    const m = options.rules.matchers;
    this.#exact = [m[0].exact, m[1].exact];
    this.#folded = [m[0].folded, m[1].folded];
    this.#flowId = new Float64Array(capacity);
    this.#keys = new Array(capacity).fill(null);
    this.#flowBits = new Uint8Array(capacity);
    this.#started = new Float64Array(capacity);
    this.#gaps = new Int32Array(capacity);
    this.#gapBytes = new Float64Array(capacity);
    this.#retransmissions = new Int32Array(capacity);
    this.#conflicts = new Int32Array(capacity);
    const halves = capacity * 2;
    this.#seqKnown = new Uint8Array(halves);
    this.#nextSeq = new Int32Array(halves);
    this.#firstSeq = new Int32Array(halves);
    this.#offset = new Float64Array(halves);
    this.#resumedAt = new Float64Array(halves);
    this.#exactState = new Int32Array(halves);
    this.#foldedState = new Int32Array(halves);
    this.#tail = new Uint8Array(halves * TAIL);
    this.#packets = new Float64Array(halves);
    this.#bytes = new Float64Array(halves);
    this.#onExact = (pattern, end) =>
      this.#match(this.#exact[this.#curDir]!, pattern, end);
    this.#onFolded = (pattern, end) =>
      this.#match(this.#folded[this.#curDir]!, pattern, end);
  }

  /** Handles one frame `bytes[start, end)` received at `now` (ms). */
  frame(bytes: Uint8Array, start: number, end: number, now: number): void {
    const c = this.counters;
    c[Counter.PACKETS]++;
    c[Counter.BYTES] += end - start;
    const kind = parseFrame(bytes, this.#parsed, start, end, this.#linkType);
    if (kind === "tcp") this.#tcp(bytes, now);
    else if (kind === "udp") this.#udp(bytes, now);
  }

  /** Ends flows idle for longer than the idle timeout at `now`. */
  expire(now: number): void {
    const table = this.table;
    const limit = now - this.#idleMs;
    for (let f = table.oldest; f >= 0 && table.lastSeen[f] < limit;) {
      this.counters[Counter.IDLE_ENDS]++;
      this.#end(f, "idle", now);
      f = table.oldest;
    }
  }

  /** Ends every live flow (reason `end`), e.g. at the end of a capture. */
  finish(now: number): void {
    for (let f = this.table.oldest; f >= 0; f = this.table.oldest) {
      this.#end(f, "end", now);
    }
  }

  #tcp(bytes: Uint8Array, now: number): void {
    const p = this.#parsed;
    this.counters[Counter.TCP]++;
    const table = this.table;
    const flags = p.tcpFlags;
    const payloadLength = p.payloadEnd - p.payloadOffset;
    let flow = table.lookup(bytes, p);
    if (flow < 0) {
      // New flows start on a SYN or on data (mid-stream pickup); a lone
      // ACK, FIN or RST of an unknown flow is the tail of one already gone.
      if ((flags & TcpFlags.RST) !== 0) return;
      const syn = (flags & TcpFlags.SYN) !== 0;
      if (!syn && payloadLength === 0) return;
      const fromClient = syn
        ? (flags & TcpFlags.ACK) === 0
        : p.sourcePort >= p.destinationPort;
      flow = this.#create(fromClient, now);
    } else if (this.#reused(flow, flags)) {
      this.#end(flow, "reused", now);
      table.lookup(bytes, p);
      flow = this.#create(true, now);
    } else table.touch(flow, now);
    const dir = table.direction;
    const h = flow * 2 + dir;
    this.#packets[h]++;
    let seq = p.sequence | 0;
    if ((flags & TcpFlags.SYN) !== 0) {
      seq = (seq + 1) | 0;
      if (this.#seqKnown[h] === 0) this.#startHalf(h, seq);
    }
    if (payloadLength > 0) this.#segment(flow, dir, seq, bytes);
    if ((flags & TcpFlags.RST) !== 0) {
      this.#end(flow, "rst", now);
      return;
    }
    if ((flags & TcpFlags.FIN) !== 0) {
      const bits = this.#flowBits[flow] |
        (dir === 0 ? FlowBit.FIN_TO_SERVER : FlowBit.FIN_TO_CLIENT);
      this.#flowBits[flow] = bits;
      if (bits === (FlowBit.FIN_TO_SERVER | FlowBit.FIN_TO_CLIENT)) {
        this.#end(flow, "fin", now);
      }
    }
  }

  /**
   * A client SYN for a known flow at another sequence number: the tuple
   * was reused for a new connection (the old one's end was not seen).
   */
  #reused(flow: number, flags: number): boolean {
    if ((flags & (TcpFlags.SYN | TcpFlags.ACK)) !== TcpFlags.SYN) return false;
    const h = flow * 2 + this.table.direction;
    return this.table.direction === 0 && this.#seqKnown[h] === 1 &&
      this.#firstSeq[h] !== ((this.#parsed.sequence + 1) | 0);
  }

  #udp(bytes: Uint8Array, now: number): void {
    const p = this.#parsed;
    this.counters[Counter.UDP]++;
    const table = this.table;
    let flow = table.lookup(bytes, p);
    if (flow < 0) {
      flow = this.#create(
        !(p.sourcePort < p.destinationPort && p.sourcePort < 1024),
        now,
      );
    } else table.touch(flow, now);
    const dir = table.direction;
    const h = flow * 2 + dir;
    this.#packets[h]++;
    const start = p.payloadOffset;
    const end = p.payloadEnd;
    if (end <= start) return;
    this.#identifier.datagram(
      flow,
      p.sourcePort,
      p.destinationPort,
      bytes,
      start,
      end,
    );
    // Each datagram is a message of its own: the automata start afresh.
    this.#scan(flow, dir, h, bytes, start, end, "udp", true);
    this.#offset[h] += end - start;
    this.#bytes[h] += end - start;
    this.counters[Counter.PAYLOAD_BYTES] += end - start;
  }

  #create(fromClient: boolean, now: number): number {
    const table = this.table;
    if (table.size === table.capacity) {
      this.counters[Counter.EVICTIONS]++;
      this.#end(table.oldest, "evicted", now);
    }
    const flow = table.insert(fromClient, now);
    this.#flowId[flow] = this.#nextFlowId++;
    this.#flowBits[flow] = 0;
    this.#started[flow] = now;
    this.#gaps[flow] = 0;
    this.#gapBytes[flow] = 0;
    this.#retransmissions[flow] = 0;
    this.#conflicts[flow] = 0;
    for (let h = flow * 2; h < flow * 2 + 2; h++) {
      this.#seqKnown[h] = 0;
      this.#offset[h] = 0;
      this.#resumedAt[h] = 0;
      this.#packets[h] = 0;
      this.#bytes[h] = 0;
      this.#resetAutomata(h);
    }
    this.#identifier.open(flow);
    const c = this.counters;
    c[Counter.FLOWS_CREATED]++;
    c[Counter.FLOWS_LIVE] = table.size;
    return flow;
  }

  #startHalf(h: number, seq: number): void {
    this.#seqKnown[h] = 1;
    this.#nextSeq[h] = seq;
    this.#firstSeq[h] = seq;
    this.#offset[h] = 0;
    this.#resumedAt[h] = 0;
  }

  #resetAutomata(h: number): void {
    const dir = h & 1;
    this.#exactState[h] = this.#exact[dir]?.startState ?? 0;
    this.#foldedState[h] = this.#folded[dir]?.startState ?? 0;
  }

  /** One TCP segment's payload, `seq` being its first byte's number. */
  #segment(flow: number, dir: number, seq: number, bytes: Uint8Array): void {
    const p = this.#parsed;
    const h = flow * 2 + dir;
    if (this.#seqKnown[h] === 0) this.#startHalf(h, seq);
    let start = p.payloadOffset;
    const end = p.payloadEnd;
    const ahead = (seq - this.#nextSeq[h]) | 0;
    if (ahead > 0) {
      if (ahead >= MAX_GAP) return;
      this.#gap(flow, dir, h, ahead);
    } else if (ahead < 0) {
      const seen = Math.min(-ahead, end - start);
      this.#checkOverlap(flow, dir, h, bytes, start, seen, ahead);
      start += seen;
      if (start === end) {
        this.#retransmissions[flow]++;
        this.counters[Counter.RETRANSMISSIONS]++;
        return;
      }
    }
    const n = end - start;
    this.#scan(flow, dir, h, bytes, start, end, "tcp", false);
    this.#identifier.data(
      flow,
      dir,
      this.table.port(flow, 1),
      bytes,
      start,
      end,
    );
    const offset = this.#offset[h];
    const tail = h * TAIL;
    for (let i = Math.max(start, end - TAIL); i < end; i++) {
      this.#tail[tail + ((offset + i - start) & TAIL_MASK)] = bytes[i];
    }
    this.#offset[h] = offset + n;
    this.#nextSeq[h] = (this.#nextSeq[h] + n) | 0;
    this.#bytes[h] += n;
    this.counters[Counter.PAYLOAD_BYTES] += n;
  }

  #gap(flow: number, dir: number, h: number, ahead: number): void {
    const from = this.#offset[h];
    const to = from + ahead;
    this.#offset[h] = to;
    this.#resumedAt[h] = to;
    this.#nextSeq[h] = (this.#nextSeq[h] + ahead) | 0;
    this.#resetAutomata(h);
    this.#identifier.gap(flow, dir);
    this.#gaps[flow]++;
    this.#gapBytes[flow] += ahead;
    this.counters[Counter.GAPS]++;
    this.counters[Counter.GAP_BYTES] += ahead;
    if (!this.#wantRecords) return;
    this.#sink({
      type: "gap",
      flow: this.#flowId[flow],
      direction: DIRECTION_NAMES[dir],
      from,
      to,
    });
  }

  /**
   * Compares `seen` retransmitted bytes at `bytes[start]` (stream offset
   * `offset + ahead`) with the last bytes kept, where they are kept.
   */
  #checkOverlap(
    flow: number,
    dir: number,
    h: number,
    bytes: Uint8Array,
    start: number,
    seen: number,
    ahead: number,
  ): void {
    const offset = this.#offset[h];
    const first = offset + ahead;
    const kept = Math.max(offset - TAIL, this.#resumedAt[h], first);
    const tail = h * TAIL;
    for (let o = kept; o < first + seen; o++) {
      if (bytes[start + o - first] !== this.#tail[tail + (o & TAIL_MASK)]) {
        this.#conflicts[flow]++;
        this.counters[Counter.CONFLICTS]++;
        if (!this.#wantRecords) return;
        this.#sink({
          type: "overlap",
          flow: this.#flowId[flow],
          direction: DIRECTION_NAMES[dir],
          offset: o,
        });
        return;
      }
    }
  }

  #scan(
    flow: number,
    dir: number,
    h: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    transport: string,
    fresh: boolean,
  ): void {
    const exact = this.#exact[dir];
    const folded = this.#folded[dir];
    if (exact === null && folded === null) return;
    this.#curFlow = flow;
    this.#curDir = dir;
    this.#curTransport = transport;
    // The matcher takes a whole array: one view per segment.
    const view = bytes.subarray(start, end);
    const offset = this.#offset[h];
    if (exact !== null) {
      this.#exactState[h] = exact.scan(
        view,
        fresh ? exact.startState : this.#exactState[h],
        this.#onExact,
        offset,
      );
    }
    if (folded !== null) {
      this.#foldedState[h] = folded.scan(
        view,
        fresh ? folded.startState : this.#foldedState[h],
        this.#onFolded,
        offset,
      );
    }
  }

  #match(ac: AhoCorasick<number>, pattern: number, end: number): void {
    const rule = ac.value(pattern)!;
    const flow = this.#curFlow;
    const dir = this.#curDir;
    const table = this.table;
    const label = this.#identifier.labels[flow];
    if (
      !this.#rules.applies(
        rule,
        this.#curTransport,
        label,
        table.port(flow, dir),
        table.port(flow, 1 - dir),
      )
    ) return;
    this.counters[Counter.ALERTS]++;
    if (!this.#wantRecords) return;
    const r = this.#rules.rules[rule];
    const alert: AlertRecord = {
      type: "alert",
      ...this.#alertKey(flow),
      direction: DIRECTION_NAMES[dir],
      offset: end - ac.patternLength(pattern)!,
      rule: r.id,
      message: r.message,
    };
    this.#sink(alert);
  }

  /** The flow's endpoints, formatted at its first alert and kept for the rest. */
  #alertKey(flow: number): FlowKey {
    const cached = this.#keys[flow];
    if (cached !== null && cached.flow === this.#flowId[flow]) return cached;
    return this.#keys[flow] = this.#key(flow);
  }

  #key(flow: number): FlowKey {
    const t = this.table;
    return {
      flow: this.#flowId[flow],
      transport: t.protocol[flow] === 6 ? "tcp" : "udp",
      client: t.address(flow, 0),
      clientPort: t.port(flow, 0),
      server: t.address(flow, 1),
      serverPort: t.port(flow, 1),
    };
  }

  #end(flow: number, reason: EndReason, now: number): void {
    const info = this.#identifier.close(flow);
    const key = this.#keys[flow];
    this.#keys[flow] = null;
    if (this.#wantRecords) this.#record(flow, key, info, reason, now);
    this.table.remove(flow);
    const c = this.counters;
    c[Counter.FLOWS_ENDED]++;
    c[Counter.FLOWS_LIVE] = this.table.size;
    c[Counter.DECODERS_SKIPPED] = this.#identifier.skipped;
  }

  #record(
    flow: number,
    key: FlowKey | null,
    info: FlowInfo | null,
    reason: EndReason,
    now: number,
  ): void {
    const h = flow * 2;
    this.#sink({
      type: "flow",
      ...(key ?? this.#key(flow)),
      reason,
      protocol: info?.protocol ?? "",
      info,
      packets: [this.#packets[h], this.#packets[h + 1]],
      bytes: [this.#bytes[h], this.#bytes[h + 1]],
      gaps: this.#gaps[flow],
      gapBytes: this.#gapBytes[flow],
      retransmissions: this.#retransmissions[flow],
      conflicts: this.#conflicts[flow],
      durationMs: Math.round(now - this.#started[flow]),
    });
  }
}
