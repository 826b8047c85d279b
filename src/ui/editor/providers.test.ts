import { describe, it, expect } from 'vitest';
import { stringStartColumn } from './providers';
import { KEYWORD_ARG_RE, KEYWORD_ARGS, NUMBER_RE, TACTIC_NAMES } from './partirLanguage';
import { tacticCatalog } from '../../core/tactics';

describe('stringStartColumn', () => {
  it('finds the column after the opening quote when the cursor is inside a string', () => {
    const line = 'T = ManualPartition(inputs={"params/lay';
    expect(stringStartColumn(line, line.length + 1)).toBe(line.indexOf('"') + 2);
  });

  it('is null outside strings, after a closed string, and in comments', () => {
    expect(stringStartColumn('BP = BatchParallel(', 20)).toBeNull();
    const closed = 'x = "abc" + ';
    expect(stringStartColumn(closed, closed.length + 1)).toBeNull();
    const comment = '# "not a string';
    expect(stringStartColumn(comment, comment.length + 1)).toBeNull();
  });

  it('handles single quotes and escaped quotes', () => {
    const line = "a = 'x\\'y";
    expect(stringStartColumn(line, line.length + 1)).toBe(6);
  });
});

describe('the tokenizer', () => {
  it('colours every tactic and keyword argument of the catalogue', () => {
    for (const t of tacticCatalog) {
      expect(TACTIC_NAMES).toContain(t.name);
      for (const a of t.args) expect(KEYWORD_ARGS).toContain(a.name);
    }
  });

  it('treats `name=` as a keyword argument but not `name ==`, and reads negative numbers', () => {
    const kw = new RegExp(`^(?:${KEYWORD_ARG_RE.source})`);
    expect(kw.exec('axis="batch"')?.[0]).toBe('axis');
    expect(kw.exec('axis = "batch"')?.[0]).toBe('axis');
    expect(kw.exec('a == b')).toBeNull();
    const num = new RegExp(`^(?:${NUMBER_RE.source})$`);
    for (const n of ['0', '-1', '3.5', '1e9']) expect(num.test(n)).toBe(true);
    expect(num.test('1.')).toBe(false);
  });
});
