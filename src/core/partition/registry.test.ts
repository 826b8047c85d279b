import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import { COLLECTIVE_KINDS, type Op, type Program } from '../ir/types';
import { ruleOf } from './rules';

/** The last op of a tiny program built by `f`, with its program. */
function lastOp(f: (b: ProgramBuilder) => void): { op: Op; program: Program } {
  const b = new ProgramBuilder('t');
  f(b);
  const program = b.build();
  return { op: program.ops[program.ops.length - 1], program };
}

describe('the rule registry', () => {
  it('says in the rule whether a sharded reduction factor sums (ReductionSums)', () => {
    const x = (b: ProgramBuilder) => b.input('x', { shape: [4, 8], dtype: 'f32' });
    const cases: [string, (b: ProgramBuilder) => void, string][] = [
      ['dot_general', (b) => b.emit('dot_general', [x(b), b.input('w', { shape: [8, 2], dtype: 'f32' })],
        { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] }), 'sum'],
      ['reduce sum', (b) => b.emit('reduce', [x(b)], { dims: [1], reducer: 'sum' }), 'sum'],
      ['reduce max', (b) => b.emit('reduce', [x(b)], { dims: [1], reducer: 'max' }), 'max'],
      ['add', (b) => { const v = x(b); b.emit('add', [v, v], {}); }, 'none'],
    ];
    for (const [name, build, expected] of cases) {
      const { op, program } = lastOp(build);
      expect(ruleOf(op, program)?.reductionSums, name).toBe(expected);
    }
  });

  it('makes every collective a barrier (they are lowering output)', () => {
    expect(COLLECTIVE_KINDS.length).toBe(6);
    const { program } = lastOp((b) => b.input('x', { shape: [4], dtype: 'f32' }));
    for (const kind of COLLECTIVE_KINDS) {
      const op = { id: 0, kind, operands: [0], results: [0], attrs: {}, scope: '', phase: 'forward' } as unknown as Op;
      expect(ruleOf(op, program), kind).toBeNull();
    }
  });
});
