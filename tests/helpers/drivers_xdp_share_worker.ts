// A Worker of tests/helpers/drivers_xdp_peer.ts `shared`: receives an
// XdpShareHandle, opens a send-only xdp: driver on the owner's UMEM (its own
// socket, XDP_SHARED_UMEM), sends COUNT frames of drivers_veth_peer's format,
// and posts back its counters.
import {
  openDriver,
  type XdpDriver,
  type XdpShareHandle,
} from "../../drivers/mod.ts";
import { fillFrame } from "./drivers_veth_peer.ts";

interface Job {
  adapter: string;
  share: XdpShareHandle;
  count: number;
  dst: number[];
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Job>) => void) | null;
  postMessage(m: unknown): void;
  close(): void;
};

scope.onmessage = async (e: MessageEvent<Job>) => {
  const { adapter, share, count, dst } = e.data;
  const d = await openDriver(adapter, {
    mode: "send",
    xdpShare: share,
  }) as XdpDriver;
  const to = new Uint8Array(dst);
  const from = new Uint8Array([2, 0, 0x5a, 0, 0, 0x0a]);
  let seq = 0;
  const write = (buf: Uint8Array, at: number): number =>
    fillFrame(buf, at, seq, to, from);
  for (; seq < count; seq++) {
    while (!d.sendWith(write)) d.flush();
    if ((seq & 63) === 63) d.flush();
  }
  const started = performance.now();
  while (d.pending > 0 && performance.now() - started < 5000) d.flush();
  const stats = d.stats();
  d.close();
  scope.postMessage(stats);
  scope.close();
};
