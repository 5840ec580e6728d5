/**
 * Allocation probe for hot loops. Heap size alone cannot show per-call
 * allocation — young-generation scavenges reclaim short-lived garbage, so
 * the heap stays flat while a loop allocates a heap number per call. What
 * cannot hide is the scavenges themselves: this runs `body` in a child Deno
 * with `--trace-gc` and counts the garbage collections that happen inside
 * the measured loop (a 16-byte allocation per call over 10^7 calls is
 * ≥ 100 scavenges; a loop that allocates nothing has none).
 */

/** Where the project's modules are, for `import` lines in probe code. */
export const ROOT: string = new URL("../..", import.meta.url).href;

/**
 * Runs `setup` once, then calls `step(i)` for `warmup` iterations (so the
 * JIT has optimized it), then `calls` times between two markers, and returns
 * how many GC events V8 logged between the markers. `setup` must define a
 * function `step(i: number): number`. Imports may use `${ROOT}`.
 */
export async function gcCountDuring(
  setup: string,
  calls = 10_000_000,
  warmup = 300_000,
): Promise<{ gcs: number; sink: number }> {
  const code = `${setup}
function run(n) { let sink = 0; for (let i = 0; i < n; i++) sink = (sink + step(i)) % 1e9; return sink; }
run(${warmup});
console.log("@@start");
const sink = run(${calls});
console.log("@@end " + sink);
`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--trace-gc", code],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`probe failed:\n${text}`);
  // V8 writes its GC trace to the same stdout, possibly mid-line.
  const start = text.indexOf("@@start");
  const end = /@@end (\d+)/.exec(text);
  if (start < 0 || !end || end.index < start) {
    throw new Error(`probe output malformed:\n${text}`);
  }
  const during = text.slice(start, end.index);
  const gcs = (during.match(/Scavenge|Mark-Compact|Minor Mark/g) ?? []).length;
  return { gcs, sink: Number(end[1]) };
}
