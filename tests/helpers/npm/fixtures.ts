/**
 * Test helper (not a test): the inputs and expected answers that the Node
 * suite and the browser page check the npm bundles against. Written as JSON
 * because neither runtime can read zon's TypeScript.
 *
 * - `siphashVectors`: the SipHash paper's 64 vectors (tests/helpers/siphash_vectors.ts).
 * - `certificates`: the system CA store's PEMs (node:crypto's facts about each
 *   are added in Node, by the suite or the browser driver).
 * - `parity`: what {@linkcode parityProbe} answers when Deno runs it on zon's
 *   source modules; the bundles must answer the same.
 *
 * @module
 */

import { SIPHASH24_VECTORS } from "../siphash_vectors.ts";
import * as siphash from "../../../siphash/mod.ts";
import * as blackrock from "../../../blackrock/mod.ts";
import * as checksum from "../../../checksum/mod.ts";
import * as packet from "../../../packet/mod.ts";
import * as aho_corasick from "../../../aho_corasick/mod.ts";
import * as decoders from "../../../decoders/mod.ts";
import { parityProbe } from "./parity.mjs";
import { stable } from "./reference.mjs";

const CA_DIR = "/etc/ssl/certs";

/** The system CA certificates, one per distinct PEM, sorted by file name. */
async function systemCertificates(): Promise<
  Array<{ name: string; pem: string }>
> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(CA_DIR)) {
    if (entry.name.endsWith(".pem")) names.push(entry.name);
  }
  names.sort();
  const seen = new Set<string>();
  const certificates = [];
  for (const name of names) {
    const pem = await Deno.readTextFile(`${CA_DIR}/${name}`);
    if (seen.has(pem)) continue; // the store links some files twice
    seen.add(pem);
    certificates.push({ name, pem });
  }
  if (certificates.length < 3) {
    throw new Error(
      `only ${certificates.length} certificates in ${CA_DIR}: install Debian's ca-certificates`,
    );
  }
  return certificates;
}

/** Writes `fixtures.json` into `dir` and returns its path. */
export async function writeFixtures(dir: string): Promise<string> {
  const certificates = await systemCertificates();
  const parity = parityProbe(
    { siphash, blackrock, checksum, packet, aho_corasick, decoders },
    certificates.map(({ pem }) => pem),
  );
  const path = `${dir}/fixtures.json`;
  // `stable` turns BigInts into text the same way the checks compare them.
  await Deno.writeTextFile(
    path,
    `{"siphashVectors":${JSON.stringify(SIPHASH24_VECTORS)},` +
      `"certificates":${JSON.stringify(certificates)},` +
      `"parity":${stable(parity)}}`,
  );
  return path;
}
