// Test helper for zon watch: a client and a server namespace joined by a
// veth pair (198.18.210.0/30 and 2001:2:0:210::/64, no route out, offloads
// off so the capture holds wire-sized segments), real servers (python3
// http.server, openssl s_server) and small python ones (SSH and SMTP
// greetings, DNS), traffic from curl, openssl s_client and python, and
// tcpdump capturing it. Everything is deleted in `finally`.

const SERVERS = new URL("./watch_lab_servers.py", import.meta.url).pathname;

/** The lab's namespaces, addresses and files. */
export interface WatchLab {
  dir: string;
  nsClient: string;
  nsServer: string;
  ifClient: string;
  ifServer: string;
  /** A SPAN port: every frame in or out of ifServer arrives here (tc mirred). */
  ifMonitor: string;
  server4: string;
  server6: string;
  /** The file the HTTP server serves as /big.bin (signatures inside). */
  content: Uint8Array;
}

export const HTTP_PORT = 8080;
export const TLS_PORT = 4433;
export const SSH_PORT = 22;
export const SMTP_PORT = 2525;

export async function sh(
  cmd: string[],
  check = true,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const result = {
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    code: out.code,
  };
  if (check && !out.success) {
    throw new Error(`${cmd.join(" ")} failed (${out.code}): ${result.stderr}`);
  }
  return result;
}

/** Text with signatures at known places, some case-varied, some binary. */
export function labContent(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  const words = [
    "lorem ",
    "ipsum ",
    "dolor ",
    "sit ",
    "amet\n",
    "zon ",
    "sig ",
  ];
  const marks = [
    "ZONSIG-ALPHA",
    "zonsig-beta",
    "ZonSig-Beta",
    "\xde\xad\xbe\xef",
  ];
  let at = 0;
  while (at < size) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const text = x % 37 === 0
      ? marks[x % marks.length]
      : words[x % words.length];
    for (let i = 0; i < text.length && at < size; i++) {
      out[at++] = text.charCodeAt(i);
    }
  }
  return out;
}

export async function withWatchLab<T>(
  fn: (lab: WatchLab) => Promise<T>,
): Promise<T> {
  const tag = `${Deno.pid.toString(36)}${
    Math.floor(Math.random() * 36 ** 3).toString(36)
  }`;
  const lab: WatchLab = {
    dir: await Deno.makeTempDir({ prefix: "zon-h20-watch-" }),
    nsClient: `zon-h20-${tag}-c`,
    nsServer: `zon-h20-${tag}-s`,
    ifClient: `zw${tag}c`.slice(0, 15),
    ifServer: `zw${tag}s`.slice(0, 15),
    ifMonitor: `zw${tag}m`.slice(0, 15),
    server4: "198.18.210.2",
    server6: "2001:2:0:210::2",
    content: labContent(200_000, 0x5eed),
  };
  const children: Deno.ChildProcess[] = [];
  try {
    await Deno.mkdir(`${lab.dir}/www`);
    await Deno.writeFile(`${lab.dir}/www/big.bin`, lab.content);
    await Deno.writeTextFile(
      `${lab.dir}/www/small.txt`,
      "hello ZONSIG-ALPHA\n",
    );
    for (const ns of [lab.nsClient, lab.nsServer]) {
      await sh(["ip", "netns", "add", ns]);
    }
    await sh([
      "ip",
      "link",
      "add",
      lab.ifClient,
      "netns",
      lab.nsClient,
      "type",
      "veth",
      "peer",
      "name",
      lab.ifServer,
      "netns",
      lab.nsServer,
    ]);
    const sides: [string, string, string, string][] = [
      [lab.nsClient, lab.ifClient, "198.18.210.1/30", "2001:2:0:210::1/64"],
      [lab.nsServer, lab.ifServer, "198.18.210.2/30", "2001:2:0:210::2/64"],
    ];
    for (const [ns, dev, a4, a6] of sides) {
      await sh(["ip", "-n", ns, "addr", "add", a4, "dev", dev]);
      await sh(["ip", "-n", ns, "addr", "add", a6, "dev", dev, "nodad"]);
      await sh(["ip", "-n", ns, "link", "set", dev, "up"]);
      await sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
      await sh([
        "ip",
        "netns",
        "exec",
        ns,
        "ethtool",
        "-K",
        dev,
        "tso",
        "off",
        "gso",
        "off",
        "gro",
        "off",
        "tx",
        "off",
        "rx",
        "off",
      ], false);
    }
    await mirror(lab);
    await sh([
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=watch.example/O=zon lab",
      "-keyout",
      `${lab.dir}/key.pem`,
      "-out",
      `${lab.dir}/cert.pem`,
    ]);
    const servers = new Deno.Command("ip", {
      args: [
        "netns",
        "exec",
        lab.nsServer,
        "python3",
        "-u",
        SERVERS,
        "servers",
        `${lab.dir}/www`,
        lab.server4,
        lab.server6,
      ],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).spawn();
    children.push(servers);
    const reader = servers.stdout.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    if (!new TextDecoder().decode(value).includes("ready")) {
      throw new Error("lab servers did not start");
    }
    children.push(
      new Deno.Command("ip", {
        args: [
          "netns",
          "exec",
          lab.nsServer,
          "openssl",
          "s_server",
          "-quiet",
          "-accept",
          `${lab.server4}:${TLS_PORT}`,
          "-cert",
          `${lab.dir}/cert.pem`,
          "-key",
          `${lab.dir}/key.pem`,
          "-tls1_2",
        ],
        stdout: "null",
        stderr: "null",
        stdin: "piped",
      }).spawn(),
    );
    await waitForPort(lab, TLS_PORT);
    return await fn(lab);
  } finally {
    for (const child of children) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
    }
    await sh(["ip", "netns", "del", lab.nsClient], false);
    await sh(["ip", "netns", "del", lab.nsServer], false);
    await Deno.remove(lab.dir, { recursive: true });
  }
}

