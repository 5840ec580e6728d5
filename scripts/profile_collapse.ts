/**
 * `perf script` text → samples → folded stacks (the format of FlameGraph's
 * `stackcollapse-perf.pl`: one line per unique stack, root first, frames
 * joined by `;`, then a space and the sample count).
 *
 * Input is what `perf script -F comm,pid,tid,time,period,event,ip,sym,dso`
 * prints for a `perf record -g` recording: a header line per sample
 * (`COMM PID/TID TIME: PERIOD EVENT:`), then one `ADDR SYM (DSO)` line per
 * frame, leaf first, then a blank line.
 *
 * Frames are annotated like `stackcollapse-perf.pl --all`: kernel frames end
 * in `_[k]`, JIT frames (from V8's `perf-PID.map`) in `_[j]`. Unlike it, a run
 * of consecutive unresolved frames of one binary (`[deno]`: the stripped
 * Deno binary) becomes one frame, so the depth of Rust code perf cannot name
 * does not bury the frames it can.
 *
 * @module
 */

/** Where a frame's code lives. */
export type FrameKind = "kernel" | "jit" | "native" | "unknown";

/** One frame of a call chain. */
export interface Frame {
  /** Display name: symbol (JIT: cleaned, `Class.method`), or `[dso]`. */
  name: string;
  /** Kernel, JIT, named native, or unnamed. */
  kind: FrameKind;
}

/** One perf sample. */
export interface Sample {
  /** The thread's name. */
  comm: string;
  /** Process id. */
  pid: number;
  /** Thread id. */
  tid: number;
  /** The event's period (ns for cpu-clock, cycles for cycles). */
  period: number;
  /** Leaf first, as perf prints them. */
  frames: Frame[];
}

const HEADER =
  /^(.+?)\s+(\d+)\/(\d+)\s+\d+\.\d+:\s+(\d+)\s+([\w:.-]+(?::\w+)?):\s*$/;
const FRAME = /^\s+([0-9a-f]+)\s+(.*?)\s+\(([^()]*|\[[^\]]*\])\)\s*$/;

/** Turns a JIT symbol into a short name; `resolveMethod` adds the class. */
export type MethodResolver = (file: string, method: string) => string | null;

/**
 * Parses `perf script` output into samples.
 *
 * @example
 * ```ts
 * import { parsePerfScript } from "./profile_collapse.ts";
 * const text = "deno 1/1   1.000000:   1000 cpu-clock: \n" +
 *   "\tffffffff81000130 entry_SYSCALL_64_after_hwframe ([kernel.kallsyms])\n\n";
 * console.log(parsePerfScript(text)[0].frames[0].kind); // "kernel"
 * ```
 */
export function parsePerfScript(
  text: string,
  resolveMethod: MethodResolver = () => null,
): Sample[] {
  const samples: Sample[] = [];
  let current: Sample | null = null;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      current = null;
      continue;
    }
    if (current === null) {
      const h = HEADER.exec(line);
      if (!h) continue; // a perf warning line, not a sample
      current = {
        comm: h[1],
        pid: Number(h[2]),
        tid: Number(h[3]),
        period: Number(h[4]),
        frames: [],
      };
      samples.push(current);
      continue;
    }
    const f = FRAME.exec(line);
    if (!f) continue;
    const frame = toFrame(f[1], f[2], f[3], resolveMethod);
    const prev = current.frames[current.frames.length - 1];
    // A run of unnamed frames of one binary is one frame (see @module).
    if (frame.kind === "unknown" && prev && prev.name === frame.name) continue;
    current.frames.push(frame);
  }
  return samples;
}

function toFrame(
  addr: string,
  sym: string,
  dso: string,
  resolveMethod: MethodResolver,
): Frame {
  const kernel = dso.startsWith("[kernel") || addr.length === 16 &&
      addr.startsWith("ffff");
  if (kernel) {
    return { name: sym === "[unknown]" ? "[kernel]" : sym, kind: "kernel" };
  }
  if (sym === "[unknown]") {
    // Code in V8's map range that the map does not name (stubs, trampolines).
    if (/perf-\d+\.map$/.test(dso)) return { name: "[JIT]", kind: "unknown" };
    const base = dso === "[unknown]" ? "unknown" : dso.split("/").pop()!;
    return { name: `[${base}]`, kind: "unknown" };
  }
  if (/perf-\d+\.map$/.test(dso)) {
    return { name: jitName(sym, resolveMethod), kind: "jit" };
  }
  return { name: sym, kind: "native" };
}

/**
 * V8's `--perf-basic-prof` names look like `JS:*'shuffleBatch
 * file:///…/blackrock/blackrock.ts:200:19` (`*` optimised, `^` baseline,
 * `+` Maglev, `o` on-stack replacement; `'` a method). This keeps the
 * function name and the file relative to the repository, and asks
 * `resolveMethod` for the class (`TcpSynTemplate.patch`).

 *
 * @example
 * ```ts
 * import { jitName } from "./profile_collapse.ts";
 * const sym = "JS:*'patch file:///repo/packet/template.ts:152:12";
 * console.log(jitName(sym, () => "TcpSynTemplate.patch"));
 * // "TcpSynTemplate.patch packet/template.ts"
 * ```
 */
