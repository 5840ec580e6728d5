// Test helper: reads the frame tree back out of a flame graph SVG written by
// scripts/profile_svg.ts, from the SVG text alone (nested <g class="frame">
// elements, each with a <title>, a <rect> and a <text>).

/** One frame as drawn. */
export interface SvgFrame {
  name: string;
  samples: number;
  self: number;
  x: number;
  y: number;
  width: number;
  children: SvgFrame[];
}

const TAG = /<(\/?)g\b([^>]*)>|<title>([^<]*)<\/title>|<rect\b([^>]*)\/>/g;

function attr(attrs: string, name: string): string {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(attrs);
  if (!m) throw new Error(`no ${name}= in <${attrs}>`);
  return m[1];
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/** The root frame ("all") and everything below it; throws on bad nesting. */
export function parseSvgFrames(svg: string): SvgFrame {
  const stack: SvgFrame[] = [];
  let root: SvgFrame | null = null;
  for (const m of svg.matchAll(TAG)) {
    if (m[2] !== undefined && m[1] === "" && /class="frame/.test(m[2])) {
      const f: SvgFrame = {
        name: "",
        samples: Number(attr(m[2], "data-n")),
        self: Number(attr(m[2], "data-self")),
        x: NaN,
        y: NaN,
        width: NaN,
        children: [],
      };
      if (stack.length > 0) stack[stack.length - 1].children.push(f);
      else if (root === null) root = f;
      else throw new Error("two root frames");
      stack.push(f);
    } else if (m[1] === "/") {
      if (stack.pop() === undefined) throw new Error("unbalanced </g>");
    } else if (m[3] !== undefined && stack.length > 0) {
      const f = stack[stack.length - 1];
      if (f.name === "") {
        f.name = unescape(m[3]).replace(/ \(\d+ samples.*$/, "");
      }
    } else if (m[4] !== undefined && stack.length > 0) {
      const f = stack[stack.length - 1];
      if (Number.isNaN(f.x)) {
        f.x = Number(attr(m[4], "x"));
        f.y = Number(attr(m[4], "y"));
        f.width = Number(attr(m[4], "width"));
      }
    }
  }
  if (stack.length !== 0) throw new Error(`${stack.length} <g> left open`);
  if (root === null) throw new Error("no frames in the SVG");
  return root;
}
