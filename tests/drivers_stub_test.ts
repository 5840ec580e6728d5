// PF_RING (zc:) and netmap: cannot run on a stock kernel. These tests check
// their error paths and their FFI bindings against a stub library with the
// same symbol names, compiled here with gcc into a temp dir; the stub records
// every call (name and arguments) in a log the test reads back.
import assert from "node:assert/strict";
import {
  DriverError,
  DriverSyscallError,
  DriverUnavailableError,
  FrameSizeError,
  openDriver,
} from "../drivers/mod.ts";

const STUB_C = String.raw`
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static FILE *stub_log(void) {
  static FILE *f;
  if (!f) {
    const char *p = getenv("ZON_STUB_LOG");
    f = fopen(p ? p : "/dev/null", "a");
    setvbuf(f, NULL, _IONBF, 0);
  }
  return f;
}
#define LOG(...) fprintf(stub_log(), __VA_ARGS__)

/* ---- PF_RING ---- */
typedef struct { int enabled; int pending_rx; int sends; unsigned char pkt[64]; } pfring;
struct pfring_pkthdr { struct timeval ts; uint32_t caplen; uint32_t len; unsigned char extended[512]; };
typedef struct { uint64_t recv, drop, shunt; } pfring_stat;

pfring *pfring_open(const char *dev, uint32_t caplen, uint32_t flags) {
  LOG("pfring_open %s %u %u\n", dev, caplen, flags);
  if (strstr(dev, "missing")) return NULL;
  pfring *r = calloc(1, sizeof *r);
  r->pending_rx = 3;
  for (int i = 0; i < 64; i++) r->pkt[i] = (unsigned char)i;
  return r;
}
int pfring_enable_ring(pfring *r) { LOG("pfring_enable_ring\n"); r->enabled = 1; return 0; }
int pfring_set_direction(pfring *r, int d) { LOG("pfring_set_direction %d\n", d); return 0; }
int pfring_set_bpf_filter(pfring *r, char *f) { LOG("pfring_set_bpf_filter %s\n", f); return strcmp(f, "bad") == 0 ? -1 : 0; }
int pfring_send(pfring *r, char *pkt, unsigned len, uint8_t flush) {
  LOG("pfring_send %u %u %02x %02x\n", len, flush, (unsigned char)pkt[0], (unsigned char)pkt[len - 1]);
  if (++r->sends % 4 == 0) return -4; /* PF_RING_ERROR_NO_TX_SLOT_AVAILABLE */
  return (int)len;
}
int pfring_flush_tx_packets(pfring *r) { LOG("pfring_flush_tx_packets\n"); return 0; }
int pfring_recv(pfring *r, unsigned char **buf, unsigned buflen, struct pfring_pkthdr *h, uint8_t wait) {
  LOG("pfring_recv %u %u\n", buflen, wait);
  if (r->pending_rx == 0) return 0;
  r->pending_rx--;
  r->pkt[0] = (unsigned char)r->pending_rx;
  *buf = r->pkt;
  h->caplen = 60;
  h->len = 60;
  return 1;
}
int pfring_poll(pfring *r, unsigned ms) { LOG("pfring_poll %u\n", ms); return r->pending_rx > 0; }
int pfring_get_selectable_fd(pfring *r) { LOG("pfring_get_selectable_fd\n"); return 42; }
int pfring_stats(pfring *r, pfring_stat *s) { LOG("pfring_stats\n"); s->recv = 3; s->drop = 7; s->shunt = 0; return 0; }
void pfring_close(pfring *r) { LOG("pfring_close\n"); free(r); }

/* ---- libnetmap ---- */
struct nmport_d { int fd; int injected; };
struct nmport_d *nmport_open(const char *name) {
  LOG("nmport_open %s\n", name);
  if (strstr(name, "missing")) return NULL;
  struct nmport_d *d = calloc(1, sizeof *d);
  d->fd = open(getenv("ZON_STUB_NETMAP_DEV"), O_RDWR);
  return d;
}
int nmport_inject(struct nmport_d *d, const void *buf, size_t size) {
  LOG("nmport_inject %zu %02x\n", size, ((const unsigned char *)buf)[size - 1]);
  if (++d->injected % 3 == 0) return 0; /* TX rings full */
  return (int)size;
}
void nmport_close(struct nmport_d *d) { LOG("nmport_close\n"); close(d->fd); free(d); }
`;

interface Stub {
  dir: string;
  library: string;
  log: string;
  device: string;
}

