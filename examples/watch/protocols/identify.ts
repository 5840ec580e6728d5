/**
 * Protocol identification per flow: the first four bytes of each
 * half-stream pick a decoder (HTTP request or response, TLS ClientHello or
 * server flight, SSH/SMTP/FTP/POP3/IMAP greeting), which is then fed the
 * same in-order bytes the matcher sees until it is done, the stream has a
 * gap, or {@linkcode DECODE_LIMIT} bytes went by. At most `maxDecoders` run
 * at once (each holds a few KiB); the others are labelled from their first
 * bytes only. UDP datagrams to or from port 53 are read as DNS.
 *
 * @module
 */

import {
  GreetingDecoder,
  type GreetingKind,
  HttpBannerDecoder,
  TlsDecoder,
} from "../../../decoders/mod.ts";
import { ClientHelloDecoder } from "./client_hello.ts";
import { type DnsInfo, readDns } from "./dns.ts";
import { HTTP_METHODS, HttpRequestDecoder } from "./http_request.ts";

/** What a flow was identified as, with what its decoders read. */
export interface FlowInfo {
  /** `http`, `tls`, `ssh`, `smtp`, `ftp`, `pop3`, `imap`, `dns`, or "" when unknown. */
  protocol: string;
  /** HTTP request and response. */
  http?: {
    method?: string;
    path?: string;
    host?: string;
    userAgent?: string;
    status?: number;
    server?: string;
  };
  /** TLS ClientHello and server flight. */
  tls?: {
    sni?: string;
    version?: string;
    cipher?: string;
    alpn?: string;
    subject?: string;
    issuer?: string;
  };
  /** A server greeting's first line and (SSH) software. */
  greeting?: { text: string; software?: string };
  /** An SSH client's version line. */
  clientGreeting?: { text: string; software?: string };
  /** The first DNS question seen. */
  dns?: DnsInfo;
}

/** Bytes of one half-stream a decoder sees at most. */
export const DECODE_LIMIT = 65536;
const SNIFF_BYTES = 4;

/** A decoder bound to one half-stream at a time (pooled, reused). */
interface HalfDecoder {
  /** Starts over for a new half-stream. */
  start(serverPort: number, dir: number): void;
  push(chunk: Uint8Array, start: number, end: number): void;
  readonly done: boolean;
  /** Writes what was decoded into `info`. */
  finish(info: FlowInfo): void;
}

/** Which decoder the first bytes of a half-stream call for. */
const SniffResult = {
  NONE: 0,
  HTTP_REQUEST: 1,
  HTTP_RESPONSE: 2,
  TLS_CLIENT: 3,
  TLS_SERVER: 4,
  SSH: 5,
  REPLY: 6,
  POP3: 7,
  IMAP: 8,
} as const;
type SniffResult = typeof SniffResult[keyof typeof SniffResult];

const LABEL: Record<SniffResult, string> = {
  [SniffResult.NONE]: "",
  [SniffResult.HTTP_REQUEST]: "http",
  [SniffResult.HTTP_RESPONSE]: "http",
  [SniffResult.TLS_CLIENT]: "tls",
  [SniffResult.TLS_SERVER]: "tls",
  [SniffResult.SSH]: "ssh",
  [SniffResult.REPLY]: "smtp",
  [SniffResult.POP3]: "pop3",
  [SniffResult.IMAP]: "imap",
};

/** A half-stream's sniffing phase. */
const SniffState = { COLLECTING: 0, DECODING: 1, FINISHED: 2 } as const;

/**
 * Per-flow protocol state, indexed like the flow table.
 *
 * @example
 * ```ts
 * import { Identifier } from "./identify.ts";
 * const id = new Identifier(16, 8);
 * id.open(0);
 * const request = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
 * id.data(0, 0, 80, request, 0, request.length);
 * id.close(0); // { protocol: "http", http: { method: "GET", path: "/", host: "a", ... } }
 * ```
 */
export class Identifier {
  /** Each flow's label ("" while unknown). */
  readonly labels: string[];
  /** Decoders running now. */
  active = 0;
  /** Halves that were not decoded because `maxDecoders` were running. */
  skipped = 0;
  readonly #maxDecoders: number;
  readonly #info: (FlowInfo | null)[];
  readonly #decoders: (HalfDecoder | null)[];
  readonly #state: Uint8Array;
  readonly #prefix: Uint8Array;
  readonly #prefixFill: Uint8Array;
  readonly #fed: Float64Array;
  readonly #kinds: Uint8Array;
  /** Idle decoders by kind: a flow's decoder goes back when it is done. */
  readonly #pools: HalfDecoder[][] = Array.from({ length: 9 }, () => []);

