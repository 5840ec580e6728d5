/**
 * The rules file: one Snort/Suricata-like rule per line, content matches
 * only.
 *
 * ```text
 * # comment
 * alert tcp any any -> any 80 (msg:"curl request"; content:"User-Agent|3a| curl"; nocase; sid:1001;)
 * alert tls any any <> any any (msg:"TLS 1.2 record"; content:"|16 03 03|"; flow:to_client; sid:1002;)
 * ```
 *
 * Header: `alert PROTOCOL SRC_ADDR SRC_PORT DIRECTION DST_ADDR DST_PORT`.
 * PROTOCOL is `tcp`, `udp`, `ip` (either) or an application label
 * (`http`, `tls`, `ssh`, `smtp`, `ftp`, `pop3`, `imap`, `dns`) checked
 * against the flow's identified protocol when the match ends. Addresses
 * must be `any`; ports are `any`, `N`, `N:M` or `[N,M:K,...]`, and apply to
 * the sending and the receiving side of the bytes matched. DIRECTION `->`
 * matches bytes sent from SRC to DST, `<>` either way.
 *
 * Options: `content:"..."` (one per rule; `|41 42|` is hex), `nocase`,
 * `msg:"..."`, `sid:N` (required, unique), `flow:to_server|to_client`
 * (also `from_client`/`from_server`; `established` and `stateless` are
 * accepted and ignored), `rev:N`, `classtype:...` (ignored).
 *
 * @module
 */

/** The direction of the bytes a rule looks at. */
export const RuleDirection = {
  /** Client to server (the side that sent the SYN, or spoke first). */
  TO_SERVER: 0,
  /** Server to client. */
  TO_CLIENT: 1,
  /** Either. */
  BOTH: 2,
} as const;
/** One of {@linkcode RuleDirection}. */
export type RuleDirection = typeof RuleDirection[keyof typeof RuleDirection];

/** Inclusive port ranges; empty means any port. */
export type PortSet = readonly (readonly [number, number])[];

/** A parsed rule. */
export interface Rule {
  /** `sid`. */
  id: number;
  /** `msg`, or "" */
  message: string;
  /** The content bytes. */
  content: Uint8Array;
  /** `nocase`: ASCII letters match either case. */
  nocase: boolean;
  /** Which half-stream. */
  direction: RuleDirection;
  /** `tcp`, `udp`, `ip` or an application label. */
  protocol: string;
  /** Ports of the side sending the matched bytes. */
  sourcePorts: PortSet;
  /** Ports of the side receiving them. */
  destinationPorts: PortSet;
  /** `<>`: the header's ports may be either way round. */
  bidirectional: boolean;
  /** Line number in the file (1-based), for messages. */
  line: number;
}

/** Application labels a rule's protocol field may name. */
export const APP_PROTOCOLS: readonly string[] = [
  "http",
  "tls",
  "ssh",
  "smtp",
  "ftp",
  "pop3",
  "imap",
  "dns",
];

/** A rule the file could not be read as, with its line. */
export class RuleSyntaxError extends Error {
  /** Creates the error for `line` of `source`. */
  constructor(source: string, line: number, message: string) {
    super(`${source}:${line}: ${message}`);
    this.name = "RuleSyntaxError";
  }
}

const HEADER =
  /^alert\s+(\S+)\s+(\S+)\s+(\S+)\s+(->|<>)\s+(\S+)\s+(\S+)\s*\((.*)\)\s*$/;

/**
 * Parses a whole rules file; `source` names it in errors.
 *
 * @example
 * ```ts
 * import { parseRules } from "./parse.ts";
 * const [rule] = parseRules('alert tcp any any -> any 80 (msg:"get"; content:"GET |2f|"; sid:1;)');
 * // rule.content is the bytes of "GET /", rule.destinationPorts is [[80, 80]]
 * ```
 */
export function parseRules(text: string, source = "rules"): Rule[] {
  const rules: Rule[] = [];
  const ids = new Map<number, number>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const rule = parseRule(line, i + 1, source);
    const seen = ids.get(rule.id);
    if (seen !== undefined) {
      throw new RuleSyntaxError(
        source,
        i + 1,
        `sid ${rule.id} already used on line ${seen}`,
      );
    }
    ids.set(rule.id, i + 1);
    rules.push(rule);
  }
  if (rules.length === 0) {
    throw new RuleSyntaxError(source, lines.length, "no rules in the file");
  }
  return rules;
}

/**
 * Parses one rule line (`line` and `source` only label errors).
 *
 * @example
 * ```ts
 * import { parseRule } from "./parse.ts";
 * parseRule('alert tls any any <> any any (content:"|16 03|"; flow:to_client; sid:9;)').direction; // 1
 * ```
 */
