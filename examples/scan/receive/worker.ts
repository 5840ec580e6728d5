/**
 * The receive Worker: driver → (pcap file) → parseFrame → ARP/neighbor
 * answers for an address the kernel does not own → cookie check → dedup →
 * 48-byte result records into the SpscRing the main thread reads. Each
 * valid SYN-ACK is answered through the same driver handle: with an RST
 * (syn_ack_reset.ts), or with `--banners` by the user-mode TCP stack
 * (banners/), whose banners go to the main thread through a second ring
 * (banners/channel.ts); with `--banners`, each new UDP reply also becomes
 * a banner there, its service named by udp_service_report.ts. Started
 * by engine.ts with a {@link ReceiveJob}; posts `{type: "ready"}` once the
 * driver is open (so no reply to the first probe is missed) and
 * `{type: "done"}` after RX_STOP, when it has drained the driver and closed
 * the ring. Counters go to the shared control block.
 *
 * @module
 */

import {
  captureFormatFor,
  type CaptureWriter,
  createCaptureWriter,
  type FrameReader,
  type FrameWriter,
  openDriver,
  type PacketDriver,
  type XdpDriver,
  type XdpMatch,
  type XdpShareHandle,
} from "../../../drivers/mod.ts";
import {
  formatIpv4,
  formatIpv6,
  ParsedFrame,
  parseFrame,
} from "../../../packet/mod.ts";
import { SpscRing } from "../../../ring/mod.ts";
import { NeighborResponder } from "./neighbor_responder.ts";
import { DedupTable } from "./dedup.ts";
import {
  attachControl,
  Counter,
  Flag,
  type ReceiveJob,
} from "../engine/shared.ts";
import { serveWorker } from "../engine/workers.ts";
import { BAD_COOKIE, Reason, ReplyChecker, RESULT } from "./reply_check.ts";
import { UdpServiceReporter } from "./udp_service_report.ts";
import { encodeResultRecord, RESULT_RECORD_SIZE } from "../engine/result.ts";
import { SynAckReset } from "./syn_ack_reset.ts";
import { BannerScanner, HelloTable, TcpInput } from "../banners/mod.ts";
import { BannerSender } from "../banners/channel.ts";
import { SipKey, synCookie4, synCookie6 } from "../../../siphash/mod.ts";

/** Results the main thread may lag behind by before the Worker waits. */
const RESULT_WAIT_MS = 1000;

/** Where the frames of one receive Worker go; each handled without allocation. */
class Receiver {
  received = 0;
  valid = 0;
  bad = 0;
  duplicates = 0;
  found = 0;
  lost = 0;
  answered = 0;
  resets = 0;
  connections = 0;
  malformed = 0;
  ignored = 0;
  readonly #parsed = new ParsedFrame();
  readonly #answer = new Uint8Array(128);
  readonly #checker: ReplyChecker;
  readonly #dedup: DedupTable;
  readonly #neighbors: NeighborResponder | null;
  readonly #reset: SynAckReset;
  readonly #ring: SpscRing;
  readonly #out: DataView;
  readonly #udpServices: UdpServiceReporter | null;

