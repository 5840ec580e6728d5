/**
 * Compiles rules into the automata a flow's half-streams run: per
 * direction one automaton for the case-sensitive contents and one for the
 * `nocase` ones (the matcher folds case per automaton, not per pattern).
 * A half-stream so keeps two state numbers; a rule that names no direction
 * is in both directions' automata. Port and protocol constraints are
 * checked when a pattern matches (matches are rare, so that costs less
 * than one automaton per port group).
 *
 * @module
 */

import { AhoCorasick, type BuildOptions } from "../../../aho_corasick/mod.ts";
import { type PortSet, type Rule, RuleDirection } from "./parse.ts";

/** The automata of one direction: case-sensitive and nocase. */
export interface DirectionMatchers {
  /** Case-sensitive contents, or null when there are none. */
  exact: AhoCorasick<number> | null;
  /** `nocase` contents, or null. */
  folded: AhoCorasick<number> | null;
}

/** The matcher's skip prefilter: its own choice, or forced on or off. */
export type Prefilter = NonNullable<BuildOptions["prefilter"]>;

/**
 * Rules compiled for matching.
 *
 * @example
 * ```ts
 * import { RuleSet } from "./compile.ts";
 * import { parseRules } from "./parse.ts";
 * const set = RuleSet.compile(parseRules('alert tcp any any -> any 80 (content:"x"; sid:1;)'));
 * set.applies(0, "tcp", "", 40000, 80); // true
 * set.applies(0, "tcp", "", 80, 40000); // false: bytes from the server
 * ```
 */
export class RuleSet {
  /** The rules, in file order; automata values index this. */
  readonly rules: readonly Rule[];
  /** Index 0: to server, 1: to client. */
  readonly matchers: readonly [DirectionMatchers, DirectionMatchers];

  private constructor(rules: readonly Rule[], prefilter: Prefilter) {
    this.rules = rules;
    this.matchers = [
      build(rules, RuleDirection.TO_SERVER, prefilter),
      build(rules, RuleDirection.TO_CLIENT, prefilter),
    ];
  }

  /**
   * Compiles `rules`; `prefilter` is passed to the matcher (default its
   * own "auto" choice).
   */
  static compile(
    rules: readonly Rule[],
    prefilter: Prefilter = "auto",
  ): RuleSet {
    return new RuleSet(rules, prefilter);
  }

  /**
   * Whether rule `index` applies to bytes sent from `sourcePort` to
   * `destinationPort` over `transport` ("tcp"/"udp") in a flow labelled
   * `label` ("" while unknown).
   */
  applies(
    index: number,
    transport: string,
    label: string,
    sourcePort: number,
    destinationPort: number,
  ): boolean {
    const rule = this.rules[index];
    const p = rule.protocol;
    if (p !== "ip" && p !== transport && p !== label) return false;
    if (
      inPorts(rule.sourcePorts, sourcePort) &&
      inPorts(rule.destinationPorts, destinationPort)
    ) return true;
    return rule.bidirectional &&
      inPorts(rule.sourcePorts, destinationPort) &&
      inPorts(rule.destinationPorts, sourcePort);
  }
}

function inPorts(set: PortSet, port: number): boolean {
  if (set.length === 0) return true;
  for (const [low, high] of set) if (port >= low && port <= high) return true;
  return false;
}

function build(
  rules: readonly Rule[],
  direction: RuleDirection,
  prefilter: Prefilter,
): DirectionMatchers {
  const exact: { pattern: Uint8Array; value: number }[] = [];
  const folded: { pattern: Uint8Array; value: number }[] = [];
  rules.forEach((rule, index) => {
    if (rule.direction !== RuleDirection.BOTH && rule.direction !== direction) {
      return;
    }
    (rule.nocase ? folded : exact).push({
      pattern: rule.content,
      value: index,
    });
  });
  return {
    exact: exact.length === 0 ? null : AhoCorasick.build(exact, { prefilter }),
    folded: folded.length === 0
      ? null
      : AhoCorasick.build(folded, { caseInsensitive: true, prefilter }),
  };
}
