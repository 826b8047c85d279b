/**
 * What a fusing compiler allocates (sim/memoryFusion.ts): reshapes alias, element-wise chains are recomputed
 * whole, a loss holds no f32 logits; at T32 size on the paper's 16x2 mesh.
 */
import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import { validateConfig } from '../io/validate';
import { galleryEntry } from '../models/gallery';
import { runPipeline } from '../pipeline';
import { CATEGORIES, analyzeMemory, peakMemory } from './memory';

const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };

describe('a reshape is a view', () => {
  /** h = x·w; optionally r = reshape(reshape(h)); two later matmuls read h and r (or h twice). */
  function program(withReshape: boolean) {
    const b = new ProgramBuilder('view');
    const x = b.input('batch/x', { shape: [256, 256], dtype: 'f32' });
    const w = b.input('params/w', { shape: [256, 256], dtype: 'f32' });
    const h = b.dot(x, w, MM);
    const r = withReshape ? b.reshape(b.reshape(h, [256, 16, 16]), [256, 256]) : h;
    const e = b.dot(x, x, MM);
    b.output(b.dot(r, e, MM), 'out');
    b.output(b.dot(h, e, MM), 'out2');
    return { p: b.build(), h, r };
  }

  it('adds no bytes, and the buffer it views lives as long as the view', () => {
    const plain = program(false);
    const viewed = program(true);
    const a = analyzeMemory(viewed.p);
    expect(a.bytes[viewed.r]).toBe(0);
    expect(a.bytes[viewed.p.ops[viewed.p.values[viewed.r].def].operands[0]]).toBe(0); // the inner view too
    expect(a.end[viewed.h]).toBeGreaterThanOrEqual(a.end[viewed.r]);
    expect(peakMemory(viewed.p).peak).toBe(peakMemory(plain.p).peak);
    // Plain liveness (no compiler model) counts each view as a copy.
    expect(analyzeMemory(viewed.p, { fusion: false }).bytes[viewed.r]).toBe(256 * 256 * 4);
  });
});

describe('element-wise chains in the backward pass', () => {
  it('a tanh GELU is recomputed from its input, however long its chain', () => {
    const b = new ProgramBuilder('gelu');
    const x = b.input('batch/x', { shape: [64, 64], dtype: 'f32' });
    const w = b.input('params/w', { shape: [64, 64], dtype: 'f32' });
    const h = b.dot(x, w, MM);
    const c = (v: number) => b.full(h, v);
    // gelu(h) = 0.5·h·(1 + tanh(0.79·(h + 0.044·h³)))
    const inner = b.mul(b.add(h, b.mul(b.mul(b.mul(h, h), h), c(0.044))), c(0.79));
    const g = b.mul(b.mul(h, c(0.5)), b.add(c(1), b.unary('tanh', inner)));
    b.output(b.sum(g, [0, 1]), 'loss');
    b.inPhase('backward', () => b.output(b.dot(b.mul(g, h), w, MM), 'dx'));
    const p = b.build();
    const a = analyzeMemory(p);
    expect(a.recomputed[g]).toBe(1);
    expect(CATEGORIES[a.category[g]]).toBe('temporaries');
    expect(CATEGORIES[a.category[h]]).toBe('activations');
    // Nothing of the chain outlives the forward pass but h.
    const backwardStart = p.ops.findIndex((op) => op.phase === 'backward');
    const outputs = new Set(p.outputs.map((o) => o.value));
    for (const v of p.values) if (v.def >= 0 && !outputs.has(v.id) && a.bytes[v.id] > 0 && a.end[v.id] >= backwardStart && p.ops[v.def].phase === 'forward') expect(v.id).toBe(h);
  });
});

describe('T32 on the paper\'s 16x2 TPU mesh (BP+MP+Z3+EMB), two layers', () => {
  const entry = galleryEntry('t32-bp-mp-z3-emb-16x2-tpu')!;
  const config = validateConfig({ ...entry.config, model: { ...(entry.config.model as object), params: { layers: 2 } } });
  const { spmd } = runPipeline(config);
  const p = spmd.program;
  const a = analyzeMemory(p);
  // Per device: batch 48/16 = 3, seq 2048, the GeGLU's dFF 8192 tiled over model = 2.
  const half = 3 * 2048 * 4096 * 2;
  const forwardIn = (scope: string) => p.values.filter((v) => v.def >= 0 && p.ops[v.def].phase === 'forward' && p.ops[v.def].scope === scope);
  const backwardStart = p.ops.findIndex((op) => op.phase === 'backward');

  it('a GeGLU keeps its two halves and their product, and no view or GELU output', () => {
    const mlp = forwardIn('layer_1/mlp');
    const kept = mlp.filter((v) => a.bytes[v.id] > 0 && a.end[v.id] >= backwardStart);
    expect(kept.reduce((s, v) => s + a.bytes[v.id], 0)).toBe(3 * half);
    for (const v of kept) expect(CATEGORIES[a.category[v.id]]).toBe('activations');
    for (const v of mlp) if (p.ops[v.def].kind === 'reshape') expect(a.bytes[v.id]).toBe(0);
  });

  it('the loss holds the bf16 logits once and no f32 copy of them', () => {
    const vocab = 32000;
    const logits = 3 * 2048 * vocab;
    for (const v of forwardIn('loss')) if (v.type.dtype === 'f32') expect(a.bytes[v.id], `${v.type.shape}`).toBeLessThan(logits);
    // at the peak, temporaries are a fraction of one f32 logits tensor
    expect(peakMemory(p).atPeak.temporaries).toBeLessThan(logits * 4);
  });
});
