// The scan as a Slurm job array, for real: a single-node cluster on this
// machine (tests/helpers/slurm_cluster.ts: munged, slurmctld, slurmd), the
// job script that `examples/scan.ts --emit slurm` writes, 3 array tasks
// scanning the lab through its scanner namespace (`ip netns exec`), and
// `--merge` over their -oD files:
// - all tasks done: the merge says "covered: 3/3 shards", its result is the
//   lab's ground truth (-oX valid against nmap.dtd), and a tcpdump capture
//   on the router shows every target probed exactly once across the tasks;
// - one task cancelled mid-scan (`scancel JOB_2`): the merge reports it
//   interrupted with the command that resumes it; that command, run, and a
//   second merge reports full coverage — and the capture of the array plus
//   the resume still has every probe exactly once.
//
// Size: 8 lab addresses × TCP 1-2000 and UDP 53 (16008 probes), tasks one
// at a time (`--parallelism 1`). Needs root, slurm-wlm, munge, iproute2,
// tcpdump, python3, openssl, libxml2-utils, nmap (its DTD).

import assert from "node:assert/strict";
import {
  auditProbes,
  type Lab,
  labScanArgs,
  SCAN_SCRIPT,
  targetKeys,
  withLab,
} from "../examples/scan/lab/mod.ts";
import {
  compareWithTruth,
  parseScanOutput,
} from "../examples/scan/lab/results.ts";
import { readProbes, startCapture } from "../examples/scan/lab/capture.ts";
import { testRandom } from "./helpers/random.ts";
import {
  type SlurmCluster,
  slurmUnavailable,
  startSlurm,
} from "./helpers/slurm_cluster.ts";

const random = testRandom("cluster_slurm_test.ts");
const PORTS = "1-2000,U:53";
const PROBES = 8 * 2001;
const decoder = new TextDecoder();
const unavailable = slurmUnavailable();
if (unavailable) {
  console.error(
    `cluster_slurm_test.ts: skipped: Slurm cannot run here: ${unavailable}`,
  );
}

