/**
 * The `xdp:` driver's receive program, built and loaded without libbpf: the
 * program itself (documented instruction by instruction, assembled by
 * `_ebpf.ts`), and the `bpf(2)` calls (`_bpf.ts`) that create its two maps,
 * load it and attach it to an interface through a BPF link.
 *
 * The program redirects to the AF_XDP socket of the receiving queue only
 * what the scan wants (IPv4/IPv6 TCP and UDP to the scan's source address
 * and source-port range, ARP for that IPv4 address, NDP for that IPv6
 * address, optionally ICMP to the address) and returns `XDP_PASS` for every
 * other frame, so the host's own traffic on the interface is untouched. The
 * scan's parameters live in a one-entry array map, not in the instructions.
 *
 * A BPF link belongs to its file descriptor: closing it, or the process
 * dying, detaches the program. It is never pinned.
 *
 * @module
 */

import { errno, strerror } from "./_libc.ts";
import {
  attr,
  bpf,
  BPF_LINK_CREATE,
  BPF_MAP_TYPE_ARRAY,
  BPF_MAP_TYPE_XSKMAP,
  BPF_XDP,
  bpfFail,
  closeFd,
  createMap,
  EBUSY,
  EEXIST,
  EINVAL,
  ENOTSUPP,
  EOPNOTSUPP,
  loadProgram,
  lookupElement,
  programId,
  updateElement,
  XDP_FLAGS_DRV_MODE,
  XDP_FLAGS_SKB_MODE,
} from "./_bpf.ts";
import { Assembler } from "./_ebpf.ts";
import { DriverError } from "./types.ts";

// -------------------------------------------------------------- program

/** Layout of the parameter map's one value (`PARAMS_SIZE` bytes). */
const P_IPV4 = 0; // be32: the scan's IPv4 source address (0: none)
const P_PORT_LOW = 4; // u16 host order: first source port
const P_PORT_HIGH = 6; // u16 host order: last source port
const P_IPV6 = 8; // 16 bytes: the scan's IPv6 source address (:: = none)
const P_FLAGS = 24; // u32: MATCH_ICMP4 | MATCH_ICMP6 | MATCH_NEIGHBORS
const PARAMS_SIZE = 28;
const MATCH_ICMP4 = 1;
const MATCH_ICMP6 = 2;
const MATCH_NEIGHBORS = 4;

// Helper ids (enum bpf_func_id) and XDP verdicts.
const HELPER_MAP_LOOKUP_ELEM = 1;
const HELPER_REDIRECT_MAP = 51;
const XDP_PASS = 2;

// Offsets in struct xdp_md (the program's context) and in the frame.
const MD_DATA = 0, MD_DATA_END = 4, MD_RX_QUEUE_INDEX = 16;
const ETH_TYPE = 12, ETH_LEN = 14;
// Ethertypes as a little-endian 16-bit load of their network-order bytes sees them.
const LE_IPV4 = 0x0008, LE_ARP = 0x0608, LE_IPV6 = 0xdd86;

// Registers: r0 result, r1-r5 arguments (clobbered by calls), r6-r9 kept, r10 frame pointer.
const R0 = 0,
  R1 = 1,
  R2 = 2,
  R3 = 3,
  R4 = 4,
  R5 = 5,
  R6 = 6,
  R7 = 7,
  R8 = 8,
  R10 = 10;

/** Compares the 16 bytes at `frame + at` with the IPv6 address in the parameters; jumps to `miss` on a difference. */
function sameIpv6(a: Assembler, at: number, miss: string): void {
  for (let word = 0; word < 4; word++) {
    a.load("w", R5, R2, at + 4 * word) // r5 = 4 bytes of the frame's address
      .load("w", R8, R7, P_IPV6 + 4 * word) // r8 = the same 4 of ours
      .jne(R5, R8, miss); // differ: not ours
  }
}

/**
 * Assembles the receive program with the file descriptors of its parameter
 * map and its XSKMAP. Register use: r6 = context, r7 = parameters, r2 =
 * frame start, r3 = frame end; r4/r5/r8 scratch.
 *
 * @example
 * ```ts
 * import { assembleProgram } from "@zon/net/drivers";
 * const insns = assembleProgram(3, 4);
 * console.log(insns.length % 8); // 0: 8 bytes per instruction
 * ```
 */
