// Assembles aho_corasick/wasm/teddy.wat into the bytes the library embeds
// (aho_corasick/wasm/teddy_wasm.ts), with no dependency: a small assembler
// for the flat-instruction WAT subset the source uses (one memory, exported
// functions with params, locals and a result; block/loop/if with labels;
// the i32 and SIMD128 instructions in OPCODES).
//
//   node_modules/.bin/deno run -A scripts/build_wasm_teddy.ts          # write
//   node_modules/.bin/deno run -A scripts/build_wasm_teddy.ts --check  # verify
//
// --check exits 1 when the embedded bytes differ from a fresh assembly.

const here = new URL("../aho_corasick/wasm/", import.meta.url);
const SOURCE = new URL("teddy.wat", here);
const OUTPUT = new URL("teddy_wasm.ts", here);

type Node = string | Node[];

/** S-expressions of the source, comments dropped. */
function parse(text: string): Node[] {
  const tokens =
    text.replace(/;;[^\n]*/g, " ").match(/\(|\)|"[^"]*"|[^\s()]+/g) ??
      [];
  let at = 0;
  const list = (): Node[] => {
    const out: Node[] = [];
    while (at < tokens.length) {
      const t = tokens[at++];
      if (t === "(") out.push(list());
      else if (t === ")") return out;
      else out.push(t);
    }
    return out;
  };
  return list();
}

const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, v128: 0x7b };

/** Plain opcodes (no immediate) and SIMD ones (0xfd prefix). */
const OPCODES: Record<string, number[]> = {
  "i32.add": [0x6a],
  "i32.sub": [0x6b],
  "i32.and": [0x71],
  "i32.or": [0x72],
  "i32.shl": [0x74],
  "i32.ctz": [0x68],
  "i32.eqz": [0x45],
  "i32.gt_s": [0x4a],
  "i32.gt_u": [0x4b],
  "i32.lt_s": [0x48],
  "i32.lt_u": [0x49],
  return: [0x0f],
  end: [0x0b],
  "i8x16.swizzle": [0xfd, 0x0e],
  "i8x16.splat": [0xfd, 0x0f],
  "i8x16.eq": [0xfd, 0x23],
  "i8x16.ne": [0xfd, 0x24],
  "v128.not": [0xfd, 0x4d],
  "v128.and": [0xfd, 0x4e],
  "v128.or": [0xfd, 0x50],
  "v128.any_true": [0xfd, 0x53],
  "i8x16.bitmask": [0xfd, 0x64],
  "i8x16.shr_u": [0xfd, 0x6d],
  "i16x8.shr_u": [0xfd, 0x8d, 0x01],
  "i8x16.relaxed_swizzle": [0xfd, 0x80, 0x02],
};

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string): number[] => {
  const bytes = new TextEncoder().encode(s);
  return [...uleb(bytes.length), ...bytes];
};
const vec = (items: number[][]): number[] => [
  ...uleb(items.length),
  ...items.flat(),
];
const section = (id: number, body: number[]): number[] => [
  id,
  ...uleb(body.length),
  ...body,
];

interface Func {
  exportName: string | null;
  params: number[];
  results: number[];
  body: number[];
}

function fail(message: string): never {
  throw new Error(`teddy.wat: ${message}`);
}