  /** State for `capacity` flows, at most `maxDecoders` decoding at once. */
  constructor(capacity: number, maxDecoders: number) {
    this.#maxDecoders = maxDecoders;
    this.labels = new Array(capacity).fill("");
    this.#info = new Array(capacity).fill(null);
    this.#decoders = new Array(capacity * 2).fill(null);
    this.#state = new Uint8Array(capacity * 2);
    this.#prefix = new Uint8Array(capacity * 2 * SNIFF_BYTES);
    this.#prefixFill = new Uint8Array(capacity * 2);
    this.#fed = new Float64Array(capacity * 2);
    this.#kinds = new Uint8Array(capacity * 2);
  }

  /** Starts a new flow in slot `flow`. */
  open(flow: number): void {
    this.labels[flow] = "";
    this.#info[flow] = null;
    for (let h = flow * 2; h < flow * 2 + 2; h++) {
      this.#state[h] = SniffState.COLLECTING;
      this.#prefixFill[h] = 0;
      this.#fed[h] = 0;
      this.#decoders[h] = null;
    }
  }

  /**
   * New in-order bytes `chunk[start, end)` of half `dir` (0 client to
   * server); `serverPort` breaks FTP/SMTP ties.
   */
  data(
    flow: number,
    dir: number,
    serverPort: number,
    chunk: Uint8Array,
    start: number,
    end: number,
  ): void {
    const h = flow * 2 + dir;
    let state = this.#state[h];
    if (state === SniffState.FINISHED) return;
    if (state === SniffState.COLLECTING) {
      const at = h * SNIFF_BYTES;
      while (start < end && this.#prefixFill[h] < SNIFF_BYTES) {
        this.#prefix[at + this.#prefixFill[h]++] = chunk[start++];
      }
      if (this.#prefixFill[h] < SNIFF_BYTES) return;
      this.#startDecoder(flow, dir, serverPort);
      state = this.#state[h];
      if (state !== SniffState.DECODING) return;
    }
    const decoder = this.#decoders[h]!;
    const take = Math.min(end - start, DECODE_LIMIT - this.#fed[h]);
    if (take > 0) decoder.push(chunk, start, start + take);
    this.#fed[h] += take;
    if (decoder.done || this.#fed[h] >= DECODE_LIMIT) this.#stop(flow, h);
  }

  /** A UDP datagram of the flow. */
  datagram(
    flow: number,
    sourcePort: number,
    destinationPort: number,
    bytes: Uint8Array,
    start: number,
    end: number,
  ): void {
    if (this.labels[flow] !== "") return;
    if (sourcePort !== 53 && destinationPort !== 53) return;
    const dns = readDns(bytes, start, end);
    if (dns === null) return;
    this.labels[flow] = "dns";
    this.#info[flow] = { protocol: "dns", dns };
  }

  /** Half `dir` has a gap: its decoder stops with what it has. */
  gap(flow: number, dir: number): void {
    const h = flow * 2 + dir;
    if (this.#state[h] === SniffState.DECODING) this.#stop(flow, h);
    this.#state[h] = SniffState.FINISHED;
  }

  /** Ends the flow's decoders; returns what was learnt (null: nothing). */
  close(flow: number): FlowInfo | null {
    for (let h = flow * 2; h < flow * 2 + 2; h++) {
      if (this.#state[h] === SniffState.DECODING) this.#stop(flow, h);
      this.#state[h] = SniffState.FINISHED;
    }
    const info = this.#info[flow];
    this.#info[flow] = null;
    if (info === null && this.labels[flow] === "") return null;
    return info ?? { protocol: this.labels[flow] };
  }

  #startDecoder(flow: number, dir: number, serverPort: number): void {
    const h = flow * 2 + dir;
    const p = this.#prefix.subarray(h * SNIFF_BYTES, (h + 1) * SNIFF_BYTES);
    const kind = sniff(p, dir);
    if (kind === SniffResult.NONE) {
      this.#state[h] = SniffState.FINISHED;
      return;
    }
    if (this.labels[flow] === "") this.labels[flow] = LABEL[kind];
    if (this.active >= this.#maxDecoders) {
      this.skipped++;
      this.#state[h] = SniffState.FINISHED;
      return;
    }
    const decoder = this.#pools[kind].pop() ?? makeDecoder(kind);
    decoder.start(serverPort, dir);
    this.#decoders[h] = decoder;
    this.#kinds[h] = kind;
    this.#state[h] = SniffState.DECODING;
    this.active++;
    decoder.push(p, 0, SNIFF_BYTES);
    this.#fed[h] = SNIFF_BYTES;
  }

  #stop(flow: number, h: number): void {
    const decoder = this.#decoders[h];
    this.#decoders[h] = null;
    this.#state[h] = SniffState.FINISHED;
    if (decoder === null) return;
    this.active--;
    let info = this.#info[flow];
    if (info === null) {
      info = { protocol: this.labels[flow] };
      this.#info[flow] = info;
    }
    decoder.finish(info);
    this.#pools[this.#kinds[h]].push(decoder);
    if (info.protocol === "") info.protocol = this.labels[flow];
    this.labels[flow] = info.protocol;
  }
}

function startsWith(p: Uint8Array, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (p[i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

function sniff(p: Uint8Array, dir: number): SniffResult {
  const tls = p[0] === 0x16 && p[1] === 3 && p[2] <= 4;
  if (startsWith(p, "SSH-")) return SniffResult.SSH;
  if (dir === 0) {
    if (tls) return SniffResult.TLS_CLIENT;
    for (const method of HTTP_METHODS) {
      if (startsWith(p, method)) return SniffResult.HTTP_REQUEST;
    }
    return SniffResult.NONE;
  }
  if (tls) return SniffResult.TLS_SERVER;
  if (startsWith(p, "HTTP")) return SniffResult.HTTP_RESPONSE;
  if (startsWith(p, "220 ") || startsWith(p, "220-")) return SniffResult.REPLY;
  if (startsWith(p, "+OK")) return SniffResult.POP3;
  if (startsWith(p, "* OK")) return SniffResult.IMAP;
  return SniffResult.NONE;
}

function makeDecoder(kind: SniffResult): HalfDecoder {
  switch (kind) {
    case SniffResult.HTTP_REQUEST:
      return httpRequest();
    case SniffResult.HTTP_RESPONSE:
      return httpResponse();
    case SniffResult.TLS_CLIENT:
      return tlsClient();
    case SniffResult.TLS_SERVER:
      return tlsServer();
    case SniffResult.SSH:
      return greeting("ssh");
    case SniffResult.REPLY:
      return greeting("reply");
    case SniffResult.POP3:
      return greeting("pop3");
    default:
      return greeting("imap");
  }
}

function httpRequest(): HalfDecoder {
  const d = new HttpRequestDecoder();
  return {
    start: () => d.reset(),
    push: (c, s, e) => d.push(c, s, e),
    get done() {
      return d.done;
    },
    finish(info) {
      const r = d.result();
      if (r === null) return;
      info.protocol = "http";
      info.http = {
        ...info.http,
        method: r.method,
        path: r.path,
        host: r.host,
        userAgent: r.userAgent,
      };
    },
  };
}

function httpResponse(): HalfDecoder {
  const d = new HttpBannerDecoder({ maxBodyScan: 0 });
  return {
    start: () => d.reset(),
    push: (c, s, e) => d.push(c, s, e),
    get done() {
      return d.done;
    },
    finish(info) {
      const r = d.end();
      if (r.error !== undefined || r.statusCode === 0) return;
      info.protocol = "http";
      info.http = { ...info.http, status: r.statusCode, server: r.server };
    },
  };
}

function tlsClient(): HalfDecoder {
  const d = new ClientHelloDecoder();
  return {
    start: () => d.reset(),
    push: (c, s, e) => d.push(c, s, e),
    get done() {
      return d.done;
    },
    finish(info) {
      const r = d.result();
      if (r === null) return;
      info.protocol = "tls";
      info.tls = { ...info.tls, sni: r.sni };
    },
  };
}

function tlsServer(): HalfDecoder {
  // TlsDecoder has no reset: a new one per half-stream.
  let d = new TlsDecoder();
  return {
    start: () => {
      d = new TlsDecoder();
    },
    push: (c, s, e) => d.push(c.subarray(s, e)),
    get done() {
      return d.done;
    },
    finish(info) {
      const r = d.end();
      if (r.serverHello === undefined) return;
      info.protocol = "tls";
      const tls: NonNullable<FlowInfo["tls"]> = {
        ...info.tls,
        version: r.serverHello.versionName,
        cipher: r.serverHello.cipherSuiteName,
        alpn: r.serverHello.alpn,
      };
      const leaf = r.certificates[0];
      if (leaf !== undefined && !("error" in leaf)) {
        tls.subject = leaf.subject.map((a) => `${a.type}=${a.value}`).join(
          ", ",
        );
        tls.issuer = leaf.issuer.map((a) => `${a.type}=${a.value}`).join(", ");
      }
      info.tls = tls;
    },
  };
}

/** A greeting decoder; the server's greeting wins over an SSH client's. */
function greeting(kind: GreetingKind): HalfDecoder {
  const d = new GreetingDecoder(kind);
  let side = 1;
  return {
    start: (port, dir) => {
      d.reset(kind, port);
      side = dir;
    },
    push: (c, s, e) => d.push(c, s, e),
    get done() {
      return d.done;
    },
    finish(info) {
      const r = d.end();
      if (r.lines.length === 0) return;
      info.protocol = r.protocol;
      const text = { text: r.lines[0], software: r.ssh?.software };
      if (side === 1) info.greeting = text;
      else info.clientGreeting = text;
    },
  };
}
