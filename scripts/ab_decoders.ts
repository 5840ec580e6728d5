// A/B of two copies of decoders/ on the X.509 workload of
// scripts/bench_decoders.ts, in alternating processes (on a shared machine a
// process's best pass is the figure least disturbed by other load):
//
//   node_modules/.bin/deno run -A scripts/ab_decoders.ts BASE EXP [--mode whole|fragments|pre-cut] [--sha256 libcrypto|native|off] [--runs N]
//
// BASE and EXP are checkouts (or copies) holding decoders/, e.g. a
// `git worktree` of the base commit and this one. --mode: the certificate in
// one push, in 64-byte pushes cut during the pass (as the bench does), or in
// 64-byte views cut before timing. Each run is a fresh process per side,
// sides alternating; the table gives each side's best and median µs per
// certificate over the runs.
import { parseArgs } from "node:util";

const FRAGMENT = 64;
const MODES = ["whole", "fragments", "pre-cut"] as const;
const HASHES = ["libcrypto", "native", "off"] as const;
type Mode = typeof MODES[number];
type Hash = typeof HASHES[number];

function fail(message: string): never {
  console.error(`ab_decoders: ${message}`);
  Deno.exit(2);
}

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    mode: { type: "string", default: "fragments" },
    sha256: { type: "string", default: "libcrypto" },
    runs: { type: "string", default: "8" },
    child: { type: "boolean", default: false },
  },
});
const mode = values.mode as Mode;
const hash = values.sha256 as Hash;
const runs = Number(values.runs);
if (!MODES.includes(mode)) fail(`--mode: expected ${MODES.join(", ")}`);
if (!HASHES.includes(hash)) fail(`--sha256: expected ${HASHES.join(", ")}`);
if (!Number.isInteger(runs) || runs < 1) fail("--runs: expected N ≥ 1");
if (positionals.length !== (values.child ? 1 : 2)) {
  fail("expected two checkouts: BASE EXP (each holding decoders/)");
}

/** One side, in this process: µs per certificate, best pass. */
async function measure(root: string): Promise<number> {
  const decoders = await import(`file://${root}/decoders/mod.ts`);
  const openssl = await import(`file://${root}/decoders/sha256_openssl.ts`);
  const ders: Uint8Array[] = [];
  for (const entry of Deno.readDirSync("/etc/ssl/certs")) {
    if (!entry.name.endsWith(".pem")) continue;
    const text = Deno.readTextFileSync(`/etc/ssl/certs/${entry.name}`);
    const der = decoders.pemToDer(text)[0];
    if (der) ders.push(der);
  }
  const options = hash === "off"
    ? { fingerprint: false }
    : { sha256: hash === "libcrypto" ? openssl.libcryptoSha256() : hash };
  const decoder = new decoders.X509Decoder(options);
  const cut = ders.map((der) => {
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < der.length; i += FRAGMENT) {
      pieces.push(der.subarray(i, i + FRAGMENT));
    }
    return pieces;
  });
  let sink = 0;
  const pass = (): void => {
    for (let k = 0; k < ders.length; k++) {
      decoder.reset();
      const der = ders[k];
      if (mode === "whole") decoder.push(der);
      else if (mode === "pre-cut") { for (const p of cut[k]) decoder.push(p); }
      else {
        for (let i = 0; i < der.length; i += FRAGMENT) {
          decoder.push(der.subarray(i, i + FRAGMENT));
        }
      }
      const result = decoder.end();
      sink += "error" in result ? 1 : result.subject.length;
    }
  };
  for (let i = 0; i < 1500; i++) pass();
  let best = Infinity;
  for (let p = 0; p < 40; p++) {
    const started = performance.now();
    for (let i = 0; i < 40; i++) pass();
    const us = (performance.now() - started) * 1000 / 40 / ders.length;
    if (us < best) best = us;
  }
  if (sink === 0) throw new Error("nothing decoded");
  return best;
}

if (values.child) {
  console.log(await measure(positionals[0]));
} else {
  const sides = positionals.map((dir) => Deno.realPathSync(dir));
  const times: number[][] = [[], []];
  for (let run = 0; run < runs; run++) {
    for (const side of run % 2 ? [1, 0] : [0, 1]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          import.meta.filename!,
          "--child",
          `--mode=${mode}`,
          `--sha256=${hash}`,
          sides[side],
        ],
        stderr: "inherit",
      }).output();
      if (!out.success) fail(`the run of ${sides[side]} failed`);
      times[side].push(Number(new TextDecoder().decode(out.stdout)));
    }
    console.error(`run ${run + 1}/${runs}`);
  }
  const best = (list: number[]) => Math.min(...list);
  const median = (list: number[]) =>
    [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  console.log(
    `${mode}, SHA-256 ${hash}, ${runs} runs a side (µs per certificate)\n` +
      `| side | best | median |\n| --- | ---: | ---: |\n` +
      sides.map((dir, k) =>
        `| ${k ? "exp" : "base"} ${dir} | ${best(times[k]).toFixed(2)} | ${
          median(times[k]).toFixed(2)
        } |`
      ).join("\n") +
      `\nexp/base: best ${(best(times[1]) / best(times[0])).toFixed(3)}, ` +
      `median ${(median(times[1]) / median(times[0])).toFixed(3)}`,
  );
}
