// A tiny eBPF assembler for the xdp: driver's program: one method per
// instruction, labels for jumps, encoding to struct bpf_insn. Internal to
// drivers/.

/** One eBPF instruction before label resolution. */
export interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number | string; // a label for jumps
  imm: number;
}

// Instruction classes, sizes, modes and operations (linux/bpf_common.h, bpf.h).
export const LDX = 0x01,
  ST = 0x02,
  ALU = 0x04,
  JMP = 0x05,
  ALU64 = 0x07,
  LD = 0x00;
export const W = 0x00, H = 0x08, B = 0x10, DW = 0x18;
export const MEM = 0x60, IMM = 0x00;
export const K = 0x00, X = 0x08;
export const ADD = 0x00, AND = 0x50, LSH = 0x60, MOV = 0xb0, END = 0xd0;
export const JA = 0x00,
  JEQ = 0x10,
  JGT = 0x20,
  JNE = 0x50,
  JLT = 0xa0,
  JSET = 0x40;
export const CALL = 0x80, EXIT = 0x90;
export const TO_BE = 0x08;
export const PSEUDO_MAP_FD = 1;
export const SIZE = { w: W, h: H, b: B } as const;

/**
 * A tiny eBPF assembler: each method appends one instruction (two for
 * `loadMap`); jumps name a label placed later with `label`. `assemble`
 * resolves labels and encodes `struct bpf_insn` (8 bytes: opcode, dst/src
 * registers, 16-bit offset, 32-bit immediate).
 */
export class Assembler {
  readonly #insns: Insn[] = [];
  readonly #labels = new Map<string, number>();

  #emit(
    code: number,
    dst: number,
    src: number,
    off: number | string,
    imm: number,
  ): this {
    this.#insns.push({ code, dst, src, off, imm });
    return this;
  }
  label(name: string): this {
    this.#labels.set(name, this.#insns.length);
    return this;
  }
  mov(dst: number, src: number): this {
    return this.#emit(ALU64 | MOV | X, dst, src, 0, 0);
  }
  movImm(dst: number, imm: number): this {
    return this.#emit(ALU64 | MOV | K, dst, 0, 0, imm);
  }
  addImm(dst: number, imm: number): this {
    return this.#emit(ALU64 | ADD | K, dst, 0, 0, imm);
  }
  add(dst: number, src: number): this {
    return this.#emit(ALU64 | ADD | X, dst, src, 0, 0);
  }
  andImm(dst: number, imm: number): this {
    return this.#emit(ALU64 | AND | K, dst, 0, 0, imm);
  }
  lshImm(dst: number, imm: number): this {
    return this.#emit(ALU64 | LSH | K, dst, 0, 0, imm);
  }
  /** Byte-swap the low 16 bits to host order from network order (`be16`). */
  be16(dst: number): this {
    return this.#emit(ALU | END | TO_BE, dst, 0, 0, 16);
  }
  load(size: keyof typeof SIZE, dst: number, src: number, off: number): this {
    return this.#emit(LDX | MEM | SIZE[size], dst, src, off, 0);
  }
  storeImm(
    size: keyof typeof SIZE,
    dst: number,
    off: number,
    imm: number,
  ): this {
    return this.#emit(ST | MEM | SIZE[size], dst, 0, off, imm);
  }
  /** `ld_imm64 dst, map_fd`: the verifier replaces the fd by the map's address. */
  loadMap(dst: number, fd: number): this {
    this.#emit(LD | IMM | DW, dst, PSEUDO_MAP_FD, 0, fd);
    return this.#emit(0, 0, 0, 0, 0);
  }
  jmp(label: string): this {
    return this.#emit(JMP | JA, 0, 0, label, 0);
  }
  jeqImm(dst: number, imm: number, label: string): this {
    return this.#emit(JMP | JEQ | K, dst, 0, label, imm);
  }
  jneImm(dst: number, imm: number, label: string): this {
    return this.#emit(JMP | JNE | K, dst, 0, label, imm);
  }
  jsetImm(dst: number, imm: number, label: string): this {
    return this.#emit(JMP | JSET | K, dst, 0, label, imm);
  }
  jne(dst: number, src: number, label: string): this {
    return this.#emit(JMP | JNE | X, dst, src, label, 0);
  }
  jgt(dst: number, src: number, label: string): this {
    return this.#emit(JMP | JGT | X, dst, src, label, 0);
  }
  jlt(dst: number, src: number, label: string): this {
    return this.#emit(JMP | JLT | X, dst, src, label, 0);
  }
  call(helper: number): this {
    return this.#emit(JMP | CALL, 0, 0, 0, helper);
  }
  exit(): this {
    return this.#emit(JMP | EXIT, 0, 0, 0, 0);
  }
  assemble(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.#insns.length * 8);
    const view = new DataView(out.buffer);
    this.#insns.forEach((insn, pc) => {
      let off = insn.off;
      if (typeof off === "string") {
        const target = this.#labels.get(off);
        if (target === undefined) {
          throw new Error(`eBPF label ${off} undefined`);
        }
        off = target - (pc + 1);
      }
      view.setUint8(pc * 8, insn.code);
      view.setUint8(pc * 8 + 1, (insn.src << 4) | insn.dst);
      view.setInt16(pc * 8 + 2, off, true);
      view.setInt32(pc * 8 + 4, insn.imm, true);
    });
    return out;
  }
}
