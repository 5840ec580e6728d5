// Assembles decoders/sha256.wat into decoders/sha256_wasm_bytes.ts:
//
//   node_modules/.bin/deno run -A scripts/assemble_sha256_wasm.ts [--check]
//
// A small assembler for the subset of the WebAssembly text format that
// sha256.wat uses (no toolchain needed; wabt is not installed here): one
// memory, data segments, functions with named params and locals, i32
// instructions in flat form, and folded `(block $l ...)` / `(loop $l ...)`.
// `--check` exits 1 when the embedded bytes are not the .wat's assembly.

/** An S-expression: an atom, a string literal's bytes, or a list. */
type Node = string | { bytes: number[] } | Node[];

const OPCODES: Record<string, number> = {
  "unreachable": 0x00,
  "nop": 0x01,
  "return": 0x0f,
  "drop": 0x1a,
  "select": 0x1b,
  "i32.eqz": 0x45,
  "i32.eq": 0x46,
  "i32.ne": 0x47,
  "i32.lt_s": 0x48,
  "i32.lt_u": 0x49,
  "i32.gt_s": 0x4a,
  "i32.gt_u": 0x4b,
  "i32.le_s": 0x4c,
  "i32.le_u": 0x4d,
  "i32.ge_s": 0x4e,
  "i32.ge_u": 0x4f,
  "i32.clz": 0x67,
  "i32.ctz": 0x68,
  "i32.popcnt": 0x69,
  "i32.add": 0x6a,
  "i32.sub": 0x6b,
  "i32.mul": 0x6c,
  "i32.and": 0x71,
  "i32.or": 0x72,
  "i32.xor": 0x73,
  "i32.shl": 0x74,
  "i32.shr_s": 0x75,
  "i32.shr_u": 0x76,
  "i32.rotl": 0x77,
  "i32.rotr": 0x78,
};
/** Memory instructions: opcode and natural alignment (log2 bytes). */
const MEMORY_OPCODES: Record<string, [number, number]> = {
  "i32.load": [0x28, 2],
  "i32.load8_u": [0x2d, 0],
  "i32.store": [0x36, 2],
  "i32.store8": [0x3a, 0],
};
const LOCAL_OPCODES: Record<string, number> = {
  "local.get": 0x20,
  "local.set": 0x21,
  "local.tee": 0x22,
};
const I32 = 0x7f;

/** Splits WAT text into a tree of S-expressions (`;;` comments dropped). */
export function parseWat(text: string): Node[] {
  const stack: Node[][] = [[]];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ";" && text[i + 1] === ";") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "(") {
      stack.push([]);
      i++;
    } else if (c === ")") {
      const list = stack.pop()!;
      if (stack.length === 0) throw new Error(`unbalanced ")" at ${i}`);
      stack[stack.length - 1].push(list);
      i++;
    } else if (c === '"') {
      const bytes: number[] = [];
      i++;
      while (text[i] !== '"') {
        if (i >= text.length) throw new Error("unterminated string");
        if (text[i] === "\\") {
          bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
          i += 3;
        } else {
          bytes.push(...new TextEncoder().encode(text[i]));
          i++;
        }
      }
      i++;
      stack[stack.length - 1].push({ bytes });
    } else if (/\s/.test(c)) {
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s()";]/.test(text[j])) j++;
      stack[stack.length - 1].push(text.slice(i, j));
      i = j;
    }
  }
  if (stack.length !== 1) throw new Error('unbalanced "("');
  return stack[0];
}

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let more = true;
  while (more) {
    let byte = value & 0x7f;
    value >>= 7;
    if (
      (value === 0 && (byte & 0x40) === 0) ||
      (value === -1 && (byte & 0x40) !== 0)
    ) {
      more = false;
    } else byte |= 0x80;
    out.push(byte);
  }
  return out;
}

/** An i32 literal (decimal or 0x hex, unsigned values wrap to signed). */
function i32Literal(atom: string): number {
  const value = Number(atom.replaceAll("_", ""));
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) {
    throw new Error(`bad i32 literal ${atom}`);
  }
  return value | 0;
}