/** Mirrors both directions of ifServer onto a veth whose peer is ifMonitor. */
async function mirror(lab: WatchLab): Promise<void> {
  const ns = ["ip", "netns", "exec", lab.nsServer];
  const tap = `${lab.ifMonitor.slice(0, 14)}t`;
  await sh([
    "ip",
    "-n",
    lab.nsServer,
    "link",
    "add",
    tap,
    "type",
    "veth",
    "peer",
    "name",
    lab.ifMonitor,
  ]);
  for (const dev of [tap, lab.ifMonitor]) {
    await sh(["ip", "-n", lab.nsServer, "link", "set", dev, "up"]);
    // No GRO: the monitor sees the wire's segments, not merged ones.
    await sh([
      ...ns,
      "ethtool",
      "-K",
      dev,
      "gro",
      "off",
      "gso",
      "off",
      "tso",
      "off",
    ], false);
  }
  await sh([...ns, "tc", "qdisc", "add", "dev", lab.ifServer, "clsact"]);
  for (const hook of ["ingress", "egress"]) {
    await sh([
      ...ns,
      "tc",
      "filter",
      "add",
      "dev",
      lab.ifServer,
      hook,
      "u32",
      "match",
      "u32",
      "0",
      "0",
      "action",
      "mirred",
      "egress",
      "mirror",
      "dev",
      tap,
    ]);
  }
}

async function waitForPort(lab: WatchLab, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { stdout } = await sh(
      ["ip", "netns", "exec", lab.nsServer, "ss", "-ltnH", `sport = :${port}`],
      false,
    );
    if (stdout.trim() !== "") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port} in the lab`);
}

/** The lab's traffic: HTTP (v4 and v6), TLS, SSH, SMTP and DNS. */
export async function labTraffic(lab: WatchLab): Promise<void> {
  const inClient = ["ip", "netns", "exec", lab.nsClient];
  const base = `http://${lab.server4}:${HTTP_PORT}`;
  await sh([...inClient, "curl", "-sS", "-o", "/dev/null", `${base}/big.bin`]);
  await sh([
    ...inClient,
    "curl",
    "-sS",
    "-o",
    "/dev/null",
    `${base}/small.txt`,
  ]);
  await sh([
    ...inClient,
    "curl",
    "-sS",
    "-o",
    "/dev/null",
    "-H",
    "X-Zon: zonsig-BETA",
    `http://[${lab.server6}]:${HTTP_PORT}/small.txt`,
  ]);
  for (const name of ["watch.example", "other.watch.example"]) {
    await sh([
      ...inClient,
      "openssl",
      "s_client",
      "-connect",
      `${lab.server4}:${TLS_PORT}`,
      "-servername",
      name,
      "-tls1_2",
    ], false);
  }
  await sh([...inClient, "python3", SERVERS, "clients", lab.server4]);
}

/** Runs `traffic` while tcpdump captures on the server's interface. */
export async function captureTraffic(
  lab: WatchLab,
  path: string,
  traffic: () => Promise<void>,
): Promise<void> {
  const tcpdump = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      lab.nsServer,
      "tcpdump",
      "-i",
      lab.ifServer,
      "--immediate-mode",
      "-U",
      "-s",
      "0",
      "-w",
      path,
      "not icmp6 and not arp",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // tcpdump says "listening on" once its socket is open.
  const reader = tcpdump.stderr.getReader();
  let said = "";
  while (!said.includes("listening on")) {
    const { value, done } = await reader.read();
    if (done) break;
    said += new TextDecoder().decode(value);
  }
  try {
    await traffic();
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    tcpdump.kill("SIGINT");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      said += new TextDecoder().decode(value);
    }
    await tcpdump.status;
    if (Deno.env.get("ZON_WATCH_DEBUG")) console.error(said);
  }
}
