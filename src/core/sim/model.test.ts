/**
 * Model-level checks of the simulator against published formulas, on zoo programs partitioned and lowered
 * by the real pipeline pieces (zoo → tactics → partition → lower → sim).
 */
import { describe, it, expect } from 'vitest';
import { opFlops } from '../ir/flops';
import { numElements } from '../ir/shape';
import type { Program } from '../ir/types';
import { resolveHardware } from '../mesh/hardware';
import type { Mesh } from '../mesh/mesh';
import { buildZooModel } from '../models/zoo';
import { partition } from '../partition/schedule';
import { lower } from '../spmd/lower';
import type { SpmdProgram } from '../spmd/types';
import { resolveTactics } from '../tactics/resolve';
import { fastFlops } from './cost';
import { indexProgram } from './index_program';
import { analyzeMemory, modelStateBytes } from './memory';
import { layerActivationBytes } from './memoryCase';
import { simulate } from './simulate';

function lowered(program: Program, mesh: Mesh, tactics: string): SpmdProgram {
  const r = resolveTactics(tactics, program, mesh);
  expect(r.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
  return lower(partition(program, mesh, r.tactics));
}

function parameterCount(p: Program): number {
  let n = 0;
  for (const id of p.inputs) if (p.values[id].role === 'param') n += numElements(p.values[id].type.shape);
  return n;
}

describe('ZeRO model-state memory (Rajbhandari et al. §5: 2Ψ + 2Ψ + 12Ψ, mixed-precision Adam)', () => {
  const program = buildZooModel('transformer', { precision: 'mixed', optimizer: 'adam' });
  const psi = parameterCount(program);
  const N = 4;
  const mesh = { axes: [{ name: 'batch', size: N }] };
  const BP = 'BP = BatchParallel(axis="batch")\n';
  const count = 4; // opt_state/count: one replicated f32 scalar
  const states = (t: string) => modelStateBytes(lowered(program, mesh, t).program);

  it('data parallel holds everything: 2Ψ params, 2Ψ gradients, 12Ψ optimizer state', () => {
    expect(states(`${BP}schedule = [BP]`)).toEqual({ params: 2 * psi, gradients: 2 * psi, optimizer: 12 * psi + count });
  });

  it('ZeRO-1 divides the optimizer state by the data-parallel size', () => {
    const s = states(`${BP}Z = ZeRO(stage=1, axis="batch")\nschedule = [BP, Z]`);
    expect(s.params).toBe(2 * psi);
    expect(s.optimizer).toBe((12 * psi) / N + count);
    // The paper keeps a full 2Ψ gradient buffer at stage 1. A dataflow program has no such buffer: the partial
    // gradient is reduce-scattered straight into the sharded update (stage 1 lowers exactly like stage 2).
    expect(s.gradients).toBe((2 * psi) / N);
  });

  it('ZeRO-2 divides optimizer state and gradients', () => {
    expect(states(`${BP}Z = ZeRO(stage=2, axis="batch")\nschedule = [BP, Z]`)).toEqual({
      params: 2 * psi, gradients: (2 * psi) / N, optimizer: (12 * psi) / N + count,
    });
  });

  it('ZeRO-3 divides parameters too: (2 + 2 + 12)Ψ / N', () => {
    expect(states(`${BP}Z = ZeRO(stage=3, axis="batch")\nschedule = [BP, Z]`)).toEqual({
      params: (2 * psi) / N, gradients: (2 * psi) / N, optimizer: (12 * psi) / N + count,
    });
  });
});

describe('activation memory per transformer layer (Korthikanti et al. 2022, Table 2)', () => {
  // 16-bit activations (mixed precision), dFF = 4h, as the paper assumes.
  const s = 64, b = 4, h = 256, a = 4;
  const sbh = s * b * h;
  const build = (attention: string, remat = 'none') =>
    buildZooModel('transformer', { precision: 'mixed', layers: 2, dModel: h, heads: a, dFF: 4 * h, seq: s, vocab: 128, batch: b, attention, remat });

  /** Bytes the backward pass keeps from layer 1's forward (a middle layer: its input is layer 0's output). */
  const layerActivations = (spmd: SpmdProgram): number => layerActivationBytes(spmd.program, analyzeMemory(spmd.program), 1);
  const within = (actual: number, expected: number, rel: number) =>
    expect(Math.abs(actual - expected) / expected, `${actual} bytes vs ${expected} bytes`).toBeLessThanOrEqual(rel);
  const one = { axes: [{ name: 'model', size: 1 }] };
  const t = 2;
  const two = { axes: [{ name: 'model', size: t }] };

  it('no parallelism, materialised scores: s·b·h·(34 + 5·a·s/h)', () => {
    // Fewer heads and a shorter sequence than the other cases: the s² term carries the dropout bytes this
    // model does not have (mask a·s²·b and dropout output 2·a·s²·b), so keep it a small part of the total.
    const s2 = 32, a2 = 2;
    const sbh2 = s2 * b * h;
    const program = buildZooModel('transformer', { precision: 'mixed', layers: 2, dModel: h, heads: a2, dFF: 4 * h, seq: s2, vocab: 128, batch: b, attention: 'standard' });
    const act = layerActivations(lowered(program, one, 'schedule = []'));
    const asOverH = (a2 * s2) / h;
    within(act, sbh2 * (34 + 5 * asOverH), 0.1);
    // Without dropout: 32·s·b·h plus the softmax output 2·a·s²·b.
    within(act, sbh2 * (32 + 2 * asOverH), 0.01);
  });

  it('no parallelism, flash attention (no s² term): 34·s·b·h, and 32·s·b·h exactly without dropout masks', () => {
    const act = layerActivations(lowered(build('flash'), one, 'schedule = []'));
    within(act, 34 * sbh, 0.1);
    // Term by term (§4.1) minus the two 1-byte dropout masks this model does not have: LayerNorms 4, attention
    // 10 (QKV input 2, Q and K 4, V 2, projection input 2), MLP 18 (input 2, GELU input 8, GELU output 8).
    within(act, 32 * sbh, 0.01);
  });

  it('tensor parallel (Megatron, t = 2): s·b·h·(10 + 24/t)', () => {
    const act = layerActivations(lowered(build('flash'), two, 'M = Megatron(axis="model")\nschedule = [M]'));
    within(act, sbh * (10 + 24 / t), 0.1);
    within(act, sbh * (8 + 24 / t), 0.01); // without the dropout masks
  });

  it('tensor + sequence parallel (t = 2): s·b·h·34/t', () => {
    const act = layerActivations(lowered(build('flash'), two, 'M = Megatron(axis="model")\nS = SequenceParallel(axis="model")\nschedule = [M, S]'));
    within(act, (sbh * 34) / t, 0.1);
    within(act, (sbh * 32) / t, 0.01);
  });

  it('full recomputation keeps only the layer input: 2·s·b·h', () => {
    const full = layerActivations(lowered(build('flash', 'full'), one, 'schedule = []'));
    within(full, 2 * sbh, 0.01);
    const none = layerActivations(lowered(build('flash'), one, 'schedule = []'));
    expect(full).toBeLessThan(none / 10);
  });
});

describe('simulating a zoo step', () => {
  const program = buildZooModel('transformer', { precision: 'mixed' });
  const mesh = { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] };
  const spmd = lowered(program, mesh, 'BP = BatchParallel(axis="batch")\nM = Megatron(axis="model")\nschedule = [BP, M]');
  const hw = resolveHardware({ preset: 'a100-80gb' }, mesh);

  it('gives every collective a time, and overlap never makes the step longer', () => {
    const on = simulate(spmd, hw, { overlap: true });
    const off = simulate(spmd, hw, { overlap: false });
    const collectives = spmd.program.ops.filter((op) => ['all_reduce', 'all_gather', 'reduce_scatter', 'all_to_all', 'collective_permute'].includes(op.kind));
    expect(collectives.length).toBeGreaterThan(0);
    for (const op of collectives) expect(on.collectiveSeconds.get(op.id)).toBeGreaterThan(0);
    expect(on.time.step).toBeLessThanOrEqual(off.time.step + 1e-12);
    expect(on.time.exposedCommunication).toBeLessThanOrEqual(on.time.communication + 1e-12);
    expect(off.time.exposedCommunication).toBeCloseTo(off.time.communication, 12);
    expect(on.time.perAxis.batch + on.time.perAxis.model).toBeCloseTo(on.time.communication, 12);
    expect(on.time.mfu).toBeGreaterThan(0);
    expect(on.time.mfu).toBeLessThan(1);
    const mem = on.memory.perDevice[0];
    const sum = Object.values(mem.atPeak).reduce((x, y) => x + y, 0);
    expect(sum).toBe(mem.peak);
  });

  it('counts FLOPs on its fast path exactly as opFlops does', () => {
    for (const p of [spmd.global, spmd.program]) {
      const ix = indexProgram(p);
      for (const op of p.ops) expect(fastFlops(op, p, ix), op.kind).toBe(opFlops(op, p));
    }
  });
});