export function assembleProgram(
  paramsFd: number,
  xsksFd: number,
): Uint8Array<ArrayBuffer> {
  const a = new Assembler();
  // Look the parameters up first: the call clobbers r1-r5.
  a.mov(R6, R1) // r6 = ctx (struct xdp_md *), kept across calls
    .storeImm("w", R10, -4, 0) // *(u32 *)(fp - 4) = 0: the map key
    .mov(R2, R10) // r2 = frame pointer
    .addImm(R2, -4) // r2 = &key
    .loadMap(R1, paramsFd) // r1 = &params map
    .call(HELPER_MAP_LOOKUP_ELEM) // r0 = &params[0] or NULL
    .jeqImm(R0, 0, "pass") // no value: pass everything
    .mov(R7, R0) // r7 = params
    .load("w", R2, R6, MD_DATA) // r2 = frame start
    .load("w", R3, R6, MD_DATA_END) // r3 = frame end
    .mov(R4, R2) // r4 = frame start
    .addImm(R4, ETH_LEN) // r4 = end of the bytes read next
    .jgt(R4, R3, "pass") // shorter than an Ethernet header
    .load("h", R5, R2, ETH_TYPE) // r5 = ethertype
    .jeqImm(R5, LE_IPV4, "ipv4") // 0x0800
    .jeqImm(R5, LE_ARP, "arp") // 0x0806
    .jeqImm(R5, LE_IPV6, "ipv6") // 0x86dd
    .jmp("pass"); // any other ethertype belongs to the host

  // IPv4: destination must be our address.
  a.label("ipv4")
    .mov(R4, R2) // r4 = frame start
    .addImm(R4, ETH_LEN + 20) // r4 = end of the bytes read next
    .jgt(R4, R3, "pass") // shorter than a minimal IPv4 header
    .load("w", R5, R2, ETH_LEN + 16) // r5 = destination address
    .load("w", R8, R7, P_IPV4) // r8 = ours
    .jne(R5, R8, "pass") // not to us: the host's
    .load("b", R5, R2, ETH_LEN + 9) // r5 = protocol
    .jeqImm(R5, 6, "ipv4_ports") // TCP
    .jeqImm(R5, 17, "ipv4_ports") // UDP
    .jneImm(R5, 1, "pass") // neither ICMP: the host's
    .load("w", R5, R7, P_FLAGS) // r5 = match flags
    .jsetImm(R5, MATCH_ICMP4, "redirect") // ICMP to us, if asked for
    .jmp("pass"); // not asked for: the host's
  a.label("ipv4_ports")
    .load("b", R5, R2, ETH_LEN) // r5 = version | IHL
    .andImm(R5, 15) // r5 = IHL (32-bit words)
    .lshImm(R5, 2) // r5 = IPv4 header length, 0..60
    .mov(R4, R2) // r4 = frame start
    .add(R4, R5) // r4 = frame + IP header length (a bounded variable offset)
    .mov(R5, R4) // r5 = frame + IP header length
    .addImm(R5, ETH_LEN + 4) // r5 = end of the bytes read next
    .jgt(R5, R3, "pass") // no room for the two ports
    .load("h", R5, R4, ETH_LEN + 2) // r5 = destination port (network order)
    .jmp("ports");

  // ARP: the target protocol address must be ours.
  a.label("arp")
    .mov(R4, R2) // r4 = frame start
    .addImm(R4, ETH_LEN + 28) // r4 = end of the bytes read next
    .jgt(R4, R3, "pass") // shorter than an Ethernet/IPv4 ARP packet
    .load("w", R5, R2, ETH_LEN + 24) // r5 = target protocol address
    .load("w", R8, R7, P_IPV4) // r8 = ours
    .jne(R5, R8, "pass") // about another address: the host's
    .load("w", R5, R7, P_FLAGS) // r5 = match flags
    .jsetImm(R5, MATCH_NEIGHBORS, "redirect") // ARP for our address, if asked for
    .jmp("pass"); // not asked for (the host owns the address): the host's

  // IPv6 (no extension headers: the scanner's replies carry none).
  a.label("ipv6")
    .mov(R4, R2) // r4 = frame start
    .addImm(R4, ETH_LEN + 40 + 4) // r4 = end of the bytes read next
    .jgt(R4, R3, "pass") // no room for a header and two ports
    .load("b", R5, R2, ETH_LEN + 6) // r5 = next header
    .jeqImm(R5, 58, "icmp6") // ICMPv6
    .jeqImm(R5, 6, "ipv6_ports") // TCP
    .jeqImm(R5, 17, "ipv6_ports") // UDP
    .jmp("pass"); // anything else: the host's
  a.label("ipv6_ports");
  sameIpv6(a, ETH_LEN + 24, "pass"); // destination must be ours
  a.load("h", R5, R2, ETH_LEN + 40 + 2) // r5 = destination port (network order)
    .jmp("ports");
  a.label("icmp6")
    .mov(R4, R2) // r4 = frame start
    .addImm(R4, ETH_LEN + 40 + 24) // r4 = end of the bytes read next
    .jgt(R4, R3, "icmp6_other") // too short for NDP
    .load("b", R5, R2, ETH_LEN + 40) // r5 = ICMPv6 type
    .jeqImm(R5, 135, "ndp") // neighbour solicitation
    .jeqImm(R5, 136, "ndp") // neighbour advertisement
    .jmp("icmp6_other");
  a.label("ndp");
  sameIpv6(a, ETH_LEN + 40 + 8, "pass"); // the target address must be ours
  a.load("w", R5, R7, P_FLAGS) // r5 = match flags
    .jsetImm(R5, MATCH_NEIGHBORS, "redirect") // NDP about our address, if asked for
    .jmp("pass"); // not asked for (the host owns the address): the host's
  a.label("icmp6_other")
    .load("w", R5, R7, P_FLAGS) // r5 = match flags
    .jsetImm(R5, MATCH_ICMP6, "icmp6_ours") // other ICMPv6 only if asked for
    .jmp("pass"); // not asked for: the host's
  a.label("icmp6_ours");
  sameIpv6(a, ETH_LEN + 24, "pass"); // destination must be ours
  a.jmp("redirect"); // ICMPv6 to us

  // Ports: the destination port (r5) must be in our source-port range.
  a.label("ports")
    .be16(R5) // network → host order
    .load("h", R8, R7, P_PORT_LOW) // r8 = first port of ours
    .jlt(R5, R8, "pass") // below the range
    .load("h", R8, R7, P_PORT_HIGH) // r8 = last port of ours
    .jgt(R5, R8, "pass"); // above the range

  // Ours: to the AF_XDP socket of the queue that received it.
  a.label("redirect")
    .loadMap(R1, xsksFd) // r1 = &XSKMAP
    .load("w", R2, R6, MD_RX_QUEUE_INDEX) // r2 = the receiving queue
    .movImm(R3, XDP_PASS) // flags: no socket on this queue → XDP_PASS
    .call(HELPER_REDIRECT_MAP) // r0 = XDP_REDIRECT (or XDP_PASS)
    .exit();
  a.label("pass")
    .movImm(R0, XDP_PASS) // everything else: the kernel's stack
    .exit();
  return a.assemble();
}