  constructor(
    readonly job: ReceiveJob,
    readonly driver: PacketDriver,
    readonly send: (write: FrameWriter) => boolean,
    readonly banners: BannerScanner | null,
    readonly pcap: CaptureWriter | null,
    bannerOut: BannerSender | null = null,
  ) {
    const link = job.link;
    this.#checker = new ReplyChecker(link, job.key, job.targets);
    this.#dedup = new DedupTable(job.dedupCapacity);
    this.#udpServices = bannerOut === null
      ? null
      : new UdpServiceReporter(bannerOut, this.#dedup);
    this.#neighbors = job.answerNeighbors
      ? new NeighborResponder({
        mac: link.sourceMac,
        ipv4: link.sourceIpv4 === -1 ? undefined : link.sourceIpv4 >>> 0,
        ipv6: link.sourceIpv6 ?? undefined,
      })
      : null;
    this.#reset = new SynAckReset(
      link.sourceMac,
      link.routerMac4,
      link.routerMac6,
      job.ttl,
    );
    this.#ring = new SpscRing(job.results);
    const bytes = this.#ring.bytes;
    this.#out = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The driver's callback for each received frame. */
  readonly onFrame = (
    buf: Uint8Array,
    offset: number,
    length: number,
  ): void => {
    this.received++;
    this.pcap?.write(buf, undefined, offset, offset + length);
    const parsed = this.#parsed;
    const kind = parseFrame(buf, parsed, offset, offset + length);
    if (kind === "malformed") {
      this.malformed++;
      return;
    }
    if (kind === "other") {
      this.ignored++;
      return;
    }
    const asksForUs = kind === "arp" ||
      (kind === "icmpv6" && parsed.icmpType === 135);
    if (this.#neighbors !== null && asksForUs) {
      this.#answerNeighbor(buf, offset, length);
    } else if (kind === "tcp" && this.#isConnectionSegment(buf)) {
      this.banners!.receive(buf, parsed, performance.now());
    } else {
      this.#onReply(buf, kind === "tcp");
    }
  };

  /** An ARP request or neighbor solicitation: answer it if it asks for us. */
  #answerNeighbor(buf: Uint8Array, offset: number, length: number): void {
    // The responder indexes the frame from 0: a frame-relative view, made
    // only for these rare frames.
    const frame = buf.subarray(offset, offset + length);
    parseFrame(frame, this.#parsed);
    const n = this.#neighbors!.answer(frame, this.#parsed, this.#answer);
    if (n === 0) return;
    this.driver.send(this.#answer.subarray(0, n));
    this.driver.flush();
    this.answered++;
  }

  /** A segment of an open --banners connection? */
  #isConnectionSegment(buf: Uint8Array): boolean {
    const table = this.banners?.stack.table;
    if (table === undefined || table.size === 0) return false;
    const p = this.#parsed;
    const slot = p.ipVersion === 4
      ? table.find(
        p.ip4Source,
        p.sourcePort,
        p.ip4Destination,
        p.destinationPort,
      )
      : table.find6(
        buf,
        p.ip6SourceOffset,
        p.sourcePort,
        buf,
        p.ip6DestinationOffset,
        p.destinationPort,
      );
    return slot >= 0;
  }

  /** A possible reply to a probe: check the cookie, dedup, answer, report. */
  #onReply(buf: Uint8Array, tcp: boolean): void {
    const checker = this.#checker;
    const verdict = checker.check(buf, this.#parsed);
    if (verdict === BAD_COOKIE) {
      this.bad++;
      return;
    }
    if (verdict !== RESULT) {
      this.ignored++;
      return;
    }
    this.valid++;
    const dup = checker.version === 4
      ? this.#dedup.seen4(checker.ipv4, checker.encodedPort, checker.reason)
      : this.#dedup.seen6(
        buf,
        checker.ipv6Offset,
        checker.encodedPort,
        checker.reason,
      );
    if (tcp && checker.open) this.#answerSynAck(buf, dup);
    if (checker.reason === Reason.UDP_RESPONSE && this.#udpServices !== null) {
      // Each answered payload's service, also when the port is a dup.
      this.#udpServices.report(buf, this.#parsed, checker.port);
    }
    if (dup) {
      this.duplicates++;
      return;
    }
    if (!checker.open && !this.job.showClosed) return;
    this.#emit(buf);
  }

  /**
   * A first SYN-ACK opens a --banners connection; any other (a
   * retransmission, or no --banners) gets the RST that ends the target's
   * half-open connection.
   */
  #answerSynAck(buf: Uint8Array, duplicate: boolean): void {
    if (this.banners !== null && !duplicate) {
      const input = this.banners.receive(buf, this.#parsed, performance.now());
      if (input === TcpInput.OPENED) this.connections++;
    } else if (this.#reset.answer(buf, this.#parsed, this.send)) {
      this.resets++;
    }
  }

  /** The checker's result as a record into the ring (waits if it is full). */
  #emit(frame: Uint8Array): void {
    const ring = this.#ring;
    if (ring.reserve(1) === 0 && !ring.waitForSpace(1, RESULT_WAIT_MS)) {
      this.lost++;
      return;
    }
    const at = ring.writeOffset(0);
    encodeResultRecord(this.#out, at, this.#checker, frame, Date.now() / 1000);
    ring.setWriteLength(0, RESULT_RECORD_SIZE);
    ring.commit(1);
    this.found++;
  }

