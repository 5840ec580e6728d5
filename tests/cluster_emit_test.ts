// --emit slurm|k8s without a cluster: the Kubernetes Indexed Job's
// structure, read back through kubectl's own decoder (`kubectl apply
// --dry-run=client --validate=false -o json` against a discovery-only
// stand-in for the API server, tests/helpers/k8s_discovery.ts: kubectl
// needs the kind → resource mapping even for a client dry run), and the
// container's shell command evaluated by sh for an index; the Slurm
// script checked by `bash -n` and run by bash with a stand-in scanner for
// a task ID. (tests/cluster_slurm_test.ts runs the Slurm script for real.)
// Needs kubectl (Debian kubernetes-client) and bash.

import assert from "node:assert/strict";
import { startDiscovery } from "./helpers/k8s_discovery.ts";

const SCAN = new URL("../examples/scan.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

async function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(command, {
    args,
    env: { DENO_NO_UPDATE_CHECK: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

const emit = (args: string[]) =>
  run(Deno.execPath(), ["run", "-A", SCAN, "--emit", ...args]);

const SCAN_ARGS = [
  "198.18.0.0/24",
  "-p",
  "80,443",
  "--rate",
  "100000",
  "-e",
  "ring:eth0",
  "--http-user-agent",
  'it\'s "quoted" $HOME',
  "--banners",
];

Deno.test("cluster: --emit k8s writes an Indexed Job kubectl accepts: N completions, hostNetwork, NET_RAW/NET_ADMIN only, an output volume", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "zon-h19-k8s-" });
  const discovery = startDiscovery(dir);
  try {
    const e = await emit([
      "k8s",
      "--shards",
      "5",
      "--parallelism",
      "2",
      "--image",
      "registry.example/zon:1",
      "--seed",
      "99",
      ...SCAN_ARGS,
    ]);
    assert.equal(e.code, 0, e.stderr);
    Deno.writeTextFileSync(`${dir}/job.yaml`, e.stdout);
    const kubectl = (file: string) =>
      run("kubectl", [
        "apply",
        "--dry-run=client",
        "--validate=false",
        "-o",
        "json",
        "-f",
        file,
      ], {
        KUBECONFIG: discovery.kubeconfig,
        HOME: dir,
      });
    const applied = await kubectl(`${dir}/job.yaml`);
    assert.equal(applied.code, 0, applied.stderr);
    const job = JSON.parse(applied.stdout);
    assert.equal(job.apiVersion, "batch/v1");
    assert.equal(job.kind, "Job");
    assert.equal(job.spec.completionMode, "Indexed");
    assert.equal(job.spec.completions, 5);
    assert.equal(job.spec.parallelism, 2);
    const pod = job.spec.template.spec;
    assert.equal(pod.hostNetwork, true);
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.containers.length, 1);
    const c = pod.containers[0];
    assert.equal(c.image, "registry.example/zon:1");
    assert.deepEqual(c.securityContext.capabilities, {
      drop: ["ALL"],
      add: ["NET_RAW", "NET_ADMIN"],
    });
    assert.equal(c.securityContext.privileged, undefined);
    assert.deepEqual(c.volumeMounts, [{ name: "shards", mountPath: "/out" }]);
    assert.deepEqual(pod.volumes, [{
      name: "shards",
      persistentVolumeClaim: { claimName: "zon-scan-shards" },
    }]);
    assert.deepEqual(c.command, ["/bin/sh", "-c"]);

    // The command, as a pod with index 3 runs it (sh expands the index):
    // printf in place of exec shows each argument the scanner would get.
    const shown = await run("sh", [
      "-c",
      c.args[0].replace(/^exec /, "printf '%s\\n' "),
      "sh",
    ], { JOB_COMPLETION_INDEX: "3" });
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(shown.stdout.trimEnd().split("\n"), [
      "deno",
      "run",
      "-A",
      "/zon/examples/scan.ts",
      ...SCAN_ARGS,
      "--seed",
      "99",
      "--shard",
      "4/5",
      "--no-status",
      "-oD",
      "/out/shard-4-of-5.ndjson",
    ]);

    // The dry run is a check that can fail: a kind the API has not.
    Deno.writeTextFileSync(
      `${dir}/bad.yaml`,
      e.stdout.replace("kind: Job", "kind: Jobb"),
    );
    const bad = await kubectl(`${dir}/bad.yaml`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Jobb/);
  } finally {
    await discovery.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cluster: --emit slurm writes a job-array script: --array=1-N, the shard from the task ID, one seed, -oD per task", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "zon-h19-slurm-" });
  try {
    const e = await emit([
      "slurm",
      "--shards",
      "4",
      "--output-dir",
      `${dir}/out`,
      "--deno",
      `${dir}/fake-deno`,
      "--exec-prefix",
      "ip netns exec scan",
      ...SCAN_ARGS,
    ]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(
      e.stderr,
      /no --seed given: the job uses the random seed (\d+)/,
    );
    const seed = /random seed (\d+)/.exec(e.stderr)![1];
    assert.match(e.stdout, /^#SBATCH --array=1-4$/m);
    assert.match(
      e.stdout,
      new RegExp(`^#SBATCH --output=${dir}/out/slurm-%A_%a.out$`, "m"),
    );
    assert.ok(
      Deno.statSync(`${dir}/out`).isDirectory,
      "the output dir exists before sbatch opens --output",
    );
    Deno.writeTextFileSync(`${dir}/job.sh`, e.stdout);
    assert.equal((await run("bash", ["-n", `${dir}/job.sh`])).code, 0);
    // Task 3 of the array, with "ip" a stand-in that prints its arguments.
    Deno.writeTextFileSync(`${dir}/ip`, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Deno.chmodSync(`${dir}/ip`, 0o755);
    const task = await run("bash", [`${dir}/job.sh`], {
      SLURM_ARRAY_TASK_ID: "3",
      PATH: `${dir}:/usr/bin:/bin`,
    });
    assert.equal(task.code, 0, task.stderr);
    assert.deepEqual(task.stdout.trimEnd().split("\n"), [
      "netns",
      "exec",
      "scan",
      `${dir}/fake-deno`,
      "run",
      "-A",
      SCAN,
      ...SCAN_ARGS,
      "--seed",
      seed,
      "--shard",
      "3/4",
      "--no-status",
      "-oD",
      `${dir}/out/shard-3-of-4.ndjson`,
    ]);
    const outside = await run("bash", [`${dir}/job.sh`], {
      SLURM_ARRAY_TASK_ID: "0",
      PATH: `${dir}:/usr/bin:/bin`,
    });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /array task 0 is outside 1-4/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cluster: --emit refuses what the job sets per task, and bad options", async () => {
  for (
    const [args, message] of [
      [
        ["slurm", "--shards", "3", "--shard", "1/3", "198.18.0.0/24"],
        /--shard is not allowed/,
      ],
      [
        ["slurm", "--shards", "3", "-oX", "a.xml", "198.18.0.0/24"],
        /-oX is not allowed \(each task writes -oD/,
      ],
      [["k8s", "198.18.0.0/24"], /--shards N \(N ≥ 1\) is required/],
      [
        ["pbs", "--shards", "2", "198.18.0.0/24"],
        /--emit pbs: expected "slurm" or "k8s"/,
      ],
      [
        ["k8s", "--shards", "2", "--job-name", "Zon_Scan", "198.18.0.0/24"],
        /--job-name Zon_Scan: expected a DNS label/,
      ],
      [["k8s", "--shards", "2", "0.0.0.0/0"], /more than a \/8/],
    ] as const
  ) {
    const r = await emit([...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