async function scanner(
  args: string[],
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCAN_SCRIPT, ...args],
    cwd,
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** The job script for the lab scan, from `--emit slurm`. */
async function emitScript(
  lab: Lab,
  cluster: SlurmCluster,
  name: string,
  options: { rate: number; seed: string; sourcePort: number },
): Promise<{ script: string; outDir: string }> {
  const outDir = `${cluster.dir}/${name}`;
  const { args } = labScanArgs(lab, {
    ports: PORTS,
    rate: options.rate,
    wait: 1,
    extraArgs: [
      "--seed",
      options.seed,
      "--source-port",
      String(options.sourcePort),
    ],
  });
  const dash = args.indexOf("-oD");
  args.splice(dash, 2); // the job sets each task's -oD
  const emitted = await scanner([
    "--emit",
    "slurm",
    "--shards",
    "3",
    "--parallelism",
    "1",
    "--job-name",
    name,
    "--output-dir",
    outDir,
    "--exec-prefix",
    `ip netns exec ${lab.namespaces.scanner}`,
    ...args,
  ], cluster.dir); // the tasks' cwd (a cancelled task's paused.conf lands there)
  assert.equal(emitted.code, 0, emitted.stderr);
  assert.match(
    emitted.stdout,
    new RegExp(`^#SBATCH --chdir=${cluster.dir}$`, "m"),
  );
  assert.match(emitted.stdout, /^#SBATCH --array=1-3%1$/m);
  const script = `${cluster.dir}/${name}.sh`;
  Deno.writeTextFileSync(script, emitted.stdout);
  return { script, outDir };
}

/** `--merge DIR -oD - -oX FILE`: exit code, findings, its report. */
async function merge(lab: Lab, outDir: string) {
  const xml = `${lab.dir}/merged-${Date.now()}.xml`;
  const r = await scanner(["--merge", outDir, "-oD", "-", "-oX", xml]);
  const scope = { targets: [...lab.targets4, ...lab.targets6], ports: PORTS };
  const comparison = compareWithTruth(
    parseScanOutput(r.stdout).findings,
    lab.truth,
    scope,
  );
  const dtd = await new Deno.Command("xmllint", {
    args: ["--noout", "--dtdvalid", "/usr/share/nmap/nmap.dtd", xml],
    stderr: "piped",
  }).output();
  Deno.removeSync(xml);
  return {
    code: r.code,
    report: r.stderr,
    comparison,
    xmlValid: dtd.success,
    xmlErrors: decoder.decode(dtd.stderr),
  };
}

function assertEachProbeOnce(
  lab: Lab,
  probes: Awaited<ReturnType<typeof readProbes>>["probes"],
  what: string,
) {
  const targets = targetKeys({
    targets: [...lab.targets4, ...lab.targets6],
    ports: PORTS,
  });
  const audit = auditProbes(probes, targets, [lab.adapterIp, lab.adapterIp6]);
  assert.deepEqual(
    audit.outside.slice(0, 5),
    [],
    `${what}: probes outside the scan`,
  );
  assert.equal(audit.duplicates, 0, `${what}: a target probed twice`);
  assert.deepEqual(
    audit.missing.slice(0, 5),
    [],
    `${what}: ${audit.missing.length} targets never probed`,
  );
  assert.equal(audit.total, PROBES, what);
}

/** The tasks' stdout/stderr files (`slurm-JOB_TASK.out`), for failure messages. */
function taskLogs(outDir: string): string {
  let text = "";
  for (
    const e of [...Deno.readDirSync(outDir)].sort((a, b) =>
      a.name < b.name ? -1 : 1
    )
  ) {
    if (e.name.endsWith(".out")) {
      text += `--- ${e.name}\n${Deno.readTextFileSync(`${outDir}/${e.name}`)}`;
    }
  }
  return text;
}

/**
 * Resolves once the -oD file at `path` has a result line: its task is
 * sending (it opens the file before the first probe, so the file alone
 * could mean a task still starting on a loaded machine).
 */
async function untilFirstResult(
  path: string,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (Deno.readTextFileSync(path).includes('"rec_type":"status"')) return;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    if (Date.now() > until) throw new Error(`no result in ${path}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test({
  name:
    "cluster: a Slurm job array of 3 scans the lab; --merge proves it covered, a cancelled task resumes",
  ignore: unavailable !== null,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const labSeed = Math.floor(random() * 1e6);
  await withLab({
    randomOpenPorts: 3,
    randomPortRange: [1, 2000],
    seed: labSeed,
  }, async (lab) => {
    const cluster = await startSlurm(`h19-${Deno.pid}`);
    try {
      const seed = String(Math.floor(random() * 2 ** 32));
      let sourcePort = 20000 + Math.floor(random() * 20000);
      console.log(
        `scan seed ${seed}, lab seed ${labSeed}, slurm in ${cluster.dir}`,
      );

      // 1. The whole array.
      {
        const job = await emitScript(lab, cluster, "whole", {
          rate: 4000,
          seed,
          sourcePort,
        });
        const capture = await startCapture(lab);
        const id = await cluster.sbatch(job.script);
        console.log(await cluster.run("squeue", "-j", id));
        const states = await cluster.waitJob(id, 90_000);
        const { dropped } = await capture.stop();
        assert.equal(dropped, 0, "the capture lost frames");
        assert.deepEqual(
          [...states.entries()].sort(),
          [[1, "COMPLETED"], [2, "COMPLETED"], [3, "COMPLETED"]],
          taskLogs(job.outDir),
        );
        assertEachProbeOnce(
          lab,
          (await readProbes(capture.path)).probes,
          "the array",
        );
        Deno.removeSync(capture.path);
        const m = await merge(lab, job.outDir);
        assert.equal(m.code, 0, m.report);
        assert.match(
          m.report,
          new RegExp(
            `covered: 3/3 shards, ${PROBES} probes, exactly the target set`,
          ),
        );
        assert.deepEqual(
          m.comparison.missed,
          [],
          "merged: the ground truth's open ports",
        );
        assert.deepEqual(
          m.comparison.falsePositives,
          [],
          "merged: nothing else",
        );
        assert.ok(m.xmlValid, m.xmlErrors);
      }

      // 2. Task 2 cancelled mid-scan, then resumed with the printed command.
      {
        sourcePort += 11; // a new scan of the same hosts: fresh source port
        const job = await emitScript(lab, cluster, "cancelled", {
          rate: 1000,
          seed,
          sourcePort,
        });
        const capture = await startCapture(lab);
        const id = await cluster.sbatch(job.script);
        const shard2 = `${job.outDir}/shard-2-of-3.ndjson`;
        await untilFirstResult(shard2, 60_000);
        await new Promise((r) => setTimeout(r, 500)); // ≥ 500 of its 5336 probes
        await cluster.run("scancel", `${id}_2`);
        const states = await cluster.waitJob(id, 90_000);
        assert.equal(states.get(2), "CANCELLED", JSON.stringify([...states]));
        assert.equal(states.get(1), "COMPLETED");
        assert.equal(states.get(3), "COMPLETED");

        const first = await merge(lab, job.outDir);
        assert.equal(first.code, 1, first.report);
        const interrupted = /interrupted: shard 2\/3 at probe (\d+) of (\d+)/
          .exec(first.report);
        assert.ok(interrupted, first.report);
        const at = Number(interrupted[1]), total = Number(interrupted[2]);
        assert.ok(at > 0 && at < total, `stopped mid-scan: ${at} of ${total}`);
        const command = /^zon merge: +resume: (.*)$/m.exec(first.report)?.[1];
        assert.ok(command, first.report);
        assert.match(
          command,
          new RegExp(`--shard 2/3 --resume-index ${at} --append-output$`),
        );

        const resumed = await new Deno.Command("ip", {
          args: ["netns", "exec", lab.namespaces.scanner, "sh", "-c", command],
          env: { DENO_NO_UPDATE_CHECK: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(resumed.code, 0, decoder.decode(resumed.stderr));
        const { dropped } = await capture.stop();
        assert.equal(dropped, 0, "the capture lost frames");
        assertEachProbeOnce(
          lab,
          (await readProbes(capture.path)).probes,
          "the array and the resume",
        );
        Deno.removeSync(capture.path);

        const second = await merge(lab, job.outDir);
        assert.equal(second.code, 0, second.report);
        assert.match(
          second.report,
          new RegExp(
            `covered: 3/3 shards, ${PROBES} probes, exactly the target set`,
          ),
        );
        assert.doesNotMatch(second.report, /more than one run/);
        assert.deepEqual(second.comparison.missed, []);
        assert.deepEqual(second.comparison.falsePositives, []);
        assert.ok(second.xmlValid, second.xmlErrors);
      }
    } finally {
      await cluster.stop();
    }
  });
});
