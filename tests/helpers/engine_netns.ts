// Test helper: the scan engine in namespace A of a veth pair against
// listeners in B (tests/scan_engine_netns_test.ts, tests/scan_flood_netns_test.ts).
import assert from "node:assert/strict";
import { DENO, type VethPair } from "./drivers_netns.ts";

export const RUNNER =
  new URL("./scan_engine_runner.ts", import.meta.url).pathname;
export const FORGER =
  new URL("./scan_engine_forger.ts", import.meta.url).pathname;
export const SCANNER_IP = "198.18.200.1";
export const TARGET_IP = "198.18.200.2";
/** An address on no interface: the engine must answer ARP for it. */
export const SPOOFED_IP = "198.18.201.9";

/** Python listeners in B: TCP on `tcp` ports, a UDP echo on `udp` ports. */
const LISTENER = `
import socket, sys, threading, time
tcp = [int(p) for p in sys.argv[1].split(",") if p]
udp = [int(p) for p in sys.argv[2].split(",") if p]
keep = []
for p in tcp:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", p)); s.listen(1024); keep.append(s)
def echo(u):
    while True:
        data, peer = u.recvfrom(2048); u.sendto(b"zon", peer)
for p in udp:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", p))
    threading.Thread(target=echo, args=(u,), daemon=True).start()
print("ready", flush=True)
time.sleep(120)
`;

export interface RunnerOutput {
  results: { ip: number; port: number; protocol: string; status: string }[];
  summary: {
    sent: number;
    badCookie: number;
    found: number;
    receiveDropped: number;
    neighborReplies: number;
    transmit: { seconds: number };
  };
}

export async function ip(args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(
      `ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/** Starts the listeners in B and waits for "ready". */
export async function listen(
  pair: Pick<VethPair, "nsB">,
  tcp: number[],
  udp: number[],
  family: "AF_INET" | "AF_INET6" = "AF_INET",
) {
  const script = family === "AF_INET" ? LISTENER : LISTENER
    .replaceAll("socket.socket()", "socket.socket(socket.AF_INET6)")
    .replaceAll("socket.AF_INET,", "socket.AF_INET6,")
    .replaceAll('"0.0.0.0"', '"::"');
  const child = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      pair.nsB,
      "python3",
      "-c",
      script,
      tcp.join(","),
      udp.join(","),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /ready/);
  reader.releaseLock();
  return {
    async stop() {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

/** Runs the engine in A; `onSending` fires when the first probes are out. */
export async function scan(
  pair: Pick<VethPair, "nsA" | "ifA" | "macA" | "macB">,
  job: Record<string, unknown>,
  onSending?: () => Promise<void>,
): Promise<RunnerOutput> {
  const child = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      pair.nsA,
      DENO,
      "run",
      "-A",
      RUNNER,
      JSON.stringify({
        ifname: pair.ifA,
        mac: pair.macA,
        routerMac: pair.macB,
        ip4: SCANNER_IP,
        include: [TARGET_IP],
        ...job,
      }),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const out: RunnerOutput = { results: [], summary: null! };
  const side: Promise<void>[] = [];
  let text = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    let nl;
    while ((nl = text.indexOf("\n")) >= 0) {
      const line = JSON.parse(text.slice(0, nl));
      text = text.slice(nl + 1);
      if (line.result) out.results.push(line.result);
      else if (line.summary) out.summary = line.summary;
      else if (line.sending && onSending) side.push(onSending());
    }
  }
  const status = await child.status;
  await Promise.all(side);
  assert.ok(status.success, "runner failed");
  assert.ok(out.summary, "no summary");
  return out;
}

/** "proto/port/status" of each result, sorted. */
export const openSet: (out: RunnerOutput) => string[] = (out: RunnerOutput) =>
  out.results.map((r) => `${r.protocol}/${r.port}/${r.status}`).sort();
