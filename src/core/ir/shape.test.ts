import { describe, expect, it } from 'vitest';
import { inferTypes, ShapeError } from './shape';
import { COLLECTIVE_KINDS, type TensorType } from './types';

const t = (dtype: TensorType['dtype'], ...shape: number[]): TensorType => ({ dtype, shape });

describe('inferTypes, one rule per op kind', () => {
  it('element-wise: a binary op on equal types returns its operand type object; compare gives bool', () => {
    const a = t('f32', 2, 3);
    expect(inferTypes('add', [a, t('f32', 2, 3)], {})[0]).toBe(a);
    expect(inferTypes('compare', [a, a], { direction: 'LT' })).toEqual([t('bool', 2, 3)]);
    expect(inferTypes('exp', [a], {})[0]).toBe(a);
    expect(inferTypes('convert', [a], { dtype: 'bf16' })).toEqual([t('bf16', 2, 3)]);
    expect(() => inferTypes('add', [a, t('f32', 3, 2)], {})).toThrow(/add: operand shapes differ: f32\[2,3\] vs f32\[3,2\]/);
  });

  it('structured ops compute their shapes from their attributes', () => {
    const dims = { lhsBatch: [0], rhsBatch: [0], lhsContract: [2], rhsContract: [1] };
    expect(inferTypes('dot_general', [t('f32', 4, 5, 6), t('f32', 4, 6, 7)], dims)).toEqual([t('f32', 4, 5, 7)]);
    expect(inferTypes('transpose', [t('f32', 2, 3, 4)], { perm: [2, 0, 1] })).toEqual([t('f32', 4, 2, 3)]);
    expect(inferTypes('reduce', [t('f32', 2, 3, 4)], { dims: [1], reducer: 'sum' })).toEqual([t('f32', 2, 4)]);
    expect(inferTypes('slice', [t('f32', 10)], { start: [1], limit: [9], stride: [3] })).toEqual([t('f32', 3)]);
    expect(inferTypes('concatenate', [t('f32', 2, 3), t('f32', 2, 5)], { dim: 1 })).toEqual([t('f32', 2, 8)]);
    expect(inferTypes('gather', [t('f32', 100, 8), t('i32', 4, 2)], { axis: 0 })).toEqual([t('f32', 4, 2, 8)]);
    const custom = [t('f32', 1), t('i32', 2)];
    expect(inferTypes('custom', [], { name: 'opaque', resultTypes: custom })).toEqual(custom);
  });

  it('names the op and the mismatch', () => {
    expect(() => inferTypes('reshape', [t('f32', 2, 3)], { shape: [4, 2] })).toThrow(ShapeError);
    expect(() => inferTypes('reshape', [t('f32', 2, 3)], { shape: [4, 2] })).toThrow(/reshape: cannot reshape f32\[2,3\] to \[4,2\]/);
    expect(() => inferTypes('transpose', [t('f32', 2, 3)], { perm: [0, 0] })).toThrow(/transpose: permutation dim 0 repeated/);
  });

  it('refuses to type collectives: the lowering types them', () => {
    for (const kind of COLLECTIVE_KINDS) {
      expect(() => inferTypes(kind, [t('f32', 4)], {} as never), kind).toThrow(/collectives are typed by the SPMD lowering/);
    }
  });
});
