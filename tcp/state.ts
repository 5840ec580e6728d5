/**
 * Named states, close reasons and receive outcomes of the user-mode TCP
 * client in {@linkcode TcpStack}.
 *
 * @module
 */

/**
 * Where one connection is. The scanner's stateless SYN is not a state:
 * a connection begins when a cookie-validated SYN-ACK arrives.
 *
 * - `FREE`: the slot holds no connection.
 * - `HELLO_SENT`: the handshake's ACK went out carrying a hello that the
 *   server has not acknowledged yet (retransmitted on a timer). Server data
 *   is already accepted here.
 * - `RECEIVING`: nothing of ours is unacknowledged (hello acked, or the
 *   protocol speaks first and there was no hello); reading the banner.
 *
 * Transitions (all in `TcpStack`):
 * `FREE →(SYN-ACK, cookie ok, hello)→ HELLO_SENT`,
 * `FREE →(SYN-ACK, cookie ok, no hello)→ RECEIVING`,
 * `HELLO_SENT →(ACK covers hello)→ RECEIVING`,
 * `any →(app done | byte cap | FIN | RST | timeout)→ FREE` (with a
 * {@linkcode CloseReason}).
 *
 * @example
 * ```ts
 * import { TcpState } from "./mod.ts";
 * const describe = (s: TcpState) => s === TcpState.RECEIVING ? "reading" : "other";
 * ```
 */
export const TcpState = {
  FREE: 0,
  HELLO_SENT: 1,
  RECEIVING: 2,
} as const;
/** A {@linkcode TcpState} value. */
export type TcpState = typeof TcpState[keyof typeof TcpState];

/**
 * Why a connection ended, as passed to `TcpApplication.close`.
 *
 * - `COMPLETE`: the application said it had what it wanted (we send RST).
 * - `BYTE_CAP`: the per-connection byte cap was reached (we send RST).
 * - `REMOTE_FIN`: the server closed after sending everything in order
 *   (we answer FIN+ACK).
 * - `REMOTE_RESET`: the server sent an acceptable RST.
 * - `TIMEOUT`: the connection timeout expired (we send RST).
 * - `ABORTED`: `closeAll` at the end of a scan (we send RST).
 *
 * @example
 * ```ts
 * import { CloseReason, closeReasonName } from "./mod.ts";
 * closeReasonName(CloseReason.TIMEOUT); // "timeout"
 * ```
 */
export const CloseReason = {
  COMPLETE: 0,
  BYTE_CAP: 1,
  REMOTE_FIN: 2,
  REMOTE_RESET: 3,
  TIMEOUT: 4,
  ABORTED: 5,
} as const;
/** A {@linkcode CloseReason} value. */
export type CloseReason = typeof CloseReason[keyof typeof CloseReason];

const CLOSE_REASON_NAMES: readonly string[] = [
  "complete",
  "byte-cap",
  "remote-fin",
  "remote-reset",
  "timeout",
  "aborted",
];

/**
 * A close reason as lowercase text (`"remote-fin"`, ...).
 *
 * @example
 * ```ts
 * import { CloseReason, closeReasonName } from "./mod.ts";
 * closeReasonName(CloseReason.REMOTE_FIN); // "remote-fin"
 * ```
 */
export function closeReasonName(reason: CloseReason): string {
  return CLOSE_REASON_NAMES[reason] ?? `${reason}`;
}

/**
 * What `TcpStack.receive` did with a frame.
 *
 * @example
 * ```ts
 * import { TcpInput } from "./mod.ts";
 * TcpInput.OPENED; // 1
 * ```
 */
export const TcpInput = {
  /** Not for this stack: not IPv4 TCP, or no connection and not a SYN-ACK. */
  IGNORED: 0,
  /** A valid SYN-ACK opened a connection. */
  OPENED: 1,
  /** A segment of an open connection was processed. */
  SEGMENT: 2,
  /** A SYN-ACK whose ack − 1 is not our cookie: dropped. */
  BAD_COOKIE: 3,
  /** A valid SYN-ACK, but the table is full: answered with RST. */
  TABLE_FULL: 4,
} as const;
/** A {@linkcode TcpInput} value. */
export type TcpInput = typeof TcpInput[keyof typeof TcpInput];