function name(bytes: string): number[] {
  const encoded = [...new TextEncoder().encode(bytes)];
  return [...unsignedLeb(encoded.length), ...encoded];
}

function section(id: number, entries: number[][]): number[] {
  const body = [...unsignedLeb(entries.length), ...entries.flat()];
  return [id, ...unsignedLeb(body.length), ...body];
}

function atom(node: Node | undefined, what: string): string {
  if (typeof node !== "string") throw new Error(`expected ${what}`);
  return node;
}

interface FunctionContext {
  locals: Map<string, number>;
  labels: string[];
  code: number[];
}

function labelDepth(context: FunctionContext, label: string): number {
  if (/^\d+$/.test(label)) return Number(label);
  const index = context.labels.lastIndexOf(label);
  if (index < 0) throw new Error(`unknown label ${label}`);
  return context.labels.length - 1 - index;
}

/** Emits a body: flat instructions and folded blocks and loops. */
function emitBody(nodes: Node[], context: FunctionContext): void {
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k];
    if (Array.isArray(node)) {
      const head = atom(node[0], "block or loop");
      if (head !== "block" && head !== "loop") {
        throw new Error(`folded ${head} is not supported`);
      }
      const hasLabel = typeof node[1] === "string" && node[1].startsWith("$");
      context.labels.push(hasLabel ? node[1] as string : "");
      context.code.push(head === "block" ? 0x02 : 0x03, 0x40);
      emitBody(node.slice(hasLabel ? 2 : 1), context);
      context.code.push(0x0b);
      context.labels.pop();
      continue;
    }
    const op = atom(node, "an instruction");
    if (op in OPCODES) {
      context.code.push(OPCODES[op]);
    } else if (op in LOCAL_OPCODES) {
      const local = atom(nodes[++k], "a local");
      const index = context.locals.get(local) ?? Number(local);
      if (!Number.isInteger(index)) throw new Error(`unknown local ${local}`);
      context.code.push(LOCAL_OPCODES[op], ...unsignedLeb(index));
    } else if (op in MEMORY_OPCODES) {
      const [code, naturalAlign] = MEMORY_OPCODES[op];
      let offset = 0, align = naturalAlign;
      while (
        typeof nodes[k + 1] === "string" &&
        /^(offset|align)=/.test(nodes[k + 1] as string)
      ) {
        const [key, value] = (nodes[++k] as string).split("=");
        if (key === "offset") offset = Number(value);
        else align = Math.log2(Number(value));
      }
      context.code.push(code, ...unsignedLeb(align), ...unsignedLeb(offset));
    } else if (op === "i32.const") {
      context.code.push(
        0x41,
        ...signedLeb(i32Literal(atom(nodes[++k], "a literal"))),
      );
    } else if (op === "br" || op === "br_if") {
      const depth = labelDepth(context, atom(nodes[++k], "a label"));
      context.code.push(op === "br" ? 0x0c : 0x0d, ...unsignedLeb(depth));
    } else {
      throw new Error(`unsupported instruction ${op}`);
    }
  }
}

/**
 * Assembles the supported WAT subset to a WebAssembly 1.0 binary.
 *
 * @param text The module's text.
 * @returns The binary.
 */
