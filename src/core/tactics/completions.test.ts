import { describe, expect, it } from 'vitest';
import { tacticCatalog } from './catalog';
import { completionsAt, globAt, offsetAt } from './completions';
import { posOf, rangeOf } from './__fixtures__/positions';

const ctx = {
  paths: ['batch/tokens', 'params/layer_0/mlp/w_in', 'params/layer_1/mlp/w_in', 'params/layer_0/attn/wq', 'opt_state/count'],
  axes: ['batch', 'model'],
};

/** Completions with the cursor where `|` is in `marked` (the `|` is removed). */
function at(marked: string) {
  const text = marked.replace('|', '');
  const p = posOf(marked, '|');
  return { text, items: completionsAt(text, p.line, p.column, ctx) };
}
const labels = (items: { label: string }[]) => items.map((i) => i.label);

describe('completionsAt', () => {
  it('offers tactics after NAME =, each with a ready-to-edit call', () => {
    const { items } = at('A = |');
    expect(labels(items)).toEqual(tacticCatalog.map((t) => t.name));
    expect(items.every((i) => i.kind === 'tactic')).toBe(true);
    expect(items.find((i) => i.label === 'ZeRO')?.insertText).toMatch(/^ZeRO\(stage=/);
  });

  it('filters by the word being typed and replaces it', () => {
    const { items } = at('A = Me|');
    expect(labels(items)).toEqual(['Megatron']);
    expect(items[0].replaceRange).toEqual({ line: 1, column: 5, endLine: 1, endColumn: 7 });
  });

  it('offers `schedule` at the start of a statement', () => {
    expect(labels(at('A = Megatron(axis="model")\n|').items)).toEqual(['schedule']);
  });

  it('offers the keyword arguments not yet given', () => {
    expect(labels(at('A = ManualPartition(|').items)).toEqual(['inputs', 'axis']);
    const { items } = at('A = ManualPartition(inputs={"batch/*": 0}, |');
    expect(labels(items)).toEqual(['axis']);
    expect(items[0]).toMatchObject({ kind: 'keyword', insertText: 'axis=' });
    expect(labels(at('A = AutomaticPartition(axes=["model"],\n    ob|').items)).toEqual(['objective']);
  });

  it('offers mesh axes for axis=, quoted outside a string and bare inside one', () => {
    const outside = at('A = Megatron(axis=|').items;
    expect(outside.map((i) => [i.kind, i.insertText])).toEqual([['axis', '"batch"'], ['axis', '"model"']]);
    const inside = at('A = Megatron(axis="mo|').items;
    expect(inside.map((i) => i.insertText)).toEqual(['model']);
    // The replace range is the string's contents typed so far.
    expect(inside[0].replaceRange).toEqual({ line: 1, column: 20, endLine: 1, endColumn: 22 });
    expect(labels(at('A = AutomaticPartition(axes=["batch", "|').items)).toEqual(['batch', 'model']);
  });

  it('offers enum values and ZeRO stages', () => {
    expect(labels(at('A = EmbeddingShard(axis="model", dim=|').items)).toEqual(['model', 'vocab']);
    expect(labels(at('A = ZeRO(stage=|').items)).toEqual(['1', '2', '3']);
  });

  it('offers value paths (and layer-generic globs) as inputs keys, and dim constants as values', () => {
    const keys = at('A = ManualPartition(inputs={"params/|').items;
    expect(keys.every((i) => i.kind === 'path')).toBe(true);
    expect(labels(keys)).toEqual(['params/layer_*/mlp/w_in', 'params/layer_*/attn/wq', 'params/layer_0/mlp/w_in', 'params/layer_1/mlp/w_in', 'params/layer_0/attn/wq']);
    const multi = at('A = ManualPartition(inputs={"batch/*": 0,\n    |').items;
    expect(multi.find((i) => i.label === 'batch/tokens')?.insertText).toBe('"batch/tokens"');
    expect(labels(at('A = ManualPartition(inputs={"batch/*": |').items)).toEqual(['LARGEST', 'FIRST_DIVISIBLE_DIM', 'REPLICATED', 'UNKNOWN']);
    expect(labels(at('A = ManualPartition(inputs={"batch/*": LA|').items)).toEqual(['LARGEST']);
  });

  it('offers defined tactics and presets inside the schedule', () => {
    const { items } = at('BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, |]');
    expect(labels(items).slice(0, 2)).toEqual(['BP', 'MP']);
    expect(labels(items)).toContain('ZeRO');
  });

  it('never throws, wherever the cursor is', () => {
    const text = 'A = ManualPartition(inputs={"x": 0}, axis="batch")\nschedule = [A]\n';
    for (let line = 0; line <= 4; line++) {
      for (let column = 0; column <= 60; column++) expect(() => completionsAt(text, line, column, ctx)).not.toThrow();
    }
  });
});

describe('globAt', () => {
  const text = 'A = ManualPartition(inputs={"params/**": LARGEST,\n   "batch/*": 0}, axis="batch")';
  it('returns the glob string under the cursor and its range', () => {
    const p = posOf(text, 'params/**');
    expect(globAt(text, p.line, p.column + 3)).toEqual({ glob: 'params/**', range: rangeOf(text, '"params/**"') });
    const q = posOf(text, '"batch/*"');
    expect(globAt(text, q.line, q.column)).toEqual({ glob: 'batch/*', range: rangeOf(text, '"batch/*"') });
  });
  it('returns nothing off a glob (axis strings are not globs)', () => {
    const p = posOf(text, '"batch")');
    expect(globAt(text, p.line, p.column + 1)).toBeUndefined();
    expect(globAt(text, 1, 1)).toBeUndefined();
  });
});

describe('offsetAt', () => {
  it('maps 1-based line/column to offsets and clamps', () => {
    const text = 'ab\ncde\n';
    expect(offsetAt(text, 1, 1)).toBe(0);
    expect(offsetAt(text, 2, 2)).toBe(4);
    expect(offsetAt(text, 2, 99)).toBe(6);
    expect(offsetAt(text, 9, 1)).toBe(text.length);
  });
});
