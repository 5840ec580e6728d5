/**
 * `examples/scan.ts --merge DIR|FILE...`: merges the `-oD` outputs of a
 * scan's shards, and proves (or refutes) that they covered the scan exactly
 * once. Two streaming passes over the files: the first reads only the
 * completion records and judges them (coverage.ts) — shards of different
 * scans are refused before anything is written; the second writes every
 * result once (dedup.ts) to the requested outputs. Memory beyond the dedup
 * table: one 1 MiB read buffer and one line.
 *
 * @module
 */

import { formatIpv6 } from "../../../packet/mod.ts";
import { parseScanArgs, UsageError } from "../cli/config.ts";
import type { OutputRequest } from "../cli/config.ts";
import { openOutputs, type ScanOutputs } from "../cli/outputs.ts";
import type { ScanMeta } from "../output/mod.ts";
import { COMPLETION_MARKER, parseCompletion } from "./completion.ts";
import { type Coverage, type FiledRecord, judgeCoverage } from "./coverage.ts";
import { bufferedSink } from "./buffered_sink.ts";
import { ResultDedup } from "./dedup.ts";
import { readLineBatches } from "./lines.ts";
import { resumeCommand } from "./resume_command.ts";
import { parseShardLine, type ShardLine } from "./shard_lines.ts";

/** Exit codes of `--merge`. */
export const MergeExit = { COVERED: 0, NOT_COVERED: 1, REFUSED: 2 } as const;

/** What pass 2 wrote. */
interface Written {
  results: number;
  banners: number;
  duplicates: number;
  tableBytes: number;
}

const report = (line: string): void => console.error(`zon merge: ${line}`);

/** The shard outputs named by `inputs`: files, and each directory's `*.ndjson`. */
export function shardFiles(inputs: readonly string[]): string[] {
  if (inputs.length === 0) {
    throw new UsageError(
      "--merge: name the shards' -oD files or their directory",
    );
  }
  const files: string[] = [];
  for (const input of inputs) {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(input);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      throw new UsageError(`--merge ${input}: no such file or directory`, {
        cause: e,
      });
    }
    if (!info.isDirectory) {
      files.push(input);
      continue;
    }
    const names = [...Deno.readDirSync(input)]
      .filter((e) => e.isFile && e.name.endsWith(".ndjson"))
      .map((e) => e.name).sort();
    if (names.length === 0) {
      throw new UsageError(`--merge ${input}: no *.ndjson files in it`);
    }
    for (const n of names) files.push(`${input.replace(/\/$/, "")}/${n}`);
  }
  return files;
}

/** Pass 1: every completion record, and the files that have none. */
async function readRecords(
  files: readonly string[],
): Promise<{ records: FiledRecord[]; bare: string[] }> {
  const records: FiledRecord[] = [], bare: string[] = [];
  for (const file of files) {
    let lineNo = 0, found = 0;
    for await (const batch of readLineBatches(file)) {
      for (const line of batch) {
        lineNo++;
        if (!line.includes(COMPLETION_MARKER)) continue;
        try {
          records.push({ file, record: parseCompletion(line) });
        } catch (e) {
          if (!(e instanceof SyntaxError)) throw e;
          throw new UsageError(`${file}:${lineNo}: ${e.message}`, { cause: e });
        }
        found++;
      }
    }
    if (found === 0) bare.push(file);
  }
  return { records, bare };
}

/** The merged outputs' header, from the first shard's recorded arguments. */
function mergedMeta(first: FiledRecord, records: FiledRecord[]): ScanMeta {
  let ports = "", rate = 0;
  try {
    const c = parseScanArgs(first.record.args);
    ports = c.ping ? "" : c.ports;
    rate = c.rate;
  } catch (e) {
    // Arguments naming files of another machine: the header lacks the ports.
    if (!(e instanceof UsageError)) throw e;
  }
  const start = Math.min(
    ...records.map((r) => Date.parse(r.record.start_time) / 1000),
  );
  return {
    startTime: start,
    commandLine: ["--merge", ...records.map((r) => r.file)],
    version: "0.1.0",
    scanType: /^U:/i.test(ports) && !/T:/i.test(ports) ? "udp" : "syn",
    ports,
    rate,
  };
}