export function parseRule(text: string, line = 1, source = "rules"): Rule {
  const fail = (message: string): never => {
    throw new RuleSyntaxError(source, line, message);
  };
  const header = HEADER.exec(text);
  if (header === null) {
    fail(
      'expected `alert PROTO any PORTS -> any PORTS (content:"..."; sid:N;)`',
    );
  }
  const [, protocol, sourceAddr, sourcePort, arrow, destAddr, destPort, body] =
    header!;
  if (!["tcp", "udp", "ip", ...APP_PROTOCOLS].includes(protocol)) {
    fail(
      `unknown protocol "${protocol}"; expected tcp, udp, ip or ${
        APP_PROTOCOLS.join(", ")
      }`,
    );
  }
  for (const addr of [sourceAddr, destAddr]) {
    if (addr !== "any") fail(`address "${addr}": only "any" is supported`);
  }
  const rule: Rule = {
    id: -1,
    message: "",
    content: new Uint8Array(0),
    nocase: false,
    direction: RuleDirection.BOTH,
    protocol,
    sourcePorts: parsePorts(sourcePort, fail),
    destinationPorts: parsePorts(destPort, fail),
    bidirectional: arrow === "<>",
    line,
  };
  let contents = 0;
  for (const [key, value] of splitOptions(body, fail)) {
    switch (key) {
      case "content":
        if (++contents > 1) fail("only one content per rule is supported");
        rule.content = parseContent(unquote(value, key, fail), fail);
        break;
      case "nocase":
        rule.nocase = true;
        break;
      case "msg":
        rule.message = unquote(value, key, fail);
        break;
      case "sid": {
        const id = Number(value);
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(id)) {
          fail(`sid "${value}": expected a non-negative integer`);
        }
        rule.id = id;
        break;
      }
      case "flow":
        rule.direction = parseFlow(value, fail);
        break;
      case "rev":
      case "classtype":
      case "reference":
      case "metadata":
        break;
      default:
        fail(`option "${key}" is not supported`);
    }
  }
  if (contents === 0) fail("the rule has no content");
  if (rule.id < 0) fail("the rule has no sid");
  return rule;
}

function parsePorts(text: string, fail: (m: string) => never): PortSet {
  if (text === "any") return [];
  const inner = text.startsWith("[") && text.endsWith("]")
    ? text.slice(1, -1)
    : text;
  const ranges: [number, number][] = [];
  for (const part of inner.split(",")) {
    const m = /^(\d+)?(:)?(\d+)?$/.exec(part.trim());
    if (m === null || (m[1] === undefined && m[3] === undefined)) {
      fail(`port "${part}": expected any, N, N:M or [N,M:K]`);
    }
    const low = Number(m![1] ?? 0);
    const high = m![2] === undefined ? low : Number(m![3] ?? 65535);
    if (low > 65535 || high > 65535 || low > high) {
      fail(`port range "${part}" is not within 0-65535 in order`);
    }
    ranges.push([low, high]);
  }
  return ranges;
}

function parseFlow(value: string, fail: (m: string) => never): RuleDirection {
  let direction: RuleDirection = RuleDirection.BOTH;
  for (const word of value.split(",").map((w) => w.trim())) {
    if (word === "to_server" || word === "from_client") {
      direction = RuleDirection.TO_SERVER;
    } else if (word === "to_client" || word === "from_server") {
      direction = RuleDirection.TO_CLIENT;
    } else if (word !== "established" && word !== "stateless") {
      fail(`flow "${word}": expected to_server or to_client`);
    }
  }
  return direction;
}

/** Splits `key:value;` pairs, honouring quotes and `\"`. */
function splitOptions(
  body: string,
  fail: (m: string) => never,
): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < body.length) {
    while (i < body.length && /\s/.test(body[i])) i++;
    if (i >= body.length) break;
    let j = i;
    let quoted = false;
    while (j < body.length && (quoted || body[j] !== ";")) {
      if (body[j] === "\\" && quoted) j++;
      else if (body[j] === '"') quoted = !quoted;
      j++;
    }
    if (quoted) fail("unterminated quote in the options");
    if (j >= body.length) fail(`option "${body.slice(i)}" lacks its ";"`);
    const option = body.slice(i, j);
    const colon = option.indexOf(":");
    out.push(
      colon < 0
        ? [option.trim(), ""]
        : [option.slice(0, colon).trim(), option.slice(colon + 1).trim()],
    );
    i = j + 1;
  }
  return out;
}

function unquote(
  value: string,
  key: string,
  fail: (m: string) => never,
): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) {
    fail(`${key}: expected a quoted string, got ${value}`);
  }
  return value.slice(1, -1).replace(/\\(["\\;:])/g, "$1");
}

/** Content text to bytes: `|..|` holds hex pairs, the rest is UTF-8. */
function parseContent(text: string, fail: (m: string) => never): Uint8Array {
  const bytes: number[] = [];
  const parts = text.split("|");
  if (parts.length % 2 === 0) fail(`content "${text}": unbalanced "|"`);
  for (let p = 0; p < parts.length; p++) {
    if (p % 2 === 0) {
      bytes.push(...new TextEncoder().encode(parts[p]));
      continue;
    }
    const hex = parts[p].replace(/\s+/g, "");
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) {
      fail(`content "|${parts[p]}|": expected pairs of hex digits`);
    }
    for (let h = 0; h < hex.length; h += 2) {
      bytes.push(parseInt(hex.slice(h, h + 2), 16));
    }
  }
  if (bytes.length === 0) fail("content is empty");
  return Uint8Array.from(bytes);
}
