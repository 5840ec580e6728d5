/**
 * How banners travel from the receive Worker to the main thread: a second
 * SpscRing beside the 48-byte result ring, with slots large enough for one
 * banner each. A banner is variable-size and already an object (the
 * decoders build it once per connection), so each record is its JSON text
 * after an 8-byte timestamp, encoded straight into the slot — no copy
 * besides that, nothing per packet. Unlike `postMessage`, the ring bounds
 * memory when the main thread falls behind (the Worker waits a while, then
 * counts the banner as dropped) and closes in order with the results.
 *
 * Record: timestamp f64 LE (Unix seconds) | JSON of the {@link Banner}.
 *
 * @module
 */

import { SpscRing } from "../../../ring/mod.ts";
import type { Banner } from "./banner.ts";

/**
 * A banner as output formats see it: when it was grabbed, too. Its
 * `service` is nmap's `{ name, product, version, extra }`, its `tls` the
 * handshake (version, cipher, group, ALPN, the chain) of direct TLS or
 * STARTTLS.
 */
export interface FoundBanner extends Banner {
  /** When the connection ended, Unix time in seconds (fractional). */
  timestamp: number;
}

/** Bytes per slot: the 16 KiB byte cap, escaped, plus certificate fields. */
export const BANNER_SLOT_SIZE = 64 * 1024;
/** Slots: 4 MiB in all. */
export const BANNER_RING_SLOTS = 64;
/** A full ring makes the Worker wait this long before dropping a banner. */
const WAIT_MS = 1000;
/** Text kept of a banner too large for a slot (then fields are left out). */
const CUT_TEXT = 4096;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The shared buffer of a new banner ring (main thread). */
export function createBannerRing(): SharedArrayBuffer {
  return SpscRing.create({
    capacity: BANNER_RING_SLOTS,
    slotSize: BANNER_SLOT_SIZE,
  }).buffer as SharedArrayBuffer;
}

/** The Worker's end of the banner ring. */
export class BannerSender {
  readonly #ring: SpscRing;
  readonly #view: DataView;
  /** Banners sent. */
  sent = 0;
  /** Banners dropped (ring full for too long). */
  dropped = 0;

  /** Attaches to a ring made by {@link createBannerRing}. */
  constructor(buffer: SharedArrayBuffer) {
    this.#ring = new SpscRing(buffer);
    const bytes = this.#ring.bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Queues one banner; false when it was dropped. */
  send(banner: Banner, timestamp: number): boolean {
    const ring = this.#ring;
    if (ring.reserve(1) === 0 && !ring.waitForSpace(1, WAIT_MS)) {
      this.dropped++;
      return false;
    }
    const at = ring.writeOffset(0);
    this.#view.setFloat64(at, timestamp, true);
    const room = ring.bytes.subarray(at + 8, at + BANNER_SLOT_SIZE);
    let json = JSON.stringify(banner);
    let { read, written } = encoder.encodeInto(json, room);
    if (read < json.length) {
      // Too large (a long binary banner escaped): keep the text's start.
      json = JSON.stringify(
        {
          ip: banner.ip,
          ipv6: banner.ipv6,
          port: banner.port,
          protocol: banner.protocol,
          service: banner.service,
          tls: banner.tls,
          banner: banner.banner.slice(0, CUT_TEXT),
          bytes: banner.bytes,
        } satisfies Banner,
      );
      ({ read, written } = encoder.encodeInto(json, room));
    }
    ring.setWriteLength(0, 8 + written);
    ring.commit(1);
    this.sent++;
    return true;
  }

  /** No more banners: the reader ends once it has read them all. */
  close(): void {
    this.#ring.close();
  }
}

/**
 * Reads banners until the Worker closes the ring, calling `onBanner` with
 * a fresh object each (main thread).
 */
export async function receiveBanners(
  buffer: SharedArrayBuffer,
  onBanner: (banner: FoundBanner) => void,
): Promise<void> {
  const ring = new SpscRing(buffer);
  const bytes = ring.bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (!ring.drained) {
    const n = ring.peek(16);
    if (n === 0) {
      await ring.waitForDataAsync(1, 100);
      continue;
    }
    for (let i = 0; i < n; i++) {
      const at = ring.readOffset(i);
      const length = ring.readLength(i);
      const banner = JSON.parse(
        decoder.decode(bytes.slice(at + 8, at + length)),
      ) as FoundBanner;
      banner.timestamp = view.getFloat64(at, true);
      onBanner(banner);
    }
    ring.release(n);
  }
}
