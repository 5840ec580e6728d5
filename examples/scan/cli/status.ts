/**
 * The status line on stderr, once per second, like masscan's —
 *
 * ```text
 * rate: 12.34-kpps, 45.67% done,   0:00:12 remaining, found=3
 * rate:  0.00-kpps, 100.00% done, waiting 3-secs, found=3
 * ```
 *
 * — redrawn in place with `\r`, printed only when stderr is a terminal
 * unless forced, and a final summary line (always printed). Progress is
 * measured against the shard's own probe count × (retries + 1) and clamped,
 * so it never passes 100% with shards or retries (masscan issue #489).
 *
 * The printer takes plain numbers and an injectable writer and clock, so it
 * is tested without a terminal or real time.
 *
 * @module
 */

import type { ScanSummary } from "../engine/result.ts";

/** Progress at one moment: plain counters the scan already keeps. */
export interface StatusSnapshot {
  /** Probes this process has sent so far, retries included. */
  sent: number;
  /** Targets (address × port) in this shard: probes per pass. */
  targets: number;
  /** `--retries`: each target gets retries + 1 probes. */
  retries: number;
  /** Results reported so far. */
  found: number;
  /** Seconds of `--wait` left once transmission has finished. */
  waitRemaining?: number;
  /** Each transmit Worker's rate right now (shown when there are several). */
  workerRates?: number[];
}

/** Where lines go: anything with a synchronous, possibly partial write. */
export interface StatusWriter {
  /** Writes some of `bytes`, returns how many were written. */
  writeSync(bytes: Uint8Array): number;
}

/** Options of a {@link StatusPrinter}. */
export interface StatusOptions {
  /** Destination (default `Deno.stderr`). */
  out?: StatusWriter;
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** Print status lines at all (default: whether stderr is a terminal). */
  enabled?: boolean;
  /** Milliseconds between status lines (default 1000). */
  intervalMs?: number;
}

/** Percent done, 0..100, against targets × (retries + 1). */
export function percentDone(s: StatusSnapshot): number {
  const total = s.targets * (s.retries + 1);
  if (!(total > 0)) return 100;
  return Math.min(100, Math.max(0, (s.sent * 100) / total));
}

/** Probes still to send (never negative). */
export function probesRemaining(s: StatusSnapshot): number {
  return Math.max(0, s.targets * (s.retries + 1) - s.sent);
}

/** Seconds as `H:MM:SS` (`-:--:--` when unknown). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "-:--:--";
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${
    two(s % 60)
  }`;
}

/**
 * One status line (without the trailing `\r`) for a smoothed rate in
 * packets/s: masscan's `rate:%6.2f-kpps, %5.2f%% done,%4u:%02u:%02u
 * remaining, found=%u` while sending, `waiting N-secs` after (never negative,
 * unlike masscan's).
 */
export function formatStatusLine(s: StatusSnapshot, pps: number): string {
  const rates = s.workerRates ?? [];
  const each = rates.length > 1
    ? ` (${rates.map((r) => (r / 1000).toFixed(1)).join("+")})`
    : "";
  const rate = `rate:${(pps / 1000).toFixed(2).padStart(6)}-kpps${each}`;
  const pct = `${percentDone(s).toFixed(2).padStart(5)}% done`;
  if (s.waitRemaining !== undefined) {
    const wait = Math.max(0, Math.ceil(s.waitRemaining));
    return `${rate}, ${pct}, waiting ${wait}-secs, found=${s.found}`;
  }
  const remaining = probesRemaining(s);
  const eta = remaining === 0 ? 0 : pps > 0 ? remaining / pps : NaN;
  return `${rate}, ${pct},${
    formatDuration(eta).padStart(10)
  } remaining, found=${s.found}`;
}

/** The final summary line (without its newline). */
export function formatSummary(summary: ScanSummary): string {
  return `${
    summary.interrupted ? "interrupted" : "done"
  }: sent=${summary.sent}, received=${summary.received}, valid=${summary.valid}, bad-cookies=${summary.badCookie}, duplicates=${summary.duplicates}, found=${summary.found}, elapsed=${
    summary.elapsed.toFixed(2)
  }s`;
}

const encoder = new TextEncoder();
// Padding so a shorter line fully covers the one it overwrites (masscan's).
const PAD = "       ";
const RATE_WINDOW = 8;

/**
 * Prints the status line at most once per interval and the final summary.
 * Call {@link StatusPrinter.update} as often as convenient (it returns at
 * once when it is not time yet), then {@link StatusPrinter.finish} once.
 *
 * @example
 * ```ts
 * import { StatusPrinter } from "./status.ts";
 * const status = new StatusPrinter({ enabled: true });
 * status.update({ sent: 1000, targets: 4000, retries: 0, found: 2 });
 * status.finish({ sent: 4000, received: 9, valid: 8, badCookie: 1,
 *   duplicates: 0, found: 8, elapsed: 4.2, interrupted: false });
 * ```
 */
export class StatusPrinter {
  #out: StatusWriter;
  #now: () => number;
  #enabled: boolean;
  #interval: number;
  #lastTime: number;
  #lastSent = 0;
  #rates: number[] = [];
  #printed = false;
  #finished = false;

  /** A printer; the clock starts now (the first line comes one interval later). */
  constructor(options: StatusOptions = {}) {
    this.#out = options.out ?? Deno.stderr;
    this.#now = options.now ?? (() => performance.now());
    this.#enabled = options.enabled ?? Deno.stderr.isTerminal();
    this.#interval = options.intervalMs ?? 1000;
    this.#lastTime = this.#now();
  }

  /**
   * Prints a status line for `s` if an interval has passed since the last
   * one (and printing is enabled). Returns whether it printed.
   */
  update(s: StatusSnapshot): boolean {
    if (!this.#enabled || this.#finished) return false;
    const now = this.#now();
    const dt = (now - this.#lastTime) / 1000;
    if (dt * 1000 < this.#interval || dt <= 0) return false;
    // Average the last few per-interval rates, as masscan does, so one slow
    // second does not swing the estimate.
    this.#rates.push(Math.max(0, s.sent - this.#lastSent) / dt);
    if (this.#rates.length > RATE_WINDOW) this.#rates.shift();
    const pps = this.#rates.reduce((a, b) => a + b, 0) / this.#rates.length;
    this.#lastTime = now;
    this.#lastSent = s.sent;
    this.#write(formatStatusLine(s, pps) + PAD + "\r");
    this.#printed = true;
    return true;
  }

  /** Clears the status line (if one was drawn) and prints the summary. */
  finish(summary: ScanSummary): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#printed) this.#write(" ".repeat(79) + "\r");
    this.#write(formatSummary(summary) + "\n");
  }

  #write(text: string): void {
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.length;) {
      done += this.#out.writeSync(bytes.subarray(done));
    }
  }
}
