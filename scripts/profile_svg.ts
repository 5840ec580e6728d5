/**
 * A small self-contained flame graph writer: folded stacks → one SVG that
 * opens in a browser. A rectangle per frame, root at the bottom, width ∝
 * samples; a tooltip with the full name, samples and share; kernel frames,
 * JavaScript (JIT) frames and native user-space frames in different colours;
 * the article's marked functions outlined and in a colour of their own; click
 * a frame to zoom into it, click the root to zoom out.
 *
 * Every frame is a `<g class="frame">` nested in its caller's, with
 * `data-n` (samples in it and below), so a reader (or a test) can walk the
 * tree from the SVG alone.
 *
 * @module
 */
import { folderKind } from "./profile_collapse.ts";

/** A node of the call tree built from folded stacks. */
export interface FlameNode {
  /** Frame name (annotated: `_[k]` kernel, `_[j]` JIT). */
  name: string;
  /** Samples in this frame and its callees. */
  total: number;
  /** Samples with this frame as the leaf. */
  self: number;
  /** Callees by name. */
  children: Map<string, FlameNode>;
}

/**
 * Builds the call tree (root: "all") from folded stacks.
 *
 * @example
 * ```ts
 * import { flameTree } from "./profile_svg.ts";
 * const root = flameTree(new Map([["a;b", 2], ["a", 1]]));
 * console.log(root.total, root.children.get("a")?.self); // 3 1
 * ```
 */
export function flameTree(folded: Map<string, number>): FlameNode {
  const root: FlameNode = {
    name: "all",
    total: 0,
    self: 0,
    children: new Map(),
  };
  for (const [stack, n] of folded) {
    let node = root;
    node.total += n;
    for (const name of stack.split(";")) {
      let child = node.children.get(name);
      if (!child) {
        child = { name, total: 0, self: 0, children: new Map() };
        node.children.set(name, child);
      }
      child.total += n;
      node = child;
    }
    node.self += n;
  }
  return root;
}

/** Options of {@link flameGraphSvg}. */
export interface FlameGraphOptions {
  /** Heading of the picture. */
  title: string;
  /** A line under the title (event, frequency, what was sampled). */
  subtitle?: string;
  /** Image width in px (default 1200). */
  width?: number;
  /** Frames narrower than this many px are left out (default 0.1; 0 keeps all). */
  minWidth?: number;
  /** Frames whose name matches are highlighted (the article's marked functions). */
  marked?: RegExp;
  /**
   * Differential colouring against another profile: {@link functionShares}
   * of both; a frame is red where its function is on more of this profile's
   * stacks than of the other's, blue where on fewer. (By function, not by
   * path: the two senders enter the kernel through different libc wrappers.)
   */
  diff?: {
    mine: Map<string, number>;
    other: Map<string, number>;
    otherName: string;
  };
}

/** The functions the article marks, and zon's stage functions. */
export const MARKED =
  /^(entry_SYSCALL_64\w*|packet_sendmsg|tpacket_snd|sock_alloc_send_pskb|consume_skb|\S*shuffleBatch|\S*synCookie4|\S*cookie4|\S*\.patch|\S*\.sendWith|\S*\.flush|pcap_sendpacket)(_\[[kj]\])?( |$)/;

const FRAME_H = 16;
const TOP = 44;
const CHAR_W = 6.6;

/**
 * Renders folded stacks as an SVG flame graph.
 *
 * @example
 * ```ts
 * import { flameGraphSvg } from "./profile_svg.ts";
 * const svg = flameGraphSvg(new Map([["main;work_[k]", 3], ["main", 1]]), {
 *   title: "example",
 * });
 * console.log(svg.startsWith("<?xml")); // true
 * ```
 */
