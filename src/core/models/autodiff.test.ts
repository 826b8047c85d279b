import { describe, expect, it } from 'vitest';
import { runProgram, runProgramValues } from '../interp/reference';
import { ProgramBuilder } from '../ir/builder';
import { numElements } from '../ir/shape';
import type { ConvDims, DotDims, ValueId } from '../ir/types';
import { grad, isRecomputed, stopGradient } from './autodiff';
import { checkVjp, normal, seededRandom, vjpProgram } from './gradcheck';
import { VJP_RULES } from './vjp';

type Feed = (n: number, rand: () => number) => Float32Array;
const positive: Feed = (n, r) => normal(n, r).map((x) => 0.5 + Math.abs(x));
const awayFromZero: Feed = (n, r) => normal(n, r).map((x) => Math.sign(x || 1) * (0.5 + Math.abs(x)));
const ints = (values: number[]): Feed => () => Float32Array.from(values);
/** Distinct values spaced well beyond the finite-difference step, in random order (no ties for max/min). */
const distinct: Feed = (n, r) => {
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.3);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [v[i], v[j]] = [v[j], v[i]]; }
  return Float32Array.from(v);
};

interface Case {
  name: string;
  build: (b: ProgramBuilder) => { wrt: ValueId[]; out: ValueId };
  feed?: Record<string, Feed>;
}

const f32 = (shape: number[]) => ({ shape, dtype: 'f32' as const });
const i32 = (shape: number[]) => ({ shape, dtype: 'i32' as const });
const unaryCase = (kind: 'negate' | 'exp' | 'log' | 'tanh' | 'rsqrt' | 'sqrt' | 'logistic' | 'abs', feed?: Feed): Case => ({
  name: kind,
  build: (b) => { const x = b.input('x', f32([2, 3])); return { wrt: [x], out: b.unary(kind, x) }; },
  feed: feed ? { x: feed } : undefined,
});
const binaryCase = (kind: 'add' | 'subtract' | 'multiply' | 'divide' | 'maximum' | 'minimum' | 'power', feed?: Record<string, Feed>): Case => ({
  name: kind,
  build: (b) => { const x = b.input('x', f32([2, 3])), y = b.input('y', f32([2, 3])); return { wrt: [x, y], out: b.binary(kind, x, y) }; },
  feed,
});
const dotCase = (name: string, l: number[], r: number[], dims: DotDims): Case => ({
  name: `dot_general ${name}`,
  build: (b) => { const x = b.input('x', f32(l)), y = b.input('y', f32(r)); return { wrt: [x, y], out: b.dot(x, y, dims) }; },
});
const conv2d = (over: Partial<ConvDims>): ConvDims => ({
  inputBatch: 0, inputFeature: 1, inputSpatial: [2, 3],
  kernelOutputFeature: 0, kernelInputFeature: 1, kernelSpatial: [2, 3],
  outputBatch: 0, outputFeature: 1, outputSpatial: [2, 3],
  strides: [1, 1], padding: [[0, 0], [0, 0]], lhsDilation: [1, 1], rhsDilation: [1, 1],
  featureGroupCount: 1, batchGroupCount: 1, ...over,
});
const convCase = (name: string, l: number[], k: number[], dims: ConvDims): Case => ({
  name: `convolution ${name}`,
  build: (b) => { const x = b.input('x', f32(l)), w = b.input('w', f32(k)); return { wrt: [x, w], out: b.emit1('convolution', [x, w], dims) }; },
});