// --------------------------------------------------------------- public

/**
 * What the `xdp:` receive program redirects to the socket. Addresses are
 * dotted IPv4 and full or compressed IPv6 text; ports are inclusive.
 *
 * @example
 * ```ts
 * import type { XdpMatch } from "@zon/net/drivers";
 * const match: XdpMatch = { ipv4: "198.18.0.9", portLow: 61000, portHigh: 61000 };
 * ```
 */
export interface XdpMatch {
  /** The scan's IPv4 source address: TCP/UDP to it in the port range and ARP for it are redirected. */
  ipv4?: string;
  /** The scan's IPv6 source address: TCP/UDP to it in the port range and NDP for it are redirected. */
  ipv6?: string;
  /** First source port (default 0). */
  portLow?: number;
  /** Last source port (default `portLow`, or 65535 when `portLow` is absent). */
  portHigh?: number;
  /** Also redirect ICMPv4 to the IPv4 address and non-NDP ICMPv6 to the IPv6 address (default false). */
  icmp?: boolean;
  /**
   * Redirect ARP and NDP about the addresses (default true): for a scan
   * from an address the host does not own, whose neighbour requests the
   * program's owner answers. Set false when the host owns the address, or it
   * stops answering ARP/NDP for it while the program runs.
   */
  neighbors?: boolean;
}

