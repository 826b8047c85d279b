/**
 * How one op computes locally (after Shardy's insert-explicit-reshards): a factor → axes assignment
 * from the op's rule, from which follow the sharding every operand must arrive in and the sharding
 * each result comes out in.
 *
 * - pass-through factors take the axes of the result dims the PartitionResult gave (major → minor,
 *   a compound dim's axes fill its major factor first);
 * - a reduction factor takes the axes its operands agree on (or those of the largest operand) and
 *   makes the result partial on them — only for ops that sum over it;
 * - need-replication and permutation factors are never sharded (their operands get gathered);
 * - an operand's partial axis flows through (stays partial, no reduction here) when the
 *   PartitionResult says the result is partial on it, the operand has one use and the op is linear
 *   in it (jointly linear for add/concatenate/select… where every linear operand must be partial).
 */
import type { Op, Program } from '../ir/types';
import type { OpRule, Sharding } from '../partition/types';
import type { AxisTable } from './layout';

export interface OpSharding {
  readonly operands: readonly Sharding[];
  readonly results: readonly Sharding[];
}

/** Whether sharding a reduction factor of this op yields a partial result (partial sums, or partial maxima for a max reduce): the rule says (ReductionSums). */
function sumsOverReduction(op: Op, rule: OpRule, program: Program): boolean {
  switch (rule.reductionSums) {
    case 'sum':
    case 'max':
      return true;
    case 'sum-into-zero': {
      const def = program.values[op.operands[0]].def;
      if (def < 0) return false;
      const d = program.ops[def];
      return d.kind === 'constant' && d.attrs.data === undefined && d.attrs.value === 0;
    }
    case 'none':
      return false;
  }
}

/** The shared empty axis list (never mutated), to keep the common unsharded case allocation-free. */
const NONE: string[] = [];
const NO_SPLIT: string[][] = [NONE];

export interface OpShardingInput {
  readonly op: Op;
  readonly program: Program;
  readonly rule: OpRule;
  /** The PartitionResult's shardings of the op's results. */
  readonly resultDecl: readonly Sharding[];
  /** How each operand is currently held (its producer's layout, possibly partial). */
  readonly operandActual: readonly Sharding[];
  /** Number of uses of each operand's value (op operands + program outputs). */
  readonly operandUses: readonly number[];
  readonly axes: AxisTable;
  /**
   * Optional memo shared by the calls of one lowering (one mesh, one AxisTable): the plan depends only on the rule
   * (which fixes the op kind and the types), the layouts of the results and operands and whether each
   * operand has one use, and the layers of a deep model ask the same few questions thousands of times.
   * The returned plan is then shared: callers must not modify it.
   */
  readonly memo?: Map<string, OpSharding>;
}

const ruleIds = new WeakMap<OpRule, number>();
let nextRuleId = 0;

function memoKey(inp: OpShardingInput): string {
  let id = ruleIds.get(inp.rule);
  if (id === undefined) ruleIds.set(inp.rule, (id = nextRuleId++));
  let key = `${id}`;
  for (let i = 0; i < inp.resultDecl.length; i++) key += ',' + (inp.resultDecl[i] ? inp.axes.layoutId(inp.resultDecl[i]) : -1);
  key += '|';
  for (let i = 0; i < inp.operandActual.length; i++) key += ',' + inp.axes.layoutId(inp.operandActual[i]) + (inp.operandUses[i] === 1 ? 'u' : '');
  return key;
}

export function opSharding(inp: OpShardingInput): OpSharding {
  // a `sum-into-zero` plan (scatter) also depends on how operand 0 was made (see sumsOverReduction): never memoised.
  if (inp.memo === undefined || inp.rule.reductionSums === 'sum-into-zero') return planOpSharding(inp);
  const key = memoKey(inp);
  let plan = inp.memo.get(key);
  if (plan === undefined) inp.memo.set(key, (plan = planOpSharding(inp)));
  return plan;
}

function planOpSharding(inp: OpShardingInput): OpSharding {
  const plan = new FactorPlan(inp);
  plan.followResults();
  plan.reductionsFromOperands();
  plan.dropStridedMinors();
  return plan.sharding(keptPartial(inp, plan.owner));
}

