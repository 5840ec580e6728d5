/**
 * The receive Worker: driver → (pcap file) → parseFrame → ARP/neighbor
 * answers for an address the kernel does not own → cookie check → dedup →
 * 48-byte result records into the SpscRing the main thread reads. Each
 * valid SYN-ACK is answered through the same driver handle: with an RST
 * (syn_ack_reset.ts), or with `--banners` by the user-mode TCP stack
 * (banners/), whose banners go to the main thread through a second ring
 * (banners/channel.ts). Started
 * by engine.ts with a {@link ReceiveJob}; posts `{type: "ready"}` once the
 * driver is open (so no reply to the first probe is missed) and
 * `{type: "done"}` after RX_STOP, when it has drained the driver and closed
 * the ring. Counters go to the shared control block.
 *
 * @module
 */

import {
  type FrameWriter,
  openDriver,
  PcapWriter,
} from "../../../drivers/mod.ts";
import { ParsedFrame, parseFrame } from "../../../packet/mod.ts";
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
import { BAD_COOKIE, ReplyChecker, RESULT } from "./reply_check.ts";
import { encodeResultRecord, RESULT_RECORD_SIZE } from "../engine/result.ts";
import { SynAckReset } from "./syn_ack_reset.ts";
import { BannerScanner, HelloTable, TcpInput } from "../banners/mod.ts";
import { BannerSender } from "../banners/channel.ts";
import { SipKey, synCookie4, synCookie6 } from "../../../siphash/mod.ts";

/** Results the main thread may lag behind by before the Worker waits. */
const RESULT_WAIT_MS = 1000;

