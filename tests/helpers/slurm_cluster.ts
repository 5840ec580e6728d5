// A real single-node Slurm cluster for tests, on this machine and in a temp
// dir: munged with a generated key, slurmctld and slurmd with a generated
// slurm.conf (SlurmdUser=root, proctrack/linuxproc, task/none, no cgroups,
// no accounting), all in the foreground as children of the test, on
// random free TCP ports. `stop()` ends the three daemons and removes the
// dir. The client commands (sbatch, squeue, scancel, scontrol) find the
// cluster through SLURM_CONF in `env`.
//
// Needs root, slurm-wlm and munge (Debian).

const decoder = new TextDecoder();

/** A running cluster. */
export interface SlurmCluster {
  /** The temp dir (conf, state, spool, logs, munge socket). */
  dir: string;
  /** Environment for the client commands. */
  env: Record<string, string>;
  /** Runs a Slurm client command; throws with its stderr when it fails. */
  run(command: string, ...args: string[]): Promise<string>;
  /** `sbatch --parsable`: the job id. */
  sbatch(script: string, ...args: string[]): Promise<string>;
  /** Array tasks' states by task id, from `scontrol show job`. */
  taskStates(jobId: string): Promise<Map<number, string>>;
  /** Resolves when no task of `jobId` is pending or running. */
  waitJob(jobId: string, timeoutMs: number): Promise<Map<number, string>>;
  /** Stops the daemons and removes the dir. */
  stop(): Promise<void>;
}

/** Why Slurm cannot run here, or null when it can. */
export function slurmUnavailable(): string | null {
  if (Deno.uid() !== 0) return "needs root (slurmd runs jobs as root here)";
  for (
    const bin of [
      "/usr/sbin/slurmctld",
      "/usr/sbin/slurmd",
      "/usr/sbin/munged",
      "/usr/bin/sbatch",
    ]
  ) {
    try {
      Deno.statSync(bin);
    } catch {
      return `${bin} is missing (Debian slurm-wlm and munge; ./run installs them)`;
    }
  }
  return null;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function exec(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(command, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

function slurmConf(dir: string, host: string): string {
  return `ClusterName=zonh19
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${freePort()}
SlurmdPort=${freePort()}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${dir}/munge.socket
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
KillWait=20
MinJobAge=600
SchedulerType=sched/backfill
NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=zon Nodes=${host} Default=YES MaxTime=INFINITE State=UP
`;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) {
      throw new Error(`slurm: ${what} timed out\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function readLog(path: string): string {
  try {
    return Deno.readTextFileSync(path).split("\n").slice(-15).join("\n");
  } catch {
    return `(no ${path})`;
  }
}

/** Starts munged, slurmctld and slurmd; the node is idle when it resolves. */
export async function startSlurm(tag: string): Promise<SlurmCluster> {
  const dir = Deno.makeTempDirSync({ prefix: `zon-slurm-${tag}-` });
  Deno.chmodSync(dir, 0o700);
  for (const d of ["state", "spool"]) Deno.mkdirSync(`${dir}/${d}`);
  const host = decoder.decode(
    (await new Deno.Command("hostname", { args: ["-s"] }).output()).stdout,
  ).trim();
  Deno.writeTextFileSync(`${dir}/slurm.conf`, slurmConf(dir, host));
  const env = { SLURM_CONF: `${dir}/slurm.conf`, DENO_NO_UPDATE_CHECK: "1" };
  const children: Deno.ChildProcess[] = [];
  const spawn = (cmd: string, args: string[]): void => {
    children.push(
      new Deno.Command(cmd, {
        args,
        env,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn(),
    );
  };
  const stop = async (): Promise<void> => {
    for (const c of children.reverse()) {
      try {
        c.kill("SIGTERM");
      } catch { /* already gone */ }
      const exited = await Promise.race([
        c.status.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!exited) {
        try {
          c.kill("SIGKILL");
        } catch { /* gone */ }
        await c.status;
      }
    }
    Deno.removeSync(dir, { recursive: true });
  };
  try {
    const key = await exec("mungekey", [
      "--create",
      `--keyfile=${dir}/munge.key`,
    ], env);
    if (key.code !== 0) throw new Error(`mungekey: ${key.stderr}`);
    spawn("munged", [
      "--foreground",
      "--force",
      `--socket=${dir}/munge.socket`,
      `--key-file=${dir}/munge.key`,
      `--pid-file=${dir}/munged.pid`,
      `--log-file=${dir}/munged.log`,
      `--seed-file=${dir}/munged.seed`,
    ]);
    await waitFor(
      "munged",
      () => {
        try {
          return Promise.resolve(
            Deno.statSync(`${dir}/munge.socket`).isSocket === true,
          );
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
          return Promise.resolve(false);
        }
      },
      10_000,
      () => readLog(`${dir}/munged.log`),
    );
    spawn("slurmctld", ["-D", "-i", "-f", `${dir}/slurm.conf`]);
    spawn("slurmd", ["-D", "-f", `${dir}/slurm.conf`]);
    await waitFor(
      "an idle node",
      async () => {
        const r = await exec("sinfo", ["-h", "-o", "%T"], env);
        return r.code === 0 && /^idle/m.test(r.stdout);
      },
      30_000,
      () =>
        readLog(`${dir}/slurmctld.log`) + "\n" + readLog(`${dir}/slurmd.log`),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const run = async (command: string, ...args: string[]): Promise<string> => {
    const r = await exec(command, args, env);
    if (r.code !== 0) {
      throw new Error(`${command} ${args.join(" ")}: ${r.stderr.trim()}`);
    }
    return r.stdout;
  };
  const taskStates = async (jobId: string): Promise<Map<number, string>> => {
    const text = await run("scontrol", "-o", "show", "job", jobId);
    const states = new Map<number, string>();
    for (const line of text.split("\n")) {
      const task = /ArrayTaskId=(\d+)\b/.exec(line);
      const state = /JobState=(\w+)/.exec(line);
      if (task && state) states.set(Number(task[1]), state[1]);
    }
    return states;
  };
  return {
    dir,
    env,
    run,
    sbatch: async (script, ...args) =>
      (await run("sbatch", "--parsable", ...args, script)).trim().split(";")[0],
    taskStates,
    waitJob: async (jobId, timeoutMs) => {
      let states = new Map<number, string>();
      await waitFor(
        `job ${jobId}`,
        async () => {
          states = await taskStates(jobId);
          return states.size > 0 &&
            [...states.values()].every((s) =>
              !/PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED/.test(s)
            );
        },
        timeoutMs,
        () => readLog(`${dir}/slurmctld.log`),
      );
      return states;
    },
    stop,
  };
}
