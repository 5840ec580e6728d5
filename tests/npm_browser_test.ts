// The npm bundles in a real browser: Debian's Chromium, headless, driven by
// playwright-core (tests/helpers/npm/browser_driver.mjs, in Node), loads a page
// served here on 127.0.0.1 that imports every bundle through an import map
// and runs the same checks as the Node suite (tests/helpers/npm/checks.mjs).
import assert from "node:assert/strict";
import { buildNpm, PURE_MODULES } from "../scripts/build_npm.ts";
import { writeFixtures } from "./helpers/npm/fixtures.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";
/** Files under tests/helpers/npm/ the page may load; nothing else is served. */
const PAGE_FILES = [
  "browser_page.mjs",
  "checks.mjs",
  "reference.mjs",
  "parity.mjs",
];

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(cmd, {
    args,
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${code}: ${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
}

/** Installs Debian's chromium when missing (never a Playwright download). */
async function ensureChromium(): Promise<void> {
  if (await exists(CHROMIUM)) return;
  console.log("installing Debian's chromium with apt-get");
  const sudo = Deno.uid() === 0 ? [] : ["sudo"];
  const aptGet = (...args: string[]) =>
    sudo.length ? run("sudo", ["apt-get", ...args]) : run("apt-get", args);
  await aptGet("update", "-qq");
  await aptGet("install", "-y", "-qq", "chromium");
  assert.ok(await exists(CHROMIUM), `apt-get installed no ${CHROMIUM}`);
}

/** Serves the page, the bundles and the check files on loopback only. */
function servePage(
  outDir: string,
  packageName: string,
): Deno.HttpServer<Deno.NetAddr> {
  const imports = Object.fromEntries(
    PURE_MODULES.map((m) => [`${packageName}/${m}`, `/zon/${m}.js`]),
  );
  const js = { "content-type": "text/javascript; charset=utf-8" };
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/") {
        const html = await Deno.readTextFile(
          `${ROOT}tests/helpers/npm/browser_page.html`,
        );
        const map = `<script type="importmap">${
          JSON.stringify({ imports })
        }</script>`;
        return new Response(
          html.replace(/<!-- importmap:[^>]*-->/, map),
          { headers: { "content-type": "text/html; charset=utf-8" } },
        );
      }
      const bundle = path.match(/^\/zon\/(\w+)\.js$/)?.[1];
      if (bundle && (PURE_MODULES as readonly string[]).includes(bundle)) {
        return new Response(await Deno.readFile(`${outDir}/${bundle}.js`), {
          headers: js,
        });
      }
      const file = path.match(/^\/checks\/([\w.]+)$/)?.[1];
      if (file && PAGE_FILES.includes(file)) {
        return new Response(
          await Deno.readFile(`${ROOT}tests/helpers/npm/${file}`),
          { headers: js },
        );
      }
      if (path === "/favicon.ico") return new Response(null, { status: 204 });
      return new Response("not found", { status: 404 });
    },
  );
}

interface DriverReport {
  userAgent: string;
  verdict: string;
  problems: string[];
  results: Array<
    { name: string; ok: boolean; summary?: string; error?: string; ms: number }
  >;
}

Deno.test("npm bundles: the checks pass in headless Chromium", async () => {
  await ensureChromium();
  const work = await Deno.makeTempDir({ prefix: "zon-npm-browser-" });
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  try {
    // The browser needs no declarations: skip tsc.
    const built = await buildNpm({
      outDir: `${work}/dist`,
      types: false,
      log: false,
    });
    assert.equal(built.name, "@zon/net", "the page imports @zon/net/...");
    const fixtures = await writeFixtures(work);
    server = servePage(built.outDir, built.name);
    const url = `http://127.0.0.1:${server.addr.port}/`;

    const profile = await Deno.makeTempDir({ dir: work, prefix: "profile-" });
    const { code, stdout, stderr } = await new Deno.Command("node", {
      args: [
        `${ROOT}tests/helpers/npm/browser_driver.mjs`,
        url,
        fixtures,
        profile,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(stdout).trim();
    const err = new TextDecoder().decode(stderr).trim();
    const line = out.split("\n").findLast((l) => l.startsWith("{"));
    if (!line) {
      throw new Error(
        `the browser driver exited ${code} without a report:\n${out}\n${err}`,
      );
    }
    const report: DriverReport = JSON.parse(line);
    console.log(report.userAgent);
    for (const r of report.results) {
      console.log(
        `${r.ok ? "✔" : "✖"} ${r.name} (${r.ms} ms): ${r.summary ?? r.error}`,
      );
    }
    assert.deepEqual(report.problems, [], "the page reported errors");
    const failed = report.results.filter((r) => !r.ok).map((r) => r.name);
    assert.deepEqual(failed, [], "checks failed in Chromium");
    assert.ok(report.results.length >= 11, "too few checks ran");
    assert.match(report.verdict, / 0 failed$/);
    assert.equal(code, 0, `the browser driver exited ${code}: ${err}`);
  } finally {
    await server?.shutdown();
    await Deno.remove(work, { recursive: true });
  }
});
