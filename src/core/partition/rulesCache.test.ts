import { describe, expect, it } from 'vitest';
import { ProgramBuilder } from '../ir/builder';
import { buildZooModel } from '../models/zoo';
import { programFacts } from './facts';
import { formatRule, ruleOf, rulesOf } from './rules';

// rulesOf shares one rule object between ops of equal kind, types (and attributes where they matter) and
// caches the array per program; these tests check the sharing never hands an op a rule that differs from
// the one computed for it alone.
describe('rulesOf cache', () => {
  it('gives every op of a training step the rule ruleOf computes for it', () => {
    const p = buildZooModel('transformer', { layers: 2, dModel: 16, heads: 4, dFF: 32, seq: 8, vocab: 32, batch: 4, precision: 'mixed' });
    const rules = rulesOf(p);
    expect(rules.length).toBe(p.ops.length);
    for (const op of p.ops) {
      const alone = ruleOf(op, p);
      const shared = rules[op.id];
      expect(shared === null ? 'null' : formatRule(shared), `${op.kind} #${op.id}`).toBe(alone === null ? 'null' : formatRule(alone));
      if (alone !== null && shared !== null) {
        expect(shared.linearIn, `${op.kind} #${op.id}`).toEqual(alone.linearIn);
        expect(shared.linearJointly ?? false).toBe(alone.linearJointly ?? false);
      }
    }
  });

  it('shares rules between the layers of a deep model and caches them per program', () => {
    const p = buildZooModel('transformer', { layers: 4, dModel: 16, heads: 4, dFF: 32, seq: 8, vocab: 32, batch: 4 });
    const rules = rulesOf(p);
    const distinct = new Set(rules.filter((r) => r !== null));
    // Four identical layers: far fewer distinct rules than ops with a rule.
    expect(distinct.size * 3).toBeLessThan(rules.filter((r) => r !== null).length);
    expect(rulesOf(p)).toBe(rules);
    expect(programFacts(p).rules).toBe(rules);
  });

  it('keys attributes where they change the rule: two transposes of one type get their own rules', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('x', { shape: [4, 4, 2], dtype: 'f32' });
    b.transpose(x, [1, 0, 2]);
    b.transpose(x, [0, 1, 2]);
    b.reduce(x, 'sum', [0]);
    b.reduce(x, 'max', [0]);
    const p = b.build();
    const rules = rulesOf(p);
    expect(rules[0]).not.toBe(rules[1]);
    expect(formatRule(rules[0]!)).toBe(formatRule(ruleOf(p.ops[0], p)!));
    expect(formatRule(rules[1]!)).toBe(formatRule(ruleOf(p.ops[1], p)!));
    // A sum and a max over the same dim: the same factors, but only the sum is linear (a partial sum flows on).
    expect(formatRule(rules[2]!)).toContain('reduction');
    expect(rules[2]!.linearIn).toEqual([true]);
    expect(rules[3]!.linearIn).toEqual([false]);
  });

  it('recomputes when the program grew after the first call', () => {
    const b = new ProgramBuilder('t');
    const x = b.input('x', { shape: [4], dtype: 'f32' });
    b.add(x, x);
    const p = b.build();
    expect(rulesOf(p).length).toBe(1);
    b.mul(x, x); // the builder's arrays are the program's
    expect(rulesOf(p).length).toBe(2);
  });
});
