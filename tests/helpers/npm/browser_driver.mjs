// Drives Debian's Chromium with playwright-core (never a downloaded browser)
// through the browser checks, from Node because Playwright is a Node
// library. Node also supplies the X.509 oracle the page cannot compute.
//   node browser_driver.mjs URL FIXTURES_JSON USER_DATA_DIR
// Prints one JSON line `{"userAgent", "results"}`; exits 1 when a check fails.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { x509Facts } from "./oracle_node.mjs";

const [url, fixturesPath, userDataDir] = process.argv.slice(2);
if (!url || !fixturesPath || !userDataDir) {
  console.error(
    "usage: node browser_driver.mjs URL FIXTURES_JSON USER_DATA_DIR",
  );
  process.exit(2);
}
const CHROMIUM = process.env.ZON_CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const TIMEOUT_MS = 60_000;

const fixtures = JSON.parse(readFileSync(fixturesPath, "utf8"));
fixtures.certificates = fixtures.certificates.map((certificate) => ({
  ...certificate,
  facts: x509Facts(certificate.pem),
}));

// launchPersistentContext is Playwright's way to pass --user-data-dir: the
// test gives it a fresh, empty folder.
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: FLAGS,
  timeout: TIMEOUT_MS,
});
let exitCode = 1;
try {
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on(
    "pageerror",
    (error) => problems.push(`page error: ${error.message}`),
  );
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on(
    "requestfailed",
    (request) => problems.push(`request failed: ${request.url()}`),
  );
  await page.goto(url, { timeout: TIMEOUT_MS });
  try {
    await page.waitForFunction(
      () => document.body.dataset.ready === "1",
      null,
      {
        timeout: TIMEOUT_MS,
      },
    );
  } catch {
    throw new Error(
      `the page never loaded its bundles:\n${
        problems.join("\n") || "(no error reported)"
      }`,
    );
  }
  const results = await page.evaluate(
    (data) => globalThis.runZonChecks(data),
    fixtures,
  );
  // What a person would see: the page's own verdict, read from the DOM.
  const verdict = await page.textContent("#status");
  const userAgent = await page.evaluate(() => navigator.userAgent);
  console.log(JSON.stringify({ userAgent, verdict, problems, results }));
  exitCode = results.length > 0 && results.every((r) => r.ok) &&
      problems.length === 0
    ? 0
    : 1;
} finally {
  await context.close();
}
process.exit(exitCode);
