import { describe, it, expect } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import { resolveHardware } from '../mesh/hardware';
import { collectiveOpSeconds, computeCost } from './cost';
import { schedule } from './schedule';

const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };
const hw = resolveHardware({ preset: 'tpu-v5p' }, { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] });

/**
 * Two big matmuls and an all-reduce. `dependent`: the all-reduce reduces the first matmul's result and the
 * second matmul consumes it. Otherwise it reduces an independent input, and an add after the matmuls uses it.
 */
function program(dependent: boolean) {
  const b = new ProgramBuilder('p');
  const x = b.input('x', { shape: [4096, 4096], dtype: 'bf16' });
  const g = b.input('g', { shape: [4096, 4096], dtype: 'bf16' });
  if (dependent) {
    const y = b.dot(x, x, MM);
    const r = b.emit1('all_reduce', [y], { axes: ['batch'] }, b.type(y));
    b.output(b.dot(r, x, MM), 'out');
  } else {
    const r = b.emit1('all_reduce', [g], { axes: ['batch'] }, b.type(g));
    const y = b.dot(x, x, MM);
    const z = b.dot(y, x, MM);
    b.output(b.add(z, r), 'out');
  }
  return b.build();
}

describe('schedule', () => {
  it('without overlap, the step is the sum of every op, and all communication is exposed', () => {
    const p = program(false);
    const s = schedule(p, hw, { overlap: false });
    const comm = collectiveOpSeconds(p.ops[0], p, hw);
    const compute = p.ops.slice(1).reduce((t, op) => t + computeCost(op, p, hw).seconds, 0);
    expect(comm).toBeGreaterThan(0);
    expect(s.communication).toBeCloseTo(comm, 12);
    expect(s.compute).toBeCloseTo(compute, 12);
    expect(s.step).toBeCloseTo(comm + compute, 12);
    expect(s.exposedCommunication).toBeCloseTo(comm, 12);
  });

  it('with overlap, an all-reduce hides behind independent compute', () => {
    const p = program(false);
    const s = schedule(p, hw, { overlap: true });
    // The collective (32 MiB over 4 chips) is shorter than the two matmuls it runs beside.
    expect(s.communication).toBeLessThan(s.end[2]);
    expect(s.start[0]).toBe(0);
    expect(s.start[1]).toBe(0); // the first matmul does not wait for the collective
    expect(s.exposedCommunication).toBeCloseTo(0, 12);
    expect(s.step).toBeCloseTo(s.compute, 12);
  });

  it('with overlap, a collective its consumer depends on stays exposed', () => {
    const p = program(true);
    const on = schedule(p, hw, { overlap: true });
    const off = schedule(p, hw, { overlap: false });
    expect(on.communication).toBeGreaterThan(0);
    expect(on.exposedCommunication).toBeCloseTo(on.communication, 12);
    expect(on.step).toBeCloseTo(off.step, 12);
    expect(on.start[2]).toBeCloseTo(on.end[1], 12); // the second matmul waits for the reduction
  });

  it('exposes only the part of a collective longer than the compute beside it', () => {
    // A slow link: the all-reduce outlasts the two matmuls; the add waits for it.
    const slow = resolveHardware({ preset: 'tpu-v5p', links: { batch: 'dcn' } }, hw.mesh);
    const p = program(false);
    const s = schedule(p, slow, { overlap: true });
    const matmuls = s.end[2];
    expect(s.communication).toBeGreaterThan(matmuls);
    expect(s.exposedCommunication).toBeCloseTo(s.communication - matmuls, 12);
    expect(s.step).toBeCloseTo(s.communication + (s.end[3] - s.start[3]), 12);
  });

  it('splits collective time between the axes it spans', () => {
    const b = new ProgramBuilder('p');
    const x = b.input('x', { shape: [1024, 1024], dtype: 'bf16' });
    b.output(b.emit1('all_reduce', [x], { axes: ['batch', 'model'] }, b.type(x)), 'out');
    const s = schedule(b.build(), hw, { overlap: true });
    expect(s.perAxis.batch).toBeCloseTo(s.communication / 2, 15);
    expect(s.perAxis.model).toBeCloseTo(s.communication / 2, 15);
  });
});
