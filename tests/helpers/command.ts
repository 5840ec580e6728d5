/**
 * Running a command from a test or a script: its stdout as text, or an
 * Error with its stderr when it fails. One helper instead of a copy per
 * file.
 *
 * @module
 */

const DECODER = new TextDecoder();

/** Options of {@linkcode run}. */
export interface RunOptions {
  /** Throw when the command fails (default true). */
  check?: boolean;
  /** Working directory. */
  cwd?: string;
}

/**
 * Runs `cmd[0]` with `cmd[1..]`; resolves to its stdout. Throws an Error
 * naming the command, with its stderr, when it fails and `check` is on.
 */
export async function run(
  cmd: string[],
  options: RunOptions = {},
): Promise<string> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if ((options.check ?? true) && !out.success) {
    throw new Error(`${cmd.join(" ")} failed: ${DECODER.decode(out.stderr)}`);
  }
  return DECODER.decode(out.stdout);
}

/** Runs `script` with `bash -euo pipefail -c` in `cwd`; resolves to its stdout. */
export function sh(script: string, cwd?: string): Promise<string> {
  return run(["bash", "-euo", "pipefail", "-c", script], { cwd });
}

/**
 * Waits until a TCP connection from namespace `ns` to `host:port` succeeds
 * (a server started in the background is listening); throws after ~10 s.
 */
export async function waitForTcp(
  ns: string,
  host: string,
  port: number,
): Promise<void> {
  const connect =
    `import socket;socket.create_connection(('${host}',${port}),1).close()`;
  for (let i = 0; i < 100; i++) {
    const out = await new Deno.Command("ip", {
      args: ["netns", "exec", ns, "python3", "-c", connect],
      stdout: "null",
      stderr: "null",
    }).output();
    if (out.success) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${host}:${port} in ${ns}`);
}

/**
 * Reads `stream` (a child's stdout or stderr) until its text contains
 * `marker` — a capture's "listening on", a server's "ready" — then
 * releases it; throws, with what it said, when `what` ends first.
 */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  marker: string,
  what: string,
): Promise<void> {
  const reader = stream.getReader();
  let text = "";
  try {
    while (!text.includes(marker)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${what} exited: ${text}`);
      text += DECODER.decode(value);
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Fails, rather than letting a test pass without checking, when `tool` is
 * not on PATH: `./run test` installs every tool the suite runs.
 */
export async function requireTool(tool: string): Promise<void> {
  const which = await new Deno.Command("which", { args: [tool] }).output();
  if (!which.success) {
    throw new Error(`${tool} is not installed: ./run test installs it`);
  }
}
