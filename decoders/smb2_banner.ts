/**
 * SMB2 NEGOTIATE (MS-SMB2 §2.2.3/§2.2.4): the request offering dialects
 * 2.0.2 to 3.0.2 over direct TCP (port 445), and a decoder of the
 * server's response: the dialect chosen, the server GUID, whether signing
 * is enabled or required, capabilities, maximum sizes and the server's
 * clock; and whether the server is Samba (its ServerGuid is its NetBIOS
 * name: {@linkcode sambaGuidName}), which nmap names `netbios-ssn` /
 * `Samba smbd`, or another implementation (`microsoft-ds`).
 *
 * @module
 */

import { FramedDecoder, type Parsed } from "./length_prefixed.ts";

const DIALECTS = [0x0202, 0x0210, 0x0300, 0x0302];

function negotiate(): Uint8Array {
  const body = 36 + DIALECTS.length * 2;
  const out = new Uint8Array(4 + 64 + body);
  const view = new DataView(out.buffer);
  view.setUint32(0, 64 + body); // NetBIOS session message, type 0
  out.set([0xfe, 0x53, 0x4d, 0x42], 4); // "\xfeSMB"
  view.setUint16(8, 64, true); // StructureSize
  view.setUint16(4 + 14, 1, true); // CreditRequest
  view.setUint16(68, 36, true); // NEGOTIATE StructureSize
  view.setUint16(70, DIALECTS.length, true);
  view.setUint16(72, 1, true); // SecurityMode: signing enabled
  out.set([0x7a, 0x6f, 0x6e, 0x2d, 0x73, 0x63, 0x61, 0x6e], 80); // ClientGuid "zon-scan"
  DIALECTS.forEach((d, i) => view.setUint16(104 + i * 2, d, true));
  return out;
}

/**
 * The NEGOTIATE request sent to port 445.
 *
 * @example
 * ```ts
 * import { SMB2_HELLO } from "./smb2_banner.ts";
 * SMB2_HELLO[4]; // 0xfe
 * ```
 */
export const SMB2_HELLO: Uint8Array = negotiate();

/**
 * What {@linkcode Smb2Decoder} extracted.
 *
 * @example
 * ```ts
 * import type { Smb2Negotiate } from "./smb2_banner.ts";
 * const d = (r: Smb2Negotiate) => r.dialect;
 * ```
 */
export interface Smb2Negotiate {
  /** NTSTATUS of the response (0 success). */
  status?: number;
  /** The dialect, as `3.0.2`. */
  dialect?: string;
  /** Server GUID, hex as in the packet. */
  serverGuid?: string;
  /** SecurityMode bit 1. */
  signingEnabled?: boolean;
  /** SecurityMode bit 2. */
  signingRequired?: boolean;
  /** Capabilities flags. */
  capabilities?: number;
  /** MaxTransactSize, MaxReadSize, MaxWriteSize. */
  maxSizes?: [number, number, number];
  /** The server's clock (SystemTime), ISO 8601. */
  systemTime?: string;
  /** True when the server answered with an SMB1 header (`\xffSMB`). */
  smb1?: boolean;
  /**
   * The NetBIOS name in a Samba ServerGuid (see {@linkcode sambaGuidName}),
   * lower case as Samba writes it.
   */
  sambaName?: string;
}

/**
 * The NetBIOS name when a ServerGuid is Samba's: smbd fills the GUID of
 * its SMB2 NEGOTIATE response with its NetBIOS name in lower case,
 * zero-padded (1–15 printable bytes without capitals, then only zeros),
 * where Windows sends a random GUID (a random one passes this test with
 * probability below 2^-120). Null when the GUID is not of that form.
 *
 * @example
 * ```ts
 * import { sambaGuidName } from "./smb2_banner.ts";
 * const guid = new Uint8Array(16);
 * guid.set([0x76, 0x6d]); // "vm"
 * sambaGuidName(guid); // "vm"
 * ```
 */