function ipv4Bytes(text: string): Uint8Array {
  const parts = text.split(".");
  const bytes = parts.map((p) => /^\d{1,3}$/.test(p) ? Number(p) : NaN);
  if (bytes.length !== 4 || bytes.some((b) => !(b >= 0 && b <= 255))) {
    throw new DriverError("xdp", `xdp: "${text}" is not an IPv4 address`);
  }
  return new Uint8Array(bytes);
}

function ipv6Bytes(text: string): Uint8Array {
  const bad = () =>
    new DriverError("xdp", `xdp: "${text}" is not an IPv6 address`);
  const halves = text.split("::");
  if (halves.length > 2) throw bad();
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) throw bad();
  const all = [
    ...head,
    ...Array(halves.length === 2 ? fill : 0).fill("0"),
    ...tail,
  ];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw bad();
    const v = Number.parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/**
 * Encodes an {@linkcode XdpMatch} as the parameter map's value.
 *
 * @example
 * ```ts
 * import { encodeXdpMatch } from "@zon/net/drivers";
 * console.log(encodeXdpMatch({ ipv4: "198.18.0.9", portLow: 61000 }).length); // 28
 * ```
 */
export function encodeXdpMatch(match: XdpMatch): Uint8Array<ArrayBuffer> {
  const value = new Uint8Array(PARAMS_SIZE);
  const view = new DataView(value.buffer);
  if (match.ipv4 !== undefined) value.set(ipv4Bytes(match.ipv4), P_IPV4);
  if (match.ipv6 !== undefined) value.set(ipv6Bytes(match.ipv6), P_IPV6);
  const low = match.portLow ?? 0;
  const high = match.portHigh ?? (match.portLow === undefined ? 65535 : low);
  for (const [name, port] of [["portLow", low], ["portHigh", high]] as const) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new DriverError(
        "xdp",
        `xdp: ${name} must be a port 0..65535, got ${port}`,
      );
    }
  }
  if (high < low) {
    throw new DriverError(
      "xdp",
      `xdp: portHigh ${high} is below portLow ${low}`,
    );
  }
  view.setUint16(P_PORT_LOW, low, true);
  view.setUint16(P_PORT_HIGH, high, true);
  const flags = (match.icmp ? MATCH_ICMP4 | MATCH_ICMP6 : 0) |
    (match.neighbors ?? true ? MATCH_NEIGHBORS : 0);
  view.setUint32(P_FLAGS, flags, true);
  return value;
}

/** How an XDP program runs on an interface. */
export type XdpAttachMode = "native" | "generic";

/**
 * The loaded receive program with its maps and its link; `close` detaches
 * it (so does the process's death: the link is never pinned).
 *
 * @example
 * ```ts ignore
 * import { XdpProgram } from "@zon/net/drivers";
 * const program = XdpProgram.load({ ipv4: "198.18.0.9", portLow: 61000 }, 1);
 * program.bindSocket(0, xskFd);
 * program.attach(ifindex, "eth0");
 * program.close();
 * ```
 */
export class XdpProgram {
  /** The program's fd. */
  readonly fd: number;
  /** The kernel's id of the program (what `ip link` shows as `prog/xdp id`). */
  readonly id: number;
  /** Number of eBPF instructions. */
  readonly instructions: number;
  /** The XSKMAP's fd (queue → socket). */
  readonly xsksFd: number;
  /** The parameter map's fd. */
  readonly paramsFd: number;
  #linkFd = -1;
  #attachMode: XdpAttachMode | null = null;
  #closed = false;

  private constructor(
    fd: number,
    id: number,
    n: number,
    xsks: number,
    params: number,
  ) {
    this.fd = fd;
    this.id = id;
    this.instructions = n;
    this.xsksFd = xsks;
    this.paramsFd = params;
  }

  /** How the program is attached, or null before `attach`. */
  get attachMode(): XdpAttachMode | null {
    return this.#attachMode;
  }

