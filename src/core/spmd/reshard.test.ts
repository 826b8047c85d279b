import { describe, it, expect } from 'vitest';
import type { Sharding } from '../partition/types';
import { applyStep, planReshard } from './reshard';
import { shardingKey } from './layout';

const sh = (dims: string[][], partial: string[] = []): Sharding => ({ dims, partial });
const kinds = (from: Sharding, to: Sharding) => planReshard(from, to).map((s) => s.kind);

/** Applying the plan must land exactly on the target. */
function lands(from: Sharding, to: Sharding): boolean {
  let cur = from;
  for (const s of planReshard(from, to)) cur = applyStep(cur, s);
  return shardingKey(cur) === shardingKey(to);
}

describe('planReshard (reshard → collectives)', () => {
  it('needs nothing when the layouts agree', () => {
    expect(planReshard(sh([['x'], []]), sh([['x'], []]))).toEqual([]);
  });

  it('replicated → tiled is a local shard_slice', () => {
    expect(planReshard(sh([[], []]), sh([[], ['x']]))).toEqual([{ kind: 'shard_slice', axes: ['x'], dim: 1 }]);
  });

  it('tiled → replicated gathers the removed suffix only', () => {
    expect(planReshard(sh([['x', 'y', 'z'], []]), sh([['x'], []]))).toEqual([{ kind: 'all_gather', axes: ['y', 'z'], dim: 0 }]);
  });

  it('partial → replicated is an all-reduce', () => {
    expect(planReshard(sh([[], []], ['x']), sh([[], []]))).toEqual([{ kind: 'all_reduce', axes: ['x'] }]);
  });

  it('partial → tiled fuses the all-reduce and the slice into a reduce-scatter', () => {
    expect(planReshard(sh([[], []], ['x']), sh([['x'], []]))).toEqual([{ kind: 'reduce_scatter', axes: ['x'], dim: 0 }]);
  });

  it('partial on two axes, tiled by one: reduce-scatter the tiled one first, then all-reduce only the shard over the other', () => {
    expect(kinds(sh([[], []], ['x', 'y']), sh([[], ['y']]))).toEqual(['reduce_scatter', 'all_reduce']);
    expect(planReshard(sh([[], []], ['x', 'y']), sh([[], ['y']]))[1]).toEqual({ kind: 'all_reduce', axes: ['x'] });
    expect(lands(sh([[], []], ['x', 'y']), sh([[], ['y']]))).toBe(true);
    // whatever order the partial axes were made in
    expect(kinds(sh([[], []], ['y', 'x']), sh([[], ['y']]))).toEqual(['reduce_scatter', 'all_reduce']);
    // with a slice after it, too
    expect(kinds(sh([[], []], ['x']), sh([['z'], []]))).toEqual(['shard_slice', 'all_reduce']);
  });

  it('partial and gathered: the all-reduce runs before the gather, on the smaller value', () => {
    expect(kinds(sh([['z'], []], ['x']), sh([[], []]))).toEqual(['all_reduce', 'all_gather']);
  });

  it('keeps partial axes the target keeps', () => {
    expect(planReshard(sh([['x'], []], ['y']), sh([[], []], ['y']))).toEqual([{ kind: 'all_gather', axes: ['x'], dim: 0 }]);
  });

  it('tiled on dim a → tiled on dim b over the same axes is one all-to-all', () => {
    expect(planReshard(sh([['x'], []]), sh([[], ['x']]))).toEqual([{ kind: 'all_to_all', axes: ['x'], splitDim: 1, concatDim: 0 }]);
  });

  it('a change of axis order on one dim is gather + slice', () => {
    expect(planReshard(sh([['x', 'y']]), sh([['y', 'x']]))).toEqual([
      { kind: 'all_gather', axes: ['x', 'y'], dim: 0 },
      { kind: 'shard_slice', axes: ['y', 'x'], dim: 0 },
    ]);
  });

  it('swapping the axes of two dims gathers one and moves the other', () => {
    const from = sh([['x'], ['y']]), to = sh([['y'], ['x']]);
    expect(lands(from, to)).toBe(true);
    expect(kinds(from, to)).toContain('all_to_all');
  });

  it('slices fresh axes before communicating', () => {
    expect(kinds(sh([['x'], []], ['y']), sh([[], ['z']]))).toEqual(['shard_slice', 'all_reduce', 'all_gather']);
  });

  it('refuses to invent a partial value', () => {
    expect(() => planReshard(sh([[]]), sh([[]], ['x']))).toThrow(/partial/);
  });

  it('lands on the target for every pair of small layouts', () => {
    const axes = ['x', 'y'];
    // Every way of putting x and y on two dims or partial (or nowhere).
    const layouts: Sharding[] = [];
    const places = ['none', 'd0', 'd1', 'partial'];
    for (const px of places) for (const py of places) for (const order of [0, 1]) {
      const dims: string[][] = [[], []];
      const partial: string[] = [];
      const put = (a: string, p: string) => {
        if (p === 'd0') dims[0].push(a);
        else if (p === 'd1') dims[1].push(a);
        else if (p === 'partial') partial.push(a);
      };
      if (order === 0) { put(axes[0], px); put(axes[1], py); } else { put(axes[1], py); put(axes[0], px); }
      layouts.push(sh(dims, partial));
    }
    for (const from of layouts) for (const to of layouts) {
      if (!to.partial.every((a) => from.partial.includes(a))) continue;
      expect(lands(from, to), `${shardingKey(from)} → ${shardingKey(to)}`).toBe(true);
    }
  });
});