export function assembleWat(text: string): Uint8Array<ArrayBuffer> {
  const [module] = parseWat(text);
  if (!Array.isArray(module) || module[0] !== "module") {
    throw new Error("expected (module ...)");
  }
  const types: number[][] = [];
  const functions: number[][] = [];
  const memories: number[][] = [];
  const exports: number[][] = [];
  const codes: number[][] = [];
  const data: number[][] = [];
  for (const field of module.slice(1)) {
    if (!Array.isArray(field)) throw new Error("expected a module field");
    const kind = atom(field[0], "a field kind");
    if (kind === "memory") {
      let rest = field.slice(1);
      if (Array.isArray(rest[0]) && rest[0][0] === "export") {
        exports.push([
          ...name(
            (rest[0][1] as { bytes: number[] }).bytes.map((b) =>
              String.fromCharCode(b)
            ).join(""),
          ),
          0x02,
          0x00,
        ]);
        rest = rest.slice(1);
      }
      memories.push([
        0x00,
        ...unsignedLeb(Number(atom(rest[0], "a page count"))),
      ]);
    } else if (kind === "data") {
      const [offset, ...strings] = field.slice(1) as [
        Node[],
        ...Array<{ bytes: number[] }>,
      ];
      const bytes = strings.flatMap((s) => s.bytes);
      data.push([
        0x00,
        0x41,
        ...signedLeb(i32Literal(atom(offset[1], "an offset"))),
        0x0b,
        ...unsignedLeb(bytes.length),
        ...bytes,
      ]);
    } else if (kind === "func") {
      const locals = new Map<string, number>();
      const params: number[] = [], results: number[] = [];
      let localCount = 0;
      const body: Node[] = [];
      for (const part of field.slice(1)) {
        if (Array.isArray(part) && part[0] === "export") {
          const exportName = (part[1] as { bytes: number[] }).bytes.map((b) =>
            String.fromCharCode(b)
          ).join("");
          exports.push([
            ...name(exportName),
            0x00,
            ...unsignedLeb(functions.length),
          ]);
        } else if (
          Array.isArray(part) && (part[0] === "param" || part[0] === "local")
        ) {
          if (part[2] !== "i32") throw new Error("only i32 params and locals");
          locals.set(atom(part[1], "a name"), locals.size);
          if (part[0] === "param") params.push(I32);
          else localCount++;
        } else if (Array.isArray(part) && part[0] === "result") {
          results.push(I32);
        } else body.push(part);
      }
      const type = [
        0x60,
        ...unsignedLeb(params.length),
        ...params,
        ...unsignedLeb(results.length),
        ...results,
      ];
      let typeIndex = types.findIndex((t) => t.join() === type.join());
      if (typeIndex < 0) typeIndex = types.push(type) - 1;
      functions.push(unsignedLeb(typeIndex));
      const context: FunctionContext = { locals, labels: [], code: [] };
      emitBody(body, context);
      const declared = localCount > 0
        ? [...unsignedLeb(1), ...unsignedLeb(localCount), I32]
        : [0];
      const fn = [...declared, ...context.code, 0x0b];
      codes.push([...unsignedLeb(fn.length), ...fn]);
    } else {
      throw new Error(`unsupported field ${kind}`);
    }
  }
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(3, functions),
    ...section(5, memories),
    ...section(7, exports),
    ...section(10, codes),
    ...section(11, data),
  ]);
}

/** The generated TypeScript module that embeds `bytes`. */
export function bytesModule(bytes: Uint8Array): string {
  const base64 = btoa(String.fromCharCode(...bytes));
  const lines = base64.match(/.{1,76}/g)!.map((line) => `  "${line}",`);
  return `// Generated by scripts/assemble_sha256_wasm.ts from decoders/sha256.wat: do not edit.

/**
 * The WebAssembly SHA-256 compression function (decoders/sha256.wat), base64.
 *
 * @example
 * \`\`\`ts
 * import { SHA256_WASM_BASE64 } from "./sha256_wasm_bytes.ts";
 * console.log(atob(SHA256_WASM_BASE64).length); // the module's size in bytes
 * \`\`\`
 */
export const SHA256_WASM_BASE64: string = [
${lines.join("\n")}
].join("");
`;
}

if (import.meta.main) {
  const root = new URL("../decoders/", import.meta.url);
  const wat = await Deno.readTextFile(new URL("sha256.wat", root));
  const generated = bytesModule(assembleWat(wat));
  const target = new URL("sha256_wasm_bytes.ts", root);
  if (Deno.args.includes("--check")) {
    const current = await Deno.readTextFile(target);
    if (current !== generated) {
      console.error(
        "decoders/sha256_wasm_bytes.ts is stale: run scripts/assemble_sha256_wasm.ts",
      );
      Deno.exit(1);
    }
  } else {
    await Deno.writeTextFile(target, generated);
    console.log(
      `wrote ${target.pathname} (${assembleWat(wat).length} bytes of wasm)`,
    );
  }
}
