import type { FactorType, OpRule, ReductionSums } from './types';

/** A dim that a factor does not appear in (Shardy's kNullDim). */
export const NULL_DIM = -1;

/**
 * Builds an OpRule factor by factor, after Shardy's OpShardingRuleBuilder: each factor names the
 * dim it maps to in every operand and result (NULL_DIM where it does not appear). Factors added to
 * the same dim stack major → minor, which is how a reshape's compound dim is expressed.
 */
export class RuleBuilder {
  private readonly sizes: number[] = [];
  private readonly types: FactorType[] = [];
  private readonly blockedFactors: boolean[] = [];
  private readonly operandDims: number[][][];
  private readonly resultDims: number[][][];

  constructor(operandRanks: readonly number[], resultRanks: readonly number[]) {
    this.operandDims = operandRanks.map((r) => Array.from({ length: r }, () => []));
    this.resultDims = resultRanks.map((r) => Array.from({ length: r }, () => []));
  }

  /** Adds one factor; `operandDims[i]` / `resultDims[j]` is its dim in that tensor or NULL_DIM. */
  addFactor(
    operandDims: readonly number[],
    resultDims: readonly number[],
    size: number,
    type: FactorType = 'pass',
    blocked = false,
  ): number {
    const f = this.sizes.length;
    this.sizes.push(size);
    this.types.push(type);
    this.blockedFactors.push(blocked);
    operandDims.forEach((d, i) => {
      if (d !== NULL_DIM) this.operandDims[i][d].push(f);
    });
    resultDims.forEach((d, j) => {
      if (d !== NULL_DIM) this.resultDims[j][d].push(f);
    });
    return f;
  }

  build(linearIn: readonly boolean[], linearJointly = false, reductionSums: ReductionSums = 'none'): OpRule {
    return {
      factorSizes: this.sizes,
      factorTypes: this.types,
      operands: this.operandDims,
      results: this.resultDims,
      blocked: this.blockedFactors,
      linearIn,
      linearJointly, // always present, so every rule object has one shape (monomorphic access)
      reductionSums,
    };
  }
}

/** Shardy's factor names: i, j, …, z, then z_1, z_2, … */
export function factorName(f: number): string {
  const last = 'z'.charCodeAt(0) - 'i'.charCodeAt(0);
  return f <= last ? String.fromCharCode('i'.charCodeAt(0) + f) : `z_${f - last}`;
}

/**
 * Prints a rule in Shardy's `#sdy.op_sharding_rule` syntax, so rules can be checked against
 * Shardy's registry tests: `([i, k], [k, j])->([i, j]) {i=8, j=16, k=32} reduction={k}`.
 */
export function formatRule(rule: OpRule): string {
  const tensor = (dims: readonly (readonly number[])[]) => `[${dims.map((fs) => fs.map(factorName).join('')).join(', ')}]`;
  const sizes = rule.factorSizes.map((s, f) => `${factorName(f)}=${s}`).join(', ');
  let out = `(${rule.operands.map(tensor).join(', ')})->(${rule.results.map(tensor).join(', ')}) {${sizes}}`;
  const list = (pred: (f: number) => boolean) => rule.factorSizes.map((_, f) => f).filter(pred).map(factorName);
  const sections: [string, string[]][] = [
    ['reduction', list((f) => rule.factorTypes[f] === 'reduction')],
    ['need_replication', list((f) => rule.factorTypes[f] === 'need_replication')],
    ['permutation', list((f) => rule.factorTypes[f] === 'permutation')],
    ['blocked_propagation', list((f) => rule.blocked[f])],
  ];
  for (const [name, fs] of sections) if (fs.length > 0) out += ` ${name}={${fs.join(', ')}}`;
  return out;
}