const cases: Case[] = [
  unaryCase('negate'), unaryCase('exp'), unaryCase('log', positive), unaryCase('tanh'), unaryCase('rsqrt', positive),
  unaryCase('sqrt', positive), unaryCase('logistic'), unaryCase('abs', awayFromZero),
  {
    name: 'convert',
    build: (b) => { const x = b.input('x', f32([2, 3])); return { wrt: [x], out: b.convert(b.mul(b.convert(x, 'bf16'), b.constant(3, [2, 3], 'bf16')), 'f32') }; },
  },
  binaryCase('add'), binaryCase('subtract'), binaryCase('multiply'), binaryCase('divide', { y: awayFromZero }),
  // x and y share a grid and y is offset by half a step, so no pair ties.
  binaryCase('maximum', { x: distinct, y: (n, r) => distinct(n, r).map((v) => v + 0.15) }),
  binaryCase('minimum', { x: distinct, y: (n, r) => distinct(n, r).map((v) => v + 0.15) }),
  binaryCase('power', { x: positive }),
  {
    name: 'select',
    build: (b) => {
      const p = b.input('p', f32([2, 3])), x = b.input('x', f32([2, 3])), y = b.input('y', f32([2, 3]));
      return { wrt: [x, y], out: b.select(b.compare(p, b.constant(0, [2, 3]), 'GT'), x, y) };
    },
  },
  {
    name: 'compare, iota and constant carry no gradient',
    build: (b) => {
      const x = b.input('x', f32([4]));
      const mask = b.compare(b.iota([4], 0, 'f32'), b.constant(1.5, [4]), 'LT');
      return { wrt: [x], out: b.select(mask, b.mul(x, x), x) };
    },
  },
  dotCase('matmul', [3, 4], [4, 5], { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] }),
  dotCase('batch dims in odd places', [2, 3, 4], [4, 2, 5], { lhsBatch: [0], rhsBatch: [1], lhsContract: [2], rhsContract: [0] }),
  dotCase('two contracting dims out of order', [3, 2, 4], [4, 3, 5], { lhsBatch: [], rhsBatch: [], lhsContract: [0, 2], rhsContract: [1, 0] }),
  dotCase('attention scores', [2, 3, 2, 4], [2, 5, 2, 4], { lhsBatch: [0, 2], rhsBatch: [0, 2], lhsContract: [3], rhsContract: [3] }),
  {
    name: 'broadcast_in_dim of a vector',
    build: (b) => { const x = b.input('x', f32([3])); return { wrt: [x], out: b.broadcast(x, [2, 3, 4], [1]) }; },
  },
  {
    name: 'broadcast_in_dim expanding a size-1 dim',
    build: (b) => { const x = b.input('x', f32([3, 1])); return { wrt: [x], out: b.broadcast(x, [3, 4, 2], [0, 1]) }; },
  },
  {
    name: 'broadcast_in_dim with permuted dims',
    build: (b) => { const x = b.input('x', f32([3, 4])); return { wrt: [x], out: b.broadcast(x, [4, 2, 3], [2, 0]) }; },
  },
  {
    name: 'reduce sum',
    build: (b) => { const x = b.input('x', f32([2, 3, 4])); return { wrt: [x], out: b.sum(x, [0, 2]) }; },
  },
  {
    name: 'reduce max',
    build: (b) => { const x = b.input('x', f32([3, 4])); return { wrt: [x], out: b.reduce(x, 'max', [1]) }; },
    feed: { x: distinct },
  },
  {
    name: 'transpose',
    build: (b) => { const x = b.input('x', f32([2, 3, 4])); return { wrt: [x], out: b.transpose(x, [2, 0, 1]) }; },
  },
  {
    name: 'reshape',
    build: (b) => { const x = b.input('x', f32([2, 3, 4])); return { wrt: [x], out: b.reshape(x, [6, 4]) }; },
  },
  {
    name: 'concatenate',
    build: (b) => {
      const x = b.input('x', f32([2, 3])), y = b.input('y', f32([2, 2]));
      return { wrt: [x, y], out: b.emit1('concatenate', [x, y, x], { dim: 1 }) };
    },
  },
  {
    name: 'slice with strides',
    build: (b) => { const x = b.input('x', f32([5, 7])); return { wrt: [x], out: b.emit1('slice', [x], { start: [1, 0], limit: [5, 7], stride: [2, 3] }) }; },
  },
  {
    name: 'dynamic_slice',
    build: (b) => {
      const x = b.input('x', f32([5, 4])), i = b.input('i', i32([])), j = b.input('j', i32([]));
      return { wrt: [x], out: b.emit1('dynamic_slice', [x, i, j], { sizes: [2, 3] }) };
    },
    feed: { i: ints([2]), j: ints([1]) },
  },
  {
    name: 'dynamic_update_slice',
    build: (b) => {
      const x = b.input('x', f32([5, 4])), u = b.input('u', f32([2, 3])), i = b.input('i', i32([])), j = b.input('j', i32([]));
      return { wrt: [x, u], out: b.emit1('dynamic_update_slice', [x, u, i, j], {}) };
    },
    feed: { i: ints([3]), j: ints([0]) },
  },
  {
    name: 'gather (embedding lookup, repeated indices)',
    build: (b) => {
      const x = b.input('x', f32([6, 3])), idx = b.input('idx', i32([2, 4]));
      return { wrt: [x], out: b.emit1('gather', [x, idx], { axis: 0 }) };
    },
    feed: { idx: ints([0, 5, 2, 2, 3, 0, 0, 1]) },
  },
  {
    name: 'gather along a middle axis',
    build: (b) => {
      const x = b.input('x', f32([2, 5, 3])), idx = b.input('idx', i32([4]));
      return { wrt: [x], out: b.emit1('gather', [x, idx], { axis: 1 }) };
    },
    feed: { idx: ints([4, 1, 1, 0]) },
  },
  {
    name: 'scatter',
    build: (b) => {
      const x = b.input('x', f32([6, 3])), idx = b.input('idx', i32([4])), u = b.input('u', f32([4, 3]));
      return { wrt: [x, u], out: b.emit1('scatter', [x, idx, u], { axis: 0 }) };
    },
    feed: { idx: ints([1, 4, 1, 0]) },
  },
  convCase('2d NCHW, stride, padding, kernel dilation', [2, 2, 6, 5], [3, 2, 3, 2],
    conv2d({ strides: [2, 1], padding: [[1, 0], [0, 1]], rhsDilation: [1, 2] })),
  convCase('2d with input dilation and uneven stride', [1, 2, 5, 4], [3, 2, 2, 3],
    conv2d({ strides: [3, 2], padding: [[0, 2], [1, 1]], lhsDilation: [2, 1] })),
  convCase('2d grouped (feature_group_count 2), stride and padding', [2, 4, 5, 4], [6, 2, 2, 3],
    conv2d({ strides: [2, 1], padding: [[1, 0], [1, 1]], featureGroupCount: 2 })),
  convCase('1d depthwise NWC / WIO (groups = channels)', [1, 6, 3], [3, 1, 3], {
    inputBatch: 0, inputFeature: 2, inputSpatial: [1], kernelInputFeature: 1, kernelOutputFeature: 2, kernelSpatial: [0],
    outputBatch: 0, outputFeature: 2, outputSpatial: [1], strides: [1], padding: [[1, 1]], lhsDilation: [1], rhsDilation: [2],
    featureGroupCount: 3, batchGroupCount: 1,
  }),
  convCase('1d NWC / WIO', [2, 7, 3], [3, 3, 4], {
    inputBatch: 0, inputFeature: 2, inputSpatial: [1], kernelInputFeature: 1, kernelOutputFeature: 2, kernelSpatial: [0],
    outputBatch: 0, outputFeature: 2, outputSpatial: [1], strides: [2], padding: [[1, 1]], lhsDilation: [1], rhsDilation: [1],
    featureGroupCount: 1, batchGroupCount: 1,
  }),
  {
    name: 'attention (grouped-query, non-causal)',
    build: (b) => {
      const q = b.input('q', f32([2, 3, 4, 2])), k = b.input('k', f32([2, 5, 2, 2])), v = b.input('v', f32([2, 5, 2, 2]));
      return { wrt: [q, k, v], out: b.emit1('attention', [q, k, v], { causal: false, scale: 0.7 }) };
    },
  },
  {
    name: 'attention (causal)',
    build: (b) => {
      const q = b.input('q', f32([1, 4, 2, 3])), k = b.input('k', f32([1, 4, 2, 3])), v = b.input('v', f32([1, 4, 2, 3]));
      return { wrt: [q, k, v], out: b.emit1('attention', [q, k, v], { causal: true, scale: 0.5 }) };
    },
  },
  {
    name: 'fan-out: cotangents of a value used three times are summed',
    build: (b) => {
      const x = b.input('x', f32([3]));
      return { wrt: [x], out: b.add(b.mul(x, x), b.mul(b.exp(x), x)) };
    },
  },
];

