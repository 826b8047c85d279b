import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import attentionText from '../../../../public/examples/attention_block.mlir?raw';
import mlpText from '../../../../public/examples/mlp_train_step.mlir?raw';
import { isUserError } from '../../errors';
import { importStableHlo } from './import';

/** A mutation of the text: on characters, or on whitespace-separated tokens. */
type Mutation =
  | { kind: 'delete' | 'duplicate'; at: number; len: number; tokens: boolean }
  | { kind: 'swap'; at: number; other: number; tokens: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom<'delete' | 'duplicate'>('delete', 'duplicate'), at: fc.nat(), len: fc.integer({ min: 1, max: 6 }), tokens: fc.boolean() }),
  fc.record({ kind: fc.constant<'swap'>('swap'), at: fc.nat(), other: fc.nat(), tokens: fc.boolean() }),
);

function apply(text: string, m: Mutation): string {
  const parts = m.tokens ? text.split(/(\s+)/) : [...text];
  const n = parts.length;
  const at = m.at % n;
  if (m.kind === 'swap') {
    const o = m.other % n;
    [parts[at], parts[o]] = [parts[o], parts[at]];
  } else if (m.kind === 'delete') parts.splice(at, m.len);
  else parts.splice(at, 0, ...parts.slice(at, at + m.len));
  return parts.join('');
}

describe('fuzz: mutated modules never crash the importer', () => {
  it.each([['mlp', mlpText], ['attention', attentionText]])('%s example', (_name, text) => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const mutated = ms.reduce(apply, text);
        let r;
        try {
          r = importStableHlo(mutated);
        } catch (e) {
          // the importer reports bad input as diagnostics; anything thrown must at least be a UserError
          expect(isUserError(e), String(e instanceof Error ? e.stack : e)).toBe(true);
          return;
        }
        if (r.ok) expect(r.program.outputs.length).toBeGreaterThan(0);
        else {
          expect(r.diagnostics.length).toBeGreaterThan(0);
          expect(r.diagnostics[0].severity).toBe('error');
          expect(r.diagnostics[0].message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
