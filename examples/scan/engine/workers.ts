/**
 * Worker plumbing both Workers share: starting one and waiting for its
 * messages (main thread), and the entry code that runs a job and reports
 * its end or its failure as a message (Worker side; errors do not cross
 * threads intact).
 *
 * @module
 */

import type { WorkerFailure } from "./shared.ts";
import { ScanEngineError } from "./types.ts";

/** Starts the Worker module at `url` (a module Worker). */
export function spawn(url: URL): Worker {
  return new Worker(url.href, { type: "module" });
}

/** Resolves with the Worker's first message of `type`, rejects on its failure. */
export function expect<T>(
  worker: Worker,
  type: string,
  role: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (e: MessageEvent) => {
      const m = e.data as { type: string } & Partial<WorkerFailure>;
      if (m.type === type) {
        cleanup();
        resolve(m as T);
      } else if (m.type === "error") {
        cleanup();
        reject(
          new ScanEngineError(`${role} Worker failed: ${m.name}: ${m.message}`),
        );
      }
    };
    const onError = (e: ErrorEvent) => {
      e.preventDefault();
      cleanup();
      reject(new ScanEngineError(`${role} Worker failed: ${e.message}`));
    };
    const cleanup = () => {
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
  });
}

/**
 * Worker side: when this module runs as a Worker, runs `job` on the first
 * message; `job` may post progress through `post`, its result is posted
 * when it resolves, and a failure is posted as a {@linkcode WorkerFailure}.
 */
export function serveWorker<J, R>(
  job: (message: J, post: (m: unknown) => void) => Promise<R>,
): void {
  if (!("WorkerGlobalScope" in globalThis)) return;
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent<J>) => void) | null;
    postMessage(m: unknown): void;
  };
  const post = (m: unknown) => scope.postMessage(m);
  scope.onmessage = (e) => {
    job(e.data, post).then(post, (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      const failure: WorkerFailure = {
        type: "error",
        name: error.name,
        message: error.message,
      };
      post(failure);
    });
  };
}
