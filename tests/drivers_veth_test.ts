// pcap: and ring: over a real veth pair between two namespaces this test
// creates (198.18.0.0/15, no route out) and deletes. Sender and receiver run
// as subprocesses under `ip netns exec`; the receiver filters with BPF on the
// test's ethertype and checks every byte of every frame.
import assert from "node:assert/strict";
import {
  linkCounters,
  spawnPeer,
  type VethPair,
  withVethPair,
} from "./helpers/drivers_netns.ts";

const FRAMES = 1_000_000;
// Paced: well below what either receiver verifies, with a 128 MiB receive
// buffer (~1.5 s of traffic) so a receiver descheduled by a busy CI machine
// catches up instead of dropping. Full speed: whatever happens is accounted.
const PACED_RATE = 100_000;
const RECEIVE_BUFFER = 128 << 20;
const isRoot = Deno.uid() === 0;

interface SendResult {
  sent: number;
  noise: number;
  dropped: number;
  seconds: number;
}
interface RecvResult {
  received: number;
  dropped: number;
  bad: number;
  firstBad: string;
  missing: number;
  lastSeq: number;
}

async function transfer(
  pair: VethPair,
  tx: string,
  rx: string,
  count: number,
  rate: number,
) {
  const receiver = spawnPeer(pair.nsB, [
    "recv",
    `${rx}:${pair.ifB}`,
    String(count),
    "2000",
    String(RECEIVE_BUFFER),
  ]);
  const lines = receiver.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let out = "";
  while (!out.includes("ready\n")) {
    const r = await lines.read();
    if (r.done) throw new Error(`receiver exited before it was ready: ${out}`);
    out += r.value;
  }
  const sender = spawnPeer(pair.nsA, [
    "send",
    `${tx}:${pair.ifA}`,
    String(count),
    String(rate),
    pair.macB,
  ]);
  const sent = await sender.output();
  assert.ok(sent.success, "sender failed");
  for (;;) {
    const r = await lines.read();
    if (r.done) break;
    out += r.value;
  }
  assert.ok((await receiver.status).success, "receiver failed");
  const send = JSON.parse(
    new TextDecoder().decode(sent.stdout).trim().split("\n").pop()!,
  ) as SendResult;
  const recv = JSON.parse(out.trim().split("\n").pop()!) as RecvResult;
  return {
    send,
    recv,
    a: await linkCounters(pair.nsA, pair.ifA),
    b: await linkCounters(pair.nsB, pair.ifB),
  };
}

for (const [tx, rx] of [["ring", "pcap"], ["pcap", "ring"]]) {
  Deno.test({
    name:
      `drivers: ${tx}: sends 10^6 frames of 60..1514 bytes, ${rx}: receives all of them byte for byte (paced)`,
    ignore: !isRoot,
    sanitizeResources: false,
    fn: () =>
      withVethPair(async (pair) => {
        const { send, recv, a, b } = await transfer(
          pair,
          tx,
          rx,
          FRAMES,
          PACED_RATE,
        );
        console.log(
          `${tx}->${rx}: ${
            (FRAMES / send.seconds / 1000).toFixed(0)
          } kpps paced`,
          recv,
        );
        assert.equal(send.sent, FRAMES + send.noise, "sender's driver count");
        assert.ok(send.noise > 0);
        assert.equal(
          a.txPackets,
          FRAMES + send.noise,
          "sender interface tx_packets",
        );
        assert.equal(
          b.rxPackets,
          FRAMES + send.noise,
          "receiver interface rx_packets",
        );
        assert.equal(recv.firstBad, "");
        assert.equal(recv.bad, 0);
        assert.equal(recv.missing, 0);
        assert.equal(recv.dropped, 0);
        assert.equal(recv.received, FRAMES);
        assert.equal(recv.lastSeq, FRAMES - 1);
      }),
  });
}

for (const [tx, rx] of [["ring", "pcap"], ["pcap", "ring"]]) {
  Deno.test({
    name:
      `drivers: ${tx}: at full speed to ${rx}: every frame is received or counted as dropped`,
    ignore: !isRoot,
    sanitizeResources: false,
    fn: () =>
      withVethPair(async (pair) => {
        const count = FRAMES;
        const { send, recv, a, b } = await transfer(pair, tx, rx, count, 0);
        console.log(
          `${tx}->${rx}: ${
            (count / send.seconds / 1000).toFixed(0)
          } kpps full speed`,
          recv,
          { a, b },
        );
        const total = count + send.noise;
        assert.equal(send.sent, total);
        assert.equal(
          a.txPackets + a.txDropped,
          total,
          "the sender's kernel accounts for every frame",
        );
        assert.equal(
          b.rxPackets,
          a.txPackets,
          "the veth delivers what it sent",
        );
        // Nothing lost silently: every matching frame the receiver did not
        // see, its kernel counted as dropped (filtered noise is not counted).
        assert.equal(recv.received + recv.dropped, b.rxPackets - send.noise);
        assert.equal(recv.bad, 0, recv.firstBad);
        assert.equal(
          recv.missing,
          recv.dropped,
          "the gaps in the sequence are exactly the drops",
        );
      }),
  });
}

Deno.test({
  name:
    "drivers: ring: hands flagged checksums to the kernel (virtio_net_hdr), which completes them",
  ignore: !isRoot,
  sanitizeResources: false,
  fn: () =>
    withVethPair(async (pair) => {
      // Without TX checksum offload on the veth, the kernel finishes
      // CHECKSUM_PARTIAL frames in software before they leave, so the peer
      // sees final checksums that it can verify.
      const off = await new Deno.Command("ip", {
        args: [
          "netns",
          "exec",
          pair.nsA,
          "ethtool",
          "-K",
          pair.ifA,
          "tx",
          "off",
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.ok(off.success, new TextDecoder().decode(off.stderr));
      const count = 20_000;
      const receiver = spawnPeer(pair.nsB, [
        "recv-udp",
        `ring:${pair.ifB}`,
        String(count),
        "2000",
      ]);
      const lines = receiver.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      let out = "";
      while (!out.includes("ready\n")) {
        const r = await lines.read();
        if (r.done) throw new Error(`receiver exited: ${out}`);
        out += r.value;
      }
      const sender = await spawnPeer(pair.nsA, [
        "send-udp",
        `ring:${pair.ifA}`,
        String(count),
        pair.macB,
      ]).output();
      assert.ok(sender.success);
      const sent = JSON.parse(
        new TextDecoder().decode(sender.stdout).trim().split("\n").pop()!,
      );
      for (;;) {
        const r = await lines.read();
        if (r.done) break;
        out += r.value;
      }
      const got = JSON.parse(out.trim().split("\n").pop()!);
      assert.equal(
        sent.checksumOffload,
        true,
        "ring: offloads through the vnet header",
      );
      assert.equal(sent.sent, count);
      assert.equal(got.received, count);
      assert.equal(
        got.valid,
        count,
        "every UDP checksum was completed correctly",
      );
    }),
});
