/**
 * The seeded generator every random test draws from. The seed is
 * `ZON_TEST_SEED` when set (to replay a failure), else drawn once per test
 * file; it is printed when the file loads, so a failing run's log says how
 * to reproduce it: `ZON_TEST_SEED=<seed> deno test -A tests/<file>`.
 *
 * @module
 */

/** Deterministic PRNG (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The file's generator; prints `<file>: seed N`. */
export function testRandom(file: string): () => number {
  const given = Deno.env.get("ZON_TEST_SEED");
  const seed = given !== undefined && given !== ""
    ? Number(given) >>> 0
    : crypto.getRandomValues(new Uint32Array(1))[0];
  // stderr: some helpers speak JSON on stdout.
  console.error(
    `${file}: random seed ${seed} (replay with ZON_TEST_SEED=${seed})`,
  );
  return seededRandom(seed);
}
