// The npm package in Node: build it, `npm pack` it, install the tarball into
// a scratch project, type-check a consumer against its declarations, and run
// the shared checks (tests/helpers/npm/checks.mjs) with Node's own test runner.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { BuildError, buildNpm, PURE_MODULES } from "../scripts/build_npm.ts";
import { writeFixtures } from "./helpers/npm/fixtures.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SUITE_FILES = [
  "node_suite.mjs",
  "checks.mjs",
  "reference.mjs",
  "parity.mjs",
  "oracle_node.mjs",
];

const timings: string[] = [];
let last = performance.now();
/** Notes how long the phase that just ended took. */
function phase(name: string): void {
  const now = performance.now();
  timings.push(`${name} ${((now - last) / 1000).toFixed(1)}s`);
  last = now;
}

/** Runs a command; throws with its output when it fails. */
async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  if (code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}`);
  }
  return out;
}

// A consumer written against the published names and types only; tsc must
// resolve it through the exports map to the generated declarations.
const CONSUMER = `
import { siphash24, SipKey } from "@zon/net/siphash";
import { Blackrock } from "@zon/net/blackrock";
import { internetChecksum } from "@zon/net/checksum";
import { ParsedFrame, parseFrame, type PacketError } from "@zon/net/packet";
import { AhoCorasick, type Match } from "@zon/net/aho_corasick";
import { decodeX509, type X509Certificate } from "@zon/net/decoders";

const tag: bigint = siphash24(new SipKey(new Uint8Array(16)), new Uint8Array(0));
const index: number = new Blackrock(10, 1).shuffle(3);
const sum: number = internetChecksum(new Uint8Array(20));
const kind: string = parseFrame(new Uint8Array(60), new ParsedFrame());
const matches: Match[] = AhoCorasick.build(["a"]).findAll(new Uint8Array(1));
const result = decodeX509(new Uint8Array(0));
const subject = "error" in result ? [] : (result satisfies X509Certificate).subject;
let problem: PacketError | null = null;
console.log(tag, index, sum, kind, matches, subject, problem);
// @ts-expect-error: the declarations must be precise enough to reject this
siphash24("not bytes", new Uint8Array(0));
`;

Deno.test("npm package: packed tarball installs and passes the checks in Node", async () => {
  const work = await Deno.makeTempDir({ prefix: "zon-npm-node-" });
  try {
    last = performance.now();
    const built = await buildNpm({ outDir: `${work}/dist`, log: false });
    phase("build");
    assert.equal(built.name, "@zon/net", "the suite imports @zon/net/...");
    const sizes = built.bundles.map((b) =>
      `${b.file} ${b.bytes} B (gzip ${b.gzipBytes} B)`
    );
    console.log(`bundles: ${sizes.join(", ")}`);

    await run("npm", ["pack", "--silent", "--pack-destination", work], {
      cwd: built.outDir,
    });
    const tarballs = [...Deno.readDirSync(work)].filter((e) =>
      e.name.endsWith(".tgz")
    );
    assert.equal(tarballs.length, 1, "npm pack wrote one tarball");
    const tarball = `${work}/${tarballs[0].name}`;
    phase("pack");

    const app = `${work}/app`;
    await Deno.mkdir(app);
    await Deno.writeTextFile(
      `${app}/package.json`,
      JSON.stringify({ name: "zon-npm-check", private: true, type: "module" }),
    );
    // A local tarball with no dependencies: nothing is fetched.
    await run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      tarball,
    ], { cwd: app });
    phase("install");
    for (const file of SUITE_FILES) {
      await Deno.copyFile(`${ROOT}tests/helpers/npm/${file}`, `${app}/${file}`);
    }

    // Declarations: a consumer type-checks through the exports map.
    await Deno.writeTextFile(`${app}/consumer.ts`, CONSUMER);
    await Deno.writeTextFile(
      `${app}/tsconfig.json`,
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM"],
          types: [],
          strict: true,
          noEmit: true,
        },
        files: ["consumer.ts"],
      }),
    );
    const tsc = createRequire(`${ROOT}package.json`).resolve(
      "typescript/bin/tsc",
    );
    await run("node", [tsc, "-p", app]);
    phase("tsc consumer");

    const fixtures = await writeFixtures(work);
    phase("fixtures");
    const output = await run("node", [
      "--test",
      "--test-reporter=spec",
      "node_suite.mjs",
    ], {
      cwd: app,
      env: { ZON_PACKAGE: built.name, ZON_FIXTURES: fixtures },
    });
    phase("node --test");
    console.log(`node ${(await run("node", ["--version"])).trim()}:`);
    console.log(output.trimEnd());
    // node exits non-zero on failure (run() throws); also insist that
    // every check ran, so a suite that silently loads nothing cannot pass.
    assert.match(output, /^ℹ fail 0$/m);
    const passed = Number(output.match(/^ℹ pass (\d+)$/m)?.[1]);
    assert.ok(passed >= 12, `only ${passed} Node tests passed`);
    console.log(`phases: ${timings.join(", ")}`);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

/** A copy of the files the build reads, to doctor without touching the repo. */
async function scratchCheckout(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "zon-npm-purity-" });
  await run("cp", [
    "-r",
    ...PURE_MODULES.map((m) => `${ROOT}${m}`),
    `${ROOT}npm`,
    `${ROOT}deno.json`,
    `${ROOT}LICENSE`,
    root,
  ]);
  return root;
}

async function buildFails(root: string, pattern: RegExp): Promise<void> {
  await assert.rejects(
    buildNpm({ root, outDir: `${root}/dist`, types: false, log: false }),
    (error: Error) => {
      assert.ok(error instanceof BuildError, String(error));
      assert.match(error.message, pattern);
      return true;
    },
  );
}

Deno.test("build:npm refuses FFI imports, foreign packages and the Deno global", async () => {
  const root = await scratchCheckout();
  try {
    // checksum/ is reached from packet/ too: the gate must see through that.
    const victim = `${root}/checksum/incremental.ts`;
    const original = await Deno.readTextFile(victim);
    const poison = async (line: string) =>
      await Deno.writeTextFile(victim, `${line}\n${original}`);

    await poison('import "../drivers/mod.ts";');
    await buildFails(
      root,
      /checksum\/incremental\.ts imports drivers\/mod\.ts: drivers\/ is not a pure module/,
    );
    await poison('import "../ring/tpacket.ts";');
    await buildFails(root, /imports ring\/tpacket\.ts: ring\/ is not a pure/);
    await poison('import { readFileSync } from "node:fs"; readFileSync("x");');
    await buildFails(root, /imports "node:fs": .*nothing but zon's own code/);
    await poison("export const pid = Deno.pid;");
    await buildFails(
      root,
      /checksum\/incremental\.ts uses the Deno global.*Deno\.pid/,
    );
    // A property or a string named Deno is not the global.
    await poison('export const names = { Deno: "Deno.pid" }.Deno;');
    await buildNpm({ root, outDir: `${root}/dist`, types: false, log: false });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
