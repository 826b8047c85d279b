import { describe, expect, it } from 'vitest';
import { commonPrefix, compatiblePrefix, fitList, isPrefixOf, mergeSubAxes, splitOverFactors } from './axisList';
import { axisRefSize, overlaps, type AxisRef } from './sharding';

const sizes = new Map([['x', 8], ['y', 4], ['z', 2]]);
const ax = (name: string, pre?: number, size?: number): AxisRef => (pre === undefined ? { name } : { name, sub: { pre, size: size ?? 1 } });
const product = (list: readonly AxisRef[]) => list.reduce((p, a) => p * axisRefSize(a, sizes), 1);

describe('splitOverFactors', () => {
  it('splits a dim over its factors so that merging the parts back gives the dim', () => {
    for (const [axes, factors] of [
      [[ax('x')], [4, 8]],
      [[ax('x'), ax('y')], [16, 2]],
      [[ax('y'), ax('z')], [2, 4]],
      [[ax('x')], [2, 2, 2]],
    ] as [AxisRef[], number[]][]) {
      const { parts, overflow } = splitOverFactors(axes, factors, sizes);
      expect(overflow).toEqual([]);
      expect(mergeSubAxes(parts.flat(), sizes)).toEqual(axes);
      // every factor but the minor-most holds axes that divide it
      parts.slice(0, -1).forEach((p, i) => expect(factors[i] % product(p)).toBe(0));
    }
  });

  it('lets the minor-most factor pad, and puts axes of a dim with no real factor in overflow', () => {
    // factor 0 is the only one larger than 1: it keeps y although 2·4 does not divide 2 (padding)
    expect(splitOverFactors([ax('z'), ax('y')], [2, 1], sizes)).toEqual({ parts: [[ax('z'), ax('y')], []], overflow: [] });
    expect(splitOverFactors([ax('z')], [1], sizes)).toEqual({ parts: [[]], overflow: [ax('z')] });
  });
});

describe('prefixes', () => {
  it('agrees on the larger of a sub-axis and the axis it starts', () => {
    expect(compatiblePrefix([[ax('x', 1, 2)], [ax('x')]], sizes)).toEqual([ax('x')]);
    expect(compatiblePrefix([[ax('x'), ax('y')], [ax('x'), ax('z')]], sizes)).toEqual([ax('x')]);
  });

  it('cuts a common prefix inside an axis where one list holds its major piece', () => {
    const cut = commonPrefix([ax('y'), ax('x')], [ax('y'), ax('x', 1, 4)], sizes);
    expect(cut).toEqual([ax('y'), ax('x', 1, 4)]);
    expect(isPrefixOf(cut, [ax('y'), ax('x')], sizes)).toBe(true);
  });

  it('fits a list before the first blocked piece, overlapping none of the block', () => {
    const block = [ax('x', 4, 2)];
    const fit = fitList([ax('x'), ax('y')], block, sizes);
    expect(fit.length).toBe(1);
    expect(fit.every((a) => block.every((b) => !overlaps(a, b, sizes)))).toBe(true);
    expect(isPrefixOf(fit, [ax('x')], sizes)).toBe(true);
  });
});