export function sambaGuidName(guid: Uint8Array): string | null {
  let length = 0;
  while (
    length < guid.length && guid[length] > 0x20 && guid[length] < 0x7f &&
    !(guid[length] >= 0x41 && guid[length] <= 0x5a)
  ) length++;
  if (length === 0 || length > 15) return null;
  for (let i = length; i < guid.length; i++) if (guid[i] !== 0) return null;
  return String.fromCharCode(...guid.subarray(0, length));
}

function dialectName(d: number): string {
  const major = d >> 8;
  const minor = (d >> 4) & 0xf;
  const patch = d & 0xf;
  return `${major}.${minor}.${patch}`;
}

function filetime(view: DataView, at: number): string | undefined {
  const ticks = view.getUint32(at + 4, true) * 2 ** 32 +
    view.getUint32(at, true);
  const ms = ticks / 10_000 - 11_644_473_600_000;
  return ticks === 0 || !Number.isFinite(ms)
    ? undefined
    : new Date(ms).toISOString();
}

function parseSmb2(m: Uint8Array): Parsed<Smb2Negotiate> {
  if (m.length >= 8 && m[4] === 0xff && m[5] === 0x53) {
    return {
      fields: { smb1: true },
      service: { name: "microsoft-ds", extra: "SMB1 only" },
    };
  }
  if (
    m.length < 4 + 64 + 65 || m[4] !== 0xfe || m[5] !== 0x53 || m[6] !== 0x4d ||
    m[7] !== 0x42
  ) {
    return {
      error: {
        code: "NOT_THIS_PROTOCOL",
        offset: 4,
        message: "expected an SMB2 header (\\xfeSMB)",
      },
    };
  }
  const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const body = 68;
  const security = view.getUint16(body + 2, true);
  const guidBytes = m.subarray(body + 8, body + 24);
  const guid = Array.from(
    guidBytes,
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const sambaName = sambaGuidName(guidBytes);
  const fields: Smb2Negotiate = {
    status: view.getUint32(12, true),
    dialect: dialectName(view.getUint16(body + 4, true)),
    serverGuid: guid,
    signingEnabled: (security & 1) !== 0,
    signingRequired: (security & 2) !== 0,
    capabilities: view.getUint32(body + 24, true),
    maxSizes: [
      view.getUint32(body + 28, true),
      view.getUint32(body + 32, true),
      view.getUint32(body + 36, true),
    ],
    systemTime: filetime(view, body + 40),
  };
  const extra = `SMB ${fields.dialect}`;
  if (sambaName === null) {
    return { fields, service: { name: "microsoft-ds", extra } };
  }
  // nmap names Samba's SMB service netbios-ssn, Windows' microsoft-ds. The
  // NEGOTIATE response carries no Samba version.
  fields.sambaName = sambaName;
  return {
    fields,
    service: { name: "netbios-ssn", product: "Samba smbd", extra },
  };
}

/**
 * Streaming decoder of the answer to {@linkcode SMB2_HELLO}.
 *
 * @example
 * ```ts
 * import { Smb2Decoder } from "./smb2_banner.ts";
 * new Smb2Decoder().result().complete; // false
 * ```
 */
export class Smb2Decoder extends FramedDecoder<Smb2Negotiate> {
  /**
   * A decoder for one answer.
   *
   * @example
   * ```ts
   * import { Smb2Decoder } from "./smb2_banner.ts";
   * new Smb2Decoder().done; // false
   * ```
   */
  constructor() {
    super(
      {
        headerBytes: 4,
        totalLength: (h) =>
          h[0] === 0
            ? 4 + (h[1] << 16 | h[2] << 8 | h[3])
            : "expected a NetBIOS session message (type 0)",
        maxBytes: 65536,
      },
      parseSmb2,
      {},
      "microsoft-ds",
    );
  }
}
