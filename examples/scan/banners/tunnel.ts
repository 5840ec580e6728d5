/**
 * One direct-TLS (or PostgreSQL STARTTLS) connection's tunnel, for the
 * banner decoder: the {@linkcode TlsTunnel} finishes the handshake; once
 * it is open, the decoder that runs inside starts with the port's plan
 * (a probe, or listen) and hello (the HTTP request), gets the decrypted
 * bytes, and what it sends goes back sealed. The session says when the
 * connection has nothing more to give, and hands over the inner banner.
 *
 * @module
 */

import { concatBytes } from "../../../decoders/tls_record.ts";
import { TlsTunnel } from "../../../decoders/tls_tunnel.ts";
import type { Banner, ConnectionPlan } from "./banner.ts";
import type { TunnelHello } from "./hellos.ts";

/** What a session needs of the decoder that runs inside the tunnel. */
export interface InnerDecoder {
  /** Starts the inner connection; returns the bytes to send first. */
  start(port: number, plan: ConnectionPlan): Uint8Array | null;
  /** Decrypted server bytes. */
  push(bytes: Uint8Array, start: number, end: number): void;
  /** Bytes to send inside, or null. */
  takeSend(): Uint8Array | null;
  /** True when nothing more is wanted. */
  readonly done: boolean;
  /** The inner banner (null: the server sent nothing inside). */
  finish(ip: number, port: number): Banner | null;
}

const LISTEN: ConnectionPlan = { kind: "listen" };

/** A tunnel and the decoder inside it. */
export class TunnelSession {
  /** The TLS client (certificates, then the tunnel). */
  readonly tunnel: TlsTunnel = new TlsTunnel();
  readonly #port: number;
  readonly #hello: TunnelHello | null;
  readonly #makeInner: () => InnerDecoder;
  #inner: InnerDecoder | null = null;

  /**
   * A session to `port` that runs `hello` inside, with the decoder
   * `makeInner` gives (called once, when the tunnel opens).
   */
  constructor(
    port: number,
    hello: TunnelHello | null,
    makeInner: () => InnerDecoder,
  ) {
    this.#port = port;
    this.#hello = hello;
    this.#makeInner = makeInner;
  }

  /**
   * Feeds server bytes; returns the records to send now as one write
   * (the client's flight, the sealed hello and answers), or null.
   */
  push(bytes: Uint8Array, start: number, end: number): Uint8Array | null {
    const tunnel = this.tunnel;
    tunnel.push(bytes, start, end);
    if (tunnel.state === "open" && !this.#inner) {
      const inner = this.#inner = this.#makeInner();
      const first = inner.start(this.#port, this.#hello?.plan ?? LISTEN);
      if (first) tunnel.write(first);
      if (this.#hello?.bytes) tunnel.write(this.#hello.bytes);
    }
    const inner = this.#inner;
    if (inner) {
      for (let data = tunnel.takeData(); data; data = tunnel.takeData()) {
        if (!inner.done) inner.push(data, 0, data.length);
      }
      for (let send = inner.takeSend(); send; send = inner.takeSend()) {
        tunnel.write(send);
      }
    }
    return joinSends(tunnel);
  }

  /**
   * Done once the inner decoder is, or the tunnel closed, or it failed and
   * the handshake has shown what it will (the certificates of a TLS 1.2
   * suite the tunnel does not complete still arrive).
   */
  get done(): boolean {
    switch (this.tunnel.state) {
      case "open":
        return this.#inner !== null && this.#inner.done;
      case "handshake":
        return false;
      case "closed":
        return true;
      default:
        return this.tunnel.client.done;
    }
  }

  /** The inner decoder's banner, or null when it never started or got nothing. */
  innerBanner(ip: number, port: number): Banner | null {
    return this.#inner ? this.#inner.finish(ip, port) : null;
  }
}

/** Everything the tunnel has to send, joined into one write (or null). */
function joinSends(tunnel: TlsTunnel): Uint8Array | null {
  const first = tunnel.takeSend();
  if (!first) return null;
  const parts = [first];
  for (let send = tunnel.takeSend(); send; send = tunnel.takeSend()) {
    parts.push(send);
  }
  return parts.length === 1 ? first : concatBytes(parts);
}
