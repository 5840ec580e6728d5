/**
 * zon's reference passive monitor: frames from a driver's receive path,
 * read in place in a receive Worker; a fixed-capacity flow table; content
 * signatures matched across TCP segments by an Aho-Corasick automaton whose
 * state is saved per half-stream (no reassembly, no copies); protocols named
 * by the streaming decoders. Run with `--help` for usage.
 *
 * @module
 */

import {
  HELP,
  parseWatchArgs,
  UsageError,
  type WatchConfig,
} from "./watch/cli/args.ts";
import type { WatchJob, WorkerMessage } from "./watch/engine/job.ts";
import { COUNTER_COUNT } from "./watch/engine/records.ts";
import { NdjsonWriter } from "./watch/output/ndjson.ts";
import { alertLine, statusLine, summary } from "./watch/output/status.ts";
import { RuleSet } from "./watch/rules/compile.ts";
import { parseRules, RuleSyntaxError } from "./watch/rules/parse.ts";

function fail(message: string): number {
  console.error(`zon watch: ${message}\n(run with --help for usage)`);
  return 2;
}

function readRules(config: WatchConfig): string {
  try {
    return Deno.readTextFileSync(config.rulesPath);
  } catch (e) {
    throw new UsageError(
      `--rules ${config.rulesPath}: cannot read it (${(e as Error).message})`,
      { cause: e },
    );
  }
}

/** Runs the monitor on `argv`; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let config: WatchConfig;
  let rulesText: string;
  try {
    config = parseWatchArgs(argv);
    if (config.help) {
      console.log(HELP);
      return 0;
    }
    rulesText = config.rulesPath === "" ? "" : readRules(config);
    if (rulesText !== "") {
      RuleSet.compile(parseRules(rulesText, config.rulesPath));
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof RuleSyntaxError) {
      return fail(e.message);
    }
    throw e;
  }
  let out: NdjsonWriter | null = null;
  if (config.ndjsonPath !== null) {
    try {
      out = NdjsonWriter.open(config.ndjsonPath);
    } catch (e) {
      return fail(`-oD ${config.ndjsonPath}: ${(e as Error).message}`);
    }
  }
  const counters = new SharedArrayBuffer(COUNTER_COUNT * 8);
  const control = new SharedArrayBuffer(4);
  const job: WatchJob = {
    driver: config.driver,
    filter: config.filter,
    rulesText,
    rulesSource: config.rulesPath,
    flows: config.flows,
    idleMs: config.idleSeconds * 1000,
    maxDecoders: config.maxDecoders,
    prefilter: config.prefilter,
    bufferBytes: config.bufferMiB * 1024 * 1024,
    repeat: config.repeat,
    // Alerts are printed unless --quiet; -oD wants every record.
    records: !config.quiet || config.ndjsonPath !== null,
    counters,
    control,
  };
  try {
    return await watch(config, job, out);
  } finally {
    out?.close();
  }
}

function watch(
  config: WatchConfig,
  job: WatchJob,
  out: NdjsonWriter | null,
): Promise<number> {
  const counters = new Float64Array(job.counters);
  const stop = new Int32Array(job.control);
  const worker = new Worker(
    new URL("./watch/engine/receive_worker.ts", import.meta.url).href,
    { type: "module" },
  );
  const tty = Deno.stderr.isTerminal();
  const showStatus = config.status ?? tty;
  const printAlerts = !config.quiet && config.ndjsonPath !== "-";
  const encoder = new TextEncoder();
  let before = counters.slice();
  let last = performance.now();
  const timers: ReturnType<typeof setInterval>[] = [];
  const requestStop = (): void => {
    Atomics.store(stop, 0, 1);
  };
  const onSigint = (): void => {
    if (Atomics.load(stop, 0) === 1) Deno.exit(130); // second Ctrl-C
    requestStop();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  return new Promise<number>((resolve) => {
    const finish = (code: number): void => {
      for (const t of timers) clearInterval(t);
      Deno.removeSignalListener("SIGINT", onSigint);
      worker.terminate();
      resolve(code);
    };
    if (showStatus) {
      timers.push(setInterval(() => {
        const now = performance.now();
        const line = statusLine(counters, before, (now - last) / 1000);
        // A terminal gets one line redrawn; a file or pipe one line a second.
        Deno.stderr.writeSync(
          encoder.encode(tty ? `\r\x1b[K${line}` : `${line}\n`),
        );
        before = counters.slice();
        last = now;
      }, 1000));
    }
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      if (m.type === "ready") {
        console.error(`zon watch: reading ${config.driver}`);
        if (config.seconds > 0) {
          timers.push(setTimeout(requestStop, config.seconds * 1000));
        }
      } else if (m.type === "records") {
        for (const record of m.records) {
          out?.write(record);
          if (printAlerts && record.type === "alert") {
            console.log(alertLine(record));
          }
        }
      } else if (m.type === "done") {
        if (showStatus && tty) Deno.stderr.writeSync(encoder.encode("\n"));
        const s = summary(counters, m.elapsedMs);
        console.error(
          config.summaryJson
            ? JSON.stringify({ type: "summary", ...s })
            : `zon watch: ${
              Object.entries(s).map(([k, v]) => `${k} ${v}`).join(", ")
            }`,
        );
        finish(0);
      } else {
        console.error(`zon watch: ${m.message}`);
        finish(1);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      console.error(`zon watch: receive worker failed: ${e.message}`);
      finish(1);
    };
    worker.postMessage(job);
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
