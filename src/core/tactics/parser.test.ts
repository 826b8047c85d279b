import { describe, expect, it } from 'vitest';
import { parseTactics } from './parser';
import type { CallExpr, DictExpr, Expr, ListExpr } from './syntax';
import { posOf, rangeOf } from './__fixtures__/positions';

const asCall = (e: Expr | undefined): CallExpr => {
  if (e?.kind !== 'call') throw new Error(`expected a call, got ${e?.kind}`);
  return e;
};
const asDict = (e: Expr | undefined): DictExpr => {
  if (e?.kind !== 'dict') throw new Error(`expected a dict, got ${e?.kind}`);
  return e;
};
const asList = (e: Expr | undefined): ListExpr => {
  if (e?.kind !== 'list') throw new Error(`expected a list, got ${e?.kind}`);
  return e;
};

describe('parseTactics: well-formed programs', () => {
  it('parses the docs/tactics.md example with exact ranges', () => {
    const text = [
      'BP = ManualPartition(inputs={"batch/*": 0}, axis="batch")          # data parallel',
      'MP = ManualPartition(inputs={"params/*/mlp/w_in": 1,               # Megatron',
      '                             "params/*/mlp/w_out": 0}, axis="model")',
      'Z3 = ManualPartition(inputs={"params/**": LARGEST,',
      '                             "opt_state/**": LARGEST}, axis="batch")',
      'schedule = [BP, MP, Z3]',
      '',
    ].join('\n');
    const { program, diagnostics } = parseTactics(text);
    expect(diagnostics).toEqual([]);
    expect(program.statements.map((s) => s.target)).toEqual(['BP', 'MP', 'Z3', 'schedule']);

    const bp = program.statements[0];
    expect(bp.targetRange).toEqual(rangeOf(text, 'BP'));
    const call = asCall(bp.value);
    expect(call.callee).toBe('ManualPartition');
    expect(call.calleeRange).toEqual(rangeOf(text, 'ManualPartition'));
    expect(call.args.map((a) => a.name)).toEqual(['inputs', 'axis']);
    expect(call.args[1].nameRange).toEqual(rangeOf(text, 'axis'));
    expect(call.args[1].value).toMatchObject({ kind: 'string', value: 'batch', range: rangeOf(text, '"batch"') });
    const dict = asDict(call.args[0].value);
    expect(dict.entries[0].key).toMatchObject({ kind: 'string', value: 'batch/*', range: rangeOf(text, '"batch/*"') });
    expect(dict.entries[0].value).toMatchObject({ kind: 'number', value: 0 });
    // The call ends after its ')' — before the comment.
    const end = posOf(text, '")', 0);
    expect(call.range).toEqual({ ...rangeOf(text, 'ManualPartition'), endColumn: end.column + 2 });

    // A call across two lines spans both.
    const mp = asCall(program.statements[1].value);
    const close = posOf(text, '"model")');
    expect(mp.range).toMatchObject({ line: 2, endLine: 3, endColumn: close.column + '"model")'.length });
    const mpDict = asDict(mp.args[0].value);
    expect(mpDict.entries.map((e) => e.key.kind === 'string' && e.key.value)).toEqual(['params/*/mlp/w_in', 'params/*/mlp/w_out']);
    expect(mpDict.entries[1].key.range).toEqual(rangeOf(text, '"params/*/mlp/w_out"'));

    const z3 = asDict(asCall(program.statements[2].value).args[0].value);
    expect(z3.entries[1].value).toMatchObject({ kind: 'name', name: 'LARGEST', range: rangeOf(text, 'LARGEST', 1) });

    const sched = asList(program.statements[3].value);
    expect(sched.items.map((i) => (i.kind === 'name' ? i.name : '?'))).toEqual(['BP', 'MP', 'Z3']);
    expect(sched.items[2].range).toEqual(rangeOf(text, 'Z3', 1));
  });

  it('accepts single quotes, negative ints, True/False, trailing commas, comments and inline calls', () => {
    const text = [
      "# a comment line",
      "A = ManualPartition(",
      "    inputs={'params/**': -1, 'batch/*': REPLICATED,},  # trailing comma in the dict",
      "    axis='model',",
      ")",
      "B = AutomaticPartition(axes=['a', 'b'], budget=10, seed=-3, objective=\"memory\", flag=True)",
      "schedule = [A, BatchParallel(axis=\"batch\"), B,]",
    ].join('\n');
    const { program, diagnostics } = parseTactics(text);
    expect(diagnostics).toEqual([]);
    const a = asCall(program.statements[0].value);
    expect(a.range).toMatchObject({ line: 2, column: 5, endLine: 5, endColumn: 2 });
    const entries = asDict(a.args[0].value).entries;
    expect(entries[0].value).toMatchObject({ kind: 'number', value: -1, range: rangeOf(text, '-1') });
    expect(entries[1].value).toMatchObject({ kind: 'name', name: 'REPLICATED' });
    const b = asCall(program.statements[1].value);
    expect(b.args.find((x) => x.name === 'seed')?.value).toMatchObject({ kind: 'number', value: -3 });
    expect(b.args.find((x) => x.name === 'flag')?.value).toMatchObject({ kind: 'name', name: 'True' });
    const sched = asList(program.statements[2].value);
    expect(sched.items.map((i) => i.kind)).toEqual(['name', 'call', 'name']);
    expect(asCall(sched.items[1]).range).toEqual(rangeOf(text, 'BatchParallel(axis="batch")'));
  });

  it('parses an empty text and a comment-only text to no statements', () => {
    expect(parseTactics('')).toEqual({ program: { statements: [] }, diagnostics: [] });
    expect(parseTactics('# nothing\n\n   # here\n')).toEqual({ program: { statements: [] }, diagnostics: [] });
  });
});

