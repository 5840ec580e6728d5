// The page's side of the browser checks: imports every bundle through the
// import map (the same names a user writes), then waits for the driver to
// hand over the fixtures and runs the shared checks, showing each result in
// the DOM and returning them all.
import * as siphash from "@zon/net/siphash";
import * as blackrock from "@zon/net/blackrock";
import * as checksum from "@zon/net/checksum";
import * as packet from "@zon/net/packet";
import * as aho_corasick from "@zon/net/aho_corasick";
import * as decoders from "@zon/net/decoders";
import * as tcp from "@zon/net/tcp";
import { checks } from "./checks.mjs";

const zon = {
  siphash,
  blackrock,
  checksum,
  packet,
  aho_corasick,
  decoders,
  tcp,
};
const table = document.getElementById("results");
const status = document.getElementById("status");

function show(result) {
  const row = table.insertRow();
  row.insertCell().textContent = result.ok ? "✔" : "✖";
  row.insertCell().textContent = result.name;
  const detail = row.insertCell();
  detail.textContent = result.ok ? result.summary : result.error;
  detail.className = result.ok ? "ok" : "fail";
}

globalThis.runZonChecks = async (fixtures) => {
  status.textContent = "running…";
  const results = [];
  for (const check of checks(zon, fixtures)) {
    const started = performance.now();
    let result;
    try {
      const summary = await check.run();
      result = { name: check.name, ok: true, summary };
    } catch (error) {
      result = {
        name: check.name,
        ok: false,
        error: String(error?.stack ?? error),
      };
    }
    result.ms = Math.round(performance.now() - started);
    show(result);
    results.push(result);
  }
  const failed = results.filter((r) => !r.ok).length;
  status.textContent = `${results.length - failed} passed, ${failed} failed`;
  document.body.dataset.done = failed === 0 ? "pass" : "fail";
  return results;
};

document.body.dataset.ready = "1";
status.textContent =
  `bundles loaded (${navigator.userAgent}); waiting for fixtures`;