/** Pass 2: each result and banner of the files once, to `outputs`. */
async function writeMerged(
  files: readonly string[],
  outputs: ScanOutputs,
): Promise<Written> {
  const seen = new ResultDedup();
  const out: Written = { results: 0, banners: 0, duplicates: 0, tableBytes: 0 };
  for (const file of files) {
    let lineNo = 0;
    for await (const batch of readLineBatches(file)) {
      for (const text of batch) {
        lineNo++;
        if (text === "" || text.includes(COMPLETION_MARKER)) continue;
        try {
          mergeLine(parseShardLine(text), seen, outputs, out);
        } catch (e) {
          if (!(e instanceof SyntaxError || e instanceof RangeError)) throw e;
          throw new UsageError(`${file}:${lineNo}: ${e.message}`, { cause: e });
        }
      }
    }
  }
  out.tableBytes = seen.tableBytes;
  return out;
}

/** Writes `line` unless `seen` has its key; counts it in `out`. */
function mergeLine(
  line: ShardLine,
  seen: ResultDedup,
  outputs: ScanOutputs,
  out: Written,
): void {
  if (line.kind === "result") {
    const r = line.result;
    const fresh = r.version === 4
      ? seen.addIpv4(r.ipv4, r.port, r.protocol)
      : seen.addText(`${formatIpv6(r.ipv6)}|${r.port}|${r.protocol}`);
    if (!fresh) out.duplicates++;
    else out.results++, outputs.write(r);
  } else if (line.kind === "banner") {
    const b = line.banner;
    const key = `b|${b.ipv6 ?? b.ip}|${b.transport ?? "tcp"}|${b.port}|${
      JSON.stringify(b.service)
    }`;
    if (!seen.addText(key)) {
      out.duplicates++;
    } else out.banners++, outputs.writeBanner(b);
  }
}

/** Prints what is missing or interrupted, with the command for each. */
function reportGaps(coverage: Coverage, records: FiledRecord[]): void {
  const y = coverage.of;
  for (const one of coverage.missing) {
    report(`missing: shard ${one}/${y} (no completion record)`);
    report(`  rerun: ${resumeCommand(records[0].record, one, 0)}`);
  }
  for (const s of coverage.incomplete) {
    report(
      `interrupted: shard ${s.one}/${y} at probe ${s.firstGap} of ${s.total} (${s.latest.file})`,
    );
    report(`  resume: ${resumeCommand(s.latest.record, s.one, s.firstGap)}`);
  }
}

/**
 * Merges the shard outputs `inputs` into `outputs`; resolves to a
 * {@linkcode MergeExit} code. Throws UsageError for unreadable input.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await runMerge(["out/"], [{ format: "xml", path: "all.xml" }]));
 * ```
 */
export async function runMerge(
  inputs: readonly string[],
  outputRequests: readonly OutputRequest[],
): Promise<number> {
  const files = shardFiles(inputs);
  const { records, bare } = await readRecords(files);
  for (const file of bare) {
    report(
      `${file}: no completion record (killed before it could write one?): not merged`,
    );
  }
  if (records.length === 0) {
    report("no completion records: nothing proves what these files cover");
    return MergeExit.NOT_COVERED;
  }
  const coverage = judgeCoverage(records);
  if (coverage.conflicts.length > 0) {
    report("refusing to merge shards of different scans:");
    for (const c of coverage.conflicts) report(`  ${c}`);
    return MergeExit.REFUSED;
  }
  const merged = files.filter((f) => !bare.includes(f));
  const outputs = openOutputs(outputRequests, mergedMeta(records[0], records), {
    keep: false,
    warn: report,
    wrapSink: bufferedSink,
  });
  const started = performance.now();
  const written = await writeMerged(merged, outputs);
  const covered = coverage.missing.length === 0 &&
    coverage.incomplete.length === 0;
  outputs.end({
    sent: records.reduce((n, r) => n + r.record.probes_sent, 0),
    received: written.results + written.duplicates,
    valid: written.results + written.duplicates,
    badCookie: 0,
    duplicates: written.duplicates,
    found: written.results,
    elapsed: (performance.now() - started) / 1000,
    interrupted: !covered,
  });
  if (outputs.failure !== null) throw outputs.failure;
  report(
    `${written.results} results, ${written.banners} banners written; ${written.duplicates} duplicates dropped (dedup table ${
      (written.tableBytes / 2 ** 20).toFixed(1)
    } MiB)`,
  );
  if (coverage.overlap > 0) {
    report(
      `${coverage.overlap} probe indices were covered by more than one run (a resume that went back)`,
    );
  }
  reportGaps(coverage, records);
  const done = coverage.of - coverage.missing.length -
    coverage.incomplete.length;
  if (!covered) {
    report(`not covered: ${done}/${coverage.of} shards complete`);
    return MergeExit.NOT_COVERED;
  }
  report(
    `covered: ${coverage.of}/${coverage.of} shards, ${coverage.probes} probes, exactly the target set`,
  );
  return MergeExit.COVERED;
}
