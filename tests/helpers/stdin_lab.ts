// Test and benchmark helper: a lab script (python3) that sets itself up,
// prints its facts as one JSON line, and tears everything down when its
// stdin closes — so a killed test still ends it. One starter for the
// real-daemon labs (record_banners.py --serve, udp_daemons_lab.py).

const DEC = new TextDecoder();

/**
 * Runs `python3 args…`, resolves to the JSON of its first stdout line and a
 * `stop()` that closes its stdin and waits for it; throws with its stderr
 * when it exits before printing.
 */
export async function startStdinLab<Info>(
  args: string[],
): Promise<Info & { stop(): Promise<void> }> {
  const child = new Deno.Command("python3", {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      await child.stdin.close().catch(() => {});
      await child.status;
      throw new Error(`${args.join(" ")} failed: ${await stderr}`);
    }
    text += DEC.decode(value);
  }
  reader.releaseLock();
  const info = JSON.parse(text.slice(0, text.indexOf("\n"))) as Info;
  return {
    ...info,
    async stop() {
      await child.stdin.close().catch(() => {});
      await child.stdout.cancel().catch(() => {});
      await child.status;
      await stderr;
    },
  };
}
