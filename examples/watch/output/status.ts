/**
 * The once-a-second status line, the alert line and the final summary.
 *
 * @module
 */

import { type AlertRecord, Counter, COUNTER_NAMES } from "../engine/records.ts";

/** Formats a rate with k/M/G suffixes. */
function rate(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

/** Rates between two counter snapshots taken `seconds` apart. */
export function statusLine(
  now: Float64Array,
  before: Float64Array,
  seconds: number,
): string {
  const pps = (now[Counter.PACKETS] - before[Counter.PACKETS]) / seconds;
  const bps = (now[Counter.BYTES] - before[Counter.BYTES]) * 8 / seconds;
  return `${rate(pps)} pkt/s ${rate(bps)}bit/s, flows ${
    now[Counter.FLOWS_LIVE]
  } live, alerts ${now[Counter.ALERTS]}, drops: ring ${
    now[Counter.RING_DROPS]
  }, evicted ${now[Counter.EVICTIONS]}`;
}

/** One alert as a human-readable line. */
export function alertLine(a: AlertRecord): string {
  const [from, to] = a.direction === "to_server"
    ? [`${a.client}:${a.clientPort}`, `${a.server}:${a.serverPort}`]
    : [`${a.server}:${a.serverPort}`, `${a.client}:${a.clientPort}`];
  return `[${a.rule}] ${a.message} ${a.transport} ${from} -> ${to} flow ${a.flow} offset ${a.offset}`;
}

/** The counters as a plain object, plus elapsed time and throughput. */
export function summary(
  counters: Float64Array,
  elapsedMs: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  COUNTER_NAMES.forEach((name, i) => (out[name] = counters[i]));
  const seconds = Math.max(elapsedMs, 1e-3) / 1000;
  out.seconds = Number(seconds.toFixed(3));
  out.packetsPerSecond = Math.round(counters[Counter.PACKETS] / seconds);
  out.gbitPerSecond = Number(
    (counters[Counter.BYTES] * 8 / seconds / 1e9).toFixed(3),
  );
  return out;
}