/** One function: header lists, then flat instructions. */
function assembleFunc(items: Node[]): Func {
  const locals = new Map<string, number>();
  const params: number[] = [];
  const results: number[] = [];
  const localTypes: number[] = [];
  let exportName: string | null = null;
  let k = 1;
  for (; k < items.length && Array.isArray(items[k]); k++) {
    const [head, ...rest] = items[k] as string[];
    if (head === "export") exportName = rest[0].slice(1, -1);
    else if (head === "param" || head === "local") {
      const type = VALTYPE[rest[1]] ?? fail(`unknown type ${rest[1]}`);
      locals.set(rest[0], locals.size);
      (head === "param" ? params : localTypes).push(type);
    } else if (head === "result") results.push(VALTYPE[rest[0]]);
    else fail(`unexpected (${head} ...) in a func`);
  }
  const code: number[] = [];
  const labels: string[] = [];
  const words = items.slice(k) as string[];
  const localIndex = (w: string): number =>
    locals.get(w) ?? (/^\d+$/.test(w) ? Number(w) : fail(`unknown local ${w}`));
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (Array.isArray(w)) fail("folded instructions are not supported");
    if (w === "block" || w === "loop" || w === "if") {
      const label = words[i + 1]?.startsWith("$") ? words[++i] : "";
      labels.push(label);
      code.push(w === "block" ? 0x02 : w === "loop" ? 0x03 : 0x04, 0x40);
    } else if (w === "end") {
      labels.pop();
      code.push(0x0b);
    } else if (w === "br" || w === "br_if") {
      const target = words[++i];
      const depth = labels.length - 1 - labels.lastIndexOf(target);
      if (depth >= labels.length) fail(`unknown label ${target}`);
      code.push(w === "br" ? 0x0c : 0x0d, ...uleb(depth));
    } else if (w === "local.get" || w === "local.set" || w === "local.tee") {
      const op = { "local.get": 0x20, "local.set": 0x21, "local.tee": 0x22 }[w];
      code.push(op, ...uleb(localIndex(words[++i])));
    } else if (w === "i32.const") {
      code.push(0x41, ...sleb(Number(words[++i])));
    } else if (w === "v128.load") {
      let offset = 0;
      while (words[i + 1]?.startsWith("offset=")) {
        offset = Number(words[++i].slice(7));
      }
      code.push(0xfd, ...uleb(0x00), 0x00, ...uleb(offset));
    } else if (w === "v128.const") {
      const shape = words[++i];
      const lanes = shape === "i32x4" ? 4 : shape === "i8x16" ? 16 : 0;
      if (lanes === 0) fail(`v128.const ${shape} is not supported`);
      const bytes = new Uint8Array(16);
      const view = new DataView(bytes.buffer);
      for (let lane = 0; lane < lanes; lane++) {
        const v = Number(words[++i]);
        if (lanes === 4) view.setInt32(lane * 4, v, true);
        else bytes[lane] = v & 0xff;
      }
      code.push(0xfd, ...uleb(0x0c), ...bytes);
    } else if (w in OPCODES) {
      code.push(...OPCODES[w]);
    } else {
      fail(`unknown instruction ${w}`);
    }
  }
  if (labels.length !== 0) fail("unbalanced block/loop/if");
  code.push(0x0b);
  // Locals as runs of equal types.
  const runs: number[][] = [];
  for (const type of localTypes) {
    const lastRun = runs[runs.length - 1];
    if (lastRun && lastRun[1] === type) lastRun[0]++;
    else runs.push([1, type]);
  }
  const body = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...code];
  return { exportName, params, results, body };
}

/** The whole module: one type per function, one memory. */
export function assemble(text: string): Uint8Array<ArrayBuffer> {
  const [module] = parse(text) as Node[][];
  if (module?.[0] !== "module") fail("expected (module ...)");
  const funcs: Func[] = [];
  let memoryPages = -1;
  let memoryExport: string | null = null;
  for (const item of module.slice(1)) {
    if (!Array.isArray(item)) fail(`unexpected ${item}`);
    if (item[0] === "memory") {
      for (const part of item.slice(1)) {
        if (Array.isArray(part) && part[0] === "export") {
          memoryExport = (part[1] as string).slice(1, -1);
        } else memoryPages = Number(part);
      }
    } else if (item[0] === "func") funcs.push(assembleFunc(item));
    else fail(`unsupported (${item[0]} ...)`);
  }
  const exports: number[][] = [];
  funcs.forEach((f, i) => {
    if (f.exportName !== null) exports.push([...name(f.exportName), 0x00, i]);
  });
  if (memoryExport !== null) exports.push([...name(memoryExport), 0x02, 0]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(
      1,
      vec(funcs.map((f) => [
        0x60,
        ...vec(f.params.map((t) => [t])),
        ...vec(f.results.map((t) => [t])),
      ])),
    ),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...(memoryPages < 0 ? [] : section(5, vec([[0x00, ...uleb(memoryPages)]]))),
    ...section(7, vec(exports)),
    ...section(10, vec(funcs.map((f) => [...uleb(f.body.length), ...f.body]))),
  ];
  return new Uint8Array(bytes);
}

/** The relaxed-SIMD variant: every `i8x16.swizzle` as `i8x16.relaxed_swizzle`. */
export function relaxed(text: string): string {
  return text.replaceAll("i8x16.swizzle", "i8x16.relaxed_swizzle");
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function render(bytes: Uint8Array, relaxedBytes: Uint8Array): string {
  return `// Generated by scripts/build_wasm_teddy.ts from teddy.wat: do not edit.
/** The assembled teddy.wat module (${bytes.length} bytes), base64. */
export const TEDDY_WASM_BASE64 =
  "${base64(bytes)}";
/** The same with relaxed SIMD swizzles (${relaxedBytes.length} bytes), base64. */
export const TEDDY_RELAXED_WASM_BASE64 =
  "${base64(relaxedBytes)}";
`;
}

if (import.meta.main) {
  const source = await Deno.readTextFile(SOURCE);
  const bytes = assemble(source);
  if (!WebAssembly.validate(bytes)) {
    throw new Error("teddy.wat: the assembled module does not validate");
  }
  const text = render(bytes, assemble(relaxed(source)));
  if (Deno.args.includes("--check")) {
    const current = await Deno.readTextFile(OUTPUT);
    if (current !== text) {
      console.error(
        "aho_corasick/wasm/teddy_wasm.ts is stale: run scripts/build_wasm_teddy.ts",
      );
      Deno.exit(1);
    }
    console.log(`teddy_wasm.ts matches teddy.wat (${bytes.length} bytes)`);
  } else {
    await Deno.writeTextFile(OUTPUT, text);
    console.log(`wrote ${OUTPUT.pathname} (${bytes.length} bytes)`);
  }
}
