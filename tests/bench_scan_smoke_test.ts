// Smoke test of scripts/bench_scan.ts: a 1-second run of both parts prints
// well-formed JSON with positive rates, and leaves no namespace behind.
// Needs root and masscan (skipped otherwise).
import assert from "node:assert/strict";
import { DENO } from "./helpers/drivers_netns.ts";

const SCRIPT = new URL("../scripts/bench_scan.ts", import.meta.url).pathname;

function available(cmd: string): boolean {
  try {
    new Deno.Command(cmd, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync();
    return true;
  } catch {
    return false;
  }
}

async function namespaces(): Promise<string[]> {
  const out = await new Deno.Command("ip", { args: ["netns", "list"] })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n")
    .map((l) => l.split(" ")[0]).filter(Boolean);
}

Deno.test({
  name: "bench_scan: --seconds 1 --json: offline and wire figures, cleanup",
  ignore: Deno.uid() !== 0 || !available("masscan"),
  sanitizeResources: false,
  async fn() {
    const out = await new Deno.Command(DENO, {
      args: ["run", "-A", SCRIPT, "--seconds", "1", "--json"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert(out.success, stderr);
    const j = JSON.parse(new TextDecoder().decode(out.stdout));
    assert(j.offline.length === 1 && j.wire.length === 1, stderr);
    const r = j.offline[0];
    assert(r.masscan.blackrock1 > 0 && r.zon.pps > 0 && r.zonStats.pps > 0);
    for (const stage of ["shuffle", "pick", "cookie", "write", "driver"]) {
      assert(r.zonStats.stages[stage] >= 0, stage);
    }
    const names = j.wire[0].map((w: { name: string }) => w.name).sort();
    assert.deepEqual(names, [
      "masscan",
      "zon pcap:",
      "zon pcap: ×2",
      "zon ring:",
      "zon ring: ×2",
      "zon xdp:",
    ]);
    assert(r.zonStats2.pps > 0 && r.zonStats2.perWorker.length === 2);
    for (const w of j.wire[0]) assert(w.pps > 0, `${w.name}: ${w.pps}`);
    // Only the script's own namespaces: other tests may have theirs up.
    assert(j.namespaces.length === 2);
    const leaked = (await namespaces()).filter((n) => j.namespaces.includes(n));
    assert(leaked.length === 0, `namespaces left: ${leaked}`);
  },
});
