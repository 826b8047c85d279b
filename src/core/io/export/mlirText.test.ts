import { describe, expect, it } from 'vitest';
import { applyEdits, MlirText } from './mlirText';

describe('MlirText', () => {
  it('ignores brackets and commas inside strings and comments', () => {
    const t = new MlirText('(a, "x(,)", b) // (,\nc');
    expect(t.matchClose(0)).toBe(13);
    expect(t.splitTopLevel(1, 13).map(([s, e]) => t.text.slice(s, e))).toEqual(['a', '"x(,)"', 'b']);
  });

  it('treats -> as an arrow and <...> as brackets', () => {
    const text = '(%a: tensor<2x3xf32> {k = #sdy.sharding<@mesh, [{"x"}, {}]>}, %b: tensor<f32>) -> (tensor<f32>)';
    const t = new MlirText(text);
    const close = t.matchClose(0);
    expect(text.slice(close + 1).trim().startsWith('->')).toBe(true);
    expect(t.splitTopLevel(1, close)).toHaveLength(2);
    expect(t.matchClose(text.lastIndexOf('('))).toBe(text.length - 1);
  });

  it('ends a type at whitespace or an attribute dict outside brackets', () => {
    const t = new MlirText('tensor<4x8xf32> {a = 1}');
    expect(t.endOfTerm(0)).toBe(15);
    expect(new MlirText('tensor<4xf32>{a}').endOfTerm(0)).toBe(13);
  });
});

describe('applyEdits', () => {
  it('applies edits given in any order, an insertion and a removal at one place both', () => {
    const text = 'abcdef';
    expect(applyEdits(text, [{ start: 4, end: 5, text: 'E' }, { start: 0, end: 1, text: 'A' }])).toBe('AbcdEf');
    expect(applyEdits(text, [{ start: 2, end: 4, text: '' }, { start: 2, end: 2, text: 'XY' }])).toBe('abXYef');
    expect(() => applyEdits(text, [{ start: 1, end: 4, text: '' }, { start: 2, end: 3, text: '' }])).toThrow(/overlapping/);
  });
});