  /** The counters, into the shared control block. */
  publish(counters: Float64Array, bannerOut: BannerSender | null): void {
    counters[Counter.RECEIVED] = this.received;
    counters[Counter.VALID] = this.valid;
    counters[Counter.BAD_COOKIE] = this.bad;
    counters[Counter.DUPLICATES] = this.duplicates;
    counters[Counter.FOUND] = this.found;
    counters[Counter.RESULTS_DROPPED] = this.lost;
    counters[Counter.NEIGHBOR_REPLIES] = this.answered;
    counters[Counter.RESETS] = this.resets;
    counters[Counter.CONNECTIONS] = this.connections;
    counters[Counter.MALFORMED] = this.malformed;
    counters[Counter.IGNORED] = this.ignored;
    if (bannerOut !== null) {
      counters[Counter.BANNERS] = bannerOut.sent;
      counters[Counter.BANNERS_DROPPED] = bannerOut.dropped;
    }
  }

  /** Tells the main thread the ring has no more records. */
  closeRing(): void {
    this.#ring.close();
  }
}

/** The --banners scanner on this Worker's driver, or null without --banners. */
function bannerScanner(
  job: ReceiveJob,
  send: (write: FrameWriter) => boolean,
  bannerOut: BannerSender | null,
): BannerScanner | null {
  const b = job.banners, link = job.link;
  if (b === null || bannerOut === null) return null;
  if (link.sourceIpv4 === -1 && link.sourceIpv6 === null) return null;
  const key = new SipKey(job.key);
  const first = link.sourcePortFirst;
  return new BannerScanner({
    capacity: b.capacity,
    connectionTimeoutMs: b.connectionTimeoutMs,
    sourceMac: link.sourceMac,
    routerMac: link.routerMac4,
    // The reply checker has validated the SYN-ACK (cookie and source
    // port) before the stack sees it; the cookie input is the first
    // source port, whichever port of a range the cookie picked.
    synCookie: (ip, port, myIp) => synCookie4(ip, port, myIp, first, key),
    synCookie6: (ip, ipAt, port, myIp, myIpAt) =>
      synCookie6(ip, ipAt, port, myIp, myIpAt, first, key),
    routerMac6: link.routerMac6,
    send,
    hellos: new HelloTable({
      userAgent: b.userAgent,
      headers: b.headers,
      helloFiles: b.helloFiles,
    }),
    onBanner: (banner) => bannerOut.send(banner, Date.now() / 1000),
    ttl: job.ttl,
    now: performance.now(),
  });
}

/** What the `xdp:` receive program redirects to the socket: this scan's replies. */
export function xdpMatchFor(job: ReceiveJob): XdpMatch {
  const link = job.link;
  return {
    ipv4: link.sourceIpv4 === -1 ? undefined : formatIpv4(link.sourceIpv4),
    ipv6: link.sourceIpv6 === null ? undefined : formatIpv6(link.sourceIpv6),
    portLow: link.sourcePortFirst,
    portHigh: link.sourcePortFirst + link.sourcePortCount - 1,
    icmp: true,
    // Only for an address the kernel does not own: else the host would
    // stop answering ARP/NDP for its own address while the scan runs.
    neighbors: job.answerNeighbors,
  };
}

/**
 * The receive Worker's driver, and for `xdp:` the handle the transmit
 * Worker shares its UMEM through. `xdp:` receives through an AF_XDP socket
 * opened receive-only (its completion ring is lent to the transmit
 * Worker's socket, `XDP_SHARED_UMEM`: the kernel allows one UMEM per
 * queue), so this Worker's few frames (RSTs, ARP answers, banner
 * segments) go out through a `ring:` handle on the same interface.
 */
async function openReceiveDriver(
  job: ReceiveJob,
): Promise<{ driver: PacketDriver; share?: XdpShareHandle }> {
  const name = job.link.rxDriver;
  if (!name.startsWith("xdp:") && !name.startsWith("xdp+zc:")) {
    // "both": this handle also sends ARP answers, the RSTs for SYN-ACKs and
    // the --banners connections' segments (the transmit Worker's handle is
    // busy with probes, and a second sender there would need a lock).
    const driver = await openDriver(name, {
      mode: "both",
      filter: job.filter === "" ? undefined : job.filter,
      promiscuous: job.promiscuous,
      txFrames: 1024,
    });
    return { driver };
  }
  const rx = await openDriver(name, {
    mode: "receive",
    xdpShareable: true,
    xdpMatch: xdpMatchFor(job),
  }) as XdpDriver;
  try {
    const reply = await openDriver(`ring:${rx.device}`, {
      mode: "send",
      txFrames: 1024,
    });
    return { driver: xdpWithReplies(rx, reply), share: rx.shareHandle() };
  } catch (e) {
    rx.close();
    throw e;
  }
}