/**
 * Each factor's mesh axes for one op (null: not decided yet), and which factor owns each axis (an axis
 * shards one factor at most). Decided in steps: results' pass factors, then reductions, then strided
 * minors dropped.
 */
class FactorPlan {
  readonly factorAxes: (string[] | null)[];
  readonly owner = new Map<string, number>();
  private readonly nf: number;

  constructor(private readonly inp: OpShardingInput) {
    this.nf = inp.rule.factorSizes.length;
    this.factorAxes = new Array<string[] | null>(this.nf).fill(null);
  }

  private shardable(f: number): boolean {
    const t = this.inp.rule.factorTypes[f];
    return t === 'pass' || t === 'reduction';
  }

  /** Splits a dim's axes over its factors, major first, stopping at the first axis that does not fit. */
  private split(fs: readonly number[], dimAxes: readonly string[]): string[][] {
    const { rule, axes } = this.inp;
    if (dimAxes.length === 0) return fs.length === 1 ? NO_SPLIT : fs.map(() => NONE);
    const out = fs.map((): string[] => []);
    let k = 0, prod = 1;
    for (const a of dimAxes) {
      while (k < fs.length && prod === rule.factorSizes[fs[k]]) { k++; prod = 1; }
      if (k >= fs.length || !this.shardable(fs[k])) break;
      const s = axes.sizeOf(a);
      if (rule.factorSizes[fs[k]] % (prod * s) !== 0) break;
      out[k].push(a);
      prod *= s;
    }
    return out;
  }

  /** Factor f takes the prefix of `want` no other factor owns. */
  private decide(f: number, want: string[]): void {
    if (want.length === 0) { this.factorAxes[f] = NONE; return; }
    const taken: string[] = [];
    for (const a of want) {
      const o = this.owner.get(a);
      if (o !== undefined && o !== f) break;
      taken.push(a);
    }
    this.factorAxes[f] = taken;
    for (const a of taken) this.owner.set(a, f);
  }

  /** Pass-through factors follow the results. */
  followResults(): void {
    const { rule, resultDecl } = this.inp;
    rule.results.forEach((dims, r) => {
      const decl = resultDecl[r];
      if (!decl) return;
      dims.forEach((fs, d) => {
        const parts = this.split(fs, decl.dims[d] ?? []);
        fs.forEach((f, i) => {
          if (this.factorAxes[f] === null && rule.factorTypes[f] === 'pass') this.decide(f, parts[i]);
        });
      });
    });
  }

  /**
   * Operand-only factors: reductions take what the operands hold (what they agree on, else the largest
   * operand's); every other undecided factor stays unsharded.
   */
  reductionsFromOperands(): void {
    const { op, program, rule, operandActual } = this.inp;
    const reduces = sumsOverReduction(op, rule, program);
    const size = (v: number) => program.values[v].type.shape.reduce((a, b) => a * b, 1);
    for (let f = 0; f < this.nf; f++) {
      if (this.factorAxes[f] !== null) continue;
      if (rule.factorTypes[f] !== 'reduction' || !reduces) { this.factorAxes[f] = NONE; continue; }
      let agreed: string[] | null = null, agree = true, best: string[] = [], bestSize = -1;
      rule.operands.forEach((dims, o) => {
        dims.forEach((fs, d) => {
          const i = fs.indexOf(f);
          if (i < 0) return;
          const cand = this.split(fs, operandActual[o].dims[d] ?? [])[i];
          if (agreed === null) agreed = cand;
          else if (agreed.join(',') !== cand.join(',')) agree = false;
          const sz = size(op.operands[o]);
          if (sz > bestSize) { bestSize = sz; best = cand; }
        });
      });
      this.decide(f, agree && agreed !== null ? agreed : best);
    }
  }

  /** A minor factor of a compound dim may be sharded only when the major ones are full (no strided tiles). */
  dropStridedMinors(): void {
    const { rule } = this.inp;
    for (let changed = true; changed;) {
      changed = false;
      for (const t of rule.operands) if (this.dropInTensor(t)) changed = true;
      for (const t of rule.results) if (this.dropInTensor(t)) changed = true;
    }
  }

