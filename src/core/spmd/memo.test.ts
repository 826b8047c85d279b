import { describe, expect, it } from 'vitest';
import { rulesOf } from '../partition/rules';
import { AxisTable, shardingKey } from './layout';
import { opSharding, type OpSharding } from './opsharding';
import { lowerZoo, mesh } from './zooHarness';

const keys = (s: OpSharding) => ({ operands: s.operands.map(shardingKey), results: s.results.map(shardingKey) });

// The lowering memoises op plans by (rule, layouts, single use): a memoised plan must equal the plan
// computed afresh for every op, in the layouts the partitioner gave.
describe('opSharding memo', () => {
  it('returns the same plans as without the memo, for every op of a partitioned training step', () => {
    const m = mesh({ batch: 2, model: 2 });
    const { program: g, result } = lowerZoo(
      'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nZ3 = ZeRO(stage=3, axis="batch")\nschedule = [BP, MP, Z3]', m);
    const rules = rulesOf(g);
    const axes = new AxisTable(m);
    const memo = new Map<string, OpSharding>();
    const uses = new Int32Array(g.values.length);
    for (const op of g.ops) for (const v of op.operands) uses[v]++;
    let planned = 0;
    // Twice over the program: the second pass is answered from the memo.
    for (let pass = 0; pass < 2; pass++) {
      for (const op of g.ops) {
        const rule = rules[op.id];
        if (!rule) continue;
        const input = {
          op, program: g, rule, axes,
          resultDecl: op.results.map((r) => result.shardings[r]),
          // Copies: equal layouts in distinct objects must hit the same memo entry.
          operandActual: op.operands.map((v) => ({ dims: result.shardings[v].dims.map((d) => [...d]), partial: [...result.shardings[v].partial] })),
          operandUses: op.operands.map((v) => uses[v]),
        };
        expect(keys(opSharding({ ...input, memo })), `${op.kind} #${op.id}`).toEqual(keys(opSharding(input)));
        planned++;
      }
    }
    expect(planned).toBeGreaterThan(100);
    expect(memo.size).toBeLessThan(planned / 2);
  });

  it('layoutId is equal for equal layouts and differs otherwise', () => {
    const axes = new AxisTable(mesh({ a: 2, b: 2 }));
    const id = axes.layoutId({ dims: [['a'], []], partial: ['b'] });
    expect(axes.layoutId({ dims: [['a'], []], partial: ['b'] })).toBe(id);
    expect(axes.layoutId({ dims: [[], ['a']], partial: ['b'] })).not.toBe(id);
    expect(axes.layoutId({ dims: [['a'], []], partial: [] })).not.toBe(id);
    expect(axes.layoutId({ dims: [['a', 'b'], []], partial: [] })).not.toBe(axes.layoutId({ dims: [['b', 'a'], []], partial: [] }));
  });
});
