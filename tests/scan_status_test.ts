/**
 * examples/scan/cli/status.ts with a fake writer and a fake clock: masscan's
 * line layout, once per interval, smoothed rate, progress clamped at 100%
 * with retries and shards, nothing unless enabled, the final summary.
 */
import assert from "node:assert/strict";
import {
  formatDuration,
  formatStatusLine,
  formatSummary,
  percentDone,
  StatusPrinter,
  type StatusSnapshot,
} from "../examples/scan/cli/status.ts";
import type { ScanSummary } from "../examples/scan/engine/result.ts";

function fake(enabled = true) {
  let clock = 0;
  let text = "";
  const decoder = new TextDecoder();
  const printer = new StatusPrinter({
    enabled,
    now: () => clock,
    out: {
      // Partial writes, to check the printer loops until all is written.
      writeSync(bytes: Uint8Array): number {
        const n = Math.min(bytes.length, 7);
        text += decoder.decode(bytes.subarray(0, n), { stream: true });
        return n;
      },
    },
  });
  return {
    printer,
    advance: (ms: number) => clock += ms,
    text: () => text,
  };
}

const SUMMARY: ScanSummary = {
  sent: 4000,
  received: 12,
  valid: 10,
  badCookie: 2,
  duplicates: 1,
  found: 9,
  elapsed: 12.345,
  interrupted: false,
};

Deno.test("status: masscan's line layout", () => {
  const s: StatusSnapshot = {
    sent: 4567,
    targets: 10000,
    retries: 0,
    found: 3,
  };
  assert.equal(
    formatStatusLine(s, 12340),
    "rate: 12.34-kpps, 45.67% done,   0:00:00 remaining, found=3",
  );
  // 5433 probes left at 100 pps: 54 s.
  assert.equal(
    formatStatusLine(s, 100),
    "rate:  0.10-kpps, 45.67% done,   0:00:54 remaining, found=3",
  );
  assert.equal(
    formatStatusLine({ ...s, sent: 10000, waitRemaining: 2.2 }, 0),
    "rate:  0.00-kpps, 100.00% done, waiting 3-secs, found=3",
  );
  // masscan counts the wait below zero ("waiting -2-secs"); zon stops at 0.
  assert.match(
    formatStatusLine({ ...s, waitRemaining: -2 }, 0),
    /waiting 0-secs/,
  );
  // No rate yet: the time remaining is unknown, not infinite.
  assert.ok(formatStatusLine(s, 0).includes("done,   -:--:-- remaining"));
  assert.equal(formatDuration(3 * 3600 + 25 * 60 + 7.9), "3:25:07");
});

Deno.test("status: percent never exceeds 100 with retries or shards", () => {
  // --retries 2: 3 probes per target, counted against targets × 3.
  const s = { sent: 150, targets: 100, retries: 2, found: 0 };
  assert.equal(percentDone(s), 50);
  assert.equal(percentDone({ ...s, sent: 300 }), 100);
  // A shard (or a count that overshoots) is clamped, never 101%.
  assert.equal(percentDone({ ...s, sent: 1000 }), 100);
  assert.equal(percentDone({ ...s, targets: 0, sent: 0 }), 100);
  const line = formatStatusLine({ ...s, sent: 1000 }, 5000);
  assert.ok(line.includes("100.00% done,   0:00:00 remaining"), line);
});

Deno.test("status: once per interval, smoothed rate, summary", () => {
  const f = fake();
  const s = { sent: 0, targets: 100_000, retries: 1, found: 0 };
  // Before a second has passed nothing is printed.
  f.advance(500);
  assert.equal(f.printer.update({ ...s, sent: 5000 }), false);
  assert.equal(f.text(), "");
  f.advance(500);
  assert.equal(f.printer.update({ ...s, sent: 10_000, found: 1 }), true);
  assert.equal(
    f.text(),
    "rate: 10.00-kpps,  5.00% done,   0:00:19 remaining, found=1       \r",
  );
  // 30 kpps in the next second: the average of the two rates is 20 kpps.
  f.advance(1000);
  f.printer.update({ ...s, sent: 40_000, found: 2 });
  assert.ok(
    f.text().endsWith(
      "rate: 20.00-kpps, 20.00% done,   0:00:08 remaining, found=2       \r",
    ),
    f.text(),
  );
  f.printer.finish(SUMMARY);
  assert.ok(
    f.text().endsWith(
      " ".repeat(79) + "\r" +
        "done: sent=4000, received=12, valid=10, bad-cookies=2, duplicates=1, found=9, elapsed=12.35s\n",
    ),
  );
  // Nothing after finish.
  f.advance(5000);
  assert.equal(f.printer.update(s), false);
  const before = f.text();
  f.printer.finish(SUMMARY);
  assert.equal(f.text(), before);
});

Deno.test("status: disabled (stderr not a TTY) prints only the summary", () => {
  const f = fake(false);
  f.advance(5000);
  assert.equal(
    f.printer.update({ sent: 9, targets: 10, retries: 0, found: 1 }),
    false,
  );
  f.printer.finish({ ...SUMMARY, interrupted: true });
  assert.equal(
    f.text(),
    "interrupted: sent=4000, received=12, valid=10, bad-cookies=2, duplicates=1, found=9, elapsed=12.35s\n",
  );
  assert.equal(formatSummary(SUMMARY).startsWith("done: "), true);
});

Deno.test("status: default is off when stderr is not a terminal", async () => {
  // A child with stderr piped: not a TTY, so only the summary line appears.
  const url = new URL("../examples/scan/cli/status.ts", import.meta.url).href;
  const code = `
    import { StatusPrinter } from "${url}";
    let t = 0;
    const p = new StatusPrinter({ now: () => t });
    t = 5000;
    p.update({ sent: 5, targets: 10, retries: 0, found: 0 });
    p.finish({ sent: 10, received: 0, valid: 0, badCookie: 0, duplicates: 0,
      found: 0, elapsed: 5, interrupted: false });
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success);
  assert.equal(
    new TextDecoder().decode(out.stderr),
    "done: sent=10, received=0, valid=0, bad-cookies=0, duplicates=0, found=0, elapsed=5.00s\n",
  );
});
