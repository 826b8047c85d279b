/** Tactic text built to hurt: deep brackets, huge text, thousands of definitions, reserved names. */
import { describe, expect, it } from 'vitest';
import type { Mesh } from '../mesh/mesh';
import { MAX_NESTING, MAX_SCHEDULE_TACTICS, MAX_TACTIC_CHARS, MAX_TACTIC_STATEMENTS } from '../limits';
import { parseTactics } from './parser';
import { resolveTactics } from './resolve';
import { tinyTransformer } from './__fixtures__/programs';

const MESH: Mesh = { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] };
const T = tinyTransformer();
const errors = (r: { diagnostics: readonly { severity?: string; message: string; range?: { line: number; column: number } }[] }) =>
  r.diagnostics.filter((d) => d.severity !== 'warning');

describe('tactic text past the limits', () => {
  it.each([['[', ']'], ['f(', ')'], ['{"a": ', '}']])('5,000 nested %s is one diagnostic at the bracket past the limit, not a stack overflow', (open, close) => {
    const text = `X = ${open.repeat(5000)}${close.repeat(5000)}\nY = BatchParallel(axis="batch")\n`;
    const r = parseTactics(text);
    expect(r.diagnostics[0].message).toMatch(new RegExp(`nest deeper than ${MAX_NESTING} levels`));
    // at the value one level too deep: the bracket itself, or a dict's key inside the last bracket allowed
    const { line, column } = r.diagnostics[0].range!;
    expect(line).toBe(1);
    expect(column).toBeGreaterThan(5 + (MAX_NESTING - 1) * open.length);
    expect(column).toBeLessThanOrEqual(5 + MAX_NESTING * open.length);
    // the statement after it is still read
    expect(r.program.statements.map((s) => s.target)).toContain('Y');
  });

  it('nesting at the limit still parses', () => {
    const r = parseTactics(`X = ${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}\n`);
    expect(r.diagnostics).toEqual([]);
  });

  it('text past the size limit is refused in one line', () => {
    const r = parseTactics(`# ${'x'.repeat(MAX_TACTIC_CHARS)}\n`);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].message).toMatch(/at most 100,000 are allowed/);
  });

  it('25,000 definitions: the text is refused past the statement limit, and a long schedule past the tactic limit', () => {
    const defs = Array.from({ length: 25_000 }, (_, i) => `T${i}=BP`).join('\n');
    const r = parseTactics(defs.slice(0, MAX_TACTIC_CHARS));
    expect(r.program.statements).toHaveLength(MAX_TACTIC_STATEMENTS);
    expect(r.diagnostics.at(-1)!.message).toMatch(/more than 1,000 statements/);

    const many = `BP = BatchParallel(axis="batch")\nschedule = [${Array(MAX_SCHEDULE_TACTICS + 1).fill('BP').join(', ')}]\n`;
    const rr = resolveTactics(many, T, MESH);
    expect(errors(rr).map((d) => d.message)).toEqual([expect.stringMatching(/applies 65 tactics; at most 64/)]);
    expect(rr.tactics).toEqual([]);
  });

  it('a 45,000-character undefined name (next to a defined one as long) gets its message without a did-you-mean search', () => {
    const long = 'Q'.repeat(45_000);
    const r = resolveTactics(`${long}A = BatchParallel(axis="batch")\nschedule = [${long}B]\n`, T, MESH);
    expect(errors(r).map((d) => d.message)).toEqual([expect.stringMatching(/^'Q{57}…' is not defined; define it above as Q{57}… = Tactic/)]);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('a tactic named %s is an ordinary name', (name) => {
    const r = resolveTactics(`${name} = BatchParallel(axis="batch")\nschedule = [${name}]\n`, T, MESH);
    expect(errors(r)).toEqual([]);
    expect(r.tactics.map((t) => t.name)).toEqual([name]);
    const undef = resolveTactics(`BP = BatchParallel(axis="batch")\nschedule = [BP, ${name}]\n`, T, MESH);
    expect(errors(undef).map((d) => d.message)).toEqual([expect.stringMatching(new RegExp(`^'${name}' is not defined`))]);
  });
});
