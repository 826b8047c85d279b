import { describe, it, expect } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import type { Program } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import { resolveHardware } from '../mesh/hardware';
import type { SpmdProgram } from '../spmd/types';
import { peakMemory } from './memory';
import { modelFlops, simulate } from './simulate';

const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };

function spmdOf(program: Program, global: Program, mesh: Mesh, source?: Int32Array): SpmdProgram {
  return {
    mesh, program, global,
    source: source ?? Int32Array.from(program.ops, (op) => op.id),
    inputShardings: global.inputs.map(() => ({ dims: [], partial: [] })),
    outputShardings: global.outputs.map(() => ({ dims: [], partial: [] })),
  };
}

/** Global: y = x·w; per device (x tiled 4 ways on batch, w row-tiled 2 ways on model): partial y, all-reduced. */
function programs() {
  const g = new ProgramBuilder('global');
  const gx = g.input('batch/x', { shape: [512, 1024], dtype: 'bf16' });
  const gw = g.input('params/w', { shape: [1024, 1024], dtype: 'bf16' });
  g.scoped('layer_0', () => g.output(g.dot(gx, gw, MM), 'y'));
  const d = new ProgramBuilder('device');
  const x = d.input('batch/x', { shape: [128, 512], dtype: 'bf16' });
  const w = d.input('params/w', { shape: [512, 1024], dtype: 'bf16' });
  const y = d.scoped('layer_0', () => {
    const partial = d.dot(x, w, MM);
    return d.emit1('all_reduce', [partial], { axes: ['model'] }, d.type(partial));
  });
  d.output(y, 'y');
  return { global: g.build(), device: d.build() };
}

describe('simulate', () => {
  const mesh = { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] };
  const hw = resolveHardware({ preset: 'tpu-v5p' }, mesh);

  it('fills memory, time, timeline and the collective seconds for every device', () => {
    const { global, device } = programs();
    // Both device ops serve global op 0.
    const r = simulate(spmdOf(device, global, mesh, Int32Array.from([0, 0])), hw, { overlap: true });
    expect(r.memory.perDevice.map((m) => m.device)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const peak = peakMemory(device).peak;
    // x, w and the partial product are live at the matmul; x and w die before the reduction.
    expect(peak).toBe(128 * 512 * 2 + 512 * 1024 * 2 + 128 * 1024 * 2);
    for (const m of r.memory.perDevice) {
      expect(m.peak).toBe(peak);
      expect(m.capacity).toBe(95e9);
      expect(m.outOfMemory).toBe(false);
    }
    expect(r.collectiveSeconds.size).toBe(1);
    const ar = r.collectiveSeconds.get(1)!;
    expect(ar).toBeGreaterThan(0);
    expect(r.time.communication).toBeCloseTo(ar, 15);
    expect(r.time.perAxis).toEqual({ batch: 0, model: ar });
    expect(r.time.step).toBeCloseTo(r.time.compute + r.time.exposedCommunication, 15);
    // MFU: the global program's FLOPs over (step × devices × peak).
    expect(r.time.mfu).toBeCloseTo((2 * 512 * 1024 * 1024) / (r.time.step * 8 * 459e12), 12);
    expect(r.timeline).toHaveLength(8);
    const iv = r.timeline[0].intervals;
    expect(iv.map((i) => i.kind)).toEqual(['compute', 'communication']);
    expect(iv[1]).toMatchObject({ collective: 'all-reduce', axes: ['model'], scope: 'layer_0', op: 'all_reduce#0' });
    expect(iv[0].op).toBe('dot_general#0');
    expect(iv[1].start).toBeCloseTo(iv[0].end, 15); // the reduction waits for its operand
  });

  it('flags a device out of memory against the HBM capacity', () => {
    const { global, device } = programs();
    const small = resolveHardware({ preset: 'tpu-v5p', overrides: { hbmBytes: 1e6 } }, mesh);
    const r = simulate(spmdOf(device, global, mesh), small, { overlap: false });
    expect(r.memory.perDevice[0]).toMatchObject({ capacity: 1e6, outOfMemory: true });
  });

  it('keeps the report small on big meshes: a timeline for 8 devices, said so in `devices`', () => {
    const { global, device } = programs();
    const big = { axes: [{ name: 'batch', size: 64 }, { name: 'model', size: 2 }] };
    const r = simulate(spmdOf(device, global, big), resolveHardware({ preset: 'tpu-v5p' }, big), { overlap: true });
    expect(r.timeline).toHaveLength(8);
    expect(r.devices).toMatchObject({ total: 128, timeline: 8, memory: 128 });
  });

  it('merges back-to-back compute ops of one scope in the compact timeline', () => {
    const b = new ProgramBuilder('chain');
    let x = b.input('x', { shape: [256, 256], dtype: 'f32' });
    b.scoped('a', () => { for (let i = 0; i < 3; i++) x = b.dot(x, x, MM); });
    b.scoped('b', () => { x = b.dot(x, x, MM); });
    b.output(x, 'out');
    const p = b.build();
    const m = { axes: [{ name: 'd', size: 1 }] };
    const h = resolveHardware({ preset: 'h100' }, m);
    const byOp = simulate(spmdOf(p, p, m), h, { overlap: true, timelineDetail: 'op' }).timeline[0].intervals;
    const byScope = simulate(spmdOf(p, p, m), h, { overlap: true, timelineDetail: 'scope' }).timeline[0].intervals;
    expect(byOp.map((i) => i.scope)).toEqual(['a', 'a', 'a', 'b']);
    expect(byScope.map((i) => i.scope)).toEqual(['a', 'b']);
    expect(byScope[0].start).toBe(byOp[0].start);
    expect(byScope[0].end).toBe(byOp[2].end);
  });

  it('leaves recomputed (remat) ops out of the model FLOPs', () => {
    const b = new ProgramBuilder('g');
    const x = b.input('x', { shape: [64, 64], dtype: 'f32' });
    const y = b.scoped('layer_0', () => b.dot(x, x, MM));
    b.inPhase('backward', () => b.scoped('layer_0', () => b.scoped('remat', () => b.dot(x, x, MM))));
    b.output(y, 'y');
    expect(modelFlops(b.build())).toBe(2 * 64 ** 3);
  });
});
