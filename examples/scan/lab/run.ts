/**
 * Small process helpers for the scan lab: run a command and get its output,
 * or fail with an error that shows the command line and its stderr.
 *
 * @module
 */

/** What a finished command printed, and how it ended. */
export interface CommandOutput {
  /** Exit code (non-zero on failure; 128 + n when killed by signal n). */
  code: number;
  /** Whether it exited with code 0. */
  success: boolean;
  /** Standard output as text. */
  stdout: string;
  /** Standard error as text. */
  stderr: string;
}

const decoder = new TextDecoder();

/**
 * Runs `cmd args...` to completion. Throws when it cannot be started or,
 * unless `allowFailure`, when it exits non-zero; the message holds the whole
 * command line and its stderr so a failed lab step explains itself.
 */
export async function runCommand(
  cmd: string,
  args: string[],
  options: { allowFailure?: boolean; stdin?: string } = {},
): Promise<CommandOutput> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, {
      args,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new Error(`cannot run ${cmd}: ${(e as Error).message}`);
  }
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const result: CommandOutput = {
    code: out.code,
    success: out.success,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
  if (!result.success && !options.allowFailure) {
    throw new Error(
      `${[cmd, ...args].join(" ")} exited with ${result.code}: ${
        result.stderr.trim() || result.stdout.trim()
      }`,
    );
  }
  return result;
}

/** Runs `ip args...` (iproute2), throwing on failure. */
export async function ip(...args: string[]): Promise<string> {
  return (await runCommand("ip", args)).stdout;
}

/** Runs `cmd args...` inside network namespace `ns`, throwing on failure. */
export async function inNs(
  ns: string,
  cmd: string,
  ...args: string[]
): Promise<string> {
  return (await runCommand("ip", ["netns", "exec", ns, cmd, ...args])).stdout;
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A long-running child whose stderr is drained continuously (so a chatty
 * listener never blocks on a full pipe) and whose last lines are kept for
 * error messages.
 */
export class Daemon {
  /** The process. */
  readonly child: Deno.ChildProcess;
  /** Human-readable name for messages. */
  readonly name: string;
  #tail = "";
  #exited = false;
  /** Resolves when the process has exited and its pipe is drained. */
  readonly done: Promise<Deno.CommandStatus>;

  /** Starts `cmd args` with stdin closed, stdout discarded, stderr kept. */
  constructor(name: string, cmd: string, args: string[]) {
    this.name = name;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(cmd, {
        args,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      throw new Error(`cannot start ${name}: ${(e as Error).message}`);
    }
    this.child = child;
    const drain = (async () => {
      for await (const chunk of child.stderr) {
        this.#tail = (this.#tail + decoder.decode(chunk)).slice(-2000);
      }
    })().catch(() => {});
    this.done = Promise.all([child.status, drain]).then(([status]) => {
      this.#exited = true;
      return status;
    });
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** The last ~2000 characters it wrote to stderr. */
  get stderrTail(): string {
    return this.#tail;
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL after `graceMs`. Resolves once
   * it has exited; never throws.
   */
  async stop(graceMs = 1000): Promise<void> {
    if (this.#exited) return;
    await stopChild(this.child, graceMs);
    await this.done;
  }
}

/**
 * Sends `signal` (default SIGTERM) to `child`, then SIGKILL if it has not
 * exited after `graceMs`. Resolves with its status; never throws.
 */
export async function stopChild(
  child: Deno.ChildProcess,
  graceMs = 1000,
  signal: Deno.Signal = "SIGTERM",
): Promise<Deno.CommandStatus> {
  try {
    child.kill(signal);
  } catch { /* already gone */ }
  // A cleared timer, not sleep(): a pending timer would trip Deno.test's
  // sanitizers in the tests that use the lab.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), graceMs);
  });
  const first = await Promise.race([child.status, timeout]);
  clearTimeout(timer);
  if (first === "timeout") {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
  return await child.status;
}
