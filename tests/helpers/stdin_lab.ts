// Test and benchmark helper: a lab script (python3) that sets itself up,
// prints its facts as one JSON line, and tears everything down when its
// stdin closes — so a killed test still ends it. One starter for the
// real-daemon labs (record_banners.py --serve, udp_daemons_lab.py), and one
// way to run a scanner in a lab's namespace.

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

/** What a command run by {@linkcode runInNamespace} did. */
export interface NamespaceRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `args` in namespace `ns`, ended by SIGINT after `timeoutMs`: masscan
 * 1.3.2 can hang after its wait, and SIGINT still makes it write its output.
 */
export async function runInNamespace(
  ns: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<NamespaceRun> {
  const child = new Deno.Command("ip", {
    args: ["netns", "exec", ns, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  return {
    code: out.code,
    stdout: DEC.decode(out.stdout),
    stderr: DEC.decode(out.stderr),
  };
}
