import { describe, expect, it } from 'vitest';
import { idealBubble, pipelineActions, type Action, type Pass } from './schedules';
import { timeActions, type TimingModel } from './timing';
import type { PipelineScheduleKind } from './types';

/** Uniform stages: a forward costs f, a backward b (split into b/2 + b/2 for ZB-H1), chained stage to stage. */
function uniform(p: number, v: number, f: number, b: number, split: boolean): TimingModel {
  const chunks = p * v;
  return {
    stages: p,
    duration: (a: Action) => (a.pass === 'F' ? f : split ? b / 2 : b),
    deps: (a: Action) => {
      const d: { pass: Pass; chunk: number }[] = [];
      if (a.pass === 'F' && a.chunk > 0) d.push({ pass: 'F', chunk: a.chunk - 1 });
      if (a.pass === 'B') {
        d.push({ pass: 'F', chunk: a.chunk });
        if (a.chunk < chunks - 1) d.push({ pass: 'B', chunk: a.chunk + 1 });
      }
      if (a.pass === 'W') d.push({ pass: 'B', chunk: a.chunk });
      return d;
    },
    transfer: () => 0,
  };
}

function bubble(kind: PipelineScheduleKind, p: number, m: number, v = 1): number {
  const t = timeActions(pipelineActions(kind, p, m, v), uniform(p, v, 1 / v, 2 / v, kind === 'ZB-H1'));
  const step = Math.max(...t.map((l) => l[l.length - 1].end));
  const work = t[0].reduce((s, a) => s + a.end - a.start, 0);
  return (step - work) / work;
}

describe('schedules', () => {
  it('every device runs each forward and backward of its chunks once', () => {
    for (const [kind, p, m, v] of [['GPipe', 4, 6, 1], ['1F1B', 4, 6, 1], ['interleaved', 4, 8, 2], ['ZB-H1', 4, 6, 1]] as const) {
      const actions = pipelineActions(kind, p, m, v);
      actions.forEach((list, d) => {
        const seen = new Set(list.map((a) => `${a.pass}${a.chunk}@${a.mb}`));
        expect(seen.size).toBe(list.length);
        expect(list.length).toBe(m * v * (kind === 'ZB-H1' ? 3 : 2));
        expect(list.every((a) => a.chunk % p === d)).toBe(true);
      });
    }
  });
  it('GPipe and 1F1B leave the bubble (p−1)/m', () => {
    expect(bubble('GPipe', 4, 8)).toBeCloseTo(3 / 8, 10);
    expect(bubble('1F1B', 4, 8)).toBeCloseTo(3 / 8, 10);
    expect(bubble('1F1B', 8, 32)).toBeCloseTo(7 / 32, 10);
  });
  it('interleaving v chunks per device divides the bubble by v: (p−1)/(v·m)', () => {
    expect(idealBubble('interleaved', 4, 8, 2)).toBeCloseTo(3 / 16, 10);
    expect(bubble('interleaved', 4, 8, 2)).toBeCloseTo(3 / 16, 10);
    expect(bubble('interleaved', 4, 16, 4)).toBeCloseTo(3 / 64, 10);
  });
  it('ZB-H1 cuts the 1F1B bubble to a third when F, B and W cost the same (Qi et al. 2023)', () => {
    expect(bubble('ZB-H1', 4, 8)).toBeCloseTo(bubble('1F1B', 4, 8) / 3, 10);
    expect(bubble('ZB-H1', 8, 32)).toBeCloseTo(bubble('1F1B', 8, 32) / 3, 10);
  });
});
