/**
 * What the main thread hands the receive Worker, and what comes back.
 *
 * @module
 */

import type { WatchRecord } from "./records.ts";

/** Everything the receive Worker needs to run. */
export interface WatchJob {
  /** Driver name: `file:PATH`, `ring:IF`, `pcap:IF`, ... */
  driver: string;
  /** BPF filter for live drivers, or "". */
  filter: string;
  /** The rules file's text and name (compiled again in the Worker). */
  rulesText: string;
  /** Rules file name, for messages. */
  rulesSource: string;
  /** Flow table capacity. */
  flows: number;
  /** Idle timeout, ms. */
  idleMs: number;
  /** Kernel receive buffer of live drivers, bytes. */
  bufferBytes: number;
  /** The matcher's skip prefilter. */
  prefilter: "auto" | boolean;
  /** Decoders at once. */
  maxDecoders: number;
  /** Frames of a file read, replayed this many times (benchmarks). */
  repeat: number;
  /** Whether the main thread wants records (false: counted only). */
  records: boolean;
  /** Shared counters (Float64Array over it). */
  counters: SharedArrayBuffer;
  /** Shared control word: 1 asks the Worker to stop. */
  control: SharedArrayBuffer;
}

/** Messages from the Worker. */
export type WorkerMessage =
  | { type: "ready"; linkType: number }
  | { type: "records"; records: WatchRecord[] }
  | { type: "done"; elapsedMs: number }
  | { type: "error"; name: string; message: string };
