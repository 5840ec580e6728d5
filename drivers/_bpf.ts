// bpf(2) through libc's syscall(2) (no libbpf): maps, program load with the
// verifier's log on rejection, object info, and errors that name what is
// missing. Internal to drivers/.

import { cString, errno, loadLibc, strerror } from "./_libc.ts";
import { DriverSyscallError, DriverUnavailableError } from "./types.ts";

export const BPF_MAP_CREATE = 0;
export const BPF_MAP_LOOKUP_ELEM = 1;
export const BPF_MAP_UPDATE_ELEM = 2;
export const BPF_PROG_LOAD = 5;
export const BPF_OBJ_GET_INFO_BY_FD = 15;
export const BPF_LINK_CREATE = 28;
export const BPF_MAP_TYPE_ARRAY = 2;
export const BPF_MAP_TYPE_XSKMAP = 17;
export const BPF_PROG_TYPE_XDP = 6;
export const BPF_XDP = 37; // enum bpf_attach_type
/** `XDP_FLAGS_SKB_MODE`: generic XDP, run on the skb after the driver. */
export const XDP_FLAGS_SKB_MODE = 2;
/** `XDP_FLAGS_DRV_MODE`: native XDP, run by the driver before any skb. */
export const XDP_FLAGS_DRV_MODE = 4;
export const ATTR_SIZE = 128; // a prefix of union bpf_attr; the kernel zero-extends it

export const EPERM = 1;
export const ENOENT = 2;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSYS = 38;
export const EOPNOTSUPP = 95;
export const ENOTSUPP = 524; // kernel-internal, leaks out of some drivers' ndo_bpf

/** syscall(2) numbers of bpf(2). */
export const SYS_BPF: Record<string, number> = { x86_64: 321, aarch64: 280 };

export const SYSCALL_SYMBOLS = {
  // long syscall(long nr, ...): three integer arguments fit the registers of any call.
  syscall: { parameters: ["i64", "i64", "buffer", "u64"], result: "i64" },
} as const;

export let sys: Deno.DynamicLibrary<typeof SYSCALL_SYMBOLS>["symbols"] | null =
  null;

/** bpf(cmd, attr, size): the result (an fd or 0), or -1 with errno set. */
export function bpf(cmd: number, attr: Uint8Array<ArrayBuffer>): number {
  const nr = SYS_BPF[Deno.build.arch];
  if (nr === undefined) {
    throw new DriverUnavailableError(
      "xdp",
      `xdp: bpf(2) syscall number unknown on ${Deno.build.arch}`,
    );
  }
  sys ??= Deno.dlopen("libc.so.6", SYSCALL_SYMBOLS).symbols;
  return Number(
    sys.syscall(BigInt(nr), BigInt(cmd), attr, BigInt(attr.byteLength)),
  );
}

export function bpfFail(call: string, hint = ""): never {
  const code = errno();
  if (code === ENOSYS) {
    throw new DriverUnavailableError(
      "xdp",
      `xdp: ${call}: this kernel has no bpf(2) (CONFIG_BPF_SYSCALL)`,
    );
  }
  if (code === EPERM) {
    throw new DriverSyscallError(
      "xdp",
      call,
      code,
      "missing privileges: loading XDP programs needs root, or CAP_BPF and CAP_NET_ADMIN",
    );
  }
  throw new DriverSyscallError("xdp", call, code, strerror(code) + hint);
}

export function attr(): { bytes: Uint8Array<ArrayBuffer>; view: DataView } {
  const bytes = new Uint8Array(ATTR_SIZE);
  return { bytes, view: new DataView(bytes.buffer) };
}

export function pointerOf(buffer: Uint8Array<ArrayBuffer>): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}

export function createMap(
  type: number,
  keySize: number,
  valueSize: number,
  entries: number,
  name: string,
): number {
  const { bytes, view } = attr();
  view.setUint32(0, type, true);
  view.setUint32(4, keySize, true);
  view.setUint32(8, valueSize, true);
  view.setUint32(12, entries, true);
  bytes.set(cString(name).subarray(0, 15), 28); // map_name[16]
  const fd = bpf(BPF_MAP_CREATE, bytes);
  if (fd < 0) bpfFail(`bpf(BPF_MAP_CREATE ${name})`);
  return fd;
}

export function updateElement(
  mapFd: number,
  key: Uint8Array<ArrayBuffer>,
  value: Uint8Array<ArrayBuffer>,
  call: string,
): void {
  const { bytes, view } = attr();
  view.setUint32(0, mapFd, true);
  view.setBigUint64(8, pointerOf(key), true);
  view.setBigUint64(16, pointerOf(value), true);
  view.setBigUint64(24, 0n, true); // BPF_ANY
  if (bpf(BPF_MAP_UPDATE_ELEM, bytes) < 0) bpfFail(call);
}

export function lookupElement(
  mapFd: number,
  key: Uint8Array<ArrayBuffer>,
  value: Uint8Array<ArrayBuffer>,
): boolean {
  const { bytes, view } = attr();
  view.setUint32(0, mapFd, true);
  view.setBigUint64(8, pointerOf(key), true);
  view.setBigUint64(16, pointerOf(value), true);
  if (bpf(BPF_MAP_LOOKUP_ELEM, bytes) < 0) {
    if (errno() === ENOENT) return false;
    bpfFail("bpf(BPF_MAP_LOOKUP_ELEM)");
  }
  return true;
}

export const LICENSE = cString("Dual MIT/GPL");

export function loadProgram(insns: Uint8Array<ArrayBuffer>): number {
  const load = (log: Uint8Array<ArrayBuffer> | null): number => {
    const { bytes, view } = attr();
    view.setUint32(0, BPF_PROG_TYPE_XDP, true);
    view.setUint32(4, insns.length / 8, true);
    view.setBigUint64(8, pointerOf(insns), true);
    view.setBigUint64(16, pointerOf(LICENSE), true);
    if (log !== null) {
      view.setUint32(24, 1, true); // log_level
      view.setUint32(28, log.byteLength, true);
      view.setBigUint64(32, pointerOf(log), true);
    }
    bytes.set(cString("zon_xdp").subarray(0, 15), 48); // prog_name[16]
    view.setUint32(68, BPF_XDP, true); // expected_attach_type
    return bpf(BPF_PROG_LOAD, bytes);
  };
  const fd = load(null);
  if (fd >= 0) return fd;
  if (errno() !== EINVAL && errno() !== 13) bpfFail("bpf(BPF_PROG_LOAD)");
  // Rejected: load again with the verifier's log, to say why.
  const log = new Uint8Array(1 << 16);
  const again = load(log);
  if (again >= 0) return again;
  const text = new TextDecoder().decode(
    log.subarray(0, Math.max(0, log.indexOf(0))),
  );
  bpfFail(
    "bpf(BPF_PROG_LOAD)",
    `; verifier: ${text.trim().split("\n").slice(-6).join(" | ")}`,
  );
}

export function programId(fd: number): number {
  const info = new Uint8Array(256); // struct bpf_prog_info prefix: type, id, ...
  const { bytes, view } = attr();
  view.setUint32(0, fd, true);
  view.setUint32(4, info.byteLength, true);
  view.setBigUint64(8, pointerOf(info), true);
  if (bpf(BPF_OBJ_GET_INFO_BY_FD, bytes) < 0) {
    bpfFail("bpf(BPF_OBJ_GET_INFO_BY_FD)");
  }
  return new DataView(info.buffer).getUint32(4, true);
}

export function closeFd(fd: number): void {
  loadLibc().close(fd);
}