export function flameGraphSvg(
  folded: Map<string, number>,
  options: FlameGraphOptions,
): string {
  const width = options.width ?? 1200;
  const minWidth = options.minWidth ?? 0.1;
  const root = flameTree(folded);
  const depth = maxDepth(root, root.total, width, minWidth);
  const height = TOP + (depth + 1) * FRAME_H + 24;
  const scale = root.total > 0 ? width / root.total : 0;
  const out: string[] = [];
  out.push(
    `<?xml version="1.0" standalone="no"?>`,
    `<svg version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" data-total="${root.total}">`,
    `<style>text{font:11px Verdana,sans-serif;fill:#000;pointer-events:none}` +
      `.frame rect{stroke:#fff;stroke-width:0.3}.frame.marked>rect{stroke:#000;stroke-width:1.2}` +
      `.frame:hover>rect{stroke:#000;stroke-width:1}.title{font-size:16px}.legend{font-size:11px}</style>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#f8f8f4"/>`,
    `<text class="title" x="${width / 2}" y="20" text-anchor="middle">${
      esc(options.title)
    }</text>`,
    `<text class="legend" x="${width / 2}" y="36" text-anchor="middle">${
      esc(options.subtitle ?? "")
    }</text>`,
    options.diff ? diffLegend(height, options.diff.otherName) : legend(height),
  );
  const bottom = height - 24 - FRAME_H;
  const emit = (
    node: FlameNode,
    x: number,
    level: number,
  ): void => {
    const w = node.total * scale;
    const y = bottom - level * FRAME_H;
    const marked = options.marked?.test(node.name) ?? false;
    const share = root.total ? node.total / root.total * 100 : 0;
    const delta = options.diff
      ? (options.diff.mine.get(node.name) ?? 0) -
        (options.diff.other.get(node.name) ?? 0)
      : 0;
    const fill = options.diff ? diffColour(delta) : colour(node.name, marked);
    const diff = options.diff
      ? `; on ${
        signed(delta)
      } points more of the stacks than in ${options.diff.otherName}`
      : "";
    out.push(
      `<g class="frame${
        marked ? " marked" : ""
      }" data-n="${node.total}" data-self="${node.self}"><title>${
        esc(display(node.name))
      } (${node.total} samples, ${share.toFixed(2)}%${diff})</title>` +
        `<rect x="${fix(x)}" y="${y}" width="${fix(w)}" height="${
          FRAME_H - 1
        }" fill="${fill}"/>` +
        `<text x="${fix(x + 3)}" y="${y + 11}">${
          esc(label(node.name, w))
        }</text>`,
    );
    let cx = x;
    for (const child of sortedChildren(node)) {
      if (child.total * scale >= minWidth) {
        emit(child, cx, level + 1);
      }
      cx += child.total * scale;
    }
    out.push(`</g>`);
  };
  emit(root, 0, 0);
  out.push(`<script><![CDATA[${ZOOM_SCRIPT}]]></script>`, `</svg>`, "");
  return out.join("\n");
}

/**
 * For each function, the % of samples with it anywhere on the stack (each
 * stack counted once per function), for a differential graph.
 *
 * @example
 * ```ts
 * import { functionShares } from "./profile_svg.ts";
 * const s = functionShares(new Map([["a;b", 1], ["a;c;a", 3]]));
 * console.log(s.get("a"), s.get("b")); // 100 25
 * ```
 */
export function functionShares(
  folded: Map<string, number>,
): Map<string, number> {
  let total = 0;
  const on = new Map<string, number>();
  for (const [stack, n] of folded) {
    total += n;
    for (const f of new Set(stack.split(";"))) on.set(f, (on.get(f) ?? 0) + n);
  }
  on.set("all", total);
  for (const [f, n] of on) on.set(f, total ? n / total * 100 : 0);
  return on;
}

function sortedChildren(node: FlameNode): FlameNode[] {
  return [...node.children.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
}

function maxDepth(
  node: FlameNode,
  total: number,
  width: number,
  minWidth: number,
): number {
  let d = 0;
  for (const c of node.children.values()) {
    if (total && c.total / total * width >= minWidth) {
      d = Math.max(d, 1 + maxDepth(c, total, width, minWidth));
    }
  }
  return d;
}

/** The name without the `_[k]`/`_[j]` annotation. */
function display(name: string): string {
  return name.replace(/_\[[kj]\]$/, "");
}

function label(name: string, w: number): string {
  const text = display(name);
  const fits = Math.floor((w - 6) / CHAR_W);
  if (fits < 3) return "";
  return text.length <= fits ? text : `${text.slice(0, fits - 2)}..`;
}

/** Deterministic hash of a name → 0..1, so a function keeps its shade. */
function shade(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  }
  return ((h >>> 0) % 1000) / 1000;
}

