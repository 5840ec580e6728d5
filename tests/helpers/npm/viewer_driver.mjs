// Drives Debian's Chromium with playwright-core through the certificate
// viewer (examples/cert_viewer/) the way a person would: choosing a file,
// dropping one, pasting text, reading what the page then shows.
//   node viewer_driver.mjs URL CASES_JSON USER_DATA_DIR SCREENSHOT_DIR
// CASES_JSON: { cases: [{ id, how: "file"|"drop"|"paste", speed, name,
//   base64 | text }], bundle: { name, text } }.
// Prints one JSON line `{ userAgent, problems, cases, bundle }` with what
// the page displayed; the Deno test compares it with OpenSSL.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url, casesPath, userDataDir, screenshotDir] = process.argv.slice(2);
if (!url || !casesPath || !userDataDir || !screenshotDir) {
  console.error(
    "usage: node viewer_driver.mjs URL CASES_JSON USER_DATA_DIR SCREENSHOT_DIR",
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
const TIMEOUT_MS = 20_000;
const { cases, bundle } = JSON.parse(readFileSync(casesPath, "utf8"));

/** Runs one input through the page; returns what the page shows. */
async function runCase(page, c) {
  await page.selectOption("#speed", c.speed);
  // Record every value the byte counter takes while the decoder is fed.
  await page.evaluate(() => {
    document.body.dataset.state = "pending";
    globalThis.__counter = [];
    globalThis.__observer?.disconnect();
    const consumed = document.getElementById("consumed");
    globalThis.__observer = new MutationObserver(() =>
      globalThis.__counter.push(
        Number(consumed.textContent.replace(/,/g, "")),
      )
    );
    globalThis.__observer.observe(consumed, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  const started = Date.now();
  if (c.how === "file") {
    await page.setInputFiles("#file", {
      name: c.name,
      mimeType: "application/octet-stream",
      buffer: Buffer.from(c.base64, "base64"),
    });
  } else if (c.how === "drop") {
    // What the browser dispatches when a file is dropped on the zone.
    await page.evaluate(({ name, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], name));
      const zone = document.getElementById("dropzone");
      zone.dispatchEvent(
        new DragEvent("dragover", { dataTransfer: data, bubbles: true }),
      );
      zone.dispatchEvent(
        new DragEvent("drop", { dataTransfer: data, bubbles: true }),
      );
    }, c);
  } else {
    await page.fill("#paste", c.text);
    await page.click("#decode");
  }
  await page.waitForFunction(
    () => ["done", "error"].includes(document.body.dataset.state),
    null,
    { timeout: TIMEOUT_MS },
  );
  const ms = Date.now() - started;
  if (c.screenshot) {
    await page.screenshot({
      path: join(screenshotDir, c.screenshot),
      fullPage: true,
    });
  }
  const shown = await page.evaluate(() => {
    const text = (id) => document.getElementById(id).textContent.trim();
    const number = (id) => Number(text(id).replace(/,/g, ""));
    return {
      state: document.body.dataset.state,
      subject: text("subject"),
      issuer: text("issuer"),
      fingerprint: text("fingerprint"),
      spki: text("spki-fingerprint"),
      signatureValue: text("signature-value"),
      extensions: [...document.querySelectorAll("#extensions dt")].map((dt) =>
        dt.dataset.critical === "true"
      ),
      error: document.getElementById("error").hidden ? "" : text("error"),
      source: text("source"),
      consumed: number("consumed"),
      total: number("total"),
      pushes: number("pushes"),
      chunk: text("chunk"),
      counter: globalThis.__counter,
    };
  });
  return { id: c.id, ms, ...shown };
}

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: FLAGS,
  timeout: TIMEOUT_MS,
  viewport: { width: 1100, height: 900 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto(url, { timeout: TIMEOUT_MS });
  await page.waitForFunction(() => document.body.dataset.ready === "1", null, {
    timeout: TIMEOUT_MS,
  }).catch(() => {
    throw new Error(`the page never started:\n${problems.join("\n")}`);
  });

  const results = [];
  for (const c of cases) results.push(await runCase(page, c));

  // A bundle of every CA certificate: decoded instantly (still one byte per
  // push), then each one shown through the page's picker.
  const bundleCase = await runCase(page, {
    id: "bundle",
    how: "file",
    speed: "instant",
    name: bundle.name,
    base64: Buffer.from(bundle.text).toString("base64"),
  });
  const shownBundle = await page.evaluate(() => {
    const pick = document.getElementById("pick");
    const shown = [];
    for (const option of pick.options) {
      pick.value = option.value;
      pick.dispatchEvent(new Event("change"));
      const text = (id) => document.getElementById(id).textContent.trim();
      shown.push({
        subject: text("subject"),
        issuer: text("issuer"),
        fingerprint: text("fingerprint"),
      });
    }
    return { hidden: pick.hidden, shown };
  });
  const userAgent = await page.evaluate(() => navigator.userAgent);
  console.log(JSON.stringify({
    userAgent,
    problems,
    cases: results,
    bundle: { ...bundleCase, counter: undefined, ...shownBundle },
  }));
} finally {
  await context.close();
}
