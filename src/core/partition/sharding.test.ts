import { describe, expect, it } from 'vitest';
import {
  axisShardingJson, axisState, axisStateEquals, formatSharding, formatShardedType, isReplicated, replicatedSharding, shardingEquals, withAxis,
} from './sharding';

describe('sharding helpers', () => {
  it('replicatedSharding has one empty axis list per dim and no partial axes', () => {
    const s = replicatedSharding(3);
    expect(s).toEqual({ dims: [[], [], []], partial: [] });
    expect(isReplicated(s)).toBe(true);
    expect(axisState(s, 'batch')).toEqual({ kind: 'replicated' });
  });

  it('withAxis tiles, moves and makes partial, keeping other axes', () => {
    let s = withAxis(replicatedSharding(2), 'batch', { kind: 'tiled', dim: 0 });
    s = withAxis(s, 'model', { kind: 'tiled', dim: 0 });
    expect(s.dims).toEqual([['batch', 'model'], []]);
    expect(axisState(s, 'model')).toEqual({ kind: 'tiled', dim: 0 });
    s = withAxis(s, 'batch', { kind: 'partial' });
    expect(s).toEqual({ dims: [['model'], []], partial: ['batch'] });
    expect(axisState(s, 'batch')).toEqual({ kind: 'partial' });
    s = withAxis(s, 'batch', { kind: 'replicated' });
    expect(s).toEqual({ dims: [['model'], []], partial: [] });
  });

  it("axisShardingJson gives the report's form of axisState, replicated for a value without a sharding", () => {
    const s = { dims: [['batch'], [], ['model']], partial: ['x'] };
    expect(axisShardingJson(s, 'model')).toEqual({ tiled: 2 });
    expect(axisShardingJson(s, 'x')).toBe('partial');
    expect(axisShardingJson(s, 'y')).toBe('replicated');
    expect(axisShardingJson(undefined, 'batch')).toBe('replicated');
  });

  it('formats sharded types with axes per dim and partial axes as a suffix', () => {
    const t = { shape: [8, 2048, 4096], dtype: 'bf16' as const };
    expect(formatShardedType(t, { dims: [['batch'], [], ['model']], partial: [] })).toBe('bf16[8@batch, 2048, 4096@model]');
    expect(formatShardedType({ shape: [64], dtype: 'f32' }, { dims: [['batch', 'model']], partial: [] })).toBe('f32[64@batch,model]');
    expect(formatShardedType({ shape: [4, 4], dtype: 'f32' }, { dims: [[], []], partial: ['model'] })).toBe('f32[4, 4] {partial: model}');
    expect(formatSharding({ dims: [['batch'], []], partial: ['model'] })).toBe('[@batch, -] {partial: model}');
  });

  it('equality compares axis order on a dim but not the order of partial axes', () => {
    const a = { dims: [['batch', 'model'], []], partial: ['x', 'y'] };
    expect(shardingEquals(a, { dims: [['batch', 'model'], []], partial: ['y', 'x'] })).toBe(true);
    expect(shardingEquals(a, { dims: [['model', 'batch'], []], partial: ['x', 'y'] })).toBe(false);
    expect(shardingEquals(a, { dims: [['batch', 'model'], []], partial: ['x'] })).toBe(false);
    expect(axisStateEquals({ kind: 'tiled', dim: 1 }, { kind: 'tiled', dim: 1 })).toBe(true);
    expect(axisStateEquals({ kind: 'tiled', dim: 1 }, { kind: 'tiled', dim: 0 })).toBe(false);
    expect(axisStateEquals({ kind: 'partial' }, { kind: 'replicated' })).toBe(false);
  });
});
