import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { CollectiveJson, DeviceMemory, TimelineInterval } from '../../core/report';
import {
  MEMORY_CATEGORIES, collectivesByAxes, deviceCoordsLabel, groupDevices, opIdOfInterval, communicationBytes, intervalAt, memoryDomainMax, peakMemory, sortCollectives,
  splitStepTime, stackMemory, stageEffects,
} from './data';

const dev = (device: number, a: number[], peak = 0, capacity = 100): DeviceMemory => ({
  device, peak, capacity, outOfMemory: peak > capacity,
  atPeak: { params: a[0], optimizer: a[1], gradients: a[2], activations: a[3], temporaries: a[4] },
  modelState: { params: a[0], gradients: a[2], optimizer: a[1] },
});

describe('stackMemory', () => {
  it('stacks categories bottom to top without gaps, ending at the device total', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.nat(1e9), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (rows) => {
      const segs = stackMemory(rows.map((r, i) => dev(i, r)));
      expect(segs.length).toBe(rows.length * MEMORY_CATEGORIES.length);
      rows.forEach((r, i) => {
        const mine = segs.filter((s) => s.device === i);
        expect(mine[0].y0).toBe(0);
        for (let k = 1; k < mine.length; k++) expect(mine[k].y0).toBe(mine[k - 1].y1);
        expect(mine[mine.length - 1].y1).toBe(r.reduce((a, b) => a + b, 0));
      });
    }));
  });
  it('sizes the axis to fit the stacks, the peaks and the capacity line', () => {
    expect(memoryDomainMax([dev(0, [40, 0, 0, 0, 0], 40, 100)])).toEqual({ max: 100, capacityOnScale: true });
    expect(memoryDomainMax([dev(0, [80, 40, 0, 0, 0], 120, 100)])).toEqual({ max: 120, capacityOnScale: true });
    // a small step on a big device: the bars keep the scale, the capacity is named off scale
    expect(memoryDomainMax([dev(0, [10, 0, 0, 0, 0], 10, 100)])).toEqual({ max: 10, capacityOnScale: false });
    expect(peakMemory([dev(0, [0, 0, 0, 0, 0], 7), dev(1, [0, 0, 0, 0, 0], 9)])).toBe(9);
  });
});

describe('splitStepTime', () => {
  it('splits the critical path into compute and exposed communication, and reports the hidden part', () => {
    const s = splitStepTime({ step: 1.2, compute: 1, communication: 0.5, exposedCommunication: 0.2, perAxis: { batch: 0.3, model: 0.2 }, mfu: 0.4 });
    expect(s.critical.map((x) => x.seconds)).toEqual([1, 0.2]);
    expect(s.perAxis.map((x) => x.axis)).toEqual(['batch', 'model']);
    expect(s.hidden).toBeCloseTo(0.3);
  });
});

const coll = (kind: CollectiveJson['kind'], axes: string[], bytes: number, seconds: number, op = 'x'): CollectiveJson =>
  ({ kind, axes, bytes, seconds, op, opId: -1, scope: '', phase: 'forward' });

describe('collectives', () => {
  const rows = [coll('all-reduce', ['model'], 30, 3, 'a'), coll('all-gather', ['batch'], 10, 1, 'b'), coll('all-reduce', ['model'], 20, 3, 'c')];
  it('sorts by a numeric key either way, keeping report order on ties', () => {
    expect(sortCollectives(rows, 'bytes', true).map((r) => r.op)).toEqual(['a', 'c', 'b']);
    expect(sortCollectives(rows, 'seconds', true).map((r) => r.op)).toEqual(['a', 'c', 'b']);
    expect(sortCollectives(rows, 'kind', false).map((r) => r.op)).toEqual(['b', 'a', 'c']);
    expect(rows.map((r) => r.op)).toEqual(['a', 'b', 'c']); // input untouched
  });
  it('sums bytes per step and per kind and axes', () => {
    expect(communicationBytes(rows)).toBe(60);
    const g = collectivesByAxes(rows);
    expect(g[0]).toMatchObject({ kind: 'all-reduce', axes: ['model'], count: 2, bytes: 50, seconds: 6 });
  });
});

describe('intervalAt', () => {
  const iv = (start: number, end: number, op: string, kind: TimelineInterval['kind'] = 'compute'): TimelineInterval => ({ kind, start, end, op, scope: '' });
  const xs = [iv(0, 1, 'a'), iv(1, 3, 'b'), iv(1.5, 2, 'c', 'communication'), iv(4, 5, 'd')];
  it('finds the interval covering a time, per lane', () => {
    expect(intervalAt(xs, 0.5)?.op).toBe('a');
    expect(intervalAt(xs, 2.5)?.op).toBe('b');
    expect(intervalAt(xs, 1.7, 'communication')?.op).toBe('c');
    expect(intervalAt(xs, 1.7, 'compute')?.op).toBe('b');
    expect(intervalAt(xs, 3.5)).toBeUndefined();
  });
});

describe('stageEffects', () => {
  it('lists each tactic with what it reached and its conflicts', () => {
    const e = stageEffects({ stages: [{ tactic: 'BP', axis: 'batch', seeded: [{ value: 'batch/x', sharding: 'dim 0' }], reached: 12, conflicts: [] }] });
    expect(e).toEqual([{ tactic: 'BP', axis: 'batch', reached: 12, seeded: 1, conflicts: 0, peak: undefined, step: undefined }]);
  });
  it("reads each stage's peak memory and step time when the pipeline costed the stage", () => {
    const e = stageEffects({ stages: [{ tactic: 'BP', axis: 'batch', seeded: [], reached: 3, conflicts: [], memory: { peak: 1024 }, time: { step: 0.5 } }] });
    expect(e[0]).toMatchObject({ peak: 1024, step: 0.5 });
  });
});

describe('groupDevices', () => {
  it('merges runs of identical devices and keeps distinct ones apart', () => {
    const same = [1, 2, 3, 4, 5];
    const g = groupDevices([dev(0, same, 15), dev(1, same, 15), dev(2, same, 15), dev(3, [9, 9, 9, 9, 9], 45), dev(4, same, 15)]);
    expect(g.map((x) => x.label)).toEqual(['0–2', '3', '4']);
    expect(g[0].memory.peak).toBe(15);
  });
});

describe('opIdOfInterval', () => {
  it('reads the global op id after the #', () => {
    expect(opIdOfInterval('dot_general#123')).toBe(123);
    expect(opIdOfInterval('no id here')).toBeUndefined();
  });
});

describe('deviceCoordsLabel', () => {
  it('gives row-major coordinates, the last axis fastest', () => {
    const axes = [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }];
    expect(deviceCoordsLabel(0, axes)).toBe('batch 0 · model 0');
    expect(deviceCoordsLabel(1, axes)).toBe('batch 0 · model 1');
    expect(deviceCoordsLabel(7, axes)).toBe('batch 3 · model 1');
  });
});
