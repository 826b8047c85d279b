import { describe, it, expect } from 'vitest';
import { stringStartColumn } from './providers';
import { monarch, TACTIC_NAMES } from './partirLanguage';
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
  it('knows every tactic of the catalogue', () => {
    for (const t of tacticCatalog) expect(TACTIC_NAMES).toContain(t.name);
    expect(monarch.tactics).toBe(TACTIC_NAMES);
  });
});
