import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import { numElements } from '../ir/shape';
import { customVjp, grad } from './autodiff';
import { checkVjp, normal, seededRandom, vjpProgram } from './gradcheck';
import { gelu, layerNorm, meanSquaredError, softmax, softmaxCrossEntropy } from './layers';

const f32 = (shape: number[]) => ({ shape, dtype: 'f32' as const });

function check(name: string, build: (b: ProgramBuilder) => { wrt: number[]; out: number }, feed: Record<string, number[]> = {}) {
  const program = vjpProgram(name, build);
  const rand = seededRandom(name.length);
  const inputs = program.inputs.map((v) => {
    const val = program.values[v];
    const given = feed[val.name ?? ''];
    return given ? Float32Array.from(given) : normal(numElements(val.type.shape), rand);
  });
  const probe = new ProgramBuilder('probe');
  const positions = build(probe).wrt.map((w) => probe.inputs.indexOf(w));
  return checkVjp(program, inputs, positions);
}

describe('hand-written VJPs of the layer units agree with finite differences', () => {
  it('layerNorm (x, scale, bias)', () => {
    const res = check('layerNorm', (b) => {
      const x = b.input('x', f32([2, 3, 5])), g = b.input('g', f32([5])), bias = b.input('bias', f32([5]));
      return { wrt: [x, g, bias], out: layerNorm(b, x, g, bias) };
    });
    expect(res.maxError, res.worst).toBeLessThan(5e-3);
  });

  it('gelu', () => {
    const res = check('gelu', (b) => { const x = b.input('x', f32([3, 4])); return { wrt: [x], out: gelu(b, x) }; });
    expect(res.maxError, res.worst).toBeLessThan(5e-3);
  });

  it('softmax', () => {
    const res = check('softmax', (b) => { const x = b.input('x', f32([2, 5])); return { wrt: [x], out: softmax(b, x) }; });
    expect(res.maxError, res.worst).toBeLessThan(5e-3);
  });

  it('softmax cross-entropy against integer targets', () => {
    const res = check('xent', (b) => {
      const x = b.input('x', f32([2, 3, 4])), t = b.input('t', { shape: [2, 3], dtype: 'i32' });
      return { wrt: [x], out: softmaxCrossEntropy(b, x, t) };
    }, { t: [0, 3, 2, 2, 1, 0] });
    expect(res.maxError, res.worst).toBeLessThan(5e-3);
  });

  it('mean squared error', () => {
    const res = check('mse', (b) => {
      const x = b.input('x', f32([3, 2])), y = b.input('y', f32([3, 2]));
      return { wrt: [x, y], out: meanSquaredError(b, x, y) };
    });
    expect(res.maxError, res.worst).toBeLessThan(5e-3);
  });

  it('the backward of a gelu reads only its input, not the intermediates of the formula', () => {
    const b = new ProgramBuilder('keep');
    const x = b.input('params/x', f32([4]));
    const n0 = b.ops.length;
    const y = gelu(b, x);
    const n1 = b.ops.length;
    grad(b, b.sum(y, [0]), [x]);
    const p = b.build();
    const backward = p.ops.filter((op) => op.phase === 'backward');
    expect(backward.length).toBeGreaterThan(0);
    for (const op of backward) for (const v of op.operands) {
      const d = p.values[v].def;
      expect(d >= n0 && d < n1, `backward ${op.kind} reads forward value ${v}`).toBe(false);
    }
  });

  it('refuses a custom unit whose intermediate escapes', () => {
    const b = new ProgramBuilder('leak');
    const x = b.input('x', f32([3]));
    const start = b.ops.length;
    const e = b.exp(x);
    const y = customVjp(b, start, [x], b.mul(e, e), (c) => [c.g]);
    const loss = b.sum(b.add(y, e), [0]);
    expect(() => grad(b, loss, [x])).toThrow(/used outside/);
  });
});
