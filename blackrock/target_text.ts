/**
 * The fast path for target text, for lists of millions of items: reads the
 * common forms — `a.b.c.d`, `a.b.c.d/n`, `a.b.c.d-e.f.g.h` and the same
 * with IPv6 hex groups (`::` allowed, no dotted tail) — from UTF-8 bytes
 * into a reused {@link ScannedItem}, with no regex, no substrings and no
 * bigints. Anything else (spaces, a dotted IPv6 tail, any error) makes
 * it answer `false`, and the caller falls back to `parseAddressRange`,
 * which then decides — so this path can only be faster, never different.
 *
 * @module
 */

/** One item read by {@link scanTargetText}; reused from item to item. */
export class ScannedItem {
  /** 4 or 6. */
  version: 4 | 6 = 4;
  /** IPv4 bounds, unsigned 32-bit. */
  begin4 = 0;
  /** IPv4 last address. */
  end4 = 0;
  /** IPv6 first address, 16 network-order bytes. */
  readonly begin6: Uint8Array = new Uint8Array(16);
  /** IPv6 last address. */
  readonly end6: Uint8Array = new Uint8Array(16);
}

const DOT = 46, COLON = 58, SLASH = 47, DASH = 45;

/** Digits at `bytes[at..]` up to `maxDigits`: value, and where they end. */
let numberEnd = 0;
function decimalAt(
  bytes: Uint8Array,
  at: number,
  end: number,
  maxDigits: number,
): number {
  let value = 0, i = at;
  for (; i < end && i - at < maxDigits; i++) {
    const c = bytes[i] - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  numberEnd = i;
  return i === at ? -1 : value;
}

/** An IPv4 address at `bytes[at..end)`, or -1. */
function ipv4At(bytes: Uint8Array, at: number, end: number): number {
  let value = 0, i = at;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || bytes[i] !== DOT) return -1;
      i++;
    }
    const octet = decimalAt(bytes, i, end, 3);
    if (octet < 0 || octet > 255) return -1;
    value = value * 256 + octet;
    i = numberEnd;
  }
  return i === end ? value : -1;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

const groups = new Uint16Array(8);
/** IPv6 hex groups at `bytes[at..end)` into `out` (16 bytes); success. */
function ipv6At(
  bytes: Uint8Array,
  at: number,
  end: number,
  out: Uint8Array,
): boolean {
  let count = 0, gap = -1, i = at;
  if (end - at >= 2 && bytes[at] === COLON) {
    if (bytes[at + 1] !== COLON) return false;
    gap = 0, i = at + 2;
  }
  while (i < end) {
    let value = 0, digits = 0;
    for (; i < end && digits < 5; i++, digits++) {
      const h = hexDigit(bytes[i]);
      if (h < 0) break;
      value = value * 16 + h;
    }
    if (digits === 0 || digits > 4 || count === 8) return false;
    groups[count++] = value;
    if (i === end) break;
    if (bytes[i] !== COLON) return false;
    i++;
    if (i < end && bytes[i] === COLON) {
      if (gap >= 0) return false;
      gap = count, i++;
    } else if (i === end) return false;
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = 8 - count;
  for (let g = 0, src = 0; g < 8; g++) {
    const inGap = gap >= 0 && g >= gap && g < gap + zeros;
    const v = inGap ? 0 : groups[src++];
    out[2 * g] = v >>> 8;
    out[2 * g + 1] = v & 0xff;
  }
  return true;
}

/** Clears host bits: begin = address with them 0, end = with them 1. */
function applyPrefix(begin: Uint8Array, end: Uint8Array, bits: number): void {
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    const mask = 0xff >>> keep;
    begin[i] &= ~mask & 0xff;
    end[i] = begin[i] | mask;
  }
}

function notAfter(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return true;
}

/**
 * Reads `bytes[start..end)` into `out` when it is one of the fast forms and
 * valid; returns false otherwise (the caller then uses `parseAddressRange`).
 */
export function scanTargetText(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: ScannedItem,
): boolean {
  let slash = -1, dash = -1, colon = false;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c === SLASH) slash = slash < 0 ? i : end;
    else if (c === DASH) dash = dash < 0 ? i : end;
    else if (c === COLON) colon = true;
  }
  if (slash >= end || dash >= end || (slash >= 0 && dash >= 0)) return false;
  const stop = slash >= 0 ? slash : dash >= 0 ? dash : end;
  const bits = slash < 0 ? -1 : decimalAt(bytes, slash + 1, end, 3);
  if (slash >= 0 && (bits < 0 || numberEnd !== end)) return false;
  if (!colon) {
    const first = ipv4At(bytes, start, stop);
    if (first < 0 || bits > 32) return false;
    out.version = 4;
    if (slash >= 0) {
      const size = 2 ** (32 - bits);
      out.begin4 = Math.floor(first / size) * size;
      out.end4 = out.begin4 + size - 1;
      return true;
    }
    const last = dash >= 0 ? ipv4At(bytes, dash + 1, end) : first;
    if (last < first) return false;
    out.begin4 = first, out.end4 = last;
    return true;
  }
  out.version = 6;
  if (!ipv6At(bytes, start, stop, out.begin6) || bits > 128) return false;
  if (slash >= 0) {
    applyPrefix(out.begin6, out.end6, bits);
    return true;
  }
  if (dash < 0) {
    out.end6.set(out.begin6);
    return true;
  }
  return ipv6At(bytes, dash + 1, end, out.end6) &&
    notAfter(out.begin6, out.end6);
}