function feedInputs(c: Case, program: ReturnType<typeof vjpProgram>, seed: number): Float32Array[] {
  const rand = seededRandom(seed);
  return program.inputs.map((v) => {
    const val = program.values[v];
    const n = numElements(val.type.shape);
    const f = c.feed?.[val.name ?? ''];
    return f ? f(n, rand) : normal(n, rand);
  });
}

describe('VJP rules agree with central finite differences', () => {
  cases.forEach((c, k) => {
    it(c.name, () => {
      const program = vjpProgram(c.name, c.build);
      const inputs = feedInputs(c, program, 17 + k);
      for (const o of program.outputs.slice(1)) expect(program.values[o.value].role).toBe('gradient');
      // The wrt values' positions among the inputs: rebuild the forward part to read them.
      const probe = new ProgramBuilder('probe');
      const positions = c.build(probe).wrt.map((w) => probe.inputs.indexOf(w));
      const res = checkVjp(program, inputs, positions);
      expect(res.checked).toBeGreaterThan(0);
      expect(res.maxError, res.worst).toBeLessThan(5e-3);
    });
  });

  it('has a rule for every differentiable op kind and none for collectives or custom ops', () => {
    for (const k of ['dot_general', 'exp', 'convert', 'select', 'broadcast_in_dim', 'reduce', 'gather', 'scatter', 'convolution', 'attention'] as const)
      expect(VJP_RULES[k], k).toBeDefined();
    for (const k of ['all_reduce', 'all_gather', 'custom', 'attention_grad'] as const) expect(VJP_RULES[k], k).toBeUndefined();
  });
});