/** An `xdp:` receive-only driver that sends through `reply`. */
function xdpWithReplies(rx: XdpDriver, reply: PacketDriver): PacketDriver {
  return {
    name: rx.name,
    kind: rx.kind,
    device: rx.device,
    maxFrameLength: reply.maxFrameLength,
    checksumOffload: reply.checksumOffload,
    fd: rx.fd,
    send: (frame: Uint8Array, start?: number, offset?: number) =>
      reply.send(frame, start, offset),
    sendWith: (write: FrameWriter, start?: number, offset?: number) =>
      reply.sendWith(write, start, offset),
    flush: () => reply.flush(),
    recv: () => rx.recv(),
    recvBatch: (read: FrameReader, max?: number) => rx.recvBatch(read, max),
    wait: (ms: number) => rx.wait(ms),
    stats: () => rx.stats(),
    close: () => {
      try {
        reply.close();
      } finally {
        rx.close();
      }
    },
  };
}

/**
 * Runs the receive loop until RX_STOP; `ready` is called once the driver is
 * open, with the `xdp:` share handle for the transmit Worker.
 */
export async function receive(
  job: ReceiveJob,
  ready: (share?: XdpShareHandle) => void,
): Promise<void> {
  const { flags, counters } = attachControl(job.control);
  const { driver, share } = await openReceiveDriver(job);
  const send = (write: FrameWriter): boolean => {
    if (driver.sendWith(write)) return true;
    driver.flush(); // ring full: hand it over and try once more
    return driver.sendWith(write);
  };
  const bannerOut = job.banners === null
    ? null
    : new BannerSender(job.banners.ring);
  const banners = bannerScanner(job, send, bannerOut);
  const pcapFile = job.pcapPath === null ? null : await Deno.open(
    job.pcapPath,
    { write: true, create: true, truncate: true },
  );
  const pcap = pcapFile === null || job.pcapPath === null
    ? null
    : createCaptureWriter(pcapFile, { format: captureFormatFor(job.pcapPath) });
  const receiver = new Receiver(job, driver, send, banners, pcap, bannerOut);
  ready(share);
  try {
    receiveUntilStop(
      receiver,
      flags,
      () => receiver.publish(counters, bannerOut),
    );
    while (driver.recvBatch(receiver.onFrame, 256) > 0) { /* drain */ }
    // End of --wait: every connection still open reports what it has and
    // is reset, so no target keeps it.
    banners?.closeAll(performance.now());
    driver.flush();
    receiver.publish(counters, bannerOut);
    // ring: sends asynchronously; let the kernel take the last frames (the
    // final RSTs) out of the TX ring before it is unmapped.
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      driver.flush();
    }
    counters[Counter.RX_DRIVER_DROPPED] = driver.stats().dropped;
  } finally {
    driver.close();
    receiver.closeRing();
    bannerOut?.close();
    pcap?.flush();
    pcapFile?.close();
  }
}

/** Receives, polls connection timers and publishes counters until RX_STOP. */
function receiveUntilStop(
  receiver: Receiver,
  flags: Int32Array,
  publish: () => void,
): void {
  const { driver, banners, pcap } = receiver;
  let lastFlush = performance.now();
  while (Atomics.load(flags, Flag.RX_STOP) === 0) {
    const n = driver.recvBatch(receiver.onFrame, 256);
    // Timers: hello retransmissions and --connection-timeout.
    banners?.poll(performance.now());
    driver.flush();
    publish();
    if (n === 0) {
      // Short naps while connections are open: their timers need polls.
      const nap = banners !== null && banners.active > 0 ? 5 : 20;
      if (driver.fd >= 0) driver.wait(nap);
      else Atomics.wait(flags, Flag.RX_STOP, 0, nap);
    }
    if (pcap !== null && performance.now() - lastFlush > 1000) {
      pcap.flush(); // a killed scan keeps what was captured
      lastFlush = performance.now();
    }
  }
}

serveWorker<ReceiveJob, { type: "done" }>(async (job, post) => {
  await receive(job, (share) => post({ type: "ready", share }));
  return { type: "done" };
});