  private dropInTensor(tensor: readonly (readonly number[])[]): boolean {
    const { rule, axes } = this.inp;
    const full = (f: number) => axes.product(this.factorAxes[f] ?? NONE) === rule.factorSizes[f];
    let changed = false;
    for (const fs of tensor) {
      if (fs.length < 2) continue;
      let open = false;
      for (const f of fs) {
        if (open && (this.factorAxes[f]?.length ?? 0) > 0) {
          for (const a of this.factorAxes[f] ?? NONE) this.owner.delete(a);
          this.factorAxes[f] = NONE;
          changed = true;
        }
        if (!full(f)) open = true;
      }
    }
    return changed;
  }

  private dimsOf(tensor: readonly (readonly number[])[]): string[][] {
    return tensor.map((fs) => {
      if (fs.length === 1) return this.factorAxes[fs[0]] ?? [];
      const out: string[] = [];
      for (const f of fs) for (const a of this.factorAxes[f] ?? []) out.push(a);
      return out;
    });
  }

  /** The operands' and results' shardings under the decided factors, with `kept` partial axes flowing through. */
  sharding(kept: ReadonlySet<string>): OpSharding {
    const { op, rule, operandActual, axes } = this.inp;
    const nf = this.nf;
    const inOperand = new Uint8Array(nf);
    for (const t of rule.operands) for (const fs of t) for (const f of fs) inOperand[f] = 1;
    const operands = rule.operands.map((t, o) => ({
      dims: this.dimsOf(t),
      partial: kept.size === 0 ? NONE : axes.meshOrder(operandActual[o].partial.filter((a) => kept.has(a))),
    }));
    // A result is partial on the axes of sharded factors it sums over: reductions, and pass factors
    // of the operands that the result lacks (attention_grad's dk/dv sum over the query-head groups).
    let anySharded = false;
    for (const fa of this.factorAxes) if (fa !== null && fa.length > 0) anySharded = true;
    const results = rule.results.map((t) => {
      if (!anySharded && kept.size === 0) return { dims: this.dimsOf(t), partial: NONE };
      const inResult = new Uint8Array(nf);
      for (const fs of t) for (const f of fs) inResult[f] = 1;
      const summed: string[] = [...kept];
      for (let f = 0; f < nf; f++)
        if (!inResult[f] && inOperand[f] && rule.factorTypes[f] !== 'need_replication') summed.push(...(this.factorAxes[f] ?? []));
      if (summed.length === 0) return { dims: this.dimsOf(t), partial: NONE };
      const partial = axes.meshOrder(summed);
      return op.kind === 'reduce' && op.attrs.reducer === 'max' ? { dims: this.dimsOf(t), partial, reducer: 'max' as const } : { dims: this.dimsOf(t), partial };
    });
    return { operands, results };
  }
}

/**
 * Partial axes that flow through this op unreduced: a single-result op whose declared result stays
 * partial on an axis no factor owns, summed linearly (partial maxima never flow on).
 */
function keptPartial(inp: OpShardingInput, owner: ReadonlyMap<string, number>): Set<string> {
  const { op, rule, resultDecl, operandActual } = inp;
  const kept = new Set<string>();
  if (op.results.length !== 1 || !resultDecl[0]) return kept;
  const partialIn = new Set<string>();
  for (const s of operandActual) for (const a of s.partial) partialIn.add(a);
  for (const a of partialIn) {
    if (!resultDecl[0].partial.includes(a) || owner.has(a)) continue;
    if (operandActual.some((s) => s.reducer !== undefined && s.partial.includes(a))) continue; // partial maxima never flow on
    if (op.kind === 'reduce' && op.attrs.reducer !== 'sum') continue;
    const holders: number[] = [];
    operandActual.forEach((s, o) => { if (s.partial.includes(a)) holders.push(o); });
    if (holders.some((o) => !rule.linearIn[o] || inp.operandUses[o] !== 1)) continue;
    if (rule.linearJointly) {
      const linear = rule.linearIn.flatMap((l, o) => (l ? [o] : []));
      if (linear.length !== holders.length) continue;
    } else if (holders.length !== 1) continue;
    kept.add(a);
  }
  return kept;
}
