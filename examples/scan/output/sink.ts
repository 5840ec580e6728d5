/**
 * Where an output format's bytes go: a file or stdout, written with
 * synchronous system calls and no user-space buffer, so whatever a writer
 * has written survives the process being killed.
 *
 * @module
 */

/** A synchronous byte destination for the output formats. */
export interface Sink {
  /**
   * True when {@link Sink.writeAt} works (a regular file). `-oJ` uses it to
   * keep its file a closed JSON array after every result.
   */
  readonly seekable: boolean;
  /** Appends `bytes` at the current position; returns after all are written. */
  write(bytes: Uint8Array): void;
  /** Writes `bytes` at byte `offset` (only when {@link Sink.seekable}). */
  writeAt(offset: number, bytes: Uint8Array): void;
  /** Cuts the file to `length` bytes and writes on from there (seekable only). */
  truncate(length: number): void;
  /**
   * What the file held when it was opened with `keep` (a resumed scan's
   * earlier results), as text; "" for a new or truncated file and stdout.
   */
  readonly existing: string;
  /**
   * Checks that the destination takes writes at all — a zero-byte write,
   * which a full disk (`/dev/full`) or a read-only /proc file refuses —
   * before the scan sends anything. Throws the OS error.
   */
  probe(): void;
  /** Releases the file (a no-op for stdout). */
  close(): void;
}

/** Anything with a synchronous, possibly partial write (Deno.stdout, FsFile). */
interface SyncWritable {
  writeSync(bytes: Uint8Array): number;
}

function writeAll(out: SyncWritable, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) {
    done += out.writeSync(bytes.subarray(done));
  }
}

/** Standard output as a sink (never seekable: it is often a pipe). */
export function stdoutSink(): Sink {
  return {
    seekable: false,
    write: (bytes) => writeAll(Deno.stdout, bytes),
    writeAt: () => {
      throw new Error("stdout is not seekable");
    },
    truncate: () => {
      throw new Error("stdout is not seekable");
    },
    existing: "",
    probe: () => void Deno.stdout.writeSync(new Uint8Array(0)),
    close: () => {},
  };
}

/** How {@linkcode fileSink} opens its file. */
export interface FileSinkOptions {
  /**
   * Keep what a regular file holds (a resumed scan, `--append-output`):
   * it is read into {@linkcode Sink.existing} and writing goes on at its
   * end. Default false: the file is created or truncated.
   */
  keep?: boolean;
}

/**
 * Opens `path` and returns it as a sink. Seekable only when it is a regular
 * file — a FIFO or `/dev/stdout` is written like stdout.
 */
export function fileSink(path: string, options: FileSinkOptions = {}): Sink {
  const keep = options.keep ?? false;
  const file = Deno.openSync(path, {
    read: keep,
    write: true,
    create: true,
    truncate: !keep,
  });
  let seekable = false;
  try {
    seekable = file.statSync().isFile;
  } catch (e) {
    // Some special files cannot be stat'ed through the handle: stream them.
    if (!(e instanceof Error)) throw e;
  }
  let existing = "";
  if (keep && seekable) {
    const size = file.statSync().size;
    const bytes = new Uint8Array(size);
    for (let done = 0; done < size;) {
      const n = file.readSync(bytes.subarray(done));
      if (n === null) break;
      done += n;
    }
    existing = new TextDecoder().decode(bytes);
    file.seekSync(0, Deno.SeekMode.End);
  }
  let closed = false;
  // A write that fails part way (a disk filling up) is undone, so the file
  // never ends in half a record: what it held before the write stays whole.
  const undoable = (at: number, bytes: Uint8Array): void => {
    try {
      writeAll(file, bytes);
    } catch (e) {
      if (seekable) {
        file.truncateSync(at);
        file.seekSync(at, Deno.SeekMode.Start);
      }
      throw e;
    }
  };
  return {
    seekable,
    existing,
    write: (bytes) =>
      undoable(seekable ? file.seekSync(0, Deno.SeekMode.Current) : 0, bytes),
    writeAt: (offset, bytes) => {
      file.seekSync(offset, Deno.SeekMode.Start);
      undoable(offset, bytes);
    },
    truncate: (length) => {
      file.truncateSync(length);
      file.seekSync(length, Deno.SeekMode.Start);
    },
    probe: () => void file.writeSync(new Uint8Array(0)),
    close: () => {
      if (!closed) closed = true, file.close();
    },
  };
}

/** `-` is stdout (as in masscan's `-oX -`); anything else is a file path. */
export function openSink(path: string, options: FileSinkOptions = {}): Sink {
  return path === "-" ? stdoutSink() : fileSink(path, options);
}
