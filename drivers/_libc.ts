// libc through Deno.dlopen: the syscalls the AF_PACKET and netmap drivers
// need, errno, poll(2), and small helpers. Internal to drivers/.

import { DriverSyscallError } from "./types.ts";

/** libc symbols. 64-bit ssize_t results are read as i32 (same register; values fit) to avoid a BigInt per call. */
export const LIBC_SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  setsockopt: {
    parameters: ["i32", "i32", "i32", "buffer", "u32"],
    result: "i32",
  },
  getsockopt: {
    parameters: ["i32", "i32", "i32", "buffer", "buffer"],
    result: "i32",
  },
  mmap: {
    parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"],
    result: "pointer",
  },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  sendto: {
    parameters: ["i32", "pointer", "usize", "i32", "pointer", "u32"],
    result: "i32",
  },
  close: { parameters: ["i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  ioctl: { parameters: ["i32", "u64", "pointer"], result: "i32" },
  if_nametoindex: { parameters: ["buffer"], result: "u32" },
  __errno_location: { parameters: [], result: "pointer" },
  strerror: { parameters: ["i32"], result: "pointer" },
  abs: { parameters: ["i32"], result: "i32" },
} as const;

/** The loaded libc. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

let libc: Libc | null = null;
let errnoView: Deno.UnsafePointerView | null = null;

/** Loads libc once per thread (each Worker has its own). */
export function loadLibc(): Libc {
  if (libc === null) {
    libc = Deno.dlopen("libc.so.6", LIBC_SYMBOLS).symbols;
    // errno's address is fixed per thread: one view, no allocation per read.
    errnoView = new Deno.UnsafePointerView(libc.__errno_location()!);
  }
  return libc;
}

/** The calling thread's errno. */
export function errno(): number {
  loadLibc();
  return errnoView!.getInt32();
}

/** strerror(code). */
export function strerror(code: number): string {
  const p = loadLibc().strerror(code);
  return p === null ? `errno ${code}` : Deno.UnsafePointerView.getCString(p);
}

/** Throws a DriverSyscallError for `call` with the current errno. */
export function fail(driver: string, call: string): never {
  const code = errno();
  throw new DriverSyscallError(driver, call, code, strerror(code));
}

/** NUL-terminated UTF-8 copy of `s`. */
export function cString(s: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** Text up to the first NUL of `buf`. */
export function fromCString(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  return new TextDecoder().decode(end < 0 ? buf : buf.subarray(0, end));
}

export const POLLIN = 0x1;
export const POLLOUT = 0x4;
export const EAGAIN = 11;
export const ENOBUFS = 105;
export const EINTR = 4;

/**
 * poll(2) on one fd: reuses a per-thread pollfd buffer. Returns the revents
 * (0 on timeout).
 */
const pollfd = new Uint8Array(8);
const pollView = new DataView(pollfd.buffer);
export function pollOne(fd: number, events: number, timeoutMs: number): number {
  const c = loadLibc();
  pollView.setInt32(0, fd, true);
  pollView.setInt16(4, events, true);
  pollView.setInt16(6, 0, true);
  const r = c.poll(pollfd, 1n, timeoutMs);
  if (r < 0) {
    if (errno() === EINTR) return 0;
    fail("poll", "poll");
  }
  return r === 0 ? 0 : pollView.getInt16(6, true);
}

/** Clamps a millisecond timeout to poll(2)'s int (Infinity/negative: wait forever). */
export function pollTimeout(timeoutMs: number): number {
  if (!(timeoutMs >= 0) || timeoutMs === Infinity) return -1;
  return Math.min(Math.ceil(timeoutMs), 2 ** 31 - 1);
}

/** Index of a network interface, or a DriverSyscallError naming it. */
export function interfaceIndex(driver: string, name: string): number {
  const index = loadLibc().if_nametoindex(cString(name));
  if (index === 0) {
    const code = errno();
    throw new DriverSyscallError(
      driver,
      `if_nametoindex("${name}")`,
      code,
      `no such network interface: ${name}`,
    );
  }
  return index;
}

/** MTU of a network interface from sysfs (1500 when unreadable). */
export function interfaceMtu(name: string): number {
  try {
    return Number.parseInt(
      Deno.readTextFileSync(`/sys/class/net/${name}/mtu`).trim(),
      10,
    ) || 1500;
  } catch {
    return 1500;
  }
}

/** Unsigned 64-bit value of a pointer as a number (exact below 2^53, which user-space addresses are). */
export function addressOf(p: Deno.PointerValue): number {
  return p === null ? 0 : Number(Deno.UnsafePointer.value(p));
}
