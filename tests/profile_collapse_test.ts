// The stack collapser and the flame graph writer of `./run profile` on a
// real `perf script` recording: zon's scanner with `-e pcap:` on a veth, 2 s at
// 97 Hz (`./run profile --drivers pcap --frequency 97 --keep-script`), with
// kernel frames, JIT frames named from V8's perf map, and [unknown] frames
// (the stripped Deno binary, libpcap, unnamed V8 stubs).
import assert from "node:assert/strict";
import {
  collapse,
  formatFolded,
  parseFolded,
  parsePerfScript,
  sourceMethodResolver,
} from "../scripts/profile_collapse.ts";
import {
  flameGraphSvg,
  functionShares,
  MARKED,
} from "../scripts/profile_svg.ts";
import { threadProfile, threadRoles } from "../scripts/profile_summary.ts";
import { parseSvgFrames, type SvgFrame } from "./helpers/profile_svg_reader.ts";

const FIXTURE = new URL(
  "./fixtures/profile_pcap_perf_script.txt",
  import.meta.url,
).pathname;
const text = Deno.readTextFileSync(FIXTURE);
const samples = parsePerfScript(text, sourceMethodResolver());
const folded = collapse(samples);

/** Samples of folded stacks that contain a frame matching `re`. */
function countWith(re: RegExp): number {
  let n = 0;
  for (const [stack, c] of folded) {
    if (stack.split(";").some((f) => re.test(f))) n += c;
  }
  return n;
}

Deno.test("collapse: sample and frame counts equal a hand count of the recording", () => {
  // Counted by hand with awk over the fixture's blank-line separated blocks:
  //   grep -c "cpu-clock: $"                          → 115 samples
  //   blocks whose first frame is [kernel.kallsyms]   → 86
  //   blocks containing packet_sendmsg                → 75
  //   blocks containing sendWith                      → 17
  //   blocks containing shuffleBatch                  → 3
  //   blocks containing synCookie4                    → 2
  //   blocks of exactly 6 frames, leaf packet_sendmsg, root __send → 5
  assert.deepEqual(samples.length, 115);
  assert.deepEqual([...folded.values()].reduce((a, b) => a + b, 0), 115);
  assert.deepEqual(
    samples.filter((s) => s.frames[0].kind === "kernel").length,
    86,
  );
  assert.deepEqual(countWith(/^packet_sendmsg_\[k\]$/), 75);
  assert.deepEqual(
    countWith(/^PcapDriver\.sendWith drivers\/pcap\.ts_\[j\]$/),
    17,
  );
  assert.deepEqual(countWith(/^Blackrock\.shuffleBatch /), 3);
  assert.deepEqual(countWith(/^synCookie4 siphash\/cookie\.ts_\[j\]$/), 2);
  assert.deepEqual(
    folded.get(
      "__send;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];" +
        "__x64_sys_sendto_[k];__sys_sendto_[k];packet_sendmsg_[k]",
    ),
    5,
  );
});

Deno.test("collapse: every stack equals a naive per-block collapse of the text", () => {
  // An independent reading: split on blank lines, take each frame line's
  // symbol and DSO, reverse, join; only the naming rules are shared.
  const naive = new Map<string, number>();
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0 || !/cpu-clock:\s*$/.test(lines[0])) continue;
    const names: string[] = [];
    for (const line of lines.slice(1)) {
      const [, , rest] = line.trim().match(/^(\S+) (.*)$/)!;
      const dso = rest.slice(rest.lastIndexOf(" (") + 2, -1);
      const sym = rest.slice(0, rest.lastIndexOf(" ("));
      let name: string;
      if (dso === "[kernel.kallsyms]") name = `${sym}_[k]`;
      else if (sym === "[unknown]") {
        name = dso.includes("perf-") ? "[JIT]" : `[${dso.split("/").pop()}]`;
        if (names[names.length - 1] === name) continue;
      } else if (dso.includes("perf-")) name = "JIT";
      else name = sym;
      names.push(name);
    }
    const key = names.reverse().join(";");
    naive.set(key, (naive.get(key) ?? 0) + 1);
  }
  const ours = new Map<string, number>();
  for (const [stack, n] of folded) {
    const key = stack.split(";").map((f) => f.endsWith("_[j]") ? "JIT" : f)
      .join(";");
    ours.set(key, (ours.get(key) ?? 0) + n);
  }
  assert.deepEqual(ours, naive);
});

