import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../../ir/builder';
import { seedTactics } from './seeds';

describe('seedTactics', () => {
  const b = new ProgramBuilder('p');
  const x = b.input('batch/x', { shape: [8, 6], dtype: 'f32' });
  const w = b.input('params/w', { shape: [6, 4], dtype: 'f32' });
  b.output(b.dot(x, w, { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] }), 'y');
  const p = b.build();
  const mesh = { axes: [{ name: 'data', size: 2 }, { name: 'model', size: 4 }] };

  it('one tactic per mesh axis, in mesh order, named imported:<axis>; explicit replication pins', () => {
    const { tactics, diagnostics } = seedTactics([
      { value: w, sharding: { dims: [[], ['model']], partial: [], replicated: ['data'] } },
      { value: x, sharding: { dims: [['data'], []], partial: [], replicated: [] } },
    ], p, mesh);
    expect(diagnostics).toEqual([]);
    expect(tactics.map((t) => [t.name, t.axis, t.seeds.map((s) => [s.value, s.dim])])).toEqual([
      ['imported:data', 'data', [[w, 'replicated'], [x, 0]]],
      ['imported:model', 'model', [[w, 1]]],
    ]);
  });
  it('skips with a warning: unknown axes, dims the axis does not divide, unreduced axes', () => {
    const { tactics, diagnostics } = seedTactics([
      { value: x, sharding: { dims: [['pipe'], ['model']], partial: ['data'], replicated: [] } },
    ], p, mesh);
    expect(tactics).toEqual([]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/"pipe" is not in the mesh/),
      expect.stringMatching(/dim 1 \(6\) is not divisible by axis "model" \(4\)/),
      expect.stringMatching(/unreduced axes \{data\}/),
    ]);
    expect(diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });
  it('warns that a sub-axis cannot be seeded, and seeds the full axes of the same sharding', () => {
    const { tactics, diagnostics } = seedTactics([{
      value: x,
      sharding: {
        dims: [['data'], []], partial: [], replicated: [],
        sdy: { mesh: 'mesh', dims: [{ axes: [{ name: 'data' }], closed: true }, { axes: [{ name: 'model', sub: { pre: 1, size: 2 } }], closed: true }], replicated: [], unreduced: [] },
      },
    }], p, mesh);
    expect(tactics.map((t) => t.name)).toEqual(['imported:data']);
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/sub-axes "model":\(1\)2 cannot be a tactic's axis/)]);
  });
});
