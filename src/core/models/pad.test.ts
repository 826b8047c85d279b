import { describe, expect, it } from 'vitest';
import { runProgram } from '../interp/reference';
import { ProgramBuilder } from '../ir/builder';
import { padDim, reverseDim } from './pad';

const run = (f: (b: ProgramBuilder, x: number) => number, shape: number[], data: number[]) => {
  const b = new ProgramBuilder('pad');
  const x = b.input('x', { shape, dtype: 'f32' });
  const y = f(b, x);
  b.output(y, 'y');
  const p = b.build();
  return { shape: p.values[y].type.shape, data: Array.from(runProgram(p, [Float32Array.from(data)])[0]) };
};

describe('pad helpers', () => {
  it('padDim pads low, high and between elements (lax.pad)', () => {
    const r = run((b, x) => padDim(b, x, 1, 1, 2, 1), [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(r.shape).toEqual([2, 8]);
    expect(r.data).toEqual([0, 1, 0, 2, 0, 3, 0, 0, 0, 4, 0, 5, 0, 6, 0, 0]);
  });

  it('padDim with nothing to do returns its input', () => {
    const b = new ProgramBuilder('noop');
    const x = b.input('x', { shape: [3], dtype: 'f32' });
    expect(padDim(b, x, 0, 0, 0, 0)).toBe(x);
  });

  it('reverseDim reverses one dim only', () => {
    const r = run((b, x) => reverseDim(b, x, 0), [3, 2], [1, 2, 3, 4, 5, 6]);
    expect(r.data).toEqual([5, 6, 3, 4, 1, 2]);
  });
});
