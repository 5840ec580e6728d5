// Software completion of a CHECKSUM_PARTIAL frame, for drivers that cannot
// hand the checksum to the kernel/NIC. Same convention as checksum/offload.ts:
// the field holds the folded pseudo-header sum; sum [start, end), complement,
// store big-endian at start + offset.

/** Completes the checksum in `buf[at + csumStart, at + length)` in place. */
export function completeChecksum(
  buf: Uint8Array,
  at: number,
  length: number,
  csumStart: number,
  csumOffset: number,
): void {
  const start = at + csumStart;
  const end = at + length;
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i < end) sum += buf[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  // 0 and 0xffff are the same in ones' complement; UDP reserves 0 for "no checksum".
  const c = (~sum & 0xffff) || 0xffff;
  const field = start + csumOffset;
  buf[field] = c >>> 8;
  buf[field + 1] = c & 0xff;
}
