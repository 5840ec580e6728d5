import { NumberRangeList } from "./ranges.ts";

/**
 * Transport of a port in a {@link PortList}. Ports are encoded as one number,
 * `protocolBase + port`, as masscan does, so that one sorted list — and one
 * scan index — covers every protocol: TCP 0..65535, UDP 65536 + port,
 * SCTP 131072 + port.
 */
export type PortProtocol = "tcp" | "udp" | "sctp";

/** Encoding base of each protocol (masscan's Templ_TCP/UDP/SCTP offsets). */
export const PORT_PROTOCOL_BASE: Readonly<Record<PortProtocol, number>> = {
  tcp: 0,
  udp: 65536,
  sctp: 131072,
};

const PREFIX: Readonly<Record<string, PortProtocol>> = {
  T: "tcp",
  U: "udp",
  S: "sctp",
};

/**
 * A sorted list of ports to scan, parsed from masscan's `-p` syntax:
 * `80,443,8000-8100`, with `T:`, `U:` or `S:` switching the protocol for the
 * items that follow (`U:53,161,T:80` is UDP 53 and 161, TCP 80).
 *
 * @example
 * ```ts
 * import { PortList } from "@zon/net/blackrock";
 * const ports = PortList.parse("80,U:53,T:443");
 * console.log(ports.count, PortList.format(ports.pick(2))); // 3 "U:53"
 * ```
 */
export class PortList {
  /** The encoded ports as a sealed range list. */
  readonly list: NumberRangeList;

  /**
   * Wraps a sealed list of encoded ports.
   *
   * @example
   * ```ts
   * import { NumberRangeList, PortList } from "@zon/net/blackrock";
   * const list = new NumberRangeList();
   * list.add(22, 22);
   * console.log(new PortList(list.seal()).count); // 1
   * ```
   */
  constructor(list: NumberRangeList) {
    this.list = list;
  }

  /**
   * Parses a port specification; throws a `SyntaxError` naming the bad item.
   *
   * @example
   * ```ts
   * import { PortList } from "@zon/net/blackrock";
   * console.log(PortList.parse("1-3,7").count); // 4
   * try { PortList.parse("80,70000"); } catch (e) { console.log((e as Error).message); }
   * ```
   */
  static parse(spec: string): PortList {
    const list = new NumberRangeList();
    let protocol: PortProtocol = "tcp";
    for (const rawItem of spec.split(",")) {
      let item = rawItem.trim();
      if (item === "") {
        throw new SyntaxError(`bad port list "${spec}": empty item`);
      }
      const prefix = /^([A-Za-z]):/.exec(item);
      if (prefix) {
        const p = PREFIX[prefix[1].toUpperCase()];
        if (!p) {
          throw new SyntaxError(
            `bad port "${rawItem}": unknown protocol prefix "${
              prefix[1]
            }:" (expected T:, U: or S:)`,
          );
        }
        protocol = p;
        item = item.slice(2);
      }
      const m = /^(\d+)(?:-(\d+))?$/.exec(item);
      if (!m) {
        throw new SyntaxError(
          `bad port "${rawItem}": expected a port 0..65535 or a range like 8000-8100`,
        );
      }
      const first = Number(m[1]),
        last = m[2] === undefined ? first : Number(m[2]);
      for (const p of [first, last]) {
        if (p > 65535) {
          throw new SyntaxError(
            `bad port "${rawItem}": ${p} is not in 0..65535`,
          );
        }
      }
      if (last < first) {
        throw new SyntaxError(
          `bad port range "${rawItem}": ${first} is greater than ${last}`,
        );
      }
      const base = PORT_PROTOCOL_BASE[protocol];
      list.add(base + first, base + last);
    }
    return new PortList(list.seal());
  }

  /**
   * Number of ports.
   *
   * @example
   * ```ts
   * import { PortList } from "@zon/net/blackrock";
   * console.log(PortList.parse("U:53,T:53").count); // 2
   * ```
   */
  get count(): number {
    return this.list.count;
  }

  /**
   * The `index`-th encoded port in sorted order (TCP, then UDP, then SCTP).
   *
   * @example
   * ```ts
   * import { PortList } from "@zon/net/blackrock";
   * console.log(PortList.parse("U:53,T:80").pick(0)); // 80 (TCP sorts before UDP)
   * ```
   */
  pick(index: number): number {
    return this.list.pick(index);
  }

  /**
   * The protocol of an encoded port.
   *
   * @example
   * ```ts
   * import { PortList } from "@zon/net/blackrock";
   * console.log(PortList.protocol(65536 + 53)); // "udp"
   * ```
   */
  static protocol(encoded: number): PortProtocol {
    return encoded < PORT_PROTOCOL_BASE.udp
      ? "tcp"
      : encoded < PORT_PROTOCOL_BASE.sctp
      ? "udp"
      : "sctp";
  }

  /**
   * The port number (0..65535) of an encoded port.
   *
   * @example
   * ```ts
   * import { PortList } from "@zon/net/blackrock";
   * console.log(PortList.number(65536 + 53)); // 53
   * ```
   */
  static number(encoded: number): number {
    return encoded & 0xffff;
  }

  /**
   * An encoded port as text: `80` for TCP, `U:53` for UDP, `S:9` for SCTP.
   *
   * @example
   * ```ts
   * import { PortList } from "@zon/net/blackrock";
   * console.log(PortList.format(80), PortList.format(65536 + 53)); // "80" "U:53"
   * ```
   */
  static format(encoded: number): string {
    const p = PortList.protocol(encoded);
    const n = encoded & 0xffff;
    return p === "tcp" ? String(n) : p === "udp" ? `U:${n}` : `S:${n}`;
  }
}
