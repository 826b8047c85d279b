/**
 * Plans of identical ops in identical layouts (every layer of a deep model) computed once per lowering.
 * The memo is looked up through a trie over small integers (rule id, then each result's and operand's
 * layout id, an operand's with whether it has one use): no key string per op. The string-keyed map
 * serves the plans that are computed, which opSharding then shares.
 */
import type { Op, Program } from '../../ir/types';
import type { OpRule, Sharding } from '../../partition/types';
import type { AxisTable } from '../layout';
import { opSharding, type OpSharding } from '../opsharding';

/** A node of the trie: `plan` is set on the node reached by a whole key. */
interface PlanNode {
  readonly next: Map<number, PlanNode>;
  plan: OpSharding | undefined;
}

export class PlanMemo {
  private readonly memo = new Map<string, OpSharding>();
  private readonly ruleIds = new Map<OpRule, number>();
  private readonly root: PlanNode = { next: new Map(), plan: undefined };

  constructor(private readonly program: Program, private readonly axes: AxisTable) {}

  /** The op's plan for these result and operand layouts; the same object for the same key (read only). */
  planFor(op: Op, rule: OpRule, resultDecl: readonly Sharding[], operandActual: readonly Sharding[], operandUses: readonly number[]): OpSharding {
    const input = { op, program: this.program, rule, resultDecl, operandActual, operandUses, axes: this.axes, memo: this.memo };
    // scatter's plan also depends on how its operand was made: opSharding never memoises it.
    if (op.kind === 'scatter') return opSharding(input);
    let rid = this.ruleIds.get(rule);
    if (rid === undefined) this.ruleIds.set(rule, (rid = this.ruleIds.size));
    let node = child(this.root, rid);
    for (let i = 0; i < resultDecl.length; i++) node = child(node, resultDecl[i] ? this.axes.layoutId(resultDecl[i]) : -1);
    node = child(node, -2);
    for (let i = 0; i < operandActual.length; i++) node = child(node, 2 * this.axes.layoutId(operandActual[i]) + (operandUses[i] === 1 ? 1 : 0));
    return (node.plan ??= opSharding(input));
  }
}

function child(node: PlanNode, x: number): PlanNode {
  let n = node.next.get(x);
  if (n === undefined) node.next.set(x, (n = { next: new Map(), plan: undefined }));
  return n;
}
