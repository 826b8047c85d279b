import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import { buildZooModel } from '../models/zoo';
import { programFacts } from './facts';
import { typeIdsOf } from './rules';

// The flat per-value facts (type ids, defining ops, ranks) stand in for reads of the value objects in the
// hot loops: they must agree with those objects exactly.
describe('per-value program facts', () => {
  it('gives equal type ids exactly to values of equal dtype and shape, shared objects or not', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('x', { shape: [4, 8], dtype: 'f32' });
    const y = b.input('y', { shape: [4, 8], dtype: 'f32' }); // an equal type in its own object
    const z = b.input('z', { shape: [4, 8], dtype: 'bf16' });
    const w = b.input('w', { shape: [8, 4], dtype: 'f32' });
    const s = b.input('s', { shape: [], dtype: 'f32' });
    const p = b.build();
    const id = typeIdsOf(p);
    expect(id[x]).toBe(id[y]);
    expect(new Set([id[x], id[z], id[w], id[s]]).size).toBe(4);
    expect(typeIdsOf(p)).toBe(id);
  });

  it('matches every value of a training step: type ids by type, defining op and rank', () => {
    const p = buildZooModel('transformer', { layers: 2, dModel: 16, heads: 4, dFF: 32, seq: 8, vocab: 32, batch: 4, precision: 'mixed' });
    const f = programFacts(p);
    const key = (v: number) => `${p.values[v].type.dtype}[${p.values[v].type.shape.join(',')}]`;
    const idOfKey = new Map<string, number>();
    for (const val of p.values) {
      expect(f.valueDef[val.id]).toBe(val.def);
      expect(f.valueRank[val.id]).toBe(val.type.shape.length);
      const k = key(val.id);
      const seen = idOfKey.get(k);
      if (seen === undefined) idOfKey.set(k, f.typeId[val.id]);
      else expect(f.typeId[val.id], k).toBe(seen);
    }
    // Distinct types, distinct ids.
    expect(new Set(idOfKey.values()).size).toBe(idOfKey.size);
    // The user lists and tensor lists agree with the ops.
    for (const op of p.ops) {
      const tensors = [...op.operands, ...op.results];
      expect([...f.tensorValue.subarray(f.tensorStart[op.id], f.tensorStart[op.id + 1])]).toEqual(tensors);
      expect(f.operandCount[op.id]).toBe(op.operands.length);
      for (const v of op.operands) expect([...f.userList.subarray(f.userStart[v], f.userStart[v + 1])]).toContain(op.id);
    }
  });
});
