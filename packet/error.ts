/**
 * Why a view's `check()` rejected its bytes. Views return these instead of
 * throwing, so a receive loop can drop a bad packet without a try/catch or an
 * allocation.
 *
 * - `"truncated"`: the buffer ends before the fixed header does;
 * - `"bad-version"`: the IP version nibble is wrong for the view;
 * - `"header-too-short"`: a header-length field is below the minimum;
 * - `"header-beyond-buffer"`: a header-length field points past the buffer;
 * - `"length-beyond-buffer"`: a total/payload length field points past the
 *   buffer;
 * - `"length-too-short"`: a total length is below the header length;
 * - `"bad-option"`: an option or extension header runs past its space;
 * - `"unsupported"`: a field value the view does not handle (e.g. ARP for a
 *   hardware type other than Ethernet).
 *
 * @example
 * ```ts
 * import { Ipv4Packet, type PacketError } from "./mod.ts";
 * const error: PacketError | null = new Ipv4Packet(new Uint8Array(10)).check();
 * // error === "truncated"
 * ```
 */
export type PacketError =
  | "truncated"
  | "bad-version"
  | "header-too-short"
  | "header-beyond-buffer"
  | "length-beyond-buffer"
  | "length-too-short"
  | "bad-option"
  | "unsupported";

/** Shared empty buffer for views constructed before being pointed anywhere. */
export const EMPTY: Uint8Array = new Uint8Array(0);