describe('grad', () => {
  it('emits backward ops in phase backward with the scope of the op they differentiate', () => {
    const b = new ProgramBuilder('scopes');
    const x = b.input('params/w', f32([3]));
    const y = b.scoped('layer_0/mlp', () => b.exp(x));
    const loss = b.scoped('loss', () => b.sum(y, [0]));
    const n = b.ops.length;
    const [g] = grad(b, loss, [x]);
    const backward = b.ops.slice(n);
    expect(backward.length).toBeGreaterThan(0);
    expect(backward.every((op) => op.phase === 'backward')).toBe(true);
    const scopes = new Set(backward.map((op) => op.scope));
    expect(scopes).toEqual(new Set(['loss', 'layer_0/mlp']));
    expect(b.values[g].name).toBe('grads/w');
    expect(b.values[g].role).toBe('gradient');
  });

  it('gives distinct named gradients even when two parameters share one cotangent', () => {
    const b = new ProgramBuilder('shared');
    const w1 = b.input('params/a', f32([2])), w2 = b.input('params/b', f32([2]));
    const loss = b.sum(b.add(w1, w2), [0]);
    const [g1, g2] = grad(b, loss, [w1, w2]);
    expect(g1).not.toBe(g2);
    expect(b.values[g1].name).toBe('grads/a');
    expect(b.values[g2].name).toBe('grads/b');
    const outs = runProgramValues(b.build(), [Float32Array.from([1, 2]), Float32Array.from([3, 4])]);
    expect(Array.from(outs[g1])).toEqual([1, 1]);
    expect(Array.from(outs[g2])).toEqual([1, 1]);
  });

  it('returns zeros for a parameter the loss does not depend on', () => {
    const b = new ProgramBuilder('unused');
    const w = b.input('params/used', f32([2])), u = b.input('params/unused', f32([3]));
    const loss = b.sum(b.mul(w, w), [0]);
    const [, gu] = grad(b, loss, [w, u]);
    b.output(gu, 'gu');
    const [out] = runProgram(b.build(), [Float32Array.from([1, 2]), Float32Array.from([5, 6, 7])]);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  it('stopGradient treats a value as a constant', () => {
    const b = new ProgramBuilder('stop');
    const x = b.input('x', f32([3]));
    const e = stopGradient(b, b.exp(x));
    const loss = b.sum(b.mul(x, e), [0]);
    const [g] = grad(b, loss, [x]);
    b.output(g, 'g');
    const xs = Float32Array.from([0.1, -0.4, 1.2]);
    const [out] = runProgram(b.build(), [xs]);
    // d/dx x·c = c = exp(x), not exp(x)·(1 + x)
    xs.forEach((v, i) => expect(out[i]).toBeCloseTo(Math.exp(v), 5));
  });

  it('rejects a non-scalar loss and an op without a rule', () => {
    const b = new ProgramBuilder('bad');
    const x = b.input('x', f32([2]));
    expect(() => grad(b, x, [x])).toThrow(/scalar/);
    const c = b.emit1('custom', [x], { name: 'mystery', resultTypes: [f32([2])] });
    const loss = b.sum(c, [0]);
    expect(() => grad(b, loss, [x])).toThrow(/custom/);
  });

  it('remat recomputes a segment from its input: same gradients, and backward ops read no value defined inside it', () => {
    const build = (remat: boolean) => {
      const b = new ProgramBuilder('remat');
      const w = b.input('params/w', f32([3, 3]));
      const x = b.input('batch/x', f32([2, 3]));
      const start = b.ops.length;
      const h = b.scoped('block', () => b.unary('tanh', b.dot(x, w, { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] })));
      const y = b.scoped('block', () => b.exp(b.dot(h, w, { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] })));
      const end = b.ops.length;
      const loss = b.scoped('loss', () => b.sum(y, [0, 1]));
      const [g] = grad(b, loss, [w], { remat: remat ? [{ start, end }] : [] });
      b.output(g, 'g');
      return { p: b.build(), start, end };
    };
    const rand = seededRandom(3);
    const inputs = [normal(9, rand, 0.5), normal(6, rand)];
    const plain = build(false), rem = build(true);
    const [g0] = runProgram(plain.p, inputs), [g1] = runProgram(rem.p, inputs);
    g0.forEach((v, i) => expect(g1[i]).toBeCloseTo(v, 5));
    const recomputed = rem.p.ops.filter(isRecomputed);
    expect(recomputed.length).toBeGreaterThan(0);
    expect(recomputed.every((op) => op.phase === 'backward' && op.scope === 'block/remat')).toBe(true);
    // Without remat only free ops (broadcasts, constants) are re-emitted, never the tanh or the dots.
    expect(plain.p.ops.filter(isRecomputed).every((op) => ['broadcast_in_dim', 'constant', 'iota'].includes(op.kind))).toBe(true);
    for (const op of rem.p.ops) {
      if (op.phase !== 'backward') continue;
      for (const v of op.operands) {
        const d = rem.p.values[v].def;
        expect(d >= rem.start && d < rem.end, `${op.kind} in ${op.scope} reads forward value ${v}`).toBe(false);
      }
    }
  });
});