  /**
   * Creates the maps (an XSKMAP of `queues` entries, the one-entry parameter
   * array), stores `match`, and loads the program. On a verifier rejection
   * the error carries the verifier's log.
   *
   * @example
   * ```ts ignore
   * const program = XdpProgram.load({ ipv4: "198.18.0.9" }, 1);
   * ```
   */
  static load(match: XdpMatch, queues: number): XdpProgram {
    const value = encodeXdpMatch(match);
    const fds: number[] = [];
    try {
      const xsks = createMap(BPF_MAP_TYPE_XSKMAP, 4, 4, queues, "zon_xsks");
      fds.push(xsks);
      const params = createMap(
        BPF_MAP_TYPE_ARRAY,
        4,
        PARAMS_SIZE,
        1,
        "zon_params",
      );
      fds.push(params);
      updateElement(
        params,
        new Uint8Array(4),
        value,
        "bpf(BPF_MAP_UPDATE_ELEM params)",
      );
      const insns = assembleProgram(params, xsks);
      const fd = loadProgram(insns);
      fds.push(fd);
      return new XdpProgram(fd, programId(fd), insns.length / 8, xsks, params);
    } catch (e) {
      for (const fd of fds) closeFd(fd);
      throw e;
    }
  }

  /**
   * Replaces the scan's parameters while the program runs.
   *
   * @example
   * ```ts ignore
   * program.setMatch({ ipv4: "198.18.0.10", portLow: 40000, portHigh: 40999 });
   * ```
   */
  setMatch(match: XdpMatch): void {
    updateElement(
      this.paramsFd,
      new Uint8Array(4),
      encodeXdpMatch(match),
      "bpf(BPF_MAP_UPDATE_ELEM params)",
    );
  }

  /**
   * The parameter map's value as the kernel holds it.
   *
   * @example
   * ```ts ignore
   * console.log(program.readMatch().length); // 28
   * ```
   */
  readMatch(): Uint8Array {
    const value = new Uint8Array(PARAMS_SIZE);
    lookupElement(this.paramsFd, new Uint8Array(4), value);
    return value;
  }

  /**
   * Points XSKMAP entry `queue` at the AF_XDP socket `socketFd` (bound).
   *
   * @example
   * ```ts ignore
   * program.bindSocket(0, xskFd);
   * ```
   */
  bindSocket(queue: number, socketFd: number): void {
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, queue, true);
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint32(0, socketFd, true);
    updateElement(this.xsksFd, key, value, "bpf(BPF_MAP_UPDATE_ELEM xskmap)");
  }

  /**
   * Attaches through a BPF link: native mode first, generic when the
   * driver has no native XDP (or `mode` forces one). Never replaces a
   * program already on the interface: that is an error naming it.
   *
   * @example
   * ```ts ignore
   * program.attach(ifindex, "eth0"); // "native" on veth
   * ```
   */
  attach(ifindex: number, device: string, mode?: XdpAttachMode): XdpAttachMode {
    const tries: XdpAttachMode[] = mode ? [mode] : ["native", "generic"];
    for (const want of tries) {
      const { bytes, view } = attr();
      view.setUint32(0, this.fd, true);
      view.setUint32(4, ifindex, true);
      view.setUint32(8, BPF_XDP, true);
      view.setUint32(
        12,
        want === "native" ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE,
        true,
      );
      const fd = bpf(BPF_LINK_CREATE, bytes);
      if (fd >= 0) {
        this.#linkFd = fd;
        this.#attachMode = want;
        return want;
      }
      const code = errno();
      if (code === EBUSY || code === EEXIST) {
        throw new DriverError(
          "xdp",
          `xdp: ${device} already has an XDP program attached (bpf(BPF_LINK_CREATE): ${
            strerror(code)
          }); ` +
            `zon never replaces another program: see \`ip link show dev ${device}\`, ` +
            `detach it yourself (\`ip link set dev ${device} xdp off\`) if it is not needed`,
        );
      }
      const unsupported = code === EOPNOTSUPP || code === ENOTSUPP ||
        code === EINVAL;
      if (!(unsupported && want === "native" && tries.length > 1)) {
        bpfFail(`bpf(BPF_LINK_CREATE ${want} on ${device})`);
      }
    }
    throw new Error("unreachable");
  }

  /**
   * Detaches (closes the link) and frees the program and its maps; idempotent.
   *
   * @example
   * ```ts ignore
   * program.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#linkFd >= 0) closeFd(this.#linkFd); // detaches the program
    this.#linkFd = -1;
    this.#attachMode = null;
    for (const fd of [this.fd, this.xsksFd, this.paramsFd]) closeFd(fd);
  }
}
