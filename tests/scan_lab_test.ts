// The scan lab itself, without the scanner: namespaces up, every listener of
// the ground truth answers a real client (curl, openssl s_client, python),
// nothing else listens, there is no route out, and teardown leaves no
// namespace or process behind — after success, after a failing body, on
// SIGINT, and for a crashed run's leftovers (cleanupStaleLabs).
//
// Needs root, iproute2, ethtool, python3, openssl, curl.

import assert from "node:assert/strict";
import {
  cleanupStaleLabs,
  createLab,
  type Lab,
  withLab,
} from "../examples/scan/lab/mod.ts";
import { listLabNamespaces } from "../examples/scan/lab/core.ts";
import { listeningSockets } from "../examples/scan/lab/net.ts";

const DENO = Deno.execPath();
const LAB_TS = new URL("../examples/scan/lab/mod.ts", import.meta.url).href;

async function pidsIn(lab: Lab): Promise<number[]> {
  const pids: number[] = [];
  for (
    const ns of [
      lab.namespaces.scanner,
      lab.namespaces.router,
      ...lab.namespaces.hosts,
    ]
  ) {
    const out = await new Deno.Command("ip", { args: ["netns", "pids", ns] })
      .output();
    pids.push(
      ...new TextDecoder().decode(out.stdout).split(/\s+/).filter(Boolean)
        .map(Number),
    );
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

async function assertGone(id: string, pids: number[]): Promise<void> {
  const left = (await listLabNamespaces()).filter((n) => n.includes(id));
  assert.deepEqual(left, [], `namespaces of lab ${id} left behind`);
  assert.deepEqual(pids.filter(alive), [], "processes of the lab still alive");
}

Deno.test("scan lab: every truth entry answers a real client, nothing else listens", async () => {
  await withLab({ randomOpenPorts: 3, seed: 7 }, async (lab) => {
    assert.equal(lab.hosts.length, 3);
    // The documented defaults are in the truth, on both families.
    for (
      const [ip, port] of [["198.18.1.11", 22], ["2001:2:0:1::12", 8080], [
        "198.18.1.13",
        8443,
      ]] as const
    ) {
      assert.ok(
        lab.truth.some((t) => t.ip === ip && t.port === port),
        `${ip}:${port} in the truth`,
      );
    }
    assert.equal(lab.truth.length, 2 * (3 + 3 + 2 + 3 * 3));

    // Truth == what the hosts' kernels have listening, exactly.
    for (const host of lab.hosts) {
      const up = await listeningSockets(host.ns);
      const truth = lab.truth.filter((t) =>
        t.ip === host.ipv4 || t.ip === host.ipv6
      ).map((t) => `${t.proto} ${t.ip} ${t.port}`).sort();
      assert.deepEqual([...up].sort(), truth, `listeners of ${host.ns}`);
    }

    // Each kind of service answers from the scanner namespace.
    for (const t of lab.truth) {
      const where = t.ip.includes(":") ? `[${t.ip}]` : t.ip;
      let out;
      if (t.kind === "http") {
        out = await lab.exec("curl", [
          "-sS",
          "-m",
          "5",
          `http://${where}:${t.port}/`,
        ]);
        assert.match(out.stdout, /^zonlab /, `HTTP ${where}:${t.port}`);
      } else if (t.kind === "tls") {
        out = await lab.exec("openssl", [
          "s_client",
          "-connect",
          `${where}:${t.port}`,
          "-brief",
        ]);
        assert.match(out.stderr, /CN ?= ?zonlab/, `TLS ${where}:${t.port}`);
      } else if (t.kind === "banner") {
        out = await lab.exec("python3", [
          "-c",
          `import socket; s = socket.create_connection(("${t.ip}", ${t.port}), 5); print(s.recv(100).decode().strip())`,
        ]);
        assert.equal(out.code, 0, `banner ${where}:${t.port}: ${out.stderr}`);
        assert.ok(out.stdout.trim().length > 0);
      } else if (t.kind === "redis") {
        // Silent until asked, like Redis; then a well-framed INFO reply.
        out = await lab.exec("python3", [
          "-c",
          `import socket; s = socket.create_connection(("${t.ip}", ${t.port}), 5); s.settimeout(0.3)
try:
    early = s.recv(100)
except socket.timeout:
    early = b""
s.settimeout(5); s.sendall(b"*2\\r\\n$4\\r\\nINFO\\r\\n$6\\r\\nserver\\r\\n"); r = b""
while True:
    d = s.recv(4096)
    if not d: break
    r += d
head, body = r.split(b"\\r\\n", 1)
print(len(early), head.decode(), len(body) - 2, body.endswith(b"\\r\\n"), b"redis_version:" in body)`,
        ]);
        assert.equal(out.code, 0, `redis ${where}:${t.port}: ${out.stderr}`);
        const [early, head, bodyLength, framed, version] = out.stdout.trim()
          .split(" ");
        assert.equal(early, "0", "nothing before the command");
        assert.equal(head, `$${bodyLength}`, "bulk length = body length");
        assert.deepEqual([framed, version], ["True", "True"], out.stdout);
      } else {
        out = await lab.exec("python3", [
          "-c",
          `import socket; s = socket.socket(socket.AF_INET6 if ":" in "${t.ip}" else socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.sendto(bytes.fromhex("abcd01000001000000000000") + b"\\x07version\\x04bind\\x00\\x00\\x10\\x00\\x03", ("${t.ip}", ${t.port})); r = s.recv(512); print(r[:4].hex())`,
        ]);
        assert.equal(out.stdout.trim(), "abcd8180", `DNS ${where}:${t.port}`);
      }
    }
    // A closed port refuses at once (curl: 7, could not connect).
    const refused = await lab.exec("curl", [
      "-sS",
      "-m",
      "5",
      "http://198.18.1.11:81/",
    ]);
    assert.equal(refused.code, 7, refused.stderr);
  });
});

Deno.test("scan lab: no route out of the lab", async () => {
  await withLab({ emptyHosts: 1 }, async (lab) => {
    // The router is the only way anywhere, and it knows only the lab.
    for (const dst of ["8.8.8.8", "10.0.0.1", "2001:4860:4860::8888"]) {
      const out = await lab.execIn(lab.namespaces.router, "ip", [
        "route",
        "get",
        dst,
      ]);
      assert.notEqual(
        out.code,
        0,
        `router has a route to ${dst}: ${out.stdout}`,
      );
      assert.match(out.stderr, /unreachable/i);
    }
    // Every link of every namespace is lo, a lab veth or the lab bridge.
    for (
      const ns of [
        lab.namespaces.scanner,
        lab.namespaces.router,
        ...lab.namespaces.hosts,
      ]
    ) {
      const links = JSON.parse(
        (await lab.execIn(ns, "ip", ["-j", "link", "show"])).stdout,
      ) as { ifname: string; link_type: string; linkinfo?: unknown }[];
      for (const link of links) {
        assert.ok(
          /^(lo|zlab0|up0|br0|eth0|h\d+)$/.test(link.ifname),
          `unexpected link ${link.ifname} in ${ns}`,
        );
      }
    }
    // The adapter address is not the scanner kernel's (no kernel RSTs), and
    // the router reaches it through its permanent neighbour entry.
    const addrs = (await lab.exec("ip", ["addr", "show", "dev", lab.adapter]))
      .stdout;
    assert.ok(!addrs.includes(`${lab.adapterIp}/`));
    const neigh = (await lab.execIn(lab.namespaces.router, "ip", ["neigh"]))
      .stdout;
    assert.match(
      neigh,
      new RegExp(`${lab.adapterIp} .*${lab.adapterMac} PERMANENT`),
    );
  });
});

Deno.test("scan lab: teardown leaves nothing, also when the body fails midway", async () => {
  let id = "";
  let pids: number[] = [];
  await assert.rejects(
    withLab({}, async (lab) => {
      id = lab.id;
      pids = await pidsIn(lab);
      assert.ok(pids.length >= 5, "listeners are running");
      throw new Error("test body failed midway");
    }),
    /failed midway/,
  );
  await assertGone(id, pids);

  // destroy() twice (and concurrently) is harmless.
  const lab = await createLab({
    services: [[{ proto: "tcp", port: 1, kind: "banner" }]],
  });
  const labPids = await pidsIn(lab);
  await Promise.all([lab.destroy(), lab.destroy()]);
  await lab.destroy();
  await assertGone(lab.id, labPids);
});

Deno.test("scan lab: SIGINT tears the lab down and exits 130", async () => {
  const script = `
    import { createLab } from "${LAB_TS}";
    const lab = await createLab({ services: [[{ proto: "tcp", port: 80, kind: "http" }]] });
    console.log(lab.id);
    setInterval(() => {}, 1000);
  `;
  const child = new Deno.Command(DENO, {
    args: ["eval", script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const id = new TextDecoder().decode(value).trim();
  const names = (await listLabNamespaces()).filter((n) => n.includes(id));
  assert.equal(names.length, 3, `lab ${id} is up: ${names}`);
  child.kill("SIGINT");
  const [status] = await Promise.all([
    child.status,
    child.stdout.cancel(),
    child.stderr.cancel(),
  ]);
  assert.equal(status.code, 130);
  await assertGone(id, []);
});

Deno.test("scan lab: cleanupStaleLabs removes a dead run's namespaces and processes", async () => {
  // A live lab of this process must survive the cleanup.
  await withLab({ services: [[]] }, async (live) => {
    // A pid that has just exited stands for a crashed creator.
    const dead = new Deno.Command("true").spawn();
    await dead.status;
    const ns = `zonlab-${dead.pid}-stal-scan`;
    const add = await new Deno.Command("ip", { args: ["netns", "add", ns] })
      .output();
    assert.ok(add.success);
    const sleeper = new Deno.Command("ip", {
      args: ["netns", "exec", ns, "sleep", "600"],
    }).spawn();
    try {
      // Wait until the sleeper is inside the namespace.
      for (let i = 0; i < 100; i++) {
        const out = await new Deno.Command("ip", {
          args: ["netns", "pids", ns],
        }).output();
        if (new TextDecoder().decode(out.stdout).trim()) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await cleanupStaleLabs();
      const status = await sleeper.status;
      assert.equal(
        status.signal,
        "SIGKILL",
        "the stale lab's process is killed",
      );
      const left = await listLabNamespaces();
      assert.ok(!left.includes(ns), "the stale namespace is gone");
      assert.ok(left.includes(live.namespaces.scanner), "the live lab stays");
    } finally {
      try {
        sleeper.kill("SIGKILL");
      } catch { /* already gone */ }
      await sleeper.status;
      await new Deno.Command("ip", { args: ["netns", "del", ns] }).output();
    }
  });
});
