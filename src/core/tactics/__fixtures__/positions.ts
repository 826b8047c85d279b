import type { SourceRange } from '../../errors';

/** 1-based line/column of the `nth` occurrence of `needle` in `text`, computed from the text itself. */
export function posOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let off = -1;
  for (let k = 0; k <= nth; k++) {
    off = text.indexOf(needle, off + 1);
    if (off < 0) throw new Error(`"${needle}" #${nth} not in text`);
  }
  const before = text.slice(0, off);
  const line = before.split('\n').length;
  return { line, column: off - (before.lastIndexOf('\n') + 1) + 1 };
}

/** The range covering the `nth` occurrence of `needle` (on one line). */
export function rangeOf(text: string, needle: string, nth = 0): SourceRange {
  const p = posOf(text, needle, nth);
  return { line: p.line, column: p.column, endLine: p.line, endColumn: p.column + needle.length };
}
