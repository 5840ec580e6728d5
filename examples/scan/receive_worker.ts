/**
 * The receive Worker: driver → (pcap file) → parseFrame → ARP/neighbor
 * answers for an address the kernel does not own → cookie check → dedup →
 * 48-byte result records into the SpscRing the main thread reads. Started
 * by engine.ts with a {@link ReceiveJob}; posts `{type: "ready"}` once the
 * driver is open (so no reply to the first probe is missed) and
 * `{type: "done"}` after RX_STOP, when it has drained the driver and closed
 * the ring. Counters go to the shared control block.
 *
 * @module
 */

import { openDriver, PcapWriter } from "../../drivers/mod.ts";
import { ParsedFrame, parseFrame } from "../../packet/mod.ts";
import { SpscRing } from "../../ring/mod.ts";
import { arpReply, neighborAdvert } from "./arp_responder.ts";
import { DedupTable } from "./dedup.ts";
import {
  attachControl,
  Counter,
  Flag,
  type ReceiveJob,
  type WorkerFailure,
} from "./engine_shared.ts";
import { BAD_COOKIE, ReplyChecker, RESULT } from "./reply_check.ts";

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
  const identity = {
    mac: link.sourceMac,
    ip4: link.sourceIp4 === -1 ? undefined : link.sourceIp4 >>> 0,
    ip6: link.sourceIp6 ?? undefined,
  };
  const answer = new Uint8Array(128);

  const driver = await openDriver(link.rxDriver, {
    mode: job.answerNeighbors ? "both" : "receive",
    filter: job.filter === "" ? undefined : job.filter,
    promiscuous: job.promiscuous,
  });
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
  let lost = 0, answered = 0;

  const emit = (frame: Uint8Array): void => {
    if (ring.reserve(1) === 0 && !ring.waitForSpace(1, RESULT_WAIT_MS)) {
      lost++;
      return;
    }
    const at = ring.writeOffset(0);
    const v6 = checker.version === 6;
    out.setUint8(at, checker.version);
    out.setUint8(at + 1, checker.protocol);
    out.setUint8(at + 2, checker.reason);
    out.setUint8(at + 3, checker.ttl);
    out.setUint16(at + 4, checker.port, true);
    out.setUint8(at + 6, checker.open ? 1 : 0);
    out.setUint8(at + 7, 0);
    out.setUint32(at + 8, v6 ? 0 : checker.ip4, true);
    for (let i = 0; i < 16; i++) {
      out.setUint8(at + 12 + i, v6 ? frame[checker.ip6Offset + i] : 0);
    }
    out.setFloat64(at + 32, Date.now() / 1000, true);
    ring.setWriteLength(0, 48);
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
        const n = arpReply(frame, parsed, identity, answer) ||
          neighborAdvert(frame, parsed, identity, answer);
        if (n > 0) {
          driver.send(answer.subarray(0, n));
          driver.flush();
          answered++;
        }
        return;
      }
    }
    const verdict = checker.check(buf, parsed);
    if (verdict === BAD_COOKIE) {
      bad++;
      return;
    }
    if (verdict !== RESULT) return;
    valid++;
    const dup = checker.version === 4
      ? dedup.seen4(checker.ip4, checker.encodedPort, checker.reason)
      : dedup.seen6(
        buf,
        checker.ip6Offset,
        checker.encodedPort,
        checker.reason,
      );
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
  };

  ready();
  let lastFlush = performance.now();
  try {
    while (Atomics.load(flags, Flag.RX_STOP) === 0) {
      const n = driver.recvBatch(onFrame, 256);
      publish();
      if (n === 0) {
        if (driver.fd >= 0) driver.wait(20);
        else Atomics.wait(flags, Flag.RX_STOP, 0, 20);
      }
      if (pcap !== null && performance.now() - lastFlush > 1000) {
        pcap.flush(); // a killed scan keeps what was captured
        lastFlush = performance.now();
      }
    }
    while (driver.recvBatch(onFrame, 256) > 0) { /* drain */ }
    publish();
    counters[Counter.RX_DRIVER_DROPPED] = driver.stats().dropped;
  } finally {
    driver.close();
    ring.close();
    if (pcap !== null) pcap.flush();
    pcapFile?.close();
  }
}

if ("WorkerGlobalScope" in globalThis) {
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent<ReceiveJob>) => void) | null;
    postMessage(m: { type: "ready" | "done" } | WorkerFailure): void;
  };
  scope.onmessage = (e) => {
    receive(e.data, () => scope.postMessage({ type: "ready" })).then(
      () => scope.postMessage({ type: "done" }),
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        scope.postMessage({
          type: "error",
          name: error.name,
          message: error.message,
        });
      },
    );
  };
}
