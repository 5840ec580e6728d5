/**
 * A user-mode TCP client for stateless scanners (masscan's `--banners`
 * machinery): the kernel never sees these connections.
 *
 * - {@linkcode TcpStack}: picks a connection up at a SYN-ACK whose
 *   ack − 1 is the scanner's SYN cookie, ACKs it with the application's
 *   hello, reads server segments in order (a bounded out-of-order hold,
 *   duplicate ACKs for gaps, retransmissions recognised and re-ACKed),
 *   answers FIN with FIN+ACK, honours in-window RSTs, and resets on
 *   completion, byte cap or timeout. Named states: {@linkcode TcpState}.
 * - {@linkcode ConnectionTable}: fixed capacity, open addressing keyed by
 *   the IPv4 or IPv6 4-tuple, stable slot numbers, no allocation after
 *   construction.
 * - {@linkcode TimerWheel}: one timer per slot, O(1) schedule/cancel/fire.
 *
 * Frames in are `ParsedFrame`s from `packet/`; frames out are written
 * through a callback compatible with a driver's `sendWith`, so they go
 * straight into the transmit ring. IPv4 and IPv6: give `synCookie6` (and
 * `routerMac6`) and IPv6 SYN-ACKs open connections too, keyed by the IPv6
 * 4-tuple and answered with IPv6 frames.
 *
 * The host kernel must not answer these connections itself: use a source
 * address the kernel does not own (and answer ARP for it), or drop the
 * kernel's RSTs for the scanner's source ports with a firewall rule.
 *
 * @example
 * ```ts
 * import { ParsedFrame, parseFrame } from "../packet/mod.ts";
 * import { CloseReason, closeReasonName, TcpStack } from "./mod.ts";
 *
 * const banners = new Map<number, string>();
 * const decoder = new TextDecoder();
 * const stack = new TcpStack({
 *   capacity: 10_000,
 *   sourceMac: new Uint8Array([2, 0, 0, 0, 0, 1]),
 *   routerMac: new Uint8Array([2, 0, 0, 0, 0, 2]),
 *   synCookie: (_ip, _port, _me, _myPort) => 0x12345678, // synCookie4(...) in a scanner
 *   send: (_write) => true, // (write) => driver.sendWith(write)
 *   app: {
 *     open: () => 0, // server speaks first
 *     receive: (slot, bytes, start, end) => {
 *       banners.set(slot, (banners.get(slot) ?? "") + decoder.decode(bytes.subarray(start, end)));
 *       return banners.get(slot)!.includes("\n");
 *     },
 *     close: (slot, reason: CloseReason) => console.log(banners.get(slot), closeReasonName(reason)),
 *   },
 * });
 * const parsed = new ParsedFrame();
 * function onFrame(frame: Uint8Array): void {
 *   if (parseFrame(frame, parsed) === "tcp") stack.receive(frame, parsed, performance.now());
 * }
 * onFrame(new Uint8Array(60));
 * stack.poll(performance.now());
 * ```
 *
 * @module
 */

export { ConnectionTable } from "./table.ts";
export { TimerWheel } from "./timer_wheel.ts";
export { CloseReason, closeReasonName, TcpInput, TcpState } from "./state.ts";
export {
  type FrameWriter,
  type TcpApplication,
  TcpStack,
  type TcpStackOptions,
  type TcpStackStats,
} from "./stack.ts";
export type { FrameKind, PacketError, ParsedFrame } from "../packet/mod.ts";
