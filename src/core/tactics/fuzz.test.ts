import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Mesh } from '../mesh/mesh';
import { completionsAt, globAt } from './completions';
import { parseTactics } from './parser';
import { resolveTactics } from './resolve';
import { tinyMlp, tinyTransformer } from './__fixtures__/programs';

const MESH: Mesh = { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] };
const T = tinyTransformer();
const M = tinyMlp(2);

/** Fragments of the language, so random programs get deep into the parser and checker. */
const fragment = fc.constantFrom(
  'A', 'B', 'schedule', ' = ', '=', '(', ')', '[', ']', '{', '}', ',', ':', '-', '\n', ' ', '# c\n', '"', "'",
  'ManualPartition', 'BatchParallel', 'Megatron', 'ZeRO', 'SequenceParallel', 'EmbeddingShard', 'AutomaticPartition',
  'inputs=', 'axis=', 'axes=', 'stage=', 'dim=', 'objective=', 'memory_limit=', 'budget=', 'seed=',
  '"batch"', '"model"', '"nope"', '"params/**"', '"batch/*"', '"opt_state/**"', '"layer_*/x"', '"16GiB"',
  '0', '1', '-1', '3', '99', '2.5', 'LARGEST', 'REPLICATED', 'True', '@', '\\\n', '"unterminated',
);
const soup = fc.array(fragment, { maxLength: 40 }).map((xs) => xs.join(''));

function rangesAreSane(text: string, diags: readonly { range?: { line: number; column: number; endLine: number; endColumn: number } }[]) {
  const lines = text.split('\n').length;
  for (const d of diags) {
    if (!d.range) continue;
    expect(d.range.line).toBeGreaterThanOrEqual(1);
    expect(d.range.column).toBeGreaterThanOrEqual(1);
    expect(d.range.line).toBeLessThanOrEqual(lines);
    expect(d.range.endLine).toBeGreaterThanOrEqual(d.range.line);
  }
}

describe('robustness (property): nothing the user types makes the tactic module throw', () => {
  it('random unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const p = parseTactics(text);
      rangesAreSane(text, p.diagnostics);
      const r = resolveTactics(text, T, MESH);
      rangesAreSane(text, r.diagnostics);
    }), { numRuns: 300 });
  });

  it('random programs made of language fragments', () => {
    fc.assert(fc.property(soup, fc.boolean(), (text, mlp) => {
      const p = parseTactics(text);
      rangesAreSane(text, p.diagnostics);
      const r = resolveTactics(text, mlp ? M : T, MESH);
      rangesAreSane(text, r.diagnostics);
      // Every seed is a real value, a dim in range or 'replicated'.
      for (const t of r.tactics) {
        for (const s of t.seeds) {
          const v = (mlp ? M : T).values[s.value];
          expect(v).toBeDefined();
          if (s.dim !== 'replicated') expect(s.dim).toBeLessThan(v.type.shape.length);
        }
      }
    }), { numRuns: 500 });
  });

  it('completions and globAt at any position of random programs', () => {
    const ctx = { paths: ['batch/tokens', 'params/layer_0/w'], axes: ['batch'] };
    fc.assert(fc.property(soup, fc.nat(30), fc.nat(80), (text, line, column) => {
      completionsAt(text, line, column, ctx);
      globAt(text, line, column);
    }), { numRuns: 300 });
  });
});
