/**
 * `--emit k8s`: a Kubernetes `batch/v1` Indexed Job that runs the scan,
 * one shard per completion index (`JOB_COMPLETION_INDEX` is 0-based, so
 * `--shard $((JOB_COMPLETION_INDEX+1))/N`). Pods use the host's network
 * (a raw-packet scanner sends from the node's interface) and get exactly
 * the capabilities it needs: NET_RAW (packet sockets) and NET_ADMIN (ring
 * and interface setup), every other one dropped. Each pod writes
 * `shard-X-of-N.ndjson` into one shared volume (a ReadWriteMany claim).
 * Written as YAML whose every string is a JSON string (valid YAML).
 *
 * @module
 */

import { shq } from "./job_args.ts";

/** What the Job runs. */
export interface K8sJob {
  /** Job name (metadata.name, a DNS label). */
  name: string;
  /** Shards (completions). */
  shards: number;
  /** Pods at once. */
  parallelism: number;
  /** The container image with Deno and zon. */
  image: string;
  /** The Deno binary in the image. */
  deno: string;
  /** The scanner's path in the image. */
  program: string;
  /** Where the output volume is mounted. */
  outputDir: string;
  /** The scan's arguments (from {@linkcode taskArgs}). */
  args: readonly string[];
}

const q = (s: string): string => JSON.stringify(s);

/**
 * The Job manifest's text.
 *
 * @example
 * ```ts
 * import { k8sJob } from "./emit_k8s.ts";
 * const yaml = k8sJob({ name: "zon-scan", shards: 4, parallelism: 2, image: "zon:0.1.0",
 *   deno: "deno", program: "/zon/examples/scan.ts", outputDir: "/out", args: ["198.18.0.0/24"] });
 * console.log(yaml.includes("completionMode: Indexed")); // true
 * ```
 */
export function k8sJob(job: K8sJob): string {
  const n = job.shards;
  const out = shq(job.outputDir);
  const script = `exec ${shq(job.deno)} run -A ${shq(job.program)} ${
    job.args.map(shq).join(" ")
  } --shard "$((JOB_COMPLETION_INDEX+1))/${n}" --no-status -oD ${out}/shard-"$((JOB_COMPLETION_INDEX+1))"-of-${n}.ndjson`;
  return `# zon scan as a Kubernetes Indexed Job (examples/scan.ts --emit k8s).
# The seed decides the order of the whole scan: keep this manifest private.
# kubectl apply -f job.yaml; then merge the volume's files:
#   deno run -A examples/scan.ts --merge ${job.outputDir} -oX all.xml
apiVersion: batch/v1
kind: Job
metadata:
  name: ${q(job.name)}
  labels:
    app.kubernetes.io/name: "zon-scan"
spec:
  completionMode: Indexed
  completions: ${n}
  parallelism: ${job.parallelism}
  backoffLimit: ${n * 2}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: "zon-scan"
    spec:
      restartPolicy: Never
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      terminationGracePeriodSeconds: 60
      containers:
        - name: "scan"
          image: ${q(job.image)}
          command: ["/bin/sh", "-c"]
          args:
            - ${q(script)}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
              add: ["NET_RAW", "NET_ADMIN"]
          volumeMounts:
            - name: "shards"
              mountPath: ${q(job.outputDir)}
      volumes:
        - name: "shards"
          persistentVolumeClaim:
            claimName: ${q(`${job.name}-shards`)}
`;
}