async function withStub(fn: (stub: Stub) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "zon-stub-" });
  try {
    await Deno.writeTextFile(`${dir}/stub.c`, STUB_C);
    const cc = await new Deno.Command("gcc", {
      args: [
        "-shared",
        "-fPIC",
        "-O1",
        "-o",
        `${dir}/libstub.so`,
        `${dir}/stub.c`,
      ],
      stderr: "piped",
    }).output();
    assert.ok(cc.success, new TextDecoder().decode(cc.stderr));
    const stub = {
      dir,
      library: `${dir}/libstub.so`,
      log: `${dir}/calls.log`,
      device: `${dir}/netmap`,
    };
    await Deno.writeTextFile(stub.device, "");
    // The stub reads these on its first call; each test uses a fresh path.
    Deno.env.set("ZON_STUB_LOG", stub.log);
    Deno.env.set("ZON_STUB_NETMAP_DEV", stub.device);
    await fn(stub);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function calls(stub: Stub): string[] {
  return Deno.readTextFileSync(stub.log).trim().split("\n");
}

const frame = (length: number, last: number) => {
  const f = new Uint8Array(length);
  f[0] = 0xff;
  f[length - 1] = last;
  return f;
};

Deno.test("zc: without PF_RING installed says what to install", async () => {
  const err = await openDriver("zc:eth0", {
    library: "/nonexistent/libpfring.so",
  }).catch((e) => e);
  assert.ok(err instanceof DriverUnavailableError);
  assert.match(err.message, /PF_RING is not installed/);
  assert.match(err.message, /libpfring\.so/);
  assert.match(err.message, /ring:/, "suggests the AF_PACKET driver instead");
  assert.equal(err.driver, "zc");
});

Deno.test("netmap: without /dev/netmap or libnetmap says what to install", async () => {
  const noDevice = await openDriver("netmap:eth0", {
    netmapDevice: "/nonexistent/netmap",
  }).catch((e) => e);
  assert.ok(noDevice instanceof DriverUnavailableError);
  assert.match(noDevice.message, /\/nonexistent\/netmap does not exist/);
  assert.match(noDevice.message, /netmap kernel module/);
  const noLibrary = await openDriver("netmap:eth0", {
    netmapDevice: "/dev/null",
    library: "/nonexistent/libnetmap.so",
  })
    .catch((e) => e);
  assert.ok(noLibrary instanceof DriverUnavailableError);
  assert.match(noLibrary.message, /libnetmap\.so not found/);
  const receive = await openDriver("netmap:eth0", { mode: "receive" }).catch((
    e,
  ) => e);
  assert.ok(receive instanceof DriverError);
  assert.match(receive.message, /transmit only/);
});

Deno.test("zc: FFI calls against a stub libpfring", async () => {
  await withStub(async (stub) => {
    const missing = await openDriver("zc:missing0", { library: stub.library })
      .catch((e) => e);
    assert.ok(missing instanceof DriverSyscallError);
    assert.match(missing.message, /pfring_open\("zc:missing0"\)/);
    const badFilter = await openDriver("zc:eth9", {
      library: stub.library,
      filter: "bad",
    }).catch((e) => e);
    assert.ok(badFilter instanceof DriverSyscallError);

    const driver = await openDriver("zc:eth9", {
      library: stub.library,
      filter: "tcp",
      promiscuous: true,
      snaplen: 128,
    });
    assert.equal(driver.kind, "zc");
    assert.equal(driver.device, "zc:eth9");
    assert.equal(driver.fd, 42);
    const results = [1, 2, 3, 4, 5].map((i) => driver.send(frame(60 + i, i)));
    assert.deepEqual(
      results,
      [true, true, true, false, true],
      "-4 (no TX slot) is 'ring full'",
    );
    assert.ok(driver.sendWith((buf, at) => (buf.set(frame(70, 0xee), at), 70)));
    assert.throws(() => driver.send(new Uint8Array(200)), FrameSizeError);
    driver.flush();
    assert.equal(driver.wait(5), true);
    const got: number[] = [];
    for (let f = driver.recv(); f !== null; f = driver.recv()) {
      assert.equal(f.length, 60);
      assert.equal(f[5], 5, "zero-copy view of the library's buffer");
      got.push(f[0]);
    }
    assert.deepEqual(got, [2, 1, 0]);
    assert.equal(driver.wait(5), false);
    assert.deepEqual(driver.stats(), { sent: 5, received: 3, dropped: 7 });
    driver.close();
    driver.close();
    const log = calls(stub);
    const opened = log.indexOf("pfring_open zc:eth9 128 8");
    assert.ok(opened >= 0, "caplen and PF_RING_PROMISC passed through");
    assert.deepEqual(log.slice(opened, opened + 4), [
      "pfring_open zc:eth9 128 8",
      "pfring_set_direction 1",
      "pfring_set_bpf_filter tcp",
      "pfring_enable_ring",
    ]);
    assert.ok(
      log.includes("pfring_send 61 0 ff 01"),
      "length, no per-packet flush, frame bytes",
    );
    assert.ok(log.includes("pfring_send 70 0 ff ee"), "sendWith's frame");
    assert.ok(log.includes("pfring_flush_tx_packets"));
    assert.ok(
      log.includes("pfring_recv 0 0"),
      "zero-copy (buffer_len 0), non-blocking",
    );
    assert.ok(log.includes("pfring_poll 5"));
    assert.equal(
      log.filter((l) => l === "pfring_close").length,
      2,
      "one per open (the bad filter one too)",
    );
  });
});

Deno.test("netmap: FFI calls against a stub libnetmap", async () => {
  await withStub(async (stub) => {
    const options = {
      library: stub.library,
      netmapDevice: stub.device,
      mode: "send" as const,
    };
    const missing = await openDriver("netmap:missing0", options).catch((e) =>
      e
    );
    assert.ok(missing instanceof DriverSyscallError);
    const driver = await openDriver("netmap:eth9", options);
    assert.equal(driver.kind, "netmap");
    assert.ok(driver.fd >= 0, "found the descriptor nmport_open opened");
    const results = [1, 2, 3, 4].map((i) => driver.send(frame(60 + i, i)));
    assert.deepEqual(
      results,
      [true, true, false, true],
      "0 from nmport_inject is 'ring full'",
    );
    assert.equal(driver.recv(), null);
    // NIOCTXSYNC on the stub's regular file fails with ENOTTY: a typed error with errno.
    const err = (() => {
      try {
        driver.flush();
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof DriverSyscallError);
    assert.equal(err.errno, 25);
    assert.match(err.message, /ioctl\(NIOCTXSYNC\)/);
    assert.deepEqual(driver.stats(), { sent: 3, received: 0, dropped: 0 });
    driver.close();
    const log = calls(stub);
    assert.ok(log.includes("nmport_open netmap:eth9"));
    assert.ok(log.includes("nmport_inject 61 01"));
    assert.ok(log.includes("nmport_inject 64 04"));
    assert.equal(log.at(-1), "nmport_close");
  });
});