Deno.test("collapse: JIT frames are named from the perf map, with their class", () => {
  const names = new Set(samples.flatMap((s) => s.frames.map((f) => f.name)));
  for (
    const n of [
      "Blackrock.shuffleBatch blackrock/blackrock.ts",
      "synCookie4 siphash/cookie.ts",
      "TcpSynTemplate.patch packet/template.ts",
      "PcapDriver.sendWith drivers/pcap.ts",
      "PcapDriver.#inject drivers/pcap.ts",
      "transmit scan/transmit_worker.ts",
      "[deno]",
      "[JIT]",
    ]
  ) assert(names.has(n), `no frame ${n} in ${[...names].join(", ")}`);
  // A run of [deno] frames (the stripped binary) is one frame.
  for (const s of samples) {
    s.frames.forEach((f, i) =>
      assert(i === 0 || f.kind !== "unknown" || s.frames[i - 1].name !== f.name)
    );
  }
});

Deno.test("collapse: folded text round-trips and rejects a malformed line", () => {
  const again = parseFolded(formatFolded(folded));
  assert.deepEqual(again, folded);
  let message = "";
  try {
    parseFolded("a;b 3\nno count here\n");
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.startsWith("folded line 2: expected"), message);
});

Deno.test("summary: the transmit thread and its split from the recording", () => {
  const roles = threadRoles(samples);
  assert.deepEqual([...roles], [[30762, "transmit"]]);
  const p = threadProfile(samples, 30762);
  assert.deepEqual(p.samples, 115);
  // 86 of 115 leaves in the kernel, every period 10309278 (97 Hz).
  assert.deepEqual(p.kernelShare.toFixed(4), (86 / 115 * 100).toFixed(4));
  // Leaf counts by hand (awk over the first frame line of each block):
  // __dev_queue_xmit 6, then _raw_spin_unlock_irqrestore, netif_skb_features,
  // packet_sendmsg and process_backlog 5 each (ties in name order).
  assert.deepEqual(
    p.topKernel.slice(0, 5).map((t) => `${t.name} ${t.samples}`),
    [
      "__dev_queue_xmit 6",
      "_raw_spin_unlock_irqrestore 5",
      "netif_skb_features 5",
      "packet_sendmsg 5",
      "process_backlog 5",
    ],
  );
  const selfSum = [...p.topKernel, ...p.topUser].reduce(
    (a, t) => a + t.samples,
    0,
  );
  assert(selfSum <= 115);
});

function checkNesting(frame: SvgFrame, exact: boolean): number {
  let childWidth = 0, childSamples = 0, checked = 1;
  for (const c of frame.children) {
    assert(c.x >= frame.x - 0.02, `${c.name} starts left of ${frame.name}`);
    assert(
      c.x + c.width <= frame.x + frame.width + 0.02,
      `${c.name} ends right of ${frame.name}`,
    );
    assert.deepEqual(
      c.y,
      frame.y - 16,
      `${c.name} one row above ${frame.name}`,
    );
    childWidth += c.width;
    childSamples += c.samples;
    checked += checkNesting(c, exact);
  }
  if (exact) {
    assert.deepEqual(childSamples + frame.self, frame.samples, frame.name);
    const selfWidth = frame.self / frame.samples * frame.width;
    assert(
      Math.abs(childWidth + selfWidth - frame.width) <
        0.01 * (frame.children.length + 2),
      `${frame.name}: children ${childWidth} + self ${selfWidth} ≠ ${frame.width}`,
    );
  } else {
    assert(childSamples + frame.self <= frame.samples, frame.name);
    assert(
      childWidth <= frame.width + 0.02 * frame.children.length,
      frame.name,
    );
  }
  return checked;
}

