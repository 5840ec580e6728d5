/**
 * What the watcher reports: alert, flow, gap and overlap records (plain
 * data, one NDJSON line each) and the shared counters the status line
 * reads.
 *
 * @module
 */

import type { FlowInfo } from "../protocols/identify.ts";

/** The endpoints of a flow, client first. */
export interface FlowKey {
  /** Flow number, in creation order from 1. */
  flow: number;
  /** `tcp` or `udp`. */
  transport: string;
  /** Client address (sent the SYN, or the first packet). */
  client: string;
  /** Client port. */
  clientPort: number;
  /** Server address. */
  server: string;
  /** Server port. */
  serverPort: number;
}

/** A rule's content found in a half-stream. */
export interface AlertRecord extends FlowKey {
  /** Record type. */
  type: "alert";
  /** `to_server` or `to_client`. */
  direction: string;
  /** Stream offset of the match's first byte (TCP: from the byte after the SYN). */
  offset: number;
  /** The rule's sid. */
  rule: number;
  /** The rule's msg. */
  message: string;
}

/** Why a flow ended. */
export type EndReason = "fin" | "rst" | "idle" | "evicted" | "reused" | "end";

/** A flow that ended. */
export interface FlowRecord extends FlowKey {
  /** Record type. */
  type: "flow";
  /** Why it ended. */
  reason: EndReason;
  /** Identified protocol, "" when unknown. */
  protocol: string;
  /** What the decoders read. */
  info: FlowInfo | null;
  /** Packets [to server, to client]. */
  packets: [number, number];
  /** Payload bytes scanned [to server, to client] (new bytes only). */
  bytes: [number, number];
  /** Gaps (segments ahead of the next expected byte). */
  gaps: number;
  /** Bytes skipped over by gaps. */
  gapBytes: number;
  /** Segments that carried only bytes already seen. */
  retransmissions: number;
  /** Overlapping bytes that differed from the ones seen first. */
  conflicts: number;
  /** Duration in ms (receive clock). */
  durationMs: number;
}

/** A half-stream jumped ahead: bytes [from, to) were not seen in order. */
export interface GapRecord {
  /** Record type. */
  type: "gap";
  /** Flow number. */
  flow: number;
  /** `to_server` or `to_client`. */
  direction: string;
  /** First stream offset missed. */
  from: number;
  /** Stream offset scanning resumed at. */
  to: number;
}

/** A segment overlapped bytes already seen with different bytes. */
export interface ConflictRecord {
  /** Record type. */
  type: "overlap";
  /** Flow number. */
  flow: number;
  /** `to_server` or `to_client`. */
  direction: string;
  /** Stream offset of the first differing byte. */
  offset: number;
}

/** Any record. */
export type WatchRecord = AlertRecord | FlowRecord | GapRecord | ConflictRecord;

/** Where records go. */
export type RecordSink = (record: WatchRecord) => void;

/** Indexes of the shared counters (a Float64Array). */
export const Counter = {
  PACKETS: 0,
  BYTES: 1,
  TCP: 2,
  UDP: 3,
  FLOWS_LIVE: 4,
  FLOWS_CREATED: 5,
  FLOWS_ENDED: 6,
  EVICTIONS: 7,
  ALERTS: 8,
  GAPS: 9,
  GAP_BYTES: 10,
  RETRANSMISSIONS: 11,
  CONFLICTS: 12,
  DECODERS_SKIPPED: 13,
  RING_DROPS: 14,
  PAYLOAD_BYTES: 15,
  IDLE_ENDS: 16,
} as const;
/** Number of counters. */
export const COUNTER_COUNT = 17;

/** The counters' names in summaries (same order). */
export const COUNTER_NAMES: readonly string[] = [
  "packets",
  "bytes",
  "tcp",
  "udp",
  "flowsLive",
  "flowsCreated",
  "flowsEnded",
  "evictions",
  "alerts",
  "gaps",
  "gapBytes",
  "retransmissions",
  "conflicts",
  "decodersSkipped",
  "ringDrops",
  "payloadBytes",
  "idleEnds",
];

/** Direction names by index. */
export const DIRECTION_NAMES: readonly string[] = ["to_server", "to_client"];