describe('parseTactics: syntax errors point at the problem and parsing recovers', () => {
  const errorsOf = (text: string) => parseTactics(text).diagnostics;

  it('reports an unclosed call at the token where it should have closed, naming where it opened', () => {
    const text = 'A = BatchParallel(axis="batch"\nB = Megatron(axis="model")\nschedule = [A, B]\n';
    const { program, diagnostics } = parseTactics(text);
    expect(diagnostics).toHaveLength(1);
    const open = posOf(text, '(');
    expect(diagnostics[0].message).toContain(`expected ')' to close the call opened at ${open.line}:${open.column}`);
    // Reported where the ')' is missing: right after the last argument, not on the next statement.
    const after = posOf(text, '"batch"');
    expect(diagnostics[0].range).toEqual({ line: 1, column: after.column + 7, endLine: 1, endColumn: after.column + 8 });
    expect(diagnostics[0].code).toBe('tactic-syntax');
    // Recovery: B and schedule still parse; A is kept as a (broken) definition.
    expect(program.statements.map((s) => [s.target, s.value?.kind])).toEqual([['A', undefined], ['B', 'call'], ['schedule', 'list']]);
  });

  it('reports an unterminated string and still parses the next line', () => {
    const text = 'A = BatchParallel(axis="batch)\nB = Megatron(axis="model")\n';
    const d = errorsOf(text);
    expect(d[0]).toMatchObject({ message: expect.stringContaining('unterminated string'), range: { line: 1, column: posOf(text, '"batch').column } });
    expect(parseTactics(text).program.statements.find((s) => s.target === 'B')?.value?.kind).toBe('call');
  });

  it('reports every broken statement, each with its own line and column', () => {
    const text = [
      'A = Megatron(axis="model" stage=1)', // missing comma
      'B Megatron(axis="model")', // missing '='
      'C = ',
      'D = ManualPartition(inputs={"x" 0}, axis="a")', // missing ':'
      'E = [1, 2',
      'F = BatchParallel(axis="batch") extra',
      'G = - "x"',
      'H = BatchParallel(axis=@"batch")',
      'schedule = [A]',
    ].join('\n');
    const { program, diagnostics } = parseTactics(text);
    const at = (line: number) => diagnostics.filter((d) => d.range?.line === line);
    expect(at(1)[0]).toMatchObject({ range: rangeOf(text, 'stage'), message: expect.stringContaining("expected ')' to close the call opened at 1:13") });
    expect(at(2)[0]).toMatchObject({ range: rangeOf(text, 'Megatron', 1), message: expect.stringContaining("expected '=' after 'B'") });
    expect(at(3)[0].message).toContain('expected a value');
    expect(at(4)[0]).toMatchObject({ range: rangeOf(text, '0}'.slice(0, 1), 0), message: expect.stringContaining("expected ':'") });
    expect(at(5)[0]).toMatchObject({ range: { line: 5, column: 10 }, message: expect.stringContaining("expected ']' to close the list opened at 5:5") });
    expect(at(6)[0]).toMatchObject({ range: rangeOf(text, 'extra'), message: expect.stringContaining('own line') });
    expect(at(7)[0].message).toContain("expected a number after '-'");
    expect(at(8)[0]).toMatchObject({ range: rangeOf(text, '@'), message: "unexpected character '@'" });
    expect(diagnostics.every((d) => d.severity === 'error' && d.code === 'tactic-syntax')).toBe(true);
    // The last statement is intact after all that.
    expect(program.statements[program.statements.length - 1]).toMatchObject({ target: 'schedule', value: { kind: 'list' } });
  });

  it('recovers across an unclosed multi-line call whose continuation lines look like statements', () => {
    const text = [
      'MP = ManualPartition(inputs={"params/**": 0,',
      '    axis="model"',
      'BP = BatchParallel(axis="batch")',
      'schedule = [MP, BP]',
    ].join('\n');
    const { program, diagnostics } = parseTactics(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].range?.line).toBe(2);
    expect(program.statements.map((s) => s.target)).toEqual(['MP', 'BP', 'schedule']);
  });

  it('reports an unclosed bracket at the end of the text', () => {
    const text = 'schedule = [A, B';
    const d = errorsOf(text);
    expect(d).toHaveLength(1);
    expect(d[0].message).toBe("expected ']' to close the list opened at 1:12 (or ',' before the next item), found the end of the text");
  });
});