/** Runs the receive loop until RX_STOP; `ready` is called once the driver is open. */
export async function receive(
  job: ReceiveJob,
  ready: () => void,
): Promise<void> {
  const { flags, counters } = attachControl(job.control);
  const ring = new SpscRing(job.results);
  const out = new DataView(
    ring.bytes.buffer,
    ring.bytes.byteOffset,
    ring.bytes.byteLength,
  );
  const link = job.link;
  const checker = new ReplyChecker(link, job.key, job.targets);
  const dedup = new DedupTable(job.dedupCapacity);
  const parsed = new ParsedFrame();
  const neighbors = new NeighborResponder({
    mac: link.sourceMac,
    ipv4: link.sourceIpv4 === -1 ? undefined : link.sourceIpv4 >>> 0,
    ipv6: link.sourceIpv6 ?? undefined,
  });
  const answer = new Uint8Array(128);

  // "both": this handle also sends ARP answers, the RSTs for SYN-ACKs and
  // the --banners connections' segments (the transmit Worker's handle is
  // busy with probes, and a second sender there would need a lock).
  const driver = await openDriver(link.rxDriver, {
    mode: "both",
    filter: job.filter === "" ? undefined : job.filter,
    promiscuous: job.promiscuous,
    txFrames: 1024,
  });
  const send = (write: FrameWriter): boolean => {
    if (driver.sendWith(write)) return true;
    driver.flush(); // ring full: hand it over and try once more
    return driver.sendWith(write);
  };
  const reset = new SynAckReset(
    link.sourceMac,
    link.routerMac4,
    link.routerMac6,
    job.ttl,
  );
  const bannerJob = job.banners;
  const bannerOut = bannerJob === null
    ? null
    : new BannerSender(bannerJob.ring);
  let banners: BannerScanner | null = null;
  if (
    bannerJob !== null && (link.sourceIpv4 !== -1 || link.sourceIpv6 !== null)
  ) {
    const key = new SipKey(job.key);
    const first = link.sourcePortFirst;
    banners = new BannerScanner({
      capacity: bannerJob.capacity,
      connectionTimeoutMs: bannerJob.connectionTimeoutMs,
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
        userAgent: bannerJob.userAgent,
        headers: bannerJob.headers,
        helloFiles: bannerJob.helloFiles,
      }),
      onBanner: (banner) => bannerOut!.send(banner, Date.now() / 1000),
      ttl: job.ttl,
      now: performance.now(),
    });
  }
  const table = banners?.stack.table;
  let pcapFile: Deno.FsFile | null = null;
  let pcap: PcapWriter | null = null;
  if (job.pcapPath !== null) {
    pcapFile = await Deno.open(job.pcapPath, {
      write: true,
      create: true,
      truncate: true,
    });
    pcap = new PcapWriter(pcapFile);
  }

  let received = 0, valid = 0, bad = 0, duplicates = 0, found = 0;
  let lost = 0, answered = 0, resets = 0, connections = 0;

  const emit = (frame: Uint8Array): void => {
    if (ring.reserve(1) === 0 && !ring.waitForSpace(1, RESULT_WAIT_MS)) {
      lost++;
      return;
    }
    const at = ring.writeOffset(0);
    encodeResultRecord(out, at, checker, frame, Date.now() / 1000);
    ring.setWriteLength(0, RESULT_RECORD_SIZE);
    ring.commit(1);
    found++;
  };

  const onFrame = (buf: Uint8Array, offset: number, length: number): void => {
    received++;
    if (pcap !== null) pcap.write(buf, undefined, offset, offset + length);
    const kind = parseFrame(buf, parsed, offset, offset + length);
    if (kind === "malformed" || kind === "other") return;
    if (job.answerNeighbors) {
      // The helpers index the frame from 0: hand them a frame-relative view
      // only for the rare ARP/NDP frames.
      if (kind === "arp" || (kind === "icmpv6" && parsed.icmpType === 135)) {
        const frame = buf.subarray(offset, offset + length);
        parseFrame(frame, parsed);
        const n = neighbors.answer(frame, parsed, answer);
        if (n > 0) {
          driver.send(answer.subarray(0, n));
          driver.flush();
          answered++;
        }
        return;
      }
    }
    if (
      table !== undefined && kind === "tcp" && table.size > 0 &&
      (parsed.ipVersion === 4
          ? table.find(
            parsed.ip4Source,
            parsed.sourcePort,
            parsed.ip4Destination,
            parsed.destinationPort,
          )
          : table.find6(
            buf,
            parsed.ip6SourceOffset,
            parsed.sourcePort,
            buf,
            parsed.ip6DestinationOffset,
            parsed.destinationPort,
          )) >= 0
    ) {
      // A segment of a --banners connection.
      banners!.receive(buf, parsed, performance.now());
      return;
    }
    const verdict = checker.check(buf, parsed);
    if (verdict === BAD_COOKIE) {
      bad++;
      return;
    }
    if (verdict !== RESULT) return;
    valid++;
    const synAck = kind === "tcp" && checker.open;
    const dup = checker.version === 4
      ? dedup.seen4(checker.ipv4, checker.encodedPort, checker.reason)
      : dedup.seen6(
        buf,
        checker.ipv6Offset,
        checker.encodedPort,
        checker.reason,
      );
    if (synAck) {
      // A first SYN-ACK opens a --banners connection; any other (a
      // retransmission, or no --banners) gets the RST that
      // ends the target's half-open connection.
      if (banners !== null && !dup) {
        if (
          banners.receive(buf, parsed, performance.now()) === TcpInput.OPENED
        ) {
          connections++;
        }
      } else if (reset.answer(buf, parsed, send)) resets++;
    }
    if (dup) {
      duplicates++;
      return;
    }
    if (!checker.open && !job.showClosed) return;
    emit(buf);
  };

  const publish = (): void => {
    counters[Counter.RECEIVED] = received;
    counters[Counter.VALID] = valid;
    counters[Counter.BAD_COOKIE] = bad;
    counters[Counter.DUPLICATES] = duplicates;
    counters[Counter.FOUND] = found;
    counters[Counter.RESULTS_DROPPED] = lost;
    counters[Counter.NEIGHBOR_REPLIES] = answered;
    counters[Counter.RESETS] = resets;
    counters[Counter.CONNECTIONS] = connections;
    if (bannerOut !== null) {
      counters[Counter.BANNERS] = bannerOut.sent;
      counters[Counter.BANNERS_DROPPED] = bannerOut.dropped;
    }
  };

  ready();
  let lastFlush = performance.now();
  try {
    while (Atomics.load(flags, Flag.RX_STOP) === 0) {
      const n = driver.recvBatch(onFrame, 256);
      // Timers: hello retransmissions and --connection-timeout.
      if (banners !== null) banners.poll(performance.now());
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
    while (driver.recvBatch(onFrame, 256) > 0) { /* drain */ }
    // End of --wait: every connection still open reports what it has and
    // is reset, so no target keeps it.
    if (banners !== null) banners.closeAll(performance.now());
    driver.flush();
    publish();
    // ring: sends asynchronously; let the kernel take the last frames (the
    // final RSTs) out of the TX ring before it is unmapped.
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      driver.flush();
    }
    counters[Counter.RX_DRIVER_DROPPED] = driver.stats().dropped;
  } finally {
    driver.close();
    ring.close();
    bannerOut?.close();
    if (pcap !== null) pcap.flush();
    pcapFile?.close();
  }
}

serveWorker<ReceiveJob, { type: "done" }>(async (job, post) => {
  await receive(job, () => post({ type: "ready" }));
  return { type: "done" };
});
