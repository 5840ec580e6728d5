/**
 * A PATH with exactly the programs a `./run` subcommand may execute: the
 * executables of the Debian packages it installs (`./run debs NAME`, read
 * with `dpkg -L`), of Debian's essential packages (coreutils, bash, grep,
 * sed, ...: on every Debian system), plus node and the pinned Deno. A
 * program outside that set fails to start under this PATH, with its name
 * in the error — which is how a missing package in a subcommand's list
 * shows up before a fresh machine finds it.
 *
 * @module
 */

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN_DIRS = /^\/(usr\/)?(s?bin)\/[^/]+$/;

async function output(
  cmd: string,
  args: string[],
  mustSucceed = true,
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (mustSucceed && !out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed: ${
        new TextDecoder().decode(out.stderr)
      }`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

/** Debian's essential packages (dpkg's `Essential: yes`). */
async function essentialPackages(): Promise<string[]> {
  const text = await output("dpkg-query", [
    "-W",
    "-f",
    "${Package} ${Essential}\\n",
  ]);
  return text.split("\n").filter((l) => l.endsWith(" yes"))
    .map((l) => l.split(" ")[0]);
}

/**
 * `packages` with everything they depend on (Depends and Pre-Depends,
 * recursively, as apt would install them; of an alternative `a | b` the
 * installed ones).
 */
async function withDependencies(packages: string[]): Promise<string[]> {
  const seen = new Set<string>();
  let queue = [...packages];
  while (queue.length > 0) {
    const fresh = queue.filter((p) => !seen.has(p));
    fresh.forEach((p) => seen.add(p));
    if (fresh.length === 0) break;
    const text = await output("dpkg-query", [
      "-W",
      "-f",
      "${Depends}, ${Pre-Depends}\\n",
      ...fresh,
    ], false);
    queue = text.split(/[,|\n]/).map((d) =>
      d.trim().split(/[\s(]/)[0].replace(/:any$/, "")
    ).filter((d) => d !== "" && !seen.has(d));
    // Keep only installed names (virtual packages and absent alternatives
    // have no files).
    if (queue.length > 0) {
      const installed = await output("dpkg-query", [
        "-W",
        "-f",
        "${Package} ${db:Status-Status}\\n",
        ...queue,
      ], false); // exit 1 when some name is not installed: expected
      queue = installed.split("\n").filter((l) => l.endsWith(" installed"))
        .map((l) => l.split(" ")[0]);
    }
  }
  return [...seen];
}

/** The packages `./run debs <subcommand>` lists. */
export async function subcommandPackages(
  subcommand: string,
): Promise<string[]> {
  return (await output("bash", ["./run", "debs", subcommand])).split("\n")
    .filter(Boolean);
}

async function executablesOf(pkg: string): Promise<string[]> {
  const files = (await output("dpkg", ["-L", pkg])).split("\n");
  const found: string[] = [];
  for (const file of files) {
    if (!BIN_DIRS.test(file)) continue;
    try {
      const info = await Deno.stat(file);
      if (info.isFile && (info.mode ?? 0) & 0o111) found.push(file);
    } catch { /* listed but absent (diverted, or a dangling alternative) */ }
  }
  return found;
}

/** A temp directory of symlinks: see the module docs. */
export interface ReducedPath {
  /** The directory to use as PATH. */
  dir: string;
  /** The packages whose executables are in it. */
  packages: string[];
  /** Removes the directory. */
  remove(): Promise<void>;
}

/**
 * Builds the reduced PATH for `./run <subcommand>`; `node` and the running
 * Deno are added by their real paths.
 */
export async function reducedPath(subcommand: string): Promise<ReducedPath> {
  const packages = await withDependencies([
    ...await subcommandPackages(subcommand),
    ...await essentialPackages(),
  ]);
  const dir = await Deno.makeTempDir({ prefix: "zon-path-" });
  const link = async (target: string, name: string) => {
    try {
      await Deno.symlink(target, `${dir}/${name}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
  };
  for (const pkg of packages) {
    for (const file of await executablesOf(pkg)) {
      await link(file, file.slice(file.lastIndexOf("/") + 1));
    }
  }
  await link(Deno.execPath(), "deno");
  // node and npm (npm ci on a fresh clone) come with Node, not Debian.
  for (const name of ["node", "npm"]) {
    const path = (await output("bash", ["-c", `command -v ${name}`])).trim();
    await link(await Deno.realPath(path), name);
  }
  return {
    dir,
    packages,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}
