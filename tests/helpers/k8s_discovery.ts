// kubectl's `apply --dry-run=client` still maps each manifest's kind to a
// resource through the API server's discovery documents: with no cluster
// here, this serves just those (the core group and batch/v1 with `jobs`)
// on 127.0.0.1, and answers 404 for the object itself (so apply computes
// a create). Nothing is stored; the dry run never writes.

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

const BATCH_V1 = {
  kind: "APIResourceList",
  apiVersion: "v1",
  groupVersion: "batch/v1",
  resources: [{
    name: "jobs",
    singularName: "job",
    namespaced: true,
    kind: "Job",
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  }],
};

function discovery(path: string): Response {
  switch (path) {
    case "/api":
      return json({
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [],
      });
    case "/api/v1":
      return json({
        kind: "APIResourceList",
        groupVersion: "v1",
        resources: [],
      });
    case "/apis":
      return json({
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: [{
          name: "batch",
          versions: [{ groupVersion: "batch/v1", version: "v1" }],
          preferredVersion: { groupVersion: "batch/v1", version: "v1" },
        }],
      });
    case "/apis/batch/v1":
      return json(BATCH_V1);
    case "/version":
      return json({ major: "1", minor: "28", gitVersion: "v1.28.0" });
  }
  return json({
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    reason: "NotFound",
    code: 404,
    message: `${path} not found`,
  }, 404);
}

/** A discovery-only API server and a kubeconfig pointing kubectl at it. */
export interface FakeDiscovery {
  /** Path of the kubeconfig file (`KUBECONFIG`). */
  kubeconfig: string;
  /** Stops the server and removes the kubeconfig. */
  close(): Promise<void>;
}

/** Starts the server on a free port of 127.0.0.1. */
export function startDiscovery(dir: string): FakeDiscovery {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => discovery(new URL(req.url).pathname),
  );
  const port = server.addr.port;
  const kubeconfig = `${dir}/kubeconfig`;
  Deno.writeTextFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "http://127.0.0.1:${port}"}}]
contexts: [{name: none, context: {cluster: none, namespace: default}}]
current-context: none
users: []
`,
  );
  return {
    kubeconfig,
    close: async () => {
      await server.shutdown();
      Deno.removeSync(kubeconfig);
    },
  };
}
