// A window over a PcapSource for the capture readers: holds unread bytes
// (never more than its size, grown only for a block larger than it) and
// tracks the file offset of the first of them, so memory stays bounded
// whatever the file size.

import type { PcapSource } from "./pcap_file.ts";

/** Buffered bytes of a source, consumed front to back. */
export class SourceBuffer {
  /** The bytes; valid from `start` to `end`. */
  bytes: Uint8Array;
  /** A view of `bytes` (replaced when the buffer grows). */
  view: DataView;
  /** First unread byte in `bytes`. */
  start = 0;
  /** End of the valid bytes in `bytes`. */
  end = 0;
  /** File offset of `bytes[start]`. */
  fileOffset = 0;
  #source: PcapSource;
  #eof = false;

  constructor(source: PcapSource, size: number) {
    this.#source = source;
    this.bytes = new Uint8Array(Math.max(size, 4096));
    this.view = new DataView(this.bytes.buffer);
  }

  /** Unread bytes buffered. */
  get available(): number {
    return this.end - this.start;
  }

  /** Ensure `n` unread bytes are buffered; false at end of file. */
  fill(n: number): boolean {
    if (this.end - this.start >= n) return true;
    if (n > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(n, this.bytes.length * 2));
      bigger.set(this.bytes.subarray(this.start, this.end));
      this.#rebase(bigger);
    } else if (this.start + n > this.bytes.length) {
      this.bytes.copyWithin(0, this.start, this.end);
      this.#rebase(this.bytes);
    }
    while (this.end - this.start < n && !this.#eof) {
      const count = this.#source.readSync(this.bytes.subarray(this.end));
      if (count === null) this.#eof = true;
      else this.end += count;
    }
    return this.end - this.start >= n;
  }

  /** Mark `n` buffered bytes read. */
  consume(n: number): void {
    this.start += n;
    this.fileOffset += n;
  }

  /**
   * Skip `n` bytes, buffered or not, without holding them: false when the
   * file ends first (everything up to its end is then consumed).
   */
  skip(n: number): boolean {
    while (n > 0) {
      if (this.start === this.end) {
        this.start = this.end = 0;
        if (!this.fill(Math.min(n, this.bytes.length))) {
          if (this.available === 0) return false;
        }
      }
      const step = Math.min(n, this.end - this.start);
      this.consume(step);
      n -= step;
    }
    return true;
  }

  #rebase(bytes: Uint8Array): void {
    this.end -= this.start;
    this.start = 0;
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer);
    }
  }
}
