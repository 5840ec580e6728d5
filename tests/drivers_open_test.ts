import assert from "node:assert/strict";
import {
  DriverError,
  DriverSyscallError,
  FileDriver,
  FrameSizeError,
  NullDriver,
  openDriver,
  parseAdapterName,
  withCompiledFilter,
} from "../drivers/mod.ts";

Deno.test("parseAdapterName: prefixes pick the driver", () => {
  assert.deepEqual(parseAdapterName("eth0"), { kind: "pcap", device: "eth0" });
  assert.deepEqual(parseAdapterName("pcap:eth0"), {
    kind: "pcap",
    device: "eth0",
  });
  assert.deepEqual(parseAdapterName("ring:eth0"), {
    kind: "ring",
    device: "eth0",
  });
  assert.deepEqual(parseAdapterName("zc:eth0"), {
    kind: "zc",
    device: "zc:eth0",
  });
  assert.deepEqual(parseAdapterName("netmap:eth0"), {
    kind: "netmap",
    device: "netmap:eth0",
  });
  assert.deepEqual(parseAdapterName("file:/tmp/x.pcap"), {
    kind: "file",
    device: "/tmp/x.pcap",
  });
  assert.deepEqual(parseAdapterName("null"), { kind: "null", device: "null" });
  assert.throws(
    () => parseAdapterName("bogus:eth0"),
    /unknown driver prefix "bogus:"/,
  );
  assert.throws(() => parseAdapterName("ring:"), DriverError);
});

Deno.test("null driver counts and discards; sendWith runs the writer", async () => {
  const driver = await openDriver("null");
  assert.ok(driver instanceof NullDriver);
  let calls = 0;
  for (let i = 0; i < 1000; i++) {
    assert.ok(driver.sendWith((buf, at) => (calls++, buf[at] = i & 0xff, 60)));
  }
  driver.send(new Uint8Array(60));
  assert.throws(() => driver.send(new Uint8Array(10)), FrameSizeError);
  driver.flush();
  assert.equal(calls, 1000);
  assert.equal(driver.recv(), null);
  assert.equal(driver.wait(1), false);
  assert.deepEqual(driver.stats(), { sent: 1001, received: 0, dropped: 0 });
  driver.close();
});

Deno.test("missing interfaces and bad filters are typed errors", async () => {
  const ring = await openDriver("ring:zon-nosuch0").catch((e) => e);
  assert.ok(ring instanceof DriverSyscallError);
  assert.match(ring.message, /no such network interface: zon-nosuch0/);
  const pcap = await openDriver("pcap:zon-nosuch0").catch((e) => e);
  assert.ok(pcap instanceof DriverSyscallError);
  assert.match(pcap.message, /pcap_activate\("zon-nosuch0"\)/);
  assert.throws(
    () => withCompiledFilter("tcp and and", 1514, () => {}),
    /invalid BPF filter "tcp and and"/,
  );
  let length = 0;
  withCompiledFilter(
    "tcp[13] == 18",
    1514,
    (fprog) => (length = new DataView(fprog.buffer).getUint16(0, true)),
  );
  assert.ok(length > 3, "compiled to BPF instructions");
});

// An IPv4/UDP frame whose UDP checksum field holds the pseudo-header seed
// (the offload convention), built by hand.
function udpFrame(
  seq: number,
): { frame: Uint8Array; csumStart: number; csumOffset: number } {
  const payload = 18 + (seq % 40);
  const frame = new Uint8Array(14 + 20 + 8 + payload);
  const v = new DataView(frame.buffer);
  frame.fill(0xff, 0, 6);
  frame.set([2, 0, 0x5a, 0, 0, 1], 6);
  v.setUint16(12, 0x0800);
  const ip = 14;
  v.setUint8(ip, 0x45);
  v.setUint16(ip + 2, 28 + payload);
  v.setUint8(ip + 8, 64);
  v.setUint8(ip + 9, 17);
  v.setUint32(ip + 12, 0xc6120001); // 198.18.0.1
  v.setUint32(ip + 16, 0xc6120002); // 198.18.0.2
  let s = 0;
  for (let i = ip; i < ip + 20; i += 2) s += v.getUint16(i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  v.setUint16(ip + 10, ~s & 0xffff);
  const udp = ip + 20;
  v.setUint16(udp, 40000 + seq);
  v.setUint16(udp + 2, 53);
  v.setUint16(udp + 4, 8 + payload);
  for (let i = 0; i < payload; i++) frame[udp + 8 + i] = (seq + i) & 0xff;
  // Seed: folded pseudo-header sum (addresses, protocol, UDP length), not complemented.
  let p = 0xc612 + 0x0001 + 0xc612 + 0x0002 + 17 + 8 + payload;
  while (p > 0xffff) p = (p & 0xffff) + (p >>> 16);
  v.setUint16(udp + 6, p);
  return { frame, csumStart: udp - 0, csumOffset: 6 };
}

Deno.test("file: driver writes a savefile (checksums completed), tcpdump reads it, the driver replays it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zon-file-" });
  try {
    const path = `${dir}/out.pcap`;
    const out = await openDriver(`file:${path}`);
    assert.ok(out instanceof FileDriver);
    const frames: Uint8Array[] = [];
    for (let seq = 0; seq < 500; seq++) {
      const { frame, csumStart, csumOffset } = udpFrame(seq);
      frames.push(frame.slice());
      if (seq % 2 === 0) {
        assert.ok(out.send(frame, csumStart, csumOffset));
      } else {
        assert.ok(
          out.sendWith(
            (buf, at) => (buf.set(frame, at), frame.length),
            csumStart,
            csumOffset,
          ),
        );
      }
    }
    out.flush();
    assert.equal(out.stats().sent, 500);
    out.close();
    const dump = await new Deno.Command("tcpdump", {
      args: ["-nn", "-vv", "-r", path],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    const text = new TextDecoder().decode(dump.stdout);
    assert.equal(text.split("proto UDP").length - 1, 500);
    assert.equal(
      text.split("[udp sum ok]").length - 1,
      500,
      "every checksum completed correctly",
    );

    const back = await openDriver(`file:${path}`, { mode: "receive" });
    let n = 0;
    for (let f = back.recv(); f !== null; f = back.recv(), n++) {
      assert.equal(f.length, frames[n].length);
      assert.deepEqual(
        f.subarray(0, 40),
        frames[n].subarray(0, 40),
        "headers replayed byte for byte",
      );
    }
    assert.equal(n, 500);
    assert.equal(back.stats().received, 500);
    back.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
