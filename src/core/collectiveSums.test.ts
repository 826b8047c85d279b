import { describe, expect, it } from 'vitest';
import { collectiveKey, sumCollectives, type SummableCollective } from './collectiveSums';

const c = (kind: SummableCollective['kind'], axes: string[], phase: SummableCollective['phase'], op: string, bytes: number, seconds: number): SummableCollective =>
  ({ kind, axes, phase, op, bytes, seconds });

const CS = [
  c('all-reduce', ['model'], 'forward', 'dot#1', 100, 1),
  c('all-gather', ['batch'], 'forward', 'dot#2', 10, 0.5),
  c('all-reduce', ['model'], 'backward', 'dot#3', 200, 2),
  c('all-reduce', ['batch', 'model'], 'backward', 'dot#3', 50, 4),
  c('all-reduce', ['model'], 'forward', 'dot#4', 100, 1),
];

describe('sumCollectives', () => {
  it('sums count, bytes and seconds per kind, axes and phase, in first-seen order', () => {
    const g = sumCollectives(CS, ['kind', 'axes', 'phase']);
    expect(g.map((x) => [x.key, x.count, x.bytes, x.seconds])).toEqual([
      ['all-reduce|model|forward', 2, 200, 2],
      ['all-gather|batch|forward', 1, 10, 0.5],
      ['all-reduce|model|backward', 1, 200, 2],
      ['all-reduce|batch,model|backward', 1, 50, 4],
    ]);
    expect(g.every((x) => x.op === '')).toBe(true);
  });

  it('keyed by kind alone, a group lists every axis its members run over, and the totals are conserved', () => {
    const g = sumCollectives(CS, ['kind']);
    expect(g.map((x) => x.kind)).toEqual(['all-reduce', 'all-gather']);
    expect(g[0].axes).toEqual(['model', 'batch']);
    expect(g.reduce((s, x) => s + x.bytes, 0)).toBe(CS.reduce((s, x) => s + x.bytes, 0));
  });

  it('keeps the op only when it is part of the key', () => {
    expect(sumCollectives(CS, ['kind', 'op']).map((x) => x.op)).toEqual(['dot#1', 'dot#2', 'dot#3', 'dot#4']);
    expect(collectiveKey(CS[3], ['axes', 'kind'])).toBe('batch,model|all-reduce');
  });
});