Deno.test("svg: every frame lies inside its caller and widths sum to the caller's", () => {
  const svg = flameGraphSvg(folded, {
    title: "fixture",
    marked: MARKED,
    minWidth: 0,
  });
  const root = parseSvgFrames(svg);
  assert.deepEqual(root.name, "all");
  assert.deepEqual(root.samples, 115);
  assert.deepEqual(root.width, 1200);
  const frames = checkNesting(root, true);
  // One rectangle per node of the call tree: the distinct stack prefixes + root.
  const prefixes = new Set<string>();
  for (const stack of folded.keys()) {
    const f = stack.split(";");
    for (let i = 1; i <= f.length; i++) prefixes.add(f.slice(0, i).join(";"));
  }
  assert.deepEqual(frames, prefixes.size + 1);
  // Tooltips carry the name and share; marked frames are flagged.
  assert(svg.includes("<title>packet_sendmsg (75 samples, 65.22%)</title>"));
  assert(/class="frame marked"[^>]*><title>TcpSynTemplate\.patch/.test(svg));
  // The default drops frames under 0.1 px; what is left still nests.
  checkNesting(
    parseSvgFrames(flameGraphSvg(folded, { title: "fixture" })),
    false,
  );
});

Deno.test("svg: kernel, JIT and native frames get different colours", () => {
  const svg = flameGraphSvg(folded, { title: "fixture", minWidth: 0 });
  const fill = (name: string) =>
    new RegExp(
      `<title>${
        name.replace(/[.[\]]/g, "\\$&")
      } \\(.*?fill="(rgb\\((\\d+),(\\d+),(\\d+)\\))"`,
    )
      .exec(svg);
  const k = fill("__sys_sendto")!,
    j = fill("transmit scan/transmit_worker.ts")!;
  const n = fill("start_thread")!;
  // kernel: red channel dominant; JIT: green dominant; native: blue dominant
  assert(Number(k[2]) > Number(k[4]) && Number(k[2]) > 200, k[1]);
  assert(Number(j[3]) > Number(j[2]) && Number(j[3]) > Number(j[4]), j[1]);
  assert(Number(n[4]) > Number(n[2]) && Number(n[4]) > Number(n[3]), n[1]);
});

Deno.test("svg: differential colours by the function's share of stacks", () => {
  const shares = functionShares(folded);
  assert.equal(shares.get("packet_sendmsg_[k]"), 75 / 115 * 100); // hand count above
  assert.equal(shares.get("all"), 100);
  // Against itself every frame is "about the same"; against a profile
  // without the kernel send path, packet_sendmsg is full red.
  const same = flameGraphSvg(folded, {
    title: "self",
    minWidth: 0,
    diff: { mine: shares, other: shares, otherName: "itself" },
  });
  const fills = new Set(
    [...same.matchAll(
      /<g class="frame[^>]*><title>[^<]*<\/title><rect [^>]*fill="([^"]+)"/g,
    )].map((m) => m[1]),
  );
  assert.deepEqual([...fills], ["rgb(230,230,230)"]);
  const userOnly = new Map(
    [...folded].filter(([s]) => !s.includes("packet_sendmsg")),
  );
  const diff = flameGraphSvg(folded, {
    title: "diff",
    minWidth: 0,
    diff: {
      mine: shares,
      other: functionShares(userOnly),
      otherName: "user only",
    },
  });
  assert.match(
    diff,
    /<title>packet_sendmsg \(75 samples, 65\.22%; on \+65\.22 points more of the stacks than in user only\)<\/title><rect [^>]*fill="rgb\(230,60,60\)"/,
  );
  checkNesting(parseSvgFrames(diff), true);
});

Deno.test("svg: the click-to-zoom script parses", () => {
  const svg = flameGraphSvg(folded, { title: "fixture" });
  const script = /<script><!\[CDATA\[([\s\S]*)\]\]><\/script>/.exec(svg);
  assert(script, "no script");
  new Function(script[1]); // throws SyntaxError if it does not parse
});
