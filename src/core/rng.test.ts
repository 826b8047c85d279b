import { describe, it, expect } from 'vitest';
import { mulberry32, shuffle } from './rng';

describe('mulberry32', () => {
  it('repeats exactly for a seed and differs between seeds', () => {
    const a = mulberry32(7), b = mulberry32(7), c = mulberry32(8);
    const xs = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(xs);
  });

  it('stays in [0, 1) and spreads over it', () => {
    const r = mulberry32(123);
    const xs = Array.from({ length: 2000 }, () => r());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});

describe('shuffle', () => {
  it('returns a permutation and leaves its input alone', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i);
    const ys = shuffle(xs, mulberry32(1));
    expect(xs).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...ys].sort((p, q) => p - q)).toEqual(xs);
    expect(ys).not.toEqual(xs);
  });
});
