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
    close: () => {},
  };
}

/**
 * Creates (or truncates) `path` and returns it as a sink. Seekable only when
 * it is a regular file — a FIFO or `/dev/stdout` is written like stdout.
 */
export function fileSink(path: string): Sink {
  const file = Deno.openSync(path, {
    write: true,
    create: true,
    truncate: true,
  });
  let seekable = false;
  try {
    seekable = file.statSync().isFile;
  } catch {
    // Some special files cannot be stat'ed through the handle: stream them.
  }
  let closed = false;
  return {
    seekable,
    write: (bytes) => writeAll(file, bytes),
    writeAt: (offset, bytes) => {
      file.seekSync(offset, Deno.SeekMode.Start);
      writeAll(file, bytes);
    },
    close: () => {
      if (!closed) closed = true, file.close();
    },
  };
}

/** `-` is stdout (as in masscan's `-oX -`); anything else is a file path. */
export function openSink(path: string): Sink {
  return path === "-" ? stdoutSink() : fileSink(path);
}