export function jitName(sym: string, resolveMethod: MethodResolver): string {
  const m = /^(?:JS|LazyCompile|Function):[~^+*o']*(\S*)\s+(\S+?)(?::\d+:\d+)?$/
    .exec(sym);
  if (!m) return sym;
  const [, fn, where] = m;
  const name = fn === "" ? "(anonymous)" : fn;
  if (!where.startsWith("file://")) return `${name} ${where}`;
  const path = new URL(where).pathname;
  const qualified = resolveMethod(path, name) ?? name;
  return `${qualified} ${path.split("/").slice(-2).join("/")}`;
}

/**
 * A resolver that reads the source file and, when exactly one class in it
 * declares a method `name`, answers `Class.name`. (V8 names a method by its
 * own name only, and its line numbers are those of the transpiled JavaScript,
 * so they cannot pick among several classes.)
 *
 * @example
 * ```ts
 * import { sourceMethodResolver } from "./profile_collapse.ts";
 * const resolve = sourceMethodResolver();
 * console.log(resolve("/no/such/file.ts", "patch")); // null
 * ```
 */
export function sourceMethodResolver(
  root: string = new URL("..", import.meta.url).pathname,
): MethodResolver {
  const cache = new Map<string, Map<string, Set<string>>>();
  return (file, method) => {
    let methods = cache.get(file);
    if (!methods) {
      methods = classMethods(locate(file, root));
      cache.set(file, methods);
    }
    const owners = methods.get(method.replace(/^#/, ""));
    return owners?.size === 1 ? `${[...owners][0]}.${method}` : null;
  };
}

/**
 * `file` if it exists, else the same path under `root` (a recording made in
 * another checkout): the longest trailing part of it that exists there.
 */
function locate(file: string, root: string): string {
  try {
    Deno.statSync(file);
    return file;
  } catch { /* not here: try the repository */ }
  const parts = file.split("/");
  for (let i = 1; i < parts.length; i++) {
    const candidate = `${root.replace(/\/$/, "")}/${parts.slice(i).join("/")}`;
    try {
      Deno.statSync(candidate);
      return candidate;
    } catch { /* shorter suffix next */ }
  }
  return file;
}

/** Method name → the classes of `file` that declare it. */
function classMethods(file: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch {
    return out; // not a readable source file: keep V8's name
  }
  let owner: string | null = null;
  for (const line of text.split("\n")) {
    const c = /^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+(\w+)/
      .exec(line);
    if (c) owner = c[1];
    else if (/^\S/.test(line)) owner = null; // a class ends at a column-0 line
    const m = /^ {2}(?:static\s+|async\s+|get\s+|set\s+)*#?(\w+)\s*[(<]/.exec(
      line,
    );
    if (
      owner && m && m[1] !== "constructor" && !/^(if|for|while)$/.test(m[1])
    ) {
      if (!out.has(m[1])) out.set(m[1], new Set());
      out.get(m[1])!.add(owner);
    }
  }
  return out;
}

/**
 * Samples of one thread or all, as folded stacks: stack (root first) → count.
 *
 * @example
 * ```ts
 * import { collapse } from "./profile_collapse.ts";
 * const folded = collapse([{
 *   comm: "worker-2", pid: 1, tid: 2, period: 1,
 *   frames: [{ name: "packet_sendmsg", kind: "kernel" }, { name: "__send", kind: "native" }],
 * }], () => "transmit thread");
 * console.log([...folded]); // [["transmit thread;__send;packet_sendmsg_[k]", 1]]
 * ```
 */
export function collapse(
  samples: Sample[],
  root: (s: Sample) => string | null = () => null,
): Map<string, number> {
  const folded = new Map<string, number>();
  for (const s of samples) {
    const names: string[] = [];
    const r = root(s);
    if (r !== null) names.push(r);
    for (let i = s.frames.length - 1; i >= 0; i--) {
      names.push(annotate(s.frames[i]));
    }
    if (names.length === 0) names.push("[no stack]");
    const key = names.join(";");
    folded.set(key, (folded.get(key) ?? 0) + 1);
  }
  return folded;
}

function annotate(f: Frame): string {
  const name = f.name.replace(/;/g, ",");
  if (f.kind === "kernel") return `${name}_[k]`;
  if (f.kind === "jit") return `${name}_[j]`;
  return name;
}

/**
 * Folded stacks as text, sorted (as `stackcollapse-perf.pl` prints them).
 *
 * @example
 * ```ts
 * import { formatFolded } from "./profile_collapse.ts";
 * console.log(formatFolded(new Map([["a;b", 2]]))); // "a;b 2\n"
 * ```
 */
export function formatFolded(folded: Map<string, number>): string {
  return [...folded.entries()]
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([stack, n]) => `${stack} ${n}\n`)
    .join("");
}

/**
 * Parses folded text back; throws on a malformed line, naming it.
 *
 * @example
 * ```ts
 * import { parseFolded } from "./profile_collapse.ts";
 * console.log(parseFolded("a;b 2\na;b 1\n").get("a;b")); // 3
 * ```
 */
export function parseFolded(text: string): Map<string, number> {
  const folded = new Map<string, number>();
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    const m = /^(.+) (\d+)$/.exec(line);
    if (!m) {
      throw new Error(
        `folded line ${i + 1}: expected "frame;frame;… COUNT", got ${
          JSON.stringify(line.slice(0, 80))
        }`,
      );
    }
    folded.set(m[1], (folded.get(m[1]) ?? 0) + Number(m[2]));
  });
  return folded;
}

/**
 * What kind a folded frame is, from its annotation (kernel, JIT, other).
 *
 * @example
 * ```ts
 * import { folderKind } from "./profile_collapse.ts";
 * console.log(folderKind("veth_xmit_[k]")); // "kernel"
 * ```
 */
export function folderKind(frame: string): "kernel" | "jit" | "user" {
  if (frame.endsWith("_[k]")) return "kernel";
  if (frame.endsWith("_[j]")) return "jit";
  return "user";
}
