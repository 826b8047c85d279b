/**
 * The collective structure the project promises for the classic strategies, on the transformer
 * training step at small shapes (2 layers), each case also proved by the SPMD interpreter.
 */
import { describe, it, expect } from 'vitest';
import { verifySpmd } from '../interp/verify';
import { gradName, lowerZoo, mesh, paramPaths, pick } from './zooHarness';

const LAYERS = 2;
const m22 = mesh({ batch: 2, model: 2 });
const BP = 'BP = BatchParallel(axis="batch")';
const MP = 'MP = Megatron(axis="model")';
const SP = 'SP = SequenceParallel(axis="model")';
const Z = (stage: number) => `Z = ZeRO(axis="batch", stage=${stage})`;
const schedule = (...defs: string[]) => `${defs.join('\n')}\nschedule = [${defs.map((d) => d.split(' ')[0]).join(', ')}]`;

function lowered(text: string) {
  const r = lowerZoo(text, m22);
  const v = verifySpmd(r.spmd);
  expect(v.ok, v.worst).toBe(true);
  return r;
}

const layerScope = (i: number) => new RegExp(`^layer_${i}/`);

describe('transformer step: collective structure', () => {
  it('no tactic: no collective at all', () => {
    const { collectives } = lowered('');
    expect(collectives).toEqual([]);
  });

  it('Megatron: exactly 2 all-reduces over model per layer forward and 2 backward, nothing else', () => {
    const { collectives } = lowered(schedule(MP));
    for (let i = 0; i < LAYERS; i++) {
      expect(pick(collectives, { phase: 'forward', kind: 'all-reduce', axes: 'model', scope: layerScope(i) })).toHaveLength(2);
      expect(pick(collectives, { phase: 'backward', kind: 'all-reduce', axes: 'model', scope: layerScope(i) })).toHaveLength(2);
    }
    expect(collectives).toHaveLength(4 * LAYERS);
    // each reduces a full [batch, seq, dModel] f32 activation
    for (const c of collectives) expect(c.bytes).toBe(4 * 8 * 16 * 4);
  });

  it('Megatron + SequenceParallel: the all-reduces become all-gather / reduce-scatter pairs', () => {
    const { collectives, result } = lowered(schedule(MP, SP));
    // the two tilings of "model" meet at the matmuls by design: resharded there, not conflicts
    expect(result.stages.flatMap((s) => s.conflicts)).toEqual([]);
    for (let i = 0; i < LAYERS; i++) {
      const fwd = { phase: 'forward', axes: 'model', scope: layerScope(i) };
      expect(pick(collectives, { ...fwd, kind: 'all-gather' }).map((c) => c.value)).toEqual([`layer_${i}/ln1/out`, `layer_${i}/ln2/out`]);
      expect(pick(collectives, { ...fwd, kind: 'reduce-scatter' })).toHaveLength(2);
      expect(pick(collectives, { ...fwd, kind: 'all-reduce' })).toEqual([]);
      // backward: the conjugate pairs (gather the incoming cotangent, reduce-scatter the outgoing
      // one), plus the LayerNorm outputs gathered again for the weight gradients (as Megatron-SP
      // does, instead of keeping them whole since the forward pass)
      const bwd = { phase: 'backward', axes: 'model', scope: layerScope(i) };
      expect(pick(collectives, { ...bwd, kind: 'reduce-scatter' })).toHaveLength(2);
      const gathers = pick(collectives, { ...bwd, kind: 'all-gather' });
      expect(gathers).toHaveLength(4);
      expect(gathers.filter((c) => c.value === undefined)).toHaveLength(2);
      expect(gathers.map((c) => c.value).filter((v) => v !== undefined).sort()).toEqual([`layer_${i}/ln1/out`, `layer_${i}/ln2/out`]);
      // what is still all-reduced are the small LayerNorm/bias gradients, never an activation
      for (const c of pick(collectives, { ...bwd, kind: 'all-reduce' })) expect(c.bytes).toBeLessThanOrEqual(16 * 4);
    }
    // outside the layers the forward pass only all-reduces the scalar loss
    for (const c of pick(collectives, { phase: 'forward', kind: 'all-reduce' })) expect(c.bytes).toBe(4);
  });

  it('the same seeds as a ManualPartition still conflict where the tilings meet: only SequenceParallel reshards there', () => {
    const manual = 'SPM = ManualPartition(inputs={"layer_*/x": 1, "layer_*/ln1/out": 1, "layer_*/ln2/out": 1}, axis="model")';
    const { collectives, result } = lowered(schedule(MP, manual));
    const conflicts = result.stages[1].conflicts;
    // per layer: q, k, v, the attention and MLP input matmuls and the outputs' matmuls, forward and backward
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) expect([c.existing.tactic, c.incoming.tactic].sort()).toEqual(['MP', 'SPM']);
    // the lowering reshards at the meetings either way: the preset's reductions, and its gathers
    // where they are (same phase and scope)…
    const preset = lowered(schedule(MP, SP)).collectives;
    const key = (c: { phase: string; kind: string; scope: string }) => `${c.phase} ${c.kind} ${c.scope}`;
    const reductions = (cs: typeof preset) => cs.filter((c) => c.kind !== 'all-gather').map(key);
    expect(reductions(collectives)).toEqual(reductions(preset));
    const gathers = pick(collectives, { kind: 'all-gather' });
    expect(new Set(gathers.map(key))).toEqual(new Set(pick(preset, { kind: 'all-gather' }).map(key)));
    // …but one gather per conflict, serving the op where the tilings met (docs/semantics.md, Lowering:
    // gathers at a conflict), where the preset, which has no conflict, shares one: e.g. q, k and v's
    // input ln1/out is gathered 3 times per layer and pass, once in the preset
    const byOp = (a: number, b: number) => a - b;
    expect(gathers.map((c) => c.op).sort(byOp)).toEqual(conflicts.map((c) => c.op).sort(byOp));
    expect(gathers.length).toBeGreaterThan(pick(preset, { kind: 'all-gather' }).length);
  });

  it('BatchParallel: the forward pass only reduces the loss; every parameter gradient is all-reduced over batch once', () => {
    const { collectives, program } = lowered(schedule(BP));
    const fwd = pick(collectives, { phase: 'forward' });
    expect(fwd.map((c) => `${c.kind}(${c.axes.join(',')})`)).toEqual(['all-reduce(batch)']);
    expect(fwd[0].bytes).toBe(4);
    expect(fwd[0].scope).toMatch(/^loss/);
    const params = paramPaths(program);
    const reduced = pick(collectives, { phase: 'backward', kind: 'all-reduce', axes: 'batch' }).map((c) => c.value);
    expect([...reduced].sort()).toEqual(params.map(gradName).sort());
    expect(pick(collectives, { kind: 'all-gather' })).toEqual([]);
    expect(collectives).toHaveLength(params.length + 1);
    for (const c of pick(collectives, { phase: 'backward' })) expect(c.role).toBe('gradient');
  });

  it('BatchParallel + Megatron: both structures, side by side', () => {
    const { collectives, program } = lowered(schedule(BP, MP));
    expect(pick(collectives, { phase: 'forward', kind: 'all-reduce', axes: 'model' })).toHaveLength(2 * LAYERS);
    expect(pick(collectives, { phase: 'backward', kind: 'all-reduce', axes: 'model' })).toHaveLength(2 * LAYERS);
    expect(pick(collectives, { phase: 'backward', kind: 'all-reduce', axes: 'batch' })).toHaveLength(paramPaths(program).length);
  });

  it('BatchParallel + ZeRO-3: gradients reduce-scattered, parameters gathered before use', () => {
    const { collectives, program } = lowered(schedule(BP, Z(3)));
    const params = paramPaths(program);
    const scattered = pick(collectives, { phase: 'backward', kind: 'reduce-scatter', axes: 'batch' }).map((c) => c.value);
    expect([...scattered].sort()).toEqual(params.map(gradName).sort());
    expect(pick(collectives, { kind: 'all-reduce', axes: 'batch' })).toHaveLength(1); // the loss
    const gathered = new Set(pick(collectives, { phase: 'forward', kind: 'all-gather', axes: 'batch' }).map((c) => c.value));
    for (const p of params) expect(gathered.has(p), p).toBe(true);
    // the weights are gathered again for the backward pass rather than kept whole in between
    expect(pick(collectives, { phase: 'backward', kind: 'all-gather', axes: 'batch' }).length).toBeGreaterThan(0);
  });

  for (const stage of [1, 2]) {
    it(`BatchParallel + ZeRO-${stage}: gradients reduce-scattered, updated parameters all-gathered, none gathered before use`, () => {
      const { collectives, program } = lowered(schedule(BP, Z(stage)));
      const params = paramPaths(program);
      const scattered = pick(collectives, { phase: 'backward', kind: 'reduce-scatter', axes: 'batch' }).map((c) => c.value);
      expect([...scattered].sort()).toEqual(params.map(gradName).sort());
      // parameters stay whole for the forward and backward passes
      expect(pick(collectives, { phase: 'forward', kind: 'all-gather' })).toEqual([]);
      expect(pick(collectives, { phase: 'backward', kind: 'all-gather' })).toEqual([]);
      // each updated tile is gathered back into the whole parameter the next step starts from
      const gathered = pick(collectives, { phase: 'optimizer', kind: 'all-gather', axes: 'batch' });
      expect(gathered).toHaveLength(params.length);
      expect(new Set(gathered.map((c) => c.scope))).toEqual(new Set(params.map((p) => `optimizer/${p}`)));
      expect(pick(collectives, { kind: 'all-reduce' })).toHaveLength(1); // the loss
    });
  }
});
