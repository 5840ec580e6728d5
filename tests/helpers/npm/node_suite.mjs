// The Node side of the npm checks, run with `node --test` inside a folder
// where the packed tarball was installed, so every import below goes
// through the package's exports map exactly as a user's would.
//   ZON_PACKAGE   the package name (@zon/net)
//   ZON_FIXTURES  fixtures.json written by tests/helpers/npm/fixtures.ts
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { checks } from "./checks.mjs";
import { x509Facts } from "./oracle_node.mjs";

const name = process.env.ZON_PACKAGE;
const fixturesPath = process.env.ZON_FIXTURES;
if (!name || !fixturesPath) {
  throw new Error(
    "set ZON_PACKAGE and ZON_FIXTURES (see tests/npm_node_test.ts)",
  );
}

const MODULES = [
  "siphash",
  "blackrock",
  "checksum",
  "packet",
  "aho_corasick",
  "decoders",
  "tcp",
];
const zon = {};
for (const module of MODULES) zon[module] = await import(`${name}/${module}`);

const fixtures = JSON.parse(readFileSync(fixturesPath, "utf8"));
fixtures.certificates = fixtures.certificates.map((certificate) => ({
  ...certificate,
  facts: x509Facts(certificate.pem),
}));

test("the package exports the pure modules and nothing else", async () => {
  const pkg = JSON.parse(
    readFileSync(new URL(import.meta.resolve(`${name}/package.json`)), "utf8"),
  );
  assert.deepEqual(
    Object.keys(pkg.exports).sort(),
    [...MODULES.map((m) => `./${m}`), "./package.json"].sort(),
  );
  for (const excluded of ["drivers", "ring"]) {
    await assert.rejects(
      import(`${name}/${excluded}`),
      { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" },
      `${excluded} must not be importable`,
    );
  }
});

for (const check of checks(zon, fixtures)) {
  test(check.name, async (t) => {
    const summary = await check.run();
    // Printed by the spec reporter: what this environment actually ran.
    t.diagnostic(summary);
  });
}