function colour(name: string, marked: boolean): string {
  const t = shade(name);
  if (marked) return `rgb(${200 + 30 * t | 0},60,${200 + 40 * t | 0})`;
  if (name === "all") return "rgb(200,200,200)";
  if (/^\[.*\]$/.test(name)) return `rgb(${180 + 20 * t | 0},180,180)`;
  switch (folderKind(name)) {
    case "kernel":
      return `rgb(${220 + 30 * t | 0},${130 + 50 * t | 0},40)`;
    case "jit":
      return `rgb(60,${170 + 50 * t | 0},${80 + 40 * t | 0})`;
    default:
      return `rgb(${90 + 40 * t | 0},${140 + 40 * t | 0},230)`;
  }
}

function diffColour(delta: number): string {
  const d = Math.max(-1, Math.min(1, delta / 10));
  const k = 230 - Math.round(Math.abs(d) * 170);
  return d >= 0 ? `rgb(230,${k},${k})` : `rgb(${k},${k},230)`;
}

function legend(height: number): string {
  const items: [string, string][] = [
    ["kernel", colour("x_[k]", false)],
    ["JavaScript (JIT)", colour("x_[j]", false)],
    ["native user space", colour("x", false)],
    ["unnamed (stripped binary)", colour("[x]", false)],
    ["marked (the article's functions, zon's stages)", colour("x", true)],
  ];
  let x = 10;
  const parts: string[] = [];
  for (const [text, fill] of items) {
    parts.push(
      `<rect x="${x}" y="${
        height - 17
      }" width="12" height="12" fill="${fill}"/>` +
        `<text class="legend" x="${x + 16}" y="${height - 7}">${
          esc(text)
        }</text>`,
    );
    x += 24 + text.length * 6.2;
  }
  return parts.join("");
}

function diffLegend(height: number, otherName: string): string {
  const items: [string, string][] = [
    [
      `on more stacks than in ${otherName} (full red: +10 points or more)`,
      diffColour(10),
    ],
    [`on fewer (full blue: -10 points or fewer)`, diffColour(-10)],
    ["about the same", diffColour(0)],
  ];
  let x = 10;
  return items.map(([text, fill]) => {
    const part =
      `<rect x="${x}" y="${
        height - 17
      }" width="12" height="12" fill="${fill}"/>` +
      `<text class="legend" x="${x + 16}" y="${height - 7}">${
        esc(text)
      }</text>`;
    x += 24 + text.length * 6.2;
    return part;
  }).join("");
}

function signed(v: number): string {
  return `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
}

function fix(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

// Click a frame: it and its callees fill the width, its callers span it, the
// rest hide. Click the root ("all") to reset. Original geometry is kept in
// data-x/data-w on first use.
const ZOOM_SCRIPT = `
(function () {
  var svg = document.documentElement, W = +svg.getAttribute("width");
  function geo(r) {
    if (!r.hasAttribute("data-x")) {
      r.setAttribute("data-x", r.getAttribute("x"));
      r.setAttribute("data-w", r.getAttribute("width"));
    }
    return [+r.getAttribute("data-x"), +r.getAttribute("data-w")];
  }
  function relabel(g, w) {
    var t = g.querySelector(":scope>text"), name = g.querySelector(":scope>title").textContent;
    name = name.replace(/ \\(\\d+ samples.*$/, "");
    var fits = Math.floor((w - 6) / ${CHAR_W});
    t.textContent = fits < 3 ? "" : name.length <= fits ? name : name.slice(0, fits - 2) + "..";
  }
  function zoom(target) {
    var tr = target.querySelector(":scope>rect"), z = geo(tr), zx = z[0], zw = z[1];
    svg.querySelectorAll("g.frame").forEach(function (g) {
      var r = g.querySelector(":scope>rect"), o = geo(r), x, w;
      if (target.contains(g)) { x = (o[0] - zx) / zw * W; w = o[1] / zw * W; }
      else if (g.contains(target)) { x = 0; w = W; }
      else { g.querySelector(":scope>rect").setAttribute("width", 0); relabel(g, 0); return; }
      r.setAttribute("x", x); r.setAttribute("width", w);
      r.nextSibling.setAttribute("x", x + 3); relabel(g, w);
    });
  }
  svg.addEventListener("click", function (e) {
    var g = e.target.closest && e.target.closest("g.frame");
    if (g) zoom(g);
  });
})();
`;
